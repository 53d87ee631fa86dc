//! One allow-list pattern (a host name or a network) and how it matches: the outbound
//! guard's vocabulary, kept apart from the admin service that stores the list.

use std::net::IpAddr;

/// One parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowPattern {
    /// Lower-case host name without a trailing dot; matches that exact name.
    Host(String),
    /// A network (a single address is a /32 or /128).
    Net(IpAddr, u8),
}

impl AllowPattern {
    /// Parses and normalises a pattern; the message says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if let Some((addr, bits)) = s.split_once('/') {
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("`{addr}` is not an IP address"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("the prefix length must be 0..={max}"))?;
            return Ok(AllowPattern::Net(mask(ip, bits), bits));
        }
        let unbracketed = s.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            return Ok(AllowPattern::Net(ip, bits));
        }
        let host = s.trim_end_matches('.');
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(
                "expected a host name (`api.internal`), an IP address or a CIDR block (`10.0.0.0/8`)"
                    .into(),
            );
        }
        Ok(AllowPattern::Host(host.to_owned()))
    }

    /// The normalised text stored in the table.
    pub fn to_text(&self) -> String {
        match self {
            AllowPattern::Host(h) => h.clone(),
            AllowPattern::Net(ip, bits) if (ip.is_ipv4() && *bits == 32) || *bits == 128 => {
                ip.to_string()
            }
            AllowPattern::Net(ip, bits) => format!("{ip}/{bits}"),
        }
    }

    pub fn matches_host(&self, host: &str) -> bool {
        matches!(self, AllowPattern::Host(h) if h == host)
    }

    pub fn matches_ip(&self, ip: IpAddr) -> bool {
        match self {
            AllowPattern::Net(net, bits) => {
                net.is_ipv4() == ip.is_ipv4() && mask(ip, *bits) == *net
            }
            AllowPattern::Host(_) => false,
        }
    }
}

fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let m = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & m).into())
        }
        IpAddr::V6(v6) => {
            let m = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & m).into())
        }
    }
}

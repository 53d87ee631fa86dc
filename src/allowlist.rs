//! The admin's outbound allow-list: hosts and networks that outbound calls may reach even
//! though they are loopback, private or link-local (DESIGN §7). Typical entries are an
//! internal API's host name or a lab network's CIDR block.
//!
//! Changes invalidate the guard's cache at once on this instance; other instances (they
//! share the database) pick them up within the guard's short cache lifetime.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::db::allowlist::{self as repo, AllowRow};
use crate::error::{AppError, AppResult};
use crate::state::App;
use crate::user::Role;

/// An allow-list entry as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AllowEntry {
    pub id: String,
    /// A host name, an IP address or a CIDR block (normalised).
    pub pattern: String,
    pub note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAllowEntry {
    /// `internal.example.com`, `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`.
    pub pattern: String,
    #[serde(default)]
    pub note: String,
}

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

fn view(r: &AllowRow) -> AllowEntry {
    AllowEntry {
        id: r.id.clone(),
        pattern: r.pattern.clone(),
        note: r.note.clone(),
        created_at: r.created_at.clone(),
    }
}

pub async fn list(app: &App, actor: &CurrentUser) -> AppResult<Vec<AllowEntry>> {
    actor.require(Role::Admin)?;
    Ok(repo::list(&app.db).await?.iter().map(view).collect())
}

pub async fn add(app: &App, actor: &CurrentUser, req: &NewAllowEntry) -> AppResult<AllowEntry> {
    actor.require(Role::Admin)?;
    let pattern = AllowPattern::parse(&req.pattern).map_err(|m| AppError::field("pattern", m))?;
    let note = req.note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field("note", "must be at most 500 characters"));
    }
    let row = repo::insert(&app.db, &pattern.to_text(), note, Some(&actor.user.id)).await?;
    app.outbound.invalidate_allowlist();
    tracing::info!(pattern = %row.pattern, user_id = %actor.user.id, "outbound allow-list entry added");
    Ok(view(&row))
}

pub async fn remove(app: &App, actor: &CurrentUser, id: &str) -> AppResult<()> {
    actor.require(Role::Admin)?;
    if !repo::delete(&app.db, id).await? {
        return Err(AppError::NotFound(format!(
            "no allow-list entry with id {id}"
        )));
    }
    app.outbound.invalidate_allowlist();
    tracing::info!(entry_id = %id, user_id = %actor.user.id, "outbound allow-list entry removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_normalise_and_match() {
        let net = AllowPattern::parse("10.1.2.3/8").expect("cidr");
        assert_eq!(net.to_text(), "10.0.0.0/8");
        assert!(net.matches_ip("10.200.0.1".parse().expect("ip")));
        assert!(!net.matches_ip("11.0.0.1".parse().expect("ip")));
        let one = AllowPattern::parse("127.0.0.1").expect("ip");
        assert_eq!(one.to_text(), "127.0.0.1");
        assert!(one.matches_ip("127.0.0.1".parse().expect("ip")));
        assert!(!one.matches_ip("127.0.0.2".parse().expect("ip")));
        let v6 = AllowPattern::parse("[FD00::1]").expect("v6");
        assert_eq!(v6.to_text(), "fd00::1");
        let host = AllowPattern::parse("Api.Internal.").expect("host");
        assert!(host.matches_host("api.internal"));
        assert!(AllowPattern::parse("10.0.0.0/33").is_err());
        assert!(AllowPattern::parse("bad host!").is_err());
        assert!(AllowPattern::parse("").is_err());
        assert!(
            AllowPattern::parse("0.0.0.0/0")
                .is_ok_and(|p| p.matches_ip("8.8.8.8".parse().expect("ip")))
        );
    }
}

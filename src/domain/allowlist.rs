//! The admin's outbound allow-list as the API and the admin page show it (the rules and
//! the storage are in `backend::allowlist`; ARCHITECTURE.md, "Outbound calls").

use serde::{Deserialize, Serialize};

/// An allow-list entry as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AllowEntry {
    pub id: String,
    /// A host name, an IP address or a CIDR block (normalised).
    pub pattern: String,
    pub note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewAllowEntry {
    /// `internal.example.com`, `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`.
    pub pattern: String,
    #[serde(default)]
    pub note: String,
}

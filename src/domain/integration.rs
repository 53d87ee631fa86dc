//! API and MCP configurations of a wizard: what `api_call` and `mcp_call` actions reach.
//!
//! Credentials are write-only: a client sends them, the server encrypts them, and every
//! response (and export, and published version) carries only `secret_set`. A secret field
//! left out (`null`) on update keeps the stored secret.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::text_enum::text_enum;

/// Default timeout of an outbound call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

fn default_retries() -> u32 {
    2
}

/// An API configuration: base URL, default headers, timeout and auth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiConfig {
    #[serde(default)]
    pub id: Uuid,
    /// Unique in its wizard; scripts name it in `callApi(name, …)`.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `http(s)://host[:port][/path]`; action paths are joined to it.
    pub base_url: String,
    #[serde(default)]
    pub auth: ApiAuth,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub default_headers: BTreeMap<String, String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// Output only: whether a credential is stored. Ignored on input.
    #[serde(default)]
    pub secret_set: bool,
}

text_enum!(
    /// Where an API key goes.
    KeyPlacement {
        Header = "header",
        Query = "query",
    }
);

/// How requests authenticate. Secret members are `None` in every response; on update a
/// `None` secret keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ApiAuth {
    #[default]
    None,
    ApiKey {
        /// Header or query parameter name, e.g. `X-API-Key` or `api_key`.
        name: String,
        placement: KeyPlacement,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    Bearer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    Basic {
        username: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
    },
    Oauth2ClientCredentials {
        token_url: String,
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
}

impl ApiAuth {
    pub fn type_name(&self) -> &'static str {
        match self {
            ApiAuth::None => "none",
            ApiAuth::ApiKey { .. } => "api_key",
            ApiAuth::Bearer { .. } => "bearer",
            ApiAuth::Basic { .. } => "basic",
            ApiAuth::Oauth2ClientCredentials { .. } => "oauth2_client_credentials",
        }
    }

    /// The same auth with every secret member removed (what responses and exports carry).
    pub fn without_secrets(&self) -> ApiAuth {
        match self.clone() {
            ApiAuth::None => ApiAuth::None,
            ApiAuth::ApiKey {
                name, placement, ..
            } => ApiAuth::ApiKey {
                name,
                placement,
                value: None,
            },
            ApiAuth::Bearer { .. } => ApiAuth::Bearer { token: None },
            ApiAuth::Basic { username, .. } => ApiAuth::Basic {
                username,
                password: None,
            },
            ApiAuth::Oauth2ClientCredentials {
                token_url,
                client_id,
                scope,
                ..
            } => ApiAuth::Oauth2ClientCredentials {
                token_url,
                client_id,
                client_secret: None,
                scope,
            },
        }
    }
}

/// A wizard's use of a registered MCP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct McpConfig {
    #[serde(default)]
    pub id: Uuid,
    /// Unique in its wizard.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The registry entry's name (`GET /mcp/servers`).
    pub server: String,
    /// Tools this wizard may call; empty means all of the server's tools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub available_tools: Vec<String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default = "default_retries")]
    pub max_retries: u32,
}

// ---- wire types of the configuration endpoints ------------------------------------------

/// Body of `POST /wizards/{wizard_id}/api-configs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiConfig {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default)]
    pub auth: ApiAuth,
    #[serde(default)]
    pub default_headers: BTreeMap<String, String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

/// Body of `PUT /wizards/api-configs/{id}`: the whole configuration and the `version`
/// it was read at. A secret left out keeps the stored one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateApiConfig {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default)]
    pub auth: ApiAuth,
    #[serde(default)]
    pub default_headers: BTreeMap<String, String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

/// A stored configuration as the API shows it (never with a credential).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiConfigView {
    #[serde(flatten)]
    pub config: ApiConfig,
    pub wizard_id: Uuid,
    /// Send it back on update and delete (optimistic concurrency).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// Body of `POST /wizards/api-configs/{id}/test` (optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TestApiConfigRequest {
    /// A path joined to the base URL (default: the base URL itself).
    #[serde(default)]
    pub path: Option<String>,
}

/// What a test call got: the status and a short excerpt, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestApiConfigResponse {
    /// True for a 2xx answer.
    pub ok: bool,
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// The start of the body (credentials scrubbed).
    pub body_excerpt: String,
    /// Why no answer was had (refused address, timeout, connection error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A stored configuration with what a client needs to edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct McpConfigView {
    #[serde(flatten)]
    pub config: McpConfig,
    pub wizard_id: Uuid,
    /// Send it back on PUT/DELETE (409 when someone changed it since).
    pub version: i64,
}

/// PUT body: the whole configuration and the version you read. Parsed by the API's
/// `Versioned` extractor, not by serde's `flatten`, which would let unknown keys (a typo
/// like `timeout`) pass silently and report errors without their field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateMcpConfig {
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(flatten)]
    pub config: McpConfig,
}

//! The one guarded outbound HTTP client (DESIGN §7): every `api_call`, `callApi` and OAuth2
//! token fetch goes through it. Refuses loopback, private, link-local and metadata
//! addresses unless the admin allow-listed them (checked after DNS resolution and on every
//! redirect hop), caps response size and time, and applies an API configuration's auth
//! (OAuth2 client-credentials tokens cached until expiry; a 401 refreshes once).
//!
//! OWNER: outbound helper (issue 4). Signatures are the contract.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::domain::event::HttpMethod;

#[derive(Debug, Clone)]
pub struct OutboundSettings {
    /// Largest response body read, in bytes.
    pub max_response_bytes: usize,
    /// Upper bound on any call's time (an action's own timeout may be shorter).
    pub max_timeout: Duration,
    /// Most redirects followed (each one re-checked).
    pub max_redirects: usize,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        Self {
            max_response_bytes: 5 * 1024 * 1024,
            max_timeout: Duration::from_secs(120),
            max_redirects: 5,
        }
    }
}

/// A request after templates are resolved.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    pub method: HttpMethod,
    pub url: String,
    pub query: Vec<(String, String)>,
    pub headers: BTreeMap<String, String>,
    pub body: Option<Value>,
    pub timeout: Duration,
}

/// A response: status, headers, and the body as JSON (text bodies become a JSON string).
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

/// Holds the HTTP client, the allow-list cache and the OAuth2 token cache.
pub struct Outbound {
    pub settings: OutboundSettings,
}

impl Outbound {
    pub fn new(settings: OutboundSettings) -> Self {
        Self { settings }
    }
}

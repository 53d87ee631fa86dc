//! The one guarded outbound HTTP client (ARCHITECTURE.md, "Outbound calls"): every `api_call`, `callApi` and OAuth2
//! token fetch goes through it. Refuses loopback, private, link-local and metadata
//! addresses unless the admin allow-listed them (checked after DNS resolution and on every
//! redirect hop), caps response size and time, and applies an API configuration's auth
//! (OAuth2 client-credentials tokens cached until expiry; a 401 refreshes once).
//!
//! DNS rebinding: the guard resolves a host name itself, checks every address, and pins
//! the checked addresses; the client's resolver only hands out pinned addresses and never
//! resolves on its own, so the connection goes to an address that was checked.
//!
//! Credentials never appear in an error message or a `tracing` field: messages name the
//! host (never the URL, whose query may carry an API key), and any text taken from a
//! response is scrubbed of the call's secrets first.

mod allow_pattern;

pub use allow_pattern::AllowPattern;

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;
use uuid::Uuid;

use crate::backend::db::Db;
use crate::backend::error::ActionError;
use crate::backend::gates::Gates;
use crate::domain::event::HttpMethod;
use crate::domain::integration::{ApiAuth, KeyPlacement};

/// How long a loaded allow-list is trusted. Admin changes on this instance invalidate it
/// at once; other instances sharing the database see them within this time.
const ALLOWLIST_TTL: Duration = Duration::from_secs(5);
/// Token lifetime assumed when a token endpoint gives no `expires_in`.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Pinned DNS answers older than this are dropped (each request pins afresh anyway).
const PIN_TTL: Duration = Duration::from_secs(120);
/// The header every scheme but an API key sends its credential in.
const AUTHORIZATION: &str = "authorization";
/// Longest excerpt of a response body put into an error message.
const EXCERPT_CHARS: usize = 200;

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

/// What an API configuration contributes to a call, with its credentials decrypted.
/// `Debug` hides the auth.
#[derive(Clone)]
pub struct ApiTarget {
    /// Keys the OAuth2 token cache.
    pub config_id: Uuid,
    pub base_url: String,
    pub default_headers: BTreeMap<String, String>,
    pub auth: ApiAuth,
}

impl std::fmt::Debug for ApiTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTarget")
            .field("config_id", &self.config_id)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth.type_name())
            .finish_non_exhaustive()
    }
}

/// The credentials of one call, scrubbed from anything taken from a response (its body,
/// headers and error excerpts) before it is returned, logged or stored (issue 10).
///
/// Two nets, because upstreams echo what they received in forms of their own (httpbin
/// answers `?api_key=sekret+XYZ/123%26%3D%2B` for the key `sekret XYZ/123&=+`):
/// - by structure: the query parameters and headers that carry a credential are known from
///   the configuration, so their values are replaced wherever they appear: as an object
///   member of that name (`"args": {"api_key": …}`, `"headers": {"Authorization": …}`) and as
///   a query parameter of any URL in the response, however it is encoded;
/// - by value: each secret is also searched for in its percent-encoded, form-encoded and
///   base64 forms, and text that only shows a secret once URL-decoded is returned decoded
///   with the secret replaced.
#[derive(Default)]
struct Secrets {
    /// Raw secrets, for the decoded comparison.
    raw: Vec<String>,
    /// Every form searched for verbatim: raw and encoded.
    forms: Vec<String>,
    /// Names (compared without case) of the query parameters and headers that carry a
    /// credential.
    names: Vec<String>,
}

impl Secrets {
    fn add(&mut self, s: &str) {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
        // Very short "secrets" would scrub ordinary words; they are not worth hiding.
        if s.len() < 3 || self.raw.iter().any(|x| x == s) {
            return;
        }
        self.raw.push(s.to_owned());
        let percent = utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let forms = [
            s.to_owned(),
            url::form_urlencoded::byte_serialize(s.as_bytes()).collect(),
            percent.to_ascii_lowercase(),
            percent,
            STANDARD.encode(s),
            STANDARD_NO_PAD.encode(s),
            URL_SAFE.encode(s),
            URL_SAFE_NO_PAD.encode(s),
        ];
        for f in forms {
            if !self.forms.contains(&f) {
                self.forms.push(f);
            }
        }
    }

    /// A query parameter or header name whose value is a credential.
    fn add_name(&mut self, name: &str) {
        if !self.is_credential_name(name) {
            self.names.push(name.to_owned());
        }
    }

    fn is_credential_name(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for f in &self.forms {
            if out.contains(f.as_str()) {
                out = out.replace(f.as_str(), "***");
            }
        }
        if let Some(url) = self.scrub_url(&out) {
            return url;
        }
        // A secret that shows only once URL-decoded (an encoding of our own list does not
        // cover): return the decoded text with the secret replaced.
        if out.contains(['%', '+']) {
            let decoded: String = url::form_urlencoded::parse(format!("x={out}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if self.raw.iter().any(|r| decoded.contains(r.as_str())) {
                return self.scrub(&decoded);
            }
        }
        out
    }

    /// `text` as a URL with every credential query parameter (by name, or by a value that
    /// holds a secret) replaced; `None` when `text` is not such a URL.
    fn scrub_url(&self, text: &str) -> Option<String> {
        if !text.contains('?') || text.contains(char::is_whitespace) {
            return None;
        }
        let mut url = Url::parse(text).ok()?;
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let hit = |(k, v): &(String, String)| {
            self.is_credential_name(k) || self.raw.iter().any(|r| v.contains(r.as_str()))
        };
        if !pairs.iter().any(hit) {
            return None;
        }
        let mut query = url.query_pairs_mut();
        query.clear();
        for pair in &pairs {
            let v = if hit(pair) { "***" } else { pair.1.as_str() };
            query.append_pair(&pair.0, v);
        }
        drop(query);
        Some(url.into())
    }

    fn scrub_value(&self, v: &mut Value) {
        if self.raw.is_empty() && self.names.is_empty() {
            return;
        }
        match v {
            Value::String(s) => *s = self.scrub(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.scrub_value(i)),
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for k in keys {
                    if let Some(mut inner) = map.remove(&k) {
                        if self.is_credential_name(&k) && !inner.is_null() {
                            inner = Value::String("***".into());
                        } else {
                            self.scrub_value(&mut inner);
                        }
                        map.insert(self.scrub(&k), inner);
                    }
                }
            }
            _ => {}
        }
    }

    fn scrub_headers(&self, headers: &mut BTreeMap<String, String>) {
        for (k, v) in headers.iter_mut() {
            *v = if self.is_credential_name(k) {
                "***".to_owned()
            } else {
                self.scrub(v)
            };
        }
    }
}

/// The loaded allow-list.
#[derive(Debug, Default)]
struct AllowList(Vec<AllowPattern>);

impl AllowList {
    fn allows_host(&self, host: &str) -> bool {
        self.0.iter().any(|p| p.matches_host(host))
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        let mapped = embedded_v4(ip).map(IpAddr::V4);
        self.0
            .iter()
            .any(|p| p.matches_ip(ip) || mapped.is_some_and(|m| p.matches_ip(m)))
    }
}

/// Checked addresses per host name; the only answers the client's resolver gives.
type Pins = Arc<Mutex<HashMap<String, (Vec<SocketAddr>, Instant)>>>;

struct PinnedResolver(Pins);

impl reqwest::dns::Resolve for PinnedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let found = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&host)
            .map(|(addrs, _)| addrs.clone());
        Box::pin(async move {
            match found {
                Some(addrs) => Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs),
                None => Err(format!("host {host} was not checked by the outbound guard").into()),
            }
        })
    }
}

struct CachedToken {
    token: String,
    expires: Instant,
}

/// Holds the HTTP client, the allow-list cache and the OAuth2 token cache.
pub struct Outbound {
    pub settings: OutboundSettings,
    client: Result<reqwest::Client, String>,
    pins: Pins,
    allowlist: Mutex<Option<(Instant, Arc<AllowList>)>>,
    tokens: Mutex<HashMap<u64, CachedToken>>,
    /// One token fetch at a time per configuration: concurrent calls wait for it instead
    /// of each fetching their own.
    fetching: Gates<u64>,
}

impl Outbound {
    pub fn new(settings: OutboundSettings) -> Self {
        // reqwest is built without a default TLS provider (aws-lc-rs is a long C build):
        // install ring for the whole process, so other reqwest clients (MCP over HTTP)
        // find one too. An error only means a provider is already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let pins: Pins = Arc::default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("wizard-platform/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(PinnedResolver(pins.clone())))
            .build()
            .map_err(|e| format!("the outbound HTTP client cannot start: {e}"));
        if let Err(e) = &client {
            tracing::error!(error = %e, "outbound HTTP client unavailable");
        }
        Self {
            settings,
            client,
            pins,
            allowlist: Mutex::new(None),
            tokens: Mutex::new(HashMap::new()),
            fetching: Gates::default(),
        }
    }

    /// Forgets the cached allow-list (after an admin change).
    pub fn invalidate_allowlist(&self) {
        *self
            .allowlist
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    async fn allowlist(&self, db: &Db) -> Result<Arc<AllowList>, ActionError> {
        if let Some((at, list)) = &*self
            .allowlist
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            && at.elapsed() < ALLOWLIST_TTL
        {
            return Ok(list.clone());
        }
        let rows = crate::backend::db::allowlist::list(db).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot read the outbound allow-list");
            ActionError::Transient("cannot read the outbound allow-list".into())
        })?;
        // Stored patterns were validated on the way in; one that no longer parses is skipped.
        let list = Arc::new(AllowList(
            rows.iter()
                .filter_map(|r| AllowPattern::parse(&r.pattern).ok())
                .collect(),
        ));
        *self
            .allowlist
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), list.clone()));
        Ok(list)
    }

    /// Checks a URL's scheme and host, resolving a host name and pinning the checked
    /// addresses for the connection.
    async fn guard(&self, db: &Db, url: &Url) -> Result<(), ActionError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ActionError::Invalid(format!(
                "only http and https URLs can be called, not {}:",
                url.scheme()
            )));
        }
        let list = self.allowlist(db).await?;
        let port = url.port_or_known_default().unwrap_or(80);
        let Some(raw_host) = url.host_str() else {
            return Err(ActionError::Invalid("the URL has no host".into()));
        };
        let bare = raw_host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return check_ip(&list, &ip.to_string(), ip);
        }
        let host = bare.trim_end_matches('.').to_ascii_lowercase();
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|_| ActionError::Transient(format!("cannot resolve host {host}")))?
            .collect();
        if addrs.is_empty() {
            return Err(ActionError::Transient(format!(
                "host {host} has no addresses"
            )));
        }
        if !list.allows_host(&host) {
            for a in &addrs {
                check_ip(&list, &host, a.ip())?;
            }
        }
        let mut pins = self.pins.lock().unwrap_or_else(PoisonError::into_inner);
        pins.retain(|_, (_, at)| at.elapsed() < PIN_TTL);
        pins.insert(host, (addrs, Instant::now()));
        Ok(())
    }

    /// Sends a request without an API configuration (the URL must be absolute).
    pub async fn send(
        &self,
        db: &Db,
        req: &OutboundRequest,
    ) -> Result<OutboundResponse, ActionError> {
        self.call(db, None, req).await
    }

    /// Sends a request with an API configuration's base URL, default headers and auth.
    /// Any status is a response; errors are refusals, connection failures, timeouts and
    /// oversized bodies. An OAuth2 401 fetches a new token and retries once.
    pub async fn call(
        &self,
        db: &Db,
        target: Option<&ApiTarget>,
        req: &OutboundRequest,
    ) -> Result<OutboundResponse, ActionError> {
        let timeout = req.timeout.min(self.settings.max_timeout);
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        tokio::time::timeout(timeout, self.call_inner(db, target, req))
            .await
            .unwrap_or(Err(ActionError::Timeout(ms)))
    }

    async fn call_inner(
        &self,
        db: &Db,
        target: Option<&ApiTarget>,
        req: &OutboundRequest,
    ) -> Result<OutboundResponse, ActionError> {
        let url = build_url(target.map(|t| t.base_url.as_str()), &req.url)?;
        let mut secrets = Secrets::default();
        let mut headers = HeaderMap::new();
        let mut sensitive: Vec<HeaderName> = Vec::new();
        let mut query = req.query.clone();
        if let Some(t) = target {
            for (k, v) in &t.default_headers {
                insert_header(&mut headers, k, v)?;
            }
        }
        for (k, v) in &req.headers {
            insert_header(&mut headers, k, v)?;
        }
        let oauth = match target.map(|t| &t.auth) {
            Some(ApiAuth::ApiKey {
                name,
                placement,
                value,
            }) => {
                let value = value.as_deref().unwrap_or_default();
                secrets.add(value);
                secrets.add_name(name);
                match placement {
                    KeyPlacement::Header => {
                        let hn = header_name(name)?;
                        headers.insert(hn.clone(), secret_header(value)?);
                        sensitive.push(hn);
                    }
                    KeyPlacement::Query => query.push((name.clone(), value.to_owned())),
                }
                false
            }
            Some(ApiAuth::Bearer { token }) => {
                let token = token.as_deref().unwrap_or_default();
                secrets.add(token);
                secrets.add_name(AUTHORIZATION);
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    secret_header(&format!("Bearer {token}"))?,
                );
                false
            }
            Some(ApiAuth::Basic { username, password }) => {
                let password = password.as_deref().unwrap_or_default();
                secrets.add(password);
                secrets.add_name(AUTHORIZATION);
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                secrets.add(&encoded);
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    secret_header(&format!("Basic {encoded}"))?,
                );
                false
            }
            Some(ApiAuth::Oauth2ClientCredentials { client_secret, .. }) => {
                secrets.add(client_secret.as_deref().unwrap_or_default());
                secrets.add_name(AUTHORIZATION);
                true
            }
            Some(ApiAuth::None) | None => false,
        };
        let mut url = url;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &query {
                pairs.append_pair(k, v);
            }
        }
        let body = req.body.as_ref().map(|b| Body::Json(b.clone()));
        let method = to_method(req.method);
        let Some(target) = target.filter(|_| oauth) else {
            return self
                .follow(db, method, url, headers, &sensitive, body, &secrets)
                .await;
        };
        let token = self.oauth_token(db, target, None).await?;
        secrets.add(&token);
        headers.insert(
            reqwest::header::AUTHORIZATION,
            secret_header(&format!("Bearer {token}"))?,
        );
        let first = self
            .follow(
                db,
                method.clone(),
                url.clone(),
                headers.clone(),
                &sensitive,
                body.clone(),
                &secrets,
            )
            .await?;
        if first.status != 401 {
            return Ok(first);
        }
        tracing::debug!(config_id = %target.config_id, "OAuth2 token refused; fetching a new one");
        let refused = token;
        let token = self.oauth_token(db, target, Some(&refused)).await?;
        secrets.add(&token);
        headers.insert(
            reqwest::header::AUTHORIZATION,
            secret_header(&format!("Bearer {token}"))?,
        );
        self.follow(db, method, url, headers, &sensitive, body, &secrets)
            .await
    }

    /// One request and its redirects, each hop checked by the guard. Credentials are not
    /// forwarded to another origin.
    #[allow(clippy::too_many_arguments)]
    async fn follow(
        &self,
        db: &Db,
        mut method: Method,
        mut url: Url,
        mut headers: HeaderMap,
        sensitive: &[HeaderName],
        mut body: Option<Body>,
        secrets: &Secrets,
    ) -> Result<OutboundResponse, ActionError> {
        let client = self
            .client
            .as_ref()
            .map_err(|e| ActionError::Transient(e.clone()))?;
        let mut hops = 0usize;
        loop {
            self.guard(db, &url).await?;
            let host = host_of(&url);
            let mut rb = client
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            match &body {
                Some(Body::Json(v)) => rb = rb.json(v),
                Some(Body::Form(f)) => rb = rb.form(f),
                None => {}
            }
            let started = Instant::now();
            let mut resp = rb.send().await.map_err(|e| send_error(e, &host))?;
            let status = resp.status();
            tracing::debug!(
                host = %host,
                method = %method,
                status = status.as_u16(),
                duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                "outbound call"
            );
            if status.is_redirection()
                && let Some(loc) = resp.headers().get(reqwest::header::LOCATION)
            {
                if hops >= self.settings.max_redirects {
                    return Err(ActionError::Failed(format!(
                        "{host} redirected more than {} times",
                        self.settings.max_redirects
                    )));
                }
                hops += 1;
                let next = loc
                    .to_str()
                    .ok()
                    .and_then(|l| url.join(l).ok())
                    .ok_or_else(|| {
                        ActionError::Failed(format!("{host} redirected to an invalid location"))
                    })?;
                if next.origin() != url.origin() {
                    headers.remove(reqwest::header::AUTHORIZATION);
                    headers.remove(reqwest::header::COOKIE);
                    for h in sensitive {
                        headers.remove(h);
                    }
                }
                // 301/302/303 turn into a GET without a body (what browsers do); 307/308
                // repeat the request as it was.
                if matches!(status.as_u16(), 301..=303) && method != Method::HEAD {
                    method = Method::GET;
                    body = None;
                    headers.remove(reqwest::header::CONTENT_TYPE);
                }
                url = next;
                continue;
            }
            let mut out_headers = BTreeMap::new();
            for (k, v) in resp.headers() {
                out_headers.insert(
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                );
            }
            let is_json = out_headers
                .get("content-type")
                .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
            let cap = self.settings.max_response_bytes;
            let too_big = || {
                ActionError::Failed(format!(
                    "the response from {host} is larger than the {cap}-byte limit"
                ))
            };
            if resp
                .content_length()
                .is_some_and(|n| n > u64::try_from(cap).unwrap_or(u64::MAX))
            {
                return Err(too_big());
            }
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| send_error(e, &host))? {
                if buf.len() + chunk.len() > cap {
                    return Err(too_big());
                }
                buf.extend_from_slice(&chunk);
            }
            let mut body = if buf.is_empty() {
                Value::Null
            } else if is_json {
                serde_json::from_slice(&buf)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&buf).into_owned()))
            } else {
                Value::String(String::from_utf8_lossy(&buf).into_owned())
            };
            secrets.scrub_value(&mut body);
            secrets.scrub_headers(&mut out_headers);
            return Ok(OutboundResponse {
                status: status.as_u16(),
                headers: out_headers,
                body,
            });
        }
    }

    /// A client-credentials token for this configuration: cached until shortly before it
    /// expires. `refused` is a token the API answered 401 to: it is not handed out again
    /// (a concurrent call may already have fetched its successor, which is used then).
    async fn oauth_token(
        &self,
        db: &Db,
        target: &ApiTarget,
        refused: Option<&str>,
    ) -> Result<String, ActionError> {
        let ApiAuth::Oauth2ClientCredentials {
            token_url,
            client_id,
            client_secret,
            scope,
        } = &target.auth
        else {
            return Err(ActionError::Invalid(
                "the API configuration does not use OAuth2".into(),
            ));
        };
        let secret = client_secret.as_deref().unwrap_or_default();
        // Keyed by everything that defines the token, so an edited configuration never
        // reuses a token obtained with its old credentials.
        let mut h = DefaultHasher::new();
        (target.config_id, token_url, client_id, secret, scope).hash(&mut h);
        let key = h.finish();
        let cached = || {
            let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
            tokens
                .get(&key)
                .filter(|t| Instant::now() < t.expires && Some(t.token.as_str()) != refused)
                .map(|t| t.token.clone())
        };
        if let Some(t) = cached() {
            return Ok(t);
        }
        let _fetching = self.fetching.turn(key).await;
        // Whoever held the gate before may have fetched one already.
        if let Some(t) = cached() {
            return Ok(t);
        }
        let url = Url::parse(token_url).map_err(|_| {
            ActionError::Invalid("the OAuth2 token URL of the API configuration is invalid".into())
        })?;
        let host = host_of(&url);
        let mut form = vec![
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("client_id".to_owned(), client_id.clone()),
            ("client_secret".to_owned(), secret.to_owned()),
        ];
        if let Some(s) = scope.as_deref().filter(|s| !s.is_empty()) {
            form.push(("scope".to_owned(), s.to_owned()));
        }
        let mut secrets = Secrets::default();
        secrets.add(secret);
        secrets.add_name("client_secret");
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let resp = self
            .follow(
                db,
                Method::POST,
                url,
                headers,
                &[],
                Some(Body::Form(form)),
                &secrets,
            )
            .await?;
        if resp.status >= 400 {
            let msg = format!(
                "the OAuth2 token endpoint at {host} answered {}: {}",
                resp.status,
                excerpt(&resp.body)
            );
            return Err(if resp.status >= 500 {
                ActionError::Transient(msg)
            } else {
                ActionError::Failed(msg)
            });
        }
        let token = resp
            .body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ActionError::Failed(format!(
                    "the OAuth2 token endpoint at {host} returned no access_token"
                ))
            })?
            .to_owned();
        let lifetime = resp
            .body
            .get("expires_in")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
        // Renew a little early so a token does not expire in flight: 30 s, or a fifth of
        // a short lifetime.
        let margin = (lifetime / 5).min(Duration::from_secs(30));
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                key,
                CachedToken {
                    token: token.clone(),
                    expires: Instant::now() + lifetime.saturating_sub(margin),
                },
            );
        tracing::debug!(config_id = %target.config_id, "OAuth2 token fetched");
        Ok(token)
    }
}

#[derive(Clone)]
enum Body {
    Json(Value),
    Form(Vec<(String, String)>),
}

/// Why an address is refused, if it is (without the allow-list).
pub fn refused_reason(ip: IpAddr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(ip) {
        return refused_v4(v4);
    }
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => refused_v6(v6),
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some("a cloud metadata address")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared (CGNAT)")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() || o[0] >= 240 {
        Some("reserved")
    } else {
        None
    }
}

fn refused_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        Some("a cloud metadata address")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if (s[0] & 0xfe00) == 0xfc00 {
        Some("private (unique local)")
    } else if (s[0] & 0xffc0) == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address: those reach the IPv4 host.
fn embedded_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    let IpAddr::V6(v6) = ip else { return None };
    let s = v6.segments();
    let o = v6.octets();
    let tail = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if let Some(v4) = v6.to_ipv4_mapped() {
        Some(v4)
    } else if (s[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_loopback() && !v6.is_unspecified())
        || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
    {
        Some(tail)
    } else {
        None
    }
}

fn check_ip(list: &AllowList, host: &str, ip: IpAddr) -> Result<(), ActionError> {
    match refused_reason(ip) {
        Some(reason) if !list.allows_ip(ip) => {
            Err(ActionError::Invalid(if host == ip.to_string() {
                format!(
                    "outbound calls may not reach {ip} ({reason} address); an admin can add it to the outbound allow-list"
                )
            } else {
                format!(
                    "outbound calls may not reach {host}: it resolves to {ip} ({reason} address); an admin can add the host or address to the outbound allow-list"
                )
            }))
        }
        _ => Ok(()),
    }
}

/// The request URL: absolute, or a path joined to the configuration's base URL. With a
/// configuration, an absolute URL must stay on the configuration's origin so its
/// credentials never go elsewhere.
pub fn build_url(base: Option<&str>, url: &str) -> Result<Url, ActionError> {
    let url = url.trim();
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    let parsed = match base {
        None => Url::parse(url).map_err(|_| {
            ActionError::Invalid("the URL must be absolute (http:// or https://)".into())
        })?,
        Some(base) => {
            let base_url = Url::parse(base).map_err(|_| {
                ActionError::Invalid("the API configuration's base URL is invalid".into())
            })?;
            if absolute {
                let u = Url::parse(url)
                    .map_err(|_| ActionError::Invalid("the URL is invalid".into()))?;
                if u.origin() != base_url.origin() {
                    return Err(ActionError::Invalid(format!(
                        "the URL must be on the API configuration's host {} (or be a path)",
                        host_of(&base_url)
                    )));
                }
                u
            } else if url.is_empty() {
                base_url
            } else {
                let joined = format!(
                    "{}/{}",
                    base.trim().trim_end_matches('/'),
                    url.trim_start_matches('/')
                );
                Url::parse(&joined)
                    .map_err(|_| ActionError::Invalid("the URL path is invalid".into()))?
            }
        }
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ActionError::Invalid(format!(
            "only http and https URLs can be called, not {}:",
            parsed.scheme()
        )));
    }
    Ok(parsed)
}

/// `host[:port]` of a URL: what messages name (never the query, which may hold a key).
fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => "(no host)".into(),
    }
}

fn header_name(name: &str) -> Result<HeaderName, ActionError> {
    HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| ActionError::Invalid(format!("`{name}` is not a valid header name")))
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), ActionError> {
    let hn = header_name(name)?;
    let hv = HeaderValue::from_str(value)
        .map_err(|_| ActionError::Invalid(format!("the value of header `{name}` is not valid")))?;
    headers.insert(hn, hv);
    Ok(())
}

/// A credential header: its value must not echo the secret in the error.
fn secret_header(value: &str) -> Result<HeaderValue, ActionError> {
    let mut hv = HeaderValue::from_str(value).map_err(|_| {
        ActionError::Invalid("the stored credential cannot be sent in an HTTP header".into())
    })?;
    hv.set_sensitive(true);
    Ok(hv)
}

fn to_method(m: HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Head => Method::HEAD,
    }
}

/// A transport error as an action error, without the URL (its query may hold a key).
fn send_error(e: reqwest::Error, host: &str) -> ActionError {
    if e.is_timeout() {
        return ActionError::Transient(format!("{host} did not answer in time"));
    }
    let mut cause = String::new();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    let what = if e.is_connect() {
        "cannot connect to"
    } else if e.is_body() || e.is_decode() {
        "the response body broke off from"
    } else {
        "the request failed on"
    };
    if cause.is_empty() || cause.contains("://") {
        ActionError::Transient(format!("{what} {host}"))
    } else {
        ActionError::Transient(format!("{what} {host}: {cause}"))
    }
}

/// A short, single-line excerpt of a body for an error message (already scrubbed).
pub fn excerpt(body: &Value) -> String {
    let text = match body {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > EXCERPT_CHARS {
        let cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn internal_addresses_are_refused_and_public_ones_are_not() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(refused_reason(ip(a)).is_some(), "{a} must be refused");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            assert!(refused_reason(ip(a)).is_none(), "{a} must be allowed");
        }
        assert_eq!(
            refused_reason(ip("169.254.169.254")),
            Some("a cloud metadata address")
        );
    }

    #[test]
    fn the_allow_list_admits_addresses_networks_and_mapped_forms() {
        let list = AllowList(vec![
            AllowPattern::parse("127.0.0.1").expect("p"),
            AllowPattern::parse("10.0.0.0/8").expect("p"),
        ]);
        assert!(check_ip(&list, "127.0.0.1", ip("127.0.0.1")).is_ok());
        assert!(check_ip(&list, "x", ip("::ffff:127.0.0.1")).is_ok());
        assert!(check_ip(&list, "x", ip("10.9.9.9")).is_ok());
        let err = check_ip(&list, "meta", ip("169.254.169.254")).expect_err("refused");
        assert!(
            matches!(&err, ActionError::Invalid(m) if m.contains("meta") && m.contains("allow-list"))
        );
    }

    #[test]
    fn urls_join_paths_and_keep_credentials_on_their_origin() {
        let base = Some("http://api.example.com/v1/");
        assert_eq!(
            build_url(base, "/users/7").expect("url").as_str(),
            "http://api.example.com/v1/users/7"
        );
        assert_eq!(
            build_url(base, "").expect("url").as_str(),
            "http://api.example.com/v1/"
        );
        assert!(build_url(base, "http://api.example.com/other").is_ok());
        assert!(build_url(base, "http://evil.example.com/").is_err());
        assert!(build_url(None, "/relative").is_err());
        assert!(build_url(None, "ftp://x/").is_err());
    }

    #[test]
    fn secrets_are_scrubbed_in_every_encoding_and_by_name() {
        let key = "sekret XYZ/123&=+";
        let mut s = Secrets::default();
        s.add(key);
        s.add_name("api_key");
        s.add_name(AUTHORIZATION);
        let mut v = serde_json::json!({
            // httpbin's echo of the URL: form-encoded, but with '/' left alone.
            "url": "http://127.0.0.1:9/get?api_key=sekret+XYZ/123%26%3D%2B&page=2",
            "args": {"api_key": "anything at all", "page": "2"},
            "headers": {"Authorization": "Bearer other", "X-Trace": "t1"},
            "form": "q=sekret+XYZ%2F123%26%3D%2B",
            "percent": "sekret%20XYZ%2F123%26%3D%2B and more",
            "lower": "sekret%20XYZ%2f123%26%3d%2b",
            "b64": ["c2VrcmV0IFhZWi8xMjMmPSs=", "c2VrcmV0IFhZWi8xMjMmPSs"],
        });
        s.scrub_value(&mut v);
        let text = v.to_string();
        for leaked in [
            "sekret",
            "c2VrcmV0IFhZWi8xMjMmPSs",
            "anything at all",
            "Bearer other",
        ] {
            assert!(!text.contains(leaked), "{leaked} in {v}");
        }
        assert_eq!(v["url"], "http://127.0.0.1:9/get?api_key=***&page=2");
        assert_eq!(v["args"]["page"], "2");
        assert_eq!(v["headers"]["X-Trace"], "t1");
        let mut headers = BTreeMap::from([
            (
                "location".to_owned(),
                "http://h/x?api_key=sekret%20XYZ%2F123%26%3D%2B".to_owned(),
            ),
            ("authorization".to_owned(), "Basic abc".to_owned()),
        ]);
        s.scrub_headers(&mut headers);
        assert_eq!(headers["authorization"], "***");
        assert!(!headers["location"].contains("sekret"), "{headers:?}");
    }

    #[test]
    fn secrets_are_scrubbed_from_bodies() {
        let mut s = Secrets::default();
        s.add("sk-123456");
        let mut v = serde_json::json!({"headers": {"X-Key": "sk-123456"}, "sk-123456": [1, "a sk-123456 b"]});
        s.scrub_value(&mut v);
        assert!(!v.to_string().contains("sk-123456"), "{v}");
    }
}

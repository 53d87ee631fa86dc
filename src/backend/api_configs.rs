//! API configurations of a wizard: base URL, default headers, timeout and
//! auth, used by `api_call` actions and `callApi` in scripts.
//!
//! Credentials are write-only. The non-secret part of the auth is stored in `auth`
//! (readable by anyone reading the row); the full auth, secrets included, only sealed in
//! `auth_secret`. Views carry `secret_set` instead. On update a secret left out keeps the
//! stored one, as long as the auth type stays the same.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::Serialize;
use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::api_configs::{self as repo, ApiConfigRow, ApiConfigWrite};
use crate::backend::db::{Backend, Db};
use crate::backend::error::ActionError;
use crate::backend::error::{AppError, AppResult};
use crate::backend::outbound::{ApiTarget, OutboundRequest, excerpt};
use crate::backend::state::AppState;
use crate::backend::ttl_cache::TtlCache;
use crate::domain::event::HttpMethod;
use crate::domain::integration::{
    ApiAuth, ApiConfig, ApiConfigView, DEFAULT_TIMEOUT_MS, KeyPlacement, NewApiConfig,
    TestApiConfigRequest, TestApiConfigResponse, UpdateApiConfig,
};
use crate::domain::problem::FieldError;
use crate::domain::user::Role;

/// Longest configuration name, in characters.
pub const MAX_NAME_LEN: usize = 100;
/// Largest timeout a configuration may set, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 120_000;

/// The configuration of a row, without secrets.
pub fn config_of(row: &ApiConfigRow) -> AppResult<ApiConfig> {
    let bad = |what: &str| {
        AppError::Internal(format!(
            "stored API configuration {} has unreadable {what}",
            row.id
        ))
    };
    let auth: ApiAuth = serde_json::from_str(&row.auth).map_err(|_| bad("auth"))?;
    let default_headers: BTreeMap<String, String> =
        serde_json::from_str(&row.default_headers).map_err(|_| bad("default_headers"))?;
    Ok(ApiConfig {
        id: row.id,
        name: row.config_name.clone(),
        description: row.description.clone(),
        base_url: row.base_url.clone(),
        auth: auth.without_secrets(),
        default_headers,
        timeout_ms: u64::try_from(row.timeout_ms).unwrap_or(DEFAULT_TIMEOUT_MS),
        secret_set: row.auth_secret.is_some(),
    })
}

fn view_of(row: &ApiConfigRow) -> AppResult<ApiConfigView> {
    Ok(ApiConfigView {
        config: config_of(row)?,
        wizard_id: row.wizard_id,
        version: row.version,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
    })
}

/// A wizard's configurations without secrets (what a draft, a published version and an
/// export carry).
pub async fn configs_of_wizard(db: &Db, wizard_id: Uuid) -> AppResult<Vec<ApiConfig>> {
    repo::list_by_wizard(db, wizard_id)
        .await?
        .iter()
        .map(config_of)
        .collect()
}

/// Stores configurations that come without credentials (import, clone): each keeps its
/// auth type and non-secret members, and needs its secret set again before it works.
pub async fn insert_without_secrets(
    db: &Db,
    wizard_id: Uuid,
    created_by: Option<&str>,
    configs: &[ApiConfig],
) -> AppResult<()> {
    for c in configs {
        let auth = c.auth.without_secrets();
        let auth_json = to_json(&auth)?;
        let headers_json = to_json(&c.default_headers)?;
        repo::insert(
            db,
            Uuid::now_v7(),
            wizard_id,
            created_by,
            &ApiConfigWrite {
                config_name: &c.name,
                description: &c.description,
                base_url: &c.base_url,
                auth_type: auth.type_name(),
                auth: &auth_json,
                auth_secret: None,
                default_headers: &headers_json,
                timeout_ms: i64::try_from(c.timeout_ms).unwrap_or(i64::MAX),
            },
        )
        .await?;
    }
    Ok(())
}

fn to_json<T: Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("serialising: {e}")))
}

/// The configuration a call uses, with its credentials decrypted, and its timeout.
/// `id_or_name` is the configuration's id or its name within the wizard.
pub async fn target_for_call(
    app: &AppState,
    wizard_id: Uuid,
    id_or_name: &str,
) -> Result<(ApiTarget, Duration), ActionError> {
    let row = find_cached(app, wizard_id, id_or_name).await?;
    let config = config_of(&row).map_err(|_| {
        ActionError::Invalid(format!(
            "the API configuration `{}` cannot be read",
            row.config_name
        ))
    })?;
    let auth = match &row.auth_secret {
        Some(sealed) => stored_auth(app, sealed).map_err(|_| {
            ActionError::Invalid(format!(
                "the credentials of API configuration `{}` cannot be decrypted; set them again",
                row.config_name
            ))
        })?,
        None if config.auth == ApiAuth::None => ApiAuth::None,
        None => {
            return Err(ActionError::Invalid(format!(
                "the API configuration `{}` has no credentials set",
                row.config_name
            )));
        }
    };
    Ok((
        ApiTarget {
            config_id: config.id,
            base_url: config.base_url,
            default_headers: config.default_headers,
            auth,
        },
        Duration::from_millis(config.timeout_ms),
    ))
}

/// The row a call uses: from [`App::api_config_rows`](crate::backend::state::App) when
/// fresh (every call asked the database; issue 15), else from the database.
async fn find_cached(
    app: &AppState,
    wizard_id: Uuid,
    id_or_name: &str,
) -> Result<ApiConfigRow, ActionError> {
    let load = async {
        repo::find(&app.db, wizard_id, id_or_name)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "cannot read an API configuration");
                ActionError::Transient("cannot read the API configuration".into())
            })?
            .ok_or_else(|| {
                ActionError::Invalid(format!(
                    "the wizard has no API configuration `{id_or_name}`"
                ))
            })
    };
    app.api_config_rows
        .get_or_load((wizard_id, id_or_name.to_owned()), load)
        .await
}

/// The cache of configuration rows calls use, by wizard and id or name. Edits drop their
/// rows at once ([`forget`]; a deleted wizard's in `wizards::delete`); see
/// [`TtlCache::single_writer`] for when it is on.
pub fn row_cache(backend: Backend) -> TtlCache<(Uuid, String), ApiConfigRow> {
    TtlCache::single_writer(backend)
}

/// After configuration `id` changed or went: calls read it again.
fn forget(app: &AppState, id: Uuid) {
    app.api_config_rows.remove_where(|_, row| row.id == id);
}

fn stored_auth(app: &AppState, sealed: &str) -> AppResult<ApiAuth> {
    let v = app.secrets.open_json(sealed)?;
    serde_json::from_value(v)
        .map_err(|_| AppError::Internal("stored credentials are not an auth".into()))
}

/// Checks the caller owns the wizard: its configurations are its owner's alone, as the
/// wizard is (admins included: README "Who may do what"); anything else is "not found".
async fn check_wizard(app: &AppState, actor: &CurrentUser, wizard_id: Uuid) -> AppResult<()> {
    crate::backend::wizards::owned(app, actor, wizard_id)
        .await
        .map(|_| ())
}

async fn load(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<ApiConfigRow> {
    actor.require(Role::Builder)?;
    let not_found = || AppError::NotFound(format!("no API configuration with id {id}"));
    let row = repo::get(&app.db, id).await?.ok_or_else(not_found)?;
    crate::backend::wizards::check_part_owner(app, actor, row.wizard_id, not_found).await?;
    Ok(row)
}

pub async fn list(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
) -> AppResult<Vec<ApiConfigView>> {
    check_wizard(app, actor, wizard_id).await?;
    repo::list_by_wizard(&app.db, wizard_id)
        .await?
        .iter()
        .map(view_of)
        .collect()
}

pub async fn get(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<ApiConfigView> {
    view_of(&load(app, actor, id).await?)
}

pub async fn create(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    req: &NewApiConfig,
) -> AppResult<ApiConfigView> {
    check_wizard(app, actor, wizard_id).await?;
    let input = Input::new(
        &req.name,
        &req.description,
        &req.base_url,
        &req.auth,
        &req.default_headers,
        req.timeout_ms,
    );
    let auth = input.validate(None)?;
    let (auth_json, secret) = seal(app, &auth)?;
    let headers_json = to_json(&input.default_headers)?;
    let id = Uuid::now_v7();
    let row = repo::insert(
        &app.db,
        id,
        wizard_id,
        Some(&actor.user.id),
        &input.write(&auth, &auth_json, secret.as_deref(), &headers_json),
    )
    .await?;
    tracing::info!(api_config_id = %row.id, wizard_id = %wizard_id, auth_type = %row.auth_type, "API configuration created");
    view_of(&row)
}

pub async fn update(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &UpdateApiConfig,
) -> AppResult<ApiConfigView> {
    let row = load(app, actor, id).await?;
    if row.version != req.version {
        return Err(AppError::stale_version("API configuration"));
    }
    let stored = match &row.auth_secret {
        Some(sealed) => match stored_auth(app, sealed) {
            Ok(a) => Some(a),
            Err(e) => {
                // Unreadable (key changed): the caller must send every secret again.
                tracing::warn!(api_config_id = %row.id, error = %e, "stored credentials unreadable");
                None
            }
        },
        None => None,
    };
    let input = Input::new(
        &req.name,
        &req.description,
        &req.base_url,
        &req.auth,
        &req.default_headers,
        req.timeout_ms,
    );
    let auth = input.validate(stored.as_ref())?;
    let (auth_json, secret) = seal(app, &auth)?;
    let headers_json = to_json(&input.default_headers)?;
    if !repo::update(
        &app.db,
        row.id,
        req.version,
        &input.write(&auth, &auth_json, secret.as_deref(), &headers_json),
    )
    .await?
    {
        return Err(AppError::stale_version("API configuration"));
    }
    forget(app, row.id);
    tracing::info!(api_config_id = %row.id, auth_type = %auth.type_name(), "API configuration updated");
    let row = repo::get(&app.db, row.id)
        .await?
        .ok_or_else(|| AppError::stale_version("API configuration"))?;
    view_of(&row)
}

pub async fn delete(app: &AppState, actor: &CurrentUser, id: Uuid, version: i64) -> AppResult<()> {
    let row = load(app, actor, id).await?;
    if row.version != version || !repo::delete(&app.db, row.id, version).await? {
        return Err(AppError::stale_version("API configuration"));
    }
    forget(app, row.id);
    tracing::info!(api_config_id = %row.id, "API configuration deleted");
    Ok(())
}

/// A GET of the base URL (or `path` under it) with the auth applied.
pub async fn test(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &TestApiConfigRequest,
) -> AppResult<TestApiConfigResponse> {
    let row = load(app, actor, id).await?;
    let wizard_id = row.wizard_id;
    let path = req.path.clone().unwrap_or_default();
    if path.contains("://") {
        return Err(AppError::field(
            "path",
            "must be a path under the base URL, not a URL",
        ));
    }
    let started = Instant::now();
    let result = async {
        let (target, timeout) = target_for_call(app, wizard_id, &row.id.to_string()).await?;
        let req = OutboundRequest {
            method: HttpMethod::Get,
            url: path,
            query: Vec::new(),
            headers: BTreeMap::new(),
            body: None,
            timeout,
        };
        app.outbound.call(&app.db, Some(&target), &req).await
    }
    .await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(match result {
        Ok(resp) => TestApiConfigResponse {
            ok: (200..300).contains(&resp.status),
            status: Some(resp.status),
            duration_ms,
            body_excerpt: excerpt(&resp.body),
            error: None,
        },
        Err(e) => TestApiConfigResponse {
            ok: false,
            status: None,
            duration_ms,
            body_excerpt: String::new(),
            error: Some(e.to_string()),
        },
    })
}

/// Encrypts the full auth when it holds a secret; returns (`auth` column, `auth_secret`).
fn seal(app: &AppState, auth: &ApiAuth) -> AppResult<(String, Option<String>)> {
    let public = to_json(&auth.without_secrets())?;
    if auth.without_secrets() == *auth {
        return Ok((public, None));
    }
    let full = serde_json::to_value(auth)
        .map_err(|e| AppError::Internal(format!("serialising credentials: {e}")))?;
    Ok((public, Some(app.secrets.seal_json(&full)?)))
}

/// The fields of a create or update, trimmed.
struct Input<'a> {
    name: String,
    description: String,
    base_url: String,
    auth: &'a ApiAuth,
    default_headers: BTreeMap<String, String>,
    timeout_ms: u64,
}

impl<'a> Input<'a> {
    fn new(
        name: &str,
        description: &str,
        base_url: &str,
        auth: &'a ApiAuth,
        default_headers: &BTreeMap<String, String>,
        timeout_ms: u64,
    ) -> Self {
        Self {
            name: name.trim().to_owned(),
            description: description.trim().to_owned(),
            base_url: base_url.trim().to_owned(),
            auth,
            default_headers: default_headers
                .iter()
                .map(|(k, v)| (k.trim().to_owned(), v.clone()))
                .collect(),
            timeout_ms,
        }
    }

    fn write<'b>(
        &'b self,
        auth: &'b ApiAuth,
        auth_json: &'b str,
        secret: Option<&'b str>,
        headers_json: &'b str,
    ) -> ApiConfigWrite<'b> {
        ApiConfigWrite {
            config_name: &self.name,
            description: &self.description,
            base_url: &self.base_url,
            auth_type: auth.type_name(),
            auth: auth_json,
            auth_secret: secret,
            default_headers: headers_json,
            timeout_ms: i64::try_from(self.timeout_ms).unwrap_or(i64::MAX),
        }
    }

    /// Every problem with its field path; on success the full auth to store (secrets
    /// left out taken from `stored` when the auth type is unchanged).
    fn validate(&self, stored: Option<&ApiAuth>) -> AppResult<ApiAuth> {
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "is required"));
        } else if self.name.chars().count() > MAX_NAME_LEN {
            errors.push(FieldError::new(
                "name",
                format!("must be at most {MAX_NAME_LEN} characters"),
            ));
        }
        if self.description.chars().count() > 2000 {
            errors.push(FieldError::new(
                "description",
                "must be at most 2000 characters",
            ));
        }
        if let Err(m) = check_http_url(&self.base_url) {
            errors.push(FieldError::new("base_url", m));
        }
        for (k, v) in &self.default_headers {
            let field = format!("default_headers.{k}");
            if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
                errors.push(FieldError::new(field, "is not a valid header name"));
            } else if reqwest::header::HeaderValue::from_str(v).is_err() {
                errors.push(FieldError::new(field, "is not a valid header value"));
            }
        }
        if !(1..=MAX_TIMEOUT_MS).contains(&self.timeout_ms) {
            errors.push(FieldError::new(
                "timeout_ms",
                format!("must be between 1 and {MAX_TIMEOUT_MS}"),
            ));
        }
        let same_type = stored.filter(|s| s.type_name() == self.auth.type_name());
        let keep = |new: &Option<String>, old: Option<&Option<String>>| -> Option<String> {
            new.clone().or_else(|| old.cloned().flatten())
        };
        let need = |v: &Option<String>, field: &str, errors: &mut Vec<FieldError>| {
            if v.as_deref().is_none_or(str::is_empty) {
                errors.push(FieldError::new(field, "is required"));
            }
        };
        let auth = match self.auth {
            ApiAuth::None => ApiAuth::None,
            ApiAuth::ApiKey {
                name,
                placement,
                value,
            } => {
                let name = name.trim().to_owned();
                let ok_name = match placement {
                    KeyPlacement::Header => {
                        reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
                    }
                    KeyPlacement::Query => !name.is_empty(),
                };
                if !ok_name {
                    errors.push(FieldError::new(
                        "auth.name",
                        "must be a valid header or query parameter name",
                    ));
                }
                let old = match same_type {
                    Some(ApiAuth::ApiKey { value, .. }) => Some(value),
                    _ => None,
                };
                let value = keep(value, old);
                need(&value, "auth.value", &mut errors);
                ApiAuth::ApiKey {
                    name,
                    placement: *placement,
                    value,
                }
            }
            ApiAuth::Bearer { token } => {
                let old = match same_type {
                    Some(ApiAuth::Bearer { token }) => Some(token),
                    _ => None,
                };
                let token = keep(token, old);
                need(&token, "auth.token", &mut errors);
                ApiAuth::Bearer { token }
            }
            ApiAuth::Basic { username, password } => {
                if username.is_empty() {
                    errors.push(FieldError::new("auth.username", "is required"));
                } else if username.contains(':') {
                    errors.push(FieldError::new("auth.username", "must not contain `:`"));
                }
                let old = match same_type {
                    Some(ApiAuth::Basic { password, .. }) => Some(password),
                    _ => None,
                };
                let password = keep(password, old);
                need(&password, "auth.password", &mut errors);
                ApiAuth::Basic {
                    username: username.clone(),
                    password,
                }
            }
            ApiAuth::Oauth2ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope,
            } => {
                if let Err(m) = check_http_url(token_url.trim()) {
                    errors.push(FieldError::new("auth.token_url", m));
                }
                if client_id.trim().is_empty() {
                    errors.push(FieldError::new("auth.client_id", "is required"));
                }
                let old = match same_type {
                    Some(ApiAuth::Oauth2ClientCredentials { client_secret, .. }) => {
                        Some(client_secret)
                    }
                    _ => None,
                };
                let client_secret = keep(client_secret, old);
                need(&client_secret, "auth.client_secret", &mut errors);
                ApiAuth::Oauth2ClientCredentials {
                    token_url: token_url.trim().to_owned(),
                    client_id: client_id.trim().to_owned(),
                    client_secret,
                    scope: scope.clone().filter(|s| !s.trim().is_empty()),
                }
            }
        };
        if errors.is_empty() {
            Ok(auth)
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// An absolute http(s) URL with a host.
pub fn check_http_url(s: &str) -> Result<(), String> {
    let url = Url::parse(s).map_err(|_| "must be an absolute http(s) URL".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must use http or https".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; use the auth settings".into());
    }
    Ok(())
}

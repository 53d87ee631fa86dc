//! The language model that writes library code (DESIGN §5, issue 14): the admin's settings
//! and one question-answer call to the model.
//!
//! The call goes through the guarded outbound client like every other call the server
//! makes (ARCHITECTURE.md, "Outbound calls"): a model on this machine (Ollama, llama.cpp)
//! needs its address on the admin's allow-list, and the key is sent as a credential the
//! client scrubs from anything it reports. The key is stored encrypted and never returned.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::llm::{self as repo, LlmRow, LlmWrite};
use crate::backend::db::parse_column;
use crate::backend::error::{ActionError, AppError, AppResult};
use crate::backend::outbound::{ApiTarget, OutboundRequest};
use crate::backend::state::AppState;
use crate::domain::event::HttpMethod;
use crate::domain::integration::{ApiAuth, KeyPlacement};
use crate::domain::llm::{
    DEFAULT_LLM_TIMEOUT_MS, LlmProvider, LlmSettingsUpdate, LlmSettingsView, MAX_REPLY_BYTES,
};
use crate::domain::user::Role;

/// The Anthropic Messages API version this client speaks.
const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Most tokens an answer may take (Anthropic requires a bound).
const MAX_TOKENS: u32 = 4_096;

fn view(row: Option<LlmRow>) -> AppResult<LlmSettingsView> {
    let Some(row) = row else {
        return Ok(LlmSettingsView::default());
    };
    Ok(LlmSettingsView {
        configured: true,
        provider: parse_column(&row.provider, "llm_settings.provider")?,
        base_url: row.base_url,
        model: row.model,
        api_key_set: row.api_key.is_some(),
        timeout_ms: u64::try_from(row.timeout_ms).unwrap_or_default(),
        updated_at: Some(row.updated_at),
    })
}

/// `GET /admin/llm` (admins).
pub async fn settings(app: &AppState, actor: &CurrentUser) -> AppResult<LlmSettingsView> {
    actor.require(Role::Admin)?;
    view(repo::get(&app.db).await?)
}

/// `PUT /admin/llm` (admins): saves the settings; the key is kept, replaced or cleared.
pub async fn save_settings(
    app: &AppState,
    actor: &CurrentUser,
    req: &LlmSettingsUpdate,
) -> AppResult<LlmSettingsView> {
    actor.require(Role::Admin)?;
    let errors = req.problems();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let stored = repo::get(&app.db).await?;
    let api_key = match req.api_key.as_deref().map(str::trim) {
        Some(k) if !k.is_empty() => Some(app.secrets.encrypt(k)?),
        _ if req.clear_api_key => None,
        _ => stored.and_then(|s| s.api_key),
    };
    repo::put(
        &app.db,
        &LlmWrite {
            provider: req.provider.as_str(),
            base_url: req.base_url.trim(),
            model: req.model.trim(),
            api_key: api_key.as_deref(),
            timeout_ms: i64::try_from(req.timeout_ms).unwrap_or(i64::MAX),
            updated_by: &actor.user.id,
        },
    )
    .await?;
    tracing::info!(user_id = %actor.user.id, provider = req.provider.as_str(), model = %req.model.trim(), "language model settings saved");
    view(repo::get(&app.db).await?)
}

/// `DELETE /admin/llm` (admins): no model any more; generation says so.
pub async fn clear_settings(app: &AppState, actor: &CurrentUser) -> AppResult<()> {
    actor.require(Role::Admin)?;
    repo::delete(&app.db).await?;
    tracing::info!(user_id = %actor.user.id, "language model settings removed");
    Ok(())
}

/// Asks the configured model once: `system` sets the rules, `user` asks. Returns the text
/// of its answer. No model configured is a 409 saying so; a model that fails (refused
/// address, timeout, an HTTP error, a reply without text) is a 502 naming how.
pub async fn ask(app: &AppState, system: &str, user: &str) -> AppResult<String> {
    let row = repo::get(&app.db)
        .await?
        .ok_or_else(|| AppError::Conflict {
            detail: "no language model is configured: an admin sets one under Admin → Language \
                 model (hand-written code works without one)"
                .into(),
            errors: Vec::new(),
        })?;
    let provider: LlmProvider = parse_column(&row.provider, "llm_settings.provider")?;
    let key = row
        .api_key
        .as_deref()
        .map(|k| app.secrets.decrypt(k))
        .transpose()?;
    let mut headers = BTreeMap::new();
    headers.insert("content-type".to_owned(), "application/json".to_owned());
    let (path, body, auth) = match provider {
        LlmProvider::OpenaiCompatible => (
            "chat/completions",
            json!({
                "model": row.model,
                "temperature": 0.2,
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
            }),
            key.map(|k| ApiAuth::Bearer { token: Some(k) }),
        ),
        LlmProvider::Anthropic => {
            headers.insert("anthropic-version".to_owned(), ANTHROPIC_VERSION.to_owned());
            (
                "v1/messages",
                json!({
                    "model": row.model,
                    "max_tokens": MAX_TOKENS,
                    "temperature": 0.2,
                    "system": system,
                    "messages": [{"role": "user", "content": user}],
                }),
                key.map(|k| ApiAuth::ApiKey {
                    name: "x-api-key".into(),
                    placement: KeyPlacement::Header,
                    value: Some(k),
                }),
            )
        }
    };
    let target = ApiTarget {
        config_id: Uuid::nil(),
        base_url: row.base_url.clone(),
        default_headers: BTreeMap::new(),
        auth: auth.unwrap_or_default(),
    };
    let timeout =
        Duration::from_millis(u64::try_from(row.timeout_ms).unwrap_or(DEFAULT_LLM_TIMEOUT_MS));
    let request = OutboundRequest {
        method: HttpMethod::Post,
        url: path.to_owned(),
        query: Vec::new(),
        headers,
        body: Some(body),
        timeout,
    };
    let started = std::time::Instant::now();
    let response = app
        .outbound
        .call(&app.db, Some(&target), &request)
        .await
        .map_err(|e| {
            let why = match e {
                ActionError::Timeout(ms) => format!("did not answer within {} s", ms / 1000),
                other => other.to_string(),
            };
            tracing::warn!(model = %row.model, error = %why, "the language model failed");
            AppError::Upstream(format!("the language model {why}; nothing was changed"))
        })?;
    tracing::info!(model = %row.model, status = response.status, ms = started.elapsed().as_millis() as u64, "language model answered");
    if !(200..300).contains(&response.status) {
        return Err(AppError::Upstream(format!(
            "the language model's server answered {}: {}; nothing was changed",
            response.status,
            crate::backend::outbound::excerpt(&response.body)
        )));
    }
    let text = match provider {
        LlmProvider::OpenaiCompatible => response
            .body
            .pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .map(str::to_owned),
        LlmProvider::Anthropic => {
            response
                .body
                .get("content")
                .and_then(Value::as_array)
                .map(|blocks| {
                    blocks
                        .iter()
                        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                        .filter_map(|b| b.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
        }
    };
    let text = text.ok_or_else(|| {
        AppError::Upstream(format!(
            "the language model's answer has no text where a {} reply has it; nothing was changed",
            match provider {
                LlmProvider::OpenaiCompatible => "chat completion (choices[0].message.content)",
                LlmProvider::Anthropic => "Messages (content[].text)",
            }
        ))
    })?;
    if text.len() > MAX_REPLY_BYTES {
        return Err(AppError::Upstream(format!(
            "the language model's answer is longer than {} KB; nothing was changed",
            MAX_REPLY_BYTES / 1024
        )));
    }
    Ok(text)
}

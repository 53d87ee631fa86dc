//! One HTTP call as the engine makes it — an `api_call` action, a script's `callApi`, the
//! library's "Generic REST API" — through the guarded outbound client, optionally on an
//! API configuration of the wizard (base URL, default headers, auth).
//!
//! Status mapping: 2xx is the output; 4xx is `Failed` (the other side refused, retrying
//! will not help); 5xx, connection errors and timeouts are retryable.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

use crate::backend::engine::jmes;
use crate::backend::error::ActionError;
use crate::backend::outbound::{ApiTarget, OutboundRequest, build_url, excerpt};
use crate::backend::state::AppState;
use crate::domain::event::{ApiCallConfig, HttpMethod};

/// One API call as an action or a script's `callApi` makes it. `api_config` names a
/// configuration of the wizard by id or name (overriding `request.api_config_id`);
/// `request` has its templates resolved. Returns the body, or the part of it that
/// `response_mapping.success_path` picks.
pub async fn call_api(
    app: &AppState,
    wizard_id: Uuid,
    api_config: Option<&str>,
    request: &ApiCallConfig,
    timeout: Duration,
) -> Result<Value, ActionError> {
    let reference = api_config
        .map(str::to_owned)
        .or_else(|| request.api_config_id.map(|id| id.to_string()));
    let (target, timeout): (Option<ApiTarget>, Duration) = match reference {
        Some(r) => {
            let (t, config_timeout) =
                crate::backend::api_configs::target_for_call(app, wizard_id, &r).await?;
            (Some(t), timeout.min(config_timeout))
        }
        None => (None, timeout),
    };
    let host = build_url(target.as_ref().map(|t| t.base_url.as_str()), &request.url)?
        .host_str()
        .unwrap_or_default()
        .to_owned();
    let req = OutboundRequest {
        method: request.method,
        url: request.url.clone(),
        query: query_pairs(&request.query),
        headers: request.headers.clone(),
        body: match request.method {
            HttpMethod::Get | HttpMethod::Head => None,
            _ => request.body.clone(),
        },
        timeout,
    };
    let resp = app.outbound.call(&app.db, target.as_ref(), &req).await?;
    let status = resp.status;
    if !(200..300).contains(&status) {
        let msg = format!(
            "{} {host} answered HTTP {status}: {}",
            request.method,
            excerpt(&resp.body)
        );
        return Err(if status >= 500 || status == 429 || status == 408 {
            ActionError::Transient(msg)
        } else {
            ActionError::Failed(msg)
        });
    }
    match &request.response_mapping.success_path {
        Some(p) => jmes::extract(p, &resp.body)
            .map_err(|m| ActionError::Invalid(format!("response_mapping.success_path: {m}"))),
        None => Ok(resp.body),
    }
}

/// [`call_api`] bounded by `timeout` as a whole (an OAuth2 token fetch included).
pub async fn call_api_within(
    app: &AppState,
    wizard_id: Uuid,
    api_config: Option<&str>,
    request: &ApiCallConfig,
    timeout: Duration,
) -> Result<Value, ActionError> {
    tokio::time::timeout(
        timeout,
        call_api(app, wizard_id, api_config, request, timeout),
    )
    .await
    .unwrap_or_else(|_| {
        Err(ActionError::Timeout(
            u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        ))
    })
}

/// Query values as text: strings as they are, arrays repeat the parameter, `null` leaves
/// it out, anything else is its JSON.
fn query_pairs(query: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in query {
        match v {
            Value::Null => {}
            Value::String(s) => out.push((k.clone(), s.clone())),
            Value::Array(items) => {
                for i in items {
                    match i {
                        Value::Null => {}
                        Value::String(s) => out.push((k.clone(), s.clone())),
                        other => out.push((k.clone(), other.to_string())),
                    }
                }
            }
            other => out.push((k.clone(), other.to_string())),
        }
    }
    out
}

//! `api_call`: one HTTP request through the guarded outbound client, optionally on an API
//! configuration of the wizard (base URL, default headers, auth).
//!
//! The call itself is `engine::http::call_api`, shared with scripts and the library.

use serde_json::Value;

use crate::backend::engine::http::call_api;
use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction, jmes};
use crate::backend::error::ActionError;
use crate::domain::event::ApiCallConfig;
use crate::domain::problem::FieldError;

impl ExecuteAction for ApiCallConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(id) = self.api_config_id
            && !ctx.wizard.api_configs.iter().any(|c| c.id == id)
        {
            errors.push(FieldError::new(
                format!("{path}.api_config_id"),
                "is not an API configuration of this wizard",
            ));
        }
        let url = self.url.trim();
        let lower = url.to_ascii_lowercase();
        let is_http = lower.starts_with("http://") || lower.starts_with("https://");
        // A URL that starts with a template is only known at run time.
        let templated = url.starts_with("{{");
        if self.api_config_id.is_none() {
            if !templated && !is_http {
                errors.push(FieldError::new(
                    format!("{path}.url"),
                    "must be an absolute http(s) URL when no API configuration is chosen",
                ));
            }
        } else if !templated && !is_http && lower.contains("://") {
            errors.push(FieldError::new(
                format!("{path}.url"),
                "must be a path under the API configuration's base URL, or an http(s) URL",
            ));
        }
        for (k, v) in &self.headers {
            if reqwest::header::HeaderName::from_bytes(k.trim().as_bytes()).is_err() {
                errors.push(FieldError::new(
                    format!("{path}.headers.{k}"),
                    "is not a valid header name",
                ));
            } else if !v.contains("{{") && reqwest::header::HeaderValue::from_str(v).is_err() {
                errors.push(FieldError::new(
                    format!("{path}.headers.{k}"),
                    "is not a valid header value",
                ));
            }
        }
        if let Some(p) = &self.response_mapping.success_path
            && let Err(m) = jmes::check_path(p)
        {
            errors.push(FieldError::new(
                format!("{path}.response_mapping.success_path"),
                m,
            ));
        }
        errors
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        call_api(ctx.app, ctx.run.wizard_id, None, self, ctx.timeout).await
    }
}

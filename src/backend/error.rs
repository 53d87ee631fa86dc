//! The one error type of the server side, and the one place it becomes HTTP.
//!
//! Services return `AppError`; handlers and server functions only pass it on. Each variant
//! maps to exactly one status and an RFC 9457 problem body. Internal causes are logged here
//! and never shown to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::problem::{FieldError, Problem};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not the JSON (or form) the endpoint reads.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// The body is not JSON at all (wrong `Content-Type`).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// Well-formed but breaks a rule; each error names its field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("authentication required: {0}")]
    Unauthenticated(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    /// A duplicate, or a stale `version` (optimistic concurrency).
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("too many requests; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Another system the server relies on (a language model) failed or answered nonsense;
    /// the detail says how, and nothing was changed.
    #[error("bad gateway: {0}")]
    Upstream(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict_on(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Conflict {
            detail: message.clone(),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn stale_version(what: &str) -> Self {
        AppError::conflict_on(
            "version",
            format!("this {what} was changed by someone else; reload it and try again"),
        )
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem's `type` slug and human title, one per kind of error.
    fn kind_and_title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::BadRequest(_) => ("malformed-request", "Malformed request"),
            AppError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            AppError::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            AppError::Validation(_) => ("validation", "Invalid input"),
            AppError::Unauthenticated(_) => ("unauthenticated", "Sign-in required"),
            AppError::Forbidden(_) => ("forbidden", "Not allowed"),
            AppError::NotFound(_) => ("not-found", "Not found"),
            AppError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            AppError::Conflict { .. } => ("conflict", "Conflict"),
            AppError::RateLimited { .. } => ("rate-limited", "Too many requests"),
            AppError::Unavailable(_) => ("unavailable", "Service unavailable"),
            AppError::Upstream(_) => ("upstream", "Another service failed"),
            AppError::Database(_) | AppError::Internal(_) => ("internal", "Internal error"),
        }
    }

    /// The problem document a client sees. Server-side causes stay server-side.
    pub fn to_problem(&self) -> Problem {
        let (kind, title) = self.kind_and_title();
        let detail = match self {
            AppError::BadRequest(d)
            | AppError::UnsupportedMediaType(d)
            | AppError::PayloadTooLarge(d)
            | AppError::Unauthenticated(d)
            | AppError::Forbidden(d)
            | AppError::NotFound(d)
            | AppError::MethodNotAllowed(d)
            | AppError::Unavailable(d)
            | AppError::Upstream(d)
            | AppError::Conflict { detail: d, .. } => d.clone(),
            AppError::Validation(errs) => summarize(errs),
            AppError::RateLimited { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} seconds.")
            }
            AppError::Database(_) | AppError::Internal(_) => {
                "Something went wrong on our side. It has been logged.".into()
            }
        };
        let errors = match self {
            AppError::Validation(errs) | AppError::Conflict { errors: errs, .. } => errs.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("/problems/{kind}"),
            title: title.into(),
            status: self.status().as_u16(),
            detail: Some(detail),
            errors,
        }
    }
}

fn summarize(errs: &[FieldError]) -> String {
    match errs {
        [one] => format!("{}: {}", one.field, one.message),
        many => format!("{} fields are invalid", many.len()),
    }
}

/// Renders a problem document with the right status and content type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Database(_) | AppError::Internal(_) => {
                tracing::error!(error = %self, "request failed")
            }
            AppError::Unavailable(_) => tracing::warn!(error = %self, "request failed"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let mut resp = problem_response(&self.to_problem());
        if let AppError::RateLimited { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Why an action attempt failed. The message is shown to the runner and logged, so it
/// must never contain a credential.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActionError {
    /// The action cannot work as configured with this input (not retried).
    #[error("{0}")]
    Invalid(String),
    /// The other side refused (a 4xx, a tool error): not retried.
    #[error("{0}")]
    Failed(String),
    /// Might work next time (a 5xx, a refused connection): retried under `on_error: retry`.
    #[error("{0}")]
    Transient(String),
    #[error("timed out after {0} ms")]
    Timeout(u64),
}

impl ActionError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ActionError::Transient(_) | ActionError::Timeout(_))
    }
}

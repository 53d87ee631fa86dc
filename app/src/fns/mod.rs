//! Server functions: thin wrappers that take the caller and state from context and call a
//! `wizard-core` service. One module per area.

pub mod allowlist;
pub mod api_configs;
pub mod events;
pub mod library;
pub mod llm;
pub mod mcp;
pub mod runs;
pub mod users;
pub mod wizards;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use wizard_core::domain::problem::{FieldError, Problem};

/// A service result as the UI needs it: field-level problems and stale versions are kept
/// apart from failures, so forms can show each message beside its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome<T> {
    Done(T),
    /// Validation failed (422); each error names its field by JSON path.
    Invalid(Vec<FieldError>),
    /// The thing changed since it was loaded (409).
    Conflict(String),
}

/// A failed server function as the UI receives it: the service's problem document with its
/// field errors (so a form can put each message beside its input), or a transport failure
/// dressed as one. Its text is what a banner shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UiError(pub Problem);

impl UiError {
    /// The field errors of the problem (empty unless the server refused an input).
    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.errors
    }

    /// What the server answers for an id that names nothing: an address whose id is not
    /// even a UUID gets the same message without a round trip.
    pub fn not_found(detail: impl Into<String>) -> Self {
        UiError(Problem {
            kind: "/problems/not-found".into(),
            title: "Not found".into(),
            status: 404,
            detail: Some(detail.into()),
            errors: Vec::new(),
        })
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.0;
        f.write_str(p.detail.as_deref().unwrap_or(&p.title))?;
        for fe in &p.errors {
            if !p
                .detail
                .as_deref()
                .unwrap_or(&p.title)
                .contains(&fe.message)
            {
                write!(f, " ({}: {})", fe.field, fe.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for UiError {}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let (status, title) = match &value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                (503, "The server could not be reached")
            }
            _ => (500, "The request failed"),
        };
        UiError(Problem {
            kind: "/problems/server-function".into(),
            title: title.into(),
            status,
            detail: Some(value.to_string()),
            errors: Vec::new(),
        })
    }
}

impl From<ServerFnErrorErr> for UiError {
    fn from(value: ServerFnErrorErr) -> Self {
        Self::from_server_fn_error(value)
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn outcome<T>(
    r: wizard_core::backend::error::AppResult<T>,
) -> Result<Outcome<T>, UiError> {
    use wizard_core::backend::error::AppError;
    match r {
        Ok(v) => Ok(Outcome::Done(v)),
        Err(AppError::Validation(errors)) => Ok(Outcome::Invalid(errors)),
        Err(AppError::Conflict { detail, .. }) => Ok(Outcome::Conflict(detail)),
        Err(e) => Err(crate::session::server::ui_error(e)),
    }
}

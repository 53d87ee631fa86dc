//! Server functions: thin wrappers that take the caller and state from context and call a
//! `wizard-core` service. One module per area.

pub mod runs;
pub mod users;
pub mod wizards;

use serde::{Deserialize, Serialize};
use wizard_core::domain::problem::FieldError;

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

#[cfg(feature = "ssr")]
pub(crate) fn outcome<T>(
    r: wizard_core::backend::error::AppResult<T>,
) -> Result<Outcome<T>, leptos::prelude::ServerFnError> {
    use wizard_core::backend::error::AppError;
    match r {
        Ok(v) => Ok(Outcome::Done(v)),
        Err(AppError::Validation(errors)) => Ok(Outcome::Invalid(errors)),
        Err(AppError::Conflict { detail, .. }) => Ok(Outcome::Conflict(detail)),
        Err(e) => Err(crate::session::server::ui_error(e)),
    }
}

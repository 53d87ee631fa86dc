//! The action engine: runs the events of a run's pinned version on the server
//! and returns effects.
//!
//! One module per action type under [`actions`], each implementing [`ExecuteAction`]; one
//! dispatch ([`actions::check`], [`actions::execute`]). The engine around them
//! ([`execute`]) matches events, checks conditions, resolves templates, applies
//! `on_error`, handles output, writes logs and the run.

pub mod actions;
pub mod execute;
pub mod http;
pub mod jmes;
pub mod library;
pub mod logs;
pub mod sandbox;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

use crate::backend::error::ActionError;
use crate::backend::state::AppState;
use crate::domain::Wizard;
use crate::domain::event::Effects;
use crate::domain::problem::FieldError;

pub use execute::{execute_event, preview_output, test_action, test_event};

/// Who is running what: the run an action works for.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub run_id: Uuid,
    pub wizard_id: Uuid,
    pub user_id: String,
    pub user_email: String,
}

/// What an action sees while it runs.
pub struct ActionCtx<'a> {
    pub app: &'a AppState,
    pub run: &'a RunInfo,
    /// The pinned version (its API/MCP configurations name what actions may reach).
    pub wizard: &'a Wizard,
    /// The template context: `fields`, `run`, `wizard`, `step`, `event`, `actions`.
    pub context: &'a Value,
    /// Effects so far; actions that set fields, show messages or navigate add to it.
    pub effects: &'a mut Effects,
    /// The log row of this attempt: calls the action makes log under it, with `logger`.
    pub log_id: Uuid,
    pub logger: &'a logs::Logger,
    /// This attempt's time budget.
    pub timeout: Duration,
}

/// What is known when an action is saved or tested: the wizard it belongs to (the draft,
/// with its API/MCP configurations) and where in the request the action sits.
pub struct CheckCtx<'a> {
    pub app: &'a AppState,
    pub wizard: &'a Wizard,
}

/// One action type. `check` runs at save/test time (compile, references, schemas) and
/// reports problems with their paths under `path`; `execute` runs one attempt and returns
/// the raw output (before `output_handling`).
pub trait ExecuteAction {
    fn check(&self, ctx: &CheckCtx<'_>, path: &str)
    -> impl Future<Output = Vec<FieldError>> + Send;

    fn execute(
        &self,
        ctx: &mut ActionCtx<'_>,
    ) -> impl Future<Output = Result<Value, ActionError>> + Send;
}

//! `navigate`.
//!
//! OWNER: engine helper (issue 4).

use serde_json::Value;

use crate::domain::event::NavigateConfig;
use crate::engine::{ActionCtx, ActionError, CheckCtx, ExecuteAction};
use crate::problem::FieldError;

impl ExecuteAction for NavigateConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let _ = (ctx, path);
        todo!("engine helper")
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let _ = ctx;
        todo!("engine helper")
    }
}

//! `transform_data`.
//!
//! OWNER: sandbox helper (issue 4).

use serde_json::Value;

use crate::domain::event::TransformConfig;
use crate::engine::{ActionCtx, ActionError, CheckCtx, ExecuteAction};
use crate::problem::FieldError;

impl ExecuteAction for TransformConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let _ = (ctx, path);
        todo!("sandbox helper")
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let _ = ctx;
        todo!("sandbox helper")
    }
}

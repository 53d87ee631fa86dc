//! `api_call`.
//!
//! OWNER: outbound helper (issue 4).

use serde_json::Value;

use crate::domain::event::ApiCallConfig;
use crate::engine::{ActionCtx, ActionError, CheckCtx, ExecuteAction};
use crate::problem::FieldError;

impl ExecuteAction for ApiCallConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let _ = (ctx, path);
        todo!("outbound helper")
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let _ = ctx;
        todo!("outbound helper")
    }
}

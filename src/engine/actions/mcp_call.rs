//! `mcp_call`.
//!
//! OWNER: MCP helper (issue 4).

use serde_json::Value;

use crate::domain::event::McpCallConfig;
use crate::engine::{ActionCtx, ActionError, CheckCtx, ExecuteAction};
use crate::problem::FieldError;

impl ExecuteAction for McpCallConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let _ = (ctx, path);
        todo!("MCP helper")
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let _ = ctx;
        todo!("MCP helper")
    }
}

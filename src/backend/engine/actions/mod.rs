//! One module per action type, each implementing [`ExecuteAction`]; this is the one
//! dispatch over them.

pub mod api_call;
pub mod custom_script;
pub mod library_action;
pub mod mcp_call;
pub mod navigate;
pub mod set_field_value;
pub mod show_message;
pub mod transform_data;

use serde_json::Value;

use super::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::domain::event::ActionConfig;
use crate::domain::problem::FieldError;

/// Save/test-time checks of one action's configuration (paths under `path`, e.g.
/// `actions[2].config`).
pub async fn check(config: &ActionConfig, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
    match config {
        ActionConfig::ApiCall(c) => c.check(ctx, path).await,
        ActionConfig::McpCall(c) => c.check(ctx, path).await,
        ActionConfig::TransformData(c) => c.check(ctx, path).await,
        ActionConfig::SetFieldValue(c) => c.check(ctx, path).await,
        ActionConfig::ShowMessage(c) => c.check(ctx, path).await,
        ActionConfig::Navigate(c) => c.check(ctx, path).await,
        ActionConfig::CustomScript(c) => c.check(ctx, path).await,
        ActionConfig::LibraryAction(c) => c.check(ctx, path).await,
    }
}

/// Runs one attempt of an action.
pub async fn execute(config: &ActionConfig, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
    match config {
        ActionConfig::ApiCall(c) => c.execute(ctx).await,
        ActionConfig::McpCall(c) => c.execute(ctx).await,
        ActionConfig::TransformData(c) => c.execute(ctx).await,
        ActionConfig::SetFieldValue(c) => c.execute(ctx).await,
        ActionConfig::ShowMessage(c) => c.execute(ctx).await,
        ActionConfig::Navigate(c) => c.execute(ctx).await,
        ActionConfig::CustomScript(c) => c.execute(ctx).await,
        ActionConfig::LibraryAction(c) => c.execute(ctx).await,
    }
}

//! `mcp_call`: one tool call through one of the wizard's MCP configurations.
//!
//! Save/test time catches what can be known without the runner's answers: the
//! configuration, the tool, and every argument that is not a template. At run time the
//! rendered arguments are checked again (templates may produce anything) before the call.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::backend::mcp::schema;
use crate::backend::state::AppState;
use crate::domain::event::McpCallConfig;
use crate::domain::integration::McpConfig;
use crate::domain::problem::FieldError;

/// Pause before retrying a transport failure; doubled per retry.
const RETRY_BASE: Duration = Duration::from_millis(100);

impl ExecuteAction for McpCallConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let Some(cfg) = ctx
            .wizard
            .mcp_configs
            .iter()
            .find(|c| c.id == self.mcp_config_id)
        else {
            return vec![FieldError::new(
                format!("{path}.mcp_config_id"),
                format!(
                    "this wizard has no MCP configuration with id {}",
                    self.mcp_config_id
                ),
            )];
        };
        if let Some(msg) = not_allowed(cfg, &self.tool) {
            return vec![FieldError::new(format!("{path}.tool"), msg)];
        }
        let tools = match crate::backend::mcp_servers::tools_of(ctx.app, &cfg.server).await {
            Ok(t) => t,
            Err(e) => {
                return vec![FieldError::new(
                    format!("{path}.tool"),
                    format!(
                        "cannot check the tool: {}",
                        e.to_problem().detail.unwrap_or_default()
                    ),
                )];
            }
        };
        let Some(tool) = tools.iter().find(|t| t.name == self.tool) else {
            return vec![FieldError::new(
                format!("{path}.tool"),
                crate::backend::mcp::pool::no_such_tool(&cfg.server, &self.tool, &tools),
            )];
        };
        schema::validate(&tool.input_schema, &self.arguments)
            .into_iter()
            // A templated argument is only known at run time; it also satisfies `required`.
            .filter(|p| !self.arguments.get(&p.argument).is_some_and(is_templated))
            .map(|p| {
                let field = if p.argument.is_empty() {
                    format!("{path}.arguments")
                } else {
                    format!("{path}.arguments.{}", p.argument)
                };
                FieldError::new(field, p.message)
            })
            .collect()
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let cfg = ctx
            .wizard
            .mcp_configs
            .iter()
            .find(|c| c.id == self.mcp_config_id)
            .ok_or_else(|| {
                ActionError::Invalid(format!(
                    "this wizard has no MCP configuration with id {}",
                    self.mcp_config_id
                ))
            })?;
        call_tool(
            ctx.app,
            cfg,
            &self.tool,
            self.arguments.clone(),
            ctx.timeout,
        )
        .await
    }
}

/// Calls `tool` through the wizard's MCP configuration `cfg` within `budget`: the tool must
/// be one the configuration allows; transport failures are retried up to its
/// `max_retries`, each attempt bounded by its own timeout. Shared by `mcp_call` and a
/// script's `callTool`.
pub(crate) async fn call_tool(
    app: &AppState,
    cfg: &McpConfig,
    tool: &str,
    arguments: Map<String, Value>,
    budget: Duration,
) -> Result<Value, ActionError> {
    if let Some(msg) = not_allowed(cfg, tool) {
        return Err(ActionError::Invalid(msg));
    }
    let per_call = Duration::from_millis(cfg.timeout_ms.max(1)).min(budget);
    let attempts = async {
        let mut retry = 0u32;
        loop {
            match crate::backend::mcp_servers::call(
                app,
                &cfg.server,
                tool,
                arguments.clone(),
                per_call,
            )
            .await
            {
                Err(ActionError::Transient(msg)) if retry < cfg.max_retries => {
                    tracing::debug!(server = %cfg.server, tool, retry, error = %msg, "MCP call retried");
                    tokio::time::sleep(RETRY_BASE * 2u32.saturating_pow(retry)).await;
                    retry += 1;
                }
                other => return other,
            }
        }
    };
    tokio::time::timeout(budget, attempts)
        .await
        .unwrap_or_else(|_| {
            Err(ActionError::Timeout(
                u64::try_from(budget.as_millis()).unwrap_or(u64::MAX),
            ))
        })
}

/// Refusal when the configuration names the tools it may call and this is not one.
fn not_allowed(cfg: &McpConfig, tool: &str) -> Option<String> {
    if cfg.available_tools.is_empty() || cfg.available_tools.iter().any(|t| t == tool) {
        None
    } else {
        Some(format!(
            "the MCP configuration `{}` does not allow the tool `{tool}`; it allows: {}",
            cfg.name,
            cfg.available_tools.join(", ")
        ))
    }
}

/// Whether a value holds a template anywhere (`{{ … }}` in a string).
fn is_templated(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains("{{"),
        Value::Array(a) => a.iter().any(is_templated),
        Value::Object(o) => o.values().any(is_templated),
        _ => false,
    }
}

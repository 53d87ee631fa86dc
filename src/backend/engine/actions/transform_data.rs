//! `transform_data`: a JMESPath expression or a JavaScript function body applied to the
//! (already resolved) input, or to the whole template context when there is none.

use serde_json::Value;

use crate::backend::engine::sandbox::{self, Limits, SandboxError};
use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction, jmes};
use crate::backend::error::ActionError;
use crate::domain::event::{TransformConfig, TransformLanguage};
use crate::domain::problem::FieldError;

impl ExecuteAction for TransformConfig {
    async fn check(&self, _ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let field = format!("{path}.expression");
        if self.expression.trim().is_empty() {
            return vec![FieldError::new(field, "give the transform an expression")];
        }
        let problem = match self.language {
            TransformLanguage::Jmespath => jmes::check(&self.expression).err(),
            TransformLanguage::Javascript => {
                // Compiling is quick, but a body that closes its wrapper runs until the
                // check's deadline: keep it off the executor.
                let body = self.expression.clone();
                match tokio::task::spawn_blocking(move || sandbox::check_transform_compiles(&body))
                    .await
                {
                    Ok(result) => result.err().map(|e| e.to_string()),
                    Err(e) => Some(format!("the JavaScript could not be checked: {e}")),
                }
            }
        };
        problem
            .map(|message| FieldError::new(field, message))
            .into_iter()
            .collect()
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let input = self.input.as_ref().unwrap_or(ctx.context);
        match self.language {
            TransformLanguage::Jmespath => {
                jmes::search(&self.expression, input).map_err(ActionError::Invalid)
            }
            TransformLanguage::Javascript => {
                let settings = &ctx.app.engine;
                let limits = Limits {
                    memory_bytes: settings.js_memory_limit_bytes,
                    stack_bytes: settings.js_stack_limit_bytes,
                    time: settings.js_time_limit.min(ctx.timeout),
                    max_output_bytes: settings.max_output_bytes,
                };
                // The attempt's budget also covers waiting for a free sandbox slot.
                let run = sandbox::run_transform(&self.expression, input, &limits);
                match tokio::time::timeout(ctx.timeout, run).await {
                    Ok(result) => result.map_err(to_action_error),
                    Err(_) => Err(ActionError::Timeout(millis(ctx.timeout))),
                }
            }
        }
    }
}

/// Script problems are the configuration's (not retried); only running out of time is a
/// timeout.
fn to_action_error(e: SandboxError) -> ActionError {
    match e {
        SandboxError::Timeout(ms) => ActionError::Timeout(ms),
        e @ (SandboxError::Compile(_)
        | SandboxError::NotJson(_)
        | SandboxError::OutputTooLarge(_)) => ActionError::Invalid(e.to_string()),
        e @ (SandboxError::Thrown(_) | SandboxError::OutOfMemory | SandboxError::StackOverflow) => {
            ActionError::Failed(e.to_string())
        }
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

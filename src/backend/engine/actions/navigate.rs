//! `navigate`: asks the player to move the run. The engine only returns the wish
//! (`Effects.navigate`); the player then calls `next`/`back`/`complete`, which apply every
//! rule (validation, skipped steps, the step's onValidate/onExit events), so an action can
//! never move a run past a check.

use serde_json::{Value, json};

use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::domain::event::{NavTarget, NavigateConfig};
use crate::domain::problem::FieldError;

impl ExecuteAction for NavigateConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        match self.target {
            NavTarget::Step(id) if ctx.wizard.step(id).is_none() => vec![FieldError::new(
                format!("{path}.target"),
                format!("this wizard has no step {id}"),
            )],
            _ => Vec::new(),
        }
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        if let NavTarget::Step(id) = self.target
            && ctx.wizard.step(id).is_none()
        {
            return Err(ActionError::Invalid(format!(
                "this wizard version has no step {id}"
            )));
        }
        ctx.effects.navigate = Some(self.target);
        Ok(json!({"target": self.target.to_string()}))
    }
}

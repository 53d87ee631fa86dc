//! `set_field_value`: writes a (resolved) value into a field of the run. The value is held
//! to the same rules as a saved draft answer, so an action cannot store what the runner
//! could not.

use serde_json::Value;

use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::domain::event::SetFieldValueConfig;
use crate::domain::problem::FieldError;

impl ExecuteAction for SetFieldValueConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        if ctx.wizard.option_set(self.field.as_str()).is_none() {
            return vec![FieldError::new(
                format!("{path}.field"),
                format!("this wizard has no field `{}`", self.field),
            )];
        }
        Vec::new()
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let value = ctx
            .wizard
            .checked_field_value(self.field.as_str(), &self.value)
            .map_err(ActionError::Invalid)?;
        ctx.effects
            .set_fields
            .insert(self.field.to_string(), value.clone());
        Ok(value)
    }
}

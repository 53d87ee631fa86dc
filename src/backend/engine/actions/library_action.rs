//! `library_action`: runs a library action by name with the event's parameter mapping
//! (templates already resolved), through [`crate::backend::engine::library`].

use serde_json::Value;

use crate::backend::db::library as repo;
use crate::backend::engine::library::{CallStack, Env, call};
use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::domain::event::LibraryActionConfig;
use crate::domain::library::check_mapping;
use crate::domain::problem::FieldError;

impl ExecuteAction for LibraryActionConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let name = self.action.trim();
        if name.is_empty() {
            // the pure checks name it already
            return Vec::new();
        }
        let row = match repo::get_by_name(&ctx.app.db, name).await {
            Ok(Some(row)) => row,
            Ok(None) => {
                return vec![FieldError::new(
                    format!("{path}.action"),
                    format!("there is no library action named `{name}`"),
                )];
            }
            Err(e) => return vec![FieldError::new(format!("{path}.action"), e.to_string())],
        };
        match repo::declared_params(&ctx.app.db, row.id).await {
            Ok(declared) => check_mapping(&declared, &self.params)
                .into_iter()
                .map(|(p, m)| FieldError::new(format!("{path}.params.{p}"), m))
                .collect(),
            Err(e) => vec![FieldError::new(format!("{path}.action"), e.to_string())],
        }
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let env = Env::for_wizard(ctx.app, ctx.run, ctx.logger, ctx.timeout).await?;
        let result = call(
            env,
            CallStack::default(),
            self.action.trim().to_owned(),
            self.params.clone(),
            Some(ctx.log_id),
        )
        .await?;
        Ok(result)
    }
}

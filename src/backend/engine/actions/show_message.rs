//! `show_message`: a toast/banner for the runner (the text is resolved before it gets here).

use serde_json::{Value, json};

use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction};
use crate::backend::error::ActionError;
use crate::domain::event::{Message, ShowMessageConfig};
use crate::domain::problem::FieldError;

/// Longest message, in characters (a toast, not a document).
const MAX_MESSAGE_CHARS: usize = 2_000;

impl ExecuteAction for ShowMessageConfig {
    async fn check(&self, _ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        if self.text.trim().is_empty() {
            return vec![FieldError::new(
                format!("{path}.text"),
                "give the message a text",
            )];
        }
        Vec::new()
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        if self.text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ActionError::Invalid(format!(
                "the message is longer than {MAX_MESSAGE_CHARS} characters"
            )));
        }
        ctx.effects.messages.push(Message {
            level: self.level,
            text: self.text.clone(),
        });
        Ok(json!({"level": self.level, "text": self.text}))
    }
}

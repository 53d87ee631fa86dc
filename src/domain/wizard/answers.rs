//! The answer checks of a whole wizard: a step's, a completed run's, a draft save's, and
//! which answers are submitted. One field's rules live in `domain::answer`.

use serde_json::Value;

use crate::domain::condition::Answers;
use crate::domain::problem::{FieldError, clip};
use crate::domain::{Step, Wizard};

impl Wizard {
    /// Every problem with the answers of `step`'s visible fields, named `answers.<key>`:
    /// blank required fields ("this field is required") and answers breaking their field's
    /// rules. Empty means the runner may leave the step.
    pub fn check_step_answers(&self, step: &Step, answers: &Answers) -> Vec<FieldError> {
        step.option_sets
            .iter()
            .filter_map(|os| {
                os.answer_error(answers)
                    .map(|m| FieldError::new(format!("answers.{}", os.key), m))
            })
            .collect()
    }

    /// [`Wizard::check_step_answers`] for every visible step: what completing a run needs.
    /// Hidden steps are skipped, so their fields never block completion.
    pub fn check_all_answers(&self, answers: &Answers) -> Vec<FieldError> {
        self.visible_steps(answers)
            .into_iter()
            .flat_map(|step| self.check_step_answers(step, answers))
            .collect()
    }

    /// The draft check of a save request: every key must name a field of this wizard and
    /// every value pass [`Field::check_draft_answer`]. Errors are named `answers.<key>`.
    pub fn check_draft_answers(&self, answers: &Answers) -> Vec<FieldError> {
        answers
            .iter()
            .filter_map(|(key, value)| {
                let message = match self.option_set(key) {
                    None => Err(format!("there is no field `{}` in this wizard", clip(key))),
                    Some(os) => os.field.check_draft_answer(value),
                };
                message
                    .err()
                    .map(|m| FieldError::new(format!("answers.{}", clip(key)), m))
            })
            .collect()
    }

    /// The answers that are submitted when a run completes: only those of visible fields on
    /// visible steps, without `null`s. Unknown keys and answers of hidden fields (typed
    /// before a condition changed) are dropped.
    pub fn visible_answers(&self, answers: &Answers) -> Answers {
        let mut out = Answers::new();
        for step in self.visible_steps(answers) {
            for os in &step.option_sets {
                if !os.is_visible(answers) {
                    continue;
                }
                if let Some(v) = answers.get(os.key.as_str())
                    && !v.is_null()
                {
                    out.insert(os.key.to_string(), v.clone());
                }
            }
        }
        out
    }

    /// A value an action writes into field `key`: the field must be in this version and
    /// the value of the right kind (the draft rules of a save); `null` clears the answer.
    pub fn checked_field_value(&self, key: &str, value: &Value) -> Result<Value, String> {
        let os = self
            .option_set(key)
            .ok_or_else(|| format!("this wizard has no field `{key}`"))?;
        os.field
            .check_draft_answer(value)
            .map_err(|e| format!("`{key}` {e}"))?;
        Ok(value.clone())
    }
}

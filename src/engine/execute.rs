//! Running events: match, check conditions, run actions in order with `on_error`,
//! handle output, persist the run and the logs, return effects.
//!
//! OWNER: engine helper (issue 4).

use crate::auth::CurrentUser;
use crate::domain::event::{Action, ExecuteEventRequest, ExecuteEventResponse};
use crate::error::AppResult;
use crate::state::AppState;

/// `POST /wizard-runs/{run_id}/execute-event`.
pub async fn execute_event(
    app: &AppState,
    actor: &CurrentUser,
    run_id: &str,
    req: ExecuteEventRequest,
) -> AppResult<ExecuteEventResponse> {
    let _ = (app, actor, run_id, req);
    todo!("engine helper")
}

/// `POST /wizards/actions/test` and `/wizards/actions/{id}/test`: checks and runs one
/// action of `wizard_id`'s draft against sample answers, without a run (nothing stored).
pub async fn test_action(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: &str,
    action: &Action,
    sample: &crate::domain::event::ExecuteEventRequest,
) -> AppResult<ExecuteEventResponse> {
    let _ = (app, actor, wizard_id, action, sample);
    todo!("engine helper")
}

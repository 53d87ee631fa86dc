//! Player, My Runs and Store use-cases. The server is the authority: every move and
//! completion re-checks the answers with the same core code the browser runs.

use crate::auth::CurrentUser;
use crate::domain::run::*;
use crate::error::AppResult;
use crate::state::App;

pub async fn start(_app: &App, _actor: &CurrentUser, _req: &StartRunRequest) -> AppResult<RunView> {
    todo!()
}
pub async fn list(
    _app: &App,
    _actor: &CurrentUser,
    _query: &RunQuery,
) -> AppResult<Vec<RunSummary>> {
    todo!()
}
/// Own runs, and shared Store entries of others (read-only).
pub async fn get(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<RunView> {
    todo!()
}
pub async fn save_answers(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _req: &SaveAnswersRequest,
) -> AppResult<RunState> {
    todo!()
}
/// Validates the current step (422 with `answers.<key>` paths) and moves to the next visible one.
pub async fn next(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<RunState> {
    todo!()
}
pub async fn back(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<RunState> {
    todo!()
}
/// Validates every visible step, drops hidden answers and makes the run read-only.
pub async fn complete(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<RunState> {
    todo!()
}
pub async fn delete(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<()> {
    todo!()
}
pub async fn store(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _req: &StoreRunRequest,
) -> AppResult<RunSummary> {
    todo!()
}
pub async fn unstore(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<RunSummary> {
    todo!()
}
/// The caller's stored runs and everyone's shared ones.
pub async fn store_list(_app: &App, _actor: &CurrentUser) -> AppResult<Vec<RunSummary>> {
    todo!()
}

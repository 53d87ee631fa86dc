//! `/api/v1/wizard-runs/{run_id}/execute-event` and the run's execution logs: events run
//! on the server against the run's pinned version; the logs are its trace trees.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::engine;
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::runs;
use wizard_core::backend::state::AppState;
use wizard_core::domain::event::{ActionLog, ExecuteEventRequest, ExecuteEventResponse, Progress};
use wizard_core::domain::problem::Problem;

use crate::extract::ApiJson;
use crate::extract::{ApiPath, PathId};

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(execute_event))
        .routes(routes!(progress))
        .routes(routes!(action_logs))
        .routes(routes!(action_log))
}

/// Run the events of a trigger: the runner's answers are saved first, then the enabled
/// events of the run's pinned version with this trigger and target run (conditions
/// permitting); answers the actions set are saved before the response. The player applies
/// the effects; a `navigate` effect is a request — the player then calls `next`/`back`/
/// `complete`, which enforce every rule.
#[utoipa::path(
    post, path = "/api/v1/wizard-runs/{run_id}/execute-event", tag = "execution",
    security(("bearer" = []), ("cookie" = [])),
    params(("run_id" = Uuid, Path, description = "Run id")),
    request_body = ExecuteEventRequest,
    responses(
        (status = 200, description = "Effects, one outcome per action, and whether navigation is blocked", body = ExecuteEventResponse),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The run is completed (only wizard.onComplete may run)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ill-typed answers (`answers.<key>`), or a target that does not fit the trigger or is not in the version (`target_id`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many event executions; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The event ran but its results could not be stored: the answers its actions set and its log rows were kept together or not at all, so neither was (the runner's own answers were saved before it ran)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn execute_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(run_id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ExecuteEventRequest>,
) -> AppResult<Json<ExecuteEventResponse>> {
    // Its own task: a caller who goes away mid-event does not cut it short, so the answers
    // its actions set and its log rows, written together when it ends, are not lost.
    let run =
        tokio::spawn(async move { engine::execute_event(&state, &user, run_id.uuid(), req).await });
    match run.await {
        Ok(response) => Ok(Json(response?)),
        Err(e) => Err(AppError::Internal(format!("the event's task failed: {e}"))),
    }
}

/// How long a progress stream waits for an event to start before it ends: the player
/// opens the stream as it sends the event.
const PROGRESS_GRACE: Duration = Duration::from_secs(5);

/// Follow the events running in a run, as Server-Sent Events: a `progress` event
/// (a `Progress` document) each time an action starts, then one `idle` event when they have
/// ended, and the stream closes. It also closes with `idle` when nothing starts within five
/// seconds. The outcome itself comes with the `execute-event` response.
#[utoipa::path(
    get, path = "/api/v1/wizard-runs/{run_id}/progress", tag = "execution",
    security(("bearer" = []), ("cookie" = [])),
    params(("run_id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "`event: progress` with a `Progress` document per action started, then `event: idle`", body = Progress, content_type = "text/event-stream"),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(run_id): ApiPath<PathId>,
) -> AppResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let rx = runs::follow_progress(&state, &user, run_id.uuid()).await?;
    Ok(Sse::new(progress_events(rx)).keep_alive(KeepAlive::default()))
}

/// The stream of [`progress`]: what runs now, each change, and `idle` at the end.
fn progress_events(
    rx: tokio::sync::watch::Receiver<Option<Progress>>,
) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    struct Follow {
        rx: tokio::sync::watch::Receiver<Option<Progress>>,
        /// Something ran since the stream opened (the end of it ends the stream).
        busy: bool,
        first: bool,
        done: bool,
    }
    let idle = || SseEvent::default().event("idle").data("{}");
    let start = Follow {
        rx,
        busy: false,
        first: true,
        done: false,
    };
    futures_util::stream::unfold(start, move |mut f| async move {
        if f.done {
            return None;
        }
        if !f.first {
            let changed = if f.busy {
                f.rx.changed().await.is_ok()
            } else {
                matches!(
                    tokio::time::timeout(PROGRESS_GRACE, f.rx.changed()).await,
                    Ok(Ok(()))
                )
            };
            if !changed {
                f.done = true;
                return Some((Ok(idle()), f));
            }
        }
        let opening = std::mem::replace(&mut f.first, false);
        let now = f.rx.borrow_and_update().clone();
        let item = match now {
            Some(p) => {
                f.busy = true;
                SseEvent::default()
                    .event("progress")
                    .json_data(&p)
                    .unwrap_or_else(|_| SseEvent::default().comment("unserialisable"))
            }
            // Ended (also an event that ran whole between two looks).
            None if !opening => {
                f.done = true;
                idle()
            }
            // Nothing runs yet: a comment opens the stream while it waits.
            None => SseEvent::default().comment("waiting"),
        };
        Some((Ok(item), f))
    })
}

/// The run's execution logs as trace trees: one root per event run, its action attempts
/// below it, and the calls each attempt made below those; in start order. Inputs are
/// redacted and outputs truncated.
#[utoipa::path(
    get, path = "/api/v1/wizard-runs/{run_id}/action-logs", tag = "execution",
    security(("bearer" = []), ("cookie" = [])),
    params(("run_id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "The trees", body = Vec<ActionLog>),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn action_logs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(run_id): ApiPath<PathId>,
) -> AppResult<Json<Vec<ActionLog>>> {
    Ok(Json(
        engine::logs::run_logs(&state, &user, run_id.uuid()).await?,
    ))
}

/// One execution log row with its subtree.
#[utoipa::path(
    get, path = "/api/v1/wizard-runs/{run_id}/action-logs/{log_id}", tag = "execution",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("run_id" = Uuid, Path, description = "Run id"),
        ("log_id" = Uuid, Path, description = "Log row id"),
    ),
    responses(
        (status = 200, description = "The row and its children", body = ActionLog),
        (status = 404, description = "No such run of yours, or no such row in it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn action_log(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((run_id, log_id)): ApiPath<(PathId, PathId)>,
) -> AppResult<Json<ActionLog>> {
    Ok(Json(
        engine::logs::run_log(&state, &user, run_id.uuid(), log_id.uuid()).await?,
    ))
}

//! OWNER: issue 4 helper.

use utoipa_axum::router::OpenApiRouter;
use wizard_core::state::AppState;

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

//! The `/api/v1` JSON API. Handlers are thin: parse → service → JSON. The OpenAPI
//! document is generated from the handlers' annotations and types.

pub mod auth;
pub mod health;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::error::AppError;
use wizard_core::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wizard Platform API",
        version = "1",
        description = "Build multi-step wizards, run them, and wire events to actions. Errors are RFC 9457 problem documents (`application/problem+json`) with field-level `errors`."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(wizard_core::problem::Problem, wizard_core::problem::FieldError)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "users", description = "User administration (admin)"),
        (name = "system", description = "Health and metadata"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                wizard_core::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API router, with the OpenAPI document served at `/api/v1/openapi.json`.
pub fn router<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(users::list_users))
        .routes(routes!(users::change_role))
        .routes(routes!(health::health))
        .split_for_parts();
    let doc = Arc::new(doc);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        // Wrong methods and unknown paths answer in the API's language (problem
        // documents), not with an empty 405 or the HTML 404 page.
        .method_not_allowed_fallback(method_not_allowed)
        .route("/api/v1/{*rest}", any(not_found))
        .with_state(state)
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> impl IntoResponse {
    AppError::MethodNotAllowed(format!("{method} is not supported on {}", uri.path()))
}

async fn not_found(uri: axum::http::Uri) -> impl IntoResponse {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

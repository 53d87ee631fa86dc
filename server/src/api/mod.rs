//! The `/api/v1` JSON API. Handlers are thin: parse → service → JSON. The OpenAPI
//! document is generated from the handlers' annotations and types.

pub mod api_configs;
pub mod auth;
pub mod events;
pub mod execution;
pub mod health;
pub mod library;
pub mod llm;
pub mod mcp;
pub mod openapi;
pub mod runs;
pub mod steps;
pub mod users;
pub mod wizards;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::error::AppError;
use wizard_core::backend::state::AppState;

/// Largest JSON body accepted (a wizard of a few thousand fields fits comfortably).
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wizard Platform API",
        version = "1",
        description = "Build multi-step wizards, run them, and wire events to actions. Errors are RFC 9457 problem documents (`application/problem+json`) with field-level `errors`."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(wizard_core::domain::problem::Problem, wizard_core::domain::problem::FieldError)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "users", description = "User administration (admin)"),
        (name = "wizards", description = "Drafts, publishing, versions, import/export (builders)"),
        (name = "steps", description = "Steps of a draft"),
        (name = "option sets", description = "Fields of a draft"),
        (name = "options", description = "Choices of a select"),
        (name = "templates", description = "The template gallery and cloning"),
        (name = "runs", description = "Playing published wizards; My Runs"),
        (name = "store", description = "Runs saved under a name, private or shared"),
        (name = "files", description = "Files of upload fields"),
        (name = "events", description = "Events and their actions on a draft; action tests"),
        (name = "api configs", description = "API configurations of a wizard (credentials write-only)"),
        (name = "mcp", description = "MCP server registry (admin), tools, and a wizard's MCP configurations"),
        (name = "execution", description = "Running events of a run; execution logs"),
        (name = "admin", description = "Platform administration: outbound allow-list, language model"),
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
                wizard_core::backend::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document exactly as `/api/v1/openapi.json` serves it (the tests check every
/// response they get against it).
pub fn openapi_document() -> serde_json::Value {
    openapi::document(&routes().into_openapi())
}

/// The API router, with the OpenAPI document served at `/api/v1/openapi.json`.
pub fn router<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    let (router, doc) = routes().split_for_parts();
    // Serialized once: the document never changes while the server runs.
    let doc =
        axum::body::Bytes::from(serde_json::to_vec(&openapi::document(&doc)).unwrap_or_default());
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        doc,
                    )
                }
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

/// Every operation, annotated for the document.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(users::list_users))
        .routes(routes!(users::change_role))
        .routes(routes!(health::health))
        .merge(
            // Drafts of big wizards exceed axum's 2 MB default; everything else keeps it.
            OpenApiRouter::new()
                .routes(routes!(wizards::create_wizard, wizards::list_wizards))
                .routes(routes!(wizards::list_published))
                .routes(routes!(wizards::import))
                .routes(routes!(
                    wizards::get_wizard,
                    wizards::save_wizard,
                    wizards::update_wizard,
                    wizards::delete_wizard
                ))
                .routes(routes!(wizards::publish))
                .routes(routes!(wizards::list_versions))
                .routes(routes!(wizards::get_version))
                .routes(routes!(wizards::export))
                .routes(routes!(wizards::list_templates))
                .routes(routes!(wizards::clone_template))
                .routes(routes!(steps::add_step))
                .routes(routes!(steps::reorder_steps))
                .routes(routes!(
                    steps::get_step,
                    steps::put_step,
                    steps::delete_step
                ))
                .routes(routes!(steps::add_option_set))
                .routes(routes!(steps::reorder_option_sets))
                .routes(routes!(
                    steps::get_option_set,
                    steps::put_option_set,
                    steps::delete_option_set
                ))
                .routes(routes!(steps::add_option))
                .routes(routes!(steps::reorder_options))
                .routes(routes!(steps::put_option, steps::delete_option))
                .layer(DefaultBodyLimit::max(MAX_JSON_BODY)),
        )
        .routes(routes!(runs::start_run, runs::list_runs))
        .routes(routes!(runs::get_run, runs::delete_run))
        .routes(routes!(runs::save_answers))
        .routes(routes!(runs::next_step))
        .routes(routes!(runs::previous_step))
        .routes(routes!(runs::complete_run))
        .routes(routes!(runs::store_run, runs::unstore_run))
        .routes(routes!(runs::list_store))
        .routes(routes!(runs::download_file))
        .merge(events::routes())
        .merge(api_configs::routes())
        .merge(library::routes())
        .merge(llm::routes())
        .merge(mcp::routes())
        .merge(execution::routes())
        .merge(
            // Uploads read their own (larger) limit, and like the sign-in forms only come
            // from this site: a cross-site page must not fill a runner's answers.
            OpenApiRouter::new()
                .routes(routes!(runs::upload_file))
                .layer(DefaultBodyLimit::disable())
                .layer(axum::middleware::from_fn(crate::web::same_site_only)),
        )
}

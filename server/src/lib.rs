//! The Wizard Platform server: wires configuration, storage, the REST API, the Leptos
//! pages and the form endpoints into one axum router.

pub mod api;
pub mod config;
pub mod extract;
pub mod telemetry;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use wizard_core::backend::auth::{LoginLimiter, RateLimit, TokenKeys};
use wizard_core::backend::db::Db;
use wizard_core::backend::error::AppError;
use wizard_core::backend::mcp::McpPool;
use wizard_core::backend::outbound::{Outbound, OutboundSettings};
use wizard_core::backend::prompts::Prompts;
use wizard_core::backend::secrets::SecretBox;
use wizard_core::backend::session::session_cache;
use wizard_core::backend::state::EngineSettings;
use wizard_core::backend::state::{App, AppState, AuthSettings};
use wizard_core::backend::ttl_cache::TtlCache;

use crate::config::{ConfigError, Settings};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("llm_prompts_dir: {0}")]
    Prompts(String),
}

/// Opens storage (creating and migrating it) and assembles the application state.
pub async fn build_state(settings: &Settings) -> Result<AppState, StartupError> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
        path: settings.data_dir.display().to_string(),
        source,
    })?;
    let db = Db::connect(&settings.database_url(), settings.db_max_connections).await?;
    let secret = settings.resolve_secret_key()?;
    let tokens = TokenKeys::new(secret.expose().as_bytes())?;
    let secrets = SecretBox::from_base64(settings.resolve_encryption_key()?.expose())?;
    let engine = EngineSettings {
        default_timeout: Duration::from_millis(settings.action_timeout_ms),
        js_memory_limit_bytes: settings.js_memory_limit_mb * 1024 * 1024,
        js_time_limit: Duration::from_millis(settings.js_time_limit_ms),
        events_per_minute: settings.events_per_minute,
        events_burst: settings.events_burst,
        library_max_depth: settings.library_max_depth,
        ..EngineSettings::default()
    };
    let prompts = match &settings.llm_prompts_dir {
        Some(dir) => Prompts::from_dir(dir).map_err(StartupError::Prompts)?,
        None => Prompts::default(),
    };
    let sessions = session_cache(db.backend);
    let api_config_rows = wizard_core::backend::api_configs::row_cache(db.backend);
    let run_rows = TtlCache::single_writer(db.backend);
    let state = AppState::new(App {
        db,
        tokens,
        auth: AuthSettings {
            session_ttl: Duration::from_secs(settings.session_ttl_hours * 3600),
            cookie_secure: settings.cookie_secure,
            default_role: settings.default_role,
        },
        login_limiter: LoginLimiter::new(settings.login_attempts_per_minute, settings.login_burst),
        versions: Default::default(),
        secrets,
        outbound: Outbound::new(OutboundSettings {
            max_response_bytes: settings.outbound_max_response_bytes,
            ..OutboundSettings::default()
        }),
        mcp: McpPool::new(),
        event_limiter: RateLimit::new(engine.events_per_minute, engine.events_burst),
        run_gates: Default::default(),
        progress: Default::default(),
        prompts,
        sessions,
        api_config_rows,
        run_rows,
        engine,
    });
    if settings.seed_templates {
        wizard_core::backend::seed::apply(&state).await?;
        wizard_core::backend::seed::apply_library(&state).await?;
    }
    Ok(state)
}

/// The whole HTTP surface: `/api/v1`, the form endpoints, Leptos pages and server
/// functions (with `AppState` in their context), and the static site files.
pub fn router(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(app::App);
    Router::<LeptosOptions>::new()
        .merge(api::router(state.clone()))
        .merge(web::router(state.clone()))
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(app::shell))
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn_with_state(
            state,
            web::resolve_session,
        ))
        // Every response: no MIME sniffing, no framing by other sites (clickjacking),
        // no full URLs leaking to other origins.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

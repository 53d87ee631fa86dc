use std::process::ExitCode;

use server::config::Settings;

/// mimalloc for Rust's allocations; its `override` feature also gives it the C code's
/// (QuickJS, SQLite). See server/Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(&settings.log_level, &settings.log_format);
    match run(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> Result<(), server::StartupError> {
    let conf = leptos::config::get_configuration(None)
        .map_err(|e| server::config::ConfigError::Invalid(format!("leptos: {e}")))?;
    let leptos_options = conf.leptos_options;
    let address = settings.address.unwrap_or(leptos_options.site_addr);
    let state = server::build_state(&settings).await?;
    let router = server::router(state.clone(), leptos_options);
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let served = server::serve(listener, router, server::shutdown_signal()).await;
    // MCP stdio children get a clean protocol shutdown rather than a kill.
    state.mcp.shutdown().await;
    served?;
    Ok(())
}

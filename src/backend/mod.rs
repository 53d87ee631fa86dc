//! Server-only code (feature `ssr`): application state, authentication, storage (`db`), the
//! action engine (`engine`, `mcp`), secrets, and the use-case services that the REST API and
//! the Leptos server functions both call (`accounts`, `wizards`, `runs`, `events`,
//! `api_configs`, `mcp_configs`, `files`). ARCHITECTURE.md shows how a request flows through
//! them.

pub mod accounts;
pub mod allowlist;
pub mod api_configs;
pub mod auth;
pub mod db;
pub mod engine;
pub mod error;
pub mod events;
pub mod files;
pub mod gates;
pub mod library;
pub mod llm;
pub mod mcp;
pub mod mcp_configs;
pub mod mcp_servers;
pub mod outbound;
pub mod progress;
pub mod prompts;
pub mod render;
pub mod run_store;
pub mod runs;
pub mod secrets;
pub mod seed;
pub mod session;
pub mod state;
pub mod ttl_cache;
pub mod version_cache;
pub mod wizards;

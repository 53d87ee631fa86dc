//! `wizard-core`: the Wizard Platform domain.
//!
//! Without features this crate is pure and compiles to `wasm32`, so the browser and the
//! server run the *same* code to decide what is shown, required or valid. With `ssr` it
//! adds what only the server has: storage, authentication, and the services that both the
//! REST API and the Leptos server functions call.

pub mod condition;
pub mod domain;
pub mod problem;
pub mod template;
pub mod user;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod allowlist;
#[cfg(feature = "ssr")]
pub mod api_configs;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod gates;
#[cfg(feature = "ssr")]
pub mod mcp;
#[cfg(feature = "ssr")]
pub mod mcp_configs;
#[cfg(feature = "ssr")]
pub mod runs;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod version_cache;
#[cfg(feature = "ssr")]
pub mod wizards;

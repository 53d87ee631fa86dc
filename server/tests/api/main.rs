//! The server's integration tests: one binary, so the whole server is linked once, with
//! one module per area. Each scenario starts the real router on 127.0.0.1 against a fresh
//! database (`common::spawn_app`), usually once on SQLite and once on PostgreSQL
//! (`on_both_backends!`); every response is checked against the OpenAPI document
//! (`common::contract`) and every log line is captured (`common::logs`).

#[macro_use]
mod common;
mod support;

mod accounts;
mod api_calls;
mod durability;
mod engine;
mod events;
mod library;
mod library_generate;
mod library_runs;
mod mcp;
mod renders;
mod runs;
mod web;
mod wizards;

//! `wizard-core`: the Wizard Platform's domain and services (ARCHITECTURE.md).
//!
//! `domain` is pure and also compiles to `wasm32`: the browser and the server run the *same*
//! code to decide what is shown, required or valid, and share the wire types. `backend`
//! (feature `ssr`) is what only the server has: storage, authentication, the action engine
//! and the services that both the REST API and the Leptos server functions call.

#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;

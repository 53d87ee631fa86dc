//! The pure core, compiled for the server and for the browser (wasm32): keys, selection
//! types with their settings, the wizard tree, conditions, templates, stored drafts and
//! versions, runs, answer validation, users and problem documents. Nothing here touches
//! storage or the network (ARCHITECTURE.md, "The boundary").

pub mod allowlist;
pub mod answer;
pub mod concurrency;
pub mod condition;
pub mod draft;
pub mod event;
pub mod event_view;
pub mod integration;
pub mod key;
pub mod library;
pub mod llm;
pub mod mcp;
pub mod member;
pub mod pattern;
pub mod problem;
pub mod render;
pub mod run;
pub mod selection;
pub mod template;
pub mod text_enum;
pub mod transfer;
pub mod user;
pub mod wizard;

pub use key::*;
pub use selection::*;
pub use wizard::*;

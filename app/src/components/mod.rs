//! Components shared by several pages.

pub mod activity;
pub mod answers;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod data_table;
pub mod deferred;
pub mod fields;
pub mod loading;
pub mod renderers;
pub mod save_queue;
pub mod toasts;

//! The wizard domain: keys, selection types with their settings, the wizard tree, stored
//! drafts and versions, runs, and answer validation.

pub mod answer;
pub mod concurrency;
pub mod draft;
pub mod event;
pub mod event_check;
pub mod integration;
pub mod key;
pub mod run;
pub mod selection;
pub mod transfer;
pub mod wizard;

pub use key::*;
pub use selection::*;
pub use wizard::*;

//! Server functions: thin wrappers that take the caller and state from context and call a
//! `wizard-core` service. One module per area.

pub mod runs;
pub mod wizards;

//! The wizard domain: keys, selection types with their settings, and the wizard tree.

pub mod key;
pub mod selection;
pub mod wizard;

pub use key::*;
pub use selection::*;
pub use wizard::*;

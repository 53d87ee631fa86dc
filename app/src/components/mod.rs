//! Components shared by several pages.

pub mod answers;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod fields;

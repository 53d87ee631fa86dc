//! The wizard builder's editor: local draft state with a save queue, the steps list, the
//! step and field editors, the typed settings editor, the condition builder and the live
//! preview. The pages that host it are in `pages::builder`.

pub mod api_configs;
pub mod condition;
pub mod events;
pub mod mcp_configs;
pub mod model;
pub mod option_set;
pub mod preview;
pub mod state;
pub mod steps;
pub mod ui;

//! One editor per action type (ARCHITECTURE.md, "Where to add": an action type's editor in
//! the builder), behind one dispatch on the action's type. Each reads and edits only its
//! own configuration, through [`config_memo`] and [`edit_config`].

/// `pick` and `pick_mut`: the configuration of one `ActionConfig` variant, for
/// [`config_memo`] and [`edit_config`]. Defined before the modules so each can use it.
macro_rules! config_of {
    ($variant:ident, $config:ty) => {
        fn pick(c: &ActionConfig) -> Option<&$config> {
            match c {
                ActionConfig::$variant(c) => Some(c),
                _ => None,
            }
        }

        fn pick_mut(c: &mut ActionConfig) -> Option<&mut $config> {
            match c {
                ActionConfig::$variant(c) => Some(c),
                _ => None,
            }
        }
    };
}

mod api_call;
mod argument;
mod custom_script;
mod library_action;
mod mcp_call;
mod navigate;
mod set_field;
mod show_message;
mod transform;

use leptos::prelude::*;
use wizard_core::domain::event::{ActionConfig, ActionType};

use super::ActionCtx;

/// The action's own settings, by its type.
#[component]
pub fn TypeEditor(ctx: ActionCtx) -> impl IntoView {
    let ty = Memo::new(move |_| ctx.read(|a| a.action_type()));
    move || match ty.get() {
        Some(ActionType::ApiCall) => view! { <api_call::ApiCallEditor ctx /> }.into_any(),
        Some(ActionType::TransformData) => view! { <transform::TransformEditor ctx /> }.into_any(),
        Some(ActionType::SetFieldValue) => view! { <set_field::SetFieldEditor ctx /> }.into_any(),
        Some(ActionType::ShowMessage) => {
            view! { <show_message::ShowMessageEditor ctx /> }.into_any()
        }
        Some(ActionType::Navigate) => view! { <navigate::NavigateEditor ctx /> }.into_any(),
        Some(ActionType::CustomScript) => view! { <custom_script::ScriptEditor ctx /> }.into_any(),
        Some(ActionType::McpCall) => view! { <mcp_call::McpCallEditor ctx /> }.into_any(),
        Some(ActionType::LibraryAction) => {
            view! { <library_action::LibraryActionEditor ctx /> }.into_any()
        }
        None => ().into_any(),
    }
}

/// The action's configuration of one type (tracked); `None` if it has another type.
pub fn config_memo<T>(ctx: ActionCtx, pick: fn(&ActionConfig) -> Option<&T>) -> Memo<Option<T>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| ctx.read(|a| pick(&a.config).cloned()).flatten())
}

/// A text read out of the configuration (empty when the action has another type).
pub fn config_text<T>(cfg: Memo<Option<T>>, f: fn(&T) -> String) -> Signal<String>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Signal::derive(move || cfg.with(|c| c.as_ref().map(f).unwrap_or_default()))
}

/// Edits the configuration if it has this type.
pub fn edit_config<T>(
    ctx: ActionCtx,
    pick: fn(&mut ActionConfig) -> Option<&mut T>,
    f: impl FnOnce(&mut T),
) {
    ctx.edit(|a| {
        if let Some(c) = pick(&mut a.config) {
            f(c);
        }
    });
}

//! The player: one run of a published version, step by step.

use leptos::prelude::*;

#[component]
pub fn RunPage() -> impl IntoView {
    view! { <p>"Player"</p> }
}

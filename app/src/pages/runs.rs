//! My Runs, and the published wizards a user may start.

use leptos::prelude::*;

#[component]
pub fn MyRunsPage() -> impl IntoView {
    view! { <p>"My Runs"</p> }
}

//! The builder: the user's wizards, and the editor of one draft.

use leptos::prelude::*;

#[component]
pub fn MyWizardsPage() -> impl IntoView {
    view! { <p>"My Wizards"</p> }
}

#[component]
pub fn BuilderPage() -> impl IntoView {
    view! { <p>"Builder"</p> }
}

//! The Store: runs saved under a name, private or shared.

use leptos::prelude::*;

#[component]
pub fn StorePage() -> impl IntoView {
    view! { <p>"Store"</p> }
}

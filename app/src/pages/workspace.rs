//! The signed-in user's own areas: wizards, runs and the store. Each shows an empty
//! state until the wizard platform lands.

use leptos::prelude::*;
use leptos_meta::Title;

use super::RequireUser;

#[component]
fn EmptyArea(title: &'static str, heading: &'static str, body: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <div class="page-head"><h1>{title}</h1></div>
        <RequireUser children=move |_user| view! {
            <section class="empty-state">
                <div class="empty-icon" aria-hidden="true">"◇"</div>
                <h2>{heading}</h2>
                <p>{body}</p>
            </section>
        } />
    }
}

#[component]
pub fn MyWizardsPage() -> impl IntoView {
    view! {
        <EmptyArea
            title="My Wizards"
            heading="No wizards yet"
            body="Wizards you build or clone from the gallery will be listed here."
        />
    }
}

#[component]
pub fn MyRunsPage() -> impl IntoView {
    view! {
        <EmptyArea
            title="My Runs"
            heading="No runs yet"
            body="Every wizard you start is saved as you go, and listed here to resume."
        />
    }
}

#[component]
pub fn StorePage() -> impl IntoView {
    view! {
        <EmptyArea
            title="Store"
            heading="Nothing stored yet"
            body="Save a run under a name to find it here, private or shared."
        />
    }
}

//! The `list` renderer: items with a primary and an optional secondary text.

use leptos::prelude::*;
use wizard_core::domain::render::list::ListView;

pub(super) fn list(l: ListView) -> impl IntoView {
    if l.items.is_empty() {
        return view! { <p class="muted">"Nothing to show."</p> }.into_any();
    }
    let items = l
        .items
        .into_iter()
        .map(|i| {
            view! {
                <li>
                    <span class="list-primary">{i.primary}</span>
                    {i.secondary.map(|s| view! { <span class="list-secondary muted">{s}</span> })}
                </li>
            }
        })
        .collect_view();
    if l.ordered {
        view! { <ol class="list-render">{items}</ol> }.into_any()
    } else {
        view! { <ul class="list-render">{items}</ul> }.into_any()
    }
}

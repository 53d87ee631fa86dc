//! The `card_grid` renderer: one card per row in a responsive grid.

use leptos::prelude::*;
use wizard_core::domain::render::cards::Card;

pub(super) fn cards(cards: Vec<Card>) -> impl IntoView {
    if cards.is_empty() {
        return view! { <p class="muted">"Nothing to show."</p> }.into_any();
    }
    let items = cards
        .into_iter()
        .map(|c| {
            let title = match c.link {
                Some(href) => view! { <a href=href rel="noopener noreferrer nofollow" target="_blank">{c.title}</a> }.into_any(),
                None => view! { <span>{c.title}</span> }.into_any(),
            };
            view! {
                <li class="card">
                    {c.image.map(|src| view! { <img src=src alt="" loading="lazy" /> })}
                    <h3 class="card-title">{title}</h3>
                    {c.subtitle.map(|s| view! { <p class="card-subtitle muted">{s}</p> })}
                    {c.body.map(|b| view! { <p class="card-body">{b}</p> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="card-grid" role="list">{items}</ul> }.into_any()
}

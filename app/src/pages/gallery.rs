//! The template gallery. Templates arrive with the wizard platform (issue 3); until then
//! the page explains what will be here.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GalleryPage() -> impl IntoView {
    view! {
        <Title text="Gallery" />
        <div class="page-head">
            <h1>"Template gallery"</h1>
            <p class="muted">"Start from a published template, clone it, and make it yours."</p>
        </div>
        <section class="empty-state" data-testid="gallery-empty">
            <div class="empty-icon" aria-hidden="true">"◇"</div>
            <h2>"No templates yet"</h2>
            <p>"Published templates will appear here with their category and description."</p>
        </section>
    }
}

//! The `document` renderer: the HTML the server made from the Markdown (pulldown-cmark,
//! sanitized by ammonia in `backend::render`), inserted as it came. Without it (a render
//! made before markup existed) the Markdown is shown as plain text, never as HTML.

use leptos::prelude::*;

pub(super) fn document(markup: Option<String>, markdown: String) -> impl IntoView {
    match markup {
        Some(html) => view! { <div class="document" inner_html=html></div> }.into_any(),
        None => view! { <pre class="document-plain">{markdown}</pre> }.into_any(),
    }
}

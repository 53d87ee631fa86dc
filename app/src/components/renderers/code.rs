//! The `code` renderer: the code (highlighted on the server when its language is known),
//! line numbers in a gutter screen readers skip, long lines wrapped or scrolled, a copy
//! button.

use leptos::prelude::*;
use wizard_core::domain::render::code::CodeView;

pub(super) fn code(c: CodeView, markup: Option<String>) -> impl IntoView {
    let text = c.text.clone();
    let language = c.language.clone().unwrap_or_else(|| "text".into());
    let lines = c.text.lines().count().max(1);
    let gutter = c.line_numbers.then(|| {
        let numbers: String = (1..=lines).map(|n| format!("{n}\n")).collect();
        view! { <span class="code-gutter" aria-hidden="true">{numbers}</span> }
    });
    let body = match markup {
        Some(html) => view! { <code class="code-text" inner_html=html></code> }.into_any(),
        None => view! { <code class="code-text">{c.text}</code> }.into_any(),
    };
    view! {
        <figure class="code-render" class:wrap=c.wrap data-testid="code-render">
            <figcaption>
                <span class="muted">{language}</span>
                <button type="button" class="btn btn-quiet btn-small" on:click=move |_| super::copy_text(text.clone())>"Copy"</button>
            </figcaption>
            <pre tabindex="0">{gutter}{body}</pre>
        </figure>
    }
}

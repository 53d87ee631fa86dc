//! The input for one typed value (`schema::Kind`): a text box, a number box, a yes/no or
//! a choice list, or a JSON text area. Shared by the argument forms (an MCP tool's
//! `inputSchema`, a library action's parameters) and the renderer settings form.

use leptos::prelude::*;

use crate::builder::events::schema::{Kind, Param, text_of};

/// `text` is what the input shows; `commit` receives what was typed when it changes.
#[component]
pub fn TypedInput(
    p: Param,
    id: String,
    described: String,
    #[prop(into)] text: Signal<String>,
    #[prop(into)] invalid: Signal<Option<&'static str>>,
    commit: Callback<String>,
    testid: String,
) -> impl IntoView {
    let placeholder = p.default.as_ref().map(text_of).unwrap_or_default();
    let (min, max) = (p.minimum, p.maximum);
    let on_change = move |ev| commit.run(event_target_value(&ev));
    match p.kind {
        Kind::Text => view! {
            <input id=id type="text" aria-describedby=described aria-invalid=invalid data-testid=testid
                placeholder=placeholder prop:value=move || text.get() on:change=on_change />
        }
        .into_any(),
        Kind::Number | Kind::Integer => view! {
            <input id=id type="number" inputmode="decimal" aria-describedby=described aria-invalid=invalid data-testid=testid
                step=if p.kind == Kind::Integer { "1" } else { "any" }
                min=min.map(|m| m.to_string()) max=max.map(|m| m.to_string())
                placeholder=placeholder prop:value=move || text.get() on:change=on_change />
        }
        .into_any(),
        Kind::Boolean | Kind::Choice(_) => {
            let values: Vec<String> = match &p.kind {
                Kind::Choice(vs) => vs.iter().map(text_of).collect(),
                _ => vec!["true".to_owned(), "false".to_owned()],
            };
            view! {
                <select id=id aria-describedby=described aria-invalid=invalid data-testid=testid on:change=on_change>
                    <option value="" selected=move || text.with(String::is_empty)>"(not set)"</option>
                    {values.into_iter().map(|v| {
                        let selected = {
                            let v = v.clone();
                            move || text.with(|t| *t == v)
                        };
                        view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Kind::Json => view! {
            <textarea id=id rows=3 class="mono" spellcheck="false" aria-describedby=described aria-invalid=invalid data-testid=testid
                placeholder=placeholder prop:value=move || text.get() on:change=on_change></textarea>
        }
        .into_any(),
    }
}

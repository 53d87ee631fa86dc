//! The labelled inputs every action editor is made of: a text box (or text area), a
//! select, and a number box, each with the server's messages beside it
//! (`aria-describedby`), committing on `change` so typing never re-renders the box.

use leptos::prelude::*;

use crate::builder::ui::ErrorLines;

/// A labelled text input, or a text area when `rows` is set.
#[component]
pub fn TextSetting(
    #[prop(into)] id: String,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional)] testid: &'static str,
    /// A text area of this many rows; 0 (the default) is a one-line input.
    #[prop(optional)]
    rows: u32,
    /// Code or JSON: monospaced, no spell checking.
    #[prop(optional)]
    mono: bool,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let err_id = format!("{id}-errors");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_empty() {
        err_id.clone()
    } else {
        format!("{hint_id} {err_id}")
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let input = if rows > 0 {
        view! {
            <textarea
                id=id.clone()
                rows=rows
                class:mono=mono
                spellcheck=if mono { "false" } else { "true" }
                data-testid=testid
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type="text"
                class:mono=mono
                data-testid=testid
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty)>
            <label for=id>{label}</label>
            {input}
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

/// A labelled select over `(value, label)` choices.
#[component]
pub fn SelectSetting(
    #[prop(into)] id: String,
    label: &'static str,
    #[prop(into)] choices: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let err_id = format!("{id}-errors");
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty)>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                data-testid=testid
                aria-describedby=err_id.clone()
                aria-invalid=move || (!errors.with(Vec::is_empty)).then_some("true")
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                {move || {
                    let current = value.get();
                    choices
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = v == current;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

/// `(value, label)` choices from static pairs.
pub fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect()
}

//! The labelled inputs every action editor is made of: a text box (or text area), a
//! select, and rows of names and values, each with the server's messages beside it
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

/// A local message (what the editor could not even hold: a malformed number, JSON that
/// does not parse) ahead of the server's messages for the same input.
pub fn with_local(
    local: RwSignal<Vec<String>>,
    server: Signal<Vec<String>>,
) -> Signal<Vec<String>> {
    Signal::derive(move || {
        let mut all = local.get();
        all.extend(server.get());
        all
    })
}

/// `(value, label)` choices from static pairs.
pub fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect()
}

/// Rows of name and value (query parameters, headers), edited locally and written back
/// whole on each change; rows without a name are left out.
#[component]
pub fn KeyValues(
    id: String,
    legend: &'static str,
    initial: Vec<(String, String)>,
    #[prop(into)] errors: Signal<Vec<String>>,
    on_set: Callback<Vec<(String, String)>>,
    /// Write-only values (credentials): typed into password inputs.
    #[prop(optional)]
    secret: bool,
) -> impl IntoView {
    let next = StoredValue::new(initial.len());
    let rows = RwSignal::new(
        initial
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, (String, String))>>(),
    );
    let commit = move || {
        on_set.run(
            rows.get_untracked()
                .into_iter()
                .map(|(_, (k, v))| (k.trim().to_owned(), v))
                .filter(|(k, _)| !k.is_empty())
                .collect(),
        )
    };
    let err_id = format!("{id}-errors");
    view! {
        <fieldset class="key-values" data-testid=legend.to_lowercase().replace(' ', "-")>
            <legend>{legend}</legend>
            <For each=move || rows.get() key=|(n, _)| *n let:row>
                {
                    let (n, (name, value)) = row;
                    let set = move |f: &dyn Fn(&mut (String, String))| {
                        rows.update(|rs| {
                            if let Some((_, kv)) = rs.iter_mut().find(|(m, _)| *m == n) {
                                f(kv);
                            }
                        });
                        commit();
                    };
                    view! {
                        <div class="kv-row">
                            <input
                                type="text"
                                class="mono"
                                aria-label=format!("{legend}: name")
                                value=name
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    set(&|kv| kv.0 = v.clone());
                                }
                            />
                            <input
                                type=if secret { "password" } else { "text" }
                                autocomplete=secret.then_some("new-password")
                                class="mono"
                                aria-label=format!("{legend}: value")
                                value=value
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    set(&|kv| kv.1 = v.clone());
                                }
                            />
                            <button
                                type="button"
                                class="btn btn-small btn-danger-quiet"
                                aria-label=format!("Remove this row of {legend}")
                                on:click=move |_| {
                                    rows.update(|rs| rs.retain(|(m, _)| *m != n));
                                    commit();
                                }
                            >
                                "✕"
                            </button>
                        </div>
                    }
                }
            </For>
            <button
                type="button"
                class="btn btn-small btn-quiet"
                on:click=move |_| {
                    let n = next.get_value();
                    next.set_value(n + 1);
                    rows.update(|rs| rs.push((n, (String::new(), String::new()))));
                }
            >
                {format!("+ {legend}")}
            </button>
            <ErrorLines messages=errors id=err_id />
        </fieldset>
    }
    .into_any()
}

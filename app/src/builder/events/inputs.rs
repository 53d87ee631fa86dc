//! The labelled inputs every action editor is made of: a text box (or text area), a
//! select, and rows of names and values, each with the server's messages beside it
//! (`aria-describedby`), committing on `change` so typing never re-renders the box.

use leptos::prelude::*;

use super::completion;
use super::gutter::{LineGutter, line_count, scrolled};
use crate::builder::ui::ErrorLines;

/// A labelled text input, or a text area when `rows` is set. With `paths`, typing `{{`
/// lists the template paths that exist there (`completion`): arrows move, Enter or Tab
/// takes one, Escape closes the list.
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
    /// The template paths to offer after `{{` (a templated input).
    #[prop(optional, into)]
    paths: Option<Signal<Vec<String>>>,
) -> impl IntoView {
    let err_id = format!("{id}-errors");
    let hint_id = format!("{id}-hint");
    let list_id = format!("{id}-paths");
    let described = if hint.is_empty() {
        err_id.clone()
    } else {
        format!("{hint_id} {err_id}")
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let c = Completer::new(id.clone(), paths, on_change);
    let listing = paths.is_some();
    let expanded = move || listing.then(|| (!c.listed.with(Vec::is_empty)).to_string());
    let active_id = {
        let list_id = list_id.clone();
        move || (!c.listed.with(Vec::is_empty)).then(|| format!("{list_id}-{}", c.active.get()))
    };
    // A code area numbers its lines (`gutter`); the count follows the typing, and the
    // saved value once an edit is committed or replaced (a generated script).
    let code = rows > 0 && mono;
    let typed_lines = RwSignal::new(None::<usize>);
    let lines = Signal::derive(move || {
        typed_lines
            .get()
            .unwrap_or_else(|| value.with(|v| line_count(v)))
    });
    let scroll = RwSignal::new(0);
    let input = if rows > 0 {
        let area = view! {
            <textarea
                id=id.clone()
                rows=rows
                class:mono=mono
                wrap=code.then_some("off")
                spellcheck=if mono { "false" } else { "true" }
                data-testid=testid
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=invalid
                aria-autocomplete=listing.then_some("list")
                aria-controls=listing.then(|| list_id.clone())
                aria-expanded=expanded
                aria-activedescendant=active_id
                prop:value=move || value.get()
                on:change=move |ev| {
                    typed_lines.set(None);
                    on_change.run(event_target_value(&ev))
                }
                on:input=move |ev| {
                    if code {
                        typed_lines.set(Some(line_count(&event_target_value(&ev))));
                    }
                    c.typed(&ev)
                }
                on:scroll=move |ev| {
                    if code {
                        scroll.set(scrolled(&ev));
                    }
                }
                on:keydown=move |ev| c.key(&ev)
                on:blur=move |_| c.close()
            ></textarea>
        };
        if code {
            view! { <div class="code-area"><LineGutter lines errors scroll />{area}</div> }
                .into_any()
        } else {
            area.into_any()
        }
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
                aria-autocomplete=listing.then_some("list")
                aria-controls=listing.then(|| list_id.clone())
                aria-expanded=expanded
                aria-activedescendant=active_id
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
                on:input=move |ev| c.typed(&ev)
                on:keydown=move |ev| c.key(&ev)
                on:blur=move |_| c.close()
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty)>
            <label for=id>{label}</label>
            {input}
            {listing.then(|| view! { <PathList c list_id /> })}
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

/// The state of `{{` completion in one input: the paths listed now, the highlighted one,
/// and where the typed path starts.
#[derive(Clone, Copy)]
struct Completer {
    id: StoredValue<String>,
    paths: Option<Signal<Vec<String>>>,
    on_change: Callback<String>,
    listed: RwSignal<Vec<String>>,
    active: RwSignal<usize>,
    /// The text before and after the caret, and where the typed path starts.
    at: StoredValue<Option<(String, String, usize)>>,
}

impl Completer {
    fn new(id: String, paths: Option<Signal<Vec<String>>>, on_change: Callback<String>) -> Self {
        Completer {
            id: StoredValue::new(id),
            paths,
            on_change,
            listed: RwSignal::new(Vec::new()),
            active: RwSignal::new(0),
            at: StoredValue::new(None),
        }
    }

    fn close(self) {
        if !self.listed.with_untracked(Vec::is_empty) {
            self.listed.set(Vec::new());
        }
    }

    /// After each keystroke: lists the paths matching what is typed after an open `{{`.
    fn typed(self, ev: &leptos::ev::Event) {
        let Some(paths) = self.paths else { return };
        let Some((text, caret)) = text_and_caret(ev) else {
            return;
        };
        let caret = completion::byte_index(&text, caret);
        let (before, after) = text.split_at(caret);
        match completion::open_template(before) {
            Some(start) => {
                let found = paths.with_untracked(|p| completion::suggestions(p, &before[start..]));
                self.at
                    .set_value(Some((before.to_owned(), after.to_owned(), start)));
                self.active.set(0);
                self.listed.set(found);
            }
            None => self.close(),
        }
    }

    fn key(self, ev: &leptos::ev::KeyboardEvent) {
        let n = self.listed.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                self.active.update(|a| *a = (*a + 1) % n);
            }
            "ArrowUp" => {
                ev.prevent_default();
                self.active.update(|a| *a = (*a + n - 1) % n);
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                let chosen = self
                    .listed
                    .with_untracked(|l| l.get(self.active.get_untracked()).cloned());
                if let Some(path) = chosen {
                    self.take(&path);
                }
            }
            "Escape" => {
                ev.prevent_default();
                self.close();
            }
            _ => {}
        }
    }

    /// Puts `path` in place of the typed part, closes the template, commits the text.
    fn take(self, path: &str) {
        let Some((before, after, start)) = self.at.get_value() else {
            return;
        };
        let (text, caret) = completion::accept(&before, &after, start, path);
        self.close();
        set_text_and_caret(
            &self.id.get_value(),
            &text,
            completion::utf16_index(&text, caret),
        );
        self.on_change.run(text);
    }
}

/// The listed paths under a templated input (a listbox the input controls).
#[component]
fn PathList(c: Completer, list_id: String) -> impl IntoView {
    let ul_id = list_id.clone();
    view! {
        <ul role="listbox" id=ul_id class="path-list" data-testid="template-paths"
            hidden=move || c.listed.with(Vec::is_empty)>
            {move || {
                c.listed
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let chosen = p.clone();
                        view! {
                            <li
                                role="option"
                                id=format!("{list_id}-{i}")
                                class:active=move || c.active.get() == i
                                aria-selected=move || (c.active.get() == i).to_string()
                                on:mousedown=move |ev| {
                                    // Keeps the focus in the input.
                                    ev.prevent_default();
                                    c.take(&chosen);
                                }
                            >
                                <code>{p}</code>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
    .into_any()
}

/// The text of the input or text area an event came from, and its caret (UTF-16 units).
#[cfg(feature = "hydrate")]
fn text_and_caret(ev: &leptos::ev::Event) -> Option<(String, usize)> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?;
    if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        let caret = i.selection_start().ok().flatten()?;
        return Some((i.value(), caret as usize));
    }
    let a = target.dyn_ref::<web_sys::HtmlTextAreaElement>()?;
    let caret = a.selection_start().ok().flatten()?;
    Some((a.value(), caret as usize))
}

#[cfg(not(feature = "hydrate"))]
fn text_and_caret(_: &leptos::ev::Event) -> Option<(String, usize)> {
    None
}

/// Writes the completed text into the element at once (its bound value follows on commit)
/// and puts the caret after the inserted path.
#[cfg(feature = "hydrate")]
fn set_text_and_caret(id: &str, text: &str, caret: usize) {
    use wasm_bindgen::JsCast;
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    let caret = u32::try_from(caret).unwrap_or(u32::MAX);
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(text);
        let _ = i.set_selection_range(caret, caret);
    } else if let Some(a) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        a.set_value(text);
        let _ = a.set_selection_range(caret, caret);
    }
}

#[cfg(not(feature = "hydrate"))]
fn set_text_and_caret(_: &str, _: &str, _: usize) {}

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

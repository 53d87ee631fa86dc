//! Small pieces the builder's editors share: error lines, an inline confirmation for
//! deletes, and focus restoring after a keyboard reorder.

use leptos::prelude::*;

/// The server's (or a local) messages for one input, each on its own line. `id` lets the
/// input point at them with `aria-describedby`.
#[component]
pub fn ErrorLines(#[prop(into)] messages: Signal<Vec<String>>, id: String) -> impl IntoView {
    view! {
        <div id=id class="error-lines" aria-live="polite">
            {move || {
                messages
                    .get()
                    .into_iter()
                    .map(|m| view! { <p class="field-error" data-testid="field-error">{m}</p> })
                    .collect_view()
            }}
        </div>
    }
    .into_any()
}

/// A delete button that asks first, inline (no modal), so keyboard and screen-reader
/// users get the same confirmation and nothing is lost to a stray click.
#[component]
pub fn ConfirmDelete(
    /// What is deleted, for the labels ("step Contact").
    #[prop(into)]
    what: Signal<String>,
    on_confirm: Callback<()>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let testid = if testid.is_empty() { "delete" } else { testid };
    view! {
        <span class="confirm-delete">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="btn btn-small btn-danger-quiet"
                            data-testid=testid
                            aria-label=move || format!("Delete {}", what.get())
                            on:click=move |_| asking.set(true)
                        >
                            "Delete"
                        </button>
                    }
                }
            >
                <span class="confirm-ask" role="group" aria-label=move || format!("Confirm deleting {}", what.get())>
                    <span class="confirm-text">{move || format!("Delete {}?", what.get())}</span>
                    <button
                        type="button"
                        class="btn btn-small btn-danger"
                        data-testid="confirm-delete"
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        "Delete"
                    </button>
                    <button type="button" class="btn btn-small btn-quiet" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </span>
            </Show>
        </span>
    }.into_any()
}

/// Moves keyboard focus to the element with `id` after the next paint: a keyed list
/// moves the focused button's row in the DOM, which drops focus in browsers.
pub fn focus_later(id: String) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// A text from the draft that only notifies when it changes, so an input bound to it is
/// not rewritten (and its caret not moved) by edits elsewhere.
pub fn text_memo(f: impl Fn() -> String + Send + Sync + 'static) -> Memo<String> {
    Memo::new(move |_| f())
}

/// A configuration form's save or delete result: the value, or `None` with the problems put
/// where the form shows them: field errors beside their inputs (422, or a problem document
/// naming fields), a 409 or any other failure in the form's banner.
pub fn settle<T>(
    result: Result<crate::fns::Outcome<T>, crate::fns::UiError>,
    errors: RwSignal<Vec<wizard_core::domain::problem::FieldError>>,
    failure: RwSignal<Option<String>>,
) -> Option<T> {
    use crate::fns::Outcome;
    match result {
        Ok(Outcome::Done(v)) => {
            errors.set(Vec::new());
            failure.set(None);
            Some(v)
        }
        Ok(Outcome::Invalid(es)) => {
            errors.set(es);
            None
        }
        Ok(Outcome::Conflict(m)) => {
            failure.set(Some(format!(
                "{m} Close and open it again to see the saved one."
            )));
            None
        }
        Err(e) if !e.field_errors().is_empty() => {
            errors.set(e.field_errors().to_vec());
            None
        }
        Err(e) => {
            failure.set(Some(e.to_string()));
            None
        }
    }
}

/// A JSON value as indented text, for the builder's test and preview panels.
pub fn pretty_json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

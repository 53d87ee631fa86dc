//! The output editor's live preview: once the action has been tested, each edit of its
//! output handling is applied by the server to the test's raw output (the same extract,
//! option building and render code a run uses) and shown here: the extracted value, the
//! field value, the options the select would get, and the render drawn by the player's
//! own renderer component.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wizard_core::domain::event_view::{OutputPreview, PreviewOutputRequest};

use super::ActionCtx;
use crate::builder::ui::pretty_json;
use crate::components::deferred::deferred;
use crate::components::fields::render_widget;
use crate::fns::events::preview_output;

#[component]
pub fn OutputPreviewPanel(ctx: ActionCtx) -> impl IntoView {
    let data = Memo::new(move |_| ctx.ev.tested.with(|t| t.get(&ctx.id).cloned()));
    let handling = Memo::new(move |_| {
        ctx.read(|a| a.output_handling.clone().unwrap_or_default())
            .unwrap_or_default()
    });
    let preview = RwSignal::new(None::<Result<OutputPreview, String>>);
    // Answers can arrive out of order; only the latest request's is shown.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(data) = data.get() else {
            return;
        };
        let req = PreviewOutputRequest {
            wizard_id: ctx.ev.store.wizard_id,
            output_handling: handling.get(),
            data,
        };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        spawn_local(async move {
            let got = preview_output(req).await.map_err(|e| e.to_string());
            if asked.get_value() == n {
                preview.set(Some(got));
            }
        });
    });
    view! {
        <section class="output-preview" aria-live="polite" data-testid="output-preview">
            <h4>"Preview on the last test output"</h4>
            {move || match preview.get() {
                _ if data.with(Option::is_none) => view! {
                    <p class="hint">"Test the action: its output then shows here as each setting above makes it."</p>
                }.into_any(),
                None => view! { <p class="muted small">"Previewing…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{format!("No preview: {e}")}</p> }.into_any(),
                Some(Ok(p)) => view! { <PreviewParts p slot_id=format!("preview-{}", ctx.id) /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PreviewParts(p: OutputPreview, slot_id: String) -> impl IntoView {
    let extract = match (p.extract_error, &p.extracted) {
        (Some(e), _) => view! {
            <p class="field-error" data-testid="preview-extract-error">{format!("Extract: {e}")}</p>
        }
        .into_any(),
        (None, Some(v)) => view! {
            <p class="muted small">"Extracted"</p>
            <pre class="code-block" data-testid="preview-extracted">{pretty_json(v)}</pre>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    let field = match (p.field_error, p.field_value) {
        (Some(e), _) => view! { <p class="field-error" data-testid="preview-field-error">{format!("Field: {e}")}</p> }.into_any(),
        (None, Some(v)) => view! {
            <p data-testid="preview-field">"Writes "<code>{v.to_string()}</code></p>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    let options = match (p.options_error, p.options) {
        (Some(e), _) => view! { <p class="field-error" data-testid="preview-options-error">{format!("Options: {e}")}</p> }.into_any(),
        (None, Some(list)) => view! {
            <p class="muted small">{format!("{} options", list.len())}</p>
            <ul class="preview-options" data-testid="preview-options">
                {list.into_iter().map(|o| view! { <li>{o.label}" "<code>{o.value}</code></li> }).collect_view()}
            </ul>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    let render = p.render.map(|render| {
        view! {
            <p class="muted small">"Shown as"</p>
            <div class="preview-render" data-testid="preview-render">
                {deferred(render_widget(slot_id, render, Callback::new(|_| {}), None))}
            </div>
        }
    });
    view! { {extract}{field}{options}{render} }.into_any()
}

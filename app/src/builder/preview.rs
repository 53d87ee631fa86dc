//! The live preview: the selected step drawn by the player's own `StepForm`, with answers
//! kept only here, so conditions can be tried while building and behave exactly as they
//! will for runners (the same core code decides what is shown, required and disabled).

use std::collections::HashMap;

use leptos::prelude::*;
use wizard_core::domain::condition::Answers;

use super::model;
use super::state::Builder;
use crate::components::fields::StepForm;

#[component]
pub fn Preview(b: Builder) -> impl IntoView {
    let answers = RwSignal::new(Answers::new());
    let generation = RwSignal::new(0u32);
    let step_id = Signal::derive(move || b.selected_step.get().unwrap_or_default());
    let has_step = Memo::new(move |_| {
        let id = b.selected_step.get();
        b.wizard
            .with(|w| id.is_some_and(|id| model::step(w, id).is_some()))
    });
    let title = Memo::new(move |_| {
        let id = b.selected_step.get();
        b.wizard.with(|w| {
            id.and_then(|id| model::step(w, id))
                .map(|s| s.title.clone())
        })
    });
    let description = Memo::new(move |_| {
        let id = b.selected_step.get();
        b.wizard
            .with(|w| {
                id.and_then(|id| model::step(w, id))
                    .map(|s| s.description.clone())
            })
            .unwrap_or_default()
    });
    let skipped = Memo::new(move |_| {
        let id = b.selected_step.get();
        b.wizard.with(|w| {
            answers.with(|a| {
                id.and_then(|id| model::step(w, id))
                    .is_some_and(|s| !s.is_visible(a))
            })
        })
    });
    let wizard: Signal<wizard_core::domain::Wizard> = b.wizard.into();
    view! {
        <aside class="preview panel" data-testid="preview" aria-labelledby="builder-preview-heading">
            <h2 class="panel-title" id="builder-preview-heading">"Live preview"</h2>
            <p class="hint">"Answer here to try the conditions; nothing is saved."</p>
            <Show
                when=move || has_step.get()
                fallback=|| view! { <p class="muted">"Select a step to preview it."</p> }
            >
                <div class="preview-card">
                    <h3 class="preview-title">{move || title.get()}</h3>
                    <Show when=move || !description.with(String::is_empty)>
                        <p class="muted">{move || description.get()}</p>
                    </Show>
                    <Show when=move || skipped.get()>
                        <p class="notice-warn" role="status" data-testid="preview-skipped">
                            "With these answers, runners skip this step."
                        </p>
                    </Show>
                    {move || {
                        // Text inputs of the form keep what was typed; redrawing the form
                        // is what clears them when the answers are reset.
                        generation.track();
                        view! {
                            <StepForm
                                wizard=wizard
                                step_id=step_id
                                answers
                                errors=Signal::derive(HashMap::<String, String>::new)
                                on_change=Callback::new(|_| {})
                            />
                        }
                    }}
                </div>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    data-testid="preview-reset"
                    on:click=move |_| {
                        answers.set(Answers::new());
                        generation.update(|g| *g += 1);
                    }
                >
                    "Clear answers"
                </button>
            </Show>
        </aside>
    }.into_any()
}

//! A test run of a library action: one typed input per input parameter (generated from the
//! declared ones, as the builder's `library_action` form is), optionally a wizard of yours
//! whose API configurations the action may name, and the result with the log tree. Nothing
//! is stored; the owner (or an admin) may run code that is not approved yet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};
use uuid::Uuid;
use wizard_core::domain::library::{LibraryActionView, LibraryRunRequest, LibraryRunResponse};
use wizard_core::domain::problem::FieldError;

use crate::builder::events::model::messages_at;
use crate::builder::events::schema::{library_params, text_of, value_of};
use crate::builder::ui::{ErrorLines, settle};
use crate::components::activity::log_tree;
use crate::fns::library::run_library_action;
use crate::fns::wizards::list_my_wizards;

#[component]
pub fn TestRun(action: LibraryActionView) -> impl IntoView {
    let id = action.id;
    let form = library_params(&action.params);
    let texts: Vec<RwSignal<String>> = form
        .iter()
        .map(|p| RwSignal::new(p.default.as_ref().map(text_of).unwrap_or_default()))
        .collect();
    let wizards = RwSignal::new(Vec::<(Uuid, String)>::new());
    spawn_local(async move {
        if let Ok(list) = list_my_wizards().await {
            wizards.set(list.into_iter().map(|w| (w.id, w.name)).collect());
        }
    });
    let wizard = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<LibraryRunResponse>);
    let running = RwSignal::new(false);
    let form = StoredValue::new(form);
    let texts = StoredValue::new(texts);
    let run = move |_| {
        let mut params = Map::new();
        let mut local = Vec::new();
        form.with_value(|form| {
            texts.with_value(|texts| {
                for (p, t) in form.iter().zip(texts) {
                    match value_of(p, &t.get_untracked()) {
                        Ok(Some(v)) => {
                            params.insert(p.name.clone(), v);
                        }
                        Ok(None) => {}
                        Err(m) => local.push(FieldError::new(format!("params.{}", p.name), m)),
                    }
                }
            })
        });
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        let req = LibraryRunRequest {
            params,
            wizard_id: wizard.get_untracked().parse().ok(),
        };
        running.set(true);
        result.set(None);
        spawn_local(async move {
            let outcome = run_library_action(id, req).await;
            running.set(false);
            if let Some(r) = settle(outcome, errors, failure) {
                result.set(Some(r));
            }
        });
    };
    view! {
        <section class="section" aria-labelledby="test-run-heading" data-testid="library-test-run">
            <h3 id="test-run-heading">"Test run"</h3>
            {form.with_value(|form| texts.with_value(|texts| {
                form.iter().zip(texts.iter().copied()).map(|(p, text)| {
                    let input_id = format!("test-param-{}", p.name);
                    let err_id = format!("{input_id}-errors");
                    let path = format!("params.{}", p.name);
                    let messages = Signal::derive(move || errors.with(|es| messages_at(es, &path)));
                    let label = format!("{}{} ({})", p.name, if p.required { " *" } else { "" }, p.type_name);
                    view! {
                        <div class="field" data-testid="test-param" data-name=p.name.clone()>
                            <label for=input_id.clone()>{label}</label>
                            <input id=input_id type="text" aria-describedby=err_id.clone()
                                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                            <p class="hint">{p.description.clone()}</p>
                            <ErrorLines messages id=err_id />
                        </div>
                    }
                }).collect_view()
            }))}
            <div class="field">
                <label for="test-wizard">"Wizard (for its API configurations)"</label>
                <select id="test-wizard" data-testid="test-wizard" on:change=move |ev| wizard.set(event_target_value(&ev))>
                    <option value="">"None"</option>
                    {move || wizards.get().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string()>{name}</option>
                    }).collect_view()}
                </select>
                <ErrorLines messages=Signal::derive(move || errors.with(|es| messages_at(es, "wizard_id"))) id="test-wizard-errors".to_owned() />
            </div>
            <button type="button" class="btn" data-testid="test-run" disabled=move || running.get() on:click=run>
                {move || if running.get() { "Running…" } else { "Run" }}
            </button>
            <div aria-live="polite" data-testid="test-run-result">
                {move || failure.get().map(|f| view! { <div class="alert" role="alert">{f}</div> })}
                {move || result.get().map(|r| {
                    let headline = if r.ok {
                        view! { <p class="notice" data-testid="test-run-ok">"It worked."</p> }.into_any()
                    } else {
                        view! { <p class="field-error" data-testid="test-run-error">{r.error.clone().unwrap_or_default()}</p> }.into_any()
                    };
                    let output = r.output.as_ref().map(|v: &Value| serde_json::to_string_pretty(v).unwrap_or_default());
                    view! {
                        {headline}
                        {output.map(|o| view! { <pre class="mono" tabindex="0" data-testid="test-run-output">{o}</pre> })}
                        <h4>"Log"</h4>
                        {log_tree(r.logs)}
                    }
                })}
            </div>
        </section>
    }
    .into_any()
}

//! The admin's language model settings (DESIGN §5, issue 14): the model that writes library
//! code. The API key is write-only: the form shows only whether one is set; typing a new
//! one replaces it, "Clear the key" removes it, and leaving it empty keeps the stored one
//! (`backend::llm::save_settings`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wizard_core::domain::llm::{
    DEFAULT_LLM_TIMEOUT_MS, LlmProvider, LlmSettingsUpdate, LlmSettingsView,
};
use wizard_core::domain::problem::FieldError;

use crate::builder::events::inputs::{SelectSetting, TextSetting};
use crate::builder::events::model::messages_at;
use crate::builder::ui::{ErrorLines, settle};
use crate::fns::llm::{clear_llm_settings, llm_settings, save_llm_settings};

#[component]
pub fn LanguageModel() -> impl IntoView {
    // A resource (not a spawned task): the admin page renders on the server too.
    let loaded = Resource::new(|| (), |_| llm_settings());
    view! {
        <section class="section" aria-labelledby="llm-heading" data-testid="llm-settings">
            <h2 id="llm-heading">"Language model"</h2>
            <p class="muted">
                "Writes the code of library actions from a description (“Generate with AI”). "
                "An OpenAI-compatible server (OpenAI, Ollama, llama.cpp, vLLM) or Anthropic. "
                "A model on this machine or network needs its address on the allow-list above."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(v) => view! { <SettingsForm initial=v /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn SettingsForm(initial: LlmSettingsView) -> impl IntoView {
    let stored = RwSignal::new(initial.clone());
    let provider = RwSignal::new(initial.provider);
    let base_url = RwSignal::new(initial.base_url.clone());
    let model = RwSignal::new(initial.model.clone());
    let timeout = RwSignal::new(initial.timeout_ms.to_string());
    let key = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let at =
        move |path: &'static str| Signal::derive(move || errors.with(|es| messages_at(es, path)));
    let send = move |clear_api_key: bool| {
        if busy.get_untracked() {
            return;
        }
        let timeout_ms = match timeout.get_untracked().trim().parse::<u64>() {
            Ok(t) => t,
            Err(_) => {
                errors.set(vec![FieldError::new(
                    "timeout_ms",
                    "a whole number of milliseconds",
                )]);
                return;
            }
        };
        let typed = key.get_untracked();
        let req = LlmSettingsUpdate {
            provider: provider.get_untracked(),
            base_url: base_url.get_untracked(),
            model: model.get_untracked(),
            api_key: (!typed.trim().is_empty()).then_some(typed),
            clear_api_key,
            timeout_ms,
        };
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            let result = save_llm_settings(req).await;
            busy.set(false);
            if let Some(v) = settle(result, errors, failure) {
                key.set(String::new());
                notice.set(Some(format!(
                    "Saved: {} at {}{}.",
                    v.model,
                    v.base_url,
                    if v.api_key_set {
                        ", with a key"
                    } else {
                        ", without a key"
                    }
                )));
                stored.set(v);
            }
        });
    };
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        if !crate::components::browser::confirm(
            "Remove the language model settings and key? Generating code will say none is set.",
        ) {
            return;
        }
        spawn_local(async move {
            match clear_llm_settings().await {
                Ok(()) => {
                    let blank = LlmSettingsView::default();
                    base_url.set(String::new());
                    model.set(String::new());
                    timeout.set(DEFAULT_LLM_TIMEOUT_MS.to_string());
                    stored.set(blank);
                    notice.set(Some("Removed: no language model is set.".into()));
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let key_label = move || {
        if stored.with(|s| s.api_key_set) {
            "API key (set; type a new one to replace it)"
        } else {
            "API key (none set)"
        }
    };
    view! {
        <form class="llm-form" data-testid="llm-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(false);
        }>
            <p class="muted small" data-testid="llm-state">
                {move || if stored.with(|s| s.configured) {
                    format!("In use: {} ({}).", stored.with(|s| s.model.clone()), stored.with(|s| s.provider.as_str().to_owned()))
                } else {
                    "No language model is set.".to_owned()
                }}
            </p>
            <div class="grid-2">
                <SelectSetting id="llm-provider" label="Provider"
                    choices=Signal::derive(|| vec![
                        (LlmProvider::OpenaiCompatible.as_str().to_owned(), "OpenAI-compatible (chat completions)".to_owned()),
                        (LlmProvider::Anthropic.as_str().to_owned(), "Anthropic (Messages)".to_owned()),
                    ])
                    value=Signal::derive(move || provider.get().as_str().to_owned())
                    on_change=Callback::new(move |v: String| if let Ok(p) = v.parse() { provider.set(p) })
                    errors=at("provider") testid="llm-provider" />
                <TextSetting id="llm-model" label="Model" value=model
                    on_change=Callback::new(move |v: String| model.set(v)) errors=at("model")
                    testid="llm-model" placeholder="gpt-4o-mini, llama3.1, claude-sonnet-4-5" />
                <TextSetting id="llm-base-url" label="Base URL" value=base_url
                    on_change=Callback::new(move |v: String| base_url.set(v)) errors=at("base_url")
                    testid="llm-base-url" placeholder="https://api.openai.com/v1"
                    hint="OpenAI-compatible: up to /v1 (…/chat/completions is added). Anthropic: https://api.anthropic.com." />
                <TextSetting id="llm-timeout" label="Timeout (milliseconds)" value=timeout
                    on_change=Callback::new(move |v: String| timeout.set(v)) errors=at("timeout_ms")
                    testid="llm-timeout" />
            </div>
            <div class="field" class:has-error=move || !at("api_key").with(Vec::is_empty)>
                <label for="llm-key">{key_label}</label>
                <input id="llm-key" type="password" autocomplete="new-password" data-testid="llm-key"
                    aria-describedby="llm-key-errors" aria-invalid=move || (!at("api_key").with(Vec::is_empty)).then_some("true")
                    prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                <ErrorLines messages=Signal::derive(move || {
                    let mut es = at("api_key").get();
                    es.extend(at("clear_api_key").get());
                    es
                }) id="llm-key-errors".to_owned() />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn" data-testid="llm-save" disabled=move || busy.get()>"Save"</button>
                <Show when=move || stored.with(|s| s.api_key_set)>
                    <button type="button" class="btn btn-quiet" data-testid="llm-clear-key"
                        on:click=move |_| send(true)>"Clear the key"</button>
                </Show>
                <Show when=move || stored.with(|s| s.configured)>
                    <button type="button" class="btn btn-quiet" data-testid="llm-remove" on:click=remove>"Remove"</button>
                </Show>
            </div>
            <div aria-live="polite">
                <p class="notice" role="status" data-testid="llm-notice">{move || notice.get()}</p>
                {move || failure.get().map(|f| view! { <div class="alert" role="alert">{f}</div> })}
            </div>
        </form>
    }
    .into_any()
}

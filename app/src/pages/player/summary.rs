//! A run the user may only read (completed, or someone else's shared Store entry): its
//! answers, the outputs its actions left, its Activity for the owner, and the Store form.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use wizard_core::domain::run::{RunStatus, RunView, Visibility};

use crate::components::activity::ActivityPanel;
use crate::components::answers::{AnswerSummary, short_time};
use crate::components::renderers::RenderSlot;
use crate::fns::Outcome;
use crate::fns::runs::{start_run, store_run, unstore_run};
use crate::session::use_session;

/// A run the user may only read: completed, or someone else's shared Store entry.
/// A finished run is read far less often than runs are filled in, so its summary (and the
/// Store form) loads its code on demand (components/deferred.rs).
#[cfg_attr(feature = "hydrate", leptos::lazy)]
pub(super) fn run_summary(run: RunView) -> AnyView {
    view! { <RunSummaryView run /> }.into_any()
}

#[component]
fn RunSummaryView(run: RunView) -> impl IntoView {
    let session = use_session();
    let summary = run.summary.clone();
    let is_owner = session.0.as_ref().is_some_and(|u| u.id == summary.owner_id);
    let stored = RwSignal::new(summary.stored_name.clone().map(|n| (n, summary.visibility)));
    let status_text = match summary.status {
        RunStatus::Completed => "Completed",
        RunStatus::InProgress => "In progress",
    };
    let when = summary
        .completed_at
        .as_deref()
        .map_or_else(|| short_time(&summary.updated_at), short_time);
    let title = run.definition.name.clone();
    let wizard = run.definition_with_run_options();
    let owner_line = (!is_owner).then(|| format!("By {}", summary.owner_name));
    view! {
        <Title text=title.clone() />
        <div class="player">
            <div class="page-head player-head">
                <div>
                    <p class="eyebrow">"Version " {summary.version_number}</p>
                    <h1>{title}</h1>
                    <p class="muted">
                        <span class="status-badge" data-status=summary.status.as_str()>{status_text}</span>
                        " " {when} " UTC"
                        {owner_line.map(|o| view! { " · " {o} })}
                    </p>
                </div>
            </div>
            {(summary.status == RunStatus::InProgress && !is_owner).then(|| view! {
                <div class="notice">"This run is still in progress; you see it read-only."</div>
            })}
            <div class="summary-card">
                <AnswerSummary wizard=wizard.clone() answers=run.answers.clone() />
            </div>
            {(!run.renders.is_empty()).then(|| {
                let outputs = run
                    .renders
                    .clone()
                    .into_iter()
                    .map(|(slot, render)| {
                        let label = wizard
                            .option_set(&slot)
                            .map_or(slot.clone(), |os| os.label.clone());
                        view! {
                            <h3>{label}</h3>
                            <RenderSlot field_key=slot render />
                        }
                    })
                    .collect_view();
                view! {
                    <section class="summary-card" aria-labelledby="outputs-heading" data-testid="run-outputs">
                        <h2 id="outputs-heading">"Outputs"</h2>
                        {outputs}
                    </section>
                }
            })}
            {is_owner.then(|| view! { <ActivityPanel run_id=summary.id refresh=Signal::stored(0u64) open=true /> })}
            <div class="summary-actions">
                {move || stored.get().map(|_| view! { <StartFromButton wizard_id=summary.wizard_id from=summary.id /> })}
                {is_owner.then(|| view! { <StoreForm run_id=summary.id default_name=run.definition.name.clone() stored /> })}
            </div>
            <p><a href="/runs">"← My Runs"</a></p>
        </div>
    }.into_any()
}

/// Starts a new run of the same wizard pre-filled with this run's answers.
#[component]
pub fn StartFromButton(
    wizard_id: Uuid,
    from: Uuid,
    /// Shorter wording for tables.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match start_run(wizard_id, Some(from)).await {
                Ok(run) => navigate(&format!("/runs/{}", run.summary.id), Default::default()),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="start-from">
            <button
                type="button"
                class=if compact { "btn btn-small" } else { "btn" }
                data-testid="start-prefilled"
                disabled=move || busy.get()
                on:click=start
            >
                {if compact { "Start pre-filled" } else { "Start a new run from this" }}
            </button>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
    .into_any()
}

/// Saves the run to the Store (or changes its name or visibility, or removes it).
#[component]
fn StoreForm(
    run_id: Uuid,
    default_name: String,
    stored: RwSignal<Option<(String, Visibility)>>,
) -> impl IntoView {
    let initial = stored.get_untracked();
    let name = RwSignal::new(initial.as_ref().map_or(default_name, |(n, _)| n.clone()));
    let visibility = RwSignal::new(initial.map_or(Visibility::Private, |(_, v)| v));
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let message = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        errors.set(HashMap::new());
        message.set(None);
        spawn_local(async move {
            let vis = visibility.get_untracked();
            match store_run(run_id, name.get_untracked(), vis).await {
                Ok(Outcome::Done(s)) => {
                    let n = s.stored_name.unwrap_or_default();
                    message.set(Some(Ok(format!(
                        "Saved to the Store as “{n}” ({}).",
                        s.visibility
                    ))));
                    stored.set(Some((n, s.visibility)));
                }
                Ok(Outcome::Invalid(list)) => {
                    errors.set(list.into_iter().map(|e| (e.field, e.message)).collect());
                }
                Ok(Outcome::Conflict(m)) => message.set(Some(Err(m))),
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let remove = move |_| {
        busy.set(true);
        spawn_local(async move {
            match unstore_run(run_id).await {
                Ok(_) => {
                    stored.set(None);
                    message.set(Some(Ok("Removed from the Store.".into())));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
            busy.set(false);
        });
    };
    let name_error = move || errors.with(|m| m.get("name").cloned());
    view! {
        <form class="store-form" on:submit=save novalidate>
            <h2>{move || if stored.with(Option::is_some) { "In the Store" } else { "Save to the Store" }}</h2>
            <p class="muted">"Stored runs can be opened later and used to pre-fill new runs."</p>
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <div class="notice" role="status">{t}</div> }.into_any(),
                Err(t) => view! { <div class="alert" role="alert">{t}</div> }.into_any(),
            })}
            <div class="store-fields">
                <div class="field" class:has-error=move || name_error().is_some()>
                    <label for="store-name">"Name"</label>
                    <input
                        id="store-name"
                        data-testid="store-name"
                        maxlength="200"
                        prop:value=move || name.get()
                        value=name.get_untracked()
                        aria-invalid=move || name_error().map(|_| "true")
                        aria-describedby="store-name-error"
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <p class="field-error" id="store-name-error">{name_error}</p>
                </div>
                <div class="field">
                    <label for="store-visibility">"Who can see it"</label>
                    <select
                        id="store-visibility"
                        data-testid="store-visibility"
                        on:change=move |ev| {
                            let v = event_target_value(&ev).parse().unwrap_or_default();
                            visibility.set(v);
                        }
                    >
                        <option value="private" selected=move || visibility.get() == Visibility::Private>"Only me (private)"</option>
                        <option value="shared" selected=move || visibility.get() == Visibility::Shared>"Everyone (shared)"</option>
                    </select>
                </div>
            </div>
            {move || errors.with(|m| m.get("visibility").cloned()).map(|e| view! { <p class="field-error">{e}</p> })}
            <div class="step-actions">
                <button type="submit" class="btn" data-testid="store-save" disabled=move || busy.get()>
                    {move || if stored.with(Option::is_some) { "Update" } else { "Save to Store" }}
                </button>
                {move || stored.with(Option::is_some).then(|| view! {
                    <button type="button" class="btn btn-quiet" data-testid="store-remove" disabled=move || busy.get() on:click=remove>
                        "Remove from Store"
                    </button>
                })}
            </div>
        </form>
    }.into_any()
}

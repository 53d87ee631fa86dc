//! The run's "Activity": the action-log tree (event → action attempts → calls) with status,
//! duration and messages. Inputs and outputs come only to the wizard's owner (the server
//! leaves them out for everyone else: `engine::logs::run_logs`).

use leptos::prelude::*;
use uuid::Uuid;
use wizard_core::domain::event::{ActionLog, LogKind, LogStatus};

use super::deferred::deferred;
use crate::fns::runs::run_activity;

/// The panel; `refresh` changes whenever an event has run, so the tree reloads. Its code
/// loads when it is first opened (few runners open it), or at once when `open` (the
/// owner's summary of a finished run, itself loaded on demand).
#[component]
pub fn ActivityPanel(
    run_id: Uuid,
    #[prop(into)] refresh: Signal<u64>,
    #[prop(optional)] open: bool,
) -> impl IntoView {
    let shown = RwSignal::new(open);
    view! {
        <details class="activity" data-testid="activity" open=open>
            <summary on:click=move |_| shown.set(true)>"Activity"</summary>
            {move || shown.get().then(|| deferred(activity_tree(run_id, refresh)))}
        </details>
    }
}

#[cfg_attr(feature = "hydrate", leptos::lazy)]
fn activity_tree(run_id: Uuid, refresh: Signal<u64>) -> AnyView {
    view! { <ActivityTree run_id refresh /> }.into_any()
}

#[component]
fn ActivityTree(run_id: Uuid, refresh: Signal<u64>) -> impl IntoView {
    let logs = Resource::new(move || refresh.get(), move |_| run_activity(run_id));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match logs.await {
                    Err(e) => view! { <p class="render-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => {
                        view! { <p class="muted">"No action has run yet."</p> }.into_any()
                    }
                    Ok(list) => log_tree(list),
                }
            })}
        </Transition>
    }
}

/// Log trees as nested lists (also a library action's test run, `pages/library`).
pub fn log_tree(list: Vec<ActionLog>) -> AnyView {
    let items = list.into_iter().map(node).collect_view();
    view! { <ul class="activity-tree" aria-live="polite">{items}</ul> }.into_any()
}

fn node(log: ActionLog) -> AnyView {
    let status = log.status;
    let mark = match status {
        LogStatus::Success => "✓",
        LogStatus::Error => "✗",
        LogStatus::Skipped => "–",
        LogStatus::Running => "…",
    };
    let kind = match log.kind {
        LogKind::Event => "event",
        LogKind::Action if log.attempt > 0 => "retry",
        LogKind::Action => "action",
        LogKind::Call => "call",
        LogKind::Library => "library",
    };
    let attempt = (log.attempt > 0).then(|| format!(" (attempt {})", log.attempt + 1));
    let duration = log.duration_ms.map(|ms| format!(" · {ms} ms"));
    let details = (!log.input.is_null() || !log.output.is_null()).then(|| {
        let input = serde_json::to_string_pretty(&log.input).unwrap_or_default();
        let output = serde_json::to_string_pretty(&log.output).unwrap_or_default();
        view! {
            <details class="activity-data">
                <summary>"Input and output"</summary>
                <pre tabindex="0">{input}</pre>
                <pre tabindex="0">{output}</pre>
            </details>
        }
    });
    let children = (!log.children.is_empty()).then(|| {
        let items = log.children.into_iter().map(node).collect_view();
        view! { <ul>{items}</ul> }
    });
    view! {
        <li class=format!("activity-{}", status.as_str()) data-testid="activity-item">
            <span class="activity-mark" aria-hidden="true">{mark}</span>
            " " <span class="activity-kind muted">{kind}</span> " "
            <strong>{log.name}</strong>
            <span class="sr-only">{format!(" {}", status.as_str())}</span>
            <span class="muted">{attempt}{duration}</span>
            {log.error.map(|e| view! { <p class="field-error">{e}</p> })}
            {details}
            {children}
        </li>
    }
    .into_any()
}

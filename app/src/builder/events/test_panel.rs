//! The Test buttons: one per action, and one for the whole event. Each runs what is edited
//! (saved or not) once through the server's test (nothing is stored) against sample
//! answers the builder can edit, and shows per action the status, attempts, time, error or
//! output, and the effects it would have.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wizard_core::domain::event::{ActionStatus, ExecuteEventResponse};
use wizard_core::domain::event_view::{TestActionRequest, TestEventRequest};
use wizard_core::domain::problem::FieldError;

use super::inputs::TextSetting;
use super::{ActionCtx, EventDraft};
use crate::builder::ui::pretty_json;
use crate::fns::Outcome;
use crate::fns::events::{test_action, test_event};

/// What a Test button runs.
#[derive(Clone, Copy)]
pub enum TestTarget {
    /// One action, as if its event fired (the event's trigger and target).
    Action(ActionCtx),
    /// The whole event, conditions and every action in order.
    Event(EventDraft),
}

impl TestTarget {
    fn dom(self, part: &str) -> String {
        match self {
            TestTarget::Action(ctx) => ctx.dom(part),
            TestTarget::Event(ev) => format!("event-{}-{part}", ev.id),
        }
    }

    /// Sends the test; `None` when the action was deleted meanwhile.
    async fn run(
        self,
        answers: wizard_core::domain::condition::Answers,
    ) -> Option<Result<Outcome<ExecuteEventResponse>, String>> {
        let sent = match self {
            TestTarget::Action(ctx) => {
                let action = ctx.read(Clone::clone)?;
                let (trigger, target_id) =
                    ctx.ev.draft.with_untracked(|e| (e.trigger, e.target_id));
                test_action(TestActionRequest {
                    wizard_id: ctx.ev.store.wizard_id,
                    action,
                    answers,
                    value: None,
                    trigger: Some(trigger),
                    target_id,
                })
                .await
            }
            TestTarget::Event(ev) => {
                test_event(TestEventRequest {
                    wizard_id: ev.store.wizard_id,
                    event: ev.draft.get_untracked(),
                    answers,
                    value: None,
                })
                .await
            }
        };
        Some(sent.map_err(|e| e.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tested {
    Ran {
        response: Box<ExecuteEventResponse>,
        millis: Option<f64>,
    },
    Refused(Vec<FieldError>),
    Failed(String),
}

/// Milliseconds since some fixed point, for the duration shown (browser only).
fn now_ms() -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        Some(js_sys::Date::now())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

#[component]
pub fn TestPanel(target: TestTarget) -> impl IntoView {
    let answers = RwSignal::new("{}".to_owned());
    let local = RwSignal::new(Vec::<String>::new());
    let result = RwSignal::new(None::<Tested>);
    let running = RwSignal::new(false);
    let run = move |_| {
        if running.get_untracked() {
            return;
        }
        let sample = match serde_json::from_str::<Value>(&answers.get_untracked()) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                local.set(vec![
                    "Sample answers are a JSON object: {\"field_key\": value}.".into(),
                ]);
                return;
            }
            Err(e) => {
                local.set(vec![format!("The sample answers are not JSON: {e}")]);
                return;
            }
        };
        local.set(Vec::new());
        running.set(true);
        spawn_local(async move {
            let started = now_ms();
            let outcome = target.run(sample).await;
            let millis = now_ms().zip(started).map(|(end, start)| end - start);
            running.set(false);
            let Some(outcome) = outcome else { return };
            if let (TestTarget::Action(ctx), Ok(Outcome::Done(response))) = (target, &outcome)
                && let Some(raw) = response.actions.iter().find_map(|a| a.raw_output.clone())
            {
                ctx.ev.tested.update(|t| {
                    t.insert(ctx.id, raw);
                });
            }
            result.set(Some(match outcome {
                Ok(Outcome::Done(response)) => Tested::Ran {
                    response: Box::new(response),
                    millis,
                },
                Ok(Outcome::Invalid(errors)) => Tested::Refused(errors),
                Ok(Outcome::Conflict(m)) | Err(m) => Tested::Failed(m),
            }));
        });
    };
    let whole = matches!(target, TestTarget::Event(_));
    view! {
        <details class="test-panel" data-testid=if whole { "event-test-panel" } else { "test-panel" }>
            <summary>{if whole { "Test the whole event" } else { "Test this action" }}</summary>
            <TextSetting
                id=target.dom("sample")
                label="Sample answers (JSON)"
                value=answers
                on_change=Callback::new(move |v: String| answers.set(v))
                errors=local
                testid="test-answers"
                rows=3
                mono=true
                hint=if whole {
                    "The answers the event sees as {{ fields.<key> }}; its conditions are checked against them."
                } else {
                    "The answers the action sees as {{ fields.<key> }}; the event's trigger and target are used as saved."
                }
            />
            <button
                type="button"
                class="btn btn-small"
                data-testid=if whole { "test-event" } else { "test-action" }
                disabled=move || running.get()
                on:click=run
            >
                {move || match (running.get(), whole) {
                    (true, _) => "Testing…",
                    (false, true) => "Test the event",
                    (false, false) => "Test",
                }}
            </button>
        </details>
        <div class="test-result" aria-live="polite" data-testid=if whole { "event-test-result" } else { "test-result" }>
            {move || result.get().map(|r| match r {
                Tested::Failed(m) => view! { <div class="alert" role="alert">{m}</div> }.into_any(),
                Tested::Refused(errors) => view! {
                    <div class="alert" role="alert" data-testid="test-refused">
                        <p>{if whole { "Not run: the event has problems." } else { "Not run: the action has problems." }}</p>
                        <ul class="problem-list">
                            {errors.into_iter().map(|e| view! { <li><code>{e.field}</code>" "{e.message}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Tested::Ran { response, millis } => view! { <TestOutcome response=*response millis /> }.into_any(),
            })}
        </div>
    }
    .into_any()
}

#[component]
fn TestOutcome(response: ExecuteEventResponse, millis: Option<f64>) -> impl IntoView {
    let effects = response.effects;
    let mut lines: Vec<String> = Vec::new();
    for (k, v) in &effects.set_fields {
        lines.push(format!("sets {k} to {v}"));
    }
    for (k, opts) in &effects.replace_options {
        lines.push(format!("gives {k} {} options", opts.len()));
    }
    for (slot, r) in &effects.renders {
        lines.push(format!(
            "shows a {} in {slot}",
            r.renderer.as_str().replace('_', " ")
        ));
    }
    for m in &effects.messages {
        lines.push(format!("shows {} message: {}", m.level, m.text));
    }
    if let Some(n) = effects.navigate {
        lines.push(format!("navigates: {n}"));
    }
    let time = millis
        .map(|ms| format!(" in {ms:.0} ms"))
        .unwrap_or_default();
    view! {
        {response
            .actions
            .into_iter()
            .map(|a| {
                let ok = a.status == ActionStatus::Success;
                let attempts = if a.attempts > 1 { format!(", {} attempts", a.attempts) } else { String::new() };
                view! {
                    <div class="test-outcome" data-status=a.status.as_str() data-testid="test-outcome">
                        <p>
                            <span class=if ok { "badge badge-ok" } else { "badge badge-error" }>{a.status.as_str()}</span>
                            " "<strong>{a.name}</strong>{format!("{attempts}{time}")}
                        </p>
                        {a.error.map(|e| view! { <p class="field-error" data-testid="test-error">{e}</p> })}
                        {a.output.map(|o| view! {
                            <p class="muted small">"Output"</p>
                            <pre class="code-block" data-testid="test-output">{pretty_json(&o)}</pre>
                        })}
                    </div>
                }
            })
            .collect_view()}
        {(!lines.is_empty()).then(|| view! {
            <p class="muted small">"Effects in a run"</p>
            <ul class="effects" data-testid="test-effects">
                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        })}
    }
    .into_any()
}

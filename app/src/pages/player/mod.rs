//! The player: one run of a published version, step by step.
//!
//! Every answer is saved as it is given (typing is debounced, clicks go at once) through
//! one queue, so saves never overtake each other; Next and Complete first flush the queue,
//! then check the step with the core rules the server re-runs. A completed run (or one the
//! user may only read) shows a read-only summary instead.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::condition::Answers;
use wizard_core::domain::event::Trigger;
use wizard_core::domain::problem::FieldError;
use wizard_core::domain::run::{RunStatus, RunView};
use wizard_core::domain::{SelectionType, Wizard};

mod events;
mod summary;

use super::RequireUser;
use crate::components::activity::ActivityPanel;
use crate::components::deferred::deferred;
use crate::components::fields::StepForm;
use crate::components::save_queue::{SaveQueue, SaveStatus, Sent};
use crate::components::toasts::{ToastList, Toasts};
use crate::fns::Outcome;
use crate::fns::runs::{complete_run, get_run, next_step, previous_step, save_run_answers};
use events::Events;
pub use summary::StartFromButton;
use summary::run_summary;

/// How long typing pauses before its answer is saved.
const TYPING_DEBOUNCE: Duration = Duration::from_millis(300);

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let run = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_run(id).await.map(Some),
            None => Ok(None),
        }
    });
    let reload = Callback::new(move |()| run.refetch());
    view! {
        <RequireUser children=move |_| {
            view! {
                <Transition fallback=|| view! { <p class="muted">"Loading the run…"</p> }>
                    {move || Suspend::new(async move {
                        match run.await {
                            Err(e) => view! {
                                <Title text="Run" />
                                <div class="alert" role="alert">{e.to_string()}</div>
                                <a href="/runs">"Back to My Runs"</a>
                            }.into_any(),
                            Ok(None) => view! {
                                <Title text="Run" />
                                <div class="alert" role="alert">"This address does not name a run."</div>
                                <a href="/runs">"Back to My Runs"</a>
                            }.into_any(),
                            Ok(Some(view)) if view.editable => view! { <Player run=view reload /> }.into_any(),
                            Ok(Some(view)) => deferred(run_summary(view)),
                        }
                    })}
                </Transition>
            }
        } />
    }.into_any()
}

/// What the indicator's tooltip and the Next button say when the server refused answers.
const REFUSED: &str = "some answers were refused: see the marked fields";

/// The answers waiting to be saved, in front of the shared save queue.
///
/// Changes collect in `pending` (a later value for a key replaces an earlier one); the
/// queue sends them batch after batch, one at a time, so a change made while a save is in
/// flight goes out right after it, never before it.
#[derive(Clone, Copy)]
struct Saver {
    run_id: Uuid,
    pending: StoredValue<Answers>,
    queue: SaveQueue,
    timer: StoredValue<Option<TimeoutHandle>>,
    answers: RwSignal<Answers>,
    errors: RwSignal<HashMap<String, String>>,
}

impl Saver {
    fn queue(self, key: String, value: Value, debounce: bool) {
        self.pending.try_update_value(|p| {
            p.insert(key, value);
        });
        self.queue.status.set(SaveStatus::Saving);
        self.cancel_timer();
        if debounce {
            let handle = set_timeout_with_handle(
                move || {
                    spawn_local(async move {
                        self.drain().await.ok();
                    })
                },
                TYPING_DEBOUNCE,
            )
            .ok();
            self.timer.try_set_value(handle);
        } else {
            spawn_local(async move {
                self.drain().await.ok();
            });
        }
    }

    fn is_sending(self) -> bool {
        self.queue.is_sending()
    }

    /// Keys with a change not yet sent.
    fn pending_keys(self) -> std::collections::HashSet<String> {
        self.pending
            .try_with_value(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn cancel_timer(self) {
        if let Some(t) = self.timer.try_get_value().flatten() {
            t.clear();
        }
        self.timer.try_set_value(None);
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn has_unsaved(self) -> bool {
        self.is_sending()
            || self
                .pending
                .try_with_value(|p| !p.is_empty())
                .unwrap_or(false)
    }

    /// Sends everything pending, batch after batch. Returns at once if another drain is
    /// running (it will pick the new changes up).
    async fn drain(self) -> Result<(), String> {
        let refused = std::cell::Cell::new(false);
        let refused = &refused;
        let status = self
            .queue
            .drain(move || {
                // `try_`: a save may finish after the player was left; then nothing is due.
                let batch = self
                    .pending
                    .try_update_value(std::mem::take)
                    .unwrap_or_default();
                (!batch.is_empty()).then(|| self.send(batch, refused))
            })
            .await;
        match status {
            None | Some(SaveStatus::Saved) if !refused.get() => Ok(()),
            None | Some(SaveStatus::Saved) => {
                self.queue.status.try_set(SaveStatus::Invalid);
                Err(REFUSED.into())
            }
            Some(SaveStatus::Failed(m)) => Err(m),
            Some(_) => Err(REFUSED.into()),
        }
    }

    /// Saves one batch. Refused answers stay on screen with their message and the others
    /// are sent again (the server refuses a request as a whole).
    async fn send(self, batch: Answers, refused: &std::cell::Cell<bool>) -> Sent {
        match save_run_answers(self.run_id, batch.clone()).await {
            Ok(Outcome::Done(state)) => {
                self.adopt(&batch, state.answers);
                Sent::Next(SaveStatus::Saved)
            }
            Ok(Outcome::Invalid(errors)) => {
                let refused_keys: Vec<String> =
                    errors.iter().map(|e| answer_key(&e.field)).collect();
                self.errors.update(|m| m.extend(error_map(errors)));
                let rest: Answers = batch
                    .into_iter()
                    .filter(|(k, _)| !refused_keys.contains(k))
                    .collect();
                self.requeue(rest);
                refused.set(true);
                Sent::Next(SaveStatus::Saved)
            }
            Ok(Outcome::Conflict(message)) => {
                self.requeue(batch);
                Sent::Stop(SaveStatus::Failed(message))
            }
            Err(e) => {
                self.requeue(batch);
                Sent::Stop(SaveStatus::Failed(e.to_string()))
            }
        }
    }

    /// Puts a failed batch back without overwriting anything typed since.
    fn requeue(self, batch: Answers) {
        self.pending.try_update_value(|p| {
            for (k, v) in batch {
                p.entry(k).or_insert(v);
            }
        });
    }

    /// Takes the server's version of each saved answer (rich text comes back sanitized)
    /// unless the user changed it again meanwhile.
    fn adopt(self, sent: &Answers, server: Answers) {
        let pending = self.pending.try_get_value().unwrap_or_default();
        self.answers.update(|a| {
            for (k, v) in sent {
                if pending.contains_key(k) || a.get(k) != Some(v) {
                    continue;
                }
                match server.get(k) {
                    Some(sv) if sv != v => {
                        a.insert(k.clone(), sv.clone());
                    }
                    _ => {}
                }
            }
        });
    }

    /// Saves everything now and waits for it: what Next and Complete need first.
    async fn flush(self) -> Result<(), String> {
        self.cancel_timer();
        // Bounded: a drain in flight ends with its request (the browser times it out).
        for _ in 0..1200 {
            if !self.is_sending() {
                return self.drain().await;
            }
            sleep(50).await;
        }
        Err("saving is taking too long; check your connection".into())
    }
}

async fn sleep(ms: u64) {
    #[cfg(feature = "hydrate")]
    crate::components::browser::sleep(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

fn focus_first_invalid() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(crate::components::browser::focus_first_invalid);
}

/// `answers.email` → `email`.
fn answer_key(path: &str) -> String {
    path.strip_prefix("answers.").unwrap_or(path).to_owned()
}

fn error_map(errors: Vec<FieldError>) -> HashMap<String, String> {
    errors
        .into_iter()
        .map(|e| (answer_key(&e.field), e.message))
        .collect()
}

/// Typed input saves after a pause; a click is a finished answer and saves at once.
fn is_typed(wizard: &Wizard, key: &str) -> bool {
    wizard.option_set(key).is_some_and(|os| {
        matches!(
            os.selection_type(),
            SelectionType::TextInput
                | SelectionType::NumberInput
                | SelectionType::RichText
                | SelectionType::DateInput
                | SelectionType::TimeInput
                | SelectionType::DatetimeInput
                | SelectionType::Slider
                | SelectionType::ColorPicker
        ) || matches!(&os.field, wizard_core::domain::Field::SingleSelect(s) if s.allow_other)
            || matches!(&os.field, wizard_core::domain::Field::MultipleSelect(s) if s.allow_other)
    })
}

/// Messages that cannot be shown beside an input on this step: about fields on other
/// steps, or about no field at all.
fn describe_elsewhere(wizard: &Wizard, errors: &[FieldError], here: Uuid) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| {
            let key = answer_key(&e.field);
            let Some(step) = wizard
                .steps
                .iter()
                .find(|s| s.option_sets.iter().any(|os| os.key == key.as_str()))
            else {
                // Not about a field (a `step.onValidate` rule names the step): said as is.
                return Some(e.message.clone());
            };
            if step.id == here {
                return None;
            }
            let label = wizard
                .option_set(&key)
                .map_or(key.clone(), |os| os.label.clone());
            Some(format!("{} › {}: {}", step.title, label, e.message))
        })
        .collect()
}

#[component]
fn Player(run: RunView, reload: Callback<()>) -> impl IntoView {
    let run_id = run.summary.id;
    let title = run.definition.name.clone();
    let version = run.summary.version_number;
    let wizard = RwSignal::new(run.definition_with_run_options());
    let answers = RwSignal::new(run.answers);
    let current = RwSignal::new(run.summary.current_step_id);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let notice = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let saver = Saver {
        run_id,
        pending: StoredValue::new(Answers::new()),
        queue: SaveQueue::new(),
        timer: StoredValue::new(None),
        answers,
        errors,
    };
    let toasts = Toasts::new();
    let events = Events {
        run_id,
        wizard,
        answers,
        errors,
        saver,
        toasts,
        renders: RwSignal::new(run.renders),
        hooks: StoredValue::new(run.definition.hooks),
        running: RwSignal::new(HashMap::new()),
        go: StoredValue::new(None),
        change: StoredValue::new(None),
        again: StoredValue::new(HashMap::new()),
        activity: RwSignal::new(0),
        loaded: StoredValue::new(Default::default()),
    };
    provide_context(events.host());
    // What each answer was before its latest change, for the option triggers.
    let seen = StoredValue::new(answers.get_untracked());

    // Leaving with unsaved answers asks first (the browser shows its own wording).
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if saver.has_unsaved() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }

    // Leaving the player inside the app (a link, Back) sends what is still waiting for
    // its debounce; the request needs nothing from the player, which is about to go.
    on_cleanup(move || {
        saver.cancel_timer();
        let batch = saver
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        let in_flight = saver.queue.flag();
        if !batch.is_empty() {
            spawn_local(async move {
                // After any save still in flight, so the last value given wins.
                if let Some(flag) = in_flight {
                    for _ in 0..600 {
                        if !flag.load(Ordering::SeqCst) {
                            break;
                        }
                        sleep(50).await;
                    }
                }
                save_run_answers(run_id, batch).await.ok();
            });
        }
    });

    let change_timers = StoredValue::new(HashMap::<String, TimeoutHandle>::new());
    let on_change = Callback::new(move |(key, value): (String, Value)| {
        errors.update(|m| {
            m.remove(&key);
        });
        let typed = wizard.with_untracked(|w| is_typed(w, &key));
        saver.queue(key.clone(), value.clone(), typed);
        // Events on the change go after the save, typing debounced like saving.
        let fire = {
            let key = key.clone();
            move || {
                let before = seen
                    .try_update_value(|s| {
                        let before = s.get(&key).cloned();
                        if value.is_null() {
                            s.remove(&key);
                        } else {
                            s.insert(key.clone(), value.clone());
                        }
                        before
                    })
                    .flatten();
                events.changed(&key, before.as_ref(), &value);
            }
        };
        if let Some(t) = change_timers.try_update_value(|m| m.remove(&key)).flatten() {
            t.clear();
        }
        if typed {
            if let Ok(handle) = set_timeout_with_handle(fire, TYPING_DEBOUNCE) {
                change_timers.update_value(|m| {
                    m.insert(key, handle);
                });
            }
        } else {
            fire();
        }
    });

    events.change.set_value(Some(on_change));

    let step = Memo::new(move |_| wizard.with(|w| w.step(current.get()).cloned()));
    let progress =
        Memo::new(move |_| wizard.with(|w| answers.with(|a| w.progress(current.get(), a))));
    let has_previous = Memo::new(move |_| {
        wizard.with(|w| answers.with(|a| w.previous_step(current.get(), a).is_some()))
    });
    let is_last = Memo::new(move |_| {
        wizard.with(|w| answers.with(|a| w.next_step(current.get(), a).is_none()))
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    let moved = move |to: Uuid| {
        errors.set(HashMap::new());
        current.set(to);
        events.fire(
            wizard_core::domain::event::Trigger::StepOnEntry,
            Some(to),
            None,
        );
        events.shown(to);
        #[cfg(feature = "hydrate")]
        request_animation_frame(move || {
            if let Some(h) = heading.get_untracked() {
                let _ = h.focus();
            }
        });
    };

    let go = move |forward: bool, finish: bool| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(Vec::new());
        spawn_local(async move {
            let flushed = saver.flush().await;
            if busy.is_disposed() {
                return;
            }
            if let Err(m) = flushed {
                notice.set(vec![format!("Your answers are not saved yet: {m}")]);
                busy.set(false);
                return;
            }
            if forward {
                // The same rules the server applies, checked here first for instant feedback.
                let here = current.get_untracked();
                let problems = wizard.with_untracked(|w| {
                    answers.with_untracked(|a| {
                        if finish {
                            w.check_all_answers(a)
                        } else {
                            w.step(here)
                                .map(|s| w.check_step_answers(s, a))
                                .unwrap_or_default()
                        }
                    })
                });
                if !problems.is_empty() {
                    let elsewhere =
                        wizard.with_untracked(|w| describe_elsewhere(w, &problems, here));
                    errors.set(error_map(problems));
                    notice.set(elsewhere);
                    busy.set(false);
                    focus_first_invalid();
                    return;
                }
            }
            let result = if finish {
                complete_run(run_id).await
            } else if forward {
                next_step(run_id).await
            } else {
                previous_step(run_id).await
            };
            if busy.is_disposed() {
                return;
            }
            match result {
                Ok(Outcome::Done(state)) => {
                    if state.status == RunStatus::Completed {
                        reload.run(());
                    } else {
                        moved(state.current_step_id);
                    }
                }
                Ok(Outcome::Invalid(problems)) => {
                    let here = current.get_untracked();
                    let elsewhere =
                        wizard.with_untracked(|w| describe_elsewhere(w, &problems, here));
                    errors.set(error_map(problems));
                    notice.set(elsewhere);
                    focus_first_invalid();
                }
                Ok(Outcome::Conflict(m)) => notice.set(vec![m]),
                Err(e) => notice.set(vec![e.to_string()]),
            }
            busy.set(false);
        });
    };

    events
        .go
        .set_value(Some(Callback::new(move |(forward, finish)| {
            go(forward, finish)
        })));
    // Fields shown when the page opens, and fields a condition reveals later, get their
    // `optionSet.onLoad` once (browser only: effects do not run on the server).
    Effect::new(move |_| {
        answers.track();
        events.shown(current.get_untracked());
    });

    let status = saver.queue.status;
    let retry = move |_| {
        spawn_local(async move {
            saver.flush().await.ok();
        });
    };

    view! {
        <Title text=title.clone() />
        <ToastList toasts />
        <div class="player">
            <div class="page-head player-head">
                <div>
                    <p class="eyebrow">"Running · version " {version}</p>
                    <h1>{title}</h1>
                </div>
                <p class="run-save-status" data-testid="save-status" role="status" aria-live="polite"
                    class:is-error=move || !matches!(status.get(), SaveStatus::Saved | SaveStatus::Saving)>
                    {move || match status.get() {
                        SaveStatus::Saved => view! { <span>"✓ All changes saved"</span> }.into_any(),
                        SaveStatus::Saving => view! { <span>"Saving…"</span> }.into_any(),
                        failed => {
                            let why = match failed {
                                SaveStatus::Failed(m) => m,
                                _ => REFUSED.to_owned(),
                            };
                            view! {
                                <span title=why>"Not saved — "</span>
                                <button type="button" class="btn btn-quiet btn-small" on:click=retry>"Retry"</button>
                            }.into_any()
                        }
                    }}
                </p>
            </div>
            {move || {
                let (at, of) = progress.get();
                let pct = (at * 100).checked_div(of).unwrap_or(0);
                view! {
                    <div class="progress" data-testid="run-progress">
                        <span class="progress-text">{format!("Step {at} of {of}")}</span>
                        <div
                            class="progress-bar"
                            role="progressbar"
                            aria-label="Progress"
                            aria-valuemin="0"
                            aria-valuemax=of.to_string()
                            aria-valuenow=at.to_string()
                            aria-valuetext=format!("Step {at} of {of}")
                        >
                            <div class="progress-fill" style=format!("width:{pct}%")></div>
                        </div>
                    </div>
                }
            }}
            // Events running on a step or a field (an apply button shows its own).
            <p class="event-status" role="status" aria-live="polite" data-testid="event-status">
                {move || {
                    let messages: Vec<String> = events.running.with(|r| {
                        r.iter()
                            .filter(|((t, _), _)| *t != Trigger::OptionSetOnApply)
                            .map(|(_, m)| m.clone())
                            .collect()
                    });
                    messages
                        .into_iter()
                        .map(|m| view! { <span class="event-running"><span class="spinner" aria-hidden="true"></span>{m}</span> })
                        .collect_view()
                }}
            </p>
            <form
                class="step-card"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    go(true, is_last.get_untracked());
                }
            >
                <h2 class="run-step-title" node_ref=heading tabindex="-1" data-testid="step-title">
                    {move || step.get().map(|s| s.title).unwrap_or_default()}
                </h2>
                {move || {
                    step.get()
                        .filter(|s| !s.description.trim().is_empty())
                        .map(|s| view! { <p class="muted step-desc">{s.description}</p> })
                }}
                {move || {
                    let list = notice.get();
                    (!list.is_empty()).then(|| {
                        let items = list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view();
                        view! {
                            <div class="alert" role="alert" data-testid="run-notice">
                                <ul class="plain">{items}</ul>
                            </div>
                        }
                    })
                }}
                <StepForm
                    wizard=wizard
                    step_id=current
                    answers=answers
                    errors=errors
                    on_change=on_change
                    run_id=run_id
                />
                <div class="step-actions">
                    <button
                        type="button"
                        class="btn btn-quiet"
                        data-testid="run-back"
                        disabled=move || busy.get() || !has_previous.get()
                        on:click=move |_| go(false, false)
                    >
                        "← Back"
                    </button>
                    {move || if is_last.get() {
                        view! {
                            <button type="submit" class="btn" data-testid="run-complete" disabled=move || busy.get()>
                                "Complete ✓"
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="submit" class="btn" data-testid="run-next" disabled=move || busy.get()>
                                "Next →"
                            </button>
                        }.into_any()
                    }}
                </div>
            </form>
            <ActivityPanel run_id refresh=events.activity />
        </div>
    }.into_any()
}

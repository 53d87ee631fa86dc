//! The player's side of the action system: when each trigger fires, and how the effects
//! that come back are applied (fields, options, renders, messages, then navigation).
//!
//! A trigger goes to the server only when the pinned version has an enabled event for it
//! at that target (the run definition's hooks); answers waiting to be saved go first, so events
//! see what is on screen.

use std::collections::{BTreeMap, HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::answer::chosen_values;
use wizard_core::domain::condition::Answers;
use wizard_core::domain::event::{
    ActionStatus, Effects, ExecuteEventRequest, ExecuteEventResponse, MessageLevel, NavTarget,
    Render, Trigger,
};
use wizard_core::domain::run::Hooks;
use wizard_core::domain::{Field, Wizard};

use super::{Saver, error_map};
use crate::components::fields::ActionHost;
use crate::components::toasts::Toasts;
use crate::fns::Outcome;
use crate::fns::runs::execute_event;

/// What the player lends its event handling.
#[derive(Clone, Copy)]
pub(super) struct Events {
    pub run_id: Uuid,
    pub wizard: RwSignal<Wizard>,
    pub answers: RwSignal<Answers>,
    pub errors: RwSignal<HashMap<String, String>>,
    pub saver: Saver,
    pub toasts: Toasts,
    pub renders: RwSignal<BTreeMap<String, Render>>,
    /// Where the version's enabled events listen.
    pub hooks: StoredValue<Hooks>,
    /// Triggers whose events are running, by target (the nil id for wizard-level
    /// triggers), with what they are doing now.
    pub running: RwSignal<HashMap<(Trigger, Uuid), String>>,
    /// Next/Back/Complete with their usual checks: (forward, finish); set once the
    /// player has built it.
    pub go: StoredValue<Option<Callback<(bool, bool)>>>,
    /// The player's answer change (save, clear the error, fire the change events); set
    /// once the player has built it.
    pub change: StoredValue<Option<Callback<(String, Value)>>>,
    /// The latest `optionSet.onChange` that arrived while one was running at the same
    /// field: it goes out when that one ends, so the last value always reaches the server.
    pub again: StoredValue<HashMap<(Trigger, Uuid), Option<Value>>>,
    /// Bumped after every event, so the Activity panel reloads.
    pub activity: RwSignal<u64>,
    /// Option sets whose `optionSet.onLoad` already fired on this page.
    pub loaded: StoredValue<HashSet<Uuid>>,
}

impl Events {
    pub fn host(self) -> ActionHost {
        ActionHost {
            renders: self.renders,
            fire: Callback::new(move |(t, target, value)| self.fire(t, target, value)),
            running: self.running,
            answers: self.answers,
            pick: Callback::new(move |(key, value): (String, Value)| {
                self.answers.update(|a| {
                    if value.is_null() {
                        a.remove(&key);
                    } else {
                        a.insert(key.clone(), value.clone());
                    }
                });
                // As if the person had changed the field: saved, errors cleared, events fired.
                match self.change.get_value() {
                    Some(change) => change.run((key, value)),
                    None => self.saver.queue(key, value, false),
                }
            }),
        }
    }

    fn has(self, trigger: Trigger, target: Option<Uuid>) -> bool {
        self.hooks.with_value(|h| h.listens(trigger, target))
    }

    /// Fires `trigger` at `target` if an event listens there; a trigger already running at
    /// the same target is not fired again (a double click fires once).
    pub fn fire(self, trigger: Trigger, target: Option<Uuid>, value: Option<Value>) {
        if !self.has(trigger, target) {
            return;
        }
        let slot = (trigger, target.unwrap_or(Uuid::nil()));
        if self.running.with_untracked(|r| r.contains_key(&slot)) {
            if trigger == Trigger::OptionSetOnChange {
                self.again.update_value(|a| {
                    a.insert(slot, value);
                });
            }
            return;
        }
        let message = self
            .hooks
            .with_value(|h| h.loading_message(trigger, target))
            .unwrap_or_else(|| "Working…".into());
        self.running.update(|r| {
            r.insert(slot, message);
        });
        spawn_local(async move {
            let saved = self.saver.flush().await;
            if self.running.is_disposed() {
                return;
            }
            if let Err(m) = saved {
                self.toasts.push(
                    MessageLevel::Error,
                    format!("The action did not run: your answers are not saved yet ({m})."),
                );
                self.running.update(|r| {
                    r.remove(&slot);
                });
                return;
            }
            let req = ExecuteEventRequest {
                trigger,
                target_id: target,
                answers: Answers::new(),
                value,
            };
            // The spinner follows the server from action to action while the event runs.
            #[cfg(feature = "hydrate")]
            let stream = crate::components::browser::follow_progress(self.run_id, move |p| {
                if (p.trigger, p.target_id.unwrap_or(Uuid::nil())) == slot {
                    self.running.try_update(|r| {
                        if let Some(m) = r.get_mut(&slot) {
                            *m = p.message;
                        }
                    });
                }
            });
            let result = execute_event(self.run_id, req).await;
            #[cfg(feature = "hydrate")]
            drop(stream);
            if self.running.is_disposed() {
                return;
            }
            self.running.update(|r| {
                r.remove(&slot);
            });
            let queued = self.again.try_update_value(|a| a.remove(&slot)).flatten();
            self.activity.update(|n| *n += 1);
            match result {
                Ok(Outcome::Done(resp)) => self.apply(resp),
                Ok(Outcome::Invalid(problems)) => {
                    self.toasts.push(
                        MessageLevel::Error,
                        "Some answers were refused: see the marked fields.",
                    );
                    self.errors.update(|m| m.extend(error_map(problems)));
                }
                Ok(Outcome::Conflict(m)) => self.toasts.push(MessageLevel::Error, m),
                Err(e) => self.toasts.push(MessageLevel::Error, e.to_string()),
            }
            if let Some(value) = queued {
                self.fire(trigger, target, value);
            }
        });
    }

    /// Applies effects in order: fields, options, renders, messages, then navigation.
    fn apply(self, resp: ExecuteEventResponse) {
        let ExecuteEventResponse {
            effects,
            blocked,
            answers: saved,
            actions,
            ..
        } = resp;
        let Effects {
            set_fields,
            replace_options,
            renders,
            messages,
            navigate,
        } = effects;
        // A field the person changed after the request left keeps what they typed; the
        // server's value is already stored and shows on the next load.
        let pending = self.saver.pending_keys();
        self.answers.update(|a| {
            for key in set_fields.keys() {
                if pending.contains(key) {
                    continue;
                }
                match saved.get(key) {
                    Some(v) => {
                        a.insert(key.clone(), v.clone());
                    }
                    None => {
                        a.remove(key);
                    }
                }
            }
        });
        for (key, options) in replace_options {
            let lost = self.answers.with_untracked(|a| {
                chosen_values(a.get(&key)?)
                    .into_iter()
                    .find(|v| !options.iter().any(|o| o.value == *v))
                    .map(str::to_owned)
            });
            let label = self.wizard.with_untracked(|w| {
                w.option_set(&key)
                    .map_or(key.clone(), |os| os.label.clone())
            });
            self.wizard.update(|w| {
                if let Some(os) = w.option_set_mut(&key) {
                    os.options = options;
                }
            });
            if let Some(gone) = lost {
                self.toasts.push(
                    MessageLevel::Warning,
                    format!(
                        "{label}: your choice “{gone}” is no longer offered; please choose again."
                    ),
                );
            }
        }
        if !renders.is_empty() {
            self.renders.update(|r| r.extend(renders));
        }
        for m in messages {
            self.toasts.push(m.level, m.text);
        }
        // A failed action is said, not only logged (a blocking one says so below); the first
        // failure is the cause, later ones usually follow from it (Activity has them all).
        let mut failed = actions.iter().filter(|a| a.status == ActionStatus::Error);
        if blocked.is_none()
            && let Some(first) = failed.next()
        {
            let why = first.error.as_deref().unwrap_or("it failed");
            let more = match failed.count() {
                0 => String::new(),
                n => format!(" ({n} more failed after it: see Activity)"),
            };
            self.toasts.push(
                MessageLevel::Error,
                format!("“{}” did not work: {why}{more}", first.name),
            );
        }
        if let Some(message) = blocked {
            self.toasts.push(MessageLevel::Error, message);
            return;
        }
        let go = |forward, finish| {
            if let Some(go) = self.go.get_value() {
                go.run((forward, finish));
            }
        };
        match navigate {
            Some(NavTarget::Next) => go(true, false),
            Some(NavTarget::Previous) => go(false, false),
            Some(NavTarget::Complete) => go(true, true),
            Some(NavTarget::Step(_)) => self.toasts.push(
                MessageLevel::Info,
                "This action asks to jump to another step; use Next and Back to get there.",
            ),
            None => {}
        }
    }

    /// After an answer changed: `optionSet.onChange` with the new value, and, for choices,
    /// `option.onSelect`/`onDeselect`/`onChange` of each option that was ticked or unticked.
    pub fn changed(self, key: &str, before: Option<&Value>, after: &Value) {
        let Some((os_id, options, is_choice)) = self.wizard.with_untracked(|w| {
            w.option_set(key).map(|os| {
                (
                    os.id,
                    os.options.clone(),
                    matches!(os.field, Field::SingleSelect(_) | Field::MultipleSelect(_)),
                )
            })
        }) else {
            return;
        };
        self.fire(Trigger::OptionSetOnChange, Some(os_id), Some(after.clone()));
        if !is_choice {
            return;
        }
        let was = before.map(chosen_values).unwrap_or_default();
        let now = chosen_values(after);
        for o in &options {
            let (a, b) = (
                was.contains(&o.value.as_str()),
                now.contains(&o.value.as_str()),
            );
            if a == b {
                continue;
            }
            let value = Some(Value::String(o.value.clone()));
            let trigger = if b {
                Trigger::OptionOnSelect
            } else {
                Trigger::OptionOnDeselect
            };
            self.fire(trigger, Some(o.id), value.clone());
            self.fire(Trigger::OptionOnChange, Some(o.id), value);
        }
    }

    /// `optionSet.onLoad` of each field of `step` that is shown, once per page.
    pub fn shown(self, step: Uuid) {
        let ids: Vec<Uuid> = self.wizard.with_untracked(|w| {
            self.answers.with_untracked(|a| {
                w.step(step)
                    .map(|s| {
                        s.option_sets
                            .iter()
                            .filter(|os| os.is_visible(a))
                            .map(|os| os.id)
                            .collect()
                    })
                    .unwrap_or_default()
            })
        });
        for id in ids {
            let first = self
                .loaded
                .try_update_value(|l| l.insert(id))
                .unwrap_or(false);
            if first {
                self.fire(Trigger::OptionSetOnLoad, Some(id), None);
            }
        }
    }
}

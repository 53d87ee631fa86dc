//! The builder's event editor (DESIGN §4, spec phase 8): an events panel on the wizard,
//! each step and each field (with its options), an overview of every event, the event
//! editor with its action cards, one editor per action type, output handling and the
//! Test button.
//!
//! Events are not part of the draft document the builder autosaves: each is its own row
//! with its own version (`backend::events`). An open event is edited locally
//! ([`EventDraft`]) and saved whole with "Save event"; the server checks it against the
//! current draft and names each problem by path, which the inputs show beside themselves.
//! A stale version is a 409: the edits stay on screen until the builder reloads the event.

pub mod action_card;
pub mod completion;
pub mod editor;
pub mod gutter;
pub mod inputs;
pub mod model;
pub mod output;
pub mod output_preview;
pub mod panel;
pub mod renderer_form;
pub mod schema;
pub mod test_panel;
pub mod typed_input;
pub mod types;

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::event::{Action, Event};
use wizard_core::domain::event_view::EventView;
use wizard_core::domain::problem::FieldError;

use crate::builder::state::Builder;
use crate::fns::events::list_events;
use model::Target;

/// The wizard's events as stored, shared by every panel; `open` is the one event whose
/// editor is shown (one at a time, so two editors never hold the same event).
#[derive(Clone, Copy)]
pub struct EventStore {
    pub wizard_id: Uuid,
    pub list: RwSignal<Option<Result<Vec<EventView>, String>>>,
    pub open: RwSignal<Option<Uuid>>,
}

impl EventStore {
    pub fn new(wizard_id: Uuid) -> Self {
        EventStore {
            wizard_id,
            list: RwSignal::new(None),
            open: RwSignal::new(None),
        }
    }

    /// Reads the events from the server (in the browser, after hydration).
    pub fn load(self) {
        spawn_local(async move {
            let loaded = list_events(self.wizard_id).await.map_err(|e| e.to_string());
            self.list.set(Some(loaded));
        });
    }

    /// Puts a saved event in the list (replacing its older copy).
    pub fn put(self, view: EventView) {
        self.list.update(|l| {
            if let Some(Ok(list)) = l {
                match list.iter_mut().find(|e| e.id == view.id) {
                    Some(old) => *old = view,
                    None => list.push(view),
                }
            }
        });
    }

    pub fn remove(self, id: Uuid) {
        self.list.update(|l| {
            if let Some(Ok(list)) = l {
                list.retain(|e| e.id != id);
            }
        });
        if self.open.get_untracked() == Some(id) {
            self.open.set(None);
        }
    }

    /// The ids of the events listening on any of `targets`, in creation order.
    pub fn ids_for(self, targets: &[Target]) -> Vec<Uuid> {
        self.list.with(|l| match l {
            Some(Ok(list)) => list
                .iter()
                .filter(|e| targets.contains(&Target::of(e.trigger, e.target_id)))
                .map(|e| e.id)
                .collect(),
            _ => Vec::new(),
        })
    }

    /// A stored event by id (tracked).
    pub fn get(self, id: Uuid) -> Option<EventView> {
        self.list.with(|l| match l {
            Some(Ok(list)) => list.iter().find(|e| e.id == id).cloned(),
            _ => None,
        })
    }
}

/// The definition of a stored event, as the editor edits it.
pub fn event_of(view: &EventView) -> Event {
    Event {
        id: view.id,
        name: view.name.clone(),
        description: view.description.clone(),
        trigger: view.trigger,
        target_type: Some(view.target_type),
        target_id: view.target_id,
        conditions: view.conditions.clone(),
        enabled: view.enabled,
        actions: view.actions.iter().map(|a| a.action.clone()).collect(),
    }
}

/// One open event: the local copy, the version it was read at, and the server's verdict on
/// the last save. All signals, so it is `Copy` and every card shares it.
#[derive(Clone, Copy)]
pub struct EventDraft {
    pub b: Builder,
    pub store: EventStore,
    pub id: Uuid,
    pub draft: RwSignal<Event>,
    pub version: RwSignal<i64>,
    /// Edited since the last save or load.
    pub dirty: RwSignal<bool>,
    /// The server's problems, rooted at the event (`actions[0].config.text`).
    pub errors: RwSignal<Vec<FieldError>>,
    pub conflict: RwSignal<Option<String>>,
    pub saving: RwSignal<bool>,
    /// Each action's raw output from its last Test, which the output editor previews its
    /// extract, options and render on.
    pub tested: RwSignal<std::collections::HashMap<Uuid, serde_json::Value>>,
}

impl EventDraft {
    pub fn new(b: Builder, store: EventStore, view: &EventView) -> Self {
        EventDraft {
            b,
            store,
            id: view.id,
            draft: RwSignal::new(event_of(view)),
            version: RwSignal::new(view.version),
            dirty: RwSignal::new(false),
            errors: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            saving: RwSignal::new(false),
            tested: RwSignal::new(Default::default()),
        }
    }

    /// Applies an edit locally; it is sent with the next "Save event".
    pub fn edit(self, f: impl FnOnce(&mut Event)) {
        let mut changed = false;
        self.draft.update(|e| {
            let before = e.clone();
            f(e);
            changed = *e != before;
        });
        if changed {
            self.dirty.set(true);
        }
    }

    /// Drops the server's problems that name actions by position: after a reorder or a
    /// delete they would point at other actions. The next save reports what still holds.
    pub fn forget_action_problems(self) {
        self.errors
            .update(|es| es.retain(|e| !e.field.starts_with("actions[")));
    }

    /// The server's messages for the input at `path` (rooted at the event).
    pub fn messages(self, path: impl Into<String>) -> Signal<Vec<String>> {
        let path = path.into();
        Signal::derive(move || self.errors.with(|es| model::messages_at(es, &path)))
    }

    /// Takes a stored copy as the new base (after a save or a reload).
    pub fn reset(self, view: &EventView) {
        self.draft.set(event_of(view));
        self.version.set(view.version);
        self.dirty.set(false);
        self.errors.set(Vec::new());
        self.conflict.set(None);
    }
}

/// One action of the open event, found by id (its index moves when actions are reordered).
#[derive(Clone, Copy)]
pub struct ActionCtx {
    pub ev: EventDraft,
    pub id: Uuid,
}

impl ActionCtx {
    /// Where the action sits now (tracked).
    pub fn index(self) -> Option<usize> {
        self.ev
            .draft
            .with(|e| e.actions.iter().position(|a| a.id == self.id))
    }

    /// Reads the action (tracked); `None` once it is deleted.
    pub fn read<R>(self, f: impl FnOnce(&Action) -> R) -> Option<R> {
        self.ev
            .draft
            .with(|e| e.actions.iter().find(|a| a.id == self.id).map(f))
    }

    pub fn edit(self, f: impl FnOnce(&mut Action)) {
        self.ev.edit(|e| {
            if let Some(a) = e.actions.iter_mut().find(|a| a.id == self.id) {
                f(a);
            }
        });
    }

    /// The server's messages for `member` of this action (`config.text`, `name`, …),
    /// wherever the action sits now.
    pub fn messages(self, member: impl Into<String>) -> Signal<Vec<String>> {
        let member: String = member.into();
        Signal::derive(move || {
            let Some(i) = self.index() else {
                return Vec::new();
            };
            let path = format!("actions[{i}].{member}");
            self.ev.errors.with(|es| model::messages_at(es, &path))
        })
    }

    /// The template paths this action may read (tracked): fields, run, event, and the
    /// outputs of the actions before it (`completion::paths`).
    pub fn paths(self) -> Signal<Vec<String>> {
        Signal::derive(move || {
            let position = self.index().unwrap_or(0);
            self.ev
                .b
                .wizard
                .with(|w| self.ev.draft.with(|e| completion::paths(w, e, position)))
        })
    }

    /// A DOM id unique to this action's input `what`.
    pub fn dom(self, what: &str) -> String {
        format!("action-{}-{what}", self.id.simple())
    }
}

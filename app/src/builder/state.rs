//! The editor's state: the local draft, its version, and the save queue.
//!
//! Every committed edit changes the local [`Wizard`] first (so the UI never waits on the
//! network) and then asks for a save. Saves run one at a time, each sending the whole
//! draft with the version the previous one returned; edits made meanwhile are sent by a
//! follow-up save. A stale version (409) stops saving until the user reloads, so nothing
//! written elsewhere is ever overwritten.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::Wizard;
use wizard_core::domain::draft::{UpdateWizardRequest, VersionSummary, WizardDraft};
use wizard_core::domain::problem::FieldError;

pub use crate::components::save_queue::SaveStatus;
use crate::components::save_queue::{SaveQueue, Sent};
use crate::fns::Outcome;
use crate::fns::wizards::{list_wizard_versions, publish_wizard, save_wizard_draft, update_wizard};

/// Which list a drag started in, and what is being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dragging {
    Step(Uuid),
    OptionSet(Uuid),
    Option {
        option_set: Uuid,
        option: Uuid,
    },
    /// An action card of the open event (by its header).
    Action(Uuid),
}

/// Everything the editor's components share; all fields are signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Builder {
    pub id: Uuid,
    pub wizard: RwSignal<Wizard>,
    pub version: RwSignal<i64>,
    pub live_version: RwSignal<Option<i64>>,
    pub unpublished: RwSignal<bool>,
    pub is_template: RwSignal<bool>,
    /// The save queue's status (the same signal), for the indicator.
    pub status: RwSignal<SaveStatus>,
    queue: SaveQueue,
    /// The server's problems with the last draft sent, by JSON path.
    pub errors: RwSignal<Vec<FieldError>>,
    pub conflict: RwSignal<Option<String>>,
    pub selected_step: RwSignal<Option<Uuid>>,
    pub dragging: RwSignal<Option<Dragging>>,
    pub versions: RwSignal<Option<Result<Vec<VersionSummary>, String>>>,
    pub publishing: RwSignal<bool>,
    /// A message about publishing or the gallery flag (success or failure).
    pub notice: RwSignal<Option<(bool, String)>>,
    /// The draft changed since it was last sent.
    pending: RwSignal<bool>,
}

impl Builder {
    pub fn new(draft: WizardDraft) -> Self {
        let first_step = draft.definition.steps.first().map(|s| s.id);
        let queue = SaveQueue::new();
        Builder {
            id: draft.id,
            wizard: RwSignal::new(draft.definition),
            version: RwSignal::new(draft.version),
            live_version: RwSignal::new(draft.live_version),
            unpublished: RwSignal::new(draft.has_unpublished_changes),
            is_template: RwSignal::new(draft.is_template),
            status: queue.status,
            queue,
            errors: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            selected_step: RwSignal::new(first_step),
            dragging: RwSignal::new(None),
            versions: RwSignal::new(None),
            publishing: RwSignal::new(false),
            notice: RwSignal::new(None),
            pending: RwSignal::new(false),
        }
    }

    /// Applies a committed edit locally, then saves it. An edit that changes nothing
    /// (say, a `change` event with the same text) is not sent.
    pub fn edit(self, f: impl FnOnce(&mut Wizard)) {
        let mut changed = false;
        self.wizard.update(|w| {
            let before = w.clone();
            f(w);
            changed = *w != before;
        });
        if changed {
            self.request_save();
        }
    }

    /// Marks the draft as due and starts a save; a save in flight sends it right after.
    pub fn request_save(self) {
        if self.conflict.get_untracked().is_some() {
            return;
        }
        self.pending.set(true);
        self.status.set(SaveStatus::Saving);
        spawn_local(async move {
            self.queue
                .drain(move || {
                    if !self.pending.get_untracked() || self.conflict.get_untracked().is_some() {
                        return None;
                    }
                    self.pending.set(false);
                    Some(self.send_draft())
                })
                .await;
        });
    }

    /// Sends the whole draft once, with the version the last save returned.
    async fn send_draft(self) -> Sent {
        let sent = self.wizard.get_untracked();
        let version = self.version.get_untracked();
        match save_wizard_draft(self.id, version, sent.clone()).await {
            Ok(Outcome::Done(draft)) => {
                self.errors.set(Vec::new());
                self.apply(draft, &sent);
                Sent::Next(SaveStatus::Saved)
            }
            Ok(Outcome::Invalid(errors)) => {
                self.errors.set(errors);
                Sent::Next(SaveStatus::Invalid)
            }
            Ok(Outcome::Conflict(message)) => {
                self.conflict.set(Some(message));
                self.pending.set(false);
                Sent::Stop(SaveStatus::Conflict)
            }
            Err(e) => Sent::Next(SaveStatus::Failed(e.to_string())),
        }
    }

    /// Takes the server's view of the draft: its version always, its definition only when
    /// the local draft is still what was sent (so nothing typed since is clobbered).
    fn apply(self, draft: WizardDraft, sent: &Wizard) {
        self.version.set(draft.version);
        self.live_version.set(draft.live_version);
        self.unpublished.set(draft.has_unpublished_changes);
        self.is_template.set(draft.is_template);
        if draft.definition != *sent && self.wizard.with_untracked(|w| w == sent) {
            self.wizard.set(draft.definition);
        }
    }

    /// Loads the version list (again).
    pub fn load_versions(self) {
        spawn_local(async move {
            let result = list_wizard_versions(self.id)
                .await
                .map_err(|e| e.to_string());
            self.versions.set(Some(result));
        });
    }

    /// Publishes the saved draft. Refused locally while edits are unsaved, because the
    /// server would publish the last saved draft rather than what is on screen.
    pub fn publish(self) {
        if self.queue.is_sending() || self.pending.get_untracked() {
            self.notice.set(Some((
                false,
                "Wait for the draft to save, then publish.".into(),
            )));
            return;
        }
        if self.status.get_untracked() != SaveStatus::Saved {
            self.notice.set(Some((
                false,
                "The draft has unsaved changes; fix the problems listed above first.".into(),
            )));
            return;
        }
        self.publishing.set(true);
        self.notice.set(None);
        spawn_local(async move {
            let result = publish_wizard(self.id, self.version.get_untracked()).await;
            match result {
                Ok(Outcome::Done(v)) => {
                    self.live_version.set(Some(v.number));
                    self.unpublished.set(false);
                    self.notice.set(Some((
                        true,
                        format!("Published version {}; new runs start on it.", v.number),
                    )));
                    self.refresh_meta().await;
                    self.load_versions();
                }
                Ok(Outcome::Invalid(errors)) => {
                    self.notice.set(Some((
                        false,
                        "The draft cannot be published yet; see the problems above.".into(),
                    )));
                    self.errors.set(errors);
                }
                Ok(Outcome::Conflict(message)) => {
                    // 409 also means "nothing changed since the live version": only a
                    // version that moved on means someone else edited the wizard.
                    let ours = self.version.get_untracked();
                    let theirs = crate::fns::wizards::get_wizard_draft(self.id)
                        .await
                        .map(|d| d.version);
                    if matches!(theirs, Ok(v) if v == ours) {
                        self.notice.set(Some((false, capitalize(&message))));
                    } else {
                        self.conflict.set(Some(message));
                        self.status.set(SaveStatus::Conflict);
                    }
                }
                Err(e) => self.notice.set(Some((false, e.to_string()))),
            }
            self.publishing.set(false);
        });
    }

    /// Takes the version and flags of a draft returned by an operation on the wizard's own
    /// properties, and its category; the rest of the local draft stays as it is, since it
    /// may hold edits the server has not accepted yet.
    fn apply_meta(self, draft: WizardDraft) {
        self.version.set(draft.version);
        self.live_version.set(draft.live_version);
        self.unpublished.set(draft.has_unpublished_changes);
        self.is_template.set(draft.is_template);
        let category = draft.definition.category;
        if self.wizard.with_untracked(|w| w.category != category) {
            self.wizard.update(|w| w.category = category);
        }
    }

    /// Re-reads the draft's version and flags after an operation that may change them.
    async fn refresh_meta(self) {
        if let Ok(draft) = crate::fns::wizards::get_wizard_draft(self.id).await {
            self.apply_meta(draft);
        }
    }

    /// Offers the live version in the gallery, or withdraws it.
    pub fn set_template(self, on: bool) {
        let req = UpdateWizardRequest {
            is_template: Some(on),
            ..Default::default()
        };
        let done = if on {
            "Offered in the gallery."
        } else {
            "No longer offered in the gallery."
        };
        // On failure, setting the signal back re-syncs the checkbox the click flipped.
        self.update_meta(req, done, move |b| b.is_template.set(!on));
    }

    /// Sets or clears the category (what the gallery filters by).
    pub fn set_category(self, category: String) {
        let category = category.trim().to_owned();
        let req = UpdateWizardRequest {
            category: Some((!category.is_empty()).then_some(category)),
            ..Default::default()
        };
        let before = self.wizard.with_untracked(|w| w.category.clone());
        self.update_meta(req, "Category saved.", move |b| {
            b.wizard.update(|w| w.category = before);
        });
    }

    /// Changes the wizard's own properties through `update` (not the draft), after any
    /// save in flight, so both carry the right version.
    fn update_meta(
        self,
        mut req: UpdateWizardRequest,
        done: &'static str,
        revert: impl FnOnce(Builder) + Send + 'static,
    ) {
        if self.conflict.get_untracked().is_some() {
            revert(self);
            return;
        }
        let flight = match self.queue.begin() {
            Some(flight) if !self.pending.get_untracked() => flight,
            _ => {
                self.notice.set(Some((
                    false,
                    "Wait for the draft to save, then try again.".into(),
                )));
                revert(self);
                return;
            }
        };
        spawn_local(async move {
            req.version = self.version.get_untracked();
            let result = update_wizard(self.id, req).await;
            drop(flight);
            match result {
                Ok(Outcome::Done(draft)) => {
                    self.apply_meta(draft);
                    self.notice.set(Some((true, done.to_owned())));
                }
                Ok(Outcome::Invalid(errors)) => {
                    let text = errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.notice.set(Some((false, text)));
                    revert(self);
                }
                Ok(Outcome::Conflict(message)) => {
                    self.conflict.set(Some(message));
                    self.status.set(SaveStatus::Conflict);
                    revert(self);
                }
                Err(e) => {
                    self.notice.set(Some((false, e.to_string())));
                    revert(self);
                }
            }
            // An edit made while this was in flight was queued; send it now.
            if self.pending.get_untracked() {
                self.request_save();
            }
        });
    }

    /// The messages of the server's errors whose path is exactly `path`.
    pub fn errors_at(self, path: &str) -> Vec<String> {
        self.errors.with(|es| {
            es.iter()
                .filter(|e| e.field == path)
                .map(|e| e.message.clone())
                .collect()
        })
    }

    /// The messages of errors at `path` or below it (`path[…]`, `path.…`).
    pub fn errors_under(self, path: &str) -> Vec<String> {
        self.errors.with(|es| {
            es.iter()
                .filter(|e| {
                    e.field
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
                })
                .map(|e| e.message.clone())
                .collect()
        })
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

//! Runs (one person playing one published version) and the Store (runs saved under a
//! name). Pure types plus the navigation rules the player and the server share.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::condition::Answers;
use crate::domain::event::Trigger;
use crate::domain::wizard::Step;
use crate::domain::{Wizard, WizardOption};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RunStatus {
    InProgress,
    /// Read-only from then on.
    Completed,
}

impl RunStatus {
    pub const ALL: [RunStatus; 2] = [RunStatus::InProgress, RunStatus::Completed];

    pub const fn as_str(self) -> &'static str {
        match self {
            RunStatus::InProgress => "in_progress",
            RunStatus::Completed => "completed",
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunStatus::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`; expected in_progress or completed"))
    }
}

/// Who may open a stored run: its owner only, or every signed-in user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Visibility {
    #[default]
    Private,
    Shared,
}

impl Visibility {
    pub const ALL: [Visibility; 2] = [Visibility::Private, Visibility::Shared];

    pub const fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Shared => "shared",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Visibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Visibility::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown visibility `{s}`; expected private or shared"))
    }
}

/// A run in a list (My Runs, the Store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunSummary {
    pub id: Uuid,
    pub wizard_id: Uuid,
    pub wizard_name: String,
    pub version_number: i64,
    pub status: RunStatus,
    pub owner_id: String,
    pub owner_name: String,
    pub current_step_id: Uuid,
    pub current_step_title: String,
    pub started_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    /// Set when the run is saved to the Store.
    pub stored_name: Option<String>,
    pub visibility: Visibility,
    /// Optimistic-concurrency version of the run row.
    pub version: i64,
}

/// A run with its answers and the definition it plays (its pinned version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunView {
    #[serde(flatten)]
    pub summary: RunSummary,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    /// True when the caller owns the run and it is in progress.
    pub editable: bool,
    pub definition: RunDefinition,
    /// Options that actions put into selects of this run (`replace_options`), by field
    /// key; they replace the definition's options of that select.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub dynamic_options: std::collections::BTreeMap<String, Vec<WizardOption>>,
    /// The latest render of each output slot (by field key), as the actions left them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub renders: std::collections::BTreeMap<String, crate::domain::event::Render>,
}

impl RunView {
    /// The definition as this run shows it: selects that actions filled carry those
    /// options instead of the definition's.
    pub fn definition_with_run_options(&self) -> Wizard {
        let mut w = self.definition.wizard();
        for (key, options) in &self.dynamic_options {
            if let Some(os) = w.option_set_mut(key) {
                os.options = options.clone();
            }
        }
        w
    }
}

/// A version as the person running it receives it: its steps, and where events listen
/// ([`EventHook`]) — never the actions, their code or the API and MCP configurations,
/// which stay on the server (DESIGN.md §6: the runner triggers events, the server decides
/// what they do). Keeping them out also keeps their decoders out of the player's bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunDefinition {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// One per enabled event of the version.
    #[serde(default, skip_serializing_if = "Hooks::is_empty")]
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<EventHook>))]
    pub hooks: Hooks,
}

/// The [`EventHook`]s of a version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hooks(pub Vec<EventHook>);

/// Where an enabled event listens, and what its trigger shows while it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventHook {
    pub trigger: Trigger,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<Uuid>,
    /// The first action's `loading_message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loading_message: Option<String>,
}

impl From<&Wizard> for RunDefinition {
    fn from(w: &Wizard) -> Self {
        RunDefinition {
            id: w.id,
            name: w.name.clone(),
            description: w.description.clone(),
            category: w.category.clone(),
            steps: w.steps.clone(),
            hooks: Hooks(
                w.events
                    .iter()
                    .filter(|e| e.enabled)
                    .map(|e| EventHook {
                        trigger: e.trigger,
                        // Wizard-level events fire wherever they name the wizard.
                        target_id: e.target_id.filter(|_| {
                            e.trigger.target_type() != crate::domain::event::TargetType::Wizard
                        }),
                        loading_message: e.actions.iter().find_map(|a| a.loading_message.clone()),
                    })
                    .collect(),
            ),
        }
    }
}

impl RunDefinition {
    /// The steps as a [`Wizard`] (without events or configurations), for the navigation
    /// and answer rules the player shares with the server.
    pub fn wizard(&self) -> Wizard {
        Wizard {
            id: self.id,
            name: self.name.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
            steps: self.steps.clone(),
            events: Vec::new(),
            api_configs: Vec::new(),
            mcp_configs: Vec::new(),
        }
    }
}

impl Hooks {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an enabled event listens for `trigger` at `target`: the player asks the
    /// server to run a trigger only then (no round trip otherwise).
    pub fn listens(&self, trigger: Trigger, target: Option<Uuid>) -> bool {
        self.at(trigger, target).next().is_some()
    }

    /// What the trigger shows while its events start (the first `loading_message`).
    pub fn loading_message(&self, trigger: Trigger, target: Option<Uuid>) -> Option<String> {
        self.at(trigger, target)
            .find_map(|h| h.loading_message.clone())
    }

    fn at(&self, trigger: Trigger, target: Option<Uuid>) -> impl Iterator<Item = &EventHook> {
        self.0
            .iter()
            .filter(move |h| h.trigger == trigger && h.target_id == target)
    }
}

/// What changes as a run is played: returned by every answer save and move so the player
/// can stay in step without reloading the definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunState {
    pub id: Uuid,
    pub status: RunStatus,
    pub current_step_id: Uuid,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    pub updated_at: String,
    pub version: i64,
}

/// Starts a run on the wizard's live version; `from_run_id` pre-fills the answers from a
/// run the caller may read (their own, or a shared Store entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StartRunRequest {
    pub wizard_id: Uuid,
    #[serde(default)]
    pub from_run_id: Option<Uuid>,
}

/// Merges answers into the run: each key is set, `null` removes an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaveAnswersRequest {
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
}

/// Saves a run to the Store under `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StoreRunRequest {
    pub name: String,
    #[serde(default)]
    pub visibility: Visibility,
}

/// Filter of My Runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct RunQuery {
    #[serde(default)]
    pub status: Option<RunStatus>,
}

/// An uploaded file as it appears in the answers of a `file_upload` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileRef {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

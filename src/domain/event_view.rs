//! Events and actions as the API and the builder exchange them: stored views with their
//! versions and times, and the request bodies of the event endpoints. Shared by the server
//! and the browser so both speak the same structs.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::WizardOption;
use crate::domain::condition::{Answers, Condition};
use crate::domain::event::{Action, Event, OutputHandling, Render, TargetType, Trigger};

/// An event as stored: its definition, its actions (each with their own version) and its
/// optimistic-locking `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventView {
    pub id: Uuid,
    pub wizard_id: Uuid,
    pub name: String,
    pub description: String,
    pub trigger: Trigger,
    pub target_type: TargetType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Condition>,
    pub enabled: bool,
    pub actions: Vec<ActionView>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// An action as stored: the wire form of [`Action`] plus its event, version and times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionView {
    #[serde(flatten)]
    pub action: Action,
    pub event_id: Uuid,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// `PUT /wizards/events/{event_id}`: the whole event (actions included) replaces the stored
/// one if it is still at `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutEventRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub event: Event,
}

/// `PUT /wizards/events/{event_id}/actions/{action_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutActionRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub action: Action,
}

/// `POST /wizards/events/{event_id}/actions/reorder`: every action id of the event, once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReorderActionsRequest {
    pub action_ids: Vec<Uuid>,
}

/// `POST /wizards/actions/test`: runs an unsaved action of `wizard_id`'s draft against
/// sample answers (nothing is stored). `trigger`/`target_id` say where it pretends to
/// fire (default: `wizard.onStart`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestActionRequest {
    pub wizard_id: Uuid,
    pub action: Action,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub trigger: Option<Trigger>,
    #[serde(default)]
    pub target_id: Option<Uuid>,
}

/// `POST /wizards/events/test`: runs an event as edited (saved or not) once, every action
/// in order, as its trigger would fire it with these sample answers; nothing is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestEventRequest {
    pub wizard_id: Uuid,
    pub event: Event,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    /// `event.value` (what an `optionSet.onChange` would carry).
    #[serde(default)]
    pub value: Option<Value>,
}

/// `POST /wizards/actions/{action_id}/test`: runs a saved action as its event would.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestSavedActionRequest {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    #[serde(default)]
    pub value: Option<Value>,
}

/// `POST /wizards/actions/preview-output`: what an action's output handling makes of
/// `data` (the raw output of the last test), without running the action again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreviewOutputRequest {
    pub wizard_id: Uuid,
    pub output_handling: OutputHandling,
    pub data: Value,
}

/// Each part of the output handling applied to the sample, or why it would fail in a run
/// (the same message the run would give).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutputPreview {
    /// The data after `extract` (the data itself without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extracted: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract_error: Option<String>,
    /// The value `set_field` would write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_error: Option<String>,
    /// The options `replace_options` would give the select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<WizardOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_error: Option<String>,
    /// What the render target would show, as the player receives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render: Option<Render>,
}

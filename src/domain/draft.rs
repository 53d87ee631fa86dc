//! What the builder, the gallery and API clients see of stored wizards, and the requests
//! that change them. Pure types (shared with the browser); the rules live in `wizards`.

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use crate::domain::{OptionSet, Step, Wizard, WizardOption};

/// A wizard in a list (the builder's "My wizards", the runnable catalogue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WizardSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub owner_id: String,
    pub owner_name: String,
    /// The draft's optimistic-concurrency version.
    pub version: i64,
    pub is_template: bool,
    /// Number of the version runs start on; `None` until first published.
    pub live_version: Option<i64>,
    pub step_count: usize,
    pub field_count: usize,
    pub updated_at: String,
}

/// The editable draft of one wizard, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WizardDraft {
    pub id: Uuid,
    pub owner_id: String,
    /// Send this back with every change; a stale value gets 409 instead of a lost update.
    pub version: i64,
    pub is_template: bool,
    pub live_version: Option<i64>,
    /// True when the draft differs from the live version (or nothing is published yet).
    pub has_unpublished_changes: bool,
    pub created_at: String,
    pub updated_at: String,
    pub definition: Wizard,
}

/// One published, immutable version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionSummary {
    pub wizard_id: Uuid,
    pub number: i64,
    pub published_at: String,
    pub published_by: String,
    pub is_live: bool,
    pub step_count: usize,
    pub field_count: usize,
}

/// A published version with its frozen definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublishedVersion {
    #[serde(flatten)]
    pub summary: VersionSummary,
    pub definition: Wizard,
}

/// A gallery entry: a template's live version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateSummary {
    pub wizard_id: Uuid,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub version_number: i64,
    pub step_count: usize,
    pub field_count: usize,
    pub owner_name: String,
}

/// Gallery search: `q` matches name and description (case-insensitive), `category` exactly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct TemplateQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreateWizardRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: Option<String>,
}

/// Changes the wizard's own properties; absent keys stay as they are, `"category": null`
/// clears the category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateWizardRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub category: Option<Option<String>>,
    /// Offer the live version in the template gallery.
    #[serde(default)]
    pub is_template: Option<bool>,
}

/// Replaces the whole draft (what the browser builder sends after each edit). Missing ids
/// (steps, option sets, options added client-side) are assigned by the server. The
/// definition's `events`, `api_configs` and `mcp_configs` are ignored here: they have their
/// own endpoints (each with its own version), so a builder tab saving steps never
/// overwrites an event edited in another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaveDraftRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub definition: Wizard,
}

/// Only the expected version: publish, delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct VersionOnly {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
}

/// Adds a step (with any option sets it holds) at `position` (default: the end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddStepRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(default)]
    pub position: Option<usize>,
    pub step: Step,
}

/// Replaces a step, its option sets included (GET it, change it, PUT it back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutStepRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub step: Step,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddOptionSetRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(default)]
    pub position: Option<usize>,
    pub option_set: OptionSet,
}

/// Replaces an option set, its options included; `step_id` moves it to another step (at
/// the end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutOptionSetRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(default)]
    pub step_id: Option<Uuid>,
    pub option_set: OptionSet,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddOptionRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    #[serde(default)]
    pub position: Option<usize>,
    pub option: WizardOption,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutOptionRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub option: WizardOption,
}

/// The new order of a step's (or wizard's, or option set's) children: every id, once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReorderRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub ids: Vec<Uuid>,
}

/// Distinguishes an absent key (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_request_tells_absent_from_null() {
        let r: UpdateWizardRequest = serde_json::from_str(r#"{"version":1}"#).unwrap();
        assert_eq!(r.category, None);
        let r: UpdateWizardRequest =
            serde_json::from_str(r#"{"version":1,"category":null}"#).unwrap();
        assert_eq!(r.category, Some(None));
        let r: UpdateWizardRequest =
            serde_json::from_str(r#"{"version":1,"category":"HR"}"#).unwrap();
        assert_eq!(r.category, Some(Some("HR".into())));
    }
}

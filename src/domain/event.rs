//! Events and actions: what a builder wires to a wizard, a step, an option set or an
//! option, and what the engine returns to the player (effects).
//!
//! These are pure definitions shared by the browser (the builder's forms, the player's
//! effect handling) and the server (storage, the engine). The server re-checks every
//! definition against the wizard it belongs to ([`Event::check`]) when it is saved, so a bad
//! path, trigger or target is refused at save time, never discovered at run time.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::domain::condition::{Answers, Condition};
use crate::domain::render::{RawRenderer, Renderer, RendererKind};
use crate::domain::{FieldKey, WizardOption};

/// Longest event name, in characters.
pub const MAX_EVENT_NAME_LEN: usize = 200;
/// Most actions in one event (a long chain is a design smell and a latency trap).
pub const MAX_ACTIONS_PER_EVENT: usize = 50;
/// Most retries an action may ask for.
pub const MAX_RETRY_COUNT: u32 = 5;
/// Longest timeout an action may ask for, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 120_000;

use crate::domain::text_enum::text_enum;

/// `impl Default` naming the variant (generated, so the default sits next to the enum).
macro_rules! default_variant {
    ($name:ident :: $variant:ident) => {
        impl Default for $name {
            fn default() -> Self {
                $name::$variant
            }
        }
    };
}

text_enum!(
    /// The 12 moments an event can fire at.
    Trigger {
        StepOnEntry = "step.onEntry",
        StepOnExit = "step.onExit",
        StepOnValidate = "step.onValidate",
        OptionSetOnLoad = "optionSet.onLoad",
        OptionSetOnChange = "optionSet.onChange",
        OptionSetOnApply = "optionSet.onApply",
        OptionOnClick = "option.onClick",
        OptionOnSelect = "option.onSelect",
        OptionOnDeselect = "option.onDeselect",
        OptionOnChange = "option.onChange",
        WizardOnStart = "wizard.onStart",
        WizardOnComplete = "wizard.onComplete",
    }
);

impl Trigger {
    /// The kind of element this trigger belongs to (`step.*` → a step, …).
    pub fn target_type(self) -> TargetType {
        use Trigger::*;
        match self {
            StepOnEntry | StepOnExit | StepOnValidate => TargetType::Step,
            OptionSetOnLoad | OptionSetOnChange | OptionSetOnApply => TargetType::OptionSet,
            OptionOnClick | OptionOnSelect | OptionOnDeselect | OptionOnChange => {
                TargetType::Option
            }
            WizardOnStart | WizardOnComplete => TargetType::Wizard,
        }
    }

    /// A failing action of these triggers blocks the move off the step.
    pub fn blocks_navigation(self) -> bool {
        matches!(self, Trigger::StepOnValidate | Trigger::StepOnExit)
    }
}

text_enum!(
    /// What an event is attached to.
    TargetType {
        Wizard = "wizard",
        Step = "step",
        OptionSet = "option_set",
        Option = "option",
    }
);

text_enum!(
    /// The action types.
    ActionType {
        ApiCall = "api_call",
        McpCall = "mcp_call",
        TransformData = "transform_data",
        SetFieldValue = "set_field_value",
        ShowMessage = "show_message",
        Navigate = "navigate",
        CustomScript = "custom_script",
        LibraryAction = "library_action",
    }
);

text_enum!(
    /// What a failing action does to the rest of its event.
    OnError {
        /// Log the error and go on with the next action.
        Continue = "continue",
        /// Stop the event here (a `step.onValidate`/`onExit` event then blocks navigation).
        Stop = "stop",
        /// Try again up to `retry_count` times with exponential backoff and jitter, then stop.
        Retry = "retry",
    }
);

default_variant!(OnError::Continue);

text_enum!(
    HttpMethod {
        Get = "GET",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
        Head = "HEAD",
    }
);

default_variant!(HttpMethod::Get);

text_enum!(
    TransformLanguage {
        Jmespath = "jmespath",
        Javascript = "javascript",
    }
);

text_enum!(
    MessageLevel {
        Info = "info",
        Success = "success",
        Warning = "warning",
        Error = "error",
    }
);

default_variant!(MessageLevel::Info);

/// An event: when `trigger` fires on the target and `conditions` hold, run `actions` in
/// order. `target_id` is `None` exactly for wizard-level triggers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Event {
    /// Assigned by the server when absent (nil).
    #[serde(default)]
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub trigger: Trigger,
    /// Must agree with the trigger (`step.*` → `step`, …); may be left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<TargetType>,
    /// The step, option set or option (by id); absent for `wizard.*` triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<Uuid>,
    /// Same language as field conditions (§3); the event runs only when they hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Condition>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// In `execution_order`: the order of this vector.
    #[serde(default)]
    pub actions: Vec<Action>,
}

fn yes() -> bool {
    true
}

/// One action of an event. On the wire the type and its configuration sit side by side:
/// `{"name": "lookup", "action_type": "api_call", "config": {…}, "on_error": "retry", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ActionWire")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Action {
    pub id: Uuid,
    /// A slug (same rules as field keys); later actions read `actions.<name>.output`.
    pub name: FieldKey,
    #[serde(flatten)]
    pub config: ActionConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_handling: Option<OutputHandling>,
    pub on_error: OnError,
    /// Extra attempts when `on_error` is `retry` (0..=5).
    pub retry_count: u32,
    /// Per attempt; the engine's default when absent. At most [`MAX_TIMEOUT_MS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Shown (streamed) while the action runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loading_message: Option<String>,
}

impl Action {
    pub fn action_type(&self) -> ActionType {
        self.config.action_type()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionWire {
    #[serde(default)]
    id: Uuid,
    name: FieldKey,
    action_type: String,
    config: Value,
    #[serde(default)]
    output_handling: Option<OutputHandling>,
    #[serde(default)]
    on_error: OnError,
    #[serde(default)]
    retry_count: u32,
    #[serde(default)]
    timeout_ms: Option<u64>,
    #[serde(default)]
    loading_message: Option<String>,
}

impl TryFrom<ActionWire> for Action {
    type Error = String;
    fn try_from(w: ActionWire) -> Result<Self, String> {
        let t: ActionType = w
            .action_type
            .parse()
            .map_err(|e| format!("action_type: {e}"))?;
        let config = ActionConfig::parse(t, w.config)?;
        Ok(Action {
            id: w.id,
            name: w.name,
            config,
            output_handling: w.output_handling,
            on_error: w.on_error,
            retry_count: w.retry_count,
            timeout_ms: w.timeout_ms,
            loading_message: w.loading_message,
        })
    }
}

/// The configuration of an action, one variant per [`ActionType`]. String values in it
/// are templates (`{{ fields.email }}`) resolved against the run's context.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action_type", content = "config", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ActionConfig {
    ApiCall(ApiCallConfig),
    McpCall(McpCallConfig),
    TransformData(TransformConfig),
    SetFieldValue(SetFieldValueConfig),
    ShowMessage(ShowMessageConfig),
    Navigate(NavigateConfig),
    CustomScript(CustomScriptConfig),
    LibraryAction(LibraryActionConfig),
}

impl ActionConfig {
    pub fn action_type(&self) -> ActionType {
        match self {
            ActionConfig::ApiCall(_) => ActionType::ApiCall,
            ActionConfig::McpCall(_) => ActionType::McpCall,
            ActionConfig::TransformData(_) => ActionType::TransformData,
            ActionConfig::SetFieldValue(_) => ActionType::SetFieldValue,
            ActionConfig::ShowMessage(_) => ActionType::ShowMessage,
            ActionConfig::Navigate(_) => ActionType::Navigate,
            ActionConfig::CustomScript(_) => ActionType::CustomScript,
            ActionConfig::LibraryAction(_) => ActionType::LibraryAction,
        }
    }

    /// Reads the `config` object of an action of type `t`; errors name the key
    /// (`config.url: missing field`).
    pub fn parse(t: ActionType, config: Value) -> Result<Self, String> {
        use crate::domain::member::read_config as typed;
        Ok(match t {
            ActionType::ApiCall => ActionConfig::ApiCall(typed(config)?),
            ActionType::McpCall => ActionConfig::McpCall(typed(config)?),
            ActionType::TransformData => ActionConfig::TransformData(typed(config)?),
            ActionType::SetFieldValue => ActionConfig::SetFieldValue(typed(config)?),
            ActionType::ShowMessage => ActionConfig::ShowMessage(typed(config)?),
            ActionType::Navigate => ActionConfig::Navigate(typed(config)?),
            ActionType::CustomScript => ActionConfig::CustomScript(typed(config)?),
            ActionType::LibraryAction => ActionConfig::LibraryAction(typed(config)?),
        })
    }

    /// Calls `f` on every id this action refers to (API and MCP configurations, a
    /// navigation step), so a copy or an import can point them at new ids in one place.
    pub fn for_each_ref(&mut self, mut f: impl FnMut(&mut Uuid)) {
        match self {
            ActionConfig::ApiCall(c) => c.api_config_id.iter_mut().for_each(f),
            ActionConfig::McpCall(c) => f(&mut c.mcp_config_id),
            ActionConfig::CustomScript(c) => {
                c.allowed_api_configs.iter_mut().for_each(&mut f);
                c.allowed_mcp_configs.iter_mut().for_each(f);
            }
            ActionConfig::Navigate(c) => {
                if let NavTarget::Step(id) = &mut c.target {
                    f(id);
                }
            }
            ActionConfig::TransformData(_)
            | ActionConfig::SetFieldValue(_)
            | ActionConfig::ShowMessage(_)
            | ActionConfig::LibraryAction(_) => {}
        }
    }
}

/// An action's type and config are parsed after the rest of the action (the type decides
/// how the config reads), so serde reports their problems at the action with the member in
/// the message (`config: missing field `url``). Splits such a message into the member's
/// path below `at` (`actions[0].config.url`) and the message proper; `None` for any other
/// message. Every reader of actions (the API, import) reports paths through this.
pub fn action_member_error(at: &str, message: &str) -> Option<(String, String)> {
    let (member, rest) = message.split_once(": ")?;
    let is_member =
        (member == "action_type" || member == "config" || member.starts_with("config."))
            && member
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    if !is_member {
        return None;
    }
    let base = if at.is_empty() || at == "." {
        member.to_owned()
    } else {
        format!("{at}.{member}")
    };
    let field = match rest
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        Some(missing) => format!("{base}.{missing}"),
        None => base,
    };
    Some((field, rest.to_owned()))
}

/// `api_call`: an HTTP request through the guarded outbound client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiCallConfig {
    /// An API configuration of the same wizard (base URL, default headers, auth). Without
    /// one, `url` must be absolute and the call is unauthenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_config_id: Option<Uuid>,
    #[serde(default)]
    pub method: HttpMethod,
    /// Template. A path (`/users/{{ fields.id }}`) is joined to the configuration's base URL.
    pub url: String,
    /// Templated query parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, Value>,
    /// Templated headers (on top of the configuration's defaults).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Templated JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default)]
    pub response_mapping: ResponseMapping,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResponseMapping {
    /// JMESPath (or JSONPath when it starts with `$`) picking the result out of the
    /// response body; the whole body when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_path: Option<String>,
}

/// `mcp_call`: one tool call on an MCP server, through a wizard's MCP configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct McpCallConfig {
    pub mcp_config_id: Uuid,
    pub tool: String,
    /// Templated; validated against the tool's `inputSchema` before the call.
    #[serde(default)]
    pub arguments: Map<String, Value>,
}

/// `transform_data`: JMESPath or a JavaScript function body over `input`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransformConfig {
    pub language: TransformLanguage,
    /// A JMESPath expression, or the body of `function (input) { … }` returning the output.
    pub expression: String,
    /// Template for the input; the whole context (`fields`, `actions`, …) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
}

/// `set_field_value`: writes a (templated) value into a field of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SetFieldValueConfig {
    pub field: FieldKey,
    pub value: Value,
}

/// `show_message`: a toast/banner for the runner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShowMessageConfig {
    #[serde(default)]
    pub level: MessageLevel,
    /// Template.
    pub text: String,
}

/// `navigate`: moves the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NavigateConfig {
    /// `next | previous | complete | step:<step id>`.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "next"))]
    pub target: NavTarget,
}

/// `next | previous | complete | step:<uuid>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum NavTarget {
    Next,
    Previous,
    Complete,
    Step(Uuid),
}

impl FromStr for NavTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "next" => Ok(NavTarget::Next),
            "previous" => Ok(NavTarget::Previous),
            "complete" => Ok(NavTarget::Complete),
            other => match other.strip_prefix("step:").map(Uuid::parse_str) {
                Some(Ok(id)) => Ok(NavTarget::Step(id)),
                _ => Err(format!(
                    "`{other}` is not a navigation target; expected next, previous, complete or step:<step id>"
                )),
            },
        }
    }
}

impl TryFrom<String> for NavTarget {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<NavTarget> for String {
    fn from(t: NavTarget) -> String {
        t.to_string()
    }
}

impl fmt::Display for NavTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NavTarget::Next => f.write_str("next"),
            NavTarget::Previous => f.write_str("previous"),
            NavTarget::Complete => f.write_str("complete"),
            NavTarget::Step(id) => write!(f, "step:{id}"),
        }
    }
}

/// `custom_script`: JavaScript with host functions (`setField`, `showMessage`, `navigate`,
/// `await callApi(configName, request)`, `await runAction(name, params)`), each reaching
/// only what is declared here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomScriptConfig {
    /// The body of an `async function (context)`; its return value is the output.
    pub code: String,
    /// API configurations (of this wizard, by id) that `callApi` may use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_api_configs: Vec<Uuid>,
    /// MCP configurations (of this wizard, by id) that `callTool` may use; each still
    /// limits the tools to its own `available_tools`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_mcp_configs: Vec<Uuid>,
    /// Library actions (by name) that `runAction` may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_actions: Vec<String>,
}

/// `library_action`: runs a library action (DESIGN §5) by name with its input parameters
/// mapped from templates; its result is the action's output (`actions.<name>.output`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LibraryActionConfig {
    /// The library action's name (names travel with an exported wizard; ids would not).
    pub action: String,
    /// Parameter name → value or template; required inputs must be mapped, literals must
    /// fit the declared type.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

/// What to do with an action's output (after the optional `extract`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutputHandling {
    /// JMESPath (or JSONPath when it starts with `$`) applied to the output first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract: Option<String>,
    /// Write the (extracted) output into this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_field: Option<FieldKey>,
    /// Replace a select's options with the rows of the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_options: Option<ReplaceOptions>,
    /// Feed an `output` field (renderer slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<RawRenderTarget>))]
    pub render: Option<RenderTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReplaceOptions {
    /// A single or multiple select with `dynamic_options`.
    pub option_set: FieldKey,
    /// JMESPath from each row to the option's label, and to its value.
    pub label_path: String,
    pub value_path: String,
}

/// Where an action's output is shown, and how. On the wire the renderer's two members sit
/// beside the slot: `{"slot": "summary", "renderer": "table", "config": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawRenderTarget", try_from = "RawRenderTarget")]
pub struct RenderTarget {
    /// An `output` (or `dynamic_table`) field.
    pub slot: FieldKey,
    pub renderer: Renderer,
}

/// [`RenderTarget`] as it travels (and as the API document names it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = RenderTarget))]
pub struct RawRenderTarget {
    pub slot: FieldKey,
    pub renderer: RendererKind,
    /// The renderer's settings; each renderer has its own (unknown keys are refused).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub config: Value,
}

impl From<RenderTarget> for RawRenderTarget {
    fn from(t: RenderTarget) -> Self {
        let raw = RawRenderer::from(t.renderer);
        RawRenderTarget {
            slot: t.slot,
            renderer: raw.renderer,
            config: raw.config,
        }
    }
}

impl TryFrom<RawRenderTarget> for RenderTarget {
    type Error = String;
    fn try_from(raw: RawRenderTarget) -> Result<Self, String> {
        Ok(RenderTarget {
            slot: raw.slot,
            renderer: Renderer::parse(raw.renderer, raw.config)?,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Execution: what the player sends and what comes back.

/// `POST /wizard-runs/{run_id}/execute-event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExecuteEventRequest {
    pub trigger: Trigger,
    /// The step, option set or option the trigger fired on; absent for `wizard.*`.
    #[serde(default)]
    pub target_id: Option<Uuid>,
    /// The runner's current answers (merged and saved first, like a save).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    /// `event.value` in templates (the new value, the clicked option's value, …).
    #[serde(default)]
    pub value: Option<Value>,
}

/// What the events did: the effects for the player, one outcome per action, and whether
/// navigation is blocked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExecuteEventResponse {
    pub effects: Effects,
    /// One per action that ran (or was skipped), in order, across matching events.
    pub actions: Vec<ActionOutcome>,
    /// Set when a `step.onValidate`/`step.onExit` event failed: the message to show; the
    /// player must stay on the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// The run's answers after the effects (as saved).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub answers: Answers,
    /// The root execution log row of each event that ran.
    pub log_ids: Vec<Uuid>,
}

/// Where a running event is, streamed to the player while it runs
/// (`GET /wizard-runs/{run_id}/progress`): the trigger's spinner shows `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Progress {
    pub trigger: Trigger,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<Uuid>,
    /// The current action's `loading_message`, or "Running <name>…" without one.
    pub message: String,
    /// The action's position in its event (1-based) and the event's number of actions.
    pub step: u32,
    pub steps: u32,
}

/// Changes the player applies, in this order: fields, options, renders, messages, then
/// navigation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Effects {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set_fields: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replace_options: BTreeMap<String, Vec<WizardOption>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renders: BTreeMap<String, Render>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub navigate: Option<NavTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Message {
    pub level: MessageLevel,
    pub text: String,
}

/// What a slot shows: its renderer, the action's data, and the markup the server made from
/// it where that needs heavy libraries (sanitized HTML of a document). The latest render of
/// each slot is stored with the run.
///
/// The renderer travels as its kind and raw configuration (checked when the action was
/// saved); [`Render::typed`] reads it where the slot is drawn, so the player's main wasm
/// bundle carries no configuration decoders (ARCHITECTURE.md, "Renderers").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Render {
    pub renderer: RendererKind,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub config: Value,
    pub data: Value,
    /// Safe markup made by the server (documents: sanitized HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<String>,
}

impl Render {
    pub fn new(renderer: Renderer, data: Value, markup: Option<String>) -> Self {
        let raw = RawRenderer::from(renderer);
        Render {
            renderer: raw.renderer,
            config: raw.config,
            data,
            markup,
        }
    }

    /// The renderer with its typed configuration.
    pub fn typed(&self) -> Result<Renderer, String> {
        Renderer::parse(self.renderer, self.config.clone())
    }
}

text_enum!(
    ActionStatus {
        Success = "success",
        Error = "error",
        /// Not run: an earlier action stopped the event.
        Skipped = "skipped",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionOutcome {
    pub event_id: Uuid,
    pub action_id: Uuid,
    pub name: String,
    pub status: ActionStatus,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The (extracted) output, truncated like the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The output before output handling, truncated the same way: only in an action test,
    /// so the builder can preview extract, options and renders on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_output: Option<Value>,
}

text_enum!(
    /// What a log row records: an event, one attempt of an action, or a call an action
    /// made (a script's `callApi`, a child library action).
    LogKind {
        Event = "event",
        Action = "action",
        Call = "call",
        /// A library action, at any level of the hierarchy.
        Library = "library",
    }
);

text_enum!(
    LogStatus {
        Running = "running",
        Success = "success",
        Error = "error",
        Skipped = "skipped",
    }
);

/// One row of `action_execution_logs`; `children` is filled when returned as a tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionLog {
    pub id: Uuid,
    pub run_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_log_id: Option<Uuid>,
    pub kind: LogKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    /// Event name, action name, or what was called (`callApi crm`).
    pub name: String,
    pub status: LogStatus,
    /// 0 for the first attempt.
    pub attempt: u32,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    /// Secrets redacted; only the wizard's owner gets it (`engine::logs::run_logs`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub input: Value,
    /// Truncated; only the wizard's owner gets it.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub output: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ssr", schema(no_recursion))]
    pub children: Vec<ActionLog>,
}

#[cfg(all(test, feature = "ssr"))]
mod schema_tests {
    use super::*;
    use crate::domain::integration::KeyPlacement;
    use utoipa::PartialSchema;

    /// The values the OpenAPI document lists for a text enum, as JSON.
    fn documented<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).expect("a schema serializes")["enum"].clone()
    }

    /// What the wire carries: serde's names, in declaration order.
    fn wire<T: Serialize>(all: &[T]) -> Value {
        Value::Array(
            all.iter()
                .map(|v| serde_json::to_value(v).expect("serializes"))
                .collect(),
        )
    }

    #[test]
    fn documented_enum_values_are_the_wire_strings() {
        macro_rules! same {
            ($($t:ty),+) => {$(
                assert_eq!(documented::<$t>(), wire(<$t>::ALL), "{}", stringify!($t));
            )+};
        }
        same!(
            Trigger,
            TargetType,
            ActionType,
            OnError,
            HttpMethod,
            TransformLanguage,
            MessageLevel,
            ActionStatus,
            LogKind,
            LogStatus,
            KeyPlacement
        );
    }
}

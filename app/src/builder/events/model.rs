//! Pure helpers of the event editor (no signals, unit-tested natively): which triggers a
//! target offers, what a new action of each type starts as, the one-line summaries on the
//! action cards, and how the server's problem paths map onto the editor's inputs.
//! The rules themselves stay on the server (`backend::events`); these only shape the UI.

use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::event::{
    Action, ActionConfig, ActionType, ApiCallConfig, CustomScriptConfig, Event, HttpMethod,
    LibraryActionConfig, McpCallConfig, MessageLevel, NavTarget, NavigateConfig, OnError,
    ResponseMapping, SetFieldValueConfig, ShowMessageConfig, TargetType, TransformConfig,
    TransformLanguage, Trigger,
};
use wizard_core::domain::problem::FieldError;
use wizard_core::domain::selection::{SelectionType, ValueKind};
use wizard_core::domain::{FieldKey, Wizard};

use crate::builder::model::unique_key;

/// What an event is attached to: the wizard, or a step, field (option set) or option by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    pub kind: TargetType,
    pub id: Option<Uuid>,
}

impl Target {
    pub const WIZARD: Target = Target {
        kind: TargetType::Wizard,
        id: None,
    };

    pub fn step(id: Uuid) -> Self {
        Target {
            kind: TargetType::Step,
            id: Some(id),
        }
    }

    pub fn option_set(id: Uuid) -> Self {
        Target {
            kind: TargetType::OptionSet,
            id: Some(id),
        }
    }

    pub fn option(id: Uuid) -> Self {
        Target {
            kind: TargetType::Option,
            id: Some(id),
        }
    }

    /// Where a stored event listens.
    pub fn of(trigger: Trigger, target_id: Option<Uuid>) -> Self {
        Target {
            kind: trigger.target_type(),
            id: target_id,
        }
    }

    /// For the overview and the add form: "Wizard", "Step Contact", "Field Email",
    /// "Option Red of Colour".
    pub fn describe(self, w: &Wizard) -> String {
        let Some(id) = self.id else {
            return "Wizard".to_owned();
        };
        match self.kind {
            TargetType::Wizard => "Wizard".to_owned(),
            TargetType::Step => w.steps.iter().find(|s| s.id == id).map_or_else(
                || "A removed step".to_owned(),
                |s| format!("Step {}", s.title),
            ),
            TargetType::OptionSet => w.option_sets().find(|os| os.id == id).map_or_else(
                || "A removed field".to_owned(),
                |os| format!("Field {}", os.label),
            ),
            TargetType::Option => w
                .option_sets()
                .find_map(|os| {
                    os.options
                        .iter()
                        .find(|o| o.id == id)
                        .map(|o| format!("Option {} of {}", o.label, os.label))
                })
                .unwrap_or_else(|| "A removed option".to_owned()),
        }
    }

    /// The step that shows this target (wizard-level events have none).
    pub fn step_of(self, w: &Wizard) -> Option<Uuid> {
        let id = self.id?;
        w.steps
            .iter()
            .find(|s| match self.kind {
                TargetType::Wizard => false,
                TargetType::Step => s.id == id,
                TargetType::OptionSet => s.option_sets.iter().any(|os| os.id == id),
                TargetType::Option => s
                    .option_sets
                    .iter()
                    .any(|os| os.options.iter().any(|o| o.id == id)),
            })
            .map(|s| s.id)
    }
}

/// The triggers an element of `kind` can fire, in the order the spec lists them.
pub fn triggers_for(kind: TargetType) -> Vec<Trigger> {
    Trigger::ALL
        .iter()
        .copied()
        .filter(|t| t.target_type() == kind)
        .collect()
}

/// Which triggers fit a field of type `t`: an apply button is pressed, other fields change.
pub fn field_triggers(t: SelectionType) -> Vec<Trigger> {
    match t {
        SelectionType::ApplyButton => vec![Trigger::OptionSetOnApply, Trigger::OptionSetOnLoad],
        SelectionType::Output | SelectionType::DynamicTable => vec![Trigger::OptionSetOnLoad],
        _ => vec![Trigger::OptionSetOnChange, Trigger::OptionSetOnLoad],
    }
}

/// The triggers the add form and the editor offer for `target`: a field's by its type.
pub fn triggers_at(target: Target, w: &Wizard) -> Vec<Trigger> {
    match (target.kind, target.id) {
        (TargetType::OptionSet, Some(id)) => w.option_sets().find(|os| os.id == id).map_or_else(
            || triggers_for(target.kind),
            |os| field_triggers(os.selection_type()),
        ),
        _ => triggers_for(target.kind),
    }
}

/// When the trigger fires, in the builder's words.
pub fn trigger_label(t: Trigger) -> &'static str {
    match t {
        Trigger::StepOnEntry => "When the step opens",
        Trigger::StepOnExit => "When the runner leaves the step with Next",
        Trigger::StepOnValidate => "Before Next: a failure keeps the runner on the step",
        Trigger::OptionSetOnLoad => "When the field appears",
        Trigger::OptionSetOnChange => "When the answer changes",
        Trigger::OptionSetOnApply => "When the button is pressed",
        Trigger::OptionOnClick => "When the option is clicked",
        Trigger::OptionOnSelect => "When the option is selected",
        Trigger::OptionOnDeselect => "When the option is deselected",
        Trigger::OptionOnChange => "When the option is selected or deselected",
        Trigger::WizardOnStart => "When a run starts",
        Trigger::WizardOnComplete => "When the run is completed",
    }
}

/// The action types the editor offers, in the order of the type dialog.
pub fn offered_types() -> &'static [ActionType] {
    &[
        ActionType::ApiCall,
        ActionType::McpCall,
        ActionType::TransformData,
        ActionType::SetFieldValue,
        ActionType::ShowMessage,
        ActionType::Navigate,
        ActionType::CustomScript,
        ActionType::LibraryAction,
    ]
}

pub fn type_label(t: ActionType) -> &'static str {
    match t {
        ActionType::ApiCall => "Call a REST API",
        ActionType::McpCall => "Call an MCP tool",
        ActionType::TransformData => "Transform data",
        ActionType::SetFieldValue => "Set a field",
        ActionType::ShowMessage => "Show a message",
        ActionType::Navigate => "Navigate",
        ActionType::CustomScript => "Run a script",
        ActionType::LibraryAction => "Run a library action",
    }
}

/// The one-line explanation of the type dialog.
pub fn type_blurb(t: ActionType) -> &'static str {
    match t {
        ActionType::ApiCall => {
            "Sends an HTTP request through an API configuration or to an absolute URL; its output is the response body."
        }
        ActionType::McpCall => "Calls a tool of an MCP server the admin registered.",
        ActionType::TransformData => {
            "Reshapes data with a JMESPath expression or a JavaScript function body."
        }
        ActionType::SetFieldValue => "Writes a value, or a template, into a field of the run.",
        ActionType::ShowMessage => "Shows the runner a message: info, success, warning or error.",
        ActionType::Navigate => "Moves the run: next, previous, to a step, or completes it.",
        ActionType::CustomScript => {
            "JavaScript with setField, showMessage, navigate and the API calls it declares."
        }
        ActionType::LibraryAction => {
            "Runs a reusable action of the library (e.g. Create Salesforce Contact) with its parameters mapped from the run."
        }
    }
}

/// A symbol for the card (decorative; the type's name is always written beside it).
pub fn type_icon(t: ActionType) -> &'static str {
    match t {
        ActionType::ApiCall => "⇄",
        ActionType::McpCall => "⚙",
        ActionType::TransformData => "ƒ",
        ActionType::SetFieldValue => "✎",
        ActionType::ShowMessage => "✉",
        ActionType::Navigate => "➜",
        ActionType::CustomScript => "{}",
        ActionType::LibraryAction => "❖",
    }
}

/// The fields an action can write a value into (those holding an answer).
pub fn value_fields(w: &Wizard) -> Vec<(String, String)> {
    w.option_sets()
        .filter(|os| os.selection_type().value_kind() != ValueKind::None)
        .map(|os| (os.key.as_str().to_owned(), os.label.clone()))
        .collect()
}

/// The slots an action's output can be rendered into.
pub fn slot_fields(w: &Wizard) -> Vec<(String, String)> {
    w.option_sets()
        .filter(|os| {
            matches!(
                os.selection_type(),
                SelectionType::Output | SelectionType::DynamicTable
            )
        })
        .map(|os| (os.key.as_str().to_owned(), os.label.clone()))
        .collect()
}

/// The selects whose options an action may replace (`dynamic_options` on).
pub fn dynamic_selects(w: &Wizard) -> Vec<(String, String)> {
    w.option_sets()
        .filter(|os| os.field.has_dynamic_options())
        .map(|os| (os.key.as_str().to_owned(), os.label.clone()))
        .collect()
}

/// An action of type `t` with a name not yet used in `event`, and settings that describe
/// themselves (an empty message, the next step). `Err` says what the wizard lacks.
pub fn new_action(t: ActionType, event: &Event, w: &Wizard) -> Result<Action, &'static str> {
    let taken: Vec<&str> = event.actions.iter().map(|a| a.name.as_str()).collect();
    let base = match t {
        ActionType::ApiCall => "call_api",
        ActionType::McpCall => "call_tool",
        ActionType::TransformData => "transform",
        ActionType::SetFieldValue => "set_field",
        ActionType::ShowMessage => "message",
        ActionType::Navigate => "navigate",
        ActionType::CustomScript => "script",
        ActionType::LibraryAction => "library_action",
    };
    let config = match t {
        ActionType::ApiCall => ActionConfig::ApiCall(ApiCallConfig {
            api_config_id: None,
            method: HttpMethod::Get,
            url: String::new(),
            query: Default::default(),
            headers: Default::default(),
            body: None,
            response_mapping: ResponseMapping::default(),
        }),
        ActionType::McpCall => {
            let c = w.mcp_configs.first().ok_or(
                "add an MCP configuration first (panel \"MCP configurations\"): it names the server",
            )?;
            ActionConfig::McpCall(McpCallConfig {
                mcp_config_id: c.id,
                tool: c.available_tools.first().cloned().unwrap_or_default(),
                arguments: Default::default(),
            })
        }
        ActionType::TransformData => ActionConfig::TransformData(TransformConfig {
            language: TransformLanguage::Jmespath,
            expression: "@".to_owned(),
            input: None,
        }),
        ActionType::SetFieldValue => {
            let (key, _) = value_fields(w)
                .into_iter()
                .next()
                .ok_or("add a field with an answer first: this action writes into one")?;
            let field = FieldKey::try_from(key).map_err(|_| "a field key is malformed")?;
            ActionConfig::SetFieldValue(SetFieldValueConfig {
                field,
                value: Value::String(String::new()),
            })
        }
        ActionType::ShowMessage => ActionConfig::ShowMessage(ShowMessageConfig {
            level: MessageLevel::Info,
            text: String::new(),
        }),
        ActionType::Navigate => ActionConfig::Navigate(NavigateConfig {
            target: NavTarget::Next,
        }),
        ActionType::CustomScript => ActionConfig::CustomScript(CustomScriptConfig {
            code: "return null;".to_owned(),
            allowed_api_configs: Vec::new(),
            allowed_mcp_configs: Vec::new(),
            allowed_actions: Vec::new(),
        }),
        ActionType::LibraryAction => ActionConfig::LibraryAction(LibraryActionConfig {
            action: String::new(),
            params: Default::default(),
        }),
    };
    Ok(Action {
        id: Uuid::new_v4(),
        name: unique_key(base, &taken),
        config,
        output_handling: None,
        on_error: OnError::Continue,
        retry_count: 0,
        timeout_ms: None,
        loading_message: None,
    })
}

/// A copy of `a` under a fresh id and a free name (`lookup` → `lookup_2`).
pub fn duplicate(a: &Action, event: &Event) -> Action {
    let taken: Vec<&str> = event.actions.iter().map(|a| a.name.as_str()).collect();
    let mut copy = a.clone();
    copy.id = Uuid::new_v4();
    copy.name = unique_key(a.name.as_str(), &taken);
    copy
}

fn clip(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

fn lines(s: &str) -> String {
    match s.lines().count() {
        1 => "1 line".to_owned(),
        n => format!("{n} lines"),
    }
}

/// What the action does, in one line, for its card.
pub fn summary(a: &Action, w: &Wizard) -> String {
    match &a.config {
        ActionConfig::ApiCall(c) => {
            let via = c
                .api_config_id
                .and_then(|id| w.api_configs.iter().find(|ac| ac.id == id))
                .map(|ac| format!(" via {}", ac.name))
                .unwrap_or_default();
            let url = if c.url.is_empty() {
                "(no URL yet)"
            } else {
                &c.url
            };
            format!("{} {}{via}", c.method, clip(url, 60))
        }
        ActionConfig::McpCall(c) => {
            let server = w
                .mcp_configs
                .iter()
                .find(|m| m.id == c.mcp_config_id)
                .map(|m| format!(" on {}", m.server))
                .unwrap_or_default();
            let tool = if c.tool.is_empty() {
                "(no tool yet)"
            } else {
                &c.tool
            };
            format!("tool {tool}{server}")
        }
        ActionConfig::TransformData(c) => match c.language {
            TransformLanguage::Jmespath => format!("JMESPath {}", clip(&c.expression, 60)),
            TransformLanguage::Javascript => format!("JavaScript, {}", lines(&c.expression)),
        },
        ActionConfig::SetFieldValue(c) => {
            let value = match &c.value {
                Value::String(s) => format!("\"{}\"", clip(s, 40)),
                other => clip(&other.to_string(), 40),
            };
            format!("{} ← {value}", c.field)
        }
        ActionConfig::ShowMessage(c) => {
            let text = if c.text.is_empty() {
                "(no text yet)"
            } else {
                &c.text
            };
            format!("{}: {}", c.level, clip(text, 60))
        }
        ActionConfig::Navigate(c) => match c.target {
            NavTarget::Next => "to the next step".to_owned(),
            NavTarget::Previous => "to the previous step".to_owned(),
            NavTarget::Complete => "completes the run".to_owned(),
            NavTarget::Step(id) => w.steps.iter().find(|s| s.id == id).map_or_else(
                || "to a removed step".to_owned(),
                |s| format!("to step {}", s.title),
            ),
        },
        ActionConfig::CustomScript(c) => format!("JavaScript, {}", lines(&c.code)),
        ActionConfig::LibraryAction(c) if c.action.is_empty() => {
            "(no library action chosen yet)".to_owned()
        }
        ActionConfig::LibraryAction(c) => {
            format!("runs {} with {}", c.action, plural_params(c.params.len()))
        }
    }
}

fn plural_params(n: usize) -> String {
    match n {
        0 => "no parameters".to_owned(),
        1 => "1 parameter".to_owned(),
        n => format!("{n} parameters"),
    }
}

/// What happens when the action fails, for its card.
pub fn error_policy(a: &Action) -> String {
    match a.on_error {
        OnError::Continue => "on error: continue".to_owned(),
        OnError::Stop => "on error: stop".to_owned(),
        OnError::Retry => format!("on error: retry ×{}", a.retry_count),
    }
}

/// The server's problems with paths below `prefix` (`event.actions[0].name` under
/// `event`), re-rooted at the event so inputs look them up the same way after a create
/// (rooted at the event) and a save (rooted at `event`).
pub fn rooted(errors: Vec<FieldError>, prefix: &str) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if let Some(rest) = e.field.strip_prefix(prefix) {
                e.field = rest.trim_start_matches('.').to_owned();
            }
            e
        })
        .collect()
}

/// The ids of the actions that a problem names (`actions[2].config.url` → the third).
pub fn actions_with_problems(errors: &[FieldError], event: &Event) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for e in errors {
        let index = e
            .field
            .strip_prefix("actions[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(a) = index.and_then(|i| event.actions.get(i))
            && !ids.contains(&a.id)
        {
            ids.push(a.id);
        }
    }
    ids
}

/// The messages at exactly `path`.
pub fn messages_at(errors: &[FieldError], path: &str) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.field == path)
        .map(|e| e.message.clone())
        .collect()
}

/// A set-field value from the editor's text, typed by the field it goes into: numbers for
/// number fields and lists for multiple selects when the text reads as one, otherwise a
/// string (which may be a template such as `{{ actions.lookup.output.name }}`).
pub fn value_from_input(kind: ValueKind, text: &str) -> Value {
    let trimmed = text.trim();
    match kind {
        ValueKind::Number => trimmed
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(|n| {
                // Keep integers integral (4, not 4.0).
                match trimmed.parse::<i64>() {
                    Ok(i) => Value::from(i),
                    Err(_) => Value::Number(n),
                }
            })
            .unwrap_or_else(|| Value::String(text.to_owned())),
        ValueKind::List if trimmed.starts_with('[') => {
            serde_json::from_str(trimmed).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        _ => Value::String(text.to_owned()),
    }
}

/// The text an input shows for a stored value (strings without quotes).
pub fn value_to_input(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wizard_with(types: &[SelectionType]) -> Wizard {
        let mut w: Wizard = serde_json::from_value(serde_json::json!({
            "name": "W",
            "steps": [{"id": Uuid::from_u128(1), "title": "One"}]
        }))
        .expect("a wizard");
        for t in types {
            let os = crate::builder::model::new_option_set(&w, *t);
            w.steps[0].option_sets.push(os);
        }
        w
    }

    fn empty_event() -> Event {
        Event {
            id: Uuid::new_v4(),
            name: "e".into(),
            description: String::new(),
            trigger: Trigger::WizardOnStart,
            target_type: None,
            target_id: None,
            conditions: None,
            enabled: true,
            actions: Vec::new(),
        }
    }

    #[test]
    fn each_target_offers_only_its_own_triggers() {
        assert_eq!(
            triggers_for(TargetType::Step),
            [
                Trigger::StepOnEntry,
                Trigger::StepOnExit,
                Trigger::StepOnValidate
            ]
        );
        assert_eq!(
            triggers_for(TargetType::Wizard),
            [Trigger::WizardOnStart, Trigger::WizardOnComplete]
        );
        assert_eq!(triggers_for(TargetType::Option).len(), 4);
        let all: usize = TargetType::ALL.iter().map(|k| triggers_for(*k).len()).sum();
        assert_eq!(
            all,
            Trigger::ALL.len(),
            "every trigger belongs to one target"
        );
        for t in field_triggers(SelectionType::ApplyButton) {
            assert_eq!(t.target_type(), TargetType::OptionSet);
        }
    }

    #[test]
    fn new_actions_get_free_names_and_set_field_needs_a_field() {
        let w = wizard_with(&[SelectionType::Output]);
        let mut event = empty_event();
        let first = new_action(ActionType::ShowMessage, &event, &w).expect("a message");
        assert_eq!(first.name.as_str(), "message");
        event.actions.push(first);
        let second = new_action(ActionType::ShowMessage, &event, &w).expect("a message");
        assert_eq!(second.name.as_str(), "message_2");
        assert!(
            new_action(ActionType::SetFieldValue, &event, &w).is_err(),
            "an output field holds no answer"
        );
        let w = wizard_with(&[SelectionType::Output, SelectionType::TextInput]);
        let set = new_action(ActionType::SetFieldValue, &event, &w).expect("a text field");
        match set.config {
            ActionConfig::SetFieldValue(c) => {
                assert_eq!(c.field.as_str(), w.steps[0].option_sets[1].key.as_str())
            }
            other => panic!("wrong config {other:?}"),
        }
        let copy = duplicate(&event.actions[0], &event);
        assert_eq!(copy.name.as_str(), "message_2");
        assert_ne!(copy.id, event.actions[0].id);
    }

    #[test]
    fn summaries_say_what_an_action_does() {
        let w = wizard_with(&[SelectionType::NumberInput]);
        let event = empty_event();
        let mut a = new_action(ActionType::ShowMessage, &event, &w).expect("a message");
        assert_eq!(summary(&a, &w), "info: (no text yet)");
        a.config = ActionConfig::TransformData(TransformConfig {
            language: TransformLanguage::Javascript,
            expression: "const x = 1;\nreturn x;".into(),
            input: None,
        });
        assert_eq!(summary(&a, &w), "JavaScript, 2 lines");
        a.on_error = OnError::Retry;
        a.retry_count = 3;
        assert_eq!(error_policy(&a), "on error: retry ×3");
    }

    #[test]
    fn problems_are_re_rooted_at_the_event() {
        let errors = vec![
            FieldError::new("event.actions[0].config.text", "a"),
            FieldError::new("event.name", "b"),
            FieldError::new("other", "c"),
        ];
        let rooted = rooted(errors, "event");
        let fields: Vec<&str> = rooted.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["actions[0].config.text", "name", "other"]);
        assert_eq!(messages_at(&rooted, "name"), ["b"]);
        let w = wizard_with(&[]);
        let mut event = empty_event();
        for _ in 0..3 {
            let a = new_action(ActionType::ShowMessage, &event, &w).expect("a message");
            event.actions.push(a);
        }
        let named = actions_with_problems(&rooted, &event);
        assert_eq!(named, [event.actions[0].id]);
        let later = vec![
            FieldError::new("actions[2].name", "x"),
            FieldError::new("actions[2].config", "y"),
            FieldError::new("actions[9].name", "gone"),
        ];
        assert_eq!(actions_with_problems(&later, &event), [event.actions[2].id]);
    }

    #[test]
    fn set_field_values_are_typed_by_their_field() {
        assert_eq!(value_from_input(ValueKind::Number, " 4 "), Value::from(4));
        assert_eq!(value_from_input(ValueKind::Number, "4.5"), Value::from(4.5));
        assert_eq!(
            value_from_input(ValueKind::Number, "{{ fields.n }}"),
            Value::from("{{ fields.n }}")
        );
        assert_eq!(
            value_from_input(ValueKind::List, r#"["a","b"]"#),
            serde_json::json!(["a", "b"])
        );
        assert_eq!(value_from_input(ValueKind::Text, "42"), Value::from("42"));
        assert_eq!(value_to_input(&Value::from("hi")), "hi");
        assert_eq!(value_to_input(&Value::from(4)), "4");
    }
}

//! Save-time checks of an event against the wizard it belongs to (pure, so the builder can
//! run them in the browser too): every reference — target, fields, steps, API and MCP
//! configurations, earlier actions named in templates — must resolve, so a broken event is
//! refused when it is saved or published, never discovered while a runner waits.
//!
//! The checks that need the server (compiling JMESPath/JavaScript, an MCP tool's schema)
//! live with each action type in `engine::actions`.

use std::collections::HashSet;

use serde_json::Value;
use uuid::Uuid;

use crate::domain::event::{
    Action, ActionConfig, Event, MAX_ACTIONS_PER_EVENT, MAX_EVENT_NAME_LEN, MAX_RETRY_COUNT,
    MAX_TIMEOUT_MS, NavTarget, OnError, OutputHandling, TargetType,
};
use crate::domain::problem::FieldError;
use crate::domain::template::{self, Scope};
use crate::domain::{SelectionType, Wizard};

/// `base.member`, or just `member` at the top of a request body.
pub(crate) fn join(base: &str, member: &str) -> String {
    if base.is_empty() {
        member.to_owned()
    } else {
        format!("{base}.{member}")
    }
}

impl Event {
    /// Every problem of this event within `wizard`, named by JSON path below `path`
    /// (`events[0].actions[1].config.url`; `actions[1].config.url` when `path` is empty).
    pub fn check(&self, wizard: &Wizard, path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new(join(path, "name"), "an event needs a name"));
        } else if self.name.chars().count() > MAX_EVENT_NAME_LEN {
            errors.push(FieldError::new(
                join(path, "name"),
                format!("must be at most {MAX_EVENT_NAME_LEN} characters"),
            ));
        }

        let kind = self.trigger.target_type();
        if let Some(t) = self.target_type
            && t != kind
        {
            errors.push(FieldError::new(
                join(path, "target_type"),
                format!("trigger `{}` fires on a {kind}, not on a {t}", self.trigger),
            ));
        }
        check_target(self, wizard, kind, path, &mut errors);

        if let Some(c) = &self.conditions {
            errors.extend(c.check(&wizard.field_catalog(), &join(path, "conditions")));
        }

        if self.actions.len() > MAX_ACTIONS_PER_EVENT {
            errors.push(FieldError::new(
                join(path, "actions"),
                format!(
                    "an event may have at most {MAX_ACTIONS_PER_EVENT} actions; this one has {}",
                    self.actions.len()
                ),
            ));
        }
        let fields: Vec<String> = wizard.option_sets().map(|os| os.key.to_string()).collect();
        let mut earlier: Vec<String> = Vec::new();
        for (i, action) in self.actions.iter().enumerate() {
            let apath = join(path, &format!("actions[{i}]"));
            if earlier.iter().any(|n| action.name == n.as_str()) {
                errors.push(FieldError::new(
                    join(&apath, "name"),
                    format!(
                        "another action of this event is already named `{}`",
                        action.name
                    ),
                ));
            }
            let scope = Scope {
                fields: fields.clone(),
                actions: earlier.clone(),
            };
            action.check(wizard, &scope, &apath, &mut errors);
            earlier.push(action.name.to_string());
        }
        errors
    }
}

/// The target must exist and be of the trigger's kind; wizard triggers take none.
fn check_target(
    event: &Event,
    wizard: &Wizard,
    kind: TargetType,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let tpath = join(path, "target_id");
    let Some(id) = event.target_id else {
        if kind != TargetType::Wizard {
            errors.push(FieldError::new(
                tpath,
                format!(
                    "trigger `{}` needs the id of the {kind} it fires on",
                    event.trigger
                ),
            ));
        }
        return;
    };
    if kind == TargetType::Wizard {
        errors.push(FieldError::new(
            tpath,
            format!(
                "trigger `{}` fires on the wizard and takes no target",
                event.trigger
            ),
        ));
        return;
    }
    let found = match target_kind(wizard, id) {
        Some(found) => found,
        None => {
            errors.push(FieldError::new(
                tpath,
                format!("no {kind} with id {id} in this wizard"),
            ));
            return;
        }
    };
    if found != kind {
        errors.push(FieldError::new(
            tpath,
            format!(
                "{id} is a {found}, but trigger `{}` fires on a {kind}",
                event.trigger
            ),
        ));
    }
}

/// What kind of element of `wizard` has `id`, if any.
fn target_kind(wizard: &Wizard, id: Uuid) -> Option<TargetType> {
    for step in &wizard.steps {
        if step.id == id {
            return Some(TargetType::Step);
        }
        for os in &step.option_sets {
            if os.id == id {
                return Some(TargetType::OptionSet);
            }
            if os.options.iter().any(|o| o.id == id) {
                return Some(TargetType::Option);
            }
        }
    }
    None
}

fn push_templates(value: &Value, scope: &Scope, path: &str, errors: &mut Vec<FieldError>) {
    errors.extend(
        template::check(value, scope, path)
            .into_iter()
            .map(|(p, m)| FieldError::new(p, m)),
    );
}

fn field_exists(wizard: &Wizard, key: &str) -> bool {
    wizard.option_set(key).is_some()
}

fn unknown_field(wizard: &Wizard, key: &str) -> String {
    let keys: Vec<String> = wizard.option_sets().map(|os| os.key.to_string()).collect();
    format!(
        "`{key}` is not a field of this wizard (fields: {})",
        if keys.is_empty() {
            "none".to_owned()
        } else {
            keys.join(", ")
        }
    )
}

impl Action {
    /// The problems of one action: error policy, configuration references and templates,
    /// output handling. `scope` lists the fields and the names of the earlier actions.
    pub fn check(&self, wizard: &Wizard, scope: &Scope, path: &str, errors: &mut Vec<FieldError>) {
        if self.retry_count > MAX_RETRY_COUNT {
            errors.push(FieldError::new(
                join(path, "retry_count"),
                format!("must be at most {MAX_RETRY_COUNT}"),
            ));
        } else if self.retry_count > 0 && self.on_error != OnError::Retry {
            errors.push(FieldError::new(
                join(path, "retry_count"),
                "only used with `on_error: retry`",
            ));
        }
        if let Some(t) = self.timeout_ms
            && !(1..=MAX_TIMEOUT_MS).contains(&t)
        {
            errors.push(FieldError::new(
                join(path, "timeout_ms"),
                format!("must be between 1 and {MAX_TIMEOUT_MS}"),
            ));
        }

        let cpath = join(path, "config");
        match &self.config {
            ActionConfig::ApiCall(c) => {
                if let Some(id) = c.api_config_id
                    && !wizard.api_configs.iter().any(|a| a.id == id)
                {
                    errors.push(FieldError::new(
                        join(&cpath, "api_config_id"),
                        format!("no API configuration with id {id} in this wizard"),
                    ));
                }
                if c.url.trim().is_empty() {
                    errors.push(FieldError::new(
                        join(&cpath, "url"),
                        "a URL or path is needed",
                    ));
                }
                push_templates(
                    &Value::String(c.url.clone()),
                    scope,
                    &join(&cpath, "url"),
                    errors,
                );
                let query = Value::Object(c.query.clone().into_iter().collect());
                push_templates(&query, scope, &join(&cpath, "query"), errors);
                let headers = Value::Object(
                    c.headers
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                );
                push_templates(&headers, scope, &join(&cpath, "headers"), errors);
                if let Some(body) = &c.body {
                    push_templates(body, scope, &join(&cpath, "body"), errors);
                }
            }
            ActionConfig::McpCall(c) => {
                if !wizard.mcp_configs.iter().any(|m| m.id == c.mcp_config_id) {
                    errors.push(FieldError::new(
                        join(&cpath, "mcp_config_id"),
                        format!(
                            "no MCP configuration with id {} in this wizard",
                            c.mcp_config_id
                        ),
                    ));
                }
                if c.tool.trim().is_empty() {
                    errors.push(FieldError::new(
                        join(&cpath, "tool"),
                        "a tool name is needed",
                    ));
                }
                push_templates(
                    &Value::Object(c.arguments.clone()),
                    scope,
                    &join(&cpath, "arguments"),
                    errors,
                );
            }
            ActionConfig::TransformData(c) => {
                if c.expression.trim().is_empty() {
                    errors.push(FieldError::new(
                        join(&cpath, "expression"),
                        "an expression is needed",
                    ));
                }
                if let Some(input) = &c.input {
                    push_templates(input, scope, &join(&cpath, "input"), errors);
                }
            }
            ActionConfig::SetFieldValue(c) => {
                if !field_exists(wizard, c.field.as_ref()) {
                    errors.push(FieldError::new(
                        join(&cpath, "field"),
                        unknown_field(wizard, c.field.as_ref()),
                    ));
                }
                push_templates(&c.value, scope, &join(&cpath, "value"), errors);
            }
            ActionConfig::ShowMessage(c) => {
                if c.text.trim().is_empty() {
                    errors.push(FieldError::new(
                        join(&cpath, "text"),
                        "a message needs text",
                    ));
                }
                push_templates(
                    &Value::String(c.text.clone()),
                    scope,
                    &join(&cpath, "text"),
                    errors,
                );
            }
            ActionConfig::Navigate(c) => {
                if let NavTarget::Step(id) = c.target
                    && !wizard.steps.iter().any(|s| s.id == id)
                {
                    errors.push(FieldError::new(
                        join(&cpath, "target"),
                        format!("no step with id {id} in this wizard"),
                    ));
                }
            }
            ActionConfig::CustomScript(c) => {
                if c.code.trim().is_empty() {
                    errors.push(FieldError::new(join(&cpath, "code"), "a script needs code"));
                }
                for (i, id) in c.allowed_api_configs.iter().enumerate() {
                    if !wizard.api_configs.iter().any(|a| a.id == *id) {
                        errors.push(FieldError::new(
                            join(&cpath, &format!("allowed_api_configs[{i}]")),
                            format!("no API configuration with id {id} in this wizard"),
                        ));
                    }
                }
                for (i, id) in c.allowed_mcp_configs.iter().enumerate() {
                    if !wizard.mcp_configs.iter().any(|m| m.id == *id) {
                        errors.push(FieldError::new(
                            join(&cpath, &format!("allowed_mcp_configs[{i}]")),
                            format!("no MCP configuration with id {id} in this wizard"),
                        ));
                    }
                }
            }
            ActionConfig::LibraryAction(c) => {
                if c.action.trim().is_empty() {
                    errors.push(FieldError::new(
                        join(&cpath, "action"),
                        "choose a library action",
                    ));
                }
                for (name, v) in &c.params {
                    push_templates(v, scope, &join(&cpath, &format!("params.{name}")), errors);
                }
            }
        }

        if let Some(oh) = &self.output_handling {
            check_output_handling(oh, wizard, &join(path, "output_handling"), errors);
        }
    }
}

fn check_output_handling(
    oh: &OutputHandling,
    wizard: &Wizard,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(extract) = &oh.extract
        && extract.trim().is_empty()
    {
        errors.push(FieldError::new(
            join(path, "extract"),
            "an empty expression; leave `extract` out to keep the whole output",
        ));
    }
    if let Some(key) = &oh.set_field
        && !field_exists(wizard, key.as_ref())
    {
        errors.push(FieldError::new(
            join(path, "set_field"),
            unknown_field(wizard, key.as_ref()),
        ));
    }
    if let Some(r) = &oh.replace_options {
        let p = join(path, "replace_options.option_set");
        match wizard.option_set(r.option_set.as_ref()) {
            None => errors.push(FieldError::new(p, unknown_field(wizard, r.option_set.as_ref()))),
            Some(os) if !os.selection_type().takes_options() => errors.push(FieldError::new(
                p,
                format!(
                    "`{}` is a {}; only a single or multiple select has options",
                    os.key,
                    os.selection_type()
                ),
            )),
            Some(os) if !os.field.has_dynamic_options() => errors.push(FieldError::new(
                p,
                format!(
                    "`{}` has fixed options; set `dynamic_options` in its settings to fill it from an action",
                    os.key
                ),
            )),
            Some(_) => {}
        }
        for (member, value) in [("label_path", &r.label_path), ("value_path", &r.value_path)] {
            if value.trim().is_empty() {
                errors.push(FieldError::new(
                    join(path, &format!("replace_options.{member}")),
                    "an expression is needed",
                ));
            }
        }
    }
    if let Some(r) = &oh.render {
        let p = join(path, "render.slot");
        match wizard.option_set(r.slot.as_ref()) {
            None => errors.push(FieldError::new(p, unknown_field(wizard, r.slot.as_ref()))),
            Some(os)
                if !matches!(
                    os.selection_type(),
                    SelectionType::Output | SelectionType::DynamicTable
                ) =>
            {
                errors.push(FieldError::new(
                    p,
                    format!(
                        "`{}` is a {}; a renderer feeds an output or dynamic_table field",
                        os.key,
                        os.selection_type()
                    ),
                ))
            }
            Some(os)
                if os.selection_type() == SelectionType::DynamicTable
                    && r.renderer.kind() != crate::domain::render::RendererKind::Table =>
            {
                errors.push(FieldError::new(
                    join(path, "render.renderer"),
                    format!(
                        "`{}` is a dynamic_table: its rows are shown by the table renderer",
                        os.key
                    ),
                ))
            }
            Some(_) => {}
        }
        // The configuration itself was checked when it was read (unknown keys, malformed
        // paths); what needs the wizard is checked here: the field a dropdown writes.
        if let Some(field) = r.renderer.writes_field()
            && wizard.option_set(field.as_ref()).is_none()
        {
            errors.push(FieldError::new(
                join(path, "render.config.field"),
                unknown_field(wizard, field.as_ref()),
            ));
        }
    }
}

/// Ids of events and actions must be unique within a wizard (the API addresses them by id),
/// and so must configuration names (scripts call `callApi(name, …)`; the tables insist).
pub(crate) fn check_event_ids(wizard: &Wizard, errors: &mut Vec<FieldError>) {
    let mut names: HashSet<&str> = HashSet::new();
    for (i, c) in wizard.api_configs.iter().enumerate() {
        if !names.insert(c.name.as_str()) {
            errors.push(FieldError::new(
                format!("api_configs[{i}].name"),
                format!("another API configuration is named `{}`", c.name),
            ));
        }
    }
    let mut names: HashSet<&str> = HashSet::new();
    for (i, c) in wizard.mcp_configs.iter().enumerate() {
        if !names.insert(c.name.as_str()) {
            errors.push(FieldError::new(
                format!("mcp_configs[{i}].name"),
                format!("another MCP configuration is named `{}`", c.name),
            ));
        }
    }
    let mut seen: HashSet<Uuid> = HashSet::new();
    for (i, event) in wizard.events.iter().enumerate() {
        if !event.id.is_nil() && !seen.insert(event.id) {
            errors.push(FieldError::new(
                format!("events[{i}].id"),
                format!("id {} is used twice", event.id),
            ));
        }
        for (j, action) in event.actions.iter().enumerate() {
            if !action.id.is_nil() && !seen.insert(action.id) {
                errors.push(FieldError::new(
                    format!("events[{i}].actions[{j}].id"),
                    format!("id {} is used twice", action.id),
                ));
            }
        }
    }
}

/// Points every action's references (configurations, navigation steps) through `map`;
/// ids not in it stay.
pub fn remap_config_refs(w: &mut Wizard, map: &std::collections::HashMap<Uuid, Uuid>) {
    for action in w.events.iter_mut().flat_map(|e| e.actions.iter_mut()) {
        action.config.for_each_ref(|id| {
            if let Some(new) = map.get(id) {
                *id = *new;
            }
        });
    }
}

#[cfg(feature = "ssr")]
impl Wizard {
    /// Gives every event, action, API and MCP configuration a fresh id and points the
    /// actions' configuration references at the new ones; steps, option sets and options
    /// keep theirs (an import keeps the document's, so event targets stay valid).
    pub fn renew_event_and_config_ids(&mut self) {
        let mut map = std::collections::HashMap::new();
        let mut renew = |id: &mut Uuid| {
            let new = Uuid::now_v7();
            if !id.is_nil() {
                map.insert(*id, new);
            }
            *id = new;
        };
        self.api_configs.iter_mut().for_each(|c| renew(&mut c.id));
        self.mcp_configs.iter_mut().for_each(|c| renew(&mut c.id));
        for event in &mut self.events {
            renew(&mut event.id);
            event.actions.iter_mut().for_each(|a| renew(&mut a.id));
        }
        remap_config_refs(self, &map);
    }
}

impl Wizard {
    /// Whether any enabled or disabled event runs the library action `name`, directly or
    /// through a script's `runAction` (deleting the action would break it).
    pub fn uses_library_action(&self, name: &str) -> bool {
        self.events
            .iter()
            .flat_map(|e| e.actions.iter())
            .any(|a| match &a.config {
                ActionConfig::LibraryAction(c) => c.action == name,
                ActionConfig::CustomScript(c) => c.allowed_actions.iter().any(|n| n == name),
                _ => false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wizard() -> Wizard {
        serde_json::from_value(json!({
            "id": "00000000-0000-7000-8000-000000000001",
            "name": "W",
            "steps": [{
                "id": "00000000-0000-7000-8000-000000000010",
                "title": "S",
                "option_sets": [
                    {"id": "00000000-0000-7000-8000-000000000020", "key": "email", "label": "E",
                     "selection_type": "text_input"},
                    {"id": "00000000-0000-7000-8000-000000000021", "key": "color", "label": "C",
                     "selection_type": "single_select",
                     "options": [{"id": "00000000-0000-7000-8000-000000000030", "label": "Red", "value": "red"}]},
                    {"id": "00000000-0000-7000-8000-000000000022", "key": "city", "label": "City",
                     "selection_type": "single_select", "settings": {"dynamic_options": true}},
                    {"id": "00000000-0000-7000-8000-000000000023", "key": "result", "label": "R",
                     "selection_type": "output"}
                ]
            }],
            "api_configs": [{"id": "00000000-0000-7000-8000-000000000040", "name": "crm",
                             "base_url": "http://127.0.0.1:1"}],
            "mcp_configs": [{"id": "00000000-0000-7000-8000-000000000050", "name": "time",
                             "server": "time"}]
        }))
        .unwrap()
    }

    fn event(v: Value) -> Event {
        serde_json::from_value(v).unwrap()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        let mut f: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        f.sort();
        f
    }

    #[test]
    fn a_good_event_with_every_action_type_passes() {
        let w = wizard();
        let e = event(json!({
            "name": "load",
            "trigger": "step.onEntry",
            "target_type": "step",
            "target_id": "00000000-0000-7000-8000-000000000010",
            "conditions": {"field": "color", "op": "eq", "value": "red"},
            "actions": [
                {"name": "lookup", "action_type": "api_call", "on_error": "retry", "retry_count": 3,
                 "timeout_ms": 5000,
                 "config": {"api_config_id": "00000000-0000-7000-8000-000000000040",
                            "url": "/users/{{ fields.email }}", "query": {"q": "{{ run.user.email }}"},
                            "headers": {"X-Run": "{{ run.id }}"}, "body": {"n": "{{ event.value }}"}},
                 "output_handling": {"replace_options": {"option_set": "city", "label_path": "name", "value_path": "id"},
                                     "render": {"slot": "result", "renderer": "table"}}},
                {"name": "now", "action_type": "mcp_call",
                 "config": {"mcp_config_id": "00000000-0000-7000-8000-000000000050", "tool": "get_current_time",
                            "arguments": {"timezone": "{{ actions.lookup.output.tz | default('UTC') }}"}}},
                {"name": "shape", "action_type": "transform_data",
                 "config": {"language": "jmespath", "expression": "items", "input": "{{ actions.now.output }}"}},
                {"name": "put", "action_type": "set_field_value", "config": {"field": "email", "value": "{{ actions.shape.output }}"},
                 "output_handling": {"set_field": "email"}},
                {"name": "say", "action_type": "show_message", "config": {"level": "success", "text": "Hi {{ fields.email | upper }}"}},
                {"name": "go", "action_type": "navigate", "config": {"target": "step:00000000-0000-7000-8000-000000000010"}},
                {"name": "js", "action_type": "custom_script",
                 "config": {"code": "return 1", "allowed_api_configs": ["00000000-0000-7000-8000-000000000040"]}}
            ]
        }));
        assert_eq!(e.check(&w, "events[0]"), vec![]);
    }

    #[test]
    fn targets_must_exist_and_match_the_trigger() {
        let w = wizard();
        let wrong_kind = event(json!({"name": "x", "trigger": "option.onClick",
            "target_id": "00000000-0000-7000-8000-000000000010"}));
        let errors = wrong_kind.check(&w, "");
        assert_eq!(fields(&errors), ["target_id"]);
        assert!(errors[0].message.contains("is a step"), "{errors:?}");

        let missing = event(json!({"name": "x", "trigger": "optionSet.onLoad"}));
        assert_eq!(
            fields(&missing.check(&w, "events[2]")),
            ["events[2].target_id"]
        );

        let unknown = event(json!({"name": "x", "trigger": "step.onExit",
            "target_id": "00000000-0000-7000-8000-0000000000ff"}));
        assert_eq!(fields(&unknown.check(&w, "")), ["target_id"]);

        let disagreeing = event(
            json!({"name": "x", "trigger": "option.onSelect", "target_type": "step",
            "target_id": "00000000-0000-7000-8000-000000000030"}),
        );
        assert_eq!(fields(&disagreeing.check(&w, "")), ["target_type"]);

        let wizard_level = event(json!({"name": "x", "trigger": "wizard.onStart",
            "target_id": "00000000-0000-7000-8000-000000000010"}));
        assert_eq!(fields(&wizard_level.check(&w, "")), ["target_id"]);
        let ok = event(json!({"name": "x", "trigger": "wizard.onComplete"}));
        assert_eq!(ok.check(&w, ""), vec![]);
    }

    #[test]
    fn bad_references_and_limits_are_named_by_path() {
        let w = wizard();
        let e = event(json!({
            "name": " ",
            "trigger": "wizard.onStart",
            "conditions": {"field": "nope", "op": "eq", "value": 1},
            "actions": [
                {"name": "a", "action_type": "api_call", "retry_count": 9,
                 "config": {"api_config_id": "00000000-0000-7000-8000-0000000000ff",
                            "url": "/{{ fields.zip }}", "body": {"x": ["{{ actions.b.output }}"]}}},
                {"name": "a", "action_type": "set_field_value", "timeout_ms": 0,
                 "config": {"field": "zip", "value": 1}},
                {"name": "c", "action_type": "navigate", "config": {"target": "step:00000000-0000-7000-8000-0000000000ff"}},
                {"name": "d", "action_type": "mcp_call", "retry_count": 1,
                 "config": {"mcp_config_id": "00000000-0000-7000-8000-0000000000ff", "tool": "t"}},
                {"name": "e", "action_type": "custom_script",
                 "config": {"code": "x", "allowed_api_configs": ["00000000-0000-7000-8000-0000000000ff"]},
                 "output_handling": {"set_field": "zip",
                                     "replace_options": {"option_set": "color", "label_path": "a", "value_path": "b"},
                                     "render": {"slot": "email", "renderer": "dropdown", "config": {"field": "nope"}}}}
            ]
        }));
        let errors = e.check(&w, "events[0]");
        assert_eq!(
            fields(&errors),
            [
                "events[0].actions[0].config.api_config_id",
                "events[0].actions[0].config.body.x[0]",
                "events[0].actions[0].config.url",
                "events[0].actions[0].retry_count",
                "events[0].actions[1].config.field",
                "events[0].actions[1].name",
                "events[0].actions[1].timeout_ms",
                "events[0].actions[2].config.target",
                "events[0].actions[3].config.mcp_config_id",
                "events[0].actions[3].retry_count",
                "events[0].actions[4].config.allowed_api_configs[0]",
                "events[0].actions[4].output_handling.render.config.field",
                "events[0].actions[4].output_handling.render.slot",
                "events[0].actions[4].output_handling.replace_options.option_set",
                "events[0].actions[4].output_handling.set_field",
                "events[0].conditions.field",
                "events[0].name",
            ],
            "{errors:#?}"
        );
        let url = errors
            .iter()
            .find(|e| e.field.ends_with("config.url"))
            .unwrap();
        assert!(
            url.message.contains("fields.zip") && url.message.contains("email"),
            "{url:?}"
        );
    }

    #[test]
    fn a_template_may_not_read_a_later_action() {
        let w = wizard();
        let e = event(
            json!({"name": "x", "trigger": "wizard.onStart", "actions": [
                {"name": "first", "action_type": "show_message", "config": {"text": "{{ actions.second.output }}"}},
                {"name": "second", "action_type": "show_message", "config": {"text": "{{ actions.first.output }}"}}
            ]}),
        );
        assert_eq!(fields(&e.check(&w, "")), ["actions[0].config.text"]);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn fresh_ids_remap_every_reference() {
        let mut w = wizard();
        w.events = vec![event(json!({
            "id": "00000000-0000-7000-8000-000000000060",
            "name": "x", "trigger": "option.onSelect",
            "target_id": "00000000-0000-7000-8000-000000000030",
            "actions": [
                {"name": "a", "action_type": "api_call",
                 "config": {"api_config_id": "00000000-0000-7000-8000-000000000040", "url": "/"}},
                {"name": "b", "action_type": "mcp_call",
                 "config": {"mcp_config_id": "00000000-0000-7000-8000-000000000050", "tool": "t"}},
                {"name": "c", "action_type": "custom_script",
                 "config": {"code": "1", "allowed_api_configs": ["00000000-0000-7000-8000-000000000040"]}},
                {"name": "d", "action_type": "navigate", "config": {"target": "step:00000000-0000-7000-8000-000000000010"}}
            ]
        }))];
        w.assign_missing_ids();
        assert!(w.events[0].actions.iter().all(|a| !a.id.is_nil()));
        assert_eq!(w.check(), vec![]);
        let (copy, map) = w.with_fresh_ids();
        assert_eq!(copy.check(), vec![], "the copy's references resolve");
        let old = serde_json::to_string(&w).unwrap();
        let new = serde_json::to_string(&copy).unwrap();
        for (from, to) in &map {
            assert!(
                !new.contains(&from.to_string()),
                "{from} survived in the copy"
            );
            assert!(!old.contains(&to.to_string()));
        }
        assert_eq!(
            copy.events[0].target_id,
            Some(copy.steps[0].option_sets[1].options[0].id)
        );
        // wizard, step, 4 option sets, 1 option, 2 configurations, 1 event, 4 actions
        assert_eq!(map.len(), 14);
    }
}

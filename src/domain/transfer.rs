//! Import and export: a whole wizard as one JSON document with a schema version,
//! `{"schema_version": 1, "wizard": {…}}`.
//!
//! Import is for documents written by hand or by other tools as much as by export, so it
//! reports *every* problem, each with its JSON path (`wizard.steps[1].option_sets[0].
//! settings.max`), instead of stopping at the first. To get there it parses piece by piece
//! (each step, option set and option on its own) so one broken piece does not hide the
//! next, then runs the same semantic checks as saving a draft ([`Wizard::check`]).

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::domain::condition::{Condition, type_name};
use crate::domain::event::Event;
use crate::domain::integration::{ApiConfig, McpConfig};
use crate::domain::problem::FieldError;
use crate::domain::{
    ApplyButtonSettings, ColorSettings, DateSettings, DateTimeSettings, DynamicTableSettings,
    Field, FieldKey, FileSettings, NumberSettings, OptionSet, OutputSettings, RatingSettings,
    RichTextSettings, SelectSettings, SelectionType, SingleSelectSettings, SliderSettings, Step,
    TextSettings, TimeSettings, Wizard, WizardOption,
};

/// The version of the export format this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The export document of `w`. The wizard's own id is left out (an import becomes a new
/// wizard); step, option-set and option ids are kept so events can keep referring to them.
/// Events and actions go without ids (an import gives them new ones), API and MCP
/// configurations with ids local to the document (`…0001`, `…0002`, in order, references
/// following), so exporting an imported wizard gives the same document. Credentials and
/// `secret_set` are never exported.
pub fn export(w: &Wizard) -> Value {
    let mut w = w.clone();
    let mut map = std::collections::HashMap::new();
    let mut n: u128 = 0;
    for c in &mut w.api_configs {
        n += 1;
        map.insert(c.id, Uuid::from_u128(n));
        c.id = Uuid::from_u128(n);
        c.auth = c.auth.without_secrets();
        c.secret_set = false;
    }
    for c in &mut w.mcp_configs {
        n += 1;
        map.insert(c.id, Uuid::from_u128(n));
        c.id = Uuid::from_u128(n);
    }
    crate::domain::wizard::event_check::remap_config_refs(&mut w, &map);
    // Serializing these types cannot fail (string keys, no custom errors); an empty object
    // would still be refused by `import`, never silently accepted.
    let mut wizard = serde_json::to_value(&w).unwrap_or_else(|_| Value::Object(Map::new()));
    if let Value::Object(m) = &mut wizard {
        m.remove("id");
        for event in m
            .get_mut("events")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Value::Object(e) = event {
                e.remove("id");
                for action in e
                    .get_mut("actions")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Value::Object(a) = action {
                        a.remove("id");
                    }
                }
            }
        }
        for config in m
            .get_mut("api_configs")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Value::Object(c) = config {
                c.remove("secret_set");
            }
        }
    }
    let mut doc = Map::new();
    doc.insert("schema_version".into(), Value::from(SCHEMA_VERSION));
    doc.insert("wizard".into(), wizard);
    Value::Object(doc)
}

/// Reads an export document. On success the wizard has a nil id (the server assigns one);
/// ids inside it are kept, nil where the document has none. On failure, every problem
/// found, named by its path in the document.
pub fn import(doc: &Value) -> Result<Wizard, Vec<FieldError>> {
    let mut p = Parser::default();
    let Value::Object(root) = doc else {
        return Err(vec![FieldError::new(
            "$",
            format!(
                "an export document must be a JSON object like \
                 {{\"schema_version\": {SCHEMA_VERSION}, \"wizard\": {{…}}}}, not {}",
                type_name(doc)
            ),
        )]);
    };
    match root.get("schema_version") {
        None => p.push(
            "schema_version",
            format!(
                "is missing; documents of this format have \"schema_version\": {SCHEMA_VERSION}"
            ),
        ),
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(Value::Number(n)) if n.as_u64().is_some() => {
            // Another version's layout cannot be read as this one; further messages would
            // only be noise.
            return Err(vec![FieldError::new(
                "schema_version",
                format!("version {n} is not supported; this server reads version {SCHEMA_VERSION}"),
            )]);
        }
        Some(other) => p.push(
            "schema_version",
            format!(
                "must be the whole number {SCHEMA_VERSION}, not {}",
                describe(other)
            ),
        ),
    }
    p.known_keys(root, &["schema_version", "wizard"], "");
    let wizard = match root.get("wizard") {
        None => {
            p.push("wizard", "is missing; it holds the wizard itself");
            None
        }
        Some(v) => p.object(v, "wizard").and_then(|m| p.wizard(m, "wizard")),
    };
    match wizard {
        Some(w) if p.errors.is_empty() => {
            let problems = check_ignoring_missing_ids(&w);
            if problems.is_empty() {
                Ok(w)
            } else {
                Err(problems
                    .into_iter()
                    .map(|e| FieldError::new(format!("wizard.{}", e.field), e.message))
                    .collect())
            }
        }
        _ => Err(p.errors),
    }
}

/// [`Wizard::check`], except that absent (nil) ids are not duplicates of each other: the
/// server fills them in. Each nil id gets a placeholder no real id of the document uses.
fn check_ignoring_missing_ids(w: &Wizard) -> Vec<FieldError> {
    let mut probe = w.clone();
    let mut used: HashSet<Uuid> = HashSet::new();
    for step in &probe.steps {
        used.insert(step.id);
        for os in &step.option_sets {
            used.insert(os.id);
            used.extend(os.options.iter().map(|o| o.id));
        }
    }
    let mut next: u128 = 0;
    let mut fill = |id: &mut Uuid| {
        if id.is_nil() {
            loop {
                next += 1;
                let candidate = Uuid::from_u128(next);
                if used.insert(candidate) {
                    *id = candidate;
                    break;
                }
            }
        }
    };
    fill(&mut probe.id);
    for step in &mut probe.steps {
        fill(&mut step.id);
        for os in &mut step.option_sets {
            fill(&mut os.id);
            for o in &mut os.options {
                fill(&mut o.id);
            }
        }
    }
    probe.check()
}

/// Collects every structural problem while parsing.
#[derive(Default)]
struct Parser {
    errors: Vec<FieldError>,
}

const WIZARD_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "category",
    "steps",
    "events",
    "api_configs",
    "mcp_configs",
];
const STEP_KEYS: &[&str] = &["id", "title", "description", "show_if", "option_sets"];
const OPTION_SET_KEYS: &[&str] = &[
    "id",
    "key",
    "label",
    "help_text",
    "required",
    "selection_type",
    "settings",
    "show_if",
    "hide_if",
    "disable_if",
    "require_if",
    "options",
];
const OPTION_KEYS: &[&str] = &["id", "label", "value", "description"];

impl Parser {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    fn wizard(&mut self, m: &Map<String, Value>, path: &str) -> Option<Wizard> {
        self.known_keys(m, WIZARD_KEYS, path);
        // The document's wizard id, if any, is ignored: an import is a new wizard.
        let name = self.required::<String>(m, "name", path);
        let description = self.optional::<String>(m, "description", path);
        let category = self.optional::<Option<String>>(m, "category", path);
        let steps = self.list(m, "step", "steps", path, |p, v, at| {
            p.object(v, at).and_then(|s| p.step(s, at))
        });
        let events = self.list(m, "event", "events", path, |p, v, at| {
            p.value::<Event>(v, at)
        });
        // A document may carry credentials (written by hand); they are never imported.
        let api_configs = self.list(m, "API configuration", "api_configs", path, |p, v, at| {
            p.value::<ApiConfig>(v, at).map(|mut c| {
                c.auth = c.auth.without_secrets();
                c.secret_set = false;
                c
            })
        });
        let mcp_configs = self.list(m, "MCP configuration", "mcp_configs", path, |p, v, at| {
            p.value::<McpConfig>(v, at)
        });
        Some(Wizard {
            id: Uuid::nil(),
            name: name?,
            description: description?,
            category: category?,
            steps: steps?,
            events: events?,
            api_configs: api_configs?,
            mcp_configs: mcp_configs?,
        })
    }

    fn step(&mut self, m: &Map<String, Value>, path: &str) -> Option<Step> {
        self.known_keys(m, STEP_KEYS, path);
        let id = self.optional::<Uuid>(m, "id", path);
        let title = self.required::<String>(m, "title", path);
        let description = self.optional::<String>(m, "description", path);
        let show_if = self.condition(m, "show_if", path);
        let option_sets = self.list(m, "option set", "option_sets", path, |p, v, at| {
            p.object(v, at).and_then(|o| p.option_set(o, at))
        });
        Some(Step {
            id: id?,
            title: title?,
            description: description?,
            show_if: show_if?,
            option_sets: option_sets?,
        })
    }

    fn option_set(&mut self, m: &Map<String, Value>, path: &str) -> Option<OptionSet> {
        self.known_keys(m, OPTION_SET_KEYS, path);
        let id = self.optional::<Uuid>(m, "id", path);
        let key = self.required::<FieldKey>(m, "key", path);
        let label = self.required::<String>(m, "label", path);
        let help_text = self.optional::<String>(m, "help_text", path);
        let required = self.optional::<bool>(m, "required", path);
        let selection_type = self.required::<SelectionType>(m, "selection_type", path);
        let field = selection_type.and_then(|t| {
            let settings = m.get("settings").unwrap_or(&Value::Null);
            self.settings(t, settings, &format!("{path}.settings"))
        });
        let show_if = self.condition(m, "show_if", path);
        let hide_if = self.condition(m, "hide_if", path);
        let disable_if = self.condition(m, "disable_if", path);
        let require_if = self.condition(m, "require_if", path);
        let options = self.list(m, "option", "options", path, |p, v, at| {
            p.object(v, at).and_then(|o| p.option(o, at))
        });
        Some(OptionSet {
            id: id?,
            key: key?,
            label: label?,
            help_text: help_text?,
            required: required?,
            field: field?,
            show_if: show_if?,
            hide_if: hide_if?,
            disable_if: disable_if?,
            require_if: require_if?,
            options: options?,
        })
    }

    fn option(&mut self, m: &Map<String, Value>, path: &str) -> Option<WizardOption> {
        self.known_keys(m, OPTION_KEYS, path);
        let id = self.optional::<Uuid>(m, "id", path);
        let label = self.required::<String>(m, "label", path);
        let value = self.required::<String>(m, "value", path);
        let description = self.optional::<String>(m, "description", path);
        Some(WizardOption {
            id: id?,
            label: label?,
            value: value?,
            description: description?,
        })
    }

    /// The typed settings of `t`; `null` or absent means all defaults.
    fn settings(&mut self, t: SelectionType, v: &Value, path: &str) -> Option<Field> {
        if v.is_null() {
            return Some(Field::new(t));
        }
        let Value::Object(m) = v else {
            self.push(
                path,
                format!("must be an object of {t} settings, not {}", type_name(v)),
            );
            return None;
        };
        Some(match t {
            SelectionType::SingleSelect => {
                Field::SingleSelect(self.settings_of::<SingleSelectSettings>(m, path)?)
            }
            SelectionType::MultipleSelect => {
                Field::MultipleSelect(self.settings_of::<SelectSettings>(m, path)?)
            }
            SelectionType::TextInput => {
                Field::TextInput(self.settings_of::<TextSettings>(m, path)?)
            }
            SelectionType::NumberInput => {
                Field::NumberInput(self.settings_of::<NumberSettings>(m, path)?)
            }
            SelectionType::DateInput => {
                Field::DateInput(self.settings_of::<DateSettings>(m, path)?)
            }
            SelectionType::TimeInput => {
                Field::TimeInput(self.settings_of::<TimeSettings>(m, path)?)
            }
            SelectionType::DatetimeInput => {
                Field::DatetimeInput(self.settings_of::<DateTimeSettings>(m, path)?)
            }
            SelectionType::Rating => Field::Rating(self.settings_of::<RatingSettings>(m, path)?),
            SelectionType::Slider => Field::Slider(self.settings_of::<SliderSettings>(m, path)?),
            SelectionType::ColorPicker => {
                Field::ColorPicker(self.settings_of::<ColorSettings>(m, path)?)
            }
            SelectionType::FileUpload => {
                Field::FileUpload(self.settings_of::<FileSettings>(m, path)?)
            }
            SelectionType::RichText => {
                Field::RichText(self.settings_of::<RichTextSettings>(m, path)?)
            }
            SelectionType::DynamicTable => {
                Field::DynamicTable(self.settings_of::<DynamicTableSettings>(m, path)?)
            }
            SelectionType::ApplyButton => {
                Field::ApplyButton(self.settings_of::<ApplyButtonSettings>(m, path)?)
            }
            SelectionType::Output => Field::Output(self.settings_of::<OutputSettings>(m, path)?),
        })
    }

    /// One settings object. Every settings field has a default, so each key can be
    /// deserialized on its own first: that reports every bad or unknown key, where a
    /// single pass would stop at the first.
    fn settings_of<T: DeserializeOwned>(
        &mut self,
        m: &Map<String, Value>,
        path: &str,
    ) -> Option<T> {
        let mut ok = true;
        for (k, v) in m {
            let mut one = Map::new();
            one.insert(k.clone(), v.clone());
            ok &= self.value::<T>(&Value::Object(one), path).is_some();
        }
        if ok {
            self.value::<T>(&Value::Object(m.clone()), path)
        } else {
            None
        }
    }

    /// An optional condition; its own parser names the place inside the tree.
    fn condition(
        &mut self,
        m: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<Option<Condition>> {
        match m.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => match Condition::from_json(v) {
                Ok(c) => Some(Some(c)),
                Err(e) => {
                    let at = join(&join(path, key), &e.path);
                    self.push(at, e.message);
                    None
                }
            },
        }
    }

    /// `m[key]` as an array (absent means empty), each element parsed by `item`; every
    /// element is tried even when an earlier one failed.
    fn list<T>(
        &mut self,
        m: &Map<String, Value>,
        what: &str,
        key: &str,
        path: &str,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let at = join(path, key);
        let items = match m.get(key) {
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.push(
                    at,
                    format!("must be a list of {what}s, not {}", type_name(other)),
                );
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, v) in items.iter().enumerate() {
            match item(self, v, &format!("{at}[{i}]")) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn object<'a>(&mut self, v: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.push(path, format!("must be an object, not {}", type_name(other)));
                None
            }
        }
    }

    /// Reports keys outside `allowed` (typos such as `requried`), each at its own path.
    fn known_keys(&mut self, m: &Map<String, Value>, allowed: &[&str], path: &str) {
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) {
                self.push(
                    join(path, k),
                    format!(
                        "is not a known property; expected one of {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn required<T: DeserializeOwned>(
        &mut self,
        m: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<T> {
        let at = join(path, key);
        match m.get(key) {
            Some(v) => self.value(v, &at),
            None => {
                self.push(at, "is missing");
                None
            }
        }
    }

    fn optional<T: DeserializeOwned + Default>(
        &mut self,
        m: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<T> {
        match m.get(key) {
            Some(v) => self.value(v, &join(path, key)),
            None => Some(T::default()),
        }
    }

    /// Deserializes `v`, naming the exact place of a failure below `path`.
    fn value<T: DeserializeOwned>(&mut self, v: &Value, path: &str) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(v) {
            Ok(x) => Some(x),
            Err(e) => {
                let mut at = path.to_owned();
                for segment in e.path().iter() {
                    match segment {
                        serde_path_to_error::Segment::Seq { index } => {
                            at.push_str(&format!("[{index}]"));
                        }
                        serde_path_to_error::Segment::Map { key } => at = join(&at, key),
                        serde_path_to_error::Segment::Enum { .. }
                        | serde_path_to_error::Segment::Unknown => {}
                    }
                }
                let message = plain_serde_message(&e.into_inner().to_string());
                // An action's type and config are parsed together after the rest, so
                // serde names them in the message (`config: missing field `url``); move
                // the member into the path.
                let (at, message) = member_into_path(at, message);
                self.push(at, message);
                None
            }
        }
    }
}

fn member_into_path(at: String, message: String) -> (String, String) {
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return (join(&at, missing), message.clone());
    }
    crate::domain::event::action_member_error(&at, &message).unwrap_or((at, message))
}

/// `a.b`, `a[0]`, or just `b` at the root.
fn join(path: &str, child: &str) -> String {
    if path.is_empty() {
        child.to_owned()
    } else if child.is_empty() {
        path.to_owned()
    } else if child.starts_with('[') {
        format!("{path}{child}")
    } else {
        format!("{path}.{child}")
    }
}

/// serde's messages name Rust types (`expected u32`); say what a document author knows.
fn plain_serde_message(m: &str) -> String {
    let mut out = m.to_owned();
    for (rust, plain) in [
        ("expected f64", "expected a number"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text"),
    ] {
        out = out.replace(rust, plain);
    }
    // serde appends " at line 1 column 2" only for text input; values have no position.
    out
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() <= 20 => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        other => type_name(other).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn doc() -> Value {
        json!({
            "schema_version": 1,
            "wizard": {
                "name": "Order",
                "description": "Order a thing",
                "category": "sales",
                "steps": [
                    {"id": id(1), "title": "What", "option_sets": [
                        {"id": id(10), "key": "kind", "label": "Kind", "required": true,
                         "selection_type": "single_select",
                         "options": [
                             {"id": id(100), "label": "Small", "value": "s"},
                             {"id": id(101), "label": "Large", "value": "l"}
                         ]},
                        {"id": id(11), "key": "qty", "label": "Quantity",
                         "selection_type": "number_input",
                         "settings": {"min": 1, "max": 99.5, "step": 0.5},
                         "require_if": {"all": [{"field": "kind", "op": "eq", "value": "l"},
                                                {"not": {"field": "kind", "op": "empty"}}]}},
                        {"id": id(12), "key": "when", "label": "When",
                         "selection_type": "time_input", "settings": {"min": "08:00"}}
                    ]},
                    {"id": id(2), "title": "Large only",
                     "show_if": {"field": "kind", "op": "eq", "value": "l"},
                     "option_sets": [
                        {"id": id(20), "key": "colour", "label": "Colour",
                         "selection_type": "color_picker", "settings": {"allow_alpha": true}},
                        {"id": id(21), "key": "rate", "label": "Rate", "selection_type": "rating"}
                     ]}
                ]
            }
        })
    }

    fn paths(r: Result<Wizard, Vec<FieldError>>) -> Vec<String> {
        match r {
            Ok(w) => panic!("expected problems, imported {w:?}"),
            Err(e) => e.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn export_import_export_is_byte_identical() {
        let w = import(&doc()).unwrap();
        assert_eq!(w.id, Uuid::nil());
        assert_eq!(w.steps[1].option_sets[1].id, id(21));
        let first = serde_json::to_string(&export(&w)).unwrap();
        let again = import(&serde_json::from_str(&first).unwrap()).unwrap();
        assert_eq!(again, w);
        let second = serde_json::to_string(&export(&again)).unwrap();
        assert_eq!(first, second);
        // the wizard's own id is not exported
        let mut with_id = w.clone();
        with_id.id = id(999);
        assert_eq!(serde_json::to_string(&export(&with_id)).unwrap(), first);
        assert_eq!(export(&w)["schema_version"], json!(SCHEMA_VERSION));
        assert!(export(&w)["wizard"].get("id").is_none());
    }

    #[test]
    fn events_and_configurations_round_trip_without_secrets() {
        let mut d = doc();
        d["wizard"]["api_configs"] = json!([{"id": id(500), "name": "crm", "base_url": "http://127.0.0.1:9",
            "auth": {"type": "bearer", "token": "s3cret-token"}, "secret_set": true}]);
        d["wizard"]["mcp_configs"] = json!([{"id": id(501), "name": "clock", "server": "time"}]);
        d["wizard"]["events"] = json!([{"id": id(600), "name": "load", "trigger": "optionSet.onLoad",
            "target_id": id(10), "actions": [
                {"id": id(601), "name": "fetch", "action_type": "api_call",
                 "config": {"api_config_id": id(500), "url": "/x/{{ fields.qty }}"}},
                {"name": "now", "action_type": "mcp_call",
                 "config": {"mcp_config_id": id(501), "tool": "get_current_time"}}]}]);
        let w = import(&d).unwrap();
        assert_eq!(w.events.len(), 1);
        assert_eq!(
            w.api_configs[0].auth,
            crate::domain::integration::ApiAuth::Bearer { token: None }
        );
        let first = export(&w);
        let text = serde_json::to_string(&first).unwrap();
        assert!(
            !text.contains("s3cret-token") && !text.contains("secret_set"),
            "{text}"
        );
        assert!(first["wizard"]["events"][0].get("id").is_none());
        let cfg = first["wizard"]["api_configs"][0]["id"].clone();
        assert_eq!(
            first["wizard"]["events"][0]["actions"][0]["config"]["api_config_id"],
            cfg
        );
        let again = import(&first).unwrap();
        assert_eq!(serde_json::to_string(&export(&again)).unwrap(), text);
    }

    #[test]
    fn event_problems_are_named_by_path() {
        let mut d = doc();
        d["wizard"]["events"] = json!([
            {"name": "a", "trigger": "step.onTeleport"},
            {"name": "b", "trigger": "wizard.onStart", "actions": [
                {"name": "x", "action_type": "api_call", "config": {}},
                {"name": "y", "action_type": "launch_rocket", "config": {}}]},
        ]);
        d["wizard"]["mcp_configs"] = json!([{"name": "m"}]);
        assert_eq!(
            paths(import(&d)),
            [
                "wizard.events[0].trigger",
                "wizard.events[1].actions[0].config.url",
                "wizard.mcp_configs[0].server",
            ]
        );
        let mut d = doc();
        d["wizard"]["events"] = json!([{"name": "c", "trigger": "step.onEntry", "target_id": id(10),
            "actions": [{"name": "s", "action_type": "set_field_value", "config": {"field": "nope", "value": 1}}]}]);
        assert_eq!(
            paths(import(&d)),
            [
                "wizard.events[0].target_id",
                "wizard.events[0].actions[0].config.field"
            ]
        );
        let mut d = doc();
        d["wizard"]["mcp_configs"] =
            json!([{"name": "m", "server": "a"}, {"name": "m", "server": "b"}]);
        assert_eq!(paths(import(&d)), ["wizard.mcp_configs[1].name"]);
    }

    #[test]
    fn missing_ids_are_not_duplicates() {
        let mut d = doc();
        for step in d["wizard"]["steps"].as_array_mut().unwrap() {
            step.as_object_mut().unwrap().remove("id");
            for os in step["option_sets"].as_array_mut().unwrap() {
                os.as_object_mut().unwrap().remove("id");
            }
        }
        d["wizard"]["steps"][0]["option_sets"][0]["options"][0]["id"] = json!(Uuid::nil());
        let w = import(&d).unwrap();
        assert!(w.steps.iter().all(|s| s.id.is_nil()));
        assert_eq!(w.steps[0].option_sets[0].options[1].id, id(101));
        // but a real id used twice is still a problem
        let mut d = doc();
        d["wizard"]["steps"][1]["id"] = json!(id(1));
        assert_eq!(paths(import(&d)), ["wizard.steps[1].id"]);
    }

    #[test]
    fn three_independent_problems_are_all_reported() {
        let mut d = doc();
        d["wizard"]["steps"][0]["option_sets"][1]["settings"]["max"] = json!("lots");
        d["wizard"]["steps"][0]["option_sets"][0]["options"][1] = json!({"label": "Large"});
        d["wizard"]["steps"][1]["option_sets"][0]["requried"] = json!(true);
        let errors = import(&d).unwrap_err();
        let got: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            got,
            [
                "wizard.steps[0].option_sets[0].options[1].value",
                "wizard.steps[0].option_sets[1].settings.max",
                "wizard.steps[1].option_sets[0].requried",
            ]
        );
        assert_eq!(errors[0].message, "is missing");
        assert!(
            errors[1].message.contains("expected a number"),
            "{errors:?}"
        );
        assert!(
            errors[2].message.contains("not a known property"),
            "{errors:?}"
        );
    }

    #[test]
    fn structural_problems_at_every_level() {
        let mut d = doc();
        d["extra"] = json!(1);
        d["wizard"]["name"] = json!(5);
        d["wizard"]["steps"][0]["title"] = Value::Null;
        d["wizard"]["steps"][0]["option_sets"][2]["settings"] = json!({"min": "8am"});
        d["wizard"]["steps"][0]["option_sets"][0]["key"] = json!("Kind");
        d["wizard"]["steps"][1]["show_if"] = json!({"all": [{"field": "kind", "op": "eqq"}]});
        d["wizard"]["steps"][1]["option_sets"][1]["selection_type"] = json!("stars");
        d["wizard"]["steps"][1]["option_sets"][0]["settings"] = json!({"allow_alpha": "yes"});
        assert_eq!(
            paths(import(&d)),
            [
                "extra",
                "wizard.name",
                "wizard.steps[0].title",
                "wizard.steps[0].option_sets[0].key",
                "wizard.steps[0].option_sets[2].settings.min",
                "wizard.steps[1].show_if.all[0].op",
                "wizard.steps[1].option_sets[0].settings.allow_alpha",
                "wizard.steps[1].option_sets[1].selection_type",
            ]
        );
        let mut d = doc();
        d["wizard"]["steps"] = json!({"a": 1});
        assert_eq!(paths(import(&d)), ["wizard.steps"]);
        let mut d = doc();
        d["wizard"]["steps"][1] = json!("step");
        d["wizard"]["steps"][0]["option_sets"][1]["settings"] = json!([1]);
        d["wizard"]["steps"][0]["option_sets"][0]["settings"] =
            json!({"colour": 1, "allow_other": "no", "display": "list"});
        let mut got = paths(import(&d));
        got.sort();
        assert_eq!(
            got,
            [
                "wizard.steps[0].option_sets[0].settings.allow_other",
                "wizard.steps[0].option_sets[0].settings.colour",
                "wizard.steps[0].option_sets[0].settings.display",
                "wizard.steps[0].option_sets[1].settings",
                "wizard.steps[1]",
            ]
        );
    }

    #[test]
    fn semantic_problems_are_prefixed() {
        let mut d = doc();
        d["wizard"]["steps"][1]["option_sets"][0]["key"] = json!("kind");
        d["wizard"]["steps"][0]["option_sets"][1]["settings"]["min"] = json!(200);
        d["wizard"]["steps"][1]["show_if"]["value"] = json!("xl");
        assert_eq!(
            paths(import(&d)),
            [
                "wizard.steps[0].option_sets[1].settings.min",
                "wizard.steps[1].show_if.value",
                "wizard.steps[1].option_sets[0].key",
            ]
        );
    }

    #[test]
    fn schema_version_is_required_and_checked() {
        let mut d = doc();
        d["schema_version"] = json!(2);
        let e = import(&d).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "schema_version");
        assert!(e[0].message.contains("version 2 is not supported"), "{e:?}");
        d["schema_version"] = json!("1");
        assert_eq!(paths(import(&d)), ["schema_version"]);
        d.as_object_mut().unwrap().remove("schema_version");
        d["wizard"]["name"] = json!(null);
        assert_eq!(paths(import(&d)), ["schema_version", "wizard.name"]);
        assert_eq!(paths(import(&json!([1]))), ["$"]);
        assert_eq!(paths(import(&json!({"schema_version": 1}))), ["wizard"]);
        assert_eq!(
            paths(import(&json!({"schema_version": 1, "wizard": []}))),
            ["wizard"]
        );
    }

    #[test]
    fn a_bare_wizard_needs_only_a_name() {
        let w = import(&json!({"schema_version": 1, "wizard": {"name": "Empty"}})).unwrap();
        assert_eq!(w.name, "Empty");
        assert!(w.steps.is_empty());
        assert_eq!(
            paths(import(
                &json!({"schema_version": 1, "wizard": {"name": " "}})
            )),
            ["wizard.name"]
        );
    }
}

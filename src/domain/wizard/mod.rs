//! Wizards, steps, option sets and options, plus the visibility rules the player and the
//! server share (so both agree on what is shown, required and disabled).
//!
//! Order is the order of the vectors; there are no separate position fields to drift.

mod answers;
pub mod event_check;
mod navigation;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::condition::{Answers, Condition, FieldCatalog, FieldInfo};
use crate::domain::event::Event;
use crate::domain::integration::{ApiConfig, McpConfig};
use crate::domain::problem::FieldError;
use crate::domain::{Field, FieldKey, SelectionType, WizardOption};

/// Longest wizard name, in characters.
pub const MAX_NAME_LEN: usize = 200;

/// A wizard definition: the editable draft, or the body of a published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Wizard {
    /// Assigned by the server when absent (nil).
    #[serde(default)]
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Events with their actions. In a draft they are stored as rows (edited through the
    /// events API) and filled in when the draft is read; published versions, exports and
    /// clones carry them here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// API configurations, secrets left out (see [`ApiConfig`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_configs: Vec<ApiConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_configs: Vec<McpConfig>,
}

/// One page of a wizard; skipped when `show_if` is false.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Step {
    #[serde(default)]
    pub id: Uuid,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default)]
    pub option_sets: Vec<OptionSet>,
}

/// One form field. On the wire the selection type and its settings sit beside the other
/// keys: `{"id": …, "key": "age", "selection_type": "number_input", "settings": {…}, …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OptionSetWire")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionSet {
    pub id: Uuid,
    pub key: FieldKey,
    pub label: String,
    #[serde(default)]
    pub help_text: String,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub field: Field,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_if: Option<Condition>,
    /// The choices of a select; empty for every other selection type.
    #[serde(default)]
    pub options: Vec<WizardOption>,
}

/// The deserialization shape of [`OptionSet`]: `#[serde(flatten)]` cannot be combined with
/// `deny_unknown_fields`, and refusing unknown keys (typos) matters more here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionSetWire {
    #[serde(default)]
    id: Uuid,
    key: FieldKey,
    label: String,
    #[serde(default)]
    help_text: String,
    #[serde(default)]
    required: bool,
    selection_type: SelectionType,
    #[serde(default)]
    settings: Option<Value>,
    #[serde(default)]
    show_if: Option<Condition>,
    #[serde(default)]
    hide_if: Option<Condition>,
    #[serde(default)]
    disable_if: Option<Condition>,
    #[serde(default)]
    require_if: Option<Condition>,
    #[serde(default)]
    options: Vec<WizardOption>,
}

impl TryFrom<OptionSetWire> for OptionSet {
    type Error = serde_json::Error;

    fn try_from(w: OptionSetWire) -> Result<Self, Self::Error> {
        Ok(OptionSet {
            field: Field::from_parts(w.selection_type, w.settings)?,
            id: w.id,
            key: w.key,
            label: w.label,
            help_text: w.help_text,
            required: w.required,
            show_if: w.show_if,
            hide_if: w.hide_if,
            disable_if: w.disable_if,
            require_if: w.require_if,
            options: w.options,
        })
    }
}

impl Step {
    pub fn is_visible(&self, answers: &Answers) -> bool {
        self.show_if.as_ref().is_none_or(|c| c.evaluate(answers))
    }
}

impl OptionSet {
    pub fn selection_type(&self) -> SelectionType {
        self.field.selection_type()
    }

    /// Shown unless `show_if` is false or `hide_if` is true.
    pub fn is_visible(&self, answers: &Answers) -> bool {
        self.show_if.as_ref().is_none_or(|c| c.evaluate(answers))
            && !self.hide_if.as_ref().is_some_and(|c| c.evaluate(answers))
    }

    pub fn is_disabled(&self, answers: &Answers) -> bool {
        self.disable_if
            .as_ref()
            .is_some_and(|c| c.evaluate(answers))
    }

    /// Required when visible and either always required or `require_if` holds; a hidden
    /// field never blocks progress.
    pub fn is_required(&self, answers: &Answers) -> bool {
        self.is_visible(answers)
            && (self.required
                || self
                    .require_if
                    .as_ref()
                    .is_some_and(|c| c.evaluate(answers)))
    }

    /// The conditions present, named as on the wire (`show_if`, …).
    pub fn conditions(&self) -> impl Iterator<Item = (&'static str, &Condition)> {
        [
            ("show_if", &self.show_if),
            ("hide_if", &self.hide_if),
            ("disable_if", &self.disable_if),
            ("require_if", &self.require_if),
        ]
        .into_iter()
        .filter_map(|(name, c)| c.as_ref().map(|c| (name, c)))
    }

    /// The conditions present, mutably (for remapping when a wizard is cloned).
    pub fn conditions_mut(&mut self) -> impl Iterator<Item = &mut Condition> {
        [
            &mut self.show_if,
            &mut self.hide_if,
            &mut self.disable_if,
            &mut self.require_if,
        ]
        .into_iter()
        .filter_map(Option::as_mut)
    }
}

impl Wizard {
    /// Every option set, in order.
    pub fn option_sets(&self) -> impl Iterator<Item = &OptionSet> {
        self.steps.iter().flat_map(|s| s.option_sets.iter())
    }

    /// The option set with `key` (the first, should a broken wizard have duplicates).
    pub fn option_set(&self, key: &str) -> Option<&OptionSet> {
        self.option_sets().find(|os| os.key == key)
    }

    /// The option set with `key`, to change (a player replacing a select's options).
    pub fn option_set_mut(&mut self, key: &str) -> Option<&mut OptionSet> {
        self.steps
            .iter_mut()
            .flat_map(|s| s.option_sets.iter_mut())
            .find(|os| os.key == key)
    }

    /// The steps a runner passes through given `answers`, in order.
    pub fn visible_steps(&self, answers: &Answers) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| s.is_visible(answers))
            .collect()
    }

    /// What conditions can refer to: each key with its type and, for selects with static
    /// options, the allowed values.
    pub fn field_catalog(&self) -> FieldCatalog {
        self.option_sets()
            .map(|os| {
                let t = os.selection_type();
                let info = FieldInfo::new(t);
                let info = if t.takes_options() && !os.field.has_dynamic_options() {
                    info.with_options(os.options.iter().map(|o| o.value.clone()).collect())
                } else {
                    info
                };
                (os.key.clone(), info)
            })
            .collect()
    }

    /// Every problem in the wizard, each named by its JSON path; empty means saveable.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "a wizard needs a name"));
        } else if self.name.chars().count() > MAX_NAME_LEN {
            errors.push(FieldError::new(
                "name",
                format!("must be at most {MAX_NAME_LEN} characters"),
            ));
        }

        let catalog = self.field_catalog();
        // Ids are unique across the whole wizard because events target any of them by id.
        let mut ids: HashMap<Uuid, String> = HashMap::new();
        let mut see_id = |id: Uuid, path: String, errors: &mut Vec<FieldError>| {
            if let Some(first) = ids.get(&id) {
                errors.push(FieldError::new(
                    format!("{path}.id"),
                    format!("id {id} is already used by {first}"),
                ));
            } else {
                ids.insert(
                    id,
                    if path.is_empty() {
                        "the wizard".into()
                    } else {
                        path
                    },
                );
            }
        };
        see_id(self.id, String::new(), &mut errors);
        let mut keys: HashMap<&FieldKey, String> = HashMap::new();

        for (i, step) in self.steps.iter().enumerate() {
            let step_path = format!("steps[{i}]");
            see_id(step.id, step_path.clone(), &mut errors);
            if let Some(c) = &step.show_if {
                errors.extend(c.check(&catalog, &format!("{step_path}.show_if")));
            }
            for (j, os) in step.option_sets.iter().enumerate() {
                let path = format!("{step_path}.option_sets[{j}]");
                see_id(os.id, path.clone(), &mut errors);
                if let Some(first) = keys.get(&os.key) {
                    errors.push(FieldError::new(
                        format!("{path}.key"),
                        format!("key `{}` is already used by {first}", os.key),
                    ));
                } else {
                    keys.insert(&os.key, path.clone());
                }
                errors.extend(os.field.check_settings(&path));
                // The path language lives with the renderers (settings cannot name it).
                if let Field::DynamicTable(t) = &os.field
                    && let Some(Err(e)) = t
                        .value_path
                        .as_deref()
                        .map(str::parse::<crate::domain::render::DataPath>)
                {
                    errors.push(FieldError::new(format!("{path}.settings.value_path"), e));
                }
                check_options(os, &path, &mut errors);
                for (k, option) in os.options.iter().enumerate() {
                    see_id(option.id, format!("{path}.options[{k}]"), &mut errors);
                }
                for (name, c) in os.conditions() {
                    errors.extend(c.check(&catalog, &format!("{path}.{name}")));
                }
            }
        }
        crate::domain::wizard::event_check::check_event_ids(self, &mut errors);
        for (i, event) in self.events.iter().enumerate() {
            errors.extend(event.check(self, &format!("events[{i}]")));
        }
        errors
    }
}

#[cfg(feature = "ssr")]
impl Wizard {
    /// Gives every nil id (an item added without one) a fresh UUIDv7.
    pub fn assign_missing_ids(&mut self) {
        fn fill(id: &mut Uuid) {
            if id.is_nil() {
                *id = Uuid::now_v7();
            }
        }
        fill(&mut self.id);
        for step in &mut self.steps {
            fill(&mut step.id);
            for os in &mut step.option_sets {
                fill(&mut os.id);
                for o in &mut os.options {
                    fill(&mut o.id);
                }
            }
        }
        for event in &mut self.events {
            fill(&mut event.id);
            for action in &mut event.actions {
                fill(&mut action.id);
            }
        }
        for config in &mut self.api_configs {
            fill(&mut config.id);
        }
        for config in &mut self.mcp_configs {
            fill(&mut config.id);
        }
    }

    /// A copy with every id replaced by a fresh one, and the old → new map (for callers
    /// that hold references by id, such as event targets). Conditions name fields by key,
    /// and keys are kept, so they stay valid as they are.
    pub fn with_fresh_ids(&self) -> (Wizard, HashMap<Uuid, Uuid>) {
        let mut map = HashMap::new();
        let mut copy = self.clone();
        let mut renew = |id: &mut Uuid| {
            let new = Uuid::now_v7();
            map.insert(*id, new);
            *id = new;
        };
        renew(&mut copy.id);
        for step in &mut copy.steps {
            renew(&mut step.id);
            for os in &mut step.option_sets {
                renew(&mut os.id);
                for o in &mut os.options {
                    renew(&mut o.id);
                }
            }
        }
        for config in &mut copy.api_configs {
            renew(&mut config.id);
        }
        for config in &mut copy.mcp_configs {
            renew(&mut config.id);
        }
        for event in &mut copy.events {
            renew(&mut event.id);
            for action in &mut event.actions {
                renew(&mut action.id);
            }
        }
        // Events reach steps, option sets, options and configurations by id: point every
        // reference at the copy (an id not in the map is left as is, and `check` names it).
        let remap = |id: &mut Uuid| {
            if let Some(new) = map.get(id) {
                *id = *new;
            }
        };
        for event in &mut copy.events {
            if let Some(target) = &mut event.target_id {
                remap(target);
            }
            for action in &mut event.actions {
                action.config.for_each_ref(remap);
            }
        }
        (copy, map)
    }
}

/// Options belong to selects only, selects need some (unless filled at run time), and
/// values must be unique so an answer names exactly one option.
fn check_options(os: &OptionSet, path: &str, errors: &mut Vec<FieldError>) {
    let t = os.selection_type();
    if !t.takes_options() {
        if !os.options.is_empty() {
            errors.push(FieldError::new(
                format!("{path}.options"),
                format!("a {t} takes no options"),
            ));
        }
        return;
    }
    let dynamic = os.field.has_dynamic_options();
    if os.options.is_empty() && !dynamic {
        errors.push(FieldError::new(
            format!("{path}.options"),
            format!("a {t} needs at least one option (or `dynamic_options` in its settings)"),
        ));
    }
    if let Field::MultipleSelect(s) = &os.field
        && let Some(min) = s.min_selected
        && !dynamic
        && usize::try_from(min).is_ok_and(|m| m > os.options.len())
    {
        errors.push(FieldError::new(
            format!("{path}.settings.min_selected"),
            format!("is more than the {} options", os.options.len()),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (k, option) in os.options.iter().enumerate() {
        let opath = format!("{path}.options[{k}]");
        if option.label.trim().is_empty() {
            errors.push(FieldError::new(
                format!("{opath}.label"),
                "an option needs a label",
            ));
        }
        if option.value.is_empty() {
            errors.push(FieldError::new(
                format!("{opath}.value"),
                "an option needs a value",
            ));
        } else if let Some(first) = seen.get(option.value.as_str()) {
            errors.push(FieldError::new(
                format!("{opath}.value"),
                format!(
                    "value `{}` is already used by options[{first}]",
                    option.value
                ),
            ));
        } else {
            seen.insert(&option.value, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::condition::Operator;
    use crate::domain::{SelectSettings, TextSettings};
    use serde_json::json;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn answers(v: Value) -> Answers {
        match v {
            Value::Object(m) => m,
            _ => panic!("answers must be an object"),
        }
    }

    fn sample() -> Value {
        json!({
            "id": id(1),
            "name": "Onboarding",
            "description": "Sign a customer up",
            "category": "sales",
            "steps": [
                {
                    "id": id(10),
                    "title": "You",
                    "option_sets": [
                        {"id": id(100), "key": "name", "label": "Name", "required": true,
                         "selection_type": "text_input", "settings": {"max_length": 80}},
                        {"id": id(101), "key": "kind", "label": "Kind",
                         "selection_type": "single_select",
                         "options": [
                             {"id": id(1000), "label": "Person", "value": "person"},
                             {"id": id(1001), "label": "Company", "value": "company"}
                         ]},
                        {"id": id(102), "key": "vat", "label": "VAT number",
                         "selection_type": "text_input",
                         "show_if": {"field": "kind", "op": "eq", "value": "company"},
                         "require_if": {"field": "country", "op": "in", "value": ["fr", "de"]}},
                        {"id": id(103), "key": "country", "label": "Country",
                         "selection_type": "text_input",
                         "disable_if": {"field": "kind", "op": "empty"}},
                        {"id": id(104), "key": "nickname", "label": "Nickname", "required": true,
                         "selection_type": "text_input",
                         "hide_if": {"field": "kind", "op": "eq", "value": "company"}}
                    ]
                },
                {
                    "id": id(11),
                    "title": "Company details",
                    "show_if": {"field": "kind", "op": "eq", "value": "company"},
                    "option_sets": [
                        {"id": id(110), "key": "size", "label": "Employees",
                         "selection_type": "number_input", "settings": {"min": 1}}
                    ]
                }
            ]
        })
    }

    fn wizard(v: Value) -> Wizard {
        serde_json::from_value(v).unwrap()
    }

    fn paths(w: &Wizard) -> Vec<String> {
        w.check().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn sample_parses_checks_and_round_trips() {
        let w = wizard(sample());
        assert_eq!(w.check(), vec![]);
        assert_eq!(
            w.steps[0].option_sets[0].selection_type(),
            SelectionType::TextInput
        );
        assert_eq!(
            w.steps[0].option_sets[0].field,
            Field::TextInput(TextSettings {
                max_length: Some(80),
                ..Default::default()
            })
        );
        let v = serde_json::to_value(&w).unwrap();
        assert_eq!(
            v["steps"][0]["option_sets"][0]["selection_type"],
            "text_input"
        );
        assert_eq!(
            v["steps"][0]["option_sets"][0]["settings"]["max_length"],
            80
        );
        assert_eq!(wizard(v), w);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let mut v = sample();
        v["steps"][0]["option_sets"][0]["requried"] = json!(true);
        let e = serde_json::from_value::<Wizard>(v).unwrap_err().to_string();
        assert!(e.contains("requried"), "{e}");
        let mut v = sample();
        v["steps"][0]["option_sets"][0]["settings"]["max_lenght"] = json!(1);
        let e = serde_json::from_value::<Wizard>(v).unwrap_err().to_string();
        assert!(e.contains("max_lenght"), "{e}");
        let mut v = sample();
        v["colour"] = json!("red");
        assert!(serde_json::from_value::<Wizard>(v).is_err());
        let mut v = sample();
        v["steps"][0]["option_sets"][1]["options"][0]["colour"] = json!("red");
        assert!(serde_json::from_value::<Wizard>(v).is_err());
        let mut v = sample();
        v["steps"][0]["option_sets"][2]["show_if"]["op"] = json!("eqq");
        let e = serde_json::from_value::<Wizard>(v).unwrap_err().to_string();
        assert!(e.contains("unknown operator `eqq`"), "{e}");
    }

    #[test]
    fn catalog() {
        let w = wizard(sample());
        let c = w.field_catalog();
        assert_eq!(c.len(), 6);
        let kind = c.get("kind").unwrap();
        assert_eq!(kind.selection_type, SelectionType::SingleSelect);
        assert_eq!(
            kind.options.as_deref(),
            Some(&["person".to_owned(), "company".to_owned()][..])
        );
        assert_eq!(c.get("name").unwrap().options, None);
        assert!(c.get("nope").is_none());
    }

    #[test]
    fn visibility_required_disabled() {
        let w = wizard(sample());
        let os = |key: &str| w.option_set(key).unwrap();

        let a = answers(json!({}));
        assert_eq!(w.visible_steps(&a).len(), 1);
        assert!(!os("vat").is_visible(&a));
        assert!(!os("vat").is_required(&a));
        assert!(os("country").is_disabled(&a));
        assert!(os("nickname").is_visible(&a) && os("nickname").is_required(&a));
        assert!(os("name").is_required(&a));

        let a = answers(json!({"kind": "company"}));
        let steps: Vec<Uuid> = w.visible_steps(&a).iter().map(|s| s.id).collect();
        assert_eq!(steps, [id(10), id(11)]);
        assert!(os("vat").is_visible(&a));
        assert!(!os("vat").is_required(&a));
        assert!(!os("country").is_disabled(&a));
        assert!(!os("nickname").is_visible(&a));
        assert!(
            !os("nickname").is_required(&a),
            "hidden fields are never required"
        );

        let a = answers(json!({"kind": "company", "country": "fr"}));
        assert!(os("vat").is_required(&a));
        let a = answers(json!({"kind": "person", "country": "fr"}));
        assert!(
            !os("vat").is_required(&a),
            "require_if does not apply when hidden"
        );
    }

    #[test]
    fn check_reports_structural_problems() {
        let mut v = sample();
        v["name"] = json!("  ");
        // duplicate key and duplicate id
        v["steps"][1]["option_sets"][0]["key"] = json!("name");
        v["steps"][1]["option_sets"][0]["id"] = json!(id(100));
        // options on a text input
        v["steps"][0]["option_sets"][0]["options"] =
            json!([{"id": id(2000), "label": "x", "value": "x"}]);
        // duplicate option value, empty label
        v["steps"][0]["option_sets"][1]["options"][0]["value"] = json!("company");
        v["steps"][0]["option_sets"][1]["options"][1]["label"] = json!("");
        // settings problem
        v["steps"][0]["option_sets"][3]["settings"] = json!({"min_length": 5, "max_length": 2});
        let w = wizard(v);
        assert_eq!(
            paths(&w),
            [
                "name",
                "steps[0].option_sets[0].options",
                "steps[0].option_sets[1].options[1].label",
                "steps[0].option_sets[1].options[1].value",
                "steps[0].option_sets[3].settings.min_length",
                "steps[1].option_sets[0].id",
                "steps[1].option_sets[0].key",
            ]
        );
        let messages: Vec<String> = w.check().into_iter().map(|e| e.message).collect();
        assert!(messages.contains(&"id 00000000-0000-0000-0000-000000000064 is already used by steps[0].option_sets[0]".to_owned()));
        assert!(
            messages.contains(&"key `name` is already used by steps[0].option_sets[0]".to_owned())
        );
    }

    #[test]
    fn check_reports_select_problems() {
        let mut w = wizard(sample());
        w.steps[0].option_sets[1].options.clear();
        w.steps[0].option_sets.push(OptionSet {
            id: id(200),
            key: FieldKey::try_from("tags").unwrap(),
            label: "Tags".into(),
            help_text: String::new(),
            required: false,
            field: Field::MultipleSelect(SelectSettings {
                min_selected: Some(2),
                ..Default::default()
            }),
            show_if: None,
            hide_if: None,
            disable_if: None,
            require_if: None,
            options: vec![WizardOption {
                id: id(201),
                label: "A".into(),
                value: "a".into(),
                description: String::new(),
            }],
        });
        assert_eq!(
            paths(&w),
            [
                "steps[0].option_sets[1].options",
                // `company` is no longer an option of `kind`
                "steps[0].option_sets[2].show_if.value",
                "steps[0].option_sets[4].hide_if.value",
                "steps[0].option_sets[5].settings.min_selected",
                "steps[1].show_if.value",
            ]
        );
        // options filled at run time: no static options needed, values not checked
        if let Field::SingleSelect(s) = &mut w.steps[0].option_sets[1].field {
            s.dynamic_options = true;
        }
        if let Field::MultipleSelect(s) = &mut w.steps[0].option_sets[5].field {
            s.dynamic_options = true;
        }
        assert_eq!(paths(&w), Vec::<String>::new());
    }

    #[test]
    fn check_reports_condition_problems_with_paths() {
        let mut v = sample();
        v["steps"][1]["show_if"] = json!({"all": [
            {"field": "kind", "op": "eq", "value": "company"},
            {"field": "size", "op": "gt", "value": "ten"},
            {"field": "ghost", "op": "empty"}
        ]});
        v["steps"][0]["option_sets"][0]["disable_if"] =
            json!({"not": {"field": "name", "op": "gt", "value": 1}});
        let w = wizard(v);
        assert_eq!(
            paths(&w),
            [
                "steps[0].option_sets[0].disable_if.not.op",
                "steps[1].show_if.all[1].value",
                "steps[1].show_if.all[2].field",
            ]
        );
    }

    #[test]
    fn condition_helpers_on_option_sets() {
        let mut w = wizard(sample());
        let os = &mut w.steps[0].option_sets[2];
        let names: Vec<&str> = os.conditions().map(|(n, _)| n).collect();
        assert_eq!(names, ["show_if", "require_if"]);
        for c in os.conditions_mut() {
            for k in c.fields_mut() {
                *k = FieldKey::try_from("renamed").unwrap();
            }
        }
        assert_eq!(
            os.show_if,
            Some(Condition::leaf(
                FieldKey::try_from("renamed").unwrap(),
                Operator::Eq,
                Some(json!("company"))
            ))
        );
    }

    #[test]
    fn long_names_are_refused() {
        let mut w = wizard(sample());
        w.name = "x".repeat(MAX_NAME_LEN + 1);
        assert_eq!(paths(&w), ["name"]);
    }
}

//! An MCP tool's `inputSchema` (JSON Schema) or a library action's declared parameters as
//! form inputs: one per top-level property, with its type, required mark, default,
//! description and bounds, and the conversion of
//! what is typed into the argument's JSON value. A value holding `{{` is a template, known
//! only at run time (the server's `mcp_call` check skips it and checks the rendered value).
//! Pure, so it is unit-tested here; the server still validates every literal on save.

use serde_json::{Map, Value};
use wizard_core::domain::library::{ActionParam, Direction, ParamType};
use wizard_core::domain::pattern::compile_regex;

/// The server's rule for a templated argument (`mcp_call`'s check): it holds `{{`.
fn is_template(s: &str) -> bool {
    s.contains("{{")
}

/// How an argument is typed in.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Number,
    Integer,
    Boolean,
    /// `enum`: one of these values.
    Choice(Vec<Value>),
    /// Arrays, objects and anything the form has no better input for: JSON text.
    Json,
}

/// One top-level property of the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: Kind,
    /// The schema's type name, for the label (`string`, `integer`, `array`, …).
    pub type_name: String,
    pub required: bool,
    pub default: Option<Value>,
    pub description: String,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub pattern: Option<String>,
}

impl Param {
    /// The description and the bounds, for the hint under the input.
    pub fn hint(&self) -> String {
        let c = self.constraints();
        match (self.description.is_empty(), c.is_empty()) {
            (false, false) => format!("{} · {c}", self.description),
            (false, true) => self.description.clone(),
            (true, _) => c,
        }
    }

    /// The bounds as a hint ("at least 1, at most 10", "matches ^[A-Z]+$").
    pub fn constraints(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.minimum {
            parts.push(format!("at least {m}"));
        }
        if let Some(m) = self.maximum {
            parts.push(format!("at most {m}"));
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("matches {p}"));
        }
        if let Some(d) = &self.default {
            parts.push(format!("default {}", text_of(d)));
        }
        parts.join(", ")
    }
}

fn type_of(schema: &Map<String, Value>) -> String {
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        // `["string", "null"]`: the first non-null type.
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("any")
            .to_owned(),
        _ => "any".to_owned(),
    }
}

/// The properties of a tool's schema, required ones first, each group by name.
pub fn params(schema: &Value) -> Vec<Param> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<Param> = props
        .iter()
        .map(|(name, p)| {
            let empty = Map::new();
            let p = p.as_object().unwrap_or(&empty);
            let type_name = type_of(p);
            let kind = match (p.get("enum").and_then(Value::as_array), type_name.as_str()) {
                (Some(values), _) => Kind::Choice(values.clone()),
                (None, "string") => Kind::Text,
                (None, "number") => Kind::Number,
                (None, "integer") => Kind::Integer,
                (None, "boolean") => Kind::Boolean,
                _ => Kind::Json,
            };
            Param {
                name: name.clone(),
                kind,
                type_name,
                required: required.contains(&name.as_str()),
                default: p.get("default").cloned(),
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                minimum: p.get("minimum").and_then(Value::as_f64),
                maximum: p.get("maximum").and_then(Value::as_f64),
                pattern: p.get("pattern").and_then(Value::as_str).map(str::to_owned),
            }
        })
        .collect();
    out.sort_by(|a, b| b.required.cmp(&a.required).then(a.name.cmp(&b.name)));
    out
}

/// The input parameters of a library action as the form's params, in their declared
/// order; one with a default is never required here (the default applies).
pub fn library_params(declared: &[ActionParam]) -> Vec<Param> {
    declared
        .iter()
        .filter(|p| p.direction != Direction::Output)
        .map(|p| {
            let kind = match p.param_type {
                ParamType::String | ParamType::Date => Kind::Text,
                ParamType::Int => Kind::Integer,
                ParamType::Number => Kind::Number,
                ParamType::Boolean => Kind::Boolean,
                ParamType::Object | ParamType::Array => Kind::Json,
            };
            Param {
                name: p.name.clone(),
                kind,
                type_name: p.param_type.to_string(),
                required: p.is_required && p.default.is_none(),
                default: p.default.clone(),
                description: p.description.clone(),
                minimum: None,
                maximum: None,
                pattern: (p.param_type == ParamType::Date)
                    .then(|| r"^\d{4}-\d{2}-\d{2}".to_owned()),
            }
        })
        .collect()
}

/// A value as its input shows it: strings as they are, everything else as JSON.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What is typed for `p`, as the argument's value: `None` when left empty (the argument is
/// left out), a string when it is a template, otherwise a value of the declared type, or a
/// message saying why it is not one.
pub fn value_of(p: &Param, text: &str) -> Result<Option<Value>, String> {
    let t = text.trim();
    if t.is_empty() {
        return if p.required {
            Err("required: give a value or a template".to_owned())
        } else {
            Ok(None)
        };
    }
    if is_template(t) {
        return Ok(Some(Value::String(t.to_owned())));
    }
    let number = |v: f64| -> Result<(), String> {
        if let Some(m) = p.minimum
            && v < m
        {
            return Err(format!("must be at least {m}"));
        }
        if let Some(m) = p.maximum
            && v > m
        {
            return Err(format!("must be at most {m}"));
        }
        Ok(())
    };
    match &p.kind {
        Kind::Text => {
            if let Some(pattern) = &p.pattern
                && let Ok(re) = compile_regex(pattern)
                && !re.is_match(text)
            {
                return Err(format!("must match {pattern}"));
            }
            Ok(Some(Value::String(text.to_owned())))
        }
        Kind::Integer => {
            let n: i64 = t
                .parse()
                .map_err(|_| "a whole number (or a {{ template }})".to_owned())?;
            number(n as f64)?;
            Ok(Some(Value::from(n)))
        }
        Kind::Number => {
            let n: f64 = t
                .parse()
                .map_err(|_| "a number (or a {{ template }})".to_owned())?;
            number(n)?;
            serde_json::Number::from_f64(n)
                .map(|n| Some(Value::Number(n)))
                .ok_or_else(|| "a finite number".to_owned())
        }
        Kind::Boolean => match t {
            "true" => Ok(Some(Value::Bool(true))),
            "false" => Ok(Some(Value::Bool(false))),
            _ => Err("true or false (or a {{ template }})".to_owned()),
        },
        Kind::Choice(values) => values
            .iter()
            .find(|v| text_of(v) == t)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                let names: Vec<String> = values.iter().map(text_of).collect();
                format!("one of {}", names.join(", "))
            }),
        Kind::Json => serde_json::from_str(t)
            .map(Some)
            .map_err(|e| format!("not JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "timezone": {"type": "string", "description": "IANA name", "pattern": "^[A-Za-z_/]+$"},
                "count": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
                "ratio": {"type": ["number", "null"]},
                "loud": {"type": "boolean"},
                "unit": {"type": "string", "enum": ["c", "f"]},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["timezone", "unit"]
        })
    }

    fn param(name: &str) -> Param {
        params(&schema())
            .into_iter()
            .find(|p| p.name == name)
            .expect("a param")
    }

    #[test]
    fn properties_become_typed_params_required_first() {
        let ps = params(&schema());
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["timezone", "unit", "count", "loud", "ratio", "tags"]
        );
        assert_eq!(ps[0].kind, Kind::Text);
        assert!(ps[0].required && !ps[2].required);
        assert_eq!(ps[1].kind, Kind::Choice(vec![json!("c"), json!("f")]));
        assert_eq!(param("ratio").kind, Kind::Number);
        assert_eq!(param("tags").kind, Kind::Json);
        assert_eq!(
            param("count").constraints(),
            "at least 1, at most 10, default 3"
        );
        assert!(params(&json!({"type": "object"})).is_empty());
    }

    #[test]
    fn typed_text_becomes_the_declared_type_or_says_why_not() {
        assert_eq!(value_of(&param("count"), " 4 "), Ok(Some(json!(4))));
        assert_eq!(
            value_of(&param("count"), "11"),
            Err("must be at most 10".to_owned())
        );
        assert!(value_of(&param("count"), "four").is_err());
        assert_eq!(value_of(&param("count"), ""), Ok(None));
        assert_eq!(value_of(&param("ratio"), "0.5"), Ok(Some(json!(0.5))));
        assert_eq!(value_of(&param("loud"), "true"), Ok(Some(json!(true))));
        assert_eq!(value_of(&param("unit"), "f"), Ok(Some(json!("f"))));
        assert_eq!(value_of(&param("unit"), "k"), Err("one of c, f".to_owned()));
        assert_eq!(value_of(&param("tags"), r#"["a"]"#), Ok(Some(json!(["a"]))));
        assert!(value_of(&param("tags"), "[a").is_err());
        assert_eq!(
            value_of(&param("timezone"), "Europe/Paris"),
            Ok(Some(json!("Europe/Paris")))
        );
        assert_eq!(
            value_of(&param("timezone"), "Paris 1"),
            Err("must match ^[A-Za-z_/]+$".to_owned())
        );
        assert!(value_of(&param("timezone"), "").is_err(), "required");
    }

    #[test]
    fn a_template_is_kept_as_text_whatever_the_type() {
        assert_eq!(
            value_of(&param("count"), "{{ fields.n }}"),
            Ok(Some(json!("{{ fields.n }}")))
        );
        assert_eq!(
            value_of(&param("unit"), "{{ fields.unit }}"),
            Ok(Some(json!("{{ fields.unit }}")))
        );
    }

    #[test]
    fn library_params_become_typed_inputs_without_outputs() {
        let declared: Vec<ActionParam> = serde_json::from_value(json!([
            {"name": "LastName", "type": "string", "is_required": true},
            {"name": "Count", "type": "int", "is_required": true, "default": 1},
            {"name": "When", "type": "date"},
            {"name": "Data", "type": "object"},
            {"name": "Id", "type": "string", "direction": "output"}
        ]))
        .expect("params");
        let ps = library_params(&declared);
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["LastName", "Count", "When", "Data"]);
        assert!(ps[0].required);
        assert!(!ps[1].required, "a default makes it optional");
        assert_eq!(ps[1].kind, Kind::Integer);
        assert_eq!(value_of(&ps[1], "7"), Ok(Some(json!(7))));
        assert!(value_of(&ps[2], "tomorrow").is_err());
        assert_eq!(
            value_of(&ps[2], "2026-12-04"),
            Ok(Some(json!("2026-12-04")))
        );
        assert_eq!(value_of(&ps[3], r#"{"a": 1}"#), Ok(Some(json!({"a": 1}))));
    }
}

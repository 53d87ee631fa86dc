//! Tool arguments against the tool's `inputSchema` (JSON Schema), reported per argument so a
//! builder sees `arguments.timezone` rather than a schema path.

use serde_json::{Map, Value};

/// One argument the schema refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgumentProblem {
    /// The top-level argument name (a missing required one, or the one holding the bad value).
    pub argument: String,
    pub message: String,
}

/// Checks `arguments` against `schema`. A schema the validator cannot compile (e.g. one that
/// refers to remote documents) is not held against the builder: the server checks anyway.
pub fn validate(schema: &Value, arguments: &Map<String, Value>) -> Vec<ArgumentProblem> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "an MCP tool's inputSchema cannot be compiled; arguments are not checked");
            return Vec::new();
        }
    };
    let instance = Value::Object(arguments.clone());
    let mut out = Vec::new();
    for err in validator.iter_errors(&instance) {
        let pointer = err.instance_path.as_str();
        let message = err.to_string();
        match first_segment(pointer) {
            Some(arg) => out.push(ArgumentProblem {
                argument: arg,
                message,
            }),
            None => match &err.kind {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    out.push(ArgumentProblem {
                        argument: property
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| property.to_string()),
                        message: "is required".into(),
                    })
                }
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    for name in unexpected {
                        out.push(ArgumentProblem {
                            argument: name.clone(),
                            message: "is not an argument of this tool".into(),
                        });
                    }
                }
                _ => out.push(ArgumentProblem {
                    argument: String::new(),
                    message,
                }),
            },
        }
    }
    out
}

/// `/a~1b/0` → `a/b` (RFC 6901 unescaping of the first token).
fn first_segment(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix('/')?;
    let token = rest.split('/').next().unwrap_or(rest);
    Some(token.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_argument() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "string"}},
            "required": ["a", "b"],
            "additionalProperties": false
        });
        let args = json!({"a": "x", "c": 1});
        let got = validate(&schema, args.as_object().expect("object"));
        let mut names: Vec<&str> = got.iter().map(|p| p.argument.as_str()).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "c"], "{got:?}");
        assert!(validate(&schema, json!({"a": 1, "b": "x"}).as_object().expect("o")).is_empty());
    }
}

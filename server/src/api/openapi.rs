//! The served OpenAPI document: utoipa's output, completed so that it describes what the
//! server actually answers (issue 10 §3; checked in CI by schemathesis, see `scripts/test`).
//!
//! Two things are done here once, for every operation, instead of by hand in each
//! annotation:
//! - **Flattened bodies.** utoipa documents `#[serde(flatten)]` as `allOf` of the inner
//!   type and the outer fields. When the inner type refuses unknown members
//!   (`additionalProperties: false`), no object satisfies both parts. Such an `allOf` of
//!   objects is merged into the one object the wire carries.
//! - **The statuses every extractor can answer.** A JSON body may be malformed (400), too
//!   large (413), not JSON (415) or ill-typed (422); a secured operation answers 401
//!   without a session, and 403 to a role below the area's (runners on the builders'
//!   areas, non-admins on the admin ones); a path or query parameter may be ill-formed
//!   (422) or name nothing (404). Each is added, as a problem document, where the
//!   annotation left it out.

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

/// The document as served at `/api/v1/openapi.json`.
pub fn document(doc: &OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|e| {
        // A utoipa document always serializes; this guards the impossible without a panic.
        tracing::error!(error = %e, "the OpenAPI document does not serialize");
        Value::Object(Map::new())
    });
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    flatten_all_of(&mut doc, &components);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut().filter_map(Value::as_object_mut) {
                add_standard_responses(op);
            }
        }
    }
    doc
}

/// Replaces, anywhere in `value`, an `allOf` whose members are all objects (inline, or
/// `$ref`s to object components) by the merged object.
fn flatten_all_of(value: &mut Value, components: &Map<String, Value>) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                flatten_all_of(v, components);
            }
            if let Some(merged) = map
                .get("allOf")
                .and_then(Value::as_array)
                .filter(|parts| parts.len() > 1)
                .and_then(|parts| merge_objects(parts, components))
            {
                map.remove("allOf");
                for (k, v) in merged {
                    map.entry(k).or_insert(v);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                flatten_all_of(v, components);
            }
        }
        _ => {}
    }
}

/// The union of object schemas: properties, required names, and `additionalProperties:
/// false` when any part had it (the union names every member the wire may carry).
fn merge_objects(parts: &[Value], components: &Map<String, Value>) -> Option<Map<String, Value>> {
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut closed = false;
    for part in parts {
        let mut schema = resolve(part, components, 0)?.clone();
        // A component may itself be a flattened type.
        flatten_all_of(&mut schema, components);
        let object = schema.as_object()?;
        if object.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        if object
            .keys()
            .any(|k| matches!(k.as_str(), "oneOf" | "anyOf" | "allOf"))
        {
            return None;
        }
        if let Some(props) = object.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                properties.insert(k.clone(), v.clone());
            }
        }
        for name in object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
        closed |= object.get("additionalProperties") == Some(&Value::Bool(false));
    }
    let mut merged = Map::new();
    merged.insert("type".into(), json!("object"));
    merged.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    if closed {
        merged.insert("additionalProperties".into(), Value::Bool(false));
    }
    Some(merged)
}

/// Follows a `$ref` to a component (a few hops at most).
fn resolve<'a>(
    schema: &'a Value,
    components: &'a Map<String, Value>,
    depth: u8,
) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) if depth < 8 => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            resolve(components.get(name)?, components, depth + 1)
        }
        Some(_) => None,
        None => Some(schema),
    }
}

/// Tags of the areas a role guards (`CurrentUser::require`): builders' and admins'.
const GUARDED_TAGS: &[&str] = &[
    "users",
    "wizards",
    "steps",
    "option sets",
    "options",
    "templates",
    "events",
    "api configs",
    "mcp",
    "library",
    "admin",
];

/// Adds the statuses the extractors and the session check answer to one operation.
fn add_standard_responses(op: &mut Map<String, Value>) {
    let body_types: Vec<String> = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let json_body = body_types.iter().any(|t| t.ends_with("json"));
    let params: Vec<String> = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("in").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let guarded = op
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|tag| GUARDED_TAGS.contains(&tag));

    let mut add = |status: &str, description: &str| {
        let responses = op
            .entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(responses) = responses.as_object_mut() {
            responses
                .entry(status)
                .or_insert_with(|| problem(description));
        }
    };
    if json_body {
        add("400", "The body is not well-formed JSON");
        add(
            "415",
            "The body is not sent as `Content-Type: application/json`",
        );
    }
    if !body_types.is_empty() {
        add("413", "The body is larger than this endpoint accepts");
        add("422", "Invalid input; `errors` names each field");
    }
    if secured {
        add(
            "401",
            "Sign-in required (no, an expired or a signed-out session)",
        );
        if guarded {
            add("403", "Your role may not use this area");
        }
    }
    if params.iter().any(|p| p == "path") {
        add("404", "Nothing with this id that you may see");
    }
    if !params.is_empty() {
        add("422", "Invalid input; `errors` names each field");
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_of_of_closed_objects_becomes_one_closed_object() {
        let components = json!({
            "Inner": {"type": "object", "required": ["name"], "additionalProperties": false,
                      "properties": {"name": {"type": "string"}}}
        });
        let mut schema = json!({"description": "d", "allOf": [
            {"$ref": "#/components/schemas/Inner"},
            {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}
        ]});
        flatten_all_of(&mut schema, components.as_object().unwrap());
        assert_eq!(
            schema,
            json!({"description": "d", "type": "object", "additionalProperties": false,
                   "required": ["name", "version"],
                   "properties": {"name": {"type": "string"}, "version": {"type": "integer"}}})
        );
    }

    #[test]
    fn an_all_of_with_a_one_of_is_left_alone() {
        let components = json!({"Tagged": {"oneOf": [{"type": "object"}]}});
        let mut schema =
            json!({"allOf": [{"$ref": "#/components/schemas/Tagged"}, {"type": "object"}]});
        let before = schema.clone();
        flatten_all_of(&mut schema, components.as_object().unwrap());
        assert_eq!(schema, before);
    }
}

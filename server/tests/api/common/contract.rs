//! The API contract, checked on every response the tests get: the status must be one the
//! OpenAPI document lists for the operation, and a JSON body must match the schema it
//! documents for that status (issue 10 §3). The document is the one the server serves
//! (`server::api::openapi_document`), so a change that makes the wire and the document
//! disagree fails the test that exercised it, with the operation, status and schema error.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::{Map, Value, json};

struct Operation {
    method: String,
    template: String,
    /// `None` for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// Documented status → its response object, and the validator of its JSON body
    /// (none when it has no body), compiled on first use.
    responses: BTreeMap<String, (Value, OnceLock<Option<Validator>>)>,
}

struct Contract {
    operations: Vec<Operation>,
    components: Value,
}

fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| build(&server::api::openapi_document()))
}

fn build(doc: &Value) -> Contract {
    let components = doc.pointer("/components").cloned().unwrap_or(json!({}));
    let mut operations = Vec::new();
    for (template, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, response)| (status.clone(), (response.clone(), OnceLock::new())))
                .collect();
            operations.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                segments: template
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect(),
                responses,
            });
        }
    }
    Contract {
        operations,
        components,
    }
}

/// The validator of a response's JSON schema; the components ride along so that
/// `#/components/schemas/…` references resolve inside the one document.
fn validator_of(response: &Value, components: &Value) -> Option<Validator> {
    let content = response.get("content")?.as_object()?;
    let schema = content
        .iter()
        .find(|(media, _)| media.ends_with("json"))
        .and_then(|(_, c)| c.get("schema"))?;
    let mut root: Map<String, Value> = schema.as_object()?.clone();
    root.insert("components".into(), components.clone());
    Some(
        jsonschema::draft202012::new(&Value::Object(root))
            .unwrap_or_else(|e| panic!("the OpenAPI document has an invalid schema: {e}")),
    )
}

/// The operation `method path` reaches: the matching template with the most literal
/// segments (`/wizards/templates` before `/wizards/{id}`).
fn operation<'a>(contract: &'a Contract, method: &str, path: &str) -> Option<&'a Operation> {
    let segments: Vec<&str> = path.split('/').collect();
    contract
        .operations
        .iter()
        .filter(|op| op.method == method && op.segments.len() == segments.len())
        .filter(|op| {
            op.segments
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.as_deref().is_none_or(|t| t == *s))
        })
        .max_by_key(|op| op.segments.iter().filter(|s| s.is_some()).count())
}

/// Checks one response; `Err` says what disagrees with the document.
pub fn check(
    method: &str,
    path: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(), String> {
    let path = path.split('?').next().unwrap_or(path);
    if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
        return Ok(());
    }
    // Unknown paths and methods are the fallbacks' business, not an operation's.
    let Some(op) = operation(contract(), method, path) else {
        return Ok(());
    };
    let name = format!("{method} {}", op.template);
    let contract = contract();
    let Some((response, validator)) = op.responses.get(&status.to_string()) else {
        let documented: Vec<&String> = op.responses.keys().collect();
        return Err(format!(
            "{name} answered {status}, which the document does not list (it lists {documented:?}): {}",
            String::from_utf8_lossy(body)
        ));
    };
    let Some(validator) = validator
        .get_or_init(|| validator_of(response, &contract.components))
        .as_ref()
    else {
        return Ok(());
    };
    if !content_type.contains("json") {
        return Err(format!(
            "{name} {status} documents a JSON body but sent `{content_type}`"
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("{name} {status} sent a body that is not JSON: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(5)
        .map(|e| format!("at `{}`: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} {status}: the body does not match the documented schema:\n  {}\nbody: {}",
            errors.join("\n  "),
            truncate(&value.to_string())
        ))
    }
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(2000) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Reads the response, checks it (panicking with the disagreement), and hands back an
/// equivalent response for the test to read.
pub async fn conform(method: &str, path: &str, resp: reqwest::Response) -> reqwest::Response {
    if !path.starts_with("/api/v1/") {
        return resp;
    }
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("response body");
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Err(disagreement) = check(method, path, status.as_u16(), content_type, &body) {
        panic!("the API and its OpenAPI document disagree: {disagreement}");
    }
    let mut rebuilt = axum::http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}

//! The template language of action configurations (DESIGN §4): `{{ path | filter }}` with
//! minijinja. A string that is exactly one `{{ … }}` keeps the JSON type of its value (a
//! number stays a number); anywhere else it interpolates. Templates are checked when saved:
//! every path must start at a known root and name a known field / earlier action.
//!
//! OWNER: events helper (issue 4). Signatures are the contract.

use serde_json::Value;

/// What a template may name: the roots are fixed (`fields`, `run`, `wizard`, `step`,
/// `event`, `actions`); `fields.<key>` must be a field of the wizard and `actions.<name>`
/// an earlier action of the same event.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub fields: Vec<String>,
    pub actions: Vec<String>,
}

/// Problems of every template inside `template` (strings in objects and arrays, keys
/// included), each as (JSON path below `path`, message).
pub fn check(template: &Value, scope: &Scope, path: &str) -> Vec<(String, String)> {
    let _ = (template, scope, path);
    todo!("events helper")
}

/// Resolves every template inside `template` against `context`.
pub fn render(template: &Value, context: &Value) -> Result<Value, String> {
    let _ = (template, context);
    todo!("events helper")
}

/// Resolves a template string to a string (interpolation, whatever its shape).
pub fn render_str(template: &str, context: &Value) -> Result<String, String> {
    let _ = (template, context);
    todo!("events helper")
}

//! The language model that writes library code (DESIGN §5, issue 14): the admin's settings
//! as they travel, what a generation proposes, and the pure reading of a model's reply into
//! code and parameters. Models wrap their answer in prose and code fences, misname fields
//! and invent types; [`read_reply`] accepts the common shapes and names what is wrong with
//! the rest, so a bad reply is a clear message and never a half-saved action.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::library::{ActionParam, Direction, MAX_CODE_LEN, ParamType, check_params};
use crate::domain::problem::FieldError;
use crate::domain::text_enum::text_enum;

text_enum!(
    /// Which wire protocol the model's server speaks.
    LlmProvider {
        /// `POST {base_url}/chat/completions` (OpenAI, Ollama, llama.cpp, vLLM, …).
        OpenaiCompatible = "openai_compatible",
        /// `POST {base_url}/v1/messages` (Anthropic Messages).
        Anthropic = "anthropic",
    }
);

/// Default time a model may take to answer, in milliseconds.
pub const DEFAULT_LLM_TIMEOUT_MS: u64 = 60_000;
/// Longest reply read from a model, in bytes.
pub const MAX_REPLY_BYTES: usize = 512 * 1024;
/// Longest description a builder may ask for.
pub const MAX_DESCRIPTION_LEN: usize = 4_000;

/// `GET /admin/llm`: the settings without the key (only whether one is set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LlmSettingsView {
    /// False until an admin saves settings: generation then says so.
    pub configured: bool,
    pub provider: LlmProvider,
    pub base_url: String,
    pub model: String,
    /// Whether an API key is stored (it is never shown).
    pub api_key_set: bool,
    pub timeout_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl Default for LlmSettingsView {
    fn default() -> Self {
        Self {
            configured: false,
            provider: LlmProvider::OpenaiCompatible,
            base_url: String::new(),
            model: String::new(),
            api_key_set: false,
            timeout_ms: DEFAULT_LLM_TIMEOUT_MS,
            updated_at: None,
        }
    }
}

fn default_timeout_ms() -> u64 {
    DEFAULT_LLM_TIMEOUT_MS
}

/// `PUT /admin/llm`. The key is write-only: leave `api_key` out to keep the stored one,
/// send a new one to replace it, or set `clear_api_key` to remove it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LlmSettingsUpdate {
    pub provider: LlmProvider,
    /// `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama),
    /// `https://api.anthropic.com`.
    pub base_url: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default)]
    pub clear_api_key: bool,
    /// 1 000 to 600 000.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

impl LlmSettingsUpdate {
    /// The rules that need nothing but the request, by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let url = self.base_url.trim();
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        let host = url.split("://").nth(1).unwrap_or_default();
        if !scheme_ok
            || host.is_empty()
            || host.starts_with('/')
            || url.contains(char::is_whitespace)
        {
            errors.push(FieldError::new(
                "base_url",
                "an absolute http:// or https:// URL, such as https://api.openai.com/v1",
            ));
        }
        let model = self.model.trim();
        if model.is_empty() || model.chars().count() > 200 {
            errors.push(FieldError::new("model", "must be 1 to 200 characters"));
        }
        if !(1_000..=600_000).contains(&self.timeout_ms) {
            errors.push(FieldError::new(
                "timeout_ms",
                "must be between 1000 and 600000 milliseconds",
            ));
        }
        if self.clear_api_key && self.api_key.as_deref().is_some_and(|k| !k.is_empty()) {
            errors.push(FieldError::new(
                "clear_api_key",
                "send either a new api_key or clear_api_key, not both",
            ));
        }
        if self.api_key.as_deref().is_some_and(|k| k.len() > 4_096) {
            errors.push(FieldError::new("api_key", "at most 4096 characters"));
        }
        errors
    }
}

/// Body of `POST /library/actions/{id}/generate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GenerateRequest {
    /// What the action should do, in the builder's words.
    pub description: String,
    /// The action's `version` the builder is looking at (409 when stale).
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
}

text_enum!(
    /// One line of a code diff.
    DiffTag {
        Same = "same",
        Added = "added",
        Removed = "removed",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiffLine {
    pub tag: DiffTag,
    pub text: String,
}

text_enum!(
    /// What a proposal does to one parameter.
    ParamChangeKind {
        Added = "added",
        Removed = "removed",
        Changed = "changed",
        Unchanged = "unchanged",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ParamChange {
    pub name: String,
    pub change: ParamChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ActionParam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ActionParam>,
}

/// What `generate` proposes: a stored code version that is not yet current. Accepting it
/// is restoring it (`POST …/code-versions/{number}/restore`), which syncs the parameters
/// and puts the code up for review; discarding it is doing nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GenerationView {
    /// The code version that holds the proposal.
    pub number: i64,
    /// `generated` (the action had no code) or `regenerated`.
    pub reason: String,
    pub code: String,
    pub params: Vec<ActionParam>,
    /// The current code against the proposed, line by line.
    pub code_diff: Vec<DiffLine>,
    /// Current parameters against proposed, in the proposed order, then removed ones.
    pub param_changes: Vec<ParamChange>,
}

/// Code and parameters read from a model's reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub code: String,
    pub params: Vec<ActionParam>,
}

/// Compares parameter lists by name: the proposed ones in order (added, changed or
/// unchanged), then the current ones the proposal drops.
pub fn param_changes(current: &[ActionParam], proposed: &[ActionParam]) -> Vec<ParamChange> {
    let mut out: Vec<ParamChange> = proposed
        .iter()
        .map(|p| {
            let before = current.iter().find(|c| c.name == p.name).cloned();
            let change = match &before {
                None => ParamChangeKind::Added,
                Some(b) if b == p => ParamChangeKind::Unchanged,
                Some(_) => ParamChangeKind::Changed,
            };
            ParamChange {
                name: p.name.clone(),
                change,
                before,
                after: Some(p.clone()),
            }
        })
        .collect();
    out.extend(
        current
            .iter()
            .filter(|c| !proposed.iter().any(|p| p.name == c.name))
            .map(|c| ParamChange {
                name: c.name.clone(),
                change: ParamChangeKind::Removed,
                before: Some(c.clone()),
                after: None,
            }),
    );
    out
}

/// Reads code and parameters out of a model's reply: a JSON object
/// `{"code": "…", "params": [{"name", "type", "required", "default", "description",
/// "direction"}]}`, bare, in a code fence or with prose around it; or the code in a
/// JavaScript fence with the parameters in a JSON one. Every refusal says what was wrong.
pub fn read_reply(reply: &str) -> Result<Generated, String> {
    let text = reply.trim();
    if text.is_empty() {
        return Err("the model returned an empty reply".into());
    }
    if text.len() > MAX_REPLY_BYTES {
        return Err(format!(
            "the model's reply is longer than {} KB",
            MAX_REPLY_BYTES / 1024
        ));
    }
    let object = json_objects(text)
        .find(|o| o.contains_key("code") || o.contains_key("params"))
        .or_else(|| from_fences(text));
    let Some(object) = object else {
        return Err(
            "the model's reply holds no JSON object with `code` and `params` (it may be cut off or malformed)"
                .into(),
        );
    };
    let code = match object.get("code") {
        Some(Value::String(c)) => strip_fence(c).trim().to_owned(),
        Some(other) => {
            return Err(format!(
                "the reply's `code` is {} instead of a string",
                json_kind(other)
            ));
        }
        None => return Err("the reply has no `code`".into()),
    };
    if code.is_empty() {
        return Err("the reply's `code` is empty".into());
    }
    if code.len() > MAX_CODE_LEN {
        return Err(format!(
            "the reply's `code` is longer than {MAX_CODE_LEN} bytes"
        ));
    }
    let params = match object.get("params").or_else(|| object.get("parameters")) {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, p)| read_param(i, p))
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!(
                "the reply's `params` is {} instead of a list",
                json_kind(other)
            ));
        }
        None => return Err("the reply lists no `params` (an empty list `[]` if none)".into()),
    };
    let problems = check_params(&params);
    if let Some(first) = problems.first() {
        return Err(format!(
            "the reply's parameters do not fit: {}: {}",
            first.field, first.message
        ));
    }
    Ok(Generated { code, params })
}

/// Every JSON object that starts at a `{` of `text`, in order (trailing text ignored).
fn json_objects(text: &str) -> impl Iterator<Item = Map<String, Value>> + '_ {
    text.match_indices('{').take(400).filter_map(|(at, _)| {
        serde_json::Deserializer::from_str(&text[at..])
            .into_iter::<Value>()
            .next()
            .and_then(Result::ok)
            .and_then(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
    })
}

/// The code of the first JavaScript fence with the parameters of a JSON fence (a list, or
/// an object with `params`).
fn from_fences(text: &str) -> Option<Map<String, Value>> {
    let fences = fences(text);
    let code = fences
        .iter()
        .find(|(lang, _)| matches!(lang.as_str(), "js" | "javascript" | "ts" | "typescript"))?;
    let params = fences.iter().find_map(|(lang, body)| {
        if lang != "json" {
            return None;
        }
        match serde_json::from_str::<Value>(body).ok()? {
            v @ Value::Array(_) => Some(v),
            Value::Object(mut o) => o.remove("params"),
            _ => None,
        }
    });
    let mut out = Map::new();
    out.insert("code".into(), Value::String(code.1.clone()));
    if let Some(p) = params {
        out.insert("params".into(), p);
    }
    Some(out)
}

/// The fenced blocks of `text`: (language, body).
fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let (lang, body_start) = match after.find('\n') {
            Some(nl) => (after[..nl].trim().to_ascii_lowercase(), nl + 1),
            None => break,
        };
        let body = &after[body_start..];
        let Some(end) = body.find("```") else { break };
        out.push((lang, body[..end].to_owned()));
        rest = &body[end + 3..];
    }
    out
}

/// Code the model fenced inside the JSON string itself.
fn strip_fence(code: &str) -> &str {
    let t = code.trim();
    if let Some(inner) = t.strip_prefix("```") {
        let inner = inner.split_once('\n').map_or("", |(_, b)| b);
        inner.trim_end().strip_suffix("```").unwrap_or(inner)
    } else {
        t
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn read_param(i: usize, v: &Value) -> Result<ActionParam, String> {
    let at = |m: String| format!("parameter {} {m}", i + 1);
    let Value::Object(o) = v else {
        return Err(at(format!("is {} instead of an object", json_kind(v))));
    };
    let name = match o.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => return Err(at("has no `name`".into())),
    };
    let at = |m: String| format!("parameter `{name}` {m}");
    let raw_type = match o.get("type").or_else(|| o.get("param_type")) {
        Some(Value::String(s)) => s.trim().to_ascii_lowercase(),
        Some(other) => return Err(at(format!("has a `type` that is {}", json_kind(other)))),
        None => return Err(at("has no `type`".into())),
    };
    let param_type = match raw_type.as_str() {
        "integer" => ParamType::Int,
        "bool" => ParamType::Boolean,
        "float" | "double" => ParamType::Number,
        "datetime" => ParamType::Date,
        other => other.parse::<ParamType>().map_err(|_| {
            at(format!(
                "has the unknown type `{other}` (string, int, number, boolean, date, object or array)"
            ))
        })?,
    };
    let is_required = match o.get("required").or_else(|| o.get("is_required")) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(at(format!(
                "has `required` as {} instead of true or false",
                json_kind(other)
            )));
        }
    };
    let description = match o.get("description") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => {
            return Err(at(format!(
                "has a `description` that is {}",
                json_kind(other)
            )));
        }
    };
    let direction = match o.get("direction") {
        None | Some(Value::Null) => Direction::Input,
        Some(Value::String(s)) => s.trim().to_ascii_lowercase().parse().map_err(|_| {
            at(format!(
                "has the unknown direction `{s}` (input, output or both)"
            ))
        })?,
        Some(other) => {
            return Err(at(format!(
                "has a `direction` that is {}",
                json_kind(other)
            )));
        }
    };
    let default = o.get("default").filter(|d| !d.is_null()).cloned();
    Ok(ActionParam {
        name,
        param_type,
        is_required,
        default,
        description,
        direction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GOOD: &str = r#"{"code": "return await runAction('Parent', {A: context.params.X});",
        "params": [{"name": "X", "type": "string", "required": true, "description": "the x"}]}"#;

    fn ok(reply: &str) -> Generated {
        read_reply(reply).unwrap_or_else(|e| panic!("{e}: {reply}"))
    }

    #[test]
    fn reads_bare_fenced_and_prose_wrapped_replies_alike() {
        let bare = ok(GOOD);
        assert_eq!(bare.params[0].name, "X");
        assert!(bare.params[0].is_required);
        assert_eq!(bare.params[0].param_type, ParamType::String);
        let fenced = ok(&format!("```json\n{GOOD}\n```"));
        let prose = ok(&format!(
            "Sure! Here is the action {{as asked}}:\n\n{GOOD}\n\nIt calls its parent. Let me know."
        ));
        assert_eq!(bare, fenced);
        assert_eq!(bare, prose);
    }

    #[test]
    fn reads_code_and_params_from_separate_fences() {
        let reply = "Code:\n```javascript\nreturn 1;\n```\nParameters:\n```json\n[{\"name\": \"N\", \"type\": \"integer\", \"default\": 3}]\n```";
        let g = ok(reply);
        assert_eq!(g.code, "return 1;");
        assert_eq!(g.params[0].param_type, ParamType::Int);
        assert_eq!(g.params[0].default, Some(json!(3)));
    }

    #[test]
    fn strips_a_fence_inside_the_code_string() {
        let g = ok(r#"{"code": "```js\nreturn 2;\n```", "params": []}"#);
        assert_eq!(g.code, "return 2;");
    }

    #[test]
    fn names_what_is_wrong_with_a_bad_reply() {
        let cases = [
            ("   ", "empty reply"),
            ("I cannot help with that.", "no JSON object"),
            (
                r#"{"code": "return 1;", "params": [{"name": "X", "type": "strin"#,
                "no JSON object",
            ),
            (r#"{"code": "return 1;"}"#, "lists no `params`"),
            (r#"{"params": []}"#, "has no `code`"),
            (r#"{"code": 5, "params": []}"#, "`code` is a number"),
            (
                r#"{"code": "x", "params": {"a": 1}}"#,
                "`params` is an object",
            ),
            (
                r#"{"code": "x", "params": [{"type": "string"}]}"#,
                "parameter 1 has no `name`",
            ),
            (
                r#"{"code": "x", "params": [{"name": "When", "type": "timestamp"}]}"#,
                "`When` has the unknown type `timestamp`",
            ),
            (
                r#"{"code": "x", "params": [{"name": "A", "type": "int", "required": "yes"}]}"#,
                "`A` has `required` as a string",
            ),
            (
                r#"{"code": "x", "params": [{"name": "A", "type": "int"}, {"name": "A", "type": "string"}]}"#,
                "declared twice",
            ),
            (
                r#"{"code": "x", "params": [{"name": "A", "type": "int", "default": "seven"}]}"#,
                "params[0].default",
            ),
        ];
        for (reply, expected) in cases {
            let err = read_reply(reply).expect_err(reply);
            assert!(err.contains(expected), "{reply} → {err}");
        }
    }

    #[test]
    fn compares_parameters_by_name_in_the_proposed_order() {
        let p = |name: &str, t: ParamType| ActionParam {
            name: name.into(),
            param_type: t,
            is_required: false,
            default: None,
            description: String::new(),
            direction: Direction::Input,
        };
        let current = vec![
            p("A", ParamType::String),
            p("B", ParamType::Int),
            p("C", ParamType::Int),
        ];
        let proposed = vec![
            p("C", ParamType::Int),
            p("B", ParamType::String),
            p("D", ParamType::Date),
        ];
        let changes: Vec<(String, ParamChangeKind)> = param_changes(&current, &proposed)
            .into_iter()
            .map(|c| (c.name, c.change))
            .collect();
        assert_eq!(
            changes,
            vec![
                ("C".into(), ParamChangeKind::Unchanged),
                ("B".into(), ParamChangeKind::Changed),
                ("D".into(), ParamChangeKind::Added),
                ("A".into(), ParamChangeKind::Removed),
            ]
        );
    }

    #[test]
    fn settings_name_each_bad_field() {
        let u = LlmSettingsUpdate {
            provider: LlmProvider::Anthropic,
            base_url: "api.anthropic.com".into(),
            model: " ".into(),
            api_key: Some("k".into()),
            clear_api_key: true,
            timeout_ms: 5,
        };
        let fields: Vec<String> = u.problems().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["base_url", "model", "timeout_ms", "clear_api_key"]);
        let good = LlmSettingsUpdate {
            base_url: "http://127.0.0.1:11434/v1".into(),
            model: "llama3".into(),
            api_key: None,
            clear_api_key: false,
            timeout_ms: DEFAULT_LLM_TIMEOUT_MS,
            ..u
        };
        assert!(good.problems().is_empty());
    }
}

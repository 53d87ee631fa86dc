//! Library actions (DESIGN §5, `../shared/spec/hierarchical-actions.md`): reusable actions
//! with typed parameters that form a hierarchy (a child maps its friendly parameters onto
//! its parent's and calls it). The wire types of `/api/v1/library/actions` and the pure
//! rules every writer shares: parameter names, types and defaults.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::problem::FieldError;
/// Who sees an action: its owner only, or every builder (the same two values as a stored
/// run's, so one schema in the API).
pub use crate::domain::run::Visibility;
use crate::domain::text_enum::text_enum;

/// Longest name of an action or a parameter.
pub const MAX_NAME_LEN: usize = 100;
/// Most parameters one action declares.
pub const MAX_PARAMS: usize = 64;
/// Longest action code, in bytes.
pub const MAX_CODE_LEN: usize = 200_000;

text_enum!(
    /// What a library action is.
    LibraryKind {
        /// The built-in "Generic REST API": one HTTP call through the guarded client.
        HttpRequest = "http_request",
        /// One tool of a registered MCP server.
        McpTool = "mcp_tool",
        /// Hand-written JavaScript.
        Script = "script",
        /// JavaScript written by an LLM from a description (reviewed before it runs).
        Generated = "generated",
    }
);

text_enum!(
    /// Where an action's code stands: only `approved` code runs inside wizards.
    CodeStatus {
        Draft = "draft",
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

text_enum!(
    /// The type of a parameter's value.
    ParamType {
        String = "string",
        Int = "int",
        Number = "number",
        Boolean = "boolean",
        /// An ISO 8601 date (`2026-12-04`) or date-time, as a string.
        Date = "date",
        Object = "object",
        Array = "array",
    }
);

text_enum!(
    /// Whether a parameter is passed in, returned, or both.
    Direction {
        Input = "input",
        Output = "output",
        Both = "both",
    }
);

impl ParamType {
    /// Whether `v` is a value of this type (`null` is no value of any type).
    pub fn accepts(self, v: &Value) -> bool {
        match self {
            ParamType::String => v.is_string(),
            ParamType::Int => v.is_i64() || v.is_u64(),
            ParamType::Number => v.is_number(),
            ParamType::Boolean => v.is_boolean(),
            ParamType::Date => v.as_str().is_some_and(is_date),
            ParamType::Object => v.is_object(),
            ParamType::Array => v.is_array(),
        }
    }
}

/// `YYYY-MM-DD`, optionally followed by `T` and a time.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ')
}

fn default_direction() -> Direction {
    Direction::Input
}

/// One declared parameter, as written and as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionParam {
    /// Letters, digits and `_`, starting with a letter; unique among the action's params.
    pub name: String,
    #[serde(rename = "type")]
    pub param_type: ParamType,
    #[serde(default)]
    pub is_required: bool,
    /// Applied when the caller leaves the parameter out; must fit `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_direction")]
    pub direction: Direction,
}

/// Body of `POST /library/actions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewLibraryAction {
    /// Unique; scripts call the action by it (`runAction(name, params)`).
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub kind: LibraryKind,
    /// The action this one calls (it maps its parameters onto the parent's).
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// JavaScript (`script`, `generated`); compiled before it is stored.
    #[serde(default)]
    pub code: String,
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// In order; the order is kept.
    #[serde(default)]
    pub params: Vec<ActionParam>,
}

fn default_visibility() -> Visibility {
    Visibility::Private
}

/// Body of `PUT /library/actions/{id}`: the whole action and the version read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateLibraryAction {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub kind: LibraryKind,
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    #[serde(default)]
    pub code: String,
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// The whole list: matched by name (kept, changed), new names added, names left out
    /// retired (soft-deleted, so old code versions still read), order as sent.
    #[serde(default)]
    pub params: Vec<ActionParam>,
}

/// A library action as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LibraryActionView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub kind: LibraryKind,
    pub parent_id: Option<Uuid>,
    /// The parent's name, for display.
    pub parent_name: Option<String>,
    pub code: String,
    /// The description the code was generated from, if it was.
    pub prompt: Option<String>,
    pub code_status: CodeStatus,
    /// Set by the server from the signed-in approver.
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub owner_id: Option<String>,
    pub visibility: Visibility,
    /// The live parameters, in order.
    pub params: Vec<ActionParam>,
    /// Send it back on update, delete, approve and reject (409 when it moved on).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One action in a list, a lineage or a tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LibraryActionSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub kind: LibraryKind,
    pub parent_id: Option<Uuid>,
    pub code_status: CodeStatus,
    pub visibility: Visibility,
}

/// A node of the descendants tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HierarchyNode {
    pub action: LibraryActionSummary,
    #[cfg_attr(feature = "ssr", schema(no_recursion))]
    pub children: Vec<HierarchyNode>,
}

/// `GET /library/actions/{id}/hierarchy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HierarchyView {
    /// From the root down to the action itself.
    pub lineage: Vec<LibraryActionSummary>,
    /// The action's children, each with theirs.
    pub descendants: Vec<HierarchyNode>,
}

/// Body of approve and reject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    /// Why (shown with a rejection).
    #[serde(default)]
    pub note: String,
}

/// One stored code version (immutable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeVersionView {
    pub number: i64,
    pub code: String,
    /// The parameters declared with it.
    pub params: Vec<ActionParam>,
    /// `created`, `edited`, `generated`, `regenerated` or `restored`.
    pub reason: String,
    pub prompt: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every problem of a parameter list, at `params[i].…`: names (format, unique), defaults
/// that do not fit their type, too many.
pub fn check_params(params: &[ActionParam]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if params.len() > MAX_PARAMS {
        errors.push(FieldError::new(
            "params",
            format!("at most {MAX_PARAMS} parameters"),
        ));
    }
    for (i, p) in params.iter().enumerate() {
        let at = |m: &str| format!("params[{i}].{m}");
        if !is_identifier(&p.name) || p.name.len() > MAX_NAME_LEN {
            errors.push(FieldError::new(
                at("name"),
                "letters, digits and `_`, starting with a letter (at most 100)",
            ));
        } else if params[..i].iter().any(|q| q.name == p.name) {
            errors.push(FieldError::new(
                at("name"),
                format!("`{}` is declared twice", p.name),
            ));
        }
        if let Some(d) = &p.default
            && !d.is_null()
            && !p.param_type.accepts(d)
        {
            errors.push(FieldError::new(
                at("default"),
                format!("is not a value of type {}", p.param_type),
            ));
        }
    }
    errors
}

/// The rules of an action's own fields (those that need no storage), by path.
pub fn check_action(
    name: &str,
    code: &str,
    kind: LibraryKind,
    params: &[ActionParam],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        errors.push(FieldError::new("name", "must be 1 to 100 characters"));
    }
    if code.len() > MAX_CODE_LEN {
        errors.push(FieldError::new(
            "code",
            format!("at most {MAX_CODE_LEN} bytes"),
        ));
    }
    if kind == LibraryKind::Script && code.trim().is_empty() {
        errors.push(FieldError::new("code", "a script needs its code"));
    }
    errors.extend(check_params(params));
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(name: &str, t: ParamType, default: Option<Value>) -> ActionParam {
        ActionParam {
            name: name.to_owned(),
            param_type: t,
            is_required: false,
            default,
            description: String::new(),
            direction: Direction::Input,
        }
    }

    #[test]
    fn types_accept_only_their_values() {
        assert!(ParamType::Int.accepts(&json!(3)));
        assert!(!ParamType::Int.accepts(&json!(3.5)));
        assert!(ParamType::Number.accepts(&json!(3.5)));
        assert!(ParamType::Date.accepts(&json!("2026-12-04")));
        assert!(ParamType::Date.accepts(&json!("2026-12-04T10:00:00Z")));
        assert!(!ParamType::Date.accepts(&json!("04/12/2026")));
        assert!(!ParamType::String.accepts(&Value::Null));
        assert!(ParamType::Object.accepts(&json!({})));
        assert!(!ParamType::Array.accepts(&json!({})));
    }

    #[test]
    fn params_are_checked_by_path() {
        let ps = vec![
            param("Email", ParamType::String, Some(json!("a@b.c"))),
            param("Email", ParamType::String, None),
            param("1st", ParamType::Int, None),
            param("Count", ParamType::Int, Some(json!("three"))),
        ];
        let fields: Vec<String> = check_params(&ps).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["params[1].name", "params[2].name", "params[3].default"]
        );
        assert!(check_params(&ps[..1]).is_empty());
    }

    #[test]
    fn a_script_needs_code_and_a_name() {
        let fields: Vec<String> = check_action(" ", "", LibraryKind::Script, &[])
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "code"]);
        assert!(check_action("Generic REST API", "", LibraryKind::HttpRequest, &[]).is_empty());
    }
}

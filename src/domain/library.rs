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

/// An action the builder may pick for a `library_action`, with what it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryChoice {
    pub action: LibraryActionSummary,
    pub params: Vec<ActionParam>,
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

/// Body of `POST /library/actions/{id}/params` (appended) and of
/// `PUT /library/actions/{id}/params/{name}` (replaced; the name may change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ParamRequest {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub param: ActionParam,
}

/// Body of `PUT /library/actions/{id}/params`: every live parameter's name, in the new order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReorderParams {
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
    pub names: Vec<String>,
}

/// `names` in the order of a reordering of `params`, or why it is not one.
pub fn reorder(params: &[ActionParam], names: &[String]) -> Result<Vec<ActionParam>, String> {
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !params.iter().any(|p| &p.name == *n))
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = params
        .iter()
        .filter(|p| !names.contains(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    let twice = names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].contains(n))
        .map(|(_, n)| n.as_str());
    if let Some(n) = twice {
        return Err(format!("`{n}` is listed twice"));
    }
    if !unknown.is_empty() || !missing.is_empty() {
        let mut why = Vec::new();
        if !unknown.is_empty() {
            why.push(format!("no parameter {}", quoted(&unknown)));
        }
        if !missing.is_empty() {
            why.push(format!("{} missing", quoted(&missing)));
        }
        return Err(format!("list every parameter once: {}", why.join("; ")));
    }
    Ok(names
        .iter()
        .filter_map(|n| params.iter().find(|p| &p.name == n).cloned())
        .collect())
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// What an `mcp_tool` action calls, written as its code: `{"server": "time", "tool":
/// "get_current_time"}` (a server of the admin's registry, by name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpToolTarget {
    pub server: String,
    pub tool: String,
}

impl McpToolTarget {
    pub fn parse(code: &str) -> Result<Self, String> {
        let t: Self = serde_json::from_str(code).map_err(|e| {
            format!("an mcp_tool action's code is {{\"server\": \"…\", \"tool\": \"…\"}} ({e})")
        })?;
        if t.server.trim().is_empty() || t.tool.trim().is_empty() {
            return Err("an mcp_tool action names a server and a tool".into());
        }
        Ok(t)
    }
}

/// Body of `POST /library/actions/{id}/run`: a test run with parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LibraryRunRequest {
    /// By parameter name; checked against the declared ones (required, types, defaults).
    #[serde(default)]
    pub params: serde_json::Map<String, Value>,
    /// A wizard of yours whose API configurations `http_request` actions may name
    /// (`ApiConfig`), as when the action runs inside it.
    #[serde(default)]
    pub wizard_id: Option<Uuid>,
}

/// What a test run returns: the output or the error (naming every level), and the log tree
/// of the run (kept only in this response).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LibraryRunResponse {
    pub ok: bool,
    pub output: Option<Value>,
    /// `Create Salesforce Contact → Call Salesforce API → Generic REST API: …`.
    pub error: Option<String>,
    /// One root (this action), its calls nested under it.
    pub logs: Vec<crate::domain::event::ActionLog>,
}

/// A value converted to `t`, if it is one or reads as one: `"42"` is an int, `3` a string
/// `"3"`, `"true"` a boolean. Objects and arrays are never converted.
pub fn convert(t: ParamType, v: &Value) -> Option<Value> {
    if t.accepts(v) {
        return Some(v.clone());
    }
    match (t, v) {
        (ParamType::String, Value::Number(n)) => Some(Value::String(n.to_string())),
        (ParamType::String, Value::Bool(b)) => Some(Value::String(b.to_string())),
        (ParamType::Int, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (ParamType::Int, Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            // the guard keeps the cast exact
            .map(|f| Value::from(f as i64)),
        (ParamType::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        (ParamType::Boolean, Value::String(s)) => match s.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// The parameters a call passes, checked against what is declared: unknown names and
/// output-only params refused, required ones present, values converted to their type or
/// refused, defaults applied. Each problem is `(param, message)`; [`describe`] words them.
pub fn bind_params(
    declared: &[ActionParam],
    given: &serde_json::Map<String, Value>,
) -> Result<serde_json::Map<String, Value>, Vec<(String, String)>> {
    let mut problems = Vec::new();
    for name in given.keys() {
        match declared.iter().find(|p| &p.name == name) {
            None => problems.push((name.clone(), "is not a parameter of this action".into())),
            Some(p) if p.direction == Direction::Output => {
                problems.push((name.clone(), "is an output, not an input".into()));
            }
            Some(_) => {}
        }
    }
    let mut bound = serde_json::Map::new();
    for p in declared.iter().filter(|p| p.direction != Direction::Output) {
        let value = given
            .get(&p.name)
            .filter(|v| !v.is_null())
            .or(p.default.as_ref().filter(|v| !v.is_null()));
        match value {
            None if p.is_required => problems.push((p.name.clone(), "is required".into())),
            None => {}
            Some(v) => match convert(p.param_type, v) {
                Some(v) => {
                    bound.insert(p.name.clone(), v);
                }
                None => problems.push((
                    p.name.clone(),
                    format!(
                        "must be {} {}, not {}",
                        article(p.param_type),
                        p.param_type,
                        crate::domain::condition::type_name(v)
                    ),
                )),
            },
        }
    }
    if problems.is_empty() {
        Ok(bound)
    } else {
        Err(problems)
    }
}

/// Parameter problems as one sentence: "`LastName` is required; `Count` must be an int".
pub fn describe(problems: &[(String, String)]) -> String {
    problems
        .iter()
        .map(|(name, message)| format!("`{name}` {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn article(t: ParamType) -> &'static str {
    match t {
        ParamType::Int | ParamType::Object | ParamType::Array => "an",
        _ => "a",
    }
}

/// Save-time problems of an event's mapping onto `declared` (`None` for each name that is
/// fine): required inputs unmapped, unknown names, literal values that fit no type.
/// Templated values are only known at run time and pass.
pub fn check_mapping(
    declared: &[ActionParam],
    mapping: &serde_json::Map<String, Value>,
) -> Vec<(String, String)> {
    let templated = |v: &Value| v.as_str().is_some_and(|s| s.contains("{{"));
    let mut problems = Vec::new();
    for (name, v) in mapping {
        match declared.iter().find(|p| &p.name == name) {
            None => problems.push((name.clone(), "is not a parameter of this action".into())),
            Some(p) if p.direction == Direction::Output => {
                problems.push((name.clone(), "is an output, not an input".into()));
            }
            Some(p) if !v.is_null() && !templated(v) && convert(p.param_type, v).is_none() => {
                problems.push((
                    name.clone(),
                    format!("must be {} {}", article(p.param_type), p.param_type),
                ));
            }
            Some(_) => {}
        }
    }
    for p in declared {
        let mapped = mapping.get(&p.name).is_some_and(|v| !v.is_null());
        if p.is_required && p.direction != Direction::Output && !mapped && p.default.is_none() {
            problems.push((p.name.clone(), "is required".into()));
        }
    }
    problems
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
    if kind == LibraryKind::McpTool
        && let Err(m) = McpToolTarget::parse(code)
    {
        errors.push(FieldError::new("code", m));
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

    fn required(name: &str, t: ParamType) -> ActionParam {
        ActionParam {
            is_required: true,
            ..param(name, t, None)
        }
    }

    #[test]
    fn values_convert_to_their_type_or_are_refused() {
        assert_eq!(convert(ParamType::Int, &json!("42")), Some(json!(42)));
        assert_eq!(convert(ParamType::Int, &json!(4.0)), Some(json!(4)));
        assert_eq!(convert(ParamType::Int, &json!("4.5")), None);
        assert_eq!(convert(ParamType::Number, &json!(" 2.5")), Some(json!(2.5)));
        assert_eq!(convert(ParamType::String, &json!(7)), Some(json!("7")));
        assert_eq!(
            convert(ParamType::Boolean, &json!("false")),
            Some(json!(false))
        );
        assert_eq!(convert(ParamType::Boolean, &json!("yes")), None);
        assert_eq!(convert(ParamType::Object, &json!("{}")), None);
    }

    #[test]
    fn binding_names_every_bad_parameter() {
        let declared = vec![
            required("LastName", ParamType::String),
            param("Count", ParamType::Int, Some(json!(1))),
            ActionParam {
                direction: Direction::Output,
                ..param("Id", ParamType::String, None)
            },
        ];
        let given = |v: Value| v.as_object().cloned().unwrap_or_default();
        let bound = bind_params(&declared, &given(json!({"LastName": "Ng"})));
        assert_eq!(bound, Ok(given(json!({"LastName": "Ng", "Count": 1}))));
        let bound = bind_params(&declared, &given(json!({"LastName": 5, "Count": "7"})));
        assert_eq!(bound, Ok(given(json!({"LastName": "5", "Count": 7}))));
        let problems = bind_params(
            &declared,
            &given(json!({"Count": "many", "Nope": 1, "Id": "x"})),
        )
        .unwrap_err();
        let err = describe(&problems);
        for part in [
            "`Nope` is not a parameter",
            "`Id` is an output",
            "`LastName` is required",
            "`Count` must be an int, not a string",
        ] {
            assert!(err.contains(part), "{part} in {err}");
        }
    }

    #[test]
    fn mappings_are_checked_unless_templated() {
        let declared = vec![
            required("LastName", ParamType::String),
            param("Count", ParamType::Int, None),
        ];
        let mapping = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert!(
            check_mapping(
                &declared,
                &mapping(json!({"LastName": "{{fields.name}}", "Count": "{{fields.n}}"}))
            )
            .is_empty()
        );
        let names: Vec<String> =
            check_mapping(&declared, &mapping(json!({"Count": "x", "Other": 1})))
                .into_iter()
                .map(|(n, _)| n)
                .collect();
        assert_eq!(names, ["Count", "Other", "LastName"]);
    }
}

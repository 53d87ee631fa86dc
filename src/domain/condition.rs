//! Conditions (`show_if`, `hide_if`, `disable_if`, `require_if`, event conditions): JSON
//! trees evaluated against the current answers.
//!
//! Evaluation is total (it never fails: anything ill-typed is simply `false`), because it
//! runs on every keystroke in the browser and again on the server. Everything that *can*
//! be wrong is instead reported by [`Condition::check`] when the wizard is saved.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Number, Value};

use crate::domain::pattern::{compile_regex, regex_is_match};
use crate::domain::problem::FieldError;
use crate::domain::{FieldKey, SelectionType, Temporal, ValueKind};

/// The answers of a run, by field key.
pub type Answers = Map<String, Value>;

/// Deepest nesting [`Condition::check`] accepts; deeper trees are refused when saved.
pub const MAX_DEPTH: usize = 32;
/// A comparison applied to one field's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    NotIn,
    Contains,
    Empty,
    NotEmpty,
    Matches,
}

impl Operator {
    pub const ALL: [Operator; 12] = [
        Self::Eq,
        Self::Ne,
        Self::Gt,
        Self::Gte,
        Self::Lt,
        Self::Lte,
        Self::In,
        Self::NotIn,
        Self::Contains,
        Self::Empty,
        Self::NotEmpty,
        Self::Matches,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::In => "in",
            Self::NotIn => "not_in",
            Self::Contains => "contains",
            Self::Empty => "empty",
            Self::NotEmpty => "not_empty",
            Self::Matches => "matches",
        }
    }

    /// Whether the operator takes a `value` (all but `empty`/`not_empty`).
    pub const fn takes_value(self) -> bool {
        !matches!(self, Self::Empty | Self::NotEmpty)
    }

    /// Whether the operator makes sense on answers of `kind`; the builder offers only these.
    pub const fn applies_to(self, kind: ValueKind) -> bool {
        use Operator::*;
        match kind {
            ValueKind::Text => matches!(
                self,
                Eq | Ne | In | NotIn | Contains | Empty | NotEmpty | Matches
            ),
            ValueKind::Number | ValueKind::Date | ValueKind::Time | ValueKind::DateTime => {
                matches!(
                    self,
                    Eq | Ne | Gt | Gte | Lt | Lte | In | NotIn | Empty | NotEmpty
                )
            }
            ValueKind::List => matches!(self, Eq | Ne | Contains | Empty | NotEmpty),
            ValueKind::Color => {
                matches!(self, Eq | Ne | In | NotIn | Empty | NotEmpty | Matches)
            }
            ValueKind::File => matches!(self, Empty | NotEmpty),
            ValueKind::None => false,
        }
    }

    /// The operators that apply to `kind`, in [`Operator::ALL`] order.
    pub fn for_kind(kind: ValueKind) -> Vec<Operator> {
        Self::ALL
            .into_iter()
            .filter(|op| op.applies_to(kind))
            .collect()
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown operator `{s}`; expected one of {}",
                    Self::ALL.map(Operator::as_str).join(", ")
                )
            })
    }
}

/// A leaf: `{"field": "age", "op": "gte", "value": 18}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Leaf {
    pub field: FieldKey,
    pub op: Operator,
    /// Absent for `empty`/`not_empty`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// A condition tree, serialized as the API documents it:
/// `{"all":[…]}`, `{"any":[…]}`, `{"not":…}` or a [`Leaf`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// True when every child is true (so an empty `all` is true).
    All(Vec<Condition>),
    /// True when some child is true (so an empty `any` is false).
    Any(Vec<Condition>),
    Not(Box<Condition>),
    #[serde(untagged)]
    Leaf(Leaf),
}

impl Condition {
    pub fn all(children: Vec<Condition>) -> Self {
        Self::All(children)
    }

    pub fn any(children: Vec<Condition>) -> Self {
        Self::Any(children)
    }

    pub fn negate(self) -> Self {
        Self::Not(Box::new(self))
    }

    pub fn leaf(field: FieldKey, op: Operator, value: Option<Value>) -> Self {
        Self::Leaf(Leaf { field, op, value })
    }

    /// Parses a condition tree, with a message naming where in the tree it went wrong.
    pub fn from_json(value: &Value) -> Result<Condition, ConditionParseError> {
        parse(value, "")
    }

    /// Evaluates the condition against `answers`; see the module docs for why it is total.
    ///
    /// Semantics: a missing answer is `null`. `eq`/`ne` compare JSON values (numbers by
    /// value, so `1 == 1.0`; everything else structurally). `gt`/`gte`/`lt`/`lte` compare
    /// numbers, or ISO dates / times / date-times chronologically when both sides are the
    /// same kind; anything else is `false`. `in`/`not_in` need an array value (else `false`).
    /// `contains` is substring on strings and element-of on arrays. `empty` holds for null,
    /// missing, `""`, `[]` and `{}`. `matches` runs a regular expression (unanchored) on a
    /// string answer; an invalid pattern is `false`.
    pub fn evaluate(&self, answers: &Answers) -> bool {
        match self {
            Self::All(cs) => cs.iter().all(|c| c.evaluate(answers)),
            Self::Any(cs) => cs.iter().any(|c| c.evaluate(answers)),
            Self::Not(c) => !c.evaluate(answers),
            Self::Leaf(leaf) => leaf.evaluate(answers),
        }
    }

    /// Nesting depth: a leaf is 1, a group is one more than its deepest child.
    pub fn depth(&self) -> usize {
        match self {
            Self::All(cs) | Self::Any(cs) => 1 + cs.iter().map(Self::depth).max().unwrap_or(0),
            Self::Not(c) => 1 + c.depth(),
            Self::Leaf(_) => 1,
        }
    }

    /// The field keys referenced, each once, in order of first appearance.
    pub fn fields(&self) -> Vec<&FieldKey> {
        let mut out = Vec::new();
        self.visit_leaves(&mut |leaf| {
            if !out.contains(&&leaf.field) {
                out.push(&leaf.field);
            }
        });
        out
    }

    /// Every field reference, mutably (one per leaf), so a clone can rename keys.
    pub fn fields_mut(&mut self) -> Vec<&mut FieldKey> {
        let mut out = Vec::new();
        fn walk<'a>(c: &'a mut Condition, out: &mut Vec<&'a mut FieldKey>) {
            match c {
                Condition::All(cs) | Condition::Any(cs) => {
                    cs.iter_mut().for_each(|c| walk(c, out));
                }
                Condition::Not(c) => walk(c, out),
                Condition::Leaf(leaf) => out.push(&mut leaf.field),
            }
        }
        walk(self, &mut out);
        out
    }

    fn visit_leaves<'a>(&'a self, f: &mut impl FnMut(&'a Leaf)) {
        match self {
            Self::All(cs) | Self::Any(cs) => cs.iter().for_each(|c| c.visit_leaves(f)),
            Self::Not(c) => c.visit_leaves(f),
            Self::Leaf(leaf) => f(leaf),
        }
    }

    /// Every problem in the condition, named by JSON path below `path` (e.g.
    /// `steps[0].show_if.all[1].field`): unknown fields, operators that do not apply to the
    /// field's kind, ill-typed or missing values, invalid patterns, too deep a tree.
    pub fn check(&self, catalog: &FieldCatalog, path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let depth = self.depth();
        if depth > MAX_DEPTH {
            errors.push(FieldError::new(
                path,
                format!("conditions may nest at most {MAX_DEPTH} levels; this one nests {depth}"),
            ));
            return errors;
        }
        self.check_into(catalog, path, &mut errors);
        errors
    }

    fn check_into(&self, catalog: &FieldCatalog, path: &str, errors: &mut Vec<FieldError>) {
        match self {
            Self::All(cs) => {
                for (i, c) in cs.iter().enumerate() {
                    c.check_into(catalog, &format!("{path}.all[{i}]"), errors);
                }
            }
            Self::Any(cs) => {
                for (i, c) in cs.iter().enumerate() {
                    c.check_into(catalog, &format!("{path}.any[{i}]"), errors);
                }
            }
            Self::Not(c) => c.check_into(catalog, &format!("{path}.not"), errors),
            Self::Leaf(leaf) => leaf.check_into(catalog, path, errors),
        }
    }
}

impl std::ops::Not for Condition {
    type Output = Condition;

    fn not(self) -> Condition {
        self.negate()
    }
}

impl Leaf {
    pub fn evaluate(&self, answers: &Answers) -> bool {
        let answer = answers.get(self.field.as_str()).unwrap_or(&Value::Null);
        let value = self.value.as_ref().unwrap_or(&Value::Null);
        match self.op {
            Operator::Eq => json_eq(answer, value),
            Operator::Ne => !json_eq(answer, value),
            Operator::Gt => compare(answer, value) == Some(Ordering::Greater),
            Operator::Gte => matches!(
                compare(answer, value),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Operator::Lt => compare(answer, value) == Some(Ordering::Less),
            Operator::Lte => matches!(
                compare(answer, value),
                Some(Ordering::Less | Ordering::Equal)
            ),
            Operator::In => value
                .as_array()
                .is_some_and(|xs| xs.iter().any(|x| json_eq(answer, x))),
            Operator::NotIn => value
                .as_array()
                .is_some_and(|xs| !xs.iter().any(|x| json_eq(answer, x))),
            Operator::Contains => match answer {
                Value::String(s) => value.as_str().is_some_and(|v| s.contains(v)),
                Value::Array(xs) => xs.iter().any(|x| json_eq(x, value)),
                _ => false,
            },
            Operator::Empty => is_empty(answer),
            Operator::NotEmpty => !is_empty(answer),
            Operator::Matches => match (answer, value) {
                (Value::String(s), Value::String(p)) => regex_is_match(p, s).unwrap_or(false),
                _ => false,
            },
        }
    }

    fn check_into(&self, catalog: &FieldCatalog, path: &str, errors: &mut Vec<FieldError>) {
        let mut push = |suffix: &str, message: String| {
            errors.push(FieldError::new(format!("{path}{suffix}"), message));
        };
        let (key, op) = (&self.field, self.op);
        let Some(info) = catalog.get(key.as_str()) else {
            push(
                ".field",
                format!("there is no field `{key}` in this wizard"),
            );
            return;
        };
        let kind = info.kind();
        if !op.applies_to(kind) {
            let message = if kind == ValueKind::None {
                format!(
                    "`{key}` is a {} and has no value to test",
                    info.selection_type
                )
            } else {
                let ops = Operator::for_kind(kind)
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>();
                format!(
                    "`{op}` does not apply to `{key}` (a {}); use one of {}",
                    info.selection_type,
                    ops.join(", ")
                )
            };
            push(".op", message);
            return;
        }
        let value = match (&self.value, op.takes_value()) {
            (None | Some(Value::Null), false) => return,
            (Some(_), false) => {
                push(".value", format!("`{op}` takes no value"));
                return;
            }
            (None | Some(Value::Null), true) => {
                push(
                    ".value",
                    format!("`{op}` needs a value (to test for no answer, use `empty`)"),
                );
                return;
            }
            (Some(v), true) => v,
        };
        let mut value_errors = Vec::new();
        check_value(op, info, key, value, &mut value_errors);
        for (suffix, message) in value_errors {
            push(&format!(".value{suffix}"), message);
        }
    }
}

/// Checks `value` for `op` on a field described by `info`; pushes `(path suffix, message)`.
fn check_value(
    op: Operator,
    info: &FieldInfo,
    key: &FieldKey,
    value: &Value,
    out: &mut Vec<(String, String)>,
) {
    let kind = info.kind();
    match op {
        Operator::In | Operator::NotIn => match value {
            Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if let Some(m) = scalar_problem(kind, info, key, x) {
                        out.push((format!("[{i}]"), m));
                    }
                }
            }
            other => out.push((
                String::new(),
                format!(
                    "`{op}` needs an array of values, found {}",
                    type_name(other)
                ),
            )),
        },
        Operator::Matches => match value {
            Value::String(p) => {
                if let Err(e) = compile_regex(p) {
                    out.push((String::new(), format!("invalid regular expression: {e}")));
                }
            }
            other => out.push((
                String::new(),
                format!(
                    "`matches` needs a pattern string, found {}",
                    type_name(other)
                ),
            )),
        },
        Operator::Contains => {
            let problem = if kind == ValueKind::List {
                scalar_problem(ValueKind::Text, info, key, value)
            } else if !value.is_string() {
                Some(format!(
                    "`contains` needs a string, found {}",
                    type_name(value)
                ))
            } else {
                None
            };
            if let Some(m) = problem {
                out.push((String::new(), m));
            }
        }
        Operator::Eq | Operator::Ne if kind == ValueKind::List => match value {
            Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if let Some(m) = scalar_problem(ValueKind::Text, info, key, x) {
                        out.push((format!("[{i}]"), m));
                    }
                }
            }
            other => out.push((
                String::new(),
                format!(
                    "`{key}` holds a list, so `{op}` needs an array of values, found {}",
                    type_name(other)
                ),
            )),
        },
        _ => {
            if let Some(m) = scalar_problem(kind, info, key, value) {
                out.push((String::new(), m));
            }
        }
    }
}

/// Why `value` cannot be one answer of `kind` for field `key`, if it cannot.
fn scalar_problem(
    kind: ValueKind,
    info: &FieldInfo,
    key: &FieldKey,
    value: &Value,
) -> Option<String> {
    let expected = match kind {
        ValueKind::Text | ValueKind::List => {
            let Value::String(s) = value else {
                return Some(format!(
                    "`{key}` holds text; expected a string, found {}",
                    type_name(value)
                ));
            };
            return match &info.options {
                Some(options) if !options.contains(s) => Some(format!(
                    "`{s}` is not an option of `{key}` (options: {})",
                    options.join(", ")
                )),
                _ => None,
            };
        }
        ValueKind::Number => {
            return (!value.is_number()).then(|| {
                format!(
                    "`{key}` holds a number; expected a number, found {}",
                    type_name(value)
                )
            });
        }
        ValueKind::Color => {
            return match value {
                Value::String(s) if is_hex_color(s) => None,
                _ => Some(format!(
                    "`{key}` holds a color; expected a string like \"#1e90ff\", found {}",
                    describe(value)
                )),
            };
        }
        ValueKind::Date => "a date (YYYY-MM-DD)",
        ValueKind::Time => "a time (HH:MM or HH:MM:SS)",
        ValueKind::DateTime => "a date-time (YYYY-MM-DDTHH:MM[:SS])",
        ValueKind::File | ValueKind::None => {
            return Some(format!("`{key}` has no comparable value"));
        }
    };
    match value {
        Value::String(s) if Temporal::parse_as(kind, s).is_some() => None,
        _ => Some(format!(
            "`{key}` holds {expected}; found {}",
            describe(value)
        )),
    }
}

fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|hex| {
        matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// A JSON value's kind as messages name it ("a number", "an object"); shared with the
/// import checks (`domain::transfer`) and the library's parameter binding.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Short description of a value for messages: strings are quoted, the rest named by type.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
        other => type_name(other).to_owned(),
    }
}

/// `true` for null, `""`, `[]` and `{}`.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(xs) => xs.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// JSON equality where numbers compare by value (`1 == 1.0`), recursively.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(Ordering::Equal),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| json_eq(x, y)))
        }
        _ => a == b,
    }
}

/// Order of two answers: numbers by value, same-kind ISO temporal strings chronologically.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
        (Value::String(x), Value::String(y)) => Temporal::parse(x)?.compare(&Temporal::parse(y)?),
        _ => None,
    }
}

/// Exact for integers of any sign, by `f64` otherwise.
fn num_cmp(x: &Number, y: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return Some(a.cmp(&b));
    }
    // One is a u64 above i64::MAX and the other a negative i64.
    if x.is_u64() && y.is_i64() {
        return Some(Ordering::Greater);
    }
    if x.is_i64() && y.is_u64() {
        return Some(Ordering::Less);
    }
    x.as_f64()?.partial_cmp(&y.as_f64()?)
}

// ---------------------------------------------------------------------------------------
// The field catalog
// ---------------------------------------------------------------------------------------

/// What a condition may know about one field: its type and, for selects, the fixed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    pub selection_type: SelectionType,
    /// `Some` when the answer must be one of these values (a select with static options);
    /// `None` when any value of the kind is possible.
    pub options: Option<Vec<String>>,
}

impl FieldInfo {
    pub fn new(selection_type: SelectionType) -> Self {
        Self {
            selection_type,
            options: None,
        }
    }

    pub fn with_options(mut self, options: Vec<String>) -> Self {
        self.options = Some(options);
        self
    }

    pub fn kind(&self) -> ValueKind {
        self.selection_type.value_kind()
    }
}

/// Field key → what conditions are checked against. Built by
/// [`Wizard::field_catalog`](crate::domain::Wizard::field_catalog).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldCatalog {
    fields: BTreeMap<FieldKey, FieldInfo>,
}

impl FieldCatalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field; the first entry for a key wins (duplicates are reported elsewhere).
    /// Returns whether it was added.
    pub fn insert(&mut self, key: FieldKey, info: FieldInfo) -> bool {
        if self.fields.contains_key(&key) {
            return false;
        }
        self.fields.insert(key, info);
        true
    }

    pub fn get(&self, key: &str) -> Option<&FieldInfo> {
        self.fields.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&FieldKey, &FieldInfo)> {
        self.fields.iter()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl FromIterator<(FieldKey, FieldInfo)> for FieldCatalog {
    fn from_iter<I: IntoIterator<Item = (FieldKey, FieldInfo)>>(iter: I) -> Self {
        let mut catalog = Self::new();
        for (k, v) in iter {
            catalog.insert(k, v);
        }
        catalog
    }
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// A malformed condition tree; `path` is relative to the condition's root (`all[1].op`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if path.is_empty() { String::new() } else { format!("at `{path}`: ") })]
pub struct ConditionParseError {
    pub path: String,
    pub message: String,
}

fn fail<T>(path: &str, message: impl Into<String>) -> Result<T, ConditionParseError> {
    Err(ConditionParseError {
        path: path.to_owned(),
        message: message.into(),
    })
}

fn join(path: &str, child: &str) -> String {
    if path.is_empty() {
        child.to_owned()
    } else if child.starts_with('[') {
        format!("{path}{child}")
    } else {
        format!("{path}.{child}")
    }
}

const HEADS: [&str; 4] = ["all", "any", "not", "field"];

fn parse(value: &Value, path: &str) -> Result<Condition, ConditionParseError> {
    let Value::Object(map) = value else {
        return fail(
            path,
            format!("a condition must be an object, found {}", type_name(value)),
        );
    };
    let heads: Vec<&str> = HEADS.into_iter().filter(|h| map.contains_key(*h)).collect();
    let head = match heads.as_slice() {
        [one] => *one,
        [] => {
            let keys: Vec<String> = map.keys().map(|k| format!("`{k}`")).collect();
            let found = if keys.is_empty() {
                "an empty object".to_owned()
            } else {
                format!("keys {}", keys.join(", "))
            };
            return fail(
                path,
                format!("a condition must have exactly one of all/any/not/field; found {found}"),
            );
        }
        many => {
            let keys: Vec<String> = many.iter().map(|k| format!("`{k}`")).collect();
            return fail(
                path,
                format!(
                    "a condition must have exactly one of all/any/not/field; found {}",
                    keys.join(" and ")
                ),
            );
        }
    };
    if head == "field" {
        return parse_leaf(map, path);
    }
    if let Some(extra) = map.keys().find(|k| k.as_str() != head) {
        return fail(path, format!("unexpected key `{extra}` beside `{head}`"));
    }
    let Some(inner) = map.get(head) else {
        return fail(path, format!("missing `{head}`"));
    };
    let inner_path = join(path, head);
    match head {
        "not" => Ok(Condition::Not(Box::new(parse(inner, &inner_path)?))),
        _ => {
            let Value::Array(items) = inner else {
                return fail(
                    &inner_path,
                    format!(
                        "`{head}` takes an array of conditions, found {}",
                        type_name(inner)
                    ),
                );
            };
            let children = items
                .iter()
                .enumerate()
                .map(|(i, c)| parse(c, &join(&inner_path, &format!("[{i}]"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if head == "all" {
                Condition::All(children)
            } else {
                Condition::Any(children)
            })
        }
    }
}

fn parse_leaf(map: &Map<String, Value>, path: &str) -> Result<Condition, ConditionParseError> {
    if let Some(extra) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "field" | "op" | "value"))
    {
        return fail(
            path,
            format!(
                "unknown key `{extra}` in a condition; a leaf has `field`, `op` and an optional `value`"
            ),
        );
    }
    let field_path = join(path, "field");
    let field = match map.get("field").unwrap_or(&Value::Null) {
        Value::String(s) => match FieldKey::try_from(s.as_str()) {
            Ok(key) => key,
            Err(e) => return fail(&field_path, e.to_string()),
        },
        other => {
            return fail(
                &field_path,
                format!(
                    "`field` must be a field key string, found {}",
                    type_name(other)
                ),
            );
        }
    };
    let op_path = join(path, "op");
    let op = match map.get("op") {
        None => return fail(path, format!("the condition on `{field}` needs an `op`")),
        Some(Value::String(s)) => match s.parse::<Operator>() {
            Ok(op) => op,
            Err(e) => return fail(&op_path, e),
        },
        Some(other) => {
            return fail(
                &op_path,
                format!("`op` must be a string, found {}", type_name(other)),
            );
        }
    };
    Ok(Condition::Leaf(Leaf {
        field,
        op,
        value: map.get("value").cloned(),
    }))
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Condition::from_json(&value).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Leaf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        match Condition::from_json(&value).map_err(D::Error::custom)? {
            Condition::Leaf(leaf) => Ok(leaf),
            _ => Err(D::Error::custom(
                "expected a leaf condition (`field`, `op`, `value`)",
            )),
        }
    }
}

#[cfg(feature = "ssr")]
mod schema {
    //! Hand-written OpenAPI schema: the derive cannot express a recursive tree whose leaf
    //! variant is untagged.
    use super::*;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema};
    use utoipa::openapi::{Ref, RefOr};

    impl utoipa::PartialSchema for Condition {
        fn schema() -> RefOr<Schema> {
            let me = || Ref::from_schema_name("Condition");
            let group = |name: &str| {
                ObjectBuilder::new()
                    .property(name, ArrayBuilder::new().items(me()))
                    .required(name)
            };
            OneOfBuilder::new()
                .item(group("all"))
                .item(group("any"))
                .item(ObjectBuilder::new().property("not", me()).required("not"))
                .item(Ref::from_schema_name("Leaf"))
                .description(Some(
                    "A condition tree: {\"all\":[…]}, {\"any\":[…]}, {\"not\":…} or a leaf.",
                ))
                .into()
        }
    }

    impl utoipa::ToSchema for Condition {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push(("Leaf".to_owned(), <Leaf as utoipa::PartialSchema>::schema()));
            <Leaf as utoipa::ToSchema>::schemas(schemas);
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod schema_tests {
    use super::*;

    #[test]
    fn condition_schema_is_a_recursive_one_of() {
        let schema = serde_json::to_value(<Condition as utoipa::PartialSchema>::schema()).unwrap();
        let items = schema["oneOf"].as_array().unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[0]["properties"]["all"]["items"]["$ref"],
            "#/components/schemas/Condition"
        );
        assert_eq!(items[3]["$ref"], "#/components/schemas/Leaf");
        let mut schemas = Vec::new();
        <Condition as utoipa::ToSchema>::schemas(&mut schemas);
        assert!(schemas.iter().any(|(name, _)| name == "Leaf"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pattern::MAX_PATTERN_LEN;
    use serde_json::json;

    fn key(s: &str) -> FieldKey {
        FieldKey::try_from(s).unwrap()
    }

    fn cond(v: Value) -> Condition {
        serde_json::from_value(v).unwrap()
    }

    fn answers(v: Value) -> Answers {
        match v {
            Value::Object(m) => m,
            _ => panic!("answers must be an object"),
        }
    }

    fn eval(c: Value, a: Value) -> bool {
        cond(c).evaluate(&answers(a))
    }

    fn parse_err(v: Value) -> String {
        serde_json::from_value::<Condition>(v)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn wire_format_round_trips() {
        let v = json!({"all": [
            {"field": "age", "op": "gte", "value": 18},
            {"any": [{"field": "country", "op": "in", "value": ["fr", "de"]},
                     {"not": {"field": "email", "op": "empty"}}]},
        ]});
        let c = cond(v.clone());
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
        assert_eq!(
            c,
            Condition::all(vec![
                Condition::leaf(key("age"), Operator::Gte, Some(json!(18))),
                Condition::any(vec![
                    Condition::leaf(key("country"), Operator::In, Some(json!(["fr", "de"]))),
                    !Condition::leaf(key("email"), Operator::Empty, None),
                ]),
            ])
        );
        // an explicit null value survives a round trip
        let v = json!({"field": "a", "op": "eq", "value": null});
        assert_eq!(serde_json::to_value(cond(v.clone())).unwrap(), v);
    }

    #[test]
    fn malformed_trees_get_clear_messages() {
        let e = parse_err(json!({"field": "a", "op": "eqq", "value": 1}));
        assert!(e.contains("at `op`: unknown operator `eqq`"), "{e}");
        let e = parse_err(json!({"all": [{"field": "a", "op": "eq"}, {"field": "a", "all": []}]}));
        assert!(
            e.contains("at `all[1]`: a condition must have exactly one of all/any/not/field"),
            "{e}"
        );
        let e = parse_err(json!({}));
        assert!(
            e.contains("exactly one of all/any/not/field; found an empty object"),
            "{e}"
        );
        let e = parse_err(json!({"foo": 1}));
        assert!(e.contains("found keys `foo`"), "{e}");
        let e = parse_err(json!({"all": [], "extra": 1}));
        assert!(e.contains("unexpected key `extra` beside `all`"), "{e}");
        let e = parse_err(json!({"field": "a", "op": "eq", "vlaue": 1}));
        assert!(e.contains("unknown key `vlaue`"), "{e}");
        let e = parse_err(json!({"field": "a"}));
        assert!(e.contains("needs an `op`"), "{e}");
        let e = parse_err(json!({"not": {"field": "Bad Key", "op": "empty"}}));
        assert!(e.contains("at `not.field`"), "{e}");
        let e = parse_err(json!({"any": {"field": "a", "op": "empty"}}));
        assert!(e.contains("at `any`: `any` takes an array"), "{e}");
        let e = parse_err(json!([1]));
        assert!(e.contains("must be an object, found an array"), "{e}");
        let e = parse_err(json!({"field": 3, "op": "eq"}));
        assert!(e.contains("at `field`"), "{e}");
        let e = parse_err(json!({"field": "a", "op": 3}));
        assert!(e.contains("at `op`: `op` must be a string"), "{e}");
        let leaf: Result<Leaf, _> = serde_json::from_value(json!({"all": []}));
        assert!(leaf.is_err());
    }

    #[test]
    fn empty_groups() {
        assert!(eval(json!({"all": []}), json!({})));
        assert!(!eval(json!({"any": []}), json!({})));
        assert!(!eval(json!({"not": {"all": []}}), json!({})));
    }

    #[test]
    fn eq_and_ne() {
        assert!(eval(
            json!({"field": "n", "op": "eq", "value": 1}),
            json!({"n": 1.0})
        ));
        assert!(eval(
            json!({"field": "n", "op": "eq", "value": 1.5}),
            json!({"n": 1.5})
        ));
        assert!(!eval(
            json!({"field": "n", "op": "eq", "value": "1"}),
            json!({"n": 1})
        ));
        assert!(eval(
            json!({"field": "s", "op": "eq", "value": "x"}),
            json!({"s": "x"})
        ));
        assert!(!eval(
            json!({"field": "s", "op": "eq", "value": "X"}),
            json!({"s": "x"})
        ));
        assert!(eval(
            json!({"field": "s", "op": "ne", "value": "X"}),
            json!({"s": "x"})
        ));
        assert!(eval(
            json!({"field": "s", "op": "ne", "value": "x"}),
            json!({})
        ));
        assert!(eval(
            json!({"field": "l", "op": "eq", "value": ["a", 2]}),
            json!({"l": ["a", 2.0]})
        ));
        assert!(!eval(
            json!({"field": "l", "op": "eq", "value": ["a"]}),
            json!({"l": ["a", "b"]})
        ));
        assert!(eval(
            json!({"field": "o", "op": "eq", "value": {"x": 1}}),
            json!({"o": {"x": 1.0}})
        ));
        assert!(eval(
            json!({"field": "b", "op": "eq", "value": true}),
            json!({"b": true})
        ));
        // u64 beyond i64 and negative numbers
        assert!(eval(
            json!({"field": "n", "op": "gt", "value": -1}),
            json!({"n": u64::MAX})
        ));
        assert!(!eval(
            json!({"field": "n", "op": "eq", "value": -1}),
            json!({"n": u64::MAX})
        ));
    }

    #[test]
    fn ordering_numbers_and_temporal() {
        let a = json!({"n": 5, "d": "2024-03-01", "t": "09:30", "dt": "2024-03-01T09:30",
                       "s": "abc"});
        assert!(eval(
            json!({"field": "n", "op": "gt", "value": 4.5}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "n", "op": "gte", "value": 5}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "n", "op": "lt", "value": 5}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "n", "op": "lte", "value": 5.0}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "d", "op": "gt", "value": "2024-02-29"}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "d", "op": "lt", "value": "2024-12-01"}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "t", "op": "gte", "value": "09:30:00"}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "t", "op": "lt", "value": "10:00"}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "dt", "op": "gt", "value": "2024-03-01T09:29:59"}),
            a.clone()
        ));
        // mixed kinds, unparseable strings, missing answers, strings vs numbers: false
        for (field, value) in [
            ("d", json!("09:30")),
            ("d", json!("2024-3-1")),
            ("s", json!("abd")),
            ("n", json!("4")),
            ("missing", json!(1)),
            ("dt", json!("2024-03-01")),
        ] {
            for op in ["gt", "gte", "lt", "lte"] {
                assert!(
                    !eval(json!({"field": field, "op": op, "value": value}), a.clone()),
                    "{field} {op} {value}"
                );
            }
        }
    }

    #[test]
    fn in_and_not_in() {
        let a = json!({"c": "fr", "n": 2});
        assert!(eval(
            json!({"field": "c", "op": "in", "value": ["de", "fr"]}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "c", "op": "in", "value": []}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "n", "op": "in", "value": [1, 2.0]}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "c", "op": "not_in", "value": ["de"]}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "x", "op": "not_in", "value": ["de"]}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "c", "op": "not_in", "value": ["fr"]}),
            a.clone()
        ));
        // a non-array value is false either way
        assert!(!eval(
            json!({"field": "c", "op": "in", "value": "fr"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "c", "op": "not_in", "value": "de"}),
            a.clone()
        ));
    }

    #[test]
    fn contains_empty_matches() {
        let a = json!({"s": "hello world", "l": ["a", "b"], "e": "", "ea": [], "eo": {},
                       "z": 0, "f": false, "nul": null});
        assert!(eval(
            json!({"field": "s", "op": "contains", "value": "lo w"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "s", "op": "contains", "value": 1}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "l", "op": "contains", "value": "b"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "l", "op": "contains", "value": "c"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "z", "op": "contains", "value": "0"}),
            a.clone()
        ));
        for f in ["e", "ea", "eo", "nul", "missing"] {
            assert!(eval(json!({"field": f, "op": "empty"}), a.clone()), "{f}");
            assert!(
                !eval(json!({"field": f, "op": "not_empty"}), a.clone()),
                "{f}"
            );
        }
        for f in ["s", "l", "z", "f"] {
            assert!(!eval(json!({"field": f, "op": "empty"}), a.clone()), "{f}");
            assert!(
                eval(json!({"field": f, "op": "not_empty"}), a.clone()),
                "{f}"
            );
        }
        assert!(eval(
            json!({"field": "s", "op": "matches", "value": "^h.*d$"}),
            a.clone()
        ));
        assert!(eval(
            json!({"field": "s", "op": "matches", "value": "o w"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "s", "op": "matches", "value": "^world"}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "s", "op": "matches", "value": "("}),
            a.clone()
        ));
        assert!(!eval(
            json!({"field": "z", "op": "matches", "value": "0"}),
            a.clone()
        ));
        let long = "a".repeat(MAX_PATTERN_LEN + 1);
        assert!(!eval(
            json!({"field": "s", "op": "matches", "value": long}),
            a
        ));
    }

    #[test]
    fn depth_and_fields() {
        let mut c = cond(json!({"all": [
            {"field": "a", "op": "empty"},
            {"not": {"any": [{"field": "b", "op": "empty"}, {"field": "a", "op": "empty"}]}}
        ]}));
        assert_eq!(c.depth(), 4);
        assert_eq!(c.fields(), [&key("a"), &key("b")]);
        for k in c.fields_mut() {
            if *k == "a" {
                *k = key("z");
            }
        }
        assert_eq!(c.fields(), [&key("z"), &key("b")]);
    }

    fn catalog() -> FieldCatalog {
        use SelectionType as S;
        [
            ("name", FieldInfo::new(S::TextInput)),
            ("bio", FieldInfo::new(S::RichText)),
            ("age", FieldInfo::new(S::NumberInput)),
            ("stars", FieldInfo::new(S::Rating)),
            ("born", FieldInfo::new(S::DateInput)),
            ("wake", FieldInfo::new(S::TimeInput)),
            ("meet", FieldInfo::new(S::DatetimeInput)),
            ("color", FieldInfo::new(S::ColorPicker)),
            ("cv", FieldInfo::new(S::FileUpload)),
            ("go", FieldInfo::new(S::ApplyButton)),
            (
                "country",
                FieldInfo::new(S::SingleSelect).with_options(vec!["fr".into(), "de".into()]),
            ),
            (
                "tags",
                FieldInfo::new(S::MultipleSelect).with_options(vec!["a".into(), "b".into()]),
            ),
            ("free", FieldInfo::new(S::SingleSelect)),
        ]
        .into_iter()
        .map(|(k, v)| (key(k), v))
        .collect()
    }

    fn check(v: Value) -> Vec<(String, String)> {
        cond(v)
            .check(&catalog(), "c")
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    fn check_paths(v: Value) -> Vec<String> {
        check(v).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn check_accepts_well_typed_conditions() {
        let ok = json!({"all": [
            {"field": "name", "op": "matches", "value": "^[A-Z]"},
            {"field": "name", "op": "contains", "value": "x"},
            {"field": "bio", "op": "not_empty"},
            {"field": "age", "op": "gte", "value": 18},
            {"field": "age", "op": "in", "value": [1, 2.5]},
            {"field": "stars", "op": "eq", "value": 5},
            {"field": "born", "op": "lt", "value": "2000-01-01"},
            {"field": "born", "op": "in", "value": ["2000-01-01"]},
            {"field": "wake", "op": "gt", "value": "07:00"},
            {"field": "meet", "op": "lte", "value": "2024-01-01T10:00:00"},
            {"field": "color", "op": "eq", "value": "#ff0000"},
            {"field": "color", "op": "matches", "value": "^#ff"},
            {"field": "cv", "op": "empty"},
            {"field": "cv", "op": "empty", "value": null},
            {"field": "country", "op": "eq", "value": "fr"},
            {"field": "country", "op": "not_in", "value": ["de"]},
            {"field": "tags", "op": "contains", "value": "a"},
            {"field": "tags", "op": "eq", "value": ["a", "b"]},
            {"field": "free", "op": "eq", "value": "anything"},
            {"any": []},
            {"not": {"field": "name", "op": "empty"}},
        ]});
        assert_eq!(check(ok), vec![]);
    }

    #[test]
    fn check_reports_each_problem_with_its_path() {
        assert_eq!(
            check_paths(json!({"all": [
                {"field": "nope", "op": "empty"},
                {"field": "name", "op": "gt", "value": "a"},
                {"field": "age", "op": "matches", "value": "1"},
                {"field": "age", "op": "contains", "value": 1},
                {"field": "go", "op": "empty"},
                {"field": "cv", "op": "eq", "value": "x"},
                {"field": "tags", "op": "in", "value": ["a"]},
            ]})),
            [
                "c.all[0].field",
                "c.all[1].op",
                "c.all[2].op",
                "c.all[3].op",
                "c.all[4].op",
                "c.all[5].op",
                "c.all[6].op",
            ]
        );
        assert_eq!(
            check_paths(json!({"any": [
                {"field": "age", "op": "eq", "value": "18"},
                {"field": "age", "op": "in", "value": 18},
                {"field": "age", "op": "in", "value": [1, "2", 3, null]},
                {"field": "born", "op": "gt", "value": "yesterday"},
                {"field": "wake", "op": "gt", "value": "2024-01-01"},
                {"field": "meet", "op": "gt", "value": 5},
                {"field": "name", "op": "matches", "value": "("},
                {"field": "name", "op": "matches", "value": 5},
                {"field": "name", "op": "empty", "value": ""},
                {"field": "name", "op": "eq"},
                {"field": "name", "op": "eq", "value": null},
                {"field": "country", "op": "eq", "value": "es"},
                {"field": "tags", "op": "contains", "value": "z"},
                {"field": "tags", "op": "eq", "value": "a"},
                {"field": "tags", "op": "ne", "value": ["a", 1]},
                {"field": "color", "op": "eq", "value": "red"},
                {"field": "name", "op": "contains", "value": ["x"]},
                {"not": {"field": "name", "op": "eq", "value": 1}},
            ]})),
            [
                "c.any[0].value",
                "c.any[1].value",
                "c.any[2].value[1]",
                "c.any[2].value[3]",
                "c.any[3].value",
                "c.any[4].value",
                "c.any[5].value",
                "c.any[6].value",
                "c.any[7].value",
                "c.any[8].value",
                "c.any[9].value",
                "c.any[10].value",
                "c.any[11].value",
                "c.any[12].value",
                "c.any[13].value",
                "c.any[14].value[1]",
                "c.any[15].value",
                "c.any[16].value",
                "c.any[17].not.value",
            ]
        );
    }

    #[test]
    fn check_messages_are_helpful() {
        let errors = check(json!({"field": "name", "op": "gt", "value": "a"}));
        assert!(
            errors[0]
                .1
                .contains("`gt` does not apply to `name` (a text_input)")
        );
        assert!(errors[0].1.contains("matches"));
        let errors = check(json!({"field": "country", "op": "eq", "value": "es"}));
        assert!(
            errors[0]
                .1
                .contains("`es` is not an option of `country` (options: fr, de)")
        );
        let errors = check(json!({"field": "nope", "op": "empty"}));
        assert_eq!(errors[0].1, "there is no field `nope` in this wizard");
    }

    #[test]
    fn check_depth_limit() {
        let mut c = Condition::leaf(key("name"), Operator::Empty, None);
        for _ in 0..MAX_DEPTH - 1 {
            c = !c;
        }
        assert_eq!(c.depth(), MAX_DEPTH);
        assert!(c.check(&catalog(), "c").is_empty());
        let c = Condition::all(vec![c]);
        let errors = c.check(&catalog(), "c");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "c");
        assert!(errors[0].message.contains("at most 32 levels"));
    }

    #[test]
    fn operators_by_kind() {
        assert_eq!(
            Operator::for_kind(ValueKind::File),
            [Operator::Empty, Operator::NotEmpty]
        );
        assert!(Operator::for_kind(ValueKind::None).is_empty());
        for op in Operator::ALL {
            assert_eq!(op.as_str().parse::<Operator>(), Ok(op));
            assert_eq!(serde_json::to_value(op).unwrap(), json!(op.as_str()));
        }
    }
}

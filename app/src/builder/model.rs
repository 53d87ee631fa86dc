//! Pure helpers behind the builder: finding items by id, JSON paths of items (to put the
//! server's errors beside the right input), key and value slugs, the condition tree
//! edits, and the settings table that drives the typed settings editor.
//!
//! Kept free of Leptos so the rules can be unit-tested without a browser.

use serde_json::{Map, Number, Value};
use uuid::Uuid;
use wizard_core::domain::condition::{Condition, Leaf, Operator};
use wizard_core::domain::{
    Field, FieldKey, OptionSet, SelectionType, Step, ValueKind, Wizard, WizardOption,
};

// ---------------------------------------------------------------------------------------
// Finding things
// ---------------------------------------------------------------------------------------

pub fn step_index(w: &Wizard, id: Uuid) -> Option<usize> {
    w.steps.iter().position(|s| s.id == id)
}

pub fn step(w: &Wizard, id: Uuid) -> Option<&Step> {
    w.steps.iter().find(|s| s.id == id)
}

pub fn step_mut(w: &mut Wizard, id: Uuid) -> Option<&mut Step> {
    w.steps.iter_mut().find(|s| s.id == id)
}

/// `(step index, option set index)` of the option set `id`.
pub fn option_set_index(w: &Wizard, id: Uuid) -> Option<(usize, usize)> {
    w.steps.iter().enumerate().find_map(|(i, s)| {
        s.option_sets
            .iter()
            .position(|os| os.id == id)
            .map(|j| (i, j))
    })
}

pub fn option_set(w: &Wizard, id: Uuid) -> Option<&OptionSet> {
    w.option_sets().find(|os| os.id == id)
}

pub fn option_set_mut(w: &mut Wizard, id: Uuid) -> Option<&mut OptionSet> {
    w.steps
        .iter_mut()
        .flat_map(|s| s.option_sets.iter_mut())
        .find(|os| os.id == id)
}

/// The JSON path the server uses for a step: `steps[1]`.
pub fn step_path(w: &Wizard, id: Uuid) -> Option<String> {
    step_index(w, id).map(|i| format!("steps[{i}]"))
}

/// The JSON path of an option set: `steps[1].option_sets[2]`.
pub fn option_set_path(w: &Wizard, id: Uuid) -> Option<String> {
    option_set_index(w, id).map(|(i, j)| format!("steps[{i}].option_sets[{j}]"))
}

/// The step index named at the start of an error path (`steps[2]…` → 2), so the error
/// summary can jump to the step that holds the problem.
pub fn step_of_path(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("steps[")?;
    let end = rest.find(']')?;
    rest[..end].parse().ok()
}

/// The event a publish problem names (`events[2].actions[0].config.url` → 2) and the rest
/// of its path (`actions[0].config.url`), so the summary can say which event by name.
pub fn event_of_path(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("events[")?;
    let end = rest.find(']')?;
    let i = rest[..end].parse().ok()?;
    Some((i, rest[end + 1..].trim_start_matches('.')))
}

/// Moves the element at `from` so it ends up at index `to`; out-of-range is a no-op.
pub fn move_item<T>(v: &mut Vec<T>, from: usize, to: usize) -> bool {
    if from >= v.len() || to >= v.len() || from == to {
        return false;
    }
    let item = v.remove(from);
    v.insert(to, item);
    true
}

/// Moves the item with `id` one place up (`delta = -1`) or down (`delta = 1`).
pub fn shift_by_id<T>(v: &mut Vec<T>, id_of: impl Fn(&T) -> Uuid, id: Uuid, delta: isize) -> bool {
    let Some(from) = v.iter().position(|x| id_of(x) == id) else {
        return false;
    };
    let Some(to) = from.checked_add_signed(delta) else {
        return false;
    };
    move_item(v, from, to)
}

/// Moves the item `dragged` to where `target` is (drag and drop).
pub fn move_to_by_id<T>(
    v: &mut Vec<T>,
    id_of: impl Fn(&T) -> Uuid,
    dragged: Uuid,
    target: Uuid,
) -> bool {
    let from = v.iter().position(|x| id_of(x) == dragged);
    let to = v.iter().position(|x| id_of(x) == target);
    match (from, to) {
        (Some(from), Some(to)) => move_item(v, from, to),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Keys and values
// ---------------------------------------------------------------------------------------

/// Lower-case ASCII letters, digits and single `_`, trimmed; accents are dropped rather
/// than transliterated (good enough for a suggestion the builder can edit).
fn slug_chars(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// A valid [`FieldKey`] suggested by `label`, not in `taken` (a `_2`, `_3`… suffix is
/// added when needed).
pub fn unique_key(label: &str, taken: &[&str]) -> FieldKey {
    let mut base = slug_chars(label);
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base = if base.is_empty() {
            "field".to_owned()
        } else {
            format!("f_{base}")
        };
    }
    // Leave room for a suffix within the 64-character limit.
    base.truncate(58);
    while base.ends_with('_') {
        base.pop();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate.as_str()) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    FieldKey::try_from(candidate).unwrap_or_else(|_| fallback_key(taken))
}

/// `field_<n>` for the first free `n`; only reached if slugging went wrong.
fn fallback_key(taken: &[&str]) -> FieldKey {
    let mut n = 1usize;
    loop {
        let candidate = format!("field_{n}");
        if !taken.contains(&candidate.as_str())
            && let Ok(key) = FieldKey::try_from(candidate)
        {
            return key;
        }
        n += 1;
    }
}

/// The keys of every option set except `except`.
pub fn keys_except(w: &Wizard, except: Option<Uuid>) -> Vec<String> {
    w.option_sets()
        .filter(|os| Some(os.id) != except)
        .map(|os| os.key.as_str().to_owned())
        .collect()
}

/// An option value suggested by its label, unique among `taken`.
pub fn unique_value(label: &str, taken: &[&str]) -> String {
    let base = match slug_chars(label) {
        s if s.is_empty() => "option".to_owned(),
        s => s,
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate.as_str()) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    candidate
}

/// Renames every condition reference to `old` into `new`, across the whole wizard, so
/// renaming a key does not break the conditions that test it.
pub fn rename_key_references(w: &mut Wizard, old: &FieldKey, new: &FieldKey) {
    let rename = |c: &mut Condition| {
        for k in c.fields_mut() {
            if k == old {
                *k = new.clone();
            }
        }
    };
    for step in &mut w.steps {
        if let Some(c) = step.show_if.as_mut() {
            rename(c);
        }
        for os in &mut step.option_sets {
            os.conditions_mut().for_each(rename);
        }
    }
}

/// A friendly name for a selection type (the picker and the card headers).
pub fn type_label(t: SelectionType) -> &'static str {
    match t {
        SelectionType::SingleSelect => "Single choice",
        SelectionType::MultipleSelect => "Multiple choice",
        SelectionType::TextInput => "Text",
        SelectionType::NumberInput => "Number",
        SelectionType::DateInput => "Date",
        SelectionType::TimeInput => "Time",
        SelectionType::DatetimeInput => "Date and time",
        SelectionType::Rating => "Rating",
        SelectionType::Slider => "Slider",
        SelectionType::ColorPicker => "Color",
        SelectionType::FileUpload => "File upload",
        SelectionType::RichText => "Rich text",
        SelectionType::DynamicTable => "Dynamic table",
        SelectionType::ApplyButton => "Apply button",
        SelectionType::Output => "Output",
    }
}

/// Every type a builder can add: the twelve that take an answer, and the three that
/// events drive (an apply button, an output slot, a dynamic table; see `builder::events`).
pub fn buildable_types() -> impl Iterator<Item = SelectionType> {
    SelectionType::ALL.into_iter()
}

/// A new field of type `t` with sensible defaults: a label from the type, a unique key,
/// and two options for selects (a select without options cannot be saved).
pub fn new_option_set(w: &Wizard, t: SelectionType) -> OptionSet {
    let label = type_label(t).to_owned();
    let taken = keys_except(w, None);
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let options = if t.takes_options() {
        (1..=2)
            .map(|n| WizardOption {
                id: Uuid::new_v4(),
                label: format!("Option {n}"),
                value: format!("option_{n}"),
                description: String::new(),
            })
            .collect()
    } else {
        Vec::new()
    };
    OptionSet {
        id: Uuid::new_v4(),
        key: unique_key(&label, &taken),
        label,
        help_text: String::new(),
        required: false,
        field: Field::new(t),
        show_if: None,
        hide_if: None,
        disable_if: None,
        require_if: None,
        options,
    }
}

/// Changes a field's type: settings start over, options stay only for selects (and a
/// select gains two if it has none).
pub fn change_type(os: &mut OptionSet, t: SelectionType) {
    if os.selection_type() == t {
        return;
    }
    os.field = Field::new(t);
    if !t.takes_options() {
        os.options.clear();
    } else if os.options.is_empty() {
        os.options = (1..=2)
            .map(|n| WizardOption {
                id: Uuid::new_v4(),
                label: format!("Option {n}"),
                value: format!("option_{n}"),
                description: String::new(),
            })
            .collect();
    }
}

// ---------------------------------------------------------------------------------------
// Fields that conditions can test
// ---------------------------------------------------------------------------------------

/// One field as the condition builder offers it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChoice {
    pub key: String,
    pub label: String,
    pub selection_type: SelectionType,
    /// `(value, label)` of a select's static options; `None` when any value is possible.
    pub options: Option<Vec<(String, String)>>,
}

impl FieldChoice {
    pub fn kind(&self) -> ValueKind {
        self.selection_type.value_kind()
    }
}

/// Every field a condition may test (those with a value), in wizard order.
pub fn field_choices(w: &Wizard) -> Vec<FieldChoice> {
    w.option_sets()
        .filter(|os| os.selection_type().value_kind() != ValueKind::None)
        .map(|os| FieldChoice {
            key: os.key.as_str().to_owned(),
            label: os.label.clone(),
            selection_type: os.selection_type(),
            options: (os.selection_type().takes_options() && !os.field.has_dynamic_options()).then(
                || {
                    os.options
                        .iter()
                        .map(|o| (o.value.clone(), o.label.clone()))
                        .collect()
                },
            ),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Condition trees
// ---------------------------------------------------------------------------------------

/// What kind of node sits at an address, which decides how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Group,
    Not,
    Leaf,
    /// The address no longer exists (the tree changed under a view being torn down).
    Missing,
}

/// The node at `at` (child indices from the root; a `not` has one child, index 0).
pub fn node<'a>(c: &'a Condition, at: &[usize]) -> Option<&'a Condition> {
    let Some((first, rest)) = at.split_first() else {
        return Some(c);
    };
    match c {
        Condition::All(cs) | Condition::Any(cs) => node(cs.get(*first)?, rest),
        Condition::Not(inner) if *first == 0 => node(inner, rest),
        _ => None,
    }
}

pub fn node_mut<'a>(c: &'a mut Condition, at: &[usize]) -> Option<&'a mut Condition> {
    let Some((first, rest)) = at.split_first() else {
        return Some(c);
    };
    match c {
        Condition::All(cs) | Condition::Any(cs) => node_mut(cs.get_mut(*first)?, rest),
        Condition::Not(inner) if *first == 0 => node_mut(inner, rest),
        _ => None,
    }
}

pub fn shape(c: Option<&Condition>, at: &[usize]) -> Shape {
    match c.and_then(|c| node(c, at)) {
        Some(Condition::All(_) | Condition::Any(_)) => Shape::Group,
        Some(Condition::Not(_)) => Shape::Not,
        Some(Condition::Leaf(_)) => Shape::Leaf,
        None => Shape::Missing,
    }
}

/// The JSON path of the node at `at`, relative to the condition (`.all[1].not`), the way
/// the server names problems in it.
pub fn node_path(c: &Condition, at: &[usize]) -> String {
    let mut out = String::new();
    let mut cur = c;
    for &i in at {
        match cur {
            Condition::All(cs) => {
                out.push_str(&format!(".all[{i}]"));
                match cs.get(i) {
                    Some(next) => cur = next,
                    None => break,
                }
            }
            Condition::Any(cs) => {
                out.push_str(&format!(".any[{i}]"));
                match cs.get(i) {
                    Some(next) => cur = next,
                    None => break,
                }
            }
            Condition::Not(inner) => {
                out.push_str(".not");
                cur = inner;
            }
            Condition::Leaf(_) => break,
        }
    }
    out
}

/// The operator a new rule on a field of `kind` starts with.
pub fn default_op(kind: ValueKind) -> Operator {
    match kind {
        ValueKind::List => Operator::Contains,
        ValueKind::File => Operator::NotEmpty,
        _ => Operator::Eq,
    }
}

/// A starting value for `op` on `field`: the first option of a select, a plausible
/// literal otherwise, so a new rule is valid as soon as it is added.
pub fn default_value(field: Option<&FieldChoice>, op: Operator) -> Option<Value> {
    if !op.takes_value() {
        return None;
    }
    let kind = field.map_or(ValueKind::Text, FieldChoice::kind);
    let first_option = field
        .and_then(|f| f.options.as_ref())
        .and_then(|o| o.first())
        .map(|(v, _)| Value::String(v.clone()));
    let scalar = match kind {
        ValueKind::Number => Value::from(0),
        ValueKind::Date => Value::from("2025-01-01"),
        ValueKind::Time => Value::from("09:00"),
        ValueKind::DateTime => Value::from("2025-01-01T09:00"),
        ValueKind::Color => Value::from("#000000"),
        _ if op == Operator::Matches => Value::from(""),
        _ => first_option.unwrap_or_else(|| Value::from("")),
    };
    if takes_list(kind, op) {
        Some(Value::Array(Vec::new()))
    } else {
        Some(scalar)
    }
}

/// Whether `op` on a field of `kind` compares against an array.
pub fn takes_list(kind: ValueKind, op: Operator) -> bool {
    matches!(op, Operator::In | Operator::NotIn)
        || (kind == ValueKind::List && matches!(op, Operator::Eq | Operator::Ne))
}

/// A new rule on the first field offered (`None` when there is nothing to test).
pub fn new_leaf(fields: &[FieldChoice]) -> Option<Condition> {
    let f = fields.first()?;
    let key = FieldKey::try_from(f.key.as_str()).ok()?;
    let op = default_op(f.kind());
    Some(Condition::Leaf(Leaf {
        field: key,
        op,
        value: default_value(Some(f), op),
    }))
}

/// Points a rule at another field, keeping the operator and value where they still fit.
pub fn set_leaf_field(leaf: &mut Leaf, field: &FieldChoice) {
    let Ok(key) = FieldKey::try_from(field.key.as_str()) else {
        return;
    };
    let old_kind_op = leaf.op;
    leaf.field = key;
    let kind = field.kind();
    if !leaf.op.applies_to(kind) {
        leaf.op = default_op(kind);
    }
    let keep = old_kind_op == leaf.op
        && leaf
            .value
            .as_ref()
            .is_some_and(|v| value_fits(v, field, leaf.op));
    if !keep {
        leaf.value = default_value(Some(field), leaf.op);
    }
}

/// Changes a rule's operator, converting the value between one value and a list.
pub fn set_leaf_op(leaf: &mut Leaf, op: Operator, field: Option<&FieldChoice>) {
    leaf.op = op;
    let kind = field.map_or(ValueKind::Text, FieldChoice::kind);
    if !op.takes_value() {
        leaf.value = None;
        return;
    }
    let current = leaf.value.take();
    leaf.value = match (takes_list(kind, op), current) {
        (true, Some(Value::Array(xs))) => Some(Value::Array(xs)),
        (true, Some(Value::Null) | None) => Some(Value::Array(Vec::new())),
        (true, Some(v)) => Some(Value::Array(vec![v])),
        (false, Some(Value::Array(xs))) => {
            xs.into_iter().next().or_else(|| default_value(field, op))
        }
        (false, Some(Value::Null) | None) => default_value(field, op),
        (false, Some(v)) => Some(v),
    };
    if op == Operator::Matches && !leaf.value.as_ref().is_some_and(Value::is_string) {
        leaf.value = Some(Value::from(""));
    }
}

/// Whether `v` is still a sensible value for `op` on `field` (type and options).
fn value_fits(v: &Value, field: &FieldChoice, op: Operator) -> bool {
    let scalar_ok = |x: &Value| match field.kind() {
        ValueKind::Number => x.is_number(),
        _ => match (x, &field.options) {
            (Value::String(s), Some(opts)) => opts.iter().any(|(o, _)| o == s),
            (Value::String(_), None) => true,
            _ => false,
        },
    };
    if takes_list(field.kind(), op) {
        v.as_array().is_some_and(|xs| xs.iter().all(scalar_ok))
    } else {
        scalar_ok(v)
    }
}

/// Reads what a value input shows for `v`.
pub fn value_to_input(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(xs)) => xs
            .iter()
            .map(|x| value_to_input(Some(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// One typed value from an input: numbers for number fields (an empty or unreadable
/// number is `None`, which the server reports as a missing value), strings otherwise.
pub fn scalar_from_input(kind: ValueKind, s: &str) -> Option<Value> {
    match kind {
        ValueKind::Number => parse_number(s),
        _ => Some(Value::String(s.to_owned())),
    }
}

/// A JSON number from text, integral when it can be (`3` rather than `3.0`).
pub fn parse_number(s: &str) -> Option<Value> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    s.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

/// A list from comma-separated text (for `in`/`not_in` without fixed options).
pub fn list_from_input(kind: ValueKind, s: &str) -> Value {
    Value::Array(
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .filter_map(|x| scalar_from_input(kind, x))
            .collect(),
    )
}

/// Removes the node at `at`. Removing the root (or the only child of a `not`) leaves no
/// condition at that place.
pub fn remove_node(root: Option<Condition>, at: &[usize]) -> Option<Condition> {
    let mut root = root?;
    let (last, parent_at) = at.split_last()?;
    let Some(parent) = node_mut(&mut root, parent_at) else {
        return Some(root);
    };
    match parent {
        Condition::All(cs) | Condition::Any(cs) => {
            if *last < cs.len() {
                cs.remove(*last);
            }
            Some(root)
        }
        // A `not` without its child is meaningless: remove the `not` too.
        Condition::Not(_) => remove_node(Some(root), parent_at),
        Condition::Leaf(_) => Some(root),
    }
}

/// Replaces the node at `at` with `f(node)`.
pub fn replace_node(
    root: Option<Condition>,
    at: &[usize],
    f: impl FnOnce(Condition) -> Condition,
) -> Option<Condition> {
    let mut root = root?;
    if let Some(slot) = node_mut(&mut root, at) {
        let placeholder = Condition::All(Vec::new());
        let old = std::mem::replace(slot, placeholder);
        *slot = f(old);
    }
    Some(root)
}

/// Unwraps a group with a single child, or a `not`, into its child.
pub fn unwrap_node(c: Condition) -> Condition {
    match c {
        Condition::Not(inner) => *inner,
        Condition::All(mut cs) | Condition::Any(mut cs) if cs.len() == 1 => cs.remove(0),
        other => other,
    }
}

/// Switches a group between `all` and `any`.
pub fn set_group_kind(c: Condition, any: bool) -> Condition {
    match (c, any) {
        (Condition::All(cs), true) => Condition::Any(cs),
        (Condition::Any(cs), false) => Condition::All(cs),
        (other, _) => other,
    }
}

/// Whether a group can be un-nested without losing rules.
pub fn can_unwrap(c: &Condition) -> bool {
    match c {
        Condition::Not(_) => true,
        Condition::All(cs) | Condition::Any(cs) => cs.len() == 1,
        Condition::Leaf(_) => false,
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

/// How one setting is edited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingKind {
    Bool,
    /// An integer; `optional` settings can be left blank.
    Int {
        optional: bool,
    },
    Float {
        optional: bool,
    },
    Text,
    Date,
    Time,
    DateTime,
    /// One of fixed `(value, label)` choices.
    Choice(&'static [(&'static str, &'static str)]),
    /// A list of strings, typed comma-separated.
    List,
}

/// One setting of one selection type: its wire name, label and editor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: SettingKind,
    pub hint: &'static str,
}

const fn spec(
    name: &'static str,
    label: &'static str,
    kind: SettingKind,
    hint: &'static str,
) -> SettingSpec {
    SettingSpec {
        name,
        label,
        kind,
        hint,
    }
}

const OPT_INT: SettingKind = SettingKind::Int { optional: true };
const OPT_FLOAT: SettingKind = SettingKind::Float { optional: true };
const FLOAT: SettingKind = SettingKind::Float { optional: false };

/// Every setting of `t`, as defined in `wizard_core::domain::selection` (a test checks
/// the two agree).
pub fn settings_for(t: SelectionType) -> &'static [SettingSpec] {
    use SettingKind::*;
    const DYNAMIC: SettingSpec = spec(
        "dynamic_options",
        "Options come from an action",
        Bool,
        "The options are filled at run time, so none are needed here.",
    );
    const OTHER: SettingSpec = spec(
        "allow_other",
        "Allow another answer",
        Bool,
        "The runner may type a value that is not an option.",
    );
    const SINGLE: &[SettingSpec] = &[
        spec(
            "display",
            "Show as",
            Choice(&[("radio", "Radio buttons"), ("dropdown", "Dropdown")]),
            "",
        ),
        OTHER,
        DYNAMIC,
    ];
    const MULTIPLE: &[SettingSpec] = &[
        spec("min_selected", "At least", OPT_INT, "Fewest choices."),
        spec("max_selected", "At most", OPT_INT, "Most choices."),
        OTHER,
        DYNAMIC,
    ];
    const TEXT: &[SettingSpec] = &[
        spec("placeholder", "Placeholder", Text, ""),
        spec("min_length", "Minimum length", OPT_INT, "In characters."),
        spec("max_length", "Maximum length", OPT_INT, "In characters."),
        spec(
            "pattern",
            "Pattern",
            Text,
            "A regular expression the whole answer must match.",
        ),
        spec("multiline", "Several lines", Bool, ""),
    ];
    const NUMBER: &[SettingSpec] = &[
        spec("min", "Minimum", OPT_FLOAT, ""),
        spec("max", "Maximum", OPT_FLOAT, ""),
        spec("step", "Step", OPT_FLOAT, "The smallest change, e.g. 0.5."),
        spec("decimals", "Decimals", OPT_INT, "Digits after the point."),
    ];
    const DATE: &[SettingSpec] = &[
        spec("min", "Earliest", Date, ""),
        spec("max", "Latest", Date, ""),
    ];
    const TIME: &[SettingSpec] = &[
        spec("min", "Earliest", Time, ""),
        spec("max", "Latest", Time, ""),
    ];
    const DATETIME: &[SettingSpec] = &[
        spec("min", "Earliest", DateTime, ""),
        spec("max", "Latest", DateTime, ""),
    ];
    const RATING: &[SettingSpec] = &[
        spec("max", "Stars", Int { optional: false }, "From 1 to 10."),
        spec("allow_half", "Allow half stars", Bool, ""),
    ];
    const SLIDER: &[SettingSpec] = &[
        spec("min", "Minimum", FLOAT, ""),
        spec("max", "Maximum", FLOAT, ""),
        spec(
            "step",
            "Step",
            FLOAT,
            "Max − min must be a whole number of steps.",
        ),
    ];
    const COLOR: &[SettingSpec] = &[spec("allow_alpha", "Allow transparency", Bool, "")];
    const FILE: &[SettingSpec] = &[
        spec(
            "accepted_types",
            "Accepted types",
            List,
            "Comma-separated: image/png, image/*, .pdf. Empty accepts any file.",
        ),
        spec(
            "max_size_bytes",
            "Largest file (bytes)",
            OPT_INT,
            "At most 52428800 (50 MiB).",
        ),
        spec("max_files", "Most files", OPT_INT, "From 1 to 100."),
    ];
    const RICH: &[SettingSpec] = &[spec(
        "max_length",
        "Maximum length",
        OPT_INT,
        "In characters.",
    )];
    match t {
        SelectionType::SingleSelect => SINGLE,
        SelectionType::MultipleSelect => MULTIPLE,
        SelectionType::TextInput => TEXT,
        SelectionType::NumberInput => NUMBER,
        SelectionType::DateInput => DATE,
        SelectionType::TimeInput => TIME,
        SelectionType::DatetimeInput => DATETIME,
        SelectionType::Rating => RATING,
        SelectionType::Slider => SLIDER,
        SelectionType::ColorPicker => COLOR,
        SelectionType::FileUpload => FILE,
        SelectionType::RichText => RICH,
        SelectionType::DynamicTable | SelectionType::ApplyButton | SelectionType::Output => &[],
    }
}

/// The settings object of a field as JSON (`{}` when all are defaults and skipped).
pub fn settings_json(field: &Field) -> Map<String, Value> {
    match serde_json::to_value(field) {
        Ok(Value::Object(mut m)) => match m.remove("settings") {
            Some(Value::Object(s)) => s,
            _ => Map::new(),
        },
        _ => Map::new(),
    }
}

/// The field with setting `name` set to `value` (`None` resets it to its default), or
/// why the typed settings refuse it.
pub fn with_setting(field: &Field, name: &str, value: Option<Value>) -> Result<Field, String> {
    let mut settings = settings_json(field);
    match value {
        Some(v) => settings.insert(name.to_owned(), v),
        None => settings.remove(name),
    };
    Field::from_parts(field.selection_type(), Some(Value::Object(settings))).map_err(|e| {
        // serde's message names the setting's type; drop the generic prefix.
        let text = e.to_string();
        let prefix = format!("invalid settings for a {}: ", field.selection_type());
        text.strip_prefix(&prefix).unwrap_or(&text).to_owned()
    })
}

/// What a setting input shows.
pub fn setting_to_input(settings: &Map<String, Value>, spec: &SettingSpec) -> String {
    match settings.get(spec.name) {
        None | Some(Value::Null) => match spec.kind {
            // Required settings always have a value; show the default when it was skipped.
            SettingKind::Choice(choices) => choices
                .first()
                .map(|(v, _)| (*v).to_owned())
                .unwrap_or_default(),
            _ => String::new(),
        },
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(xs)) => xs
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Number(n)) => number_text(n),
        Some(other) => other.to_string(),
    }
}

/// A number as a person types it: `1` rather than the `1.0` a float serializes to.
fn number_text(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// The JSON of a setting typed into an input, `Ok(None)` for blank (reset to default),
/// or why the text is not the right kind of value.
pub fn setting_from_input(spec: &SettingSpec, text: &str) -> Result<Option<Value>, String> {
    let t = text.trim();
    match spec.kind {
        SettingKind::Bool => Ok(Some(Value::Bool(t == "true"))),
        SettingKind::Int { .. } => {
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .map(|i| Some(Value::from(i)))
                .map_err(|_| "enter a whole number".to_owned())
        }
        SettingKind::Float { .. } => {
            if t.is_empty() {
                return Ok(None);
            }
            parse_number(t)
                .map(Some)
                .ok_or_else(|| "enter a number".to_owned())
        }
        SettingKind::Text | SettingKind::Date | SettingKind::Time | SettingKind::DateTime => {
            Ok((!t.is_empty()).then(|| Value::String(t.to_owned())))
        }
        SettingKind::Choice(_) => Ok(Some(Value::String(t.to_owned()))),
        SettingKind::List => Ok(Some(Value::Array(
            t.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.to_owned()))
                .collect(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wizard_core::domain::*;

    fn wizard(v: Value) -> Wizard {
        serde_json::from_value(v).unwrap()
    }

    fn sample() -> Wizard {
        wizard(json!({
            "id": Uuid::from_u128(100),
            "name": "W",
            "steps": [
                {"id": Uuid::from_u128(1), "title": "One", "option_sets": [
                    {"id": Uuid::from_u128(10), "key": "kind", "label": "Kind",
                     "selection_type": "single_select",
                     "options": [{"id": Uuid::from_u128(20), "label": "A", "value": "a"},
                                 {"id": Uuid::from_u128(21), "label": "B", "value": "b"}]},
                    {"id": Uuid::from_u128(11), "key": "age", "label": "Age",
                     "selection_type": "number_input"}
                ]},
                {"id": Uuid::from_u128(2), "title": "Two",
                 "show_if": {"field": "kind", "op": "eq", "value": "a"},
                 "option_sets": [
                    {"id": Uuid::from_u128(12), "key": "note", "label": "Note",
                     "selection_type": "text_input",
                     "show_if": {"all": [{"field": "age", "op": "gt", "value": 3},
                                         {"not": {"field": "kind", "op": "empty"}}]}}
                ]}
            ]
        }))
    }

    #[test]
    fn keys_are_valid_unique_slugs() {
        assert_eq!(unique_key("First name", &[]).as_str(), "first_name");
        assert_eq!(unique_key("  Ça va? ", &[]).as_str(), "a_va");
        assert_eq!(unique_key("2nd choice", &[]).as_str(), "f_2nd_choice");
        assert_eq!(unique_key("!!!", &[]).as_str(), "field");
        assert_eq!(unique_key("Name", &["name", "name_2"]).as_str(), "name_3");
        let long = "x".repeat(200);
        let taken_long = "x".repeat(58);
        let key = unique_key(&long, &[taken_long.as_str()]);
        assert!(FieldKey::validate(key.as_str()).is_ok());
        assert_eq!(key.as_str(), format!("{taken_long}_2"));
    }

    #[test]
    fn option_values_follow_labels() {
        assert_eq!(unique_value("Yes, please", &[]), "yes_please");
        assert_eq!(unique_value("Yes please", &["yes_please"]), "yes_please_2");
        assert_eq!(unique_value("", &[]), "option");
    }

    #[test]
    fn paths_match_the_servers() {
        let w = sample();
        assert_eq!(
            option_set_path(&w, Uuid::from_u128(12)).unwrap(),
            "steps[1].option_sets[0]"
        );
        assert_eq!(step_path(&w, Uuid::from_u128(2)).unwrap(), "steps[1]");
        assert_eq!(step_of_path("steps[12].option_sets[0].key"), Some(12));
        assert_eq!(step_of_path("name"), None);
        assert_eq!(
            event_of_path("events[3].actions[0].config.url"),
            Some((3, "actions[0].config.url"))
        );
        assert_eq!(event_of_path("events[0]"), Some((0, "")));
        assert_eq!(event_of_path("steps[0].key"), None);
        let c = option_set(&w, Uuid::from_u128(12))
            .unwrap()
            .show_if
            .clone()
            .unwrap();
        assert_eq!(node_path(&c, &[1, 0]), ".all[1].not");
        assert_eq!(node_path(&c, &[0]), ".all[0]");
        assert_eq!(node_path(&c, &[]), "");
        // The server's own check names the same place.
        let mut broken = w.clone();
        if let Some(Condition::All(cs)) =
            option_set_mut(&mut broken, Uuid::from_u128(12)).and_then(|os| os.show_if.as_mut())
            && let Condition::Not(inner) = &mut cs[1]
            && let Condition::Leaf(leaf) = inner.as_mut()
        {
            leaf.field = FieldKey::try_from("gone").unwrap();
        }
        let errors = broken.check();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].field,
            format!(
                "steps[1].option_sets[0].show_if{}.field",
                node_path(&c, &[1, 0])
            )
        );
    }

    #[test]
    fn reorder_moves_one_item() {
        let mut v = vec![1, 2, 3, 4];
        assert!(move_item(&mut v, 0, 2));
        assert_eq!(v, [2, 3, 1, 4]);
        assert!(!move_item(&mut v, 3, 4));
        let mut w = sample();
        let ids = |w: &Wizard| w.steps.iter().map(|s| s.id.as_u128()).collect::<Vec<_>>();
        assert!(shift_by_id(&mut w.steps, |s| s.id, Uuid::from_u128(2), -1));
        assert_eq!(ids(&w), [2, 1]);
        assert!(!shift_by_id(&mut w.steps, |s| s.id, Uuid::from_u128(2), -1));
        assert!(move_to_by_id(
            &mut w.steps,
            |s| s.id,
            Uuid::from_u128(2),
            Uuid::from_u128(1)
        ));
        assert_eq!(ids(&w), [1, 2]);
    }

    #[test]
    fn renaming_a_key_renames_its_references() {
        let mut w = sample();
        let old = FieldKey::try_from("kind").unwrap();
        let new = FieldKey::try_from("sort").unwrap();
        option_set_mut(&mut w, Uuid::from_u128(10)).unwrap().key = new.clone();
        rename_key_references(&mut w, &old, &new);
        assert!(w.check().is_empty(), "{:?}", w.check());
        assert_eq!(w.steps[1].show_if.as_ref().unwrap().fields(), [&new]);
    }

    #[test]
    fn new_fields_are_saveable_for_every_type() {
        let mut w = sample();
        for t in buildable_types() {
            let os = new_option_set(&w, t);
            assert_eq!(os.selection_type(), t);
            w.steps[0].option_sets.push(os);
        }
        assert_eq!(buildable_types().count(), 15);
        assert!(w.check().is_empty(), "{:?}", w.check());
        // New rules on every field are valid too.
        let fields = field_choices(&w);
        for f in &fields {
            let mut leaf = match new_leaf(std::slice::from_ref(f)) {
                Some(Condition::Leaf(l)) => l,
                other => panic!("{other:?}"),
            };
            w.steps[1].show_if = Some(Condition::Leaf(leaf.clone()));
            assert!(w.check().is_empty(), "{}: {:?}", f.key, w.check());
            // …and stay valid through every operator their kind allows.
            for op in Operator::for_kind(f.kind()) {
                set_leaf_op(&mut leaf, op, Some(f));
                w.steps[1].show_if = Some(Condition::Leaf(leaf.clone()));
                let errors = w.check();
                // `in` with an empty list and a free-text `matches ""` are valid too.
                assert!(errors.is_empty(), "{} {op}: {errors:?}", f.key);
            }
        }
    }

    #[test]
    fn switching_field_keeps_what_fits() {
        let w = sample();
        let fields = field_choices(&w);
        let kind = fields.iter().find(|f| f.key == "kind").unwrap();
        let age = fields.iter().find(|f| f.key == "age").unwrap();
        let mut leaf = Leaf {
            field: FieldKey::try_from("kind").unwrap(),
            op: Operator::Eq,
            value: Some(json!("b")),
        };
        set_leaf_field(&mut leaf, age);
        assert_eq!(
            (leaf.op, leaf.value.clone()),
            (Operator::Eq, Some(json!(0)))
        );
        leaf.op = Operator::Gt;
        set_leaf_field(&mut leaf, kind);
        assert_eq!(
            (leaf.op, leaf.value.clone()),
            (Operator::Eq, Some(json!("a")))
        );
        set_leaf_op(&mut leaf, Operator::In, Some(kind));
        assert_eq!(leaf.value, Some(json!(["a"])));
        set_leaf_op(&mut leaf, Operator::Empty, Some(kind));
        assert_eq!(leaf.value, None);
    }

    #[test]
    fn tree_edits() {
        let a = json!({"field": "a", "op": "empty"});
        let b = json!({"field": "b", "op": "empty"});
        let c = |v: Value| Condition::from_json(&v).unwrap();
        let root = c(json!({"all": [a, {"not": b}]}));
        assert_eq!(shape(Some(&root), &[]), Shape::Group);
        assert_eq!(shape(Some(&root), &[1]), Shape::Not);
        assert_eq!(shape(Some(&root), &[1, 0]), Shape::Leaf);
        assert_eq!(shape(Some(&root), &[5]), Shape::Missing);
        // removing the child of a `not` removes the `not`
        assert_eq!(
            remove_node(Some(root.clone()), &[1, 0]),
            Some(c(json!({"all": [a]})))
        );
        assert_eq!(remove_node(Some(root.clone()), &[]), None);
        // un-nest a single-child group; switch all/any; wrap in not
        let one = remove_node(Some(root.clone()), &[1]).unwrap();
        assert!(can_unwrap(&one));
        assert_eq!(unwrap_node(one), c(a.clone()));
        assert!(!can_unwrap(&root));
        assert_eq!(
            replace_node(Some(root.clone()), &[], |n| set_group_kind(n, true)),
            Some(c(json!({"any": [a, {"not": b}]})))
        );
        assert_eq!(
            replace_node(Some(root), &[0], Condition::negate),
            Some(c(json!({"all": [{"not": a}, {"not": b}]})))
        );
    }

    #[test]
    fn value_inputs_round_trip() {
        assert_eq!(parse_number("3"), Some(json!(3)));
        assert_eq!(parse_number("2.5"), Some(json!(2.5)));
        assert_eq!(parse_number("x"), None);
        assert_eq!(
            list_from_input(ValueKind::Number, "1, 2.5,, x"),
            json!([1, 2.5])
        );
        assert_eq!(
            list_from_input(ValueKind::Text, "a, b c"),
            json!(["a", "b c"])
        );
        assert_eq!(value_to_input(Some(&json!(["a", 1]))), "a, 1");
        let slider = settings_json(&Field::new(SelectionType::Slider));
        let min = settings_for(SelectionType::Slider)[0];
        assert_eq!(setting_to_input(&slider, &min), "0");
        let n = with_setting(
            &Field::new(SelectionType::NumberInput),
            "step",
            Some(json!(0.5)),
        )
        .unwrap();
        let step = settings_for(SelectionType::NumberInput)[2];
        assert_eq!(setting_to_input(&settings_json(&n), &step), "0.5");
    }

    #[test]
    fn settings_table_matches_the_settings_types() {
        // Struct literals without `..` fail to compile when a setting is added, which
        // points here; serializing them lists every setting name.
        let full: Vec<Field> = vec![
            Field::SingleSelect(SingleSelectSettings {
                allow_other: true,
                display: SelectDisplay::Dropdown,
                dynamic_options: true,
            }),
            Field::MultipleSelect(SelectSettings {
                min_selected: Some(1),
                max_selected: Some(2),
                allow_other: true,
                dynamic_options: false,
            }),
            Field::TextInput(TextSettings {
                min_length: Some(1),
                max_length: Some(5),
                pattern: Some("a+".into()),
                placeholder: Some("p".into()),
                multiline: true,
            }),
            Field::NumberInput(NumberSettings {
                min: Some(0.0),
                max: Some(1.0),
                step: Some(0.5),
                decimals: Some(1),
            }),
            Field::DateInput(DateSettings {
                min: parse_date("2024-01-01"),
                max: parse_date("2024-02-01"),
            }),
            Field::TimeInput(TimeSettings {
                min: parse_time("08:00"),
                max: parse_time("09:00"),
            }),
            Field::DatetimeInput(DateTimeSettings {
                min: parse_datetime("2024-01-01T08:00"),
                max: parse_datetime("2024-01-01T09:00"),
            }),
            Field::Rating(RatingSettings {
                max: 4,
                allow_half: true,
            }),
            Field::Slider(SliderSettings {
                min: 0.0,
                max: 10.0,
                step: 2.0,
            }),
            Field::ColorPicker(ColorSettings { allow_alpha: true }),
            Field::FileUpload(FileSettings {
                max_size_bytes: Some(10),
                accepted_types: vec![".pdf".into()],
                max_files: Some(2),
            }),
            Field::RichText(RichTextSettings {
                max_length: Some(10),
            }),
        ];
        // The action-driven types have no settings a builder types in.
        assert_eq!(
            full.len(),
            buildable_types().filter(|t| !t.is_action_driven()).count()
        );
        for field in full {
            let t = field.selection_type();
            let settings = settings_json(&field);
            let mut names: Vec<&str> = settings.keys().map(String::as_str).collect();
            let mut spec_names: Vec<&str> = settings_for(t).iter().map(|s| s.name).collect();
            names.sort_unstable();
            spec_names.sort_unstable();
            assert_eq!(names, spec_names, "{t}");
            // Every setting round-trips through its input.
            let mut rebuilt = Field::new(t);
            for spec in settings_for(t) {
                let text = setting_to_input(&settings, spec);
                let value = setting_from_input(spec, &text).unwrap();
                rebuilt = with_setting(&rebuilt, spec.name, value).unwrap();
            }
            assert_eq!(rebuilt, field, "{t}");
        }
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        let f = Field::new(SelectionType::DateInput);
        let err = with_setting(&f, "min", Some(json!("2024-13-01"))).unwrap_err();
        assert!(err.contains("not a date"), "{err}");
        let f = Field::new(SelectionType::Rating);
        assert!(with_setting(&f, "max", Some(json!(-1))).is_err());
        // blank resets to the default
        let f = with_setting(&f, "max", Some(json!(7))).unwrap();
        assert_eq!(
            with_setting(&f, "max", None).unwrap(),
            Field::new(SelectionType::Rating)
        );
    }
}

//! The condition builder: a tree of rules (`field op value`) inside `all` / `any` groups
//! and `not`, edited in place.
//!
//! It only offers what `Condition::check` accepts: fields that have a value, the
//! operators that apply to the chosen field's kind (`Operator::for_kind`), and a value
//! input of that kind (an option list for selects, a number, a date, a list for
//! `in`/`not_in`, none for `empty`). Anything that still goes wrong (a field deleted
//! later, a key renamed by hand) is reported by the server with a path, shown beside
//! the rule that has it.
//!
//! Nodes are addressed by child indices from the root; each node's view reads its data
//! through that address, so editing one rule re-renders nothing else.

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::ValueKind;
use wizard_core::domain::condition::{Condition, Leaf, Operator};

use super::model::{self, FieldChoice, Shape};
use super::state::Builder;
use super::ui::ErrorLines;

/// What every node of one condition editor shares.
#[derive(Clone, Copy)]
struct Ctx {
    b: Builder,
    value: Signal<Option<Condition>>,
    on_set: Callback<Option<Condition>>,
    fields: Signal<Vec<FieldChoice>>,
    path: Signal<Option<String>>,
    /// The step or option set that holds the condition, and which condition it is:
    /// stable across reorders, so element ids derived from them are too.
    owner: uuid::Uuid,
    name: &'static str,
}

impl Ctx {
    /// A DOM id for the node at `at`, unique on the page.
    fn dom_id(self, at: &[usize], what: &str) -> String {
        let ids: Vec<String> = at.iter().map(usize::to_string).collect();
        format!(
            "c-{}-{}-n{}-{what}",
            self.owner.simple(),
            self.name,
            ids.join("-")
        )
    }

    fn modify(self, f: impl FnOnce(Option<Condition>) -> Option<Condition>) {
        let current = self.value.get_untracked();
        self.on_set.run(f(current));
    }

    fn modify_leaf(self, at: &[usize], f: impl FnOnce(&mut Leaf)) {
        self.modify(|root| {
            model::replace_node(root, at, |n| match n {
                Condition::Leaf(mut leaf) => {
                    f(&mut leaf);
                    Condition::Leaf(leaf)
                }
                other => other,
            })
        });
    }

    /// The server's path of the node at `at` (`steps[0].option_sets[1].show_if.all[0]`).
    fn node_path(self, at: &[usize]) -> Option<String> {
        let base = self.path.get()?;
        let rel = self
            .value
            .with(|c| c.as_ref().map(|c| model::node_path(c, at)))?;
        Some(format!("{base}{rel}"))
    }

    fn new_leaf(self) -> Option<Condition> {
        self.fields.with_untracked(|fs| model::new_leaf(fs))
    }
}

/// Edits one optional condition (`show_if`, …). `on_set` receives the whole new tree
/// (`None` when the last rule is removed).
#[component]
pub fn ConditionEditor(
    b: Builder,
    #[prop(into)] value: Signal<Option<Condition>>,
    on_set: Callback<Option<Condition>>,
    /// The fields the condition may test.
    #[prop(into)]
    fields: Signal<Vec<FieldChoice>>,
    /// The condition's JSON path in the wizard, e.g. `steps[0].option_sets[2].show_if`.
    #[prop(into)]
    path: Signal<Option<String>>,
    /// A heading such as "Show only if".
    label: &'static str,
    /// What an absent condition means, e.g. "Always shown".
    when_empty: &'static str,
    /// The id of the step or option set holding the condition.
    owner: uuid::Uuid,
    /// `show_if`, `hide_if`, …; the editor's test id is `condition-<name>`.
    name: &'static str,
) -> impl IntoView {
    let ctx = Ctx {
        b,
        value,
        on_set,
        fields,
        path,
        owner,
        name,
    };
    let testid = format!("condition-{name}");
    let present = Memo::new(move |_| value.with(Option::is_some));
    let no_fields = Memo::new(move |_| fields.with(Vec::is_empty));
    let root_errors = Signal::derive(move || {
        // Only problems of the condition as a whole (too deep) sit at its root path.
        path.get().map(|p| b.errors_at(&p)).unwrap_or_default()
    });
    let err_id = ctx.dom_id(&[], "root-errors");
    view! {
        <div class="cond-editor" data-testid=testid>
            <div class="cond-editor-head">
                <span class="cond-label">{label}</span>
                <Show when=move || !present.get()>
                    <span class="muted cond-empty">{when_empty}</span>
                    <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        data-testid="cond-add-rule"
                        disabled=move || no_fields.get()
                        on:click=move |_| {
                            if let Some(leaf) = ctx.new_leaf() {
                                ctx.on_set.run(Some(leaf));
                            }
                        }
                    >
                        "+ Rule"
                    </button>
                    <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        data-testid="cond-add-group"
                        disabled=move || no_fields.get()
                        on:click=move |_| {
                            let children = ctx.new_leaf().into_iter().collect();
                            ctx.on_set.run(Some(Condition::All(children)));
                        }
                    >
                        "+ Group"
                    </button>
                </Show>
            </div>
            <Show when=move || !present.get() && no_fields.get()>
                <p class="hint">"Add another field first: a condition tests the answer of a field."</p>
            </Show>
            <ErrorLines messages=root_errors id=err_id />
            <Show when=move || present.get()>
                <CondNode ctx at=Vec::new() />
            </Show>
        </div>
    }
}

#[component]
fn CondNode(ctx: Ctx, at: Vec<usize>) -> impl IntoView {
    let shape = {
        let at = at.clone();
        Memo::new(move |_| ctx.value.with(|c| model::shape(c.as_ref(), &at)))
    };
    move || match shape.get() {
        Shape::Group => view! { <CondGroup ctx at=at.clone() /> }.into_any(),
        Shape::Not => view! { <CondNot ctx at=at.clone() /> }.into_any(),
        Shape::Leaf => view! { <CondLeaf ctx at=at.clone() /> }.into_any(),
        Shape::Missing => ().into_any(),
    }
}

/// Buttons every node has: wrap in `not`, wrap in a group, remove.
#[component]
fn NodeTools(
    ctx: Ctx,
    at: Vec<usize>,
    #[prop(optional)] unwrap_label: &'static str,
) -> impl IntoView {
    let can_unwrap = {
        let at = at.clone();
        Memo::new(move |_| {
            ctx.value.with(|c| {
                c.as_ref()
                    .and_then(|c| model::node(c, &at))
                    .is_some_and(model::can_unwrap)
            })
        })
    };
    let (at1, at2, at3) = (at.clone(), at.clone(), at);
    view! {
        <span class="cond-tools">
            <button
                type="button"
                class="btn btn-small btn-quiet"
                data-testid="cond-negate"
                title="Wrap in NOT"
                on:click=move |_| ctx.modify(|r| model::replace_node(r, &at1, Condition::negate))
            >
                "Not"
            </button>
            <button
                type="button"
                class="btn btn-small btn-quiet"
                data-testid="cond-wrap"
                title="Put in a group"
                on:click=move |_| ctx.modify(|r| model::replace_node(r, &at2, |n| Condition::All(vec![n])))
            >
                "Group"
            </button>
            <Show when=move || can_unwrap.get() && !unwrap_label.is_empty()>
                {
                    let at = at3.clone();
                    view! {
                        <button
                            type="button"
                            class="btn btn-small btn-quiet"
                            data-testid="cond-unwrap"
                            on:click=move |_| ctx.modify(|r| model::replace_node(r, &at, model::unwrap_node))
                        >
                            {unwrap_label}
                        </button>
                    }
                }
            </Show>
        </span>
    }.into_any()
}

#[component]
fn RemoveNode(ctx: Ctx, at: Vec<usize>, what: &'static str) -> impl IntoView {
    view! {
        <button
            type="button"
            class="btn btn-small btn-danger-quiet"
            data-testid="cond-remove"
            aria-label=format!("Remove this {what}")
            on:click=move |_| ctx.modify(|r| model::remove_node(r, &at))
        >
            "Remove"
        </button>
    }
    .into_any()
}

#[component]
fn CondGroup(ctx: Ctx, at: Vec<usize>) -> impl IntoView {
    let is_any = {
        let at = at.clone();
        Memo::new(move |_| {
            ctx.value.with(|c| {
                matches!(
                    c.as_ref().and_then(|c| model::node(c, &at)),
                    Some(Condition::Any(_))
                )
            })
        })
    };
    let count = {
        let at = at.clone();
        Memo::new(move |_| {
            ctx.value
                .with(|c| match c.as_ref().and_then(|c| model::node(c, &at)) {
                    Some(Condition::All(cs) | Condition::Any(cs)) => cs.len(),
                    _ => 0,
                })
        })
    };
    let errors = {
        let at = at.clone();
        Signal::derive(move || {
            ctx.node_path(&at)
                .map(|p| ctx.b.errors_at(&p))
                .unwrap_or_default()
        })
    };
    let err_id = ctx.dom_id(&at, "errors");
    let (at_kind, at_rule, at_group, at_children) =
        (at.clone(), at.clone(), at.clone(), at.clone());
    view! {
        <fieldset class="cond-group" data-testid="cond-group">
            <legend class="visually-hidden">"Group of rules"</legend>
            <div class="cond-row">
                <select
                    aria-label="How the rules combine"
                    data-testid="cond-group-kind"
                    on:change=move |ev| {
                        let any = event_target_value(&ev) == "any";
                        ctx.modify(|r| model::replace_node(r, &at_kind, |n| model::set_group_kind(n, any)));
                    }
                >
                    <option value="all" selected=move || !is_any.get()>"All of these"</option>
                    <option value="any" selected=move || is_any.get()>"Any of these"</option>
                </select>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    data-testid="cond-add-rule"
                    on:click=move |_| {
                        if let Some(leaf) = ctx.new_leaf() {
                            ctx.modify(|r| model::replace_node(r, &at_rule, |n| push_child(n, leaf)));
                        }
                    }
                >
                    "+ Rule"
                </button>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    data-testid="cond-add-group"
                    on:click=move |_| {
                        let group = Condition::All(ctx.new_leaf().into_iter().collect());
                        ctx.modify(|r| model::replace_node(r, &at_group, |n| push_child(n, group)));
                    }
                >
                    "+ Group"
                </button>
                <NodeTools ctx at=at.clone() unwrap_label="Ungroup" />
                <RemoveNode ctx at=at.clone() what="group" />
            </div>
            <Show when=move || count.get() == 0>
                <p class="hint">
                    {move || {
                        if is_any.get() {
                            "An empty “any” group is never true."
                        } else {
                            "An empty “all” group is always true."
                        }
                    }}
                </p>
            </Show>
            <ErrorLines messages=errors id=err_id />
            <div class="cond-children">
                <For each=move || 0..count.get() key=|i| *i let:i>
                    {
                        let mut child = at_children.clone();
                        child.push(i);
                        view! { <CondNode ctx at=child /> }.into_any()
                    }
                </For>
            </div>
        </fieldset>
    }.into_any()
}

fn push_child(n: Condition, child: Condition) -> Condition {
    match n {
        Condition::All(mut cs) => {
            cs.push(child);
            Condition::All(cs)
        }
        Condition::Any(mut cs) => {
            cs.push(child);
            Condition::Any(cs)
        }
        other => other,
    }
}

#[component]
fn CondNot(ctx: Ctx, at: Vec<usize>) -> impl IntoView {
    let mut child = at.clone();
    child.push(0);
    view! {
        <div class="cond-not" data-testid="cond-not">
            <div class="cond-row">
                <span class="cond-not-label">"NOT"</span>
                <NodeTools ctx at=at.clone() unwrap_label="Remove NOT" />
                <RemoveNode ctx at=at.clone() what="negated rule" />
            </div>
            <div class="cond-children">{view! { <CondNode ctx at=child /> }.into_any()}</div>
        </div>
    }
    .into_any()
}

/// A friendly name for an operator, worded for the field's kind.
fn op_label(op: Operator, kind: ValueKind) -> &'static str {
    let temporal = matches!(
        kind,
        ValueKind::Date | ValueKind::Time | ValueKind::DateTime
    );
    match op {
        Operator::Eq if kind == ValueKind::List => "is exactly",
        Operator::Ne if kind == ValueKind::List => "is not exactly",
        Operator::Eq => "is",
        Operator::Ne => "is not",
        Operator::Gt if temporal => "is after",
        Operator::Gte if temporal => "is on or after",
        Operator::Lt if temporal => "is before",
        Operator::Lte if temporal => "is on or before",
        Operator::Gt => "is greater than",
        Operator::Gte => "is at least",
        Operator::Lt => "is less than",
        Operator::Lte => "is at most",
        Operator::In => "is one of",
        Operator::NotIn => "is none of",
        Operator::Contains if kind == ValueKind::List => "includes",
        Operator::Contains => "contains",
        Operator::Empty => "is empty",
        Operator::NotEmpty => "is answered",
        Operator::Matches => "matches pattern",
    }
}

/// How the value of a rule is entered; the value input is rebuilt only when this changes.
#[derive(Debug, Clone, PartialEq)]
enum ValueInput {
    None,
    /// Tick any of a select's options (for `in`, `not_in`, and exact lists).
    Checks(Vec<(String, String)>),
    /// Pick one of a select's options.
    Pick(Vec<(String, String)>),
    /// Comma-separated values of a kind.
    List(ValueKind),
    /// One value typed in an `<input type=…>`.
    Typed(ValueKind, &'static str),
}

fn value_input(field: Option<&FieldChoice>, op: Operator) -> ValueInput {
    if !op.takes_value() {
        return ValueInput::None;
    }
    let kind = field.map_or(ValueKind::Text, FieldChoice::kind);
    let options = field.and_then(|f| f.options.clone());
    if op == Operator::Matches {
        return ValueInput::Typed(ValueKind::Text, "text");
    }
    if model::takes_list(kind, op) {
        return match options {
            Some(o) => ValueInput::Checks(o),
            None => ValueInput::List(if kind == ValueKind::List {
                ValueKind::Text
            } else {
                kind
            }),
        };
    }
    if let Some(o) = options {
        return ValueInput::Pick(o);
    }
    let input_type = match kind {
        ValueKind::Number => "number",
        ValueKind::Date => "date",
        ValueKind::Time => "time",
        ValueKind::DateTime => "datetime-local",
        ValueKind::Color => "color",
        _ => "text",
    };
    ValueInput::Typed(kind, input_type)
}

#[component]
fn CondLeaf(ctx: Ctx, at: Vec<usize>) -> impl IntoView {
    let leaf = {
        let at = at.clone();
        Memo::new(move |_| {
            ctx.value
                .with(|c| match c.as_ref().and_then(|c| model::node(c, &at)) {
                    Some(Condition::Leaf(l)) => Some(l.clone()),
                    _ => None,
                })
        })
    };
    let field = Memo::new(move |_| {
        let key = leaf.with(|l| l.as_ref().map(|l| l.field.as_str().to_owned()))?;
        ctx.fields
            .with(|fs| fs.iter().find(|f| f.key == key).cloned())
    });
    let op = Memo::new(move |_| leaf.with(|l| l.as_ref().map_or(Operator::Eq, |l| l.op)));
    let input = Memo::new(move |_| value_input(field.get().as_ref(), op.get()));
    let errors = {
        let at = at.clone();
        Signal::derive(move || {
            ctx.node_path(&at)
                .map(|p| ctx.b.errors_under(&p))
                .unwrap_or_default()
        })
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let err_id = ctx.dom_id(&at, "errors");

    let at_field = at.clone();
    let on_field = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        let choice = ctx
            .fields
            .with_untracked(|fs| fs.iter().find(|f| f.key == key).cloned());
        if let Some(choice) = choice {
            ctx.modify_leaf(&at_field, |l| model::set_leaf_field(l, &choice));
        }
    };
    let at_op = at.clone();
    let on_op = move |ev: leptos::ev::Event| {
        let Ok(new_op) = event_target_value(&ev).parse::<Operator>() else {
            return;
        };
        let choice = field.get_untracked();
        ctx.modify_leaf(&at_op, |l| model::set_leaf_op(l, new_op, choice.as_ref()));
    };
    let field_options = move || {
        let current = leaf
            .with(|l| l.as_ref().map(|l| l.field.as_str().to_owned()))
            .unwrap_or_default();
        let known = ctx.fields.with(|fs| fs.iter().any(|f| f.key == current));
        let missing = (!known && !current.is_empty()).then(|| {
            let text = format!("{current} (no such field)");
            view! { <option value=current.clone() selected=true>{text}</option> }
        });
        let list = ctx.fields.with(|fs| {
            fs.iter()
                .map(|f| {
                    let text = if f.label.trim().is_empty() {
                        f.key.clone()
                    } else {
                        format!("{} ({})", f.label, f.key)
                    };
                    view! { <option value=f.key.clone() selected=f.key == current>{text}</option> }
                })
                .collect_view()
        });
        view! { {missing} {list} }
    };
    let op_options = move || {
        let current = op.get();
        let ops = match field.get() {
            Some(f) => Operator::for_kind(f.kind())
                .into_iter()
                .map(|o| (o, op_label(o, f.kind())))
                .collect(),
            // An unknown field: keep the current operator so the rule shows as it is.
            None => vec![(current, current.as_str())],
        };
        ops.into_iter()
            .map(|(o, text)| view! { <option value=o.as_str() selected=o == current>{text}</option> })
            .collect_view()
    };
    let at_value = at.clone();
    let value_editor = move || {
        let at = at_value.clone();
        let current = move || leaf.with(|l| l.as_ref().and_then(|l| l.value.clone()));
        match input.get() {
            ValueInput::None => ().into_any(),
            ValueInput::Checks(options) => {
                let boxes = options
                    .into_iter()
                    .map(|(value, label)| {
                        let at = at.clone();
                        let v = value.clone();
                        let checked = move || {
                            current().and_then(|c| c.as_array().map(|xs| xs.iter().any(|x| x.as_str() == Some(v.as_str())))).unwrap_or(false)
                        };
                        let value2 = value.clone();
                        view! {
                            <label class="cond-check">
                                <input
                                    type="checkbox"
                                    value=value.clone()
                                    prop:checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let value = value2.clone();
                                        ctx.modify_leaf(&at, |l| toggle_in_list(l, &value, on));
                                    }
                                />
                                {label}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="cond-checks" data-testid="cond-value">
                        <legend class="visually-hidden">"Values"</legend>
                        {boxes}
                    </fieldset>
                }
                .into_any()
            }
            ValueInput::Pick(options) => {
                let selected = move || current().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                let values: Vec<String> = options.iter().map(|(v, _)| v.clone()).collect();
                // A value that is no longer an option (renamed or deleted) is shown as it
                // is, so the rule on screen is the rule the server refuses.
                let stale = move || {
                    let cur = selected();
                    (!cur.is_empty() && !values.contains(&cur)).then(|| {
                        let text = format!("{cur} (not an option)");
                        view! { <option value=cur selected=true>{text}</option> }
                    })
                };
                let opts = options
                    .into_iter()
                    .map(|(value, label)| {
                        let v = value.clone();
                        view! { <option value=value selected=move || selected() == v>{label}</option> }
                    })
                    .collect_view();
                view! {
                    <select
                        aria-label="Value"
                        data-testid="cond-value"
                        aria-invalid=invalid
                        on:change=move |ev| {
                            let v = Value::String(event_target_value(&ev));
                            ctx.modify_leaf(&at, |l| l.value = Some(v));
                        }
                    >
                        {stale}
                        {opts}
                    </select>
                }
                .into_any()
            }
            ValueInput::List(kind) => view! {
                <input
                    type="text"
                    aria-label="Values, separated by commas"
                    placeholder="a, b, c"
                    data-testid="cond-value"
                    aria-invalid=invalid
                    prop:value=move || model::value_to_input(current().as_ref())
                    on:change=move |ev| {
                        let v = model::list_from_input(kind, &event_target_value(&ev));
                        ctx.modify_leaf(&at, |l| l.value = Some(v));
                    }
                />
            }
            .into_any(),
            ValueInput::Typed(kind, input_type) => view! {
                <input
                    type=input_type
                    step=(input_type == "number").then_some("any")
                    aria-label="Value"
                    placeholder=(op.get_untracked() == Operator::Matches).then_some("regular expression")
                    data-testid="cond-value"
                    aria-invalid=invalid
                    prop:value=move || model::value_to_input(current().as_ref())
                    on:change=move |ev| {
                        let v = model::scalar_from_input(kind, &event_target_value(&ev));
                        ctx.modify_leaf(&at, |l| l.value = v);
                    }
                />
            }
            .into_any(),
        }
    };

    view! {
        <div class="cond-leaf" data-testid="cond-leaf">
            <div class="cond-row">
                <select
                    aria-label="Field"
                    data-testid="cond-field"
                    aria-invalid=invalid
                    aria-describedby=err_id.clone()
                    on:change=on_field
                >
                    {field_options}
                </select>
                <select
                    aria-label="Operator"
                    data-testid="cond-op"
                    aria-invalid=invalid
                    aria-describedby=err_id.clone()
                    on:change=on_op
                >
                    {op_options}
                </select>
                {value_editor}
                <NodeTools ctx at=at.clone() />
                <RemoveNode ctx at=at.clone() what="rule" />
            </div>
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

fn toggle_in_list(l: &mut Leaf, value: &str, on: bool) {
    let mut xs = match l.value.take() {
        Some(Value::Array(xs)) => xs,
        _ => Vec::new(),
    };
    xs.retain(|x| x.as_str() != Some(value));
    if on {
        xs.push(Value::String(value.to_owned()));
    }
    l.value = Some(Value::Array(xs));
}

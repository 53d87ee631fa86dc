//! The parameters of a library action as an ordered list of rows (a stacked form rather
//! than a table, so it fits a phone): name, type, required, default, direction and
//! description, with move up/down and remove. The server checks names, types and
//! defaults on save and names each problem by path (`params[1].default`).

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::library::{ActionParam, Direction, ParamType};
use wizard_core::domain::problem::FieldError;

use crate::builder::events::model::messages_at;
use crate::builder::ui::ErrorLines;

const TYPES: [ParamType; 7] = [
    ParamType::String,
    ParamType::Int,
    ParamType::Number,
    ParamType::Boolean,
    ParamType::Date,
    ParamType::Object,
    ParamType::Array,
];
const DIRECTIONS: [Direction; 3] = [Direction::Input, Direction::Output, Direction::Both];

/// A default as its input shows it: strings as they are, the rest as JSON.
pub fn default_text(p: &ActionParam) -> String {
    match &p.default {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// What is typed as a default: empty is none, a string parameter takes the text as it
/// is, any other type reads it as JSON (falling back to the text, which the server then
/// names as not of the type).
pub fn default_value(t: ParamType, text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(match t {
        ParamType::String | ParamType::Date => Value::String(text.to_owned()),
        _ => serde_json::from_str(trimmed).unwrap_or_else(|_| Value::String(text.to_owned())),
    })
}

#[component]
pub fn ParamsEditor(
    params: RwSignal<Vec<ActionParam>>,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    /// Bumped by the owner when it replaces the whole list (a save's answer, a restored or
    /// accepted version): the rows are drawn again from it.
    #[prop(into)]
    reloaded: Signal<u32>,
) -> impl IntoView {
    let count = Memo::new(move |_| params.with(Vec::len));
    // Bumped when rows are added, removed or moved: the rows are drawn again from the
    // list (typing in a row changes only that row's value, and keeps the focus).
    let shape = RwSignal::new(0u32);
    let reshape = move |f: &dyn Fn(&mut Vec<ActionParam>)| {
        params.update(|ps| f(ps));
        shape.update(|n| *n += 1);
    };
    let edit = move |i: usize, f: &dyn Fn(&mut ActionParam)| {
        params.update(|ps| {
            if let Some(p) = ps.get_mut(i) {
                f(p);
            }
        });
    };
    let at = move |i: usize, member: &'static str| {
        Signal::derive(move || errors.with(|es| messages_at(es, &format!("params[{i}].{member}"))))
    };
    view! {
        <fieldset class="schema-form" data-testid="library-params">
            <legend>"Parameters"</legend>
            <Show when=move || count.get() == 0>
                <p class="muted small">"No parameters yet."</p>
            </Show>
            <ol class="param-list">
                {move || { shape.track(); reloaded.track(); (0..count.get_untracked()).map(|i| {
                    let p = params.with_untracked(|ps| ps.get(i).cloned());
                    let Some(p) = p else { return ().into_any() };
                    let id = |what: &str| format!("param-{i}-{what}");
                    let label = move || params.with(|ps| ps.get(i).map(|p| p.name.clone()).unwrap_or_default());
                    view! {
                        <li class="param-row" data-testid="library-param">
                            <div class="grid-2">
                                <div class="field">
                                    <label for=id("name")>"Name"</label>
                                    <input id=id("name") type="text" data-testid="param-name" value=p.name.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); edit(i, &|p| p.name = v.trim().to_owned()) } />
                                    <ErrorLines messages=at(i, "name") id=id("name-errors") />
                                </div>
                                <div class="field">
                                    <label for=id("type")>"Type"</label>
                                    <select id=id("type") data-testid="param-type"
                                        on:change=move |ev| {
                                            if let Ok(t) = event_target_value(&ev).parse::<ParamType>() {
                                                edit(i, &|p| p.param_type = t);
                                            }
                                        }>
                                        {TYPES.into_iter().map(|t| view! {
                                            <option value=t.as_str() selected=p.param_type == t>{t.as_str()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=id("default")>"Default"</label>
                                    <input id=id("default") type="text" class="mono" data-testid="param-default"
                                        value=default_text(&p)
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            edit(i, &|p| p.default = default_value(p.param_type, &v));
                                        } />
                                    <ErrorLines messages=at(i, "default") id=id("default-errors") />
                                </div>
                                <div class="field">
                                    <label for=id("direction")>"Direction"</label>
                                    <select id=id("direction") data-testid="param-direction"
                                        on:change=move |ev| {
                                            if let Ok(d) = event_target_value(&ev).parse::<Direction>() {
                                                edit(i, &|p| p.direction = d);
                                            }
                                        }>
                                        {DIRECTIONS.into_iter().map(|d| view! {
                                            <option value=d.as_str() selected=p.direction == d>{d.as_str()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <div class="field">
                                <label for=id("description")>"Description"</label>
                                <input id=id("description") type="text" value=p.description.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(i, &|p| p.description = v.clone()) } />
                            </div>
                            <div class="row-actions">
                                <label class="check">
                                    <input type="checkbox" data-testid="param-required" checked=p.is_required
                                        on:change=move |ev| { let on = event_target_checked(&ev); edit(i, &|p| p.is_required = on) } />
                                    "Required"
                                </label>
                                <button type="button" class="btn btn-quiet btn-small" disabled=i == 0
                                    aria-label=move || format!("Move {} up", label())
                                    on:click=move |_| reshape(&|ps| if i > 0 { ps.swap(i, i - 1) })>"↑"</button>
                                <button type="button" class="btn btn-quiet btn-small" disabled=move || i + 1 >= count.get()
                                    aria-label=move || format!("Move {} down", label())
                                    on:click=move |_| reshape(&|ps| if i + 1 < ps.len() { ps.swap(i, i + 1) })>"↓"</button>
                                <button type="button" class="btn btn-quiet btn-small" data-testid="param-remove"
                                    aria-label=move || format!("Remove {}", label())
                                    on:click=move |_| reshape(&|ps| { if i < ps.len() { ps.remove(i); } })>"Remove"</button>
                            </div>
                        </li>
                    }
                    .into_any()
                }).collect_view() }}
            </ol>
            <ErrorLines messages=Signal::derive(move || errors.with(|es| messages_at(es, "params"))) id="params-errors".to_owned() />
            <button type="button" class="btn btn-small" data-testid="param-add"
                on:click=move |_| reshape(&|ps| ps.push(ActionParam {
                    name: format!("Param{}", ps.len() + 1),
                    param_type: ParamType::String,
                    is_required: false,
                    default: None,
                    description: String::new(),
                    direction: Direction::Input,
                }))>
                "+ Add a parameter"
            </button>
        </fieldset>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_read_by_type() {
        assert_eq!(default_value(ParamType::String, "  "), None);
        assert_eq!(default_value(ParamType::String, "42"), Some(json!("42")));
        assert_eq!(default_value(ParamType::Int, "42"), Some(json!(42)));
        assert_eq!(
            default_value(ParamType::Object, r#"{"a": 1}"#),
            Some(json!({"a": 1}))
        );
        // not JSON: kept as text, for the server to name
        assert_eq!(default_value(ParamType::Int, "many"), Some(json!("many")));
    }
}

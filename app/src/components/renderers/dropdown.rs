//! The `dropdown` renderer: the rows as choices of a select; picking one writes its value
//! into the configured field (saved like any answer).

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::render::dropdown::DropdownView;

pub(super) fn dropdown(
    d: DropdownView,
    on_pick: Option<Callback<(String, Value)>>,
) -> impl IntoView {
    let field = d.field.to_string();
    let id = format!("{field}-pick");
    let choices = d.choices.clone();
    let options = d
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| view! { <option value=i.to_string()>{c.label.clone()}</option> })
        .collect_view();
    let change = move |ev| {
        let picked = event_target_value(&ev)
            .parse::<usize>()
            .ok()
            .and_then(|i| choices.get(i))
            .map_or(Value::Null, |c| c.value.clone());
        if let Some(cb) = on_pick {
            cb.run((field.clone(), picked));
        }
    };
    view! {
        <div class="dropdown-render">
            <label class="sr-only" for=id.clone()>{d.placeholder.clone()}</label>
            <select id=id data-testid="render-dropdown" disabled=on_pick.is_none() on:change=change>
                <option value="">{d.placeholder}</option>
                {options}
            </select>
        </div>
    }
}

//! A multiple select: one checkbox per option.

use super::*;

pub(super) fn checkboxes(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let Ctx { os, id, value, .. } = ctx.clone();
    let chosen = move || -> Vec<String> {
        value.with(|v| match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        })
    };
    let order: Arc<Vec<String>> = Arc::new(os.options.iter().map(|o| o.value.clone()).collect());
    let options = os
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let oid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
            let label_for = oid.clone();
            let val = o.value.clone();
            let checked = {
                let val = val.clone();
                move || chosen().contains(&val)
            };
            let set = ctx.set;
            let order = order.clone();
            let on = {
                let val = val.clone();
                move |ev| {
                    let on = event_target_checked(&ev);
                    let mut now = value.with_untracked(|v| match v {
                        Some(Value::Array(items)) => items.clone(),
                        _ => Vec::new(),
                    });
                    now.retain(|x| x.as_str() != Some(val.as_str()));
                    if on {
                        now.push(Value::String(val.clone()));
                    }
                    // Keep the options' order, typed "other" values last.
                    now.sort_by_key(|x| {
                        x.as_str()
                            .and_then(|s| order.iter().position(|o| o == s))
                            .unwrap_or(usize::MAX)
                    });
                    set.run((list_value(now), true));
                }
            };
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="checkbox"
                        id=oid
                        value=val
                        checked=checked.clone()
                        prop:checked=checked
                        disabled=move || ctx.disabled.get()
                        aria-invalid=ctx.aria_invalid()
                        aria-describedby=ctx.described.clone()
                        on:change=on
                    />
                    <span class="choice-text">
                        <span>{o.label.clone()}</span>
                        {(!o.description.is_empty()).then(|| view! { <small class="muted">{o.description.clone()}</small> })}
                    </span>
                </label>
            }
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), true));
    view! { <div class="choices">{options}{other}</div> }.into_any()
}

//! A single select shown as radio buttons.

use super::*;

pub(super) fn radio_group(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let Ctx { os, id, value, .. } = ctx.clone();
    let current = move || value.with(as_text);
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
                move || current() == val
            };
            let set = ctx.set;
            let on = {
                let val = val.clone();
                move |_| set.run((Value::String(val.clone()), true))
            };
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=oid
                        name=id.clone()
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
    let other = allow_other.then(|| other_input(ctx.clone(), false));
    view! { <div class="choices" role="radiogroup" aria-required=ctx.aria_required()>{options}{other}</div> }.into_any()
}

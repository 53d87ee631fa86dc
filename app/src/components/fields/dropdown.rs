//! A single select shown as a dropdown.

use super::*;

pub(super) fn dropdown(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(as_text);
    let set = ctx.set;
    let options = ctx
        .os
        .options
        .iter()
        .map(|o| {
            let val = o.value.clone();
            let selected = {
                let val = val.clone();
                move || current() == val
            };
            view! { <option value=val selected=selected>{o.label.clone()}</option> }
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), false));
    view! {
        <select
            id=ctx.id.clone()
            prop:value=current
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:change=move |ev| set.run((text_value(event_target_value(&ev)), true))
        >
            <option value="" selected=move || current().is_empty()>"Choose…"</option>
            {options}
        </select>
        {other}
    }
    .into_any()
}

//! A single select shown as radio buttons.

use super::*;

pub(super) fn radio_group(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(as_text);
    let options = ctx
        .os
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let checked = {
                let val = o.value.clone();
                move || current() == val
            };
            let (set, val) = (ctx.set, o.value.clone());
            choice(&ctx, "radio", i, o, checked, move |_| {
                set.run((Value::String(val.clone()), true))
            })
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), false));
    view! { <div class="choices" role="radiogroup" aria-required=ctx.aria_required()>{options}{other}</div> }.into_any()
}

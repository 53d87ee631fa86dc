//! Date, time and date-time inputs.

use super::*;

pub(super) fn temporal_input(
    ctx: Ctx,
    kind: &'static str,
    min: Option<String>,
    max: Option<String>,
    step: Option<&'static str>,
) -> impl IntoView {
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    view! {
        <input
            type=kind
            id=ctx.id.clone()
            value=initial
            min=min
            max=max
            step=step
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:input=move |ev| set.run((text_value(event_target_value(&ev)), false))
            on:change=move |_| check.run(())
            on:blur=move |_| check.run(())
        />
    }
    .into_any()
}

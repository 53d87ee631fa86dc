//! A range slider with its value shown.

use super::*;

pub(super) fn slider(ctx: Ctx, min: f64, max: f64, step: f64) -> impl IntoView {
    let value = ctx.value;
    let initial = ctx
        .value
        .with_untracked(|v| v.as_ref().and_then(Value::as_f64))
        .unwrap_or(min);
    let shown = move || {
        value.with(|v| match v.as_ref().and_then(Value::as_f64) {
            Some(x) => x.to_string(),
            None => "not set".to_owned(),
        })
    };
    let set = ctx.set;
    view! {
        <div class="slider">
            <span class="muted slider-bound" aria-hidden="true">{min.to_string()}</span>
            <input
                type="range"
                id=ctx.id.clone()
                min=min.to_string()
                max=max.to_string()
                step=step.to_string()
                value=initial.to_string()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=move |ev| set.run((number_value(&event_target_value(&ev)), true))
                // A thumb resting where the user wants it fires no `input`: a click or key
                // on an unset slider takes the value it shows.
                on:click=move |ev| {
                    if value.with_untracked(Option::is_none) {
                        set.run((number_value(&event_target_value(&ev)), true));
                    }
                }
                on:keyup=move |ev| {
                    if value.with_untracked(Option::is_none) {
                        set.run((number_value(&event_target_value(&ev)), true));
                    }
                }
            />
            <span class="muted slider-bound" aria-hidden="true">{max.to_string()}</span>
            <output for=ctx.id.clone() class="slider-value" data-testid=format!("value-{}", ctx.os.key)>
                {shown}
            </output>
        </div>
    }.into_any()
}

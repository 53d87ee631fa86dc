//! A star rating (with halves when allowed).

use super::*;

/// Stars as a radio group: arrow keys move between them, as in any radio group. With half
/// stars each star (after the first, since a rating starts at 1) is two radios.
pub(super) fn rating(ctx: Ctx, max: u8, allow_half: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(|v| v.as_ref().and_then(Value::as_f64).unwrap_or(0.0));
    let set = ctx.set;
    let id = ctx.id.clone();
    let radio = {
        let ctx = ctx.clone();
        move |val: f64, part: &'static str| {
            let rid = if val == 1.0 {
                id.clone()
            } else {
                format!("{id}-{}", (val * 2.0) as u32)
            };
            let name = if val == 1.0 {
                "1 star".to_owned()
            } else {
                format!("{val} stars")
            };
            let checked = move || current() == val;
            let on = move || current() >= val;
            view! {
                <input
                    type="radio"
                    class="sr-only"
                    id=rid.clone()
                    name=id.clone()
                    value=val.to_string()
                    aria-label=name.clone()
                    checked=checked
                    prop:checked=checked
                    disabled=move || ctx.disabled.get()
                    aria-invalid=ctx.aria_invalid()
                    aria-describedby=ctx.described.clone()
                    on:change=move |_| set.run((number_value(&val.to_string()), true))
                />
                <label for=rid class=format!("star-part {part}") class:on=on title=name>
                    <span aria-hidden="true">"★"</span>
                </label>
            }
        }
    };
    let stars = (1..=max)
        .map(|n| {
            let whole = f64::from(n);
            let half = (allow_half && n > 1).then(|| radio(whole - 0.5, "half-l"));
            let full = radio(whole, if half.is_some() { "half-r" } else { "whole" });
            view! { <span class="star">{half}{full}</span> }
        })
        .collect_view();
    let shown = move || {
        let c = current();
        if c == 0.0 {
            "Not rated".to_owned()
        } else {
            format!("{c} / {max}")
        }
    };
    let required = ctx.required;
    let disabled = ctx.disabled;
    view! {
        <div class="rating">
            <span class="stars">{stars}</span>
            <span class="rating-value muted">{shown}</span>
            {move || {
                (current() > 0.0 && !required.get() && !disabled.get()).then(|| {
                    view! {
                        <button type="button" class="btn btn-quiet btn-small" on:click=move |_| set.run((Value::Null, true))>
                            "Clear"
                        </button>
                    }
                })
            }}
        </div>
    }.into_any()
}

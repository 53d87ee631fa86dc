//! A colour picker (loaded on demand, components/deferred.rs).

use super::*;

/// The native color input has no opacity, so fields that allow it get an opacity slider
/// beside it and the answer becomes `#rrggbbaa`.
pub(super) fn color_picker(ctx: Ctx, allow_alpha: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(as_text);
    let initial = ctx.value.with_untracked(as_text);
    let rgb0 = initial
        .get(..7)
        .filter(|s| s.starts_with('#'))
        .unwrap_or("#000000")
        .to_owned();
    let alpha0 = initial
        .get(7..9)
        .and_then(|h| u8::from_str_radix(h, 16).ok())
        .unwrap_or(255);
    let rgb = RwSignal::new(rgb0.clone());
    let alpha = RwSignal::new(alpha0);
    let set = ctx.set;
    let emit = move || {
        let hex = if allow_alpha && alpha.get_untracked() != 255 {
            format!("{}{:02x}", rgb.get_untracked(), alpha.get_untracked())
        } else {
            rgb.get_untracked()
        };
        set.run((Value::String(hex), true));
    };
    let alpha_id = format!("{}-alpha", ctx.id);
    view! {
        <div class="color">
            <input
                type="color"
                id=ctx.id.clone()
                value=rgb0
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=move |ev| {
                    rgb.set(event_target_value(&ev));
                    emit();
                }
            />
            <code class="color-code">
                {move || {
                    let c = current();
                    if c.is_empty() { "not set".to_owned() } else { c }
                }}
            </code>
            {allow_alpha.then(|| view! {
                <label class="color-alpha" for=alpha_id.clone()>
                    "Opacity"
                    <input
                        type="range"
                        id=alpha_id.clone()
                        min="0"
                        max="255"
                        value=alpha0.to_string()
                        disabled=move || ctx.disabled.get()
                        on:input=move |ev| {
                            alpha.set(event_target_value(&ev).parse().unwrap_or(255));
                            emit();
                        }
                    />
                </label>
            })}
        </div>
    }
    .into_any()
}

// The file checks run in the browser before an upload, with the core's rules
// (`domain::answer::{accepts, human_size}`); the server checks again with the same ones.

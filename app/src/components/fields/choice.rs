//! One option of a radio group or a checkbox list: the input and its label with the
//! option's description. The two widgets differ only in what "checked" means and what a
//! change does.

use wizard_core::domain::event::Trigger;

use super::*;

pub(super) fn choice(
    ctx: &Ctx,
    kind: &'static str,
    index: usize,
    option: &WizardOption,
    checked: impl Fn() -> bool + Clone + Send + Sync + 'static,
    on_change: impl FnMut(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let id = &ctx.id;
    let oid = if index == 0 {
        id.clone()
    } else {
        format!("{id}-{index}")
    };
    // Radios of one field share a name so the browser keeps one of them checked.
    let name = (kind == "radio").then(|| id.clone());
    let disabled = ctx.disabled;
    let label_for = oid.clone();
    // `option.onClick` on every click (also of a radio already chosen), after the change
    // the click makes has been taken (a timer: the browser's `change` follows `click`).
    let host = use_context::<ActionHost>();
    let (option_id, value) = (option.id, option.value.clone());
    let on_click = move |_| {
        if let Some(host) = host {
            let value = Value::String(value.clone());
            set_timeout(
                move || {
                    host.fire
                        .run((Trigger::OptionOnClick, Some(option_id), Some(value)))
                },
                std::time::Duration::ZERO,
            );
        }
    };
    view! {
        <label class="choice" for=label_for>
            <input
                type=kind
                id=oid
                name=name
                value=option.value.clone()
                checked=checked.clone()
                prop:checked=checked
                disabled=move || disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-describedby=ctx.described.clone()
                on:change=on_change
                on:click=on_click
            />
            <span class="choice-text">
                <span>{option.label.clone()}</span>
                {(!option.description.is_empty()).then(|| view! { <small class="muted">{option.description.clone()}</small> })}
            </span>
        </label>
    }
}

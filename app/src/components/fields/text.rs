//! A text input (single or multi-line, with the pattern and length rules).

use super::*;

pub(super) fn text_input(ctx: Ctx, s: wizard_core::domain::TextSettings) -> impl IntoView {
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    let on_input = move |ev| set.run((text_value(event_target_value(&ev)), false));
    let maxlength = s.max_length.map(|m| m.to_string());
    let (line, lines) = (
        NodeRef::<leptos::html::Input>::new(),
        NodeRef::<leptos::html::Textarea>::new(),
    );
    if s.multiline {
        follow_answer(ctx.value, lines, text_value, as_text);
    } else {
        follow_answer(ctx.value, line, text_value, as_text);
    }
    let minlength = s.min_length.map(|m| m.to_string());
    if s.multiline {
        view! {
            <textarea
                node_ref=lines
                id=ctx.id.clone()
                rows="4"
                maxlength=maxlength
                minlength=minlength
                placeholder=s.placeholder.clone()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| check.run(())
            >
                {initial}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                node_ref=line
                type="text"
                id=ctx.id.clone()
                value=initial
                maxlength=maxlength
                minlength=minlength
                pattern=s.pattern.clone()
                placeholder=s.placeholder.clone()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| check.run(())
            />
        }
        .into_any()
    }
}

//! The "other" box of a select that allows typed values.

use super::*;

/// The "other" text box of a select: its text is the answer (single) or one more entry
/// (multiple) whenever it is not one of the options.
pub(super) fn other_input(ctx: Ctx, multiple: bool) -> impl IntoView {
    let os = ctx.os.clone();
    let values: Vec<String> = os.options.iter().map(|o| o.value.clone()).collect();
    let is_option = {
        let values = values.clone();
        move |s: &str| values.iter().any(|v| v == s)
    };
    let initial = ctx.value.with_untracked(|v| match v {
        Some(Value::String(s)) if !is_option(s) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .find(|s| !is_option(s))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    });
    let oid = format!("{}-other", ctx.id);
    let set = ctx.set;
    let value = ctx.value;
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        if multiple {
            let mut chosen: Vec<Value> = value.with_untracked(|v| match v {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter(|x| x.as_str().is_some_and(|s| values.iter().any(|v| v == s)))
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            });
            if !text.trim().is_empty() {
                chosen.push(Value::String(text));
            }
            set.run((list_value(chosen), false));
        } else {
            set.run((text_value(text), false));
        }
    };
    view! {
        <div class="other">
            <label for=oid.clone()>{if multiple { "Other (optional)" } else { "Other" }}</label>
            <input
                type="text"
                id=oid
                value=initial
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| ctx.check.run(())
            />
        </div>
    }
    .into_any()
}

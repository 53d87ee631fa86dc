//! A multiple select: one checkbox per option.

use super::*;
use wizard_core::domain::answer::chosen_values;

pub(super) fn checkboxes(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let value = ctx.value;
    let chosen = move || -> Vec<String> {
        value.with(|v| {
            v.as_ref()
                .map(|v| chosen_values(v).into_iter().map(str::to_owned).collect())
                .unwrap_or_default()
        })
    };
    let order: Arc<Vec<String>> =
        Arc::new(ctx.os.options.iter().map(|o| o.value.clone()).collect());
    let options = ctx
        .os
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let checked = {
                let val = o.value.clone();
                move || chosen().contains(&val)
            };
            let (set, val, order) = (ctx.set, o.value.clone(), order.clone());
            let on = move |ev| {
                let on = event_target_checked(&ev);
                let mut now = value.with_untracked(|v| match v {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                });
                now.retain(|x| x.as_str() != Some(val.as_str()));
                if on {
                    now.push(Value::String(val.clone()));
                }
                // Keep the options' order, typed "other" values last.
                now.sort_by_key(|x| {
                    x.as_str()
                        .and_then(|s| order.iter().position(|o| o == s))
                        .unwrap_or(usize::MAX)
                });
                set.run((list_value(now), true));
            };
            choice(&ctx, "checkbox", i, o, checked, on)
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), true));
    view! { <div class="choices">{options}{other}</div> }.into_any()
}

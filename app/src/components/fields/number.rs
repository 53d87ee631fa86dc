//! A number input; whole values stay whole.

use super::*;

/// A typed number as JSON: whole numbers as integers (so `3` stays `3`, not `3.0`), an
/// empty or unparsable box as "no answer".
pub(super) fn number_value(raw: &str) -> Value {
    let raw = raw.trim();
    match raw.parse::<f64>() {
        Ok(x) if x.is_finite() => {
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
            }
        }
        _ => Value::Null,
    }
}

pub(super) fn number_input(
    ctx: Ctx,
    min: Option<f64>,
    max: Option<f64>,
    step: String,
) -> impl IntoView {
    let initial = ctx
        .value
        .with_untracked(|v| v.as_ref().filter(|v| v.is_number()).map(|v| v.to_string()))
        .unwrap_or_default();
    let set = ctx.set;
    let check = ctx.check;
    let node = NodeRef::<leptos::html::Input>::new();
    follow_answer(
        ctx.value,
        node,
        |raw| number_value(&raw),
        |v| {
            v.as_ref()
                .filter(|v| v.is_number())
                .map(Value::to_string)
                .unwrap_or_default()
        },
    );
    view! {
        <input
            node_ref=node
            type="number"
            inputmode="decimal"
            id=ctx.id.clone()
            value=initial
            min=min.map(|x| x.to_string())
            max=max.map(|x| x.to_string())
            step=step
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:input=move |ev| set.run((number_value(&event_target_value(&ev)), false))
            on:blur=move |_| check.run(())
        />
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_whole_values_whole_and_blank_is_no_answer() {
        assert_eq!(number_value("3"), serde_json::json!(3));
        assert_eq!(number_value(" 2.5 "), serde_json::json!(2.5));
        assert_eq!(number_value("-0.25"), serde_json::json!(-0.25));
        assert_eq!(number_value(""), Value::Null);
        assert_eq!(number_value("abc"), Value::Null);
        assert_eq!(number_value("inf"), Value::Null);
    }
}

//! Read-only display of a run's answers: the completed run's summary, the Store's view.
//!
//! Rich text is shown as HTML only here, and only from answers the server returned (it
//! sanitizes rich text on every save), never from what the browser holds locally.

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::answer::is_blank;
use wizard_core::domain::condition::Answers;
use wizard_core::domain::run::FileRef;
use wizard_core::domain::{Field, OptionSet, Wizard};

use wizard_core::domain::answer::human_size;

/// Every visible step with the answers of its visible fields.
#[component]
pub fn AnswerSummary(wizard: Wizard, answers: Answers) -> impl IntoView {
    let steps: Vec<_> = wizard
        .visible_steps(&answers)
        .into_iter()
        .map(|step| {
            let rows = step
                .option_sets
                .iter()
                .filter(|os| os.is_visible(&answers) && !os.selection_type().is_action_driven())
                .map(|os| {
                    let value = answers.get(os.key.as_str()).filter(|v| !is_blank(v));
                    let shown = match value {
                        Some(v) => answer_view(os, v),
                        None => view! { <span class="muted">"Not answered"</span> }.into_any(),
                    };
                    view! {
                        <div class="answer-row" data-testid=format!("answer-{}", os.key)>
                            <dt>{os.label.clone()}</dt>
                            <dd>{shown}</dd>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="summary-step">
                    <h3>{step.title.clone()}</h3>
                    <dl class="answers">{rows}</dl>
                </section>
            }
        })
        .collect();
    view! { <div class="summary">{steps}</div> }.into_any()
}

/// One answer as a reader wants to see it: option labels rather than values, files as
/// download links, colors as swatches, rich text as (server-sanitized) HTML.
pub fn answer_view(os: &OptionSet, value: &Value) -> AnyView {
    let label_of = |v: &str| {
        os.options
            .iter()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_owned(), |o| o.label.clone())
    };
    match (&os.field, value) {
        (Field::SingleSelect(_), Value::String(s)) => label_of(s).into_any(),
        (Field::MultipleSelect(_), Value::Array(items)) => {
            let items = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), label_of))
                .map(|l| view! { <li>{l}</li> })
                .collect_view();
            view! { <ul class="answer-list">{items}</ul> }.into_any()
        }
        (Field::Rating(s), Value::Number(n)) => format!("{n} / {} ★", s.max).into_any(),
        (Field::ColorPicker(_), Value::String(c)) => {
            let style = format!("background:{c}");
            let safe = c.starts_with('#') && c.chars().skip(1).all(|ch| ch.is_ascii_hexdigit());
            view! {
                <span class="swatch-row">
                    {safe.then(|| view! { <span class="swatch" style=style aria-hidden="true"></span> })}
                    <code>{c.clone()}</code>
                </span>
            }
            .into_any()
        }
        (Field::FileUpload(_), v @ Value::Array(_)) => {
            let files: Vec<FileRef> = serde_json::from_value(v.clone()).unwrap_or_default();
            let items = files
                .into_iter()
                .map(|f| {
                    let href = format!("/api/v1/files/{}", f.id);
                    view! {
                        <li>
                            <a href=href download=f.name.clone()>{f.name.clone()}</a>
                            <span class="muted">" " {human_size(f.size)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="answer-list">{items}</ul> }.into_any()
        }
        (Field::RichText(_), Value::String(html)) => {
            view! { <div class="rich-text" inner_html=html.clone()></div> }.into_any()
        }
        (Field::TextInput(_), Value::String(s)) => {
            view! { <span class="pre-line">{s.clone()}</span> }.into_any()
        }
        (_, Value::String(s)) => s.clone().into_any(),
        (_, other) => other.to_string().into_any(),
    }
}

/// `2025-03-01T09:30:12.345Z` → `2025-03-01 09:30` (UTC, as stored), for tables.
pub fn short_time(ts: &str) -> String {
    match ts.get(..16) {
        Some(s) => s.replacen('T', " ", 1),
        None => ts.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::short_time;

    #[test]
    fn times_are_shortened_to_the_minute() {
        assert_eq!(short_time("2025-03-01T09:30:12.345Z"), "2025-03-01 09:30");
        assert_eq!(short_time("soon"), "soon");
    }
}

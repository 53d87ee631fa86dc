//! `transform_data`: JMESPath or a JavaScript function body over `input`, and the input
//! template. Compile errors come back from the server with line and column on save or
//! test, beside the code.

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::event::{ActionConfig, TransformConfig, TransformLanguage};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::{SelectSetting, TextSetting, choices};

config_of!(TransformData, TransformConfig);

/// The input template as typed: JSON when it reads as an object or array, else a string.
fn input_from_text(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str(t)
    {
        return Some(v);
    }
    Some(Value::String(text.to_owned()))
}

fn input_to_text(v: &Option<Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

#[component]
pub fn TransformEditor(ctx: ActionCtx) -> impl IntoView {
    let cfg = config_memo(ctx, pick);
    let language = config_text(cfg, |c| c.language.as_str().to_owned());
    let expression = config_text(cfg, |c| c.expression.clone());
    let input = config_text(cfg, |c| input_to_text(&c.input));
    let is_js = Signal::derive(move || language.get() == TransformLanguage::Javascript.as_str());
    view! {
        <SelectSetting
            id=ctx.dom("language")
            label="Language"
            choices=choices(&[("jmespath", "JMESPath"), ("javascript", "JavaScript")])
            value=language
            on_change=Callback::new(move |v: String| {
                if let Ok(l) = v.parse::<TransformLanguage>() {
                    edit_config(ctx, pick_mut, |c| {
                        if c.language != l {
                            c.language = l;
                            // A body that means something in the other language.
                            c.expression = match l {
                                TransformLanguage::Jmespath => "@".to_owned(),
                                TransformLanguage::Javascript => "return input;".to_owned(),
                            };
                        }
                    });
                }
            })
            errors=ctx.messages("config.language")
            testid="transform-language"
        />
        {move || {
            let (label, hint) = if is_js.get() {
                (
                    "JavaScript (the body of function (input) { … })",
                    "Return the output. Runs in a sandbox without network, where built-in objects cannot be changed; syntax errors are shown with their line and column.",
                )
            } else {
                ("JMESPath expression", "For example items[?price > `10`].{name: name, price: price}")
            };
            view! {
                <TextSetting
                    id=ctx.dom("expression")
                    label=label
                    value=expression
                    on_change=Callback::new(move |v: String| edit_config(ctx, pick_mut, |c| c.expression = v))
                    errors=ctx.messages("config.expression")
                    testid="transform-expression"
                    rows=if is_js.get_untracked() { 6 } else { 2 }
                    mono=true
                    hint=hint
                />
            }
        }}
        <TextSetting
            id=ctx.dom("input")
            label="Input (optional)"
            value=input
            on_change=Callback::new(move |v: String| edit_config(ctx, pick_mut, |c| c.input = input_from_text(&v)))
            errors=ctx.messages("config.input")
            testid="transform-input"
            paths=ctx.paths()
            rows=2
            mono=true
            hint="A template or JSON with templates, e.g. {{ actions.lookup.output }}. Empty: the whole context (fields, actions, run)."
        />
    }
    .into_any()
}

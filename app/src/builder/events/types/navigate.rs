//! `navigate`: next, previous, complete, or a step picked by title.

use leptos::prelude::*;
use wizard_core::domain::event::{ActionConfig, NavTarget, NavigateConfig};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::SelectSetting;

config_of!(Navigate, NavigateConfig);

#[component]
pub fn NavigateEditor(ctx: ActionCtx) -> impl IntoView {
    let cfg = config_memo(ctx, pick);
    let target = config_text(cfg, |c| c.target.to_string());
    let b = ctx.ev.b;
    let targets = Signal::derive(move || {
        let mut out = vec![
            ("next".to_owned(), "The next step".to_owned()),
            ("previous".to_owned(), "The previous step".to_owned()),
            ("complete".to_owned(), "Complete the run".to_owned()),
        ];
        b.wizard.with(|w| {
            out.extend(w.steps.iter().enumerate().map(|(i, s)| {
                (
                    NavTarget::Step(s.id).to_string(),
                    format!("Step {}: {}", i + 1, s.title),
                )
            }))
        });
        out
    });
    view! {
        <SelectSetting
            id=ctx.dom("target")
            label="Go to"
            choices=targets
            value=target
            on_change=Callback::new(move |v: String| {
                if let Ok(t) = v.parse::<NavTarget>() {
                    edit_config(ctx, pick_mut, |c| c.target = t);
                }
            })
            errors=ctx.messages("config.target")
            testid="navigate-target"
        />
    }
    .into_any()
}

//! `show_message`: a level and a templated text, with the text as the runner will see it.

use leptos::prelude::*;
use wizard_core::domain::event::{ActionConfig, MessageLevel, ShowMessageConfig};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::{SelectSetting, TextSetting};

config_of!(ShowMessage, ShowMessageConfig);

#[component]
pub fn ShowMessageEditor(ctx: ActionCtx) -> impl IntoView {
    let cfg = config_memo(ctx, pick);
    let level = config_text(cfg, |c| c.level.as_str().to_owned());
    let text = config_text(cfg, |c| c.text.clone());
    let levels: Vec<(String, String)> = MessageLevel::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), l.as_str().to_owned()))
        .collect();
    view! {
        <div class="grid-2">
            <SelectSetting
                id=ctx.dom("level")
                label="Level"
                choices=levels
                value=level
                on_change=Callback::new(move |v: String| {
                    if let Ok(l) = v.parse::<MessageLevel>() {
                        edit_config(ctx, pick_mut, |c| c.level = l);
                    }
                })
                errors=ctx.messages("config.level")
                testid="message-level"
            />
        </div>
        <TextSetting
            id=ctx.dom("text")
            label="Message text"
            value=text
            on_change=Callback::new(move |v: String| edit_config(ctx, pick_mut, |c| c.text = v))
            errors=ctx.messages("config.text")
            testid="message-text"
            paths=ctx.paths()
            rows=2
            hint="A template: {{ fields.email }} or {{ actions.lookup.output.name }} are filled in when it runs."
        />
        <p class="message-preview" data-level=move || level.get() data-testid="message-preview">
            <span class="muted small">"Preview: "</span>
            {move || text.get()}
        </p>
    }
    .into_any()
}

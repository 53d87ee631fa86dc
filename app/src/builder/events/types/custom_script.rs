//! `custom_script`: the code, and the capabilities it declares (which of the wizard's API
//! configurations `callApi` may reach), as checkboxes.

use leptos::prelude::*;
use wizard_core::domain::event::{ActionConfig, CustomScriptConfig};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::TextSetting;
use crate::builder::ui::ErrorLines;

config_of!(CustomScript, CustomScriptConfig);

#[component]
pub fn ScriptEditor(ctx: ActionCtx) -> impl IntoView {
    let b = ctx.ev.b;
    let cfg = config_memo(ctx, pick);
    let code = config_text(cfg, |c| c.code.clone());
    let configs = Memo::new(move |_| {
        b.wizard.with(|w| {
            w.api_configs
                .iter()
                .map(|c| (c.id, c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <TextSetting
            id=ctx.dom("code")
            label="Script (the body of async function (context) { … })"
            value=code
            on_change=Callback::new(move |v: String| edit_config(ctx, pick_mut, |c| c.code = v))
            errors=ctx.messages("config.code")
            testid="script-code"
            rows=8
            mono=true
            hint="setField(key, value), showMessage(level, text), navigate(target); await callApi(name, request) for the configurations ticked below. The return value is the output."
        />
        <fieldset class="capabilities">
            <legend>"May call these API configurations"</legend>
            <Show when=move || configs.with(Vec::is_empty)>
                <p class="hint">"This wizard has no API configurations."</p>
            </Show>
            <For each=move || configs.get() key=|(id, _)| *id let:item>
                {
                    let (id, name) = item;
                    let checked = Signal::derive(move || {
                        cfg.with(|c| c.as_ref().is_some_and(|c| c.allowed_api_configs.contains(&id)))
                    });
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    edit_config(ctx, pick_mut, |c| {
                                        c.allowed_api_configs.retain(|x| *x != id);
                                        if on {
                                            c.allowed_api_configs.push(id);
                                        }
                                    });
                                }
                            />
                            {name}
                        </label>
                    }
                }
            </For>
            <ErrorLines messages=ctx.messages("config.allowed_api_configs") id=ctx.dom("caps-errors") />
        </fieldset>
    }
    .into_any()
}

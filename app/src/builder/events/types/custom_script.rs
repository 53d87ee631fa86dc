//! `custom_script`: the code, and the capabilities it declares as checkboxes: which of the
//! wizard's API configurations `callApi` may reach, which MCP configurations `callTool` may
//! use, and which library actions `runAction` may call (DESIGN §4, §5). The server refuses anything else when the script runs.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::event::{ActionConfig, CustomScriptConfig};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::TextSetting;
use crate::builder::ui::ErrorLines;
use crate::fns::library::library_choices;

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
    let tools = Memo::new(move |_| {
        b.wizard.with(|w| {
            w.mcp_configs
                .iter()
                .map(|c| (c.id, format!("{} (server {})", c.name, c.server)))
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
            hint="setField(key, value), showMessage(level, text), navigate(target); await callApi(name, request), await callTool(name, tool, arguments) and await runAction(name, params) for what is ticked below. The return value is the output."
        />
        <ConfigCapabilities ctx cfg legend="May call these API configurations"
            empty="This wizard has no API configurations." items=configs
            list=|c| &mut c.allowed_api_configs has=|c, id| c.allowed_api_configs.contains(id)
            member="allowed_api_configs" testid="script-api-config" />
        <ConfigCapabilities ctx cfg legend="May call tools through these MCP configurations"
            empty="This wizard has no MCP configurations." items=tools
            list=|c| &mut c.allowed_mcp_configs has=|c, id| c.allowed_mcp_configs.contains(id)
            member="allowed_mcp_configs" testid="script-mcp-config" />
        <LibraryCapabilities ctx cfg />
    }
    .into_any()
}

/// One of the wizard's configuration lists (API or MCP) as checkboxes, with a hint when the
/// wizard has none and the server's messages for `config.<member>`.
#[component]
#[allow(clippy::too_many_arguments)]
fn ConfigCapabilities(
    ctx: ActionCtx,
    cfg: Memo<Option<CustomScriptConfig>>,
    legend: &'static str,
    empty: &'static str,
    items: Memo<Vec<(Uuid, String)>>,
    list: fn(&mut CustomScriptConfig) -> &mut Vec<Uuid>,
    has: fn(&CustomScriptConfig, &Uuid) -> bool,
    member: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="capabilities">
            <legend>{legend}</legend>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="hint">{empty}</p>
            </Show>
            <CapabilityBoxes ctx cfg items list has testid />
            <ErrorLines messages=ctx.messages(format!("config.{member}")) id=ctx.dom(&format!("{member}-errors")) />
        </fieldset>
    }
    .into_any()
}

/// The library actions `runAction` may call: every action the builder can see, plus any
/// already ticked that is no longer listed (so it can be unticked).
#[component]
fn LibraryCapabilities(ctx: ActionCtx, cfg: Memo<Option<CustomScriptConfig>>) -> impl IntoView {
    let catalog = RwSignal::new(None::<Result<Vec<String>, String>>);
    spawn_local(async move {
        let names = library_choices()
            .await
            .map(|list| list.into_iter().map(|c| c.action.name).collect())
            .map_err(|e| e.to_string());
        catalog.set(Some(names));
    });
    let names = Memo::new(move |_| {
        let mut out = match catalog.get() {
            Some(Ok(names)) => names,
            _ => Vec::new(),
        };
        cfg.with(|c| {
            for n in c.iter().flat_map(|c| &c.allowed_actions) {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
        });
        out
    });
    view! {
        <fieldset class="capabilities" data-testid="script-library-actions">
            <legend>"May run these library actions"</legend>
            {move || match catalog.get() {
                None => view! { <p class="muted small">"Loading the library…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{format!("Could not load the library: {e}")}</p> }.into_any(),
                Some(Ok(_)) if names.with(Vec::is_empty) => view! { <p class="hint">"The library is empty."</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <CapabilityBoxes ctx cfg items=Signal::derive(move || names.get().into_iter().map(|n| (n.clone(), n)).collect())
                list=|c| &mut c.allowed_actions has=|c, n| c.allowed_actions.contains(n)
                testid="script-library-action" />
            <ErrorLines messages=ctx.messages("config.allowed_actions") id=ctx.dom("library-caps-errors") />
        </fieldset>
    }
    .into_any()
}

/// One checkbox per item (its key and label), ticked while the script's `list` holds the
/// key; every capability list is this.
#[component]
fn CapabilityBoxes<K>(
    ctx: ActionCtx,
    cfg: Memo<Option<CustomScriptConfig>>,
    #[prop(into)] items: Signal<Vec<(K, String)>>,
    list: fn(&mut CustomScriptConfig) -> &mut Vec<K>,
    has: fn(&CustomScriptConfig, &K) -> bool,
    testid: &'static str,
) -> impl IntoView
where
    K: Clone + Eq + std::hash::Hash + Send + Sync + 'static,
{
    view! {
        <For each=move || items.get() key=|(k, _)| k.clone() let:item>
            {
                let (key, label) = item;
                let checked = {
                    let key = key.clone();
                    Signal::derive(move || cfg.with(|c| c.as_ref().is_some_and(|c| has(c, &key))))
                };
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid=testid
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let key = key.clone();
                                edit_config(ctx, pick_mut, move |c| {
                                    let keys = list(c);
                                    keys.retain(|x| *x != key);
                                    if on {
                                        keys.push(key);
                                    }
                                });
                            }
                        />
                        {label}
                    </label>
                }
            }
        </For>
    }
    .into_any()
}

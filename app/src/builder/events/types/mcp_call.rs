//! `mcp_call`: which of the wizard's MCP configurations, a tool picked from what its server
//! offers (with descriptions), and a form generated from the tool's `inputSchema`: one
//! typed input per argument (text, number, whole number, yes/no, a choice, JSON), required
//! marks, defaults, bounds and descriptions; any argument may be a `{{ template }}` instead.

use leptos::prelude::*;
use uuid::Uuid;
use wizard_core::domain::event::{ActionConfig, McpCallConfig};
use wizard_core::domain::mcp::ToolInfo;

use super::argument::{ArgumentInput, ArgumentsOf};
use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::SelectSetting;
use crate::builder::events::schema::params;
use crate::builder::mcp_configs::load_tools;
use crate::builder::ui::ErrorLines;

config_of!(McpCall, McpCallConfig);

/// Where this editor's typed inputs keep their values.
const ARGUMENTS: ArgumentsOf = ArgumentsOf {
    read: |c| pick(c).map(|c| &c.arguments),
    write: |c| pick_mut(c).map(|c| &mut c.arguments),
    member: "config.arguments",
    testid: "mcp",
};

#[component]
pub fn McpCallEditor(ctx: ActionCtx) -> impl IntoView {
    let b = ctx.ev.b;
    let cfg = config_memo(ctx, pick);
    let config_id = config_text(cfg, |c| c.mcp_config_id.to_string());
    let tool = config_text(cfg, |c| c.tool.clone());
    let configs = Signal::derive(move || {
        b.wizard.with(|w| {
            w.mcp_configs
                .iter()
                .map(|c| (c.id.to_string(), format!("{} ({})", c.name, c.server)))
                .collect::<Vec<_>>()
        })
    });
    // The chosen configuration's server and allowed tools.
    let reach = Memo::new(move |_| {
        let id = cfg.with(|c| c.as_ref().map(|c| c.mcp_config_id));
        b.wizard.with(|w| {
            w.mcp_configs
                .iter()
                .find(|m| Some(m.id) == id)
                .map(|m| (m.server.clone(), m.available_tools.clone()))
        })
    });
    let tools = RwSignal::new(None::<Result<Vec<ToolInfo>, String>>);
    Effect::new(move |_| {
        let server = reach.with(|r| r.as_ref().map(|(s, _)| s.clone()));
        load_tools(server.unwrap_or_default(), tools);
    });
    let offered = Memo::new(move |_| {
        let allowed = reach.with(|r| r.as_ref().map(|(_, t)| t.clone()).unwrap_or_default());
        tools.with(|t| match t {
            Some(Ok(ts)) => ts
                .iter()
                .filter(|t| allowed.is_empty() || allowed.contains(&t.name))
                .cloned()
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let tool_choices = Signal::derive(move || {
        let mut out = vec![(String::new(), "Pick a tool…".to_owned())];
        out.extend(offered.get().into_iter().map(|t| (t.name.clone(), t.name)));
        let current = tool.get();
        if !current.is_empty() && !out.iter().any(|(v, _)| *v == current) {
            out.push((current.clone(), current));
        }
        out
    });
    let chosen = Memo::new(move |_| {
        let name = tool.get();
        offered.with(|ts| ts.iter().find(|t| t.name == name).cloned())
    });
    let form = Memo::new(move |_| {
        chosen.with(|t| {
            t.as_ref()
                .map(|t| params(&t.input_schema))
                .unwrap_or_default()
        })
    });
    view! {
        <div class="grid-2">
            <SelectSetting
                id=ctx.dom("mcp-config")
                label="MCP configuration"
                choices=configs
                value=config_id
                on_change=Callback::new(move |v: String| {
                    if let Ok(id) = Uuid::parse_str(&v) {
                        edit_config(ctx, pick_mut, |c| {
                            c.mcp_config_id = id;
                            c.tool = String::new();
                            c.arguments.clear();
                        });
                    }
                })
                errors=ctx.messages("config.mcp_config_id")
                testid="mcp-call-config"
            />
            <SelectSetting
                id=ctx.dom("tool")
                label="Tool"
                choices=tool_choices
                value=tool
                on_change=Callback::new(move |v: String| {
                    edit_config(ctx, pick_mut, |c| {
                        if c.tool != v {
                            c.tool = v;
                            c.arguments.clear();
                        }
                    });
                })
                errors=ctx.messages("config.tool")
                testid="mcp-call-tool"
            />
        </div>
        <div aria-live="polite" data-testid="mcp-call-tool-state">
            {move || match tools.get() {
                None if reach.with(Option::is_none) => view! { <p class="hint">"Pick an MCP configuration: it names the server."</p> }.into_any(),
                None => view! { <p class="muted small">"Listing the server's tools…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{format!("Could not list the tools: {e}")}</p> }.into_any(),
                Some(Ok(_)) => chosen
                    .get()
                    .map(|t| view! { <p class="hint" data-testid="mcp-call-tool-description">{t.description}</p> })
                    .into_any(),
            }}
        </div>
        {move || {
            let ps = form.get();
            let tool_name = tool.get_untracked();
            if ps.is_empty() {
                return chosen
                    .with(Option::is_some)
                    .then(|| view! { <p class="muted small">"This tool takes no arguments."</p> })
                    .into_any();
            }
            view! {
                <fieldset class="schema-form" data-testid="mcp-call-arguments">
                    <legend>{format!("Arguments of {tool_name}")}</legend>
                    {ps.into_iter().map(|p| view! { <ArgumentInput ctx p of=ARGUMENTS /> }).collect_view()}
                    <ErrorLines messages=ctx.messages("config.arguments") id=ctx.dom("arguments-errors") />
                </fieldset>
            }
            .into_any()
        }}
    }
    .into_any()
}

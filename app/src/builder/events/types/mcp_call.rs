//! `mcp_call`: which of the wizard's MCP configurations, a tool picked from what its server
//! offers (with descriptions), and a form generated from the tool's `inputSchema`: one
//! typed input per argument (text, number, whole number, yes/no, a choice, JSON), required
//! marks, defaults, bounds and descriptions; any argument may be a `{{ template }}` instead.

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::event::{ActionConfig, McpCallConfig};
use wizard_core::domain::mcp::ToolInfo;

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::{SelectSetting, with_local};
use crate::builder::events::schema::{Kind, Param, params, text_of, value_of};
use crate::builder::mcp_configs::load_tools;
use crate::builder::ui::ErrorLines;

config_of!(McpCall, McpCallConfig);

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
                    {ps.into_iter().map(|p| view! { <ArgumentInput ctx p /> }).collect_view()}
                    <ErrorLines messages=ctx.messages("config.arguments") id=ctx.dom("arguments-errors") />
                </fieldset>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// One argument of the tool: a typed input (or a template), its checks and messages.
#[component]
fn ArgumentInput(ctx: ActionCtx, p: Param) -> impl IntoView {
    let name = p.name.clone();
    let stored = ctx
        .read(|a| match &a.config {
            ActionConfig::McpCall(c) => c.arguments.get(&name).cloned(),
            _ => None,
        })
        .flatten();
    let is_template = |v: &Value| v.as_str().is_some_and(|s| s.contains("{{"));
    let template = RwSignal::new(stored.as_ref().is_some_and(is_template) && p.kind != Kind::Text);
    let text = RwSignal::new(stored.as_ref().map(text_of).unwrap_or_default());
    let local = RwSignal::new(Vec::<String>::new());
    let errors = with_local(local, ctx.messages(format!("config.arguments.{name}")));
    let id = ctx.dom(&format!("arg-{name}"));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-errors");
    let described = format!("{hint_id} {err_id}");
    let param = StoredValue::new(p.clone());
    let commit = move |typed: String| {
        text.set(typed.clone());
        let p = param.get_value();
        match value_of(&p, &typed) {
            Ok(value) => {
                local.set(Vec::new());
                edit_config(ctx, pick_mut, |c| match value {
                    Some(v) => {
                        c.arguments.insert(p.name.clone(), v);
                    }
                    None => {
                        c.arguments.remove(&p.name);
                    }
                });
            }
            Err(m) => local.set(vec![m]),
        }
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let hint = {
        let mut parts = Vec::new();
        if !p.description.is_empty() {
            parts.push(p.description.clone());
        }
        let c = p.constraints();
        if !c.is_empty() {
            parts.push(c);
        }
        parts.join(" · ")
    };
    let kind = p.kind.clone();
    let (min, max) = (p.minimum, p.maximum);
    let placeholder = p.default.as_ref().map(text_of).unwrap_or_default();
    let input = {
        let id = id.clone();
        let described = described.clone();
        move || {
            let (id, described, placeholder) = (id.clone(), described.clone(), placeholder.clone());
            if template.get() {
                return view! {
                    <input id=id type="text" class="mono" aria-describedby=described aria-invalid=invalid
                        data-testid="mcp-arg" placeholder="{{ fields.key }}"
                        prop:value=move || text.get() on:change=move |ev| commit(event_target_value(&ev)) />
                }
                .into_any();
            }
            match &kind {
                Kind::Text => view! {
                    <input id=id type="text" aria-describedby=described aria-invalid=invalid data-testid="mcp-arg"
                        placeholder=placeholder prop:value=move || text.get() on:change=move |ev| commit(event_target_value(&ev)) />
                }
                .into_any(),
                Kind::Number | Kind::Integer => view! {
                    <input id=id type="number" inputmode="decimal" aria-describedby=described aria-invalid=invalid data-testid="mcp-arg"
                        step=if kind == Kind::Integer { "1" } else { "any" }
                        min=min.map(|m| m.to_string()) max=max.map(|m| m.to_string())
                        placeholder=placeholder prop:value=move || text.get() on:change=move |ev| commit(event_target_value(&ev)) />
                }
                .into_any(),
                Kind::Boolean | Kind::Choice(_) => {
                    let values: Vec<String> = match &kind {
                        Kind::Choice(vs) => vs.iter().map(text_of).collect(),
                        _ => vec!["true".to_owned(), "false".to_owned()],
                    };
                    view! {
                        <select id=id aria-describedby=described aria-invalid=invalid data-testid="mcp-arg"
                            on:change=move |ev| commit(event_target_value(&ev))>
                            <option value="" selected=move || text.with(String::is_empty)>"(not set)"</option>
                            {values.into_iter().map(|v| {
                                let selected = {
                                    let v = v.clone();
                                    move || text.with(|t| *t == v)
                                };
                                view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                            }).collect_view()}
                        </select>
                    }
                    .into_any()
                }
                Kind::Json => view! {
                    <textarea id=id rows=3 class="mono" spellcheck="false" aria-describedby=described aria-invalid=invalid data-testid="mcp-arg"
                        placeholder=placeholder prop:value=move || text.get() on:change=move |ev| commit(event_target_value(&ev))></textarea>
                }
                .into_any(),
            }
        }
    };
    let label = format!("{}{}", p.name, if p.required { " *" } else { "" });
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty) data-testid="mcp-argument" data-name=p.name.clone()>
            <label for=id.clone()>{label}" "<span class="muted small">{p.type_name.clone()}</span></label>
            {input}
            {(p.kind != Kind::Text).then(|| view! {
                <label class="check small">
                    <input type="checkbox" data-testid="mcp-arg-template" prop:checked=move || template.get()
                        on:change=move |ev| template.set(event_target_checked(&ev)) />
                    "A {{ template }} instead"
                </label>
            })}
            <p class="hint" id=hint_id>{hint}</p>
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

//! The wizard's MCP configurations (what `mcp_call` actions reach): which registered server,
//! which of its tools (none ticked: all), timeout and retries. The server itself, with its
//! credentials, is the admin's (`pages::admin::mcp_servers`); builders only pick it by name.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::integration::{DEFAULT_TIMEOUT_MS, McpConfig, McpConfigView};
use wizard_core::domain::mcp::ToolInfo;
use wizard_core::domain::problem::FieldError;

use super::events::inputs::{SelectSetting, TextSetting};
use super::events::model::messages_at;
use super::state::Builder;
use super::ui::{ConfirmDelete, ErrorLines, focus_later, settle};
use crate::fns::mcp::{
    create_mcp_config, delete_mcp_config, list_mcp_configs, list_mcp_servers, mcp_server_tools,
    save_mcp_config,
};

type Loaded = Option<Result<Vec<McpConfigView>, String>>;

/// Keeps the draft's copy (which the `mcp_call` editors pick from) in step with the server.
fn sync_draft(b: Builder, list: &[McpConfigView]) {
    let configs: Vec<_> = list.iter().map(|v| v.config.clone()).collect();
    b.wizard.update(|w| w.mcp_configs = configs);
}

/// Loads the tools of `server` into `into` (an error says why the server is unreachable).
pub fn load_tools(server: String, into: RwSignal<Option<Result<Vec<ToolInfo>, String>>>) {
    into.set(None);
    if server.is_empty() {
        return;
    }
    spawn_local(async move {
        into.set(Some(
            mcp_server_tools(server).await.map_err(|e| e.to_string()),
        ));
    });
}

#[component]
pub fn McpConfigsPanel(b: Builder) -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<McpConfigView>, String>>);
    let editing = RwSignal::new(None::<Option<Uuid>>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        spawn_local(async move {
            let loaded = list_mcp_configs(b.id).await.map_err(|e| e.to_string());
            if let Ok(l) = &loaded {
                sync_draft(b, l);
            }
            list.set(Some(loaded));
        });
    });
    view! {
        <section class="panel" aria-labelledby="mcp-configs-heading" data-testid="mcp-configs">
            <h2 class="panel-title" id="mcp-configs-heading">"MCP configurations"</h2>
            <p class="hint">"Which MCP server (registered by an admin) this wizard's tool calls reach, and which tools."</p>
            {move || match list.get() {
                None => view! { <p class="muted small">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="event-list">
                        {items.into_iter().map(|v| {
                            let id = v.config.id;
                            let label = format!("Edit MCP configuration {}", v.config.name);
                            let tools = if v.config.available_tools.is_empty() {
                                "all tools".to_owned()
                            } else {
                                v.config.available_tools.join(", ")
                            };
                            view! {
                                <li class="event-row" data-testid="mcp-config-row">
                                    <button type="button" class="link-button strong" aria-label=label on:click=move |_| editing.set(Some(Some(id)))>
                                        {v.config.name.clone()}
                                    </button>
                                    <span class="muted small mono">{v.config.server.clone()}</span>
                                    <span class="event-meta muted small">{tools}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <button type="button" class="btn btn-small" data-testid="mcp-config-new" on:click=move |_| { notice.set(None); editing.set(Some(None)) }>
                "+ New MCP configuration"
            </button>
            <p role="status" class="muted small" data-testid="mcp-config-status">{move || notice.get()}</p>
            {move || editing.get().map(|which| view! { <McpConfigForm b list editing notice which /> })}
        </section>
    }
    .into_any()
}

#[component]
fn McpConfigForm(
    b: Builder,
    list: RwSignal<Loaded>,
    editing: RwSignal<Option<Option<Uuid>>>,
    notice: RwSignal<Option<String>>,
    which: Option<Uuid>,
) -> impl IntoView {
    let existing = which.and_then(|id| {
        list.with_untracked(|l| match l {
            Some(Ok(items)) => items.iter().find(|v| v.config.id == id).cloned(),
            _ => None,
        })
    });
    let dom = |what: &str| format!("mcp-config-{what}");
    let c = existing.as_ref().map(|v| v.config.clone());
    let name = RwSignal::new(c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        c.as_ref()
            .map(|c| c.description.clone())
            .unwrap_or_default(),
    );
    let server = RwSignal::new(c.as_ref().map(|c| c.server.clone()).unwrap_or_default());
    let chosen = RwSignal::new(
        c.as_ref()
            .map(|c| c.available_tools.clone())
            .unwrap_or_default(),
    );
    let timeout = RwSignal::new(
        c.as_ref()
            .map_or(DEFAULT_TIMEOUT_MS, |c| c.timeout_ms)
            .to_string(),
    );
    let retries = RwSignal::new(c.as_ref().map_or(0, |c| c.max_retries).to_string());
    let version = RwSignal::new(existing.as_ref().map_or(0, |v| v.version));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let servers = RwSignal::new(Vec::<(String, String)>::new());
    let tools = RwSignal::new(None::<Result<Vec<ToolInfo>, String>>);
    spawn_local(async move {
        match list_mcp_servers().await {
            Ok(list) => {
                let mut out = vec![(String::new(), "Pick a server…".to_owned())];
                out.extend(list.into_iter().map(|e| {
                    let label = if e.server.description.is_empty() {
                        e.server.name.clone()
                    } else {
                        format!("{} ({})", e.server.name, e.server.description)
                    };
                    (e.server.name, label)
                }));
                servers.set(out);
            }
            Err(e) => failure.set(Some(format!("Cannot list the MCP servers: {e}"))),
        }
    });
    load_tools(server.get_untracked(), tools);
    let at =
        move |path: &'static str| Signal::derive(move || errors.with(|es| messages_at(es, path)));
    let text = |s: RwSignal<String>| Callback::new(move |v: String| s.set(v));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Ok(timeout_ms), Ok(max_retries)) = (
            timeout.get_untracked().trim().parse::<u64>(),
            retries.get_untracked().trim().parse::<u32>(),
        ) else {
            errors.set(vec![FieldError::new(
                "timeout_ms",
                "timeout and retries are whole numbers",
            )]);
            return;
        };
        let config = McpConfig {
            id: which.unwrap_or_default(),
            name: name.get_untracked(),
            description: description.get_untracked(),
            server: server.get_untracked(),
            available_tools: chosen.get_untracked(),
            timeout_ms,
            max_retries,
        };
        busy.set(true);
        spawn_local(async move {
            let result = match which {
                None => create_mcp_config(b.id, config).await,
                Some(id) => save_mcp_config(id, version.get_untracked(), config).await,
            };
            busy.set(false);
            if let Some(view) = settle(result, errors, failure) {
                list.update(|l| {
                    if let Some(Ok(items)) = l {
                        match items.iter_mut().find(|v| v.config.id == view.config.id) {
                            Some(old) => *old = view.clone(),
                            None => items.push(view.clone()),
                        }
                        sync_draft(b, items);
                    }
                });
                notice.set(Some(format!("Saved {}.", view.config.name)));
                editing.set(None);
            }
        });
    };
    let delete = Callback::new(move |()| {
        let Some(id) = which else { return };
        spawn_local(async move {
            let result = delete_mcp_config(id, version.get_untracked()).await;
            if settle(result, errors, failure).is_some() {
                list.update(|l| {
                    if let Some(Ok(items)) = l {
                        items.retain(|v| v.config.id != id);
                        sync_draft(b, items);
                    }
                });
                notice.set(Some("Deleted.".to_owned()));
                editing.set(None);
            }
        });
    });
    let tool_errors = Signal::derive(move || {
        errors.with(|es| {
            es.iter()
                .filter(|e| e.field.starts_with("available_tools"))
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
        })
    });
    focus_later(dom("name"));
    view! {
        <form class="api-config-form" on:submit=submit data-testid="mcp-config-form" novalidate>
            <h3 class="section-title">{if which.is_some() { "Edit MCP configuration" } else { "New MCP configuration" }}</h3>
            {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
            <TextSetting id=dom("name") label="Name" value=name on_change=text(name) errors=at("name") testid="mcp-config-name" />
            <TextSetting id=dom("description") label="Description (optional)" value=description on_change=text(description) errors=at("description") testid="mcp-config-description" />
            <SelectSetting
                id=dom("server")
                label="MCP server"
                choices=servers
                value=server
                on_change=Callback::new(move |v: String| {
                    server.set(v.clone());
                    chosen.set(Vec::new());
                    load_tools(v, tools);
                })
                errors=at("server")
                testid="mcp-config-server"
            />
            <fieldset class="key-values" data-testid="mcp-config-tools">
                <legend>"Tools this wizard may call (none ticked: all)"</legend>
                <div aria-live="polite">
                    {move || match tools.get() {
                        None if server.with(String::is_empty) => view! { <p class="muted small">"Pick a server to see its tools."</p> }.into_any(),
                        None => view! { <p class="muted small">"Listing the tools…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="field-error">{format!("Could not list the tools: {e}")}</p> }.into_any(),
                        Some(Ok(ts)) => ts.into_iter().map(|t| {
                            let tool = t.name.clone();
                            let checked = {
                                let tool = tool.clone();
                                move || chosen.with(|c| c.contains(&tool))
                            };
                            view! {
                                <label class="check">
                                    <input type="checkbox" prop:checked=checked on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let tool = tool.clone();
                                        chosen.update(|c| {
                                            c.retain(|x| *x != tool);
                                            if on {
                                                c.push(tool);
                                            }
                                        });
                                    } />
                                    <code>{t.name}</code>" "<span class="muted small">{t.description}</span>
                                </label>
                            }
                        }).collect_view().into_any(),
                    }}
                </div>
                <ErrorLines messages=tool_errors id=dom("tools-errors") />
            </fieldset>
            <div class="grid-2">
                <TextSetting id=dom("timeout") label="Timeout per call (ms)" value=timeout on_change=text(timeout) errors=at("timeout_ms") testid="mcp-config-timeout" />
                <TextSetting id=dom("retries") label="Retries after a transport failure" value=retries on_change=text(retries) errors=at("max_retries") testid="mcp-config-retries" />
            </div>
            <div class="event-editor-foot">
                <button type="submit" class="btn btn-small" data-testid="mcp-config-save" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save configuration" }}
                </button>
                <button type="button" class="btn btn-small btn-quiet" on:click=move |_| editing.set(None)>"Close"</button>
                {which.map(|_| {
                    let label = name.get_untracked();
                    view! { <ConfirmDelete what=Signal::derive(move || format!("MCP configuration {label}")) testid="mcp-config-delete" on_confirm=delete /> }
                })}
            </div>
        </form>
    }
    .into_any()
}

//! The admin's MCP server registry: stdio servers (command, arguments, environment) and
//! streamable HTTP servers (URL, headers), each with a status line and "List tools".
//! Environment and header values are credentials: write-only (DESIGN §5). The form shows
//! only their names as "set"; "Replace or clear" sends a whole new set (an empty one clears
//! them), and leaving them alone keeps the stored ones (`backend::mcp_servers::update`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wizard_core::domain::integration::DEFAULT_TIMEOUT_MS;
use wizard_core::domain::mcp::{McpServerRequest, McpTransport, ToolInfo};
use wizard_core::domain::problem::FieldError;

use crate::builder::events::inputs::{KeyValues, SelectSetting, TextSetting, choices};
use crate::builder::events::model::messages_at;
use crate::builder::ui::{ConfirmDelete, ErrorLines, focus_later, settle};
use crate::fns::mcp::{
    McpServerEntry, create_mcp_server, delete_mcp_server, list_mcp_servers, mcp_server_tools,
    save_mcp_server,
};

type Loaded = Option<Result<Vec<McpServerEntry>, String>>;

/// The status line of a registered server.
fn status(e: &McpServerEntry) -> String {
    match (e.server.is_enabled, e.running) {
        (false, _) => "disabled".to_owned(),
        (true, Some(Some(pid))) => format!("running (process {pid})"),
        (true, Some(None)) => "connected".to_owned(),
        (true, None) => "not started (starts on first use)".to_owned(),
    }
}

#[component]
pub fn McpServers() -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<McpServerEntry>, String>>);
    // `Some(None)`: a new server; `Some(Some(name))`: that one.
    let editing = RwSignal::new(None::<Option<String>>);
    let notice = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            list.set(Some(list_mcp_servers().await.map_err(|e| e.to_string())));
        });
    };
    Effect::new(move |_| reload());
    view! {
        <section class="section" aria-labelledby="mcp-heading" data-testid="mcp-servers">
            <h2 id="mcp-heading">"MCP servers"</h2>
            <p class="muted">
                "Servers whose tools wizards may call. Builders pick one by name; how it is reached "
                "and its credentials stay here."
            </p>
            <p class="notice" role="status" data-testid="mcp-status">{move || notice.get()}</p>
            {move || match list.get() {
                None => view! { <p class="muted">"Loading MCP servers…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert" role="alert">{e}</div> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p class="muted" data-testid="mcp-empty">"No MCP server is registered."</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="event-list">
                        {items.into_iter().map(|e| {
                            let name = e.server.name.clone();
                            let label = format!("Edit MCP server {name}");
                            let reach = match e.server.transport {
                                McpTransport::Stdio => {
                                    let mut cmd = e.server.command.clone().unwrap_or_default();
                                    for a in e.server.args.clone().unwrap_or_default() {
                                        cmd.push(' ');
                                        cmd.push_str(&a);
                                    }
                                    cmd
                                }
                                McpTransport::StreamableHttp => e.server.url.clone().unwrap_or_default(),
                            };
                            let state = status(&e);
                            view! {
                                <li class="event-row" data-testid="mcp-server-row">
                                    <button type="button" class="link-button strong" aria-label=label
                                        on:click=move |_| { notice.set(None); editing.set(Some(Some(name.clone()))) }>
                                        {e.server.name.clone()}
                                    </button>
                                    <span class="muted small mono">{reach}</span>
                                    <span class="event-meta muted small" data-testid="mcp-server-state">{state}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <button type="button" class="btn btn-small" data-testid="mcp-new"
                on:click=move |_| { notice.set(None); editing.set(Some(None)) }>
                "+ Register an MCP server"
            </button>
            {move || editing.get().map(|which| view! { <McpServerForm list editing notice which reload=Callback::new(move |()| reload()) /> })}
        </section>
    }
    .into_any()
}

/// The write-only part of a server: its env variables (stdio) or headers (HTTP).
#[derive(Clone, PartialEq)]
enum Secrets {
    /// Keep what is stored (sent as `None`).
    Keep,
    /// Send exactly these (none: clear them).
    Replace(Vec<(String, String)>),
}

#[component]
fn McpServerForm(
    list: RwSignal<Loaded>,
    editing: RwSignal<Option<Option<String>>>,
    notice: RwSignal<Option<String>>,
    which: Option<String>,
    reload: Callback<()>,
) -> impl IntoView {
    let existing = which.as_ref().and_then(|n| {
        list.with_untracked(|l| match l {
            Some(Ok(items)) => items.iter().find(|e| &e.server.name == n).cloned(),
            _ => None,
        })
    });
    let s = existing.as_ref().map(|e| e.server.clone());
    let dom = |what: &str| format!("mcp-{what}");
    let name = RwSignal::new(s.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        s.as_ref()
            .map(|s| s.description.clone())
            .unwrap_or_default(),
    );
    let loaded_transport = s.as_ref().map_or(McpTransport::Stdio, |s| s.transport);
    let transport = RwSignal::new(loaded_transport.as_str().to_owned());
    let command = RwSignal::new(
        s.as_ref()
            .and_then(|s| s.command.clone())
            .unwrap_or_default(),
    );
    let args = RwSignal::new(
        s.as_ref()
            .and_then(|s| s.args.clone())
            .unwrap_or_default()
            .join("\n"),
    );
    let url = RwSignal::new(s.as_ref().and_then(|s| s.url.clone()).unwrap_or_default());
    let timeout = RwSignal::new(
        s.as_ref()
            .map_or(DEFAULT_TIMEOUT_MS, |s| s.timeout_ms)
            .to_string(),
    );
    let enabled = RwSignal::new(s.as_ref().is_none_or(|s| s.is_enabled));
    let stored_keys = s
        .as_ref()
        .and_then(|s| s.secret_keys.clone())
        .unwrap_or_default();
    let secrets = RwSignal::new(if stored_keys.is_empty() {
        Secrets::Replace(Vec::new())
    } else {
        Secrets::Keep
    });
    let version = RwSignal::new(s.as_ref().map_or(0, |s| s.version));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let tools = RwSignal::new(None::<Result<Vec<ToolInfo>, String>>);
    let at =
        move |path: &'static str| Signal::derive(move || errors.with(|es| messages_at(es, path)));
    let under = move |prefix: &'static str| {
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .filter(|e| e.field.starts_with(prefix))
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
            })
        })
    };
    let text = |s: RwSignal<String>| Callback::new(move |v: String| s.set(v));
    let stdio = Signal::derive(move || transport.get() == McpTransport::Stdio.as_str());
    // A transport change drops the stored secrets on the server: env variables are no headers.
    let keeps = Memo::new(move |_| {
        secrets.get() == Secrets::Keep && transport.get() == loaded_transport.as_str()
    });

    let held = which.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        let which = held.clone();
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Ok(timeout_ms) = timeout.get_untracked().trim().parse::<u64>() else {
            errors.set(vec![FieldError::new(
                "timeout_ms",
                "a whole number of milliseconds",
            )]);
            return;
        };
        let is_stdio = stdio.get_untracked();
        let sent: Option<BTreeMap<String, String>> = match secrets.get_untracked() {
            Secrets::Keep if keeps.get_untracked() => None,
            Secrets::Keep => Some(BTreeMap::new()),
            Secrets::Replace(rows) => Some(rows.into_iter().collect()),
        };
        // An empty set on a new server is simply none.
        let sent = sent.filter(|m| !m.is_empty() || which.is_some());
        let req = McpServerRequest {
            name: name.get_untracked(),
            description: description.get_untracked(),
            transport: if is_stdio {
                McpTransport::Stdio
            } else {
                McpTransport::StreamableHttp
            },
            command: is_stdio.then(|| command.get_untracked()),
            args: if is_stdio {
                args.get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            },
            env: if is_stdio { sent.clone() } else { None },
            url: (!is_stdio).then(|| url.get_untracked()),
            headers: if is_stdio { None } else { sent },
            timeout_ms,
            is_enabled: enabled.get_untracked(),
            version: which.as_ref().map(|_| version.get_untracked()),
        };
        busy.set(true);
        let which = which.clone();
        spawn_local(async move {
            let result = match &which {
                None => create_mcp_server(req).await,
                Some(n) => save_mcp_server(n.clone(), req).await,
            };
            busy.set(false);
            if let Some(view) = settle(result, errors, failure) {
                notice.set(Some(format!("Saved {}.", view.name)));
                list.update(|l| {
                    if let Some(Ok(items)) = l {
                        match items.iter_mut().find(|e| e.server.name == view.name) {
                            Some(old) => old.server = view.clone(),
                            None => items.push(McpServerEntry {
                                server: view.clone(),
                                running: None,
                            }),
                        }
                    }
                });
                // Opened again from the stored copy: the secrets show as set.
                editing.set(Some(Some(view.name)));
            }
        });
    };
    let delete = {
        let which = which.clone();
        Callback::new(move |()| {
            let Some(n) = which.clone() else { return };
            spawn_local(async move {
                let result = delete_mcp_server(n.clone(), version.get_untracked()).await;
                if settle(result, errors, failure).is_some() {
                    notice.set(Some(format!("Removed {n}.")));
                    editing.set(None);
                    reload.run(());
                }
            });
        })
    };
    let list_tools = {
        let which = which.clone();
        move |_| {
            let Some(n) = which.clone() else { return };
            tools.set(None);
            spawn_local(async move {
                tools.set(Some(mcp_server_tools(n).await.map_err(|e| e.to_string())));
                // Listing starts the server: the status line changes.
                reload.run(());
            });
        }
    };
    let secret_label = move || {
        if stdio.get() {
            "Environment variables"
        } else {
            "Headers"
        }
    };
    focus_later(dom("name"));
    view! {
        <form class="api-config-form" on:submit=submit data-testid="mcp-form" novalidate>
            <h3 class="section-title">{if which.is_some() { "Edit MCP server" } else { "Register an MCP server" }}</h3>
            {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
            {if which.is_some() {
                view! { <p><span class="strong">"Name: "</span><code data-testid="mcp-name-fixed">{name.get_untracked()}</code>" "<span class="muted small">"(wizards refer to it by name; it cannot change)"</span></p> }.into_any()
            } else {
                view! { <TextSetting id=dom("name") label="Name" value=name on_change=text(name) errors=at("name") testid="mcp-name" mono=true hint="Letters, digits, _, - and . only; builders pick the server by it." /> }.into_any()
            }}
            <TextSetting id=dom("description") label="Description (optional)" value=description on_change=text(description) errors=at("description") testid="mcp-description" />
            <SelectSetting
                id=dom("transport")
                label="Transport"
                choices=choices(&[("stdio", "stdio: a command started as a child process"), ("streamable_http", "Streamable HTTP: an MCP endpoint URL")])
                value=transport
                on_change=text(transport)
                errors=at("transport")
                testid="mcp-transport"
            />
            <Show when=move || stdio.get()>
                <TextSetting id=dom("command") label="Command" value=command on_change=text(command) errors=at("command") testid="mcp-command" mono=true placeholder="uvx" />
                <TextSetting id=dom("args") label="Arguments, one per line" value=args on_change=text(args) errors=under("args") testid="mcp-args" mono=true rows=3 placeholder="mcp-server-time" />
            </Show>
            <Show when=move || !stdio.get()>
                <TextSetting id=dom("url") label="URL" value=url on_change=text(url) errors=at("url") testid="mcp-url" mono=true placeholder="https://mcp.example.com/mcp" />
            </Show>
            {move || {
                let legend = secret_label();
                let member = if stdio.get() { "env" } else { "headers" };
                let errs = Signal::derive(move || errors.with(|es| es.iter().filter(|e| e.field.starts_with(member)).map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>()));
                if keeps.get() {
                    let names = stored_keys.join(", ");
                    view! {
                        <div class="field secret-set" data-testid="mcp-secrets-set">
                            <span class="strong">{legend}</span>" "
                            <code>{names}</code>" "<span class="badge badge-ok">"set"</span>
                            <span class="muted small">" Values are stored encrypted and never shown again."</span>
                            <button type="button" class="btn btn-small btn-quiet" data-testid="mcp-secrets-replace"
                                on:click=move |_| secrets.set(Secrets::Replace(Vec::new()))>
                                "Replace or clear"
                            </button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div>
                            <KeyValues
                                id=dom("secrets")
                                legend=legend
                                initial=Vec::new()
                                secret=true
                                errors=errs
                                on_set=Callback::new(move |rows| secrets.set(Secrets::Replace(rows)))
                            />
                            <p class="hint">
                                {if stored_keys.is_empty() { "Write-only: stored encrypted, only the names are shown afterwards." } else { "These replace all stored ones; saving with none clears them." }}
                            </p>
                        </div>
                    }.into_any()
                }
            }}
            <TextSetting id=dom("timeout") label="Start and list timeout (ms)" value=timeout on_change=text(timeout) errors=at("timeout_ms") testid="mcp-timeout" />
            <label class="check">
                <input type="checkbox" data-testid="mcp-enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                "Enabled (a disabled server refuses every call)"
            </label>
            <ErrorLines messages=at("version") id=dom("version-errors") />
            <div class="event-editor-foot">
                <button type="submit" class="btn btn-small" data-testid="mcp-save" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save server" }}
                </button>
                <button type="button" class="btn btn-small btn-quiet" on:click=move |_| editing.set(None)>"Close"</button>
                {which.clone().map(|n| view! {
                    <button type="button" class="btn btn-small" data-testid="mcp-list-tools" on:click=list_tools>"List tools"</button>
                    <ConfirmDelete what=Signal::derive(move || format!("MCP server {n}")) testid="mcp-delete" on_confirm=delete />
                })}
            </div>
            <div aria-live="polite" data-testid="mcp-tools">
                {move || tools.get().map(|r| match r {
                    Err(m) => view! { <p class="field-error" role="alert">{format!("Could not list the tools: {m}")}</p> }.into_any(),
                    Ok(ts) => view! {
                        <p class="notice">{format!("{} tool(s)", ts.len())}</p>
                        <ul class="tool-list">
                            {ts.into_iter().map(|t| view! {
                                <li data-testid="mcp-tool"><code>{t.name}</code>" "<span class="muted small">{t.description}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </div>
        </form>
    }
    .into_any()
}

//! Administration: every account and its role, the outbound allow-list, the language model
//! and the MCP server registry. The server
//! checks the admin role on every call; hiding the menu entry is only a convenience.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use wizard_core::domain::user::Role;

mod language_model;
mod mcp_servers;

use super::RequireUser;
use crate::fns::Outcome;
use crate::fns::allowlist::{add_allowlist, list_allowlist, remove_allowlist};
use crate::fns::users::{ChangeRole, list_users};

lazy_page!(
    /// `/admin`: accounts and roles, the outbound allow-list, MCP servers.
    AdminRoute => AdminPage
);

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Admin" />
        <div class="page-head">
            <h1>"Users"</h1>
            <p class="muted">"Roles: runners run wizards, builders also build them, admins also manage users."</p>
        </div>
        <RequireUser children=|user| {
            if user.role == Role::Admin {
                view! { <UserTable /> <AllowList /> <language_model::LanguageModel /> <mcp_servers::McpServers /> }.into_any()
            } else {
                // The server refuses the calls anyway; this just says so up front.
                let text = format!("This page needs the admin role; you are {}.", user.role);
                view! { <div class="alert" role="alert">{text}</div> }.into_any()
            }
        } />
    }.into_any()
}

#[component]
fn UserTable() -> impl IntoView {
    let change = ServerAction::<ChangeRole>::new();
    let users = Resource::new(move || change.version().get(), |_| list_users());
    view! {
        {move || {
            change
                .value()
                .get()
                .map(|r| match r {
                    Ok(u) => view! { <div class="notice" role="status">{format!("{} is now {}.", u.email, u.role)}</div> }.into_any(),
                    Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                })
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data" data-testid="users-table">
                                <thead><tr><th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Joined"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let current = u.role;
                                        let label = format!("Role of {}", u.email);
                                        view! {
                                            <tr>
                                                <td>{u.email.clone()}</td>
                                                <td>{u.display_name.clone()}</td>
                                                <td>
                                                    <ActionForm action=change attr:class="inline role-form">
                                                        <input type="hidden" name="user_id" value=u.id.clone() />
                                                        <input type="hidden" name="version" value=u.version.to_string() />
                                                        <select name="role" aria-label=label>
                                                            {Role::ALL.into_iter().map(|r| view! {
                                                                <option value=r.as_str() selected=r == current>{r.as_str()}</option>
                                                            }).collect_view()}
                                                        </select>
                                                        <button type="submit" class="btn btn-small">"Save"</button>
                                                    </ActionForm>
                                                </td>
                                                <td>{u.created_at.get(..10).unwrap_or_default().to_owned()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }.into_any()
}

/// The outbound allow-list: private and loopback hosts that API calls may reach (every
/// other address of that kind is refused; ARCHITECTURE.md, "Outbound calls").
#[component]
fn AllowList() -> impl IntoView {
    let entries = Resource::new(|| (), |_| list_allowlist());
    let pattern = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let pattern_error = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let sent = pattern.get_untracked();
            let result = add_allowlist(sent, note.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(Outcome::Done(entry)) => {
                    pattern_error.set(None);
                    pattern.set(String::new());
                    note.set(String::new());
                    message.set(Some(format!("{} is allowed now.", entry.pattern)));
                    entries.refetch();
                }
                Ok(Outcome::Invalid(errors)) => {
                    let text = errors
                        .into_iter()
                        .map(|e| e.message)
                        .collect::<Vec<_>>()
                        .join("; ");
                    pattern_error.set(Some(text));
                }
                Ok(Outcome::Conflict(m)) => message.set(Some(m)),
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let remove = move |entry: wizard_core::domain::allowlist::AllowEntry| {
        #[cfg(feature = "hydrate")]
        if !crate::components::browser::confirm(&format!(
            "Remove {} from the allow-list? API calls to it will be refused again.",
            entry.pattern
        )) {
            return;
        }
        spawn_local(async move {
            let Ok(id) = entry.id.parse::<uuid::Uuid>() else {
                return;
            };
            match remove_allowlist(id).await {
                Ok(()) => {
                    message.set(Some(format!("{} is no longer allowed.", entry.pattern)));
                    entries.refetch();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="section" aria-labelledby="allowlist-heading">
            <h2 id="allowlist-heading">"Outbound allow-list"</h2>
            <p class="muted">
                "API calls never reach loopback, private, link-local or cloud metadata addresses, "
                "unless the host, address or network (CIDR) is listed here."
            </p>
            <p class="notice" aria-live="polite" data-testid="allowlist-status">{move || message.get()}</p>
            <form class="allow-form" on:submit=add data-testid="allowlist-form">
                <label for="allow-pattern">"Host, IP address or CIDR block"</label>
                <input
                    id="allow-pattern"
                    required
                    placeholder="10.0.0.0/8"
                    prop:value=move || pattern.get()
                    on:input=move |ev| pattern.set(event_target_value(&ev))
                    aria-invalid=move || pattern_error.with(Option::is_some).then_some("true")
                    aria-describedby="allow-pattern-error"
                />
                <label for="allow-note">"Note"</label>
                <input
                    id="allow-note"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                />
                <button type="submit" class="btn btn-small" disabled=move || busy.get()>"Allow"</button>
                <p class="field-error" id="allow-pattern-error" aria-live="polite" data-testid="allow-pattern-error">
                    {move || pattern_error.get()}
                </p>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading the allow-list…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="allowlist-empty">"Nothing is allowed beyond the public internet."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="data" data-testid="allowlist-table">
                                    <thead><tr><th scope="col">"Allowed"</th><th scope="col">"Note"</th><th scope="col">"Added"</th><th scope="col"><span class="sr-only">"Remove"</span></th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|entry| {
                                            let label = format!("Remove {}", entry.pattern);
                                            let row = entry.clone();
                                            view! {
                                                <tr>
                                                    <td><code>{entry.pattern.clone()}</code></td>
                                                    <td>{entry.note.clone()}</td>
                                                    <td>{entry.created_at.get(..10).unwrap_or_default().to_owned()}</td>
                                                    <td>
                                                        <button type="button" class="btn btn-quiet btn-small" aria-label=label
                                                            on:click=move |_| remove(row.clone())>"Remove"</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

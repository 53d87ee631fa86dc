//! User administration: every account and its role. The server checks the admin role on
//! every call; hiding the menu entry is only a convenience.

use leptos::prelude::*;
use leptos_meta::Title;
use wizard_core::domain::user::Role;

use super::RequireUser;
use crate::fns::users::{ChangeRole, list_users};

lazy_page!(
    /// `/admin`: accounts and roles.
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
                view! { <UserTable /> }.into_any()
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

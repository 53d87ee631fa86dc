//! The Store: runs saved under a name, the user's own (private or shared) and everyone's
//! shared ones. Opening one shows it read-only; starting from one pre-fills a new run.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use wizard_core::domain::run::Visibility;

use super::RequireUser;
use super::player::StartFromButton;
use crate::components::answers::short_time;
use crate::components::data_table::DataTable;
use crate::fns::runs::{list_store, unstore_run};

lazy_page!(
    /// `/store`: stored runs.
    StoreRoute => StorePage
);

#[component]
pub fn StorePage() -> impl IntoView {
    view! {
        <Title text="Store" />
        <div class="page-head">
            <h1>"Store"</h1>
            <p class="muted">"Runs saved under a name. Open one to read it, or start a new run pre-filled with its answers."</p>
        </div>
        <RequireUser children=|user| view! { <StoreTable user_id=user.id /> } />
    }.into_any()
}

#[component]
fn StoreTable(user_id: String) -> impl IntoView {
    let entries = Resource::new(|| (), |_| list_store());
    let message = RwSignal::new(None::<Result<String, String>>);
    let remove = move |id, name: String| {
        #[cfg(feature = "hydrate")]
        if !crate::components::browser::confirm(&format!(
            "Remove “{name}” from the Store? The run stays in My Runs."
        )) {
            return;
        }
        spawn_local(async move {
            match unstore_run(id).await {
                Ok(_) => {
                    message.set(Some(Ok(format!("“{name}” was removed from the Store."))));
                    entries.refetch();
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    view! {
        {move || message.get().map(|m| match m {
            Ok(t) => view! { <div class="notice" role="status">{t}</div> }.into_any(),
            Err(t) => view! { <div class="alert" role="alert">{t}</div> }.into_any(),
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading the Store…"</p> }>
            {move || {
                let user_id = user_id.clone();
                Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <div class="empty-state" data-testid="store-empty">
                                <div class="empty-icon" aria-hidden="true">"▣"</div>
                                <h2>"Nothing stored yet"</h2>
                                <p class="muted">"Open a completed run and use “Save to the Store”."</p>
                            </div>
                        }.into_any(),
                        Ok(list) => view! {
                            <DataTable testid="store-table" columns=&["Name", "Wizard", "Owner", "Visibility", "Stored"]>
                                        {list.into_iter().map(|r| {
                                            let name = r.stored_name.clone().unwrap_or_else(|| r.wizard_name.clone());
                                            let mine = r.owner_id == user_id;
                                            let href = format!("/runs/{}", r.id);
                                            let open_label = format!("Open {name}");
                                            let remove_label = format!("Remove {name} from the Store");
                                            let (id, n) = (r.id, name.clone());
                                            view! {
                                                <tr data-testid="store-row">
                                                    <td><a href=href.clone()>{name.clone()}</a></td>
                                                    <td>{r.wizard_name.clone()} <span class="muted small">" v" {r.version_number}</span></td>
                                                    <td>{if mine { "You".to_owned() } else { r.owner_name.clone() }}</td>
                                                    <td>
                                                        <span class="status-badge" data-status=r.visibility.as_str()>
                                                            {match r.visibility { Visibility::Private => "Private", Visibility::Shared => "Shared" }}
                                                        </span>
                                                    </td>
                                                    <td><time datetime=r.updated_at.clone()>{short_time(&r.updated_at)}</time></td>
                                                    <td class="actions">
                                                        <a class="btn btn-quiet btn-small" href=href aria-label=open_label>"Open"</a>
                                                        <StartFromButton wizard_id=r.wizard_id from=r.id compact=true />
                                                        {mine.then(|| view! {
                                                            <button
                                                                type="button"
                                                                class="btn btn-quiet btn-small btn-danger"
                                                                aria-label=remove_label
                                                                on:click=move |_| remove(id, n.clone())
                                                            >
                                                                "Remove"
                                                            </button>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                            </DataTable>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }.into_any()
}

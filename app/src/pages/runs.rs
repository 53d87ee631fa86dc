//! My Runs, and the published wizards a user may start.
//!
//! The status filter is a plain query parameter (`?status=completed`) set by links, so it
//! works before hydration and survives a reload.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use wizard_core::domain::run::{RunStatus, RunSummary};

use super::RequireUser;
use crate::components::answers::short_time;
use crate::components::data_table::DataTable;
use crate::fns::runs::{delete_run, list_runnable, list_runs, start_run};

lazy_page!(
    /// `/runs`: the runs a user started.
    MyRunsRoute => MyRunsPage
);

#[component]
pub fn MyRunsPage() -> impl IntoView {
    view! {
        <Title text="My Runs" />
        <div class="page-head">
            <h1>"My Runs"</h1>
            <p class="muted">"Start a published wizard, pick up where you left off, or look back at finished runs."</p>
        </div>
        <RequireUser children=|_| view! {
            <StartList />
            <RunsTable />
        } />
    }.into_any()
}

/// `My Onboarding!` → `my-onboarding`, for test ids.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A button that starts a run of `wizard_id` and opens it.
#[component]
pub fn StartButton(
    wizard_id: Uuid,
    /// The wizard's name: part of the button's accessible name and test id.
    name: String,
    #[prop(optional, into)] label: Option<String>,
    #[prop(optional)] quiet: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match start_run(wizard_id, None).await {
                Ok(run) => navigate(&format!("/runs/{}", run.summary.id), Default::default()),
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    let text = label.unwrap_or_else(|| "Start".to_owned());
    let aria = format!("{text} {name}");
    view! {
        <button
            type="button"
            class=if quiet { "btn btn-quiet btn-small" } else { "btn btn-small" }
            data-testid=format!("start-{}", slug(&name))
            aria-label=aria
            disabled=move || busy.get()
            on:click=start
        >
            {move || if busy.get() { "Starting…".to_owned() } else { text.clone() }}
        </button>
        {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
    }
    .into_any()
}

#[component]
fn StartList() -> impl IntoView {
    let wizards = Resource::new(|| (), |_| list_runnable());
    view! {
        <section class="section" aria-labelledby="start-heading">
            <h2 id="start-heading">"Start a wizard"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading wizards…"</p> }>
                {move || Suspend::new(async move {
                    match wizards.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No wizard is published yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="start-list" data-testid="start-list">
                                {list.into_iter().map(|w| view! {
                                    <li class="start-item">
                                        <div>
                                            <strong>{w.name.clone()}</strong>
                                            {w.category.clone().map(|c| view! { <span class="tag">{c}</span> })}
                                            <p class="muted small">{w.description.clone()}</p>
                                        </div>
                                        <div>
                                            <StartButton wizard_id=w.id name=w.name.clone() />
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }.into_any()
}

#[component]
fn RunsTable() -> impl IntoView {
    let query = use_query_map();
    let status = move || {
        query
            .read()
            .get("status")
            .and_then(|s| s.parse::<RunStatus>().ok())
    };
    let runs = Resource::new(status, list_runs);
    let message = RwSignal::new(None::<String>);
    let filter = move |value: Option<RunStatus>, label: &'static str| {
        let href = match value {
            Some(s) => format!("/runs?status={s}"),
            None => "/runs".to_owned(),
        };
        view! {
            <a
                class="filter"
                href=href
                data-testid=format!("filter-{}", value.map_or("all", RunStatus::as_str))
                aria-current=move || (status() == value).then_some("page")
            >
                {label}
            </a>
        }
    };
    let delete = move |run: RunSummary| {
        #[cfg(feature = "hydrate")]
        if !crate::components::browser::confirm(&format!(
            "Delete this run of “{}”? Its answers will be gone.",
            run.wizard_name
        )) {
            return;
        }
        spawn_local(async move {
            match delete_run(run.id).await {
                Ok(()) => {
                    message.set(Some(format!(
                        "The run of “{}” was deleted.",
                        run.wizard_name
                    )));
                    runs.refetch();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="section" aria-labelledby="runs-heading">
            <div class="section-head">
                <h2 id="runs-heading">"Your runs"</h2>
                <nav class="filters" aria-label="Filter runs by status">
                    {filter(None, "All")}
                    {filter(Some(RunStatus::InProgress), "In progress")}
                    {filter(Some(RunStatus::Completed), "Completed")}
                </nav>
            </div>
            {move || message.get().map(|m| view! { <div class="notice" role="status">{m}</div> })}
            <Transition fallback=|| view! { <p class="muted">"Loading runs…"</p> }>
                {move || Suspend::new(async move {
                    match runs.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <div class="empty-state" data-testid="runs-empty">
                                <h3>"No runs here"</h3>
                                <p class="muted">"Start a wizard above; your runs will be listed here."</p>
                            </div>
                        }.into_any(),
                        Ok(list) => view! {
                            <DataTable testid="runs-table" columns=&["Wizard", "Version", "Status", "Started", "Updated"]>
                                        {list.into_iter().map(|r| {
                                            let href = format!("/runs/{}", r.id);
                                            let (open, status_text) = match r.status {
                                                RunStatus::InProgress => ("Resume", "In progress"),
                                                RunStatus::Completed => ("View", "Completed"),
                                            };
                                            let open_label = format!("{open} {}", r.wizard_name);
                                            let delete_label = format!("Delete run of {}", r.wizard_name);
                                            let step = (r.status == RunStatus::InProgress).then(|| r.current_step_title.clone());
                                            let row = r.clone();
                                            view! {
                                                <tr data-testid="run-row" data-status=r.status.as_str()>
                                                    <td>
                                                        <a href=href.clone()>{r.wizard_name.clone()}</a>
                                                        {r.stored_name.clone().map(|n| view! { <span class="tag" title="In the Store">{n}</span> })}
                                                        {step.map(|s| view! { <div class="muted small">"At: " {s}</div> })}
                                                    </td>
                                                    <td>{r.version_number}</td>
                                                    <td><span class="status-badge" data-status=r.status.as_str()>{status_text}</span></td>
                                                    <td><time datetime=r.started_at.clone()>{short_time(&r.started_at)}</time></td>
                                                    <td><time datetime=r.updated_at.clone()>{short_time(&r.updated_at)}</time></td>
                                                    <td class="actions">
                                                        <a class="btn btn-small" href=href aria-label=open_label>{open}</a>
                                                        <button
                                                            type="button"
                                                            class="btn btn-quiet btn-small btn-danger"
                                                            aria-label=delete_label
                                                            on:click=move |_| delete(row.clone())
                                                        >
                                                            "Delete"
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                            </DataTable>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }.into_any()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(
            slug("Customer satisfaction survey"),
            "customer-satisfaction-survey"
        );
        assert_eq!(slug("  Bug report (v2)! "), "bug-report-v2");
        assert_eq!(slug("Ünïcode & more"), "n-code-more");
    }
}

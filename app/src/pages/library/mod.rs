//! `/library`: the action library (DESIGN §5, ARCHITECTURE "The action library"). A list
//! with search and a kind filter; picking one (or "New") opens its editor (`editor.rs`)
//! with the parameters (`params.rs`), the review, the hierarchy, the code versions and a
//! test run (`test_run.rs`). The server decides who may see, change and approve what.

mod editor;
mod generate;
mod params;
mod test_run;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use uuid::Uuid;
use wizard_core::domain::library::{LibraryActionSummary, LibraryKind};
use wizard_core::domain::user::{Role, UserView};

use super::RequireUser;
use crate::fns::library::list_library;

lazy_page!(
    /// `/library`: reusable actions with typed parameters, their hierarchy and review.
    LibraryRoute => LibraryPage
);

/// How each kind is named in the list and the editor.
pub fn kind_label(k: LibraryKind) -> &'static str {
    match k {
        LibraryKind::HttpRequest => "HTTP request (built in)",
        LibraryKind::McpTool => "MCP tool",
        LibraryKind::Script => "Script",
        LibraryKind::Generated => "Generated (AI)",
    }
}

#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <Title text="Library" />
        <div class="page-head">
            <h1>"Library"</h1>
            <p class="muted">
                "Reusable actions with typed parameters. A child maps its friendly parameters "
                "onto its parent's and calls it by name; events run them with \"Run a library action\"."
            </p>
        </div>
        <RequireUser children=|user| {
            if user.role >= Role::Builder {
                view! { <div class="wizards-home library"><Library user /></div> }.into_any()
            } else {
                let text = format!("The library is for builders; you are {}.", user.role);
                view! { <div class="alert" role="alert">{text}</div> }.into_any()
            }
        } />
    }
    .into_any()
}

type Loaded = Option<Result<Vec<LibraryActionSummary>, String>>;

/// A description a new action was created from ("Create and generate"): the editor that
/// opens on the saved action takes it and asks the model with it at once.
#[derive(Clone, Copy)]
pub struct PendingGeneration(pub RwSignal<Option<String>>);

#[component]
fn Library(user: UserView) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let list = RwSignal::new(Loaded::None);
    // `Some(None)`: a new action; `Some(Some(id))`: that one.
    let selected = RwSignal::new(None::<Option<Uuid>>);
    let reload = move || {
        let (s, k) = (search.get_untracked(), kind.get_untracked().parse().ok());
        spawn_local(async move {
            list.set(Some(list_library(s, k).await.map_err(|e| e.to_string())));
        });
    };
    Effect::new(move |_| {
        search.track();
        kind.track();
        reload();
    });
    let all = Signal::derive(move || match list.get() {
        Some(Ok(items)) => items,
        _ => Vec::new(),
    });
    let user = StoredValue::new(user);
    provide_context(PendingGeneration(RwSignal::new(None)));
    view! {
        <section class="section" aria-labelledby="library-list-heading" data-testid="library">
            <h2 id="library-list-heading" class="sr-only">"Library actions"</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="library-search">"Search"</label>
                    <input id="library-search" type="search" data-testid="library-search"
                        placeholder="Name or description"
                        on:input=move |ev| search.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="library-kind">"Kind"</label>
                    <select id="library-kind" data-testid="library-kind"
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="">"All kinds"</option>
                        {[LibraryKind::HttpRequest, LibraryKind::McpTool, LibraryKind::Script, LibraryKind::Generated]
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str()>{kind_label(k)}</option> })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <div aria-live="polite">
                {move || match list.get() {
                    None => view! { <p class="muted">"Loading the library…"</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert" role="alert">{e}</div> }.into_any(),
                    Some(Ok(items)) if items.is_empty() => {
                        view! { <p class="muted" data-testid="library-empty">"No library action matches."</p> }.into_any()
                    }
                    Some(Ok(items)) => view! {
                        <ul class="event-list" data-testid="library-list">
                            {items.into_iter().map(|a| {
                                let id = a.id;
                                let label = format!("Open library action {}", a.name);
                                let current = move || (selected.get() == Some(Some(id))).then_some("true");
                                view! {
                                    <li class="event-row" data-testid="library-row">
                                        <button type="button" class="link-button strong" aria-label=label
                                            aria-current=current on:click=move |_| selected.set(Some(Some(id)))>
                                            {a.name.clone()}
                                        </button>
                                        <span class="muted small">{kind_label(a.kind)}</span>
                                        <span class=format!("badge status-{}", a.code_status) data-testid="library-row-status">
                                            {a.code_status.as_str()}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
            <button type="button" class="btn btn-small" data-testid="library-new"
                on:click=move |_| selected.set(Some(None))>
                "+ New library action"
            </button>
        </section>
        {move || selected.get().map(|which| view! {
            <editor::LibraryEditor
                which
                user=user.get_value()
                all
                on_saved=Callback::new(move |id: Option<Uuid>| {
                    // A new action stays open as itself; a deleted one closes.
                    if selected.get_untracked() != Some(id) {
                        selected.set(id.map(Some));
                    }
                    reload();
                })
            />
        })}
    }
    .into_any()
}

//! One library action: its fields, parameters and code (saved whole, with its version, so
//! a concurrent change is a conflict rather than a lost update), the review (approve or
//! reject, recorded on the server), the lineage and descendants, the code versions with
//! restore, deletion (refused while children or live wizards use it) and a test run.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::library::{
    ActionParam, CodeStatus, CodeVersionView, HierarchyNode, HierarchyView, LibraryActionSummary,
    LibraryActionView, LibraryKind, NewLibraryAction, ReviewRequest, UpdateLibraryAction,
    Visibility,
};
use wizard_core::domain::problem::FieldError;
use wizard_core::domain::user::{Role, UserView};

use super::PendingGeneration;
use super::generate::Generate;
use super::kind_label;
use super::params::ParamsEditor;
use super::test_run::TestRun;
use crate::builder::events::inputs::{SelectSetting, TextSetting};
use crate::builder::events::model::messages_at;
use crate::builder::ui::{ConfirmDelete, ErrorLines, settle};
use crate::fns::Outcome;
use crate::fns::library::{
    create_library_action, delete_library_action, get_library_action, library_code_versions,
    library_hierarchy, restore_library_code, review_library_action, save_library_action,
};

const KINDS: [LibraryKind; 4] = [
    LibraryKind::Script,
    LibraryKind::Generated,
    LibraryKind::HttpRequest,
    LibraryKind::McpTool,
];

/// Loads the action (or starts a new one) and shows its editor.
#[component]
pub fn LibraryEditor(
    which: Option<Uuid>,
    user: UserView,
    #[prop(into)] all: Signal<Vec<LibraryActionSummary>>,
    /// After a save (the action's id) or a deletion (`None`).
    on_saved: Callback<Option<Uuid>>,
) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<Option<LibraryActionView>, String>>);
    match which {
        None => loaded.set(Some(Ok(None))),
        Some(id) => spawn_local(async move {
            loaded.set(Some(
                get_library_action(id)
                    .await
                    .map(Some)
                    .map_err(|e| e.to_string()),
            ));
        }),
    }
    let user = StoredValue::new(user);
    view! {
        <section class="section library-editor" aria-labelledby="library-editor-heading" data-testid="library-editor">
            {move || match loaded.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert" role="alert">{e}</div> }.into_any(),
                Some(Ok(initial)) => view! {
                    <ActionForm initial user=user.get_value() all on_saved />
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn ActionForm(
    initial: Option<LibraryActionView>,
    user: UserView,
    all: Signal<Vec<LibraryActionSummary>>,
    on_saved: Callback<Option<Uuid>>,
) -> impl IntoView {
    let current = RwSignal::new(initial.clone());
    let start = initial.clone();
    let name = RwSignal::new(start.as_ref().map(|a| a.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        start
            .as_ref()
            .map(|a| a.description.clone())
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(start.as_ref().map_or(LibraryKind::Script, |a| a.kind));
    let parent = RwSignal::new(
        start
            .as_ref()
            .and_then(|a| a.parent_id)
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let visibility = RwSignal::new(start.as_ref().map_or(Visibility::Private, |a| a.visibility));
    let code = RwSignal::new(start.as_ref().map(|a| a.code.clone()).unwrap_or_default());
    let params = RwSignal::new(start.as_ref().map(|a| a.params.clone()).unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let at =
        move |path: &'static str| Signal::derive(move || errors.with(|es| messages_at(es, path)));
    let self_id = start.as_ref().map(|a| a.id);
    let parent_choices = Signal::derive(move || {
        let mut out = vec![(String::new(), "None (a root action)".to_owned())];
        out.extend(
            all.get()
                .into_iter()
                .filter(|a| Some(a.id) != self_id)
                .map(|a| (a.id.to_string(), a.name)),
        );
        out
    });
    let may_change = {
        let user = user.clone();
        move || {
            current.with(|c| match c {
                None => true,
                Some(a) => {
                    user.role == Role::Admin || a.owner_id.as_deref() == Some(user.id.as_str())
                }
            })
        }
    };
    let may_change = Signal::derive(may_change);
    // A restored or accepted version replaces what the form shows, not only the status.
    let reloaded = RwSignal::new(0u32);
    // Bumped when the model proposes code, which is a new code version.
    let proposals = RwSignal::new(0u32);
    let adopt = Callback::new(move |a: LibraryActionView| {
        code.set(a.code.clone());
        params.set(a.params.clone());
        reloaded.update(|n| *n += 1);
        current.set(Some(a));
    });
    let pending = use_context::<PendingGeneration>();
    // Saves the form; `then_generate` (a new action created from a description) is handed
    // to the Generate panel of the action once it exists, which asks the model at once.
    let submit = move |then_generate: Option<String>| {
        notice.set(None);
        if let Some(prompt) = &then_generate {
            if kind.get_untracked() == LibraryKind::Script {
                kind.set(LibraryKind::Generated);
            }
            if description.with_untracked(|d| d.trim().is_empty()) {
                description.set(prompt.clone());
            }
        }
        let (n, d, k, v, c) = (
            name.get_untracked(),
            description.get_untracked(),
            kind.get_untracked(),
            visibility.get_untracked(),
            code.get_untracked(),
        );
        let parent_id = parent.get_untracked().parse().ok();
        let ps: Vec<ActionParam> = params.get_untracked();
        let existing = current.get_untracked();
        spawn_local(async move {
            let result = match &existing {
                None => {
                    create_library_action(NewLibraryAction {
                        name: n,
                        description: d,
                        kind: k,
                        parent_id,
                        code: c,
                        visibility: v,
                        params: ps,
                    })
                    .await
                }
                Some(a) => {
                    save_library_action(
                        a.id,
                        UpdateLibraryAction {
                            version: a.version,
                            name: n,
                            description: d,
                            kind: k,
                            parent_id,
                            code: c,
                            visibility: v,
                            params: ps,
                        },
                    )
                    .await
                }
            };
            if let Some(saved) = settle(result, errors, failure) {
                notice.set(Some(match saved.code_status {
                    CodeStatus::Pending => {
                        "Saved. Its code waits for review before it runs in wizards.".to_owned()
                    }
                    s => format!("Saved ({s})."),
                }));
                let id = saved.id;
                if let (Some(prompt), Some(PendingGeneration(p))) = (then_generate, pending) {
                    // The editor reopens on the new action (`on_saved`), and only that
                    // one's Generate panel may take the description: this form does not
                    // show the saved action first.
                    p.set(Some(prompt));
                    on_saved.run(Some(id));
                    return;
                }
                params.set(saved.params.clone());
                reloaded.update(|n| *n += 1);
                current.set(Some(saved));
                on_saved.run(Some(id));
            }
        });
    };
    let save = move |_| submit(None);
    let first_prompt = RwSignal::new(String::new());
    let heading = move || {
        current.with(|c| match c {
            Some(a) => a.name.clone(),
            None => "New library action".to_owned(),
        })
    };
    view! {
        <h2 id="library-editor-heading">{heading}</h2>
        {move || current.get().map(|a| view! { <Lineage id=a.id version=a.version /> })}
        <div class="grid-2">
            <TextSetting id="library-name" label="Name" value=name
                on_change=Callback::new(move |v: String| name.set(v)) errors=at("name") testid="library-name"
                hint="Scripts call it by this name: runAction(name, params)." />
            <SelectSetting id="library-kind-edit" label="Kind"
                choices=Signal::derive(|| KINDS.iter().map(|k| (k.as_str().to_owned(), kind_label(*k).to_owned())).collect::<Vec<_>>())
                value=Signal::derive(move || kind.get().as_str().to_owned())
                on_change=Callback::new(move |v: String| if let Ok(k) = v.parse() { kind.set(k) })
                errors=at("kind") testid="library-kind-edit" />
            <SelectSetting id="library-parent" label="Parent" choices=parent_choices
                value=parent on_change=Callback::new(move |v: String| parent.set(v))
                errors=at("parent_id") testid="library-parent" />
            <SelectSetting id="library-visibility" label="Who sees it"
                choices=Signal::derive(|| vec![
                    ("private".to_owned(), "Only me".to_owned()),
                    ("shared".to_owned(), "Every builder".to_owned()),
                ])
                value=Signal::derive(move || visibility.get().as_str().to_owned())
                on_change=Callback::new(move |v: String| if let Ok(x) = v.parse() { visibility.set(x) })
                errors=at("visibility") testid="library-visibility" />
        </div>
        <TextSetting id="library-description" label="Description" value=description
            on_change=Callback::new(move |v: String| description.set(v)) errors=at("description")
            testid="library-description" rows=2 />
        <ParamsEditor params errors reloaded />
        <Show when=move || kind.get() != LibraryKind::HttpRequest>
            <TextSetting id="library-code"
                label="Code (the body of async function (context) { … }; context.params holds the parameters)"
                value=code on_change=Callback::new(move |v: String| code.set(v)) errors=at("code")
                testid="library-code" rows=12 mono=true
                hint="await runAction(name, params) calls another library action (a child calls its parent by name). An mcp_tool action's code is {\"server\": …, \"tool\": …}. The return value is the output." />
        </Show>
        <div class="form-actions">
            <button type="button" class="btn" data-testid="library-save" disabled=move || !may_change.get() on:click=save>
                {move || if current.with(Option::is_some) { "Save" } else { "Create" }}
            </button>
            {move || current.get().map(|a| view! {
                <DeleteAction id=a.id version=a.version name=a.name.clone() failure on_deleted=on_saved />
            })}
        </div>
        <Show when=move || current.with(Option::is_none) && matches!(kind.get(), LibraryKind::Script | LibraryKind::Generated)>
            <section class="generate" aria-labelledby="generate-new-heading" data-testid="library-generate-new">
                <h3 id="generate-new-heading">"Or let AI write it"</h3>
                <TextSetting id="generate-first" label="What should this action do?" value=first_prompt
                    on_change=Callback::new(move |v: String| first_prompt.set(v))
                    errors=Signal::derive(Vec::new) testid="generate-first" rows=3
                    hint="Give it a name (and a parent to build on) above: it is created, and the model proposes its code and parameters for you to review." />
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="generate-create"
                        disabled=move || !may_change.get() || first_prompt.with(|p| p.trim().is_empty())
                        on:click=move |_| submit(Some(first_prompt.get_untracked()))>"Create and generate"</button>
                </div>
            </section>
        </Show>
        <div aria-live="polite">
            <p class="notice" role="status" data-testid="library-notice">{move || notice.get()}</p>
            {move || failure.get().map(|f| view! { <div class="alert" role="alert" data-testid="library-failure">{f}</div> })}
        </div>
        {move || current.get().map(|a| {
            let generates = matches!(a.kind, LibraryKind::Script | LibraryKind::Generated)
                && may_change.get_untracked();
            view! {
                <Review action=a.clone() user=user.clone() current failure />
                {generates.then(|| view! {
                    <Generate action=a.clone() on_accepted=adopt
                        on_proposed=Callback::new(move |()| proposals.update(|n| *n += 1)) />
                }.into_any())}
                <CodeVersions id=a.id version=a.version adopt failure refresh=proposals />
                <TestRun action=a />
            }
            .into_any()
        })}
    }
    .into_any()
}

/// The lineage as breadcrumbs, and the descendants as a nested list.
#[component]
fn Lineage(id: Uuid, version: i64) -> impl IntoView {
    let _ = version;
    let h = RwSignal::new(None::<HierarchyView>);
    spawn_local(async move {
        if let Ok(v) = library_hierarchy(id).await {
            h.set(Some(v));
        }
    });
    fn tree(nodes: Vec<HierarchyNode>) -> AnyView {
        view! {
            <ul>
                {nodes.into_iter().map(|n| view! {
                    <li>{n.action.name.clone()}{(!n.children.is_empty()).then(|| tree(n.children))}</li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
    view! {
        {move || h.get().map(|v| {
            let names: Vec<String> = v.lineage.iter().map(|a| a.name.clone()).collect();
            view! {
                <nav aria-label="Lineage" class="breadcrumbs" data-testid="library-lineage">{names.join(" › ")}</nav>
                {(!v.descendants.is_empty()).then(|| view! {
                    <details class="muted small" data-testid="library-descendants">
                        <summary>"Actions built on this one"</summary>
                        {tree(v.descendants)}
                    </details>
                })}
            }
        })}
    }
}

/// The code's status, and approve / reject for its owner or an admin.
#[component]
fn Review(
    action: LibraryActionView,
    user: UserView,
    current: RwSignal<Option<LibraryActionView>>,
    failure: RwSignal<Option<String>>,
) -> impl IntoView {
    let may = user.role == Role::Admin || action.owner_id.as_deref() == Some(user.id.as_str());
    let reviewable = matches!(action.kind, LibraryKind::Script | LibraryKind::Generated)
        && action.code_status != CodeStatus::Draft;
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let (id, version) = (action.id, action.version);
    let review = move |approve: bool| {
        let req = ReviewRequest {
            version,
            note: note.get_untracked(),
        };
        spawn_local(async move {
            if let Some(v) = settle(
                review_library_action(id, approve, req).await,
                errors,
                failure,
            ) {
                current.set(Some(v));
            }
        });
    };
    let approved = action.approved_at.as_ref().map(|at| {
        format!(
            "Approved {at}{}",
            if action.approved_by.is_some() {
                " by a reviewer"
            } else {
                " with the seed"
            }
        )
    });
    view! {
        <div class="review" data-testid="library-review">
            <p>
                "Code status: "
                <span class=format!("badge status-{}", action.code_status) data-testid="library-status">
                    {action.code_status.as_str()}
                </span>
                " "
                <span class="muted small">{(action.code_status == CodeStatus::Approved).then_some(approved).flatten()}</span>
            </p>
            {(may && reviewable).then(|| view! {
                <div class="field">
                    <label for="review-note">"Review note"</label>
                    <input id="review-note" type="text" on:input=move |ev| note.set(event_target_value(&ev)) />
                </div>
                <div class="form-actions">
                    <button type="button" class="btn btn-small" data-testid="library-approve"
                        disabled=action.code_status == CodeStatus::Approved on:click=move |_| review(true)>"Approve"</button>
                    <button type="button" class="btn btn-quiet btn-small" data-testid="library-reject"
                        disabled=action.code_status == CodeStatus::Rejected on:click=move |_| review(false)>"Reject"</button>
                </div>
            })}
        </div>
    }
}

/// Every code version, newest first, with restore.
#[component]
fn CodeVersions(
    id: Uuid,
    version: i64,
    adopt: Callback<LibraryActionView>,
    failure: RwSignal<Option<String>>,
    #[prop(into)] refresh: Signal<u32>,
) -> impl IntoView {
    let list = RwSignal::new(Vec::<CodeVersionView>::new());
    Effect::new(move |_| {
        refresh.track();
        spawn_local(async move {
            if let Ok(v) = library_code_versions(id).await {
                list.set(v);
            }
        });
    });
    let errors = RwSignal::new(Vec::<FieldError>::new());
    view! {
        <details class="code-versions" data-testid="library-code-versions">
            <summary>{move || format!("Code versions ({})", list.with(Vec::len))}</summary>
            <ol reversed>
                {move || list.get().into_iter().map(|v| {
                    let number = v.number;
                    view! {
                        <li data-testid="code-version">
                            {format!("#{} · {} · {}", v.number, v.reason, v.created_at)}
                            " "
                            <button type="button" class="btn btn-quiet btn-small"
                                aria-label=format!("Restore code version {number}")
                                on:click=move |_| spawn_local(async move {
                                    if let Some(a) = settle(restore_library_code(id, number, version).await, errors, failure) {
                                        adopt.run(a);
                                    }
                                })>"Restore"</button>
                            <pre class="mono small" tabindex="0">{v.code}</pre>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <ErrorLines messages=Signal::derive(move || errors.with(|es| messages_at(es, "number"))) id="restore-errors".to_owned() />
        </details>
    }
}

#[component]
fn DeleteAction(
    id: Uuid,
    version: i64,
    name: String,
    failure: RwSignal<Option<String>>,
    on_deleted: Callback<Option<Uuid>>,
) -> impl IntoView {
    view! {
        <ConfirmDelete what=format!("library action {name}") testid="library-delete"
            on_confirm=Callback::new(move |()| spawn_local(async move {
                match delete_library_action(id, version).await {
                    Ok(Outcome::Done(())) => on_deleted.run(None),
                    Ok(Outcome::Conflict(m)) => failure.set(Some(m)),
                    Ok(Outcome::Invalid(es)) => failure.set(es.first().map(|e| e.message.clone())),
                    Err(e) => failure.set(Some(e.to_string())),
                }
            })) />
    }
}

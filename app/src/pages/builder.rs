//! The builder: the user's wizards (create, import, open, delete), and the editor of one
//! draft (steps, fields, conditions, live preview, publishing, versions, export).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use wizard_core::domain::draft::{WizardDraft, WizardSummary};
use wizard_core::domain::problem::FieldError;
use wizard_core::domain::user::{Role, UserView};

use super::RequireUser;
use crate::builder::api_configs::ApiConfigsPanel;
use crate::builder::events::EventStore;
use crate::builder::events::editor::OpenEvent;
use crate::builder::events::model::Target;
use crate::builder::events::panel::{EventsOverview, EventsPanel};
use crate::builder::mcp_configs::McpConfigsPanel;
use crate::builder::model;
use crate::builder::preview::Preview;
use crate::builder::state::{Builder, SaveStatus};
use crate::builder::steps::{StepEditor, StepList};
use crate::builder::ui::{ConfirmDelete, ErrorLines, text_memo};
use crate::fns::wizards::{
    create_wizard, delete_wizard, get_wizard_draft, import_wizard, list_my_wizards,
};
use crate::fns::{Outcome, UiError};

/// Runners cannot build; the server refuses anyway, this says so politely up front.
fn needs_builder(user: &UserView) -> Option<AnyView> {
    (user.role == Role::Runner).then(|| {
        let text = format!(
            "Building wizards needs the builder role; you are a {}. An admin can change your role.",
            user.role
        );
        view! {
            <div class="alert" role="alert" data-testid="needs-builder">{text}</div>
            <p><a href="/runs">"Run a published wizard instead"</a></p>
        }
        .into_any()
    })
}

lazy_page!(
    /// `/wizards`: the wizards a builder owns.
    MyWizardsRoute => MyWizardsPage
);

lazy_page!(
    /// `/wizards/:id`: the editor.
    BuilderRoute => BuilderPage
);

#[component]
pub fn MyWizardsPage() -> impl IntoView {
    view! {
        <Title text="My wizards" />
        <div class="page-head">
            <h1>"My wizards"</h1>
            <p class="muted">"Build wizards, publish versions for runners, and offer them in the gallery."</p>
        </div>
        <RequireUser children=|user| {
            match needs_builder(&user) {
                Some(message) => message,
                None => view! { <WizardsHome /> }.into_any(),
            }
        } />
    }.into_any()
}

#[component]
fn WizardsHome() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let wizards = Resource::new(move || refresh.get(), |_| list_my_wizards());
    let message = RwSignal::new(None::<String>);
    view! {
        <div class="wizards-home">
            <div class="wizards-forms">
                <CreateWizardForm />
                <ImportWizardForm />
            </div>
            {move || message.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
            <Transition fallback=|| view! { <p class="muted">"Loading your wizards…"</p> }>
                {move || Suspend::new(async move {
                    match wizards.await {
                        Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <section class="empty-state" data-testid="wizards-empty">
                                <p class="empty-icon" aria-hidden="true">"◆"</p>
                                <h2>"No wizards yet"</h2>
                                <p class="muted">"Create one above, import a JSON document, or clone a template from the gallery."</p>
                            </section>
                        }.into_any(),
                        Ok(list) => view! { <WizardTable list refresh message /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }.into_any()
}

#[component]
fn WizardTable(
    list: Vec<WizardSummary>,
    refresh: RwSignal<u32>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data" data-testid="wizards-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Steps"</th>
                        <th scope="col">"Live version"</th>
                        <th scope="col">"Updated"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|w| {
                            let href = format!("/wizards/{}", w.id);
                            let id = w.id;
                            let version = w.version;
                            let name = w.name.clone();
                            let live = match w.live_version {
                                Some(n) => format!("v{n}"),
                                None => "Not published".to_owned(),
                            };
                            let delete = Callback::new(move |_| {
                                spawn_local(async move {
                                    match delete_wizard(id, version).await {
                                        Ok(Outcome::Done(())) => {
                                            message.set(None);
                                            refresh.update(|n| *n += 1);
                                        }
                                        Ok(Outcome::Conflict(m)) => message.set(Some(format!("Not deleted: {m}"))),
                                        Ok(Outcome::Invalid(errors)) => message.set(Some(
                                            errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "),
                                        )),
                                        Err(e) => message.set(Some(e.to_string())),
                                    }
                                });
                            });
                            view! {
                                <tr data-testid="wizard-row">
                                    <td>
                                        <a href=href.clone() class="strong">{w.name.clone()}</a>
                                        {w.is_template.then(|| view! { <span class="badge">"In gallery"</span> })}
                                        <div class="muted small">{w.description.clone()}</div>
                                    </td>
                                    <td>{w.category.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{w.step_count}</td>
                                    <td>{live}</td>
                                    <td>{w.updated_at.get(..10).unwrap_or_default().to_owned()}</td>
                                    <td class="actions">
                                        <a class="btn btn-small btn-quiet" href=href>"Open"</a>
                                        <ConfirmDelete
                                            what=Signal::derive(move || format!("wizard {name}"))
                                            testid="wizard-delete"
                                            on_confirm=delete
                                        />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

/// Messages for `field` among a form's errors.
fn messages_for(errors: RwSignal<Vec<FieldError>>, field: &'static str) -> Signal<Vec<String>> {
    Signal::derive(move || {
        errors.with(|es| {
            es.iter()
                .filter(|e| e.field == field)
                .map(|e| e.message.clone())
                .collect()
        })
    })
}

#[component]
fn CreateWizardForm() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = create_wizard(
                name.get_untracked(),
                description.get_untracked(),
                category.get_untracked(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(Outcome::Done(draft)) => {
                    navigate(&format!("/wizards/{}", draft.id), Default::default())
                }
                Ok(Outcome::Invalid(es)) => {
                    failure.set(None);
                    errors.set(es);
                }
                Ok(Outcome::Conflict(m)) => failure.set(Some(m)),
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      signal: RwSignal<String>,
                      key: &'static str| {
        let msgs = messages_for(errors, key);
        let err_id = format!("{id}-errors");
        view! {
            <div class="field" class:has-error=move || !msgs.with(Vec::is_empty)>
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    aria-describedby=err_id.clone()
                    aria-invalid=move || (!msgs.with(Vec::is_empty)).then_some("true")
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
                <ErrorLines messages=msgs id=err_id />
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="create-wizard-heading">
            <h2 class="panel-title" id="create-wizard-heading">"New wizard"</h2>
            <form on:submit=submit data-testid="create-wizard" novalidate>
                {field("new-name", "Name", name, "name")}
                {field("new-description", "Description", description, "description")}
                {field("new-category", "Category", category, "category")}
                {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
                <button type="submit" class="btn" disabled=move || busy.get()>"Create wizard"</button>
            </form>
        </section>
    }.into_any()
}

#[component]
fn ImportWizardForm() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if text.with_untracked(|t| t.trim().is_empty()) {
            failure.set(Some(
                "Paste a wizard document or choose a .json file first.".into(),
            ));
            return;
        }
        busy.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = import_wizard(text.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(Outcome::Done(draft)) => {
                    navigate(&format!("/wizards/{}", draft.id), Default::default())
                }
                Ok(Outcome::Invalid(es)) => problems.set(es),
                Ok(Outcome::Conflict(m)) => failure.set(Some(m)),
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        Ok(content) => {
                            problems.set(Vec::new());
                            text.set(content.as_string().unwrap_or_default());
                        }
                        Err(_) => failure.set(Some("That file could not be read.".into())),
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <section class="panel" aria-labelledby="import-wizard-heading">
            <h2 class="panel-title" id="import-wizard-heading">"Import"</h2>
            <form on:submit=submit data-testid="import-wizard" novalidate>
                <div class="field">
                    <label for="import-json">"Wizard JSON"</label>
                    <textarea
                        id="import-json"
                        rows="4"
                        class="mono"
                        spellcheck="false"
                        placeholder="{\"schema_version\": 1, \"wizard\": {…}}"
                        aria-describedby="import-problems"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <div class="field">
                    <label for="import-file">"Or choose a .json file"</label>
                    <input id="import-file" type="file" accept=".json,application/json" on:change=on_file />
                </div>
                <div id="import-problems" aria-live="polite">
                    <Show when=move || !problems.with(Vec::is_empty)>
                        <div class="alert" role="alert">
                            <p>
                                {move || match problems.with(Vec::len) {
                                    1 => "The document has 1 problem:".to_owned(),
                                    n => format!("The document has {n} problems:"),
                                }}
                            </p>
                            <ul class="problem-list" data-testid="import-errors">
                                {move || {
                                    problems
                                        .get()
                                        .into_iter()
                                        .map(|p| view! { <li><code>{p.field}</code>" "{p.message}</li> })
                                        .collect_view()
                                }}
                            </ul>
                        </div>
                    </Show>
                </div>
                {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
                <button type="submit" class="btn" disabled=move || busy.get()>"Import"</button>
            </form>
        </section>
    }.into_any()
}

#[component]
pub fn BuilderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let draft = Resource::new(id, |id| async move {
        match uuid::Uuid::parse_str(&id) {
            Ok(id) => get_wizard_draft(id).await,
            Err(_) => Err(UiError::not_found(format!("no wizard with id {id}"))),
        }
    });
    let reload = Callback::new(move |()| draft.refetch());
    view! {
        <RequireUser children=move |user| {
            if let Some(message) = needs_builder(&user) {
                return view! { <Title text="Builder" /> {message} }.into_any();
            }
            view! {
                <Transition fallback=|| view! { <p class="muted">"Loading the wizard…"</p> }>
                    {move || Suspend::new(async move {
                        match draft.await {
                            Err(e) => view! {
                                <Title text="Builder" />
                                <div class="alert" role="alert">{e.to_string()}</div>
                                <a href="/wizards">"Back to My wizards"</a>
                            }
                            .into_any(),
                            Ok(d) => view! { <Editor draft=d reload /> }.into_any(),
                        }
                    })}
                </Transition>
            }
            .into_any()
        } />
    }
    .into_any()
}

#[component]
fn Editor(draft: WizardDraft, reload: Callback<()>) -> impl IntoView {
    let b = Builder::new(draft);
    let store = EventStore::new(b.id);
    // The step and field editors find the events here (they are not part of the draft).
    provide_context(store);
    // Effects run in the browser only: the version list and the events are not needed to
    // render.
    Effect::new(move |_| b.load_versions());
    Effect::new(move |_| store.load());
    let name = text_memo(move || b.wizard.with(|w| w.name.clone()));
    let selected = Memo::new(move |_| {
        let id = b.selected_step.get()?;
        b.wizard
            .with(|w| model::step(w, id).is_some())
            .then_some(id)
    });
    view! {
        <Title text=move || format!("Build {}", name.get()) />
        <div class="builder" data-testid="builder">
            <div class="builder-head">
                <div>
                    <p class="crumbs"><a href="/wizards">"My wizards"</a></p>
                    <h1 data-testid="builder-title">{move || name.get()}</h1>
                </div>
                <div class="builder-actions">
                    <SaveIndicator b />
                    <button
                        type="button"
                        class="btn"
                        data-testid="publish"
                        disabled=move || b.publishing.get() || b.conflict.with(Option::is_some)
                        on:click=move |_| b.publish()
                    >
                        {move || if b.publishing.get() { "Publishing…" } else { "Publish" }}
                    </button>
                </div>
            </div>
            <ConflictBanner b reload />
            <ErrorSummary b />
            {move || {
                b.notice
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <div class=if ok { "notice" } else { "alert" } role="status" data-testid="builder-notice">
                                {text}
                            </div>
                        }
                    })
            }}
            <div class="builder-grid">
                <div class="builder-side">
                    <StepList b />
                    <WizardDetails b />
                    <section class="panel" aria-label="Wizard events">
                        <EventsPanel
                            b
                            store
                            targets=vec![(Target::WIZARD, "The wizard".to_owned())]
                            key="wizard".to_owned()
                            heading="Wizard events"
                        />
                    </section>
                    <EventsOverview b store />
                    <ApiConfigsPanel b />
                    <McpConfigsPanel b />
                    <PublishPanel b />
                </div>
                <div class="builder-main">
                    {move || match selected.get() {
                        Some(id) => view! { <StepEditor b id /> }.into_any(),
                        None => view! {
                            <section class="panel empty-editor">
                                <p class="muted">"Add a step to start, then add fields to it."</p>
                            </section>
                        }
                        .into_any(),
                    }}
                    <OpenEvent b store />
                </div>
                <Preview b />
            </div>
        </div>
    }.into_any()
}

#[component]
fn SaveIndicator(b: Builder) -> impl IntoView {
    let state = move || match b.status.get() {
        SaveStatus::Saved => "saved",
        SaveStatus::Saving => "saving",
        SaveStatus::Invalid => "invalid",
        SaveStatus::Conflict => "conflict",
        SaveStatus::Failed(_) => "failed",
    };
    view! {
        <span class="save-status-wrap">
            <span class="save-status" data-testid="builder-save-status" data-state=state role="status" aria-live="polite">
                {move || match b.status.get() {
                    SaveStatus::Saved => "All changes saved".to_owned(),
                    SaveStatus::Saving => "Saving…".to_owned(),
                    SaveStatus::Invalid => {
                        let n = b.errors.with(Vec::len);
                        if n == 1 { "Not saved: 1 problem".to_owned() } else { format!("Not saved: {n} problems") }
                    }
                    SaveStatus::Conflict => "Not saved: changed elsewhere".to_owned(),
                    SaveStatus::Failed(e) => format!("Not saved: {e}"),
                }}
            </span>
            <Show when=move || matches!(b.status.get(), SaveStatus::Failed(_))>
                <button type="button" class="btn btn-small btn-quiet" on:click=move |_| b.request_save()>"Retry"</button>
            </Show>
        </span>
    }.into_any()
}

#[component]
fn ConflictBanner(b: Builder, reload: Callback<()>) -> impl IntoView {
    view! {
        <Show when=move || b.conflict.with(Option::is_some)>
            <div class="alert conflict" role="alert" data-testid="conflict">
                <strong>"Changed elsewhere — reload."</strong>
                " This wizard was changed in another tab or by someone else, so your latest edits here were not saved. "
                <button type="button" class="btn btn-small" data-testid="conflict-reload" on:click=move |_| reload.run(())>
                    "Reload"
                </button>
            </div>
        </Show>
    }.into_any()
}

/// Every problem the server found, with a button that opens the step holding it.
#[component]
fn ErrorSummary(b: Builder) -> impl IntoView {
    let store = use_context::<EventStore>();
    view! {
        <Show when=move || !b.errors.with(Vec::is_empty)>
            <div class="alert error-summary" role="alert" data-testid="error-summary">
                <p>
                    {move || {
                        if b.status.get() == SaveStatus::Invalid {
                            view! {
                                <strong>"Not saved."</strong>
                                " Your edits are kept on this page; fix these and they are saved at once:"
                            }
                            .into_any()
                        } else {
                            view! {
                                <strong>"Not ready to publish."</strong>
                                " The draft is saved; fix these, then publish:"
                            }
                            .into_any()
                        }
                    }}
                </p>
                <ul class="problem-list">
                    {move || {
                        b.errors
                            .get()
                            .into_iter()
                            .map(|e| {
                                let step = model::step_of_path(&e.field)
                                    .and_then(|i| b.wizard.with_untracked(|w| w.steps.get(i).map(|s| s.id)));
                                // Publishing names events by position; say which by name.
                                let event = store.and_then(|store| {
                                    let (i, rest) = model::event_of_path(&e.field)?;
                                    let ev = store.list.with_untracked(|l| match l {
                                        Some(Ok(list)) => list.get(i).map(|v| (v.id, v.name.clone())),
                                        _ => None,
                                    })?;
                                    Some((store, ev, rest.to_owned()))
                                });
                                if let Some((store, (id, name), rest)) = event {
                                    let label = format!("Open event {name}");
                                    return view! {
                                        <li data-testid="event-problem">
                                            <button type="button" class="link-button" aria-label=label
                                                on:click=move |_| store.open.set(Some(id))>
                                                {format!("Event “{name}”")}
                                            </button>
                                            " "
                                            {(!rest.is_empty()).then(|| view! { <code>{rest}</code> })}
                                            " "
                                            {e.message}
                                        </li>
                                    }
                                    .into_any();
                                }
                                view! {
                                    <li>
                                        {match step {
                                            Some(id) => view! {
                                                <button
                                                    type="button"
                                                    class="link-button"
                                                    on:click=move |_| b.selected_step.set(Some(id))
                                                >
                                                    <code>{e.field.clone()}</code>
                                                </button>
                                            }
                                            .into_any(),
                                            None => view! { <code>{e.field.clone()}</code> }.into_any(),
                                        }}
                                        " "
                                        {e.message}
                                    </li>
                                }
                                .into_any()
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }.into_any()
}

/// The wizard's name and description (part of the draft).
#[component]
fn WizardDetails(b: Builder) -> impl IntoView {
    let name = text_memo(move || b.wizard.with(|w| w.name.clone()));
    let description = text_memo(move || b.wizard.with(|w| w.description.clone()));
    let name_errors = Signal::derive(move || b.errors_at("name"));
    view! {
        <section class="panel" aria-labelledby="wizard-details-heading">
            <h2 class="panel-title" id="wizard-details-heading">"Wizard"</h2>
            <div class="field" class:has-error=move || !name_errors.with(Vec::is_empty)>
                <label for="wizard-name">"Name"</label>
                <input
                    id="wizard-name"
                    type="text"
                    data-testid="wizard-name"
                    aria-describedby="wizard-name-errors"
                    aria-invalid=move || (!name_errors.with(Vec::is_empty)).then_some("true")
                    prop:value=name
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        b.edit(|w| w.name = v);
                    }
                />
                <ErrorLines messages=name_errors id="wizard-name-errors".to_owned() />
            </div>
            <div class="field">
                <label for="wizard-description">"Description"</label>
                <textarea
                    id="wizard-description"
                    rows="3"
                    data-testid="wizard-description"
                    prop:value=description
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        b.edit(|w| w.description = v);
                    }
                ></textarea>
            </div>
        </section>
    }
    .into_any()
}

/// Publishing, the version list, the gallery flag with its category, and export.
#[component]
fn PublishPanel(b: Builder) -> impl IntoView {
    let category = text_memo(move || b.wizard.with(|w| w.category.clone().unwrap_or_default()));
    let export = format!("/api/v1/wizards/{}/export", b.id);
    view! {
        <section class="panel publish-panel" aria-labelledby="publish-heading" data-testid="publish-panel">
            <h2 class="panel-title" id="publish-heading">"Publishing"</h2>
            <p data-testid="live-version">
                {move || match b.live_version.get() {
                    Some(n) => format!("Live: version {n}"),
                    None => "Not published yet".to_owned(),
                }}
            </p>
            <Show when=move || b.unpublished.get()>
                <p>
                    <span class="badge badge-warn" data-testid="unpublished-badge">"Unpublished changes"</span>
                </p>
            </Show>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="offer-in-gallery"
                    aria-describedby="gallery-hint"
                    disabled=move || b.live_version.get().is_none()
                    prop:checked=move || b.is_template.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        b.is_template.set(on);
                        b.set_template(on);
                    }
                />
                "Offer in gallery"
            </label>
            <p class="hint" id="gallery-hint">
                {move || {
                    if b.live_version.get().is_some() {
                        "The live version is shown in the gallery, where anyone can clone it."
                    } else {
                        "Publish first: the gallery shows the live version."
                    }
                }}
            </p>
            <div class="field">
                <label for="wizard-category">"Category"</label>
                <input
                    id="wizard-category"
                    type="text"
                    data-testid="wizard-category"
                    placeholder="e.g. HR, Sales"
                    prop:value=category
                    on:change=move |ev| b.set_category(event_target_value(&ev))
                />
            </div>
            <h3 class="section-title">"Versions"</h3>
            <ol class="versions" data-testid="versions">
                {move || match b.versions.get() {
                    None => view! { <li class="muted">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error">{e}</li> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <li class="muted">"None yet."</li> }.into_any(),
                    Some(Ok(list)) => list
                        .into_iter()
                        .map(|v| {
                            let when = v.published_at.get(..16).unwrap_or_default().replace('T', " ");
                            view! {
                                <li class="version" class:live=v.is_live data-live=v.is_live.then_some("true")>
                                    <span class="strong">{format!("v{}", v.number)}</span>
                                    {v.is_live.then(|| view! { <span class="badge badge-ok">"live"</span> })}
                                    <span class="muted small">
                                        {format!("{when} · {} steps · {} fields", v.step_count, v.field_count)}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </ol>
            <a class="btn btn-small btn-quiet" href=export download="" data-testid="export" rel="external">
                "Export JSON"
            </a>
        </section>
    }.into_any()
}

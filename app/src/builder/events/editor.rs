//! The open event: its name, description, trigger, enabled switch and conditions, its
//! actions as cards (add through the type dialog, reorder, duplicate, delete), and Save,
//! Discard, Delete. One editor at a time, below the step editor.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::condition::Condition;
use wizard_core::domain::event::ActionType;
use wizard_core::domain::event_view::PutEventRequest;

use super::action_card::ActionCard;
use super::inputs::{SelectSetting, TextSetting};
use super::model::{self, Target};
use super::test_panel::{TestPanel, TestTarget};
use super::{EventDraft, EventStore};
use crate::builder::condition::ConditionEditor;
use crate::builder::model::field_choices;
use crate::builder::state::Builder;
use crate::builder::ui::{ConfirmDelete, focus_later};
use crate::components::deferred::deferred;
use crate::fns::Outcome;
use crate::fns::events::{check_event, delete_event, get_event, save_event};

/// The editor of `store.open`, or nothing. The editor (every action type's editor, the
/// output preview, the renderer settings) is its own chunk, fetched when an event is first
/// opened, so the builder's page loads without it (README, "Browser bundle").
#[component]
pub fn OpenEvent(b: Builder, store: EventStore) -> impl IntoView {
    move || {
        let id = store.open.get()?;
        // Read once: a save puts the new copy in the list without reopening the editor.
        let view = untrack(|| store.get(id))?;
        let ev = EventDraft::new(b, store, &view);
        Some(deferred(event_editor(ev)))
    }
}

#[cfg_attr(feature = "hydrate", leptos::lazy)]
fn event_editor(ev: EventDraft) -> AnyView {
    view! { <EventEditor ev /> }.into_any()
}

#[component]
fn EventEditor(ev: EventDraft) -> impl IntoView {
    let b = ev.b;
    let store = ev.store;
    let name = Signal::derive(move || ev.draft.with(|e| e.name.clone()));
    let description = Signal::derive(move || ev.draft.with(|e| e.description.clone()));
    let trigger = Signal::derive(move || ev.draft.with(|e| e.trigger.as_str().to_owned()));
    let enabled = Signal::derive(move || ev.draft.with(|e| e.enabled));
    let target = Memo::new(move |_| ev.draft.with(|e| Target::of(e.trigger, e.target_id)));
    let where_ = Memo::new(move |_| b.wizard.with(|w| target.get().describe(w)));
    let triggers = Signal::derive(move || {
        let list = b.wizard.with(|w| model::triggers_at(target.get(), w));
        list.into_iter()
            .map(|t| {
                (
                    t.as_str().to_owned(),
                    format!("{} ({})", model::trigger_label(t), t.as_str()),
                )
            })
            .collect::<Vec<_>>()
    });
    let conditions = Memo::new(move |_| ev.draft.with(|e| e.conditions.clone()));
    let fields = Memo::new(move |_| b.wizard.with(field_choices));
    let action_ids = Memo::new(move |_| {
        ev.draft
            .with(|e| e.actions.iter().map(|a| a.id).collect::<Vec<_>>())
    });
    let open_actions = RwSignal::new(Vec::<Uuid>::new());
    let choosing = RwSignal::new(false);
    let add_problem = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let saved_note = RwSignal::new(false);
    let dom = move |what: &str| format!("event-{}-{what}", ev.id.simple());

    // Shows the server's problems, and opens every action card that has one.
    let refused = move |errors: Vec<wizard_core::domain::problem::FieldError>| {
        let ids = ev
            .draft
            .with_untracked(|e| model::actions_with_problems(&errors, e));
        open_actions.update(|o| {
            for id in ids {
                if !o.contains(&id) {
                    o.push(id);
                }
            }
        });
        ev.errors.set(errors);
    };
    // Live checks: the server's save-time rules applied to the edits shortly after each one
    // (`backend::events::check`), so an unknown template path, a later action named or a
    // script that does not compile is marked before saving. Nothing is saved.
    let generation = StoredValue::new(0u64);
    let checked = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        let sent = ev.draft.get();
        if !ev.dirty.get_untracked() {
            return;
        }
        let g = generation.get_value() + 1;
        generation.set_value(g);
        checked.set(None);
        set_timeout(
            move || {
                if generation.get_value() != g {
                    return;
                }
                spawn_local(async move {
                    let Ok(errors) = check_event(store.wizard_id, sent.clone()).await else {
                        return;
                    };
                    let current = generation.get_value() == g
                        && !ev.saving.get_untracked()
                        && ev.draft.with_untracked(|d| *d == sent);
                    if current {
                        checked.set(Some(errors.len()));
                        ev.errors.set(model::rooted(errors, "event"));
                    }
                });
            },
            std::time::Duration::from_millis(500),
        );
    });
    let save = move |_| {
        if ev.saving.get_untracked() {
            return;
        }
        ev.saving.set(true);
        failure.set(None);
        saved_note.set(false);
        let sent = ev.draft.get_untracked();
        let req = PutEventRequest {
            version: ev.version.get_untracked(),
            event: sent.clone(),
        };
        spawn_local(async move {
            let result = save_event(ev.id, req).await;
            ev.saving.set(false);
            match result {
                Ok(Outcome::Done(view)) => {
                    if ev.draft.with_untracked(|d| *d == sent) {
                        ev.reset(&view);
                    } else {
                        // Edited while saving: keep those edits, due with the next save.
                        ev.version.set(view.version);
                        ev.errors.set(Vec::new());
                    }
                    store.put(view);
                    saved_note.set(true);
                }
                Ok(Outcome::Invalid(errors)) => refused(model::rooted(errors, "event")),
                Ok(Outcome::Conflict(m)) => ev.conflict.set(Some(m)),
                Err(e) if !e.field_errors().is_empty() => {
                    refused(model::rooted(e.field_errors().to_vec(), "event"))
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let reload = move |_| {
        spawn_local(async move {
            match get_event(ev.id).await {
                Ok(view) => {
                    ev.reset(&view);
                    store.put(view);
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let discard = move |_| {
        if let Some(view) = store.get(ev.id) {
            ev.reset(&view);
        }
    };
    let delete = Callback::new(move |()| {
        let version = ev.version.get_untracked();
        spawn_local(async move {
            match delete_event(ev.id, version).await {
                Ok(Outcome::Done(())) => store.remove(ev.id),
                Ok(Outcome::Conflict(m)) => ev.conflict.set(Some(m)),
                Ok(Outcome::Invalid(errors)) => ev.errors.set(errors),
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    });
    let add = move |t: ActionType| {
        let made = b
            .wizard
            .with_untracked(|w| ev.draft.with_untracked(|e| model::new_action(t, e, w)));
        match made {
            Ok(action) => {
                let id = action.id;
                ev.edit(|e| e.actions.push(action));
                choosing.set(false);
                add_problem.set(None);
                open_actions.update(|o| o.push(id));
                focus_later(format!("action-{}-name", id.simple()));
            }
            Err(why) => add_problem.set(Some(format!("Not added: {why}."))),
        }
    };
    // Focus the heading when the editor opens (from a list anywhere on the page).
    focus_later(dom("heading"));

    view! {
        <section class="panel event-editor" data-testid="event-editor" aria-labelledby=dom("heading")>
            <div class="event-editor-head">
                <h2 class="panel-title" id=dom("heading") tabindex="-1">
                    {move || format!("Event: {}", name.get())}
                </h2>
                <span class="muted small" data-testid="event-where">{move || where_.get()}</span>
                <button type="button" class="btn btn-small btn-quiet" data-testid="event-close" on:click=move |_| store.open.set(None)>
                    "Close"
                </button>
            </div>
            <Show when=move || ev.conflict.with(Option::is_some)>
                <div class="alert conflict" role="alert" data-testid="event-conflict">
                    <strong>"Changed elsewhere."</strong>
                    " This event was saved in another tab or by someone else since you opened it. Your edits are still here; reloading replaces them with the saved event. "
                    <button type="button" class="btn btn-small" data-testid="event-reload" on:click=reload>"Reload the event"</button>
                </div>
            </Show>
            <Show when=move || !ev.errors.with(Vec::is_empty)>
                <div class="alert error-summary" role="alert" data-testid="event-errors">
                    <p><strong>"Not saved."</strong>" Your edits are kept; fix these and save again:"</p>
                    <ul class="problem-list">
                        {move || ev.errors.get().into_iter().map(|e| view! { <li><code>{e.field}</code>" "{e.message}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
            {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
            <div class="grid-2">
                <TextSetting
                    id=dom("name")
                    label="Event name"
                    value=name
                    on_change=Callback::new(move |v: String| ev.edit(|e| e.name = v))
                    errors=ev.messages("name")
                    testid="event-name"
                />
                <SelectSetting
                    id=dom("trigger")
                    label="Runs"
                    choices=triggers
                    value=trigger
                    on_change=Callback::new(move |v: String| {
                        if let Ok(t) = v.parse() {
                            ev.edit(|e| e.trigger = t);
                        }
                    })
                    errors=ev.messages("trigger")
                    testid="event-trigger"
                />
            </div>
            <TextSetting
                id=dom("description")
                label="Description (optional)"
                value=description
                on_change=Callback::new(move |v: String| ev.edit(|e| e.description = v))
                errors=ev.messages("description")
                testid="event-description"
            />
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="event-enabled"
                    prop:checked=enabled
                    on:change=move |ev_| {
                        let on = event_target_checked(&ev_);
                        ev.edit(|e| e.enabled = on);
                    }
                />
                "Enabled"
            </label>
            <ConditionEditor
                b
                value=conditions
                on_set=Callback::new(move |c: Option<Condition>| ev.edit(|e| e.conditions = c))
                fields=fields
                path=Signal::derive(|| None::<String>)
                label="Runs only if"
                when_empty="Runs every time it fires."
                owner=ev.id
                name="event"
            />
            <h3 class="section-title">"Actions, in order"</h3>
            <Show when=move || action_ids.with(Vec::is_empty)>
                <p class="muted">"No actions yet: add one below."</p>
            </Show>
            <ol class="action-list" data-testid="action-list">
                <For each=move || action_ids.get() key=|id| *id let:id>
                    <ActionCard ev id open=open_actions />
                </For>
            </ol>
            <button
                type="button"
                class="btn btn-small"
                data-testid="add-action"
                aria-expanded=move || choosing.get().to_string()
                aria-controls=dom("types")
                on:click=move |_| choosing.update(|c| *c = !*c)
            >
                "+ Add action"
            </button>
            {move || add_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <Show when=move || choosing.get()>
                <div class="type-chooser" id=dom("types") role="group" aria-label="Choose the type of the new action" data-testid="action-types">
                    {model::offered_types()
                        .iter()
                        .map(|t| {
                            let t = *t;
                            view! {
                                <button type="button" class="type-choice" data-type=t.as_str() on:click=move |_| add(t)>
                                    <span class="action-icon" aria-hidden="true">{model::type_icon(t)}</span>
                                    <span class="strong">{model::type_label(t)}</span>
                                    <span class="muted small">{model::type_blurb(t)}</span>
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
            <TestPanel target=TestTarget::Event(ev) />
            <div class="event-editor-foot">
                <button
                    type="button"
                    class="btn"
                    data-testid="event-save"
                    disabled=move || ev.saving.get() || !ev.dirty.get()
                    on:click=save
                >
                    {move || if ev.saving.get() { "Saving…" } else { "Save event" }}
                </button>
                <span role="status" aria-live="polite" data-testid="event-save-status" class="muted small">
                    {move || {
                        if ev.dirty.get() {
                            "Unsaved changes"
                        } else if saved_note.get() {
                            "Saved"
                        } else {
                            ""
                        }
                    }}
                </span>
                <span aria-live="polite" data-testid="event-check-status" class="muted small">
                    {move || match (ev.dirty.get(), checked.get()) {
                        (true, Some(0)) => "Checked: no problems".to_owned(),
                        (true, Some(n)) => format!("Checked: {n} problem(s) to fix before saving"),
                        _ => String::new(),
                    }}
                </span>
                <button type="button" class="btn btn-small btn-quiet" disabled=move || !ev.dirty.get() on:click=discard>
                    "Discard changes"
                </button>
                <ConfirmDelete
                    what=Signal::derive(move || format!("event {}", name.get()))
                    testid="event-delete"
                    on_confirm=delete
                />
            </div>
        </section>
    }
    .into_any()
}

//! One action of the open event as a card: type icon and name, what it does, its error
//! policy, and tools (edit, move up/down, duplicate, delete); dragged by its header, it
//! drops in another card's place. Opened, it shows the common
//! settings every action has, the type's own editor, the output handling and the Test
//! button.

use leptos::prelude::*;
use uuid::Uuid;
use wizard_core::domain::FieldKey;
use wizard_core::domain::event::{MAX_RETRY_COUNT, OnError};

use super::inputs::{SelectSetting, TextSetting, choices, with_local};
use super::output::OutputEditor;
use super::test_panel::{TestPanel, TestTarget};
use super::types::TypeEditor;
use super::{ActionCtx, EventDraft, model};
use crate::builder::model::{move_to_by_id, shift_by_id};
use crate::builder::option_set::set_drag_data;
use crate::builder::state::Dragging;
use crate::builder::ui::{ConfirmDelete, ErrorLines, focus_later};

#[component]
pub fn ActionCard(ev: EventDraft, id: Uuid, open: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let ctx = ActionCtx { ev, id };
    let b = ev.b;
    let name = Memo::new(move |_| ctx.read(|a| a.name.as_str().to_owned()).unwrap_or_default());
    let ty = Memo::new(move |_| ctx.read(|a| a.action_type()));
    let summary = Memo::new(move |_| {
        b.wizard
            .with(|w| ctx.read(|a| model::summary(a, w)))
            .unwrap_or_default()
    });
    let policy = Memo::new(move |_| ctx.read(model::error_policy).unwrap_or_default());
    let count = Memo::new(move |_| ev.draft.with(|e| e.actions.len()));
    let index = Memo::new(move |_| ctx.index());
    let problems = Memo::new(move |_| {
        let Some(i) = index.get() else { return 0 };
        let prefix = format!("actions[{i}]");
        ev.errors.with(|es| {
            es.iter()
                .filter(|e| e.field == prefix || e.field.starts_with(&format!("{prefix}.")))
                .count()
        })
    });
    let expanded = Memo::new(move |_| open.with(|o| o.contains(&id)));
    let shift = move |delta: isize, which: &'static str| {
        ev.edit(|e| {
            shift_by_id(&mut e.actions, |a| a.id, id, delta);
        });
        ev.forget_action_problems();
        focus_later(ctx.dom(which));
    };
    let duplicate = move |_| {
        let mut copy_id = None;
        ev.edit(|e| {
            if let Some(pos) = e.actions.iter().position(|a| a.id == id) {
                let copy = model::duplicate(&e.actions[pos], e);
                copy_id = Some(copy.id);
                e.actions.insert(pos + 1, copy);
            }
        });
        ev.forget_action_problems();
        if let Some(copy) = copy_id {
            open.update(|o| o.push(copy));
        }
    };
    let remove = Callback::new(move |()| {
        ev.edit(|e| e.actions.retain(|a| a.id != id));
        ev.forget_action_problems();
    });
    view! {
        <li
            class="action-card"
            class:has-problems=move || { problems.get() > 0 }
            class:drop-target=move || matches!(b.dragging.get(), Some(Dragging::Action(d)) if d != id)
            data-testid="action-card"
            data-name=move || name.get()
            on:dragover=move |e: leptos::ev::DragEvent| {
                if matches!(b.dragging.get_untracked(), Some(Dragging::Action(_))) {
                    e.prevent_default();
                }
            }
            on:drop=move |e: leptos::ev::DragEvent| {
                if let Some(Dragging::Action(dragged)) = b.dragging.get_untracked() {
                    e.prevent_default();
                    b.dragging.set(None);
                    ev.edit(|e| {
                        move_to_by_id(&mut e.actions, |a| a.id, dragged, id);
                    });
                    ev.forget_action_problems();
                }
            }
        >
            // Dragged by its header only, so text in the card's inputs stays selectable.
            <div
                class="action-head"
                draggable="true"
                on:dragstart=move |e: leptos::ev::DragEvent| {
                    set_drag_data(&e);
                    b.dragging.set(Some(Dragging::Action(id)));
                }
                on:dragend=move |_| b.dragging.set(None)
            >
                <span class="action-icon" aria-hidden="true">{move || ty.get().map(model::type_icon)}</span>
                <button
                    type="button"
                    class="os-toggle"
                    id=ctx.dom("toggle")
                    aria-expanded=move || expanded.get().to_string()
                    aria-controls=ctx.dom("body")
                    data-testid="action-toggle"
                    on:click=move |_| {
                        open.update(|o| {
                            if o.contains(&id) {
                                o.retain(|x| *x != id);
                            } else {
                                o.push(id);
                            }
                        })
                    }
                >
                    <span class="os-title">{move || name.get()}</span>
                    <span class="type-badge">{move || ty.get().map(model::type_label)}</span>
                    <span class="muted small action-summary" data-testid="action-summary">{move || summary.get()}</span>
                    <span class="muted small">{move || policy.get()}</span>
                    <Show when=move || { problems.get() > 0 }>
                        <span class="badge badge-error">{move || match problems.get() {
                            1 => "1 problem".to_owned(),
                            n => format!("{n} problems"),
                        }}</span>
                    </Show>
                </button>
                <span class="row-tools">
                    <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        id=ctx.dom("up")
                        aria-label=move || format!("Move action {} up", name.get())
                        disabled=move || index.get() == Some(0)
                        on:click=move |_| shift(-1, "up")
                    >
                        "↑"
                    </button>
                    <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        id=ctx.dom("down")
                        aria-label=move || format!("Move action {} down", name.get())
                        disabled=move || index.get().is_none_or(|i| i + 1 >= count.get())
                        on:click=move |_| shift(1, "down")
                    >
                        "↓"
                    </button>
                    <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        data-testid="action-duplicate"
                        aria-label=move || format!("Duplicate action {}", name.get())
                        on:click=duplicate
                    >
                        "Duplicate"
                    </button>
                    <ConfirmDelete
                        what=Signal::derive(move || format!("action {}", name.get()))
                        testid="action-delete"
                        on_confirm=remove
                    />
                </span>
            </div>
            <Show when=move || expanded.get()>
                <div class="os-body action-body" id=ctx.dom("body")>
                    <CommonSettings ctx />
                    <TypeEditor ctx />
                    <OutputEditor ctx />
                    <TestPanel target=TestTarget::Action(ctx) />
                </div>
            </Show>
        </li>
    }
    .into_any()
}

/// Name, error policy with retries, timeout, loading message: what every action has.
#[component]
fn CommonSettings(ctx: ActionCtx) -> impl IntoView {
    let text = move |f: fn(&wizard_core::domain::event::Action) -> String| {
        Signal::derive(move || ctx.read(f).unwrap_or_default())
    };
    let name = text(|a| a.name.as_str().to_owned());
    let on_error = text(|a| a.on_error.as_str().to_owned());
    let retries = text(|a| a.retry_count.to_string());
    let timeout = text(|a| a.timeout_ms.map(|t| t.to_string()).unwrap_or_default());
    let loading = text(|a| a.loading_message.clone().unwrap_or_default());
    let retrying = Signal::derive(move || on_error.get() == OnError::Retry.as_str());
    // A name or number the editor cannot even hold stays a local message.
    let name_local = RwSignal::new(Vec::<String>::new());
    let name_errors = with_local(name_local, ctx.messages("name"));
    let number_local = RwSignal::new(Vec::<String>::new());
    let retry_errors = with_local(number_local, ctx.messages("retry_count"));
    let timeout_local = RwSignal::new(Vec::<String>::new());
    let timeout_errors = with_local(timeout_local, ctx.messages("timeout_ms"));
    view! {
        <div class="grid-2">
            <TextSetting
                id=ctx.dom("name")
                label="Name"
                value=name
                on_change=Callback::new(move |v: String| match FieldKey::try_from(v.trim()) {
                    Ok(key) => {
                        name_local.set(Vec::new());
                        ctx.edit(|a| a.name = key);
                    }
                    Err(e) => name_local.set(vec![format!("{e}")]),
                })
                errors=name_errors
                testid="action-name"
                mono=true
                hint="Later actions read its output as {{ actions.<name>.output }}."
            />
            <SelectSetting
                id=ctx.dom("on-error")
                label="If it fails"
                choices=choices(&[
                    ("continue", "Continue with the next action"),
                    ("stop", "Stop the event"),
                    ("retry", "Retry, then stop"),
                ])
                value=on_error
                on_change=Callback::new(move |v: String| {
                    if let Ok(p) = v.parse::<OnError>() {
                        ctx.edit(|a| {
                            a.on_error = p;
                            if p == OnError::Retry && a.retry_count == 0 {
                                a.retry_count = 2;
                            }
                            if p != OnError::Retry {
                                a.retry_count = 0;
                            }
                        });
                    }
                })
                errors=ctx.messages("on_error")
                testid="action-on-error"
            />
            <Show when=move || retrying.get()>
                <TextSetting
                    id=ctx.dom("retries")
                    label="Retries"
                    value=retries
                    on_change=Callback::new(move |v: String| match v.trim().parse::<u32>() {
                        Ok(n) if n <= MAX_RETRY_COUNT => {
                            number_local.set(Vec::new());
                            ctx.edit(|a| a.retry_count = n);
                        }
                        _ => number_local.set(vec![format!("a whole number from 0 to {MAX_RETRY_COUNT}")]),
                    })
                    errors=retry_errors
                    testid="action-retries"
                />
            </Show>
            <TextSetting
                id=ctx.dom("timeout")
                label="Timeout (ms, optional)"
                value=timeout
                on_change=Callback::new(move |v: String| {
                    let v = v.trim().to_owned();
                    if v.is_empty() {
                        timeout_local.set(Vec::new());
                        ctx.edit(|a| a.timeout_ms = None);
                        return;
                    }
                    match v.parse::<u64>() {
                        Ok(ms) => {
                            timeout_local.set(Vec::new());
                            ctx.edit(|a| a.timeout_ms = Some(ms));
                        }
                        Err(_) => timeout_local.set(vec!["a whole number of milliseconds".into()]),
                    }
                })
                errors=timeout_errors
                testid="action-timeout"
            />
            <TextSetting
                id=ctx.dom("loading")
                label="Loading message (optional)"
                value=loading
                on_change=Callback::new(move |v: String| {
                    let v = v.trim().to_owned();
                    ctx.edit(|a| a.loading_message = (!v.is_empty()).then_some(v));
                })
                errors=ctx.messages("loading_message")
                testid="action-loading"
                hint="Shown beside the spinner while it runs."
            />
        </div>
        <ErrorLines messages=ctx.messages("config") id=ctx.dom("config-errors") />
    }
    .into_any()
}

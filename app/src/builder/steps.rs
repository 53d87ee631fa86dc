//! The list of steps (select, add, reorder by drag or keyboard, delete) and the editor of
//! the selected step (title, description, `show_if`, its fields).

use leptos::prelude::*;
use uuid::Uuid;
use wizard_core::domain::condition::Condition;
use wizard_core::domain::{SelectionType, Step};

use super::condition::ConditionEditor;
use super::events::EventStore;
use super::events::model::Target;
use super::events::panel::EventsPanel;
use super::model;
use super::option_set::{OptionSetCard, set_drag_data};
use super::state::{Builder, Dragging};
use super::ui::{ConfirmDelete, ErrorLines, focus_later, text_memo};

#[component]
pub fn StepList(b: Builder) -> impl IntoView {
    let ids = Memo::new(move |_| {
        b.wizard
            .with(|w| w.steps.iter().map(|s| s.id).collect::<Vec<_>>())
    });
    let add = move |_| {
        let id = Uuid::new_v4();
        b.edit(|w| {
            let n = w.steps.len() + 1;
            w.steps.push(Step {
                id,
                title: format!("Step {n}"),
                description: String::new(),
                show_if: None,
                option_sets: Vec::new(),
            });
        });
        b.selected_step.set(Some(id));
        focus_later(format!("step-{}-title", id.simple()));
    };
    view! {
        <nav class="step-nav" aria-label="Steps">
            <h2 class="panel-title">"Steps"</h2>
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="muted">"No steps yet. A wizard needs at least one to be run."</p>
            </Show>
            <ol class="step-list" data-testid="steps">
                <For each=move || ids.get() key=|id| *id let:id>
                    <StepItem b id />
                </For>
            </ol>
            <button type="button" class="btn btn-small btn-wide" data-testid="add-step" on:click=add>
                "+ Add step"
            </button>
        </nav>
    }.into_any()
}

#[component]
fn StepItem(b: Builder, id: Uuid) -> impl IntoView {
    let title = text_memo(move || {
        b.wizard.with(|w| {
            model::step(w, id)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        })
    });
    let index = Memo::new(move |_| b.wizard.with(|w| model::step_index(w, id)));
    let fields = Memo::new(move |_| {
        b.wizard
            .with(|w| model::step(w, id).map_or(0, |s| s.option_sets.len()))
    });
    let conditional = Memo::new(move |_| {
        b.wizard
            .with(|w| model::step(w, id).is_some_and(|s| s.show_if.is_some()))
    });
    let problems = Signal::derive(move || {
        index
            .get()
            .map(|i| b.errors_under(&format!("steps[{i}]")).len())
            .unwrap_or_default()
    });
    let selected = move || b.selected_step.get() == Some(id);
    let name = Signal::derive(move || {
        let t = title.get();
        if t.trim().is_empty() {
            "untitled step".to_owned()
        } else {
            t
        }
    });
    let shift = move |delta: isize| {
        b.edit(|w| {
            model::shift_by_id(&mut w.steps, |s| s.id, id, delta);
        });
        focus_later(format!(
            "step-{}-{}",
            id.simple(),
            if delta < 0 { "up" } else { "down" }
        ));
    };
    view! {
        <li
            class="step-item"
            class:selected=selected
            class:drop-target=move || matches!(b.dragging.get(), Some(Dragging::Step(d)) if d != id)
            data-testid="step-item"
            draggable="true"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                set_drag_data(&ev);
                b.dragging.set(Some(Dragging::Step(id)));
            }
            on:dragend=move |_| b.dragging.set(None)
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if matches!(b.dragging.get_untracked(), Some(Dragging::Step(_))) {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: leptos::ev::DragEvent| {
                if let Some(Dragging::Step(dragged)) = b.dragging.get_untracked() {
                    ev.prevent_default();
                    b.dragging.set(None);
                    b.edit(|w| {
                        model::move_to_by_id(&mut w.steps, |s| s.id, dragged, id);
                    });
                }
            }
        >
            <button
                type="button"
                class="step-select"
                data-testid="step-select"
                aria-current=move || selected().then_some("step")
                on:click=move |_| b.selected_step.set(Some(id))
            >
                <span class="step-number">{move || index.get().map(|i| i + 1)}</span>
                <span class="step-title">{move || name.get()}</span>
                <span class="step-meta">
                    {move || match fields.get() {
                        1 => "1 field".to_owned(),
                        n => format!("{n} fields"),
                    }}
                    <Show when=move || conditional.get()>
                        <span class="cond-badge" title="Shown only when its condition holds">" · conditional"</span>
                    </Show>
                    <Show when=move || { problems.get() > 0 }>
                        <span class="problem-badge">{move || format!("{} to fix", problems.get())}</span>
                    </Show>
                </span>
            </button>
            <span class="row-tools">
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=format!("step-{}-up", id.simple())
                    data-testid="step-move-up"
                    aria-label=move || format!("Move step {} up", name.get())
                    disabled=move || index.get() == Some(0)
                    on:click=move |_| shift(-1)
                >
                    "↑"
                </button>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=format!("step-{}-down", id.simple())
                    data-testid="step-move-down"
                    aria-label=move || format!("Move step {} down", name.get())
                    disabled=move || { b.wizard.with(|w| index.get().is_some_and(|i| i + 1 >= w.steps.len())) }
                    on:click=move |_| shift(1)
                >
                    "↓"
                </button>
                <ConfirmDelete
                    what=Signal::derive(move || format!("step {}", name.get()))
                    testid="step-delete"
                    on_confirm=Callback::new(move |_| {
                        let mut next = None;
                        b.edit(|w| {
                            if let Some(i) = model::step_index(w, id) {
                                w.steps.remove(i);
                                next = w.steps.get(i).or_else(|| w.steps.last()).map(|s| s.id);
                            }
                        });
                        if b.selected_step.get_untracked() == Some(id) {
                            b.selected_step.set(next);
                        }
                    })
                />
            </span>
        </li>
    }.into_any()
}

fn edit_step(b: Builder, id: Uuid, f: impl FnOnce(&mut Step)) {
    b.edit(|w| {
        if let Some(s) = model::step_mut(w, id) {
            f(s);
        }
    });
}

/// The selected step: its own properties, its fields, and adding a field.
#[component]
pub fn StepEditor(b: Builder, id: Uuid) -> impl IntoView {
    let title = text_memo(move || {
        b.wizard.with(|w| {
            model::step(w, id)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        })
    });
    let description = text_memo(move || {
        b.wizard.with(|w| {
            model::step(w, id)
                .map(|s| s.description.clone())
                .unwrap_or_default()
        })
    });
    let path = Memo::new(move |_| b.wizard.with(|w| model::step_path(w, id)));
    let title_errors = Signal::derive(move || {
        path.get()
            .map(|p| b.errors_at(&format!("{p}.title")))
            .unwrap_or_default()
    });
    let os_ids = Memo::new(move |_| {
        b.wizard.with(|w| {
            model::step(w, id)
                .map(|s| s.option_sets.iter().map(|o| o.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let show_if = Memo::new(move |_| {
        b.wizard
            .with(|w| model::step(w, id).and_then(|s| s.show_if.clone()))
    });
    let fields = Memo::new(move |_| b.wizard.with(model::field_choices));
    let new_type = RwSignal::new(SelectionType::TextInput);
    let add_field = move |_| {
        let t = new_type.get_untracked();
        let mut new_id = None;
        b.edit(|w| {
            let os = model::new_option_set(w, t);
            new_id = Some(os.id);
            if let Some(s) = model::step_mut(w, id) {
                s.option_sets.push(os);
            }
        });
        if let Some(os_id) = new_id {
            focus_later(format!("os-{}-label", os_id.simple()));
        }
    };
    let dom = move |what: &str| format!("step-{}-{what}", id.simple());
    view! {
        <section class="step-editor panel" data-testid="step-editor" aria-labelledby=dom("heading")>
            <h2 class="panel-title" id=dom("heading")>
                {move || path.get().and_then(|p| model::step_of_path(&p)).map(|i| format!("Step {}", i + 1))}
            </h2>
            <div class="field" class:has-error=move || !title_errors.with(Vec::is_empty)>
                <label for=dom("title")>"Title"</label>
                <input
                    id=dom("title")
                    type="text"
                    data-testid="step-title"
                    aria-describedby=dom("title-errors")
                    aria-invalid=move || (!title_errors.with(Vec::is_empty)).then_some("true")
                    prop:value=title
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit_step(b, id, move |s| s.title = v);
                    }
                />
                <ErrorLines messages=title_errors id=dom("title-errors") />
            </div>
            <div class="field">
                <label for=dom("description")>"Description"</label>
                <textarea
                    id=dom("description")
                    rows="2"
                    data-testid="step-description"
                    prop:value=description
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit_step(b, id, move |s| s.description = v);
                    }
                ></textarea>
            </div>
            <ConditionEditor
                b
                value=show_if
                on_set=Callback::new(move |c: Option<Condition>| edit_step(b, id, move |s| s.show_if = c))
                fields=fields
                path=Signal::derive(move || path.get().map(|p| format!("{p}.show_if")))
                label="Show this step only if"
                when_empty="Always shown."
                owner=id
                name="show_if"
            />
            <h3 class="section-title">"Fields"</h3>
            <Show when=move || os_ids.with(Vec::is_empty)>
                <p class="muted">"No fields yet: pick a type below and add one."</p>
            </Show>
            <ol class="os-list" data-testid="option-sets">
                <For each=move || os_ids.get() key=|id| *id let:os_id>
                    <OptionSetCard b step_id=id os_id />
                </For>
            </ol>
            <div class="add-field">
                <label for=dom("new-type")>"New field of type"</label>
                <select
                    id=dom("new-type")
                    data-testid="add-field-type"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(t) = SelectionType::ALL.into_iter().find(|t| t.as_str() == v) {
                            new_type.set(t);
                        }
                    }
                >
                    {model::buildable_types()
                        .map(|t| {
                            view! {
                                <option value=t.as_str() selected=move || new_type.get() == t>
                                    {format!("{} ({})", model::type_label(t), t.as_str())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="button" class="btn btn-small" data-testid="add-field" on:click=add_field>
                    "+ Add field"
                </button>
            </div>
            {use_context::<EventStore>().map(|store| view! {
                <EventsPanel
                    b
                    store
                    targets=vec![(Target::step(id), "This step".to_owned())]
                    key=format!("step-{}", id.simple())
                    heading="Step events"
                />
            })}
        </section>
    }.into_any()
}

//! The editor of one field (option set): label, key, help, required, type, the typed
//! settings, the options of a select, and its four conditions.

use leptos::prelude::*;
use uuid::Uuid;
use wizard_core::domain::condition::Condition;
use wizard_core::domain::{FieldKey, OptionSet, SelectionType, WizardOption};

use super::condition::ConditionEditor;
use super::events::EventStore;
use super::events::model::Target;
use super::events::panel::EventsPanel;
use super::model::{self, SettingKind, SettingSpec};
use super::state::{Builder, Dragging};
use super::ui::{ConfirmDelete, ErrorLines, focus_later, text_memo};

/// The conditions an option set can carry, with how the editor presents them.
const CONDITIONS: [(&str, &str, &str); 4] = [
    ("show_if", "Show only if", "Always shown."),
    ("hide_if", "Hide if", "Never hidden."),
    ("disable_if", "Disable if", "Never disabled."),
    ("require_if", "Require if", "Required only as set above."),
];

fn slot<'a>(os: &'a OptionSet, name: &str) -> Option<&'a Option<Condition>> {
    match name {
        "show_if" => Some(&os.show_if),
        "hide_if" => Some(&os.hide_if),
        "disable_if" => Some(&os.disable_if),
        "require_if" => Some(&os.require_if),
        _ => None,
    }
}

fn slot_mut<'a>(os: &'a mut OptionSet, name: &str) -> Option<&'a mut Option<Condition>> {
    match name {
        "show_if" => Some(&mut os.show_if),
        "hide_if" => Some(&mut os.hide_if),
        "disable_if" => Some(&mut os.disable_if),
        "require_if" => Some(&mut os.require_if),
        _ => None,
    }
}

/// Changes an option set's label; a key that was derived from the old label follows
/// the new one (and conditions naming it are renamed with it).
fn set_label(b: Builder, os_id: Uuid, label: String) {
    b.edit(|w| {
        let taken = model::keys_except(w, Some(os_id));
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        let Some(os) = model::option_set_mut(w, os_id) else {
            return;
        };
        let derived = os.key == model::unique_key(&os.label, &taken);
        os.label = label.clone();
        if !derived {
            return;
        }
        let new_key = model::unique_key(&label, &taken);
        if new_key == os.key {
            return;
        }
        let old_key = std::mem::replace(&mut os.key, new_key.clone());
        model::rename_key_references(w, &old_key, &new_key);
    });
}

fn set_key(b: Builder, os_id: Uuid, key: FieldKey) {
    b.edit(|w| {
        let Some(os) = model::option_set_mut(w, os_id) else {
            return;
        };
        if os.key == key {
            return;
        }
        let old_key = std::mem::replace(&mut os.key, key.clone());
        model::rename_key_references(w, &old_key, &key);
    });
}

fn edit_os(b: Builder, os_id: Uuid, f: impl FnOnce(&mut OptionSet)) {
    b.edit(|w| {
        if let Some(os) = model::option_set_mut(w, os_id) {
            f(os);
        }
    });
}

fn edit_options(b: Builder, os_id: Uuid, f: impl FnOnce(&mut Vec<WizardOption>)) {
    edit_os(b, os_id, |os| f(&mut os.options));
}

/// One field of the selected step, as a card.
#[component]
pub fn OptionSetCard(b: Builder, step_id: Uuid, os_id: Uuid) -> impl IntoView {
    let read = move |f: fn(&OptionSet) -> String| {
        text_memo(move || {
            b.wizard
                .with(|w| model::option_set(w, os_id).map(f).unwrap_or_default())
        })
    };
    let label = read(|os| os.label.clone());
    let key = read(|os| os.key.as_str().to_owned());
    let help = read(|os| os.help_text.clone());
    let required = Memo::new(move |_| {
        b.wizard
            .with(|w| model::option_set(w, os_id).is_some_and(|os| os.required))
    });
    let ty = Memo::new(move |_| {
        b.wizard.with(|w| {
            model::option_set(w, os_id).map_or(SelectionType::TextInput, OptionSet::selection_type)
        })
    });
    let path = Memo::new(move |_| b.wizard.with(|w| model::option_set_path(w, os_id)));
    let expanded = RwSignal::new(true);
    let key_error = RwSignal::new(None::<String>);

    let at = move |suffix: &'static str| {
        Signal::derive(move || {
            path.get()
                .map(|p| b.errors_at(&format!("{p}{suffix}")))
                .unwrap_or_default()
        })
    };
    let label_errors = at(".label");
    let key_errors = Signal::derive(move || {
        let mut v: Vec<String> = key_error.get().into_iter().collect();
        v.extend(at(".key").get());
        v
    });
    let option_list_errors = at(".options");
    let all_errors = Signal::derive(move || {
        path.get()
            .map(|p| b.errors_under(&p).len())
            .unwrap_or_default()
    });
    let dom = move |what: &str| format!("os-{}-{what}", os_id.simple());

    let fields_for_conditions = Memo::new(move |_| {
        let own = key.get();
        b.wizard.with(|w| {
            model::field_choices(w)
                .into_iter()
                .filter(|f| f.key != own)
                .collect::<Vec<_>>()
        })
    });
    let title = Signal::derive(move || {
        let l = label.get();
        if l.trim().is_empty() { key.get() } else { l }
    });
    let what = Signal::derive(move || format!("field {}", title.get()));

    let shift = move |delta: isize| {
        b.edit(|w| {
            if let Some(step) = model::step_mut(w, step_id) {
                model::shift_by_id(&mut step.option_sets, |o| o.id, os_id, delta);
            }
        });
        focus_later(format!(
            "os-{}-{}",
            os_id.simple(),
            if delta < 0 { "up" } else { "down" }
        ));
    };

    let on_drop = move |ev: leptos::ev::DragEvent| {
        if let Some(Dragging::OptionSet(dragged)) = b.dragging.get_untracked() {
            ev.prevent_default();
            b.dragging.set(None);
            b.edit(|w| {
                if let Some(step) = model::step_mut(w, step_id) {
                    model::move_to_by_id(&mut step.option_sets, |o| o.id, dragged, os_id);
                }
            });
        }
    };

    // The header and the body are erased separately: as one tree the card's view type is
    // too deep for release builds (see README, "Release builds").
    let head = view! {
        <div class="os-head">
            <span
                class="drag-handle"
                draggable="true"
                title="Drag to reorder"
                aria-hidden="true"
                on:dragstart=move |ev: leptos::ev::DragEvent| {
                    set_drag_data(&ev);
                    b.dragging.set(Some(Dragging::OptionSet(os_id)));
                }
                on:dragend=move |_| b.dragging.set(None)
            >
                "⠿"
            </span>
            <button
                type="button"
                class="os-toggle"
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                aria-controls=dom("body")
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                <span class="os-title">{move || title.get()}</span>
                <span class="type-badge">{move || model::type_label(ty.get())}</span>
                <code class="key-badge">{move || key.get()}</code>
                <Show when=move || { all_errors.get() > 0 }>
                    <span class="problem-badge">
                        {move || {
                            let n = all_errors.get();
                            if n == 1 { "1 problem".to_owned() } else { format!("{n} problems") }
                        }}
                    </span>
                </Show>
            </button>
            <span class="row-tools">
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=dom("up")
                    aria-label=move || format!("Move field {} up", title.get())
                    data-testid="os-move-up"
                    on:click=move |_| shift(-1)
                >
                    "↑"
                </button>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=dom("down")
                    aria-label=move || format!("Move field {} down", title.get())
                    data-testid="os-move-down"
                    on:click=move |_| shift(1)
                >
                    "↓"
                </button>
                <ConfirmDelete
                    what=what
                    testid="os-delete"
                    on_confirm=Callback::new(move |_| {
                        b.edit(|w| {
                            if let Some(step) = model::step_mut(w, step_id) {
                                step.option_sets.retain(|o| o.id != os_id);
                            }
                        })
                    })
                />
            </span>
        </div>
    }
    .into_any();
    let body = view! {
        <div class="os-body" id=dom("body") hidden=move || !expanded.get()>
            <div class="grid-2">
                <div class="field" class:has-error=move || !label_errors.with(Vec::is_empty)>
                    <label for=dom("label")>"Label"</label>
                    <input
                        id=dom("label")
                        type="text"
                        data-testid="os-label"
                        aria-describedby=dom("label-errors")
                        aria-invalid=move || (!label_errors.with(Vec::is_empty)).then_some("true")
                        prop:value=label
                        on:change=move |ev| set_label(b, os_id, event_target_value(&ev))
                    />
                    <ErrorLines messages=label_errors id=dom("label-errors") />
                </div>
                <div class="field" class:has-error=move || !key_errors.with(Vec::is_empty)>
                    <label for=dom("key")>"Key"</label>
                    <input
                        id=dom("key")
                        type="text"
                        class="mono"
                        data-testid="os-key"
                        spellcheck="false"
                        autocomplete="off"
                        aria-describedby=format!("{} {}", dom("key-hint"), dom("key-errors"))
                        aria-invalid=move || (!key_errors.with(Vec::is_empty)).then_some("true")
                        prop:value=key
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            match FieldKey::try_from(text.trim()) {
                                Ok(k) => {
                                    key_error.set(None);
                                    set_key(b, os_id, k);
                                }
                                Err(e) => key_error.set(Some(e.to_string())),
                            }
                        }
                    />
                    <p class="hint" id=dom("key-hint")>"Names the answer in conditions: a-z, 0-9 and _, starting with a letter."</p>
                    <ErrorLines messages=key_errors id=dom("key-errors") />
                </div>
            </div>
            <div class="field">
                <label for=dom("help")>"Help text"</label>
                <input
                    id=dom("help")
                    type="text"
                    data-testid="os-help"
                    prop:value=help
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit_os(b, os_id, |os| os.help_text = v);
                    }
                />
            </div>
            <div class="grid-2">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="os-required"
                        prop:checked=required
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit_os(b, os_id, |os| os.required = on);
                        }
                    />
                    "Required"
                </label>
                <div class="field inline-field">
                    <label for=dom("type")>"Type"</label>
                    <select
                        id=dom("type")
                        data-testid="os-type"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(t) = SelectionType::ALL.into_iter().find(|t| t.as_str() == v) {
                                edit_os(b, os_id, |os| model::change_type(os, t));
                            }
                        }
                    >
                        {move || {
                            let current = ty.get();
                            let mut types: Vec<SelectionType> = model::buildable_types().collect();
                            if !types.contains(&current) {
                                types.push(current);
                            }
                            types
                                .into_iter()
                                .map(|t| view! { <option value=t.as_str() selected=t == current>{model::type_label(t)}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
            </div>
            <SettingsEditor b os_id path />
            <Show when=move || ty.get().takes_options()>
                <OptionsEditor b os_id path />
                <ErrorLines messages=option_list_errors id=dom("options-errors") />
            </Show>
            <details class="conditions" open=b.wizard.with_untracked(|w| {
                model::option_set(w, os_id).is_some_and(|os| os.conditions().next().is_some())
            })>
                <summary>"Conditions"</summary>
                {CONDITIONS
                    .into_iter()
                    .map(|(name, label, when_empty)| {
                        let value = Memo::new(move |_| {
                            b.wizard.with(|w| {
                                model::option_set(w, os_id).and_then(|os| slot(os, name).cloned().flatten())
                            })
                        });
                        let cond_path = Signal::derive(move || path.get().map(|p| format!("{p}.{name}")));
                        let on_set = Callback::new(move |c: Option<Condition>| {
                            edit_os(b, os_id, |os| {
                                if let Some(s) = slot_mut(os, name) {
                                    *s = c;
                                }
                            });
                        });
                        view! {
                            <ConditionEditor
                                b
                                value=value
                                on_set
                                fields=fields_for_conditions
                                path=cond_path
                                label
                                when_empty
                                owner=os_id
                                name
                            />
                        }
                    })
                    .collect_view()}
            </details>
            {use_context::<EventStore>().map(|store| {
                let targets = Signal::derive(move || {
                    b.wizard.with(|w| {
                        model::option_set(w, os_id)
                            .map(|os| {
                                let mut ts = vec![(Target::option_set(os_id), "This field".to_owned())];
                                ts.extend(os.options.iter().map(|o| (Target::option(o.id), format!("Option {}", o.label))));
                                ts
                            })
                            .unwrap_or_default()
                    })
                });
                view! { <EventsPanel b store targets key=format!("os-{}", os_id.simple()) heading="Field events" /> }
            })}
        </div>
    }
    .into_any();
    view! {
        <li
            class="os-card"
            class:has-problems=move || { all_errors.get() > 0 }
            class:drop-target=move || matches!(b.dragging.get(), Some(Dragging::OptionSet(d)) if d != os_id)
            data-testid="option-set"
            data-key=move || key.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if matches!(b.dragging.get_untracked(), Some(Dragging::OptionSet(_))) {
                    ev.prevent_default();
                }
            }
            on:drop=on_drop
        >
            {head}
            {body}
        </li>
    }.into_any()
}

/// Lets Firefox start a drag (it needs some data); Chromium does not care.
pub fn set_drag_data(ev: &leptos::ev::DragEvent) {
    #[cfg(feature = "hydrate")]
    if let Some(dt) = ev.data_transfer() {
        let _ = dt.set_data("text/plain", "reorder");
        dt.set_effect_allowed("move");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Every setting of the field's type, from the table in `model::settings_for`.
#[component]
fn SettingsEditor(b: Builder, os_id: Uuid, path: Memo<Option<String>>) -> impl IntoView {
    let ty = Memo::new(move |_| {
        b.wizard.with(|w| {
            model::option_set(w, os_id).map_or(SelectionType::TextInput, OptionSet::selection_type)
        })
    });
    move || {
        let t = ty.get();
        let specs = model::settings_for(t);
        if specs.is_empty() {
            return view! {
                <p class="hint">"This kind of field is configured by the events and actions that fill it."</p>
            }
            .into_any();
        }
        view! {
            <fieldset class="settings" data-testid="settings">
                <legend>{format!("{} settings", model::type_label(t))}</legend>
                <div class="settings-grid">
                    {specs.iter().map(|spec| view! { <SettingInput b os_id path spec=*spec /> }).collect_view()}
                </div>
            </fieldset>
        }
        .into_any()
    }
}

#[component]
fn SettingInput(
    b: Builder,
    os_id: Uuid,
    path: Memo<Option<String>>,
    spec: SettingSpec,
) -> impl IntoView {
    let text = text_memo(move || {
        b.wizard.with(|w| {
            model::option_set(w, os_id)
                .map(|os| model::setting_to_input(&model::settings_json(&os.field), &spec))
                .unwrap_or_default()
        })
    });
    let local_error = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || {
        let mut v: Vec<String> = local_error.get().into_iter().collect();
        if let Some(p) = path.get() {
            v.extend(b.errors_under(&format!("{p}.settings.{}", spec.name)));
        }
        v
    });
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let id = format!("os-{}-set-{}", os_id.simple(), spec.name);
    let err_id = format!("{id}-errors");
    let hint_id = format!("{id}-hint");
    let testid = format!("setting-{}", spec.name);
    let commit = move |raw: String| {
        let value = match model::setting_from_input(&spec, &raw) {
            Ok(v) => v,
            Err(e) => {
                local_error.set(Some(e));
                return;
            }
        };
        let field = b
            .wizard
            .with_untracked(|w| model::option_set(w, os_id).map(|os| os.field.clone()));
        let Some(field) = field else { return };
        match model::with_setting(&field, spec.name, value) {
            Ok(new_field) => {
                local_error.set(None);
                edit_os(b, os_id, |os| os.field = new_field);
            }
            Err(e) => local_error.set(Some(e)),
        }
    };
    let described = format!("{hint_id} {err_id}");
    let input = match spec.kind {
        SettingKind::Bool => view! {
            <label class="check">
                <input
                    type="checkbox"
                    id=id.clone()
                    data-testid=testid
                    aria-describedby=described
                    prop:checked=move || text.get() == "true"
                    on:change=move |ev| commit(event_target_checked(&ev).to_string())
                />
                {spec.label}
            </label>
        }
        .into_any(),
        SettingKind::Choice(choices) => view! {
            <label for=id.clone()>{spec.label}</label>
            <select
                id=id.clone()
                data-testid=testid
                aria-describedby=described
                aria-invalid=invalid
                on:change=move |ev| commit(event_target_value(&ev))
            >
                {choices
                    .iter()
                    .map(|(v, l)| view! { <option value=*v selected=move || text.get() == *v>{*l}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        kind => {
            let (input_type, step) = match kind {
                SettingKind::Int { .. } => ("number", Some("1")),
                SettingKind::Float { .. } => ("number", Some("any")),
                SettingKind::Date => ("date", None),
                SettingKind::Time => ("time", Some("1")),
                SettingKind::DateTime => ("datetime-local", Some("1")),
                _ => ("text", None),
            };
            let placeholder = match kind {
                SettingKind::Int { optional: true } | SettingKind::Float { optional: true } => Some("no limit"),
                _ => None,
            };
            view! {
                <label for=id.clone()>{spec.label}</label>
                <input
                    id=id.clone()
                    type=input_type
                    step=step
                    placeholder=placeholder
                    data-testid=testid
                    aria-describedby=described
                    aria-invalid=invalid
                    prop:value=text
                    on:change=move |ev| commit(event_target_value(&ev))
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty)>
            {input}
            {(!spec.hint.is_empty()).then(|| view! { <p class="hint" id=hint_id.clone()>{spec.hint}</p> })}
            <ErrorLines messages=errors id=err_id />
        </div>
    }.into_any()
}

/// The choices of a select: label, value (following the label until edited) and an
/// optional description; add, reorder, delete.
#[component]
fn OptionsEditor(b: Builder, os_id: Uuid, path: Memo<Option<String>>) -> impl IntoView {
    let ids = Memo::new(move |_| {
        b.wizard.with(|w| {
            model::option_set(w, os_id)
                .map(|os| os.options.iter().map(|o| o.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let add = move |_| {
        let new_id = Uuid::new_v4();
        edit_os(b, os_id, |os| {
            let n = os.options.len() + 1;
            let label = format!("Option {n}");
            let taken: Vec<&str> = os.options.iter().map(|o| o.value.as_str()).collect();
            let value = model::unique_value(&label, &taken);
            os.options.push(WizardOption {
                id: new_id,
                label,
                value,
                description: String::new(),
            });
        });
        focus_later(format!("opt-{}-label", new_id.simple()));
    };
    view! {
        <fieldset class="options" data-testid="options">
            <legend>"Options"</legend>
            <ol class="option-list">
                <For each=move || ids.get() key=|id| *id let:opt_id>
                    <OptionRow b os_id opt_id path />
                </For>
            </ol>
            <button type="button" class="btn btn-small btn-quiet" data-testid="add-option" on:click=add>
                "+ Option"
            </button>
        </fieldset>
    }.into_any()
}

#[component]
fn OptionRow(b: Builder, os_id: Uuid, opt_id: Uuid, path: Memo<Option<String>>) -> impl IntoView {
    let read = move |f: fn(&WizardOption) -> String| {
        text_memo(move || {
            b.wizard.with(|w| {
                model::option_set(w, os_id)
                    .and_then(|os| os.options.iter().find(|o| o.id == opt_id))
                    .map(f)
                    .unwrap_or_default()
            })
        })
    };
    let label = read(|o| o.label.clone());
    let value = read(|o| o.value.clone());
    let description = read(|o| o.description.clone());
    let index = Memo::new(move |_| {
        b.wizard.with(|w| {
            model::option_set(w, os_id)
                .and_then(|os| os.options.iter().position(|o| o.id == opt_id))
        })
    });
    let errors = Signal::derive(move || match (path.get(), index.get()) {
        (Some(p), Some(i)) => b.errors_under(&format!("{p}.options[{i}]")),
        _ => Vec::new(),
    });
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let dom = move |what: &str| format!("opt-{}-{what}", opt_id.simple());
    let set_label = move |text: String| {
        edit_options(b, os_id, move |opts| {
            let taken: Vec<String> = opts
                .iter()
                .filter(|o| o.id != opt_id)
                .map(|o| o.value.clone())
                .collect();
            let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
            if let Some(o) = opts.iter_mut().find(|o| o.id == opt_id) {
                let derived = o.value == model::unique_value(&o.label, &taken);
                if derived {
                    o.value = model::unique_value(&text, &taken);
                }
                o.label = text;
            }
        });
    };
    let shift = move |delta: isize| {
        edit_options(b, os_id, move |opts| {
            model::shift_by_id(opts, |o| o.id, opt_id, delta);
        });
        focus_later(format!(
            "opt-{}-{}",
            opt_id.simple(),
            if delta < 0 { "up" } else { "down" }
        ));
    };
    let title = Signal::derive(move || label.get());
    view! {
        <li
            class="option-row"
            class:drop-target=move || matches!(b.dragging.get(), Some(Dragging::Option { option_set, option }) if option_set == os_id && option != opt_id)
            data-testid="option"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if matches!(b.dragging.get_untracked(), Some(Dragging::Option { option_set, .. }) if option_set == os_id) {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: leptos::ev::DragEvent| {
                if let Some(Dragging::Option { option_set, option }) = b.dragging.get_untracked()
                    && option_set == os_id
                {
                    ev.prevent_default();
                    b.dragging.set(None);
                    edit_options(b, os_id, move |opts| {
                        model::move_to_by_id(opts, |o| o.id, option, opt_id);
                    });
                }
            }
        >
            <span
                class="drag-handle"
                draggable="true"
                title="Drag to reorder"
                aria-hidden="true"
                on:dragstart=move |ev: leptos::ev::DragEvent| {
                    set_drag_data(&ev);
                    b.dragging.set(Some(Dragging::Option { option_set: os_id, option: opt_id }));
                }
                on:dragend=move |_| b.dragging.set(None)
            >
                "⠿"
            </span>
            <input
                id=dom("label")
                type="text"
                aria-label="Option label"
                data-testid="option-label"
                aria-invalid=invalid
                aria-describedby=dom("errors")
                prop:value=label
                on:change=move |ev| set_label(event_target_value(&ev))
            />
            <input
                type="text"
                class="mono"
                aria-label="Option value"
                data-testid="option-value"
                spellcheck="false"
                aria-invalid=invalid
                aria-describedby=dom("errors")
                prop:value=value
                on:change=move |ev| {
                    let v = event_target_value(&ev).trim().to_owned();
                    edit_options(b, os_id, move |opts| {
                        if let Some(o) = opts.iter_mut().find(|o| o.id == opt_id) {
                            o.value = v;
                        }
                    });
                }
            />
            <input
                type="text"
                aria-label="Option description"
                placeholder="Description (optional)"
                data-testid="option-description"
                prop:value=description
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit_options(b, os_id, move |opts| {
                        if let Some(o) = opts.iter_mut().find(|o| o.id == opt_id) {
                            o.description = v;
                        }
                    });
                }
            />
            <span class="row-tools">
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=dom("up")
                    aria-label=move || format!("Move option {} up", title.get())
                    on:click=move |_| shift(-1)
                >
                    "↑"
                </button>
                <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    id=dom("down")
                    aria-label=move || format!("Move option {} down", title.get())
                    on:click=move |_| shift(1)
                >
                    "↓"
                </button>
                <ConfirmDelete
                    what=Signal::derive(move || format!("option {}", title.get()))
                    testid="option-delete"
                    on_confirm=Callback::new(move |_| {
                        edit_options(b, os_id, move |opts| opts.retain(|o| o.id != opt_id));
                    })
                />
            </span>
            <ErrorLines messages=errors id=dom("errors") />
        </li>
    }.into_any()
}

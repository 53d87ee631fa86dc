//! Events panels: the events of the wizard, of a step, or of a field and its options,
//! each row opening the event in the editor; a form adding an event with only the
//! triggers its target offers; and the overview of every event of the wizard by target,
//! so nothing is hidden in a collapsed field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::event::{Event, Trigger};
use wizard_core::domain::event_view::{EventView, PutEventRequest};
use wizard_core::domain::problem::FieldError;

use super::inputs::{SelectSetting, TextSetting};
use super::model::{self, Target};
use super::{EventStore, event_of};
use crate::builder::state::Builder;
use crate::fns::Outcome;
use crate::fns::events::{create_event, save_event};

/// Opens an event in the editor (and its step in the step editor, so its fields show).
fn open(b: Builder, store: EventStore, view: &EventView) {
    if let Some(step) = b
        .wizard
        .with_untracked(|w| Target::of(view.trigger, view.target_id).step_of(w))
    {
        b.selected_step.set(Some(step));
    }
    store.open.set(Some(view.id));
}

/// The events listening on `targets`, and the form adding one. `targets` pairs each
/// target with what the add form calls it ("This field", "Option Red").
#[component]
pub fn EventsPanel(
    b: Builder,
    store: EventStore,
    #[prop(into)] targets: Signal<Vec<(Target, String)>>,
    /// Unique on the page: DOM ids and the test id derive from it.
    key: String,
    #[prop(optional)] heading: &'static str,
) -> impl IntoView {
    let ids = Memo::new(move |_| {
        let ts: Vec<Target> = targets.with(|ts| ts.iter().map(|(t, _)| *t).collect());
        store.ids_for(&ts)
    });
    let heading = if heading.is_empty() {
        "Events"
    } else {
        heading
    };
    let many = Memo::new(move |_| targets.with(|ts| ts.len() > 1));
    let testid = format!("events-{key}");
    view! {
        <div class="events-panel" data-testid=testid>
            <h3 class="section-title">{heading}</h3>
            {move || match store.list.get() {
                None => view! { <p class="muted small">"Loading events…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{format!("Events could not be read: {e}")}</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <ul class="event-list">
                <For each=move || ids.get() key=|id| *id let:id>
                    <EventRow b store id show_target=many />
                </For>
            </ul>
            <AddEvent b store targets key />
        </div>
    }
    .into_any()
}

#[component]
fn EventRow(
    b: Builder,
    store: EventStore,
    id: Uuid,
    #[prop(into)] show_target: Signal<bool>,
) -> impl IntoView {
    let view = Memo::new(move |_| store.get(id));
    let is_open = Memo::new(move |_| store.open.get() == Some(id));
    move || {
        let v = view.get()?;
        let target = b
            .wizard
            .with(|w| Target::of(v.trigger, v.target_id).describe(w));
        let actions = match v.actions.len() {
            1 => "1 action".to_owned(),
            n => format!("{n} actions"),
        };
        let edited = v.updated_at.get(..16).unwrap_or_default().replace('T', " ");
        let label = format!("Edit event {}", v.name);
        let open_it = {
            let v = v.clone();
            move |_| open(b, store, &v)
        };
        Some(view! {
            <li class="event-row" class:open=move || is_open.get() data-testid="event-row" data-name=v.name.clone()>
                <button type="button" class="link-button event-open" aria-label=label on:click=open_it>
                    <span class="strong">{v.name.clone()}</span>
                </button>
                <span class="muted small">{model::trigger_label(v.trigger)}</span>
                {move || show_target.get().then(|| view! { <span class="muted small">{format!(" · {target}")}</span> })}
                <span class="event-meta muted small">
                    {format!("{actions} · edited {edited}")}
                    {v.conditions.is_some().then_some(" · with conditions")}
                </span>
                {(!v.enabled).then(|| view! { <span class="badge badge-warn" data-testid="event-disabled">"disabled"</span> })}
                <EnabledSwitch store view=v.clone() is_open />
            </li>
        }
        .into_any())
    }
}

/// Turns an event on or off from its row, saved at once (at the version the row shows, so
/// a change made elsewhere meanwhile is a conflict, not overwritten). While the event is
/// open, its editor's own switch is the one to use: it saves with the rest of the edits.
#[component]
fn EnabledSwitch(store: EventStore, view: EventView, is_open: Memo<bool>) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let label = format!("Event {} enabled", view.name);
    let on = view.enabled;
    let view = StoredValue::new(view);
    let toggle = move |wanted: bool| {
        let v = view.get_value();
        let mut event = event_of(&v);
        event.enabled = wanted;
        let req = PutEventRequest {
            version: v.version,
            event,
        };
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = save_event(v.id, req).await;
            busy.set(false);
            match result {
                Ok(Outcome::Done(saved)) => store.put(saved),
                Ok(Outcome::Conflict(m)) => failure.set(Some(m)),
                Ok(Outcome::Invalid(es)) => {
                    failure.set(Some(es.first().map_or_else(
                        || "The server refused the change.".to_owned(),
                        |e| format!("{}: {}", e.field, e.message),
                    )));
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <label class="check small event-switch">
            <input type="checkbox" role="switch" data-testid="event-row-enabled" aria-label=label
                prop:checked=on disabled=move || busy.get() || is_open.get()
                title=move || is_open.get().then_some("Open in the editor: use its switch")
                on:change=move |ev| toggle(event_target_checked(&ev)) />
            "on"
        </label>
        {move || failure.get().map(|f| view! { <span class="field-error small" role="alert">{f}</span> })}
    }
    .into_any()
}

#[component]
fn AddEvent(
    b: Builder,
    store: EventStore,
    #[prop(into)] targets: Signal<Vec<(Target, String)>>,
    key: String,
) -> impl IntoView {
    let chosen = RwSignal::new(0usize);
    let target =
        Memo::new(move |_| targets.with(|ts| ts.get(chosen.get()).or(ts.first()).map(|(t, _)| *t)));
    let triggers = Memo::new(move |_| {
        let Some(t) = target.get() else {
            return Vec::new();
        };
        b.wizard.with(|w| model::triggers_at(t, w))
    });
    let trigger = RwSignal::new(None::<Trigger>);
    let current = Memo::new(move |_| {
        let list = triggers.get();
        trigger
            .get()
            .filter(|t| list.contains(t))
            .or(list.first().copied())
    });
    let name = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let dom = |what: &str| format!("add-event-{key}-{what}");
    let (target_dom, trigger_dom, name_dom) = (dom("target"), dom("trigger"), dom("name"));
    let at = move |path: &'static str| {
        Signal::derive(move || errors.with(|es| model::messages_at(es, path)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(t), Some(tr)) = (target.get_untracked(), current.get_untracked()) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let typed = name.get_untracked().trim().to_owned();
        let event = Event {
            id: Uuid::nil(),
            name: if typed.is_empty() {
                model::trigger_label(tr).to_owned()
            } else {
                typed
            },
            description: String::new(),
            trigger: tr,
            target_type: Some(t.kind),
            target_id: t.id,
            conditions: None,
            enabled: true,
            actions: Vec::new(),
        };
        busy.set(true);
        spawn_local(async move {
            let result = create_event(store.wizard_id, event).await;
            busy.set(false);
            match result {
                Ok(Outcome::Done(view)) => {
                    errors.set(Vec::new());
                    failure.set(None);
                    name.set(String::new());
                    store.put(view.clone());
                    open(b, store, &view);
                }
                Ok(Outcome::Invalid(es)) => errors.set(es),
                Ok(Outcome::Conflict(m)) => failure.set(Some(m)),
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let target_choices = Signal::derive(move || {
        targets.with(|ts| {
            ts.iter()
                .enumerate()
                .map(|(i, (_, l))| (i.to_string(), l.clone()))
                .collect::<Vec<_>>()
        })
    });
    let trigger_choices = Signal::derive(move || {
        triggers
            .get()
            .into_iter()
            .map(|t| (t.as_str().to_owned(), model::trigger_label(t).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <form class="add-event" on:submit=submit data-testid="add-event" novalidate>
            <Show when=move || targets.with(|ts| ts.len() > 1)>
                <SelectSetting
                    id=target_dom.clone()
                    label="On"
                    choices=target_choices
                    value=Signal::derive(move || chosen.get().to_string())
                    on_change=Callback::new(move |v: String| chosen.set(v.parse().unwrap_or(0)))
                    errors=at("target_id")
                    testid="add-event-target"
                />
            </Show>
            <SelectSetting
                id=trigger_dom
                label="When"
                choices=trigger_choices
                value=Signal::derive(move || current.get().map(|t| t.as_str().to_owned()).unwrap_or_default())
                on_change=Callback::new(move |v: String| trigger.set(v.parse().ok()))
                errors=at("trigger")
                testid="add-event-trigger"
            />
            <TextSetting
                id=name_dom
                label="Event name"
                value=name
                on_change=Callback::new(move |v: String| name.set(v))
                errors=at("name")
                testid="add-event-name"
                placeholder="e.g. Look up the customer"
            />
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <button type="submit" class="btn btn-small" data-testid="add-event-submit" disabled=move || busy.get()>
                "+ Add event"
            </button>
        </form>
    }
    .into_any()
}

/// Every event of the wizard, grouped by what it listens on.
#[component]
pub fn EventsOverview(b: Builder, store: EventStore) -> impl IntoView {
    let groups = Memo::new(move |_| {
        let Some(Ok(list)) = store.list.get() else {
            return Vec::new();
        };
        let mut groups: Vec<(Target, String, Vec<EventView>)> = Vec::new();
        b.wizard.with(|w| {
            for e in list {
                let t = Target::of(e.trigger, e.target_id);
                match groups.iter_mut().find(|(g, _, _)| *g == t) {
                    Some((_, _, es)) => es.push(e),
                    None => groups.push((t, t.describe(w), vec![e])),
                }
            }
        });
        groups
    });
    view! {
        <section class="panel" aria-labelledby="events-overview-heading" data-testid="events-overview">
            <h2 class="panel-title" id="events-overview-heading">"All events"</h2>
            <Show when=move || groups.with(Vec::is_empty)>
                <p class="muted small">"None yet. Add events on the wizard, a step or a field."</p>
            </Show>
            {move || {
                groups
                    .get()
                    .into_iter()
                    .map(|(_, label, events)| {
                        view! {
                            <h3 class="section-title">{label}</h3>
                            <ul class="event-list">
                                {events
                                    .into_iter()
                                    .map(|e| {
                                        let text = format!("{} — {}", e.name, model::trigger_label(e.trigger));
                                        view! {
                                            <li>
                                                <button type="button" class="link-button" data-testid="overview-event" on:click=move |_| open(b, store, &e)>
                                                    {text}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
    .into_any()
}

//! The fields that actions drive: `output` and `dynamic_table` slots show the latest
//! render an action put there; `apply_button` fires its `optionSet.onApply` event.
//!
//! They need the page that runs the form ([`ActionHost`], provided by the player); the
//! builder's preview has none and shows what each slot will hold.

use std::collections::{BTreeMap, HashMap};

use wizard_core::domain::RowSelection;
use wizard_core::domain::event::{Render, Trigger};

use super::*;
use crate::components::renderers::{RenderSlot, RowPick};

/// What the action fields of a form reach on the page running it.
#[derive(Clone, Copy)]
pub struct ActionHost {
    /// The latest render of each slot, by field key.
    pub renders: RwSignal<BTreeMap<String, Render>>,
    /// Fires an event: (trigger, target, `event.value`).
    pub fire: Callback<(Trigger, Option<Uuid>, Option<Value>)>,
    /// Triggers whose events are running, by target, with what they are doing now.
    pub running: RwSignal<HashMap<(Trigger, Uuid), String>>,
    /// A dropdown renderer or a picked table row writing a field: (key, value), taken
    /// like any change of an answer.
    pub pick: Callback<(String, Value)>,
    /// The run's answers (a `dynamic_table` shows the rows picked).
    pub answers: RwSignal<wizard_core::domain::condition::Answers>,
}

pub(super) fn action_slot(ctx: Ctx) -> impl IntoView {
    let os = ctx.os.clone();
    let key = os.key.to_string();
    let Some(host) = use_context::<ActionHost>() else {
        let kind = match os.selection_type() {
            SelectionType::DynamicTable => "A table",
            SelectionType::ApplyButton => "A button",
            _ => "An output",
        };
        return view! {
            <div class="action-slot" id=ctx.id.clone() aria-describedby=ctx.described.clone()>
                {kind} " filled by an action when the wizard runs."
            </div>
        }
        .into_any();
    };
    if os.selection_type() == SelectionType::ApplyButton {
        let id = os.id;
        let label = os.label.clone();
        let running = move || {
            host.running
                .with(|r| r.get(&(Trigger::OptionSetOnApply, id)).cloned())
        };
        return view! {
            <div class="apply">
                <button
                    type="button"
                    class="btn"
                    id=ctx.id.clone()
                    aria-describedby=ctx.described.clone()
                    data-testid=format!("apply-{key}")
                    disabled=move || ctx.disabled.get() || running().is_some()
                    aria-busy=move || running().is_some().then_some("true")
                    on:click=move |_| host.fire.run((Trigger::OptionSetOnApply, Some(id), None))
                >
                    {label}
                </button>
                <span class="apply-progress" role="status" aria-live="polite" data-testid=format!("progress-{key}")>
                    {move || running().map(|m| view! { <span class="spinner" aria-hidden="true"></span> {m} })}
                </span>
            </div>
        }
        .into_any();
    }
    let slot = key.clone();
    // Rows the person picks: the answer is the picked rows' values (checked by the server).
    let rows = match &os.field {
        Field::DynamicTable(t) if !t.selection.is_none() => {
            let (answer, write) = (key.clone(), key.clone());
            Some(RowPick {
                multiple: t.selection == RowSelection::Multiple,
                value_path: t.value_path.clone().unwrap_or_default(),
                chosen: Signal::derive(move || host.answers.with(|a| a.get(&answer).cloned())),
                on_pick: Callback::new(move |v| host.pick.run((write.clone(), v))),
            })
        }
        _ => None,
    };
    view! {
        <div class="action-slot filled" id=ctx.id.clone() aria-describedby=ctx.described.clone() aria-live="polite">
            {move || match host.renders.with(|r| r.get(&slot).cloned()) {
                Some(render) => deferred(render_widget(slot.clone(), render, host.pick, rows.clone())),
                None => view! { <p class="muted">"Nothing to show yet."</p> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

// The renderers load their code on demand (components/deferred.rs): most runs of most
// wizards show none, and the player's bundle stays small (README, "Browser bundle").
#[cfg_attr(feature = "hydrate", leptos::lazy)]
pub(crate) fn render_widget(
    field_key: String,
    render: Render,
    pick: Callback<(String, Value)>,
    rows: Option<RowPick>,
) -> AnyView {
    match rows {
        Some(rows) => view! { <RenderSlot field_key render on_pick=pick rows /> }.into_any(),
        None => view! { <RenderSlot field_key render on_pick=pick /> }.into_any(),
    }
}

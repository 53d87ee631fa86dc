//! `library_action`: a library action picked by name (DESIGN §5), and a form generated from
//! its declared input parameters (`schema::library_params`), each a typed value or a
//! `{{ template }}`. Its output (and its output parameters) is `actions.<name>.output`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wizard_core::domain::event::{ActionConfig, LibraryActionConfig};
use wizard_core::domain::library::{CodeStatus, Direction, LibraryChoice};

use super::argument::{ArgumentInput, ArgumentsOf};
use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::SelectSetting;
use crate::builder::events::schema::library_params;
use crate::fns::library::library_choices;

config_of!(LibraryAction, LibraryActionConfig);

/// Where this editor's typed inputs keep their values.
const PARAMS: ArgumentsOf = ArgumentsOf {
    read: |c| pick(c).map(|c| &c.params),
    write: |c| pick_mut(c).map(|c| &mut c.params),
    member: "config.params",
    testid: "library",
};

#[component]
pub fn LibraryActionEditor(ctx: ActionCtx) -> impl IntoView {
    let cfg = config_memo(ctx, pick);
    let chosen_name = config_text(cfg, |c| c.action.clone());
    let catalog = RwSignal::new(None::<Result<Vec<LibraryChoice>, String>>);
    spawn_local(async move {
        catalog.set(Some(library_choices().await.map_err(|e| e.to_string())));
    });
    let choices = Signal::derive(move || {
        let mut out = vec![(String::new(), "Pick a library action…".to_owned())];
        if let Some(Ok(list)) = catalog.get() {
            out.extend(list.into_iter().map(|c| {
                let label = match c.action.code_status {
                    CodeStatus::Approved => c.action.name.clone(),
                    s => format!("{} ({s})", c.action.name),
                };
                (c.action.name, label)
            }));
        }
        let current = chosen_name.get();
        if !current.is_empty() && !out.iter().any(|(v, _)| *v == current) {
            out.push((current.clone(), current));
        }
        out
    });
    let chosen = Memo::new(move |_| {
        let name = chosen_name.get();
        catalog.with(|c| match c {
            Some(Ok(list)) => list.iter().find(|c| c.action.name == name).cloned(),
            _ => None,
        })
    });
    view! {
        <SelectSetting
            id=ctx.dom("library-action")
            label="Library action"
            choices=choices
            value=chosen_name
            on_change=Callback::new(move |v: String| {
                edit_config(ctx, pick_mut, |c| {
                    if c.action != v {
                        c.action = v;
                        c.params.clear();
                    }
                });
            })
            errors=ctx.messages("config.action")
            testid="library-action-pick"
        />
        <div aria-live="polite" data-testid="library-action-state">
            {move || match catalog.get() {
                None => view! { <p class="muted small">"Loading the library…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{format!("Could not load the library: {e}")}</p> }.into_any(),
                Some(Ok(_)) => chosen.get().map(|c| {
                    let unapproved = c.action.code_status != CodeStatus::Approved;
                    let outputs: Vec<String> = c
                        .params
                        .iter()
                        .filter(|p| p.direction != Direction::Input)
                        .map(|p| p.name.clone())
                        .collect();
                    view! {
                        <p class="hint" data-testid="library-action-description">{c.action.description.clone()}</p>
                        {unapproved.then(|| view! {
                            <p class="field-error" data-testid="library-action-unapproved">
                                {format!("Its code is {}: it will not run in a wizard until it is approved.", c.action.code_status)}
                            </p>
                        })}
                        {(!outputs.is_empty()).then(|| view! {
                            <p class="hint">{format!("It returns {}.", outputs.join(", "))}</p>
                        })}
                    }
                    .into_any()
                }).into_any(),
            }}
        </div>
        {move || {
            let Some(c) = chosen.get() else {
                return ().into_any();
            };
            let ps = library_params(&c.params);
            if ps.is_empty() {
                return view! { <p class="muted small">"This action takes no parameters."</p> }.into_any();
            }
            view! {
                <fieldset class="schema-form" data-testid="library-action-params">
                    <legend>{format!("Parameters of {}", c.action.name)}</legend>
                    {ps.into_iter().map(|p| view! { <ArgumentInput ctx p of=PARAMS /> }).collect_view()}
                </fieldset>
            }
            .into_any()
        }}
    }
    .into_any()
}

//! "Generate with AI": the builder describes what the action should do; the server asks the
//! admin's language model, checks the answer (readable, parameters that fit, code that
//! compiles) and stores it as a proposal (`backend::library::generate`). Here the builder
//! reviews the proposal — which parameters it adds, changes or removes, and the code line
//! by line against the current code — and accepts it (it becomes the current code, pending
//! review) or discards it. Nothing current changes before "Accept".

use leptos::prelude::*;
use leptos::task::spawn_local;
use wizard_core::domain::library::{ActionParam, LibraryActionView};
use wizard_core::domain::llm::{
    DiffTag, GenerateRequest, GenerationView, ParamChange, ParamChangeKind,
};
use wizard_core::domain::problem::FieldError;

use super::PendingGeneration;
use crate::builder::events::inputs::TextSetting;
use crate::builder::events::model::messages_at;
use crate::builder::ui::settle;
use crate::fns::Outcome;
use crate::fns::library::{generate_library_code, restore_library_code};

/// `string, required` or `int = 3, output`: one parameter in a line.
fn param_summary(p: &ActionParam) -> String {
    let mut s = p.param_type.as_str().to_owned();
    if let Some(d) = &p.default {
        s.push_str(&format!(" = {d}"));
    }
    if p.is_required {
        s.push_str(", required");
    }
    if p.direction.as_str() != "input" {
        s.push_str(&format!(", {}", p.direction));
    }
    s
}

fn change_text(c: &ParamChange) -> String {
    let side = |p: &Option<ActionParam>| p.as_ref().map(param_summary).unwrap_or_default();
    match c.change {
        ParamChangeKind::Added => side(&c.after),
        ParamChangeKind::Removed => side(&c.before),
        ParamChangeKind::Unchanged => side(&c.after),
        ParamChangeKind::Changed => format!("{} → {}", side(&c.before), side(&c.after)),
    }
}

#[component]
pub fn Generate(
    action: LibraryActionView,
    /// The action after an accept (its code, parameters and version are new).
    on_accepted: Callback<LibraryActionView>,
    /// A proposal was stored (a new code version).
    on_proposed: Callback<()>,
) -> impl IntoView {
    let (id, version) = (action.id, action.version);
    let description = RwSignal::new(
        action
            .prompt
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| action.description.clone()),
    );
    let proposal = RwSignal::new(None::<GenerationView>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let asking = RwSignal::new(false);
    let ask = move || {
        if asking.get_untracked() {
            return;
        }
        asking.set(true);
        proposal.set(None);
        failure.set(None);
        errors.set(Vec::new());
        status.set(Some(
            "Asking the language model… this can take a minute.".into(),
        ));
        let req = GenerateRequest {
            description: description.get_untracked(),
            version,
        };
        spawn_local(async move {
            let result = generate_library_code(id, req).await;
            asking.set(false);
            match result {
                Ok(Outcome::Done(p)) => {
                    status.set(Some(format!(
                        "The model proposes code version #{}. Review it, then accept or discard it.",
                        p.number
                    )));
                    proposal.set(Some(p));
                    on_proposed.run(());
                }
                Ok(Outcome::Invalid(es)) => {
                    status.set(None);
                    errors.set(es);
                }
                Ok(Outcome::Conflict(m)) => {
                    status.set(None);
                    failure.set(Some(m));
                }
                Err(e) => {
                    status.set(None);
                    failure.set(Some(e.to_string()));
                }
            }
        });
    };
    // Created from a description a moment ago: ask with it now.
    if let Some(PendingGeneration(pending)) = use_context::<PendingGeneration>()
        && let Some(first) = pending.get_untracked()
    {
        pending.set(None);
        description.set(first);
        ask();
    }
    let accept = move |number: i64| {
        spawn_local(async move {
            let result = restore_library_code(id, number, version).await;
            if let Some(a) = settle(result, errors, failure) {
                proposal.set(None);
                status.set(Some(format!(
                    "Accepted #{number}: it is the current code now, waiting for review."
                )));
                on_accepted.run(a);
            }
        });
    };
    let discard = move |_| {
        proposal.set(None);
        status.set(Some(
            "Discarded. The proposal stays in the code versions if you change your mind.".into(),
        ));
    };
    view! {
        <section class="generate" aria-labelledby="generate-heading" data-testid="library-generate">
            <h3 id="generate-heading">"Generate with AI"</h3>
            <TextSetting id="generate-description" label="What should this action do?" value=description
                on_change=Callback::new(move |v: String| description.set(v))
                errors=Signal::derive(move || errors.with(|es| messages_at(es, "description")))
                testid="generate-description" rows=3
                hint="The model writes the code and declares its parameters; a child calls its parent by name." />
            <div class="form-actions">
                <button type="button" class="btn" data-testid="generate-ask" disabled=move || asking.get() on:click=move |_| ask()>
                    {move || if asking.get() { "Generating…" } else { "Generate" }}
                </button>
            </div>
            <div aria-live="polite">
                <p class="notice" role="status" data-testid="generate-status">{move || status.get()}</p>
                {move || failure.get().map(|f| view! { <div class="alert" role="alert" data-testid="generate-failure">{f}</div> })}
            </div>
            {move || proposal.get().map(|p| {
                let number = p.number;
                view! {
                    <div class="proposal" data-testid="generate-proposal">
                        <h4>"Parameters"</h4>
                        <div class="table-wrap">
                            <table class="data" data-testid="proposal-params">
                                <thead><tr><th scope="col">"Parameter"</th><th scope="col">"Change"</th><th scope="col">"Type"</th></tr></thead>
                                <tbody>
                                    {p.param_changes.iter().map(|c| view! {
                                        <tr class=format!("change-{}", c.change)>
                                            <td><code>{c.name.clone()}</code></td>
                                            <td><span class=format!("badge change-{}", c.change)>{c.change.as_str()}</span></td>
                                            <td>{change_text(c)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h4>"Code"</h4>
                        <pre class="diff mono small" tabindex="0" aria-label="Code changes: + added, − removed" data-testid="proposal-diff">
                            {p.code_diff.iter().map(|l| {
                                let (mark, class) = match l.tag {
                                    DiffTag::Added => ("+ ", "diff-added"),
                                    DiffTag::Removed => ("− ", "diff-removed"),
                                    DiffTag::Same => ("  ", "diff-same"),
                                };
                                view! { <span class=class>{format!("{mark}{}\n", l.text)}</span> }
                            }).collect_view()}
                        </pre>
                        <div class="form-actions">
                            <button type="button" class="btn" data-testid="proposal-accept"
                                on:click=move |_| accept(number)>"Accept"</button>
                            <button type="button" class="btn btn-quiet" data-testid="proposal-discard"
                                on:click=discard>"Discard"</button>
                        </div>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
    .into_any()
}

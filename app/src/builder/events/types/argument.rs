//! One typed input per parameter of an action's argument object — an MCP tool's
//! `inputSchema` properties, a library action's declared parameters — shared by the
//! `mcp_call` and `library_action` editors: text, number, whole number, yes/no, a choice or
//! JSON, any of them a `{{ template }}` instead.

use leptos::prelude::*;
use serde_json::{Map, Value};
use wizard_core::domain::event::ActionConfig;

use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::with_local;
use crate::builder::events::schema::{Kind, Param, text_of, value_of};
use crate::builder::events::typed_input::TypedInput;
use crate::builder::ui::ErrorLines;

/// Where an editor keeps the values: the map inside its configuration, the path the
/// server's messages use for it, and the prefix of the inputs' test ids.
#[derive(Clone, Copy)]
pub struct ArgumentsOf {
    pub read: fn(&ActionConfig) -> Option<&Map<String, Value>>,
    pub write: fn(&mut ActionConfig) -> Option<&mut Map<String, Value>>,
    pub member: &'static str,
    pub testid: &'static str,
}

/// One argument: a typed input (or a template), its checks and messages.
#[component]
pub fn ArgumentInput(ctx: ActionCtx, p: Param, of: ArgumentsOf) -> impl IntoView {
    let name = p.name.clone();
    let stored = ctx
        .read(|a| (of.read)(&a.config).and_then(|m| m.get(&name).cloned()))
        .flatten();
    let is_template = |v: &Value| v.as_str().is_some_and(|s| s.contains("{{"));
    let template = RwSignal::new(stored.as_ref().is_some_and(is_template) && p.kind != Kind::Text);
    let text = RwSignal::new(stored.as_ref().map(text_of).unwrap_or_default());
    let local = RwSignal::new(Vec::<String>::new());
    let errors = with_local(local, ctx.messages(format!("{}.{name}", of.member)));
    let id = ctx.dom(&format!("arg-{name}"));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-errors");
    let described = format!("{hint_id} {err_id}");
    let param = StoredValue::new(p.clone());
    let commit = move |typed: String| {
        text.set(typed.clone());
        let p = param.get_value();
        match value_of(&p, &typed) {
            Ok(value) => {
                local.set(Vec::new());
                ctx.edit(|a| {
                    if let Some(m) = (of.write)(&mut a.config) {
                        match value {
                            Some(v) => {
                                m.insert(p.name.clone(), v);
                            }
                            None => {
                                m.remove(&p.name);
                            }
                        }
                    }
                });
            }
            Err(m) => local.set(vec![m]),
        }
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let hint = p.hint();
    let input = {
        let id = id.clone();
        let described = described.clone();
        let p = p.clone();
        let commit = Callback::new(commit);
        move || {
            let (id, described) = (id.clone(), described.clone());
            let testid = format!("{}-arg", of.testid);
            if template.get() {
                return view! {
                    <input id=id type="text" class="mono" aria-describedby=described aria-invalid=invalid
                        data-testid=testid placeholder="{{ fields.key }}"
                        prop:value=move || text.get() on:change=move |ev| commit.run(event_target_value(&ev)) />
                }
                .into_any();
            }
            view! { <TypedInput p=p.clone() id described text invalid=Signal::derive(invalid) commit testid /> }
                .into_any()
        }
    };
    let label = format!("{}{}", p.name, if p.required { " *" } else { "" });
    view! {
        <div class="field" class:has-error=move || !errors.with(Vec::is_empty) data-testid=format!("{}-argument", of.testid) data-name=p.name.clone()>
            <label for=id.clone()>{label}" "<span class="muted small">{p.type_name.clone()}</span></label>
            {input}
            {(p.kind != Kind::Text).then(|| view! {
                <label class="check small">
                    <input type="checkbox" data-testid=format!("{}-arg-template", of.testid) prop:checked=move || template.get()
                        on:change=move |ev| template.set(event_target_checked(&ev)) />
                    "A {{ template }} instead"
                </label>
            })}
            <p class="hint" id=hint_id>{hint}</p>
            <ErrorLines messages=errors id=err_id />
        </div>
    }
    .into_any()
}

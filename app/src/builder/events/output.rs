//! What happens with an action's output: an extract expression first, then any of: write
//! it into a field, replace a dynamic select's options, render it into an output slot
//! with a renderer and that renderer's settings (checked by the server when saved).

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::FieldKey;
use wizard_core::domain::event::{OutputHandling, RenderTarget, ReplaceOptions};
use wizard_core::domain::render::{RawRenderer, Renderer, RendererKind};

use super::inputs::{SelectSetting, TextSetting, with_local};
use super::output_preview::OutputPreviewPanel;
use super::renderer_form::RendererSettings;
use super::{ActionCtx, model};

/// Edits the action's output handling; an empty one is stored as none.
fn edit_output(ctx: ActionCtx, f: impl FnOnce(&mut OutputHandling)) {
    ctx.edit(|a| {
        let mut out = a.output_handling.take().unwrap_or_default();
        f(&mut out);
        a.output_handling = (out != OutputHandling::default()).then_some(out);
    });
}

fn with_none(label: &str, mut list: Vec<(String, String)>) -> Vec<(String, String)> {
    list.insert(0, (String::new(), label.to_owned()));
    list
}

#[component]
pub fn OutputEditor(ctx: ActionCtx) -> impl IntoView {
    let b = ctx.ev.b;
    let out = Memo::new(move |_| {
        ctx.read(|a| a.output_handling.clone().unwrap_or_default())
            .unwrap_or_default()
    });
    let text = move |f: fn(&OutputHandling) -> String| Signal::derive(move || out.with(f));
    let extract = text(|o| o.extract.clone().unwrap_or_default());
    let set_field = text(|o| {
        o.set_field
            .as_ref()
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default()
    });
    let options_of = text(|o| {
        o.replace_options
            .as_ref()
            .map(|r| r.option_set.as_str().to_owned())
            .unwrap_or_default()
    });
    let label_path = text(|o| {
        o.replace_options
            .as_ref()
            .map(|r| r.label_path.clone())
            .unwrap_or_default()
    });
    let value_path = text(|o| {
        o.replace_options
            .as_ref()
            .map(|r| r.value_path.clone())
            .unwrap_or_default()
    });
    let slot = text(|o| {
        o.render
            .as_ref()
            .map(|r| r.slot.as_str().to_owned())
            .unwrap_or_default()
    });
    // The chosen renderer is kept here, not read back from the action: a kind whose settings
    // do not parse yet (a chart before its kind is picked) is not stored, and the settings
    // typed next must be checked against the chosen kind, not the stored one.
    let renderer = RwSignal::new(out.with_untracked(|o| {
        o.render
            .as_ref()
            .map(|r| r.renderer.kind().as_str().to_owned())
            .unwrap_or_else(|| RendererKind::Table.as_str().to_owned())
    }));
    let value_fields =
        Signal::derive(move || with_none("Nowhere", b.wizard.with(model::value_fields)));
    let selects = Signal::derive(move || with_none("None", b.wizard.with(model::dynamic_selects)));
    let slots = Signal::derive(move || with_none("Nowhere", b.wizard.with(model::slot_fields)));
    let kinds: Vec<(String, String)> = RendererKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.as_str().replace('_', " ")))
        .collect();
    // The renderer's settings as JSON text, kept while it does not parse.
    let config_text = RwSignal::new(out.with_untracked(|o| {
        o.render
            .as_ref()
            .map(|r| RawRenderer::from(r.renderer.clone()).config)
            .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    }));
    let config_local = RwSignal::new(Vec::<String>::new());
    let render_server = ctx.messages("output_handling.render");
    let config_errors = with_local(
        config_local,
        Signal::derive(move || {
            let mut all = ctx.messages("output_handling.render.config").get();
            all.extend(render_server.get());
            all
        }),
    );
    // Sets the render target from the slot, kind and settings text; a problem stays local.
    let set_render = move |slot: String, kind: String, settings: String| {
        if slot.is_empty() {
            config_local.set(Vec::new());
            edit_output(ctx, |o| o.render = None);
            return;
        }
        let Ok(slot) = FieldKey::try_from(slot) else {
            return;
        };
        let Ok(kind) = kind.parse::<RendererKind>() else {
            return;
        };
        let config = if settings.trim().is_empty() {
            Value::Null
        } else {
            match serde_json::from_str::<Value>(&settings) {
                Ok(v) => v,
                Err(e) => {
                    config_local.set(vec![format!("The settings are not JSON yet: {e}")]);
                    return;
                }
            }
        };
        match Renderer::parse(kind, config) {
            Ok(renderer) => {
                config_local.set(Vec::new());
                edit_output(ctx, |o| o.render = Some(RenderTarget { slot, renderer }));
            }
            Err(e) => config_local.set(vec![e]),
        }
    };
    let has_slot = Signal::derive(move || !slot.get().is_empty());
    let has_select = Signal::derive(move || !options_of.get().is_empty());
    view! {
        <fieldset class="output-editor" data-testid="output-editor">
            <legend>"Output"</legend>
            <TextSetting
                id=ctx.dom("extract")
                label="Extract (optional)"
                value=extract
                on_change=Callback::new(move |v: String| {
                    let v = v.trim().to_owned();
                    edit_output(ctx, |o| o.extract = (!v.is_empty()).then_some(v));
                })
                errors=ctx.messages("output_handling.extract")
                testid="output-extract"
                mono=true
                hint="JMESPath (or JSONPath starting with $) applied to the output before it is used below."
            />
            <div class="grid-2">
                <SelectSetting
                    id=ctx.dom("out-field")
                    label="Write it into the field"
                    choices=value_fields
                    value=set_field
                    on_change=Callback::new(move |v: String| {
                        let key = FieldKey::try_from(v).ok();
                        edit_output(ctx, |o| o.set_field = key);
                    })
                    errors=ctx.messages("output_handling.set_field")
                    testid="output-set-field"
                />
                <SelectSetting
                    id=ctx.dom("out-options")
                    label="Replace the options of"
                    choices=selects
                    value=options_of
                    on_change=Callback::new(move |v: String| {
                        let key = FieldKey::try_from(v).ok();
                        edit_output(ctx, |o| {
                            o.replace_options = key.map(|option_set| {
                                let old = o.replace_options.take();
                                ReplaceOptions {
                                    option_set,
                                    label_path: old.as_ref().map_or_else(|| "label".to_owned(), |r| r.label_path.clone()),
                                    value_path: old.map_or_else(|| "value".to_owned(), |r| r.value_path),
                                }
                            });
                        });
                    })
                    errors=ctx.messages("output_handling.replace_options.option_set")
                    testid="output-options"
                />
            </div>
            <Show when=move || has_select.get()>
                <div class="grid-2">
                    <TextSetting
                        id=ctx.dom("label-path")
                        label="Option label path"
                        value=label_path
                        on_change=Callback::new(move |v: String| edit_output(ctx, |o| {
                            if let Some(r) = o.replace_options.as_mut() { r.label_path = v.trim().to_owned(); }
                        }))
                        errors=ctx.messages("output_handling.replace_options.label_path")
                        testid="output-label-path"
                        mono=true
                    />
                    <TextSetting
                        id=ctx.dom("value-path")
                        label="Option value path"
                        value=value_path
                        on_change=Callback::new(move |v: String| edit_output(ctx, |o| {
                            if let Some(r) = o.replace_options.as_mut() { r.value_path = v.trim().to_owned(); }
                        }))
                        errors=ctx.messages("output_handling.replace_options.value_path")
                        testid="output-value-path"
                        mono=true
                    />
                </div>
            </Show>
            <div class="grid-2">
                <SelectSetting
                    id=ctx.dom("slot")
                    label="Show it in"
                    choices=slots
                    value=slot
                    on_change=Callback::new(move |v: String| set_render(v, renderer.get_untracked(), config_text.get_untracked()))
                    errors=ctx.messages("output_handling.render.slot")
                    testid="output-slot"
                />
                <Show when=move || has_slot.get()>
                    <SelectSetting
                        id=ctx.dom("renderer")
                        label="As"
                        choices=kinds.clone()
                        value=renderer
                        on_change=Callback::new(move |v: String| {
                            // Settings of one renderer rarely fit another: start over.
                            renderer.set(v.clone());
                            config_text.set(String::new());
                            set_render(slot.get_untracked(), v, String::new());
                        })
                        errors=ctx.messages("output_handling.render.renderer")
                        testid="output-renderer"
                    />
                </Show>
            </div>
            <Show when=move || has_slot.get()>
                <RendererSettings
                    id=ctx.dom("render-setting")
                    kind=renderer.into()
                    text=config_text
                    on_text=Callback::new(move |v: String| {
                        config_text.set(v.clone());
                        set_render(slot.get_untracked(), renderer.get_untracked(), v);
                    })
                    fields=Signal::derive(move || b.wizard.with(|w| model::value_fields(w).into_iter().map(|(k, _)| k).collect()))
                />
                <TextSetting
                    id=ctx.dom("render-config")
                    label="The same settings as JSON"
                    value=config_text
                    on_change=Callback::new(move |v: String| {
                        config_text.set(v.clone());
                        set_render(slot.get_untracked(), renderer.get_untracked(), v);
                    })
                    errors=config_errors
                    testid="output-render-config"
                    rows=3
                    mono=true
                    hint="Each renderer has its own: a table's columns, a chart's kind and axes… Empty: what the data suggests."
                />
            </Show>
            <OutputPreviewPanel ctx />
        </fieldset>
    }
    .into_any()
}

//! `set_field_value`: a field picker (fields that hold an answer) and the value, typed by
//! the field (a number for a number field) or a template.

use leptos::prelude::*;
use wizard_core::domain::FieldKey;
use wizard_core::domain::event::{ActionConfig, SetFieldValueConfig};
use wizard_core::domain::selection::ValueKind;

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::{SelectSetting, TextSetting};
use crate::builder::events::model;

config_of!(SetFieldValue, SetFieldValueConfig);

#[component]
pub fn SetFieldEditor(ctx: ActionCtx) -> impl IntoView {
    let b = ctx.ev.b;
    let cfg = config_memo(ctx, pick);
    let field = config_text(cfg, |c| c.field.as_str().to_owned());
    let value = config_text(cfg, |c| model::value_to_input(&c.value));
    let fields = Signal::derive(move || b.wizard.with(model::value_fields));
    let kind_of = move |key: &str| {
        b.wizard.with_untracked(|w| {
            w.option_sets()
                .find(|os| os.key.as_str() == key)
                .map_or(ValueKind::Text, |os| os.selection_type().value_kind())
        })
    };
    view! {
        <div class="grid-2">
            <SelectSetting
                id=ctx.dom("field")
                label="Field"
                choices=fields
                value=field
                on_change=Callback::new(move |v: String| {
                    if let Ok(key) = FieldKey::try_from(v) {
                        edit_config(ctx, pick_mut, |c| c.field = key);
                    }
                })
                errors=ctx.messages("config.field")
                testid="set-field-field"
            />
            <TextSetting
                id=ctx.dom("value")
                label="Value"
                value=value
                on_change=Callback::new(move |v: String| {
                    let kind = kind_of(&field.get_untracked());
                    edit_config(ctx, pick_mut, |c| c.value = model::value_from_input(kind, &v));
                })
                errors=ctx.messages("config.value")
                testid="set-field-value"
            paths=ctx.paths()
                hint="A literal (a number for a number field) or a template such as {{ actions.lookup.output.total }}."
            />
        </div>
    }
    .into_any()
}

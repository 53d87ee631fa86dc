//! One input widget per selection type, used by the player and the builder's live preview.
//!
//! [`StepForm`] renders a step's fields; visibility, "required" and "disabled" come from
//! the core (`OptionSet::is_visible` …) and are recomputed from `answers` as they change,
//! so conditions react live exactly as the server will judge them. Each field goes through
//! one dispatch ([`FieldInput`]) with one widget per selection type.
//!
//! Values: a widget writes its answer into `answers` itself (so conditions update at once)
//! and then reports it through `on_change`; `null` means "no answer" and removes the key.
//! Text-like inputs take their initial value from `answers` and are not re-driven from it
//! afterwards, so a half-typed number or a caret position is never overwritten.

mod action_slot;
mod checkboxes;
mod choice;
mod color_picker;
mod dropdown;
mod file_upload;
mod number;
mod other;
mod radio;
mod rating;
mod rich_text;
mod slider;
mod temporal;
mod text;

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::answer::{accepts, human_size, is_blank};
use wizard_core::domain::condition::Answers;
use wizard_core::domain::run::FileRef;
use wizard_core::domain::{
    FILE_SIZE_CAP, Field, FileSettings, OptionSet, SelectDisplay, SelectionType, Wizard,
    WizardOption,
};

use super::deferred::deferred;
pub use action_slot::ActionHost;
use action_slot::action_slot;
pub(crate) use action_slot::render_widget;
use checkboxes::checkboxes;
use choice::choice;
use color_picker::color_picker;
use dropdown::dropdown;
use file_upload::FileUpload;
use number::{number_input, number_value};
use other::other_input;
use radio::radio_group;
use rating::rating;
use rich_text::RichText;
use slider::slider;
use temporal::temporal_input;
use text::text_input;

/// The form of one step. `errors` are messages by field key (from the server, or the
/// caller's own checks); the form adds its own inline checks on blur/change on top.
/// `run_id` is `None` in the builder's preview, where uploads are disabled.
#[component]
pub fn StepForm(
    #[prop(into)] wizard: Signal<Wizard>,
    #[prop(into)] step_id: Signal<Uuid>,
    answers: RwSignal<Answers>,
    #[prop(into)] errors: Signal<HashMap<String, String>>,
    #[prop(into)] on_change: Callback<(String, Value)>,
    #[prop(optional)] run_id: Option<Uuid>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    // Messages of the form's own checks; a field's message here wins over `errors` because
    // it reflects the value now on screen.
    let local = RwSignal::new(HashMap::<String, String>::new());
    view! {
        <div class="step-form">
            {move || {
                let step = wizard.with(|w| w.step(step_id.get()).cloned());
                match step {
                    None => view! { <p class="muted">"This step has no fields."</p> }.into_any(),
                    Some(step) if step.option_sets.is_empty() => {
                        view! { <p class="muted">"This step has no fields."</p> }.into_any()
                    }
                    Some(step) => step
                        .option_sets
                        .into_iter()
                        .map(|os| {
                            let key = os.key.to_string();
                            let error = Signal::derive(move || {
                                local
                                    .with(|m| m.get(&key).cloned())
                                    .or_else(|| errors.with(|m| m.get(&key).cloned()))
                            });
                            view! {
                                <FieldBlock
                                    os=Arc::new(os)
                                    answers
                                    error
                                    local
                                    on_change
                                    run_id
                                    read_only
                                />
                            }
                        })
                        .collect_view()
                        .into_any(),
                }
            }}
        </div>
    }
    .into_any()
}

/// What a widget needs to read and write its answer.
#[derive(Clone)]
struct Ctx {
    os: Arc<OptionSet>,
    /// The DOM id of the main input (`f-<key>`), which the label points at.
    id: String,
    /// Ids the inputs are described by (help text, error).
    described: String,
    value: Memo<Option<Value>>,
    disabled: Signal<bool>,
    required: Signal<bool>,
    invalid: Signal<bool>,
    /// Sets the answer (and reports it); `check` also runs the inline validation, which
    /// typing skips until the field is left.
    set: Callback<(Value, bool)>,
    /// Runs the inline validation on the current value (on blur).
    check: Callback<()>,
    run_id: Option<Uuid>,
}

impl Ctx {
    fn aria_invalid(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static + use<> {
        let invalid = self.invalid;
        move || invalid.get().then_some("true")
    }
    fn aria_required(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static + use<> {
        let required = self.required;
        move || required.get().then_some("true")
    }
}

/// One field with its label, help text and error, or nothing while it is hidden.
#[component]
fn FieldBlock(
    os: Arc<OptionSet>,
    answers: RwSignal<Answers>,
    error: Signal<Option<String>>,
    local: RwSignal<HashMap<String, String>>,
    on_change: Callback<(String, Value)>,
    run_id: Option<Uuid>,
    read_only: bool,
) -> impl IntoView {
    let visible = Memo::new({
        let os = os.clone();
        move |_| answers.with(|a| os.is_visible(a))
    });
    let required = Memo::new({
        let os = os.clone();
        move |_| answers.with(|a| os.is_required(a))
    });
    let disabled = Memo::new({
        let os = os.clone();
        move |_| read_only || answers.with(|a| os.is_disabled(a))
    });
    let value = Memo::new({
        let key = os.key.to_string();
        move |_| answers.with(|a| a.get(&key).cloned())
    });
    let key = os.key.to_string();

    // The inline check: a blank value is left to "required" (judged on Next), anything
    // else must pass the field's own rules.
    let run_check = {
        let os = os.clone();
        let key = key.clone();
        move |v: &Value| {
            let message = if is_blank(v) {
                None
            } else {
                os.field.check_answer(v, &os.options).err()
            };
            local.update(|m| match message {
                Some(msg) => {
                    m.insert(key.clone(), msg);
                }
                None => {
                    m.remove(&key);
                }
            });
        }
    };
    let set = Callback::new({
        let key = key.clone();
        let run_check = run_check.clone();
        move |(v, check): (Value, bool)| {
            answers.update(|a| {
                if v.is_null() {
                    a.remove(&key);
                } else {
                    a.insert(key.clone(), v.clone());
                }
            });
            // Re-check while typing only to clear a message the user is fixing.
            if check || local.with_untracked(|m| m.contains_key(&key)) {
                run_check(&v);
            }
            on_change.run((key.clone(), v));
        }
    });
    let check = Callback::new(move |()| {
        let v = value.get_untracked().unwrap_or(Value::Null);
        run_check(&v);
    });

    let id = format!("f-{key}");
    let help_id = format!("{id}-help");
    let err_id = format!("{id}-error");
    let has_help = !os.help_text.trim().is_empty();
    let described = if has_help {
        format!("{help_id} {err_id}")
    } else {
        err_id.clone()
    };
    let ctx = Ctx {
        os: os.clone(),
        id: id.clone(),
        described,
        value,
        disabled: disabled.into(),
        required: required.into(),
        invalid: Signal::derive(move || error.with(Option::is_some)),
        set,
        check,
        run_id,
    };
    let grouped = is_group(&os.field);
    let label = os.label.clone();
    let help = os.help_text.clone();
    let testid = format!("field-{key}");
    let err_testid = format!("error-{key}");

    move || {
        if !visible.get() {
            return None;
        }
        let marker = move || {
            required
                .get()
                .then(|| view! { <span class="req" title="required"><span aria-hidden="true">" *"</span><span class="sr-only">" (required)"</span></span> })
        };
        let help =
            has_help.then(|| view! { <p class="hint" id=help_id.clone()>{help.clone()}</p> });
        let error_p = view! {
            <p class="field-error" id=err_id.clone() data-testid=err_testid.clone() aria-live="polite">
                {move || error.get()}
            </p>
        };
        let input = view! { <FieldInput ctx=ctx.clone() /> };
        let label = label.clone();
        Some(if grouped {
            view! {
                <fieldset
                    class="field field-group"
                    class:has-error=move || error.with(Option::is_some)
                    class:is-disabled=move || disabled.get()
                    data-testid=testid.clone()
                >
                    <legend>{label}{marker}</legend>
                    {help}
                    {input}
                    {error_p}
                </fieldset>
            }
            .into_any()
        } else {
            view! {
                <div
                    class="field"
                    class:has-error=move || error.with(Option::is_some)
                    class:is-disabled=move || disabled.get()
                    data-testid=testid.clone()
                >
                    <label for=id.clone() id=format!("{id}-label")>{label}{marker}</label>
                    {help}
                    {input}
                    {error_p}
                </div>
            }
            .into_any()
        })
    }
}

/// Fields drawn as a group of inputs (fieldset + legend) rather than one labelled input.
fn is_group(field: &Field) -> bool {
    match field {
        Field::SingleSelect(s) => s.display == SelectDisplay::Radio,
        Field::MultipleSelect(_) | Field::Rating(_) => true,
        _ => false,
    }
}

/// The one dispatch from selection type to widget.
#[component]
fn FieldInput(ctx: Ctx) -> impl IntoView {
    let field = ctx.os.field.clone();
    match field {
        Field::SingleSelect(s) => match s.display {
            SelectDisplay::Radio => radio_group(ctx, s.allow_other).into_any(),
            SelectDisplay::Dropdown => dropdown(ctx, s.allow_other).into_any(),
        },
        Field::MultipleSelect(s) => checkboxes(ctx, s.allow_other).into_any(),
        Field::TextInput(s) => text_input(ctx, s).into_any(),
        Field::NumberInput(s) => {
            let step = s
                .step
                .map(|x| x.to_string())
                .or_else(|| s.decimals.map(|d| format!("{}", 10f64.powi(-i32::from(d)))))
                .unwrap_or_else(|| "any".into());
            number_input(ctx, s.min, s.max, step).into_any()
        }
        Field::DateInput(s) => temporal_input(
            ctx,
            "date",
            s.min.map(|d| d.format("%Y-%m-%d").to_string()),
            s.max.map(|d| d.format("%Y-%m-%d").to_string()),
            None,
        )
        .into_any(),
        Field::TimeInput(s) => {
            let seconds = [s.min, s.max]
                .iter()
                .flatten()
                .any(|t| t.format("%S").to_string() != "00");
            let fmt = if seconds { "%H:%M:%S" } else { "%H:%M" };
            temporal_input(
                ctx,
                "time",
                s.min.map(|t| t.format(fmt).to_string()),
                s.max.map(|t| t.format(fmt).to_string()),
                seconds.then_some("1"),
            )
            .into_any()
        }
        Field::DatetimeInput(s) => temporal_input(
            ctx,
            "datetime-local",
            s.min.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            s.max.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            None,
        )
        .into_any(),
        Field::Rating(s) => rating(ctx, s.max, s.allow_half).into_any(),
        Field::Slider(s) => slider(ctx, s.min, s.max, s.step).into_any(),
        Field::ColorPicker(s) => deferred(color_picker_widget(ctx, s.allow_alpha)),
        Field::FileUpload(s) => deferred(file_upload_widget(ctx, s)),
        Field::RichText(_) => deferred(rich_text_widget(ctx)),
        Field::DynamicTable(_) | Field::ApplyButton(_) | Field::Output(_) => {
            action_slot(ctx).into_any()
        }
    }
}

// The widgets few wizards use load their code on demand: in the browser each of these is
// an async call into its own wasm chunk (components/deferred.rs).

#[cfg_attr(feature = "hydrate", leptos::lazy)]
fn color_picker_widget(ctx: Ctx, allow_alpha: bool) -> AnyView {
    color_picker(ctx, allow_alpha).into_any()
}

#[cfg_attr(feature = "hydrate", leptos::lazy)]
fn file_upload_widget(ctx: Ctx, settings: FileSettings) -> AnyView {
    view! { <FileUpload ctx settings /> }.into_any()
}

#[cfg_attr(feature = "hydrate", leptos::lazy)]
fn rich_text_widget(ctx: Ctx) -> AnyView {
    view! { <RichText ctx /> }.into_any()
}

/// Keeps a text box showing its answer when something other than typing changes it (an
/// action's `set_field_value`): the box is rewritten only when what it holds reads as
/// another answer (`read`), so typing, partial input included, never moves the caret.
#[cfg(feature = "hydrate")]
fn follow_answer<E>(
    value: Memo<Option<Value>>,
    node: NodeRef<E>,
    read: fn(String) -> Value,
    show: fn(&Option<Value>) -> String,
) where
    E: leptos::html::ElementType,
    E::Output: TextBox + wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let answer = value.get();
        if let Some(el) = node.get()
            && read(el.text()) != answer.clone().unwrap_or(Value::Null)
        {
            el.set_text(&show(&answer));
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn follow_answer<E>(
    _: Memo<Option<Value>>,
    _: NodeRef<E>,
    _: fn(String) -> Value,
    _: fn(&Option<Value>) -> String,
) where
    E: leptos::html::ElementType,
{
}

/// The boxes [`follow_answer`] keeps in step.
#[cfg(feature = "hydrate")]
trait TextBox {
    fn text(&self) -> String;
    fn set_text(&self, text: &str);
}

#[cfg(feature = "hydrate")]
impl TextBox for web_sys::HtmlInputElement {
    fn text(&self) -> String {
        self.value()
    }
    fn set_text(&self, text: &str) {
        self.set_value(text);
    }
}

#[cfg(feature = "hydrate")]
impl TextBox for web_sys::HtmlTextAreaElement {
    fn text(&self) -> String {
        self.value()
    }
    fn set_text(&self, text: &str) {
        self.set_value(text);
    }
}

fn as_text(v: &Option<Value>) -> String {
    v.as_ref()
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Text to answer: blank text is "no answer".
fn text_value(s: String) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s)
    }
}

fn list_value(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_the_multi_input_widgets() {
        assert!(is_group(&Field::new(SelectionType::SingleSelect)));
        assert!(is_group(&Field::new(SelectionType::MultipleSelect)));
        assert!(is_group(&Field::new(SelectionType::Rating)));
        let dropdown = Field::SingleSelect(wizard_core::domain::SingleSelectSettings {
            display: SelectDisplay::Dropdown,
            ..Default::default()
        });
        assert!(!is_group(&dropdown));
        assert!(!is_group(&Field::new(SelectionType::TextInput)));
    }
}

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

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::condition::Answers;
use wizard_core::domain::answer::{accepts, human_size, is_blank};
use wizard_core::domain::run::FileRef;
use wizard_core::domain::{
    FILE_SIZE_CAP, Field, FileSettings, OptionSet, SelectDisplay, SelectionType, Wizard,
};

use super::deferred::deferred;

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
            let kind = match ctx.os.selection_type() {
                SelectionType::DynamicTable => "A table",
                SelectionType::ApplyButton => "A button",
                _ => "An output",
            };
            view! {
                <div class="action-slot" id=ctx.id.clone() aria-describedby=ctx.described.clone()>
                    {kind} " filled by an action when the wizard runs."
                </div>
            }
            .into_any()
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

fn radio_group(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let Ctx { os, id, value, .. } = ctx.clone();
    let current = move || value.with(as_text);
    let options = os
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let oid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
            let label_for = oid.clone();
            let val = o.value.clone();
            let checked = {
                let val = val.clone();
                move || current() == val
            };
            let set = ctx.set;
            let on = {
                let val = val.clone();
                move |_| set.run((Value::String(val.clone()), true))
            };
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=oid
                        name=id.clone()
                        value=val
                        checked=checked.clone()
                        prop:checked=checked
                        disabled=move || ctx.disabled.get()
                        aria-invalid=ctx.aria_invalid()
                        aria-describedby=ctx.described.clone()
                        on:change=on
                    />
                    <span class="choice-text">
                        <span>{o.label.clone()}</span>
                        {(!o.description.is_empty()).then(|| view! { <small class="muted">{o.description.clone()}</small> })}
                    </span>
                </label>
            }
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), false));
    view! { <div class="choices" role="radiogroup" aria-required=ctx.aria_required()>{options}{other}</div> }.into_any()
}

/// The "other" text box of a select: its text is the answer (single) or one more entry
/// (multiple) whenever it is not one of the options.
fn other_input(ctx: Ctx, multiple: bool) -> impl IntoView {
    let os = ctx.os.clone();
    let values: Vec<String> = os.options.iter().map(|o| o.value.clone()).collect();
    let is_option = {
        let values = values.clone();
        move |s: &str| values.iter().any(|v| v == s)
    };
    let initial = ctx.value.with_untracked(|v| match v {
        Some(Value::String(s)) if !is_option(s) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .find(|s| !is_option(s))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    });
    let oid = format!("{}-other", ctx.id);
    let set = ctx.set;
    let value = ctx.value;
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        if multiple {
            let mut chosen: Vec<Value> = value.with_untracked(|v| match v {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter(|x| x.as_str().is_some_and(|s| values.iter().any(|v| v == s)))
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            });
            if !text.trim().is_empty() {
                chosen.push(Value::String(text));
            }
            set.run((list_value(chosen), false));
        } else {
            set.run((text_value(text), false));
        }
    };
    view! {
        <div class="other">
            <label for=oid.clone()>{if multiple { "Other (optional)" } else { "Other" }}</label>
            <input
                type="text"
                id=oid
                value=initial
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| ctx.check.run(())
            />
        </div>
    }
    .into_any()
}

fn list_value(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

fn dropdown(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(as_text);
    let set = ctx.set;
    let options = ctx
        .os
        .options
        .iter()
        .map(|o| {
            let val = o.value.clone();
            let selected = {
                let val = val.clone();
                move || current() == val
            };
            view! { <option value=val selected=selected>{o.label.clone()}</option> }
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), false));
    view! {
        <select
            id=ctx.id.clone()
            prop:value=current
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:change=move |ev| set.run((text_value(event_target_value(&ev)), true))
        >
            <option value="" selected=move || current().is_empty()>"Choose…"</option>
            {options}
        </select>
        {other}
    }
    .into_any()
}

fn checkboxes(ctx: Ctx, allow_other: bool) -> impl IntoView {
    let Ctx { os, id, value, .. } = ctx.clone();
    let chosen = move || -> Vec<String> {
        value.with(|v| match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        })
    };
    let order: Arc<Vec<String>> = Arc::new(os.options.iter().map(|o| o.value.clone()).collect());
    let options = os
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let oid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
            let label_for = oid.clone();
            let val = o.value.clone();
            let checked = {
                let val = val.clone();
                move || chosen().contains(&val)
            };
            let set = ctx.set;
            let order = order.clone();
            let on = {
                let val = val.clone();
                move |ev| {
                    let on = event_target_checked(&ev);
                    let mut now = value.with_untracked(|v| match v {
                        Some(Value::Array(items)) => items.clone(),
                        _ => Vec::new(),
                    });
                    now.retain(|x| x.as_str() != Some(val.as_str()));
                    if on {
                        now.push(Value::String(val.clone()));
                    }
                    // Keep the options' order, typed "other" values last.
                    now.sort_by_key(|x| {
                        x.as_str()
                            .and_then(|s| order.iter().position(|o| o == s))
                            .unwrap_or(usize::MAX)
                    });
                    set.run((list_value(now), true));
                }
            };
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="checkbox"
                        id=oid
                        value=val
                        checked=checked.clone()
                        prop:checked=checked
                        disabled=move || ctx.disabled.get()
                        aria-invalid=ctx.aria_invalid()
                        aria-describedby=ctx.described.clone()
                        on:change=on
                    />
                    <span class="choice-text">
                        <span>{o.label.clone()}</span>
                        {(!o.description.is_empty()).then(|| view! { <small class="muted">{o.description.clone()}</small> })}
                    </span>
                </label>
            }
        })
        .collect_view();
    let other = allow_other.then(|| other_input(ctx.clone(), true));
    view! { <div class="choices">{options}{other}</div> }.into_any()
}

fn text_input(ctx: Ctx, s: wizard_core::domain::TextSettings) -> impl IntoView {
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    let on_input = move |ev| set.run((text_value(event_target_value(&ev)), false));
    let maxlength = s.max_length.map(|m| m.to_string());
    let minlength = s.min_length.map(|m| m.to_string());
    if s.multiline {
        view! {
            <textarea
                id=ctx.id.clone()
                rows="4"
                maxlength=maxlength
                minlength=minlength
                placeholder=s.placeholder.clone()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| check.run(())
            >
                {initial}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type="text"
                id=ctx.id.clone()
                value=initial
                maxlength=maxlength
                minlength=minlength
                pattern=s.pattern.clone()
                placeholder=s.placeholder.clone()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=on_input
                on:blur=move |_| check.run(())
            />
        }
        .into_any()
    }
}

/// A typed number as JSON: whole numbers as integers (so `3` stays `3`, not `3.0`), an
/// empty or unparsable box as "no answer".
fn number_value(raw: &str) -> Value {
    let raw = raw.trim();
    match raw.parse::<f64>() {
        Ok(x) if x.is_finite() => {
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
            }
        }
        _ => Value::Null,
    }
}

fn number_input(ctx: Ctx, min: Option<f64>, max: Option<f64>, step: String) -> impl IntoView {
    let initial = ctx
        .value
        .with_untracked(|v| v.as_ref().filter(|v| v.is_number()).map(|v| v.to_string()))
        .unwrap_or_default();
    let set = ctx.set;
    let check = ctx.check;
    view! {
        <input
            type="number"
            inputmode="decimal"
            id=ctx.id.clone()
            value=initial
            min=min.map(|x| x.to_string())
            max=max.map(|x| x.to_string())
            step=step
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:input=move |ev| set.run((number_value(&event_target_value(&ev)), false))
            on:blur=move |_| check.run(())
        />
    }
    .into_any()
}

fn temporal_input(
    ctx: Ctx,
    kind: &'static str,
    min: Option<String>,
    max: Option<String>,
    step: Option<&'static str>,
) -> impl IntoView {
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    view! {
        <input
            type=kind
            id=ctx.id.clone()
            value=initial
            min=min
            max=max
            step=step
            disabled=move || ctx.disabled.get()
            aria-invalid=ctx.aria_invalid()
            aria-required=ctx.aria_required()
            aria-describedby=ctx.described.clone()
            on:input=move |ev| set.run((text_value(event_target_value(&ev)), false))
            on:change=move |_| check.run(())
            on:blur=move |_| check.run(())
        />
    }
    .into_any()
}

/// Stars as a radio group: arrow keys move between them, as in any radio group. With half
/// stars each star (after the first, since a rating starts at 1) is two radios.
fn rating(ctx: Ctx, max: u8, allow_half: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(|v| v.as_ref().and_then(Value::as_f64).unwrap_or(0.0));
    let set = ctx.set;
    let id = ctx.id.clone();
    let radio = {
        let ctx = ctx.clone();
        move |val: f64, part: &'static str| {
            let rid = if val == 1.0 {
                id.clone()
            } else {
                format!("{id}-{}", (val * 2.0) as u32)
            };
            let name = if val == 1.0 {
                "1 star".to_owned()
            } else {
                format!("{val} stars")
            };
            let checked = move || current() == val;
            let on = move || current() >= val;
            view! {
                <input
                    type="radio"
                    class="sr-only"
                    id=rid.clone()
                    name=id.clone()
                    value=val.to_string()
                    aria-label=name.clone()
                    checked=checked
                    prop:checked=checked
                    disabled=move || ctx.disabled.get()
                    aria-invalid=ctx.aria_invalid()
                    aria-describedby=ctx.described.clone()
                    on:change=move |_| set.run((number_value(&val.to_string()), true))
                />
                <label for=rid class=format!("star-part {part}") class:on=on title=name>
                    <span aria-hidden="true">"★"</span>
                </label>
            }
        }
    };
    let stars = (1..=max)
        .map(|n| {
            let whole = f64::from(n);
            let half = (allow_half && n > 1).then(|| radio(whole - 0.5, "half-l"));
            let full = radio(whole, if half.is_some() { "half-r" } else { "whole" });
            view! { <span class="star">{half}{full}</span> }
        })
        .collect_view();
    let shown = move || {
        let c = current();
        if c == 0.0 {
            "Not rated".to_owned()
        } else {
            format!("{c} / {max}")
        }
    };
    let required = ctx.required;
    let disabled = ctx.disabled;
    view! {
        <div class="rating">
            <span class="stars">{stars}</span>
            <span class="rating-value muted">{shown}</span>
            {move || {
                (current() > 0.0 && !required.get() && !disabled.get()).then(|| {
                    view! {
                        <button type="button" class="btn btn-quiet btn-small" on:click=move |_| set.run((Value::Null, true))>
                            "Clear"
                        </button>
                    }
                })
            }}
        </div>
    }.into_any()
}

fn slider(ctx: Ctx, min: f64, max: f64, step: f64) -> impl IntoView {
    let value = ctx.value;
    let initial = ctx
        .value
        .with_untracked(|v| v.as_ref().and_then(Value::as_f64))
        .unwrap_or(min);
    let shown = move || {
        value.with(|v| match v.as_ref().and_then(Value::as_f64) {
            Some(x) => x.to_string(),
            None => "not set".to_owned(),
        })
    };
    let set = ctx.set;
    view! {
        <div class="slider">
            <span class="muted slider-bound" aria-hidden="true">{min.to_string()}</span>
            <input
                type="range"
                id=ctx.id.clone()
                min=min.to_string()
                max=max.to_string()
                step=step.to_string()
                value=initial.to_string()
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=move |ev| set.run((number_value(&event_target_value(&ev)), true))
                // A thumb resting where the user wants it fires no `input`: a click or key
                // on an unset slider takes the value it shows.
                on:click=move |ev| {
                    if value.with_untracked(Option::is_none) {
                        set.run((number_value(&event_target_value(&ev)), true));
                    }
                }
                on:keyup=move |ev| {
                    if value.with_untracked(Option::is_none) {
                        set.run((number_value(&event_target_value(&ev)), true));
                    }
                }
            />
            <span class="muted slider-bound" aria-hidden="true">{max.to_string()}</span>
            <output for=ctx.id.clone() class="slider-value" data-testid=format!("value-{}", ctx.os.key)>
                {shown}
            </output>
        </div>
    }.into_any()
}

/// The native color input has no opacity, so fields that allow it get an opacity slider
/// beside it and the answer becomes `#rrggbbaa`.
fn color_picker(ctx: Ctx, allow_alpha: bool) -> impl IntoView {
    let value = ctx.value;
    let current = move || value.with(as_text);
    let initial = ctx.value.with_untracked(as_text);
    let rgb0 = initial
        .get(..7)
        .filter(|s| s.starts_with('#'))
        .unwrap_or("#000000")
        .to_owned();
    let alpha0 = initial
        .get(7..9)
        .and_then(|h| u8::from_str_radix(h, 16).ok())
        .unwrap_or(255);
    let rgb = RwSignal::new(rgb0.clone());
    let alpha = RwSignal::new(alpha0);
    let set = ctx.set;
    let emit = move || {
        let hex = if allow_alpha && alpha.get_untracked() != 255 {
            format!("{}{:02x}", rgb.get_untracked(), alpha.get_untracked())
        } else {
            rgb.get_untracked()
        };
        set.run((Value::String(hex), true));
    };
    let alpha_id = format!("{}-alpha", ctx.id);
    view! {
        <div class="color">
            <input
                type="color"
                id=ctx.id.clone()
                value=rgb0
                disabled=move || ctx.disabled.get()
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:input=move |ev| {
                    rgb.set(event_target_value(&ev));
                    emit();
                }
            />
            <code class="color-code">
                {move || {
                    let c = current();
                    if c.is_empty() { "not set".to_owned() } else { c }
                }}
            </code>
            {allow_alpha.then(|| view! {
                <label class="color-alpha" for=alpha_id.clone()>
                    "Opacity"
                    <input
                        type="range"
                        id=alpha_id.clone()
                        min="0"
                        max="255"
                        value=alpha0.to_string()
                        disabled=move || ctx.disabled.get()
                        on:input=move |ev| {
                            alpha.set(event_target_value(&ev).parse().unwrap_or(255));
                            emit();
                        }
                    />
                </label>
            })}
        </div>
    }
    .into_any()
}

// The file checks run in the browser before an upload, with the core's rules
// (`domain::answer::{accepts, human_size}`); the server checks again with the same ones.
/// Why a file may not be added, checked before uploading (the server checks again).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn file_problem(s: &FileSettings, name: &str, mime: &str, size: u64) -> Option<String> {
    let max = s.max_size_bytes.unwrap_or(FILE_SIZE_CAP).min(FILE_SIZE_CAP);
    if size > max {
        return Some(format!("“{name}” is larger than {}", human_size(max)));
    }
    if !s.accepted_types.is_empty() && !s.accepted_types.iter().any(|a| accepts(a, name, mime)) {
        return Some(format!(
            "“{name}” is not an accepted type (accepted: {})",
            s.accepted_types.join(", ")
        ));
    }
    None
}

fn files_of(v: &Option<Value>) -> Vec<FileRef> {
    v.as_ref()
        .and_then(|v| serde_json::from_value::<Vec<FileRef>>(v.clone()).ok())
        .unwrap_or_default()
}

/// Uploads each chosen file to the run and keeps the list of uploaded files as the answer.
#[component]
fn FileUpload(ctx: Ctx, settings: FileSettings) -> impl IntoView {
    let value = ctx.value;
    let files = move || value.with(files_of);
    let uploading = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<String>);
    let set = ctx.set;
    let max_files = settings.max_files.unwrap_or(1);
    let accept = (!settings.accepted_types.is_empty()).then(|| settings.accepted_types.join(","));
    let limits = {
        let mut parts = vec![format!(
            "up to {} each",
            human_size(
                settings
                    .max_size_bytes
                    .unwrap_or(FILE_SIZE_CAP)
                    .min(FILE_SIZE_CAP)
            )
        )];
        if !settings.accepted_types.is_empty() {
            parts.push(settings.accepted_types.join(", "));
        }
        parts.push(if max_files == 1 {
            "one file".to_owned()
        } else {
            format!("at most {max_files} files")
        });
        parts.join(" · ")
    };
    let run_id = ctx.run_id;
    let preview = run_id.is_none();
    let key = ctx.os.key.to_string();
    let on_pick = {
        let settings = settings.clone();
        move |ev: leptos::ev::Event| {
            problem.set(None);
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let Some(input) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                else {
                    return;
                };
                let Some(run_id) = run_id else { return };
                let picked: Vec<web_sys::File> = input
                    .files()
                    .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                    .unwrap_or_default();
                input.set_value("");
                let have =
                    value.with_untracked(files_of).len() + uploading.with_untracked(Vec::len);
                if have + picked.len() > max_files as usize {
                    problem.set(Some(if max_files == 1 {
                        "Only one file may be attached: remove the current one first.".to_owned()
                    } else {
                        format!("At most {max_files} files may be attached.")
                    }));
                    return;
                }
                for file in &picked {
                    let size = file.size() as u64;
                    if let Some(p) = file_problem(&settings, &file.name(), &file.type_(), size) {
                        problem.set(Some(p));
                        return;
                    }
                }
                let key = key.clone();
                for file in picked {
                    let name = file.name();
                    uploading.update(|u| u.push(name.clone()));
                    let key = key.clone();
                    leptos::task::spawn_local(async move {
                        let result = crate::components::browser::upload(run_id, &key, &file).await;
                        uploading.update(|u| {
                            if let Some(i) = u.iter().position(|n| *n == name) {
                                u.remove(i);
                            }
                        });
                        match result {
                            Ok(f) => {
                                let mut now = value.with_untracked(files_of);
                                now.push(f);
                                let v = serde_json::to_value(now).unwrap_or(Value::Null);
                                set.run((v, true));
                            }
                            Err(e) => problem.set(Some(format!("“{name}” was not uploaded: {e}"))),
                        }
                    });
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, &settings, max_files, run_id, &key);
        }
    };
    let remove = move |id: Uuid| {
        let now: Vec<FileRef> = value
            .with_untracked(files_of)
            .into_iter()
            .filter(|f| f.id != id)
            .collect();
        let v = if now.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(now).unwrap_or(Value::Null)
        };
        set.run((v, true));
    };
    let disabled = ctx.disabled;
    let multiple = max_files > 1;
    view! {
        <div class="files">
            <input
                type="file"
                id=ctx.id.clone()
                accept=accept
                multiple=multiple
                disabled=move || disabled.get() || preview
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:change=on_pick
            />
            <p class="hint">
                {limits}
                {preview.then_some(" · uploads are available when the wizard runs")}
            </p>
            <ul class="file-list">
                {move || {
                    files()
                        .into_iter()
                        .map(|f| {
                            let href = format!("/api/v1/files/{}", f.id);
                            let id = f.id;
                            let label = format!("Remove {}", f.name);
                            view! {
                                <li>
                                    <a href=href download=f.name.clone()>{f.name.clone()}</a>
                                    <span class="muted">" " {human_size(f.size)}</span>
                                    <button
                                        type="button"
                                        class="btn btn-quiet btn-small"
                                        aria-label=label
                                        disabled=move || disabled.get()
                                        on:click=move |_| remove(id)
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
                {move || {
                    uploading
                        .get()
                        .into_iter()
                        .map(|n| view! { <li class="muted" aria-live="polite">"Uploading " {n} "…"</li> })
                        .collect_view()
                }}
            </ul>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </div>
    }.into_any()
}

/// A small contenteditable editor (bold, italic, list, link). Its value is HTML, which the
/// server sanitizes on every save; the editor's starting content is the stored answer.
#[component]
fn RichText(ctx: Ctx) -> impl IntoView {
    let editor = NodeRef::<leptos::html::Div>::new();
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    let disabled = ctx.disabled;
    let read = move || {
        #[cfg(feature = "hydrate")]
        if let Some(el) = editor.get_untracked() {
            let html = el.inner_html();
            let text = el.text_content().unwrap_or_default();
            set.run((
                if text.trim().is_empty() && !html.contains("<img") {
                    Value::Null
                } else {
                    Value::String(html)
                },
                false,
            ));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = set;
    };
    let command = move |cmd: &'static str| {
        move |_| {
            if disabled.get_untracked() {
                return;
            }
            #[cfg(feature = "hydrate")]
            {
                if let Some(el) = editor.get_untracked() {
                    let _ = el.focus();
                }
                if cmd == "createLink" {
                    match crate::components::browser::prompt_link() {
                        Some(url) => crate::components::browser::exec_command(cmd, Some(&url)),
                        None => return,
                    }
                } else {
                    crate::components::browser::exec_command(cmd, None);
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = cmd;
            read();
        }
    };
    let label_id = format!("{}-label", ctx.id);
    let tool = move |cmd: &'static str, label: &'static str, glyph: &'static str| {
        view! {
            <button
                type="button"
                class=format!("rte-btn rte-{cmd}")
                aria-label=label
                title=label
                disabled=move || disabled.get()
                on:mousedown=|ev| ev.prevent_default()
                on:click=command(cmd)
            >
                {glyph}
            </button>
        }
    };
    view! {
        <div class="rte" class:is-disabled=move || disabled.get()>
            <div class="rte-toolbar" role="toolbar" aria-label="Formatting" aria-controls=ctx.id.clone()>
                {tool("bold", "Bold", "B")}
                {tool("italic", "Italic", "I")}
                {tool("insertUnorderedList", "Bulleted list", "• List")}
                {tool("createLink", "Link", "Link")}
            </div>
            <div
                class="rte-area"
                id=ctx.id.clone()
                node_ref=editor
                role="textbox"
                aria-multiline="true"
                aria-labelledby=label_id
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                aria-disabled=move || disabled.get().then_some("true")
                contenteditable=move || if disabled.get() { "false" } else { "true" }
                tabindex="0"
                inner_html=initial
                on:input=move |_| read()
                on:blur=move |_| check.run(())
            ></div>
        </div>
    }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_whole_values_whole_and_blank_is_no_answer() {
        assert_eq!(number_value("3"), serde_json::json!(3));
        assert_eq!(number_value(" 2.5 "), serde_json::json!(2.5));
        assert_eq!(number_value("-0.25"), serde_json::json!(-0.25));
        assert_eq!(number_value(""), Value::Null);
        assert_eq!(number_value("abc"), Value::Null);
        assert_eq!(number_value("inf"), Value::Null);
    }

    #[test]
    fn file_problems_name_the_limit() {
        let s = FileSettings {
            max_size_bytes: Some(1024),
            accepted_types: vec![".txt".into()],
            max_files: Some(2),
        };
        assert_eq!(file_problem(&s, "a.txt", "text/plain", 1024), None);
        let big = file_problem(&s, "a.txt", "text/plain", 1025).unwrap_or_default();
        assert!(big.contains("larger than 1 KiB"), "{big}");
        let kind = file_problem(&s, "a.exe", "", 1).unwrap_or_default();
        assert!(
            kind.contains("not an accepted type") && kind.contains(".txt"),
            "{kind}"
        );
        // Unset limits fall back to the platform cap and accept any type.
        let any = FileSettings::default();
        assert_eq!(file_problem(&any, "x.bin", "", FILE_SIZE_CAP), None);
        assert!(file_problem(&any, "x.bin", "", FILE_SIZE_CAP + 1).is_some());
    }

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

//! Answer validation: what a runner may type into each of the 12 selection types.
//!
//! Two levels, because saving and finishing have different needs:
//! - [`Field::check_draft_answer`] is what saving-as-you-type accepts: the right JSON kind
//!   and the hard caps only, so a half-typed answer is never lost but nothing absurd (a
//!   number in a text field, a 2 MB string) reaches the database.
//! - [`Field::check_answer`] is the full rule set, applied when a step is left and when the
//!   run is completed. It implies the draft check, so anything it accepts also saves.
//!
//! The browser runs the same functions for inline messages; the server re-runs them and is
//! the authority. Every function here is total: arbitrary JSON gives a message, never a panic.

use chrono::Timelike;
use serde::Deserialize;
use serde_json::{Number, Value};

use crate::domain::condition::{Answers, is_empty};
use crate::domain::pattern::regex_is_match;
use crate::domain::problem::clip;
use crate::domain::run::FileRef;
use crate::domain::{
    FILE_SIZE_CAP, Field, FileSettings, MAX_FILES_CAP, OptionSet, RICH_TEXT_MAX_LENGTH_CAP,
    SelectionType, TEXT_MAX_LENGTH_CAP, Temporal, ValueKind, WizardOption,
};

/// Longest value a runner may type into a select's "other" box, in characters.
pub const OTHER_VALUE_MAX_LENGTH: usize = 500;
/// Longest single value a select answer may hold, in characters (option values are
/// identifiers, so this is generous).
pub const CHOICE_VALUE_CAP: usize = 1_000;
/// Most values a multiple select answer may hold.
pub const MAX_CHOICES_CAP: usize = 1_000;
/// Longest string a date, time or date-time answer may be while it is being typed.
pub const TEMPORAL_DRAFT_CAP: usize = 64;
/// Longest string a color answer may be while it is being typed.
pub const COLOR_DRAFT_CAP: usize = 16;
/// Longest file name or content type an uploaded file may carry, in characters.
pub const FILE_NAME_CAP: usize = 255;
/// The message of a blank required field.
pub const REQUIRED_MESSAGE: &str = "this field is required";

/// Whether `value` counts as "no answer": `null`, a blank (empty or whitespace-only)
/// string, `[]` or `{}`.
///
/// The same as the `empty` condition operator, plus whitespace-only strings: a required
/// field is not satisfied by spaces, whereas conditions test the stored value literally.
pub fn is_blank(value: &Value) -> bool {
    is_empty(value) || value.as_str().is_some_and(|s| s.trim().is_empty())
}

/// The option values a select's answer holds: the one value of a single select, each
/// text of a multiple select's list; nothing for any other shape.
pub fn chosen_values(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether `value` is no answer for this particular field: [`is_blank`], and for rich text
/// also markup without any text (`<p><br></p>` is what an emptied editor leaves behind).
fn is_blank_for(field: &Field, value: &Value) -> bool {
    if is_blank(value) {
        return true;
    }
    match (field, value) {
        (Field::RichText(_), Value::String(html)) => !html_has_content(html),
        _ => false,
    }
}

impl Field {
    /// Checks one answer against every rule of this field; the error is a message for the
    /// runner ("must be at most 80 characters"). `options` are the option set's choices
    /// (ignored by non-select types).
    ///
    /// Blankness is not judged here: whether a blank answer is acceptable depends on the
    /// field being required, which [`Wizard::check_step_answers`] decides. `null` is "no
    /// answer" and is refused by the 12 input types; action-driven kinds (dynamic tables,
    /// apply buttons, outputs) accept any JSON because actions, not runners, set them.
    pub fn check_answer(&self, value: &Value, options: &[WizardOption]) -> Result<(), String> {
        if self.selection_type().is_action_driven() {
            return Ok(());
        }
        if value.is_null() {
            return Err("no answer was given".into());
        }
        // The draft rules first: they establish the JSON kind and the hard caps, so the
        // full rules below can rely on them and a complete answer always saves as a draft.
        self.check_draft_answer(value)?;
        match self {
            Field::SingleSelect(s) => {
                let v = expect_str(value)?;
                check_choice(v, options, s.allow_other, s.dynamic_options)
                    .map_err(|_| choice_message(s.allow_other))
            }
            Field::MultipleSelect(s) => {
                let items = expect_array(value)?;
                let mut seen: Vec<&str> = Vec::with_capacity(items.len());
                for item in items {
                    let v = expect_str(item)?;
                    if let Err(e) = check_choice(v, options, s.allow_other, s.dynamic_options) {
                        return Err(match e {
                            ChoiceError::NotAnOption => {
                                format!("{} is not one of the options", quote(v))
                            }
                            ChoiceError::Other(m) => format!("{}: {m}", quote(v)),
                        });
                    }
                    if seen.contains(&v) {
                        return Err(format!("{} is chosen more than once", quote(v)));
                    }
                    seen.push(v);
                }
                let n = items.len();
                if let Some(min) = s.min_selected
                    && (n as u64) < u64::from(min)
                {
                    return Err(format!("choose at least {}", plural(min.into(), "option")));
                }
                if let Some(max) = s.max_selected
                    && (n as u64) > u64::from(max)
                {
                    return Err(format!("choose at most {}", plural(max.into(), "option")));
                }
                Ok(())
            }
            Field::TextInput(s) => {
                let v = expect_str(value)?;
                if !s.multiline && v.contains(['\n', '\r']) {
                    return Err("must be a single line".into());
                }
                let len = v.chars().count();
                if let Some(min) = s.min_length
                    && (len as u64) < u64::from(min)
                {
                    return Err(format!(
                        "must be at least {}",
                        plural(min.into(), "character")
                    ));
                }
                let max = capped(s.max_length, TEXT_MAX_LENGTH_CAP);
                if len > max {
                    return Err(format!(
                        "must be at most {}",
                        plural(max as u64, "character")
                    ));
                }
                match s.pattern.as_deref() {
                    Some(p) if !p.is_empty() => match matches_whole(p, v) {
                        Some(true) => Ok(()),
                        Some(false) => Err("is not in the expected format".into()),
                        None => Err("cannot be checked: the field's pattern is invalid".into()),
                    },
                    _ => Ok(()),
                }
            }
            Field::NumberInput(s) => {
                let n = expect_number(value)?;
                let x = as_f64(n)?;
                if let Some(min) = s.min
                    && x < min
                {
                    return Err(format!("must be at least {min}"));
                }
                if let Some(max) = s.max
                    && x > max
                {
                    return Err(format!("must be at most {max}"));
                }
                if let Some(step) = s.step
                    && step.is_finite()
                    && step > 0.0
                {
                    let base = s.min.unwrap_or(0.0);
                    if !aligned(x, base, step) {
                        return Err(if base == 0.0 {
                            format!("must be a multiple of {step}")
                        } else {
                            format!("must be {base} plus a multiple of {step}")
                        });
                    }
                }
                if let Some(d) = s.decimals
                    && decimal_places(n) > u32::from(d)
                {
                    return Err(if d == 0 {
                        "must be a whole number".into()
                    } else {
                        format!("must have at most {}", plural(d.into(), "decimal place"))
                    });
                }
                Ok(())
            }
            Field::DateInput(s) => check_temporal(
                value,
                ValueKind::Date,
                s.min.map(Temporal::Date),
                s.max.map(Temporal::Date),
            ),
            Field::TimeInput(s) => check_temporal(
                value,
                ValueKind::Time,
                s.min.map(Temporal::Time),
                s.max.map(Temporal::Time),
            ),
            Field::DatetimeInput(s) => check_temporal(
                value,
                ValueKind::DateTime,
                s.min.map(Temporal::DateTime),
                s.max.map(Temporal::DateTime),
            ),
            Field::Rating(s) => {
                let x = as_f64(expect_number(value)?)?;
                if !(1.0..=f64::from(s.max)).contains(&x) {
                    return Err(format!("must be between 1 and {}", s.max));
                }
                if s.allow_half {
                    if (x * 2.0).fract() != 0.0 {
                        return Err("must be a whole or half star".into());
                    }
                } else if x.fract() != 0.0 {
                    return Err("must be a whole number of stars".into());
                }
                Ok(())
            }
            Field::Slider(s) => {
                let x = as_f64(expect_number(value)?)?;
                if !(s.min..=s.max).contains(&x) {
                    return Err(format!("must be between {} and {}", s.min, s.max));
                }
                if s.step.is_finite() && s.step > 0.0 && !aligned(x, s.min, s.step) {
                    return Err(format!("must be {} plus a multiple of {}", s.min, s.step));
                }
                Ok(())
            }
            Field::ColorPicker(s) => {
                let v = expect_str(value)?;
                let hex_len = v
                    .strip_prefix('#')
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                match hex_len.map(str::len) {
                    Some(6) => Ok(()),
                    Some(8) if s.allow_alpha => Ok(()),
                    _ if s.allow_alpha => {
                        Err("must be a color like #1e90ff, or #1e90ff80 with opacity".into())
                    }
                    _ => Err("must be a color like #1e90ff".into()),
                }
            }
            Field::FileUpload(s) => check_files(value, s),
            Field::RichText(s) => {
                let v = expect_str(value)?;
                let max = capped(s.max_length, RICH_TEXT_MAX_LENGTH_CAP);
                if exceeds_chars(v, max) {
                    return Err(format!(
                        "must be at most {}",
                        plural(max as u64, "character")
                    ));
                }
                Ok(())
            }
            Field::DynamicTable(_) | Field::ApplyButton(_) | Field::Output(_) => Ok(()),
        }
    }

    /// What saving-as-you-type accepts: the right JSON kind and the hard caps, nothing
    /// more, so partial input ("ab" in a field needing 5 characters) is kept. `null` is
    /// always accepted: it clears the answer.
    pub fn check_draft_answer(&self, value: &Value) -> Result<(), String> {
        if value.is_null() || self.selection_type().is_action_driven() {
            return Ok(());
        }
        match self.selection_type() {
            SelectionType::SingleSelect => {
                let v = expect_str(value)?;
                cap_chars(v, CHOICE_VALUE_CAP)
            }
            SelectionType::MultipleSelect => {
                let items = value.as_array().ok_or_else(|| {
                    format!("must be a list of choices, not {}", type_name(value))
                })?;
                if items.len() > MAX_CHOICES_CAP {
                    return Err(format!("must have at most {MAX_CHOICES_CAP} choices"));
                }
                for item in items {
                    let v = item.as_str().ok_or_else(|| {
                        format!("every choice must be text, not {}", type_name(item))
                    })?;
                    cap_chars(v, CHOICE_VALUE_CAP)?;
                }
                Ok(())
            }
            SelectionType::TextInput => cap_chars(expect_str(value)?, TEXT_MAX_LENGTH_CAP as usize),
            SelectionType::RichText => {
                cap_chars(expect_str(value)?, RICH_TEXT_MAX_LENGTH_CAP as usize)
            }
            SelectionType::NumberInput | SelectionType::Rating | SelectionType::Slider => {
                expect_number(value).map(|_| ())
            }
            SelectionType::DateInput | SelectionType::TimeInput | SelectionType::DatetimeInput => {
                cap_chars(expect_str(value)?, TEMPORAL_DRAFT_CAP)
            }
            SelectionType::ColorPicker => cap_chars(expect_str(value)?, COLOR_DRAFT_CAP),
            SelectionType::FileUpload => parse_files(value).map(|_| ()),
            SelectionType::DynamicTable | SelectionType::ApplyButton | SelectionType::Output => {
                Ok(())
            }
        }
    }
}

impl OptionSet {
    /// Whether this field has an answer a runner could give (the action-driven apply
    /// button and output slot have none, so they are never required).
    fn takes_answer(&self) -> bool {
        !matches!(
            self.selection_type(),
            SelectionType::ApplyButton | SelectionType::Output
        )
    }

    /// The message to show under this field given all `answers`, exactly as
    /// [`Wizard::check_step_answers`] would report it; `None` when the field is fine (or
    /// hidden: hidden fields are neither required nor checked).
    ///
    /// A disabled field is not required, but a value it already holds is still checked.
    pub fn answer_error(&self, answers: &Answers) -> Option<String> {
        if !self.is_visible(answers) {
            return None;
        }
        let value = answers.get(self.key.as_str()).unwrap_or(&Value::Null);
        if is_blank_for(&self.field, value) {
            let required =
                self.takes_answer() && !self.is_disabled(answers) && self.is_required(answers);
            return required.then(|| REQUIRED_MESSAGE.to_owned());
        }
        self.field.check_answer(value, &self.options).err()
    }
}

// ---------------------------------------------------------------------------------------
// Selects
// ---------------------------------------------------------------------------------------

enum ChoiceError {
    NotAnOption,
    /// An "other" value that is itself unacceptable (blank, too long).
    Other(String),
}

/// One select value: an option's value, or (per the settings) a run-time or typed one.
fn check_choice(
    v: &str,
    options: &[WizardOption],
    allow_other: bool,
    dynamic: bool,
) -> Result<(), ChoiceError> {
    if dynamic || options.iter().any(|o| o.value == v) {
        return Ok(());
    }
    if !allow_other {
        return Err(ChoiceError::NotAnOption);
    }
    if v.trim().is_empty() {
        return Err(ChoiceError::Other(
            "type a value or choose one of the options".into(),
        ));
    }
    if exceeds_chars(v, OTHER_VALUE_MAX_LENGTH) {
        return Err(ChoiceError::Other(format!(
            "must be at most {OTHER_VALUE_MAX_LENGTH} characters"
        )));
    }
    Ok(())
}

fn choice_message(allow_other: bool) -> String {
    if allow_other {
        format!(
            "choose one of the options or type a value of at most {OTHER_VALUE_MAX_LENGTH} characters"
        )
    } else {
        "choose one of the options".into()
    }
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

/// Whether the whole of `text` matches `pattern` (like HTML's `pattern` attribute);
/// `None` when the pattern does not compile. Compiled patterns are cached by
/// [`regex_is_match`], so checking every keystroke does not recompile.
fn matches_whole(pattern: &str, text: &str) -> Option<bool> {
    // A non-capturing group keeps alternations inside the anchors (`a|b` must not become
    // `^a|b$`).
    regex_is_match(&format!("^(?:{pattern})$"), text)
}

/// `max` as set (or `cap` when unset), never above `cap`.
fn capped(max: Option<u32>, cap: u32) -> usize {
    max.map_or(cap, |m| m.min(cap)) as usize
}

/// Whether `s` has more than `max` characters, without counting when the bytes suffice.
fn exceeds_chars(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

fn cap_chars(s: &str, max: usize) -> Result<(), String> {
    if exceeds_chars(s, max) {
        Err(format!(
            "must be at most {}",
            plural(max as u64, "character")
        ))
    } else {
        Ok(())
    }
}

/// Whether HTML has visible content: text outside tags that is not whitespace (or
/// `&nbsp;`), or an embedded image.
fn html_has_content(html: &str) -> bool {
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(tag) = rest.strip_prefix('<') {
            let name: String = tag
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(name.as_str(), "img" | "video" | "audio" | "iframe" | "hr") {
                return true;
            }
            match tag.find('>') {
                Some(end) => rest = &tag[end + 1..],
                None => return false,
            }
        } else if let Some(after) = rest.strip_prefix("&nbsp;") {
            rest = after;
        } else {
            let mut chars = rest.chars();
            if chars.next().is_some_and(|c| !c.is_whitespace()) {
                return true;
            }
            rest = chars.as_str();
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// Whether `x` is `base` plus a whole number of `step`s, allowing for binary float error
/// (0.1 + 0.2 is a multiple of 0.1).
fn aligned(x: f64, base: f64, step: f64) -> bool {
    let k = (x - base) / step;
    k.is_finite() && (k - k.round()).abs() <= 1e-9 * k.abs().max(1.0)
}

/// Decimal places of a JSON number as written in its shortest round-trip form
/// (`1.25` → 2, `1.5e-7` → 8, `3` → 0).
fn decimal_places(n: &Number) -> u32 {
    if n.is_i64() || n.is_u64() {
        return 0;
    }
    let Some(f) = n.as_f64() else { return 0 };
    if f.fract() == 0.0 {
        return 0;
    }
    // `{:e}` is the shortest representation that round-trips, e.g. `1.25e0`, `1.5e-7`.
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let frac = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    let exp: i64 = exp.parse().unwrap_or(0);
    u32::try_from((frac as i64 - exp).max(0)).unwrap_or(u32::MAX)
}

fn as_f64(n: &Number) -> Result<f64, String> {
    n.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| "must be a finite number".to_owned())
}

// ---------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------

fn check_temporal(
    value: &Value,
    kind: ValueKind,
    min: Option<Temporal>,
    max: Option<Temporal>,
) -> Result<(), String> {
    let v = expect_str(value)?;
    let (what, after, before) = match kind {
        ValueKind::Date => ("a date (YYYY-MM-DD)", "on or after", "on or before"),
        ValueKind::Time => ("a time (HH:MM)", "at or after", "at or before"),
        _ => (
            "a date and time (YYYY-MM-DDTHH:MM)",
            "on or after",
            "on or before",
        ),
    };
    let t = Temporal::parse_as(kind, v).ok_or_else(|| format!("must be {what}"))?;
    if let Some(min) = min
        && t.compare(&min) == Some(std::cmp::Ordering::Less)
    {
        return Err(format!("must be {after} {}", show_temporal(&min)));
    }
    if let Some(max) = max
        && t.compare(&max) == Some(std::cmp::Ordering::Greater)
    {
        return Err(format!("must be {before} {}", show_temporal(&max)));
    }
    Ok(())
}

/// A bound as people read it: seconds only when they matter.
fn show_temporal(t: &Temporal) -> String {
    fn time(t: &chrono::NaiveTime) -> String {
        if t.second() == 0 && t.nanosecond() == 0 {
            t.format("%H:%M").to_string()
        } else {
            t.format("%H:%M:%S").to_string()
        }
    }
    match t {
        Temporal::Date(d) => d.format("%Y-%m-%d").to_string(),
        Temporal::Time(t) => time(t),
        Temporal::DateTime(dt) => format!("{} {}", dt.date().format("%Y-%m-%d"), time(&dt.time())),
    }
}

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

/// The files of an answer, parsed strictly, within the hard caps.
fn parse_files(value: &Value) -> Result<Vec<FileRef>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("must be a list of files, not {}", type_name(value)))?;
    if items.len() > MAX_FILES_CAP as usize {
        return Err(format!("must have at most {MAX_FILES_CAP} files"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let file = FileRef::deserialize(item)
                .map_err(|e| format!("file {} is not a valid upload: {e}", i + 1))?;
            if exceeds_chars(&file.name, FILE_NAME_CAP)
                || exceeds_chars(&file.content_type, FILE_NAME_CAP)
            {
                return Err(format!(
                    "file {} has a name or type longer than {FILE_NAME_CAP} characters",
                    i + 1
                ));
            }
            if file.size > FILE_SIZE_CAP {
                return Err(format!(
                    "{} is larger than {}",
                    quote(&file.name),
                    human_size(FILE_SIZE_CAP)
                ));
            }
            Ok(file)
        })
        .collect()
}

fn check_files(value: &Value, s: &FileSettings) -> Result<(), String> {
    let files = parse_files(value)?;
    let max_files = s.max_files.unwrap_or(1).min(MAX_FILES_CAP) as usize;
    if files.is_empty() {
        return Err("attach at least one file".into());
    }
    if files.len() > max_files {
        return Err(format!(
            "attach at most {}",
            plural(max_files as u64, "file")
        ));
    }
    let max_size = s.max_size_bytes.unwrap_or(FILE_SIZE_CAP).min(FILE_SIZE_CAP);
    for (i, file) in files.iter().enumerate() {
        if file.name.trim().is_empty() {
            return Err(format!("file {} has no name", i + 1));
        }
        if files[..i].iter().any(|f| f.id == file.id) {
            return Err(format!("{} is attached twice", quote(&file.name)));
        }
        if file.size > max_size {
            return Err(format!(
                "{} is larger than {}",
                quote(&file.name),
                human_size(max_size)
            ));
        }
        if !s.accepted_types.is_empty()
            && !s
                .accepted_types
                .iter()
                .any(|t| accepts(t, &file.name, &file.content_type))
        {
            return Err(format!(
                "{} is not an accepted file type (accepted: {})",
                quote(&file.name),
                s.accepted_types.join(", ")
            ));
        }
    }
    Ok(())
}

/// Whether one `accepted_types` entry (`image/png`, `image/*`, `.pdf`, `.tar.gz`) admits
/// a file named `name` of media type `content_type`, like the HTML `accept` attribute.
/// MIME types compare case-insensitively and ignore parameters (`; charset=…`). The
/// browser checks with this very function before uploading; the server after.
pub fn accepts(accepted: &str, name: &str, content_type: &str) -> bool {
    if accepted.starts_with('.') {
        let name = name.to_ascii_lowercase();
        let ext = accepted.to_ascii_lowercase();
        return name.len() > ext.len() && name.ends_with(&ext);
    }
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let accepted = accepted.to_ascii_lowercase();
    match accepted.strip_suffix("/*") {
        Some(top) => essence
            .split_once('/')
            .is_some_and(|(t, sub)| t == top && !sub.is_empty()),
        None => essence == accepted,
    }
}

/// `5 MiB`, `1.5 KiB`, `300 bytes`: sizes in messages, on the server and in the browser.
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let (unit, div) = match bytes {
        b if b >= MIB => ("MiB", MIB),
        b if b >= KIB => ("KiB", KIB),
        _ => return plural(bytes, "byte"),
    };
    let x = bytes as f64 / div as f64;
    let shown = format!("{x:.1}");
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {unit}")
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

fn expect_str(value: &Value) -> Result<&str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("must be text, not {}", type_name(value)))
}

fn expect_array(value: &Value) -> Result<&Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("must be a list, not {}", type_name(value)))
}

fn expect_number(value: &Value) -> Result<&Number, String> {
    match value {
        Value::Number(n) => Ok(n),
        other => Err(format!("must be a number, not {}", type_name(other))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `1 option`, `3 options`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A runner's value quoted for a message: `"Paris"`.
fn quote(s: &str) -> String {
    format!("\"{}\"", clip(s))
}

#[cfg(test)]
mod tests {
    #[test]
    fn accept_entries_match_like_the_html_attribute() {
        use super::accepts;
        assert!(accepts(".log", "app.LOG", "text/plain"));
        assert!(!accepts(".log", "app.txt", "text/plain"));
        assert!(accepts(".tar.gz", "x.tar.gz", "application/gzip"));
        assert!(!accepts(".tar.gz", "x.gz", "application/gzip"));
        assert!(accepts("image/*", "shot.png", "image/png"));
        assert!(!accepts("image/*", "shot.png", "application/octet-stream"));
        assert!(accepts("application/pdf", "a.pdf", "Application/PDF"));
        assert!(accepts("text/csv", "a.csv", "text/csv; charset=utf-8"));
        assert!(!accepts(".pdf", "pdf", ""));
    }

    #[test]
    fn sizes_read_naturally() {
        use super::human_size;
        assert_eq!(human_size(0), "0 bytes");
        assert_eq!(human_size(1), "1 byte");
        assert_eq!(human_size(1023), "1023 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
    }

    use super::*;
    use crate::domain::problem::FieldError;
    use crate::domain::*;
    use serde_json::json;
    use uuid::Uuid;

    fn opts(values: &[&str]) -> Vec<WizardOption> {
        values
            .iter()
            .map(|v| WizardOption {
                id: Uuid::nil(),
                label: v.to_uppercase(),
                value: (*v).to_owned(),
                description: String::new(),
            })
            .collect()
    }

    fn ok(f: &Field, v: Value) {
        assert_eq!(f.check_answer(&v, &[]), Ok(()), "{v}");
        assert_eq!(f.check_draft_answer(&v), Ok(()), "draft {v}");
    }

    fn err(f: &Field, v: Value) -> String {
        match f.check_answer(&v, &[]) {
            Ok(()) => panic!("{v} should be refused by {f:?}"),
            Err(m) => m,
        }
    }

    fn file(name: &str, ty: &str, size: u64) -> Value {
        // A distinct id per (name, size) so only deliberate duplicates collide.
        let seed = name.bytes().fold(u128::from(size), |h, b| {
            h.wrapping_mul(131).wrapping_add(u128::from(b))
        });
        json!({"id": Uuid::from_u128(seed), "name": name,
               "content_type": ty, "size": size})
    }

    #[test]
    fn single_select() {
        let o = opts(&["red", "blue"]);
        let f = Field::SingleSelect(SingleSelectSettings::default());
        assert_eq!(f.check_answer(&json!("red"), &o), Ok(()));
        assert_eq!(
            f.check_answer(&json!("green"), &o),
            Err("choose one of the options".into())
        );
        assert_eq!(
            f.check_answer(&json!(["red"]), &o),
            Err("must be text, not a list".into())
        );
        assert!(
            f.check_answer(&json!("RED"), &o).is_err(),
            "values are exact"
        );

        let other = Field::SingleSelect(SingleSelectSettings {
            allow_other: true,
            ..Default::default()
        });
        assert_eq!(other.check_answer(&json!("green"), &o), Ok(()));
        assert!(other.check_answer(&json!("   "), &o).is_err());
        assert!(other.check_answer(&json!("x".repeat(501)), &o).is_err());
        assert_eq!(other.check_answer(&json!("x".repeat(500)), &o), Ok(()));

        let dynamic = Field::SingleSelect(SingleSelectSettings {
            dynamic_options: true,
            ..Default::default()
        });
        assert_eq!(dynamic.check_answer(&json!("from-an-action"), &[]), Ok(()));
        assert!(dynamic.check_answer(&json!(3), &[]).is_err());
    }

    #[test]
    fn multiple_select() {
        let o = opts(&["a", "b", "c", "d"]);
        let f = Field::MultipleSelect(SelectSettings {
            min_selected: Some(2),
            max_selected: Some(3),
            ..Default::default()
        });
        assert_eq!(f.check_answer(&json!(["a", "c"]), &o), Ok(()));
        assert_eq!(f.check_answer(&json!(["a", "b", "c"]), &o), Ok(()));
        assert_eq!(
            f.check_answer(&json!(["a"]), &o),
            Err("choose at least 2 options".into())
        );
        assert_eq!(
            f.check_answer(&json!(["a", "b", "c", "d"]), &o),
            Err("choose at most 3 options".into())
        );
        assert_eq!(
            f.check_answer(&json!(["a", "a"]), &o),
            Err("\"a\" is chosen more than once".into())
        );
        assert_eq!(
            f.check_answer(&json!(["a", "z"]), &o),
            Err("\"z\" is not one of the options".into())
        );
        assert!(f.check_answer(&json!("a"), &o).is_err());
        assert!(f.check_answer(&json!(["a", 1]), &o).is_err());

        let other = Field::MultipleSelect(SelectSettings {
            allow_other: true,
            ..Default::default()
        });
        assert_eq!(other.check_answer(&json!(["a", "zebra"]), &o), Ok(()));
        assert!(other.check_answer(&json!(["a", " "]), &o).is_err());
    }

    #[test]
    fn text_input() {
        let f = Field::TextInput(TextSettings {
            min_length: Some(2),
            max_length: Some(5),
            pattern: Some("[A-Z]+|[0-9]+".into()),
            ..Default::default()
        });
        ok(&f, json!("ABC"));
        ok(&f, json!("12345"));
        assert_eq!(err(&f, json!("A")), "must be at least 2 characters");
        assert_eq!(err(&f, json!("ABCDEF")), "must be at most 5 characters");
        // the whole value must match, including for alternations
        assert_eq!(err(&f, json!("AB12")), "is not in the expected format");
        assert_eq!(err(&f, json!("abc")), "is not in the expected format");
        assert_eq!(err(&f, json!(12)), "must be text, not a number");
        assert_eq!(err(&f, json!("AB\nC")), "must be a single line");
        // characters, not bytes
        let f = Field::TextInput(TextSettings {
            max_length: Some(3),
            ..Default::default()
        });
        ok(&f, json!("été"));
        let multi = Field::TextInput(TextSettings {
            multiline: true,
            ..Default::default()
        });
        ok(&multi, json!("line one\nline two"));
        // no max_length: the global cap still applies
        let f = Field::TextInput(TextSettings::default());
        ok(&f, json!("x".repeat(TEXT_MAX_LENGTH_CAP as usize)));
        assert!(
            f.check_answer(&json!("x".repeat(TEXT_MAX_LENGTH_CAP as usize + 1)), &[])
                .is_err()
        );
    }

    #[test]
    fn number_input() {
        let f = Field::NumberInput(NumberSettings {
            min: Some(1.0),
            max: Some(10.0),
            step: Some(0.5),
            decimals: Some(1),
        });
        ok(&f, json!(1));
        ok(&f, json!(2.5));
        ok(&f, json!(10.0));
        assert_eq!(err(&f, json!(0.5)), "must be at least 1");
        assert_eq!(err(&f, json!(10.5)), "must be at most 10");
        assert_eq!(err(&f, json!(1.2)), "must be 1 plus a multiple of 0.5");
        assert_eq!(err(&f, json!("5")), "must be a number, not text");

        let money = Field::NumberInput(NumberSettings {
            step: Some(0.01),
            decimals: Some(2),
            ..Default::default()
        });
        ok(&money, json!(0.3));
        ok(&money, json!(19.99));
        ok(&money, json!(-1234.56));
        assert_eq!(err(&money, json!(0.125)), "must be a multiple of 0.01");
        let whole = Field::NumberInput(NumberSettings {
            decimals: Some(0),
            ..Default::default()
        });
        ok(&whole, json!(42));
        ok(&whole, json!(1e20));
        assert_eq!(err(&whole, json!(4.2)), "must be a whole number");
        let two = Field::NumberInput(NumberSettings {
            decimals: Some(2),
            ..Default::default()
        });
        assert_eq!(
            err(&two, json!(0.001)),
            "must have at most 2 decimal places"
        );
        assert_eq!(
            err(&two, json!(1.5e-7)),
            "must have at most 2 decimal places"
        );
        ok(
            &Field::NumberInput(NumberSettings::default()),
            json!(-1e300),
        );
    }

    #[test]
    fn decimal_places_counts_shortest_form() {
        for (v, d) in [
            (json!(3), 0),
            (json!(3.0), 0),
            (json!(1.25), 2),
            (json!(0.1), 1),
            (json!(1.5e-7), 8),
            (json!(-2.75), 2),
            (json!(1e21), 0),
        ] {
            let Value::Number(n) = &v else { unreachable!() };
            assert_eq!(decimal_places(n), d, "{v}");
        }
    }

    #[test]
    fn dates_and_times() {
        let d = Field::DateInput(DateSettings {
            min: parse_date("2024-01-01"),
            max: parse_date("2024-12-31"),
        });
        ok(&d, json!("2024-02-29"));
        assert_eq!(
            err(&d, json!("2023-12-31")),
            "must be on or after 2024-01-01"
        );
        assert_eq!(
            err(&d, json!("2025-01-01")),
            "must be on or before 2024-12-31"
        );
        assert_eq!(err(&d, json!("2024-02-30")), "must be a date (YYYY-MM-DD)");
        assert_eq!(err(&d, json!("09:00")), "must be a date (YYYY-MM-DD)");
        assert!(d.check_answer(&json!(20240101), &[]).is_err());

        let t = Field::TimeInput(TimeSettings {
            min: parse_time("09:00"),
            max: parse_time("17:30"),
        });
        ok(&t, json!("09:00"));
        ok(&t, json!("17:30:00"));
        assert_eq!(err(&t, json!("17:30:01")), "must be at or before 17:30");
        assert_eq!(err(&t, json!("8:00")), "must be a time (HH:MM)");

        let dt = Field::DatetimeInput(DateTimeSettings {
            min: parse_datetime("2024-06-01T09:00"),
            max: None,
        });
        ok(&dt, json!("2024-06-01T09:00"));
        ok(&dt, json!("2030-01-01T00:00:00"));
        assert_eq!(
            err(&dt, json!("2024-06-01T08:59")),
            "must be on or after 2024-06-01 09:00"
        );
        assert!(dt.check_answer(&json!("2024-06-01"), &[]).is_err());
    }

    #[test]
    fn rating() {
        let f = Field::Rating(RatingSettings {
            max: 5,
            allow_half: false,
        });
        ok(&f, json!(1));
        ok(&f, json!(5));
        assert_eq!(err(&f, json!(0)), "must be between 1 and 5");
        assert_eq!(err(&f, json!(6)), "must be between 1 and 5");
        assert_eq!(err(&f, json!(3.5)), "must be a whole number of stars");
        let half = Field::Rating(RatingSettings {
            max: 10,
            allow_half: true,
        });
        ok(&half, json!(3.5));
        ok(&half, json!(10));
        assert_eq!(err(&half, json!(3.25)), "must be a whole or half star");
        assert!(half.check_answer(&json!("4"), &[]).is_err());
    }

    #[test]
    fn slider() {
        let f = Field::Slider(SliderSettings {
            min: -10.0,
            max: 10.0,
            step: 2.5,
        });
        ok(&f, json!(-10));
        ok(&f, json!(7.5));
        ok(&f, json!(10));
        assert_eq!(err(&f, json!(11)), "must be between -10 and 10");
        assert_eq!(err(&f, json!(1)), "must be -10 plus a multiple of 2.5");
        let tenths = Field::Slider(SliderSettings {
            min: 0.0,
            max: 1.0,
            step: 0.1,
        });
        ok(&tenths, json!(0.7));
        ok(&tenths, json!(0.30000000000000004));
    }

    #[test]
    fn color_picker() {
        let f = Field::ColorPicker(ColorSettings { allow_alpha: false });
        ok(&f, json!("#1e90ff"));
        ok(&f, json!("#ABCDEF"));
        for bad in ["#1e90ff80", "1e90ff", "#fff", "#1e90fg", "#1e90ff ", "red"] {
            assert_eq!(err(&f, json!(bad)), "must be a color like #1e90ff", "{bad}");
        }
        let alpha = Field::ColorPicker(ColorSettings { allow_alpha: true });
        ok(&alpha, json!("#1e90ff80"));
        ok(&alpha, json!("#1e90ff"));
        assert!(alpha.check_answer(&json!("#1e90ff8"), &[]).is_err());
    }

    #[test]
    fn file_upload() {
        let f = Field::FileUpload(FileSettings {
            max_size_bytes: Some(1024 * 1024),
            accepted_types: vec!["image/*".into(), ".pdf".into(), "text/csv".into()],
            max_files: Some(2),
        });
        ok(&f, json!([file("cat.png", "image/png", 1000)]));
        ok(
            &f,
            json!([file("Report.PDF", "application/octet-stream", 10)]),
        );
        ok(
            &f,
            json!([
                file("a.csv", "text/csv; charset=utf-8", 10),
                file("b.jpg", "IMAGE/JPEG", 10)
            ]),
        );
        assert_eq!(err(&f, json!([])), "attach at least one file");
        assert_eq!(
            err(
                &f,
                json!([
                    file("a.png", "image/png", 1),
                    file("bb.png", "image/png", 2),
                    file("ccc.png", "image/png", 3)
                ])
            ),
            "attach at most 2 files"
        );
        assert_eq!(
            err(&f, json!([file("big.png", "image/png", 2 * 1024 * 1024)])),
            "\"big.png\" is larger than 1 MiB"
        );
        assert_eq!(
            err(&f, json!([file("run.exe", "application/x-msdownload", 10)])),
            "\"run.exe\" is not an accepted file type (accepted: image/*, .pdf, text/csv)"
        );
        assert!(
            f.check_answer(&json!([file("pdf", "application/pdf", 1)]), &[])
                .is_err()
        );
        let same = file("a.png", "image/png", 1);
        assert_eq!(err(&f, json!([same, same])), "\"a.png\" is attached twice");
        // strict shape
        assert!(f.check_answer(&json!([{"name": "x.png"}]), &[]).is_err());
        let mut extra = file("a.png", "image/png", 1);
        extra["path"] = json!("/etc/passwd");
        assert!(f.check_answer(&json!([extra]), &[]).is_err());
        assert!(f.check_answer(&json!({"name": "x"}), &[]).is_err());

        // defaults: one file of any type up to the global cap
        let d = Field::FileUpload(FileSettings::default());
        ok(
            &d,
            json!([file("x.bin", "application/octet-stream", FILE_SIZE_CAP)]),
        );
        assert_eq!(
            err(&d, json!([file("a", "x/y", 1), file("bb", "x/y", 1)])),
            "attach at most 1 file"
        );
        assert!(
            d.check_draft_answer(&json!([file("x", "x/y", FILE_SIZE_CAP + 1)]))
                .is_err()
        );
    }

    #[test]
    fn rich_text() {
        let f = Field::RichText(RichTextSettings {
            max_length: Some(30),
        });
        ok(&f, json!("<p>Hello <b>you</b></p>"));
        assert_eq!(
            err(&f, json!("<p>far too long for this field</p>")),
            "must be at most 30 characters"
        );
        assert!(f.check_answer(&json!({"html": "x"}), &[]).is_err());
    }

    #[test]
    fn action_driven_kinds_accept_anything() {
        for t in [
            SelectionType::DynamicTable,
            SelectionType::ApplyButton,
            SelectionType::Output,
        ] {
            let f = Field::new(t);
            for v in [
                json!(null),
                json!([{"a": 1}]),
                json!("x"),
                json!({"k": [1, 2]}),
            ] {
                ok(&f, v);
            }
        }
    }

    #[test]
    fn drafts_keep_partial_input_but_not_the_wrong_kind() {
        let text = Field::TextInput(TextSettings {
            min_length: Some(5),
            pattern: Some("[a-z]+@[a-z]+".into()),
            ..Default::default()
        });
        assert_eq!(text.check_draft_answer(&json!("ab")), Ok(()));
        assert!(text.check_answer(&json!("ab"), &[]).is_err());
        assert_eq!(text.check_draft_answer(&json!(null)), Ok(()));
        assert_eq!(
            text.check_draft_answer(&json!(12)),
            Err("must be text, not a number".into())
        );
        let huge = "x".repeat(2 * 1024 * 1024);
        assert!(text.check_draft_answer(&json!(huge)).is_err());
        let rich = Field::RichText(RichTextSettings::default());
        assert!(rich.check_draft_answer(&json!(huge)).is_err());

        let date = Field::DateInput(DateSettings::default());
        assert_eq!(date.check_draft_answer(&json!("2024-0")), Ok(()));
        assert!(date.check_draft_answer(&json!(2024)).is_err());
        let n = Field::NumberInput(NumberSettings {
            min: Some(10.0),
            ..Default::default()
        });
        assert_eq!(n.check_draft_answer(&json!(1)), Ok(()));
        assert!(n.check_draft_answer(&json!("1")).is_err());
        let multi = Field::MultipleSelect(SelectSettings::default());
        assert_eq!(multi.check_draft_answer(&json!(["nope"])), Ok(()));
        assert!(multi.check_draft_answer(&json!([1])).is_err());
        assert!(
            multi
                .check_draft_answer(&json!(vec!["a"; MAX_CHOICES_CAP + 1]))
                .is_err()
        );
    }

    #[test]
    fn blankness() {
        for blank in [json!(null), json!(""), json!("  \n"), json!([]), json!({})] {
            assert!(is_blank(&blank), "{blank}");
        }
        for filled in [
            json!(0),
            json!(false),
            json!("x"),
            json!([""]),
            json!({"a": null}),
        ] {
            assert!(!is_blank(&filled), "{filled}");
        }
        let rich = Field::RichText(RichTextSettings::default());
        for blank in ["<p></p>", "<p><br></p>", "<p>&nbsp; </p>\n", "<p"] {
            assert!(is_blank_for(&rich, &json!(blank)), "{blank}");
        }
        for filled in ["<p>x</p>", "hi", "<p><img src=\"a.png\"></p>"] {
            assert!(!is_blank_for(&rich, &json!(filled)), "{filled}");
        }
    }

    fn wizard() -> Wizard {
        serde_json::from_value(json!({
            "name": "Trip",
            "steps": [
                {"id": Uuid::from_u128(1), "title": "Who", "option_sets": [
                    {"id": Uuid::from_u128(10), "key": "name", "label": "Name", "required": true,
                     "selection_type": "text_input", "settings": {"max_length": 10}},
                    {"id": Uuid::from_u128(11), "key": "kind", "label": "Kind", "required": true,
                     "selection_type": "single_select",
                     "options": [{"label": "Solo", "value": "solo"}, {"label": "Group", "value": "group"}]},
                    {"id": Uuid::from_u128(12), "key": "size", "label": "Group size",
                     "selection_type": "number_input", "settings": {"min": 2},
                     "show_if": {"field": "kind", "op": "eq", "value": "group"},
                     "require_if": {"field": "kind", "op": "eq", "value": "group"}},
                    {"id": Uuid::from_u128(13), "key": "notes", "label": "Notes", "required": true,
                     "selection_type": "rich_text",
                     "disable_if": {"field": "kind", "op": "eq", "value": "solo"}},
                    {"id": Uuid::from_u128(14), "key": "go", "label": "Check", "required": true,
                     "selection_type": "apply_button"}
                ]},
                {"id": Uuid::from_u128(2), "title": "Group", "show_if": {"field": "kind", "op": "eq", "value": "group"},
                 "option_sets": [
                    {"id": Uuid::from_u128(20), "key": "leader", "label": "Leader", "required": true,
                     "selection_type": "text_input"}
                 ]}
            ]
        }))
        .unwrap()
    }

    fn answers(v: Value) -> Answers {
        v.as_object().cloned().unwrap()
    }

    fn errors(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn step_answers_required_hidden_disabled() {
        let w = wizard();
        let step = &w.steps[0];
        let e = errors(w.check_step_answers(step, &answers(json!({"name": "  "}))));
        assert_eq!(
            e,
            [
                ("answers.name".into(), REQUIRED_MESSAGE.into()),
                ("answers.kind".into(), REQUIRED_MESSAGE.into()),
                ("answers.notes".into(), REQUIRED_MESSAGE.into()),
            ],
            "the apply button is never required; the hidden group size is not required"
        );
        // solo: notes disabled so not required; a bad value in a hidden field is ignored
        let a = answers(json!({"name": "Ann", "kind": "solo", "size": "lots"}));
        assert_eq!(w.check_step_answers(step, &a), vec![]);
        // group: size shown and required, leader step shown
        let a = answers(json!({"name": "Ann", "kind": "group", "notes": "<p><br></p>"}));
        assert_eq!(
            errors(w.check_step_answers(step, &a)),
            [
                ("answers.size".into(), REQUIRED_MESSAGE.into()),
                ("answers.notes".into(), REQUIRED_MESSAGE.into()),
            ]
        );
        let a = answers(json!({"name": "Ann", "kind": "group", "size": 1, "notes": "<p>hi</p>"}));
        assert_eq!(
            errors(w.check_step_answers(step, &a)),
            [("answers.size".into(), "must be at least 2".into())]
        );
        // disabled but filled: still checked
        let a = answers(json!({"name": "Ann", "kind": "solo", "notes": 5}));
        assert_eq!(
            errors(w.check_step_answers(step, &a)),
            [("answers.notes".into(), "must be text, not a number".into())]
        );
        assert_eq!(
            w.steps[0].option_sets[0]
                .answer_error(&answers(json!({"name": "far too long a name"}))),
            Some("must be at most 10 characters".into())
        );
    }

    #[test]
    fn all_answers_skip_hidden_steps() {
        let w = wizard();
        let solo = answers(json!({"name": "Ann", "kind": "solo"}));
        assert_eq!(w.check_all_answers(&solo), vec![]);
        let group = answers(json!({"name": "Ann", "kind": "group", "size": 3, "notes": "x"}));
        assert_eq!(
            errors(w.check_all_answers(&group)),
            [("answers.leader".into(), REQUIRED_MESSAGE.into())]
        );
    }

    #[test]
    fn visible_answers_drop_hidden_and_unknown() {
        let w = wizard();
        let a = answers(json!({
            "name": "Ann", "kind": "solo", "size": 4, "leader": "Bob",
            "notes": null, "ghost": 1
        }));
        assert_eq!(
            Value::Object(w.visible_answers(&a)),
            json!({"name": "Ann", "kind": "solo"})
        );
        let a = answers(json!({"name": "Ann", "kind": "group", "size": 4, "leader": "Bob"}));
        assert_eq!(
            Value::Object(w.visible_answers(&a)),
            json!({"name": "Ann", "kind": "group", "size": 4, "leader": "Bob"})
        );
    }

    #[test]
    fn draft_answers_of_a_request() {
        let w = wizard();
        let a = answers(json!({"name": "A", "size": "two", "ghost": 1, "kind": null}));
        let mut e = errors(w.check_draft_answers(&a));
        e.sort();
        assert_eq!(
            e,
            [
                (
                    "answers.ghost".into(),
                    "there is no field `ghost` in this wizard".into()
                ),
                ("answers.size".into(), "must be a number, not text".into()),
            ]
        );
    }
}

//! Selection types (what kind of input an option set is) and their typed settings.
//!
//! Settings are typed per selection type, and unknown setting names are refused, so a typo
//! such as `max_lenght` fails loudly when a wizard is saved instead of being ignored.

use std::cmp::Ordering;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::pattern::compile_regex;
use crate::domain::problem::FieldError;

/// The kind of input an option set renders, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SelectionType {
    SingleSelect,
    MultipleSelect,
    TextInput,
    NumberInput,
    DateInput,
    TimeInput,
    DatetimeInput,
    Rating,
    Slider,
    ColorPicker,
    FileUpload,
    RichText,
    /// Rows filled by an action.
    DynamicTable,
    /// A button that fires `optionSet.onApply`.
    ApplyButton,
    /// A slot that shows a renderer's output.
    Output,
}

/// The shape of the answer a selection type produces; conditions are type-checked
/// against it so `gt` on a text field is refused when the wizard is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ValueKind {
    /// A JSON string (text, rich text, the chosen value of a single select).
    Text,
    /// A JSON number (number input, rating, slider).
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// `HH:MM` or `HH:MM:SS[.fff]`.
    Time,
    /// `YYYY-MM-DDTHH:MM[:SS[.fff]]`, no offset (what `datetime-local` inputs produce).
    DateTime,
    /// A JSON array of strings (the chosen values of a multiple select).
    List,
    /// A `#rrggbb` / `#rrggbbaa` string.
    Color,
    /// Uploaded file metadata; only emptiness is meaningful to conditions.
    File,
    /// No answer at all (action-driven kinds).
    None,
}

impl ValueKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Time => "time",
            Self::DateTime => "date_time",
            Self::List => "list",
            Self::Color => "color",
            Self::File => "file",
            Self::None => "none",
        }
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SelectionType {
    /// Every selection type, in their documented order (for pickers and exhaustive tests).
    pub const ALL: [SelectionType; 15] = [
        Self::SingleSelect,
        Self::MultipleSelect,
        Self::TextInput,
        Self::NumberInput,
        Self::DateInput,
        Self::TimeInput,
        Self::DatetimeInput,
        Self::Rating,
        Self::Slider,
        Self::ColorPicker,
        Self::FileUpload,
        Self::RichText,
        Self::DynamicTable,
        Self::ApplyButton,
        Self::Output,
    ];

    /// The wire name (`single_select`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SingleSelect => "single_select",
            Self::MultipleSelect => "multiple_select",
            Self::TextInput => "text_input",
            Self::NumberInput => "number_input",
            Self::DateInput => "date_input",
            Self::TimeInput => "time_input",
            Self::DatetimeInput => "datetime_input",
            Self::Rating => "rating",
            Self::Slider => "slider",
            Self::ColorPicker => "color_picker",
            Self::FileUpload => "file_upload",
            Self::RichText => "rich_text",
            Self::DynamicTable => "dynamic_table",
            Self::ApplyButton => "apply_button",
            Self::Output => "output",
        }
    }

    pub const fn value_kind(self) -> ValueKind {
        match self {
            Self::SingleSelect | Self::TextInput | Self::RichText => ValueKind::Text,
            Self::MultipleSelect => ValueKind::List,
            Self::NumberInput | Self::Rating | Self::Slider => ValueKind::Number,
            Self::DateInput => ValueKind::Date,
            Self::TimeInput => ValueKind::Time,
            Self::DatetimeInput => ValueKind::DateTime,
            Self::ColorPicker => ValueKind::Color,
            Self::FileUpload => ValueKind::File,
            Self::DynamicTable | Self::ApplyButton | Self::Output => ValueKind::None,
        }
    }

    /// Whether option sets of this type hold [`WizardOption`](super::WizardOption)s.
    pub const fn takes_options(self) -> bool {
        matches!(self, Self::SingleSelect | Self::MultipleSelect)
    }

    /// The kinds driven by events and actions rather than typed in by the runner.
    pub const fn is_action_driven(self) -> bool {
        matches!(self, Self::DynamicTable | Self::ApplyButton | Self::Output)
    }
}

impl fmt::Display for SelectionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------

/// A date, time or date-time parsed from the ISO strings answers and settings use.
///
/// One strict set of formats for settings, conditions and answers, so a value accepted in
/// one place compares the same way everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporal {
    Date(NaiveDate),
    Time(NaiveTime),
    DateTime(NaiveDateTime),
}

impl Temporal {
    /// Recognises whichever of the three forms `s` is in (they cannot be confused).
    pub fn parse(s: &str) -> Option<Temporal> {
        parse_date(s)
            .map(Temporal::Date)
            .or_else(|| parse_time(s).map(Temporal::Time))
            .or_else(|| parse_datetime(s).map(Temporal::DateTime))
    }

    /// Parses `s` as the given kind only.
    pub fn parse_as(kind: ValueKind, s: &str) -> Option<Temporal> {
        match kind {
            ValueKind::Date => parse_date(s).map(Temporal::Date),
            ValueKind::Time => parse_time(s).map(Temporal::Time),
            ValueKind::DateTime => parse_datetime(s).map(Temporal::DateTime),
            _ => None,
        }
    }

    /// Chronological order, or `None` when the two are of different forms.
    pub fn compare(&self, other: &Temporal) -> Option<Ordering> {
        match (self, other) {
            (Self::Date(a), Self::Date(b)) => Some(a.cmp(b)),
            (Self::Time(a), Self::Time(b)) => Some(a.cmp(b)),
            (Self::DateTime(a), Self::DateTime(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// `YYYY-MM-DD`, exactly ten characters (no `2024-1-1`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `HH:MM` or `HH:MM:SS` with optional fraction, the forms `<input type=time>` produces.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    let shaped = b.len() >= 5
        && b[2] == b':'
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[3..5].iter().all(u8::is_ascii_digit);
    if !shaped {
        return None;
    }
    if b.len() == 5 {
        NaiveTime::parse_from_str(s, "%H:%M").ok()
    } else if b.len() >= 8 && b[5] == b':' && b[6..8].iter().all(u8::is_ascii_digit) {
        NaiveTime::parse_from_str(s, "%H:%M:%S%.f").ok()
    } else {
        None
    }
}

/// `YYYY-MM-DDTHH:MM[:SS[.fff]]` (a space is accepted for the `T`); no offset.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let (date, time) = s.split_once(['T', ' '])?;
    Some(NaiveDateTime::new(parse_date(date)?, parse_time(time)?))
}

/// Serde for the optional chrono settings, in the same strict formats as answers.
mod naive_serde {
    use super::*;
    use serde::Serializer;

    pub fn ser_date<S: Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
            None => s.serialize_none(),
        }
    }

    pub fn ser_time<S: Serializer>(v: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => s.collect_str(&t.format("%H:%M:%S%.f")),
            None => s.serialize_none(),
        }
    }

    pub fn ser_datetime<S: Serializer>(v: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S%.f")),
            None => s.serialize_none(),
        }
    }

    fn de_with<'de, D: Deserializer<'de>, T>(
        d: D,
        parse: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("`{s}` is not {expected}"))),
        }
    }

    pub fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        de_with(d, parse_date, "a date (YYYY-MM-DD)")
    }

    pub fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        de_with(d, parse_time, "a time (HH:MM or HH:MM:SS)")
    }

    pub fn de_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        de_with(d, parse_datetime, "a date-time (YYYY-MM-DDTHH:MM[:SS])")
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

/// Longest `max_length` a text input may declare (100 000 characters).
pub const TEXT_MAX_LENGTH_CAP: u32 = 100_000;
/// Longest `max_length` a rich-text field may declare (1 000 000 characters).
pub const RICH_TEXT_MAX_LENGTH_CAP: u32 = 1_000_000;
/// Largest upload a file field may accept: 50 MiB.
pub const FILE_SIZE_CAP: u64 = 50 * 1024 * 1024;
/// Most files one file field may accept.
pub const MAX_FILES_CAP: u32 = 100;
/// Most decimals a number input may declare (beyond this f64 is noise anyway).
pub const MAX_DECIMALS: u8 = 10;
/// Largest star count of a rating.
pub const RATING_MAX_CAP: u8 = 10;
/// Longest placeholder text.
pub const PLACEHOLDER_CAP: usize = 500;

/// How a single select is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SelectDisplay {
    #[default]
    Radio,
    Dropdown,
}

/// `single_select` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SingleSelectSettings {
    /// The runner may type a value that is not one of the options.
    pub allow_other: bool,
    pub display: SelectDisplay,
    /// Options are supplied at run time by an action (`optionSet.onLoad` …), so having no
    /// static options is not an error and condition values are not checked against them.
    pub dynamic_options: bool,
}

/// `multiple_select` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SelectSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_selected: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<u32>,
    pub allow_other: bool,
    /// See [`SingleSelectSettings::dynamic_options`].
    pub dynamic_options: bool,
}

/// `text_input` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TextSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// A regular expression the whole answer must match (anchored, like HTML `pattern`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    pub multiline: bool,
}

/// `number_input` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NumberSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

/// `date_input` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DateSettings {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_date",
        deserialize_with = "naive_serde::de_date"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub min: Option<NaiveDate>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_date",
        deserialize_with = "naive_serde::de_date"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub max: Option<NaiveDate>,
}

/// `time_input` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimeSettings {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_time",
        deserialize_with = "naive_serde::de_time"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = "time"))]
    pub min: Option<NaiveTime>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_time",
        deserialize_with = "naive_serde::de_time"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = "time"))]
    pub max: Option<NaiveTime>,
}

/// `datetime_input` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DateTimeSettings {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_datetime",
        deserialize_with = "naive_serde::de_datetime"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub min: Option<NaiveDateTime>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "naive_serde::ser_datetime",
        deserialize_with = "naive_serde::de_datetime"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub max: Option<NaiveDateTime>,
}

/// `rating` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingSettings {
    /// Number of stars, 1..=10.
    pub max: u8,
    pub allow_half: bool,
}

impl Default for RatingSettings {
    fn default() -> Self {
        Self {
            max: 5,
            allow_half: false,
        }
    }
}

/// `slider` settings. A slider always has bounds, so they default to 0..=100 by 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SliderSettings {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

impl Default for SliderSettings {
    fn default() -> Self {
        Self {
            min: 0.0,
            max: 100.0,
            step: 1.0,
        }
    }
}

/// `color_picker` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ColorSettings {
    pub allow_alpha: bool,
}

/// `file_upload` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileSettings {
    /// Per file; at most [`FILE_SIZE_CAP`] (also the limit when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_size_bytes: Option<u64>,
    /// MIME types (`image/png`, `image/*`) or extensions (`.pdf`); empty accepts any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
}

/// `rich_text` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RichTextSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

/// One column of a dynamic table: which property of a row to show, under which heading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TableColumn {
    pub key: String,
    #[serde(default)]
    pub label: String,
}

/// `dynamic_table` settings; the rows come from an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DynamicTableSettings {
    /// Empty shows every property of the rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<TableColumn>,
    /// Whether the person picks rows. The answer is the `value_path` of the picked row
    /// (`single`) or the list of them (`multiple`), checked on the server against the
    /// rows this run's action put into the table.
    #[serde(skip_serializing_if = "RowSelection::is_none")]
    pub selection: RowSelection,
    /// Where a row's value is (`id`, `code.iso`; the row path language of the renderers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_path: Option<String>,
}

/// How many rows of a `dynamic_table` the person picks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RowSelection {
    /// Rows are only shown.
    #[default]
    None,
    Single,
    Multiple,
}

impl RowSelection {
    pub fn is_none(&self) -> bool {
        *self == RowSelection::None
    }
}

/// `apply_button` settings (none yet; the option set's label is the button's text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplyButtonSettings {}

/// `output` settings (none yet; the renderer and its config come from the action feeding it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutputSettings {}

/// A selection type together with its typed settings:
/// `{"selection_type": "text_input", "settings": {"max_length": 80}}`.
///
/// Pairing them in one enum makes "settings of the wrong type" unrepresentable.
/// On input, `settings` may be omitted or `null` (all defaults).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "selection_type",
    content = "settings",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Field {
    SingleSelect(SingleSelectSettings),
    MultipleSelect(SelectSettings),
    TextInput(TextSettings),
    NumberInput(NumberSettings),
    DateInput(DateSettings),
    TimeInput(TimeSettings),
    DatetimeInput(DateTimeSettings),
    Rating(RatingSettings),
    Slider(SliderSettings),
    ColorPicker(ColorSettings),
    FileUpload(FileSettings),
    RichText(RichTextSettings),
    DynamicTable(DynamicTableSettings),
    ApplyButton(ApplyButtonSettings),
    Output(OutputSettings),
}

impl Field {
    /// A field of the given type with default settings (what the builder starts from).
    pub fn new(selection_type: SelectionType) -> Field {
        match selection_type {
            SelectionType::SingleSelect => Field::SingleSelect(Default::default()),
            SelectionType::MultipleSelect => Field::MultipleSelect(Default::default()),
            SelectionType::TextInput => Field::TextInput(Default::default()),
            SelectionType::NumberInput => Field::NumberInput(Default::default()),
            SelectionType::DateInput => Field::DateInput(Default::default()),
            SelectionType::TimeInput => Field::TimeInput(Default::default()),
            SelectionType::DatetimeInput => Field::DatetimeInput(Default::default()),
            SelectionType::Rating => Field::Rating(Default::default()),
            SelectionType::Slider => Field::Slider(Default::default()),
            SelectionType::ColorPicker => Field::ColorPicker(Default::default()),
            SelectionType::FileUpload => Field::FileUpload(Default::default()),
            SelectionType::RichText => Field::RichText(Default::default()),
            SelectionType::DynamicTable => Field::DynamicTable(Default::default()),
            SelectionType::ApplyButton => Field::ApplyButton(Default::default()),
            SelectionType::Output => Field::Output(Default::default()),
        }
    }

    /// Builds a field from its two wire parts; `None`/`null` settings mean all defaults.
    pub fn from_parts(
        selection_type: SelectionType,
        settings: Option<Value>,
    ) -> Result<Field, serde_json::Error> {
        let settings = match settings {
            None | Some(Value::Null) => return Ok(Field::new(selection_type)),
            Some(v) => v,
        };
        fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, serde_json::Error> {
            serde_json::from_value(v)
        }
        let field = match selection_type {
            SelectionType::SingleSelect => parse(settings).map(Field::SingleSelect),
            SelectionType::MultipleSelect => parse(settings).map(Field::MultipleSelect),
            SelectionType::TextInput => parse(settings).map(Field::TextInput),
            SelectionType::NumberInput => parse(settings).map(Field::NumberInput),
            SelectionType::DateInput => parse(settings).map(Field::DateInput),
            SelectionType::TimeInput => parse(settings).map(Field::TimeInput),
            SelectionType::DatetimeInput => parse(settings).map(Field::DatetimeInput),
            SelectionType::Rating => parse(settings).map(Field::Rating),
            SelectionType::Slider => parse(settings).map(Field::Slider),
            SelectionType::ColorPicker => parse(settings).map(Field::ColorPicker),
            SelectionType::FileUpload => parse(settings).map(Field::FileUpload),
            SelectionType::RichText => parse(settings).map(Field::RichText),
            SelectionType::DynamicTable => parse(settings).map(Field::DynamicTable),
            SelectionType::ApplyButton => parse(settings).map(Field::ApplyButton),
            SelectionType::Output => parse(settings).map(Field::Output),
        };
        field.map_err(|e| {
            serde_json::Error::custom(format!("invalid settings for a {selection_type}: {e}"))
        })
    }

    pub fn selection_type(&self) -> SelectionType {
        match self {
            Field::SingleSelect(_) => SelectionType::SingleSelect,
            Field::MultipleSelect(_) => SelectionType::MultipleSelect,
            Field::TextInput(_) => SelectionType::TextInput,
            Field::NumberInput(_) => SelectionType::NumberInput,
            Field::DateInput(_) => SelectionType::DateInput,
            Field::TimeInput(_) => SelectionType::TimeInput,
            Field::DatetimeInput(_) => SelectionType::DatetimeInput,
            Field::Rating(_) => SelectionType::Rating,
            Field::Slider(_) => SelectionType::Slider,
            Field::ColorPicker(_) => SelectionType::ColorPicker,
            Field::FileUpload(_) => SelectionType::FileUpload,
            Field::RichText(_) => SelectionType::RichText,
            Field::DynamicTable(_) => SelectionType::DynamicTable,
            Field::ApplyButton(_) => SelectionType::ApplyButton,
            Field::Output(_) => SelectionType::Output,
        }
    }

    pub fn value_kind(&self) -> ValueKind {
        self.selection_type().value_kind()
    }

    /// Whether a select's options come from an action at run time.
    pub fn has_dynamic_options(&self) -> bool {
        match self {
            Field::SingleSelect(s) => s.dynamic_options,
            Field::MultipleSelect(s) => s.dynamic_options,
            _ => false,
        }
    }

    /// Every inconsistency in the settings, named `{path}.settings.<name>` where `path` is
    /// the option set's own path (e.g. `steps[0].option_sets[2]`).
    pub fn check_settings(&self, path: &str) -> Vec<FieldError> {
        let mut out = Errors {
            base: format!("{path}.settings"),
            errors: Vec::new(),
        };
        match self {
            Field::SingleSelect(_) | Field::ColorPicker(_) => {}
            Field::ApplyButton(_) | Field::Output(_) => {}
            Field::MultipleSelect(s) => {
                if s.max_selected == Some(0) {
                    out.push("max_selected", "must be at least 1");
                }
                out.ordered("min_selected", s.min_selected, s.max_selected);
            }
            Field::TextInput(s) => {
                out.length_cap("min_length", s.min_length, TEXT_MAX_LENGTH_CAP);
                out.length_cap("max_length", s.max_length, TEXT_MAX_LENGTH_CAP);
                if s.max_length == Some(0) {
                    out.push("max_length", "must be at least 1");
                }
                out.ordered("min_length", s.min_length, s.max_length);
                if let Some(p) = &s.pattern {
                    if p.is_empty() {
                        out.push("pattern", "is empty; remove it to accept any text");
                    } else if let Err(e) = compile_regex(p) {
                        out.push("pattern", format!("is not a valid regular expression: {e}"));
                    }
                }
                if let Some(p) = &s.placeholder
                    && p.chars().count() > PLACEHOLDER_CAP
                {
                    out.push(
                        "placeholder",
                        format!("must be at most {PLACEHOLDER_CAP} characters"),
                    );
                }
            }
            Field::NumberInput(s) => {
                out.ordered("min", s.min, s.max);
                if let Some(step) = s.step {
                    out.positive("step", step);
                }
                if let Some(d) = s.decimals
                    && d > MAX_DECIMALS
                {
                    out.push("decimals", format!("must be at most {MAX_DECIMALS}"));
                }
            }
            Field::DateInput(s) => out.ordered("min", s.min, s.max),
            Field::TimeInput(s) => out.ordered("min", s.min, s.max),
            Field::DatetimeInput(s) => out.ordered("min", s.min, s.max),
            Field::Rating(s) => {
                if !(1..=RATING_MAX_CAP).contains(&s.max) {
                    out.push("max", format!("must be between 1 and {RATING_MAX_CAP}"));
                }
            }
            Field::Slider(s) => {
                if s.min >= s.max {
                    out.push("min", "must be less than max");
                }
                out.positive("step", s.step);
                if s.min < s.max && s.step > 0.0 {
                    let range = s.max - s.min;
                    let steps = range / s.step;
                    if s.step > range {
                        out.push("step", "must not be larger than max - min");
                    } else if (steps - steps.round()).abs() > 1e-9 * steps.max(1.0) {
                        out.push("step", "max - min must be a whole number of steps");
                    }
                }
            }
            Field::FileUpload(s) => {
                if let Some(size) = s.max_size_bytes
                    && (size == 0 || size > FILE_SIZE_CAP)
                {
                    out.push(
                        "max_size_bytes",
                        format!("must be between 1 and {FILE_SIZE_CAP} (50 MiB)"),
                    );
                }
                if let Some(n) = s.max_files
                    && !(1..=MAX_FILES_CAP).contains(&n)
                {
                    out.push(
                        "max_files",
                        format!("must be between 1 and {MAX_FILES_CAP}"),
                    );
                }
                for (i, t) in s.accepted_types.iter().enumerate() {
                    if !is_accepted_type(t) {
                        out.push(
                            &format!("accepted_types[{i}]"),
                            format!(
                                "`{t}` is neither a MIME type (`image/png`, `image/*`) \
                                 nor an extension (`.pdf`)"
                            ),
                        );
                    }
                }
            }
            Field::RichText(s) => {
                out.length_cap("max_length", s.max_length, RICH_TEXT_MAX_LENGTH_CAP);
                if s.max_length == Some(0) {
                    out.push("max_length", "must be at least 1");
                }
            }
            Field::DynamicTable(s) => {
                if !s.selection.is_none()
                    && s.value_path.as_deref().is_none_or(|p| p.trim().is_empty())
                {
                    out.push(
                        "value_path",
                        "is needed to pick rows: where each row's value is",
                    );
                }
                for (i, c) in s.columns.iter().enumerate() {
                    if c.key.trim().is_empty() {
                        out.push(&format!("columns[{i}].key"), "must not be empty");
                    } else if s.columns[..i].iter().any(|o| o.key == c.key) {
                        out.push(
                            &format!("columns[{i}].key"),
                            format!("column `{}` is listed twice", c.key),
                        );
                    }
                }
            }
        }
        out.errors
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            selection_type: SelectionType,
            #[serde(default)]
            settings: Option<Value>,
        }
        let wire = Wire::deserialize(d)?;
        Field::from_parts(wire.selection_type, wire.settings).map_err(D::Error::custom)
    }
}

/// Collects errors under one base path.
struct Errors {
    base: String,
    errors: Vec<FieldError>,
}

impl Errors {
    fn push(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .push(FieldError::new(format!("{}.{name}", self.base), message));
    }

    /// `min` (named `name`) must not exceed `max`.
    fn ordered<T: PartialOrd>(&mut self, name: &str, min: Option<T>, max: Option<T>) {
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            self.push(name, "must not be greater than the maximum");
        }
    }

    fn positive(&mut self, name: &str, v: f64) {
        if v.is_nan() || v <= 0.0 {
            self.push(name, "must be greater than 0");
        }
    }

    fn length_cap(&mut self, name: &str, v: Option<u32>, cap: u32) {
        if let Some(v) = v
            && v > cap
        {
            self.push(name, format!("must be at most {cap}"));
        }
    }
}

/// `type/subtype`, `type/*`, or `.ext`, as the HTML `accept` attribute takes them.
fn is_accepted_type(t: &str) -> bool {
    fn token(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 127
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    }
    if let Some(ext) = t.strip_prefix('.') {
        return !ext.is_empty()
            && ext.len() <= 32
            && ext
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    }
    match t.split_once('/') {
        Some((ty, sub)) => token(ty) && (sub == "*" || token(sub)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn selection_type_names_match_serde() {
        for t in SelectionType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
            assert_eq!(t.to_string(), t.as_str());
            let f = Field::new(t);
            assert_eq!(f.selection_type(), t);
            assert_eq!(f.value_kind(), t.value_kind());
            let v = serde_json::to_value(&f).unwrap();
            assert_eq!(v["selection_type"], json!(t.as_str()));
            assert_eq!(serde_json::from_value::<Field>(v).unwrap(), f);
        }
        assert_eq!(SelectionType::ALL.len(), 15);
    }

    #[test]
    fn value_kinds() {
        use SelectionType as S;
        assert_eq!(S::SingleSelect.value_kind(), ValueKind::Text);
        assert_eq!(S::MultipleSelect.value_kind(), ValueKind::List);
        assert_eq!(S::Rating.value_kind(), ValueKind::Number);
        assert_eq!(S::Slider.value_kind(), ValueKind::Number);
        assert_eq!(S::DatetimeInput.value_kind(), ValueKind::DateTime);
        assert_eq!(S::ColorPicker.value_kind(), ValueKind::Color);
        assert_eq!(S::FileUpload.value_kind(), ValueKind::File);
        for t in [S::DynamicTable, S::ApplyButton, S::Output] {
            assert_eq!(t.value_kind(), ValueKind::None);
            assert!(t.is_action_driven());
        }
        assert!(S::SingleSelect.takes_options() && S::MultipleSelect.takes_options());
        assert!(!S::TextInput.takes_options());
    }

    #[test]
    fn field_wire_format() {
        let f: Field = serde_json::from_value(json!({
            "selection_type": "text_input",
            "settings": {"max_length": 80, "pattern": "^[a-z]+$"}
        }))
        .unwrap();
        assert_eq!(
            f,
            Field::TextInput(TextSettings {
                max_length: Some(80),
                pattern: Some("^[a-z]+$".into()),
                ..Default::default()
            })
        );
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"selection_type": "text_input",
                   "settings": {"max_length": 80, "pattern": "^[a-z]+$", "multiline": false}})
        );
        // settings may be omitted or null
        let f: Field = serde_json::from_value(json!({"selection_type": "rating"})).unwrap();
        assert_eq!(
            f,
            Field::Rating(RatingSettings {
                max: 5,
                allow_half: false
            })
        );
        let f: Field =
            serde_json::from_value(json!({"selection_type": "slider", "settings": null})).unwrap();
        assert_eq!(f, Field::Slider(SliderSettings::default()));
    }

    #[test]
    fn typos_are_refused() {
        let err = serde_json::from_value::<Field>(json!({
            "selection_type": "text_input", "settings": {"max_lenght": 3}
        }))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("max_lenght") && err.contains("text_input"),
            "{err}"
        );
        let err = serde_json::from_value::<Field>(json!({"selection_type": "textinput"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("textinput"), "{err}");
        assert!(
            serde_json::from_value::<Field>(json!({"selection_type": "rating", "extra": 1}))
                .is_err()
        );
    }

    #[test]
    fn chrono_settings_parse_strictly() {
        let f: Field = serde_json::from_value(json!({
            "selection_type": "datetime_input",
            "settings": {"min": "2024-01-01T09:00", "max": "2024-12-31 18:30:15"}
        }))
        .unwrap();
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v["settings"],
            json!({"min": "2024-01-01T09:00:00", "max": "2024-12-31T18:30:15"})
        );
        assert_eq!(serde_json::from_value::<Field>(v).unwrap(), f);

        let f: Field = serde_json::from_value(json!({
            "selection_type": "time_input", "settings": {"min": "08:00", "max": "17:30:00"}
        }))
        .unwrap();
        assert!(f.check_settings("p").is_empty());
        let bad = serde_json::from_value::<Field>(json!({
            "selection_type": "date_input", "settings": {"min": "2024-1-1"}
        }));
        assert!(bad.unwrap_err().to_string().contains("YYYY-MM-DD"));
    }

    #[test]
    fn temporal_parsing() {
        assert!(matches!(
            Temporal::parse("2024-02-29"),
            Some(Temporal::Date(_))
        ));
        assert!(Temporal::parse("2023-02-29").is_none());
        assert!(matches!(Temporal::parse("09:30"), Some(Temporal::Time(_))));
        assert!(matches!(
            Temporal::parse("09:30:15.250"),
            Some(Temporal::Time(_))
        ));
        assert!(matches!(
            Temporal::parse("2024-01-01T09:30"),
            Some(Temporal::DateTime(_))
        ));
        for bad in [
            "",
            "9:30",
            "09:3",
            "24:00",
            "2024-01-01T",
            "hello",
            "09:30:1",
            "1e3",
        ] {
            assert!(Temporal::parse(bad).is_none(), "{bad}");
        }
        let a = Temporal::parse("09:00").unwrap();
        let b = Temporal::parse("09:00:00").unwrap();
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
        let d = Temporal::parse("2024-01-01").unwrap();
        assert_eq!(a.compare(&d), None);
        assert!(Temporal::parse_as(ValueKind::Date, "09:00").is_none());
    }

    #[test]
    fn check_text_settings() {
        let f = Field::TextInput(TextSettings {
            min_length: Some(10),
            max_length: Some(5),
            pattern: Some("(".into()),
            placeholder: Some("x".repeat(501)),
            multiline: false,
        });
        let errors = f.check_settings("steps[0].option_sets[1]");
        assert_eq!(
            paths(&errors),
            [
                "steps[0].option_sets[1].settings.min_length",
                "steps[0].option_sets[1].settings.pattern",
                "steps[0].option_sets[1].settings.placeholder",
            ]
        );
        let f = Field::TextInput(TextSettings {
            max_length: Some(TEXT_MAX_LENGTH_CAP + 1),
            ..Default::default()
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.max_length"]);
        let f = Field::TextInput(TextSettings {
            min_length: Some(1),
            max_length: Some(5),
            pattern: Some("^[A-Z]{2}\\d+$".into()),
            ..Default::default()
        });
        assert!(f.check_settings("p").is_empty());
    }

    #[test]
    fn check_number_and_slider_settings() {
        let f = Field::NumberInput(NumberSettings {
            min: Some(5.0),
            max: Some(1.0),
            step: Some(0.0),
            decimals: Some(11),
        });
        assert_eq!(
            paths(&f.check_settings("p")),
            ["p.settings.min", "p.settings.step", "p.settings.decimals"]
        );
        let ok = Field::NumberInput(NumberSettings {
            min: Some(-1.5),
            max: Some(-1.5),
            step: Some(0.5),
            decimals: Some(2),
        });
        assert!(ok.check_settings("p").is_empty());

        let slider = |min, max, step| Field::Slider(SliderSettings { min, max, step });
        assert!(slider(0.0, 100.0, 1.0).check_settings("p").is_empty());
        assert!(slider(0.0, 1.0, 0.1).check_settings("p").is_empty());
        assert!(slider(-10.0, 10.0, 2.5).check_settings("p").is_empty());
        assert_eq!(
            paths(&slider(0.0, 10.0, 3.0).check_settings("p")),
            ["p.settings.step"]
        );
        assert_eq!(
            paths(&slider(0.0, 10.0, 20.0).check_settings("p")),
            ["p.settings.step"]
        );
        assert_eq!(
            paths(&slider(0.0, 10.0, -1.0).check_settings("p")),
            ["p.settings.step"]
        );
        assert_eq!(
            paths(&slider(5.0, 5.0, 1.0).check_settings("p")),
            ["p.settings.min"]
        );
    }

    #[test]
    fn check_other_settings() {
        assert!(
            Field::Rating(RatingSettings::default())
                .check_settings("p")
                .is_empty()
        );
        for max in [0, 11] {
            let f = Field::Rating(RatingSettings {
                max,
                allow_half: true,
            });
            assert_eq!(paths(&f.check_settings("p")), ["p.settings.max"]);
        }
        let f = Field::MultipleSelect(SelectSettings {
            min_selected: Some(3),
            max_selected: Some(2),
            ..Default::default()
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.min_selected"]);
        let f = Field::DateInput(DateSettings {
            min: parse_date("2024-02-01"),
            max: parse_date("2024-01-01"),
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.min"]);
        let f = Field::RichText(RichTextSettings {
            max_length: Some(0),
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.max_length"]);
        let f = Field::DynamicTable(DynamicTableSettings {
            columns: vec![
                TableColumn {
                    key: "a".into(),
                    label: "A".into(),
                },
                TableColumn {
                    key: "a".into(),
                    label: "A again".into(),
                },
                TableColumn {
                    key: " ".into(),
                    label: String::new(),
                },
            ],
            ..Default::default()
        });
        assert_eq!(
            paths(&f.check_settings("p")),
            ["p.settings.columns[1].key", "p.settings.columns[2].key"]
        );
        // Picking rows needs to know where a row's value is.
        let f = Field::DynamicTable(DynamicTableSettings {
            selection: RowSelection::Multiple,
            ..Default::default()
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.value_path"]);
    }

    #[test]
    fn check_file_settings() {
        let f = Field::FileUpload(FileSettings {
            max_size_bytes: Some(FILE_SIZE_CAP),
            accepted_types: vec![
                "image/png".into(),
                "image/*".into(),
                ".pdf".into(),
                "application/vnd.ms-excel".into(),
            ],
            max_files: Some(3),
        });
        assert!(f.check_settings("p").is_empty());
        let f = Field::FileUpload(FileSettings {
            max_size_bytes: Some(FILE_SIZE_CAP + 1),
            accepted_types: vec!["pdf".into(), ".".into(), "*/".into(), "image/png".into()],
            max_files: Some(0),
        });
        assert_eq!(
            paths(&f.check_settings("p")),
            [
                "p.settings.max_size_bytes",
                "p.settings.max_files",
                "p.settings.accepted_types[0]",
                "p.settings.accepted_types[1]",
                "p.settings.accepted_types[2]",
            ]
        );
        let f = Field::FileUpload(FileSettings {
            max_size_bytes: Some(0),
            ..Default::default()
        });
        assert_eq!(paths(&f.check_settings("p")), ["p.settings.max_size_bytes"]);
    }
}

/// One choice of a select: `label` is shown, `value` is stored in the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WizardOption {
    #[serde(default)]
    pub id: Uuid,
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub description: String,
}

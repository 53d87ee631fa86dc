//! Output renderers: the typed configuration of each of the nine, and the pure shaping of
//! an action's data into what that renderer shows (ARCHITECTURE.md, "Renderers").
//!
//! A configuration is read once, when an action is saved: unknown keys and paths that can
//! name nothing are refused there, each with its JSON path. Shaping never panics: data of
//! the wrong shape becomes a [`ShapeError`] the slot shows ("table expects an array of
//! objects; got a string"), and data cut to a limit carries a notice. Markup that needs
//! heavy libraries (Markdown, highlighting, charts) is made on the server from the shaped
//! data (`backend::render`); this module is also compiled to wasm32.

pub mod cards;
pub mod chart;
pub mod code;
pub mod document;
pub mod dropdown;
pub mod image;
pub mod json;
pub mod list;
pub mod path;
pub mod table;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::FieldKey;
use crate::domain::condition::type_name;
use crate::domain::member::read_config as typed;
use crate::domain::text_enum::text_enum;

pub use path::DataPath;

text_enum!(
    /// The renderer an `output` or `dynamic_table` field shows an action's data with.
    RendererKind {
        Table = "table",
        Dropdown = "dropdown",
        CardGrid = "card_grid",
        List = "list",
        Document = "document",
        Image = "image",
        Code = "code",
        Json = "json",
        Chart = "chart",
    }
);

/// A renderer with its configuration. On the wire: `{"renderer": "table", "config": {…}}`
/// (`config` may be left out: every renderer has defaults except where a path is needed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawRenderer", try_from = "RawRenderer")]
pub enum Renderer {
    Table(table::TableConfig),
    Dropdown(dropdown::DropdownConfig),
    CardGrid(cards::CardGridConfig),
    List(list::ListConfig),
    Document(document::DocumentConfig),
    Image(image::ImageConfig),
    Code(code::CodeConfig),
    Json(json::JsonConfig),
    Chart(chart::ChartConfig),
}

/// [`Renderer`] as it travels: the kind, and the configuration that kind reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RawRenderer {
    pub renderer: RendererKind,
    /// The renderer's settings; each kind has its own (unknown keys are refused).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub config: Value,
}

impl Renderer {
    pub fn kind(&self) -> RendererKind {
        match self {
            Renderer::Table(_) => RendererKind::Table,
            Renderer::Dropdown(_) => RendererKind::Dropdown,
            Renderer::CardGrid(_) => RendererKind::CardGrid,
            Renderer::List(_) => RendererKind::List,
            Renderer::Document(_) => RendererKind::Document,
            Renderer::Image(_) => RendererKind::Image,
            Renderer::Code(_) => RendererKind::Code,
            Renderer::Json(_) => RendererKind::Json,
            Renderer::Chart(_) => RendererKind::Chart,
        }
    }

    /// Reads the `config` of a renderer of kind `kind`; errors name the member
    /// (`config.columns[0].path: …`), as action configurations do.
    pub fn parse(kind: RendererKind, config: Value) -> Result<Self, String> {
        let config = if config.is_null() {
            Value::Object(Default::default())
        } else {
            config
        };
        let r = match kind {
            RendererKind::Table => Renderer::Table(typed(config)?),
            RendererKind::Dropdown => Renderer::Dropdown(typed(config)?),
            RendererKind::CardGrid => Renderer::CardGrid(typed(config)?),
            RendererKind::List => Renderer::List(typed(config)?),
            RendererKind::Document => Renderer::Document(typed(config)?),
            RendererKind::Image => Renderer::Image(typed(config)?),
            RendererKind::Code => Renderer::Code(typed(config)?),
            RendererKind::Json => Renderer::Json(typed(config)?),
            RendererKind::Chart => Renderer::Chart(typed(config)?),
        };
        let problems = r.problems();
        match problems.into_iter().next() {
            Some((member, message)) => Err(format!("config.{member}: {message}")),
            None => Ok(r),
        }
    }

    /// Rules serde cannot state (bounds, paths a kind needs), as (member, message).
    fn problems(&self) -> Vec<(String, String)> {
        match self {
            Renderer::Table(c) => c.problems(),
            Renderer::Chart(c) => c.problems(),
            Renderer::Image(c) => c.problems(),
            Renderer::Json(c) => c.problems(),
            Renderer::Dropdown(_)
            | Renderer::CardGrid(_)
            | Renderer::List(_)
            | Renderer::Document(_)
            | Renderer::Code(_) => Vec::new(),
        }
    }

    /// The field a dropdown writes into, which must exist in the wizard.
    pub fn writes_field(&self) -> Option<&FieldKey> {
        match self {
            Renderer::Dropdown(c) => Some(&c.field),
            _ => None,
        }
    }

    fn config_value(&self) -> Value {
        let v = match self {
            Renderer::Table(c) => serde_json::to_value(c),
            Renderer::Dropdown(c) => serde_json::to_value(c),
            Renderer::CardGrid(c) => serde_json::to_value(c),
            Renderer::List(c) => serde_json::to_value(c),
            Renderer::Document(c) => serde_json::to_value(c),
            Renderer::Image(c) => serde_json::to_value(c),
            Renderer::Code(c) => serde_json::to_value(c),
            Renderer::Json(c) => serde_json::to_value(c),
            Renderer::Chart(c) => serde_json::to_value(c),
        };
        // Plain structs of strings, numbers and paths always serialize.
        v.unwrap_or(Value::Null)
    }
}

/// What a slot shows once its data is shaped: one variant per renderer, each read by that
/// renderer's component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "renderer", rename_all = "snake_case")]
pub enum SlotView {
    Table(table::TableView),
    Dropdown(dropdown::DropdownView),
    CardGrid {
        cards: Vec<cards::Card>,
    },
    List(list::ListView),
    /// The Markdown text (its HTML is made on the server).
    Document {
        markdown: String,
    },
    Image(image::ImageView),
    Code(code::CodeView),
    Json {
        value: Value,
        open_depth: u8,
    },
    Chart(chart::ChartView),
}

impl Renderer {
    /// Shapes `data` for this renderer: the one dispatch every slot goes through.
    pub fn shape(&self, data: &Value) -> Result<Shaped<SlotView>, ShapeError> {
        fn map<T>(s: Shaped<T>, f: impl FnOnce(T) -> SlotView) -> Shaped<SlotView> {
            Shaped {
                view: f(s.view),
                notice: s.notice,
            }
        }
        Ok(match self {
            Renderer::Table(c) => map(table::shape(data, c)?, SlotView::Table),
            Renderer::Dropdown(c) => map(dropdown::shape(data, c)?, SlotView::Dropdown),
            Renderer::CardGrid(c) => {
                map(cards::shape(data, c)?, |cards| SlotView::CardGrid { cards })
            }
            Renderer::List(c) => map(list::shape(data, c)?, SlotView::List),
            Renderer::Document(c) => map(document::shape(data, c)?, |markdown| {
                SlotView::Document { markdown }
            }),
            Renderer::Image(c) => map(image::shape(data, c)?, SlotView::Image),
            Renderer::Code(c) => map(code::shape(data, c)?, SlotView::Code),
            Renderer::Json(c) => map(json::shape(data, c)?, |value| SlotView::Json {
                value,
                open_depth: c.open_depth,
            }),
            Renderer::Chart(c) => map(chart::shape(data, c)?, SlotView::Chart),
        })
    }
}

impl From<Renderer> for RawRenderer {
    fn from(r: Renderer) -> Self {
        RawRenderer {
            renderer: r.kind(),
            config: r.config_value(),
        }
    }
}

impl TryFrom<RawRenderer> for Renderer {
    type Error = String;
    fn try_from(raw: RawRenderer) -> Result<Self, String> {
        Renderer::parse(raw.renderer, raw.config)
    }
}

// ---- shaping ----------------------------------------------------------------------------

/// Why data cannot be shown by a renderer; the slot shows the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShapeError(pub String);

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a renderer shows, and a notice when the data was cut to a limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shaped<T> {
    pub view: T,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// Most rows any list-like renderer keeps (tables page through them).
pub const MAX_ROWS: usize = 10_000;

/// The rows a list-like renderer shows: the array at `rows` (or the data itself); an
/// object alone counts as one row. Cut to `MAX_ROWS`, with the count in the notice.
pub(crate) fn rows_of<'v>(
    renderer: &str,
    data: &'v Value,
    rows: Option<&DataPath>,
    wants: &str,
) -> Result<(Vec<&'v Value>, Option<String>), ShapeError> {
    let at = match rows {
        Some(p) => p
            .get(data)
            .ok_or_else(|| ShapeError(format!("{renderer}: the data has nothing at `{p}`")))?,
        None => data,
    };
    let all: Vec<&Value> = match at {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![at],
        other => {
            return Err(ShapeError(format!(
                "{renderer} expects {wants}; got {}",
                describe(other)
            )));
        }
    };
    Ok(truncate(all, MAX_ROWS, "rows"))
}

pub(crate) fn truncate<T>(mut items: Vec<T>, max: usize, what: &str) -> (Vec<T>, Option<String>) {
    if items.len() > max {
        let total = items.len();
        items.truncate(max);
        (
            items,
            Some(format!("Showing the first {max} of {total} {what}.")),
        )
    } else {
        (items, None)
    }
}

/// "a string", "an array of numbers", "null": how messages name what arrived.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Array(items) if !items.is_empty() => {
            let first = type_name(&items[0]);
            if items.iter().all(|i| type_name(i) == first) {
                format!("an array of {}", plural(first))
            } else {
                "an array of mixed values".into()
            }
        }
        Value::Array(_) => "an empty array".into(),
        other => type_name(other).into(),
    }
}

fn plural(kind: &str) -> String {
    let bare = kind
        .strip_prefix("an ")
        .or_else(|| kind.strip_prefix("a "))
        .unwrap_or(kind);
    if bare == "null" {
        "nulls".into()
    } else {
        format!("{bare}s")
    }
}

/// A value as one line of text: strings as they are, other scalars as JSON, nested
/// values compactly (cut at `max` characters with an ellipsis).
pub fn text_of(v: &Value, max: usize) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    clip(s, max)
}

pub(crate) fn clip(s: String, max: usize) -> String {
    if s.chars().count() > max {
        let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

/// The text at an optional path of a row (`None` when the path is unset or finds nothing).
pub(crate) fn text_at(row: &Value, path: Option<&DataPath>, max: usize) -> Option<String> {
    let v = path?.get(row)?;
    (!v.is_null()).then(|| text_of(v, max))
}

/// `href`s a renderer may emit: absolute `http(s)` URLs only, never `javascript:` or
/// `data:`.
pub fn safe_link(s: &str) -> Option<String> {
    let t = s.trim();
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    // The scheme is ASCII, so these byte offsets are character boundaries.
    let host = if lower.starts_with("https://") {
        &t[8..]
    } else if lower.starts_with("http://") {
        &t[7..]
    } else {
        return None;
    };
    (!host.is_empty() && !t.contains(char::is_whitespace)).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renderers_travel_as_kind_and_config() {
        let r: Renderer = serde_json::from_value(json!({
            "renderer": "table",
            "config": {"columns": [{"path": "name", "label": "Name"}], "page_size": 10}
        }))
        .expect("table");
        let Renderer::Table(t) = &r else {
            panic!("{r:?}")
        };
        assert_eq!(t.page_size, 10);
        let back = serde_json::to_value(&r).expect("json");
        assert_eq!(back["renderer"], "table");
        assert_eq!(back["config"]["columns"][0]["path"], "name");
        let again: Renderer = serde_json::from_value(back).expect("round trip");
        assert_eq!(again, r);

        let bare: Renderer = serde_json::from_value(json!({"renderer": "json"})).expect("defaults");
        assert_eq!(bare.kind(), RendererKind::Json);
    }

    #[test]
    fn configurations_refuse_unknown_keys_and_bad_paths_by_member() {
        let err = |v: Value| {
            serde_json::from_value::<Renderer>(v)
                .expect_err("refused")
                .to_string()
        };
        let e = err(json!({"renderer": "table", "config": {"colums": []}}));
        assert!(e.contains("config.colums: unknown field `colums`"), "{e}");
        let e = err(json!({"renderer": "table", "config": {"columns": [{"path": "a..b"}]}}));
        assert!(e.contains("config.columns[0].path"), "{e}");
        let e = err(json!({"renderer": "table", "config": {"page_size": 0}}));
        assert!(e.contains("config.page_size"), "{e}");
        let e = err(json!({"renderer": "chart", "config": {"kind": "pie"}}));
        assert!(e.contains("config.label"), "{e}");
        let e = err(json!({"renderer": "pie"}));
        assert!(e.contains("unknown variant `pie`"), "{e}");
        let e = err(json!({"renderer": "json", "extra": 1}));
        assert!(e.contains("unknown field `extra`"), "{e}");
    }

    #[test]
    fn every_renderer_shapes_through_one_dispatch_and_names_bad_shapes() {
        let cases = [
            (json!({"renderer": "table"}), json!([{"a": 1}])),
            (
                json!({"renderer": "dropdown", "config": {"field": "f"}}),
                json!(["x"]),
            ),
            (
                json!({"renderer": "card_grid", "config": {"title": "t"}}),
                json!([{"t": "T"}]),
            ),
            (json!({"renderer": "list"}), json!(["a"])),
            (json!({"renderer": "document"}), json!("# Hi")),
            (json!({"renderer": "image"}), json!("https://x.org/a.png")),
            (json!({"renderer": "code"}), json!("let x = 1;")),
            (json!({"renderer": "json"}), json!({"a": [1]})),
            (
                json!({"renderer": "chart", "config": {"kind": "bar", "x": "k", "y": ["v"]}}),
                json!([{"k": "a", "v": 1}]),
            ),
        ];
        for (renderer, good) in cases {
            let r: Renderer = serde_json::from_value(renderer.clone()).expect("renderer");
            let shaped = r.shape(&good).unwrap_or_else(|e| panic!("{renderer}: {e}"));
            let tag = serde_json::to_value(&shaped.view).expect("view")["renderer"].clone();
            assert_eq!(tag, renderer["renderer"], "the view names its renderer");
            if !matches!(r.kind(), RendererKind::Json | RendererKind::Code) {
                let err = r
                    .shape(&json!(12))
                    .expect_err("a number is the wrong shape");
                assert!(err.0.contains("got a number"), "{}: {err}", r.kind());
            }
        }
    }

    #[test]
    fn describe_names_what_arrived() {
        assert_eq!(describe(&json!("x")), "a string");
        assert_eq!(describe(&json!([1, 2])), "an array of numbers");
        assert_eq!(describe(&json!([{}, {}])), "an array of objects");
        assert_eq!(describe(&json!([1, "a"])), "an array of mixed values");
        assert_eq!(describe(&json!([])), "an empty array");
        assert_eq!(describe(&json!(null)), "null");
    }

    #[test]
    fn only_http_links_survive() {
        assert_eq!(
            safe_link(" https://example.com/a "),
            Some("https://example.com/a".into())
        );
        assert_eq!(safe_link("HTTP://x.y"), Some("HTTP://x.y".into()));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil",
            "ftp://x",
            "http://a b",
        ] {
            assert_eq!(safe_link(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_is_clipped_with_an_ellipsis() {
        assert_eq!(text_of(&json!("abcdef"), 4), "abc…");
        assert_eq!(text_of(&json!({"a": 1}), 100), "{\"a\":1}");
        assert_eq!(text_of(&json!(null), 10), "");
        assert_eq!(text_of(&json!(2.5), 10), "2.5");
    }
}

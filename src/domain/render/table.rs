//! `table`: rows as a sortable, searchable, paged table with CSV export. Columns come from
//! the configuration or, when none is given, from the keys of the rows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, clip, rows_of, safe_link, text_of};
use crate::domain::selection::RowSelection;
use crate::domain::text_enum::text_enum;

/// Rows per page when the configuration says nothing.
pub const DEFAULT_PAGE_SIZE: u32 = 25;
/// Largest page a configuration may ask for.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Columns inferred from at most this many rows, and at most this many of them.
const INFER_FROM_ROWS: usize = 200;
const MAX_COLUMNS: usize = 50;
/// Longest text a cell shows (nested values are shown compactly and cut).
pub const MAX_CELL: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// Where the rows are inside the data (default: the data itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<DataPath>,
    /// The columns, in order; empty means one per key of the rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Show a search box filtering the rows.
    #[serde(default = "yes")]
    pub searchable: bool,
}

fn default_page_size() -> u32 {
    DEFAULT_PAGE_SIZE
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub path: DataPath,
    /// Heading; default: the path's last key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub format: ColumnFormat,
}

text_enum!(
    /// How a column shows its values.
    #[derive(Default)]
    ColumnFormat {
        #[default]
        Text = "text",
        Number = "number",
        Date = "date",
        Boolean = "boolean",
        Link = "link",
        Json = "json",
    }
);

impl Default for TableConfig {
    fn default() -> Self {
        TableConfig {
            rows: None,
            columns: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            searchable: true,
        }
    }
}

impl TableConfig {
    pub(super) fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            out.push((
                "page_size".into(),
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        if self.columns.len() > MAX_COLUMNS {
            out.push(("columns".into(), format!("at most {MAX_COLUMNS} columns")));
        }
        out
    }
}

/// A table ready to show: headings and, per row, one cell per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableView {
    pub columns: Vec<Heading>,
    pub rows: Vec<Vec<Cell>>,
    pub page_size: u32,
    pub searchable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heading {
    pub label: String,
    pub format: ColumnFormat,
}

/// One cell: its text, how it sorts, and a link when the column is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// Shapes `data` (an array of objects, or the array at `rows`) into a table.
pub fn shape(data: &Value, c: &TableConfig) -> Result<Shaped<TableView>, ShapeError> {
    let (rows, notice) = rows_of("table", data, c.rows.as_ref(), "an array of objects")?;
    let columns: Vec<Column> = if c.columns.is_empty() {
        infer_columns(&rows)
    } else {
        c.columns.clone()
    };
    let headings = columns
        .iter()
        .map(|col| Heading {
            label: col.label.clone().unwrap_or_else(|| heading_of(&col.path)),
            format: col.format,
        })
        .collect();
    let cells = rows
        .iter()
        .map(|row| columns.iter().map(|col| cell(row, col)).collect())
        .collect();
    Ok(Shaped {
        view: TableView {
            columns: headings,
            rows: cells,
            page_size: c.page_size,
            searchable: c.searchable,
        },
        notice,
    })
}

fn heading_of(path: &DataPath) -> String {
    if path.is_whole() {
        "Value".into()
    } else {
        path.label()
    }
}

/// One column per key, in the order keys first appear across rows (within one row in key
/// order: JSON objects carry no order here; configure `columns` for another); rows that
/// are not objects get a single `Value` column.
fn infer_columns(rows: &[&Value]) -> Vec<Column> {
    let mut keys: Vec<String> = Vec::new();
    let mut scalars = false;
    for row in rows.iter().take(INFER_FROM_ROWS) {
        match row {
            Value::Object(m) => {
                for k in m.keys() {
                    if keys.len() < MAX_COLUMNS && !keys.iter().any(|have| have == k) {
                        keys.push(k.clone());
                    }
                }
            }
            _ => scalars = true,
        }
    }
    let mut columns: Vec<Column> = keys
        .into_iter()
        .map(|k| Column {
            // A key with any character is addressable as `["key"]`.
            path: format!("[\"{}\"]", k.replace('"', ""))
                .parse()
                .unwrap_or_else(|_| DataPath::whole()),
            label: Some(k),
            format: ColumnFormat::Text,
        })
        .collect();
    if scalars || columns.is_empty() {
        columns.insert(
            0,
            Column {
                path: DataPath::whole(),
                label: Some("Value".into()),
                format: ColumnFormat::Text,
            },
        );
    }
    columns
}

fn cell(row: &Value, col: &Column) -> Cell {
    let v = if col.path.is_whole() && row.is_object() {
        None
    } else {
        col.path.get(row)
    };
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Cell {
            text: String::new(),
            number: None,
            href: None,
        };
    };
    let number = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if col.format == ColumnFormat::Number => s.trim().parse().ok(),
        _ => None,
    };
    let text = match (col.format, v) {
        (ColumnFormat::Boolean, Value::Bool(b)) => if *b { "Yes" } else { "No" }.into(),
        (ColumnFormat::Number, _) => number.map_or_else(|| text_of(v, MAX_CELL), format_number),
        (ColumnFormat::Date, Value::String(s)) => date_part(s),
        (ColumnFormat::Json, _) => clip(v.to_string(), MAX_CELL),
        _ => text_of(v, MAX_CELL),
    };
    let href = (col.format == ColumnFormat::Link)
        .then(|| v.as_str().and_then(safe_link))
        .flatten();
    Cell { text, number, href }
}

/// Numbers with thousands separators and at most 6 decimals (`1,234.5`).
fn format_number(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let s = format!("{:.6}", n.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if n < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// `2026-12-03T10:00:00Z` shows as `2026-12-03 10:00`; anything else as it is.
fn date_part(s: &str) -> String {
    let b = s.as_bytes();
    let is_date =
        b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && s[..4].chars().all(|c| c.is_ascii_digit());
    if !is_date {
        return clip(s.to_owned(), MAX_CELL);
    }
    match s.get(11..16) {
        Some(time)
            if s.as_bytes()
                .get(10)
                .is_some_and(|c| matches!(c, b'T' | b' '))
                && time != "00:00" =>
        {
            format!("{} {time}", &s[..10])
        }
        _ => s[..10].to_owned(),
    }
}

// ---- what the table component does with a shaped table ---------------------------------

text_enum!(
    /// A column's sort direction (`aria-sort` uses the same words).
    SortDirection {
        Ascending = "ascending",
        Descending = "descending",
    }
);

impl TableView {
    /// The indexes of the rows matching `query` (every word, in any cell, ignoring case),
    /// ordered by `sort` (numbers by value, the rest by text; empty cells last). Stable, so
    /// equal cells keep the data's order.
    pub fn visible(&self, query: &str, sort: Option<(usize, SortDirection)>) -> Vec<usize> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                words.is_empty() || {
                    let hay: Vec<String> =
                        self.rows[i].iter().map(|c| c.text.to_lowercase()).collect();
                    words
                        .iter()
                        .all(|w| hay.iter().any(|h| h.contains(w.as_str())))
                }
            })
            .collect();
        if let Some((col, dir)) = sort.filter(|(c, _)| *c < self.columns.len()) {
            idx.sort_by(|&a, &b| {
                let (x, y) = (&self.rows[a][col], &self.rows[b][col]);
                let empty = (x.text.is_empty(), y.text.is_empty());
                if empty.0 != empty.1 {
                    // Empty cells go last in both directions.
                    return empty.0.cmp(&empty.1);
                }
                let ord = match (x.number, y.number) {
                    (Some(p), Some(q)) => p.total_cmp(&q),
                    _ => x.text.to_lowercase().cmp(&y.text.to_lowercase()),
                };
                match dir {
                    SortDirection::Ascending => ord,
                    SortDirection::Descending => ord.reverse(),
                }
            });
        }
        idx
    }

    /// How many pages `count` rows make (at least one, so "page 1 of 1" reads right).
    pub fn page_count(&self, count: usize) -> usize {
        count.div_ceil(self.page_size.max(1) as usize).max(1)
    }

    /// The slice of `visible` on page `page` (0-based, clamped to the last page).
    pub fn page<'a>(&self, visible: &'a [usize], page: usize) -> &'a [usize] {
        let size = self.page_size.max(1) as usize;
        let page = page.min(self.page_count(visible.len()) - 1);
        let start = (page * size).min(visible.len());
        &visible[start..(start + size).min(visible.len())]
    }

    /// The rows at `indexes` as CSV (a heading line; RFC 4180 quoting and CRLF line ends by
    /// the `csv` crate). Cells starting with `=`, `+`, `-` or `@` that are not numbers get a
    /// leading `'` so a spreadsheet does not run them as formulas.
    pub fn to_csv(&self, indexes: &[usize]) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        // Writing into a Vec cannot fail; a record of strings always encodes.
        let _ = w.write_record(self.columns.iter().map(|h| defuse(&h.label).into_owned()));
        for row in indexes.iter().filter_map(|&i| self.rows.get(i)) {
            let _ = w.write_record(row.iter().map(|c| defuse(&c.text).into_owned()));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

fn defuse(f: &str) -> std::borrow::Cow<'_, str> {
    if f.starts_with(['=', '+', '-', '@']) && f.parse::<f64>().is_err() {
        format!("'{f}").into()
    } else {
        f.into()
    }
}

/// The value each shown row stands for when a `dynamic_table` lets the person pick rows:
/// the row's `value` path, `None` for a row without one (it cannot be picked). Rows are
/// those the table shows, in the same order (`TableView::rows`).
pub fn row_values(data: &Value, c: &TableConfig, value: &DataPath) -> Vec<Option<Value>> {
    rows_of("table", data, c.rows.as_ref(), "an array of objects")
        .map(|(rows, _)| rows.into_iter().map(|r| value.get(r).cloned()).collect())
        .unwrap_or_default()
}

/// Checks a `dynamic_table` answer: one row's value (`single`) or a list of distinct ones
/// (`multiple`), each among `rows` (from [`row_values`]).
pub fn check_pick(
    selection: RowSelection,
    value: &Value,
    rows: &[Option<Value>],
) -> Result<(), String> {
    let offered = |v: &Value| rows.iter().flatten().any(|r| r == v);
    let not_offered = |v: &Value| format!("{v} is not a row of this table in this run");
    match (selection, value) {
        (RowSelection::None, _) => Err("this table only shows rows; it takes no answer".into()),
        (RowSelection::Single, Value::Array(_)) => Err("pick one row, not a list".into()),
        (RowSelection::Single, v) => {
            if offered(v) {
                Ok(())
            } else {
                Err(not_offered(v))
            }
        }
        (RowSelection::Multiple, Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                if items[..i].contains(v) {
                    return Err(format!("{v} is picked twice"));
                }
                if !offered(v) {
                    return Err(not_offered(v));
                }
            }
            Ok(())
        }
        (RowSelection::Multiple, _) => Err("must be a list of picked rows".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::render::MAX_ROWS;
    use serde_json::json;

    fn config(v: Value) -> TableConfig {
        serde_json::from_value(v).expect("config")
    }

    #[test]
    fn columns_are_inferred_from_the_rows_in_first_seen_order() {
        let data =
            json!([{"name": "Ada", "age": 36}, {"name": "Bo", "city": "Oslo", "tags": ["a", "b"]}]);
        let t = shape(&data, &TableConfig::default()).expect("table").view;
        let labels: Vec<&str> = t.columns.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(labels, ["age", "name", "city", "tags"]);
        assert_eq!(t.rows[0][0].text, "36");
        assert_eq!(t.rows[0][0].number, Some(36.0));
        assert_eq!(t.rows[0][2].text, "", "a missing key is an empty cell");
        assert_eq!(
            t.rows[1][3].text, "[\"a\",\"b\"]",
            "nested values compactly"
        );
    }

    #[test]
    fn configured_columns_format_their_values() {
        let data = json!({"items": [
            {"n": 1234567.5, "d": "2026-12-03T10:30:00Z", "ok": true, "url": "https://x.org", "bad": "javascript:alert(1)", "o": {"a": 1}},
        ]});
        let c = config(json!({"rows": "items", "columns": [
            {"path": "n", "format": "number"}, {"path": "d", "format": "date", "label": "When"},
            {"path": "ok", "format": "boolean"}, {"path": "url", "format": "link"},
            {"path": "bad", "format": "link"}, {"path": "o", "format": "json"}
        ]}));
        let t = shape(&data, &c).expect("table").view;
        let texts: Vec<&str> = t.rows[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "1,234,567.5",
                "2026-12-03 10:30",
                "Yes",
                "https://x.org",
                "javascript:alert(1)",
                "{\"a\":1}"
            ]
        );
        assert_eq!(t.rows[0][3].href.as_deref(), Some("https://x.org"));
        assert_eq!(t.rows[0][4].href, None, "a javascript: link is text only");
        assert_eq!(t.columns[1].label, "When");
    }

    #[test]
    fn wrong_shapes_are_named() {
        let e = shape(&json!("hello"), &TableConfig::default()).expect_err("string");
        assert_eq!(e.0, "table expects an array of objects; got a string");
        let e = shape(&json!({"a": 1}), &config(json!({"rows": "items"}))).expect_err("missing");
        assert_eq!(e.0, "table: the data has nothing at `items`");
        let single =
            shape(&json!({"a": 1}), &TableConfig::default()).expect("one object is one row");
        assert_eq!(single.view.rows.len(), 1);
        let scalars = shape(&json!([1, 2]), &TableConfig::default()).expect("scalars");
        assert_eq!(scalars.view.columns[0].label, "Value");
        assert_eq!(scalars.view.rows[1][0].text, "2");
    }

    #[test]
    fn huge_data_is_cut_with_a_notice() {
        let rows: Vec<Value> = (0..MAX_ROWS + 5).map(|i| json!({"i": i})).collect();
        let t = shape(&Value::Array(rows), &TableConfig::default()).expect("table");
        assert_eq!(t.view.rows.len(), MAX_ROWS);
        assert_eq!(
            t.notice.as_deref(),
            Some("Showing the first 10000 of 10005 rows.")
        );
    }

    #[test]
    fn search_sort_and_pages() {
        let data = json!([
            {"name": "Cleo", "score": 10}, {"name": "ada", "score": 9.5},
            {"name": "Bo", "score": null}, {"name": "Ada Lovelace", "score": 100}
        ]);
        let mut t = shape(&data, &TableConfig::default()).expect("table").view;
        assert_eq!(t.visible("ADA", None), [1, 3]);
        assert_eq!(t.visible("ada love", None), [3], "every word must match");
        assert_eq!(
            t.visible("", Some((1, SortDirection::Ascending))),
            [1, 0, 3, 2],
            "numbers by value, empty last"
        );
        assert_eq!(
            t.visible("", Some((1, SortDirection::Descending))),
            [3, 0, 1, 2],
            "empty last both ways"
        );
        assert_eq!(
            t.visible("", Some((0, SortDirection::Ascending))),
            [1, 3, 2, 0],
            "text ignoring case"
        );
        t.page_size = 3;
        let all = t.visible("", None);
        assert_eq!(t.page_count(all.len()), 2);
        assert_eq!(t.page(&all, 1), [3]);
        assert_eq!(t.page(&all, 9), [3], "past the end clamps to the last page");
        assert_eq!(t.page_count(0), 1);
        assert!(t.page(&[], 0).is_empty());
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let data = json!([{"a": "x,y", "b": "say \"hi\""}, {"a": "=SUM(A1)", "b": "-3"}]);
        let t = shape(&data, &TableConfig::default()).expect("table").view;
        assert_eq!(
            t.to_csv(&[0, 1]),
            "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=SUM(A1),-3\r\n"
        );
        assert_eq!(t.to_csv(&[1]).lines().count(), 2, "only the rows asked for");
    }

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-1234.25), "-1,234.25");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(1000.0), "1,000");
        assert_eq!(date_part("2026-01-02"), "2026-01-02");
        assert_eq!(date_part("not a date"), "not a date");
    }

    #[test]
    fn picks_are_checked_against_the_rows_of_the_run() {
        let data = json!({"items": [{"id": 1, "name": "a"}, {"id": 2}, {"name": "no id"}]});
        let c: TableConfig = serde_json::from_value(json!({"rows": "items"})).expect("config");
        let values = row_values(&data, &c, &"id".parse().expect("path"));
        assert_eq!(values, [Some(json!(1)), Some(json!(2)), None]);
        assert!(check_pick(RowSelection::Single, &json!(2), &values).is_ok());
        let wrong = check_pick(RowSelection::Single, &json!(3), &values).unwrap_err();
        assert!(wrong.contains("not a row"), "{wrong}");
        assert!(check_pick(RowSelection::Single, &json!([1]), &values).is_err());
        assert!(check_pick(RowSelection::Multiple, &json!([1, 2]), &values).is_ok());
        assert!(check_pick(RowSelection::Multiple, &json!([1, 1]), &values).is_err());
        assert!(check_pick(RowSelection::Multiple, &json!(1), &values).is_err());
        assert!(check_pick(RowSelection::None, &json!(1), &values).is_err());
        // Data of the wrong shape offers no row at all.
        assert!(row_values(&json!("text"), &c, &"id".parse().expect("path")).is_empty());
    }
}

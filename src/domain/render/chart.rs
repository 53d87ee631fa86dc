//! `chart`: bar, line, pie and scatter charts. Here the rows become series of points; the
//! SVG is drawn on the server (`backend::render::chart`) and every chart also offers its
//! data as a table ("show data") and a text alternative.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, rows_of, text_of, truncate};
use crate::domain::text_enum::text_enum;

/// Most points per series drawn.
pub const MAX_POINTS: usize = 10_000;
/// Most series (y paths) per chart.
pub const MAX_SERIES: usize = 8;

text_enum!(
    ChartKind {
        Bar = "bar",
        Line = "line",
        Pie = "pie",
        Scatter = "scatter",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartConfig {
    pub kind: ChartKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Bar, line, scatter: the x value of each row, and one path per series of y values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub y: Vec<DataPath>,
    /// Names of the series, in the order of `y` (default: each path's last key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series_names: Vec<String>,
    /// Pie: each slice's label and value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_label: Option<String>,
}

impl ChartConfig {
    pub(super) fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let need = |out: &mut Vec<(String, String)>, member: &str, set: bool| {
            if !set {
                out.push((
                    member.to_owned(),
                    format!("a {} chart needs `{member}`", self.kind),
                ));
            }
        };
        match self.kind {
            ChartKind::Pie => {
                need(&mut out, "label", self.label.is_some());
                need(&mut out, "value", self.value.is_some());
            }
            ChartKind::Bar | ChartKind::Line | ChartKind::Scatter => {
                need(&mut out, "x", self.x.is_some());
                need(&mut out, "y", !self.y.is_empty());
            }
        }
        if self.y.len() > MAX_SERIES {
            out.push(("y".into(), format!("at most {MAX_SERIES} series")));
        }
        out
    }
}

/// The chart's data: series of points along a shared x axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub kind: ChartKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_label: Option<String>,
    /// Category names when x is text (bar charts, pies); empty when x is numeric.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    /// (x, y): x is the category index when `categories` is not empty.
    pub points: Vec<(f64, f64)>,
}

pub fn shape(data: &Value, c: &ChartConfig) -> Result<Shaped<ChartView>, ShapeError> {
    let (rows, notice) = rows_of("chart", data, c.rows.as_ref(), "an array of objects")?;
    let (rows, cut) = truncate(rows, MAX_POINTS, "points");
    let notice = notice.or(cut);
    let mut view = ChartView {
        kind: c.kind,
        title: c.title.clone(),
        x_label: c.x_label.clone(),
        y_label: c.y_label.clone(),
        categories: Vec::new(),
        series: Vec::new(),
    };
    if c.kind == ChartKind::Pie {
        let (Some(label), Some(value)) = (&c.label, &c.value) else {
            return Err(ShapeError("chart: a pie needs `label` and `value`".into()));
        };
        let mut points = Vec::new();
        for row in &rows {
            let Some(v) = value.get(row).and_then(number) else {
                continue;
            };
            if v < 0.0 {
                return Err(ShapeError(format!(
                    "chart: a pie cannot show the negative value {v}"
                )));
            }
            let name = label.get(row).map(|l| text_of(l, 60)).unwrap_or_default();
            points.push((view.categories.len() as f64, v));
            view.categories.push(name);
        }
        if points.is_empty() {
            return Err(no_numbers(value));
        }
        view.series.push(Series {
            name: value.label(),
            points,
        });
        return Ok(Shaped { view, notice });
    }
    let Some(x) = &c.x else {
        return Err(ShapeError(format!("chart: a {} chart needs `x`", c.kind)));
    };
    // Numeric x when every row's x is a number (scatter and line charts of measurements);
    // otherwise x values are categories in the order they first appear.
    let numeric_x =
        c.kind != ChartKind::Bar && rows.iter().all(|r| x.get(r).and_then(number).is_some());
    for (i, y) in c.y.iter().enumerate() {
        let mut points = Vec::new();
        for row in &rows {
            let Some(yv) = y.get(row).and_then(number) else {
                continue;
            };
            let xv = if numeric_x {
                x.get(row).and_then(number).unwrap_or_default()
            } else {
                let name = x.get(row).map(|v| text_of(v, 60)).unwrap_or_default();
                match view.categories.iter().position(|c| *c == name) {
                    Some(at) => at as f64,
                    None => {
                        view.categories.push(name);
                        (view.categories.len() - 1) as f64
                    }
                }
            };
            points.push((xv, yv));
        }
        view.series.push(Series {
            name: c.series_names.get(i).cloned().unwrap_or_else(|| y.label()),
            points,
        });
    }
    if view.series.iter().all(|s| s.points.is_empty()) {
        return Err(no_numbers(&c.y[0]));
    }
    Ok(Shaped { view, notice })
}

fn no_numbers(path: &DataPath) -> ShapeError {
    ShapeError(format!("chart: no row has a number at `{path}`"))
}

/// Numbers, and strings that hold one (CSV-ish APIs send "12.5").
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

impl ChartView {
    /// A sentence describing the chart for screen readers (`role="img"`'s label).
    pub fn text_alternative(&self) -> String {
        let what = match self.kind {
            ChartKind::Bar => "Bar chart",
            ChartKind::Line => "Line chart",
            ChartKind::Pie => "Pie chart",
            ChartKind::Scatter => "Scatter chart",
        };
        let title = self
            .title
            .as_deref()
            .map(|t| format!(" “{t}”"))
            .unwrap_or_default();
        let count: usize = self.series.iter().map(|s| s.points.len()).sum();
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        let mut out = format!("{what}{title}: {count} points");
        if self.kind != ChartKind::Pie {
            out.push_str(&format!(
                " in {} series ({})",
                names.len(),
                names.join(", ")
            ));
        }
        if let Some((min, max)) = self.y_range() {
            out.push_str(&format!(", values from {} to {}", short(min), short(max)));
        }
        out.push('.');
        out
    }

    /// Smallest and largest y over every series.
    pub fn y_range(&self) -> Option<(f64, f64)> {
        let mut it = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1));
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), y| (lo.min(y), hi.max(y))))
    }

    /// Smallest and largest x (numeric axes).
    pub fn x_range(&self) -> Option<(f64, f64)> {
        let mut it = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x))))
    }

    /// The x value as shown: its category's name, or the number.
    pub fn x_text(&self, x: f64) -> String {
        if self.categories.is_empty() {
            short(x)
        } else {
            self.categories.get(x as usize).cloned().unwrap_or_default()
        }
    }
}

fn short(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(v: Value) -> ChartConfig {
        serde_json::from_value(v).expect("config")
    }

    #[test]
    fn bars_group_rows_by_category_with_one_series_per_y() {
        let c = config(
            json!({"kind": "bar", "x": "month", "y": ["food", "rent"], "series_names": ["Food"], "title": "Costs"}),
        );
        let data = json!([
            {"month": "Jan", "food": 100, "rent": 500},
            {"month": "Feb", "food": "120.5", "rent": 500},
            {"month": "Mar", "food": null, "rent": 510}
        ]);
        let v = shape(&data, &c).expect("bar").view;
        assert_eq!(v.categories, ["Jan", "Feb", "Mar"]);
        assert_eq!(v.series[0].name, "Food");
        assert_eq!(v.series[1].name, "rent");
        assert_eq!(
            v.series[0].points,
            [(0.0, 100.0), (1.0, 120.5)],
            "a missing number is skipped"
        );
        assert_eq!(v.x_text(1.0), "Feb");
        assert_eq!(
            v.text_alternative(),
            "Bar chart “Costs”: 5 points in 2 series (Food, rent), values from 100 to 510."
        );
    }

    #[test]
    fn numeric_x_stays_numeric_for_lines_and_scatters() {
        let c = config(json!({"kind": "scatter", "x": "t", "y": ["v"]}));
        let v = shape(&json!([{"t": 0.5, "v": 1}, {"t": 2, "v": 3}]), &c)
            .expect("scatter")
            .view;
        assert!(v.categories.is_empty());
        assert_eq!(v.series[0].points, [(0.5, 1.0), (2.0, 3.0)]);
        assert_eq!(v.x_range(), Some((0.5, 2.0)));
    }

    #[test]
    fn pies_take_labels_and_values() {
        let c = config(json!({"kind": "pie", "label": "k", "value": "n"}));
        let v = shape(&json!([{"k": "a", "n": 1}, {"k": "b", "n": 3}]), &c)
            .expect("pie")
            .view;
        assert_eq!(v.categories, ["a", "b"]);
        assert_eq!(v.series[0].points, [(0.0, 1.0), (1.0, 3.0)]);
        assert_eq!(
            v.text_alternative(),
            "Pie chart: 2 points, values from 1 to 3."
        );
        let e = shape(&json!([{"k": "a", "n": -1}]), &c).expect_err("negative");
        assert!(e.0.contains("negative"), "{e}");
    }

    #[test]
    fn wrong_shapes_and_configs_are_named() {
        let c = config(json!({"kind": "line", "x": "t", "y": ["v"]}));
        assert_eq!(
            shape(&json!("x"), &c).expect_err("string").0,
            "chart expects an array of objects; got a string"
        );
        assert_eq!(
            shape(&json!([{"t": 1, "v": "n/a"}]), &c)
                .expect_err("none")
                .0,
            "chart: no row has a number at `v`"
        );
        let bad = config(json!({"kind": "bar", "y": ["v"]}));
        assert_eq!(
            bad.problems(),
            [("x".to_owned(), "a bar chart needs `x`".to_owned())]
        );
    }

    #[test]
    fn many_points_are_cut_with_a_notice() {
        let c = config(json!({"kind": "line", "x": "t", "y": ["v"]}));
        let rows: Vec<Value> = (0..MAX_POINTS + 1)
            .map(|i| json!({"t": i, "v": i}))
            .collect();
        let s = shape(&Value::Array(rows), &c).expect("line");
        assert_eq!(s.view.series[0].points.len(), MAX_POINTS);
        assert!(s.notice.is_some());
    }
}

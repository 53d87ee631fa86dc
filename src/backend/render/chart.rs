//! Charts drawn as SVG with plotters, on the server only (NOTES: text measured in the
//! browser and on the server differs; drawing on one side with a font shipped in the
//! binary gives the same layout everywhere, also on machines without system fonts).

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::domain::render::chart::{ChartKind, ChartView};

/// DejaVu Sans (Bitstream Vera licence, `fonts/LICENSE-DejaVu.txt`): measures labels so
/// they are laid out right; the SVG names `sans-serif` and the browser draws its own.
const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

const WIDTH: u32 = 720;
const HEIGHT: u32 = 400;

/// Series colours, distinguishable with common colour-vision deficiencies (Okabe–Ito).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok())
}

/// The chart as an SVG document, or why it could not be drawn.
pub fn svg(view: &ChartView) -> Result<String, String> {
    if !font_ready() {
        return Err("the chart font could not be loaded".into());
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, view).map_err(|e| format!("drawing the chart: {e}"))?;
        root.present()
            .map_err(|e| format!("drawing the chart: {e}"))?;
    }
    Ok(responsive(out))
}

/// Lets the SVG scale to its container (a fixed width would overflow a phone screen).
fn responsive(svg: String) -> String {
    let fixed = format!("width=\"{WIDTH}\" height=\"{HEIGHT}\"");
    svg.replacen(
        &fixed,
        "width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    )
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error + 'static>>;

fn draw(root: &Area<'_>, view: &ChartView) -> DrawResult {
    root.fill(&WHITE)?;
    let root = match &view.title {
        Some(t) => root.titled(t, ("sans-serif", 20))?,
        None => root.clone(),
    };
    if view.kind == ChartKind::Pie {
        return pie(&root, view);
    }
    let (y0, y1) = padded(
        view.y_range().unwrap_or((0.0, 1.0)),
        view.kind == ChartKind::Bar,
    );
    let categorical = !view.categories.is_empty();
    let (x0, x1) = if categorical {
        (-0.5, view.categories.len() as f64 - 0.5)
    } else {
        padded(view.x_range().unwrap_or((0.0, 1.0)), false)
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let x_text = |x: &f64| {
        if categorical {
            // Ticks between categories have no name.
            if (x - x.round()).abs() < 1e-9 {
                view.x_text(x.round())
            } else {
                String::new()
            }
        } else {
            view.x_text(*x)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_text)
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(235, 235, 235));
    if categorical {
        mesh.x_labels(view.categories.len().min(24));
    }
    if let Some(l) = &view.x_label {
        mesh.x_desc(l);
    }
    if let Some(l) = &view.y_label {
        mesh.y_desc(l);
    }
    mesh.draw()?;

    let n = view.series.len().max(1) as f64;
    for (i, s) in view.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let drawn = match view.kind {
            ChartKind::Line => chart.draw_series(LineSeries::new(
                s.points.iter().copied(),
                color.stroke_width(2),
            ))?,
            ChartKind::Scatter => {
                chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))?
            }
            ChartKind::Bar | ChartKind::Pie => {
                // Bars of the series side by side within each category.
                let width = 0.8 / n;
                chart.draw_series(s.points.iter().map(|&(x, y)| {
                    let left = x - 0.4 + width * i as f64;
                    Rectangle::new(
                        [(left, 0.0_f64.max(y0)), (left + width * 0.95, y)],
                        color.filled(),
                    )
                }))?
            }
        };
        drawn
            .label(s.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    if view.series.len() > 1 {
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 13))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()?;
    }
    Ok(())
}

/// A range with a little room, including 0 for bars (a bar starts at zero).
fn padded((lo, hi): (f64, f64), from_zero: bool) -> (f64, f64) {
    let (lo, hi) = if from_zero {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    };
    if (hi - lo).abs() < f64::EPSILON {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.05;
    (
        if from_zero && lo >= 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

fn pie(root: &Area<'_>, view: &ChartView) -> DrawResult {
    let Some(series) = view.series.first() else {
        return Ok(());
    };
    let sizes: Vec<f64> = series.points.iter().map(|p| p.1).collect();
    if sizes.iter().sum::<f64>() <= 0.0 {
        return Ok(());
    }
    let colors: Vec<RGBColor> = (0..sizes.len())
        .map(|i| PALETTE[i % PALETTE.len()])
        .collect();
    let labels: Vec<String> = series.points.iter().map(|p| view.x_text(p.0)).collect();
    let (w, h) = root.dim_in_pixel();
    let center = ((w / 2) as i32, (h / 2) as i32);
    let radius = f64::from(w.min(h)) * 0.35;
    let mut pie = Pie::new(&center, &radius, &sizes, &colors, &labels);
    pie.label_style(("sans-serif", 14).into_font());
    pie.percentages(("sans-serif", 12).into_font().color(&WHITE));
    root.draw(&pie)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::render::chart::{ChartConfig, shape};
    use serde_json::json;

    fn view(config: serde_json::Value, data: serde_json::Value) -> ChartView {
        let c: ChartConfig = serde_json::from_value(config).expect("config");
        shape(&data, &c).expect("shape").view
    }

    #[test]
    fn every_kind_draws_an_svg_with_its_labels() {
        let rows = json!([{"m": "Jan", "a": 3, "b": 5}, {"m": "Feb", "a": 4, "b": 1}]);
        for kind in ["bar", "line", "scatter"] {
            let v = view(
                json!({"kind": kind, "x": "m", "y": ["a", "b"], "title": "Costs", "y_label": "EUR"}),
                rows.clone(),
            );
            let svg = svg(&v).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(svg.starts_with("<svg"), "{kind}");
            assert!(
                svg.contains("width=\"100%\""),
                "{kind}: scales to its container"
            );
            for text in ["Costs", "EUR", "Jan", "Feb"] {
                assert!(svg.contains(text), "{kind}: {text} missing");
            }
        }
        let line = svg(&view(
            json!({"kind": "line", "x": "m", "y": ["a", "b"]}),
            rows.clone(),
        ))
        .expect("line");
        assert!(line.contains("<polyline"), "a line is a polyline");
        let bars = svg(&view(
            json!({"kind": "bar", "x": "m", "y": ["a"]}),
            rows.clone(),
        ))
        .expect("bars");
        assert!(
            bars.matches("<rect").count() >= 3,
            "background and two bars"
        );
        let pie = svg(&view(
            json!({"kind": "pie", "label": "m", "value": "a"}),
            rows,
        ))
        .expect("pie");
        assert!(
            pie.contains("Jan") && pie.contains("<polygon"),
            "slices are polygons"
        );
    }

    #[test]
    fn many_points_draw() {
        let rows: Vec<serde_json::Value> = (0..5_000)
            .map(|i| json!({"t": i, "v": (i % 97) as f64}))
            .collect();
        let v = view(
            json!({"kind": "scatter", "x": "t", "y": ["v"]}),
            json!(rows),
        );
        assert!(svg(&v).expect("svg").matches("<circle").count() == 5_000);
    }
}

//! The `chart` renderer: the SVG the server drew (plotters, with a font shipped in the
//! binary) inside a `role="img"` figure labelled with the chart's text alternative, and a
//! "Show data" table of the same points.

use leptos::prelude::*;
use wizard_core::domain::render::chart::ChartView;

/// Rows the data table shows at most.
const MAX_TABLE_ROWS: usize = 500;

pub(super) fn chart(c: ChartView, markup: Option<String>, slot: &str) -> impl IntoView {
    let alt = c.text_alternative();
    let figure = match markup {
        Some(svg) => {
            view! { <div class="chart-svg" role="img" aria-label=alt.clone() inner_html=svg></div> }
                .into_any()
        }
        None => view! { <p class="muted" role="img" aria-label=alt.clone()>{alt.clone()}</p> }
            .into_any(),
    };
    let names: Vec<String> = c.series.iter().map(|s| s.name.clone()).collect();
    let headings = names
        .iter()
        .map(|n| view! { <th scope="col">{n.clone()}</th> })
        .collect_view();
    // One row per x value, one column per series.
    let mut xs: Vec<f64> = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let rows = xs
        .iter()
        .take(MAX_TABLE_ROWS)
        .map(|&x| {
            let cells = c
                .series
                .iter()
                .map(|s| {
                    let y = s
                        .points
                        .iter()
                        .find(|p| p.0 == x)
                        .map(|p| p.1.to_string())
                        .unwrap_or_default();
                    view! { <td class="num">{y}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{c.x_text(x)}</th>{cells}</tr> }
        })
        .collect_view();
    let x_label = c.x_label.clone().unwrap_or_else(|| "x".into());
    view! {
        <figure class="chart-render" data-testid=format!("chart-{slot}")>
            {c.title.clone().map(|t| view! { <figcaption>{t}</figcaption> })}
            {figure}
            <details class="chart-data">
                <summary>"Show data"</summary>
                <div class="table-scroll">
                    <table>
                        <thead><tr><th scope="col">{x_label}</th>{headings}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

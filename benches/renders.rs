//! What the server spends on a render, against baselines doing the bare work in the same
//! run: a 10,000-row table shaped, sorted and cut to its first page vs serializing the rows
//! with serde_json; a 1 MB JSON document shaped and serialized for the page vs serializing
//! it alone; a 5,000-point chart shaped and drawn as SVG vs serializing its rows; a 200 KB
//! Markdown document through pulldown-cmark and ammonia vs pulldown-cmark alone.
//!
//! Run: `cargo bench -p wizard-core --features ssr --bench renders -- --warm-up-time 1 --measurement-time 3`.
//! After criterion's report it prints p50/p99 per render and the ratio to each baseline.
//! (The Leptos markup of the components is not included: this measures the core and the
//! server-made markup.)

use std::hint::black_box;

mod support;
use support::percentiles;

use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};
use wizard_core::backend::render::{chart, markdown_html};
use wizard_core::domain::render::Renderer;
use wizard_core::domain::render::table::SortDirection;

fn rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                let city = ["Oslo", "Lisbon", "Kyoto"][i % 3];
                json!({"id": i, "name": format!("customer {i}"), "city": city,
                       "spent": (i * 37 % 1000) as f64 * 1.25, "active": i % 2 == 0,
                       "joined": "2026-01-02T10:00:00Z"})
            })
            .collect(),
    )
}

/// About 1 MB of nested JSON.
fn document() -> Value {
    let items: Vec<Value> = (0..4_000)
        .map(|i| {
            json!({"id": i, "title": format!("item number {i}"), "tags": ["alpha", "beta", "gamma"],
                   "meta": {"created": "2026-01-02", "score": i as f64 / 3.0, "flags": {"a": true, "b": false}}})
        })
        .collect();
    json!({"items": items, "count": 4_000})
}

fn markdown() -> String {
    let section = "## Section\n\nSome *emphasis*, a [link](https://example.com) and `code`.\n\n\
                   | a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n\
                   - one\n- two\n- three\n\n<script>alert(1)</script>\n\n";
    section.repeat(200 * 1024 / section.len())
}

fn renderer(v: Value) -> Renderer {
    serde_json::from_value(v).expect("renderer")
}

struct Case {
    name: &'static str,
    baseline_name: &'static str,
    ours: Box<dyn Fn()>,
    baseline: Box<dyn Fn()>,
}

fn cases() -> Vec<Case> {
    let table_rows = rows(10_000);
    let table = renderer(json!({"renderer": "table", "config": {"page_size": 25}}));
    let chart_rows = Value::Array(
        (0..5_000)
            .map(|i| json!({"t": i, "v": ((i * 7919) % 1000) as f64 / 10.0}))
            .collect(),
    );
    let chart_r = renderer(
        json!({"renderer": "chart", "config": {"kind": "scatter", "x": "t", "y": ["v"], "title": "Points"}}),
    );
    let doc = document();
    let json_r = renderer(json!({"renderer": "json"}));
    let md = markdown();
    let (t1, t2, c1, c2, d1, d2, m1, m2) = (
        table_rows.clone(),
        table_rows,
        chart_rows.clone(),
        chart_rows,
        doc.clone(),
        doc,
        md.clone(),
        md,
    );
    vec![
        Case {
            name: "table 10,000 rows: shape + sort + first page",
            baseline_name: "serde_json::to_string of the rows",
            ours: Box::new(move || {
                let shaped = table.shape(&t1).expect("table");
                if let wizard_core::domain::render::SlotView::Table(t) = shaped.view {
                    let visible = t.visible("", Some((3, SortDirection::Descending)));
                    black_box(t.page(&visible, 0).len());
                }
            }),
            baseline: Box::new(move || {
                black_box(serde_json::to_string(&t2).map(|s| s.len()).unwrap_or(0));
            }),
        },
        Case {
            name: "JSON 1 MB: shape + serialize for the page",
            baseline_name: "serde_json::to_string of the document",
            ours: Box::new(move || {
                let shaped = json_r.shape(&d1).expect("json");
                black_box(
                    serde_json::to_string(&shaped.view)
                        .map(|s| s.len())
                        .unwrap_or(0),
                );
            }),
            baseline: Box::new(move || {
                black_box(serde_json::to_string(&d2).map(|s| s.len()).unwrap_or(0));
            }),
        },
        Case {
            name: "chart 5,000 points: shape + SVG",
            baseline_name: "serde_json::to_string of the rows",
            ours: Box::new(move || {
                if let Renderer::Chart(c) = &chart_r {
                    let shaped = wizard_core::domain::render::chart::shape(&c1, c).expect("chart");
                    black_box(chart::svg(&shaped.view).map(|s| s.len()).unwrap_or(0));
                }
            }),
            baseline: Box::new(move || {
                black_box(serde_json::to_string(&c2).map(|s| s.len()).unwrap_or(0));
            }),
        },
        Case {
            name: "Markdown 200 KB: pulldown-cmark + ammonia",
            baseline_name: "pulldown-cmark alone",
            ours: Box::new(move || {
                black_box(markdown_html(&m1).len());
            }),
            baseline: Box::new(move || {
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&m2));
                black_box(html.len());
            }),
        },
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    for (i, case) in cases().into_iter().enumerate() {
        group.bench_function(format!("{i}_baseline"), |b| b.iter(|| (case.baseline)()));
        group.bench_function(format!("{i}_ours"), |b| b.iter(|| (case.ours)()));
    }
    group.finish();
}

fn report() {
    println!();
    println!(
        "{:<48} {:>10} {:>10}   ratio p50 / p99",
        "per render", "p50", "p99"
    );
    for case in cases() {
        let b = percentiles(60, &*case.baseline);
        let o = percentiles(60, &*case.ours);
        println!(
            "{:<48} {:>10.2?} {:>10.2?}",
            format!("  {} (baseline)", case.baseline_name),
            b.0,
            b.1
        );
        println!(
            "{:<48} {:>10.2?} {:>10.2?}   {:.2} / {:.2}",
            case.name,
            o.0,
            o.1,
            o.0.as_secs_f64() / b.0.as_secs_f64(),
            o.1.as_secs_f64() / b.1.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}

//! What one `transform_data` costs, against baselines doing the same work directly in the
//! same run: JMESPath through our cached `jmes::search` vs a bare `jmespath::compile` +
//! `search`; JavaScript through `sandbox::run_transform` (pooled runtime, fresh context,
//! limits, lockdown, JSON in and out, on the calling thread within its inline budget) vs a
//! bare rquickjs runtime + context + eval.
//!
//! Run: `cargo bench -p wizard-core --features ssr --bench transforms -- --warm-up-time 1 --measurement-time 3`.
//! After criterion's report it prints p50/p99 per call, the ratio of each to its baseline
//! and the 1 ms per action target at p50.

use std::hint::black_box;
use std::time::Duration;

mod support;
use support::percentiles;

use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};
use wizard_core::backend::engine::jmes;
use wizard_core::backend::engine::sandbox::{self, Limits};

const JMES: &str = "actions.lookup.body.items[?ok].{id: id, total: price}";
const JS: &str = "return input.actions.lookup.body.items.filter(i => i.ok)\
                  .map(i => ({id: i.id, total: i.price}));";

/// A template context like the engine's: answered fields and an earlier action's output.
fn context() -> Value {
    let fields: serde_json::Map<String, Value> = (0..20)
        .map(|i| (format!("field_{i}"), json!(format!("answer {i}"))))
        .collect();
    let items: Vec<Value> = (0..50)
        .map(|i| {
            json!({"id": i, "name": format!("item {i}"), "price": i as f64 * 1.5,
                        "ok": i % 3 != 0, "tags": ["a", "b"]})
        })
        .collect();
    json!({
        "fields": fields,
        "run": {"id": "0190a1b2-0000-7000-8000-000000000000", "user": {"email": "a@b.c"}},
        "actions": {"lookup": {"status": 200, "body": {"items": items}}},
    })
}

fn limits() -> Limits {
    Limits {
        memory_bytes: 32 * 1024 * 1024,
        stack_bytes: 512 * 1024,
        time: Duration::from_secs(2),
        max_output_bytes: 4 * 1024 * 1024,
    }
}

fn jmes_baseline(input: &Value) -> Value {
    let expr = jmespath::compile(JMES).expect("the benchmark expression compiles");
    let result = expr.search(input).expect("the benchmark expression runs");
    serde_json::to_value(&*result).expect("JSON")
}

/// The same work as a transform, done directly: a fresh runtime and context, the input
/// as JSON text, the function evaluated and called, its result stringified and parsed.
fn js_baseline(input: &Value) -> Value {
    let runtime = rquickjs::Runtime::new().expect("runtime");
    let context = rquickjs::Context::full(&runtime).expect("context");
    let text = serde_json::to_string(input).expect("JSON");
    let out: String = context.with(|ctx| {
        let f: rquickjs::Function = ctx
            .eval(format!("(function (input) {{\n{JS}\n}})"))
            .expect("compiles");
        let input = ctx.json_parse(text).expect("parses");
        let result: rquickjs::Value = f.call((input,)).expect("runs");
        ctx.json_stringify(result)
            .expect("stringifies")
            .expect("JSON")
            .to_string()
            .expect("UTF-8")
    });
    serde_json::from_str(&out).expect("JSON")
}

fn tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

fn check_same_results(rt: &tokio::runtime::Runtime, input: &Value) {
    let ours = jmes::search(JMES, input).expect("jmes");
    assert_eq!(ours, jmes_baseline(input), "JMESPath results differ");
    let ours = rt
        .block_on(sandbox::run_transform(JS, input, &limits()))
        .expect("transform");
    // (JS writes 3.0 as 3, so JS and JMESPath results are compared only with their own baselines)
    assert_eq!(ours, js_baseline(input), "JavaScript results differ");
}

fn bench(c: &mut Criterion) {
    let input = context();
    let rt = tokio();
    check_same_results(&rt, &input);
    let mut group = c.benchmark_group("transform");
    group.sample_size(20);
    group.bench_function("a_jmespath_bare_compile_search", |b| {
        b.iter(|| jmes_baseline(black_box(&input)))
    });
    group.bench_function("b_jmespath_ours", |b| {
        b.iter(|| jmes::search(black_box(JMES), black_box(&input)))
    });
    group.bench_function("c_js_bare_rquickjs", |b| {
        b.iter(|| js_baseline(black_box(&input)))
    });
    let limits = limits();
    group.bench_function("d_js_sandbox_run_transform", |b| {
        b.iter(|| rt.block_on(sandbox::run_transform(JS, black_box(&input), &limits)))
    });
    group.finish();
}

/// Baselines and ours measured together so machine load affects both alike.
fn report() {
    let input = context();
    let rt = tokio();
    let limits = limits();
    let jb = percentiles(2000, || {
        black_box(jmes_baseline(black_box(&input)));
    });
    let jo = percentiles(2000, || {
        black_box(jmes::search(JMES, black_box(&input)).is_ok());
    });
    let sb = percentiles(300, || {
        black_box(js_baseline(black_box(&input)));
    });
    let so = percentiles(300, || {
        black_box(
            rt.block_on(sandbox::run_transform(JS, &input, &limits))
                .is_ok(),
        );
    });
    let target = Duration::from_millis(1);
    let verdict = |d: Duration| if d < target { "under" } else { "OVER" };
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!();
    println!("per call                                  p50          p99");
    println!(
        "JMESPath bare compile+search (baseline) {:>10.2?} {:>10.2?}",
        jb.0, jb.1
    );
    println!(
        "JMESPath jmes::search                   {:>10.2?} {:>10.2?}  ratio p50 {:.2}, p99 {:.2}  ({} the 1 ms target)",
        jo.0,
        jo.1,
        ratio(jo.0, jb.0),
        ratio(jo.1, jb.1),
        verdict(jo.0)
    );
    println!(
        "JS bare rquickjs eval (baseline)        {:>10.2?} {:>10.2?}",
        sb.0, sb.1
    );
    println!(
        "JS sandbox::run_transform               {:>10.2?} {:>10.2?}  ratio p50 {:.2}, p99 {:.2}  ({} the 1 ms target)",
        so.0,
        so.1,
        ratio(so.0, sb.0),
        ratio(so.1, sb.1),
        verdict(so.0)
    );
    println!(
        "throughput (one thread): JMESPath {:.0}/s, JS {:.0}/s",
        1.0 / jo.0.as_secs_f64(),
        1.0 / so.0.as_secs_f64()
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}

//! How long a runner waits for an answer to be saved: `PATCH /wizard-runs/{id}/answers`
//! on a published wizard of 200 steps × 20 fields, over HTTP against the real router and
//! an SQLite file. The baseline, measured in the same run, is the cheapest authenticated
//! round trip (`GET /auth/me`), so the ratio shows what saving adds to any request.
//!
//! Run: `cargo bench -p server --bench save_answer`. Target: a save acknowledged in under
//! 5 ms. Timing lives here, never in pass/fail tests.

use std::time::{Duration, Instant};

use common::percentile;
use serde_json::{Value, json};

mod common;

const STEPS: usize = 200;
const FIELDS: usize = 20;
const ROUNDS: usize = 300;

/// Every step has 20 fields of mixed types; every 5th field is shown only when the first
/// field of its step is "yes", and every 10th step only when step 0's first field is.
fn big_wizard() -> Value {
    let steps: Vec<Value> = (0..STEPS)
        .map(|s| {
            let fields: Vec<Value> = (0..FIELDS)
                .map(|f| {
                    let key = format!("s{s}_f{f}");
                    let mut field = match f % 4 {
                        0 => json!({"key": key, "label": format!("Field {s}.{f}"), "selection_type": "single_select",
                            "options": [{"label": "Yes", "value": "yes"}, {"label": "No", "value": "no"}]}),
                        1 => json!({"key": key, "label": format!("Field {s}.{f}"), "selection_type": "text_input",
                            "settings": {"max_length": 200}}),
                        2 => json!({"key": key, "label": format!("Field {s}.{f}"), "selection_type": "number_input",
                            "settings": {"min": 0, "max": 1000}}),
                        _ => json!({"key": key, "label": format!("Field {s}.{f}"), "selection_type": "rating"}),
                    };
                    if f % 5 == 4 {
                        field["show_if"] = json!({"all": [
                            {"field": format!("s{s}_f0"), "op": "eq", "value": "yes"},
                            {"not": {"field": format!("s{s}_f1"), "op": "empty"}}]});
                    }
                    field
                })
                .collect();
            let mut step = json!({"title": format!("Step {s}"), "option_sets": fields});
            if s % 10 == 9 {
                step["show_if"] = json!({"field": "s0_f0", "op": "eq", "value": "yes"});
            }
            step
        })
        .collect();
    json!({"name": "Benchmark wizard", "steps": steps})
}

fn report(name: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let median = percentile(&times, 0.5);
    println!(
        "{name:<28} median {:>8.3} ms   p90 {:>8.3} ms   p99 {:>8.3} ms",
        median.as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
    median
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = common::start(|_| {}).await;
    let client = &bench.client;
    let url = |p: &str| bench.url(p);
    let token = bench.token.clone();
    let definition = big_wizard();
    let body = serde_json::to_vec(&definition).expect("json");
    println!(
        "wizard: {STEPS} steps × {FIELDS} fields, {:.1} KiB of JSON",
        body.len() as f64 / 1024.0
    );
    let draft: Value = client
        .post(url("/api/v1/wizards"))
        .bearer_auth(&token)
        .json(&json!({"name": "Benchmark wizard"}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = draft["id"].as_str().expect("id").to_owned();
    let t = Instant::now();
    let saved = client
        .put(url(&format!("/api/v1/wizards/{id}")))
        .bearer_auth(&token)
        .json(&json!({"version": 1, "definition": definition}))
        .send()
        .await
        .expect("save");
    assert_eq!(
        saved.status(),
        200,
        "{}",
        saved.text().await.unwrap_or_default()
    );
    println!(
        "save draft (once)            {:>8.3} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let published = client
        .post(url(&format!("/api/v1/wizards/{id}/publish")))
        .bearer_auth(&token)
        .json(&json!({"version": 2}))
        .send()
        .await
        .expect("publish");
    assert_eq!(published.status(), 201);
    let run: Value = client
        .post(url("/api/v1/wizard-runs"))
        .bearer_auth(&token)
        .json(&json!({"wizard_id": id}))
        .send()
        .await
        .expect("start")
        .json()
        .await
        .expect("json");
    let run_id = run["id"].as_str().expect("run id").to_owned();

    let mut baseline = Vec::with_capacity(ROUNDS);
    let mut saves = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let t = Instant::now();
        let r = client
            .get(url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(r.status(), 200);
        baseline.push(t.elapsed());

        let answer = if i % 2 == 0 { "yes" } else { "no" };
        let t = Instant::now();
        let r = client
            .patch(url(&format!("/api/v1/wizard-runs/{run_id}/answers")))
            .bearer_auth(&token)
            .json(&json!({"answers": {"s0_f0": answer, "s0_f1": format!("text {i}")}}))
            .send()
            .await
            .expect("save");
        assert_eq!(r.status(), 200);
        saves.push(t.elapsed());
    }
    let base = report("baseline GET /auth/me", baseline);
    let save = report("save answer (PATCH)", saves);
    println!(
        "ratio save / baseline: {:.2}×   target: save under 5 ms → {}",
        save.as_secs_f64() / base.as_secs_f64(),
        if save < Duration::from_millis(5) {
            "met"
        } else {
            "NOT met"
        }
    );
}

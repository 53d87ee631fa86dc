//! What the library's hierarchy costs (issue 14): `POST /wizard-runs/{id}/execute-event`
//! over HTTP (real router, SQLite file, logs written) with
//!
//! - one plain `api_call` to a local upstream (the baseline, measured in the same run),
//! - one `library_action` on an `http_request` action (one level: the same HTTP call),
//! - one `library_action` three levels deep: two scripts, each mapping its parameters and
//!   calling its parent by name, over the `http_request` action.
//!
//! Each level resolves the action by name, binds its parameters and writes a log row; a
//! script level also runs its code in a fresh sandbox. Run:
//! `cargo bench -p server --bench library`. Target: the hierarchy adds at most 1 ms per
//! level at p50 over the plain call. Timing lives here, never in pass/fail tests.

use std::time::{Duration, Instant};

use axum::routing::get;
use common::{ms, ok, percentile};
use serde_json::{Value, json};

mod common;

const ROUNDS: usize = 300;

/// p50 and p99 of `times`.
fn stats(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = common::start(|s| {
        s.events_per_minute = 1_000_000;
        s.events_burst = 1_000_000;
    })
    .await;
    let client = &bench.client;
    let url = |p: &str| bench.url(p);

    // The upstream: a small JSON answer on 127.0.0.1.
    let up = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind upstream");
    let upstream = format!("http://{}", up.local_addr().expect("addr"));
    let items = axum::Router::new().route(
        "/items",
        get(|| async { axum::Json(json!({"items": (0..20).collect::<Vec<i32>>()})) }),
    );
    tokio::spawn(async move { axum::serve(up, items).await });

    let post = |path: String, token: &str, body: Value| {
        client
            .post(url(&path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let t = bench.token.as_str();
    ok(
        post(
            "/api/v1/admin/outbound-allowlist".into(),
            t,
            json!({"pattern": "127.0.0.1"}),
        )
        .await
        .expect("allow"),
        "allow-list",
    )
    .await;

    // The hierarchy: Bench REST (http_request) ← Bench Middle ← Bench Top.
    let p = |name: &str, t: &str| json!({"name": name, "type": t});
    let rest = ok(
        post(
            "/api/v1/library/actions".into(),
            t,
            json!({"name": "Bench REST", "kind": "http_request",
            "params": [p("Method", "string"), p("URL", "string"), p("ApiConfig", "string")]}),
        )
        .await
        .expect("rest"),
        "create Bench REST",
    )
    .await;
    let middle = ok(
        post("/api/v1/library/actions".into(), t, json!({"name": "Bench Middle", "kind": "script",
            "parent_id": rest["id"], "params": [p("Path", "string")],
            "code": "return await runAction('Bench REST', {URL: context.params.Path, ApiConfig: 'upstream'});"}))
        .await
        .expect("middle"),
        "create Bench Middle",
    )
    .await;
    let top = ok(
        post("/api/v1/library/actions".into(), t, json!({"name": "Bench Top", "kind": "script",
            "parent_id": middle["id"], "code": "return await runAction('Bench Middle', {Path: '/items'});"}))
        .await
        .expect("top"),
        "create Bench Top",
    )
    .await;
    for a in [&middle, &top] {
        ok(
            post(
                format!(
                    "/api/v1/library/actions/{}/approve",
                    a["id"].as_str().expect("id")
                ),
                t,
                json!({"version": a["version"]}),
            )
            .await
            .expect("approve"),
            "approve",
        )
        .await;
    }

    // A wizard with one text field per case, each firing one event with one action.
    let cases = ["api_call", "library x1", "library x3"];
    let keys = ["plain", "one", "three"];
    let fields: Vec<Value> = keys
        .iter()
        .map(|k| json!({"key": k, "label": k, "selection_type": "text_input"}))
        .collect();
    let draft = ok(
        post(
            "/api/v1/wizards".into(),
            t,
            json!({"name": "Library benchmark"}),
        )
        .await
        .expect("create"),
        "create wizard",
    )
    .await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let saved = ok(
        client
            .put(url(&format!("/api/v1/wizards/{wizard_id}")))
            .bearer_auth(t)
            .json(
                &json!({"version": 1, "definition": {"name": "Library benchmark",
                "steps": [{"title": "One", "option_sets": fields}]}}),
            )
            .send()
            .await
            .expect("save"),
        "save draft",
    )
    .await;
    let config = ok(
        post(
            format!("/api/v1/wizards/{wizard_id}/api-configs"),
            t,
            json!({"name": "upstream", "base_url": upstream}),
        )
        .await
        .expect("config"),
        "api config",
    )
    .await;
    let option_set = |key: &str| -> String {
        saved["definition"]["steps"][0]["option_sets"]
            .as_array()
            .and_then(|a| a.iter().find(|o| o["key"] == key))
            .and_then(|o| o["id"].as_str())
            .expect("option set id")
            .to_owned()
    };
    let action = |key: &str| -> Value {
        match key {
            "plain" => json!({"name": "c", "action_type": "api_call",
                "config": {"api_config_id": config["id"], "url": "/items"}}),
            "one" => json!({"name": "c", "action_type": "library_action",
                "config": {"action": "Bench REST", "params": {"URL": "/items", "ApiConfig": "upstream"}}}),
            _ => json!({"name": "c", "action_type": "library_action",
                "config": {"action": "Bench Top"}}),
        }
    };
    for key in keys {
        ok(
            post(
                format!("/api/v1/wizards/{wizard_id}/events"),
                t,
                json!({"name": key, "trigger": "optionSet.onChange",
                       "target_id": option_set(key), "actions": [action(key)]}),
            )
            .await
            .expect("event"),
            "create event",
        )
        .await;
    }
    let draft = ok(
        client
            .get(url(&format!("/api/v1/wizards/{wizard_id}")))
            .bearer_auth(t)
            .send()
            .await
            .expect("draft"),
        "get draft",
    )
    .await;
    ok(
        post(
            format!("/api/v1/wizards/{wizard_id}/publish"),
            t,
            json!({"version": draft["version"]}),
        )
        .await
        .expect("publish"),
        "publish",
    )
    .await;
    let run = ok(
        post(
            "/api/v1/wizard-runs".into(),
            t,
            json!({"wizard_id": wizard_id}),
        )
        .await
        .expect("start"),
        "start run",
    )
    .await;
    let run_id = run["id"].as_str().expect("run id").to_owned();

    let execute = |key: &'static str, i: usize| {
        let req = client
            .post(url(&format!("/api/v1/wizard-runs/{run_id}/execute-event")))
            .bearer_auth(t)
            .json(
                &json!({"trigger": "optionSet.onChange", "target_id": option_set(key),
                          "answers": {key: format!("v{i}")}}),
            );
        async move {
            let started = Instant::now();
            let body = ok(req.send().await.expect("execute"), key).await;
            let elapsed = started.elapsed();
            assert_eq!(body["actions"][0]["status"], "success", "{key}: {body}");
            assert_eq!(
                body["actions"][0]["output"]["items"]
                    .as_array()
                    .map(Vec::len),
                Some(20),
                "{key}: every case returns the upstream's answer: {body}"
            );
            elapsed
        }
    };
    for key in keys {
        for i in 0..10 {
            execute(key, i).await;
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(ROUNDS); keys.len()];
    // Interleaved, so machine noise hits every case alike.
    for i in 0..ROUNDS {
        for (k, key) in keys.iter().enumerate() {
            times[k].push(execute(key, i).await);
        }
    }
    println!("execute-event over HTTP ({ROUNDS} rounds each; SQLite file; logs written)");
    let results: Vec<(Duration, Duration)> = times.into_iter().map(stats).collect();
    for (case, (p50, p99)) in cases.iter().zip(&results) {
        println!(
            "{case:<14} p50 {:>8.3} ms   p99 {:>8.3} ms",
            ms(*p50),
            ms(*p99)
        );
    }
    let plain = results[0].0;
    for (case, levels, (p50, _)) in [
        ("library x1", 1u32, results[1]),
        ("library x3", 3, results[2]),
    ] {
        let added = p50.saturating_sub(plain);
        let per_level = added / levels;
        println!(
            "{case:<14} ratio {:>6.2}× the plain api_call   adds {:>7.3} ms = {:>7.3} ms per level   target ≤ 1 ms per level: {}",
            p50.as_secs_f64() / plain.as_secs_f64(),
            ms(added),
            ms(per_level),
            if per_level <= Duration::from_millis(1) {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}

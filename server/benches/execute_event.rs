//! What the action engine costs: `POST /wizard-runs/{id}/execute-event` over HTTP (real
//! router, SQLite file, logs written) with one action of each kind, against a baseline
//! doing the same work directly in the same run:
//!
//! - (a) one `transform_data` (JMESPath)   vs  `jmespath::compile` + `search`
//! - (b) one `transform_data` (JavaScript) vs  a bare rquickjs runtime + context + eval
//! - (c) one `api_call` to a local upstream vs  a bare `reqwest` GET of the same URL
//!
//! Also an event with no actions (the cost of the request itself: auth, run load, answer
//! save, event log), so the per-action cost of the engine is visible on its own.
//!
//! Run: `cargo bench -p server --bench execute_event`. Targets (issue 4): engine p50 per
//! action under 1 ms for (a) and (b); (c) under 1.5× its baseline. Timing lives here, never
//! in pass/fail tests.

use std::time::{Duration, Instant};

use axum::routing::get;
use common::{ms, ok, percentile};
use serde_json::{Value, json};

mod common;

const ROUNDS: usize = 300;
/// The upstream answers after this long in the "realistic API" variant of (c).
const UPSTREAM_DELAY: Duration = Duration::from_millis(20);

struct Stats {
    p50: Duration,
    p99: Duration,
    per_sec: f64,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    let total: Duration = times.iter().sum();
    times.sort();
    Stats {
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        per_sec: times.len() as f64 / total.as_secs_f64(),
    }
}

fn line(name: &str, s: &Stats) {
    println!(
        "{name:<44} p50 {:>8.3} ms   p99 {:>8.3} ms   {:>8.0} /s",
        ms(s.p50),
        ms(s.p99),
        s.per_sec
    );
}

/// A small JSON API on 127.0.0.1: `/items` at once, `/slow-items` after `UPSTREAM_DELAY`.
async fn upstream() -> String {
    fn items() -> axum::Json<Value> {
        axum::Json(
            json!({"items": (0..20).map(|i| json!({"id": i, "name": format!("item {i}")})).collect::<Vec<_>>()}),
        )
    }
    let app = axum::Router::new()
        .route("/items", get(|| async { items() }))
        .route(
            "/slow-items",
            get(|| async {
                tokio::time::sleep(UPSTREAM_DELAY).await;
                items()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind upstream");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn input_doc() -> Value {
    json!({"people": (0..50).map(|i| json!({"name": format!("person {i}"), "age": 20 + i % 40})).collect::<Vec<_>>()})
}

const JMES: &str = "people[?age > `40`].name";
const JS: &str = "return input.people.filter(p => p.age > 40).map(p => p.name);";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = common::start(|s| {
        s.events_per_minute = 1_000_000;
        s.events_burst = 1_000_000;
    })
    .await;
    let upstream = upstream().await;
    let client = &bench.client;
    let url = |p: &str| bench.url(p);
    // The first account is the admin: it may allow-list the loopback upstream.
    let token = bench.token.clone();
    ok(
        client
            .post(url("/api/v1/admin/outbound-allowlist"))
            .bearer_auth(&token)
            .json(&json!({"pattern": "127.0.0.1", "note": "benchmark upstream"}))
            .send()
            .await
            .expect("allow"),
        "allow-list",
    )
    .await;

    // One step; one text field per measured case, each with one onChange event.
    let cases = ["none", "jmes", "js", "api", "api_slow"];
    let fields: Vec<Value> = cases
        .iter()
        .map(|k| json!({"key": k, "label": k, "selection_type": "text_input"}))
        .collect();
    let draft = ok(
        client
            .post(url("/api/v1/wizards"))
            .bearer_auth(&token)
            .json(&json!({"name": "Engine benchmark"}))
            .send()
            .await
            .expect("create"),
        "create wizard",
    )
    .await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let saved = ok(
        client
            .put(url(&format!("/api/v1/wizards/{wizard_id}")))
            .bearer_auth(&token)
            .json(
                &json!({"version": 1, "definition": {"name": "Engine benchmark",
                "steps": [{"title": "One", "option_sets": fields}]}}),
            )
            .send()
            .await
            .expect("save"),
        "save draft",
    )
    .await;
    let api_config = ok(
        client
            .post(url(&format!("/api/v1/wizards/{wizard_id}/api-configs")))
            .bearer_auth(&token)
            .json(&json!({"name": "upstream", "base_url": upstream}))
            .send()
            .await
            .expect("api config"),
        "api config",
    )
    .await;
    let api_config_id = api_config["id"].as_str().expect("config id").to_owned();
    let option_set_id = |key: &str| -> String {
        saved["definition"]["steps"][0]["option_sets"]
            .as_array()
            .and_then(|a| a.iter().find(|o| o["key"] == key))
            .and_then(|o| o["id"].as_str())
            .expect("option set id")
            .to_owned()
    };
    let input = input_doc();
    let actions = |case: &str| -> Vec<Value> {
        match case {
            "none" => vec![],
            "jmes" => vec![json!({"name": "t", "action_type": "transform_data",
                "config": {"language": "jmespath", "expression": JMES, "input": input}})],
            "js" => vec![json!({"name": "t", "action_type": "transform_data",
                "config": {"language": "javascript", "expression": JS, "input": input}})],
            "api" => vec![json!({"name": "c", "action_type": "api_call",
                "config": {"api_config_id": api_config_id, "url": "/items"}})],
            _ => vec![json!({"name": "c", "action_type": "api_call",
                "config": {"api_config_id": api_config_id, "url": "/slow-items"}})],
        }
    };
    for case in cases {
        ok(
            client
                .post(url(&format!("/api/v1/wizards/{wizard_id}/events")))
                .bearer_auth(&token)
                .json(&json!({"name": case, "trigger": "optionSet.onChange",
                    "target_id": option_set_id(case), "actions": actions(case)}))
                .send()
                .await
                .expect("event"),
            "create event",
        )
        .await;
    }
    let draft = ok(
        client
            .get(url(&format!("/api/v1/wizards/{wizard_id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("draft"),
        "get draft",
    )
    .await;
    ok(
        client
            .post(url(&format!("/api/v1/wizards/{wizard_id}/publish")))
            .bearer_auth(&token)
            .json(&json!({"version": draft["version"]}))
            .send()
            .await
            .expect("publish"),
        "publish",
    )
    .await;
    let run = ok(
        client
            .post(url("/api/v1/wizard-runs"))
            .bearer_auth(&token)
            .json(&json!({"wizard_id": wizard_id}))
            .send()
            .await
            .expect("start"),
        "start run",
    )
    .await;
    let run_id = run["id"].as_str().expect("run id").to_owned();

    let execute = |case: &'static str, i: usize| {
        let req = client
            .post(url(&format!("/api/v1/wizard-runs/{run_id}/execute-event")))
            .bearer_auth(&token)
            .json(
                &json!({"trigger": "optionSet.onChange", "target_id": option_set_id(case),
                "answers": {case: format!("v{i}")}}),
            );
        async move {
            let t = Instant::now();
            let body = ok(req.send().await.expect("execute"), case).await;
            let elapsed = t.elapsed();
            // Every measured case runs exactly its one action, successfully.
            let outcomes = body["actions"].as_array().map_or(0, Vec::len);
            assert_eq!(outcomes, usize::from(case != "none"), "{case}: {body}");
            let failed = body["actions"]
                .as_array()
                .is_some_and(|a| a.iter().any(|o| o["status"] != "success"));
            assert!(!failed, "{case}: {body}");
            elapsed
        }
    };

    // Warm up every path (caches, connections, the JS engine's first allocation).
    for case in cases {
        for i in 0..10 {
            execute(case, i).await;
        }
    }

    let mut measured: Vec<(&str, Vec<Duration>)> = cases.iter().map(|c| (*c, Vec::new())).collect();
    let mut base_jmes = Vec::with_capacity(ROUNDS);
    let mut base_js = Vec::with_capacity(ROUNDS);
    let mut base_http = Vec::with_capacity(ROUNDS);
    let mut base_http_slow = Vec::with_capacity(ROUNDS);
    let bare = reqwest::Client::new();
    // Interleave cases and baselines so machine noise hits them alike.
    for i in 0..ROUNDS {
        for (case, times) in measured.iter_mut() {
            times.push(execute(case, i).await);
        }

        let t = Instant::now();
        let expr = jmespath::compile(JMES).expect("jmespath");
        let var = jmespath::Variable::from_json(&input.to_string()).expect("variable");
        let out = expr.search(var).expect("search");
        let _ = serde_json::to_value(&*out).expect("json");
        base_jmes.push(t.elapsed());

        let t = Instant::now();
        let rt = rquickjs::Runtime::new().expect("runtime");
        let ctx = rquickjs::Context::full(&rt).expect("context");
        let src = format!(
            "JSON.stringify((function (input) {{ {JS} }})(JSON.parse({})))",
            serde_json::to_string(&input.to_string()).expect("quote")
        );
        let out: String = ctx.with(|c| c.eval(src)).expect("eval");
        let _: Value = serde_json::from_str(&out).expect("json");
        base_js.push(t.elapsed());

        for (path, sink) in [
            ("/items", &mut base_http),
            ("/slow-items", &mut base_http_slow),
        ] {
            let t = Instant::now();
            let _: Value = bare
                .get(format!("{upstream}{path}"))
                .send()
                .await
                .expect("bare get")
                .json()
                .await
                .expect("json");
            sink.push(t.elapsed());
        }
    }

    let mut results = std::collections::HashMap::new();
    println!("execute-event over HTTP ({ROUNDS} rounds each; SQLite file; logs written)");
    for (case, times) in measured {
        let s = stats(times);
        line(&format!("execute-event: {case}"), &s);
        results.insert(case, s);
    }
    println!("baselines (the same work done directly)");
    let b_jmes = stats(base_jmes);
    let b_js = stats(base_js);
    let b_http = stats(base_http);
    let b_http_slow = stats(base_http_slow);
    line("jmespath compile + search", &b_jmes);
    line("rquickjs runtime + context + eval", &b_js);
    line("reqwest GET /items", &b_http);
    line(
        &format!(
            "reqwest GET /slow-items ({} ms upstream)",
            UPSTREAM_DELAY.as_millis()
        ),
        &b_http_slow,
    );

    let none = results["none"].p50;
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "ratios (p50 / baseline p50) and engine cost per action (p50 − event without actions)"
    );
    for (case, baseline, name) in [
        ("jmes", &b_jmes, "(a) JMESPath transform"),
        ("js", &b_js, "(b) JavaScript transform"),
    ] {
        let s = &results[case];
        let per_action = s.p50.saturating_sub(none);
        println!(
            "{name:<28} ratio {:>7.2}×   per action {:>7.3} ms   target < 1 ms per action: {}",
            s.p50.as_secs_f64() / baseline.p50.as_secs_f64(),
            ms(per_action),
            verdict(per_action < Duration::from_millis(1)),
        );
    }
    for (case, baseline, name) in [
        ("api", &b_http, "(c) api_call, instant upstream"),
        ("api_slow", &b_http_slow, "(c) api_call, 20 ms upstream"),
    ] {
        let s = &results[case];
        let ratio = s.p50.as_secs_f64() / baseline.p50.as_secs_f64();
        println!(
            "{name:<28} ratio {ratio:>7.2}×   per action {:>7.3} ms   target < 1.5×: {}",
            ms(s.p50.saturating_sub(none)),
            verdict(ratio < 1.5),
        );
    }
}

//! What the server benchmarks share: the real router on 127.0.0.1 over a fresh SQLite
//! file, the first account (the admin) and its token, and percentiles.
//! Each bench includes it with `mod common;` (cargo builds every bench on its own).

#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};

/// A running server and its admin's token. Keep it alive while measuring: dropping it
/// removes the database directory.
pub struct Bench {
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
    _tmp: tempfile::TempDir,
}

impl Bench {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Starts the server with `settings` changed by `tune` (rate limits, say), registers the
/// first account and returns it signed in.
pub async fn start(tune: impl FnOnce(&mut server::config::Settings)) -> Bench {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut settings = server::config::Settings {
        data_dir: tmp.path().to_path_buf(),
        database_url: Some(server::config::Secret::new(format!(
            "sqlite:{}",
            tmp.path().join("bench.db").display()
        ))),
        secret_key: Some(server::config::Secret::new(
            "benchmark-secret-key-that-is-long-enough-0123",
        )),
        log_level: "error".into(),
        seed_templates: false,
        ..server::config::Settings::default()
    };
    tune(&mut settings);
    server::telemetry::init(&settings.log_level, "text");
    let state = server::build_state(&settings).await.expect("state");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("wizard-platform")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let router = server::router(state, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(server::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::new();
    let reg = ok(
        client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": "bench@example.com", "password": "correct horse battery"}))
            .send()
            .await
            .expect("register"),
        "register",
    )
    .await;
    let token = reg["token"].as_str().expect("token").to_owned();
    Bench {
        base,
        client,
        token,
        _tmp: tmp,
    }
}

/// The body of a successful response (panics with the body otherwise).
pub async fn ok(resp: reqwest::Response, what: &str) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

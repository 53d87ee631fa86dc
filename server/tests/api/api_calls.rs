//! API calls through the guarded outbound client, against real servers on 127.0.0.1:
//! httpbin under gunicorn (`WP_PEER_GUNICORN`) and an OAuth2 token endpoint served here.
//! API configurations over the REST API (validation, write-only secrets, concurrency,
//! ownership), the admin allow-list, every auth type, error classes, redirects, caps, the
//! SSRF guard, OAuth2 token caching and refresh — and that no stored credential shows up
//! in a response, a log line or a stored row. Each scenario runs on SQLite and PostgreSQL.

use crate::{common, support};

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use wizard_core::backend::engine::http::call_api;
use wizard_core::backend::error::ActionError;
use wizard_core::backend::outbound::{Outbound, OutboundRequest, OutboundSettings};
use wizard_core::domain::event::ApiCallConfig;

on_both_backends!(
    api_configs_validate_keep_secrets_write_only_and_check_versions,
    every_auth_type_reaches_httpbin,
    failures_are_classified_timeouts_and_caps_hold_redirects_are_checked,
    the_guard_refuses_internal_addresses_until_an_admin_allows_them,
    oauth2_tokens_are_cached_renewed_on_expiry_and_refreshed_after_401,
    api_call_actions_run_in_events_and_their_logs_hold_no_secret,
    an_edited_or_deleted_configuration_applies_to_the_very_next_call,
    secrets_with_reserved_characters_never_surface_in_any_encoding,
);

// ---------------------------------------------------------------------------------------
// Peers.

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// httpbin under gunicorn on 127.0.0.1; stopped on drop.
struct Httpbin {
    child: std::process::Child,
    port: u16,
}

impl Httpbin {
    async fn start() -> Self {
        let gunicorn = std::env::var("WP_PEER_GUNICORN").expect(
            "WP_PEER_GUNICORN is not set: run the suite with scripts/test, which installs httpbin and gunicorn",
        );
        let port = free_port();
        let child = std::process::Command::new(&gunicorn)
            .args([
                "--no-control-socket",
                "-b",
                &format!("127.0.0.1:{port}"),
                "-k",
                "gthread",
                "--threads",
                "8",
                "httpbin:app",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {gunicorn}: {e}"));
        let me = Self { child, port };
        let probe = reqwest::Client::new();
        for _ in 0..300 {
            if probe
                .get(format!("{}/get", me.base()))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return me;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("httpbin did not answer on port {port} within 30 s");
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Httpbin {
    fn drop(&mut self) {
        // SIGTERM lets the gunicorn master stop its workers; kill is the fallback.
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An OAuth2 client-credentials server: `POST /token` issues short-lived tokens and
/// counts the fetches; `GET /data` accepts only the latest token (unless revoked).
struct OAuthServer {
    peer: support::Peer,
    state: Arc<OAuthState>,
}

struct OAuthState {
    fetches: AtomicUsize,
    valid: Mutex<Option<String>>,
    client_secret: String,
    expires_in: u64,
}

impl OAuthServer {
    async fn start(client_secret: &str, expires_in: u64) -> Self {
        let state = Arc::new(OAuthState {
            fetches: AtomicUsize::new(0),
            valid: Mutex::new(None),
            client_secret: client_secret.to_owned(),
            expires_in,
        });
        let router = axum::Router::new()
            .route("/token", axum::routing::post(token))
            .route("/data", axum::routing::get(data))
            .with_state(state.clone());
        let peer = support::Peer::serve(router).await;
        Self { peer, state }
    }

    fn base(&self) -> String {
        self.peer.base()
    }

    fn fetches(&self) -> usize {
        self.state.fetches.load(Ordering::SeqCst)
    }

    /// The API stops accepting the current token (as after a key rotation).
    fn revoke(&self) {
        *self.state.valid.lock().expect("lock") = None;
    }
}

async fn token(
    State(s): State<Arc<OAuthState>>,
    Form(f): Form<HashMap<String, String>>,
) -> axum::response::Response {
    if f.get("grant_type").map(String::as_str) != Some("client_credentials")
        || f.get("client_id").map(String::as_str) != Some("my-client")
        || f.get("client_secret") != Some(&s.client_secret)
    {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let n = s.fetches.fetch_add(1, Ordering::SeqCst) + 1;
    let tok = format!("access-{n}-{}", uuid::Uuid::new_v4().simple());
    *s.valid.lock().expect("lock") = Some(tok.clone());
    axum::Json(json!({"access_token": tok, "token_type": "Bearer", "expires_in": s.expires_in}))
        .into_response()
}

async fn data(State(s): State<Arc<OAuthState>>, headers: HeaderMap) -> axum::response::Response {
    let valid = s.valid.lock().expect("lock").clone();
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    match (valid, presented) {
        (Some(v), Some(p)) if v == p => axum::Json(json!({"ok": true})).into_response(),
        _ => (StatusCode::UNAUTHORIZED, "token refused").into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers over the public API.

struct Actors {
    admin: String,
    builder: String,
    other: String,
}

/// The first account is the admin; later ones are builders (the default role).
async fn actors(app: &TestApp) -> Actors {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    Actors {
        admin,
        builder,
        other,
    }
}

async fn wizard(app: &TestApp, token: &str) -> String {
    let w = app
        .call(Method::POST, "/api/v1/wizards")
        .body(&json!({"name": "Calls"}))
        .by(token)
        .expect(201)
        .await;
    w["id"].as_str().expect("id").to_owned()
}

async fn create_config(app: &TestApp, token: &str, wizard_id: &str, body: Value) -> Value {
    app.call(
        Method::POST,
        &format!("/api/v1/wizards/{wizard_id}/api-configs"),
    )
    .body(&body)
    .by(token)
    .expect(201)
    .await
}

async fn allow(app: &TestApp, admin: &str, pattern: &str) -> Value {
    app.call(Method::POST, "/api/v1/admin/outbound-allowlist")
        .body(&json!({"pattern": pattern, "note": "test peers"}))
        .by(admin)
        .expect(201)
        .await
}

async fn test_call(app: &TestApp, token: &str, config_id: &str, path: &str) -> Value {
    app.call(
        Method::POST,
        &format!("/api/v1/wizards/api-configs/{config_id}/test"),
    )
    .body(&json!({"path": path}))
    .by(token)
    .expect(200)
    .await
}

fn request(v: Value) -> ApiCallConfig {
    serde_json::from_value(v).expect("api_call config")
}

async fn call(
    app: &TestApp,
    wizard_id: &str,
    config: Option<&str>,
    req: Value,
    timeout: Duration,
) -> Result<Value, ActionError> {
    let wid = uuid::Uuid::parse_str(wizard_id).expect("uuid");
    call_api(&app.state, wid, config, &request(req), timeout).await
}

const T: Duration = Duration::from_secs(20);

/// No secret appears in the captured logs, in any of `seen` (responses), or in the
/// `api_configurations` and `action_execution_logs` rows (except sealed).
async fn assert_no_leak(app: &TestApp, secrets: &[&str], seen: &[String]) {
    let logs = common::logs::captured();
    assert!(
        logs.contains("outbound call"),
        "the server's debug logs are captured"
    );
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT auth, default_headers, auth_secret FROM api_configurations")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("rows");
    let logs_rows: Vec<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT input_data, output_data, error_message FROM action_execution_logs")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("log rows");
    for s in secrets {
        assert!(!logs.contains(s), "secret {s} appears in the logs");
        for text in seen {
            assert!(
                !text.contains(s),
                "secret {s} appears in a response: {text}"
            );
        }
        for (auth, headers, sealed) in &rows {
            assert!(
                !auth.contains(s) && !headers.contains(s),
                "secret {s} stored in clear"
            );
            assert!(
                !sealed.as_deref().unwrap_or_default().contains(s),
                "secret {s} not encrypted"
            );
        }
        for (i, o, e) in &logs_rows {
            for t in [i, o, e].into_iter().flatten() {
                assert!(!t.contains(s), "secret {s} in an execution log row");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scenarios.

async fn api_configs_validate_keep_secrets_write_only_and_check_versions(app: TestApp) {
    let bin = Httpbin::start().await;
    let a = actors(&app).await;
    let b = Some(a.builder.as_str());
    let wid = wizard(&app, &a.builder).await;
    let path = format!("/api/v1/wizards/{wid}/api-configs");
    allow(&app, &a.admin, "127.0.0.1").await;
    let mut seen = Vec::new();

    // Each rule names its field.
    for (body, field) in [
        (json!({"name": " ", "base_url": bin.base()}), "name"),
        (
            json!({"name": "x", "base_url": "ftp://example.com"}),
            "base_url",
        ),
        (json!({"name": "x", "base_url": "/relative"}), "base_url"),
        (
            json!({"name": "x", "base_url": bin.base(), "timeout_ms": 0}),
            "timeout_ms",
        ),
        (
            json!({"name": "x", "base_url": bin.base(), "timeout_ms": 120001}),
            "timeout_ms",
        ),
        (
            json!({"name": "x", "base_url": bin.base(), "default_headers": {"Bad Header": "v"}}),
            "default_headers.Bad Header",
        ),
        (
            json!({"name": "x", "base_url": bin.base(), "auth": {"type": "bearer"}}),
            "auth.token",
        ),
        (
            json!({"name": "x", "base_url": bin.base(),
                   "auth": {"type": "oauth2_client_credentials", "token_url": "nope", "client_id": ""}}),
            "auth.token_url",
        ),
        (
            json!({"name": "x", "base_url": bin.base(),
                   "auth": {"type": "oauth2_client_credentials", "token_url": "nope", "client_id": ""}}),
            "auth.client_secret",
        ),
        (
            json!({"name": "x", "base_url": bin.base(),
                   "auth": {"type": "api_key", "name": "X-Key", "placement": "header"}}),
            "auth.value",
        ),
    ] {
        app.expect_problem(Method::POST, &path, Some(&body), b, 422, Some(field))
            .await;
    }

    let password = "pw-Zq8uXk2Lr9";
    let created = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bin", "base_url": bin.base(), "timeout_ms": 10000,
               "default_headers": {"X-Trace": "1"},
               "auth": {"type": "basic", "username": "ann", "password": password}}),
    )
    .await;
    seen.push(created.to_string());
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["secret_set"], true);
    assert_eq!(created["auth"], json!({"type": "basic", "username": "ann"}));
    assert_eq!(created["version"], 1);

    // Stored as promised: the public part in `auth`, the whole auth sealed.
    let (auth_type, auth, sealed): (String, String, Option<String>) =
        sqlx::query_as("SELECT auth_type, auth, auth_secret FROM api_configurations WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("row");
    assert_eq!(auth_type, "basic");
    assert_eq!(
        serde_json::from_str::<Value>(&auth).expect("json"),
        json!({"type": "basic", "username": "ann"})
    );
    let opened = app
        .state
        .secrets
        .open_json(sealed.as_deref().expect("sealed"))
        .expect("open");
    assert_eq!(opened["password"], password);

    // The name is unique in the wizard.
    app.expect_problem(
        Method::POST,
        &path,
        Some(&json!({"name": "bin", "base_url": bin.base()})),
        b,
        409,
        Some("name"),
    )
    .await;

    // The stored credential works.
    let ok = test_call(&app, &a.builder, &id, "/basic-auth/ann/pw-Zq8uXk2Lr9").await;
    seen.push(ok.to_string());
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["status"], 200);
    assert!(
        ok["body_excerpt"]
            .as_str()
            .is_some_and(|e| e.contains("authenticated"))
    );

    // Update without the password keeps it; the test call still authenticates.
    let updated = app
        .call(Method::PUT, &format!("/api/v1/wizards/api-configs/{id}"))
        .body(&json!({"version": 1, "name": "bin", "base_url": bin.base(),
                         "auth": {"type": "basic", "username": "ann"}}))
        .by(b)
        .expect(200)
        .await;
    seen.push(updated.to_string());
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["secret_set"], true);
    let ok = test_call(&app, &a.builder, &id, "/basic-auth/ann/pw-Zq8uXk2Lr9").await;
    assert_eq!(ok["status"], 200, "kept password still works: {ok}");

    // A stale version is refused; switching auth type needs the new secret.
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizards/api-configs/{id}"),
        Some(&json!({"version": 1, "name": "bin", "base_url": bin.base()})),
        b,
        409,
        Some("version"),
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizards/api-configs/{id}"),
        Some(&json!({"version": 2, "name": "bin", "base_url": bin.base(),
                     "auth": {"type": "bearer"}})),
        b,
        422,
        Some("auth.token"),
    )
    .await;

    // Others: a builder who does not own the wizard sees nothing, nor does the admin (one
    // rule for everything in a wizard: README "Who may do what").
    let o = Some(a.other.as_str());
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizards/api-configs/{id}"),
        None,
        o,
        404,
        None,
    )
    .await;
    app.expect_problem(Method::GET, &path, None, o, 404, None)
        .await;
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizards/api-configs/{id}/test"),
        None,
        o,
        404,
        None,
    )
    .await;
    for (method, path) in [
        (Method::GET, path.clone()),
        (Method::GET, format!("/api/v1/wizards/api-configs/{id}")),
        (Method::GET, format!("/api/v1/wizards/{wid}")),
    ] {
        app.expect_problem(method, &path, None, Some(&a.admin), 404, None)
            .await;
    }
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizards/api-configs/{id}?version=2"),
        None,
        Some(&a.admin),
        404,
        None,
    )
    .await;
    let got = app
        .get_json(&format!("/api/v1/wizards/api-configs/{id}"), b)
        .await;
    seen.push(got.to_string());
    assert_eq!(got["secret_set"], true);

    // Delete with a stale version, then the right one.
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizards/api-configs/{id}?version=1"),
        None,
        b,
        409,
        None,
    )
    .await;
    app.call(
        Method::DELETE,
        &format!("/api/v1/wizards/api-configs/{id}?version=2"),
    )
    .by(b)
    .expect(204)
    .await;
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizards/api-configs/{id}"),
        None,
        b,
        404,
        None,
    )
    .await;

    // The OpenAPI document lists the endpoints.
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    for p in [
        "/api/v1/wizards/{wizard_id}/api-configs",
        "/api/v1/wizards/api-configs/{id}",
        "/api/v1/wizards/api-configs/{id}/test",
        "/api/v1/admin/outbound-allowlist",
        "/api/v1/admin/outbound-allowlist/{id}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "OpenAPI lacks {p}");
    }
    assert_no_leak(&app, &[password, "YW5uOnB3LVpxOHVYazJMcjk="], &seen).await;
}

async fn every_auth_type_reaches_httpbin(app: TestApp) {
    let bin = Httpbin::start().await;
    let a = actors(&app).await;
    let wid = wizard(&app, &a.builder).await;
    allow(&app, &a.admin, "127.0.0.1").await;
    let mut seen = Vec::new();
    let (password, token, hkey, qkey) = (
        "basic-pw-9fK2",
        "bearer-tok-7Hq3Lm",
        "hdr-key-4Rt8Wz",
        "qry-key-6Yp1Nc",
    );
    let basic = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "basic", "base_url": bin.base(),
               "auth": {"type": "basic", "username": "ann", "password": password}}),
    )
    .await;
    let bearer = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bearer", "base_url": bin.base(),
               "auth": {"type": "bearer", "token": token}}),
    )
    .await;
    let header_key = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "header-key", "base_url": bin.base(),
               "auth": {"type": "api_key", "name": "X-Api-Key", "placement": "header", "value": hkey}}),
    )
    .await;
    create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "query-key", "base_url": format!("{}/anything", bin.base()),
               "default_headers": {"X-Team": "blue"},
               "auth": {"type": "api_key", "name": "api_key", "placement": "query", "value": qkey}}),
    )
    .await;
    let none = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "open", "base_url": bin.base()}),
    )
    .await;
    for c in [&basic, &bearer, &header_key, &none] {
        seen.push(c.to_string());
        assert_eq!(c["secret_set"], c["auth"]["type"] != "none");
    }

    // Basic: the right password passes httpbin's check.
    let r = test_call(
        &app,
        &a.builder,
        basic["id"].as_str().expect("id"),
        "/basic-auth/ann/basic-pw-9fK2",
    )
    .await;
    assert_eq!(
        (r["ok"].clone(), r["status"].clone()),
        (json!(true), json!(200)),
        "{r}"
    );
    // …and it is really checked: another password is refused.
    let r = test_call(
        &app,
        &a.builder,
        basic["id"].as_str().expect("id"),
        "/basic-auth/ann/other",
    )
    .await;
    assert_eq!(
        (r["ok"].clone(), r["status"].clone()),
        (json!(false), json!(401)),
        "{r}"
    );
    seen.push(r.to_string());

    // Bearer: httpbin echoes the token back; what we return has it scrubbed.
    let r = test_call(
        &app,
        &a.builder,
        bearer["id"].as_str().expect("id"),
        "/bearer",
    )
    .await;
    assert_eq!(r["status"], 200, "{r}");
    assert!(
        r["body_excerpt"]
            .as_str()
            .is_some_and(|e| e.contains("***")),
        "{r}"
    );
    seen.push(r.to_string());
    let body = call(&app, &wid, Some("bearer"), json!({"url": "/bearer"}), T)
        .await
        .expect("bearer call");
    assert_eq!(body["authenticated"], true);
    assert_eq!(body["token"], "***", "echoed credential scrubbed");
    seen.push(body.to_string());

    // API key in a header, and in the query (with the config's default header).
    let body = call(
        &app,
        &wid,
        Some("header-key"),
        json!({"url": "/anything/items", "method": "POST", "body": {"n": 1},
               "headers": {"X-Request": "r1"}, "query": {"page": 2, "tags": ["a", "b"]}}),
        T,
    )
    .await
    .expect("header key call");
    assert_eq!(
        body["headers"]["X-Api-Key"], "***",
        "key sent (and scrubbed): {body}"
    );
    assert_eq!(body["headers"]["X-Request"], "r1");
    assert_eq!(body["method"], "POST");
    assert_eq!(body["json"], json!({"n": 1}));
    assert_eq!(body["args"], json!({"page": "2", "tags": ["a", "b"]}));
    seen.push(body.to_string());
    let body = call(&app, &wid, Some("query-key"), json!({"url": ""}), T)
        .await
        .expect("query key call");
    assert_eq!(
        body["args"]["api_key"], "***",
        "key sent in the query: {body}"
    );
    assert_eq!(body["headers"]["X-Team"], "blue");
    assert!(body["headers"].get("X-Api-Key").is_none());
    seen.push(body.to_string());

    // The config may be named by id too; without a config the URL must be absolute and
    // nothing is added.
    let id = header_key["id"].as_str().expect("id");
    let body = call(&app, &wid, Some(id), json!({"url": "/headers"}), T)
        .await
        .expect("by id");
    assert_eq!(body["headers"]["X-Api-Key"], "***");
    let body = call(
        &app,
        &wid,
        None,
        json!({"url": format!("{}/headers", bin.base())}),
        T,
    )
    .await
    .expect("no config");
    assert!(
        body["headers"].get("X-Api-Key").is_none()
            && body["headers"].get("Authorization").is_none()
    );
    let err = call(&app, &wid, None, json!({"url": "/headers"}), T)
        .await
        .expect_err("relative");
    assert!(matches!(err, ActionError::Invalid(_)), "{err:?}");
    // A config's credentials never go to another host.
    let err = call(
        &app,
        &wid,
        Some("bearer"),
        json!({"url": "http://example.com/"}),
        T,
    )
    .await
    .expect_err("other origin");
    assert!(
        matches!(&err, ActionError::Invalid(m) if m.contains("host")),
        "{err:?}"
    );
    // success_path picks a part of the body.
    let picked = call(
        &app,
        &wid,
        Some("open"),
        json!({"url": "/json", "response_mapping": {"success_path": "slideshow.author"}}),
        T,
    )
    .await
    .expect("json");
    assert_eq!(picked, json!("Yours Truly"));
    // A text body comes back as a JSON string.
    let text = call(&app, &wid, Some("open"), json!({"url": "/robots.txt"}), T)
        .await
        .expect("text");
    assert!(
        text.as_str().is_some_and(|t| t.contains("Disallow")),
        "{text}"
    );
    // Unknown configuration.
    let err = call(&app, &wid, Some("nope"), json!({"url": "/get"}), T)
        .await
        .expect_err("unknown");
    assert!(
        matches!(&err, ActionError::Invalid(m) if m.contains("nope")),
        "{err:?}"
    );

    assert_no_leak(
        &app,
        &[password, token, hkey, qkey, "YW5uOmJhc2ljLXB3LTlmSzI="],
        &seen,
    )
    .await;
}

async fn failures_are_classified_timeouts_and_caps_hold_redirects_are_checked(app: TestApp) {
    let bin = Httpbin::start().await;
    let a = actors(&app).await;
    let wid = wizard(&app, &a.builder).await;
    allow(&app, &a.admin, "127.0.0.1").await;
    let token = "tok-Fail-8Jd2Ks";
    let cfg = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bin", "base_url": bin.base(), "auth": {"type": "bearer", "token": token}}),
    )
    .await;
    let mut seen = vec![cfg.to_string()];

    // 5xx is retryable (the engine retries), 4xx is not; neither names the credential.
    let err = call(&app, &wid, Some("bin"), json!({"url": "/status/500"}), T)
        .await
        .expect_err("500");
    assert!(
        matches!(&err, ActionError::Transient(m) if m.contains("500")),
        "{err:?}"
    );
    assert!(err.is_retryable());
    let err = call(&app, &wid, Some("bin"), json!({"url": "/status/404"}), T)
        .await
        .expect_err("404");
    assert!(
        matches!(&err, ActionError::Failed(m) if m.contains("404")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    seen.push(err.to_string());

    // A slow upstream meets the timeout (the action's, or the configuration's).
    let err = call(
        &app,
        &wid,
        Some("bin"),
        json!({"url": "/delay/3"}),
        Duration::from_secs(1),
    )
    .await
    .expect_err("timeout");
    assert_eq!(err, ActionError::Timeout(1000));
    let slow = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "slow", "base_url": bin.base(), "timeout_ms": 1000}),
    )
    .await;
    let r = test_call(
        &app,
        &a.builder,
        slow["id"].as_str().expect("id"),
        "/delay/3",
    )
    .await;
    assert_eq!(r["ok"], false);
    assert!(
        r["error"].as_str().is_some_and(|e| e.contains("timed out")),
        "{r}"
    );

    // A connection refused is retryable.
    let closed = free_port();
    let err = call(
        &app,
        &wid,
        None,
        json!({"url": format!("http://127.0.0.1:{closed}/")}),
        T,
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, ActionError::Transient(_)), "{err:?}");

    // Redirects are followed up to the limit, each hop checked.
    let body = call(&app, &wid, Some("bin"), json!({"url": "/redirect/3"}), T)
        .await
        .expect("3 redirects");
    assert!(
        body["url"].as_str().is_some_and(|u| u.ends_with("/get")),
        "{body}"
    );
    let err = call(&app, &wid, Some("bin"), json!({"url": "/redirect/7"}), T)
        .await
        .expect_err("too many");
    assert!(
        matches!(&err, ActionError::Failed(m) if m.contains("redirected")),
        "{err:?}"
    );
    let err = call(
        &app,
        &wid,
        Some("bin"),
        json!({"url": "/redirect-to", "query": {"url": "http://169.254.169.254/latest/meta-data/"}}),
        T,
    )
    .await
    .expect_err("redirect to metadata");
    assert!(
        matches!(&err, ActionError::Invalid(m) if m.contains("169.254.169.254") && m.contains("allow-list")),
        "{err:?}"
    );

    // The size cap holds for declared and streamed bodies.
    let small = Outbound::new(OutboundSettings {
        max_response_bytes: 1000,
        ..OutboundSettings::default()
    });
    for path in ["/bytes/5000", "/stream-bytes/5000"] {
        let err = small
            .send(
                &app.state.db,
                &OutboundRequest {
                    method: wizard_core::domain::event::HttpMethod::Get,
                    url: format!("{}{path}", bin.base()),
                    query: Vec::new(),
                    headers: Default::default(),
                    body: None,
                    timeout: T,
                },
            )
            .await
            .expect_err("over the cap");
        assert!(
            matches!(&err, ActionError::Failed(m) if m.contains("1000-byte limit")),
            "{path}: {err:?}"
        );
    }
    let fine = small
        .send(
            &app.state.db,
            &OutboundRequest {
                method: wizard_core::domain::event::HttpMethod::Get,
                url: format!("{}/bytes/500", bin.base()),
                query: Vec::new(),
                headers: Default::default(),
                body: None,
                timeout: T,
            },
        )
        .await
        .expect("under the cap");
    assert_eq!(fine.status, 200);

    assert_no_leak(&app, &[token], &seen).await;
}

async fn the_guard_refuses_internal_addresses_until_an_admin_allows_them(app: TestApp) {
    let bin = Httpbin::start().await;
    let a = actors(&app).await;
    let wid = wizard(&app, &a.builder).await;
    let cfg = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bin", "base_url": bin.base()}),
    )
    .await;
    let id = cfg["id"].as_str().expect("id");

    // Loopback is refused before anything is sent, with a message saying what to do.
    let r = test_call(&app, &a.builder, id, "/get").await;
    assert_eq!(r["ok"], false);
    let e = r["error"].as_str().unwrap_or_default();
    assert!(e.contains("127.0.0.1") && e.contains("allow-list"), "{r}");
    for (url, named) in [
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "169.254.169.254",
        ),
        (format!("http://localhost:{}/get", bin.port), "localhost"),
        (
            format!("http://[::ffff:127.0.0.1]:{}/get", bin.port),
            "127.0.0.1",
        ),
        ("http://10.0.0.1/".to_owned(), "10.0.0.1"),
        ("http://[::1]/".to_owned(), "::1"),
    ] {
        let err = call(&app, &wid, None, json!({"url": url}), T)
            .await
            .expect_err("refused");
        assert!(
            matches!(&err, ActionError::Invalid(m) if m.contains(named) && m.contains("allow-list")),
            "{url}: {err:?}"
        );
    }
    let err = call(&app, &wid, None, json!({"url": "file:///etc/passwd"}), T)
        .await
        .expect_err("scheme");
    assert!(matches!(err, ActionError::Invalid(_)));

    // Only admins manage the allow-list; patterns are validated and normalised.
    app.expect_problem(
        Method::POST,
        "/api/v1/admin/outbound-allowlist",
        Some(&json!({"pattern": "127.0.0.1"})),
        Some(&a.builder),
        403,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/admin/outbound-allowlist",
        None,
        Some(&a.builder),
        403,
        None,
    )
    .await;
    for bad in ["not a host", "10.0.0.0/40", ""] {
        app.expect_problem(
            Method::POST,
            "/api/v1/admin/outbound-allowlist",
            Some(&json!({"pattern": bad})),
            Some(&a.admin),
            422,
            Some("pattern"),
        )
        .await;
    }
    let entry = allow(&app, &a.admin, "127.0.0.0/8").await;
    assert_eq!(entry["pattern"], "127.0.0.0/8");
    app.expect_problem(
        Method::POST,
        "/api/v1/admin/outbound-allowlist",
        Some(&json!({"pattern": "127.0.0.1/8"})),
        Some(&a.admin),
        409,
        Some("pattern"),
    )
    .await;

    // Allowed now (this instance forgets its cached list on the change).
    let r = test_call(&app, &a.builder, id, "/get").await;
    assert_eq!(
        (r["ok"].clone(), r["status"].clone()),
        (json!(true), json!(200)),
        "{r}"
    );
    // The metadata address is still refused, also as a redirect target.
    let err = call(
        &app,
        &wid,
        Some("bin"),
        json!({"url": "/redirect-to", "query": {"url": "http://169.254.169.254/"}}),
        T,
    )
    .await
    .expect_err("metadata");
    assert!(matches!(&err, ActionError::Invalid(m) if m.contains("169.254.169.254")));
    // A host name can be allowed by name.
    allow(&app, &a.admin, "localhost").await;
    let body = call(
        &app,
        &wid,
        None,
        json!({"url": format!("http://localhost:{}/get", bin.port)}),
        T,
    )
    .await
    .expect("localhost by name");
    assert!(body["url"].is_string());

    let list = app
        .get_json("/api/v1/admin/outbound-allowlist", Some(&a.admin))
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    app.call(
        Method::DELETE,
        &format!(
            "/api/v1/admin/outbound-allowlist/{}",
            entry["id"].as_str().expect("id")
        ),
    )
    .by(a.admin.as_str())
    .expect(204)
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!(
            "/api/v1/admin/outbound-allowlist/{}",
            entry["id"].as_str().expect("id")
        ),
        None,
        Some(&a.admin),
        404,
        None,
    )
    .await;
    // Removed: refused again at once.
    let r = test_call(&app, &a.builder, id, "/get").await;
    assert_eq!(r["ok"], false, "{r}");
}

async fn oauth2_tokens_are_cached_renewed_on_expiry_and_refreshed_after_401(app: TestApp) {
    let secret = "client-secret-Qw7Er5Ty";
    let oauth = OAuthServer::start(secret, 2).await;
    let a = actors(&app).await;
    let wid = wizard(&app, &a.builder).await;
    allow(&app, &a.admin, "127.0.0.1").await;
    let cfg = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "oauth", "base_url": oauth.base(),
               "auth": {"type": "oauth2_client_credentials",
                        "token_url": format!("{}/token", oauth.base()),
                        "client_id": "my-client", "client_secret": secret, "scope": "read"}}),
    )
    .await;
    let mut seen = vec![cfg.to_string()];
    assert_eq!(cfg["secret_set"], true);
    assert!(cfg["auth"].get("client_secret").is_none());

    // One token serves several calls.
    for _ in 0..3 {
        let body = call(&app, &wid, Some("oauth"), json!({"url": "/data"}), T)
            .await
            .expect("call");
        assert_eq!(body, json!({"ok": true}));
    }
    assert_eq!(oauth.fetches(), 1, "token cached");
    let r = test_call(&app, &a.builder, cfg["id"].as_str().expect("id"), "/data").await;
    assert_eq!(r["status"], 200, "{r}");
    seen.push(r.to_string());
    assert_eq!(
        oauth.fetches(),
        1,
        "the test call uses the cached token too"
    );

    // Once it expires, a new one is fetched.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    call(&app, &wid, Some("oauth"), json!({"url": "/data"}), T)
        .await
        .expect("after expiry");
    assert_eq!(oauth.fetches(), 2, "renewed after expiry");

    // The API refuses the token (401): one refresh and one retry, invisible to the caller.
    oauth.revoke();
    let body = call(&app, &wid, Some("oauth"), json!({"url": "/data"}), T)
        .await
        .expect("refreshed after 401");
    assert_eq!(body, json!({"ok": true}));
    assert_eq!(oauth.fetches(), 3, "refreshed once after the 401");

    // Concurrent first calls of another configuration share one token fetch.
    create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "oauth-2", "base_url": oauth.base(),
               "auth": {"type": "oauth2_client_credentials",
                        "token_url": format!("{}/token", oauth.base()),
                        "client_id": "my-client", "client_secret": secret}}),
    )
    .await;
    let calls = (0..5).map(|_| call(&app, &wid, Some("oauth-2"), json!({"url": "/data"}), T));
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.expect("concurrent call"), json!({"ok": true}));
    }
    assert_eq!(oauth.fetches(), 4, "one fetch for five concurrent calls");

    // Wrong client credentials: a clear, non-retryable error without the secret.
    let wrong = "wrong-secret-Zx9Cv8Bn";
    create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bad-oauth", "base_url": oauth.base(),
               "auth": {"type": "oauth2_client_credentials",
                        "token_url": format!("{}/token", oauth.base()),
                        "client_id": "my-client", "client_secret": wrong}}),
    )
    .await;
    let err = call(&app, &wid, Some("bad-oauth"), json!({"url": "/data"}), T)
        .await
        .expect_err("bad client");
    assert!(
        matches!(&err, ActionError::Failed(m) if m.contains("token endpoint") && m.contains("401")),
        "{err:?}"
    );
    seen.push(err.to_string());

    // The token endpoint is guarded too: a config pointing it at a refused address fails
    // before anything is sent.
    create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "meta-oauth", "base_url": oauth.base(),
               "auth": {"type": "oauth2_client_credentials",
                        "token_url": "http://169.254.169.254/token",
                        "client_id": "my-client", "client_secret": secret}}),
    )
    .await;
    let err = call(&app, &wid, Some("meta-oauth"), json!({"url": "/data"}), T)
        .await
        .expect_err("guarded token url");
    assert!(
        matches!(&err, ActionError::Invalid(m) if m.contains("169.254.169.254")),
        "{err:?}"
    );

    let issued: Vec<String> = oauth
        .state
        .valid
        .lock()
        .expect("lock")
        .iter()
        .cloned()
        .collect();
    let mut secrets = vec![secret, wrong];
    secrets.extend(issued.iter().map(String::as_str));
    assert_no_leak(&app, &secrets, &seen).await;
}

/// httpbin, the actors with 127.0.0.1 allowed, and a builder's draft named `name` with one
/// text field `name`: the stage for api_call actions in events.
async fn event_wizard(app: &TestApp, name: &str) -> (Httpbin, Actors, String) {
    let bin = Httpbin::start().await;
    let a = actors(app).await;
    allow(app, &a.admin, "127.0.0.1").await;
    let draft = support::create_draft(
        app,
        &a.builder,
        &json!({"name": name, "steps": [{"title": "Who", "option_sets": [
            {"key": "name", "label": "Name", "selection_type": "text_input"}]}]}),
    )
    .await;
    let wid = draft["id"].as_str().expect("id").to_owned();
    (bin, a, wid)
}

async fn api_call_actions_run_in_events_and_their_logs_hold_no_secret(app: TestApp) {
    let (bin, a, wid) = event_wizard(&app, "Lookup").await;
    let b = Some(a.builder.as_str());
    let token = "evt-bearer-3Gh7Jk9L";
    let cfg = create_config(
        &app,
        &a.builder,
        &wid,
        json!({"name": "bin", "base_url": bin.base(), "auth": {"type": "bearer", "token": token}}),
    )
    .await;
    let cfg_id = cfg["id"].as_str().expect("id").to_owned();
    let mut seen = vec![cfg.to_string()];

    // Save-time checks name the field: an unknown configuration, a relative URL without
    // one, a bad header name, a success_path that does not compile.
    let events = format!("/api/v1/wizards/{wid}/events");
    for (config, field) in [
        (
            json!({"api_config_id": uuid::Uuid::now_v7(), "url": "/get"}),
            "actions[0].config.api_config_id",
        ),
        (json!({"url": "/get"}), "actions[0].config.url"),
        (
            json!({"api_config_id": cfg_id, "url": "/get", "headers": {"Bad Header": "x"}}),
            "actions[0].config.headers.Bad Header",
        ),
        (
            json!({"api_config_id": cfg_id, "url": "/get",
                   "response_mapping": {"success_path": "foo[?"}}),
            "actions[0].config.response_mapping.success_path",
        ),
    ] {
        app.expect_problem(
            Method::POST,
            &events,
            Some(&json!({"name": "bad", "trigger": "wizard.onStart",
                         "actions": [{"name": "a", "action_type": "api_call", "config": config}]})),
            b,
            422,
            Some(field),
        )
        .await;
    }

    // The builder's action test runs the action with sample answers.
    let tested = app
        .call(Method::POST, "/api/v1/wizards/actions/test").body(&json!({"wizard_id": wid, "answers": {"name": "Bo"},
                         "action": {"name": "probe", "action_type": "api_call",
                                    "config": {"api_config_id": cfg_id, "url": "/anything/{{ fields.name }}",
                                               "response_mapping": {"success_path": "url"}}}})).by(b).expect(200)
        .await;
    seen.push(tested.to_string());
    assert_eq!(tested["actions"][0]["status"], "success", "{tested}");
    assert!(
        tested["actions"][0]["output"]
            .as_str()
            .is_some_and(|u| u.ends_with("/anything/Bo")),
        "{tested}"
    );

    app.call(Method::POST, &events).body(&json!({"name": "lookup", "trigger": "wizard.onStart", "actions": [
            {"name": "fetch", "action_type": "api_call", "on_error": "continue",
             "config": {"api_config_id": cfg_id, "method": "POST", "url": "/anything/{{ fields.name }}",
                        "headers": {"X-Who": "{{ fields.name }}"}, "body": {"who": "{{ fields.name }}"}}},
            {"name": "flaky", "action_type": "api_call", "on_error": "retry", "retry_count": 1,
             "config": {"api_config_id": cfg_id, "url": "/status/503"}}
        ]})).by(b).expect(201)
    .await;
    support::publish_current(&app, &a.builder, &wid).await;
    let run = support::start(&app, &a.builder, &wid).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let out = app
        .call(
            Method::POST,
            &format!("/api/v1/wizard-runs/{run_id}/execute-event"),
        )
        .body(&json!({"trigger": "wizard.onStart", "answers": {"name": "Ada"}}))
        .by(b)
        .expect(200)
        .await;
    seen.push(out.to_string());
    let fetch = &out["actions"][0];
    assert_eq!(fetch["status"], "success", "{out}");
    let output = &fetch["output"];
    assert_eq!(
        output["json"],
        json!({"who": "Ada"}),
        "templated body sent: {out}"
    );
    assert_eq!(output["headers"]["X-Who"], "Ada");
    assert_eq!(
        output["headers"]["Authorization"], "***",
        "the credential was sent, and its echo scrubbed"
    );
    let flaky = &out["actions"][1];
    assert_eq!(flaky["status"], "error", "{out}");
    assert_eq!(flaky["attempts"], 2, "a 503 is retried: {out}");
    assert!(flaky["error"].as_str().is_some_and(|e| e.contains("503")));

    let logs = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
        .await;
    seen.push(logs.to_string());
    let (rows,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM action_execution_logs WHERE run_id = $1")
            .bind(&run_id)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("count");
    assert!(rows >= 3, "the attempts were logged ({rows} rows)");
    assert_no_leak(&app, &[token], &seen).await;
}

/// Calls may read configurations from a cache (issue 15): an edit or a deletion still
/// applies to the very next call.
async fn an_edited_or_deleted_configuration_applies_to_the_very_next_call(app: TestApp) {
    let (bin, a, wid) = event_wizard(&app, "Edited").await;
    let b = Some(a.builder.as_str());
    let config = |stage: &str| json!({"name": "bin", "base_url": bin.base(), "default_headers": {"X-Stage": stage}});
    let cfg = create_config(&app, &a.builder, &wid, config("one")).await;
    let cfg_id = cfg["id"].as_str().expect("id").to_owned();
    app.call(Method::POST, &format!("/api/v1/wizards/{wid}/events"))
        .body(
            &json!({"name": "probe", "trigger": "wizard.onStart", "actions": [
            {"name": "fetch", "action_type": "api_call", "on_error": "continue",
             "config": {"api_config_id": cfg_id, "url": "/headers"}}]}),
        )
        .by(b)
        .expect(201)
        .await;
    support::publish_current(&app, &a.builder, &wid).await;
    let run = support::start(&app, &a.builder, &wid).await;
    let execute = format!(
        "/api/v1/wizard-runs/{}/execute-event",
        run["id"].as_str().expect("run id")
    );
    let (app, execute) = (&app, execute.as_str());
    let fetch = || async move {
        let out = app
            .call(Method::POST, execute)
            .body(&json!({"trigger": "wizard.onStart"}))
            .by(b)
            .expect(200)
            .await;
        out["actions"][0].clone()
    };
    let first = fetch().await;
    assert_eq!(first["output"]["headers"]["X-Stage"], "one", "{first}");

    app.call(
        Method::PUT,
        &format!("/api/v1/wizards/api-configs/{cfg_id}"),
    )
    .body(&json!({"version": 1, "name": "bin", "base_url": bin.base(),
                      "default_headers": {"X-Stage": "two"}}))
    .by(b)
    .expect(200)
    .await;
    let edited = fetch().await;
    assert_eq!(edited["output"]["headers"]["X-Stage"], "two", "{edited}");

    app.call(
        Method::DELETE,
        &format!("/api/v1/wizards/api-configs/{cfg_id}?version=2"),
    )
    .by(b)
    .expect(204)
    .await;
    let gone = fetch().await;
    assert_eq!(gone["status"], "error", "{gone}");
    assert!(
        gone["error"]
            .as_str()
            .is_some_and(|e| e.contains("no API configuration")),
        "{gone}"
    );
}

/// `s` as an upstream may echo it: raw, form-encoded, percent-encoded (either hex case),
/// form-encoded with `/` left alone (httpbin's URL echo), and base64.
fn encodings(s: &str) -> Vec<String> {
    use base64::Engine as _;
    let form: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
    let percent =
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    vec![
        s.to_owned(),
        form.replace("%2F", "/"),
        form,
        percent.to_ascii_lowercase(),
        percent,
        base64::engine::general_purpose::STANDARD.encode(s),
    ]
}

/// Issue 10 §1: a credential whose characters change under URL and form encoding, for
/// every auth type, never surfaces in any form: not in the execute-event answer a runner
/// gets, the action logs (API and database), the configuration test, error messages
/// (4xx, 5xx, redirect, timeout) or the server's logs.
async fn secrets_with_reserved_characters_never_surface_in_any_encoding(app: TestApp) {
    let (bin, a, wid) = event_wizard(&app, "Leaky").await;
    let b = Some(a.builder.as_str());
    let (qkey, hkey, token, password) = (
        "sekret XYZ/123&=+",
        "hdr key/9&a=b+c%",
        "tok en/7&x=y+z",
        "pw d/5&k=v+w",
    );
    let mut seen = Vec::new();
    let mut configs = Vec::new();
    for (name, auth) in [
        (
            "query",
            json!({"type": "api_key", "name": "api_key", "placement": "query", "value": qkey}),
        ),
        (
            "header",
            json!({"type": "api_key", "name": "X-Api-Key", "placement": "header", "value": hkey}),
        ),
        ("bearer", json!({"type": "bearer", "token": token})),
        (
            "basic",
            json!({"type": "basic", "username": "ann", "password": password}),
        ),
    ] {
        let cfg = create_config(
            &app,
            &a.builder,
            &wid,
            json!({"name": name, "base_url": bin.base(), "auth": auth}),
        )
        .await;
        seen.push(cfg.to_string());
        configs.push((name, cfg["id"].as_str().expect("id").to_owned()));
    }

    // The reproduction: api_call actions on every configuration, echoing what they sent
    // (/get, /anything), failing (/status/404, /status/500) and redirected.
    let mut actions = Vec::new();
    for (name, id) in &configs {
        for (i, path) in [
            "/get?page=2",
            "/anything/x",
            "/status/404",
            "/status/500",
            "/redirect-to?url=/get",
        ]
        .into_iter()
        .enumerate()
        {
            actions.push(
                json!({"name": format!("{name}_{i}"), "action_type": "api_call",
                "on_error": "continue", "config": {"api_config_id": id, "url": path}}),
            );
        }
    }
    app.call(Method::POST, &format!("/api/v1/wizards/{wid}/events"))
        .body(&json!({"name": "complete", "trigger": "wizard.onComplete", "actions": actions}))
        .by(b)
        .expect(201)
        .await;
    support::publish_current(&app, &a.builder, &wid).await;
    // Any user who runs the published wizard.
    let runner = Some(a.other.as_str());
    let run = support::start(&app, &a.other, &wid).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let out = app
        .call(
            Method::POST,
            &format!("/api/v1/wizard-runs/{run_id}/execute-event"),
        )
        .body(&json!({"trigger": "wizard.onComplete", "answers": {"name": "Ada"}}))
        .by(runner)
        .expect(200)
        .await;
    seen.push(out.to_string());
    let results = out["actions"].as_array().expect("actions");
    assert_eq!(results.len(), 20, "{out}");
    // The calls really carried the credentials: httpbin echoed them, and they came back
    // replaced.
    let query_get = &results[0]["output"];
    assert_eq!(query_get["args"]["api_key"], "***", "{out}");
    assert_eq!(query_get["args"]["page"], "2", "{out}");
    assert!(
        query_get["url"]
            .as_str()
            .is_some_and(|u| u.contains("api_key=***")),
        "{out}"
    );
    assert_eq!(results[5]["output"]["headers"]["X-Api-Key"], "***", "{out}");
    assert_eq!(
        results[10]["output"]["headers"]["Authorization"], "***",
        "{out}"
    );
    assert_eq!(
        results[15]["output"]["headers"]["Authorization"], "***",
        "{out}"
    );
    for (i, r) in results.iter().enumerate() {
        let expect = if matches!(i % 5, 2 | 3) {
            "error"
        } else {
            "success"
        };
        assert_eq!(r["status"], expect, "action {i}: {r}");
    }
    let logs = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), runner)
        .await;
    seen.push(logs.to_string());
    // The runner does not own the wizard: the logs show no request or response at all.
    let text = logs.to_string();
    assert!(
        !text.contains("\"input\"") && !text.contains("\"output\""),
        "{text}"
    );

    // The configuration test and direct calls, including a timeout.
    for (_, id) in &configs {
        for path in ["/anything?x=1", "/status/500", "/redirect-to?url=/anything"] {
            seen.push(test_call(&app, &a.builder, id, path).await.to_string());
        }
        let err = call(
            &app,
            &wid,
            Some(id),
            json!({"url": "/delay/3"}),
            Duration::from_millis(300),
        )
        .await
        .expect_err("timeout");
        seen.push(format!("{err:?} {err}"));
    }

    let secrets: Vec<String> = [qkey, hkey, token, password]
        .iter()
        .flat_map(|s| encodings(s))
        .chain([base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("ann:{password}"),
        )])
        .collect();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_no_leak(&app, &secrets, &seen).await;
}

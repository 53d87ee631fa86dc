//! Test harness: `spawn_app` starts the real router on 127.0.0.1:0 against a fresh
//! database — a new SQLite file, or a new database on the throwaway PostgreSQL server
//! that `scripts/test` starts (its URL in `WP_TEST_POSTGRES_URL`).

pub mod contract;
pub mod logs;

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::{Secret, Settings};
use sqlx::Connection;
use wizard_core::backend::state::AppState;

pub const SECRET: &str = "test-secret-key-that-is-long-enough-0123456789";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub settings: Settings,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _tmp: Option<tempfile::TempDir>,
}

/// Creates a fresh, empty database and returns its URL.
async fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite:{}", dir.join("test.db").display()),
        Backend::Postgres => {
            let admin = std::env::var("WP_TEST_POSTGRES_URL").expect(
                "WP_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL",
            );
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
    }
}

pub fn test_settings(data_dir: PathBuf, database_url: String) -> Settings {
    Settings {
        data_dir,
        database_url: Some(Secret::new(database_url)),
        secret_key: Some(Secret::new(SECRET)),
        login_attempts_per_minute: 5,
        login_burst: 5,
        db_max_connections: 5,
        log_level: "warn".into(),
        ..Settings::default()
    }
}

pub fn leptos_options() -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder()
        .output_name("wizard-platform")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build()
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(backend, tmp.path()).await;
    let settings = test_settings(tmp.path().to_path_buf(), url);
    let mut app = spawn_with(settings).await;
    app._tmp = Some(tmp);
    app
}

/// Starts a server with exactly these settings (e.g. to restart on the same data).
pub async fn spawn_with(settings: Settings) -> TestApp {
    logs::capture();
    let state = server::build_state(&settings).await.expect("build state");
    let router = server::router(state.clone(), leptos_options());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        server::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client"),
        state,
        settings,
        shutdown: Some(tx),
        server: Some(server),
        _tmp: None,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Graceful stop; the data directory is kept (see `take_tmp`).
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
        self.state.db.pool.close().await;
        self._tmp.take()
    }

    /// Requests are built eagerly, so the returned futures borrow nothing and can be joined.
    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> impl std::future::Future<Output = reqwest::Response> + use<> {
        let (name, path) = (method.to_string(), path.to_owned());
        let mut req = self.client.request(method, self.url(&path));
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { contract::conform(&name, &path, req.send().await.expect("request")).await }
    }

    pub fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> impl std::future::Future<Output = reqwest::Response> + use<> {
        self.send(reqwest::Method::POST, path, Some(body), token)
    }

    pub fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> impl std::future::Future<Output = reqwest::Response> + use<> {
        self.send(reqwest::Method::GET, path, None, token)
    }

    /// GETs `path` and parses the body as JSON.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        self.get(path, token).await.json().await.expect("JSON body")
    }

    pub fn patch_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> impl std::future::Future<Output = reqwest::Response> + use<> {
        self.send(reqwest::Method::PATCH, path, Some(body), token)
    }

    pub fn put_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> impl std::future::Future<Output = reqwest::Response> + use<> {
        self.send(reqwest::Method::PUT, path, Some(body), token)
    }

    /// A request that must succeed: `app.call(Method::POST, path).body(&json).by(token)
    /// .expect(201).await` gives the JSON body; `.expect_as::<T>(200)` reads it as a
    /// domain type.
    pub fn call(&self, method: reqwest::Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            body: None,
            token: None,
        }
    }

    /// Sends a request that must fail, and checks its problem response (see `assert_problem`).
    pub async fn expect_problem(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
        status: u16,
        field: Option<&str>,
    ) -> Value {
        assert_problem(self.send(method, path, body, token).await, status, field).await
    }

    /// Registers an account and returns (user JSON, bearer token).
    pub async fn register(&self, email: &str) -> (Value, String) {
        let resp = self
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": email, "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(resp.status(), StatusCode::CREATED, "register {email}");
        let body: Value = resp.json().await.expect("json");
        let token = body["token"].as_str().expect("token").to_owned();
        (body["user"].clone(), token)
    }
}

/// Asserts a problem response: status, content type, and (if given) the field named.
pub async fn assert_problem(resp: reqwest::Response, status: u16, field: Option<&str>) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(ct, "application/problem+json", "content type");
    let body: Value = resp.json().await.expect("problem json");
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/"))
    );
    assert!(body["title"].is_string());
    if let Some(field) = field {
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field),
            "expected an error on `{field}`, got {body}"
        );
    }
    body
}

/// Runs each listed `async fn(TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::spawn_app($crate::common::Backend::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::spawn_app($crate::common::Backend::Postgres).await).await
                }
            }
        )*
    };
}

/// A request being built by [`TestApp::call`].
pub struct Call<'a> {
    app: &'a TestApp,
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
    token: Option<String>,
}

impl Call<'_> {
    pub fn body(mut self, body: &Value) -> Self {
        self.body = Some(body.clone());
        self
    }

    /// Sent as this user's bearer token (`None`: anonymous).
    pub fn by<'t>(mut self, token: impl Into<Option<&'t str>>) -> Self {
        self.token = token.into().map(str::to_owned);
        self
    }

    /// Sends the request; it must answer `status`. Returns the JSON body (`null` when empty).
    pub async fn expect(self, status: u16) -> Value {
        let resp = self
            .app
            .send(
                self.method.clone(),
                &self.path,
                self.body.as_ref(),
                self.token.as_deref(),
            )
            .await;
        let got = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let (method, path) = (&self.method, &self.path);
        assert_eq!(got, status, "{method} {path} answered {got}: {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        }
    }

    /// [`Call::expect`], read as `T` (the response must have `T`'s shape).
    pub async fn expect_as<T: serde::de::DeserializeOwned>(self, status: u16) -> T {
        let what = format!("{} {}", self.method, self.path);
        let body = self.expect(status).await;
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{what}: unexpected body: {e}"))
    }
}

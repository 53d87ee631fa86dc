//! The browser side without JavaScript: form posts, redirects, cookies and server-rendered
//! pages; plus restarts on the same data.

use crate::common;

use common::{Backend, PASSWORD, TestApp, spawn_app, spawn_with};
use serde_json::Value;

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap()
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn session_cookie(resp: &reqwest::Response) -> String {
    let c = resp
        .headers()
        .get("set-cookie")
        .expect("set-cookie")
        .to_str()
        .unwrap();
    c.split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_sign_out_and_sign_in_with_plain_forms() {
    let app = spawn_app(Backend::Sqlite).await;

    let resp = post_form(
        &app,
        "/auth/register",
        &[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("display_name", "Ada L"),
            ("next", "/admin"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/admin");
    let admin_cookie = session_cookie(&resp);

    // The server-rendered layout knows the user and shows Admin to an admin.
    let (status, html) = page(&app, "/", Some(&admin_cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ada L"), "name in the header");
    assert!(html.contains(r#"href="/admin""#), "admin link for admins");
    assert!(
        html.contains("Bug report") && html.contains(r#"data-testid="template-card""#),
        "the seeded templates are rendered on the server"
    );
    let (_, admin_html) = page(&app, "/admin", Some(&admin_cookie)).await;
    assert!(
        admin_html.contains("ada@example.com"),
        "user table rendered on the server"
    );

    let resp = post_form(
        &app,
        "/auth/register",
        &[("email", "bob@example.com"), ("password", PASSWORD)],
    )
    .await;
    let bob_cookie = session_cookie(&resp);
    assert_eq!(location(&resp), "/");
    let (_, html) = page(&app, "/", Some(&bob_cookie)).await;
    assert!(html.contains("bob"));
    assert!(
        !html.contains(r#"href="/admin""#),
        "no admin link for builders"
    );
    // And the admin page itself refuses him, whatever the menu shows.
    let (_, html) = page(&app, "/admin", Some(&bob_cookie)).await;
    assert!(!html.contains("ada@example.com"));
    assert!(html.contains("needs the admin role"));

    // Sign out clears the cookie and revokes the session.
    let out = app
        .client
        .post(app.url("/auth/logout"))
        .header("cookie", &bob_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/login");
    assert!(
        out.headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let me = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &bob_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
    let (_, html) = page(&app, "/", Some(&bob_cookie)).await;
    assert!(
        html.contains(r#"href="/login""#),
        "signed-out header offers sign in"
    );

    // Sign in again; an off-site `next` is ignored.
    let resp = post_form(
        &app,
        "/auth/login",
        &[
            ("email", "bob@example.com"),
            ("password", PASSWORD),
            ("next", "//evil.example/x"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/");
    let me = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", session_cookie(&resp))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    app.register("ada@example.com").await;
    let body = serde_urlencoded::to_string([("email", "ada@example.com"), ("password", PASSWORD)])
        .unwrap();
    let post = |headers: &[(&str, &str)]| {
        let mut req = app
            .client
            .post(app.url("/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
    ] {
        let resp = post(&headers).await.unwrap();
        assert_eq!(resp.status(), 403, "{headers:?}");
        assert!(resp.headers().get("set-cookie").is_none());
    }
    let host = app.base.trim_start_matches("http://").to_owned();
    let origin = app.base.clone();
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("origin", origin.as_str()), ("host", host.as_str())],
    ] {
        let resp = post(&headers).await.unwrap();
        assert_eq!(resp.status(), 303, "{headers:?}");
        assert!(resp.headers().get("set-cookie").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_errors_come_back_per_field_and_keep_the_email() {
    let app = spawn_app(Backend::Sqlite).await;
    let resp = post_form(
        &app,
        "/auth/register",
        &[("email", "not-an-email"), ("password", "short")],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let loc = location(&resp);
    assert!(loc.starts_with("/register?"));
    assert!(resp.headers().get("set-cookie").is_none());
    assert!(!loc.contains("short"), "the password is never echoed");

    // The page renders both messages next to their fields and keeps the email.
    let (status, html) = page(&app, &loc, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("is not an email address"));
    assert!(html.contains("at least 10 characters"));
    assert!(html.contains(r#"value="not-an-email""#));
    assert!(html.contains(r#"aria-invalid="true""#));

    let resp = post_form(
        &app,
        "/auth/login",
        &[("email", "nobody@example.com"), ("password", PASSWORD)],
    )
    .await;
    let (_, html) = page(&app, &location(&resp), None).await;
    assert!(html.contains("email or password is not right"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_pages_prompt_for_sign_in_and_unknown_pages_are_404() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, html) = page(&app, "/runs", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sign in to continue"));
    assert!(html.contains("/login?next=/runs"));
    let resp = app.client.get(app.url("/login")).send().await.unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(
            resp.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name}"
        );
    }
    let (status, html) = page(&app, "/no/such/page", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    // A forged cookie reads as signed out, not as an error page.
    let (status, html) = page(&app, "/", Some("wp_session=forged")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"href="/login""#));
}

async fn restart_keeps_accounts_and_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.register("ada@example.com").await;
    let settings = app.settings.clone();
    let tmp = app.stop().await;

    // Same data, new process state: migrations are idempotent, the account and its
    // session survive.
    let app = spawn_with(settings).await;
    let me: Value = app.get_json("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["role"], "admin");
    let (second, _) = app.register("bob@example.com").await;
    assert_eq!(second["role"], "builder");
    drop(tmp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_accounts_and_sessions_sqlite() {
    restart_keeps_accounts_and_sessions(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_accounts_and_sessions_postgres() {
    restart_keeps_accounts_and_sessions(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_configuration_start_creates_database_and_private_key() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let settings = server::config::Settings {
        data_dir: data.clone(),
        ..Default::default()
    };
    let app = spawn_with(settings.clone()).await;
    assert!(
        data.join("wizard.db").exists(),
        "SQLite file created in the data dir"
    );
    let key = data.join("secret.key");
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode, 0o600, "the key file is private");
    let (_, token) = app.register("ada@example.com").await;
    app.stop().await;
    // The key is reused on the next start, so sessions survive restarts.
    let app = spawn_with(settings).await;
    assert_eq!(app.get("/api/v1/auth/me", Some(&token)).await.status(), 200);
}

//! Accounts over the REST API: registration, sign-in, sessions, roles, rate limiting,
//! and every kind of bad input. Each test runs on SQLite and on PostgreSQL.

use crate::common;

use common::{PASSWORD, SECRET, TestApp, assert_problem};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    first_account_is_admin_and_later_ones_are_builders,
    registration_refuses_bad_input_field_by_field,
    sign_in_sign_out_and_bearer_tokens,
    expired_forged_and_malformed_tokens_are_401,
    admin_lists_users_and_changes_roles,
    role_changes_use_optimistic_concurrency,
    sign_in_is_rate_limited_with_retry_after,
    health_and_unknown_endpoints,
    concurrent_first_sign_ups_make_exactly_one_admin,
    the_contract_check_catches_a_drifting_response,
);

async fn first_account_is_admin_and_later_ones_are_builders(app: TestApp) {
    let resp = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "Ada@Example.com", "password": PASSWORD, "display_name": "Ada"}),
            None,
        )
        .await;
    assert_eq!(resp.status(), 201);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("session cookie")
        .to_owned();
    assert!(cookie.starts_with("wp_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["user"]["email"], "ada@example.com",
        "email is normalized"
    );
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"].get("password_hash").is_none());
    assert!(!body.to_string().contains(PASSWORD));

    let (second, token) = app.register("grace@example.com").await;
    assert_eq!(second["role"], "builder");
    assert_eq!(second["display_name"], "grace");

    let me: Value = app.get_json("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(me["email"], "grace@example.com");

    // The password is stored as an argon2id hash, never in clear.
    let row = wizard_core::backend::db::users::by_email(&app.state.db, "grace@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(row.password_hash.starts_with("$argon2id$"));
}

async fn registration_refuses_bad_input_field_by_field(app: TestApp) {
    let raw = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let p = assert_problem(
        raw(r#"{"email": "a@b.co", "password": "#).await.unwrap(),
        400,
        None,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("not valid JSON"));
    assert_problem(
        raw(r#"{"password": "long enough pw"}"#).await.unwrap(),
        422,
        Some("email"),
    )
    .await;
    assert_problem(
        raw(r#"{"email": "a@b.co"}"#).await.unwrap(),
        422,
        Some("password"),
    )
    .await;
    assert_problem(
        raw(r#"{"email": 42, "password": "long enough pw"}"#)
            .await
            .unwrap(),
        422,
        Some("email"),
    )
    .await;
    assert_problem(raw(r#"[1,2]"#).await.unwrap(), 422, None).await;

    let not_json = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "text/plain")
        .body("email=a@b.co")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 415, None).await;
    let huge = format!(
        r#"{{"email": "a@b.co", "password": "{}"}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    // On its own connection: the server answers 413 without reading the body and closes
    // the connection, which a pooled client would otherwise try to reuse for the next
    // request (seen as a rare `IncompleteMessage`).
    let too_big = reqwest::Client::new()
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(too_big, 413, None).await;

    let p = app
        .expect_problem(
            Method::POST,
            "/api/v1/auth/register",
            Some(&json!({"email": "not-an-email", "password": PASSWORD})),
            None,
            422,
            Some("email"),
        )
        .await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 1);
    app.expect_problem(
        Method::POST,
        "/api/v1/auth/register",
        Some(&json!({"email": "a@example.com", "password": "short"})),
        None,
        422,
        Some("password"),
    )
    .await;
    // `name` is not a member (`display_name` is): refused by name, not silently dropped.
    app.expect_problem(
        Method::POST,
        "/api/v1/auth/register",
        Some(&json!({"email": "b@example.com", "password": PASSWORD, "name": "Bea"})),
        None,
        422,
        Some("name"),
    )
    .await;
    // All problems at once.
    let p = app
        .expect_problem(
            Method::POST,
            "/api/v1/auth/register",
            Some(&json!({"email": "x", "password": "y"})),
            None,
            422,
            Some("email"),
        )
        .await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);

    app.register("dup@example.com").await;
    app.expect_problem(
        Method::POST,
        "/api/v1/auth/register",
        Some(&json!({"email": "DUP@example.com", "password": PASSWORD})),
        None,
        409,
        Some("email"),
    )
    .await;
}

async fn sign_in_sign_out_and_bearer_tokens(app: TestApp) {
    app.register("ada@example.com").await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ada@example.com", "password": "wrong password"}),
            None,
        )
        .await;
    let wrong = assert_problem(wrong, 401, None).await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    let unknown = assert_problem(unknown, 401, None).await;
    assert_eq!(
        wrong["detail"], unknown["detail"],
        "no hint which emails exist"
    );
    app.expect_problem(
        Method::POST,
        "/api/v1/auth/login",
        Some(&json!({"email": "", "password": ""})),
        None,
        422,
        Some("password"),
    )
    .await;

    let resp = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": " ADA@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(resp.status(), 200);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let token = resp.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // The cookie alone authenticates a browser.
    let cookie_pair = cookie.split(';').next().unwrap().to_owned();
    let me = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie_pair)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    app.expect_problem(Method::GET, "/api/v1/auth/me", None, None, 401, None)
        .await;

    let out = app
        .post_json("/api/v1/auth/logout", &json!({}), Some(&token))
        .await;
    assert_eq!(out.status(), 204);
    let cleared = out.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"));
    let p = app
        .expect_problem(
            Method::GET,
            "/api/v1/auth/me",
            None,
            Some(&token),
            401,
            None,
        )
        .await;
    assert!(p["detail"].as_str().unwrap().contains("signed out"));
    // Another session of the same user is unaffected.
    let other = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ada@example.com", "password": PASSWORD}),
            None,
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        app.get("/api/v1/auth/me", other["token"].as_str())
            .await
            .status(),
        200
    );
}

fn forge(secret: &str, sub: &str, exp_offset: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"sub": sub, "jti": "x", "iat": now, "exp": now + exp_offset}),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn expired_forged_and_malformed_tokens_are_401(app: TestApp) {
    let (user, _) = app.register("ada@example.com").await;
    let id = user["id"].as_str().unwrap();
    // Same key, expired an hour ago.
    let p = app
        .expect_problem(
            Method::GET,
            "/api/v1/auth/me",
            None,
            Some(&forge(SECRET, id, -3600)),
            401,
            None,
        )
        .await;
    assert!(p["detail"].as_str().unwrap().contains("expired"));
    // Valid shape, wrong key.
    let other_key = "another-secret-key-of-sufficient-length-000000";
    app.expect_problem(
        Method::GET,
        "/api/v1/auth/me",
        None,
        Some(&forge(other_key, id, 3600)),
        401,
        None,
    )
    .await;
    // Right key, but alg=none style tampering: flip the payload.
    let good = forge(SECRET, id, 3600);
    let mut parts: Vec<&str> = good.split('.').collect();
    parts[1] = "eyJzdWIiOiJhZG1pbiJ9";
    app.expect_problem(
        Method::GET,
        "/api/v1/auth/me",
        None,
        Some(&parts.join(".")),
        401,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/auth/me",
        None,
        Some("garbage"),
        401,
        None,
    )
    .await;
    // A token for an account that does not exist.
    app.expect_problem(
        Method::GET,
        "/api/v1/auth/me",
        None,
        Some(&forge(SECRET, "nobody", 3600)),
        401,
        None,
    )
    .await;
    // Not a Bearer header at all.
    let basic = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401, None).await;
    // The genuine token still works.
    assert_eq!(app.get("/api/v1/auth/me", Some(&good)).await.status(), 200);
}

async fn admin_lists_users_and_changes_roles(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    let (bob, bob_token) = app.register("bob@example.com").await;

    app.expect_problem(Method::GET, "/api/v1/users", None, None, 401, None)
        .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/users",
        None,
        Some(&bob_token),
        403,
        None,
    )
    .await;
    let users: Value = app.get_json("/api/v1/users", Some(&admin)).await;
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["admin@example.com", "bob@example.com"]);

    let bob_id = bob["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{bob_id}/role");
    // A builder cannot promote itself.
    app.expect_problem(
        Method::PATCH,
        &path,
        Some(&json!({"role": "admin", "version": 1})),
        Some(&bob_token),
        403,
        None,
    )
    .await;
    app.expect_problem(
        Method::PATCH,
        &path,
        Some(&json!({"role": "root", "version": 1})),
        Some(&admin),
        422,
        Some("role"),
    )
    .await;
    // Unknown members are refused by name, as on every other endpoint (issue 10 §4).
    app.expect_problem(
        Method::PATCH,
        &path,
        Some(&json!({"role": "runner", "version": 1, "reason": "x"})),
        Some(&admin),
        422,
        Some("reason"),
    )
    .await;
    app.expect_problem(
        Method::PATCH,
        &path,
        Some(&json!({"role": "admin"})),
        Some(&admin),
        422,
        Some("version"),
    )
    .await;
    app.expect_problem(
        Method::PATCH,
        "/api/v1/users/nope/role",
        Some(&json!({"role": "admin", "version": 1})),
        Some(&admin),
        422,
        Some("id"),
    )
    .await;
    // A well-formed id of nobody is not found; a version below 1 is malformed, not stale.
    app.expect_problem(
        Method::PATCH,
        &format!("/api/v1/users/{}/role", uuid::Uuid::new_v4()),
        Some(&json!({"role": "admin", "version": 1})),
        Some(&admin),
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::PATCH,
        &path,
        Some(&json!({"role": "admin", "version": -1})),
        Some(&admin),
        422,
        Some("version"),
    )
    .await;

    let resp = app
        .patch_json(&path, &json!({"role": "admin", "version": 1}), Some(&admin))
        .await;
    assert_eq!(resp.status(), 200);
    let updated: Value = resp.json().await.unwrap();
    assert_eq!(updated["role"], "admin");
    assert_eq!(updated["version"], 2);
    // Takes effect at once on bob's existing token.
    assert_eq!(
        app.get("/api/v1/users", Some(&bob_token)).await.status(),
        200
    );

    // Demote back to runner, then bob loses access again.
    let resp = app
        .patch_json(
            &path,
            &json!({"role": "runner", "version": 2}),
            Some(&admin),
        )
        .await;
    assert_eq!(resp.status(), 200);
    app.expect_problem(
        Method::GET,
        "/api/v1/users",
        None,
        Some(&bob_token),
        403,
        None,
    )
    .await;

    // The last admin cannot be demoted.
    let me: Value = app.get_json("/api/v1/auth/me", Some(&admin)).await;
    let p = app
        .expect_problem(
            Method::PATCH,
            &format!("/api/v1/users/{}/role", me["id"].as_str().unwrap()),
            Some(&json!({"role": "builder", "version": me["version"]})),
            Some(&admin),
            409,
            Some("role"),
        )
        .await;
    assert!(p["detail"].as_str().unwrap().contains("last admin"));
}

async fn role_changes_use_optimistic_concurrency(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    let (carol, _) = app.register("carol@example.com").await;
    let path = format!("/api/v1/users/{}/role", carol["id"].as_str().unwrap());
    // Two admins editing from the same version: one wins, the other gets 409, never a lost update.
    let (a, b) = tokio::join!(
        app.patch_json(
            &path,
            &json!({"role": "runner", "version": 1}),
            Some(&admin)
        ),
        app.patch_json(&path, &json!({"role": "admin", "version": 1}), Some(&admin)),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let stale = app
        .patch_json(
            &path,
            &json!({"role": "builder", "version": 1}),
            Some(&admin),
        )
        .await;
    assert_problem(stale, 409, Some("version")).await;
    let users: Value = app.get_json("/api/v1/users", Some(&admin)).await;
    assert_eq!(users[1]["version"], 2);
}

async fn sign_in_is_rate_limited_with_retry_after(app: TestApp) {
    app.register("ada@example.com").await;
    // The test server allows a burst of 5 attempts per minute per address.
    for _ in 0..5 {
        let r = app
            .post_json(
                "/api/v1/auth/login",
                &json!({"email": "ada@example.com", "password": "wrong password"}),
                None,
            )
            .await;
        assert_eq!(r.status(), 401);
    }
    let limited = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ada@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!((1..=60).contains(&retry_after));
    assert_problem(limited, 429, None).await;
    // Registration and authenticated calls are not throttled by sign-in attempts.
    app.register("grace@example.com").await;
}

async fn health_and_unknown_endpoints(app: TestApp) {
    let health = app.get("/api/v1/health", None).await;
    assert_eq!(health.status(), 200);
    let body: Value = health.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    app.expect_problem(Method::GET, "/api/v1/no-such-thing", None, None, 404, None)
        .await;

    let p = app
        .expect_problem(Method::GET, "/api/v1/auth/login", None, None, 405, None)
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("GET is not supported")
    );
    let doc: Value = app.get_json("/api/v1/openapi.json", None).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/users",
        "/api/v1/users/{id}/role",
        "/api/v1/health",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    for schema in [
        "Problem",
        "FieldError",
        "UserView",
        "RegisterRequest",
        "SessionResponse",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing from OpenAPI"
        );
    }

    // After the database goes away, health says so with 503 instead of lying.
    app.state.db.pool.close().await;
    app.expect_problem(Method::GET, "/api/v1/health", None, None, 503, None)
        .await;
}

async fn concurrent_first_sign_ups_make_exactly_one_admin(app: TestApp) {
    let futures = (0..6).map(|i| {
        app.post_json(
            "/api/v1/auth/register",
            &json!({"email": format!("user{i}@example.com"), "password": PASSWORD}),
            None,
        )
    });
    let responses = futures::future::join_all(futures).await;
    let mut admins = 0;
    for r in responses {
        assert_eq!(r.status(), 201);
        let body: Value = r.json().await.unwrap();
        if body["user"]["role"] == "admin" {
            admins += 1;
        }
    }
    assert_eq!(admins, 1);
}

/// The harness checks every response against the served document (`common::contract`);
/// this shows the check is not vacuous: a real body passes, and each kind of drift fails.
async fn the_contract_check_catches_a_drifting_response(app: TestApp) {
    use common::contract::check;
    let (_, token) = app.register("drift@example.com").await;
    let me: Value = app.get_json("/api/v1/auth/me", Some(&token)).await;
    let as_sent = |v: &Value| serde_json::to_vec(v).expect("JSON");
    let me_path = "/api/v1/auth/me";
    assert_eq!(
        check("GET", me_path, 200, "application/json", &as_sent(&me)),
        Ok(())
    );

    // A Rust variant name where the wire has its own (issue 10 §3).
    let mut renamed = me.clone();
    renamed["role"] = json!("Admin");
    let err = check("GET", me_path, 200, "application/json", &as_sent(&renamed)).unwrap_err();
    assert!(err.contains("/role"), "{err}");
    // A member the document requires, missing.
    let mut missing = me.clone();
    missing.as_object_mut().expect("object").remove("email");
    let err = check("GET", me_path, 200, "application/json", &as_sent(&missing)).unwrap_err();
    assert!(err.contains("email"), "{err}");
    // A status the operation does not list, and a JSON body sent as text.
    assert!(check("GET", me_path, 418, "application/json", b"{}").is_err());
    assert!(check("GET", me_path, 200, "text/plain", &as_sent(&me)).is_err());
    // Path parameters match any segment; the most literal template wins.
    let templates = "/api/v1/templates";
    assert!(check("GET", templates, 200, "application/json", b"[]").is_ok());
    assert!(check("GET", templates, 200, "application/json", b"{}").is_err());
}

//! "Generate with AI" for library actions (issue 14, third slice), against a stub language
//! model served here on 127.0.0.1 that speaks the OpenAI chat-completions and the Anthropic
//! Messages wire formats. The stub picks its canned reply from the first path segment of the
//! base URL the admin configured (`http://127.0.0.1:port/<case>`), and records what it was
//! asked. Each test runs on SQLite and on PostgreSQL.
//!
//! When `WP_TEST_LLM_URL` names a real OpenAI-compatible server (`WP_TEST_LLM_MODEL`, and
//! `WP_TEST_LLM_KEY` if it needs one), one more test asks it for a child action.

use crate::{common, support};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    generation_proposes_checked_code_and_accepting_it_syncs_the_params_for_review,
    unusable_replies_are_refused_with_a_reason_and_change_nothing,
    anthropic_replies_are_read_and_settings_keep_the_key_secret,
);

const BASE: &str = "/api/v1/library/actions";
const KEY: &str = "sk-test-7f3Kq9Zr2Lp";

// ---------------------------------------------------------------------------------------
// The stub model.

#[derive(Default)]
struct Asked {
    /// (case, headers as lower-case "name: value" lines, body).
    requests: Mutex<Vec<(String, String, Value)>>,
}

struct Model {
    peer: support::Peer,
    asked: Arc<Asked>,
}

impl Model {
    async fn start() -> Self {
        let asked = Arc::new(Asked::default());
        let router = axum::Router::new()
            .route("/{case}/chat/completions", axum::routing::post(openai))
            .route("/{case}/v1/messages", axum::routing::post(anthropic))
            .with_state(asked.clone());
        let peer = support::Peer::serve(router).await;
        Self { peer, asked }
    }

    fn base(&self, case: &str) -> String {
        format!("{}/{case}", self.peer.base())
    }

    fn last(&self) -> (String, String, Value) {
        self.asked
            .requests
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("the model was asked")
    }
}

fn good_params() -> Value {
    json!([
        {"name": "Company", "type": "string", "required": true, "description": "Company name"},
        {"name": "LastName", "type": "string", "required": true},
        {"name": "Email", "type": "string"},
        {"name": "Rating", "type": "string", "default": "Warm"},
        {"name": "Id", "type": "string", "direction": "output"}
    ])
}

fn good_code() -> &'static str {
    "const p = context.params;\nconst r = await runAction(\"Call Salesforce API\", {Action: 'create', ObjectType: 'Lead', Data: {Company: p.Company, LastName: p.LastName, Email: p.Email, Rating: p.Rating}});\nreturn {Id: r.id};"
}

/// The second answer: `Email` renamed `EmailAddress`, `Rating` dropped, `Phone` added, the
/// order changed, `LastName` no longer required.
fn second_reply() -> String {
    json!({
        "code": "const p = context.params;\nconst r = await runAction(\"Call Salesforce API\", {Action: 'create', ObjectType: 'Lead', Data: {Company: p.Company, LastName: p.LastName, Email: p.EmailAddress, Phone: p.Phone}});\nreturn {Id: r.id};",
        "params": [
            {"name": "LastName", "type": "string"},
            {"name": "Company", "type": "string", "required": true, "description": "Company name"},
            {"name": "EmailAddress", "type": "string"},
            {"name": "Phone", "type": "string"},
            {"name": "Id", "type": "string", "direction": "output"}
        ]
    })
    .to_string()
}

/// The model's text for each case, or its HTTP failure.
async fn reply_for(case: &str) -> Result<String, (StatusCode, Value)> {
    let good = json!({"code": good_code(), "params": good_params()}).to_string();
    Ok(match case {
        "good" | "anthropic" => good,
        "second" => second_reply(),
        "fenced" => format!("```json\n{good}\n```"),
        "prose" => format!(
            "Sure! Below is the action {{as requested}}.\n\n{good}\n\nIt calls its parent by name."
        ),
        "malformed" => good[..good.len() / 2].to_owned(),
        "noparams" => json!({"code": good_code()}).to_string(),
        "badtype" => {
            json!({"code": "return 1;", "params": [{"name": "When", "type": "timestamp"}]})
                .to_string()
        }
        "nocompile" => json!({"code": "return {;", "params": []}).to_string(),
        "empty" => String::new(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            good
        }
        "fail" => {
            return Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": {"message": "the model is overloaded"}}),
            ));
        }
        other => panic!("no case {other}"),
    })
}

fn header_lines(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(k, v)| format!("{}: {}", k.as_str(), v.to_str().unwrap_or("?")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records the request, then answers the case's text in the wire format `shape` gives it.
async fn answer(
    asked: &Asked,
    case: String,
    headers: &HeaderMap,
    body: Value,
    shape: fn(String) -> Value,
) -> axum::response::Response {
    asked
        .requests
        .lock()
        .expect("lock")
        .push((case.clone(), header_lines(headers), body));
    match reply_for(&case).await {
        Ok(text) => axum::Json(shape(text)).into_response(),
        Err((status, body)) => (status, axum::Json(body)).into_response(),
    }
}

async fn openai(
    State(asked): State<Arc<Asked>>,
    Path(case): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> axum::response::Response {
    answer(&asked, case, &headers, body, |text| {
        json!({
            "id": "chatcmpl-1", "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}]
        })
    })
    .await
}

async fn anthropic(
    State(asked): State<Arc<Asked>>,
    Path(case): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> axum::response::Response {
    answer(&asked, case, &headers, body, |text| {
        json!({
            "id": "msg_1", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn"
        })
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Helpers.

struct Setup {
    admin: String,
    builder: String,
    /// The builder's "Create Lead" (kind generated, child of "Call Salesforce API").
    action: Value,
}

async fn setup(app: &TestApp) -> Setup {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    app.call(Method::POST, "/api/v1/admin/outbound-allowlist")
        .body(&json!({"pattern": "127.0.0.1", "note": "the stub model"}))
        .by(admin.as_str())
        .expect(201)
        .await;
    let list = app
        .get_json(&format!("{BASE}?search=Call%20Salesforce"), Some(&builder))
        .await;
    let parent = list
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["name"] == "Call Salesforce API")
        .unwrap_or_else(|| panic!("the seeded parent in {list}"))["id"]
        .clone();
    let action = app
        .call(Method::POST, BASE)
        .body(&json!({
            "name": "Create Lead", "description": "Creates a Salesforce lead",
            "kind": "generated", "parent_id": parent, "code": "", "params": []
        }))
        .by(builder.as_str())
        .expect(201)
        .await;
    assert_eq!(action["code_status"], "draft");
    Setup {
        admin,
        builder,
        action,
    }
}

async fn configure(app: &TestApp, admin: &str, provider: &str, base_url: &str, timeout_ms: u64) {
    app.call(Method::PUT, "/api/v1/admin/llm")
        .body(
            &json!({"provider": provider, "base_url": base_url, "model": "coder-1",
                      "api_key": KEY, "timeout_ms": timeout_ms}),
        )
        .by(admin)
        .expect(200)
        .await;
}

fn id_of(action: &Value) -> String {
    action["id"].as_str().expect("id").to_owned()
}

async fn generate(app: &TestApp, token: &str, action: &Value, status: u16) -> Value {
    app.call(Method::POST, &format!("{BASE}/{}/generate", id_of(action)))
        .body(&json!({"description": "Create a Salesforce Lead from a company, a last name and an email",
                      "version": action["version"]}))
        .by(token)
        .expect(status)
        .await
}

async fn current(app: &TestApp, token: &str, action: &Value) -> Value {
    app.get_json(&format!("{BASE}/{}", id_of(action)), Some(token))
        .await
}

async fn versions(app: &TestApp, token: &str, action: &Value) -> Vec<Value> {
    app.get_json(
        &format!("{BASE}/{}/code-versions", id_of(action)),
        Some(token),
    )
    .await
    .as_array()
    .expect("versions")
    .clone()
}

async fn accept(app: &TestApp, token: &str, action: &Value, number: i64) -> Value {
    app.call(
        Method::POST,
        &format!(
            "{BASE}/{}/code-versions/{number}/restore?version={}",
            id_of(action),
            action["version"]
        ),
    )
    .by(token)
    .expect(200)
    .await
}

fn names(params: &Value) -> Vec<String> {
    params
        .as_array()
        .expect("params")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect()
}

fn changes(view: &Value) -> Vec<String> {
    view["param_changes"]
        .as_array()
        .expect("param_changes")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["change"].as_str().expect("change"),
                c["name"].as_str().expect("name")
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Scenarios.

async fn generation_proposes_checked_code_and_accepting_it_syncs_the_params_for_review(
    app: TestApp,
) {
    let model = Model::start().await;
    let s = setup(&app).await;

    // No model configured: said so, nothing asked.
    let p = app
        .expect_problem(
            Method::POST,
            &format!("{BASE}/{}/generate", id_of(&s.action)),
            Some(&json!({"description": "anything", "version": s.action["version"]})),
            Some(&s.builder),
            409,
            None,
        )
        .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("no language model is configured"),
        "{p}"
    );

    configure(
        &app,
        &s.admin,
        "openai_compatible",
        &model.base("good"),
        10_000,
    )
    .await;
    let proposal = generate(&app, &s.builder, &s.action, 200).await;
    assert_eq!(proposal["reason"], "generated");
    assert_eq!(proposal["code"], good_code());
    assert_eq!(
        names(&proposal["params"]),
        ["Company", "LastName", "Email", "Rating", "Id"]
    );
    assert_eq!(
        changes(&proposal),
        [
            "added Company",
            "added LastName",
            "added Email",
            "added Rating",
            "added Id"
        ]
    );
    assert!(
        proposal["code_diff"]
            .as_array()
            .expect("diff")
            .iter()
            .all(|l| l["tag"] == "added"),
        "{proposal}"
    );

    // What the model was asked: the child prompt names the parent to call by name, with
    // its parameters; the builder's words are the question; the key is the bearer token.
    let (_, headers, body) = model.last();
    assert!(
        headers.contains(&format!("authorization: Bearer {KEY}")),
        "{headers}"
    );
    assert_eq!(body["model"], "coder-1");
    let system = body["messages"][0]["content"].as_str().expect("system");
    assert!(
        system.contains("runAction(\"Call Salesforce API\""),
        "{system}"
    );
    assert!(
        system.contains("\"ObjectType\"") && system.contains("Create Lead"),
        "{system}"
    );
    assert_eq!(
        body["messages"][1]["content"],
        "Create a Salesforce Lead from a company, a last name and an email"
    );

    // A proposal changes nothing current.
    let before = current(&app, &s.builder, &s.action).await;
    assert_eq!(before["code"], "");
    assert_eq!(before["code_status"], "draft");
    assert_eq!(before["params"], json!([]));
    assert_eq!(before["version"], s.action["version"]);

    // Accepting syncs the params in the proposed order and puts the code up for review.
    let number = proposal["number"].as_i64().expect("number");
    let accepted = accept(&app, &s.builder, &before, number).await;
    assert_eq!(accepted["code"], good_code());
    assert_eq!(accepted["code_status"], "pending");
    assert_eq!(
        accepted["prompt"],
        "Create a Salesforce Lead from a company, a last name and an email"
    );
    assert_eq!(
        names(&accepted["params"]),
        ["Company", "LastName", "Email", "Rating", "Id"]
    );
    assert_eq!(accepted["params"][3]["default"], "Warm");
    let reasons: Vec<Value> = versions(&app, &s.builder, &s.action)
        .await
        .iter()
        .map(|v| v["reason"].clone())
        .collect();
    assert_eq!(
        reasons,
        [json!("accepted"), json!("generated"), json!("created")]
    );

    // Approved; a regeneration proposes renamed, added, removed and reordered params while
    // the approved code stays current and runnable.
    let approved = app
        .call(
            Method::POST,
            &format!("{BASE}/{}/approve", id_of(&s.action)),
        )
        .body(&json!({"version": accepted["version"]}))
        .by(s.admin.as_str())
        .expect(200)
        .await;
    assert_eq!(approved["code_status"], "approved");
    configure(
        &app,
        &s.admin,
        "openai_compatible",
        &model.base("second"),
        10_000,
    )
    .await;
    let second = generate(&app, &s.builder, &approved, 200).await;
    assert_eq!(second["reason"], "regenerated");
    assert_eq!(
        changes(&second),
        [
            "changed LastName",
            "unchanged Company",
            "added EmailAddress",
            "added Phone",
            "unchanged Id",
            "removed Email",
            "removed Rating"
        ]
    );
    let diff = second["code_diff"].as_array().expect("diff");
    assert!(diff.iter().any(|l| l["tag"] == "same"), "{second}");
    assert!(
        diff.iter()
            .any(|l| l["tag"] == "removed" && l["text"].as_str().expect("text").contains("Rating"))
    );
    let still = current(&app, &s.builder, &s.action).await;
    assert_eq!(still["code_status"], "approved");
    assert_eq!(still["code"], good_code());

    // Accepting the regeneration resets the approval; retired params are gone from the
    // action but kept in the version that declared them.
    let again = accept(
        &app,
        &s.builder,
        &still,
        second["number"].as_i64().expect("n"),
    )
    .await;
    assert_eq!(again["code_status"], "pending");
    assert_eq!(again["approved_by"], Value::Null);
    assert_eq!(
        names(&again["params"]),
        ["LastName", "Company", "EmailAddress", "Phone", "Id"]
    );
    assert_eq!(again["params"][0]["is_required"], false);
    let history = versions(&app, &s.builder, &s.action).await;
    let first_accept = history
        .iter()
        .find(|v| v["number"].as_i64() == Some(number + 1))
        .expect("the first accepted version");
    assert_eq!(
        names(&first_accept["params"]),
        ["Company", "LastName", "Email", "Rating", "Id"]
    );

    // Only the owner or an admin generates; actions without code have nothing to generate.
    let (_, other) = app.register("other@example.com").await;
    let shared = app
        .call(Method::PUT, &format!("{BASE}/{}", id_of(&s.action)))
        .body(&json!({"name": "Create Lead", "description": "Creates a Salesforce lead",
                      "kind": "generated", "parent_id": again["parent_id"], "code": again["code"],
                      "params": again["params"], "visibility": "shared", "version": again["version"]}))
        .by(s.builder.as_str())
        .expect(200)
        .await;
    generate(&app, &other, &shared, 403).await;
    let generic = app
        .get_json(&format!("{BASE}?search=Generic%20REST"), Some(&s.builder))
        .await[0]
        .clone();
    let generic = current(&app, &s.admin, &generic).await;
    let p = app
        .expect_problem(
            Method::POST,
            &format!("{BASE}/{}/generate", id_of(&generic)),
            Some(&json!({"description": "x", "version": generic["version"]})),
            Some(&s.admin),
            409,
            Some("kind"),
        )
        .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("nothing to generate"),
        "{p}"
    );
    app.expect_problem(
        Method::POST,
        &format!("{BASE}/{}/generate", id_of(&shared)),
        Some(&json!({"description": "  ", "version": shared["version"]})),
        Some(&s.builder),
        422,
        Some("description"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("{BASE}/{}/generate", id_of(&shared)),
        Some(&json!({"description": "x", "version": 1})),
        Some(&s.builder),
        409,
        None,
    )
    .await;
}

async fn unusable_replies_are_refused_with_a_reason_and_change_nothing(app: TestApp) {
    let model = Model::start().await;
    let s = setup(&app).await;
    let cases = [
        ("malformed", "holds no JSON object with `code` and `params`"),
        ("noparams", "lists no `params`"),
        ("badtype", "`When` has the unknown type `timestamp`"),
        ("nocompile", "the generated code does not compile"),
        ("empty", "empty reply"),
        ("slow", "did not answer within 1 s"),
        ("fail", "answered 500"),
    ];
    let versions_before = versions(&app, &s.builder, &s.action).await.len();
    for (case, expected) in cases {
        configure(
            &app,
            &s.admin,
            "openai_compatible",
            &model.base(case),
            1_000,
        )
        .await;
        let p = generate(&app, &s.builder, &s.action, 502).await;
        let detail = p["detail"].as_str().expect("detail");
        assert!(detail.contains(expected), "{case}: {detail}");
        assert!(detail.contains("nothing was changed"), "{case}: {detail}");
        let now = current(&app, &s.builder, &s.action).await;
        assert_eq!(now["version"], s.action["version"], "{case}");
        assert_eq!(now["code"], "", "{case}");
        assert_eq!(
            versions(&app, &s.builder, &s.action).await.len(),
            versions_before,
            "{case}"
        );
    }
    // The 500's body is quoted, the key never is.
    let p = generate(&app, &s.builder, &s.action, 502).await;
    assert!(
        p["detail"].as_str().expect("detail").contains("overloaded"),
        "{p}"
    );
    assert!(!p.to_string().contains(KEY));

    // Fenced and prose-wrapped answers are read like bare ones.
    for case in ["fenced", "prose"] {
        configure(
            &app,
            &s.admin,
            "openai_compatible",
            &model.base(case),
            10_000,
        )
        .await;
        let proposal = generate(&app, &s.builder, &s.action, 200).await;
        assert_eq!(proposal["code"], good_code(), "{case}");
        assert_eq!(
            names(&proposal["params"]),
            ["Company", "LastName", "Email", "Rating", "Id"]
        );
    }
}

async fn anthropic_replies_are_read_and_settings_keep_the_key_secret(app: TestApp) {
    let model = Model::start().await;
    let s = setup(&app).await;

    // Only admins see or change the settings; bad fields are named.
    app.expect_problem(
        Method::GET,
        "/api/v1/admin/llm",
        None,
        Some(&s.builder),
        403,
        None,
    )
    .await;
    let unset = app.get_json("/api/v1/admin/llm", Some(&s.admin)).await;
    assert_eq!(unset["configured"], false);
    for (body, field) in [
        (
            json!({"provider": "anthropic", "base_url": "api.anthropic.com", "model": "m"}),
            "base_url",
        ),
        (
            json!({"provider": "anthropic", "base_url": "https://api.anthropic.com", "model": ""}),
            "model",
        ),
        (
            json!({"provider": "anthropic", "base_url": "https://api.anthropic.com", "model": "m", "timeout_ms": 10}),
            "timeout_ms",
        ),
    ] {
        app.expect_problem(
            Method::PUT,
            "/api/v1/admin/llm",
            Some(&body),
            Some(&s.admin),
            422,
            Some(field),
        )
        .await;
    }

    configure(
        &app,
        &s.admin,
        "anthropic",
        &model.base("anthropic"),
        10_000,
    )
    .await;
    let view = app.get_json("/api/v1/admin/llm", Some(&s.admin)).await;
    assert_eq!(view["configured"], true);
    assert_eq!(view["provider"], "anthropic");
    assert_eq!(view["api_key_set"], true);
    assert!(!view.to_string().contains(KEY), "{view}");

    let proposal = generate(&app, &s.builder, &s.action, 200).await;
    assert_eq!(proposal["code"], good_code());
    let (_, headers, body) = model.last();
    assert!(headers.contains(&format!("x-api-key: {KEY}")), "{headers}");
    assert!(
        headers.contains("anthropic-version: 2023-06-01"),
        "{headers}"
    );
    assert!(!headers.contains("authorization"), "{headers}");
    assert!(
        body["system"]
            .as_str()
            .expect("system")
            .contains("Call Salesforce API")
    );
    assert_eq!(body["messages"][0]["role"], "user");
    assert!(body["max_tokens"].as_u64().is_some());

    // Saving without a key keeps it; clearing removes it; the key never reaches the logs.
    let kept = app
        .call(Method::PUT, "/api/v1/admin/llm")
        .body(&json!({"provider": "anthropic", "base_url": model.base("anthropic"), "model": "coder-2"}))
        .by(s.admin.as_str())
        .expect(200)
        .await;
    assert_eq!(kept["api_key_set"], true);
    assert_eq!(kept["model"], "coder-2");
    generate(&app, &s.builder, &s.action, 200).await;
    assert!(model.last().1.contains(&format!("x-api-key: {KEY}")));
    let cleared = app
        .call(Method::PUT, "/api/v1/admin/llm")
        .body(&json!({"provider": "anthropic", "base_url": model.base("anthropic"), "model": "coder-2", "clear_api_key": true}))
        .by(s.admin.as_str())
        .expect(200)
        .await;
    assert_eq!(cleared["api_key_set"], false);
    generate(&app, &s.builder, &s.action, 200).await;
    assert!(!model.last().1.contains("x-api-key"));
    assert!(!common::logs::captured().contains(KEY));

    app.call(Method::DELETE, "/api/v1/admin/llm")
        .by(s.admin.as_str())
        .expect(204)
        .await;
    assert_eq!(
        app.get_json("/api/v1/admin/llm", Some(&s.admin)).await["configured"],
        false
    );
    generate(&app, &s.builder, &s.action, 409).await;
}

/// With a real OpenAI-compatible server named by `WP_TEST_LLM_URL`: a child of "Call
/// Salesforce API" is either proposed with code that compiled, or refused with a reason.
#[tokio::test]
async fn a_real_model_writes_a_child_action_when_one_is_named() {
    let Ok(url) = std::env::var("WP_TEST_LLM_URL") else {
        eprintln!("WP_TEST_LLM_URL is not set: no real model to ask");
        return;
    };
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let s = setup(&app).await;
    let mut settings = json!({
        "provider": "openai_compatible", "base_url": url,
        "model": std::env::var("WP_TEST_LLM_MODEL").unwrap_or_else(|_| "default".into()),
        "timeout_ms": 300_000
    });
    if let Ok(key) = std::env::var("WP_TEST_LLM_KEY") {
        settings["api_key"] = json!(key);
    }
    app.call(Method::PUT, "/api/v1/admin/llm")
        .body(&settings)
        .by(s.admin.as_str())
        .expect(200)
        .await;
    let resp = app
        .send(
            Method::POST,
            &format!("{BASE}/{}/generate", id_of(&s.action)),
            Some(
                &json!({"description": "Create a Salesforce Lead from a company and a last name",
                         "version": s.action["version"]}),
            ),
            Some(&s.builder),
        )
        .await;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.expect("json");
    match status {
        200 => {
            assert!(!body["code"].as_str().expect("code").is_empty(), "{body}");
            let accepted = accept(
                &app,
                &s.builder,
                &s.action,
                body["number"].as_i64().expect("n"),
            )
            .await;
            assert_eq!(accepted["code_status"], "pending");
        }
        502 => assert!(
            body["detail"]
                .as_str()
                .expect("detail")
                .contains("nothing was changed"),
            "{body}"
        ),
        other => panic!("{other}: {body}"),
    }
}

//! Running library actions (issue 14, second slice): the seeded three-level hierarchy
//! ("Create Salesforce Contact" → "Call Salesforce API" → "Generic REST API") creates a
//! contact in a stub Salesforce served here on 127.0.0.1, through an event of a published
//! wizard; errors name every level; the log tree nests level by level; parameters are
//! checked; a call stack too deep or a call that repeats itself is stopped; only approved
//! code runs in wizards; scripts reach the library through `runAction`; an action a live
//! wizard uses cannot be deleted. Each test runs on SQLite and on PostgreSQL.

use crate::{common, support};

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    the_seeded_hierarchy_creates_a_contact_from_a_published_wizard,
    test_runs_check_parameters_and_stop_deep_or_repeating_calls,
    only_approved_code_runs_in_wizards_and_scripts_reach_the_library,
    a_level_whose_time_runs_out_is_still_in_the_activity_tree,
);

const BASE: &str = "/api/v1/library/actions";
const SF_TOKEN: &str = "sf-session-9Qw3Er7T";

// ---------------------------------------------------------------------------------------
// A stub Salesforce: `POST /services/data/{version}/sobjects/{type}` with a bearer token.

#[derive(Default)]
struct SalesforceState {
    received: Mutex<Vec<(String, Value)>>,
}

struct Salesforce {
    peer: support::Peer,
    state: Arc<SalesforceState>,
}

impl Salesforce {
    async fn start() -> Self {
        let state = Arc::new(SalesforceState::default());
        let router = axum::Router::new()
            .route(
                "/services/data/{version}/sobjects/{object}",
                axum::routing::post(create_record),
            )
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .with_state(state.clone());
        let peer = support::Peer::serve(router).await;
        Self { peer, state }
    }

    fn base(&self) -> String {
        self.peer.base()
    }

    fn received(&self) -> Vec<(String, Value)> {
        self.state.received.lock().expect("lock").clone()
    }
}

/// Salesforce's answers: 401 without the session token, 400 for a body that is not an
/// object of string fields with a `LastName` (or for the last name "Duplicate", as a
/// duplicate rule would), else 201 `{id, success, errors}`.
async fn create_record(
    State(s): State<Arc<SalesforceState>>,
    Path((version, object)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(SF_TOKEN) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])),
        )
            .into_response();
    }
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!([{"message": "The body is not a JSON object", "errorCode": "JSON_PARSER_ERROR"}])),
        )
            .into_response();
    };
    s.received
        .lock()
        .expect("lock")
        .push((format!("{version}/{object}"), Value::Object(fields.clone())));
    let last = fields.get("LastName").and_then(Value::as_str);
    if last.is_none() || fields.values().any(|v| !v.is_string()) {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING"}])),
        )
            .into_response();
    }
    if last == Some("Duplicate") {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!([{"message": "Use one of these records?", "errorCode": "DUPLICATES_DETECTED"}])),
        )
            .into_response();
    }
    let n = s.received.lock().expect("lock").len();
    (
        StatusCode::CREATED,
        axum::Json(json!({"id": format!("003000000000{n:03}AAA"), "success": true, "errors": []})),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// Helpers.

struct Actors {
    admin: String,
    builder: String,
    other: String,
}

async fn actors(app: &TestApp) -> Actors {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    app.call(Method::POST, "/api/v1/admin/outbound-allowlist")
        .body(&json!({"pattern": "127.0.0.1", "note": "test peers"}))
        .by(admin.as_str())
        .expect(201)
        .await;
    Actors {
        admin,
        builder,
        other,
    }
}

/// A draft with a step of text fields `keys`; its id.
async fn draft(app: &TestApp, token: &str, name: &str, keys: &[&str]) -> String {
    let fields: Vec<Value> = keys
        .iter()
        .map(|k| json!({"key": k, "label": k, "selection_type": "text_input"}))
        .collect();
    let d = support::create_draft(
        app,
        token,
        &json!({"name": name, "steps": [{"title": "Who", "option_sets": fields}]}),
    )
    .await;
    d["id"].as_str().expect("id").to_owned()
}

fn one_action_event(action: Value) -> Value {
    json!({"name": "go", "trigger": "wizard.onStart", "actions": [action]})
}

/// Starts a run of the live version and fires `wizard.onStart` with `answers`.
async fn run_start_event(
    app: &TestApp,
    token: &str,
    wizard_id: &str,
    answers: Value,
) -> (String, Value) {
    let run = support::start(app, token, wizard_id).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let out = app
        .call(
            Method::POST,
            &format!("/api/v1/wizard-runs/{run_id}/execute-event"),
        )
        .body(&json!({"trigger": "wizard.onStart", "answers": answers}))
        .by(token)
        .expect(200)
        .await;
    (run_id, out)
}

async fn by_name(app: &TestApp, token: &str, name: &str) -> Value {
    let list = app
        .call(
            Method::GET,
            &format!("{BASE}?search={}", name.replace(' ', "%20")),
        )
        .by(token)
        .expect(200)
        .await;
    let id = list
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {list}"))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.get_json(&format!("{BASE}/{id}"), Some(token)).await
}

/// `(kind, name, status)` of a log tree, depth first, indented by level.
fn outline(logs: &Value, depth: usize, out: &mut Vec<String>) {
    for l in logs.as_array().into_iter().flatten() {
        out.push(format!(
            "{}{} {} {}",
            "  ".repeat(depth),
            l["kind"].as_str().unwrap_or("?"),
            l["name"].as_str().unwrap_or("?"),
            l["status"].as_str().unwrap_or("?")
        ));
        outline(&l["children"], depth + 1, out);
    }
}

fn outlined(logs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    outline(logs, 0, &mut out);
    out
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    app.call(Method::POST, BASE)
        .body(&body)
        .by(token)
        .expect(201)
        .await
}

async fn test_run(app: &TestApp, token: &str, action: &Value, body: Value) -> Value {
    app.call(
        Method::POST,
        &format!("{BASE}/{}/run", action["id"].as_str().expect("id")),
    )
    .body(&body)
    .by(token)
    .expect(200)
    .await
}

// ---------------------------------------------------------------------------------------
// Scenarios.

async fn the_seeded_hierarchy_creates_a_contact_from_a_published_wizard(app: TestApp) {
    let sf = Salesforce::start().await;
    let a = actors(&app).await;
    let b = Some(a.builder.as_str());
    let wid = draft(&app, &a.builder, "New contact", &["first", "last", "email"]).await;
    app.call(Method::POST, &format!("/api/v1/wizards/{wid}/api-configs"))
        .body(&json!({"name": "Salesforce", "base_url": sf.base(),
                  "auth": {"type": "bearer", "token": SF_TOKEN}}))
        .by(b)
        .expect(201)
        .await;

    // The seeded hierarchy is there, shared and approved, each level naming its parent.
    let contact = by_name(&app, &a.builder, "Create Salesforce Contact").await;
    assert_eq!(contact["code_status"], "approved");
    assert_eq!(contact["parent_name"], "Call Salesforce API");
    let hierarchy = app
        .get_json(
            &format!("{BASE}/{}/hierarchy", contact["id"].as_str().expect("id")),
            b,
        )
        .await;
    let lineage: Vec<&str> = hierarchy["lineage"]
        .as_array()
        .expect("lineage")
        .iter()
        .map(|l| l["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        lineage,
        [
            "Generic REST API",
            "Call Salesforce API",
            "Create Salesforce Contact"
        ]
    );

    // Save-time checks name the member: an unknown action, a required input left unmapped,
    // a literal that is not of the declared type.
    let events = format!("/api/v1/wizards/{wid}/events");
    for (config, field) in [
        (
            json!({"action": "Create Salesforce Lead"}),
            "actions[0].config.action",
        ),
        (
            json!({"action": "Create Salesforce Contact", "params": {"FirstName": "{{ fields.first }}"}}),
            "actions[0].config.params.LastName",
        ),
        (
            json!({"action": "Generic REST API", "params": {"URL": "https://example.com", "Headers": "oops"}}),
            "actions[0].config.params.Headers",
        ),
        (
            json!({"action": "Create Salesforce Contact", "params": {"LastName": "x", "Phone": "1"}}),
            "actions[0].config.params.Phone",
        ),
    ] {
        app.expect_problem(
            Method::POST,
            &events,
            Some(&one_action_event(
                json!({"name": "contact", "action_type": "library_action", "config": config}),
            )),
            b,
            422,
            Some(field),
        )
        .await;
    }

    app.call(Method::POST, &events)
        .body(&one_action_event(json!({
            "name": "contact", "action_type": "library_action",
            "config": {"action": "Create Salesforce Contact", "params": {
                "FirstName": "{{ fields.first }}", "LastName": "{{ fields.last }}",
                "Email": "{{ fields.email }}"}}})))
        .by(b)
        .expect(201)
        .await;
    support::publish_current(&app, &a.builder, &wid).await;
    let (run_id, out) = run_start_event(
        &app,
        &a.builder,
        &wid,
        json!({"first": "Ada", "last": "Lovelace", "email": "ada@example.com"}),
    )
    .await;
    let action = &out["actions"][0];
    assert_eq!(action["status"], "success", "{out}");
    assert_eq!(
        action["output"],
        json!({"Id": "003000000000001AAA"}),
        "{out}"
    );
    assert_eq!(
        sf.received(),
        [(
            "v59.0/Contact".to_owned(),
            json!({"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"})
        )],
        "the body reached Salesforce in its shape, with the session token"
    );

    // The run's Activity: event → action → each level → the HTTP call.
    let logs = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
        .await;
    let tree = outlined(&logs);
    assert_eq!(
        tree[..5],
        [
            "event go success",
            "  action contact success",
            "    library Create Salesforce Contact success",
            "      library Call Salesforce API success",
            "        library Generic REST API success",
        ],
        "{tree:#?}"
    );
    assert!(
        tree[5].starts_with("          call POST /services/data/v59.0/sobjects/Contact"),
        "{tree:#?}"
    );
    let text = logs.to_string();
    assert!(
        !text.contains(SF_TOKEN),
        "the credential is not in the logs"
    );
    assert!(
        text.contains("Lovelace"),
        "the owner sees the inputs: {text}"
    );

    // A refusal from Salesforce names every level on its way up.
    let (run_id, out) = run_start_event(
        &app,
        &a.builder,
        &wid,
        json!({"first": "Bo", "last": "Duplicate", "email": "bo@example.com"}),
    )
    .await;
    let action = &out["actions"][0];
    assert_eq!(action["status"], "error", "{out}");
    let error = action["error"].as_str().expect("error");
    assert!(
        error.starts_with(
            "Create Salesforce Contact → Call Salesforce API → Generic REST API: POST 127.0.0.1 answered HTTP 400"
        ),
        "{error}"
    );
    assert!(error.contains("DUPLICATES_DETECTED"), "{error}");
    let logs = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
        .await;
    let tree = outlined(&logs);
    assert!(
        tree.iter().filter(|l| l.ends_with(" error")).count() >= 5,
        "every level failed: {tree:#?}"
    );

    // A test run of the middle level without a wizard cannot use an API configuration.
    let call = by_name(&app, &a.builder, "Call Salesforce API").await;
    let r = test_run(
        &app,
        &a.builder,
        &call,
        json!({"params": {"Action": "create", "ObjectType": "Contact", "Data": {"LastName": "X"}}}),
    )
    .await;
    assert_eq!(r["ok"], false);
    assert!(
        r["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Call Salesforce API → Generic REST API: ApiConfig")),
        "{r}"
    );
    // With the wizard, it reaches Salesforce; the log tree comes back in the response.
    let r = test_run(
        &app,
        &a.builder,
        &call,
        json!({"wizard_id": wid, "params": {"Action": "create", "ObjectType": "Contact", "Data": {"LastName": "Test"}}}),
    )
    .await;
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["output"]["success"], true, "{r}");
    assert_eq!(
        outlined(&r["logs"])[..2],
        [
            "library Call Salesforce API success",
            "  library Generic REST API success"
        ]
    );
    // Another builder's wizard is not theirs to borrow credentials from.
    app.expect_problem(
        Method::POST,
        &format!("{BASE}/{}/run", call["id"].as_str().expect("id")),
        Some(&json!({"wizard_id": wid, "params": {"Action": "create", "ObjectType": "Contact"}})),
        Some(&a.other),
        422,
        Some("wizard_id"),
    )
    .await;

    // The live wizard uses the action: deleting it is refused with who uses it.
    let refused = app
        .expect_problem(
            Method::DELETE,
            &format!(
                "{BASE}/{}?version={}",
                contact["id"].as_str().expect("id"),
                contact["version"]
            ),
            None,
            Some(&a.admin),
            409,
            None,
        )
        .await;
    let detail = refused["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("“New contact” (builder@example.com)"),
        "{refused}"
    );
}

async fn test_runs_check_parameters_and_stop_deep_or_repeating_calls(app: TestApp) {
    let a = actors(&app).await;
    let contact = by_name(&app, &a.builder, "Create Salesforce Contact").await;
    let run_at = format!("{BASE}/{}/run", contact["id"].as_str().expect("id"));
    // Required and typed parameters are checked before anything runs, each named.
    for (params, field) in [
        (json!({}), "params.LastName"),
        (json!({"LastName": {"a": 1}}), "params.LastName"),
        (json!({"LastName": "x", "Nickname": "y"}), "params.Nickname"),
        (json!({"LastName": "x", "Id": "y"}), "params.Id"),
    ] {
        app.expect_problem(
            Method::POST,
            &run_at,
            Some(&json!({"params": params})),
            Some(&a.builder),
            422,
            Some(field),
        )
        .await;
    }

    // Recursion is allowed, up to the depth limit (8 by default).
    let countdown = create(
        &app,
        &a.builder,
        json!({"name": "Countdown", "kind": "script",
               "params": [{"name": "n", "type": "int", "is_required": true}],
               "code": "const n = context.params.n;\nif (n <= 0) return {done: true, stack: context.call_stack};\nreturn await runAction('Countdown', {n: n - 1});"}),
    )
    .await;
    assert_eq!(countdown["code_status"], "pending");
    // The owner test-runs pending code; strings that read as the type are converted.
    let r = test_run(&app, &a.builder, &countdown, json!({"params": {"n": "3"}})).await;
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(
        r["output"]["stack"],
        json!(["Countdown", "Countdown", "Countdown", "Countdown"])
    );
    assert_eq!(
        outlined(&r["logs"]),
        [
            "library Countdown success",
            "  library Countdown success",
            "    library Countdown success",
            "      library Countdown success",
        ]
    );
    let r = test_run(&app, &a.builder, &countdown, json!({"params": {"n": 20}})).await;
    assert_eq!(r["ok"], false);
    let error = r["error"].as_str().expect("error");
    assert!(
        error.contains("not run: the call stack would be deeper than 8 levels"),
        "{error}"
    );
    assert!(
        error.matches("Countdown → ").count() >= 8,
        "every level is named: {error}"
    );

    // A call that repeats itself with the same parameters would never end: stopped at once.
    let echo = create(
        &app,
        &a.builder,
        json!({"name": "Echo", "kind": "script",
               "params": [{"name": "text", "type": "string"}],
               "code": "return await runAction('Echo', context.params);"}),
    )
    .await;
    let r = test_run(&app, &a.builder, &echo, json!({"params": {"text": "hi"}})).await;
    assert_eq!(r["ok"], false);
    assert!(
        r["error"].as_str().is_some_and(|e| e.starts_with(
            "Echo → Echo: not run: it would call itself again with the same parameters"
        )),
        "{r}"
    );

    // Library code returns data: it has no fields to set, and no callApi of its own.
    let setter = create(
        &app,
        &a.builder,
        json!({"name": "Setter", "kind": "script", "code": "setField('x', 1); return 1;"}),
    )
    .await;
    let r = test_run(&app, &a.builder, &setter, json!({})).await;
    assert!(
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("library actions return data")),
        "{r}"
    );

    // Someone else's private action does not exist for them; a shared pending one is not
    // theirs to run before it is approved.
    app.expect_problem(
        Method::POST,
        &format!("{BASE}/{}/run", countdown["id"].as_str().expect("id")),
        Some(&json!({"params": {"n": 1}})),
        Some(&a.other),
        404,
        None,
    )
    .await;
    let shared = create(
        &app,
        &a.builder,
        json!({"name": "Shared pending", "kind": "script", "visibility": "shared", "code": "return 1;"}),
    )
    .await;
    let r = test_run(&app, &a.other, &shared, json!({})).await;
    assert_eq!(r["ok"], false);
    assert!(
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("its code is pending, not approved")),
        "{r}"
    );
    // An admin may run it.
    let r = test_run(&app, &a.admin, &shared, json!({})).await;
    assert_eq!(r["ok"], true, "{r}");
}

async fn only_approved_code_runs_in_wizards_and_scripts_reach_the_library(app: TestApp) {
    let a = actors(&app).await;
    let b = Some(a.builder.as_str());
    let double = create(
        &app,
        &a.builder,
        json!({"name": "Double", "kind": "script",
               "params": [{"name": "x", "type": "number", "is_required": true},
                          {"name": "result", "type": "number", "direction": "output"}],
               "code": "return {result: context.params.x * 2, user: context.user.email, run: context.run.id !== null};"}),
    )
    .await;
    let wid = draft(&app, &a.builder, "Doubler", &["x"]).await;
    let events = format!("/api/v1/wizards/{wid}/events");
    // A script may only name actions that exist.
    app.expect_problem(
        Method::POST,
        &events,
        Some(&one_action_event(
            json!({"name": "s", "action_type": "custom_script",
            "config": {"code": "return 1;", "allowed_actions": ["Triple"]}}),
        )),
        b,
        422,
        Some("actions[0].config.allowed_actions[0]"),
    )
    .await;
    app.call(Method::POST, &events)
        .body(&json!({"name": "go", "trigger": "wizard.onStart", "actions": [
            {"name": "doubled", "action_type": "library_action", "on_error": "continue",
             "config": {"action": "Double", "params": {"x": "{{ fields.x }}"}}},
            {"name": "scripted", "action_type": "custom_script", "on_error": "continue",
             "config": {"code": "const r = await runAction('Double', {x: 21});\ntry { await runAction('Generic REST API', {URL: 'http://127.0.0.1:9/'}); } catch (e) { return {r, refused: String(e)}; }\nreturn {r};",
                        "allowed_actions": ["Double"]}}
        ]}))
        .by(b)
        .expect(201)
        .await;

    // Pending code does not run in a wizard.
    support::publish_current(&app, &a.builder, &wid).await;
    let (_, out) = run_start_event(&app, &a.builder, &wid, json!({"x": "5"})).await;
    let doubled = &out["actions"][0];
    assert_eq!(doubled["status"], "error", "{out}");
    assert!(
        doubled["error"].as_str().is_some_and(|e| e
            == "Double: its code is pending, not approved: only approved code runs in wizards"),
        "{out}"
    );

    // Approved by its owner: the approver is recorded from the session, not the body.
    let approved = app
        .call(
            Method::POST,
            &format!("{BASE}/{}/approve", double["id"].as_str().expect("id")),
        )
        .body(&json!({"version": double["version"]}))
        .by(b)
        .expect(200)
        .await;
    let me = app.get_json("/api/v1/auth/me", b).await;
    assert_eq!(approved["approved_by"], me["id"], "{approved}");
    assert_eq!(approved["code_status"], "approved");

    let (run_id, out) = run_start_event(&app, &a.builder, &wid, json!({"x": "5"})).await;
    let doubled = &out["actions"][0];
    assert_eq!(doubled["status"], "success", "{out}");
    assert_eq!(
        doubled["output"]["result"], 10.0,
        "the template's text became a number: {out}"
    );
    assert_eq!(doubled["output"]["user"], "builder@example.com");
    assert_eq!(doubled["output"]["run"], true);
    let scripted = &out["actions"][1];
    assert_eq!(scripted["status"], "success", "{out}");
    assert_eq!(scripted["output"]["r"]["result"], 42.0);
    assert!(
        scripted["output"]["refused"]
            .as_str()
            .is_some_and(|e| e.contains("`Generic REST API` is not an action this script may run")),
        "{out}"
    );
    let logs = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
        .await;
    let tree = outlined(&logs);
    assert!(
        tree.contains(&"    library Double success".to_owned()),
        "the script's runAction is logged under it: {tree:#?}"
    );

    // Changing the code sends it back to review: the live wizard stops running it.
    let changed = app
        .call(
            Method::PUT,
            &format!("{BASE}/{}", double["id"].as_str().expect("id")),
        )
        .body(
            &json!({"version": approved["version"], "name": "Double", "kind": "script",
            "params": [{"name": "x", "type": "number", "is_required": true}],
            "code": "return {result: context.params.x + context.params.x};"}),
        )
        .by(b)
        .expect(200)
        .await;
    assert_eq!(changed["code_status"], "pending");
    let (_, out) = run_start_event(&app, &a.builder, &wid, json!({"x": "5"})).await;
    assert_eq!(out["actions"][0]["status"], "error", "{out}");
}

/// Library levels and their calls are written once, when they end (issue 14, performance);
/// one whose action runs out of time is still written, as stopped, so the Activity tree
/// shows where the time went.
async fn a_level_whose_time_runs_out_is_still_in_the_activity_tree(app: TestApp) {
    let sf = Salesforce::start().await;
    let a = actors(&app).await;
    let b = Some(a.builder.as_str());
    let wid = draft(&app, &a.builder, "Slow", &["x"]).await;
    app.call(Method::POST, &format!("/api/v1/wizards/{wid}/events"))
        .body(&one_action_event(json!({
            "name": "slow", "action_type": "library_action", "timeout_ms": 400,
            "config": {"action": "Generic REST API",
                       "params": {"Method": "GET", "URL": format!("{}/slow", sf.base())}}})))
        .by(b)
        .expect(201)
        .await;
    support::publish_current(&app, &a.builder, &wid).await;
    let (run_id, out) = run_start_event(&app, &a.builder, &wid, json!({})).await;
    assert_eq!(out["actions"][0]["status"], "error", "{out}");
    // The stopped rows are written as the dropped work unwinds: give them a moment.
    let mut tree = Vec::new();
    let mut logs = Value::Null;
    for _ in 0..50 {
        logs = app
            .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
            .await;
        tree = outlined(&logs);
        if tree.len() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(tree.len(), 4, "{logs:#}");
    assert_eq!(
        tree[..3],
        [
            "event go error",
            "  action slow error",
            "    library Generic REST API error",
        ],
        "{tree:#?}"
    );
    assert!(tree[3].starts_with("      call GET "), "{tree:#?}");
    assert!(tree[3].ends_with(" error"), "{tree:#?}");

    // Which of the action's timer and the call's own one fires first is a matter of a
    // millisecond; the dropped case on its own: a deferred row dropped unfinished.
    let run: uuid::Uuid = run_id.parse().expect("run id");
    // Its execution goes too (its last logger handle): the row is written as it goes.
    let logger = wizard_core::backend::engine::logs::Logger::new(app.state.clone(), run, true);
    let row = logger.defer(
        None,
        wizard_core::domain::event::LogKind::Call,
        "dropped call",
        Some(&json!({"url": "x"})),
    );
    drop(logger);
    drop(row);
    let mut found = Value::Null;
    for _ in 0..50 {
        let logs = app
            .get_json(&format!("/api/v1/wizard-runs/{run_id}/action-logs"), b)
            .await;
        if let Some(row) = logs
            .as_array()
            .expect("roots")
            .iter()
            .find(|l| l["name"] == "dropped call")
        {
            found = row.clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(found["status"], "error", "{found}");
    assert!(
        found["error"]
            .as_str()
            .expect("error")
            .starts_with("stopped before it ended"),
        "{found}"
    );
}

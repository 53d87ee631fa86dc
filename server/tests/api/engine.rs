//! Running events over the REST API: effects and answers written before the response,
//! templates that keep types, conditions, `on_error` stop/continue/retry against a real
//! HTTP server on 127.0.0.1, output handling (extract, set_field, replace_options, render),
//! navigation blocked by `step.onValidate`, the execution-log trees, who may execute, and
//! the per-user rate limit. Each scenario runs on SQLite and on PostgreSQL.
//!
//! Events are put into the published version document directly (the version is what the
//! engine reads; the events API is tested with its own service).

use crate::{common, support};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Backend, TestApp, assert_problem};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    actions_set_fields_show_messages_and_navigate,
    conditions_and_targets_decide_what_runs,
    on_error_policies_retry_only_what_may_work,
    output_handling_extracts_sets_replaces_and_renders,
    a_failing_on_validate_event_blocks_next_and_keeps_answers,
    only_the_owner_executes_and_reads_logs,
    scripts_fail_cleanly_and_the_next_action_works,
    scripts_call_only_declared_apis_and_calls_are_logged,
    events_saved_through_the_api_run_from_the_pinned_version,
    testing_an_action_runs_it_once_and_stores_nothing,
    the_output_preview_applies_output_handling_to_a_tests_raw_output,
    progress_streams_each_action_then_idle,
    dynamic_table_picks_are_checked_against_the_rows_of_the_run,
);

/// Step "Contact" (name, email, age, a dynamic select, an output slot), step "Done".
pub(crate) fn contact_wizard() -> Value {
    json!({
        "name": "Contact",
        "steps": [
            {"title": "Contact", "option_sets": [
                {"key": "name", "label": "Name", "selection_type": "text_input"},
                {"key": "email", "label": "Email", "selection_type": "text_input"},
                {"key": "age", "label": "Age", "selection_type": "number_input"},
                {"key": "country", "label": "Country", "selection_type": "single_select",
                 "settings": {"dynamic_options": true}},
                {"key": "summary", "label": "Summary", "selection_type": "output"}
            ]},
            {"title": "Done", "option_sets": [
                {"key": "notes", "label": "Notes", "selection_type": "text_input"}
            ]}
        ]
    })
}

pub(crate) fn action(name: &str, action_type: &str, config: Value) -> Value {
    json!({"id": Uuid::new_v4(), "name": name, "action_type": action_type, "config": config})
}

pub(crate) fn event(name: &str, trigger: &str, target: Option<&str>, actions: Vec<Value>) -> Value {
    json!({"id": Uuid::new_v4(), "name": name, "trigger": trigger, "target_id": target,
           "actions": actions})
}

/// The id of field `key` in a definition.
/// Publishes `definition` and puts `events(version definition)` into the published
/// version; returns (wizard id, version definition with the events).
pub(crate) async fn publish_with_events(
    app: &TestApp,
    token: &str,
    definition: &Value,
    events: impl Fn(&Value) -> Vec<Value>,
) -> (String, Value) {
    let draft = support::publish(app, token, definition).await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let def = inject_events(app, &wizard_id, events).await;
    (wizard_id, def)
}

/// Puts `events(version definition)` into the (only) published version of `wizard_id`.
async fn inject_events(
    app: &TestApp,
    wizard_id: &str,
    events: impl Fn(&Value) -> Vec<Value>,
) -> Value {
    let (version_id, text): (String, String) =
        sqlx::query_as("SELECT id, definition FROM wizard_versions WHERE wizard_id = $1")
            .bind(wizard_id)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("version row");
    let mut def: Value = serde_json::from_str(&text).expect("version JSON");
    def["events"] = Value::Array(events(&def));
    sqlx::query("UPDATE wizard_versions SET definition = $1 WHERE id = $2")
        .bind(def.to_string())
        .bind(&version_id)
        .execute(&app.state.db.pool)
        .await
        .expect("update version");
    def
}

pub(crate) async fn execute(
    app: &TestApp,
    token: &str,
    run_id: &str,
    body: Value,
) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/wizard-runs/{run_id}/execute-event"),
        &body,
        Some(token),
    )
    .await
}

pub(crate) async fn get_run(app: &TestApp, token: &str, run_id: &str) -> Value {
    app.call(Method::GET, &format!("/api/v1/wizard-runs/{run_id}"))
        .by(token)
        .expect(200)
        .await
}

pub(crate) async fn logs(app: &TestApp, token: &str, run_id: &str) -> Vec<Value> {
    app.call(
        Method::GET,
        &format!("/api/v1/wizard-runs/{run_id}/action-logs"),
    )
    .by(token)
    .expect(200)
    .await
    .as_array()
    .cloned()
    .expect("a list of trees")
}

/// The status of each outcome, by action name.
pub(crate) fn statuses(resp: &Value) -> Vec<(String, String)> {
    resp["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap_or_default().to_owned(),
                a["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// A small HTTP server on 127.0.0.1: `/fail` answers 500, `/items` two rows; counts the
/// requests of each.
pub(crate) struct Upstream {
    pub(crate) base: String,
    /// Serves until the scenario ends.
    _peer: support::Peer,
    fails: Arc<AtomicUsize>,
    items: Arc<AtomicUsize>,
}

pub(crate) async fn upstream() -> Upstream {
    use axum::http::StatusCode;
    use axum::routing::get;
    let fails = Arc::new(AtomicUsize::new(0));
    let items = Arc::new(AtomicUsize::new(0));
    let (f, i) = (fails.clone(), items.clone());
    let router = axum::Router::new()
        .route(
            "/fail",
            get(move || {
                let f = f.clone();
                async move {
                    f.fetch_add(1, Ordering::SeqCst);
                    (StatusCode::INTERNAL_SERVER_ERROR, "upstream broke")
                }
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                "too late"
            }),
        )
        .route(
            "/items",
            get(move || {
                let i = i.clone();
                async move {
                    i.fetch_add(1, Ordering::SeqCst);
                    axum::Json(json!({"items": [
                        {"id": 1, "name": "France", "api_key": "row-secret-1"},
                        {"id": 2, "name": "Japan", "api_key": "row-secret-2"}
                    ]}))
                }
            }),
        );
    let peer = support::Peer::serve(router).await;
    Upstream {
        base: peer.base(),
        _peer: peer,
        fails,
        items,
    }
}

/// Lets outbound calls reach 127.0.0.1 (the first account is the admin).
pub(crate) async fn allow_loopback(app: &TestApp, admin: &str) {
    app.call(Method::POST, "/api/v1/admin/outbound-allowlist")
        .body(&json!({"pattern": "127.0.0.1", "note": "test upstream"}))
        .by(admin)
        .expect(201)
        .await;
}

// ---- scenarios -----------------------------------------------------------------------

async fn actions_set_fields_show_messages_and_navigate(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "name changed",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![
                action(
                    "email",
                    "set_field_value",
                    json!({"field": "email", "value": "{{ fields.name | lower }}@example.com"}),
                ),
                // A whole-value template keeps the type of what it names.
                action(
                    "age",
                    "set_field_value",
                    json!({"field": "age", "value": "{{ event.value }}"}),
                ),
                action(
                    "hello",
                    "show_message",
                    json!({"level": "success", "text": "Hi {{ fields.name }}, {{ fields.email }}"}),
                ),
                action("go", "navigate", json!({"target": "next"})),
            ],
        ),
        event(
            "broken template",
            "step.onEntry",
            Some(&support::step_id(def, "Contact")),
            vec![
                action("broken", "show_message", json!({"text": "{{ fields.nope.deeper }}"})),
                action("fine", "show_message", json!({"text": "fine"})),
            ],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "optionSet.onChange", "target_id": support::field_id(&def, "name"),
               "answers": {"name": "Ada"}, "value": 42}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[
            ("email", "success"),
            ("age", "success"),
            ("hello", "success"),
            ("go", "success")
        ])
    );
    let effects = &resp["effects"];
    assert_eq!(effects["set_fields"]["email"], "ada@example.com");
    assert_eq!(effects["set_fields"]["age"], json!(42));
    assert_eq!(effects["messages"][0]["level"], "success");
    // Later actions see the fields earlier ones set.
    assert_eq!(effects["messages"][0]["text"], "Hi Ada, ada@example.com");
    assert_eq!(effects["navigate"], "next");
    assert_eq!(resp["answers"]["age"], json!(42));
    assert_eq!(resp["log_ids"].as_array().map(Vec::len), Some(1));

    // Saved before the response: a reload shows the runner's and the actions' answers.
    let reloaded = get_run(&app, &owner, run_id).await;
    assert_eq!(reloaded["answers"]["name"], "Ada");
    assert_eq!(reloaded["answers"]["email"], "ada@example.com");
    assert_eq!(reloaded["answers"]["age"], json!(42));
    // Navigation is only a request: the run is still on its first step.
    assert_eq!(
        reloaded["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "Contact")
    );

    // A value that does not fit the field is that action's error; the rest goes on.
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "optionSet.onChange", "target_id": support::field_id(&def, "name"),
               "value": "not a number"}),
    )
    .await;
    assert_eq!(resp["actions"][1]["status"], "error");
    assert!(
        resp["actions"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("age")),
        "{resp}"
    );
    assert_eq!(resp["actions"][2]["status"], "success");
    assert_eq!(
        get_run(&app, &owner, run_id).await["answers"]["age"],
        json!(42)
    );

    // A template that cannot be resolved is that action's error (not retried), not a 500.
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": support::step_id(&def, "Contact")}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[("broken", "error"), ("fine", "success")])
    );
    assert!(
        resp["actions"][0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("config.text")),
        "{resp}"
    );
    assert_eq!(resp["actions"][0]["attempts"], 1);

    // Ill-typed answers are refused like a save, before anything runs.
    assert_problem(
        execute(
            &app,
            &owner,
            run_id,
            json!({"trigger": "optionSet.onChange", "target_id": support::field_id(&def, "name"),
                   "answers": {"age": "old"}}),
        )
        .await,
        422,
        Some("answers.age"),
    )
    .await;
    // An ill-typed trigger is a 422 naming it, not "not valid JSON".
    for trigger in [json!(12345), Value::Null, json!("step.onNothing")] {
        assert_problem(
            execute(&app, &owner, run_id, json!({"trigger": trigger})).await,
            422,
            Some("trigger"),
        )
        .await;
    }
    // So is a run id that is not an id.
    assert_problem(
        execute(&app, &owner, "run-1", json!({"trigger": "wizard.onStart"})).await,
        422,
        Some("run_id"),
    )
    .await;
}

async fn conditions_and_targets_decide_what_runs(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        let step = support::step_id(def, "Contact");
        let mut only_bob = event(
            "only bob",
            "step.onEntry",
            Some(&step),
            vec![action("hi", "show_message", json!({"text": "hi bob"}))],
        );
        only_bob["conditions"] = json!({"field": "name", "op": "eq", "value": "Bob"});
        let mut disabled = event(
            "disabled",
            "step.onEntry",
            Some(&step),
            vec![action("never", "show_message", json!({"text": "never"}))],
        );
        disabled["enabled"] = json!(false);
        let done = event(
            "done",
            "wizard.onComplete",
            None,
            vec![
                action(
                    "late",
                    "set_field_value",
                    json!({"field": "email", "value": "late@example.com"}),
                ),
                action("thanks", "show_message", json!({"text": "thanks"})),
            ],
        );
        vec![only_bob, disabled, done]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let step = support::step_id(&def, "Contact");

    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": step, "answers": {"name": "Ada"}}),
    )
    .await;
    assert_eq!(resp["actions"], json!([]));
    assert_eq!(resp["log_ids"], json!([]));
    assert!(logs(&app, &owner, run_id).await.is_empty());

    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": step, "answers": {"name": "Bob"}}),
    )
    .await;
    assert_eq!(statuses(&resp), pairs(&[("hi", "success")]));
    assert_eq!(resp["effects"]["messages"][0]["text"], "hi bob");

    // The target must fit the trigger and be in the version.
    for target in [
        json!(support::field_id(&def, "name")),
        json!(Uuid::new_v4()),
        Value::Null,
    ] {
        assert_problem(
            execute(
                &app,
                &owner,
                run_id,
                json!({"trigger": "step.onEntry", "target_id": target}),
            )
            .await,
            422,
            Some("target_id"),
        )
        .await;
    }
    // A completed run only plays wizard.onComplete.
    let last = support::step_id(&def, "Done");
    app.call(Method::POST, &format!("/api/v1/wizard-runs/{run_id}/next"))
        .by(owner.as_str())
        .expect(200)
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/wizard-runs/{run_id}/complete"),
    )
    .by(owner.as_str())
    .expect(200)
    .await;
    assert_problem(
        execute(
            &app,
            &owner,
            run_id,
            json!({"trigger": "step.onEntry", "target_id": last}),
        )
        .await,
        409,
        None,
    )
    .await;
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "wizard.onComplete", "answers": {"name": "Changed"}}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[("late", "success"), ("thanks", "success")])
    );
    assert_eq!(resp["log_ids"].as_array().map(Vec::len), Some(1));
    // A completed run's answers are final: neither the runner's nor the actions' change.
    let reloaded = get_run(&app, &owner, run_id).await;
    assert_eq!(reloaded["status"], "completed");
    assert_eq!(reloaded["answers"]["name"], "Bob");
    assert!(reloaded["answers"].get("email").is_none());
}

async fn on_error_policies_retry_only_what_may_work(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    allow_loopback(&app, &admin).await;
    let up = upstream().await;
    let fail_url = format!("{}/fail", up.base);
    let slow_url = format!("{}/slow", up.base);
    let (wizard, def) = publish_with_events(&app, &admin, &contact_wizard(), |def| {
        let step = support::step_id(def, "Contact");
        let mut retry = action("flaky", "api_call", json!({"url": fail_url}));
        retry["on_error"] = json!("retry");
        retry["retry_count"] = json!(2);
        let mut cont = action("tolerated", "api_call", json!({"url": fail_url}));
        cont["on_error"] = json!("continue");
        let mut invalid = action(
            "wrong_kind",
            "set_field_value",
            json!({"field": "age", "value": "{{ fields.name }}"}),
        );
        let mut slow = action("slow", "api_call", json!({"url": slow_url}));
        slow["on_error"] = json!("retry");
        slow["retry_count"] = json!(1);
        slow["timeout_ms"] = json!(300);
        invalid["on_error"] = json!("retry");
        invalid["retry_count"] = json!(3);
        vec![
            event(
                "retried",
                "step.onEntry",
                Some(&step),
                vec![
                    retry,
                    action("after", "show_message", json!({"text": "after"})),
                ],
            ),
            event(
                "continued",
                "step.onEntry",
                Some(&step),
                vec![
                    cont,
                    action("still", "show_message", json!({"text": "still here"})),
                ],
            ),
            event("not retried", "step.onEntry", Some(&step), vec![invalid]),
            event("too slow", "step.onEntry", Some(&step), vec![slow]),
        ]
    })
    .await;
    let run = support::start(&app, &admin, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &admin,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": support::step_id(&def, "Contact"),
               "answers": {"name": "Ada"}}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[
            ("flaky", "error"),
            ("after", "skipped"),
            ("tolerated", "error"),
            ("still", "success"),
            ("wrong_kind", "error"),
            ("slow", "error"),
        ])
    );
    let attempts: Vec<u64> = resp["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attempts"].as_u64().unwrap())
        .collect();
    // retry_count 2 → three attempts of a 5xx; a bad value is never retried.
    // A timeout may work next time, so it is retried too.
    assert_eq!(attempts, vec![3, 0, 1, 1, 1, 2]);
    assert!(
        resp["actions"][5]["error"]
            .as_str()
            .is_some_and(|e| e.contains("time")),
        "{resp}"
    );
    assert_eq!(up.fails.load(Ordering::SeqCst), 4);
    assert_eq!(
        resp["effects"]["messages"],
        json!([{"level": "info", "text": "still here"}])
    );
    // Not a validation/exit trigger: nothing is blocked.
    assert!(resp.get("blocked").is_none());
    // The runner's answers survived the failures.
    assert_eq!(
        get_run(&app, &admin, run_id).await["answers"]["name"],
        "Ada"
    );

    // One tree per event; one row per attempt, numbered; the skipped action has its row.
    let trees = logs(&app, &admin, run_id).await;
    assert_eq!(trees.len(), 4);
    let names: Vec<&str> = trees.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["retried", "continued", "not retried", "too slow"]
    );
    assert_eq!(trees[3]["children"].as_array().unwrap().len(), 2);
    let retried = &trees[0];
    assert_eq!(retried["kind"], "event");
    assert_eq!(retried["status"], "error");
    let kids = retried["children"].as_array().unwrap();
    let rows: Vec<(String, u64, String)> = kids
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_owned(),
                k["attempt"].as_u64().unwrap(),
                k["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("flaky".to_owned(), 0, "error".to_owned()),
            ("flaky".to_owned(), 1, "error".to_owned()),
            ("flaky".to_owned(), 2, "error".to_owned()),
            ("after".to_owned(), 0, "skipped".to_owned()),
        ]
    );
    for k in &kids[..3] {
        assert_eq!(k["kind"], "action");
        assert_eq!(k["parent_log_id"], retried["id"]);
        assert!(k["completed_at"].is_string() && k["duration_ms"].is_i64());
        assert_eq!(k["input"]["config"]["url"], json!(fail_url));
        assert!(
            k["error"].as_str().is_some_and(|e| e.contains("500")),
            "{k}"
        );
    }
    // Retries start after the attempt before them ended (the backoff, seen in the rows).
    for w in kids[..3].windows(2) {
        assert!(w[1]["started_at"].as_str() >= w[0]["completed_at"].as_str());
    }
    assert_eq!(trees[1]["status"], "error");
    assert_eq!(trees[2]["children"].as_array().unwrap().len(), 1);

    // One row with its subtree.
    let one = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/wizard-runs/{run_id}/action-logs/{}",
                retried["id"].as_str().unwrap()
            ),
        )
        .by(admin.as_str())
        .expect(200)
        .await;
    assert_eq!(&one, retried);
}

async fn output_handling_extracts_sets_replaces_and_renders(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    allow_loopback(&app, &admin).await;
    let up = upstream().await;
    let items_url = format!("{}/items", up.base);
    let (wizard, def) = publish_with_events(&app, &admin, &contact_wizard(), |def| {
        let mut load = action(
            "load",
            "api_call",
            json!({"url": items_url, "headers": {"Authorization": "Bearer s3cr3t-token"}}),
        );
        load["output_handling"] = json!({
            "extract": "items",
            "replace_options": {"option_set": "country", "label_path": "name",
                                "value_path": "to_string(id)"},
            "render": {"slot": "summary", "renderer": "table"}
        });
        let mut count = action(
            "count",
            "transform_data",
            json!({"language": "jmespath", "expression": "length(@)",
                   "input": "{{ actions.load.output }}"}),
        );
        count["output_handling"] = json!({"set_field": "age"});
        let mut first = action(
            "first",
            "transform_data",
            json!({"language": "jmespath", "expression": "[0].name",
                   "input": "{{ actions.load.output }}"}),
        );
        // Text into a number field: refused, this action's error only.
        first["output_handling"] = json!({"set_field": "age"});
        vec![event(
            "load countries",
            "optionSet.onLoad",
            Some(&support::field_id(def, "country")),
            vec![load, count, first],
        )]
    })
    .await;
    let run = support::start(&app, &admin, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &admin,
        run_id,
        json!({"trigger": "optionSet.onLoad", "target_id": support::field_id(&def, "country")}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[
            ("load", "success"),
            ("count", "success"),
            ("first", "error")
        ])
    );
    assert_eq!(up.items.load(Ordering::SeqCst), 1);
    let options = resp["effects"]["replace_options"]["country"]
        .as_array()
        .expect("options");
    let got: Vec<(&str, &str)> = options
        .iter()
        .map(|o| (o["label"].as_str().unwrap(), o["value"].as_str().unwrap()))
        .collect();
    assert_eq!(got, vec![("France", "1"), ("Japan", "2")]);
    assert!(
        options
            .iter()
            .all(|o| o["id"].as_str().is_some_and(|id| id.len() == 36))
    );
    assert_eq!(resp["effects"]["renders"]["summary"]["renderer"], "table");
    assert_eq!(
        resp["effects"]["renders"]["summary"]["data"][1]["name"],
        "Japan"
    );
    assert_eq!(resp["actions"][0]["output"][0]["name"], "France");
    assert_eq!(resp["effects"]["set_fields"]["age"], json!(2));
    assert!(
        resp["actions"][2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("set_field")),
        "{resp}"
    );

    // A reload shows the new options and the set answer; a replaced option is answerable.
    let reloaded = get_run(&app, &admin, run_id).await;
    assert_eq!(reloaded["dynamic_options"]["country"], json!(options));
    assert_eq!(reloaded["answers"]["age"], json!(2));
    let saved = support::answer(&app, &admin, run_id, json!({"country": "2"})).await;
    assert_eq!(saved.status().as_u16(), 200);
    assert_problem(
        support::answer(&app, &admin, run_id, json!({"country": "3"})).await,
        422,
        Some("answers.country"),
    )
    .await;

    // The credential in the request never reaches the execution log.
    let trees = logs(&app, &admin, run_id).await;
    let text = serde_json::to_string(&trees).unwrap();
    assert!(!text.contains("s3cr3t-token"), "{text}");
    // Nor does a credential an upstream echoes back.
    assert!(!text.contains("row-secret"), "{text}");
    let load_row = &trees[0]["children"][0];
    assert_eq!(
        load_row["input"]["config"]["headers"]["Authorization"],
        "***"
    );
    assert_eq!(load_row["output"][0]["name"], "France");
    assert_eq!(load_row["output"][0]["api_key"], "***");
}

async fn a_failing_on_validate_event_blocks_next_and_keeps_answers(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        let step = support::step_id(def, "Contact");
        let mut strict = action(
            "age_from_name",
            "set_field_value",
            json!({"field": "age", "value": "{{ fields.name }}"}),
        );
        strict["on_error"] = json!("stop");
        let mut check = event(
            "check",
            "step.onValidate",
            Some(&step),
            vec![
                action(
                    "stamp",
                    "set_field_value",
                    json!({"field": "email", "value": "checked@example.com"}),
                ),
                strict,
            ],
        );
        check["conditions"] = json!({"field": "name", "op": "ne", "value": "42"});
        let exit = event(
            "bye",
            "step.onExit",
            Some(&step),
            vec![action(
                "note",
                "set_field_value",
                json!({"field": "notes", "value": "left {{ step.id }}"}),
            )],
        );
        let last = support::step_id(def, "Done");
        let mut final_check = event(
            "final",
            "step.onValidate",
            Some(&last),
            vec![action(
                "bad",
                "navigate",
                json!({"target": format!("step:{}", Uuid::new_v4())}),
            )],
        );
        final_check["conditions"] = json!({"field": "notes", "op": "empty"});
        vec![check, exit, final_check]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let step = support::step_id(&def, "Contact");

    support::answer(&app, &owner, run_id, json!({"name": "Ada"})).await;
    let body = assert_problem(
        app.post_json(
            &format!("/api/v1/wizard-runs/{run_id}/next"),
            &json!({}),
            Some(&owner),
        )
        .await,
        422,
        Some("step"),
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("age")),
        "{body}"
    );
    let reloaded = get_run(&app, &owner, run_id).await;
    assert_eq!(reloaded["current_step_id"].as_str().unwrap(), step);
    // What the event did before failing is kept, and so are the runner's answers.
    assert_eq!(reloaded["answers"]["email"], "checked@example.com");
    assert_eq!(reloaded["answers"]["name"], "Ada");
    assert!(reloaded["answers"].get("notes").is_none());

    // The same event through execute-event reports the block instead.
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "step.onValidate", "target_id": step}),
    )
    .await;
    assert!(resp["blocked"].as_str().is_some_and(|m| m.contains("age")));

    // Once the condition no longer holds, next passes and onExit runs.
    support::answer(&app, &owner, run_id, json!({"name": "42"})).await;
    let state = app
        .call(Method::POST, &format!("/api/v1/wizard-runs/{run_id}/next"))
        .by(owner.as_str())
        .expect(200)
        .await;
    assert_eq!(
        state["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "Done")
    );
    assert_eq!(state["answers"]["notes"], format!("left {step}"));

    // complete is gated by the last step's events too.
    support::answer(&app, &owner, run_id, json!({"notes": null})).await;
    assert_problem(
        app.post_json(
            &format!("/api/v1/wizard-runs/{run_id}/complete"),
            &json!({}),
            Some(&owner),
        )
        .await,
        422,
        Some("step"),
    )
    .await;
    support::answer(&app, &owner, run_id, json!({"notes": "fine"})).await;
    let done = app
        .call(
            Method::POST,
            &format!("/api/v1/wizard-runs/{run_id}/complete"),
        )
        .by(owner.as_str())
        .expect(200)
        .await;
    assert_eq!(done["status"], "completed");
}

async fn only_the_owner_executes_and_reads_logs(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "hello",
            "step.onEntry",
            Some(&support::step_id(def, "Contact")),
            vec![action("hi", "show_message", json!({"text": "hi"}))],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let body = json!({"trigger": "step.onEntry", "target_id": support::step_id(&def, "Contact")});
    assert_problem(execute(&app, &other, run_id, body.clone()).await, 404, None).await;
    let resp = support::execute_ok(&app, &owner, run_id, body.clone()).await;
    let log_id = resp["log_ids"][0].as_str().unwrap();
    for path in [
        format!("/api/v1/wizard-runs/{run_id}/action-logs"),
        format!("/api/v1/wizard-runs/{run_id}/action-logs/{log_id}"),
    ] {
        assert_problem(app.get(&path, Some(&other)).await, 404, None).await;
    }
    assert_problem(
        app.get(
            &format!(
                "/api/v1/wizard-runs/{run_id}/action-logs/{}",
                Uuid::new_v4()
            ),
            Some(&owner),
        )
        .await,
        404,
        None,
    )
    .await;
    assert_problem(
        execute(&app, &owner, &Uuid::new_v4().to_string(), body.clone()).await,
        404,
        None,
    )
    .await;
    let own = logs(&app, &owner, run_id).await;
    assert_eq!(own.len(), 1);
    assert_eq!(
        own[0]["children"][0]["input"]["config"]["text"], "hi",
        "{own:?}"
    );

    // Someone else running the wizard sees what ran and how it went, not its internals.
    let theirs = support::start(&app, &other, &wizard).await;
    let theirs = theirs["id"].as_str().unwrap();
    let resp = support::execute_ok(&app, &other, theirs, body.clone()).await;
    assert_eq!(resp["effects"]["messages"][0]["text"], "hi", "{resp}");
    let seen = logs(&app, &other, theirs).await;
    let action = &seen[0]["children"][0];
    assert_eq!(
        (&action["name"], &action["status"]),
        (&json!("hi"), &json!("success"))
    );
    for node in [&seen[0], action] {
        assert!(
            node.get("input").is_none() && node.get("output").is_none(),
            "{node}"
        );
    }

    // The three endpoints are documented.
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    for (path, method) in [
        ("/api/v1/wizard-runs/{run_id}/execute-event", "post"),
        ("/api/v1/wizard-runs/{run_id}/action-logs", "get"),
        ("/api/v1/wizard-runs/{run_id}/action-logs/{log_id}", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
}

async fn scripts_fail_cleanly_and_the_next_action_works(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        let mut throws = action(
            "throws",
            "transform_data",
            json!({"language": "javascript", "expression": "throw new Error('boom');"}),
        );
        throws["on_error"] = json!("retry");
        throws["retry_count"] = json!(3);
        let mut spins = action(
            "spins",
            "transform_data",
            json!({"language": "javascript", "expression": "while (true) {}"}),
        );
        spins["on_error"] = json!("continue");
        let double = action(
            "double",
            "transform_data",
            json!({"language": "javascript", "expression": "return input * 2;",
                   "input": "{{ fields.age }}"}),
        );
        let mut script = action(
            "script",
            "custom_script",
            json!({"code": "setField('email', context.fields.name + '@x.org'); \
                    showMessage('warning', 'careful'); navigate('complete'); \
                    return context.actions.double.output + 1;"}),
        );
        script["output_handling"] = json!({"set_field": "age"});
        let step = support::step_id(def, "Contact");
        vec![
            event("throwing", "step.onEntry", Some(&step), vec![throws]),
            event(
                "spinning",
                "step.onEntry",
                Some(&step),
                vec![spins, double, script],
            ),
        ]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": support::step_id(&def, "Contact"),
               "answers": {"name": "ada", "age": 20}}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[
            ("throws", "error"),
            ("spins", "error"),
            ("double", "success"),
            ("script", "success")
        ])
    );
    // A script that throws is not retried (it would throw again).
    assert_eq!(resp["actions"][0]["attempts"], 1);
    assert!(
        resp["actions"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("boom")),
        "{resp}"
    );
    assert!(
        resp["actions"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("stopped") || e.contains("timed out")),
        "{resp}"
    );
    assert_eq!(resp["actions"][2]["output"], json!(40));
    assert_eq!(resp["effects"]["set_fields"]["email"], "ada@x.org");
    assert_eq!(resp["effects"]["set_fields"]["age"], json!(41));
    assert_eq!(
        resp["effects"]["messages"],
        json!([{"level": "warning", "text": "careful"}])
    );
    assert_eq!(resp["effects"]["navigate"], "complete");
    let reloaded = get_run(&app, &owner, run_id).await;
    assert_eq!(reloaded["answers"]["age"], json!(41));
    assert_eq!(reloaded["answers"]["email"], "ada@x.org");
}

// ---- the rate limit (its own settings) -------------------------------------------------

async fn spawn_limited(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite:{}", tmp.path().join("test.db").display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = std::env::var("WP_TEST_POSTGRES_URL").expect(
                "WP_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL",
            );
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", Uuid::new_v4().simple());
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
    };
    let mut settings = common::test_settings(tmp.path().to_path_buf(), url);
    settings.events_per_minute = 1;
    settings.events_burst = 2;
    (common::spawn_with(settings).await, tmp)
}

async fn executions_are_rate_limited_per_user(backend: Backend) {
    let (app, _tmp) = spawn_limited(backend).await;
    let (_, owner) = app.register("owner@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    let (wizard, _) = publish_with_events(&app, &owner, &contact_wizard(), |_| Vec::new()).await;
    let mine = support::start(&app, &owner, &wizard).await;
    let theirs = support::start(&app, &other, &wizard).await;
    let body = json!({"trigger": "wizard.onStart"});
    let mine = mine["id"].as_str().unwrap();
    support::execute_ok(&app, &owner, mine, body.clone()).await;
    support::execute_ok(&app, &owner, mine, body.clone()).await;
    let resp = execute(&app, &owner, mine, body.clone()).await;
    assert!(resp.headers().contains_key("retry-after"));
    assert_problem(resp, 429, None).await;
    // Another user has their own budget.
    support::execute_ok(&app, &other, theirs["id"].as_str().unwrap(), body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executions_are_rate_limited_per_user_sqlite() {
    executions_are_rate_limited_per_user(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executions_are_rate_limited_per_user_postgres() {
    executions_are_rate_limited_per_user(Backend::Postgres).await;
}

async fn scripts_call_only_declared_apis_and_calls_are_logged(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    allow_loopback(&app, &admin).await;
    let up = upstream().await;
    let draft = support::create_draft(&app, &admin, &contact_wizard()).await;
    let wizard_id = draft["id"].as_str().unwrap().to_owned();
    let config = app
        .call(
            Method::POST,
            &format!("/api/v1/wizards/{wizard_id}/api-configs"),
        )
        .body(&json!({"name": "up", "base_url": up.base}))
        .by(admin.as_str())
        .expect(201)
        .await;
    let config_id = config["id"].as_str().unwrap().to_owned();
    let current = app
        .call(Method::GET, &format!("/api/v1/wizards/{wizard_id}"))
        .by(admin.as_str())
        .expect(200)
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/wizards/{wizard_id}/publish"),
    )
    .body(&json!({"version": current["version"]}))
    .by(admin.as_str())
    .expect(201)
    .await;
    let code = "const r = await callApi('up', {url: '/items'}); \
                let refused = ''; \
                try { await callApi('elsewhere', {url: '/items'}); } \
                catch (e) { refused = String(e && e.message || e); } \
                try { await runAction('lib', {}); } \
                catch (e) { showMessage('info', String(e && e.message || e)); } \
                return {names: r.items.map(i => i.name), refused};";
    let def = inject_events(&app, &wizard_id, |def| {
        vec![event(
            "scripted",
            "step.onEntry",
            Some(&support::step_id(def, "Contact")),
            vec![action(
                "script",
                "custom_script",
                json!({"code": code, "allowed_api_configs": [config_id]}),
            )],
        )]
    })
    .await;
    let run = support::start(&app, &admin, &wizard_id).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &admin,
        run_id,
        json!({"trigger": "step.onEntry", "target_id": support::step_id(&def, "Contact")}),
    )
    .await;
    assert_eq!(statuses(&resp), pairs(&[("script", "success")]), "{resp}");
    let out = &resp["actions"][0]["output"];
    assert_eq!(out["names"], json!(["France", "Japan"]));
    assert!(
        out["refused"]
            .as_str()
            .is_some_and(|m| m.contains("not an API configuration this script may use")),
        "{out}"
    );
    assert!(
        resp["effects"]["messages"][0]["text"]
            .as_str()
            .is_some_and(|m| m.contains("not an action this script may run")),
        "{resp}"
    );
    assert_eq!(up.items.load(Ordering::SeqCst), 1);

    // The call hangs under the attempt that made it.
    let trees = logs(&app, &admin, run_id).await;
    let attempt = &trees[0]["children"][0];
    assert_eq!(attempt["kind"], "action");
    let calls = attempt["children"].as_array().expect("call rows");
    assert_eq!(calls.len(), 1, "{attempt}");
    assert_eq!(calls[0]["kind"], "call");
    assert_eq!(calls[0]["name"], "callApi up");
    assert_eq!(calls[0]["status"], "success");
    assert_eq!(calls[0]["parent_log_id"], attempt["id"]);
    assert_eq!(calls[0]["output"]["items"][1]["name"], "Japan");
}

async fn events_saved_through_the_api_run_from_the_pinned_version(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let draft = support::create_draft(&app, &owner, &contact_wizard()).await;
    let wizard_id = draft["id"].as_str().unwrap().to_owned();
    let def = &draft["definition"];
    let name_id = support::field_id(def, "name");
    let add_event = |label: &str, text: &str| {
        json!({"name": label, "trigger": "optionSet.onChange", "target_id": name_id,
        "actions": [
            {"name": "say", "action_type": "show_message", "config": {"text": text}},
            {"name": "copy", "action_type": "set_field_value",
             "config": {"field": "email", "value": "{{ fields.name }}@api.test"}}
        ]})
    };
    let events_path = format!("/api/v1/wizards/{wizard_id}/events");
    app.call(Method::POST, &events_path)
        .body(&add_event("published", "from the version"))
        .by(owner.as_str())
        .expect(201)
        .await;
    let current = app
        .get_json(&format!("/api/v1/wizards/{wizard_id}"), Some(&owner))
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/wizards/{wizard_id}/publish"),
    )
    .body(&json!({"version": current["version"]}))
    .by(owner.as_str())
    .expect(201)
    .await;
    // Added to the draft after publishing: not in the run's version, so it never runs.
    app.call(Method::POST, &events_path)
        .body(&add_event("draft only", "from the draft"))
        .by(owner.as_str())
        .expect(201)
        .await;
    let run = support::start(&app, &owner, &wizard_id).await;
    let run_id = run["id"].as_str().unwrap();
    let resp = support::execute_ok(
        &app,
        &owner,
        run_id,
        json!({"trigger": "optionSet.onChange", "target_id": name_id,
               "answers": {"name": "grace"}, "value": "grace"}),
    )
    .await;
    assert_eq!(
        statuses(&resp),
        pairs(&[("say", "success"), ("copy", "success")])
    );
    assert_eq!(
        resp["effects"]["messages"],
        json!([{"level": "info", "text": "from the version"}])
    );
    assert_eq!(
        get_run(&app, &owner, run_id).await["answers"]["email"],
        "grace@api.test"
    );
}

async fn testing_an_action_runs_it_once_and_stores_nothing(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    let draft = support::create_draft(&app, &owner, &contact_wizard()).await;
    let wizard_id = draft["id"].as_str().unwrap().to_owned();
    let test = |action: Value, answers: Value| json!({"wizard_id": wizard_id, "action": action, "answers": answers, "value": 7});
    let set_age = json!({"name": "age", "action_type": "set_field_value",
                         "config": {"field": "age", "value": "{{ event.value }}"}});
    let resp = app
        .call(Method::POST, "/api/v1/wizards/actions/test")
        .body(&test(set_age.clone(), json!({"name": "x"})))
        .by(owner.as_str())
        .expect(200)
        .await;
    assert_eq!(resp["effects"]["set_fields"]["age"], json!(7));
    assert_eq!(resp["answers"], json!({"name": "x", "age": 7}));
    assert_eq!(resp["log_ids"], json!([]));
    // No run, so nothing anywhere to read back.
    let runs = app.get_json("/api/v1/wizard-runs", Some(&owner)).await;
    assert_eq!(runs, json!([]));

    // Checked first: a field that is not there, ill-typed sample answers.
    let ghost = json!({"name": "ghost", "action_type": "set_field_value",
                       "config": {"field": "ghost", "value": 1}});
    let body = assert_problem(
        app.post_json(
            "/api/v1/wizards/actions/test",
            &test(ghost, json!({})),
            Some(&owner),
        )
        .await,
        422,
        None,
    )
    .await;
    assert!(
        body["errors"][0]["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("action") && f.ends_with("field")),
        "{body}"
    );
    assert_problem(
        app.post_json(
            "/api/v1/wizards/actions/test",
            &test(set_age.clone(), json!({"age": "old"})),
            Some(&owner),
        )
        .await,
        422,
        Some("answers.age"),
    )
    .await;
    // Only the draft's owner may test its actions.
    assert_problem(
        app.post_json(
            "/api/v1/wizards/actions/test",
            &test(set_age, json!({})),
            Some(&other),
        )
        .await,
        404,
        None,
    )
    .await;
}

/// Reads a progress stream (Server-Sent Events) until `event: idle`; the `progress`
/// messages in the order they came.
async fn read_progress(mut resp: reqwest::Response) -> Vec<String> {
    let mut text = String::new();
    let mut seen = Vec::new();
    while let Some(chunk) = resp.chunk().await.expect("stream chunk") {
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.contains("event: idle") {
                return seen;
            }
            if block.contains("event: progress") {
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .expect("data line");
                let p: Value = serde_json::from_str(data).expect("progress JSON");
                seen.push(p["message"].as_str().expect("message").to_owned());
            }
        }
    }
    panic!("the progress stream ended without `idle`; saw {seen:?}");
}

async fn progress_streams_each_action_then_idle(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    // Three actions that each take a moment, so each one is seen while it runs.
    let slow = "const t = Date.now(); while (Date.now() - t < 400) {} return 1;";
    let (wizard, _) = publish_with_events(&app, &owner, &contact_wizard(), |_| {
        let mut one = action("one", "custom_script", json!({"code": slow}));
        one["loading_message"] = json!("Checking the address…");
        let mut two = action("two", "custom_script", json!({"code": slow}));
        two["loading_message"] = json!("Pricing the order…");
        let three = action("three", "custom_script", json!({"code": slow}));
        vec![event("go", "wizard.onStart", None, vec![one, two, three])]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let path = format!("/api/v1/wizard-runs/{run_id}/progress");

    // Only the run's owner follows it.
    let resp = app.get(&path, Some(&other)).await;
    assert_problem(resp, 404, None).await;

    // Straight from the client: the contract check of `app.get` would read the whole body.
    let resp = app
        .client
        .get(app.url(&path))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("progress stream");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    let reader = tokio::spawn(read_progress(resp));
    let done = execute(&app, &owner, &run_id, json!({"trigger": "wizard.onStart"})).await;
    assert_eq!(done.status(), 200);
    let seen = reader.await.expect("reader");
    assert_eq!(
        seen,
        [
            "Checking the address…",
            "Pricing the order…",
            "Running three…"
        ],
        "each action's message, in order, then idle"
    );
}

async fn dynamic_table_picks_are_checked_against_the_rows_of_the_run(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let definition = json!({
        "name": "Pick a plan",
        "steps": [{"title": "Plans", "option_sets": [
            {"key": "load", "label": "Load plans", "selection_type": "apply_button"},
            {"key": "plan", "label": "Plan", "selection_type": "dynamic_table",
             "settings": {"selection": "single", "value_path": "code"}},
            {"key": "extras", "label": "Extras", "selection_type": "dynamic_table",
             "settings": {"selection": "multiple", "value_path": "id"}},
            {"key": "shown", "label": "Shown", "selection_type": "dynamic_table"}
        ]}]
    });
    let table = |slot: &str| json!({"slot": slot, "renderer": "table"});
    let (wizard, _) = publish_with_events(&app, &owner, &definition, |def| {
        let load = support::field_id(def, "load");
        let mut plans = action(
            "plans",
            "transform_data",
            json!({"language": "jmespath",
                   "expression": "[{code: 'basic', name: 'Basic'}, {code: 'pro', name: 'Pro'}]"}),
        );
        plans["output_handling"] = json!({"render": table("plan")});
        let mut extras = action(
            "extras",
            "transform_data",
            json!({"language": "jmespath", "expression": "[{id: `1`}, {id: `2`}, {id: `3`}]"}),
        );
        extras["output_handling"] = json!({"render": table("extras")});
        vec![event(
            "load",
            "optionSet.onApply",
            Some(&load),
            vec![plans, extras],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();

    // Before the action ran there is nothing to pick.
    let early = support::answer(&app, &owner, &run_id, json!({"plan": "basic"})).await;
    let p = assert_problem(early, 422, Some("answers.plan")).await;
    assert!(p.to_string().contains("no rows yet"), "{p}");

    let load = support::field_id(&run["definition"], "load");
    support::execute_ok(
        &app,
        &owner,
        &run_id,
        json!({"trigger": "optionSet.onApply", "target_id": load}),
    )
    .await;
    // A row's value is accepted and stored; anything else names the field.
    let ok = support::answer(
        &app,
        &owner,
        &run_id,
        json!({"plan": "pro", "extras": [3, 1]}),
    )
    .await;
    assert_eq!(ok.status(), 200);
    let saved = get_run(&app, &owner, &run_id).await;
    assert_eq!(saved["answers"]["plan"], "pro");
    assert_eq!(saved["answers"]["extras"], json!([3, 1]));
    for (answers, field, says) in [
        (json!({"plan": "gold"}), "answers.plan", "not a row"),
        (json!({"plan": ["pro"]}), "answers.plan", "one row"),
        (json!({"extras": [1, 1]}), "answers.extras", "twice"),
        (json!({"extras": 2}), "answers.extras", "list"),
        (json!({"shown": "x"}), "answers.shown", "takes no answer"),
    ] {
        let resp = support::answer(&app, &owner, &run_id, answers.clone()).await;
        let p = assert_problem(resp, 422, Some(field)).await;
        assert!(p.to_string().contains(says), "{answers}: {p}");
    }
    // Clearing is always possible.
    let cleared = support::answer(&app, &owner, &run_id, json!({"plan": null})).await;
    assert_eq!(cleared.status(), 200);

    // A dynamic table is fed by the table renderer only, and picking needs a value path.
    let draft = support::create_draft(&app, &owner, &definition).await;
    let draft_id = draft["id"].as_str().expect("id");
    let plan = support::field_id(&draft["definition"], "load");
    let mut wrong = action(
        "json",
        "transform_data",
        json!({"language": "jmespath", "expression": "`[]`"}),
    );
    wrong["output_handling"] = json!({"render": {"slot": "plan", "renderer": "json"}});
    let mut body = event("wrong", "optionSet.onApply", Some(&plan), vec![wrong]);
    body.as_object_mut().expect("event").remove("id");
    let resp = app
        .post_json(
            &format!("/api/v1/wizards/{draft_id}/events"),
            &body,
            Some(&owner),
        )
        .await;
    let p = assert_problem(resp, 422, None).await;
    assert!(p.to_string().contains("table renderer"), "{p}");
    let mut no_path = definition.clone();
    no_path["steps"][0]["option_sets"][1]["settings"] = json!({"selection": "single"});
    let resp = app
        .put_json(
            &format!("/api/v1/wizards/{draft_id}"),
            &json!({"version": draft["version"], "definition": no_path}),
            Some(&owner),
        )
        .await;
    assert_problem(
        resp,
        422,
        Some("steps[0].option_sets[1].settings.value_path"),
    )
    .await;
}

/// The builder's live preview: a test returns the action's output before its output
/// handling (`raw_output`), and `preview-output` applies any handling to it with the run's
/// own code and messages, part by part; only the wizard's owner may ask.
async fn the_output_preview_applies_output_handling_to_a_tests_raw_output(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let draft = support::create_draft(&app, &owner, &contact_wizard()).await;
    let wizard_id = draft["id"].as_str().unwrap().to_owned();
    let mut load = json!({"name": "load", "action_type": "transform_data",
        "config": {"language": "javascript",
                   "expression": "return {countries: [{name: 'France', code: 'FR', people: 68}, {name: 'Japan', code: 'JP', people: 124}]};"}});
    load["output_handling"] = json!({"extract": "countries[].name"});
    let tested = app
        .call(Method::POST, "/api/v1/wizards/actions/test")
        .body(&json!({"wizard_id": wizard_id, "action": load}))
        .by(owner.as_str())
        .expect(200)
        .await;
    let outcome = &tested["actions"][0];
    assert_eq!(outcome["output"], json!(["France", "Japan"]), "{tested}");
    let raw = outcome["raw_output"].clone();
    assert_eq!(raw["countries"][1]["code"], "JP", "{tested}");

    let preview = |handling: Value| {
        app.call(Method::POST, "/api/v1/wizards/actions/preview-output")
            .body(&json!({"wizard_id": wizard_id, "output_handling": handling, "data": raw}))
            .by(owner.as_str())
            .expect(200)
    };
    // Extract, options and a table render, each as a run would make them.
    let p = preview(json!({
        "extract": "countries",
        "replace_options": {"option_set": "country", "label_path": "name", "value_path": "code"},
        "render": {"slot": "summary", "renderer": "table"}
    }))
    .await;
    assert_eq!(p["extracted"][0]["name"], "France", "{p}");
    let options: Vec<(String, String)> = p["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| {
            (
                o["label"].as_str().unwrap().to_owned(),
                o["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        options,
        vec![
            ("France".into(), "FR".into()),
            ("Japan".into(), "JP".into())
        ]
    );
    assert_eq!(p["render"]["renderer"], "table", "{p}");
    assert_eq!(p["render"]["data"][1]["people"], 124, "{p}");

    // Each part that would fail says why, with the run's message; the others still show.
    let p = preview(json!({
        "extract": "countries[0].people",
        "set_field": "age",
        "replace_options": {"option_set": "country", "label_path": "name", "value_path": "code"}
    }))
    .await;
    assert_eq!(p["extracted"], 68);
    assert_eq!(p["field_value"], 68);
    assert!(
        p["options_error"]
            .as_str()
            .is_some_and(|e| e.contains("needs a list of rows")),
        "{p}"
    );
    let p = preview(json!({"extract": "countries[0].name", "set_field": "age"})).await;
    assert!(p["field_error"].is_string(), "{p}");
    let p = preview(json!({"extract": "countries[?"})).await;
    assert!(p["extract_error"].is_string(), "{p}");
    assert!(p.get("extracted").is_none(), "{p}");

    // Someone else's wizard is not found; a bad body names the field.
    let (_, other) = app.register("other@example.com").await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/actions/preview-output",
        Some(&json!({"wizard_id": wizard_id, "output_handling": {}, "data": raw})),
        Some(&other),
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/actions/preview-output",
        Some(&json!({"wizard_id": wizard_id, "output_handling": {"render": {"slot": "summary", "renderer": "pie"}}, "data": raw})),
        Some(&owner),
        422,
        Some("output_handling.render.renderer"),
    )
    .await;
}

//! What an event leaves in storage (issue 15): its log rows are written together when it
//! ends, in the transaction that saves the answers its actions set, so both land or
//! neither; an action slower than `trace_after` has the rows so far written while it runs,
//! so a crash mid-event still leaves a `running` trace; concurrent events on one run all
//! keep their answers and rows. Each scenario runs on SQLite and on PostgreSQL.

use crate::engine::{
    action, allow_loopback, contact_wizard, event, execute, get_run, logs, publish_with_events,
    upstream,
};
use crate::{common, support};

use std::time::Duration;

use common::TestApp;
use serde_json::{Value, json};
use wizard_core::backend::db;
use wizard_core::domain::event::{ActionLog, LogKind, LogStatus};

on_both_backends!(
    a_slow_action_leaves_a_running_trace_while_it_runs,
    a_failed_final_write_keeps_neither_the_actions_answers_nor_the_logs,
    concurrent_events_on_one_run_keep_every_answer_and_row,
    grouped_log_writes_keep_every_row_but_the_refused_one,
    an_event_whose_log_rows_cannot_be_stored_is_not_acknowledged,
    an_event_sees_every_write_of_its_run_that_finished_before_it,
);

/// The rows of a run's log trees, flattened: (kind, name, status).
fn rows(trees: &[Value]) -> Vec<(String, String, String)> {
    fn walk(node: &Value, out: &mut Vec<(String, String, String)>) {
        let text = |k: &str| node[k].as_str().unwrap_or_default().to_owned();
        out.push((text("kind"), text("name"), text("status")));
        for child in node["children"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    trees.iter().for_each(|t| walk(t, &mut out));
    out
}

fn row(kind: &str, name: &str, status: &str) -> (String, String, String) {
    (kind.to_owned(), name.to_owned(), status.to_owned())
}

async fn a_slow_action_leaves_a_running_trace_while_it_runs(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    allow_loopback(&app, &admin).await;
    let up = upstream().await;
    let slow_url = format!("{}/slow", up.base);
    let (wizard, def) = publish_with_events(&app, &admin, &contact_wizard(), |def| {
        let mut slow = action("slow", "api_call", json!({"url": slow_url}));
        slow["timeout_ms"] = json!(1500);
        vec![event(
            "waits",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![
                action("quick", "show_message", json!({"text": "first"})),
                slow,
            ],
        )]
    })
    .await;
    let run = support::start(&app, &admin, &wizard).await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let body = json!({"trigger": "optionSet.onChange",
                      "target_id": support::field_id(&def, "name"), "answers": {"name": "Ada"}});
    let pending = {
        let (app_base, client, token, run_id) = (
            app.base.clone(),
            app.client.clone(),
            admin.clone(),
            run_id.clone(),
        );
        tokio::spawn(async move {
            client
                .post(format!(
                    "{app_base}/api/v1/wizard-runs/{run_id}/execute-event"
                ))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("execute")
                .status()
        })
    };
    // Well past `trace_after` (250 ms), well before the action's 1.5 s timeout: what a
    // crash now would leave in the database.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let during = rows(&logs(&app, &admin, &run_id).await);
    assert_eq!(
        during,
        vec![
            row("event", "waits", "running"),
            row("action", "quick", "success"),
            row("action", "slow", "running"),
        ],
        "the rows so far are written while the slow action runs"
    );
    assert_eq!(pending.await.expect("task").as_u16(), 200);
    // The running rows are ended in place, not written twice.
    let after = rows(&logs(&app, &admin, &run_id).await);
    assert_eq!(
        after,
        vec![
            row("event", "waits", "error"),
            row("action", "quick", "success"),
            row("action", "slow", "error"),
        ]
    );
}

/// Makes the database refuse any log row named `name`, as a full disk or a lost connection
/// would refuse the event's final write.
async fn refuse_log_rows_named(app: &TestApp, name: &str) {
    let statements: Vec<String> = match app.state.db.backend {
        db::Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_logs BEFORE INSERT ON action_execution_logs \
             WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )],
        db::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_logs() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER refuse_logs BEFORE INSERT ON action_execution_logs \
                 FOR EACH ROW WHEN (NEW.name = '{name}') EXECUTE FUNCTION refuse_logs()"
            ),
        ],
    };
    for sql in statements {
        sqlx::query(&sql)
            .execute(&app.state.db.pool)
            .await
            .expect("create the trigger");
    }
}

async fn a_failed_final_write_keeps_neither_the_actions_answers_nor_the_logs(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "fills email",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![action(
                "doomed",
                "set_field_value",
                json!({"field": "email", "value": "ada@example.com"}),
            )],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id");
    refuse_log_rows_named(&app, "doomed").await;
    let resp = execute(
        &app,
        &owner,
        run_id,
        json!({"trigger": "optionSet.onChange", "target_id": support::field_id(&def, "name"),
               "answers": {"name": "Ada"}}),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 500, "the event could not be stored");
    assert!(
        common::logs::captured().contains("refused"),
        "the database's refusal is logged"
    );
    let stored = get_run(&app, &owner, run_id).await;
    // The runner's own answer was saved before the event ran (a slow or failing event
    // never holds it hostage); what the action set rolled back with its log rows.
    assert_eq!(stored["answers"]["name"], "Ada");
    assert_eq!(stored["answers"].get("email"), None, "{stored}");
    assert_eq!(rows(&logs(&app, &owner, run_id).await), vec![]);
}

/// An event whose actions set no answer writes only its log rows; when they cannot be
/// stored, it is not answered 200 either.
async fn an_event_whose_log_rows_cannot_be_stored_is_not_acknowledged(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "greets",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![action("hello", "show_message", json!({"text": "hi"}))],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id");
    let body = json!({"trigger": "optionSet.onChange",
                      "target_id": support::field_id(&def, "name")});
    let ok = execute(&app, &owner, run_id, body.clone()).await;
    assert_eq!(ok.status().as_u16(), 200);
    refuse_log_rows_named(&app, "hello").await;
    let refused = execute(&app, &owner, run_id, body).await;
    assert_eq!(
        refused.status().as_u16(),
        500,
        "the event could not be stored"
    );
    assert_eq!(
        rows(&logs(&app, &owner, run_id).await),
        vec![
            row("event", "greets", "success"),
            row("action", "hello", "success")
        ],
        "only the acknowledged event's rows"
    );
}

async fn concurrent_events_on_one_run_keep_every_answer_and_row(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "copies",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![action(
                "notes",
                "set_field_value",
                json!({"field": "email", "value": "{{ event.value }}@example.com"}),
            )],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id");
    let field = support::field_id(&def, "name");
    let sends = (0..8).map(|i| {
        execute(
            &app,
            &owner,
            run_id,
            json!({"trigger": "optionSet.onChange", "target_id": field, "value": format!("u{i}"),
                   "answers": {"age": i}}),
        )
    });
    for resp in futures_util::future::join_all(sends).await {
        assert_eq!(resp.status().as_u16(), 200);
    }
    let trees = logs(&app, &owner, run_id).await;
    assert_eq!(trees.len(), 8, "one event row per acknowledged event");
    assert!(
        rows(&trees)
            .iter()
            .all(|(_, _, status)| status == "success"),
        "{trees:?}"
    );
    let stored = get_run(&app, &owner, run_id).await;
    let email = stored["answers"]["email"]
        .as_str()
        .expect("an email was set");
    assert!(
        email.starts_with('u') && email.ends_with("@example.com"),
        "{email}"
    );
    assert!(stored["answers"]["age"].is_number());
}

/// A run of a published wizard without events, to write log rows under directly.
async fn a_run(app: &TestApp) -> uuid::Uuid {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, _) = publish_with_events(app, &owner, &contact_wizard(), |_| vec![]).await;
    let run = support::start(app, &owner, &wizard).await;
    run["id"].as_str().expect("run id").parse().expect("uuid")
}

/// A finished `event` log row of `run_id`.
fn event_row(run_id: uuid::Uuid, name: String, input: Value) -> ActionLog {
    ActionLog {
        id: uuid::Uuid::now_v7(),
        run_id,
        parent_log_id: None,
        kind: LogKind::Event,
        event_id: None,
        action_id: None,
        name,
        status: LogStatus::Success,
        attempt: 0,
        started_at: db::now_text(),
        completed_at: Some(db::now_text()),
        duration_ms: Some(1),
        input,
        output: Value::Null,
        error: None,
        children: vec![],
    }
}

/// Log rows written on their own are grouped with other executions' into one statement
/// (`db::logs::LogQueue`): every caller still learns whether its own rows landed, and a
/// refused row costs no other execution its rows.
async fn grouped_log_writes_keep_every_row_but_the_refused_one(app: TestApp) {
    let run_id = a_run(&app).await;
    refuse_log_rows_named(&app, "doomed").await;
    let db = &app.state.db;
    let row = |name: String| event_row(run_id, name, Value::Null);
    // Enough executions at once that they queue behind each other and are grouped.
    let writes = (0..40).map(|i| {
        let name = if i == 17 {
            "doomed".to_owned()
        } else {
            format!("event {i}")
        };
        db::logs::insert_all(db, vec![row(name.clone()), row(format!("{name} again"))])
    });
    let outcomes = futures_util::future::join_all(writes).await;
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.is_ok(), i != 17, "execution {i}: {outcome:?}");
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM action_execution_logs WHERE run_id = $1")
            .bind(run_id.to_string())
            .fetch_all(&db.pool)
            .await
            .expect("rows");
    assert_eq!(
        names.len(),
        78,
        "two rows of each execution but the refused one"
    );
    assert!(!names.iter().any(|n| n.starts_with("doomed")), "{names:?}");
}

/// SQLite copies its write-ahead log into the database file in the background
/// (`db::checkpoints`, issue 15), not only in the commit that crosses 16,384 WAL pages (the
/// writer's own checkpoint held every waiting event up): a burst of about 8 MB of log rows
/// reaches the database file itself within seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_copies_the_wal_into_the_database_file_in_the_background() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let run_id = a_run(&app).await;
    let file = app.settings.data_dir.join("test.db");
    let size = || std::fs::metadata(&file).expect("the database file").len();
    let before = size();
    let db = &app.state.db;
    const ROWS: usize = 2_000;
    const BYTES: usize = 4_000;
    for chunk in 0..ROWS / 50 {
        let rows = (0..50)
            .map(|i| {
                let blob = format!("{chunk}.{i}{}", "x".repeat(BYTES));
                event_row(
                    run_id,
                    format!("burst {chunk}.{i}"),
                    json!({ "blob": blob }),
                )
            })
            .collect();
        db::logs::insert_all(db, rows).await.expect("rows written");
    }
    let wanted = before + (ROWS * BYTES) as u64;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while size() < wanted && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        size() >= wanted,
        "the database file holds {} bytes, {before} before {ROWS} rows of {BYTES} bytes",
        size()
    );
}

/// Execute-event reads its run through a short-lived cache on SQLite (issue 15); every
/// write of the run must drop the cached row, so an event never acts on answers, a step
/// or a status older than a request that already finished.
async fn an_event_sees_every_write_of_its_run_that_finished_before_it(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let (wizard, def) = publish_with_events(&app, &owner, &contact_wizard(), |def| {
        vec![event(
            "echoes",
            "optionSet.onChange",
            Some(&support::field_id(def, "name")),
            vec![action(
                "say",
                "show_message",
                json!({"text": "name={{ fields.name }} age={{ fields.age }}"}),
            )],
        )]
    })
    .await;
    let run = support::start(&app, &owner, &wizard).await;
    let run_id = run["id"].as_str().expect("run id");
    let body = json!({"trigger": "optionSet.onChange",
                      "target_id": support::field_id(&def, "name")});
    let said = |resp: &Value| resp["effects"]["messages"][0]["text"].clone();

    // The event's own answer save, then a save through the runs API.
    let first = execute(
        &app,
        &owner,
        run_id,
        json!({"trigger": "optionSet.onChange",
        "target_id": support::field_id(&def, "name"), "answers": {"name": "Ada", "age": 1}}),
    )
    .await;
    assert_eq!(first.status().as_u16(), 200);
    let again = support::execute_ok(&app, &owner, run_id, body.clone()).await;
    assert_eq!(said(&again), "name=Ada age=1", "{again}");
    let saved = support::answer(&app, &owner, run_id, json!({"name": "Bob"})).await;
    assert_eq!(saved.status().as_u16(), 200);
    let bob = support::execute_ok(&app, &owner, run_id, body.clone()).await;
    assert_eq!(said(&bob), "name=Bob age=1", "{bob}");
    let saved = support::answer(&app, &owner, run_id, json!({"name": "Ada", "age": 36})).await;
    assert_eq!(saved.status().as_u16(), 200);
    let after_save = support::execute_ok(&app, &owner, run_id, body.clone()).await;
    assert_eq!(said(&after_save), "name=Ada age=36", "{after_save}");

    // Moving on and completing: the event sees the completed status at once.
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/wizard-runs/{run_id}/next"),
    )
    .by(owner.as_str())
    .expect(200)
    .await;
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/wizard-runs/{run_id}/complete"),
    )
    .by(owner.as_str())
    .expect(200)
    .await;
    let completed = execute(&app, &owner, run_id, body.clone()).await;
    assert_eq!(completed.status().as_u16(), 409, "the run is completed");

    // A deleted run is gone for events at once.
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/wizard-runs/{run_id}"),
    )
    .by(owner.as_str())
    .expect(204)
    .await;
    let deleted = execute(&app, &owner, run_id, body).await;
    assert_eq!(deleted.status().as_u16(), 404, "the run was deleted");
}

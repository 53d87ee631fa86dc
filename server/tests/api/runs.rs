//! Playing wizards over the REST API: answers saved as given and re-checked by the server,
//! hidden fields and skipped steps, resuming after a restart, completion, My Runs, the
//! Store, uploads — and who may see what. Each test runs on SQLite and on PostgreSQL.

use crate::{common, support};

use common::{TestApp, assert_problem};
use reqwest::Method;
use serde_json::{Value, json};
use support::{answer, three_steps};

on_both_backends!(
    a_run_is_checked_by_the_server_at_every_move,
    runs_are_listed_filtered_and_private,
    the_store_keeps_named_runs_private_or_shared,
    uploads_are_limited_checked_and_served_safely,
    concurrent_savers_of_different_keys_never_conflict,
);

/// An admin (who publishes the survey) and a runner-ish second user; returns
/// (wizard id, owner token, second token).
async fn published_survey(app: &TestApp) -> (String, String, String) {
    let (_, owner) = app.register("owner@example.com").await;
    let (_, second) = app.register("second@example.com").await;
    let draft = support::publish(app, &owner, &three_steps()).await;
    (draft["id"].as_str().unwrap().to_owned(), owner, second)
}

async fn a_run_is_checked_by_the_server_at_every_move(app: TestApp) {
    let (wizard, owner, _) = published_survey(&app).await;
    let t = Some(owner.as_str());
    let run = support::start(&app, &owner, &wizard).await;
    let id = run["id"].as_str().unwrap().to_owned();
    let def = run["definition"].clone();
    assert_eq!(run["status"], "in_progress");
    assert_eq!(run["editable"], true);
    assert_eq!(
        run["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "About you")
    );

    // Wrong kinds, unknown fields and hidden fields are refused, each by its path.
    let body = assert_problem(
        answer(&app, &owner, &id, json!({"name": 42, "ghost": "x"})).await,
        422,
        Some("answers.name"),
    )
    .await;
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "answers.ghost")
    );
    assert_problem(
        answer(&app, &owner, &id, json!({"years": 3})).await,
        422,
        Some("answers.years"),
    )
    .await;
    assert_problem(
        answer(&app, &owner, &id, json!({"team_size": 3})).await,
        422,
        Some("answers.team_size"),
    )
    .await;
    assert_problem(
        answer(&app, &owner, &id, json!({"name": "x".repeat(100_001)})).await,
        422,
        Some("answers.name"),
    )
    .await;
    // A half-typed answer is saved as given; the full rules wait for Next.
    let state: Value = answer(&app, &owner, &id, json!({"name": "A", "role": "dev"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["answers"]["name"], "A");
    // `years` is visible now that role is dev.
    let state: Value = answer(&app, &owner, &id, json!({"years": 200}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["answers"]["years"], 200);
    let body = app
        .expect_problem(
            Method::POST,
            &format!("/api/v1/wizard-runs/{id}/next"),
            None,
            t,
            422,
            Some("answers.name"),
        )
        .await;
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "answers.years"),
        "{body}"
    );
    answer(&app, &owner, &id, json!({"name": "Ada", "years": 7})).await;
    // Developers skip the Management step.
    let moved = app
        .call(Method::POST, &format!("/api/v1/wizard-runs/{id}/next"))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        moved["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "Feedback")
    );
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/next"),
        None,
        t,
        409,
        Some("current_step_id"),
    )
    .await;
    // Rich text is sanitised before it is stored.
    let state: Value = answer(&app, &owner, &id, json!({"notes": "<p onclick=\"x()\">Hi <script>alert(1)</script><b>there</b></p>", "badge": "#12ab9F"})).await.json().await.unwrap();
    let notes = state["answers"]["notes"].as_str().unwrap();
    assert!(
        notes.contains("<b>there</b>") && !notes.contains("script") && !notes.contains("onclick"),
        "{notes}"
    );
    // Like a half-typed text, a not-yet-valid color is saved; completing checks it fully,
    // along with every required visible answer.
    let resp = answer(&app, &owner, &id, json!({"badge": "red"})).await;
    assert_eq!(resp.status(), 200);
    let body = app
        .expect_problem(
            Method::POST,
            &format!("/api/v1/wizard-runs/{id}/complete"),
            None,
            t,
            422,
            Some("answers.score"),
        )
        .await;
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "answers.badge"),
        "{body}"
    );
    answer(&app, &owner, &id, json!({"badge": "#12ab9F"})).await;
    answer(&app, &owner, &id, json!({"score": 6})).await;
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/complete"),
        None,
        t,
        422,
        Some("answers.score"),
    )
    .await;
    // Back to the first step: switching to manager hides `years` and brings the step back.
    let back = app
        .call(Method::POST, &format!("/api/v1/wizard-runs/{id}/back"))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        back["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "About you")
    );
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/back"),
        None,
        t,
        409,
        None,
    )
    .await;
    answer(&app, &owner, &id, json!({"role": "manager"})).await;
    let moved = app
        .call(Method::POST, &format!("/api/v1/wizard-runs/{id}/next"))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        moved["current_step_id"].as_str().unwrap(),
        support::step_id(&def, "Management")
    );
    // Completing from a step that is not the last is refused.
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/complete"),
        None,
        t,
        409,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/next"),
        None,
        t,
        422,
        Some("answers.team_size"),
    )
    .await;
    answer(&app, &owner, &id, json!({"team_size": 4})).await;
    app.call(Method::POST, &format!("/api/v1/wizard-runs/{id}/next"))
        .by(t)
        .expect(200)
        .await;
    answer(&app, &owner, &id, json!({"score": 4, "notes": null})).await;

    // The server restarts mid-run: the run resumes on the same step with every answer.
    let before = app.get_json(&format!("/api/v1/wizard-runs/{id}"), t).await;
    let settings = app.settings.clone();
    let tmp = app.stop().await;
    let app = common::spawn_with(settings).await;
    let after = app.get_json(&format!("/api/v1/wizard-runs/{id}"), t).await;
    assert_eq!(after["current_step_id"], before["current_step_id"]);
    assert_eq!(after["answers"], before["answers"]);
    assert!(
        after["answers"].get("notes").is_none(),
        "null cleared the answer"
    );

    let done = app
        .call(Method::POST, &format!("/api/v1/wizard-runs/{id}/complete"))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(done["status"], "completed");
    // `years` was answered while visible, but is hidden for managers: not submitted.
    assert!(
        done["answers"].get("years").is_none(),
        "{}",
        done["answers"]
    );
    assert_eq!(done["answers"]["team_size"], 4);
    // A completed run is read-only.
    assert_problem(
        answer(&app, &owner, &id, json!({"score": 5})).await,
        409,
        Some("status"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/wizard-runs/{id}/back"),
        None,
        t,
        409,
        Some("status"),
    )
    .await;
    let view = app.get_json(&format!("/api/v1/wizard-runs/{id}"), t).await;
    assert_eq!(view["editable"], false);
    assert!(view["completed_at"].is_string());
    drop(tmp);
}

async fn runs_are_listed_filtered_and_private(app: TestApp) {
    let (wizard, owner, second) = published_survey(&app).await;
    let t = Some(owner.as_str());
    let a = support::start(&app, &owner, &wizard).await;
    let b = support::start(&app, &owner, &wizard).await;
    let b_id = b["id"].as_str().unwrap();
    answer(
        &app,
        &owner,
        b_id,
        json!({"name": "Bo", "role": "designer"}),
    )
    .await;
    app.call(Method::POST, &format!("/api/v1/wizard-runs/{b_id}/next"))
        .by(t)
        .expect(200)
        .await;
    answer(&app, &owner, b_id, json!({"score": 5})).await;
    app.call(
        Method::POST,
        &format!("/api/v1/wizard-runs/{b_id}/complete"),
    )
    .by(t)
    .expect(200)
    .await;

    let all = app.get_json("/api/v1/wizard-runs", t).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["id"], b["id"], "most recently updated first");
    assert_eq!(all[0]["wizard_name"], "Team survey");
    assert_eq!(all[0]["version_number"], 1);
    assert!(all[0]["started_at"].is_string() && all[0]["updated_at"].is_string());
    let done = app
        .get_json("/api/v1/wizard-runs?status=completed", t)
        .await;
    assert_eq!(done.as_array().unwrap().len(), 1);
    assert_eq!(done[0]["status"], "completed");
    let open = app
        .get_json("/api/v1/wizard-runs?status=in_progress", t)
        .await;
    assert_eq!(open[0]["id"], a["id"]);
    app.expect_problem(
        Method::GET,
        "/api/v1/wizard-runs?status=paused",
        None,
        t,
        422,
        Some("status"),
    )
    .await;

    // Nobody else sees, changes or deletes them.
    let a_id = a["id"].as_str().unwrap();
    let s = Some(second.as_str());
    assert_eq!(app.get_json("/api/v1/wizard-runs", s).await, json!([]));
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizard-runs/{a_id}"),
        None,
        s,
        404,
        None,
    )
    .await;
    assert_problem(
        answer(&app, &second, a_id, json!({"name": "Mallory"})).await,
        404,
        None,
    )
    .await;
    for action in ["next", "back", "complete"] {
        app.expect_problem(
            Method::POST,
            &format!("/api/v1/wizard-runs/{a_id}/{action}"),
            None,
            s,
            404,
            None,
        )
        .await;
    }
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizard-runs/{a_id}"),
        None,
        s,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizard-runs/{a_id}"),
        None,
        None,
        401,
        None,
    )
    .await;
    // Bad input: malformed body, unknown keys, unknown wizard.
    let resp = app
        .client
        .patch(app.url(&format!("/api/v1/wizard-runs/{a_id}/answers")))
        .bearer_auth(&owner)
        .header("content-type", "application/json")
        .body("{\"answers\": ")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 400, None).await;
    app.expect_problem(
        Method::PATCH,
        &format!("/api/v1/wizard-runs/{a_id}/answers"),
        Some(&json!({"answer": {}})),
        t,
        422,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizard-runs",
        Some(&json!({"wizard_id": "0190a0a0-0000-7000-8000-000000000000"})),
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizard-runs",
        Some(&json!({"wizard_id": "nope"})),
        t,
        422,
        Some("wizard_id"),
    )
    .await;

    app.call(Method::DELETE, &format!("/api/v1/wizard-runs/{a_id}"))
        .by(t)
        .expect(204)
        .await;
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizard-runs/{a_id}"),
        None,
        t,
        404,
        None,
    )
    .await;
    assert_eq!(
        app.get_json("/api/v1/wizard-runs", t)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn the_store_keeps_named_runs_private_or_shared(app: TestApp) {
    let (wizard, owner, second) = published_survey(&app).await;
    let t = Some(owner.as_str());
    let s = Some(second.as_str());
    let run = support::start(&app, &owner, &wizard).await;
    let id = run["id"].as_str().unwrap();
    answer(
        &app,
        &owner,
        id,
        json!({"name": "Ada", "role": "dev", "years": 3}),
    )
    .await;

    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizard-runs/{id}/store"),
        Some(&json!({"name": "  "})),
        t,
        422,
        Some("name"),
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizard-runs/{id}/store"),
        Some(&json!({"name": "x", "visibility": "public"})),
        t,
        422,
        Some("visibility"),
    )
    .await;
    let stored = app
        .call(Method::PUT, &format!("/api/v1/wizard-runs/{id}/store"))
        .body(&json!({"name": "Ada's answers"}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(stored["stored_name"], "Ada's answers");
    assert_eq!(stored["visibility"], "private");
    assert_eq!(
        app.get_json("/api/v1/store", t)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Private: invisible to the second user, who cannot start from it either.
    assert_eq!(app.get_json("/api/v1/store", s).await, json!([]));
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizard-runs/{id}"),
        None,
        s,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizard-runs",
        Some(&json!({"wizard_id": wizard, "from_run_id": id})),
        s,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizard-runs/{id}/store"),
        Some(&json!({"name": "stolen"})),
        s,
        404,
        None,
    )
    .await;

    // Shared: listed and readable (not editable) by everyone signed in.
    app.call(Method::PUT, &format!("/api/v1/wizard-runs/{id}/store"))
        .body(&json!({"name": "Ada's answers", "visibility": "shared"}))
        .by(t)
        .expect(200)
        .await;
    let theirs = app.get_json("/api/v1/store", s).await;
    assert_eq!(theirs[0]["id"], id);
    assert_eq!(theirs[0]["owner_name"], "owner");
    let view = app.get_json(&format!("/api/v1/wizard-runs/{id}"), s).await;
    assert_eq!(view["editable"], false);
    assert_eq!(view["answers"]["name"], "Ada");
    assert_problem(
        answer(&app, &second, id, json!({"name": "Eve"})).await,
        404,
        None,
    )
    .await;
    // A new run pre-filled from the shared one belongs to the second user.
    let copy = app
        .call(Method::POST, "/api/v1/wizard-runs")
        .body(&json!({"wizard_id": wizard, "from_run_id": id}))
        .by(s)
        .expect(201)
        .await;
    assert_eq!(
        copy["answers"],
        json!({"name": "Ada", "role": "dev", "years": 3})
    );
    assert_eq!(copy["owner_name"], "second");
    assert_eq!(copy["editable"], true);
    assert!(copy["stored_name"].is_null());

    let out = app
        .call(Method::DELETE, &format!("/api/v1/wizard-runs/{id}/store"))
        .by(t)
        .expect(200)
        .await;
    assert!(out["stored_name"].is_null());
    assert_eq!(app.get_json("/api/v1/store", s).await, json!([]));
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizard-runs/{id}"),
        None,
        s,
        404,
        None,
    )
    .await;
}

async fn uploads_are_limited_checked_and_served_safely(app: TestApp) {
    let (wizard, owner, second) = published_survey(&app).await;
    let run = support::start(&app, &owner, &wizard).await;
    let id = run["id"].as_str().unwrap().to_owned();
    let upload = |token: &str, field: &str, name: &str, ctype: &str, body: Vec<u8>| {
        app.client
            .post(app.url(&format!(
                "/api/v1/wizard-runs/{id}/files?field={field}&filename={name}"
            )))
            .bearer_auth(token)
            .header("content-type", ctype)
            .body(body)
            .send()
    };
    let png = upload(&owner, "proof", "shot.png", "image/png", vec![7u8; 600])
        .await
        .unwrap();
    assert_eq!(png.status(), 201);
    let png: Value = png.json().await.unwrap();
    assert_eq!(png["size"], 600);
    assert_eq!(png["content_type"], "image/png");
    // Too big for the field (1000 bytes), a type it does not accept, not a file field,
    // someone else's run, a missing parameter.
    assert_problem(
        upload(&owner, "proof", "big.png", "image/png", vec![0u8; 1001])
            .await
            .unwrap(),
        413,
        None,
    )
    .await;
    assert_problem(
        upload(&owner, "proof", "x.pdf", "application/pdf", vec![1u8; 10])
            .await
            .unwrap(),
        422,
        Some("file"),
    )
    .await;
    assert_problem(
        upload(&owner, "name", "a.txt", "text/plain", vec![1u8; 10])
            .await
            .unwrap(),
        422,
        Some("field"),
    )
    .await;
    assert_problem(
        upload(&second, "proof", "a.txt", "text/plain", vec![1u8; 10])
            .await
            .unwrap(),
        404,
        None,
    )
    .await;
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/wizard-runs/{id}/files?field=proof")))
        .bearer_auth(&owner)
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    assert_problem(resp, 422, Some("filename")).await;
    // A cross-site browser post is refused.
    let resp = app
        .client
        .post(app.url(&format!(
            "/api/v1/wizard-runs/{id}/files?field=proof&filename=a.txt"
        )))
        .bearer_auth(&owner)
        .header("sec-fetch-site", "cross-site")
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // The answer lists the file; the server's own metadata wins over the client's claims.
    let mut forged = png.clone();
    forged["size"] = json!(1);
    forged["name"] = json!("other.png");
    answer(
        &app,
        &owner,
        &id,
        json!({"name": "Ada", "role": "designer"}),
    )
    .await;
    app.call(Method::POST, &format!("/api/v1/wizard-runs/{id}/next"))
        .by(owner.as_str())
        .expect(200)
        .await;
    let state: Value = answer(&app, &owner, &id, json!({"proof": [forged]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["answers"]["proof"][0]["size"], 600);
    assert_eq!(state["answers"]["proof"][0]["name"], "shot.png");
    let unknown = json!([{"id": "0190a0a0-0000-7000-8000-000000000000", "name": "x.png", "content_type": "image/png", "size": 1}]);
    assert_problem(
        answer(&app, &owner, &id, json!({"proof": unknown})).await,
        422,
        Some("answers.proof"),
    )
    .await;

    // Download: attachment, never sniffed; only for the run's owner while it is private.
    let file_id = png["id"].as_str().unwrap();
    let resp = app
        .get(&format!("/api/v1/files/{file_id}"), Some(&owner))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.unwrap().len(), 600);
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/files/{file_id}"),
        None,
        Some(&second),
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/files/nope",
        None,
        Some(&owner),
        422,
        Some("id"),
    )
    .await;
}

/// Issue 10 §2: a save without a version is a per-key merge. Eight writers saving their
/// own key at the same time all succeed, and every last value is kept.
async fn concurrent_savers_of_different_keys_never_conflict(app: TestApp) {
    let (_, owner) = app.register("owner@example.com").await;
    let fields: Vec<Value> = (0..8)
        .map(|i| json!({"key": format!("k{i}"), "label": format!("Key {i}"), "selection_type": "text_input"}))
        .collect();
    let draft = support::publish(
        &app,
        &owner,
        &json!({"name": "Many hands", "steps": [{"title": "All", "option_sets": fields}]}),
    )
    .await;
    let run = support::start(&app, &owner, draft["id"].as_str().unwrap()).await;
    let path = format!(
        "/api/v1/wizard-runs/{}/answers",
        run["id"].as_str().unwrap()
    );
    const SAVES: usize = 15;
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let sends: Vec<_> = (0..SAVES)
                .map(|n| {
                    let body = json!({"answers": {format!("k{i}"): format!("w{i}-{n}")}});
                    (body, path.clone())
                })
                .collect();
            let (app_send, token) = (&app, owner.clone());
            let futs: Vec<_> = sends
                .into_iter()
                .map(|(body, path)| app_send.send(Method::PATCH, &path, Some(&body), Some(&token)))
                .collect();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                // One writer's saves go one after another, as a browser tab's do.
                for f in futs {
                    statuses.push(f.await.status().as_u16());
                }
                statuses
            })
        })
        .collect();
    let mut conflicts = 0;
    for w in writers {
        for status in w.await.unwrap() {
            assert!(status == 200 || status == 409, "unexpected status {status}");
            conflicts += usize::from(status == 409);
        }
    }
    assert_eq!(conflicts, 0, "saves of different keys got 409");
    let got = app
        .get_json(
            &format!("/api/v1/wizard-runs/{}", run["id"].as_str().unwrap()),
            Some(&owner),
        )
        .await;
    for i in 0..8 {
        assert_eq!(
            got["answers"][format!("k{i}")],
            format!("w{i}-{}", SAVES - 1),
            "{got}"
        );
    }
}

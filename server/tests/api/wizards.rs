//! The builder over the REST API: drafts, fine-grained edits, validation with JSON paths,
//! optimistic concurrency, publishing and versions, import/export, the gallery and
//! cloning, and who may do what. Each test runs on SQLite and on PostgreSQL.

use crate::{common, support};

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use support::three_steps;

on_both_backends!(
    drafts_are_created_saved_and_validated_with_paths,
    fine_grained_edits_keep_the_wizard_consistent,
    concurrent_edits_get_409_never_a_lost_update,
    publishing_freezes_versions_and_runs_keep_theirs,
    export_import_export_is_stable_and_import_reports_every_problem,
    gallery_lists_seeded_templates_and_clones_run_identically,
    only_owners_edit_and_runners_cannot_build,
);

/// Signs up an admin (first account) and a builder; returns their tokens.
async fn admin_and_builder(app: &TestApp) -> (String, String) {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    (admin, builder)
}

async fn drafts_are_created_saved_and_validated_with_paths(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    let draft = support::create_draft(&app, &token, &three_steps()).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(draft["version"], 2, "created at 1, saved once");
    assert_eq!(draft["definition"]["steps"].as_array().unwrap().len(), 3);
    // The server assigned ids to everything that came without one.
    for step in draft["definition"]["steps"].as_array().unwrap() {
        assert!(step["id"].as_str().is_some_and(|s| s.len() == 36));
        for os in step["option_sets"].as_array().unwrap() {
            assert!(os["id"].as_str().is_some_and(|s| s.len() == 36));
        }
    }
    assert_eq!(draft["has_unpublished_changes"], true);

    let list = app.get_json("/api/v1/wizards", t).await;
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["step_count"], 3);
    assert_eq!(list[0]["field_count"], 8);
    assert_eq!(list[0]["category"], "HR");

    // A condition on a field that does not exist, and one comparing a number with text.
    let mut bad = draft["definition"].clone();
    bad["steps"][0]["option_sets"][2]["show_if"] = json!({"field": "nope", "op": "eq", "value": 1});
    bad["steps"][1]["show_if"] = json!({"field": "years", "op": "gt", "value": "many"});
    let body = app
        .expect_problem(
            Method::PUT,
            &format!("/api/v1/wizards/{id}"),
            Some(&json!({"version": 2, "definition": bad})),
            t,
            422,
            Some("steps[0].option_sets[2].show_if.field"),
        )
        .await;
    assert!(
        body["errors"].as_array().unwrap().iter().any(|e| e["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("steps[1].show_if"))),
        "both problems are reported: {body}"
    );
    // Wrong types and unknown selection types are refused with the path of the field.
    let mut typo = draft["definition"].clone();
    typo["steps"][0]["option_sets"][0]["selection_type"] = json!("text_inptu");
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizards/{id}"),
        Some(&json!({"version": 2, "definition": typo})),
        t,
        422,
        None,
    )
    .await;
    let mut range = draft["definition"].clone();
    range["steps"][0]["option_sets"][2]["settings"] = json!({"min": 10, "max": 1});
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizards/{id}"),
        Some(&json!({"version": 2, "definition": range})),
        t,
        422,
        Some("steps[0].option_sets[2].settings.min"),
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("/api/v1/wizards/{id}"),
        Some(&json!({"version": "two", "definition": draft["definition"]})),
        t,
        422,
        Some("version"),
    )
    .await;
    // Nothing was changed by the refused saves.
    let again = app.get_json(&format!("/api/v1/wizards/{id}"), t).await;
    assert_eq!(again["version"], 2);
    assert_eq!(again["definition"], draft["definition"]);

    // Rename and describe; an empty name is refused.
    let renamed = app
        .call(Method::PATCH, &format!("/api/v1/wizards/{id}"))
        .body(&json!({"version": 2, "name": "  Team survey 2026 ", "category": null}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(renamed["definition"]["name"], "Team survey 2026");
    assert!(renamed["definition"].get("category").is_none());
    app.expect_problem(
        Method::PATCH,
        &format!("/api/v1/wizards/{id}"),
        Some(&json!({"version": 3, "name": "  "})),
        t,
        422,
        Some("name"),
    )
    .await;
    // An unknown id is 404; a malformed one 422 naming the parameter; a too-long name 422.
    app.expect_problem(
        Method::GET,
        "/api/v1/wizards/0190a0a0-0000-7000-8000-000000000000",
        None,
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/wizards/not-a-uuid",
        None,
        t,
        422,
        Some("id"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards",
        Some(&json!({"name": "x".repeat(201)})),
        t,
        422,
        Some("name"),
    )
    .await;
    // Delete needs the current version; one below 1 is ill-formed, not stale.
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizards/{id}?version=-1"),
        None,
        t,
        422,
        Some("version"),
    )
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizards/{id}?version=1"),
        None,
        t,
        409,
        Some("version"),
    )
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!("/api/v1/wizards/{id}"),
        None,
        t,
        422,
        Some("version"),
    )
    .await;
    app.call(Method::DELETE, &format!("/api/v1/wizards/{id}?version=3"))
        .by(t)
        .expect(204)
        .await;
    app.expect_problem(
        Method::GET,
        &format!("/api/v1/wizards/{id}"),
        None,
        t,
        404,
        None,
    )
    .await;
}

async fn fine_grained_edits_keep_the_wizard_consistent(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    let draft = support::create_draft(&app, &token, &three_steps()).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/wizards/{id}");
    let steps = draft["definition"]["steps"].as_array().unwrap().clone();
    let step0 = steps[0]["id"].as_str().unwrap();
    let role = &steps[0]["option_sets"][1];
    let role_id = role["id"].as_str().unwrap();

    // Add a step at the front, then a field to it, then an option to the role select.
    let d = app
        .call(Method::POST, &format!("{base}/steps"))
        .body(&json!({"version": 2, "position": 0, "step": {"title": "Welcome"}}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(d["definition"]["steps"][0]["title"], "Welcome");
    let welcome = d["definition"]["steps"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .call(Method::POST, &format!("{base}/steps/{welcome}/option-sets"))
        .body(
            &json!({"version": 3, "option_set": {"key": "agree", "label": "I agree",
                "selection_type": "multiple_select", "settings": {"min_selected": 1},
                "options": [{"label": "Yes", "value": "yes"}]}}),
        )
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        d["definition"]["steps"][0]["option_sets"][0]["key"],
        "agree"
    );
    let d = app
        .call(
            Method::POST,
            &format!("{base}/option-sets/{role_id}/options"),
        )
        .body(&json!({"version": 4, "option": {"label": "Tester", "value": "qa"}}))
        .by(t)
        .expect(200)
        .await;
    let options = d["definition"]["steps"][1]["option_sets"][1]["options"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(options.len(), 4);
    // A duplicate value is refused with its path.
    app.expect_problem(
        Method::POST,
        &format!("{base}/option-sets/{role_id}/options"),
        Some(&json!({"version": 5, "option": {"label": "Dev again", "value": "dev"}})),
        t,
        422,
        Some("steps[1].option_sets[1].options[4].value"),
    )
    .await;
    // Reorder options: a permutation is required.
    let mut ids: Vec<Value> = options.iter().map(|o| o["id"].clone()).collect();
    ids.reverse();
    let d = app
        .call(
            Method::POST,
            &format!("{base}/option-sets/{role_id}/options/reorder"),
        )
        .body(&json!({"version": 5, "ids": ids}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        d["definition"]["steps"][1]["option_sets"][1]["options"][0]["value"],
        "qa"
    );
    app.expect_problem(
        Method::POST,
        &format!("{base}/option-sets/{role_id}/options/reorder"),
        Some(&json!({"version": 6, "ids": [ids[0]]})),
        t,
        422,
        Some("ids"),
    )
    .await;
    // Reorder steps: Welcome goes last.
    let step_ids: Vec<Value> = d["definition"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    let order = json!([step_ids[1], step_ids[2], step_ids[3], step_ids[0]]);
    let d = app
        .call(Method::POST, &format!("{base}/steps/reorder"))
        .body(&json!({"version": 6, "ids": order}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(d["definition"]["steps"][3]["title"], "Welcome");
    // Deleting `role` is refused while conditions name it, naming the condition.
    app.expect_problem(
        Method::DELETE,
        &format!("{base}/option-sets/{role_id}?version=7"),
        None,
        t,
        422,
        Some("steps[0].option_sets[1].show_if.field"),
    )
    .await;
    // GET → change → PUT a step.
    let mut s0 = app.get_json(&format!("{base}/steps/{step0}"), t).await;
    s0["title"] = json!("About you and your work");
    let d = app
        .call(Method::PUT, &format!("{base}/steps/{step0}"))
        .body(&json!({"version": 7, "step": s0}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(
        d["definition"]["steps"][0]["title"],
        "About you and your work"
    );
    // Move `years` to the last step via PUT with step_id, then delete the Welcome step.
    let years_id = d["definition"]["steps"][0]["option_sets"][2]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let years = app
        .get_json(&format!("{base}/option-sets/{years_id}"), t)
        .await;
    let last = d["definition"]["steps"][2]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .call(Method::PUT, &format!("{base}/option-sets/{years_id}"))
        .body(&json!({"version": 8, "step_id": last, "option_set": years}))
        .by(t)
        .expect(200)
        .await;
    let last_keys: Vec<&str> = d["definition"]["steps"][2]["option_sets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["key"].as_str())
        .collect();
    assert_eq!(last_keys.last(), Some(&"years"));
    let d = app
        .call(Method::DELETE, &format!("{base}/steps/{welcome}?version=9"))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(d["definition"]["steps"].as_array().unwrap().len(), 3);
    // Positions out of range, unknown ids, mismatched ids are clear 4xx.
    app.expect_problem(
        Method::POST,
        &format!("{base}/steps"),
        Some(&json!({"version": 10, "position": 9, "step": {"title": "X"}})),
        t,
        422,
        Some("position"),
    )
    .await;
    app.expect_problem(
        Method::GET,
        &format!("{base}/steps/0190a0a0-0000-7000-8000-000000000000"),
        None,
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("{base}/steps/{step0}"),
        Some(&json!({"version": 10, "step": {"id": welcome, "title": "X"}})),
        t,
        422,
        Some("step.id"),
    )
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!("{base}/options/nope?version=10"),
        None,
        t,
        422,
        Some("option_id"),
    )
    .await;
}

async fn concurrent_edits_get_409_never_a_lost_update(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    let draft = support::create_draft(&app, &token, &three_steps()).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let mut a = draft["definition"].clone();
    a["description"] = json!("from tab A");
    let mut b = draft["definition"].clone();
    b["description"] = json!("from tab B");
    let path = format!("/api/v1/wizards/{id}");
    let (ra, rb) = tokio::join!(
        app.put_json(&path, &json!({"version": 2, "definition": a}), t),
        app.put_json(&path, &json!({"version": 2, "definition": b}), t),
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "exactly one save wins");
    let now = app.get_json(&path, t).await;
    assert_eq!(now["version"], 3);
    let d = now["definition"]["description"].as_str().unwrap();
    assert!(d == "from tab A" || d == "from tab B");
    // The loser learns why.
    let problem = common::assert_problem(
        app.put_json(
            &path,
            &json!({"version": 2, "definition": now["definition"]}),
            t,
        )
        .await,
        409,
        Some("version"),
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("changed by someone else")
    );
}

async fn publishing_freezes_versions_and_runs_keep_theirs(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    let draft = support::create_draft(&app, &token, &three_steps()).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/wizards/{id}");
    // Not runnable before publishing.
    app.expect_problem(
        Method::POST,
        "/api/v1/wizard-runs",
        Some(&json!({"wizard_id": id})),
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("{base}/publish"),
        Some(&json!({"version": 1})),
        t,
        409,
        Some("version"),
    )
    .await;
    let v1 = app
        .call(Method::POST, &format!("{base}/publish"))
        .body(&json!({"version": 2}))
        .by(t)
        .expect(201)
        .await;
    assert_eq!(v1["number"], 1);
    assert_eq!(v1["is_live"], true);
    app.expect_problem(
        Method::POST,
        &format!("{base}/publish"),
        Some(&json!({"version": 2})),
        t,
        409,
        Some("version"),
    )
    .await;
    let d = app.get_json(&base, t).await;
    assert_eq!(d["live_version"], 1);
    assert_eq!(d["has_unpublished_changes"], false);

    let run = support::start(&app, &token, &id).await;
    assert_eq!(run["version_number"], 1);

    // Change the draft: rename a step and drop the Management step; publish v2.
    let mut def = d["definition"].clone();
    def["steps"][0]["title"] = json!("Renamed");
    def["steps"].as_array_mut().unwrap().remove(1);
    let d2 = app
        .call(Method::PUT, &base)
        .body(&json!({"version": 2, "definition": def}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(d2["has_unpublished_changes"], true);
    let v2 = app
        .call(Method::POST, &format!("{base}/publish"))
        .body(&json!({"version": 3}))
        .by(t)
        .expect(201)
        .await;
    assert_eq!(v2["number"], 2);
    let versions = app.get_json(&format!("{base}/versions"), t).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["number"], 2);
    assert_eq!(versions[0]["is_live"], true);
    assert_eq!(versions[1]["is_live"], false);
    let old = app.get_json(&format!("{base}/versions/1"), t).await;
    assert_eq!(old["definition"]["steps"].as_array().unwrap().len(), 3);
    app.expect_problem(
        Method::GET,
        &format!("{base}/versions/9"),
        None,
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        &format!("{base}/versions/x"),
        None,
        t,
        422,
        Some("number"),
    )
    .await;

    // The run in progress still plays version 1, with its three steps and old title.
    let run_id = run["id"].as_str().unwrap();
    let again = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}"), t)
        .await;
    assert_eq!(again["version_number"], 1);
    assert_eq!(again["definition"]["steps"][0]["title"], "About you");
    assert_eq!(again["definition"]["steps"].as_array().unwrap().len(), 3);
    // A new run plays version 2.
    let fresh = support::start(&app, &token, &id).await;
    assert_eq!(fresh["version_number"], 2);
    assert_eq!(fresh["definition"]["steps"][0]["title"], "Renamed");
    // Deleting the wizard keeps runs readable.
    app.call(Method::DELETE, &format!("{base}?version=3"))
        .by(t)
        .expect(204)
        .await;
    let kept = app
        .get_json(&format!("/api/v1/wizard-runs/{run_id}"), t)
        .await;
    assert_eq!(kept["wizard_name"], "Team survey");
}

async fn export_import_export_is_stable_and_import_reports_every_problem(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    let draft = support::create_draft(&app, &token, &three_steps()).await;
    let id = draft["id"].as_str().unwrap();
    let resp = app.get(&format!("/api/v1/wizards/{id}/export"), t).await;
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("attachment") && disposition.contains("team-survey"),
        "{disposition}"
    );
    let first: Value = resp.json().await.unwrap();
    assert_eq!(first["schema_version"], 1);
    let imported = app
        .call(Method::POST, "/api/v1/wizards/import")
        .body(&first)
        .by(t)
        .expect(201)
        .await;
    assert_ne!(imported["id"], draft["id"]);
    let second = app
        .get_json(
            &format!(
                "/api/v1/wizards/{}/export",
                imported["id"].as_str().unwrap()
            ),
            t,
        )
        .await;
    assert_eq!(first, second, "export → import → export is stable");

    // Three independent structural problems, each reported with its path...
    let mut broken = first.clone();
    broken["wizard"]["steps"][0]["option_sets"][0]["selection_type"] = json!("telepathy");
    broken["wizard"]["steps"][2]["option_sets"][0]["settings"] = json!({"max": "ten"});
    broken["wizard"]["steps"][1]["title"] = json!(5);
    assert_all_reported(
        &app,
        t,
        &broken,
        &[
            "wizard.steps[0].option_sets[0]",
            "wizard.steps[2].option_sets[0].settings",
            "wizard.steps[1].title",
        ],
    )
    .await;
    // ...and three semantic ones (a condition on a missing field, a rating above its cap,
    // a duplicate key).
    let mut wrong = first.clone();
    wrong["wizard"]["steps"][1]["show_if"] = json!({"field": "ghost", "op": "eq", "value": 1});
    wrong["wizard"]["steps"][2]["option_sets"][0]["settings"] = json!({"max": 99});
    wrong["wizard"]["steps"][2]["option_sets"][1]["key"] = json!("name");
    assert_all_reported(
        &app,
        t,
        &wrong,
        &[
            "wizard.steps[1].show_if",
            "wizard.steps[2].option_sets[0].settings",
            "wizard.steps[2].option_sets[1].key",
        ],
    )
    .await;
    let mut future = first.clone();
    future["schema_version"] = json!(99);
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/import",
        Some(&future),
        t,
        422,
        Some("schema_version"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/import",
        Some(&json!([1, 2])),
        t,
        422,
        None,
    )
    .await;
}

async fn gallery_lists_seeded_templates_and_clones_run_identically(app: TestApp) {
    let (_, token) = admin_and_builder(&app).await;
    let t = Some(token.as_str());
    // Anyone may browse the gallery.
    let all = app.get_json("/api/v1/templates", None).await;
    let all = all.as_array().unwrap().clone();
    assert!(all.len() >= 5, "at least five seeded templates: {all:?}");
    for tpl in &all {
        assert!(tpl["category"].is_string() && !tpl["description"].as_str().unwrap().is_empty());
        assert!(tpl["field_count"].as_u64().unwrap() > 0);
    }
    let first = &all[0];
    let category = first["category"].as_str().unwrap();
    let in_category = app
        .get_json(
            &format!("/api/v1/templates?category={}", urlencode(category)),
            None,
        )
        .await;
    assert!(
        in_category
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["category"] == category)
    );
    let word = first["name"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    let found = app
        .get_json(&format!("/api/v1/templates?q={}", urlencode(&word)), None)
        .await;
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["wizard_id"] == first["wizard_id"])
    );
    let none = app
        .get_json("/api/v1/templates?q=zzzz-no-such-template", None)
        .await;
    assert_eq!(none, json!([]));

    // Clone: a new draft of the caller, every id renewed, keys and conditions kept.
    let template_id = first["wizard_id"].as_str().unwrap();
    let clone = app
        .call(
            Method::POST,
            &format!("/api/v1/templates/{template_id}/clone"),
        )
        .by(t)
        .expect(201)
        .await;
    let original_run = support::start(&app, &token, template_id).await;
    let original = &original_run["definition"];
    let copy = &clone["definition"];
    assert_ne!(copy["id"], original["id"]);
    let ids = |w: &Value| -> Vec<String> {
        let mut out = Vec::new();
        for s in w["steps"].as_array().unwrap() {
            out.push(s["id"].as_str().unwrap().to_owned());
            for os in s["option_sets"].as_array().unwrap() {
                out.push(os["id"].as_str().unwrap().to_owned());
                for o in os["options"].as_array().unwrap() {
                    out.push(o["id"].as_str().unwrap().to_owned());
                }
            }
        }
        out
    };
    let (a, b) = (ids(original), ids(copy));
    assert_eq!(a.len(), b.len());
    assert!(a.iter().all(|id| !b.contains(id)), "every id is new");
    // Same structure once ids are set aside.
    let strip = |w: &Value| -> Value {
        let mut w = w.clone();
        w.as_object_mut().unwrap().remove("id");
        for s in w["steps"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("id");
            for os in s["option_sets"].as_array_mut().unwrap() {
                os.as_object_mut().unwrap().remove("id");
                for o in os["options"].as_array_mut().unwrap() {
                    o.as_object_mut().unwrap().remove("id");
                }
            }
        }
        w
    };
    assert_eq!(strip(original), strip(copy));
    // Publish the clone and run it: it starts on the same (first visible) step title.
    let cid = clone["id"].as_str().unwrap();
    app.call(Method::POST, &format!("/api/v1/wizards/{cid}/publish"))
        .body(&json!({"version": clone["version"]}))
        .by(t)
        .expect(201)
        .await;
    let clone_run = support::start(&app, &token, cid).await;
    assert_eq!(
        clone_run["current_step_title"],
        original_run["current_step_title"]
    );
    // Clones are not templates until their owner says so, and only once published.
    let mine = app.get_json("/api/v1/wizards", t).await;
    assert_eq!(mine[0]["is_template"], false);
    let offered = app
        .call(Method::PATCH, &format!("/api/v1/wizards/{cid}"))
        .body(&json!({"version": clone["version"], "is_template": true, "category": "Mine"}))
        .by(t)
        .expect(200)
        .await;
    assert_eq!(offered["is_template"], true);
    // The gallery shows the live version: the new category appears once published.
    app.call(Method::POST, &format!("/api/v1/wizards/{cid}/publish"))
        .body(&json!({"version": offered["version"]}))
        .by(t)
        .expect(201)
        .await;
    let mine_in_gallery = app.get_json("/api/v1/templates?category=Mine", None).await;
    assert_eq!(mine_in_gallery.as_array().unwrap().len(), 1);
    app.expect_problem(
        Method::POST,
        "/api/v1/templates/not-a-template/clone",
        None,
        t,
        422,
        Some("id"),
    )
    .await;
}

async fn only_owners_edit_and_runners_cannot_build(app: TestApp) {
    let (admin, owner) = admin_and_builder(&app).await;
    let (other_user, other) = app.register("other@example.com").await;
    let runner = support::register_runner(&app, &admin).await;
    let _ = other_user;
    let draft = support::create_draft(&app, &owner, &three_steps()).await;
    let id = draft["id"].as_str().unwrap();
    let base = format!("/api/v1/wizards/{id}");
    let step = draft["definition"]["steps"][0]["id"].as_str().unwrap();
    // Another builder sees nothing of the draft: every route is 404.
    for (method, path, body) in [
        (Method::GET, base.clone(), None),
        (
            Method::PUT,
            base.clone(),
            Some(json!({"version": 2, "definition": draft["definition"]})),
        ),
        (
            Method::PATCH,
            base.clone(),
            Some(json!({"version": 2, "name": "Mine now"})),
        ),
        (Method::DELETE, format!("{base}?version=2"), None),
        (
            Method::POST,
            format!("{base}/publish"),
            Some(json!({"version": 2})),
        ),
        (Method::GET, format!("{base}/versions"), None),
        (Method::GET, format!("{base}/export"), None),
        (Method::GET, format!("{base}/steps/{step}"), None),
        (
            Method::POST,
            format!("{base}/steps"),
            Some(json!({"version": 2, "step": {"title": "X"}})),
        ),
    ] {
        app.expect_problem(method, &path, body.as_ref(), Some(&other), 404, None)
            .await;
    }
    assert_eq!(
        app.get_json("/api/v1/wizards", Some(&other)).await,
        json!([])
    );
    // A runner cannot build at all.
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/wizards".to_owned(),
            Some(json!({"name": "X"})),
        ),
        (Method::GET, "/api/v1/wizards".to_owned(), None),
        (Method::GET, base.clone(), None),
        (
            Method::POST,
            "/api/v1/wizards/import".to_owned(),
            Some(json!({"schema_version": 1, "wizard": {"name": "X"}})),
        ),
    ] {
        app.expect_problem(method, &path, body.as_ref(), Some(&runner), 403, None)
            .await;
    }
    // Anonymous callers are 401.
    app.expect_problem(Method::GET, "/api/v1/wizards", None, None, 401, None)
        .await;
    // Drafts are not runnable; once published anyone signed in may run it.
    app.expect_problem(
        Method::POST,
        "/api/v1/wizard-runs",
        Some(&json!({"wizard_id": id})),
        Some(&runner),
        404,
        None,
    )
    .await;
    app.call(Method::POST, &format!("{base}/publish"))
        .body(&json!({"version": 2}))
        .by(owner.as_str())
        .expect(201)
        .await;
    let published = app
        .get_json("/api/v1/published-wizards", Some(&runner))
        .await;
    assert!(published.as_array().unwrap().iter().any(|w| w["id"] == id));
    support::start(&app, &runner, id).await;
    // A runner cannot clone templates.
    let templates = app.get_json("/api/v1/templates", None).await;
    let tid = templates[0]["wizard_id"].as_str().unwrap();
    app.expect_problem(
        Method::POST,
        &format!("/api/v1/templates/{tid}/clone"),
        None,
        Some(&runner),
        403,
        None,
    )
    .await;
}

/// Imports `doc`, which must fail with an error under each of `prefixes`.
async fn assert_all_reported(app: &TestApp, t: Option<&str>, doc: &Value, prefixes: &[&str]) {
    let body = app
        .expect_problem(
            Method::POST,
            "/api/v1/wizards/import",
            Some(doc),
            t,
            422,
            None,
        )
        .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for prefix in prefixes {
        assert!(
            fields.iter().any(|f| f.starts_with(prefix)),
            "no error under {prefix}: {fields:?}"
        );
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

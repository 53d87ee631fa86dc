//! Renderers through the API: the seeded "Trip budget" template plans a budget with
//! actions (table, chart, document, JSON, dynamic options, a `step.onValidate` limit),
//! renders are stored with the run and come back on reload with the server-made markup,
//! Markdown from data is sanitized, and bad renderer configurations are refused by path.

use crate::{common, support};

use common::{TestApp, assert_problem};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    the_trip_budget_template_plans_and_its_renders_survive_a_reload,
    markdown_from_data_is_sanitized_before_it_is_stored,
    renderer_configurations_are_refused_by_path,
);

async fn the_trip_budget_template_plans_and_its_renders_survive_a_reload(app: TestApp) {
    let (_, token) = app.register("traveller@example.com").await;
    let templates = app
        .call(Method::GET, "/api/v1/templates?q=trip")
        .by(token.as_str())
        .expect(200)
        .await;
    let wizard_id = templates[0]["wizard_id"]
        .as_str()
        .expect("Trip budget is seeded");
    assert_eq!(templates[0]["name"], "Trip budget");
    let run = app
        .call(Method::POST, "/api/v1/wizard-runs")
        .body(&json!({"wizard_id": wizard_id}))
        .by(token.as_str())
        .expect(201)
        .await;
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let def = run["definition"].clone();

    // Plan: the answers go with the event and are saved first.
    let planned = support::execute_ok(
        &app,
        &token,
        &run_id,
        json!({"trigger": "optionSet.onApply", "target_id": support::field_id(&def, "plan"),
               "answers": {"destination": "Lisbon", "nights": 3, "travelers": 2,
                           "daily_budget": 100, "style": "comfort"}}),
    )
    .await;
    let effects = &planned["effects"];
    let table = &effects["renders"]["breakdown"];
    assert_eq!(table["renderer"], "table");
    assert_eq!(table["config"]["columns"][2]["format"], "number");
    assert_eq!(
        table["data"][0],
        json!({"category": "Lodging", "per_day": 90, "total": 270})
    );
    let chart = &effects["renders"]["chart"];
    let svg = chart["markup"]
        .as_str()
        .expect("the chart is drawn on the server");
    assert!(
        svg.starts_with("<svg") && svg.contains("Total by category") && svg.contains("Lodging")
    );
    let hotels: Vec<&str> = effects["replace_options"]["hotel"]
        .as_array()
        .expect("hotels")
        .iter()
        .map(|o| o["value"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(hotels, ["harbour", "garden", "inn"]);
    assert_eq!(
        effects["messages"][0]["text"],
        "Your budget for Lisbon is ready."
    );

    // On to the stay: the summary is a sanitized document, the answers a JSON tree.
    app.call(Method::POST, &format!("/api/v1/wizard-runs/{run_id}/next"))
        .by(token.as_str())
        .expect(200)
        .await;
    let stay = support::field_id(&def, "hotel");
    let step_two = def["steps"][1]["id"].as_str().expect("step").to_owned();
    let entered = support::execute_ok(
        &app,
        &token,
        &run_id,
        json!({"trigger": "step.onEntry", "target_id": step_two}),
    )
    .await;
    let doc = entered["effects"]["renders"]["summary"]["markup"]
        .as_str()
        .expect("document markup");
    assert!(
        doc.contains("<h1>Trip to Lisbon</h1>") && doc.contains("<table>"),
        "{doc}"
    );
    assert!(doc.contains("<strong>600</strong>"), "{doc}");
    assert_eq!(entered["effects"]["renders"]["numbers"]["renderer"], "json");
    assert_eq!(
        entered["effects"]["renders"]["numbers"]["data"]["nights"],
        json!(3)
    );

    // A reload shows every render, markup included, and the suggested hotels.
    let reloaded = app
        .call(Method::GET, &format!("/api/v1/wizard-runs/{run_id}"))
        .by(token.as_str())
        .expect(200)
        .await;
    let renders = reloaded["renders"].as_object().expect("renders");
    let slots: Vec<&str> = renders.keys().map(String::as_str).collect();
    assert_eq!(slots, ["breakdown", "chart", "numbers", "summary"]);
    assert_eq!(renders["chart"]["markup"], chart["markup"]);
    assert_eq!(
        reloaded["dynamic_options"]["hotel"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    // The limit rule blocks Next with its message and keeps the answers.
    app.call(
        Method::PATCH,
        &format!("/api/v1/wizard-runs/{run_id}/answers"),
    )
    .body(&json!({"answers": {"hotel": "harbour", "daily_budget": 5000}}))
    .by(token.as_str())
    .expect(200)
    .await;
    let blocked = app
        .send(
            Method::POST,
            &format!("/api/v1/wizard-runs/{run_id}/next"),
            None,
            Some(&token),
        )
        .await;
    let problem = assert_problem(blocked, 422, Some("step")).await;
    assert!(
        problem.to_string().contains("more than the 20000 limit"),
        "{problem}"
    );
    let kept = app
        .call(Method::GET, &format!("/api/v1/wizard-runs/{run_id}"))
        .by(token.as_str())
        .expect(200)
        .await;
    assert_eq!(kept["answers"]["hotel"], "harbour");
    assert_eq!(kept["current_step_id"].as_str(), Some(step_two.as_str()));
    let _ = stay;
}

async fn markdown_from_data_is_sanitized_before_it_is_stored(app: TestApp) {
    let (_, token) = app.register("writer@example.com").await;
    let definition = json!({
        "name": "Notes",
        "steps": [{"title": "One", "option_sets": [
            {"key": "go", "label": "Go", "selection_type": "apply_button"},
            {"key": "doc", "label": "Doc", "selection_type": "output"}
        ]}]
    });
    let draft = support::create_draft(&app, &token, &definition).await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let go = support::field_id(&draft["definition"], "go");
    let markdown = "# Hello\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
                    [bad](javascript:alert(3)) [data](data:text/html,x) [good](https://example.com)";
    app.call(Method::POST, &format!("/api/v1/wizards/{wizard_id}/events"))
        .body(
            &json!({"name": "write", "trigger": "optionSet.onApply", "target_id": go,
            "actions": [{"name": "md", "action_type": "transform_data",
                "config": {"language": "jmespath", "expression": "@", "input": markdown},
                "output_handling": {"render": {"slot": "doc", "renderer": "document"}}}]}),
        )
        .by(token.as_str())
        .expect(201)
        .await;
    support::publish_current(&app, &token, &wizard_id).await;
    let run = support::start(&app, &token, &wizard_id).await;
    let run_id = run["id"].as_str().expect("run").to_owned();
    support::execute_ok(
        &app,
        &token,
        &run_id,
        json!({"trigger": "optionSet.onApply", "target_id": go}),
    )
    .await;
    let stored: (String,) = sqlx::query_as("SELECT render FROM run_renders WHERE run_id = $1")
        .bind(&run_id)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("a stored render");
    let render: Value = serde_json::from_str(&stored.0).expect("render JSON");
    let html = render["markup"].as_str().expect("markup");
    assert!(
        html.contains("<h1>Hello</h1>") && html.contains("href=\"https://example.com\""),
        "{html}"
    );
    for gone in ["<script", "onerror", "javascript:", "data:text"] {
        assert!(!html.contains(gone), "{gone} survived: {html}");
    }
}

async fn renderer_configurations_are_refused_by_path(app: TestApp) {
    let (_, token) = app.register("builder@example.com").await;
    let definition = json!({
        "name": "Slots",
        "steps": [{"title": "One", "option_sets": [
            {"key": "go", "label": "Go", "selection_type": "apply_button"},
            {"key": "out", "label": "Out", "selection_type": "output"}
        ]}]
    });
    let draft = support::create_draft(&app, &token, &definition).await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let go = support::field_id(&draft["definition"], "go");
    let body = |render: Value| {
        json!({"name": "e", "trigger": "optionSet.onApply", "target_id": go,
            "actions": [{"name": "a", "action_type": "transform_data",
                "config": {"language": "jmespath", "expression": "@"},
                "output_handling": {"render": render}}]})
    };
    let path = format!("/api/v1/wizards/{wizard_id}/events");
    for (render, needle) in [
        (
            json!({"slot": "out", "renderer": "table", "config": {"colums": []}}),
            "config.colums",
        ),
        (
            json!({"slot": "out", "renderer": "table", "config": {"columns": [{"path": "a..b"}]}}),
            "config.columns[0].path",
        ),
        (
            json!({"slot": "out", "renderer": "chart", "config": {"kind": "pie"}}),
            "config.label",
        ),
        (json!({"slot": "out", "renderer": "pie"}), "pie"),
    ] {
        let resp = app
            .send(
                Method::POST,
                &path,
                Some(&body(render.clone())),
                Some(&token),
            )
            .await;
        let problem = assert_problem(resp, 422, None).await;
        assert!(problem.to_string().contains(needle), "{render}: {problem}");
    }
    // A dropdown must write a field the wizard has.
    let resp = app
        .send(
            Method::POST,
            &path,
            Some(&body(
                json!({"slot": "out", "renderer": "dropdown", "config": {"field": "nope"}}),
            )),
            Some(&token),
        )
        .await;
    assert_problem(
        resp,
        422,
        Some("actions[0].output_handling.render.config.field"),
    )
    .await;
}

//! Events and actions over the REST API: CRUD for every trigger and action type, save-time
//! validation naming the field, versions, ownership, and events travelling through
//! publish, clone and export/import. Each test runs on SQLite and on PostgreSQL.
//!
//! `mcp_call` actions are checked against the tool's schema at save time, so these tests
//! start the real `mcp-server-time` (its path in `WP_PEER_MCP_TIME`).

use crate::{common, support};

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    every_trigger_and_action_type_round_trips,
    bad_input_is_refused_naming_the_field,
    only_the_owner_edits_events_and_runners_cannot,
    events_travel_through_publish_clone_and_export_import,
    actions_are_tested_before_and_after_saving,
    the_live_check_reports_what_a_save_would_refuse_and_saves_nothing,
    a_whole_event_is_tested_in_order_with_its_conditions_and_stores_nothing,
);

const API_TOKEN: &str = "tok-Very-Secret-4711";

fn peer(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run the suite with scripts/test, which installs the test peers")
    })
}

/// A wizard with a step of each kind of target: a text field, a select with a static
/// option, a select filled by actions, and an output slot.
fn definition() -> Value {
    json!({
        "name": "Order",
        "description": "Order with lookups",
        "steps": [
            {"title": "Contact", "option_sets": [
                {"key": "email", "label": "Email", "selection_type": "text_input"},
                {"key": "color", "label": "Color", "selection_type": "single_select",
                 "options": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}]}
            ]},
            {"title": "Delivery", "option_sets": [
                {"key": "city", "label": "City", "selection_type": "single_select",
                 "settings": {"dynamic_options": true}},
                {"key": "result", "label": "Result", "selection_type": "output"}
            ]}
        ]
    })
}

struct Fixture {
    admin: String,
    builder: String,
    wizard_id: String,
    draft: Value,
    api_config_id: String,
    mcp_config_id: String,
}

impl Fixture {
    fn t(&self) -> Option<&str> {
        Some(self.builder.as_str())
    }
    fn step(&self, i: usize) -> &str {
        self.draft["definition"]["steps"][i]["id"]
            .as_str()
            .expect("step id")
    }
    fn option_set(&self, step: usize, i: usize) -> &str {
        self.draft["definition"]["steps"][step]["option_sets"][i]["id"]
            .as_str()
            .expect("option set id")
    }
    fn option(&self) -> &str {
        self.draft["definition"]["steps"][0]["option_sets"][1]["options"][0]["id"]
            .as_str()
            .expect("option id")
    }
    fn events(&self) -> String {
        format!("/api/v1/wizards/{}/events", self.wizard_id)
    }
}

/// Admin + builder, the MCP time server registered, a draft with an API configuration
/// (with a credential) and an MCP configuration.
async fn fixture(app: &TestApp) -> Fixture {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    app.call(Method::POST, "/api/v1/mcp/servers")
        .body(
            &json!({"name": "time", "transport": "stdio", "command": peer("WP_PEER_MCP_TIME"),
                     "args": ["--local-timezone", "UTC"]}),
        )
        .by(admin.as_str())
        .expect(201)
        .await;
    let draft = support::create_draft(app, &builder, &definition()).await;
    let wizard_id = draft["id"].as_str().expect("id").to_owned();
    let api = app
        .call(
            Method::POST,
            &format!("/api/v1/wizards/{wizard_id}/api-configs"),
        )
        .body(&json!({"name": "crm", "base_url": "http://127.0.0.1:9",
                         "auth": {"type": "bearer", "token": API_TOKEN}}))
        .by(builder.as_str())
        .expect(201)
        .await;
    let mcp = app
        .call(
            Method::POST,
            &format!("/api/v1/wizards/{wizard_id}/mcp-configs"),
        )
        .body(&json!({"name": "clock", "server": "time"}))
        .by(builder.as_str())
        .expect(201)
        .await;
    Fixture {
        admin,
        builder,
        wizard_id,
        draft,
        api_config_id: api["id"].as_str().expect("api config id").to_owned(),
        mcp_config_id: mcp["id"].as_str().expect("mcp config id").to_owned(),
    }
}

/// One action of each type, in an order where each reads only earlier outputs.
fn every_action(f: &Fixture) -> Vec<Value> {
    vec![
        json!({"name": "lookup", "action_type": "api_call", "on_error": "retry", "retry_count": 2,
               "timeout_ms": 5000, "loading_message": "Looking up…",
               "config": {"api_config_id": f.api_config_id, "method": "POST",
                          "url": "/customers/{{ fields.email }}",
                          "query": {"q": "{{ run.user.email }}"},
                          "headers": {"X-Run": "{{ run.id }}"},
                          "body": {"color": "{{ fields.color }}", "n": "{{ event.value }}"}},
               "output_handling": {"extract": "items",
                                   "replace_options": {"option_set": "city", "label_path": "name", "value_path": "id"}}}),
        json!({"name": "now", "action_type": "mcp_call",
               "config": {"mcp_config_id": f.mcp_config_id, "tool": "get_current_time",
                          "arguments": {"timezone": "UTC"}}}),
        json!({"name": "shape", "action_type": "transform_data",
               "config": {"language": "jmespath", "expression": "datetime",
                          "input": "{{ actions.now.output }}"},
               "output_handling": {"render": {"slot": "result", "renderer": "json"}}}),
        json!({"name": "fill", "action_type": "set_field_value",
               "config": {"field": "email", "value": "{{ fields.email | lower }}"}}),
        json!({"name": "say", "action_type": "show_message",
               "config": {"level": "success", "text": "Hello {{ fields.email }}"}}),
        json!({"name": "go", "action_type": "navigate", "config": {"target": format!("step:{}", f.step(1))}}),
        json!({"name": "script", "action_type": "custom_script",
               "config": {"code": "return 1;", "allowed_api_configs": [f.api_config_id]}}),
    ]
}

fn triggers(f: &Fixture) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("step.onEntry", Some(f.step(0).to_owned())),
        ("step.onExit", Some(f.step(0).to_owned())),
        ("step.onValidate", Some(f.step(1).to_owned())),
        ("optionSet.onLoad", Some(f.option_set(1, 0).to_owned())),
        ("optionSet.onChange", Some(f.option_set(0, 0).to_owned())),
        ("optionSet.onApply", Some(f.option_set(0, 1).to_owned())),
        ("option.onClick", Some(f.option().to_owned())),
        ("option.onSelect", Some(f.option().to_owned())),
        ("option.onDeselect", Some(f.option().to_owned())),
        ("option.onChange", Some(f.option().to_owned())),
        ("wizard.onStart", None),
        ("wizard.onComplete", None),
    ]
}

/// `got` holds everything `sent` has (objects may gain members: renderer configurations
/// come back with their defaults filled in).
fn includes(got: &Value, sent: &Value) -> bool {
    match (got, sent) {
        (Value::Object(g), Value::Object(s)) => s
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| includes(gv, v))),
        _ => got == sent,
    }
}

/// What an action looks like once read back: every key sent, with the same value.
fn assert_action_matches(sent: &Value, got: &Value) {
    for (k, v) in sent.as_object().expect("object") {
        if k == "output_handling" {
            assert!(
                includes(&got[k], v),
                "{k} of {}: {} lacks {v}",
                sent["name"],
                got[k]
            );
        } else if k == "config" {
            for (ck, cv) in v.as_object().expect("config") {
                assert_eq!(&got["config"][ck], cv, "config.{ck} of {}", sent["name"]);
            }
        } else {
            assert_eq!(&got[k], v, "{k} of {}", sent["name"]);
        }
    }
    assert!(got["id"].as_str().is_some_and(|s| s.len() == 36));
    assert!(got["version"].as_i64().is_some());
    assert!(got["created_at"].is_string() && got["updated_at"].is_string());
}

async fn every_trigger_and_action_type_round_trips(app: TestApp) {
    let f = fixture(&app).await;
    let actions = every_action(&f);
    let mut created = Vec::new();
    for (i, (trigger, target)) in triggers(&f).into_iter().enumerate() {
        // Every event gets one action type in turn; the first gets all of them.
        let acts = if i == 0 {
            actions.clone()
        } else {
            let a = actions[i % actions.len()].clone();
            // Alone in its event, an action may not read another's output.
            if a["name"] == "shape" {
                vec![json!({"name": "shape", "action_type": "transform_data",
                            "config": {"language": "jmespath", "expression": "email",
                                       "input": {"email": "{{ fields.email }}"}}})]
            } else {
                vec![a]
            }
        };
        let mut body = json!({"name": format!("on {trigger}"), "trigger": trigger, "actions": acts,
                              "conditions": {"field": "color", "op": "eq", "value": "red"}});
        if let Some(t) = &target {
            body["target_id"] = json!(t);
        }
        let ev = app
            .call(Method::POST, &f.events())
            .body(&body)
            .by(f.t())
            .expect(201)
            .await;
        assert_eq!(ev["trigger"], trigger);
        assert_eq!(ev["version"], 1);
        assert_eq!(ev["wizard_id"], f.wizard_id.as_str());
        assert_eq!(ev["target_id"], target.map_or(Value::Null, Value::from));
        let expected_kind = trigger.split('.').next().unwrap_or_default();
        let kind = match expected_kind {
            "optionSet" => "option_set",
            other => other,
        };
        assert_eq!(ev["target_type"], kind);
        assert_eq!(ev["conditions"], body["conditions"]);
        let got = ev["actions"].as_array().expect("actions");
        assert_eq!(got.len(), acts.len());
        for (sent, got) in acts.iter().zip(got) {
            assert_action_matches(sent, got);
        }
        created.push(ev);
    }

    // Listed in creation order, and each readable on its own.
    let list = app.get_json(&f.events(), f.t()).await;
    let ids: Vec<&Value> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| &e["id"])
        .collect();
    let want: Vec<&Value> = created.iter().map(|e| &e["id"]).collect();
    assert_eq!(ids, want);
    let first = &created[0];
    let event_path = format!("/api/v1/wizards/events/{}", first["id"].as_str().unwrap());
    assert_eq!(&app.get_json(&event_path, f.t()).await, first);
    // The draft shows them too.
    let draft = app
        .get_json(&format!("/api/v1/wizards/{}", f.wizard_id), f.t())
        .await;
    assert_eq!(draft["definition"]["events"].as_array().unwrap().len(), 12);
    assert_eq!(
        draft["definition"]["events"][0]["actions"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // Replace the event: rename, drop two actions; kept actions keep their id.
    let mut kept: Vec<Value> = first["actions"].as_array().unwrap()[..5].to_vec();
    for a in &mut kept {
        for k in ["version", "created_at", "updated_at", "event_id"] {
            a.as_object_mut().unwrap().remove(k);
        }
    }
    let put = app
        .call(Method::PUT, &event_path)
        .body(
            &json!({"version": 1, "event": {"name": "renamed", "trigger": "step.onEntry",
                         "target_id": f.step(0), "enabled": false, "actions": kept}}),
        )
        .by(f.t())
        .expect(200)
        .await;
    assert_eq!(put["version"], 2);
    assert_eq!(put["name"], "renamed");
    assert_eq!(put["enabled"], false);
    assert_eq!(put["actions"].as_array().unwrap().len(), 5);
    assert_eq!(put["actions"][0]["id"], first["actions"][0]["id"]);
    assert_eq!(put["actions"][0]["version"], 2);

    // Actions one by one.
    let actions_path = format!("{event_path}/actions");
    let added = app
        .call(Method::POST, &actions_path)
        .body(&json!({"name": "bye", "action_type": "show_message",
                         "config": {"text": "Bye {{ actions.say.output | default('') }}"}}))
        .by(f.t())
        .expect(201)
        .await;
    assert_eq!(added["version"], 1);
    assert_eq!(added["event_id"], first["id"]);
    let added_id = added["id"].as_str().unwrap().to_owned();
    let one = format!("{actions_path}/{added_id}");
    let changed = app
        .call(Method::PUT, &one)
        .body(
            &json!({"version": 1, "action": {"name": "bye", "action_type": "show_message",
                         "config": {"level": "warning", "text": "Later"}}}),
        )
        .by(f.t())
        .expect(200)
        .await;
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["config"]["level"], "warning");
    // A PUT of the whole event prepared before those action edits would undo them: 409.
    app.expect_problem(
        Method::PUT,
        &event_path,
        Some(
            &json!({"version": put["version"], "event": {"name": "renamed", "trigger": "step.onEntry",
                     "target_id": f.step(0), "enabled": false, "actions": kept}}),
        ),
        f.t(),
        409,
        Some("version"),
    )
    .await;
    let stored = app.get_json(&actions_path, f.t()).await;
    let bye = stored
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!(added_id))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        bye["config"]["level"], "warning",
        "the action edit survives"
    );
    let listed = app.get_json(&actions_path, f.t()).await;
    let mut order: Vec<Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(order.len(), 6);
    assert_eq!(order[5], json!(added_id));
    // `bye` first: it reads nobody's output now, so any order is fine.
    order.rotate_right(1);
    let reordered = app
        .call(Method::POST, &format!("{actions_path}/reorder"))
        .body(&json!({"action_ids": order}))
        .by(f.t())
        .expect(200)
        .await;
    let now: Vec<Value> = reordered
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(now, order);
    let now_listed = app.get_json(&actions_path, f.t()).await;
    assert_eq!(now_listed[0]["id"], json!(added_id), "the order is stored");
    app.call(Method::DELETE, &format!("{one}?version=2"))
        .by(f.t())
        .expect(204)
        .await;
    assert_eq!(
        app.get_json(&actions_path, f.t())
            .await
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Delete the event (its actions go with it).
    let v = app.get_json(&event_path, f.t()).await["version"].clone();
    app.call(Method::DELETE, &format!("{event_path}?version={v}"))
        .by(f.t())
        .expect(204)
        .await;
    app.expect_problem(Method::GET, &event_path, None, f.t(), 404, None)
        .await;
    app.expect_problem(Method::GET, &actions_path, None, f.t(), 404, None)
        .await;
    assert_eq!(
        app.get_json(&f.events(), f.t())
            .await
            .as_array()
            .unwrap()
            .len(),
        11
    );
    let _ = &f.admin;
}

async fn bad_input_is_refused_naming_the_field(app: TestApp) {
    let f = fixture(&app).await;
    let step = f.step(0).to_owned();
    let msg =
        |text: &str| json!({"name": "m", "action_type": "show_message", "config": {"text": text}});
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"name": "e", "trigger": "step.onTeleport", "target_id": step}),
            "trigger",
            "onTeleport",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [{"name": "x", "action_type": "launch_rocket", "config": {}}]}),
            "actions[0].action_type",
            "launch_rocket",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [{"name": "x", "action_type": "api_call", "config": {"method": "GET"}}]}),
            "actions[0].config.url",
            "url",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [msg("ok"), {"name": "c", "action_type": "api_call",
                               "config": {"url": "https://example.com/{{ fields.phone }}"}}]}),
            "actions[1].config.url",
            "fields.phone",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [{"name": "s", "action_type": "set_field_value",
                                "config": {"field": "phone", "value": 1}}]}),
            "actions[0].config.field",
            "phone",
        ),
        (
            json!({"name": "e", "trigger": "option.onClick", "target_id": step}),
            "target_id",
            "is a step",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [{"name": "t", "action_type": "transform_data",
                                "config": {"language": "jmespath", "expression": "a[?"}}]}),
            "actions[0].config.expression",
            "",
        ),
        (
            json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                   "actions": [msg("{{ actions.later.output }}")]}),
            "actions[0].config.text",
            "actions.later",
        ),
    ];
    for (body, field, needle) in &cases {
        let problem = app
            .expect_problem(
                Method::POST,
                &f.events(),
                Some(body),
                f.t(),
                422,
                Some(field),
            )
            .await;
        let message = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == *field)
            .and_then(|e| e["message"].as_str())
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(needle), "{field}: {message}");
    }
    assert_eq!(
        app.get_json(&f.events(), f.t()).await,
        json!([]),
        "nothing was saved"
    );

    // A good event, then bad edits of it.
    let ev = app
        .call(Method::POST, &f.events())
        .body(
            &json!({"name": "e", "trigger": "step.onEntry", "target_id": step,
                         "actions": [msg("a"), {"name": "b", "action_type": "show_message",
                                     "config": {"text": "{{ actions.m.output | default('') }}"}}]}),
        )
        .by(f.t())
        .expect(201)
        .await;
    let path = format!("/api/v1/wizards/events/{}", ev["id"].as_str().unwrap());
    let ids: Vec<Value> = ev["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    for bad in [
        json!({"action_ids": [ids[0]]}),
        json!({"action_ids": [ids[0], ids[0]]}),
        json!({"action_ids": [ids[0], ids[1], step]}),
    ] {
        app.expect_problem(
            Method::POST,
            &format!("{path}/actions/reorder"),
            Some(&bad),
            f.t(),
            422,
            Some("action_ids"),
        )
        .await;
    }
    // `b` reads `m`'s output: it cannot move above it, and `m` cannot go.
    app.expect_problem(
        Method::POST,
        &format!("{path}/actions/reorder"),
        Some(&json!({"action_ids": [ids[1], ids[0]]})),
        f.t(),
        422,
        Some("event.actions[0].config.text"),
    )
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!("{path}/actions/{}?version=1", ids[0].as_str().unwrap()),
        None,
        f.t(),
        422,
        Some("event.actions[0].config.text"),
    )
    .await;
    // A new action's problems are named within the body.
    app.expect_problem(
        Method::POST,
        &format!("{path}/actions"),
        Some(&json!({"name": "c", "action_type": "navigate", "config": {"target": "sideways"}})),
        f.t(),
        422,
        Some("config.target"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("{path}/actions"),
        Some(&json!({"name": "m", "action_type": "show_message", "config": {"text": "dup"}})),
        f.t(),
        422,
        Some("name"),
    )
    .await;
    app.expect_problem(
        Method::PUT,
        &format!("{path}/actions/{}", ids[1].as_str().unwrap()),
        Some(
            &json!({"version": 1, "action": {"name": "b", "action_type": "set_field_value",
                     "config": {"field": "nope", "value": 1}}}),
        ),
        f.t(),
        422,
        Some("action.config.field"),
    )
    .await;
    // Stale versions: 409, and nothing changes.
    let good = json!({"version": 7, "event": {"name": "x", "trigger": "wizard.onStart"}});
    app.expect_problem(Method::PUT, &path, Some(&good), f.t(), 409, None)
        .await;
    app.expect_problem(
        Method::PUT,
        &format!("{path}/actions/{}", ids[0].as_str().unwrap()),
        Some(&json!({"version": 3, "action": {"name": "m", "action_type": "show_message", "config": {"text": "z"}}})),
        f.t(),
        409,
        None,
    )
    .await;
    app.expect_problem(
        Method::DELETE,
        &format!("{path}?version=9"),
        None,
        f.t(),
        409,
        None,
    )
    .await;
    let put_bad = json!({"version": 1, "event": {"name": "x", "trigger": "step.onExit",
                         "target_id": f.option(), "actions": []}});
    app.expect_problem(
        Method::PUT,
        &path,
        Some(&put_bad),
        f.t(),
        422,
        Some("event.target_id"),
    )
    .await;
    let still = app.get_json(&path, f.t()).await;
    assert_eq!(still["version"], 1);
    assert_eq!(still["name"], "e");
}

async fn only_the_owner_edits_events_and_runners_cannot(app: TestApp) {
    let f = fixture(&app).await;
    // Every endpoint is documented.
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    for (path, methods) in [
        ("/api/v1/wizards/{wizard_id}/events", &["post", "get"][..]),
        (
            "/api/v1/wizards/events/{event_id}",
            &["get", "put", "delete"][..],
        ),
        (
            "/api/v1/wizards/events/{event_id}/actions",
            &["get", "post"][..],
        ),
        (
            "/api/v1/wizards/events/{event_id}/actions/{action_id}",
            &["put", "delete"][..],
        ),
        (
            "/api/v1/wizards/events/{event_id}/actions/reorder",
            &["post"][..],
        ),
        ("/api/v1/wizards/actions/test", &["post"][..]),
        ("/api/v1/wizards/actions/{action_id}/test", &["post"][..]),
    ] {
        for m in methods {
            assert!(
                doc["paths"][path][m].is_object(),
                "{m} {path} in the OpenAPI document"
            );
        }
    }
    assert!(doc["components"]["schemas"]["EventView"].is_object());
    let (_, other) = app.register("other@example.com").await;
    let runner = support::register_runner(&app, &f.admin).await;
    let body = json!({"name": "e", "trigger": "wizard.onStart",
                      "actions": [{"name": "m", "action_type": "show_message", "config": {"text": "hi"}}]});
    let ev = app
        .call(Method::POST, &f.events())
        .body(&body)
        .by(f.t())
        .expect(201)
        .await;
    let path = format!("/api/v1/wizards/events/{}", ev["id"].as_str().unwrap());
    let action = format!(
        "{path}/actions/{}",
        ev["actions"][0]["id"].as_str().unwrap()
    );
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, f.events(), Some(body.clone())),
        (Method::GET, f.events(), None),
        (Method::GET, path.clone(), None),
        (
            Method::PUT,
            path.clone(),
            Some(json!({"version": 1, "event": body})),
        ),
        (Method::DELETE, format!("{path}?version=1"), None),
        (Method::GET, format!("{path}/actions"), None),
        (
            Method::POST,
            format!("{path}/actions"),
            Some(json!({"name": "n", "action_type": "show_message", "config": {"text": "x"}})),
        ),
        (
            Method::PUT,
            action.clone(),
            Some(
                json!({"version": 1, "action": {"name": "m", "action_type": "show_message", "config": {"text": "x"}}}),
            ),
        ),
        (Method::DELETE, format!("{action}?version=1"), None),
        (
            Method::POST,
            format!("{path}/actions/reorder"),
            Some(json!({"action_ids": [ev["actions"][0]["id"]]})),
        ),
    ];
    for (method, p, b) in &routes {
        app.expect_problem(method.clone(), p, b.as_ref(), Some(&other), 404, None)
            .await;
        app.expect_problem(method.clone(), p, b.as_ref(), Some(&runner), 403, None)
            .await;
    }
    app.expect_problem(Method::GET, &path, None, None, 401, None)
        .await;
    // Nothing changed.
    let still = app.get_json(&path, f.t()).await;
    assert_eq!(still, ev);
}

async fn events_travel_through_publish_clone_and_export_import(app: TestApp) {
    let f = fixture(&app).await;
    let t = f.t();
    let base = format!("/api/v1/wizards/{}", f.wizard_id);
    let ev = app
        .call(Method::POST, &f.events())
        .body(
            &json!({"name": "load cities", "trigger": "optionSet.onLoad",
                         "target_id": f.option_set(1, 0),
                         "actions": [every_action(&f)[0].clone(), every_action(&f)[1].clone(),
                                     every_action(&f)[5].clone(), every_action(&f)[6].clone()]}),
        )
        .by(t)
        .expect(201)
        .await;
    let draft = app.get_json(&base, t).await;
    assert_eq!(draft["has_unpublished_changes"], true);
    app.call(Method::POST, &format!("{base}/publish"))
        .body(&json!({"version": draft["version"]}))
        .by(t)
        .expect(201)
        .await;
    let v1 = app.get_json(&format!("{base}/versions/1"), t).await;
    let frozen = &v1["definition"];
    assert_eq!(frozen["events"][0]["id"], ev["id"]);
    assert_eq!(frozen["events"][0]["actions"].as_array().unwrap().len(), 4);
    assert_eq!(frozen["api_configs"][0]["id"], f.api_config_id.as_str());
    assert_eq!(frozen["api_configs"][0]["secret_set"], true);
    assert_eq!(frozen["mcp_configs"][0]["server"], "time");
    assert!(
        !v1.to_string().contains(API_TOKEN),
        "no secret in a version"
    );
    let draft = app.get_json(&base, t).await;
    assert_eq!(draft["has_unpublished_changes"], false);
    app.expect_problem(
        Method::POST,
        &format!("{base}/publish"),
        Some(&json!({"version": draft["version"]})),
        t,
        409,
        None,
    )
    .await;

    // Editing an event is an unpublished change.
    let event_path = format!("/api/v1/wizards/events/{}", ev["id"].as_str().unwrap());
    let mut renamed = ev.clone();
    for k in [
        "id",
        "wizard_id",
        "version",
        "created_at",
        "updated_at",
        "target_type",
    ] {
        renamed.as_object_mut().unwrap().remove(k);
    }
    for a in renamed["actions"].as_array_mut().unwrap() {
        for k in ["version", "created_at", "updated_at", "event_id"] {
            a.as_object_mut().unwrap().remove(k);
        }
    }
    renamed["name"] = json!("load the cities");
    app.call(Method::PUT, &event_path)
        .body(&json!({"version": 1, "event": renamed}))
        .by(t)
        .expect(200)
        .await;
    let draft = app.get_json(&base, t).await;
    assert_eq!(draft["has_unpublished_changes"], true);

    // Export carries events and configurations but no credential; import → export is stable.
    let exported = app.get_json(&format!("{base}/export"), t).await;
    let text = exported.to_string();
    assert!(
        !text.contains(API_TOKEN) && !text.contains("secret_set"),
        "{text}"
    );
    assert_eq!(exported["wizard"]["events"][0]["name"], "load the cities");
    assert_eq!(
        exported["wizard"]["events"][0]["actions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let imported = app
        .call(Method::POST, "/api/v1/wizards/import")
        .body(&exported)
        .by(t)
        .expect(201)
        .await;
    let iid = imported["id"].as_str().unwrap();
    let ievents = &imported["definition"]["events"];
    assert_eq!(ievents.as_array().unwrap().len(), 1);
    assert_ne!(ievents[0]["id"], ev["id"], "imported events are new rows");
    assert_eq!(
        imported["definition"]["api_configs"][0]["secret_set"],
        false
    );
    assert_ne!(
        imported["definition"]["api_configs"][0]["id"],
        f.api_config_id.as_str()
    );
    assert_eq!(
        ievents[0]["actions"][0]["config"]["api_config_id"],
        imported["definition"]["api_configs"][0]["id"],
        "references follow the new ids"
    );
    let again = app
        .get_json(&format!("/api/v1/wizards/{iid}/export"), t)
        .await;
    assert_eq!(again, exported, "export → import → export is stable");
    // The imported events are editable rows of the new wizard.
    let listed = app
        .get_json(&format!("/api/v1/wizards/{iid}/events"), t)
        .await;
    assert_eq!(listed[0]["id"], ievents[0]["id"]);
    // Importing the same document twice works (no id collisions).
    app.call(Method::POST, "/api/v1/wizards/import")
        .body(&exported)
        .by(t)
        .expect(201)
        .await;

    // A broken event in an import is named by path.
    let mut broken = exported.clone();
    broken["wizard"]["events"][0]["actions"][0]["config"]["url"] = json!("/x/{{ fields.nope }}");
    broken["wizard"]["events"][0]["trigger"] = json!("step.onWhatever");
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/import",
        Some(&broken),
        t,
        422,
        Some("wizard.events[0].trigger"),
    )
    .await;

    // Clone: offer the wizard (live version 1) as a template and clone it.
    let draft = app.get_json(&base, t).await;
    app.call(Method::PATCH, &base)
        .body(&json!({"version": draft["version"], "is_template": true}))
        .by(t)
        .expect(200)
        .await;
    let (_, cloner) = app.register("cloner@example.com").await;
    let clone = app
        .call(
            Method::POST,
            &format!("/api/v1/templates/{}/clone", f.wizard_id),
        )
        .by(cloner.as_str())
        .expect(201)
        .await;
    let copy = &clone["definition"];
    let cev = &copy["events"][0];
    assert_eq!(
        cev["name"], "load cities",
        "the clone plays the live version"
    );
    assert_ne!(cev["id"], ev["id"]);
    assert_eq!(cev["target_id"], copy["steps"][1]["option_sets"][0]["id"]);
    assert_ne!(cev["target_id"], f.option_set(1, 0));
    assert_eq!(
        cev["actions"][0]["config"]["api_config_id"],
        copy["api_configs"][0]["id"]
    );
    assert_eq!(
        cev["actions"][1]["config"]["mcp_config_id"],
        copy["mcp_configs"][0]["id"]
    );
    assert_eq!(
        cev["actions"][2]["config"]["target"],
        json!(format!("step:{}", copy["steps"][1]["id"].as_str().unwrap()))
    );
    assert_eq!(
        cev["actions"][3]["config"]["allowed_api_configs"][0],
        copy["api_configs"][0]["id"]
    );
    assert_eq!(copy["api_configs"][0]["secret_set"], false);
    assert!(!clone.to_string().contains(API_TOKEN));
    let clone_events = app
        .get_json(
            &format!("/api/v1/wizards/{}/events", clone["id"].as_str().unwrap()),
            Some(&cloner),
        )
        .await;
    assert_eq!(
        clone_events[0]["id"], cev["id"],
        "the clone's events are its own rows"
    );

    // Deleting the event's target step: saving the draft is fine, publishing is not.
    let draft = app.get_json(&base, t).await;
    let mut def = draft["definition"].clone();
    def["steps"].as_array_mut().unwrap().remove(1);
    let saved = app
        .call(Method::PUT, &base)
        .body(&json!({"version": draft["version"], "definition": def}))
        .by(t)
        .expect(200)
        .await;
    app.expect_problem(
        Method::POST,
        &format!("{base}/publish"),
        Some(&json!({"version": saved["version"]})),
        t,
        422,
        Some("events[0].target_id"),
    )
    .await;

    // Deleting the wizard deletes its events.
    app.call(
        Method::DELETE,
        &format!("{base}?version={}", saved["version"]),
    )
    .by(t)
    .expect(204)
    .await;
    app.expect_problem(Method::GET, &event_path, None, t, 404, None)
        .await;
}

async fn actions_are_tested_before_and_after_saving(app: TestApp) {
    let f = fixture(&app).await;
    let say = json!({"name": "hi", "action_type": "show_message",
                     "config": {"level": "success", "text": "Hi {{ fields.email | upper }}"}});
    let out = app
        .call(Method::POST, "/api/v1/wizards/actions/test").body(&json!({"wizard_id": f.wizard_id, "action": say, "answers": {"email": "ada@example.com"}})).by(f.t()).expect(200)
        .await;
    assert_eq!(
        out["effects"]["messages"],
        json!([{"level": "success", "text": "Hi ADA@EXAMPLE.COM"}])
    );
    assert_eq!(out["actions"][0]["status"], "success");

    // Problems are refused before anything runs, named within the body.
    for (action, field) in [
        (
            json!({"name": "x", "action_type": "show_message", "config": {"text": "{{ fields.phone }}"}}),
            "action.config.text",
        ),
        (
            json!({"name": "x", "action_type": "teleport", "config": {}}),
            "action.action_type",
        ),
        (
            json!({"name": "x", "action_type": "mcp_call",
                   "config": {"mcp_config_id": f.mcp_config_id, "tool": "no_such_tool"}}),
            "action.config.tool",
        ),
    ] {
        app.expect_problem(
            Method::POST,
            "/api/v1/wizards/actions/test",
            Some(&json!({"wizard_id": f.wizard_id, "action": action})),
            f.t(),
            422,
            Some(field),
        )
        .await;
    }

    // A saved action runs as its event would, with `event.value`.
    let ev = app
        .call(Method::POST, &f.events()).body(&json!({"name": "copy", "trigger": "optionSet.onChange", "target_id": f.option_set(0, 0),
                         "actions": [{"name": "set", "action_type": "set_field_value",
                                      "config": {"field": "email", "value": "{{ event.value | lower }}"}}]})).by(f.t()).expect(201)
        .await;
    let action_id = ev["actions"][0]["id"].as_str().unwrap();
    let test_path = format!("/api/v1/wizards/actions/{action_id}/test");
    let out = app
        .call(Method::POST, &test_path)
        .body(&json!({"answers": {"color": "red"}, "value": "BOB@EXAMPLE.COM"}))
        .by(f.t())
        .expect(200)
        .await;
    assert_eq!(out["effects"]["set_fields"]["email"], "bob@example.com");
    assert_eq!(out["answers"]["email"], "bob@example.com");
    assert_eq!(out["answers"]["color"], "red");

    // Only the owner may test.
    let (_, other) = app.register("other@example.com").await;
    app.expect_problem(
        Method::POST,
        &test_path,
        Some(&json!({})),
        Some(&other),
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/actions/test",
        Some(&json!({"wizard_id": f.wizard_id, "action": say})),
        Some(&other),
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/actions/00000000-0000-7000-8000-000000000000/test",
        Some(&json!({})),
        f.t(),
        404,
        None,
    )
    .await;
}

/// The builder's live check (`backend::events::check`, behind the `check_event` server
/// function): the save-time problems of an edited event, rooted at `event`, with nothing
/// written; only the wizard's owner may ask.
async fn the_live_check_reports_what_a_save_would_refuse_and_saves_nothing(app: TestApp) {
    let f = fixture(&app).await;
    let saved = app
        .call(Method::POST, &f.events())
        .body(&json!({"name": "greet", "trigger": "optionSet.onChange", "target_id": f.option_set(0, 0),
                      "actions": [{"name": "say", "action_type": "show_message",
                                   "config": {"level": "info", "text": "hi"}}]}))
        .by(f.t())
        .expect(201)
        .await;
    let builder = wizard_core::backend::session::authenticate(&app.state, &f.builder)
        .await
        .expect("the builder's session");
    let wizard_id: uuid::Uuid = f.wizard_id.parse().expect("a uuid");
    let mut edited: wizard_core::domain::event::Event =
        serde_json::from_value(json!({"id": saved["id"], "name": "greet", "trigger": "optionSet.onChange",
            "target_id": f.option_set(0, 0),
            "actions": [
                {"name": "say", "action_type": "show_message",
                 "config": {"level": "info", "text": "{{ actions.later.output }} {{ fields.nope }}"}},
                {"name": "later", "action_type": "transform_data",
                 "config": {"language": "javascript", "expression": "return (;"}},
                {"name": "clock", "action_type": "mcp_call",
                 "config": {"mcp_config_id": f.mcp_config_id, "tool": "get_current_time", "arguments": {}}}]}))
        .expect("an event");
    let problems =
        wizard_core::backend::events::check(&app.state, &builder, wizard_id, edited.clone())
            .await
            .expect("checked");
    let at = |field: &str| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p.field == field)
            .map(|p| p.message.clone())
            .collect()
    };
    let text = at("event.actions[0].config.text");
    assert!(
        text.iter()
            .any(|m| m.contains("`later` is not an earlier action")),
        "{problems:?}"
    );
    assert!(
        text.iter().any(|m| m.contains("`nope` is not a field")),
        "{problems:?}"
    );
    assert!(
        at("event.actions[1].config.expression")
            .iter()
            .any(|m| m.contains("SyntaxError")),
        "{problems:?}"
    );
    assert!(
        at("event.actions[2].config.arguments.timezone")
            .iter()
            .any(|m| m.contains("required")),
        "{problems:?}"
    );

    // Fixed, it has nothing to report; and nothing of either version was stored.
    edited.actions.swap(0, 1);
    if let wizard_core::domain::event::ActionConfig::TransformData(t) =
        &mut edited.actions[0].config
    {
        t.expression = "return 1;".to_owned();
    }
    if let wizard_core::domain::event::ActionConfig::ShowMessage(m) = &mut edited.actions[1].config
    {
        m.text = "{{ actions.later.output }}".to_owned();
    }
    if let wizard_core::domain::event::ActionConfig::McpCall(c) = &mut edited.actions[2].config {
        c.arguments.insert("timezone".to_owned(), json!("UTC"));
    }
    let problems =
        wizard_core::backend::events::check(&app.state, &builder, wizard_id, edited.clone())
            .await
            .expect("checked");
    assert_eq!(problems, Vec::new());
    let stored = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/wizards/events/{}",
                saved["id"].as_str().expect("id")
            ),
        )
        .by(f.t())
        .expect(200)
        .await;
    assert_eq!(stored["version"], saved["version"]);
    assert_eq!(stored["actions"].as_array().map(Vec::len), Some(1));

    // Another builder's wizard is not there for them.
    let (_, other) = app.register("other@example.com").await;
    let other = wizard_core::backend::session::authenticate(&app.state, &other)
        .await
        .expect("a session");
    let refused = wizard_core::backend::events::check(&app.state, &other, wizard_id, edited).await;
    assert!(
        matches!(
            refused,
            Err(wizard_core::backend::error::AppError::NotFound(_))
        ),
        "{refused:?}"
    );
}

/// "Test the event": the edited event runs once, every action in order (a later action
/// reads an earlier one's output), with the effects it would have; its conditions are
/// checked against the sample answers; problems are named under `event.`; nothing is
/// stored (the saved event and the runs are unchanged); only the owner may ask.
async fn a_whole_event_is_tested_in_order_with_its_conditions_and_stores_nothing(app: TestApp) {
    let f = fixture(&app).await;
    let event = json!({"name": "colors", "trigger": "optionSet.onChange", "target_id": f.option_set(0, 1),
    "conditions": {"field": "color", "op": "eq", "value": "blue"},
    "actions": [
        {"name": "pick", "action_type": "transform_data",
         "config": {"language": "jmespath", "expression": "fields.email"}},
        {"name": "copy", "action_type": "set_field_value",
         "config": {"field": "email", "value": "{{ actions.pick.output | upper }}"}},
        {"name": "say", "action_type": "show_message",
         "config": {"text": "now {{ actions.pick.output }}"}}
    ]});
    let test = |event: &Value, answers: Value| json!({"wizard_id": f.wizard_id, "event": event, "answers": answers});
    let out = app
        .call(Method::POST, "/api/v1/wizards/events/test")
        .body(&test(
            &event,
            json!({"color": "blue", "email": "ada@example.com"}),
        ))
        .by(f.t())
        .expect(200)
        .await;
    let names: Vec<(&str, &str)> = out["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        vec![("pick", "success"), ("copy", "success"), ("say", "success")],
        "{out}"
    );
    assert_eq!(out["effects"]["set_fields"]["email"], "ADA@EXAMPLE.COM");
    assert_eq!(out["effects"]["messages"][0]["text"], "now ada@example.com");
    assert_eq!(out["log_ids"], json!([]));

    // Conditions that do not hold: refused, saying it would not fire.
    let body = app
        .expect_problem(
            Method::POST,
            "/api/v1/wizards/events/test",
            Some(&test(&event, json!({"color": "red"}))),
            f.t(),
            422,
            Some("event.conditions"),
        )
        .await;
    assert!(body.to_string().contains("would not fire"), "{body}");
    // A problem in an action is named where a save would name it.
    let mut broken = event.clone();
    broken["actions"][2]["config"]["text"] = json!("{{ fields.nope }}");
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/events/test",
        Some(&test(&broken, json!({"color": "blue"}))),
        f.t(),
        422,
        Some("event.actions[2].config.text"),
    )
    .await;
    // Nothing stored: no event, no run.
    let events = app.get_json(&f.events(), f.t()).await;
    assert_eq!(events, json!([]));
    let runs = app.get_json("/api/v1/wizard-runs", f.t()).await;
    assert_eq!(runs, json!([]));
    // Someone else's wizard is not found.
    let (_, other) = app.register("other@example.com").await;
    app.expect_problem(
        Method::POST,
        "/api/v1/wizards/events/test",
        Some(&test(&event, json!({"color": "blue"}))),
        Some(&other),
        404,
        None,
    )
    .await;
}

//! The action library over the REST API (issue 14, first slice): the three-level reference
//! hierarchy, lineage and descendants through recursive CTEs, cycles refused at
//! `parent_id`, parameters synced by name, code compile-checked and reviewed (the approver
//! recorded by the server), code versions restored, and who may see and change what.
//! Each test runs on SQLite and on PostgreSQL.

use crate::{common, support};
use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    the_hierarchy_has_a_lineage_and_descendants_and_refuses_cycles,
    parameters_sync_by_name_and_code_is_checked_reviewed_and_restored,
    only_owners_change_actions_and_private_ones_stay_private,
    parameters_are_added_replaced_reordered_and_retired_one_at_a_time,
);

const BASE: &str = "/api/v1/library/actions";

fn at(id: &Value) -> String {
    format!("{BASE}/{}", id.as_str().expect("id"))
}

fn p(name: &str, t: &str, required: bool) -> Value {
    json!({"name": name, "type": t, "is_required": required})
}

/// The reference hierarchy of the plan: Plain REST API → Call CRM API → Create
/// Salesforce Contact.
async fn reference(app: &TestApp, token: &str) -> (Value, Value, Value) {
    let generic = app
        .call(Method::POST, BASE)
        .body(
            &json!({"name": "Plain REST API", "kind": "http_request", "visibility": "shared",
            "description": "One HTTP call through the guarded client",
            "params": [p("Method", "string", true), p("URL", "string", true),
                       p("Headers", "object", false), p("Body", "object", false)]}),
        )
        .by(token)
        .expect(201)
        .await;
    let call = app
        .call(Method::POST, BASE)
        .body(&json!({"name": "Call CRM API", "kind": "script", "parent_id": generic["id"],
            "code": "return await runAction('Plain REST API', {Method: params.Action, URL: '/services/data/v59.0/sobjects/' + params.ObjectType});",
            "params": [p("Action", "string", true), p("ObjectType", "string", true), p("Data", "object", false)]}))
        .by(token)
        .expect(201)
        .await;
    let create = app
        .call(Method::POST, BASE)
        .body(&json!({"name": "Create CRM Contact", "kind": "script", "parent_id": call["id"],
            "code": "const r = await runAction('Call CRM API', {Action: 'POST', ObjectType: 'Contact', Data: params}); return {id: r.id};",
            "params": [p("FirstName", "string", false), p("LastName", "string", true),
                       p("Email", "string", true), p("AccountId", "string", false)]}))
        .by(token)
        .expect(201)
        .await;
    (generic, call, create)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|a| a["name"].as_str().expect("name"))
        .collect()
}

/// The seeded reference hierarchy every database starts with (`seed/library/`).
const SEEDED: [&str; 3] = [
    "Call Salesforce API",
    "Create Salesforce Contact",
    "Generic REST API",
];

/// The names of a list without the seeded actions.
fn own_names(list: &Value) -> Vec<&str> {
    names(list)
        .into_iter()
        .filter(|n| !SEEDED.contains(n))
        .collect()
}

async fn the_hierarchy_has_a_lineage_and_descendants_and_refuses_cycles(app: TestApp) {
    let (_, builder) = app.register("builder@example.com").await;
    let t = Some(builder.as_str());
    let (generic, call, create) = reference(&app, &builder).await;
    assert_eq!(create["parent_name"], "Call CRM API");
    assert_eq!(
        generic["code_status"], "approved",
        "the built-in kind has no code to review"
    );
    assert_eq!(call["code_status"], "pending");

    let h = app
        .call(Method::GET, &format!("{}/hierarchy", at(&create["id"])))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(
        names(&h["lineage"]),
        ["Plain REST API", "Call CRM API", "Create CRM Contact"]
    );
    assert_eq!(h["descendants"], json!([]));
    let h = app
        .call(Method::GET, &format!("{}/hierarchy", at(&generic["id"])))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(names(&h["lineage"]), ["Plain REST API"]);
    assert_eq!(h["descendants"][0]["action"]["name"], "Call CRM API");
    assert_eq!(
        h["descendants"][0]["children"][0]["action"]["name"],
        "Create CRM Contact"
    );

    // A → B → A and A → A are refused at `parent_id`, naming the loop.
    let mut body = json!({"version": generic["version"], "name": "Plain REST API",
        "kind": "http_request", "visibility": "shared", "parent_id": create["id"],
        "params": generic["params"]});
    let problem = app
        .expect_problem(
            Method::PUT,
            &at(&generic["id"]),
            Some(&body),
            t,
            422,
            Some("parent_id"),
        )
        .await;
    assert!(
        problem.to_string().contains(
            "would make a cycle: Plain REST API → Call CRM API → Create CRM Contact → Plain REST API"
        ),
        "{problem}"
    );
    body["parent_id"] = generic["id"].clone();
    app.expect_problem(
        Method::PUT,
        &at(&generic["id"]),
        Some(&body),
        t,
        422,
        Some("parent_id"),
    )
    .await;
    body["parent_id"] = json!(uuid::Uuid::now_v7());
    app.expect_problem(
        Method::PUT,
        &at(&generic["id"]),
        Some(&body),
        t,
        422,
        Some("parent_id"),
    )
    .await;

    // The children filter, and deleting a parent that has children.
    let kids = app
        .call(
            Method::GET,
            &format!("{BASE}?parent_id={}", generic["id"].as_str().unwrap()),
        )
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(names(&kids), ["Call CRM API"]);
    let found = app
        .call(Method::GET, &format!("{BASE}?search=crm&kind=script"))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(names(&found), ["Call CRM API", "Create CRM Contact"]);
    let refused = app
        .expect_problem(
            Method::DELETE,
            &format!("{}?version={}", at(&generic["id"]), generic["version"]),
            None,
            t,
            409,
            None,
        )
        .await;
    assert!(refused.to_string().contains("`Call CRM API`"), "{refused}");
    app.call(
        Method::DELETE,
        &format!("{}?version={}", at(&create["id"]), create["version"]),
    )
    .by(builder.as_str())
    .expect(204)
    .await;
    let h = app
        .call(Method::GET, &format!("{}/hierarchy", at(&call["id"])))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(h["descendants"], json!([]));
}

async fn parameters_sync_by_name_and_code_is_checked_reviewed_and_restored(app: TestApp) {
    let (builder_user, builder) = app.register("builder@example.com").await;
    let t = Some(builder.as_str());
    // The rules of parameters and code, each at its path.
    for (body, field) in [
        (
            json!({"name": "x", "kind": "script", "code": "return 1;",
                   "params": [p("A", "string", false), p("A", "int", false)]}),
            "params[1].name",
        ),
        (
            json!({"name": "x", "kind": "script", "code": "return 1;",
                   "params": [{"name": "n", "type": "int", "default": "three"}]}),
            "params[0].default",
        ),
        (
            json!({"name": "x", "kind": "script", "code": "return (;"}),
            "code",
        ),
        (json!({"name": "x", "kind": "script", "code": ""}), "code"),
        (json!({"name": "x", "kind": "teleport"}), "kind"),
        (
            json!({"name": "x", "kind": "script", "code": "return 1;",
                   "params": [{"name": "n", "type": "decimal"}]}),
            "params[0].type",
        ),
    ] {
        app.expect_problem(Method::POST, BASE, Some(&body), t, 422, Some(field))
            .await;
    }

    let made = app
        .call(Method::POST, BASE)
        .body(&json!({"name": "Greeter", "kind": "script", "code": "return 'hi ' + params.Name;",
            "params": [p("Name", "string", true), p("Loud", "boolean", false), p("Times", "int", false)]}))
        .by(builder.as_str())
        .expect(201)
        .await;
    assert_eq!(made["code_status"], "pending");
    assert_eq!(made["approved_by"], Value::Null);
    app.expect_problem(
        Method::POST,
        BASE,
        Some(&json!({"name": "Greeter", "kind": "script", "code": "return 1;"})),
        t,
        409,
        Some("name"),
    )
    .await;

    // Approved: the approver is the signed-in user, whatever the body says.
    let approved = app
        .call(Method::POST, &format!("{}/approve", at(&made["id"])))
        .body(&json!({"version": made["version"]}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(approved["code_status"], "approved");
    assert_eq!(approved["approved_by"], builder_user["id"]);
    assert!(approved["approved_at"].is_string());
    app.expect_problem(
        Method::POST,
        &format!("{}/approve", at(&made["id"])),
        Some(&json!({"version": made["version"]})),
        t,
        409,
        Some("version"),
    )
    .await;

    // Renamed (Loud → Shout), added (Suffix), removed (Times), reordered; same code keeps
    // the approval.
    let renamed = app
        .call(Method::PUT, &at(&made["id"]))
        .body(&json!({"version": approved["version"], "name": "Greeter", "kind": "script",
            "code": "return 'hi ' + params.Name;",
            "params": [p("Shout", "boolean", false), {"name": "Suffix", "type": "string", "default": "!"},
                       p("Name", "string", true)]}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(names(&renamed["params"]), ["Shout", "Suffix", "Name"]);
    assert_eq!(renamed["params"][1]["default"], "!");
    assert_eq!(renamed["code_status"], "approved");

    // New code compiles, goes back to pending, and is a new code version.
    let edited = app
        .call(Method::PUT, &at(&made["id"]))
        .body(
            &json!({"version": renamed["version"], "name": "Greeter", "kind": "script",
            "code": "return 'hello ' + params.Name + params.Suffix;", "params": renamed["params"]}),
        )
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(edited["code_status"], "pending");
    assert_eq!(edited["approved_by"], Value::Null);
    let rejected = app
        .call(Method::POST, &format!("{}/reject", at(&made["id"])))
        .body(&json!({"version": edited["version"], "note": "too friendly"}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(rejected["code_status"], "rejected");

    let versions = app
        .call(Method::GET, &format!("{}/code-versions", at(&made["id"])))
        .by(builder.as_str())
        .expect(200)
        .await;
    let reasons: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["edited", "created"]);
    assert_eq!(versions[1]["number"], 1);
    assert_eq!(names(&versions[1]["params"]), ["Name", "Loud", "Times"]);
    assert_eq!(versions[0]["created_by"], builder_user["id"]);

    // Restoring version 1 brings its code and parameters back, to be reviewed again.
    let restored = app
        .call(
            Method::POST,
            &format!(
                "{}/code-versions/1/restore?version={}",
                at(&made["id"]),
                rejected["version"]
            ),
        )
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(restored["code"], "return 'hi ' + params.Name;");
    assert_eq!(names(&restored["params"]), ["Name", "Loud", "Times"]);
    assert_eq!(restored["code_status"], "pending");
    app.expect_problem(
        Method::POST,
        &format!(
            "{}/code-versions/9/restore?version={}",
            at(&made["id"]),
            restored["version"]
        ),
        None,
        t,
        404,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!(
            "{}/code-versions/zero/restore?version={}",
            at(&made["id"]),
            restored["version"]
        ),
        None,
        t,
        422,
        Some("number"),
    )
    .await;
}

async fn only_owners_change_actions_and_private_ones_stay_private(app: TestApp) {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, owner) = app.register("owner@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    let runner = support::register_runner(&app, &admin).await;
    let private = app
        .call(Method::POST, BASE)
        .body(&json!({"name": "Mine", "kind": "script", "code": "return 1;"}))
        .by(owner.as_str())
        .expect(201)
        .await;
    let shared = app
        .call(Method::POST, BASE)
        .body(
            &json!({"name": "Ours", "kind": "script", "code": "return 2;", "visibility": "shared"}),
        )
        .by(owner.as_str())
        .expect(201)
        .await;

    // Another builder: the private one does not exist for them; the shared one is read-only.
    let listed = app
        .call(Method::GET, BASE)
        .by(other.as_str())
        .expect(200)
        .await;
    assert_eq!(own_names(&listed), ["Ours"]);
    app.expect_problem(
        Method::GET,
        &at(&private["id"]),
        None,
        Some(&other),
        404,
        None,
    )
    .await;
    app.call(Method::GET, &at(&shared["id"]))
        .by(other.as_str())
        .expect(200)
        .await;
    let change = json!({"version": shared["version"], "name": "Ours", "kind": "script", "code": "return 3;"});
    app.expect_problem(
        Method::PUT,
        &at(&shared["id"]),
        Some(&change),
        Some(&other),
        403,
        None,
    )
    .await;
    app.expect_problem(
        Method::POST,
        &format!("{}/approve", at(&shared["id"])),
        Some(&json!({"version": shared["version"]})),
        Some(&other),
        403,
        None,
    )
    .await;
    // A private action of someone else cannot be a parent either.
    app.expect_problem(
        Method::POST,
        BASE,
        Some(&json!({"name": "Child", "kind": "script", "code": "return 1;", "parent_id": private["id"]})),
        Some(&other),
        422,
        Some("parent_id"),
    )
    .await;

    // Runners have no library at all; admins see and change everything.
    app.expect_problem(Method::GET, BASE, None, Some(&runner), 403, None)
        .await;
    let all = app
        .call(Method::GET, BASE)
        .by(admin.as_str())
        .expect(200)
        .await;
    assert_eq!(own_names(&all), ["Mine", "Ours"]);
    let by_admin = app
        .call(Method::PUT, &at(&private["id"]))
        .body(&json!({"version": private["version"], "name": "Mine", "kind": "script", "code": "return 5;"}))
        .by(admin.as_str())
        .expect(200)
        .await;
    assert_eq!(by_admin["code"], "return 5;");
    // A stale version is refused, naming it.
    app.expect_problem(
        Method::PUT,
        &at(&private["id"]),
        Some(&json!({"version": private["version"], "name": "Mine", "kind": "script", "code": "return 6;"})),
        Some(&owner),
        409,
        Some("version"),
    )
    .await;
}

/// The params endpoints: one parameter at a time, under the action's version, with the
/// same rules and paths as a whole save; the code's review stands; retired parameters stay
/// in the code version that declared them.
async fn parameters_are_added_replaced_reordered_and_retired_one_at_a_time(app: TestApp) {
    let (_, builder) = app.register("builder@example.com").await;
    let (_, other) = app.register("other@example.com").await;
    let (_, call, create) = reference(&app, &builder).await;
    let url = format!("{}/params", at(&create["id"]));
    let listed = app.get_json(&url, Some(&builder)).await;
    assert_eq!(
        names(&listed),
        ["FirstName", "LastName", "Email", "AccountId"]
    );

    // Add: appended; a taken name or a default of the wrong type is named by path.
    let added = app
        .call(Method::POST, &url)
        .body(&json!({"version": create["version"], "param": {"name": "Phone", "type": "string", "default": "n/a"}}))
        .by(builder.as_str())
        .expect(201)
        .await;
    assert_eq!(
        names(&added["params"]),
        ["FirstName", "LastName", "Email", "AccountId", "Phone"]
    );
    assert_eq!(added["version"], create["version"].as_i64().expect("v") + 1);
    app.expect_problem(
        Method::POST,
        &url,
        Some(&json!({"version": added["version"], "param": p("Email", "string", false)})),
        Some(&builder),
        422,
        Some("params[5].name"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        &url,
        Some(&json!({"version": added["version"], "param": {"name": "Age", "type": "int", "default": "old"}})),
        Some(&builder),
        422,
        Some("params[5].default"),
    )
    .await;
    // A stale version is a conflict; someone else's action is not theirs to change.
    app.expect_problem(
        Method::POST,
        &url,
        Some(&json!({"version": create["version"], "param": p("Fax", "string", false)})),
        Some(&builder),
        409,
        None,
    )
    .await;
    let call_url = format!("{}/params", at(&call["id"]));
    app.expect_problem(
        Method::POST,
        &call_url,
        Some(&json!({"version": call["version"], "param": p("Fax", "string", false)})),
        Some(&other),
        404,
        None,
    )
    .await;

    // Replace (and rename) in place; an unknown name is a 404.
    let renamed = app
        .call(Method::PUT, &format!("{url}/Phone"))
        .body(&json!({"version": added["version"], "param": {"name": "Mobile", "type": "string", "is_required": true}}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(
        names(&renamed["params"]),
        ["FirstName", "LastName", "Email", "AccountId", "Mobile"]
    );
    assert_eq!(renamed["params"][4]["is_required"], true);
    app.expect_problem(
        Method::PUT,
        &format!("{url}/Nope"),
        Some(&json!({"version": renamed["version"], "param": p("Nope", "string", false)})),
        Some(&builder),
        404,
        None,
    )
    .await;

    // Reorder: every name once, or a message naming what is off.
    for (names_sent, expected) in [
        (
            json!(["Mobile", "LastName"]),
            "`FirstName`, `Email`, `AccountId` missing",
        ),
        (
            json!([
                "Mobile",
                "LastName",
                "Email",
                "AccountId",
                "FirstName",
                "Fax"
            ]),
            "no parameter `Fax`",
        ),
        (
            json!([
                "Mobile",
                "Mobile",
                "LastName",
                "Email",
                "AccountId",
                "FirstName"
            ]),
            "`Mobile` is listed twice",
        ),
    ] {
        let problem = app
            .expect_problem(
                Method::PUT,
                &url,
                Some(&json!({"version": renamed["version"], "names": names_sent})),
                Some(&builder),
                422,
                Some("names"),
            )
            .await;
        assert!(problem.to_string().contains(expected), "{problem}");
    }
    let reordered = app
        .call(Method::PUT, &url)
        .body(&json!({"version": renamed["version"], "names": ["Mobile", "LastName", "Email", "AccountId", "FirstName"]}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(
        names(&reordered["params"]),
        ["Mobile", "LastName", "Email", "AccountId", "FirstName"]
    );

    // Retire: gone from the action (and its runs' checks), kept in the first code version.
    let retired = app
        .call(
            Method::DELETE,
            &format!("{url}/AccountId?version={}", reordered["version"]),
        )
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(
        names(&retired["params"]),
        ["Mobile", "LastName", "Email", "FirstName"]
    );
    assert_eq!(retired["code"], create["code"]);
    assert_eq!(retired["code_status"], create["code_status"]);
    let versions = app
        .get_json(
            &format!("{}/code-versions", at(&create["id"])),
            Some(&builder),
        )
        .await;
    let first = versions
        .as_array()
        .expect("versions")
        .last()
        .expect("first")
        .clone();
    assert!(names(&first["params"]).contains(&"AccountId"));
}

//! MCP against real servers: PyPI `mcp-server-time` over stdio, npm `server-everything` over
//! stdio and over streamable HTTP. The admin registry, tool listing, wizard MCP
//! configurations, calls (results, schema violations refused before the call, unknown
//! tools, tool errors), a killed stdio server restarted on the next call, and env secrets
//! that never leave the server. Each test runs on SQLite and on PostgreSQL.
//!
//! The streamable HTTP peer (server-everything) binds all interfaces; the test only ever
//! talks to it on 127.0.0.1 and kills it when done.

use crate::{common, support};

use std::time::Duration;

use common::TestApp;
use reqwest::Method;
use serde_json::{Map, Value, json};
use uuid::Uuid;
use wizard_core::backend::engine::{ActionCtx, CheckCtx, RunInfo, actions};
use wizard_core::backend::error::ActionError;
use wizard_core::domain::Wizard;
use wizard_core::domain::draft::WizardDraft;
use wizard_core::domain::event::{ActionConfig, CustomScriptConfig, Effects, McpCallConfig};

on_both_backends!(
    admin_registers_servers_and_builders_list_tools,
    wizard_configs_check_server_tools_bounds_and_names,
    calls_return_results_and_refuse_what_the_schema_refuses,
    mcp_call_actions_are_checked_at_save_time_and_executed,
    a_killed_stdio_server_is_restarted_on_the_next_call,
    streamable_http_server_lists_and_calls_tools,
    env_secrets_reach_only_the_child_and_never_a_response,
    a_library_mcp_tool_action_calls_its_tool_under_a_logged_call,
    scripts_call_only_declared_mcp_configurations_and_allowed_tools,
);

const TIME_SECRET: &str = "time-secret-value-81f3";
const CHILD_SECRET: &str = "child-secret-value-4711";
const HEADER_SECRET: &str = "Bearer http-secret-value-9c2e";

/// A peer's location from the test script; missing means the suite was not set up.
fn peer(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "{var} is not set: run the suite with scripts/test, which installs the MCP test peers"
        )
    })
}

async fn admin_and_builder(app: &TestApp) -> (String, String) {
    let (_, admin) = app.register("admin@example.com").await;
    let (_, builder) = app.register("builder@example.com").await;
    (admin, builder)
}

fn time_server() -> Value {
    json!({
        "name": "time",
        "description": "Current time and time zone conversion",
        "transport": "stdio",
        "command": peer("WP_PEER_MCP_TIME"),
        "args": ["--local-timezone", "UTC"],
        "env": {"TIME_TOKEN": TIME_SECRET},
    })
}

fn everything_stdio() -> Value {
    json!({
        "name": "everything",
        "transport": "stdio",
        "command": "node",
        "args": [peer("WP_PEER_MCP_EVERYTHING"), "stdio"],
        "env": {"WP_CHILD_TOKEN": CHILD_SECRET},
        "timeout_ms": 20000,
    })
}

async fn register(app: &TestApp, admin: &str, body: &Value) -> Value {
    app.call(Method::POST, "/api/v1/mcp/servers")
        .body(body)
        .by(admin)
        .expect(201)
        .await
}

async fn new_wizard(app: &TestApp, builder: &str) -> String {
    let w = app
        .call(Method::POST, "/api/v1/wizards")
        .body(&json!({"name": "MCP wizard"}))
        .by(builder)
        .expect(201)
        .await;
    w["id"].as_str().expect("wizard id").to_owned()
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().expect("arguments object").clone()
}

async fn call(
    app: &TestApp,
    server: &str,
    tool: &str,
    arguments: Value,
) -> Result<Value, ActionError> {
    wizard_core::backend::mcp_servers::call(
        &app.state,
        server,
        tool,
        args(arguments),
        Duration::from_secs(20),
    )
    .await
}

async fn admin_registers_servers_and_builders_list_tools(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    let created = register(&app, &admin, &time_server()).await;
    assert_eq!(created["secret_keys"], json!(["TIME_TOKEN"]));
    assert_eq!(created["version"], 1);

    // Only admins register.
    let mut other = time_server();
    other["name"] = json!("time2");
    app.expect_problem(
        Method::POST,
        "/api/v1/mcp/servers",
        Some(&other),
        Some(&builder),
        403,
        None,
    )
    .await;
    // Bad registrations name their field; a taken name is a conflict.
    app.expect_problem(
        Method::POST,
        "/api/v1/mcp/servers",
        Some(&json!({"name": "x", "transport": "stdio"})),
        Some(&admin),
        422,
        Some("command"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/mcp/servers",
        Some(&json!({"name": "h", "transport": "streamable_http", "url": "ftp://x"})),
        Some(&admin),
        422,
        Some("url"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/mcp/servers",
        Some(
            &json!({"name": "h", "transport": "streamable_http", "url": "http://127.0.0.1:1/mcp",
                      "headers": {"Mcp-Session-Id": "x"}}),
        ),
        Some(&admin),
        422,
        Some("headers.Mcp-Session-Id"),
    )
    .await;
    app.expect_problem(
        Method::POST,
        "/api/v1/mcp/servers",
        Some(&time_server()),
        Some(&admin),
        409,
        Some("name"),
    )
    .await;

    // Runners do not build: no registry, no tools.
    let runner = support::register_runner(&app, &admin).await;
    app.expect_problem(
        Method::GET,
        "/api/v1/mcp/servers",
        None,
        Some(&runner),
        403,
        None,
    )
    .await;
    app.expect_problem(
        Method::GET,
        "/api/v1/mcp/servers/time/tools",
        None,
        Some(&runner),
        403,
        None,
    )
    .await;

    // Builders see what the server is, not how it is reached; admins see the key names.
    let seen = app.get_json("/api/v1/mcp/servers", Some(&builder)).await;
    assert_eq!(seen[0]["name"], "time");
    assert_eq!(seen[0]["transport"], "stdio");
    assert!(
        seen[0].get("command").is_none() && seen[0].get("secret_keys").is_none(),
        "{seen}"
    );
    let seen = app.get_json("/api/v1/mcp/servers", Some(&admin)).await;
    assert_eq!(seen[0]["command"], peer("WP_PEER_MCP_TIME").as_str());
    assert_eq!(seen[0]["secret_keys"], json!(["TIME_TOKEN"]));
    assert!(!seen.to_string().contains(TIME_SECRET));

    // The tools, with their input schemas, started on demand.
    let tools = app
        .get_json("/api/v1/mcp/servers/time/tools", Some(&builder))
        .await;
    let names: Vec<&str> = tools
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        names.contains(&"get_current_time") && names.contains(&"convert_time"),
        "{tools}"
    );
    let current = tools
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["name"] == "get_current_time")
        .expect("tool");
    assert_eq!(current["inputSchema"]["type"], "object");
    assert!(
        current["inputSchema"]["properties"]["timezone"].is_object(),
        "{current}"
    );

    // An update without secrets keeps them; a stale version is refused.
    let mut upd = time_server();
    upd.as_object_mut().expect("obj").remove("env");
    upd["description"] = json!("Clock");
    upd["version"] = json!(1);
    let updated = app
        .call(Method::PUT, "/api/v1/mcp/servers/time")
        .body(&upd)
        .by(admin.as_str())
        .expect(200)
        .await;
    assert_eq!(updated["secret_keys"], json!(["TIME_TOKEN"]));
    assert_eq!(updated["description"], "Clock");
    app.expect_problem(
        Method::PUT,
        "/api/v1/mcp/servers/time",
        Some(&upd),
        Some(&admin),
        409,
        Some("version"),
    )
    .await;
    // Still works after the change (the session restarts with the new settings).
    let tools = app
        .get_json("/api/v1/mcp/servers/time/tools", Some(&builder))
        .await;
    assert!(tools.as_array().is_some_and(|t| !t.is_empty()));

    // A server that cannot start is a 503 saying why, not a 500.
    register(
        &app,
        &admin,
        &json!({"name": "broken", "transport": "stdio", "command": "/nonexistent/mcp-server"}),
    )
    .await;
    let p = app
        .expect_problem(
            Method::GET,
            "/api/v1/mcp/servers/broken/tools",
            None,
            Some(&builder),
            503,
            None,
        )
        .await;
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot start")),
        "{p}"
    );
    app.expect_problem(
        Method::GET,
        "/api/v1/mcp/servers/nope/tools",
        None,
        Some(&builder),
        404,
        None,
    )
    .await;

    // A disabled server is a 503 saying so.
    let mut off = time_server();
    off.as_object_mut().expect("obj").remove("env");
    off["version"] = json!(2);
    off["is_enabled"] = json!(false);
    app.call(Method::PUT, "/api/v1/mcp/servers/time")
        .body(&off)
        .by(admin.as_str())
        .expect(200)
        .await;
    let p = app
        .expect_problem(
            Method::GET,
            "/api/v1/mcp/servers/time/tools",
            None,
            Some(&builder),
            503,
            None,
        )
        .await;
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("disabled")),
        "{p}"
    );

    // Removal (admin, with the version).
    app.expect_problem(
        Method::DELETE,
        "/api/v1/mcp/servers/broken?version=1",
        None,
        Some(&builder),
        403,
        None,
    )
    .await;
    app.call(Method::DELETE, "/api/v1/mcp/servers/broken?version=1")
        .by(admin.as_str())
        .expect(204)
        .await;
    let seen = app.get_json("/api/v1/mcp/servers", Some(&admin)).await;
    assert_eq!(seen.as_array().map(Vec::len), Some(1));
    // Every endpoint is in the OpenAPI document.
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    for p in [
        "/api/v1/mcp/servers",
        "/api/v1/mcp/servers/{server}",
        "/api/v1/mcp/servers/{server}/tools",
        "/api/v1/wizards/{wizard_id}/mcp-configs",
        "/api/v1/wizards/mcp-configs/{id}",
    ] {
        assert!(
            doc["paths"][p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
    app.state.mcp.shutdown().await;
}

async fn wizard_configs_check_server_tools_bounds_and_names(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    register(&app, &admin, &time_server()).await;
    let wid = new_wizard(&app, &builder).await;
    let path = format!("/api/v1/wizards/{wid}/mcp-configs");
    let b = Some(builder.as_str());

    let bad = |body: Value, field: &'static str| {
        let app = &app;
        let path = path.clone();
        async move {
            app.expect_problem(Method::POST, &path, Some(&body), b, 422, Some(field))
                .await;
        }
    };
    bad(json!({"name": "clock", "server": "sundial"}), "server").await;
    bad(
        json!({"name": "clock", "server": "time", "available_tools": ["get_current_time", "set_time"]}),
        "available_tools[1]",
    )
    .await;
    bad(
        json!({"name": "clock", "server": "time", "timeout_ms": 0}),
        "timeout_ms",
    )
    .await;
    bad(
        json!({"name": "clock", "server": "time", "max_retries": 99}),
        "max_retries",
    )
    .await;
    bad(json!({"name": " ", "server": "time"}), "name").await;

    let created = app
        .call(Method::POST, &path)
        .body(
            &json!({"name": "clock", "server": "time", "available_tools": ["get_current_time"],
                         "timeout_ms": 5000, "max_retries": 1}),
        )
        .by(b)
        .expect(201)
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["wizard_id"], wid.as_str());
    assert_eq!(created["version"], 1);
    assert_eq!(created["available_tools"], json!(["get_current_time"]));
    bad(json!({"name": "clock", "server": "time"}), "name").await;

    let list = app.get_json(&path, b).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let one_path = format!("/api/v1/wizards/mcp-configs/{id}");
    let one = app.get_json(&one_path, b).await;
    assert_eq!(one["server"], "time");

    // Update with the version; a stale one is refused; bad tools are still named.
    let upd = json!({"version": 1, "name": "clock", "server": "time",
                     "available_tools": ["get_current_time", "convert_time"], "timeout_ms": 8000});
    let updated = app
        .call(Method::PUT, &one_path)
        .body(&upd)
        .by(b)
        .expect(200)
        .await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["timeout_ms"], 8000);
    app.expect_problem(Method::PUT, &one_path, Some(&upd), b, 409, Some("version"))
        .await;
    let bad_upd =
        json!({"version": 2, "name": "clock", "server": "time", "available_tools": ["x"]});
    app.expect_problem(
        Method::PUT,
        &one_path,
        Some(&bad_upd),
        b,
        422,
        Some("available_tools[0]"),
    )
    .await;

    // Unknown keys are refused, not silently dropped; every error names its field.
    for (body, field) in [
        (
            json!({"version": 2, "name": "clock", "server": "time", "timeout": 5}),
            "timeout",
        ),
        (
            json!({"version": 2, "name": "clock", "server": "time", "timeout_ms": "5"}),
            "timeout_ms",
        ),
        (
            json!({"version": -2, "name": "clock", "server": "time"}),
            "version",
        ),
        (json!({"name": "clock", "server": "time"}), "version"),
    ] {
        app.expect_problem(Method::PUT, &one_path, Some(&body), b, 422, Some(field))
            .await;
    }

    // Another builder's wizard is invisible.
    let (_, other) = app.register("other@example.com").await;
    app.expect_problem(Method::GET, &one_path, None, Some(&other), 404, None)
        .await;
    app.expect_problem(Method::GET, &path, None, Some(&other), 404, None)
        .await;

    // The registry entry cannot be removed from under the wizard.
    let p = app
        .expect_problem(
            Method::DELETE,
            "/api/v1/mcp/servers/time?version=1",
            None,
            Some(&admin),
            409,
            None,
        )
        .await;
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("used by 1")),
        "{p}"
    );

    app.expect_problem(
        Method::DELETE,
        &format!("{one_path}?version=1"),
        None,
        b,
        409,
        None,
    )
    .await;
    app.call(Method::DELETE, &format!("{one_path}?version=2"))
        .by(b)
        .expect(204)
        .await;
    assert_eq!(app.get_json(&path, b).await, json!([]));
    app.state.mcp.shutdown().await;
}

async fn calls_return_results_and_refuse_what_the_schema_refuses(app: TestApp) {
    let (admin, _) = admin_and_builder(&app).await;
    register(&app, &admin, &time_server()).await;
    register(&app, &admin, &everything_stdio()).await;

    let now = call(&app, "time", "get_current_time", json!({"timezone": "UTC"}))
        .await
        .expect("get_current_time");
    assert!(now.to_string().contains("UTC"), "{now}");
    let converted = call(
        &app,
        "time",
        "convert_time",
        json!({"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}),
    )
    .await
    .expect("convert_time");
    assert!(converted.to_string().contains("21:00"), "{converted}");

    let echoed = call(
        &app,
        "everything",
        "echo",
        json!({"message": "hello there"}),
    )
    .await
    .expect("echo");
    assert!(echoed.to_string().contains("hello there"), "{echoed}");
    let sum = call(&app, "everything", "get-sum", json!({"a": 2, "b": 40}))
        .await
        .expect("get-sum");
    assert!(sum.to_string().contains("42"), "{sum}");

    // Refused before the call, naming each argument.
    match call(&app, "everything", "get-sum", json!({"a": "two"})).await {
        Err(ActionError::Invalid(msg)) => {
            assert!(
                msg.contains("arguments.a") && msg.contains("arguments.b"),
                "{msg}"
            )
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // A tool the server does not have.
    match call(&app, "time", "set_time", json!({})).await {
        Err(ActionError::Invalid(msg)) => {
            assert!(
                msg.contains("no tool `set_time`") && msg.contains("get_current_time"),
                "{msg}"
            )
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // The tool's own error (`isError`), with its message.
    match call(
        &app,
        "time",
        "get_current_time",
        json!({"timezone": "Mars/Olympus_Mons"}),
    )
    .await
    {
        Err(ActionError::Failed(msg)) => assert!(msg.contains("Mars/Olympus_Mons"), "{msg}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    // A call that outlasts its timeout ends as a timeout, and the session stays usable.
    let slow = wizard_core::backend::mcp_servers::call(
        &app.state,
        "everything",
        "trigger-long-running-operation",
        args(json!({"duration": 30, "steps": 1})),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(slow, Err(ActionError::Timeout(500)));
    assert!(
        call(&app, "everything", "echo", json!({"message": "still here"}))
            .await
            .is_ok()
    );
    // And the session survives all of that.
    assert!(
        call(
            &app,
            "time",
            "get_current_time",
            json!({"timezone": "Europe/Paris"})
        )
        .await
        .is_ok()
    );
    app.state.mcp.shutdown().await;
}

/// Who and where an action runs when a test calls the engine directly (no stored run).
fn run_of(wizard: &Wizard) -> RunInfo {
    RunInfo {
        run_id: Uuid::now_v7(),
        wizard_id: wizard.id,
        user_id: "u".into(),
        user_email: "u@example.com".into(),
    }
}

/// The wizard as the engine sees it: its definition plus its MCP configurations.
async fn wizard_with_configs(app: &TestApp, builder: &str, wid: &str) -> Wizard {
    let draft: WizardDraft = app
        .call(Method::GET, &format!("/api/v1/wizards/{wid}"))
        .by(builder)
        .expect_as(200)
        .await;
    let mut w: Wizard = draft.definition;
    w.mcp_configs = wizard_core::backend::mcp_configs::for_wizard(&app.state, w.id)
        .await
        .expect("configs");
    w
}

async fn mcp_call_actions_are_checked_at_save_time_and_executed(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    register(&app, &admin, &everything_stdio()).await;
    let wid = new_wizard(&app, &builder).await;
    let cfg = app
        .call(Method::POST, &format!("/api/v1/wizards/{wid}/mcp-configs"))
        .body(
            &json!({"name": "ev", "server": "everything", "available_tools": ["echo", "get-sum"]}),
        )
        .by(builder.as_str())
        .expect(201)
        .await;
    let cfg_id: Uuid = cfg["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("config id");
    let wizard = wizard_with_configs(&app, &builder, &wid).await;
    let ctx = CheckCtx {
        app: &app.state,
        wizard: &wizard,
    };
    let path = "actions[0].config";
    let check = |tool: &str, arguments: Value, config: Uuid| {
        ActionConfig::McpCall(McpCallConfig {
            mcp_config_id: config,
            tool: tool.into(),
            arguments: args(arguments),
        })
    };
    let fields = |errs: Vec<wizard_core::domain::problem::FieldError>| -> Vec<String> {
        errs.into_iter().map(|e| e.field).collect()
    };

    // Valid, including a templated argument standing in for a required one.
    assert!(
        actions::check(
            &check("get-sum", json!({"a": 1, "b": "{{ fields.n }}"}), cfg_id),
            &ctx,
            path
        )
        .await
        .is_empty()
    );
    // Each literal argument the schema refuses, by path; templated ones are left to run time.
    let errs =
        fields(actions::check(&check("get-sum", json!({"a": "one"}), cfg_id), &ctx, path).await);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs.contains(&"actions[0].config.arguments.a".to_owned()),
        "{errs:?}"
    );
    assert!(
        errs.contains(&"actions[0].config.arguments.b".to_owned()),
        "{errs:?}"
    );
    // A tool the server lacks, or one the configuration does not allow.
    let errs = actions::check(&check("no-such-tool", json!({}), cfg_id), &ctx, path).await;
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "actions[0].config.tool");
    let errs = actions::check(&check("get-env", json!({}), cfg_id), &ctx, path).await;
    assert_eq!(errs[0].field, "actions[0].config.tool");
    assert!(
        errs[0].message.contains("does not allow"),
        "{}",
        errs[0].message
    );
    // A configuration this wizard does not have.
    let errs = actions::check(
        &check("echo", json!({"message": "x"}), Uuid::now_v7()),
        &ctx,
        path,
    )
    .await;
    assert_eq!(errs[0].field, "actions[0].config.mcp_config_id");

    // Execution with rendered arguments.
    let run = run_of(&wizard);
    let mut effects = Effects::default();
    let context = json!({});
    let logger =
        wizard_core::backend::engine::logs::Logger::new(app.state.clone(), run.run_id, false);
    let mut actx = ActionCtx {
        app: &app.state,
        run: &run,
        wizard: &wizard,
        context: &context,
        effects: &mut effects,
        log_id: Uuid::now_v7(),
        logger: &logger,
        timeout: Duration::from_secs(20),
    };
    let out = actions::execute(
        &check("get-sum", json!({"a": 20, "b": 22}), cfg_id),
        &mut actx,
    )
    .await
    .expect("get-sum");
    assert!(out.to_string().contains("42"), "{out}");
    // A run-time value that breaks the schema is refused before the call.
    let err = actions::execute(
        &check("get-sum", json!({"a": 20, "b": "x"}), cfg_id),
        &mut actx,
    )
    .await;
    assert!(
        matches!(&err, Err(ActionError::Invalid(m)) if m.contains("arguments.b")),
        "{err:?}"
    );
    let err = actions::execute(&check("get-env", json!({}), cfg_id), &mut actx).await;
    assert!(
        matches!(&err, Err(ActionError::Invalid(m)) if m.contains("does not allow")),
        "{err:?}"
    );
    app.state.mcp.shutdown().await;
}

async fn a_killed_stdio_server_is_restarted_on_the_next_call(app: TestApp) {
    let (admin, _) = admin_and_builder(&app).await;
    register(&app, &admin, &everything_stdio()).await;
    let first = call(&app, "everything", "echo", json!({"message": "one"}))
        .await
        .expect("first call");
    assert!(first.to_string().contains("one"));
    let pid = app
        .state
        .mcp
        .child_pid("everything")
        .await
        .expect("a running child");
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());

    let again = call(&app, "everything", "echo", json!({"message": "two"}))
        .await
        .expect("call after the kill");
    assert!(again.to_string().contains("two"), "{again}");
    let new_pid = app
        .state
        .mcp
        .child_pid("everything")
        .await
        .expect("a new child");
    assert_ne!(new_pid, pid, "the server was restarted");
    // The tools are listed again for the new session.
    let tools = wizard_core::backend::mcp_servers::tools_of(&app.state, "everything")
        .await
        .expect("tools");
    assert!(tools.iter().any(|t| t.name == "echo"));
    app.state.mcp.shutdown().await;
    assert_eq!(app.state.mcp.child_pid("everything").await, None);
}

/// server-everything over streamable HTTP on a free port, killed when dropped.
struct HttpPeer {
    child: std::process::Child,
    port: u16,
}

impl Drop for HttpPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_http_peer() -> HttpPeer {
    let script = peer("WP_PEER_MCP_EVERYTHING");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = std::process::Command::new("node")
        .args([script.as_str(), "streamableHttp"])
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start server-everything (streamableHttp)");
    let peer = HttpPeer { child, port };
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return peer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server-everything did not listen on port {port}");
}

async fn streamable_http_server_lists_and_calls_tools(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    let http = start_http_peer().await;
    let created = register(
        &app,
        &admin,
        &json!({"name": "remote", "transport": "streamable_http",
                "url": format!("http://127.0.0.1:{}/mcp", http.port),
                "headers": {"Authorization": HEADER_SECRET}}),
    )
    .await;
    assert_eq!(created["secret_keys"], json!(["Authorization"]));
    assert!(!created.to_string().contains("http-secret-value"));

    let tools = app
        .get_json("/api/v1/mcp/servers/remote/tools", Some(&builder))
        .await;
    let sum = tools
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["name"] == "get-sum")
        .expect("get-sum");
    assert_eq!(
        sum["inputSchema"]["properties"]["a"]["type"], "number",
        "{sum}"
    );
    let out = call(&app, "remote", "get-sum", json!({"a": 1.5, "b": 2}))
        .await
        .expect("get-sum over HTTP");
    assert!(out.to_string().contains("3.5"), "{out}");
    let echoed = call(&app, "remote", "echo", json!({"message": "over http"}))
        .await
        .expect("echo");
    assert!(echoed.to_string().contains("over http"));
    match call(&app, "remote", "get-sum", json!({"a": 1})).await {
        Err(ActionError::Invalid(m)) => assert!(m.contains("arguments.b"), "{m}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    let admin_view = app.get_json("/api/v1/mcp/servers", Some(&admin)).await;
    assert!(
        !admin_view.to_string().contains("http-secret-value"),
        "{admin_view}"
    );

    // The server goes away: a clear transient error, then it works again once it is back.
    drop(http);
    match call(&app, "remote", "echo", json!({"message": "gone"})).await {
        Err(ActionError::Transient(m)) => assert!(m.contains("remote"), "{m}"),
        other => panic!("expected Transient, got {other:?}"),
    }
    app.state.mcp.shutdown().await;
}

async fn env_secrets_reach_only_the_child_and_never_a_response(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    let created = register(&app, &admin, &everything_stdio()).await;
    assert!(!created.to_string().contains(CHILD_SECRET));

    // The child got the configured variable, and none of the server's own environment.
    let env = call(&app, "everything", "get-env", json!({}))
        .await
        .expect("get-env");
    let text = env.to_string();
    assert!(
        text.contains("WP_CHILD_TOKEN") && text.contains(CHILD_SECRET),
        "{text}"
    );
    assert!(
        !text.contains("WP_PEER_MCP_EVERYTHING"),
        "the server's env leaked into the child: {text}"
    );

    // Stored sealed; no response carries the value.
    let stored: Vec<(Option<String>,)> = sqlx::query_as("SELECT secret FROM mcp_servers")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("select");
    assert!(
        stored[0]
            .0
            .as_deref()
            .is_some_and(|s| !s.contains(CHILD_SECRET))
    );
    for token in [&admin, &builder] {
        let body = app
            .get("/api/v1/mcp/servers", Some(token))
            .await
            .text()
            .await
            .expect("body");
        assert!(!body.contains(CHILD_SECRET), "{body}");
    }
    let mut upd = everything_stdio();
    upd["version"] = json!(1);
    upd["env"] = json!({"WP_CHILD_TOKEN": "rotated-secret-0042", "OTHER": "x"});
    let body = app
        .send(
            Method::PUT,
            "/api/v1/mcp/servers/everything",
            Some(&upd),
            Some(&admin),
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(
        !body.contains("rotated-secret-0042") && body.contains("OTHER"),
        "{body}"
    );
    // The restarted child sees the new value.
    let env = call(&app, "everything", "get-env", json!({}))
        .await
        .expect("get-env");
    assert!(env.to_string().contains("rotated-secret-0042"));
    app.state.mcp.shutdown().await;
}

/// A library action of kind `mcp_tool` (issue 14): its code names a registered server and
/// tool; its parameters are the tool's arguments, checked like any library action's; a
/// test run calls the real tool and logs `library` → `call`; a script reaches it by name.
async fn a_library_mcp_tool_action_calls_its_tool_under_a_logged_call(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    register(&app, &admin, &time_server()).await;
    let action = app
        .call(Method::POST, "/api/v1/library/actions")
        .body(&json!({
            "name": "Time in zone", "kind": "mcp_tool",
            "code": "{\"server\": \"time\", \"tool\": \"get_current_time\"}",
            "params": [{"name": "timezone", "type": "string", "is_required": true}]
        }))
        .by(builder.as_str())
        .expect(201)
        .await;
    // No code of its own to review: it runs as soon as it is saved.
    assert_eq!(action["code_status"], "approved");
    let run = |params: Value| {
        app.call(
            Method::POST,
            &format!(
                "/api/v1/library/actions/{}/run",
                action["id"].as_str().expect("id")
            ),
        )
        .body(&json!({"params": params}))
        .by(builder.as_str())
    };
    let out = run(json!({"timezone": "Europe/Paris"})).expect(200).await;
    assert_eq!(out["ok"], true, "{out}");
    assert!(out["output"].to_string().contains("Europe/Paris"), "{out}");
    let top = &out["logs"][0];
    assert_eq!(
        (top["kind"].as_str(), top["name"].as_str()),
        (Some("library"), Some("Time in zone"))
    );
    let call = &top["children"][0];
    assert_eq!(call["kind"], "call");
    assert_eq!(call["name"], "time get_current_time");
    assert_eq!(call["status"], "success");

    // The required argument is enforced before the tool is reached; a tool's own refusal
    // comes back naming the action.
    app.expect_problem(
        Method::POST,
        &format!(
            "/api/v1/library/actions/{}/run",
            action["id"].as_str().expect("id")
        ),
        Some(&json!({"params": {}})),
        Some(&builder),
        422,
        Some("params.timezone"),
    )
    .await;
    let refused = run(json!({"timezone": "Not/AZone"})).expect(200).await;
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .expect("error")
            .starts_with("Time in zone: "),
        "{refused}"
    );

    // A script calls it by name with runAction.
    let script = app
        .call(Method::POST, "/api/v1/library/actions")
        .body(&json!({
            "name": "Paris time", "kind": "script",
            "code": "const r = await runAction('Time in zone', {timezone: 'Europe/Paris'}); return r;"
        }))
        .by(builder.as_str())
        .expect(201)
        .await;
    let out = app
        .call(
            Method::POST,
            &format!(
                "/api/v1/library/actions/{}/run",
                script["id"].as_str().expect("id")
            ),
        )
        .body(&json!({"params": {}}))
        .by(builder.as_str())
        .expect(200)
        .await;
    assert_eq!(out["ok"], true, "{out}");
    assert!(out["output"].to_string().contains("Europe/Paris"), "{out}");
    assert_eq!(out["logs"][0]["children"][0]["name"], "Time in zone");
    assert_eq!(out["logs"][0]["children"][0]["children"][0]["kind"], "call");
}

/// `callTool` in a `custom_script` reaches only the MCP configurations the action declares,
/// and through each only the tools it allows; each call is a `call` row under the action.
async fn scripts_call_only_declared_mcp_configurations_and_allowed_tools(app: TestApp) {
    let (admin, builder) = admin_and_builder(&app).await;
    register(&app, &admin, &everything_stdio()).await;
    let wid = new_wizard(&app, &builder).await;
    let mut ids = Vec::new();
    for body in [
        json!({"name": "ev", "server": "everything", "available_tools": ["get-sum"]}),
        json!({"name": "undeclared", "server": "everything"}),
    ] {
        let cfg = app
            .call(Method::POST, &format!("/api/v1/wizards/{wid}/mcp-configs"))
            .body(&body)
            .by(builder.as_str())
            .expect(201)
            .await;
        ids.push(
            cfg["id"]
                .as_str()
                .and_then(|s| s.parse::<Uuid>().ok())
                .expect("config id"),
        );
    }
    let wizard = wizard_with_configs(&app, &builder, &wid).await;
    let script = |code: &str, allowed: Vec<Uuid>| {
        ActionConfig::CustomScript(CustomScriptConfig {
            code: code.into(),
            allowed_api_configs: Vec::new(),
            allowed_mcp_configs: allowed,
            allowed_actions: Vec::new(),
        })
    };
    // Save-time: a configuration the wizard lacks is named by its index.
    let ctx = CheckCtx {
        app: &app.state,
        wizard: &wizard,
    };
    let errs = actions::check(
        &script("return 1;", vec![ids[0], Uuid::now_v7()]),
        &ctx,
        "actions[0].config",
    )
    .await;
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field, "actions[0].config.allowed_mcp_configs[1]");

    let code = "const r = await callTool('ev', 'get-sum', {a: 20, b: 22}); \
                const refused = []; \
                for (const [cfg, tool] of [['ev', 'echo'], ['undeclared', 'echo']]) { \
                  try { await callTool(cfg, tool, {message: 'x'}); refused.push('called'); } \
                  catch (e) { refused.push(String(e && e.message || e)); } \
                } \
                return {sum: JSON.stringify(r), refused};";
    let run = run_of(&wizard);
    let mut effects = Effects::default();
    let context = json!({});
    let logger = wizard_core::backend::engine::logs::Logger::in_memory(app.state.clone());
    let log_id = Uuid::now_v7();
    let mut actx = ActionCtx {
        app: &app.state,
        run: &run,
        wizard: &wizard,
        context: &context,
        effects: &mut effects,
        log_id,
        logger: &logger,
        timeout: Duration::from_secs(20),
    };
    let out = actions::execute(&script(code, vec![ids[0]]), &mut actx)
        .await
        .expect("script");
    assert!(
        out["sum"].as_str().is_some_and(|s| s.contains("42")),
        "{out}"
    );
    let refused = out["refused"].as_array().expect("refusals");
    assert!(
        refused[0]
            .as_str()
            .is_some_and(|m| m.contains("does not allow the tool `echo`")),
        "{out}"
    );
    assert!(
        refused[1]
            .as_str()
            .is_some_and(|m| m.contains("not an MCP configuration this script may use")),
        "{out}"
    );
    // The allowed call and the refused tool were attempted through the configuration and
    // logged; the undeclared configuration never got that far.
    let calls = logger.trees();
    let names: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.name.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("callTool ev get-sum", "success"),
            ("callTool ev echo", "error")
        ],
        "{calls:?}"
    );
    assert!(calls.iter().all(|c| c.parent_log_id == Some(log_id)));
    app.state.mcp.shutdown().await;
}

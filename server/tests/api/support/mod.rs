//! Wizards the platform tests build and play: small, but with every kind of rule a
//! runner meets (required fields, a field shown by a condition, a skipped step).

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

/// Registers `runner@example.com` and has `admin_token` make it a runner; its token.
pub async fn register_runner(app: &TestApp, admin_token: &str) -> String {
    let (user, token) = app.register("runner@example.com").await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/users/{}/role", user["id"].as_str().expect("id")),
    )
    .body(&json!({"role": "runner", "version": user["version"]}))
    .by(admin_token)
    .expect(200)
    .await;
    token
}

/// Three steps. `years` shows only for developers; step "Management" only for managers;
/// the last step has a rating, rich text, a color and an upload field.
pub fn three_steps() -> Value {
    json!({
        "name": "Team survey",
        "description": "Who is on the team",
        "category": "HR",
        "steps": [
            {"title": "About you", "option_sets": [
                {"key": "name", "label": "Name", "required": true,
                 "selection_type": "text_input", "settings": {"min_length": 2, "max_length": 40}},
                {"key": "role", "label": "Role", "required": true, "selection_type": "single_select",
                 "options": [
                    {"label": "Developer", "value": "dev"},
                    {"label": "Designer", "value": "designer"},
                    {"label": "Manager", "value": "manager"}]},
                {"key": "years", "label": "Years of experience", "required": true,
                 "selection_type": "number_input", "settings": {"min": 0, "max": 60, "step": 1},
                 "show_if": {"field": "role", "op": "eq", "value": "dev"}}
            ]},
            {"title": "Management", "show_if": {"field": "role", "op": "eq", "value": "manager"},
             "option_sets": [
                {"key": "team_size", "label": "Team size", "required": true,
                 "selection_type": "number_input", "settings": {"min": 1}}
            ]},
            {"title": "Feedback", "option_sets": [
                {"key": "score", "label": "Score", "required": true, "selection_type": "rating",
                 "settings": {"max": 5}},
                {"key": "notes", "label": "Notes", "selection_type": "rich_text",
                 "settings": {"max_length": 2000}},
                {"key": "badge", "label": "Badge color", "selection_type": "color_picker"},
                {"key": "proof", "label": "Attachment", "selection_type": "file_upload",
                 "settings": {"max_size_bytes": 1000, "accepted_types": ["image/png", ".txt"], "max_files": 2}}
            ]}
        ]
    })
}

/// Creates a draft, saves `definition` into it and returns the saved draft.
pub async fn create_draft(app: &TestApp, token: &str, definition: &Value) -> Value {
    let draft = app
        .call(Method::POST, "/api/v1/wizards")
        .body(&json!({"name": definition["name"]}))
        .by(token)
        .expect(201)
        .await;
    let id = draft["id"].as_str().expect("id");
    app.call(Method::PUT, &format!("/api/v1/wizards/{id}"))
        .body(&json!({"version": draft["version"], "definition": definition}))
        .by(token)
        .expect(200)
        .await
}

/// Creates, saves and publishes `definition`; returns the draft.
pub async fn publish(app: &TestApp, token: &str, definition: &Value) -> Value {
    let draft = create_draft(app, token, definition).await;
    publish_current(app, token, draft["id"].as_str().expect("id")).await;
    draft
}

/// Publishes the current state of an existing draft (events and configurations added
/// after it was created included); returns the wizard as it was before publishing.
pub async fn publish_current(app: &TestApp, token: &str, wizard_id: &str) -> Value {
    let current = app
        .get_json(&format!("/api/v1/wizards/{wizard_id}"), Some(token))
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/wizards/{wizard_id}/publish"),
    )
    .body(&json!({"version": current["version"]}))
    .by(token)
    .expect(201)
    .await;
    current
}

/// Runs a trigger on a run, which must answer 200; returns the effects and outcomes.
pub async fn execute_ok(app: &TestApp, token: &str, run_id: &str, body: Value) -> Value {
    app.call(
        Method::POST,
        &format!("/api/v1/wizard-runs/{run_id}/execute-event"),
    )
    .body(&body)
    .by(token)
    .expect(200)
    .await
}

/// Starts a run of wizard `id`; returns the run view.
pub async fn start(app: &TestApp, token: &str, wizard_id: &str) -> Value {
    app.call(Method::POST, "/api/v1/wizard-runs")
        .body(&json!({"wizard_id": wizard_id}))
        .by(token)
        .expect(201)
        .await
}

pub async fn answer(app: &TestApp, token: &str, run_id: &str, answers: Value) -> reqwest::Response {
    app.patch_json(
        &format!("/api/v1/wizard-runs/{run_id}/answers"),
        &json!({"answers": answers}),
        Some(token),
    )
    .await
}

/// The id of the step titled `title` in a definition.
/// The id of the field `key` in a definition (JSON).
pub fn field_id(definition: &Value, key: &str) -> String {
    definition["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["option_sets"].as_array().into_iter().flatten())
        .find(|os| os["key"] == key)
        .and_then(|os| os["id"].as_str())
        .unwrap_or_else(|| panic!("no field {key}"))
        .to_owned()
}

pub fn step_id(definition: &Value, title: &str) -> String {
    definition["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["title"] == title))
        .and_then(|s| s["id"].as_str())
        .expect("step")
        .to_owned()
}

/// A stub peer: `router` served on a free port of 127.0.0.1 until this is dropped.
pub struct Peer {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Peer {
    pub async fn serve(router: axum::Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a stub peer");
        let port = listener.local_addr().expect("addr").port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { port, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

//! Running library actions (DESIGN §5, ARCHITECTURE "The action library"): one call by
//! name with parameters, wherever it comes from — a `library_action` in an event, a
//! script's `runAction`, a library action's own code calling its parent, or a test run.
//!
//! Each call is resolved by name at run time (a child reaches its parent through
//! `runAction('<Parent>', …)`, so no id is ever baked into code), its parameters are bound
//! against the declared ones (`domain::library::bind_params`), and it writes one `library`
//! log row under its caller's, so the Activity tree nests level by level. Context flows
//! down in [`Env`] and the call stack; a failure flows up as a [`Failure`] whose path names
//! every level from the outermost call to where it happened.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::backend::db::library::{self as repo, ActionRow};
use crate::backend::engine::RunInfo;
use crate::backend::engine::http::call_api_within;
use crate::backend::engine::logs::Logger;
use crate::backend::engine::sandbox::{self, HostFuture, Limits, SandboxError, ScriptHost};
use crate::backend::error::ActionError;
use crate::backend::state::AppState;
use crate::domain::event::{ApiCallConfig, HttpMethod, LogKind, LogStatus};
use crate::domain::library::{CodeStatus, LibraryKind, McpToolTarget, bind_params, describe};

/// Who may run unapproved code: only a test run, by the action's owner or an admin.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Inside a wizard: only approved code; actions shared or owned by the wizard's owner.
    Wizard { owner_id: Option<String> },
    /// `POST /library/actions/{id}/run`: the tester's own draft and pending code runs too.
    Test { user_id: String, admin: bool },
}

/// What every level of one call tree shares.
#[derive(Clone)]
pub struct Env {
    pub app: AppState,
    pub run: RunInfo,
    pub logger: Logger,
    pub mode: Mode,
    /// When the outermost call's time is up.
    pub deadline: Instant,
}

impl Env {
    /// The environment of a call from inside a wizard's run (or an action's test in the
    /// builder): the wizard's owner decides which private actions it may reach.
    pub async fn for_wizard(
        app: &AppState,
        run: &RunInfo,
        logger: &Logger,
        timeout: Duration,
    ) -> Result<Self, Failure> {
        let owner_id = crate::backend::db::wizards::get(&app.db, run.wizard_id)
            .await
            .map_err(|e| Failure::at("library", e.to_string()))?
            .and_then(|w| w.owner_id);
        Ok(Self {
            app: app.clone(),
            run: run.clone(),
            logger: logger.clone(),
            mode: Mode::Wizard { owner_id },
            deadline: Instant::now() + timeout,
        })
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// One level of the call stack: which action, with which parameters.
#[derive(Debug, Clone)]
struct Frame {
    id: Uuid,
    name: String,
    params: Map<String, Value>,
}

/// The calls in progress, outermost first.
#[derive(Debug, Clone, Default)]
pub struct CallStack(Arc<Vec<Frame>>);

impl CallStack {
    fn with(&self, frame: Frame) -> Self {
        let mut frames = (*self.0).clone();
        frames.push(frame);
        Self(Arc::new(frames))
    }

    fn names(&self) -> Vec<String> {
        self.0.iter().map(|f| f.name.clone()).collect()
    }
}

/// Why a call failed: the levels from the outermost call down to where it happened, and
/// what happened there.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub path: Vec<String>,
    pub message: String,
    /// The cause might go away (a 5xx, a timeout): `on_error: retry` may try again.
    pub retryable: bool,
}

impl Failure {
    fn at(name: &str, message: impl Into<String>) -> Self {
        Self {
            path: vec![name.to_owned()],
            message: message.into(),
            retryable: false,
        }
    }

    fn from_action(name: &str, e: ActionError) -> Self {
        Self {
            retryable: e.is_retryable(),
            ..Self::at(name, e.to_string())
        }
    }

    /// The same failure seen one level up.
    fn under(mut self, name: &str) -> Self {
        self.path.insert(0, name.to_owned());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.join(" → "), self.message)
    }
}

impl From<Failure> for ActionError {
    fn from(f: Failure) -> Self {
        if f.retryable {
            ActionError::Transient(f.to_string())
        } else {
            ActionError::Failed(f.to_string())
        }
    }
}

pub type CallFuture = Pin<Box<dyn Future<Output = Result<Value, Failure>> + Send>>;

/// Calls the library action `name` with `params`, logging under `parent_log`.
pub fn call(
    env: Env,
    stack: CallStack,
    name: String,
    params: Map<String, Value>,
    parent_log: Option<Uuid>,
) -> CallFuture {
    Box::pin(async move {
        let row = resolve(&env, &stack, &name).await?;
        let declared = repo::declared_params(&env.app.db, row.id)
            .await
            .map_err(|e| Failure::at(&name, e.to_string()))?;
        let bound =
            bind_params(&declared, &params).map_err(|p| Failure::at(&name, describe(&p)))?;
        // The same action with the same (bound) parameters again can only loop forever.
        if let Some(at) = stack
            .0
            .iter()
            .position(|f| f.id == row.id && f.params == bound)
        {
            let mut chain: Vec<String> = stack.0[at..].iter().map(|f| f.name.clone()).collect();
            chain.push(name.clone());
            return Err(Failure::at(
                &name,
                format!(
                    "not run: it would call itself again with the same parameters, which never ends ({})",
                    chain.join(" → ")
                ),
            ));
        }
        let input = Value::Object(bound.clone());
        // Written once, when the level ends (its children are written meanwhile).
        let log = env
            .logger
            .defer(parent_log, LogKind::Library, &name, Some(&input));
        let stack = stack.with(Frame {
            id: row.id,
            name: name.clone(),
            params: bound.clone(),
        });
        let result = run_row(&env, &stack, &row, bound, log.id).await;
        match &result {
            Ok(v) => log.end(LogStatus::Success, Some(v), None),
            Err(f) => {
                let message = f.to_string();
                log.end(LogStatus::Error, None, Some(&message));
            }
        }
        result
    })
}

/// The action `name`, if this call may run it here and now.
async fn resolve(env: &Env, stack: &CallStack, name: &str) -> Result<ActionRow, Failure> {
    let max = env.app.engine.library_max_depth;
    if stack.0.len() >= max {
        let mut chain = stack.names();
        chain.push(name.to_owned());
        return Err(Failure::at(
            name,
            format!(
                "not run: the call stack would be deeper than {max} levels ({})",
                chain.join(" → ")
            ),
        ));
    }
    let not_found = || Failure::at(name, "there is no library action with this name");
    let row = repo::get_by_name(&env.app.db, name)
        .await
        .map_err(|e| Failure::at(name, e.to_string()))?
        .ok_or_else(not_found)?;
    let (visible, may_run_unreviewed) = match &env.mode {
        Mode::Wizard { owner_id } => (
            row.visibility == "shared" || (owner_id.is_some() && row.owner_id == *owner_id),
            false,
        ),
        Mode::Test { user_id, admin } => {
            let owns = row.owner_id.as_deref() == Some(user_id.as_str());
            (*admin || owns || row.visibility == "shared", *admin || owns)
        }
    };
    if !visible {
        return Err(not_found());
    }
    let status: CodeStatus = row
        .code_status
        .parse()
        .map_err(|e: String| Failure::at(name, e))?;
    if status != CodeStatus::Approved && !may_run_unreviewed {
        return Err(Failure::at(
            name,
            format!("its code is {status}, not approved: only approved code runs in wizards"),
        ));
    }
    Ok(row)
}

/// Runs one resolved action by its kind.
async fn run_row(
    env: &Env,
    stack: &CallStack,
    row: &ActionRow,
    params: Map<String, Value>,
    log_id: Uuid,
) -> Result<Value, Failure> {
    let name = row.action_name.as_str();
    let kind: LibraryKind = row.kind.parse().map_err(|e: String| Failure::at(name, e))?;
    match kind {
        LibraryKind::HttpRequest => http_request(env, name, &params, log_id).await,
        LibraryKind::McpTool => mcp_tool(env, name, &row.code, params, log_id).await,
        LibraryKind::Script | LibraryKind::Generated => {
            script(env, stack, name, &row.code, params, log_id).await
        }
    }
}

/// The built-in "Generic REST API": `Method`, `URL`, `Headers`, `Query`, `Body` and
/// `ApiConfig` (an API configuration of the wizard it runs in, by name: its base URL and
/// credentials apply on the server and never pass through the parameters).
async fn http_request(
    env: &Env,
    name: &str,
    params: &Map<String, Value>,
    log_id: Uuid,
) -> Result<Value, Failure> {
    let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::trim);
    let method: HttpMethod = text("Method")
        .unwrap_or("GET")
        .to_ascii_uppercase()
        .parse()
        .map_err(|e: String| Failure::at(name, format!("Method: {e}")))?;
    let url = text("URL")
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Failure::at(name, "URL: an address is required"))?;
    let api_config = text("ApiConfig").filter(|c| !c.is_empty());
    if api_config.is_some() && env.run.wizard_id.is_nil() {
        return Err(Failure::at(
            name,
            "ApiConfig: an API configuration belongs to a wizard; run this from a wizard or test it with wizard_id",
        ));
    }
    let object = |key: &str| match params.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(Failure::at(name, format!("{key}: must be an object"))),
    };
    let headers = object("Headers")?
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    let request = ApiCallConfig {
        api_config_id: None,
        method,
        url: url.to_owned(),
        query: object("Query")?.into_iter().collect(),
        headers,
        body: params.get("Body").filter(|b| !b.is_null()).cloned(),
        response_mapping: Default::default(),
    };
    let input = serde_json::to_value(&request).unwrap_or(Value::Null);
    let call = call_api_within(
        &env.app,
        env.run.wizard_id,
        api_config,
        &request,
        env.left(),
    );
    env.logger
        .call(log_id, &format!("{method} {url}"), &input, call)
        .await
        .map_err(|e| Failure::from_action(name, e))
}

/// An `mcp_tool` action: its code names the registered server and tool
/// (`{"server": "time", "tool": "get_current_time"}`); the parameters are the arguments.
async fn mcp_tool(
    env: &Env,
    name: &str,
    code: &str,
    params: Map<String, Value>,
    log_id: Uuid,
) -> Result<Value, Failure> {
    let target: McpToolTarget =
        McpToolTarget::parse(code).map_err(|m| Failure::at(name, format!("code: {m}")))?;
    let input = Value::Object(params.clone());
    let call = crate::backend::mcp_servers::call(
        &env.app,
        &target.server,
        &target.tool,
        params,
        env.left(),
    );
    env.logger
        .call(
            log_id,
            &format!("{} {}", target.server, target.tool),
            &input,
            call,
        )
        .await
        .map_err(|e| Failure::from_action(name, e))
}

/// A `script` or `generated` action: its code is the body of `async function (context)`
/// with `context = {params, user, run, wizard, call_stack}`; it may only `runAction`.
async fn script(
    env: &Env,
    stack: &CallStack,
    name: &str,
    code: &str,
    params: Map<String, Value>,
    log_id: Uuid,
) -> Result<Value, Failure> {
    let nil_as_null = |id: Uuid| {
        if id.is_nil() {
            Value::Null
        } else {
            Value::String(id.to_string())
        }
    };
    let context = json!({
        "params": params,
        "user": {"id": env.run.user_id, "email": env.run.user_email},
        "run": {"id": nil_as_null(env.run.run_id)},
        "wizard": {"id": nil_as_null(env.run.wizard_id)},
        "call_stack": stack.names(),
    });
    let host = Arc::new(LibraryHost {
        env: env.clone(),
        stack: stack.clone(),
        parent_log: log_id,
        last_failure: Arc::default(),
    });
    let e = &env.app.engine;
    let limits = Limits {
        memory_bytes: e.js_memory_limit_bytes,
        stack_bytes: e.js_stack_limit_bytes,
        time: e.js_time_limit.min(env.left()),
        max_output_bytes: e.max_output_bytes,
    };
    match sandbox::run_script(code, context, host.clone(), &limits).await {
        Ok(v) => Ok(v),
        Err(error) => Err(script_failure(name, &error, host.take_failure())),
    }
}

/// What a script's failure means one level up: the failure of the call it awaited, when
/// that is what it threw (the error passed through), or its own.
fn script_failure(name: &str, error: &SandboxError, inner: Option<Failure>) -> Failure {
    match (error, inner) {
        (SandboxError::Thrown(m), Some(inner)) if passes_through(m, &inner) => inner.under(name),
        (SandboxError::Timeout(ms), _) => Failure {
            retryable: true,
            ..Failure::at(name, format!("ran longer than {ms} ms and was stopped"))
        },
        (e, _) => Failure::at(name, e.to_string()),
    }
}

/// Whether a script's error message is the failure it awaited (the sandbox prefixes the
/// error's name and clips long messages, so the start of the failure is compared).
fn passes_through(message: &str, inner: &Failure) -> bool {
    let text = inner.to_string();
    let head: String = text.chars().take(200).collect();
    message.contains(&head)
}

/// What library code may reach: other library actions by name, nothing else.
struct LibraryHost {
    env: Env,
    stack: CallStack,
    parent_log: Uuid,
    /// The last call that failed, to tell its error passing through from the script's own.
    last_failure: Arc<Mutex<Option<Failure>>>,
}

impl LibraryHost {
    fn take_failure(&self) -> Option<Failure> {
        self.last_failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

const DATA_ONLY: &str =
    "library actions return data; the event that runs one decides what to do with it";

impl ScriptHost for LibraryHost {
    fn set_field(&self, _key: &str, _value: Value) -> Result<(), String> {
        Err(format!("setField: {DATA_ONLY}"))
    }

    fn show_message(&self, _level: &str, _text: &str) -> Result<(), String> {
        Err(format!("showMessage: {DATA_ONLY}"))
    }

    fn navigate(&self, _target: &str) -> Result<(), String> {
        Err(format!("navigate: {DATA_ONLY}"))
    }

    fn call_api(&self, _config: String, _request: Value) -> HostFuture {
        Box::pin(async {
            Err("callApi: library code makes HTTP calls through runAction('Generic REST API', {Method, URL, Headers, Body, ApiConfig})".to_owned())
        })
    }

    fn call_tool(&self, _config: String, _tool: String, _arguments: Value) -> HostFuture {
        Box::pin(async {
            Err("callTool: library code calls an MCP tool through runAction on an MCP tool library action".to_owned())
        })
    }

    fn run_action(&self, name: String, params: Value) -> HostFuture {
        let params = match params {
            Value::Object(m) => Ok(m),
            Value::Null => Ok(Map::new()),
            _ => Err(format!(
                "runAction `{name}`: the parameters must be an object"
            )),
        };
        let env = self.env.clone();
        let stack = self.stack.clone();
        let parent = self.parent_log;
        let failures = Arc::clone(&self.last_failure);
        Box::pin(async move {
            let params = params?;
            match call(env, stack, name, params, Some(parent)).await {
                Ok(v) => Ok(v),
                Err(f) => {
                    let message = f.to_string();
                    *failures.lock().unwrap_or_else(|p| p.into_inner()) = Some(f);
                    Err(message)
                }
            }
        })
    }
}

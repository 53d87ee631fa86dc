//! The JavaScript sandbox (rquickjs): a fresh runtime per run with memory, stack and time
//! limits; JSON in, JSON out; no capabilities but the host functions a script is given.
//!
//! OWNER: sandbox helper (issue 4). Signatures are the contract; bodies are to be written.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

/// Limits of one run.
#[derive(Debug, Clone)]
pub struct Limits {
    pub memory_bytes: usize,
    pub stack_bytes: usize,
    pub time: Duration,
    pub max_output_bytes: usize,
}

/// Why a script run ended without a result. Messages are for the builder/runner.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SandboxError {
    #[error("the script does not compile: {0}")]
    Compile(String),
    #[error("the script threw: {0}")]
    Thrown(String),
    #[error("the script ran longer than {0} ms and was stopped")]
    Timeout(u64),
    #[error("the script used more than its memory limit and was stopped")]
    OutOfMemory,
    #[error("the script recursed too deeply (stack limit) and was stopped")]
    StackOverflow,
    #[error("the script's result is larger than {0} bytes")]
    OutputTooLarge(usize),
    #[error("the script's result is not JSON: {0}")]
    NotJson(String),
}

pub type HostFuture = Pin<Box<dyn Future<Output = Result<Value, String>> + Send>>;

/// The capabilities of a `custom_script`. Each call is checked against what the action
/// declared; an `Err` becomes an exception in the script.
pub trait ScriptHost: Send + Sync + 'static {
    fn set_field(&self, key: &str, value: Value) -> Result<(), String>;
    fn show_message(&self, level: &str, text: &str) -> Result<(), String>;
    fn navigate(&self, target: &str) -> Result<(), String>;
    /// `await callApi(configName, {method, url, query, headers, body})`.
    fn call_api(&self, config: String, request: Value) -> HostFuture;
    /// `await runAction(name, params)`.
    fn run_action(&self, name: String, params: Value) -> HostFuture;
}

/// Checks that `body` compiles as the body of a (possibly async) function, without
/// running it. Used when a transform or script is saved or tested.
pub fn check_compiles(body: &str) -> Result<(), SandboxError> {
    let _ = body;
    todo!("sandbox helper")
}

/// `transform_data` (javascript): runs `body` as `function (input) { body }` on `input`.
pub async fn run_transform(
    body: &str,
    input: Value,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    let _ = (body, input, limits);
    todo!("sandbox helper")
}

/// `custom_script`: runs `body` as `async function (context) { body }` with the host
/// functions `setField`, `showMessage`, `navigate`, `callApi`, `runAction`.
pub async fn run_script(
    body: &str,
    context: Value,
    host: Arc<dyn ScriptHost>,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    let _ = (body, context, host, limits);
    todo!("sandbox helper")
}

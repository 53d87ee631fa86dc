//! The JavaScript sandbox (rquickjs): memory, stack and time limits; JSON in, JSON out; no
//! capabilities but the host functions a script is given.
//!
//! A script (`custom_script`, library actions) gets a fresh, locked-down QuickJS context on a
//! blocking thread (`spawn_blocking`), so a busy loop never holds one of the server's
//! executor threads for long, and whatever it did to its globals dies with the context. A
//! transform starts on the calling thread, for at most [`INLINE_BUDGET`] ([`run_transform`]),
//! in the thread's shared frozen realm ([`realm`]): nothing in it can be written, and what a
//! run adds to the global object is deleted after it. The runtime under a fresh context is
//! reused from a small pool only after a run that ended cleanly, with no jobs left and its
//! memory back to a baseline ([`RuntimePool`]); a runtime or realm that hit a limit or failed
//! is dropped. The time limit is enforced twice: by QuickJS's interrupt handler (an
//! uncatchable exception, checked while JS runs, regexes included) and by an outer
//! `tokio::time::timeout` (for time spent outside JS, e.g. waiting on the host); a run
//! abandoned by the outer timeout is also interrupted.
//! Inputs and outputs cross as JSON text only, so no JS object ever reaches Rust.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::context::intrinsic;
use rquickjs::function::{Opt, This};
use rquickjs::module::WriteOptions;
use rquickjs::prelude::Coerced;
use rquickjs::{
    CatchResultExt, Context, Ctx, Exception, Function, Module, Object, Promise, Runtime,
};
use serde_json::Value;
use tokio::sync::Semaphore;

mod realm;
use realm::{Realm, Shared};

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
    /// `await callTool(configName, tool, arguments)`.
    fn call_tool(&self, config: String, tool: String, arguments: Value) -> HostFuture;
}

/// How long a transform may run on the calling (executor) thread before it moves to a
/// blocking thread ([`run_transform`]). Short enough that other requests on that thread
/// barely notice; long enough for what most transforms do.
const INLINE_BUDGET: Duration = Duration::from_millis(2);

/// Runs on blocking threads at once; beyond it they queue. (A transform running within its
/// [`INLINE_BUDGET`] holds an executor thread instead, so there are at most as many of
/// those as executor threads.) Bounds the memory all sandboxes can take together
/// (each up to its memory limit) and the blocking threads they hold.
const MAX_CONCURRENT_RUNS: usize = 16;
static RUN_SLOTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(MAX_CONCURRENT_RUNS)));

/// The JS stack limit is capped below the size of a blocking thread's stack (Tokio's
/// default is 2 MiB), so QuickJS's own check always fires before the real stack ends.
const MAX_STACK_BYTES: usize = 1024 * 1024;
/// Host calls a script may have in flight at once.
const MAX_PENDING_HOST_CALLS: usize = 64;
/// How much longer than the JS deadline the outer timeout waits for the blocking thread.
const OUTER_GRACE: Duration = Duration::from_millis(250);
const ESCAPED: &str = "the code closes the function it is the body of (unbalanced braces?)";
/// Limits of a compile check: it runs nothing of the body, so these are small.
const CHECK_LIMITS: Limits = Limits {
    memory_bytes: 16 * 1024 * 1024,
    stack_bytes: 256 * 1024,
    time: Duration::from_millis(500),
    max_output_bytes: 1024,
};
/// Longest error message kept from a script (it may throw anything).
const MAX_MESSAGE_CHARS: usize = 500;
/// The name errors point at (`script:3:5`).
const FILE_NAME: &str = "script";

/// Runs before any user code: removes every way to compile code from a string (`eval`,
/// the `Function` constructors reachable as `Function` or `(function(){}).constructor`), and
/// the few globals that give timing or blocking primitives. QuickJS has no fs, net, timers,
/// `require`, `process` or `fetch` to begin with. A module (so strict), compiled once to
/// bytecode: [`LOCKDOWN_BYTECODE`].
const LOCKDOWN: &str = r#"
const g = globalThis;
const define = Object.defineProperty;
const protoOf = Object.getPrototypeOf;
const kinds = [
  Function,
  protoOf(async function () {}).constructor,
  protoOf(function* () {}).constructor,
  protoOf(async function* () {}).constructor,
];
for (const C of kinds) {
  const blocked = function () {
    throw new EvalError('compiling code from a string (eval, Function) is disabled in the sandbox');
  };
  define(blocked, 'prototype', { value: C.prototype, writable: false });
  define(C.prototype, 'constructor', { value: blocked, writable: false, configurable: false });
  if (C === Function) {
    define(g, 'Function', { value: blocked, writable: false, configurable: false });
  }
}
for (const name of ['eval', 'Atomics', 'SharedArrayBuffer', 'WeakRef',
                    'FinalizationRegistry', 'performance']) {
  delete g[name];
}
"#;

/// [`LOCKDOWN`] as QuickJS bytecode, compiled once per process: parsing it took about
/// 45 µs of every run, more than running it (issue 15). It is a module because modules are
/// what rquickjs stores and loads as bytecode; it exports nothing.
static LOCKDOWN_BYTECODE: LazyLock<Result<Vec<u8>, String>> = LazyLock::new(|| {
    let failed = |e: &dyn std::fmt::Display| format!("the sandbox lockdown does not compile: {e}");
    let runtime = Runtime::new().map_err(|e| failed(&e))?;
    let context = Context::full(&runtime).map_err(|e| failed(&e))?;
    context.with(|ctx| {
        Module::declare(ctx.clone(), "sandbox:lockdown", LOCKDOWN)
            .and_then(|module| module.write(WriteOptions::default()))
            .catch(&ctx)
            .map_err(|e| failed(&e))
    })
});

/// Makes the host functions read-only, non-deletable and frozen, so a script cannot swap
/// or decorate them (what it does to its own objects stays in its own runtime).
const HARDEN_HOST: &str = r#"(function () {
  'use strict';
  for (const name of ['setField', 'showMessage', 'navigate', 'callApi', 'runAction',
                      'callTool']) {
    const f = globalThis[name];
    Object.freeze(f);
    Object.defineProperty(globalThis, name, { value: f, writable: false, enumerable: false,
                                              configurable: false });
  }
})();"#;

impl SandboxError {
    /// Whether a run that ended so may have left its engine in a state the next run must
    /// not inherit: a limit hit in the middle of an operation, or code that ran outside its
    /// function (a body that closes the wrapper runs at compile time). A thrown exception
    /// unwinds cleanly, so a transform that throws keeps its thread's realm.
    fn spoils_engine(&self) -> bool {
        matches!(
            self,
            SandboxError::Compile(_)
                | SandboxError::Timeout(_)
                | SandboxError::OutOfMemory
                | SandboxError::StackOverflow
        )
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `function (input) { body }`
    Transform,
    /// `async function (context) { body }`
    Script,
}

impl Kind {
    /// The function's source; the body starts on line 2, so engine line numbers are one
    /// more than the body's.
    fn function_text(self, body: &str) -> String {
        match self {
            Kind::Transform => format!("function (input) {{\n{body}\n}}"),
            Kind::Script => format!("async function (context) {{\n{body}\n}}"),
        }
    }
}

/// Checks that `body` compiles as the body of a (possibly async) function, without
/// running it. Used when a transform or script is saved or tested.
///
/// This is the `custom_script` form (`async function (context) { … }`); a transform's
/// body is checked with [`check_transform_compiles`], since `await` means different
/// things in the two. It blocks (up to half a second for a body that closes its wrapper
/// and runs code outside it): call it from `spawn_blocking`.
pub fn check_compiles(body: &str) -> Result<(), SandboxError> {
    compile_only(Kind::Script, body)
}

/// Checks that `body` compiles as `function (input) { body }` (a `transform_data`).
pub fn check_transform_compiles(body: &str) -> Result<(), SandboxError> {
    compile_only(Kind::Transform, body)
}

/// `transform_data` (javascript): runs `body` as `function (input) { body }` on `input`.
///
/// It starts on the calling thread with at most [`INLINE_BUDGET`] of its time: most
/// transforms end well within it, and handing them to a blocking thread cost two thread
/// switches per run, more than the run itself (issue 15). One that needs longer is stopped
/// and runs again from the start on a blocking thread with the rest of its time; a
/// transform has no host functions, so it has no effect to repeat.
pub async fn run_transform(
    body: &str,
    input: &Value,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    let input = serialize_input(input)?;
    let started = Instant::now();
    let inline = Limits {
        time: limits.time.min(INLINE_BUDGET),
        ..limits.clone()
    };
    let never_abandoned = Arc::new(AtomicBool::new(false));
    match run_blocking(
        Kind::Transform,
        body,
        &input,
        None,
        &inline,
        &never_abandoned,
        Attempt::Inline,
    ) {
        Err(SandboxError::Timeout(_)) if limits.time > INLINE_BUDGET => {
            let rest = Limits {
                time: limits.time.saturating_sub(started.elapsed()),
                ..limits.clone()
            };
            match run_elsewhere(Kind::Transform, body, input, None, &rest).await {
                Err(SandboxError::Timeout(_)) => Err(SandboxError::Timeout(millis(limits.time))),
                other => other,
            }
        }
        other => other,
    }
}

/// `custom_script`: runs `body` as `async function (context) { body }` with the host
/// functions `setField`, `showMessage`, `navigate`, `callApi`, `runAction`, `callTool`.
pub async fn run_script(
    body: &str,
    context: Value,
    host: Arc<dyn ScriptHost>,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    let context = serialize_input(&context)?;
    run_elsewhere(Kind::Script, body, context, Some(host), limits).await
}

fn serialize_input(input: &Value) -> Result<String, SandboxError> {
    serde_json::to_string(input)
        .map_err(|e| SandboxError::NotJson(format!("the input cannot be serialized: {e}")))
}

/// Runs on a blocking thread (`spawn_blocking`), holding one of [`RUN_SLOTS`].
async fn run_elsewhere(
    kind: Kind,
    body: &str,
    input: String,
    host: Option<Arc<dyn ScriptHost>>,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    let handle = tokio::runtime::Handle::try_current()
        .map_err(|_| SandboxError::Thrown("the sandbox needs a Tokio runtime".into()))?;
    let permit = Arc::clone(&RUN_SLOTS)
        .acquire_owned()
        .await
        .map_err(|_| SandboxError::Thrown("the sandbox is shutting down".into()))?;
    let abandoned = Arc::new(AtomicBool::new(false));
    let job = {
        let body = body.to_owned();
        let limits = limits.clone();
        let abandoned = Arc::clone(&abandoned);
        let handle = handle.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let host = host.map(|host| Bridge { host, handle });
            run_blocking(
                kind,
                &body,
                &input,
                host,
                &limits,
                &abandoned,
                Attempt::Whole,
            )
        })
    };
    match tokio::time::timeout(limits.time + OUTER_GRACE, job).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(SandboxError::Thrown(format!("the sandbox failed: {e}"))),
        Err(_) => {
            abandoned.store(true, Ordering::Relaxed);
            Err(SandboxError::Timeout(millis(limits.time)))
        }
    }
}

/// What a script's host functions reach.
struct Bridge {
    host: Arc<dyn ScriptHost>,
    handle: tokio::runtime::Handle,
}

/// Runtimes kept between runs (issue 15): creating and tearing down a QuickJS runtime cost
/// about as much as a small transform. Only a runtime whose last run ended cleanly comes
/// back, after its context is gone, its garbage collected, with no job pending and no more
/// memory than [`MAX_IDLE_BYTES`]: nothing a run made can reach the next one, which gets a
/// fresh context with its own lockdown.
///
/// Each thread keeps its own, so a runtime's memory stays with the thread (the allocator's
/// per-thread caches, the core's caches) that uses it; a shared pool handed runtimes from
/// thread to thread.
struct RuntimePool;

/// An idle runtime holding more than this after garbage collection is dropped instead.
const MAX_IDLE_BYTES: i64 = 1024 * 1024;

thread_local! {
    /// The thread's idle runtime (a thread runs one script at a time).
    static IDLE_RUNTIME: Cell<Option<Runtime>> = const { Cell::new(None) };
}

impl RuntimePool {
    fn take() -> rquickjs::Result<Runtime> {
        match IDLE_RUNTIME.take() {
            Some(runtime) => {
                // Re-reads the stack top (the caller's stack depth differs from run to run);
                // there is no job to run.
                let _ = runtime.execute_pending_job();
                Ok(runtime)
            }
            None => Runtime::new(),
        }
    }

    fn give_back(runtime: Runtime) {
        runtime.set_interrupt_handler(None);
        runtime.run_gc();
        if runtime.is_job_pending() || runtime.memory_usage().malloc_size > MAX_IDLE_BYTES {
            return;
        }
        IDLE_RUNTIME.set(Some(runtime));
    }
}

/// Whether a run is a transform's first, inline attempt, stopped at [`INLINE_BUDGET`] to run
/// again elsewhere, or a run with all of its time.
#[derive(Clone, Copy, PartialEq)]
enum Attempt {
    Inline,
    Whole,
}

/// Where a run's context comes from.
#[derive(Clone, Copy, PartialEq)]
enum Realms {
    /// A fresh context, locked down for this run only (scripts, compile checks).
    Fresh,
    /// The thread's shared frozen realm ([`realm`]; transforms).
    Shared,
}

/// A context, fresh or the thread's shared realm, on a runtime with the limits applied.
struct Engine {
    // Field order is drop order: the reset function and the context go before their runtime.
    /// `Some` for a shared realm.
    shared: Option<Shared>,
    context: Context,
    runtime: Runtime,
    interrupted: Arc<AtomicBool>,
    deadline: Instant,
    time: Duration,
}

impl Engine {
    fn new(
        limits: &Limits,
        abandoned: &Arc<AtomicBool>,
        realms: Realms,
    ) -> Result<Self, SandboxError> {
        let start_failed =
            |e: String| SandboxError::Thrown(format!("the sandbox could not start: {e}"));
        let (shared, context, runtime) = match realms {
            Realms::Shared => {
                let realm = match Realm::take() {
                    Some(realm) => realm,
                    None => new_realm().map_err(start_failed)?,
                };
                let (shared, context, runtime) = realm.into_parts();
                (Some(shared), Some(context), runtime)
            }
            Realms::Fresh => (
                None,
                None,
                RuntimePool::take().map_err(|e| start_failed(e.to_string()))?,
            ),
        };
        runtime.set_memory_limit(limits.memory_bytes);
        runtime.set_max_stack_size(limits.stack_bytes.min(MAX_STACK_BYTES));
        let deadline = Instant::now() + limits.time;
        let interrupted = Arc::new(AtomicBool::new(false));
        {
            let interrupted = Arc::clone(&interrupted);
            let abandoned = Arc::clone(abandoned);
            runtime.set_interrupt_handler(Some(Box::new(move || {
                let stop = abandoned.load(Ordering::Relaxed) || Instant::now() >= deadline;
                if stop {
                    interrupted.store(true, Ordering::Relaxed);
                }
                stop
            })));
        }
        let context = match context {
            Some(context) => context,
            None => new_context(&runtime).map_err(|e| match e {
                rquickjs::Error::Allocation => SandboxError::OutOfMemory,
                e => start_failed(e.to_string()),
            })?,
        };
        Ok(Self {
            shared,
            context,
            runtime,
            interrupted,
            deadline,
            time: limits.time,
        })
    }

    /// Ends the run: unless it hit a limit or its code ran outside its function
    /// ([`SandboxError::spoils_engine`]), its runtime (or shared realm) is kept for the
    /// thread's next run; otherwise all of it is dropped.
    ///
    /// A transform stopped at its [`INLINE_BUDGET`] is not spoiled: it is stopped by the
    /// same uncatchable exception as any limit, at a point where the engine is consistent,
    /// and that stop is routine (it runs again elsewhere); dropping the realm each time
    /// would make every longer transform pay for a new one.
    fn retire(self, outcome: Result<(), &SandboxError>, attempt: Attempt) {
        let clean = match outcome {
            Ok(()) => !self.interrupted.load(Ordering::Relaxed),
            Err(SandboxError::Timeout(_)) if attempt == Attempt::Inline => true,
            Err(e) => !e.spoils_engine(),
        };
        let Engine {
            shared,
            context,
            runtime,
            ..
        } = self;
        match shared {
            Some(shared) if clean => Realm::give_back(shared, context, runtime),
            shared => {
                drop(shared);
                drop(context);
                if clean {
                    RuntimePool::give_back(runtime);
                }
            }
        }
    }
}

/// A new shared realm for this thread: a runtime of its own, locked down and hardened
/// ([`Realm::harden`]) before any limit applies: that is our code, and it takes a few
/// milliseconds, once, more than a transform's inline budget.
fn new_realm() -> Result<Realm, String> {
    let runtime = Runtime::new().map_err(|e| e.to_string())?;
    let context = new_context(&runtime).map_err(|e| e.to_string())?;
    context.with(|ctx| {
        lock_down(&ctx)
            .map(|_| ())
            .catch(&ctx)
            .map_err(|e| e.to_string())
    })?;
    Realm::harden(context, runtime)
}

/// A context with every intrinsic but eval-from-JS (removed by [`LOCKDOWN`]; the host still
/// needs it to compile), Performance, WeakRef and DOMException.
fn new_context(runtime: &Runtime) -> rquickjs::Result<Context> {
    Context::custom::<(
        intrinsic::Date,
        intrinsic::Eval,
        intrinsic::RegExpCompiler,
        intrinsic::RegExp,
        intrinsic::Json,
        intrinsic::Proxy,
        intrinsic::MapSet,
        intrinsic::TypedArrays,
        intrinsic::Promise,
    )>(runtime)
}

/// Where a failure happened decides what an ordinary exception means.
#[derive(Clone, Copy)]
enum Phase {
    Compile,
    Run,
    Output,
}

fn compile_only(kind: Kind, body: &str) -> Result<(), SandboxError> {
    let abandoned = Arc::new(AtomicBool::new(false));
    let engine = Engine::new(&CHECK_LIMITS, &abandoned, Realms::Fresh)?;
    engine.context.with(|ctx| {
        let prepared = prepare(&ctx, &engine, None, &CHECK_LIMITS)?;
        compile(&ctx, &engine, kind, body, &prepared.to_string).map(|_| ())
    })
}

fn run_blocking(
    kind: Kind,
    body: &str,
    input: &str,
    host: Option<Bridge>,
    limits: &Limits,
    abandoned: &Arc<AtomicBool>,
    attempt: Attempt,
) -> Result<Value, SandboxError> {
    let realms = match kind {
        Kind::Transform => Realms::Shared,
        Kind::Script => Realms::Fresh,
    };
    let engine = Engine::new(limits, abandoned, realms)?;
    let result = engine.context.with(|ctx| {
        let Prepared { pending, to_string } = prepare(&ctx, &engine, host.as_ref(), limits)?;
        let result = (|| {
            let function = match &engine.shared {
                Some(shared) => match shared.compiled(&ctx, body) {
                    Some(function) => function,
                    None => {
                        let function = compile(&ctx, &engine, kind, body, &to_string)?;
                        shared
                            .keep(&ctx, body, &function)
                            .map_err(|e| fail(&ctx, &engine, e, Phase::Run))?;
                        function
                    }
                },
                None => compile(&ctx, &engine, kind, body, &to_string)?,
            };
            let input = ctx
                .json_parse(input)
                .map_err(|e| fail(&ctx, &engine, e, Phase::Run))?;
            let output: rquickjs::Value = function
                .call((input,))
                .map_err(|e| fail(&ctx, &engine, e, Phase::Run))?;
            let output = match output.as_promise() {
                Some(promise) => settle(&ctx, &engine, promise, pending.as_ref())?,
                None => output,
            };
            to_json(&ctx, &engine, output, limits)
        })();
        // Host calls still in flight are abandoned, and the promise functions they held
        // are released before the runtime is freed.
        if let Some(pending) = pending {
            pending.close();
        }
        result
    });
    engine.retire(result.as_ref().map(|_| ()), attempt);
    result
}

/// A locked-down context, ready for the body.
struct Prepared<'js> {
    /// The host calls in flight (a script's only).
    pending: Option<Rc<Pending<'js>>>,
    /// The original `Function.prototype.toString`, taken before any user code ran.
    to_string: Function<'js>,
}

/// Locks a fresh context down (a shared realm already is) and, for a script, installs the
/// host functions.
fn prepare<'js>(
    ctx: &Ctx<'js>,
    engine: &Engine,
    host: Option<&Bridge>,
    limits: &Limits,
) -> Result<Prepared<'js>, SandboxError> {
    let to_string = match engine.shared {
        Some(_) => original_to_string(ctx),
        None => lock_down(ctx),
    }
    .map_err(|e| fail(ctx, engine, e, Phase::Run))?;
    let Some(bridge) = host else {
        return Ok(Prepared {
            pending: None,
            to_string,
        });
    };
    let pending = Rc::new(Pending::new());
    install_host(ctx, bridge, &pending, limits.max_output_bytes)
        .and_then(|()| ctx.eval::<(), _>(HARDEN_HOST))
        .map_err(|e| fail(ctx, engine, e, Phase::Run))?;
    Ok(Prepared {
        pending: Some(pending),
        to_string,
    })
}

/// Runs [`LOCKDOWN`]; returns the original `Function.prototype.toString`, taken before any
/// user code runs (see [`compile`]).
fn lock_down<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    let bytecode = LOCKDOWN_BYTECODE
        .as_deref()
        .map_err(|e| Exception::throw_internal(ctx, e))?;
    let to_string = original_to_string(ctx)?;
    // SAFETY: `Module::load` needs valid bytecode that outlives the runtime (it reads
    // it as ROM data): these bytes were written by `Module::write` of this very QuickJS
    // build and live in a static for the whole process.
    let module = unsafe { Module::load(ctx.clone(), bytecode) }?;
    let (_, done) = module.eval()?;
    done.finish::<()>()?;
    Ok(to_string)
}

/// `Function.prototype.toString`: the original in a context no user code has run in yet,
/// and in a shared realm, where it is frozen.
fn original_to_string<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    ctx.globals()
        .get::<_, Object>("Function")?
        .get::<_, Object>("prototype")?
        .get("toString")
}

/// Compiles the wrapped body to a function without calling it. `to_string` is the original
/// `Function.prototype.toString` (a body that closes the wrapper early could replace it).
fn compile<'js>(
    ctx: &Ctx<'js>,
    engine: &Engine,
    kind: Kind,
    body: &str,
    to_string: &Function<'js>,
) -> Result<Function<'js>, SandboxError> {
    let text = kind.function_text(body);
    let mut options = EvalOptions::default();
    options.global = true;
    options.strict = false;
    options.filename = Some(FILE_NAME.to_owned());
    let value: rquickjs::Value = ctx
        .eval_with_options(format!("({text})"), options)
        .map_err(|e| match fail(ctx, engine, e, Phase::Compile) {
            // evaluating a function expression runs nothing; anything but a syntax error
            // (or a limit) means code outside the function ran
            SandboxError::Compile(m) if m.starts_with("SyntaxError") => SandboxError::Compile(m),
            e @ (SandboxError::OutOfMemory | SandboxError::StackOverflow) => e,
            _ => SandboxError::Compile(ESCAPED.into()),
        })?;
    // A body like `}); other(); (function () {` still parses; then the value is not the
    // function whose source is the whole wrapper.
    let function = value.into_function();
    let source: Option<String> = match &function {
        Some(f) => to_string
            .call((This(f.clone()),))
            .map_err(|e| fail(ctx, engine, e, Phase::Run))?,
        None => None,
    };
    match function {
        Some(f) if source.as_deref() == Some(text.as_str()) => Ok(f),
        _ => Err(SandboxError::Compile(ESCAPED.into())),
    }
}

/// Drives the job queue and the host calls until the script's promise settles or the
/// deadline passes.
fn settle<'js>(
    ctx: &Ctx<'js>,
    engine: &Engine,
    promise: &Promise<'js>,
    pending: Option<&Rc<Pending<'js>>>,
) -> Result<rquickjs::Value<'js>, SandboxError> {
    loop {
        while !engine.interrupted.load(Ordering::Relaxed) && ctx.execute_pending_job() {}
        if engine.interrupted.load(Ordering::Relaxed) {
            return Err(SandboxError::Timeout(millis(engine.time)));
        }
        if let Some(result) = promise.result::<rquickjs::Value>() {
            return result.map_err(|e| fail(ctx, engine, e, Phase::Run));
        }
        let Some(pending) = pending.filter(|p| p.in_flight() > 0) else {
            return Err(SandboxError::Thrown(
                "the script awaits a promise that can never settle".into(),
            ));
        };
        let left = engine.deadline.saturating_duration_since(Instant::now());
        match pending.receiver.recv_timeout(left) {
            Ok((id, outcome)) => pending
                .deliver(ctx, id, outcome)
                .map_err(|e| fail(ctx, engine, e, Phase::Run))?,
            Err(_) => return Err(SandboxError::Timeout(millis(engine.time))),
        }
    }
}

/// The script's result as JSON, within the size cap.
fn to_json<'js>(
    ctx: &Ctx<'js>,
    engine: &Engine,
    value: rquickjs::Value<'js>,
    limits: &Limits,
) -> Result<Value, SandboxError> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    if value.is_function() {
        return Err(SandboxError::NotJson("the result is a function".into()));
    }
    if value.is_symbol() {
        return Err(SandboxError::NotJson("the result is a symbol".into()));
    }
    if value.is_big_int() {
        return Err(SandboxError::NotJson(
            "the result is a BigInt (convert it to a number or string)".into(),
        ));
    }
    let text = ctx
        .json_stringify(value)
        .map_err(|e| fail(ctx, engine, e, Phase::Output))?
        .ok_or_else(|| SandboxError::NotJson("the result has no JSON form".into()))?
        .to_string()
        .map_err(|e| fail(ctx, engine, e, Phase::Output))?;
    if text.len() > limits.max_output_bytes {
        return Err(SandboxError::OutputTooLarge(limits.max_output_bytes));
    }
    serde_json::from_str(&text).map_err(|e| SandboxError::NotJson(e.to_string()))
}

/// Maps an rquickjs error (with the pending exception, if any) to what the user sees.
fn fail(ctx: &Ctx<'_>, engine: &Engine, error: rquickjs::Error, phase: Phase) -> SandboxError {
    if engine.interrupted.load(Ordering::Relaxed) {
        // Drop the uncatchable exception; it says only "interrupted".
        let _ = ctx.catch();
        return SandboxError::Timeout(millis(engine.time));
    }
    let thrown = match error {
        rquickjs::Error::Exception => describe_thrown(ctx),
        rquickjs::Error::Allocation => return SandboxError::OutOfMemory,
        other => Thrown {
            is_null: false,
            name: None,
            message: other.to_string(),
            location: None,
        },
    };
    let message = thrown.message.as_str();
    // QuickJS throws an "out of memory" InternalError, or `null` when even that error
    // cannot be allocated (a script's own `throw null` is reported the same way).
    if message == "out of memory" || thrown.is_null {
        return SandboxError::OutOfMemory;
    }
    if message == "Maximum call stack size exceeded" || message.starts_with("stack overflow") {
        return SandboxError::StackOverflow;
    }
    let text = thrown.render();
    match phase {
        Phase::Compile => SandboxError::Compile(text),
        Phase::Run => SandboxError::Thrown(text),
        Phase::Output => SandboxError::NotJson(text),
    }
}

struct Thrown {
    is_null: bool,
    name: Option<String>,
    message: String,
    /// Line and column in the body (1-based).
    location: Option<(u32, u32)>,
}

impl Thrown {
    fn render(&self) -> String {
        let mut text = match &self.name {
            Some(name) if !name.is_empty() => format!("{name}: {}", self.message),
            _ => self.message.clone(),
        };
        if let Some((line, column)) = self.location {
            text.push_str(&format!(" (line {line}, column {column})"));
        }
        text
    }
}

fn describe_thrown(ctx: &Ctx<'_>) -> Thrown {
    let value = ctx.catch();
    if let Some(exception) = value.as_exception() {
        let name = exception.get::<_, Option<String>>("name").ok().flatten();
        let message = exception.message().unwrap_or_default();
        let location = exception.stack().as_deref().and_then(body_location);
        return Thrown {
            is_null: false,
            name,
            message: clip(&message),
            location,
        };
    }
    let message = if let Some(s) = value.as_string() {
        s.to_string().unwrap_or_default()
    } else {
        match ctx.json_stringify(value.clone()) {
            Ok(Some(s)) => s.to_string().unwrap_or_default(),
            _ => format!("a value of type {}", value.type_name()),
        }
    };
    Thrown {
        is_null: value.is_null(),
        name: None,
        message: clip(&message),
        location: None,
    }
}

/// The first `script:LINE:COL` of a stack, as a position in the body (the wrapper's
/// first line is not the body's).
fn body_location(stack: &str) -> Option<(u32, u32)> {
    let marker = format!("{FILE_NAME}:");
    let start = stack.find(&marker)? + marker.len();
    let mut parts = stack[start..].split(|c: char| !c.is_ascii_digit());
    let line: u32 = parts.next()?.parse().ok()?;
    let column: u32 = parts.next()?.parse().ok()?;
    (line >= 2).then_some((line - 1, column))
}

fn clip(message: &str) -> String {
    if message.chars().count() <= MAX_MESSAGE_CHARS {
        return message.to_owned();
    }
    let mut clipped: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    clipped.push('…');
    clipped
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

type Outcome = (u64, Result<Value, String>);

/// The host calls of one script run that are waiting on their futures: the promise
/// functions to settle in JS, and the tasks to abort if the run ends first.
struct Pending<'js> {
    next_id: Cell<u64>,
    waiting: RefCell<HashMap<u64, (Function<'js>, Function<'js>)>>,
    tasks: RefCell<Vec<tokio::task::AbortHandle>>,
    sender: mpsc::Sender<Outcome>,
    receiver: mpsc::Receiver<Outcome>,
}

impl<'js> Pending<'js> {
    fn new() -> Self {
        let (sender, receiver) = mpsc::channel();
        Self {
            next_id: Cell::new(0),
            waiting: RefCell::new(HashMap::new()),
            tasks: RefCell::new(Vec::new()),
            sender,
            receiver,
        }
    }

    fn in_flight(&self) -> usize {
        self.waiting.borrow().len()
    }

    /// Starts a host future; returns the promise the script awaits.
    fn start(
        &self,
        ctx: &Ctx<'js>,
        handle: &tokio::runtime::Handle,
        future: HostFuture,
    ) -> rquickjs::Result<Promise<'js>> {
        if self.in_flight() >= MAX_PENDING_HOST_CALLS {
            return Err(Exception::throw_range(
                ctx,
                &format!("more than {MAX_PENDING_HOST_CALLS} host calls in flight at once"),
            ));
        }
        let (promise, resolve, reject) = ctx.promise()?;
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.waiting.borrow_mut().insert(id, (resolve, reject));
        let sender = self.sender.clone();
        let task = handle.spawn(async move {
            let outcome = future.await;
            // The run may be over; then nobody listens.
            let _ = sender.send((id, outcome));
        });
        self.tasks.borrow_mut().push(task.abort_handle());
        Ok(promise)
    }

    /// Settles the promise of a finished host call: the value as JSON, or an `Error`
    /// with the host's message.
    fn deliver(
        &self,
        ctx: &Ctx<'js>,
        id: u64,
        outcome: Result<Value, String>,
    ) -> rquickjs::Result<()> {
        let Some((resolve, reject)) = self.waiting.borrow_mut().remove(&id) else {
            return Ok(());
        };
        let parsed = outcome.and_then(|value| {
            serde_json::to_string(&value).map_err(|e| format!("the host's result: {e}"))
        });
        match parsed {
            Ok(json) => {
                let value = ctx.json_parse(json)?;
                resolve.call::<_, ()>((value,))
            }
            Err(message) => {
                let error = Exception::from_message(ctx.clone(), &message)?;
                reject.call::<_, ()>((error,))
            }
        }
    }

    fn close(&self) {
        for task in self.tasks.borrow_mut().drain(..) {
            task.abort();
        }
        self.waiting.borrow_mut().clear();
    }
}

/// A JS value as JSON for the host: `undefined` is null; what has no JSON form, or is
/// larger than `max` bytes, throws in the script.
fn arg_json<'js>(
    ctx: &Ctx<'js>,
    what: &str,
    value: Option<rquickjs::Value<'js>>,
    max: usize,
) -> rquickjs::Result<Value> {
    let Some(value) = value.filter(|v| !v.is_undefined()) else {
        return Ok(Value::Null);
    };
    let Some(text) = ctx.json_stringify(value)? else {
        return Err(Exception::throw_type(ctx, &format!("{what} is not JSON")));
    };
    let text = text.to_string()?;
    if text.len() > max {
        return Err(Exception::throw_range(
            ctx,
            &format!("{what} is larger than {max} bytes"),
        ));
    }
    serde_json::from_str(&text)
        .map_err(|e| Exception::throw_type(ctx, &format!("{what} is not JSON: {e}")))
}

/// A host `Err` as a JS exception.
fn host_result<'js>(ctx: &Ctx<'js>, result: Result<(), String>) -> rquickjs::Result<()> {
    result.map_err(|message| Exception::throw_message(ctx, &message))
}

fn install_host<'js>(
    ctx: &Ctx<'js>,
    bridge: &Bridge,
    pending: &Rc<Pending<'js>>,
    max: usize,
) -> rquickjs::Result<()> {
    let globals = ctx.globals();

    let host = Arc::clone(&bridge.host);
    let set_field = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, key: Coerced<String>, value: Opt<rquickjs::Value<'js>>| {
            let value = arg_json(&ctx, "setField's value", value.0, max)?;
            host_result(&ctx, host.set_field(&key.0, value))
        },
    )?;
    globals.set("setField", set_field)?;

    let host = Arc::clone(&bridge.host);
    let show_message = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, level: Coerced<String>, text: Coerced<String>| {
            host_result(&ctx, host.show_message(&level.0, &text.0))
        },
    )?;
    globals.set("showMessage", show_message)?;

    let host = Arc::clone(&bridge.host);
    let navigate = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, target: Coerced<String>| host_result(&ctx, host.navigate(&target.0)),
    )?;
    globals.set("navigate", navigate)?;

    let (host, handle, waiting) = (
        Arc::clone(&bridge.host),
        bridge.handle.clone(),
        Rc::clone(pending),
    );
    let call_api = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, config: Coerced<String>, request: Opt<rquickjs::Value<'js>>| {
            let request = arg_json(&ctx, "callApi's request", request.0, max)?;
            let future = host.call_api(config.0, request);
            waiting.start(&ctx, &handle, future)
        },
    )?;
    globals.set("callApi", call_api)?;

    let (host, handle, waiting) = (
        Arc::clone(&bridge.host),
        bridge.handle.clone(),
        Rc::clone(pending),
    );
    let run_action = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, name: Coerced<String>, params: Opt<rquickjs::Value<'js>>| {
            let params = arg_json(&ctx, "runAction's params", params.0, max)?;
            let future = host.run_action(name.0, params);
            waiting.start(&ctx, &handle, future)
        },
    )?;
    globals.set("runAction", run_action)?;

    let (host, handle, waiting) = (
        Arc::clone(&bridge.host),
        bridge.handle.clone(),
        Rc::clone(pending),
    );
    let call_tool = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              config: Coerced<String>,
              tool: Coerced<String>,
              arguments: Opt<rquickjs::Value<'js>>| {
            let arguments = arg_json(&ctx, "callTool's arguments", arguments.0, max)?;
            let future = host.call_tool(config.0, tool.0, arguments);
            waiting.start(&ctx, &handle, future)
        },
    )?;
    globals.set("callTool", call_tool)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_given_in_body_lines() {
        assert_eq!(
            body_location("    at <anonymous> (script:3:7)\n"),
            Some((2, 7))
        );
        assert_eq!(
            body_location("    at script:2:1\n    at f (script:9:2)"),
            Some((1, 1))
        );
        // the wrapper's own first line is not in the body
        assert_eq!(body_location("    at script:1:12"), None);
        assert_eq!(body_location("    at native"), None);
    }

    #[test]
    fn long_messages_are_clipped() {
        let long = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn a_compile_check_runs_nothing_and_names_the_line() {
        assert_eq!(check_transform_compiles("while (true) {}"), Ok(()));
        match check_transform_compiles("let a = 1;\nlet a = 2;") {
            Err(SandboxError::Compile(m)) => {
                assert!(m.starts_with("SyntaxError"), "{m}");
                assert!(m.contains("line 2"), "{m}");
            }
            other => panic!("expected Compile, got {other:?}"),
        }
    }
}

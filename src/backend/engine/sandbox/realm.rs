//! The frozen realm a thread's transforms share (issue 15).
//!
//! A fresh QuickJS context costs about 100 µs to create and free, several times what a
//! typical transform runs for. So each thread keeps one context for `transform_data`
//! runs, hardened once so that no run can leave anything for the next:
//!
//! - every object reachable from the global object (and the intrinsics only reachable
//!   from instances: iterator, generator and async prototypes) is frozen, so there is no
//!   shared object a run can write to;
//! - the global object's own properties are read-only and permanent; it stays extensible
//!   so a sloppy transform's implicit globals still work within its run, and after each
//!   run [`Realm::give_back`] deletes whatever it added and checks its prototype;
//! - `Error.prepareStackTrace` and `Error.stackTraceLimit` write to the realm itself, not
//!   to an object, so freezing does not stop them: they become fixed values;
//! - the "override mistake" a frozen `Object.prototype` or `Error.prototype` causes
//!   (`this.name = …` in an `Error` subclass, `o.toString = …` on one's own object fail
//!   when the inherited property is read-only) is avoided the way SES does: those data
//!   properties become accessors whose setter defines an own property on the object.
//!
//! A realm goes back to its thread only after a run that left it sound (it returned or
//! threw; it hit no limit and ran no code outside its function), with no promise job left,
//! and while its memory stays under [`MAX_REALM_BYTES`]; anything else drops it. Scripts
//! (`custom_script`, library actions) still get a fresh context each: their host functions
//! are bound to one run. What a frozen realm changes for authors is in ARCHITECTURE.md
//! ("The JavaScript sandbox").

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use rquickjs::{CatchResultExt, Context, Ctx, Function, Object, Persistent, Runtime};

/// Runs once per realm, after the lockdown; returns the reset function. Strict, and it
/// keeps its own references to what the reset uses (those are frozen anyway).
const HARDEN: &str = r#"(function () {
  'use strict';
  const g = globalThis;
  const { defineProperty: define, getOwnPropertyDescriptor: describe, getPrototypeOf: protoOf,
          freeze, isExtensible } = Object;
  const { ownKeys, deleteProperty } = Reflect;

  for (const key of ['prepareStackTrace', 'stackTraceLimit']) {
    define(Error, key, { value: Error[key], writable: false, enumerable: false,
                         configurable: false });
  }

  const tame = (home, key) => {
    const d = describe(home, key);
    if (d === undefined || !('value' in d) || !d.configurable) return;
    const value = d.value;
    define(home, key, {
      get: function () { return value; },
      set: function (v) {
        if (this === home) {
          throw new TypeError(`${String(key)} of a built-in prototype cannot be changed`);
        }
        define(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: d.enumerable,
      configurable: false,
    });
  };
  for (const key of ownKeys(Object.prototype)) tame(Object.prototype, key);
  for (const name of ownKeys(g)) {
    if (typeof name === 'string' && name.endsWith('Error') && typeof g[name] === 'function') {
      for (const key of ['constructor', 'name', 'message', 'toString']) tame(g[name].prototype, key);
    }
  }

  const seen = new Set();
  const freezeAll = (root) => {
    const todo = [root];
    while (todo.length > 0) {
      const o = todo.pop();
      if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
      seen.add(o);
      todo.push(protoOf(o));
      for (const key of ownKeys(o)) {
        const d = describe(o, key);
        todo.push(d.value, d.get, d.set);
      }
      if (o !== g) freeze(o);
    }
  };
  freezeAll(g);
  const hidden = [
    function* () {}, async function () {}, async function* () {}, () => {},
    (function* () {})(), (async function* () {})(), Promise.resolve(),
    [][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](),
    ''[Symbol.iterator](), /a/[Symbol.matchAll]('a'), (function () { return arguments; })(),
  ];
  if (typeof Iterator === 'function') {
    hidden.push([].values().map((x) => x), Iterator.from({ next() { return { done: true }; } }));
  }
  for (const o of hidden) freezeAll(o);
  for (const key of ownKeys(g)) {
    const d = describe(g, key);
    define(g, key, 'value' in d ? { writable: false, configurable: false } : { configurable: false });
  }

  const known = new Set(ownKeys(g));
  const globalProto = protoOf(g);
  return function reset() {
    if (!isExtensible(g) || protoOf(g) !== globalProto) return false;
    const keys = ownKeys(g);
    // The known keys are permanent, so an equal count means nothing was added.
    if (keys.length === known.size) return true;
    for (const key of keys) {
      if (!known.has(key) && !deleteProperty(g, key)) return false;
    }
    return true;
  };
})()"#;

/// A realm holding more than this after garbage collection is dropped instead.
const MAX_REALM_BYTES: usize = 2 * 1024 * 1024;

/// Garbage a realm may hold before the next allocation collects it. Collecting and measuring
/// after every run walked the whole realm each time (about 13% of the server's CPU on the
/// JavaScript flow, issue 15); most of a run's garbage is freed by reference counting
/// anyway, and what is left (cycles) is unreachable.
const GC_SLACK: usize = 512 * 1024;

/// Every this many runs, a realm is collected and measured against [`MAX_REALM_BYTES`].
const CHECK_EVERY: u32 = 64;

/// Most transforms a realm keeps compiled, and most bytes of their bodies together; a
/// body longer than an eighth of that is compiled each time.
const MAX_COMPILED: usize = 64;
const MAX_COMPILED_BYTES: usize = 128 * 1024;

/// What makes a context a shared realm: its reset function, the transforms it compiled,
/// and its bookkeeping.
pub(super) struct Shared {
    reset: Persistent<Function<'static>>,
    compiled: RefCell<Compiled>,
    /// Its memory after the last garbage collection (hardening, then every
    /// [`CHECK_EVERY`] runs).
    baseline: usize,
    runs: u32,
}

/// Transforms compiled in this realm, by body, frozen (issue 15: parsing the body again
/// was about 7% of the server's CPU on the JavaScript flow). A function is the one object a
/// run shares with the next run of the same body, so it is frozen with its `prototype`
/// before its first call: its only other own properties, `name` and `length`, are
/// read-only, and its scope is the global object, reset after each run. The template
/// objects of tagged templates in its code are frozen by the engine.
#[derive(Default)]
struct Compiled {
    functions: HashMap<Box<str>, Persistent<Function<'static>>>,
    bytes: usize,
}

#[cfg(test)]
thread_local! {
    /// Transforms this thread compiled in a shared realm.
    pub(super) static COMPILED: Cell<usize> = const { Cell::new(0) };
}

impl Shared {
    /// `body`'s function, if this realm compiled it before.
    pub(super) fn compiled<'js>(&self, ctx: &Ctx<'js>, body: &str) -> Option<Function<'js>> {
        let compiled = self.compiled.borrow();
        let function = compiled.functions.get(body)?.clone();
        function.restore(ctx).ok()
    }

    /// Freezes `function`, just compiled from `body` and not called yet, with its
    /// `prototype`, and keeps it for the next runs of `body` while there is room.
    pub(super) fn keep<'js>(
        &self,
        ctx: &Ctx<'js>,
        body: &str,
        function: &Function<'js>,
    ) -> rquickjs::Result<()> {
        #[cfg(test)]
        COMPILED.set(COMPILED.get() + 1);
        let freeze: Function = ctx.globals().get::<_, Object>("Object")?.get("freeze")?;
        freeze.call::<_, ()>((function.get::<_, rquickjs::Value>("prototype")?,))?;
        freeze.call::<_, ()>((function.clone(),))?;
        if body.len() > MAX_COMPILED_BYTES / 8 {
            return Ok(());
        }
        let mut compiled = self.compiled.borrow_mut();
        if compiled.functions.len() >= MAX_COMPILED
            || compiled.bytes + body.len() > MAX_COMPILED_BYTES
        {
            *compiled = Compiled::default();
        }
        compiled.bytes += body.len();
        compiled
            .functions
            .insert(body.into(), Persistent::save(ctx, function.clone()));
        Ok(())
    }
}

/// A hardened context with its runtime.
pub(super) struct Realm {
    // Field order is drop order: the reset function and the context go before their runtime.
    shared: Shared,
    context: Context,
    runtime: Runtime,
}

thread_local! {
    /// The thread's idle realm (a thread runs one transform at a time).
    static IDLE_REALM: Cell<Option<Realm>> = const { Cell::new(None) };
}

#[cfg(test)]
thread_local! {
    /// Realms this thread hardened, so a test can tell that runs share one.
    pub(super) static HARDENED: Cell<usize> = const { Cell::new(0) };
}

impl Realm {
    /// The thread's idle realm, if it has one.
    pub(super) fn take() -> Option<Realm> {
        let realm = IDLE_REALM.take()?;
        // Re-reads the stack top (the caller's stack depth differs from run to run); there
        // is no job to run.
        let _ = realm.runtime.execute_pending_job();
        // The first allocation past this collects whatever earlier runs left, so it does
        // not count against this run's memory limit.
        realm
            .runtime
            .set_gc_threshold(realm.shared.baseline + GC_SLACK);
        Some(realm)
    }

    /// A realm of `context`, which must be locked down and not have run any user code yet;
    /// `runtime` must be its own.
    pub(super) fn harden(context: Context, runtime: Runtime) -> Result<Self, String> {
        let reset = context.with(|ctx| {
            ctx.eval::<Function, _>(HARDEN)
                .catch(&ctx)
                .map(|reset| Persistent::save(&ctx, reset))
                .map_err(|e| format!("hardening the realm failed: {e}"))
        })?;
        #[cfg(test)]
        HARDENED.set(HARDENED.get() + 1);
        runtime.run_gc();
        let baseline = usize::try_from(runtime.memory_usage().malloc_size).unwrap_or(0);
        Ok(Self {
            shared: Shared {
                reset,
                compiled: RefCell::default(),
                baseline,
                runs: 0,
            },
            context,
            runtime,
        })
    }

    pub(super) fn into_parts(self) -> (Shared, Context, Runtime) {
        (self.shared, self.context, self.runtime)
    }

    /// Keeps the realm for the thread's next transform. Call only after a run that left it
    /// sound (no limit hit; see `SandboxError::spoils_engine`); the realm is dropped if its
    /// global object cannot be reset, a job is pending, or it holds more than
    /// [`MAX_REALM_BYTES`].
    pub(super) fn give_back(shared: Shared, context: Context, runtime: Runtime) {
        // Whole again before anything can return: a realm drops in field order.
        let mut realm = Realm {
            shared,
            context,
            runtime,
        };
        if realm.still_sound() {
            IDLE_REALM.set(Some(realm));
        }
    }

    fn still_sound(&mut self) -> bool {
        // The run's deadline may have passed (a transform stopped at its inline budget);
        // the reset is bounded by what the run added.
        self.runtime.set_interrupt_handler(None);
        let reset = self.context.with(|ctx| {
            self.shared
                .reset
                .clone()
                .restore(&ctx)
                .and_then(|reset| reset.call::<_, bool>(()))
                .unwrap_or(false)
        });
        if !reset || self.runtime.is_job_pending() {
            return false;
        }
        self.shared.runs = self.shared.runs.wrapping_add(1);
        if self.shared.runs.is_multiple_of(CHECK_EVERY) {
            let mut bytes = self.collected_bytes();
            if bytes > MAX_REALM_BYTES {
                // Its compiled transforms go first.
                *self.shared.compiled.get_mut() = Compiled::default();
                bytes = self.collected_bytes();
            }
            self.shared.baseline = bytes;
            return bytes <= MAX_REALM_BYTES;
        }
        true
    }

    /// The realm's memory after garbage collection.
    fn collected_bytes(&self) -> usize {
        self.runtime.run_gc();
        usize::try_from(self.runtime.memory_usage().malloc_size).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::{COMPILED, HARDENED};
    use crate::backend::engine::sandbox::{Limits, SandboxError, run_transform};

    async fn run(body: &str, input: Value) -> Result<Value, SandboxError> {
        let limits = Limits {
            memory_bytes: 16 * 1024 * 1024,
            stack_bytes: 256 * 1024,
            time: Duration::from_millis(700),
            max_output_bytes: 64 * 1024,
        };
        run_transform(body, &input, &limits).await
    }

    /// Tries every place a run could keep its input for a later run.
    const LEAVE: &str = r#"
        const attempts = {
          global: () => { globalThis.stash = input; },
          implicitGlobal: () => { stash2 = input; },
          definedGlobal: () => Object.defineProperty(globalThis, 'stash3', { value: input, configurable: true }),
          symbolGlobal: () => { globalThis[Symbol.for('stash')] = input; },
          objectPrototype: () => { Object.prototype.stash = input; },
          arrayPrototype: () => { Array.prototype.stash = input; },
          replacedBuiltin: () => { Math.max = () => input.secret; },
          namespace: () => { JSON.stash = input; },
          deletedGlobal: () => { delete globalThis.JSON; },
          iteratorPrototype: () => { Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).stash = input; },
          generatorPrototype: () => { Object.getPrototypeOf(function* () {}).prototype.stash = input; },
          prepareStackTrace: () => { Error.prepareStackTrace = () => input.secret; },
          stackTraceLimit: () => { Error.stackTraceLimit = 0; },
          errorName: () => { Error.prototype.name = input.secret; },
          objectToString: () => { Object.prototype.toString = () => input.secret; },
        };
        for (const attempt of Object.values(attempts)) {
          try { attempt(); } catch (e) { /* refused: fine */ }
        }
        return Object.keys(attempts).length;"#;

    /// Reports anything [`LEAVE`] left.
    const CHECK: &str = r#"
        const seen = [];
        if (typeof stash !== 'undefined' || 'stash2' in globalThis || 'stash3' in globalThis
            || globalThis[Symbol.for('stash')] !== undefined) seen.push('global');
        if ({}.stash !== undefined || [].stash !== undefined) seen.push('prototype');
        if (Math.max(1, 2) !== 2 || typeof JSON !== 'object' || JSON.stash !== undefined) seen.push('built-in');
        if (Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).stash !== undefined
            || (function* () {})().stash !== undefined) seen.push('iterator');
        const e = (function named() { return new Error('x'); })();
        if (typeof e.stack !== 'string' || !e.stack.includes('named')) seen.push('stack');
        if (e.name !== 'Error' || String({}) !== '[object Object]') seen.push('error/toString');
        return seen;"#;

    /// On one thread (a current-thread runtime), transform after transform runs in one
    /// realm, a transform that throws included, and nothing a run leaves reaches the next.
    #[tokio::test]
    async fn transforms_share_one_realm_and_leave_nothing_in_it() {
        assert!(run("return 1;", Value::Null).await.is_ok());
        let before = HARDENED.get();
        let throwing = LEAVE.replace(
            "return Object.keys(attempts).length;",
            "throw new Error('after leaving');",
        );
        for round in 0..3 {
            assert_eq!(run(LEAVE, json!({"secret": round})).await, Ok(json!(15)));
            assert_eq!(
                run(CHECK, Value::Null).await,
                Ok(json!([])),
                "round {round}"
            );
            assert!(matches!(
                run(&throwing, json!({"secret": round})).await,
                Err(SandboxError::Thrown(m)) if m.contains("after leaving")
            ));
            assert_eq!(
                run(CHECK, Value::Null).await,
                Ok(json!([])),
                "round {round}"
            );
        }
        // Stopped at the inline budget, a transform runs again on a blocking thread; the
        // stop does not cost this thread its realm.
        assert_eq!(
            run(
                "globalThis.stash = input; while (true) {}",
                json!({"secret": 1})
            )
            .await,
            Err(SandboxError::Timeout(700))
        );
        assert_eq!(run(CHECK, Value::Null).await, Ok(json!([])));
        assert_eq!(HARDENED.get(), before, "all the runs share one realm");
    }

    /// A transform is compiled once per realm and its function serves the next runs of the
    /// same body; nothing a run puts on that function, its `prototype` or a template object
    /// of its code reaches the next run.
    #[tokio::test]
    async fn a_compiled_transform_is_reused_and_keeps_nothing() {
        const STASH: &str = r#"
            const f = arguments.callee;
            const template = ((strings) => strings)`x`;
            const kept = [f, f.prototype, template, template.raw];
            const seen = kept.map((o) => o.stash).filter((v) => v !== undefined);
            for (const o of kept) {
              try { o.stash = input; } catch (e) { /* refused: fine */ }
            }
            try { Object.defineProperty(f, 'name', { value: input }); } catch (e) { /* refused */ }
            return { seen, name: f.name };"#;
        let first = run(STASH, json!("first")).await;
        let before = COMPILED.get();
        let second = run(STASH, json!("second")).await;
        assert_eq!(
            COMPILED.get(),
            before,
            "the second run compiled the body again"
        );
        assert_eq!(first, Ok(json!({"seen": [], "name": ""})));
        assert_eq!(second, Ok(json!({"seen": [], "name": ""})));
        assert_eq!(run("return input + 1;", json!(1)).await, Ok(json!(2)));
        assert_eq!(COMPILED.get(), before + 1, "another body is compiled");
    }

    /// What a reset cannot undo (the global object's prototype or extensibility, a
    /// permanent global, a job left queued), a limit hit (here the stack), or code run
    /// outside the function drops the realm: the next run gets a new one and sees nothing.
    #[tokio::test]
    async fn what_cannot_be_reset_drops_the_realm() {
        const LOOK: &str = "return [typeof stash, Object.getPrototypeOf(globalThis).stash === undefined, \
                            Object.isExtensible(globalThis)];";
        assert!(run("return 1;", Value::Null).await.is_ok());
        for body in [
            "Object.setPrototypeOf(globalThis, { stash: input }); return 1;",
            "Object.preventExtensions(globalThis); return 1;",
            "Object.defineProperty(globalThis, 'stash', { value: input }); return 1;",
            "Promise.resolve().then(() => { globalThis.stash = input; }); return 1;",
            "globalThis.stash = input; const f = () => f() + 1; return f();",
            "}); globalThis.stash = 1; let stash = 2; (function () {",
        ] {
            let before = HARDENED.get();
            let _ = run(body, json!({"secret": 7})).await;
            let after_bad_run = HARDENED.get();
            assert_eq!(
                run(LOOK, Value::Null).await,
                Ok(json!(["undefined", true, true])),
                "{body}"
            );
            assert_eq!(after_bad_run, before, "{body} ran in the idle realm");
            assert_eq!(HARDENED.get() - before, 1, "{body}: a new realm after it");
        }
    }

    /// What a run leaves as garbage (cycles outlive reference counting) does not count
    /// against the next run's memory limit: it is collected when that run allocates. (These
    /// runs outlast the inline budget, so they finish on blocking threads, whose realms are
    /// reused the same way.)
    #[tokio::test]
    async fn garbage_of_one_run_does_not_count_against_the_next() {
        const CYCLES: &str = r#"
            const kept = [];
            for (let i = 0; i < input.n; i++) {
              const o = { s: 'x'.repeat(200) + i };
              o.self = o;
              kept.push(o);
            }
            return kept.length;"#;
        // About 60% of the 16 MB limit: without the collection, the second run in a realm
        // runs out of memory.
        let n = json!({"n": 40_000});
        for round in 0..4 {
            assert_eq!(
                run(CYCLES, n.clone()).await,
                Ok(n["n"].clone()),
                "round {round}"
            );
        }
    }
}

#![cfg(feature = "ssr")]
//! The JavaScript sandbox against hostile and broken scripts: every escape or exhaustion
//! attempt ends that run with a clear error, and the next run in the same process works.
//! Plus the happy paths of transforms and of scripts calling their host functions.
//!
//! Run: `cargo test -p wizard-core --features ssr --test sandbox`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use wizard_core::backend::engine::sandbox::{
    HostFuture, Limits, SandboxError, ScriptHost, check_compiles, check_transform_compiles,
    run_script, run_transform,
};

const OUTPUT_CAP: usize = 64 * 1024;

fn limits() -> Limits {
    Limits {
        memory_bytes: 16 * 1024 * 1024,
        stack_bytes: 256 * 1024,
        time: Duration::from_millis(700),
        max_output_bytes: OUTPUT_CAP,
    }
}

/// A run that must work after a failed one: proves the failure left nothing behind.
async fn next_run_works() {
    let out = run_transform(
        "return {sum: input.xs.reduce((a, b) => a + b, 0), n: input.xs.length};",
        &json!({"xs": [1, 2, 3, 4]}),
        &limits(),
    )
    .await;
    assert_eq!(out, Ok(json!({"sum": 10, "n": 4})));
}

async fn transform(body: &str, input: Value) -> Result<Value, SandboxError> {
    run_transform(body, &input, &limits()).await
}

fn thrown(result: Result<Value, SandboxError>) -> String {
    match result {
        Err(SandboxError::Thrown(message)) => message,
        other => panic!("expected a thrown error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transform_returns_computed_json() {
    let out = transform(
        r#"
        const items = input.items.filter(i => i.ok);
        return {
            ids: items.map(i => i.id),
            total: items.reduce((a, i) => a + i.price, 0),
            label: `${input.name.toUpperCase()} (${items.length})`,
            when: new Date(0).toISOString(),
            nested: {empty: [], nothing: null, flag: !input.flag},
        };"#,
        json!({"name": "ada", "flag": true, "items": [
            {"id": 1, "price": 2.5, "ok": true},
            {"id": 2, "price": 10, "ok": false},
            {"id": 3, "price": 4, "ok": true}
        ]}),
    )
    .await;
    assert_eq!(
        out,
        Ok(json!({
            "ids": [1, 3], "total": 6.5, "label": "ADA (2)",
            "when": "1970-01-01T00:00:00.000Z",
            "nested": {"empty": [], "nothing": null, "flag": false}
        }))
    );
    // no return value is null; the input may be modified and returned
    assert_eq!(transform("input.a = 1;", json!({})).await, Ok(Value::Null));
    assert_eq!(
        transform("input.b = input.a + 1; return input;", json!({"a": 1})).await,
        Ok(json!({"a": 1, "b": 2}))
    );
    // a transform may use promises of its own
    assert_eq!(
        transform("return Promise.resolve(input).then(x => x * 3);", json!(7)).await,
        Ok(json!(21))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infinite_loop_is_stopped_even_inside_try() {
    assert_eq!(
        transform("while (true) {}", json!(null)).await,
        Err(SandboxError::Timeout(700))
    );
    next_run_works().await;
    // the interrupt cannot be caught, nor outlived by a finally
    assert_eq!(
        transform(
            "for (;;) { try { while (true) {} } catch (e) {} finally { continue; } }",
            json!(null)
        )
        .await,
        Err(SandboxError::Timeout(700))
    );
    // nor escaped into the job queue
    assert_eq!(
        transform(
            "(async () => { for (;;) await null; })(); return new Promise(() => {});",
            json!(null)
        )
        .await,
        Err(SandboxError::Timeout(700))
    );
    // a catastrophic regex is interrupted too
    assert_eq!(
        transform("return /^(a+)+$/.test('a'.repeat(40) + 'b');", json!(null)).await,
        Err(SandboxError::Timeout(700))
    );
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_bombs_hit_the_memory_limit() {
    // time enough that a slow machine reaches the memory limit before the deadline
    let roomy = Limits {
        time: Duration::from_secs(20),
        ..limits()
    };
    assert_eq!(
        run_transform(
            "const a = []; while (true) a.push({i: a.length, s: 'x' + a.length});",
            &json!(null),
            &roomy
        )
        .await,
        Err(SandboxError::OutOfMemory)
    );
    next_run_works().await;
    assert_eq!(
        run_transform(
            "let s = ''; while (true) s += Math.random().toString(36).repeat(100);",
            &json!(null),
            &roomy
        )
        .await,
        Err(SandboxError::OutOfMemory)
    );
    assert_eq!(
        run_transform(
            "return 'x'.repeat(64 * 1024 * 1024).length;",
            &json!(null),
            &roomy
        )
        .await,
        Err(SandboxError::OutOfMemory)
    );
    assert_eq!(
        run_transform(
            "return new Array(1e9).fill(0).length;",
            &json!(null),
            &roomy
        )
        .await,
        Err(SandboxError::OutOfMemory)
    );
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_recursion_hits_the_stack_limit() {
    assert_eq!(
        transform(
            "function f(n) { return f(n + 1) + 1; } return f(0);",
            json!(null)
        )
        .await,
        Err(SandboxError::StackOverflow)
    );
    next_run_works().await;
    // deeply nested data built by the script, then stringified
    let out = transform(
        "let o = {}; for (let i = 0; i < 100000; i++) o = {o}; return o;",
        json!(null),
    )
    .await;
    assert!(
        matches!(
            out,
            Err(SandboxError::StackOverflow | SandboxError::NotJson(_))
        ),
        "{out:?}"
    );
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn there_is_no_fetch_require_process_or_eval() {
    for (body, name) in [
        ("return fetch('http://127.0.0.1:1/');", "fetch"),
        (
            "return require('fs').readFileSync('/etc/passwd', 'utf8');",
            "require",
        ),
        ("return process.env;", "process"),
        ("return std.loadFile('/etc/passwd');", "std"),
        ("setTimeout(() => {}, 1); return 1;", "setTimeout"),
        ("return eval(input.code);", "eval"),
    ] {
        let message = thrown(transform(body, json!({"code": "1 + 1"})).await);
        assert!(message.starts_with("ReferenceError"), "{body}: {message}");
        assert!(message.contains(name), "{body}: {message}");
    }
    // not reachable under another name either
    let names = transform(
        "return Object.getOwnPropertyNames(globalThis);",
        json!(null),
    )
    .await
    .expect("the global names");
    let names: Vec<&str> = names
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for absent in [
        "eval",
        "fetch",
        "require",
        "process",
        "std",
        "os",
        "setTimeout",
        "XMLHttpRequest",
        "WebSocket",
        "Atomics",
        "SharedArrayBuffer",
        "performance",
        "WeakRef",
    ] {
        assert!(!names.contains(&absent), "{absent} is a global: {names:?}");
    }
    // an indirect eval through a computed name finds nothing to call
    let message = thrown(
        transform(
            "return globalThis['ev' + 'al'](input.code);",
            json!({"code": "this"}),
        )
        .await,
    );
    assert!(message.starts_with("TypeError"), "{message}");
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn there_is_no_module_to_import() {
    for name in [
        "fs",
        "os",
        "std",
        "node:child_process",
        "https://example.com/x.js",
    ] {
        let body = format!("return import({name:?}).then(() => 'imported');");
        let result = transform(&body, json!(null)).await;
        assert!(
            matches!(&result, Err(SandboxError::Thrown(m)) if m.contains("could not load module")),
            "{name}: {result:?}"
        );
    }
    // The lockdown runs as a module of every context (compiled once to bytecode); a run can
    // name it, and finds that it exports nothing and runs again never.
    assert_eq!(
        transform(
            "return import('sandbox:lockdown').then(m => [Object.keys(m), typeof eval]);",
            json!(null)
        )
        .await,
        Ok(json!([[], "undefined"]))
    );
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_this_tricks_cannot_compile_code() {
    for body in [
        "return globalThis.constructor.constructor('return this')();",
        "return Function('return this')();",
        "return new Function('a', 'return a')(1);",
        "return (function () {}).constructor('return 1')();",
        "return Object.getPrototypeOf(async function () {}).constructor('return 1');",
        "return Object.getPrototypeOf(function* () {}).constructor('yield 1');",
        "return Object.getPrototypeOf(async function* () {}).constructor('yield 1');",
        "return Reflect.construct(Function, ['return 1']);",
    ] {
        let message = thrown(transform(body, json!(null)).await);
        assert!(
            message.starts_with("EvalError: compiling code from a string"),
            "{body}: {message}"
        );
    }
    // what stays: Function as a type
    assert_eq!(
        transform(
            "return [(() => 1) instanceof Function, typeof Function, \
             Object.getPrototypeOf(function () {}) === Function.prototype];",
            json!(null)
        )
        .await,
        Ok(json!([true, "function", true]))
    );
    // the global object reached through `this` has nothing to offer
    assert_eq!(
        transform(
            "const g = (function () { return this; })(); \
             return [g === globalThis, typeof g.process, typeof g.require];",
            json!(null)
        )
        .await,
        Ok(json!([true, "undefined", "undefined"]))
    );
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prototype_pollution_does_not_outlive_its_run() {
    let out = transform(
        r#"
        Object.prototype.polluted = 'yes';
        Object.prototype.toJSON = undefined;
        Array.prototype.map = () => 'hijacked';
        JSON.stringify = () => '"hijacked"';
        JSON.parse = () => 'hijacked';
        String.prototype.toUpperCase = () => 'hijacked';
        return {a: [1, 2]};"#,
        json!(null),
    )
    .await;
    // inherited properties do not cross into Rust, and the host's JSON is the engine's own
    assert_eq!(out, Ok(json!({"a": [1, 2]})));
    let out = transform(
        r#"return [({}).polluted === undefined, [1, 2].map(x => x * 2),
                   JSON.parse('[1]'), 'a'.toUpperCase(), 'toJSON' in {}];"#,
        json!({"k": 1}),
    )
    .await;
    assert_eq!(out, Ok(json!([true, [2, 4], [1], "A", false])));
    // a `__proto__` key in the input is data, not a prototype
    let out = transform(
        "return [({}).polluted === undefined, input.polluted === undefined, Object.keys(input)];",
        json!({"__proto__": {"polluted": 1}}),
    )
    .await;
    assert_eq!(out, Ok(json!([true, true, ["__proto__"]])));
    next_run_works().await;
}

/// Transforms share a frozen realm per thread, and runtimes are reused (issue 15): globals,
/// registered symbols and promise jobs a run leaves behind are gone for the next run, run
/// after run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_sees_nothing_a_previous_run_left() {
    for i in 0..20 {
        // Every third run leaves a job queued (its runtime is then not reused at all).
        let out = transform(
            r#"
            const seen = [typeof leaked, typeof later, Symbol.for('run') === globalThis.sym];
            globalThis.leaked = input;
            globalThis.sym = Symbol.for('run');
            Object.prototype.seen = true;
            if (input.queue) Promise.resolve().then(() => { globalThis.later = 1; });
            return seen;"#,
            json!({"secret": i, "queue": i % 3 == 0}),
        )
        .await;
        assert_eq!(out, Ok(json!(["undefined", "undefined", false])), "run {i}");
    }
}

/// Transforms share one frozen realm per thread (issue 15), so everything a transform can
/// reach must be frozen: the intrinsics reachable from the global object, those only
/// reachable from instances (iterators, generators, async functions, …), and the global
/// object's own properties. (A fresh context, as a script gets, fails this by hundreds.)
#[tokio::test]
async fn everything_a_transform_can_reach_is_frozen() {
    let out = transform(
        r#"
        const { getPrototypeOf: protoOf, getOwnPropertyDescriptor: describe, isFrozen } = Object;
        // Objects a run creates itself; what they inherit from is shared. (A generator's
        // own prototype is its function's, so generator functions stand for generators.)
        const made = {
          generatorFunction: function* () {}, asyncFunction: async function () {},
          asyncGeneratorFunction: async function* () {}, arrow: () => {}, klass: class {},
          arrayIterator: [].entries(), mapIterator: new Map().keys(),
          setIterator: new Set().values(), stringIterator: 'ab'[Symbol.iterator](),
          regExpStringIterator: 'ab'.matchAll(/a/g),
          iteratorHelper: [1].values().filter(Boolean),
          wrappedIterator: Iterator.from({ next() { return { done: true }; } }),
          sloppyArguments: (function () { return arguments; })(),
          strictArguments: (function () { 'use strict'; return arguments; })(),
          promise: Promise.withResolvers().promise, disposableStack: new DisposableStack(),
          asyncDisposableStack: new AsyncDisposableStack(), regexp: /x/g, date: new Date(0),
          typedArray: new Uint8Array(1), dataView: new DataView(new ArrayBuffer(1)),
          error: new AggregateError([]), weakMap: new WeakMap(), symbol: Object(Symbol('s')),
        };
        const open = [];
        const seen = new Set();
        const walk = (value, path) => {
          if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
          if (seen.has(value)) return;
          seen.add(value);
          if (value !== globalThis && !isFrozen(value)) open.push(path);
          walk(protoOf(value), `${path}.[[Prototype]]`);
          for (const key of Reflect.ownKeys(value)) {
            const d = describe(value, key);
            const at = `${path}.${String(key)}`;
            walk(d.value, at);
            walk(d.get, `${at}[get]`);
            walk(d.set, `${at}[set]`);
          }
        };
        walk(globalThis, 'globalThis');
        for (const [name, object] of Object.entries(made)) {
          walk(protoOf(object), `(${name}).[[Prototype]]`);
          if (typeof object === 'function') walk(protoOf(object.prototype ?? {}), `(${name}).prototype.[[Prototype]]`);
        }
        for (const key of Reflect.ownKeys(globalThis)) {
          const d = describe(globalThis, key);
          if (d.configurable || d.writable) open.push(`globalThis.${String(key)} (property)`);
        }
        return open;"#,
        json!(null),
    )
    .await;
    assert_eq!(out, Ok(json!([])));
}

/// Freezing the built-ins must not break ordinary code: an `Error` subclass naming itself,
/// an object with its own `toString`, `valueOf` or `constructor` (the "override mistake" of
/// a frozen `Object.prototype`). Changing a built-in fails, with a clear error in strict code.
#[tokio::test]
async fn frozen_built_ins_still_let_objects_override_what_they_inherit() {
    let out = transform(
        r#"
        class Oops extends Error { constructor(m) { super(m); this.name = 'Oops'; } }
        const o = { a: 1 };
        o.toString = () => 'mine';
        o.valueOf = () => 42;
        o.constructor = 'c';
        o.hasOwnProperty = 'shadowed';
        const refused = (f) => { try { f(); return null; } catch (e) { return `${e.name}: ${e.message}`; } };
        return [
          new Oops('m').name, String(new Oops('m')), `${o}`, o + 1, o.constructor,
          o.hasOwnProperty, Object.keys(o), Object.prototype.toString.call([]),
          refused(() => { 'use strict'; Object.prototype.toString = () => 'x'; }),
          refused(() => { 'use strict'; Array.prototype.last = 1; }) !== null,
          refused(() => { 'use strict'; JSON = null; }) !== null,
          [3, 1, 2].sort().map(String).join(), JSON.stringify({ o }),
        ];"#,
        json!(null),
    )
    .await;
    assert_eq!(
        out,
        Ok(json!([
            "Oops",
            "Oops: m",
            "mine",
            43,
            "c",
            "shadowed",
            ["a", "toString", "valueOf", "constructor", "hasOwnProperty"],
            "[object Array]",
            "TypeError: toString of a built-in prototype cannot be changed",
            true,
            true,
            "1,2,3",
            r#"{"o":{"a":1,"constructor":"c","hasOwnProperty":"shadowed"}}"#
        ]))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_output_is_refused() {
    assert_eq!(
        transform("return 'x'.repeat(input.n);", json!({"n": OUTPUT_CAP + 1})).await,
        Err(SandboxError::OutputTooLarge(OUTPUT_CAP))
    );
    assert_eq!(
        transform(
            "return Array.from({length: 20000}, (_, i) => ({i}));",
            json!(null)
        )
        .await,
        Err(SandboxError::OutputTooLarge(OUTPUT_CAP))
    );
    // just under the cap is fine (the JSON string adds two quotes)
    let out = transform("return 'x'.repeat(input.n);", json!({"n": OUTPUT_CAP - 2}))
        .await
        .expect("under the cap");
    assert_eq!(out.as_str().map(str::len), Some(OUTPUT_CAP - 2));
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throwing_script_reports_what_and_where() {
    let message = thrown(
        transform(
            "const x = 1;\nif (input.bad) {\n  throw new TypeError('bad input: ' + input.bad);\n}",
            json!({"bad": "nope"}),
        )
        .await,
    );
    assert!(
        message.starts_with("TypeError: bad input: nope"),
        "{message}"
    );
    assert!(message.contains("line 3"), "{message}");
    let message = thrown(transform("throw {code: 7};", json!(null)).await);
    assert_eq!(message, r#"{"code":7}"#);
    let message = thrown(transform("return input.a.b.c;", json!({})).await);
    assert!(message.starts_with("TypeError"), "{message}");
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_that_is_not_json_is_refused() {
    for (body, what) in [
        ("return function () {};", "function"),
        ("return Symbol('s');", "symbol"),
        ("return 10n;", "BigInt"),
        ("const a = {}; a.self = a; return a;", "circular"),
        ("return {toJSON() { return undefined; }};", "no JSON form"),
    ] {
        match transform(body, json!(null)).await {
            Err(SandboxError::NotJson(message)) => {
                assert!(message.contains(what), "{body}: {message}")
            }
            other => panic!("{body}: expected NotJson, got {other:?}"),
        }
    }
    // functions inside objects are dropped, as JSON.stringify does
    assert_eq!(
        transform("return {a: 1, f() {}};", json!(null)).await,
        Ok(json!({"a": 1}))
    );
    assert_eq!(transform("return NaN;", json!(null)).await, Ok(Value::Null));
    next_run_works().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_that_does_not_compile_is_reported_at_check_time() {
    match check_compiles("const a = 1;\nreturn (a +;") {
        Err(SandboxError::Compile(message)) => {
            assert!(message.starts_with("SyntaxError"), "{message}");
            assert!(message.contains("line 2"), "{message}");
        }
        other => panic!("expected Compile, got {other:?}"),
    }
    assert_eq!(
        check_compiles("const r = await callApi('x', {}); return r;"),
        Ok(())
    );
    assert_eq!(check_transform_compiles("return input.a;"), Ok(()));
    assert!(matches!(
        check_transform_compiles("return await input;"),
        Err(SandboxError::Compile(_))
    ));
    // a body that closes the wrapper early is refused, not run
    for body in [
        "}); while (true) {} (function () {",
        "return 1; }, function () { return 2;",
    ] {
        match check_transform_compiles(body) {
            Err(SandboxError::Compile(message)) => {
                assert!(message.contains("closes the function"), "{body}: {message}")
            }
            other => panic!("{body}: expected Compile, got {other:?}"),
        }
        assert!(matches!(
            transform(body, json!(null)).await,
            Err(SandboxError::Compile(_))
        ));
    }
    assert!(matches!(
        transform("return {", json!(null)).await,
        Err(SandboxError::Compile(_))
    ));
    next_run_works().await;
}

/// A transform that needs longer than it may hold the executor thread moves to a blocking
/// thread and still gets the rest of its time limit, with the same result.
#[tokio::test(flavor = "current_thread")]
async fn a_transform_longer_than_the_inline_budget_still_gets_its_whole_time() {
    let out = transform(
        "const t = Date.now(); let n = 0; while (Date.now() - t < 150) n++; \
         return {waited: Date.now() - t >= 150, x: input.x};",
        json!({"x": 7}),
    )
    .await;
    assert_eq!(out, Ok(json!({"waited": true, "x": 7})));
    next_run_works().await;
}

/// Four bad scripts and one good one at once, on a single-threaded executor: the good one
/// finishes first, so no bad script held the executor.
#[tokio::test(flavor = "current_thread")]
async fn bad_scripts_running_at_once_do_not_stop_a_good_one() {
    let slow = Limits {
        time: Duration::from_secs(3),
        ..limits()
    };
    let mut runs = tokio::task::JoinSet::new();
    for (name, body) in [
        ("loop", "while (true) {}"),
        (
            "memory",
            "const a = []; while (true) a.push('x'.repeat(1000) + a.length);",
        ),
        ("recursion", "function f() { return f() + 1; } return f();"),
        ("loop2", "for (;;) { try { for (;;) {} } catch (e) {} }"),
    ] {
        let slow = slow.clone();
        runs.spawn(async move { (name, run_transform(body, &json!(null), &slow).await) });
    }
    runs.spawn(async {
        (
            "good",
            run_transform("return input * 2;", &json!(21), &limits()).await,
        )
    });
    let mut order = Vec::new();
    while let Some(joined) = runs.join_next().await {
        let (name, result) = joined.expect("a run task");
        match name {
            "good" => assert_eq!(result, Ok(json!(42))),
            "loop" | "loop2" => assert_eq!(result, Err(SandboxError::Timeout(3000))),
            "memory" => assert_eq!(result, Err(SandboxError::OutOfMemory)),
            _ => assert_eq!(result, Err(SandboxError::StackOverflow)),
        }
        order.push(name);
    }
    assert!(
        order.iter().position(|n| *n == "good") < order.iter().position(|n| *n == "loop"),
        "{order:?}"
    );
    next_run_works().await;
}

/// A host that records every call; some inputs make it fail.
#[derive(Default)]
struct RecordingHost {
    calls: Mutex<Vec<String>>,
}

impl RecordingHost {
    fn record(&self, call: String) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl ScriptHost for RecordingHost {
    fn set_field(&self, key: &str, value: Value) -> Result<(), String> {
        if key == "locked" {
            return Err("the action may not set field `locked`".into());
        }
        self.record(format!("setField {key} {value}"));
        Ok(())
    }

    fn show_message(&self, level: &str, text: &str) -> Result<(), String> {
        self.record(format!("showMessage {level} {text}"));
        Ok(())
    }

    fn navigate(&self, target: &str) -> Result<(), String> {
        self.record(format!("navigate {target}"));
        Ok(())
    }

    fn call_api(&self, config: String, request: Value) -> HostFuture {
        self.record(format!("callApi {config} {request}"));
        Box::pin(async move {
            match config.as_str() {
                "broken" => Err("upstream answered 500".into()),
                "hang" => std::future::pending().await,
                _ => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Ok(json!({"status": 200, "body": {"echo": request}}))
                }
            }
        })
    }

    fn run_action(&self, name: String, params: Value) -> HostFuture {
        self.record(format!("runAction {name} {params}"));
        Box::pin(async move { Ok(json!({"ran": name, "params": params})) })
    }

    fn call_tool(&self, config: String, tool: String, arguments: Value) -> HostFuture {
        self.record(format!("callTool {config} {tool} {arguments}"));
        Box::pin(async move { Ok(json!({"content": [{"type": "text", "text": tool}]})) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_uses_its_host_functions() {
    let host = Arc::new(RecordingHost::default());
    let out = run_script(
        r#"
        setField('total', context.fields.a * 2);
        showMessage('info', 'working');
        const r = await callApi('crm', {method: 'GET', url: '/users', query: {q: context.fields.a}});
        const [x, y] = await Promise.all([runAction('one', {n: 1}), runAction('two', {n: 2})]);
        const t = await callTool('clock', 'now', {zone: 'UTC'});
        let apiError = null;
        try { await callApi('broken', {}); } catch (e) { apiError = `${e.name}: ${e.message}`; }
        let fieldError = null;
        try { setField('locked', 1); } catch (e) { fieldError = e.message; }
        navigate('summary');
        return {echo: r.body.echo.query.q, x: x.ran, y: y.params.n, tool: t.content[0].text,
                apiError, fieldError};"#,
        json!({"fields": {"a": 21}}),
        host.clone(),
        &limits(),
    )
    .await;
    assert_eq!(
        out,
        Ok(json!({
            "echo": 21, "x": "one", "y": 2, "tool": "now",
            "apiError": "Error: upstream answered 500",
            "fieldError": "the action may not set field `locked`"
        }))
    );
    assert_eq!(
        host.calls(),
        [
            "setField total 42",
            "showMessage info working",
            r#"callApi crm {"method":"GET","query":{"q":21},"url":"/users"}"#,
            r#"runAction one {"n":1}"#,
            r#"runAction two {"n":2}"#,
            r#"callTool clock now {"zone":"UTC"}"#,
            "callApi broken {}",
            "navigate summary",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_functions_cannot_be_replaced_and_values_cross_as_json() {
    let host = Arc::new(RecordingHost::default());
    let out = run_script(
        "Object.defineProperty(globalThis, 'navigate', {value: () => 0});",
        json!({}),
        host.clone(),
        &limits(),
    )
    .await;
    match out {
        // defineProperty on a non-configurable global throws in the script
        Err(SandboxError::Thrown(message)) => {
            assert!(message.starts_with("TypeError"), "{message}")
        }
        other => panic!("expected the redefinition to throw, got {other:?}"),
    }
    let out = run_script(
        r#"
        globalThis.setField = () => 'hijacked';
        delete globalThis.setField;
        setField.extra = 1;
        setField('k', {date: new Date(0), f() {}, u: undefined, n: [1, undefined]});
        let notJson = null;
        try { setField('k2', () => 1); } catch (e) { notJson = e.name; }
        let tooBig = null;
        try { await callApi('crm', 'x'.repeat(70000)); } catch (e) { tooBig = e.name; }
        return [Object.isFrozen(setField), setField.extra === undefined, notJson, tooBig];"#,
        json!({}),
        host.clone(),
        &limits(),
    )
    .await;
    assert_eq!(out, Ok(json!([true, true, "TypeError", "RangeError"])));
    assert_eq!(
        host.calls(),
        vec![r#"setField k {"date":"1970-01-01T00:00:00.000Z","n":[1,null]}"#.to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_covers_host_calls_and_stuck_promises_end() {
    let host = Arc::new(RecordingHost::default());
    assert_eq!(
        run_script(
            "return await callApi('hang', {});",
            json!({}),
            host.clone(),
            &limits()
        )
        .await,
        Err(SandboxError::Timeout(700))
    );
    let message = thrown(
        run_script(
            "await new Promise(() => {}); return 1;",
            json!({}),
            host.clone(),
            &limits(),
        )
        .await,
    );
    assert!(message.contains("never settle"), "{message}");
    // a rejection nobody catches is the script's error
    let message = thrown(
        run_script(
            "await callApi('broken', {});",
            json!({}),
            host.clone(),
            &limits(),
        )
        .await,
    );
    assert_eq!(message, "Error: upstream answered 500");
    assert_eq!(
        run_script("return context.n + 1;", json!({"n": 1}), host, &limits()).await,
        Ok(json!(2))
    );
}

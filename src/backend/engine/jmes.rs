//! JMESPath (and JSONPath for paths starting with `$`) over JSON values, with compiled
//! expressions cached (the same few expressions run on every event).
//!
//! Values go straight from `serde_json::Value` to jmespath's `Variable` and back, without
//! the generic serde round trip `Expression::search` would take (that needs nightly
//! specialization to be skipped).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use jmespath::ast::Ast;
use jmespath::{Context, DEFAULT_RUNTIME, Expression, JmespathError, Rcvar, Variable};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

/// Longest expression or path accepted. Builders write short expressions; the cap keeps
/// the cache small and the recursive-descent parsers far from the stack's end.
pub const MAX_EXPRESSION_LEN: usize = 4096;
/// Deepest nesting of brackets, parentheses, braces and `!` accepted, for the same reason.
const MAX_NESTING: usize = 64;
/// Compiled expressions kept per kind; beyond it an arbitrary entry makes room.
const CACHE_CAPACITY: usize = 512;

/// A small bounded map of compiled expressions, shared by all threads: one lock, held only
/// to look up or insert an `Arc`.
struct Cache<T> {
    map: Mutex<HashMap<Box<str>, Arc<T>>>,
}

impl<T> Cache<T> {
    fn new() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }

    fn get_or_compile(
        &self,
        key: &str,
        compile: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Arc<T>, String> {
        if let Some(hit) = self.lock().get(key) {
            return Ok(Arc::clone(hit));
        }
        // Compile outside the lock: two threads may both compile a new expression once.
        let compiled = Arc::new(compile(key)?);
        let mut map = self.lock();
        if map.len() >= CACHE_CAPACITY
            && let Some(victim) = map.keys().next().cloned()
        {
            map.remove(&victim);
        }
        map.insert(key.into(), Arc::clone(&compiled));
        Ok(compiled)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<T>>> {
        // The map holds no invariant a panicking holder could break.
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

static JMES_CACHE: LazyLock<Cache<Expression<'static>>> = LazyLock::new(Cache::new);
static PATH_CACHE: LazyLock<Cache<JsonPath>> = LazyLock::new(Cache::new);

/// Checks an expression compiles; the message says where it breaks.
pub fn check(expr: &str) -> Result<(), String> {
    compiled(expr).map(|_| ())
}

/// Evaluates a JMESPath expression on `input`.
pub fn search(expr: &str, input: &Value) -> Result<Value, String> {
    let expression = compiled(expr)?;
    let data = Rcvar::new(to_variable(input));
    let mut ctx = Context::new(expression.as_str(), &DEFAULT_RUNTIME);
    let result =
        jmespath::interpret(&data, expression.as_ast(), &mut ctx).map_err(|e| describe(&e))?;
    // Drop the input first so a result that is a part of it can usually be moved out.
    drop(data);
    to_value(result)
}

/// An output path: JSONPath (RFC 9535) when it starts with `$` (first match, or null),
/// JMESPath otherwise.
pub fn extract(path: &str, input: &Value) -> Result<Value, String> {
    if is_json_path(path) {
        let compiled = compiled_path(path)?;
        Ok(compiled
            .query(input)
            .first()
            .cloned()
            .unwrap_or(Value::Null))
    } else {
        search(path, input)
    }
}

/// Checks an output path (JSONPath or JMESPath) compiles.
pub fn check_path(path: &str) -> Result<(), String> {
    if is_json_path(path) {
        compiled_path(path).map(|_| ())
    } else {
        check(path)
    }
}

fn is_json_path(path: &str) -> bool {
    path.trim_start().starts_with('$')
}

fn compiled(expr: &str) -> Result<Arc<Expression<'static>>, String> {
    JMES_CACHE.get_or_compile(expr, |expr| {
        guard(expr)?;
        let expression = jmespath::compile(expr).map_err(|e| describe(&e))?;
        unknown_function(expr, expression.as_ast())?;
        Ok(expression)
    })
}

fn compiled_path(path: &str) -> Result<Arc<JsonPath>, String> {
    PATH_CACHE.get_or_compile(path, |path| {
        guard(path)?;
        JsonPath::parse(path.trim()).map_err(|e| {
            let at = e.position();
            format!(
                "invalid JSONPath at character {}: {}{}",
                at + 1,
                e.message(),
                near(path.trim(), at)
            )
        })
    })
}

/// Refuses what is too long or too deeply nested before a recursive parser sees it.
fn guard(expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Err("the expression is empty".into());
    }
    if expr.len() > MAX_EXPRESSION_LEN {
        return Err(format!(
            "the expression is longer than {MAX_EXPRESSION_LEN} characters"
        ));
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (i, c) in expr.char_indices() {
        match c {
            '(' | '[' | '{' | '!' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return Err(format!(
                        "the expression nests deeper than {MAX_NESTING} levels at character {}",
                        expr[..i].chars().count() + 1
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// jmespath resolves function names only when it runs; report unknown ones at save time.
fn unknown_function(expr: &str, ast: &Ast) -> Result<(), String> {
    let mut stack = vec![ast];
    while let Some(node) = stack.pop() {
        match node {
            Ast::Function { name, args, offset } => {
                if DEFAULT_RUNTIME.get_function(name).is_none() {
                    // the parser records the `(`; point at the name when it stands before it
                    let chars: Vec<char> = expr.chars().collect();
                    let named = offset.checked_sub(name.chars().count()).filter(|start| {
                        chars
                            .get(*start..*offset)
                            .is_some_and(|s| s.iter().copied().eq(name.chars()))
                    });
                    return Err(format!(
                        "unknown function `{name}()` at character {}",
                        named.unwrap_or(*offset) + 1
                    ));
                }
                stack.extend(args.iter());
            }
            Ast::Comparison { lhs, rhs, .. }
            | Ast::Projection { lhs, rhs, .. }
            | Ast::And { lhs, rhs, .. }
            | Ast::Or { lhs, rhs, .. }
            | Ast::Subexpr { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.push(rhs);
            }
            Ast::Condition {
                predicate, then, ..
            } => {
                stack.push(predicate);
                stack.push(then);
            }
            Ast::Expref { ast: node, .. }
            | Ast::Flatten { node, .. }
            | Ast::Not { node, .. }
            | Ast::ObjectValues { node, .. } => stack.push(node),
            Ast::MultiList { elements, .. } => stack.extend(elements.iter()),
            Ast::MultiHash { elements, .. } => stack.extend(elements.iter().map(|kv| &kv.value)),
            Ast::Identity { .. }
            | Ast::Field { .. }
            | Ast::Index { .. }
            | Ast::Literal { .. }
            | Ast::Slice { .. } => {}
        }
    }
    Ok(())
}

/// One line: the reason, where (line and column, 1-based) and the text around it. The
/// crate's own `Display` spans several lines with a caret, which a form field cannot show.
fn describe(e: &JmespathError) -> String {
    let reason = match &e.reason {
        jmespath::ErrorReason::Parse(m) => format!("invalid JMESPath: {m}"),
        jmespath::ErrorReason::Runtime(r) => format!("JMESPath failed: {r}"),
    };
    let multi_line = e.expression.contains('\n');
    let place = if multi_line {
        format!("line {}, column {}", e.line + 1, e.column + 1)
    } else {
        format!("character {}", e.column + 1)
    };
    format!("{reason} (at {place}{})", near(&e.expression, e.offset))
}

/// `: near "…"`, a few characters around a character offset.
fn near(expr: &str, at: usize) -> String {
    let chars: Vec<char> = expr.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let at = at.min(chars.len());
    let start = at.saturating_sub(10);
    let end = (at + 10).min(chars.len());
    let snippet: String = chars[start..end].iter().collect();
    format!(": near \"{}\"", snippet.replace('\n', " "))
}

fn to_variable(value: &Value) -> Variable {
    match value {
        Value::Null => Variable::Null,
        Value::Bool(b) => Variable::Bool(*b),
        Value::Number(n) => Variable::Number(n.clone()),
        Value::String(s) => Variable::String(s.clone()),
        Value::Array(items) => {
            Variable::Array(items.iter().map(|v| Rcvar::new(to_variable(v))).collect())
        }
        Value::Object(map) => Variable::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), Rcvar::new(to_variable(v))))
                .collect(),
        ),
    }
}

/// Moves out of the result where nothing else holds it, clones where something does.
fn to_value(var: Rcvar) -> Result<Value, String> {
    match Arc::try_unwrap(var) {
        Ok(owned) => owned_to_value(owned),
        Err(shared) => shared_to_value(&shared),
    }
}

fn owned_to_value(var: Variable) -> Result<Value, String> {
    Ok(match var {
        Variable::Null => Value::Null,
        Variable::Bool(b) => Value::Bool(b),
        Variable::Number(n) => Value::Number(n),
        Variable::String(s) => Value::String(s),
        Variable::Array(items) => {
            Value::Array(items.into_iter().map(to_value).collect::<Result<_, _>>()?)
        }
        Variable::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k, to_value(v)?);
            }
            Value::Object(out)
        }
        Variable::Expref(_) => return Err(EXPREF.into()),
    })
}

fn shared_to_value(var: &Variable) -> Result<Value, String> {
    Ok(match var {
        Variable::Null => Value::Null,
        Variable::Bool(b) => Value::Bool(*b),
        Variable::Number(n) => Value::Number(n.clone()),
        Variable::String(s) => Value::String(s.clone()),
        Variable::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| shared_to_value(v))
                .collect::<Result<_, _>>()?,
        ),
        Variable::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), shared_to_value(v)?);
            }
            Value::Object(out)
        }
        Variable::Expref(_) => return Err(EXPREF.into()),
    })
}

const EXPREF: &str = "the expression evaluates to an expression reference (`&…`), not to JSON";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data() -> Value {
        json!({
            "fields": {"name": "Ada", "age": 36, "tags": ["a", "b"]},
            "actions": {"lookup": {"items": [
                {"id": 1, "price": 5.5, "ok": true},
                {"id": 2, "price": 3, "ok": false},
                {"id": 3, "price": 10, "ok": true}
            ]}}
        })
    }

    #[test]
    fn search_selects_projects_and_builds_json() {
        let d = data();
        assert_eq!(search("fields.name", &d).unwrap(), json!("Ada"));
        assert_eq!(
            search("actions.lookup.items[?ok].id", &d).unwrap(),
            json!([1, 3])
        );
        assert_eq!(
            search(
                "{n: fields.name, total: sum(actions.lookup.items[].price)}",
                &d
            )
            .unwrap(),
            json!({"n": "Ada", "total": 18.5})
        );
        assert_eq!(search("fields.missing", &d).unwrap(), Value::Null);
        assert_eq!(search("length(fields.tags)", &d).unwrap(), json!(2));
        // the input is untouched and a whole sub-tree comes back intact
        assert_eq!(search("fields", &d).unwrap(), d["fields"]);
    }

    #[test]
    fn literals_and_numbers_survive_the_round_trip() {
        let d = json!({"big": 9007199254740993u64, "neg": -4, "f": 0.25});
        assert_eq!(search("big", &d).unwrap(), json!(9007199254740993u64));
        assert_eq!(search("[neg, f]", &d).unwrap(), json!([-4, 0.25]));
        assert_eq!(
            search("`{\"a\": [1, null, \"x\"]}`", &d).unwrap(),
            json!({"a": [1, null, "x"]})
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = check("fields.[name").unwrap_err();
        assert!(e.starts_with("invalid JMESPath"), "{e}");
        assert!(e.contains("character"), "{e}");
        let e = check("foo | | bar").unwrap_err();
        assert!(e.contains("at character 7"), "{e}");
        let e = check("a\n  && ]").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(check("").unwrap_err().contains("empty"));
    }

    #[test]
    fn unknown_functions_are_refused_at_check_time() {
        let e = check("fields.tags | no_such_fn(@)").unwrap_err();
        assert!(e.contains("no_such_fn"), "{e}");
        assert!(e.contains("character 15"), "{e}");
        assert!(check("sort_by(items, &price)[].id").is_ok());
        assert!(check("items[?contains(tags, 'x')] | [0]").is_ok());
    }

    #[test]
    fn runtime_errors_are_errors_not_panics() {
        let e = search("length(`1`)", &data()).unwrap_err();
        assert!(e.starts_with("JMESPath failed"), "{e}");
        assert!(
            search("&foo", &data())
                .unwrap_err()
                .contains("expression reference")
        );
    }

    #[test]
    fn hostile_expressions_are_refused_before_parsing() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(check(&deep).unwrap_err().contains("longer than"));
        let deep = format!("{}a{}", "[".repeat(100), "]".repeat(100));
        assert!(check(&deep).unwrap_err().contains("nests deeper"));
        let nots = format!("{}a", "!".repeat(200));
        assert!(check(&nots).unwrap_err().contains("nests deeper"));
        // at the limit the parsers still have stack to spare (debug build, 2 MiB thread)
        for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}"), ("!", "")] {
            let at_limit = format!("{}a{}", open.repeat(MAX_NESTING), close.repeat(MAX_NESTING));
            let handle = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || search(&at_limit, &json!({"a": 1})))
                .unwrap();
            assert!(handle.join().unwrap().is_ok(), "{open}");
        }
    }

    #[test]
    fn extract_uses_json_path_for_dollar_paths() {
        let d = data();
        assert_eq!(
            extract("$.actions.lookup.items[1].price", &d).unwrap(),
            json!(3)
        );
        // first match of several
        assert_eq!(extract("$..id", &d).unwrap(), json!(1));
        assert_eq!(extract("$.nope", &d).unwrap(), Value::Null);
        assert_eq!(
            extract("$.actions.lookup.items[?@.price > 4].id", &d).unwrap(),
            json!(1)
        );
        // JMESPath otherwise
        assert_eq!(extract("fields.age", &d).unwrap(), json!(36));
    }

    #[test]
    fn check_path_reports_both_syntaxes() {
        assert!(check_path("$.a.b[0]").is_ok());
        assert!(check_path("a.b[0]").is_ok());
        let e = check_path("$.a[").unwrap_err();
        assert!(e.starts_with("invalid JSONPath at character"), "{e}");
        let e = check_path("a.[").unwrap_err();
        assert!(e.starts_with("invalid JMESPath"), "{e}");
    }

    #[test]
    fn the_cache_is_bounded_and_still_answers() {
        for i in 0..(CACHE_CAPACITY + 50) {
            assert_eq!(search(&format!("`{i}`"), &Value::Null).unwrap(), json!(i));
        }
        assert!(JMES_CACHE.len() <= CACHE_CAPACITY);
        assert_eq!(search("fields.name", &data()).unwrap(), json!("Ada"));
    }
}

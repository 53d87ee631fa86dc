//! The template language of action configurations: `{{ path | filter }}` with
//! minijinja. A string that is exactly one `{{ … }}` keeps the JSON type of its value (a
//! number stays a number); anywhere else it interpolates. Templates are checked when saved:
//! every path must start at a known root and name a known field / earlier action.
//!
//! The context handed to [`render`] is a JSON object with the roots `fields`, `run`
//! (`id`, `user.id`, `user.email`), `wizard` (`id`), `step` (`id`), `event` (`trigger`,
//! `target`, `value`) and `actions` (`<name>.output`). Undefined values are errors at
//! render time (strict mode), so a typo never silently sends an empty string upstream;
//! `| default(…)` is the way to make a value optional.
//!
//! OWNER: events helper (issue 4). Signatures are the contract.

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior, Value as JValue};
use serde_json::Value;

/// What a template may name: the roots are fixed (`fields`, `run`, `wizard`, `step`,
/// `event`, `actions`); `fields.<key>` must be a field of the wizard and `actions.<name>`
/// an earlier action of the same event.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub fields: Vec<String>,
    pub actions: Vec<String>,
}

/// The roots a template may start at, in the order the error messages list them.
const ROOTS: [&str; 6] = ["fields", "run", "wizard", "step", "event", "actions"];

/// Fixed paths below the roots other than `fields`/`actions` (prefixes are allowed too,
/// e.g. `run.user` for `{{ run.user | tojson }}`).
pub const FIXED_PATHS: [&str; 7] = [
    "run.id",
    "run.user.id",
    "run.user.email",
    "wizard.id",
    "step.id",
    "event.trigger",
    "event.target",
];

/// One environment for the whole process: building it registers the builtin filters, which
/// is not free, and it holds no per-request state.
static ENV: LazyLock<Environment<'static>> =
    LazyLock::new(|| environment(UndefinedBehavior::Strict));

/// The same filters, but any path reads as an empty value: save-time checks render with it
/// to find filters, tests and functions that do not exist (minijinja resolves those only
/// when rendering).
static PROBE: LazyLock<Environment<'static>> =
    LazyLock::new(|| environment(UndefinedBehavior::Chainable));

fn environment(undefined: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(undefined);
    // minijinja's own `tojson` needs its `json` feature; this one keeps the dependency
    // pure and produces compact JSON, which is what an HTTP body or header wants.
    env.add_filter(
        "tojson",
        |value: JValue| -> Result<JValue, minijinja::Error> {
            serde_json::to_string(&value)
                .map(JValue::from_safe_string)
                .map_err(|e| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                })
        },
    );
    env
}

/// A filter, test or function the template calls that does not exist (found by rendering
/// with every path empty; branches not taken are not seen).
fn unknown_callable(s: &str) -> Option<String> {
    use minijinja::ErrorKind::{UnknownFilter, UnknownFunction, UnknownTest};
    let err = PROBE.template_from_str(s).ok()?.render(()).err()?;
    matches!(err.kind(), UnknownFilter | UnknownTest | UnknownFunction)
        .then(|| format!("template uses {}", describe(&err)))
}

/// Whether a string contains template syntax at all; plain strings are left untouched.
fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// The expression of a string that is exactly one `{{ expr }}` (surrounding whitespace and
/// whitespace-control markers ignored), else `None`.
fn single_expression(s: &str) -> Option<&str> {
    let t = s.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") || inner.contains("{#")
    {
        return None;
    }
    let inner = inner.strip_prefix(['-', '+']).unwrap_or(inner);
    let inner = inner.strip_suffix(['-', '+']).unwrap_or(inner);
    let inner = inner.trim();
    (!inner.is_empty()).then_some(inner)
}

fn describe(err: &minijinja::Error) -> String {
    match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    }
}

fn to_json(value: &JValue) -> Result<Value, String> {
    if value.is_undefined() {
        return Err("undefined value".to_owned());
    }
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// Renders one string against an already converted context.
fn render_string(s: &str, ctx: &JValue) -> Result<Value, String> {
    if !is_template(s) {
        return Ok(Value::String(s.to_owned()));
    }
    if let Some(expr) = single_expression(s)
        && let Ok(compiled) = ENV.compile_expression(expr)
    {
        let value = compiled
            .eval(ctx)
            .map_err(|e| format!("`{expr}`: {}", describe(&e)))?;
        if value.is_undefined() {
            return Err(format!("`{expr}` is undefined"));
        }
        return to_json(&value).map_err(|e| format!("`{expr}`: {e}"));
    }
    interpolate(s, ctx).map(Value::String)
}

fn interpolate(s: &str, ctx: &JValue) -> Result<String, String> {
    if !is_template(s) {
        return Ok(s.to_owned());
    }
    ENV.render_str(s, ctx).map_err(|e| describe(&e))
}

fn render_value(template: &Value, ctx: &JValue) -> Result<Value, String> {
    Ok(match template {
        Value::String(s) => render_string(s, ctx)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| render_value(item, ctx))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(members) => {
            let mut out = serde_json::Map::with_capacity(members.len());
            for (key, value) in members {
                out.insert(interpolate(key, ctx)?, render_value(value, ctx)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Problems of every template inside `template` (strings in objects and arrays, keys
/// included), each as (JSON path below `path`, message).
pub fn check(template: &Value, scope: &Scope, path: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    check_value(template, scope, path, &mut problems);
    problems
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn check_value(template: &Value, scope: &Scope, path: &str, out: &mut Vec<(String, String)>) {
    match template {
        Value::String(s) => {
            out.extend(
                check_str(s, scope)
                    .into_iter()
                    .map(|m| (path.to_owned(), m)),
            );
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_value(item, scope, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(members) => {
            for (key, value) in members {
                let member_path = join(path, key);
                out.extend(
                    check_str(key, scope)
                        .into_iter()
                        .map(|m| (member_path.clone(), format!("in the key: {m}"))),
                );
                check_value(value, scope, &member_path, out);
            }
        }
        _ => {}
    }
}

/// Problems of one template string: syntax, then every variable path it reads.
pub fn check_str(s: &str, scope: &Scope) -> Vec<String> {
    if !is_template(s) {
        return Vec::new();
    }
    let template = match ENV.template_from_str(s) {
        Ok(t) => t,
        Err(e) => return vec![format!("template does not parse: {}", describe(&e))],
    };
    let mut paths: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    paths.sort();
    let callable = unknown_callable(s);
    // An unknown function is also an undeclared name: report it once, as a function.
    let is_the_callable = |p: &str| {
        callable
            .as_ref()
            .is_some_and(|c| c.contains(&format!(" {p} is unknown")))
    };
    let mut problems: Vec<String> = paths
        .iter()
        .filter(|p| !is_the_callable(p))
        .filter_map(|p| check_path(p, scope).err())
        .collect();
    problems.extend(callable);
    problems
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Whether a dotted variable path names something the context will hold.
fn check_path(path: &str, scope: &Scope) -> Result<(), String> {
    let mut parts = path.splitn(3, '.');
    let root = parts.next().unwrap_or_default();
    let second = parts.next();
    match root {
        "fields" => match second {
            None => Ok(()),
            Some(key) if scope.fields.iter().any(|f| f == key) => Ok(()),
            Some(key) => Err(format!(
                "unknown path `{path}`: `{key}` is not a field of this wizard (fields: {})",
                list(&scope.fields)
            )),
        },
        "actions" => match second {
            None => Ok(()),
            Some(name) if scope.actions.iter().any(|a| a == name) => Ok(()),
            Some(name) => Err(format!(
                "unknown path `{path}`: `{name}` is not an earlier action of this event \
                 (earlier actions: {})",
                list(&scope.actions)
            )),
        },
        "event" if path == "event.value" || path.starts_with("event.value.") => Ok(()),
        "run" | "wizard" | "step" | "event" => {
            let known = FIXED_PATHS
                .iter()
                .any(|p| *p == path || p.starts_with(&format!("{path}.")));
            if known {
                Ok(())
            } else {
                let mut available: Vec<&str> = FIXED_PATHS
                    .iter()
                    .copied()
                    .filter(|p| p.starts_with(&format!("{root}.")))
                    .collect();
                if root == "event" {
                    available.push("event.value");
                }
                Err(format!(
                    "unknown path `{path}` (available below `{root}`: {})",
                    available.join(", ")
                ))
            }
        }
        _ => Err(format!(
            "unknown path `{path}`: a template starts at one of {}",
            ROOTS.join(", ")
        )),
    }
}

/// Resolves every template inside `template` against `context`.
pub fn render(template: &Value, context: &Value) -> Result<Value, String> {
    let ctx = JValue::from_serialize(context);
    render_value(template, &ctx)
}

/// Resolves a template string to a string (interpolation, whatever its shape).
pub fn render_str(template: &str, context: &Value) -> Result<String, String> {
    if !is_template(template) {
        return Ok(template.to_owned());
    }
    interpolate(template, &JValue::from_serialize(context))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Value {
        json!({
            "fields": {"age": 42, "name": "ada", "tags": ["a", "b"], "ok": true, "none": null,
                       "addr": {"city": "Paris"}},
            "run": {"id": "r1", "user": {"id": "u1", "email": "ada@example.com"}},
            "wizard": {"id": "w1"},
            "step": {"id": "s1"},
            "event": {"trigger": "step.onEntry", "target": "s1", "value": {"x": 1}},
            "actions": {"lookup": {"output": {"items": [1, 2, 3]}}}
        })
    }

    fn scope() -> Scope {
        Scope {
            fields: vec!["age".into(), "name".into(), "email".into()],
            actions: vec!["lookup".into()],
        }
    }

    #[test]
    fn a_whole_expression_keeps_its_json_type() {
        let c = ctx();
        assert_eq!(render(&json!("{{ fields.age }}"), &c), Ok(json!(42)));
        assert_eq!(render(&json!("  {{fields.ok}} "), &c), Ok(json!(true)));
        assert_eq!(
            render(&json!("{{ fields.tags }}"), &c),
            Ok(json!(["a", "b"]))
        );
        assert_eq!(
            render(&json!("{{ fields.addr }}"), &c),
            Ok(json!({"city": "Paris"}))
        );
        assert_eq!(render(&json!("{{ fields.none }}"), &c), Ok(json!(null)));
        assert_eq!(render(&json!("{{ fields.age + 1 }}"), &c), Ok(json!(43)));
        assert_eq!(
            render(&json!("{{ actions.lookup.output.items }}"), &c),
            Ok(json!([1, 2, 3]))
        );
    }

    #[test]
    fn strings_interpolate_and_structures_are_walked() {
        let c = ctx();
        let t = json!({
            "url": "/users/{{ run.user.id }}?age={{ fields.age }}",
            "body": {"n": "{{ fields.age }}", "list": ["{{ step.id }}", 7, null]},
            "{{ fields.name }}": "plain"
        });
        assert_eq!(
            render(&t, &c),
            Ok(json!({
                "url": "/users/u1?age=42",
                "body": {"n": 42, "list": ["s1", 7, null]},
                "ada": "plain"
            }))
        );
        assert_eq!(render_str("{{ fields.age }}", &c), Ok("42".to_owned()));
        assert_eq!(render_str("no template", &c), Ok("no template".to_owned()));
    }

    #[test]
    fn filters_work() {
        let c = ctx();
        assert_eq!(
            render(&json!("{{ fields.name | upper }}"), &c),
            Ok(json!("ADA"))
        );
        assert_eq!(
            render(&json!("{{ fields.missing | default('x') }}"), &c),
            Ok(json!("x"))
        );
        assert_eq!(
            render_str("data={{ fields.addr | tojson }}", &c),
            Ok(r#"data={"city":"Paris"}"#.to_owned())
        );
        assert_eq!(
            render(&json!("{{ fields.tags | tojson }}"), &c),
            Ok(json!(r#"["a","b"]"#))
        );
    }

    #[test]
    fn a_missing_path_fails_at_render_time() {
        let c = ctx();
        let err = render(&json!("{{ fields.missing }}"), &c).unwrap_err();
        assert!(err.contains("fields.missing"), "{err}");
        assert!(render(&json!("hello {{ fields.missing }}"), &c).is_err());
        assert!(render(&json!("{{ fields.addr.zip.code }}"), &c).is_err());
    }

    #[test]
    fn check_names_unknown_paths_with_what_is_available() {
        let s = scope();
        let t = json!({
            "url": "/x/{{ fields.nope }}",
            "body": {"a": "{{ fields.email }}", "b": ["{{ actions.later.output }}"]},
            "h": "{{ secrets.key }}",
            "r": "{{ run.user.phone }}",
            "ok": "{{ run.user.email }} {{ event.value.x }} {{ wizard.id }} {{ fields | tojson }}"
        });
        let mut problems = check(&t, &s, "config");
        problems.sort();
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["config.body.b[0]", "config.h", "config.r", "config.url"],
            "{problems:?}"
        );
        let url = &problems[3].1;
        assert!(
            url.contains("fields.nope") && url.contains("age, name, email"),
            "{url}"
        );
        assert!(problems[0].1.contains("lookup"), "{:?}", problems[0]);
        assert!(problems[1].1.contains("secrets.key"), "{:?}", problems[1]);
        assert!(
            problems[2].1.contains("run.user.email"),
            "{:?}",
            problems[2]
        );
    }

    #[test]
    fn check_accepts_loop_variables_and_filters() {
        let s = scope();
        let t = json!(
            "{% for t in fields.name %}{{ t | upper }}{% endfor %}{{ fields.age | default(1) }}"
        );
        assert_eq!(check(&t, &s, "text"), Vec::<(String, String)>::new());
    }

    #[test]
    fn unknown_filters_tests_and_functions_are_named_at_save_time() {
        let s = scope();
        for (t, name) in [
            ("{{ fields.name | shout }}", "shout"),
            ("{% if fields.age is prime %}x{% endif %}", "prime"),
            ("{{ frobnicate(fields.name) }}", "frobnicate"),
        ] {
            let problems = check(&json!(t), &s, "text");
            assert_eq!(problems.len(), 1, "{t}: {problems:?}");
            assert!(problems[0].1.contains(name), "{t}: {problems:?}");
        }
        // Known ones pass, also on paths that have no value at save time.
        let fine = json!("{{ fields.name | upper | default('x') }}{{ fields.age is number }}");
        assert_eq!(check(&fine, &s, "text"), Vec::<(String, String)>::new());
    }

    #[test]
    fn a_syntax_error_is_reported_at_its_path() {
        let problems = check(
            &json!({"text": "Hello {{ fields.name "}),
            &scope(),
            "config",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "config.text");
        assert!(
            problems[0].1.contains("does not parse"),
            "{}",
            problems[0].1
        );
        assert!(render(&json!("{{ fields.name "), &ctx()).is_err());
    }
}

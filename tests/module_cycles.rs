//! No circular module dependencies in `wizard-core` (ARCHITECTURE.md, "No cycles").
//!
//! Reads every file under `src/`, collects the `crate::` and `super::` paths it names (in
//! `use` trees and inline), and checks, for every module, that its children do not depend on
//! each other in a circle: `a` naming `b` while `b` (or anything inside it) names `a`. A child
//! naming its parent's items, or a parent its children, is containment, not a cycle.
//! Plain std on purpose: it runs with the pure core's tests and needs nothing built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

#[test]
fn modules_do_not_depend_on_each_other_in_circles() {
    let src = crate_dir().join("src");
    let files = read_modules(&src);
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    assert!(
        files.len() > 40,
        "read only {} files under {}",
        files.len(),
        src.display()
    );
    let cycles = find_cycles(&files, &modules);
    assert!(
        cycles.is_empty(),
        "module cycles in wizard-core (break them: move the shared type to a leaf module, \
         or pass what the lower layer needs in through a narrow interface):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_leaf_naming_its_user_is_reported() {
    let src = crate_dir().join("src");
    let mut files = read_modules(&src);
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    files
        .get_mut(&m(&["domain", "problem"]))
        .expect("domain/problem.rs")
        .push_str("\nfn f(_: &crate::domain::Wizard) {}\n");
    let cycles = find_cycles(&files, &modules);
    assert!(
        cycles
            .iter()
            .any(|c| c.starts_with("in domain:") && c.contains("problem") && c.contains("wizard")),
        "{cycles:?}"
    );
}

#[test]
fn the_checker_sees_a_cycle_through_a_use_tree_and_an_inline_path() {
    let files = BTreeMap::from([
        (m(&["a"]), "use crate::{b::{Thing, other}, c};".to_owned()),
        (m(&["b"]), "fn f() { crate::a::g(); }".to_owned()),
        (
            m(&["c"]),
            "// crate::a::h is only mentioned in a comment".to_owned(),
        ),
        (m(&["d"]), "use super::c::X;".to_owned()),
        (m(&["d", "e"]), "use super::super::c::X;".to_owned()),
    ]);
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    let cycles = find_cycles(&files, &modules);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("in crate: a, b depend on each other"),
        "{cycles:?}"
    );
}

fn m(parts: &[&str]) -> Module {
    parts.iter().map(|p| (*p).to_owned()).collect()
}

/// Every `.rs` file under `src` with its module path (`src/a/mod.rs` and `src/a.rs` are `a`)
/// and its text without comments.
fn read_modules(src: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let mut parts: Module = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            out.insert(parts, text);
        }
    }
    out
}

fn find_cycles(files: &BTreeMap<Module, String>, modules: &BTreeSet<Module>) -> Vec<String> {
    // For every parent module: edges between its children, with one example of why.
    let mut graphs: BTreeMap<Module, BTreeMap<(String, String), String>> = BTreeMap::new();
    for (from, text) in files {
        for path in referenced_paths(&strip_comments(text), from) {
            let to = through_glob_reexports(longest_module(&path, modules), &path, files);
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // the same module, an ancestor or a descendant
            }
            let parent = from[..common].to_vec();
            let edge = (from[common].clone(), to[common].clone());
            graphs
                .entry(parent)
                .or_default()
                .entry(edge)
                .or_insert_with(|| format!("{} names crate::{}", show(from), path.join("::")));
        }
    }
    let mut cycles = Vec::new();
    for (parent, edges) in &graphs {
        let mut adjacency: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (a, b) in edges.keys() {
            adjacency.entry(a).or_default().insert(b);
        }
        let reach: BTreeMap<&str, BTreeSet<&str>> = adjacency
            .keys()
            .map(|&n| (n, reachable(n, &adjacency)))
            .collect();
        let mut seen = BTreeSet::new();
        for (&node, from_node) in &reach {
            if seen.contains(node) || !from_node.contains(node) {
                continue;
            }
            // The strongly connected component of `node`: what it reaches that reaches it.
            let component: BTreeSet<&str> = from_node
                .iter()
                .copied()
                .filter(|other| reach.get(other).is_some_and(|r| r.contains(node)))
                .collect();
            seen.extend(component.iter().copied());
            let why: Vec<&str> = edges
                .iter()
                .filter(|((a, b), _)| {
                    component.contains(a.as_str()) && component.contains(b.as_str())
                })
                .map(|(_, why)| why.as_str())
                .collect();
            let members: Vec<&str> = component.into_iter().collect();
            cycles.push(format!(
                "in {}: {} depend on each other ({})",
                show(parent),
                members.join(", "),
                why.join("; ")
            ));
        }
    }
    cycles
}

fn reachable<'a>(
    start: &'a str,
    adjacency: &BTreeMap<&'a str, BTreeSet<&'a str>>,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(node) = stack.pop() {
        for &next in adjacency.get(node).into_iter().flatten() {
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen
}

fn show(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// `crate::domain::FieldKey` names `domain::key` when `domain` has `pub use key::*;` and
/// `key` defines `FieldKey`: a re-export must not hide a dependency.
fn through_glob_reexports(
    module: Module,
    path: &[String],
    files: &BTreeMap<Module, String>,
) -> Module {
    let (Some(item), Some(text)) = (path.get(module.len()), files.get(&module)) else {
        return module;
    };
    for line in text.lines() {
        let Some(child) = line
            .trim()
            .strip_prefix("pub use ")
            .and_then(|l| l.strip_suffix("::*;"))
        else {
            continue;
        };
        let mut inner = module.clone();
        inner.extend(child.split("::").map(str::to_owned));
        if files.get(&inner).is_some_and(|t| defines(t, item)) {
            return inner;
        }
    }
    module
}

fn defines(text: &str, item: &str) -> bool {
    [
        "struct",
        "enum",
        "fn",
        "trait",
        "type",
        "const",
        "static",
        "mod",
        "macro_rules!",
    ]
    .iter()
    .any(|kind| {
        text.match_indices(&format!("{kind} {item}"))
            .any(|(at, found)| {
                text.as_bytes()
                    .get(at + found.len())
                    .is_none_or(|b| !is_ident(*b))
            })
    })
}

/// The longest known module that `path` starts with.
fn longest_module(path: &[String], modules: &BTreeSet<Module>) -> Module {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// Every absolute path the text names through `crate::` or `super::`, resolved from `module`.
fn referenced_paths(text: &str, module: &Module) -> Vec<Vec<String>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':';
        let base = if starts_word && bytes[i..].starts_with(b"crate::") {
            i += "crate::".len();
            Some(Vec::new())
        } else if starts_word && bytes[i..].starts_with(b"super::") {
            let mut base = module.clone();
            while bytes[i..].starts_with(b"super::") {
                i += "super::".len();
                base.pop();
            }
            Some(base)
        } else {
            None
        };
        match base {
            Some(base) => i = parse_tree(text, i, &base, &mut out),
            None => i += 1,
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses `a::b::{c, d::e}` at `i`, pushing each full path; returns where it stopped.
fn parse_tree(text: &str, mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let bytes = text.as_bytes();
    let mut path = prefix.to_vec();
    loop {
        i = skip_space(bytes, i);
        if i < bytes.len() && bytes[i] == b'{' {
            i += 1;
            loop {
                i = skip_space(bytes, i);
                if i >= bytes.len() {
                    return i;
                }
                if bytes[i] == b'}' {
                    return i + 1;
                }
                if bytes[i] == b',' {
                    i += 1;
                    continue;
                }
                let before = i;
                i = parse_tree(text, i, &path, out);
                if i == before {
                    i += 1;
                }
            }
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if start == i {
            break;
        }
        let segment = &text[start..i];
        if segment != "self" {
            path.push(segment.to_owned());
        }
        if bytes[i..].starts_with(b"::") {
            i += 2;
        } else {
            break;
        }
    }
    out.push(path);
    i
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The text with `//` and `/* */` comments blanked; string literals are kept.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('\'', Some('"')) => {
                // the char literal '"' opens no string
                out.push(c);
                out.extend(chars.next());
            }
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The crate's directory, read when the test runs: CI keeps one target directory for every
/// fresh clone, so a test binary built from an earlier clone (and still fresh to cargo)
/// must not look into that clone's path, which `env!` would have baked in.
fn crate_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}

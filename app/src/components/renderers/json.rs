//! The `json` renderer: a collapsible tree. Nodes open to the configured depth; deeper
//! nodes build their children only when opened, so a large document stays light. Each
//! node can copy its value and its path; "Expand all" and "Collapse all" act on the whole
//! tree.

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::render::json::child_path;

/// Children shown per node; the rest are summarised (a 1 MB array stays usable).
const MAX_CHILDREN: usize = 500;

pub(super) fn tree(value: Value, open_depth: u8) -> impl IntoView {
    // `Some(true)`: everything open; `Some(false)`: everything closed; `None`: as each
    // node was left.
    let all = RwSignal::new(None::<bool>);
    view! {
        <div class="json-tree" data-testid="json-tree">
            <div class="json-tools">
                <button type="button" class="btn btn-quiet btn-small" on:click=move |_| all.set(Some(true))>"Expand all"</button>
                <button type="button" class="btn btn-quiet btn-small" on:click=move |_| all.set(Some(false))>"Collapse all"</button>
            </div>
            <ul role="tree" aria-label="JSON">
                {node(None, String::new(), value, 0, open_depth, all)}
            </ul>
        </div>
    }
}

fn node(
    key: Option<String>,
    path: String,
    value: Value,
    depth: u8,
    open_depth: u8,
    all: RwSignal<Option<bool>>,
) -> AnyView {
    let label = key.map(|k| view! { <span class="json-key">{k}": "</span> });
    let copy_value = {
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        move |_| super::copy_text(text.clone())
    };
    let copy_path = {
        let p = if path.is_empty() {
            "@".to_owned()
        } else {
            path.clone()
        };
        move |_| super::copy_text(p.clone())
    };
    let tools = view! {
        <span class="json-copy">
            <button type="button" class="btn-link" title="Copy the value" on:click=copy_value>"copy"</button>
            <button type="button" class="btn-link" title="Copy the path" on:click=copy_path>"path"</button>
        </span>
    };
    let (kind, summary) = match &value {
        Value::Object(m) => ("object", format!("{{{} keys}}", m.len())),
        Value::Array(a) => ("array", format!("[{} items]", a.len())),
        _ => ("", String::new()),
    };
    if kind.is_empty() {
        let (class, text) = match &value {
            Value::String(s) => ("json-string", format!("\"{s}\"")),
            Value::Number(n) => ("json-number", n.to_string()),
            Value::Bool(b) => ("json-bool", b.to_string()),
            _ => ("json-null", "null".to_owned()),
        };
        return view! { <li role="treeitem">{label}<span class=class>{text}</span>{tools}</li> }
            .into_any();
    }
    let local = RwSignal::new(depth < open_depth);
    // "Expand all"/"Collapse all" override what each node was left at.
    Effect::new(move |_| {
        if let Some(open) = all.get() {
            local.set(open);
        }
    });
    let open = move || local.get();
    let value = StoredValue::new(value);
    let children = move || {
        open().then(|| {
            value.with_value(|v| {
                let items: Vec<(Result<String, usize>, Value)> = match v {
                    Value::Object(m) => m.iter().map(|(k, v)| (Ok(k.clone()), v.clone())).collect(),
                    Value::Array(a) => a.iter().enumerate().map(|(i, v)| (Err(i), v.clone())).collect(),
                    _ => Vec::new(),
                };
                let more = items.len().saturating_sub(MAX_CHILDREN);
                let shown = items
                    .into_iter()
                    .take(MAX_CHILDREN)
                    .map(|(k, v)| {
                        let child = child_path(&path, k.as_deref().map_err(|i| *i));
                        let label = match k {
                            Ok(k) => k,
                            Err(i) => i.to_string(),
                        };
                        node(Some(label), child, v, depth.saturating_add(1), open_depth, all)
                    })
                    .collect_view();
                view! {
                    <ul role="group">
                        {shown}
                        {(more > 0).then(|| view! { <li class="muted">{format!("… {more} more not shown")}</li> })}
                    </ul>
                }
            })
        })
    };
    view! {
        <li role="treeitem" aria-expanded=move || open().to_string()>
            <button type="button" class="json-toggle" on:click=move |_| local.update(|o| *o = !*o)>
                <span aria-hidden="true">{move || if open() { "▾ " } else { "▸ " }}</span>
                {label}
                <span class="muted">{summary}</span>
            </button>
            {tools}
            {children}
        </li>
    }
    .into_any()
}

//! `api_call`: which API configuration (or none, for an absolute URL), method, URL or path,
//! query and header rows, a JSON body checked as it is typed, and the success path that
//! picks the result out of the response.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;
use wizard_core::domain::event::{ActionConfig, ApiCallConfig, HttpMethod};

use super::{config_memo, config_text, edit_config};
use crate::builder::events::ActionCtx;
use crate::builder::events::inputs::{KeyValues, SelectSetting, TextSetting, with_local};

config_of!(ApiCall, ApiCallConfig);

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
pub fn ApiCallEditor(ctx: ActionCtx) -> impl IntoView {
    let b = ctx.ev.b;
    let cfg = config_memo(ctx, pick);
    let config_id = config_text(cfg, |c| {
        c.api_config_id.map(|id| id.to_string()).unwrap_or_default()
    });
    let method = config_text(cfg, |c| c.method.as_str().to_owned());
    let url = config_text(cfg, |c| c.url.clone());
    let success = config_text(cfg, |c| {
        c.response_mapping.success_path.clone().unwrap_or_default()
    });
    let configs = Signal::derive(move || {
        let mut out = vec![(String::new(), "None: an absolute URL".to_owned())];
        b.wizard.with(|w| {
            out.extend(
                w.api_configs
                    .iter()
                    .map(|c| (c.id.to_string(), format!("{} ({})", c.name, c.base_url))),
            )
        });
        out
    });
    let methods: Vec<(String, String)> = HttpMethod::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.as_str().to_owned()))
        .collect();
    // Read once: the rows below are edited locally and written back whole.
    let query = cfg.with_untracked(|c| {
        c.as_ref()
            .map(|c| {
                c.query
                    .iter()
                    .map(|(k, v)| (k.clone(), value_text(v)))
                    .collect()
            })
            .unwrap_or_default()
    });
    let headers = cfg.with_untracked(|c| {
        c.as_ref()
            .map(|c| {
                c.headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let body_text = RwSignal::new(cfg.with_untracked(|c| {
        c.as_ref()
            .and_then(|c| c.body.as_ref())
            .and_then(|b| serde_json::to_string_pretty(b).ok())
            .unwrap_or_default()
    }));
    let body_local = RwSignal::new(Vec::<String>::new());
    let body_errors = with_local(body_local, ctx.messages("config.body"));
    view! {
        <div class="grid-2">
            <SelectSetting
                id=ctx.dom("config")
                label="API configuration"
                choices=configs
                value=config_id
                on_change=Callback::new(move |v: String| {
                    let id = Uuid::parse_str(&v).ok();
                    edit_config(ctx, pick_mut, |c| c.api_config_id = id);
                })
                errors=ctx.messages("config.api_config_id")
                testid="api-config"
            />
            <SelectSetting
                id=ctx.dom("method")
                label="Method"
                choices=methods
                value=method
                on_change=Callback::new(move |v: String| {
                    if let Ok(m) = v.parse::<HttpMethod>() {
                        edit_config(ctx, pick_mut, |c| c.method = m);
                    }
                })
                errors=ctx.messages("config.method")
                testid="api-method"
            />
        </div>
        <TextSetting
            id=ctx.dom("url")
            label="URL or path"
            value=url
            on_change=Callback::new(move |v: String| edit_config(ctx, pick_mut, |c| c.url = v.trim().to_owned()))
            errors=ctx.messages("config.url")
            testid="api-url"
            paths=ctx.paths()
            mono=true
            placeholder="https://api.example.com/items or /items/{{ fields.id }}"
            hint="A path is joined to the configuration's base URL; without a configuration the URL must be absolute. Templates allowed."
        />
        <KeyValues
            id=ctx.dom("query")
            legend="Query parameters"
            initial=query
            errors=ctx.messages("config.query")
            on_set=Callback::new(move |rows: Vec<(String, String)>| {
                edit_config(ctx, pick_mut, |c| {
                    c.query = rows.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<BTreeMap<_, _>>();
                });
            })
        />
        <KeyValues
            id=ctx.dom("headers")
            legend="Headers"
            initial=headers
            errors=ctx.messages("config.headers")
            on_set=Callback::new(move |rows: Vec<(String, String)>| {
                edit_config(ctx, pick_mut, |c| c.headers = rows.into_iter().collect());
            })
        />
        <TextSetting
            id=ctx.dom("body")
            label="JSON body (optional)"
            value=body_text
            on_change=Callback::new(move |v: String| {
                body_text.set(v.clone());
                if v.trim().is_empty() {
                    body_local.set(Vec::new());
                    edit_config(ctx, pick_mut, |c| c.body = None);
                    return;
                }
                match serde_json::from_str::<Value>(&v) {
                    Ok(body) => {
                        body_local.set(Vec::new());
                        edit_config(ctx, pick_mut, |c| c.body = Some(body));
                    }
                    Err(e) => body_local.set(vec![format!("This is not JSON yet: {e}. The last valid body is kept.")]),
                }
            })
            errors=body_errors
            testid="api-body"
            paths=ctx.paths()
            rows=4
            mono=true
            hint="String values may be templates: {\"email\": \"{{ fields.email }}\"}."
        />
        <TextSetting
            id=ctx.dom("success")
            label="Result path (optional)"
            value=success
            on_change=Callback::new(move |v: String| {
                let v = v.trim().to_owned();
                edit_config(ctx, pick_mut, |c| c.response_mapping.success_path = (!v.is_empty()).then_some(v));
            })
            errors=ctx.messages("config.response_mapping.success_path")
            testid="api-success-path"
            mono=true
            hint="JMESPath (or JSONPath starting with $) picking the output out of the response body; empty: the whole body."
        />
    }
    .into_any()
}

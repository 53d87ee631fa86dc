//! The wizard's API configurations (what `api_call` actions and scripts reach): list, add,
//! edit, delete, and "Test connection". Credentials are write-only (DESIGN §5): the form
//! never receives one; a stored credential shows as "set" with Replace, and a secret left
//! empty on save keeps the stored one (`backend::api_configs`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wizard_core::domain::integration::{
    ApiAuth, ApiConfigView, DEFAULT_TIMEOUT_MS, KeyPlacement, NewApiConfig, TestApiConfigResponse,
    UpdateApiConfig,
};
use wizard_core::domain::problem::FieldError;

use super::events::inputs::{KeyValues, SelectSetting, TextSetting, choices};
use super::events::model::messages_at;
use super::state::Builder;
use super::ui::{ConfirmDelete, focus_later, settle};
use crate::fns::Outcome;
use crate::fns::api_configs::{
    create_api_config, delete_api_config, list_api_configs, save_api_config, test_api_config,
};

type Loaded = Option<Result<Vec<ApiConfigView>, String>>;

/// Keeps the draft's copy (which the action editors pick from) in step with the server.
fn sync_draft(b: Builder, list: &[ApiConfigView]) {
    let configs: Vec<_> = list.iter().map(|v| v.config.clone()).collect();
    b.wizard.update(|w| w.api_configs = configs);
}

fn auth_label(auth: &ApiAuth) -> &'static str {
    match auth {
        ApiAuth::None => "no auth",
        ApiAuth::ApiKey { .. } => "API key",
        ApiAuth::Bearer { .. } => "bearer token",
        ApiAuth::Basic { .. } => "basic auth",
        ApiAuth::Oauth2ClientCredentials { .. } => "OAuth2 client credentials",
    }
}

/// What the write-only input of an auth type is called, and its member in the problems.
fn secret_of(auth_type: &str) -> Option<(&'static str, &'static str)> {
    match auth_type {
        "api_key" => Some(("API key", "auth.value")),
        "bearer" => Some(("Bearer token", "auth.token")),
        "basic" => Some(("Password", "auth.password")),
        "oauth2_client_credentials" => Some(("Client secret", "auth.client_secret")),
        _ => None,
    }
}

#[component]
pub fn ApiConfigsPanel(b: Builder) -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<ApiConfigView>, String>>);
    // `Some(None)`: a new one; `Some(Some(id))`: that one.
    let editing = RwSignal::new(None::<Option<Uuid>>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        spawn_local(async move {
            let loaded = list_api_configs(b.id).await.map_err(|e| e.to_string());
            if let Ok(l) = &loaded {
                sync_draft(b, l);
            }
            list.set(Some(loaded));
        });
    });
    view! {
        <section class="panel" aria-labelledby="api-configs-heading" data-testid="api-configs">
            <h2 class="panel-title" id="api-configs-heading">"API configurations"</h2>
            <p class="hint">"Base URL, headers and credentials for the REST calls of this wizard's actions."</p>
            {move || match list.get() {
                None => view! { <p class="muted small">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="event-list">
                        {items
                            .into_iter()
                            .map(|v| {
                                let id = v.config.id;
                                let label = format!("Edit API configuration {}", v.config.name);
                                view! {
                                    <li class="event-row" data-testid="api-config-row">
                                        <button type="button" class="link-button strong" aria-label=label on:click=move |_| editing.set(Some(Some(id)))>
                                            {v.config.name.clone()}
                                        </button>
                                        <span class="muted small mono">{v.config.base_url.clone()}</span>
                                        <span class="event-meta muted small">
                                            {auth_label(&v.config.auth)}
                                            {v.config.secret_set.then_some(" · credential set")}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <button type="button" class="btn btn-small" data-testid="api-config-new" on:click=move |_| { notice.set(None); editing.set(Some(None)) }>
                "+ New API configuration"
            </button>
            <p role="status" class="muted small" data-testid="api-config-status">{move || notice.get()}</p>
            {move || editing.get().map(|which| view! { <ApiConfigForm b list editing notice which /> })}
        </section>
    }
    .into_any()
}

#[component]
fn ApiConfigForm(
    b: Builder,
    list: RwSignal<Loaded>,
    editing: RwSignal<Option<Option<Uuid>>>,
    notice: RwSignal<Option<String>>,
    which: Option<Uuid>,
) -> impl IntoView {
    let existing = which.and_then(|id| {
        list.with_untracked(|l| match l {
            Some(Ok(items)) => items.iter().find(|v| v.config.id == id).cloned(),
            _ => None,
        })
    });
    let dom = |what: &str| format!("api-config-{what}");
    let c = existing.as_ref().map(|v| v.config.clone());
    let name = RwSignal::new(c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        c.as_ref()
            .map(|c| c.description.clone())
            .unwrap_or_default(),
    );
    let base_url = RwSignal::new(c.as_ref().map(|c| c.base_url.clone()).unwrap_or_default());
    let timeout = RwSignal::new(
        c.as_ref()
            .map_or(DEFAULT_TIMEOUT_MS, |c| c.timeout_ms)
            .to_string(),
    );
    let headers: Vec<(String, String)> = c
        .as_ref()
        .map(|c| {
            c.default_headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let header_rows = RwSignal::new(headers.clone());
    let auth = c.as_ref().map(|c| c.auth.clone()).unwrap_or_default();
    let loaded_type = auth.type_name();
    let auth_type = RwSignal::new(loaded_type.to_owned());
    let (key_name, placement, username, token_url, client_id, scope) = match &auth {
        ApiAuth::ApiKey {
            name, placement, ..
        } => (
            name.clone(),
            placement.as_str(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ),
        ApiAuth::Basic { username, .. } => (
            String::new(),
            "header",
            username.clone(),
            String::new(),
            String::new(),
            String::new(),
        ),
        ApiAuth::Oauth2ClientCredentials {
            token_url,
            client_id,
            scope,
            ..
        } => (
            String::new(),
            "header",
            String::new(),
            token_url.clone(),
            client_id.clone(),
            scope.clone().unwrap_or_default(),
        ),
        _ => (
            String::new(),
            "header",
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ),
    };
    let key_name = RwSignal::new(key_name);
    let placement = RwSignal::new(placement.to_owned());
    let username = RwSignal::new(username);
    let token_url = RwSignal::new(token_url);
    let client_id = RwSignal::new(client_id);
    let scope = RwSignal::new(scope);
    let secret = RwSignal::new(String::new());
    let stored_secret = c.as_ref().is_some_and(|c| c.secret_set);
    // The stored credential is kept only while the auth type stays the one it belongs to.
    let is_set = Memo::new(move |_| stored_secret && auth_type.get() == loaded_type);
    let replacing = RwSignal::new(false);
    let version = RwSignal::new(existing.as_ref().map_or(0, |v| v.version));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let tested = RwSignal::new(None::<Result<TestApiConfigResponse, String>>);
    let test_path = RwSignal::new(String::new());
    let at =
        move |path: &'static str| Signal::derive(move || errors.with(|es| messages_at(es, path)));
    let text = |s: RwSignal<String>| Callback::new(move |v: String| s.set(v));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = secret.get_untracked();
        let secret_value = (!typed.is_empty()).then_some(typed);
        let auth = match auth_type.get_untracked().as_str() {
            "api_key" => ApiAuth::ApiKey {
                name: key_name.get_untracked(),
                placement: placement
                    .get_untracked()
                    .parse()
                    .unwrap_or(KeyPlacement::Header),
                value: secret_value,
            },
            "bearer" => ApiAuth::Bearer {
                token: secret_value,
            },
            "basic" => ApiAuth::Basic {
                username: username.get_untracked(),
                password: secret_value,
            },
            "oauth2_client_credentials" => ApiAuth::Oauth2ClientCredentials {
                token_url: token_url.get_untracked(),
                client_id: client_id.get_untracked(),
                client_secret: secret_value,
                scope: Some(scope.get_untracked()).filter(|s| !s.trim().is_empty()),
            },
            _ => ApiAuth::None,
        };
        let Ok(timeout_ms) = timeout.get_untracked().trim().parse::<u64>() else {
            errors.set(vec![FieldError::new(
                "timeout_ms",
                "a whole number of milliseconds",
            )]);
            return;
        };
        let default_headers = header_rows.get_untracked().into_iter().collect();
        busy.set(true);
        notice.set(None);
        let (name, description, base_url) = (
            name.get_untracked(),
            description.get_untracked(),
            base_url.get_untracked(),
        );
        spawn_local(async move {
            let result = match which {
                None => {
                    let req = NewApiConfig {
                        name,
                        description,
                        base_url,
                        auth,
                        default_headers,
                        timeout_ms,
                    };
                    create_api_config(b.id, req).await
                }
                Some(id) => {
                    let req = UpdateApiConfig {
                        version: version.get_untracked(),
                        name,
                        description,
                        base_url,
                        auth,
                        default_headers,
                        timeout_ms,
                    };
                    save_api_config(id, req).await
                }
            };
            busy.set(false);
            if let Some(view) = settle(result, errors, failure) {
                list.update(|l| {
                    if let Some(Ok(items)) = l {
                        match items.iter_mut().find(|v| v.config.id == view.config.id) {
                            Some(old) => *old = view.clone(),
                            None => items.push(view.clone()),
                        }
                        sync_draft(b, items);
                    }
                });
                notice.set(Some(format!("Saved {}.", view.config.name)));
                // Opened again from the stored copy: the secret shows as set.
                editing.set(Some(Some(view.config.id)));
            }
        });
    };
    let delete = Callback::new(move |()| {
        let Some(id) = which else { return };
        spawn_local(async move {
            let result = delete_api_config(id, version.get_untracked()).await;
            if settle(result, errors, failure).is_some() {
                list.update(|l| {
                    if let Some(Ok(items)) = l {
                        items.retain(|v| v.config.id != id);
                        sync_draft(b, items);
                    }
                });
                notice.set(Some("Deleted.".to_owned()));
                editing.set(None);
            }
        });
    });
    let run_test = move |_| {
        let Some(id) = which else { return };
        let path = Some(test_path.get_untracked().trim().to_owned()).filter(|p| !p.is_empty());
        tested.set(None);
        spawn_local(async move {
            tested.set(Some(match test_api_config(id, path).await {
                Ok(Outcome::Done(r)) => Ok(r),
                Ok(Outcome::Invalid(es)) => Err(es
                    .into_iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")),
                Ok(Outcome::Conflict(m)) => Err(m),
                Err(e) => Err(e.to_string()),
            }));
        });
    };
    let is_type = move |t: &'static str| Signal::derive(move || auth_type.get() == t);
    let secret_meta = Signal::derive(move || secret_of(&auth_type.get()));
    focus_later(dom("name"));
    view! {
        <form class="api-config-form" on:submit=submit data-testid="api-config-form" novalidate>
            <h3 class="section-title">{if which.is_some() { "Edit API configuration" } else { "New API configuration" }}</h3>
            {move || failure.get().map(|m| view! { <div class="alert" role="alert">{m}</div> })}
            <TextSetting id=dom("name") label="Name" value=name on_change=text(name) errors=at("name") testid="api-config-name" hint="Scripts call it by this name: callApi(\"name\", …)." />
            <TextSetting id=dom("base-url") label="Base URL" value=base_url on_change=text(base_url) errors=at("base_url") testid="api-config-base-url" mono=true placeholder="https://api.example.com/v1" />
            <TextSetting id=dom("description") label="Description (optional)" value=description on_change=text(description) errors=at("description") testid="api-config-description" />
            <TextSetting id=dom("timeout") label="Timeout (ms)" value=timeout on_change=text(timeout) errors=at("timeout_ms") testid="api-config-timeout" />
            <KeyValues
                id=dom("headers")
                legend="Default headers"
                initial=headers
                errors=Signal::derive(move || errors.with(|es| es.iter().filter(|e| e.field.starts_with("default_headers")).map(|e| format!("{}: {}", e.field, e.message)).collect()))
                on_set=Callback::new(move |rows: Vec<(String, String)>| header_rows.set(rows))
            />
            <SelectSetting
                id=dom("auth")
                label="Authentication"
                choices=choices(&[
                    ("none", "None"),
                    ("api_key", "API key (header or query)"),
                    ("bearer", "Bearer token"),
                    ("basic", "Basic (username and password)"),
                    ("oauth2_client_credentials", "OAuth2 client credentials"),
                ])
                value=auth_type
                on_change=Callback::new(move |v: String| {
                    auth_type.set(v);
                    secret.set(String::new());
                    replacing.set(false);
                })
                errors=at("auth")
                testid="api-config-auth"
            />
            <Show when=move || is_type("api_key").get()>
                <div class="grid-2">
                    <TextSetting id=dom("key-name") label="Key name" value=key_name on_change=text(key_name) errors=at("auth.name") testid="api-config-key-name" mono=true placeholder="X-API-Key" />
                    <SelectSetting id=dom("placement") label="Sent in" choices=choices(&[("header", "a header"), ("query", "the query string")]) value=placement on_change=text(placement) errors=at("auth.placement") testid="api-config-placement" />
                </div>
            </Show>
            <Show when=move || is_type("basic").get()>
                <TextSetting id=dom("username") label="Username" value=username on_change=text(username) errors=at("auth.username") testid="api-config-username" />
            </Show>
            <Show when=move || is_type("oauth2_client_credentials").get()>
                <TextSetting id=dom("token-url") label="Token URL" value=token_url on_change=text(token_url) errors=at("auth.token_url") testid="api-config-token-url" mono=true />
                <TextSetting id=dom("client-id") label="Client id" value=client_id on_change=text(client_id) errors=at("auth.client_id") testid="api-config-client-id" />
                <TextSetting id=dom("scope") label="Scope (optional)" value=scope on_change=text(scope) errors=at("auth.scope") testid="api-config-scope" />
            </Show>
            {move || secret_meta.get().map(|(label, member)| {
                let errs = Signal::derive(move || errors.with(|es| messages_at(es, member)));
                if is_set.get() && !replacing.get() {
                    view! {
                        <div class="field secret-set" data-testid="secret-set">
                            <span class="strong">{label}</span>
                            " "<span class="badge badge-ok">"set"</span>
                            <span class="muted small">" Stored encrypted; it is never shown again."</span>
                            <button
                                type="button"
                                class="btn btn-small btn-quiet"
                                data-testid="secret-replace"
                                on:click=move |_| {
                                    replacing.set(true);
                                    focus_later(dom("secret"));
                                }
                            >
                                {format!("Replace the {}", label.to_lowercase())}
                            </button>
                            // A stored credential is removed by dropping the authentication
                            // it belongs to (every auth type needs its secret); the save
                            // makes it final, so nothing is lost to a stray click.
                            <button
                                type="button"
                                class="btn btn-small btn-quiet"
                                data-testid="secret-clear"
                                on:click=move |_| {
                                    auth_type.set("none".to_owned());
                                    notice.set(Some(format!(
                                        "The {} will be removed when you save (authentication: none).",
                                        label.to_lowercase()
                                    )));
                                }
                            >
                                "Clear"
                            </button>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="field" class:has-error=move || !errs.with(Vec::is_empty)>
                            <label for=dom("secret")>{label}</label>
                            <input
                                id=dom("secret")
                                type="password"
                                autocomplete="new-password"
                                data-testid="api-config-secret"
                                aria-describedby=dom("secret-hint")
                                prop:value=move || secret.get()
                                on:change=move |ev| secret.set(event_target_value(&ev))
                            />
                            <p class="hint" id=dom("secret-hint")>
                                {if is_set.get_untracked() { "Leave empty to keep the stored one." } else { "Write-only: stored encrypted and never shown again." }}
                            </p>
                            <crate::builder::ui::ErrorLines messages=errs id=dom("secret-errors") />
                        </div>
                    }
                    .into_any()
                }
            })}
            <div class="event-editor-foot">
                <button type="submit" class="btn btn-small" data-testid="api-config-save" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save configuration" }}
                </button>
                <button type="button" class="btn btn-small btn-quiet" on:click=move |_| editing.set(None)>"Close"</button>
                {which.map(|_| {
                    let label = name.get_untracked();
                    view! { <ConfirmDelete what=Signal::derive(move || format!("API configuration {label}")) testid="api-config-delete" on_confirm=delete /> }
                })}
            </div>
            {which.map(|_| view! {
                <div class="api-config-test">
                    <TextSetting id=dom("test-path") label="Test connection: path (optional)" value=test_path on_change=text(test_path) errors=Signal::derive(Vec::new) testid="api-config-test-path" mono=true placeholder="/status" />
                    <button type="button" class="btn btn-small" data-testid="api-config-test" on:click=run_test>"Test connection"</button>
                    <div aria-live="polite" data-testid="api-config-test-result">
                        {move || tested.get().map(|r| match r {
                            Err(m) => view! { <p class="field-error">{m}</p> }.into_any(),
                            Ok(t) => {
                                let head = match (t.status, &t.error) {
                                    (Some(s), _) => format!("{} · HTTP {s} in {} ms", if t.ok { "Reached" } else { "Answered with an error" }, t.duration_ms),
                                    (None, Some(e)) => format!("Not reached in {} ms: {e}", t.duration_ms),
                                    (None, None) => format!("No answer in {} ms", t.duration_ms),
                                };
                                view! {
                                    <p class=if t.ok { "notice" } else { "field-error" } data-ok=t.ok.to_string()>{head}</p>
                                    {(!t.body_excerpt.is_empty()).then(|| view! { <pre class="code-block">{t.body_excerpt}</pre> })}
                                }
                                .into_any()
                            }
                        })}
                    </div>
                </div>
            })}
        </form>
    }
    .into_any()
}

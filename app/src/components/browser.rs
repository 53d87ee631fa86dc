//! Browser-only helpers (uploads, editor commands, timers) that Leptos does not wrap.
//! Compiled for the `hydrate` build only; callers gate their use the same way.

use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wizard_core::domain::problem::Problem;
use wizard_core::domain::run::FileRef;

/// Uploads one file of a run's `field` with its raw bytes as the body; the session cookie
/// goes along because the request is same-origin.
pub async fn upload(run_id: Uuid, field: &str, file: &web_sys::File) -> Result<FileRef, String> {
    let url = format!(
        "/api/v1/wizard-runs/{run_id}/files?field={}&filename={}",
        js_sys::encode_uri_component(field),
        js_sys::encode_uri_component(&file.name()),
    );
    let content_type = match file.type_() {
        t if t.is_empty() => "application/octet-stream".to_owned(),
        t => t,
    };
    let headers = web_sys::Headers::new().map_err(js_text)?;
    headers
        .set("Content-Type", &content_type)
        .map_err(js_text)?;
    headers.set("Accept", "application/json").map_err(js_text)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(file);
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(js_text)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| "the server could not be reached".to_owned())?
        .dyn_into()
        .map_err(js_text)?;
    let body = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        serde_json::from_str::<FileRef>(&body)
            .map_err(|_| "the server's answer was not understood".to_owned())
    } else {
        Err(serde_json::from_str::<Problem>(&body)
            .ok()
            .map(|p| p.detail.unwrap_or(p.title))
            .unwrap_or_else(|| format!("the server answered {}", response.status())))
    }
}

fn js_text(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the browser refused the request".to_owned())
}

/// `document.execCommand`: deprecated but still the only built-in way to format a
/// contenteditable selection, and fine for a small editor whose output the server sanitizes.
pub fn exec_command(command: &str, argument: Option<&str>) {
    let doc = document();
    let Ok(f) = js_sys::Reflect::get(&doc, &JsValue::from_str("execCommand")) else {
        return;
    };
    if let Some(f) = f.dyn_ref::<js_sys::Function>() {
        let arg = argument.map_or(JsValue::UNDEFINED, JsValue::from_str);
        let _ = f.call3(&doc, &JsValue::from_str(command), &JsValue::FALSE, &arg);
    }
}

/// Asks for a link address; only web and mail links are accepted.
pub fn prompt_link() -> Option<String> {
    let url = window()
        .prompt_with_message("Link address (https://…)")
        .ok()
        .flatten()?;
    let url = url.trim().to_owned();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        .then_some(url)
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    let (tx, rx) = futures_channel();
    let _ = set_timeout_with_handle(tx, Duration::from_millis(ms));
    rx.await;
}

/// A one-shot "done" signal built on a JS promise (no extra crates needed).
fn futures_channel() -> (
    impl FnOnce() + 'static,
    impl std::future::Future<Output = ()>,
) {
    let mut resolve: Option<js_sys::Function> = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    let fire = move || {
        if let Some(r) = resolve {
            let _ = r.call0(&JsValue::NULL);
        }
    };
    let wait = async move {
        let _ = JsFuture::from(promise).await;
    };
    (fire, wait)
}

/// Moves keyboard focus to the first field marked invalid, so a screen reader announces it.
pub fn focus_first_invalid() {
    if let Ok(Some(el)) = document().query_selector("main [aria-invalid='true']")
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
    }
}

/// Asks the user to confirm a destructive action.
pub fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

/// Offers `text` as a file download named `filename` (a Blob URL on a temporary link).
pub fn download_text(filename: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a")
        && let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    // Revoked later: some browsers start reading the URL only after the click returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(30),
    );
}

/// Copies `text` to the clipboard (the promise's outcome is not awaited: a refusal leaves
/// the clipboard as it was).
pub fn copy_text(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

/// A run's progress stream (`GET /api/v1/wizard-runs/{id}/progress`, Server-Sent Events),
/// open until dropped or until the server says the run's events have ended.
pub struct ProgressStream {
    source: web_sys::EventSource,
    _progress: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _idle: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for ProgressStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Opens `run_id`'s progress stream; `on_progress` gets each action as it starts. `None`
/// when the browser cannot open it (the outcome still arrives with the event's response).
pub fn follow_progress(
    run_id: Uuid,
    on_progress: impl Fn(wizard_core::domain::event::Progress) + 'static,
) -> Option<ProgressStream> {
    use wasm_bindgen::closure::Closure;
    let source =
        web_sys::EventSource::new(&format!("/api/v1/wizard-runs/{run_id}/progress")).ok()?;
    let progress =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string()
                && let Ok(p) = serde_json::from_str(&text)
            {
                on_progress(p);
            }
        });
    // Closed at `idle`, or the browser would reconnect when the server ends the stream.
    let closing = source.clone();
    let idle = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| closing.close());
    source
        .add_event_listener_with_callback("progress", progress.as_ref().unchecked_ref())
        .ok()?;
    source
        .add_event_listener_with_callback("idle", idle.as_ref().unchecked_ref())
        .ok()?;
    Some(ProgressStream {
        source,
        _progress: progress,
        _idle: idle,
    })
}

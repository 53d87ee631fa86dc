//! File upload to the run, with the field's type and size limits checked first (loaded on demand).

use super::*;

/// Why a file may not be added, checked before uploading (the server checks again).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn file_problem(s: &FileSettings, name: &str, mime: &str, size: u64) -> Option<String> {
    let max = s.max_size_bytes.unwrap_or(FILE_SIZE_CAP).min(FILE_SIZE_CAP);
    if size > max {
        return Some(format!("“{name}” is larger than {}", human_size(max)));
    }
    if !s.accepted_types.is_empty() && !s.accepted_types.iter().any(|a| accepts(a, name, mime)) {
        return Some(format!(
            "“{name}” is not an accepted type (accepted: {})",
            s.accepted_types.join(", ")
        ));
    }
    None
}

fn files_of(v: &Option<Value>) -> Vec<FileRef> {
    v.as_ref()
        .and_then(|v| serde_json::from_value::<Vec<FileRef>>(v.clone()).ok())
        .unwrap_or_default()
}

/// Uploads each chosen file to the run and keeps the list of uploaded files as the answer.
#[component]
pub(super) fn FileUpload(ctx: Ctx, settings: FileSettings) -> impl IntoView {
    let value = ctx.value;
    let files = move || value.with(files_of);
    let uploading = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<String>);
    let set = ctx.set;
    let max_files = settings.max_files.unwrap_or(1);
    let accept = (!settings.accepted_types.is_empty()).then(|| settings.accepted_types.join(","));
    let limits = {
        let mut parts = vec![format!(
            "up to {} each",
            human_size(
                settings
                    .max_size_bytes
                    .unwrap_or(FILE_SIZE_CAP)
                    .min(FILE_SIZE_CAP)
            )
        )];
        if !settings.accepted_types.is_empty() {
            parts.push(settings.accepted_types.join(", "));
        }
        parts.push(if max_files == 1 {
            "one file".to_owned()
        } else {
            format!("at most {max_files} files")
        });
        parts.join(" · ")
    };
    let run_id = ctx.run_id;
    let preview = run_id.is_none();
    let key = ctx.os.key.to_string();
    let on_pick = {
        let settings = settings.clone();
        move |ev: leptos::ev::Event| {
            problem.set(None);
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let Some(input) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                else {
                    return;
                };
                let Some(run_id) = run_id else { return };
                let picked: Vec<web_sys::File> = input
                    .files()
                    .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                    .unwrap_or_default();
                input.set_value("");
                let have =
                    value.with_untracked(files_of).len() + uploading.with_untracked(Vec::len);
                if have + picked.len() > max_files as usize {
                    problem.set(Some(if max_files == 1 {
                        "Only one file may be attached: remove the current one first.".to_owned()
                    } else {
                        format!("At most {max_files} files may be attached.")
                    }));
                    return;
                }
                for file in &picked {
                    let size = file.size() as u64;
                    if let Some(p) = file_problem(&settings, &file.name(), &file.type_(), size) {
                        problem.set(Some(p));
                        return;
                    }
                }
                let key = key.clone();
                for file in picked {
                    let name = file.name();
                    uploading.update(|u| u.push(name.clone()));
                    let key = key.clone();
                    leptos::task::spawn_local(async move {
                        let result = crate::components::browser::upload(run_id, &key, &file).await;
                        uploading.update(|u| {
                            if let Some(i) = u.iter().position(|n| *n == name) {
                                u.remove(i);
                            }
                        });
                        match result {
                            Ok(f) => {
                                let mut now = value.with_untracked(files_of);
                                now.push(f);
                                let v = serde_json::to_value(now).unwrap_or(Value::Null);
                                set.run((v, true));
                            }
                            Err(e) => problem.set(Some(format!("“{name}” was not uploaded: {e}"))),
                        }
                    });
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, &settings, max_files, run_id, &key);
        }
    };
    let remove = move |id: Uuid| {
        let now: Vec<FileRef> = value
            .with_untracked(files_of)
            .into_iter()
            .filter(|f| f.id != id)
            .collect();
        let v = if now.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(now).unwrap_or(Value::Null)
        };
        set.run((v, true));
    };
    let disabled = ctx.disabled;
    let multiple = max_files > 1;
    view! {
        <div class="files">
            <input
                type="file"
                id=ctx.id.clone()
                accept=accept
                multiple=multiple
                disabled=move || disabled.get() || preview
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                on:change=on_pick
            />
            <p class="hint">
                {limits}
                {preview.then_some(" · uploads are available when the wizard runs")}
            </p>
            <ul class="file-list">
                {move || {
                    files()
                        .into_iter()
                        .map(|f| {
                            let href = format!("/api/v1/files/{}", f.id);
                            let id = f.id;
                            let label = format!("Remove {}", f.name);
                            view! {
                                <li>
                                    <a href=href download=f.name.clone()>{f.name.clone()}</a>
                                    <span class="muted">" " {human_size(f.size)}</span>
                                    <button
                                        type="button"
                                        class="btn btn-quiet btn-small"
                                        aria-label=label
                                        disabled=move || disabled.get()
                                        on:click=move |_| remove(id)
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
                {move || {
                    uploading
                        .get()
                        .into_iter()
                        .map(|n| view! { <li class="muted" aria-live="polite">"Uploading " {n} "…"</li> })
                        .collect_view()
                }}
            </ul>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </div>
    }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wizard_core::domain::FILE_SIZE_CAP;

    #[test]
    fn file_problems_name_the_limit() {
        let s = FileSettings {
            max_size_bytes: Some(1024),
            accepted_types: vec![".txt".into()],
            max_files: Some(2),
        };
        assert_eq!(file_problem(&s, "a.txt", "text/plain", 1024), None);
        let big = file_problem(&s, "a.txt", "text/plain", 1025).unwrap_or_default();
        assert!(big.contains("larger than 1 KiB"), "{big}");
        let kind = file_problem(&s, "a.exe", "", 1).unwrap_or_default();
        assert!(
            kind.contains("not an accepted type") && kind.contains(".txt"),
            "{kind}"
        );
        // Unset limits fall back to the platform cap and accept any type.
        let any = FileSettings::default();
        assert_eq!(file_problem(&any, "x.bin", "", FILE_SIZE_CAP), None);
        assert!(file_problem(&any, "x.bin", "", FILE_SIZE_CAP + 1).is_some());
    }
}

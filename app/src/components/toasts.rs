//! Messages from actions (`show_message`) and from the player about them, as toasts: read
//! out by screen readers (`aria-live`), dismissible; errors stay until dismissed, the
//! others leave after a while.

use std::time::Duration;

use leptos::prelude::*;
use wizard_core::domain::event::MessageLevel;

/// How long a non-error toast stays.
const LINGER: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    id: u64,
    pub level: MessageLevel,
    pub text: String,
}

/// The toasts of a page; `push` adds one.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

impl Toasts {
    pub fn new() -> Self {
        Toasts {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    pub fn push(self, level: MessageLevel, text: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| {
            l.push(Toast {
                id,
                level,
                text: text.into(),
            })
        });
        if level != MessageLevel::Error {
            set_timeout(move || self.dismiss(id), LINGER);
        }
    }

    fn dismiss(self, id: u64) {
        self.list.try_update(|l| l.retain(|t| t.id != id));
    }
}

#[component]
pub fn ToastList(toasts: Toasts) -> impl IntoView {
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            {move || {
                toasts
                    .list
                    .get()
                    .into_iter()
                    .map(|t| {
                        let id = t.id;
                        let role = (t.level == MessageLevel::Error).then_some("alert");
                        view! {
                            <div class=format!("toast toast-{}", t.level.as_str()) role=role data-testid="toast">
                                <span>{t.text}</span>
                                <button type="button" class="btn-link" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>"×"</button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

//! What "the page is ready" means. Some of a page's code arrives after hydration: a lazy
//! route's chunk, a deferred widget's chunk (README, "Browser bundle"). Each such part holds
//! a [`Pending`] until it is built, and the layout marks `main[data-hydrated]` only when
//! hydration has finished and nothing is pending, so the marker means "everything on screen
//! responds" (the end-to-end tests wait on it).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use leptos::prelude::*;

/// How many parts of the current page are still waiting for their code.
#[derive(Clone, Copy)]
pub struct Loading(RwSignal<u32>);

impl Loading {
    /// Called once, by the layout, above every page.
    pub fn provide() -> Self {
        let loading = Self(RwSignal::new(0));
        provide_context(loading);
        loading
    }

    /// Whether every part of the page has its code.
    pub fn idle(self) -> bool {
        self.0.get() == 0
    }

    /// Counts one more pending part until [`Pending::done`] is called or the current
    /// owner is cleaned up (a page left before its chunk arrived must not hold the marker
    /// back forever).
    pub fn begin() -> Pending {
        let loading = use_context::<Loading>();
        if let Some(l) = loading {
            l.0.update(|n| *n += 1);
        }
        let pending = Pending {
            loading,
            done: Arc::new(AtomicBool::new(false)),
        };
        let on_drop = pending.clone();
        on_cleanup(move || on_drop.done());
        pending
    }
}

/// One part of the page waiting for its code; see [`Loading::begin`].
#[derive(Clone)]
pub struct Pending {
    loading: Option<Loading>,
    done: Arc<AtomicBool>,
}

impl Pending {
    /// The part is built; calling this again does nothing.
    pub fn done(&self) {
        if !self.done.swap(true, Ordering::Relaxed)
            && let Some(l) = self.loading
        {
            l.0.try_update(|n| *n = n.saturating_sub(1));
        }
    }
}

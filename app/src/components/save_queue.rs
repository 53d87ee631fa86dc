//! One save queue for the player's answers and the builder's draft.
//!
//! A single flight: at most one drain sends at a time, and work that comes due while it
//! runs is picked up by that same drain right after the send in flight, so a later edit
//! never overtakes an earlier one. The caller keeps what is due (a map of answers, "the
//! draft changed") and hands out one send at a time; the queue keeps the status the page's
//! indicator shows.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;

/// What a save indicator says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    Saving,
    /// The server refused some input; the edits are kept on the page with the problems.
    Invalid,
    /// Someone else changed it; saving stops until a reload.
    Conflict,
    /// The call failed (network, server); what was not saved is kept and can be retried.
    Failed(String),
}

/// How one send ended.
pub enum Sent {
    /// Go on with whatever came due meanwhile.
    Next(SaveStatus),
    /// End the drain here.
    Stop(SaveStatus),
}

/// The flight taken by [`SaveQueue::begin`]; the queue is free again when it is dropped.
pub struct InFlight(Arc<AtomicBool>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[derive(Clone, Copy)]
pub struct SaveQueue {
    pub status: RwSignal<SaveStatus>,
    /// Whether a flight is taken. Shared out of the reactive arena, so a save still running
    /// when the page is left can be waited for (the player's last save does).
    sending: StoredValue<Arc<AtomicBool>>,
}

impl SaveQueue {
    pub fn new() -> Self {
        SaveQueue {
            status: RwSignal::new(SaveStatus::Saved),
            sending: StoredValue::new(Arc::new(AtomicBool::new(false))),
        }
    }

    pub fn is_sending(self) -> bool {
        self.sending
            .try_with_value(|f| f.load(Ordering::SeqCst))
            .unwrap_or(false)
    }

    /// The in-flight flag itself, for waiting after the page's owner is gone.
    pub fn flag(self) -> Option<Arc<AtomicBool>> {
        self.sending.try_get_value()
    }

    /// Takes the flight for work that is not a save (the builder's settings) so no save
    /// runs beside it; `None` while one is running.
    pub fn begin(self) -> Option<InFlight> {
        let flag = self.sending.try_get_value()?;
        (!flag.swap(true, Ordering::SeqCst)).then_some(InFlight(flag))
    }

    /// Sends until `next` has nothing due, then shows how the last send ended. Returns
    /// `None` at once when another drain is running: it picks the new work up.
    pub async fn drain<Fut>(self, mut next: impl FnMut() -> Option<Fut>) -> Option<SaveStatus>
    where
        Fut: Future<Output = Sent>,
    {
        let flight = self.begin()?;
        let mut last = SaveStatus::Saved;
        while let Some(send) = next() {
            self.status.try_set(SaveStatus::Saving);
            match send.await {
                Sent::Next(status) => last = status,
                Sent::Stop(status) => {
                    last = status;
                    break;
                }
            }
        }
        drop(flight);
        self.status.try_set(last.clone());
        Some(last)
    }
}

impl Default for SaveQueue {
    fn default() -> Self {
        Self::new()
    }
}

//! Live progress of the events running in each run, for the player's spinner (issue 12):
//! the runner publishes the action it is starting, `GET /wizard-runs/{run_id}/progress`
//! streams it as Server-Sent Events (`runs::follow_progress` checks who may follow).
//! A leaf module: `state` holds the hub.
//!
//! Held in this process only: with several instances behind a load balancer a stream may
//! land on another instance than the event and then shows nothing new; the outcome never
//! depends on it (it arrives with the ordinary response, and the run stores it).

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use uuid::Uuid;

use crate::domain::event::Progress;

/// One watch channel per run that has a running event or a listener: the latest
/// [`Progress`], or `None` when nothing runs.
#[derive(Default)]
pub struct ProgressHub {
    runs: Mutex<HashMap<Uuid, watch::Sender<Option<Progress>>>>,
}

impl ProgressHub {
    /// Follows `run`: the receiver holds its current progress at once.
    pub fn subscribe(&self, run: Uuid) -> watch::Receiver<Option<Progress>> {
        let mut runs = self.lock();
        // Channels of runs nobody follows any more and where nothing runs are dropped here.
        runs.retain(|_, tx| tx.receiver_count() > 0 || tx.borrow().is_some());
        runs.entry(run)
            .or_insert_with(|| watch::channel(None).0)
            .subscribe()
    }

    /// `run` is starting an action.
    pub fn publish(&self, run: Uuid, progress: Progress) {
        self.lock()
            .entry(run)
            .or_insert_with(|| watch::channel(None).0)
            .send_replace(Some(progress));
    }

    /// The events of `run` have ended: listeners hear it, and the channel goes when no one
    /// listens.
    pub fn finish(&self, run: Uuid) {
        let mut runs = self.lock();
        if let Some(tx) = runs.get(&run) {
            tx.send_replace(None);
            if tx.receiver_count() == 0 {
                runs.remove(&run);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, watch::Sender<Option<Progress>>>> {
        // A panic while holding the lock cannot leave the map inconsistent (each operation
        // is one map call), so a poisoned lock is used as it is.
        self.runs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Trigger;

    fn at(step: u32) -> Progress {
        Progress {
            trigger: Trigger::OptionSetOnApply,
            target_id: None,
            message: format!("step {step}"),
            step,
            steps: 2,
        }
    }

    #[test]
    fn a_late_listener_sees_the_current_action_and_then_the_end() {
        let hub = ProgressHub::default();
        let run = Uuid::now_v7();
        hub.publish(run, at(1));
        hub.publish(run, at(2));
        let mut rx = hub.subscribe(run);
        assert_eq!(rx.borrow_and_update().as_ref().map(|p| p.step), Some(2));
        hub.finish(run);
        assert!(rx.has_changed().unwrap_or(false));
        assert_eq!(*rx.borrow_and_update(), None);
    }

    #[tokio::test]
    async fn a_waiting_listener_wakes_when_an_action_starts() {
        let hub = std::sync::Arc::new(ProgressHub::default());
        let run = Uuid::now_v7();
        let mut rx = hub.subscribe(run);
        let h = hub.clone();
        let waiter = tokio::spawn(async move {
            tokio::time::timeout(std::time::Duration::from_secs(5), rx.changed())
                .await
                .map(|r| r.is_ok())
        });
        tokio::task::yield_now().await;
        h.publish(run, at(1));
        assert!(matches!(waiter.await, Ok(Ok(true))));
    }

    #[test]
    fn channels_go_when_nothing_runs_and_no_one_listens() {
        let hub = ProgressHub::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        hub.publish(a, at(1));
        hub.finish(a);
        drop(hub.subscribe(b));
        // `b`'s idle channel without listeners is swept by the next subscription.
        drop(hub.subscribe(a));
        assert_eq!(hub.lock().len(), 1);
        // Other runs' progress is untouched.
        hub.publish(b, at(1));
        assert_eq!(hub.subscribe(b).borrow().as_ref().map(|p| p.step), Some(1));
    }
}

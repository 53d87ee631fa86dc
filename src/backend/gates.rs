//! One async lock per key, for work that must not overlap for the same key on this
//! instance: answer saves to one run (so concurrent writers merge instead of colliding,
//! issue 10), OAuth2 token fetches for one configuration (so concurrent calls share one
//! fetch). Other instances are not covered: their races fall back to each caller's
//! optimistic retry.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

pub struct Gates<K>(Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>);

impl<K: Eq + Hash> Default for Gates<K> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash> Gates<K> {
    /// Waits for this key's turn; the turn ends when the guard is dropped.
    pub async fn turn(&self, key: K) -> OwnedMutexGuard<()> {
        let gate = {
            let mut gates = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            // Gates nobody holds or waits on are dropped, so the map stays small.
            gates.retain(|_, g| Arc::strong_count(g) > 1);
            gates.entry(key).or_default().clone()
        };
        gate.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_turn_per_key_at_a_time_and_idle_gates_are_dropped() {
        let gates = Arc::new(Gates::<u32>::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (gates, inside, most) = (gates.clone(), inside.clone(), most.clone());
                tokio::spawn(async move {
                    let _turn = gates.turn(7).await;
                    let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        // Another key is not held up by key 7.
        let _other = gates.turn(8).await;
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        drop(_other);
        let _again = gates.turn(9).await;
        assert_eq!(
            gates.0.lock().expect("map").len(),
            1,
            "idle gates are dropped"
        );
    }
}

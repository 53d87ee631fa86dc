//! A small in-memory cache for rows every event reads and almost never changes: who a
//! session belongs to, an API configuration (issue 15: each was a database round trip per
//! request). Entries live at most a fixed time, and every write on this instance that could
//! change an answer drops the affected entries at once.
//!
//! A read races with such a write: the read may fetch the old row, the write drops the
//! entry, and the read then stores what it fetched. So a read first takes a [`Ticket`];
//! storing with a ticket taken before any later drop is refused, and the next read goes to
//! the database.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::backend::db::Backend;

/// Proof of when a read began (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

pub struct TtlCache<K, V> {
    /// `None` turns the cache off: every read goes to the database.
    ttl: Option<Duration>,
    capacity: usize,
    inner: Mutex<Inner<K, V>>,
}

struct Inner<K, V> {
    /// Bumped by every drop; a ticket from before it cannot store.
    generation: u64,
    entries: HashMap<K, (V, Instant)>,
}

/// How long an entry of a [`TtlCache::single_writer`] cache is trusted: a bound for writes
/// that do not pass through this instance's services (a restored backup, say).
pub const SINGLE_WRITER_TTL: Duration = Duration::from_secs(5);

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// The cache the services use: on only with SQLite, where this instance makes every
    /// write and so every write can drop what it changed at once. With PostgreSQL another
    /// instance may write (sign a session out, edit a configuration), and that must apply
    /// everywhere at once, so there the cache is off and every read asks the database.
    pub fn single_writer(backend: Backend) -> Self {
        let ttl = (backend == Backend::Sqlite).then_some(SINGLE_WRITER_TTL);
        Self::new(ttl, 10_000)
    }

    /// A cache keeping entries for `ttl` (none when `None`), at most `capacity` of them:
    /// beyond it the cache starts over (simple, and each entry reloads in one query).
    pub fn new(ttl: Option<Duration>, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            inner: Mutex::new(Inner {
                generation: 0,
                entries: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry for `key` if it is younger than the time to live.
    pub fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        let ttl = self.ttl?;
        let inner = self.lock();
        let (value, at) = inner.entries.get(key)?;
        (at.elapsed() < ttl).then(|| value.clone())
    }

    /// The entry for `key`, else what `load` reads, stored under a ticket taken before the
    /// read (so a write landing meanwhile keeps it out). A failed load stores nothing.
    pub async fn get_or_load<E>(
        &self,
        key: K,
        load: impl std::future::Future<Output = Result<V, E>>,
    ) -> Result<V, E> {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let ticket = self.ticket();
        let value = load.await?;
        self.insert(ticket, key, value.clone());
        Ok(value)
    }

    /// Take before reading the database for a key.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().generation)
    }

    /// Stores what a read fetched, unless something was dropped since its ticket.
    pub fn insert(&self, ticket: Ticket, key: K, value: V) {
        if self.ttl.is_none() {
            return;
        }
        let mut inner = self.lock();
        if inner.generation != ticket.0 {
            return;
        }
        if inner.entries.len() >= self.capacity {
            inner.entries.clear();
        }
        inner.entries.insert(key, (value, Instant::now()));
    }

    /// Drops the entry a write of `key` changed.
    pub fn remove<Q: Eq + Hash + ?Sized>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
    {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.remove(key);
    }

    /// Drops every entry `stale` says a write changed.
    pub fn remove_where(&self, mut stale: impl FnMut(&K, &V) -> bool) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.retain(|k, (v, _)| !stale(k, v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> TtlCache<&'static str, u32> {
        TtlCache::new(Some(Duration::from_secs(60)), 2)
    }

    #[test]
    fn a_stored_value_is_served_until_dropped() {
        let c = cache();
        assert_eq!(c.get(&"a"), None);
        c.insert(c.ticket(), "a", 1);
        assert_eq!(c.get(&"a"), Some(1));
        c.remove_where(|k, _| *k == "a");
        assert_eq!(c.get(&"a"), None);
        c.insert(c.ticket(), "b", 2);
        c.remove(&"b");
        assert_eq!(c.get(&"b"), None);
    }

    #[test]
    fn a_read_that_began_before_a_drop_does_not_store() {
        let c = cache();
        let ticket = c.ticket();
        c.remove_where(|_, _| true);
        c.insert(ticket, "a", 1);
        assert_eq!(c.get(&"a"), None);
        c.insert(c.ticket(), "a", 2);
        assert_eq!(c.get(&"a"), Some(2));
    }

    #[test]
    fn entries_expire_and_a_disabled_cache_keeps_nothing() {
        let c: TtlCache<&str, u32> = TtlCache::new(Some(Duration::ZERO), 8);
        c.insert(c.ticket(), "a", 1);
        assert_eq!(c.get(&"a"), None);
        let off: TtlCache<&str, u32> = TtlCache::new(None, 8);
        off.insert(off.ticket(), "a", 1);
        assert_eq!(off.get(&"a"), None);
    }

    #[tokio::test]
    async fn get_or_load_reads_once_and_stores_no_failure() {
        let c = cache();
        let failed: Result<u32, &str> = c.get_or_load("a", async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        assert_eq!(c.get(&"a"), None, "a failed load stores nothing");
        assert_eq!(c.get_or_load("a", async { Ok::<_, &str>(1) }).await, Ok(1));
        assert_eq!(
            c.get_or_load("a", async { Ok::<_, &str>(2) }).await,
            Ok(1),
            "served from the cache, not loaded again"
        );
    }

    #[test]
    fn a_full_cache_starts_over() {
        let c = cache();
        c.insert(c.ticket(), "a", 1);
        c.insert(c.ticket(), "b", 2);
        c.insert(c.ticket(), "c", 3);
        assert_eq!(c.get(&"a"), None);
        assert_eq!(c.get(&"c"), Some(3));
    }
}

//! Storage: one `sqlx::AnyPool` serving SQLite (embedded default) or PostgreSQL, and one
//! portable migration set. Repositories live in submodules, one per table family.

pub mod allowlist;
pub mod api_configs;
pub mod dynamic_options;
pub mod events;
pub mod files;
pub mod library;
pub mod llm;
pub mod logs;
pub mod mcp;
pub mod renders;
pub mod runs;
pub mod users;
pub mod wizards;

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::backend::error::{AppError, AppResult};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Which server is behind the pool, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err("DATABASE_URL must start with sqlite: or postgres://".into())
        }
    }
}

/// The database handle every service receives.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    /// Where [`Db::begin_write`] and [`Db::write_conn`] write: on SQLite a pool of one
    /// connection of its own, whose page cache stays valid from one write to the next (a
    /// connection drops its cache when another one wrote since its last transaction, so
    /// writes that went round the pool read the pages they append to from the file again:
    /// about 5% of the server's CPU on an event, issue 15); on PostgreSQL the pool itself.
    writes: AnyPool,
    pub backend: Backend,
    /// SQLite has one writer at a time: write transactions of this instance take turns
    /// here, in order, instead of in SQLite's busy handler, which sleeps 1 to 100 ms
    /// between tries (issue 15: that sleep was most of the p99 under load).
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Log rows written on their own are grouped here ([`logs::LogQueue`]); `None` on the
    /// handle the queue's own writer uses.
    logs: Option<logs::LogQueue>,
}

/// A write transaction ([`Db::begin_write`]); on SQLite it holds the instance's writer turn
/// until it ends. Use it as the transaction it derefs to; end it with [`WriteTx::commit`]
/// (dropping it rolls back).
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = sqlx::Transaction<'static, sqlx::Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// A connection for auto-committed writes ([`Db::write_conn`]); on SQLite it holds the
/// instance's writer turn until it is dropped. Use it as the connection it derefs to.
pub struct WriteConn {
    // Field order is drop order: the connection goes back to the pool before the turn ends.
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Deref for WriteConn {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

impl Db {
    /// Connects, creating the SQLite file if needed, and applies pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> AppResult<Db> {
        install_default_drivers();
        let backend = Backend::of_url(url).map_err(AppError::Internal)?;
        let url = match backend {
            // `mode=rwc` creates the file on first start: no set-up step for newcomers.
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = pool_options(backend, max_connections).connect(&url).await?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| AppError::Internal(format!("migrations failed: {e}")))?;
        // (An in-memory database is one per connection: its writes stay on the pool.)
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let writes = match backend {
            Backend::Sqlite if !in_memory => pool_options(backend, 1).connect(&url).await?,
            _ => pool.clone(),
        };
        let writer: Arc<tokio::sync::Mutex<()>> = Arc::default();
        if backend == Backend::Sqlite && !in_memory {
            tokio::spawn(checkpoints(pool.clone(), Arc::downgrade(&writer)));
        }
        let direct = Db {
            pool,
            writes,
            backend,
            writer,
            logs: None,
        };
        Ok(Db {
            logs: Some(logs::LogQueue::start(direct.clone())),
            ..direct
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then writes fails
    /// with "database is locked" when another writer got in between, instead of waiting.
    pub async fn begin_write(&self) -> AppResult<WriteTx> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.write_turn().await;
                Ok(WriteTx {
                    tx: self.writes.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: turn,
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.writes.begin().await?,
                _turn: None,
            }),
        }
    }

    /// The writer turn for one auto-committed write on SQLite (see [`Db::writer`]); `None`
    /// on PostgreSQL, whose writers need no turns.
    async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    /// A connection for single auto-committed writes, with the writer turn on SQLite.
    pub async fn write_conn(&self) -> AppResult<WriteConn> {
        let turn = self.write_turn().await;
        Ok(WriteConn {
            conn: self.writes.acquire().await?,
            _turn: turn,
        })
    }

    /// Cheap round trip used by the health endpoint.
    pub async fn ping(&self) -> AppResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// How often [`checkpoints`] copies what the WAL holds into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL pages after which a connection that just committed checkpoints by itself: only when
/// [`checkpoints`] fell far behind (SQLite's default is 1,000 pages, 4 MB).
const CHECKPOINT_PAGES: u32 = 16_384;

/// Copies the WAL into the database file every [`CHECKPOINT_EVERY`], on a pooled reader
/// connection, until the [`Db`] whose writer turn `alive` points at is gone.
///
/// SQLite's own (automatic) checkpoint runs inside the commit that crossed 1,000 WAL pages,
/// on the writer, with two `fsync`s: under load that was every eighth of a second, each
/// holding the writer (and every event waiting for its log rows) for up to 8 ms, most of
/// the p99 (issue 15, measured with `strace -T`). A passive checkpoint takes no writer lock,
/// so writes go on while it copies; durability is unchanged (the WAL is synced before its
/// pages are copied, as before; README, "Durability").
async fn checkpoints(pool: AnyPool, alive: Weak<tokio::sync::Mutex<()>>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if alive.strong_count() == 0 {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "copying the WAL into the database file failed");
        }
    }
}

/// How a pool of `max_connections` connects.
fn pool_options(backend: Backend, max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // A SQLite connection is a file handle in this process: it cannot go stale, so
        // the ping before each checkout (a round trip to the connection's worker thread,
        // issue 15) buys nothing. PostgreSQL keeps it: a connection the server dropped
        // is replaced instead of failing the request that drew it.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Readers never block the writer; writers wait instead of failing;
                    // checkpoints are [`checkpoints`]' job.
                    conn.execute(format!("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES};").as_str())
                        .await?;
                }
                Ok(())
            })
        })
}

/// Timestamps are stored as RFC 3339 UTC text so both backends sort and compare them alike.
pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Ids are UUIDv7 text: unique across instances and roughly time-ordered.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when the error is a UNIQUE violation (SQLite 2067/1555, PostgreSQL 23505).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("23505") | Some("2067") | Some("1555")
            ) || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Parses a stored enum-like text column, turning corruption into an internal error
/// instead of a panic.
pub fn parse_column<T: FromStr>(value: &str, column: &str) -> AppResult<T> {
    value
        .parse()
        .map_err(|_| AppError::Internal(format!("unexpected value in column {column}: {value:?}")))
}

//! Every log line of the test binary, captured in memory at debug level (sqlx at info: its
//! debug lines are the statements, which carry no bound values, and would be most of the
//! volume across a hundred scenarios): one subscriber
//! for the whole process, installed before any server starts (a server's own
//! `telemetry::init` then leaves it in place). The secret tests search it for credentials
//! in any encoding, so a secret logged by any part of the server, by any test, fails them.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (once; later calls do nothing).
pub fn capture() {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug,sqlx=info"))
            .with_ansi(false)
            .with_writer(move || Writer(writer.clone()))
            .try_init();
        buf
    });
}

/// Everything logged so far.
pub fn captured() -> String {
    let buf = LOGS
        .get()
        .expect("common::logs::capture ran (spawn_with calls it)");
    String::from_utf8_lossy(&buf.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

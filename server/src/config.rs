//! Configuration, layered: built-in defaults < `wizard.toml` (or the file named by
//! `APP_CONFIG`) < `APP_*` environment variables < `DATABASE_URL`.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use wizard_core::domain::user::Role;

/// A secret string whose `Debug` never shows the value.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where to listen. Unset: the Leptos `site-addr` (127.0.0.1:3000).
    pub address: Option<SocketAddr>,
    /// Holds the SQLite file, the generated secret key and (later) uploads.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`. Unset: `sqlite:<data_dir>/wizard.db`.
    pub database_url: Option<Secret>,
    /// Signs session tokens; at least 32 bytes. Unset: `<data_dir>/secret.key`, created
    /// with mode 0600 on first start.
    pub secret_key: Option<Secret>,
    /// A `tracing` filter, e.g. `info` or `server=debug,sqlx=warn`. `RUST_LOG` wins.
    pub log_level: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Mark the session cookie `Secure` (serve over HTTPS).
    pub cookie_secure: bool,
    pub session_ttl_hours: u64,
    /// Role of new accounts after the first one (which is always admin).
    pub default_role: Role,
    pub login_attempts_per_minute: u32,
    pub login_burst: u32,
    pub db_max_connections: u32,
    /// Add the starter templates to the gallery on first start (once per database).
    pub seed_templates: bool,
    /// Encrypts stored credentials: 32 bytes, base64. Unset: `<data_dir>/encryption.key`,
    /// created with mode 0600 on first start. Several instances must share it.
    pub encryption_key: Option<Secret>,
    /// Event executions per user per minute, and the burst allowed.
    pub events_per_minute: u32,
    pub events_burst: u32,
    /// Timeout of an action that sets none, in milliseconds.
    pub action_timeout_ms: u64,
    /// JavaScript sandbox limits per run.
    pub js_memory_limit_mb: usize,
    pub js_time_limit_ms: u64,
    /// Deepest call stack of library actions at run time (a deeper call is an error).
    pub library_max_depth: usize,
    /// Largest response body an outbound call reads, in bytes.
    pub outbound_max_response_bytes: usize,
    /// A directory with `base.md` and `child.md` replacing the built-in prompts that ask
    /// a language model for library code (`prompts/library/`).
    pub llm_prompts_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            address: None,
            data_dir: PathBuf::from("data"),
            database_url: None,
            secret_key: None,
            log_level: "info,sqlx=warn,tower_http=info".into(),
            log_format: "text".into(),
            cookie_secure: false,
            session_ttl_hours: 24 * 7,
            default_role: Role::Builder,
            login_attempts_per_minute: 10,
            login_burst: 10,
            db_max_connections: 10,
            seed_templates: true,
            encryption_key: None,
            events_per_minute: 600,
            events_burst: 120,
            action_timeout_ms: 30_000,
            js_memory_limit_mb: 32,
            js_time_limit_ms: 2_000,
            library_max_depth: 8,
            outbound_max_response_bytes: 5 * 1024 * 1024,
            llm_prompts_dir: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration: {0}")]
    Figment(#[from] Box<figment::Error>),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Settings {
    /// Loads the layered configuration from the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("APP_CONFIG").unwrap_or_else(|_| "wizard.toml".into());
        let settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("APP_").ignore(&["config"]))
            .merge(Env::raw().only(&["database_url"]))
            .extract()
            .map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.session_ttl_hours == 0 {
            return Err(ConfigError::Invalid(
                "session_ttl_hours must be at least 1".into(),
            ));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::Invalid(
                "log_format must be text or json".into(),
            ));
        }
        if self.db_max_connections == 0 {
            return Err(ConfigError::Invalid(
                "db_max_connections must be at least 1".into(),
            ));
        }
        if self.events_per_minute == 0 || self.events_burst == 0 {
            return Err(ConfigError::Invalid(
                "events_per_minute and events_burst must be at least 1".into(),
            ));
        }
        if self.library_max_depth == 0 || self.library_max_depth > 64 {
            return Err(ConfigError::Invalid(
                "library_max_depth must be between 1 and 64".into(),
            ));
        }
        if self.js_memory_limit_mb == 0 || self.js_time_limit_ms == 0 || self.action_timeout_ms == 0
        {
            return Err(ConfigError::Invalid(
                "js_memory_limit_mb, js_time_limit_ms and action_timeout_ms must be at least 1"
                    .into(),
            ));
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite:{}", self.data_dir.join("wizard.db").display()),
        }
    }

    /// The secret key: configured, or read from (and on first start written to) the key file.
    pub fn resolve_secret_key(&self) -> Result<Secret, ConfigError> {
        self.key_or_file(
            &self.secret_key,
            "secret.key",
            "signing",
            wizard_core::backend::auth::TokenKeys::generate_secret,
        )
    }

    /// The credential encryption key: configured, or read from (and on first start written
    /// to) `<data_dir>/encryption.key`.
    pub fn resolve_encryption_key(&self) -> Result<Secret, ConfigError> {
        self.key_or_file(
            &self.encryption_key,
            "encryption.key",
            "credential encryption",
            wizard_core::backend::secrets::SecretBox::generate_key,
        )
    }

    /// A configured key, else the one in `<data_dir>/<file>`, generated (mode 0600) when
    /// the file does not exist yet.
    fn key_or_file(
        &self,
        configured: &Option<Secret>,
        file: &str,
        what: &str,
        generate: fn() -> String,
    ) -> Result<Secret, ConfigError> {
        if let Some(key) = configured {
            return Ok(key.clone());
        }
        let path = self.data_dir.join(file);
        let io = |source| ConfigError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(Secret::new(s.trim())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = generate();
                write_private(&path, &key).map_err(io)?;
                tracing::info!(path = %path.display(), "generated a new {what} key");
                Ok(Secret::new(key))
            }
            Err(e) => Err(io(e)),
        }
    }
}

/// Writes a file only its owner can read (0600 on Unix), refusing to overwrite.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

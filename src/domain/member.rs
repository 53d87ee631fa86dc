//! Reading the `config` member of an action or a renderer, whose type decides how it reads:
//! errors name the member's path (`config.columns[0].path: …`) so every edge can report
//! them by JSON path. A leaf module: `event` and `render` both read through it.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `config` read as `T`. In the browser configurations only ever come from the server,
/// which has already checked them with paths: a plain read keeps the path-tracking
/// deserializer out of the bundle every runner downloads (README, "Browser bundle").
#[cfg(target_arch = "wasm32")]
pub fn read_config<T: DeserializeOwned>(config: Value) -> Result<T, String> {
    serde_json::from_value(config).map_err(|e| format!("config: {e}"))
}

/// `config` read as `T`; errors name the member's path below `config`.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_config<T: DeserializeOwned>(config: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(config).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            format!("config: {}", e.inner())
        } else {
            format!("config.{path}: {}", e.inner())
        }
    })
}

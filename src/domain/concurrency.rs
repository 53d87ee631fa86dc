//! The optimistic-concurrency `version` a client sends back with an update or delete
//! (every mutable row carries one and starts at 1).
//!
//! A version below 1 can never match a stored row; it is a malformed request, not a stale
//! one, so it is refused while parsing, as a 422 naming `version`, instead of reaching the
//! database and coming back as a 409 (issue 10 §4).

use serde::Deserialize;
use serde::de::{Deserializer, Error, Unexpected};

/// What the error says a version must be.
const EXPECTED: &str = "a version number (1 or more) as last read";

/// `#[serde(deserialize_with = "crate::domain::concurrency::version")]`.
pub fn version<'de, D: Deserializer<'de>>(de: D) -> Result<i64, D::Error> {
    let v = i64::deserialize(de)?;
    if v < 1 {
        return Err(D::Error::invalid_value(Unexpected::Signed(v), &EXPECTED));
    }
    Ok(v)
}

/// The same for an optional version (`#[serde(default, deserialize_with = …)]`).
pub fn optional_version<'de, D: Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    match Option::<i64>::deserialize(de)? {
        Some(v) if v < 1 => Err(D::Error::invalid_value(Unexpected::Signed(v), &EXPECTED)),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Req {
        #[serde(deserialize_with = "super::version")]
        version: i64,
    }

    #[test]
    fn versions_start_at_one() {
        assert_eq!(
            serde_json::from_str::<Req>(r#"{"version":1}"#)
                .unwrap()
                .version,
            1
        );
        for bad in [
            r#"{"version":0}"#,
            r#"{"version":-3}"#,
            r#"{"version":"1"}"#,
        ] {
            let err = serde_json::from_str::<Req>(bad).unwrap_err().to_string();
            assert!(
                err.contains("version number") || err.contains("invalid type"),
                "{bad}: {err}"
            );
        }
    }
}

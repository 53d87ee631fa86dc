//! Field keys: the slugs that conditions and templates use to name an option set.
//!
//! A key is parsed once, at the edge, so every `FieldKey` in memory is known to be a
//! valid slug and nothing downstream has to re-check it.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest key accepted; long enough to be descriptive, short enough for a column name.
pub const MAX_FIELD_KEY_LEN: usize = 64;

/// A slug matching `^[a-z][a-z0-9_]{0,63}$`, unique within a wizard.
///
/// Kept this narrow so a key is safe inside template paths (`fields.<key>`), JSON paths and
/// identifiers without quoting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[a-z][a-z0-9_]{0,63}$", example = "first_name")
)]
pub struct FieldKey(String);

/// Why a string is not a valid [`FieldKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldKeyError {
    #[error("a field key cannot be empty")]
    Empty,
    #[error("a field key must start with a lowercase letter (a-z), found {0:?}")]
    BadStart(char),
    #[error("a field key may contain only a-z, 0-9 and `_`, found {0:?}")]
    BadChar(char),
    #[error("a field key is at most {MAX_FIELD_KEY_LEN} characters, found {0}")]
    TooLong(usize),
}

impl FieldKey {
    /// Checks `s` against the slug rule without allocating.
    pub fn validate(s: &str) -> Result<(), FieldKeyError> {
        let mut chars = s.chars();
        match chars.next() {
            None => return Err(FieldKeyError::Empty),
            Some(c) if !c.is_ascii_lowercase() => return Err(FieldKeyError::BadStart(c)),
            Some(_) => {}
        }
        if let Some(c) =
            chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            return Err(FieldKeyError::BadChar(c));
        }
        // Only ASCII is left here, so bytes == characters.
        if s.len() > MAX_FIELD_KEY_LEN {
            return Err(FieldKeyError::TooLong(s.len()));
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl TryFrom<String> for FieldKey {
    type Error = FieldKeyError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::validate(&s)?;
        Ok(Self(s))
    }
}

impl TryFrom<&str> for FieldKey {
    type Error = FieldKeyError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::validate(s)?;
        Ok(Self(s.to_owned()))
    }
}

impl FromStr for FieldKey {
    type Err = FieldKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s)
    }
}

impl From<FieldKey> for String {
    fn from(key: FieldKey) -> Self {
        key.0
    }
}

impl AsRef<str> for FieldKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets maps keyed by `FieldKey` be queried with a plain `&str` (answers are keyed by
/// strings). Sound because `Eq`, `Ord` and `Hash` are those of the inner `String`.
impl Borrow<str> for FieldKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for FieldKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for FieldKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_slugs() {
        for ok in ["a", "first_name", "x1", "a_b_c_9", &"a".repeat(64)] {
            let key: FieldKey = ok.parse().unwrap();
            assert_eq!(key.as_str(), ok);
            assert_eq!(key.to_string(), ok);
        }
    }

    #[test]
    fn refuses_non_slugs() {
        assert_eq!(FieldKey::try_from(""), Err(FieldKeyError::Empty));
        assert_eq!(FieldKey::try_from("1a"), Err(FieldKeyError::BadStart('1')));
        assert_eq!(FieldKey::try_from("_a"), Err(FieldKeyError::BadStart('_')));
        assert_eq!(
            FieldKey::try_from("Name"),
            Err(FieldKeyError::BadStart('N'))
        );
        assert_eq!(
            FieldKey::try_from("na-me"),
            Err(FieldKeyError::BadChar('-'))
        );
        assert_eq!(FieldKey::try_from("naMe"), Err(FieldKeyError::BadChar('M')));
        assert_eq!(FieldKey::try_from("né"), Err(FieldKeyError::BadChar('é')));
        assert_eq!(FieldKey::try_from("a b"), Err(FieldKeyError::BadChar(' ')));
        assert_eq!(
            FieldKey::try_from("a".repeat(65)),
            Err(FieldKeyError::TooLong(65))
        );
    }

    #[test]
    fn serde_round_trip_and_refusal() {
        let key: FieldKey = serde_json::from_str("\"email\"").unwrap();
        assert_eq!(key, "email");
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"email\"");
        let err = serde_json::from_str::<FieldKey>("\"E-mail\"").unwrap_err();
        assert!(err.to_string().contains("lowercase letter"), "{err}");
        assert!(serde_json::from_str::<FieldKey>("12").is_err());
    }

    #[test]
    fn borrow_as_str_for_map_lookups() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(FieldKey::try_from("age").unwrap(), 1);
        assert_eq!(map.get("age"), Some(&1));
    }
}

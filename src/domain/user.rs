//! Accounts as both sides see them. The newtypes here can only hold valid values
//! (parse, don't validate), so a `NewAccount` that exists is already a valid one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::problem::FieldError;

/// What a user may do. Ordered by privilege so `role >= Role::Builder` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs published wizards; owns their runs and stored runs.
    Runner,
    /// Also builds wizards, their events and actions, and the action library.
    Builder,
    /// Also manages users, the MCP registry, the outbound allow-list and LLM settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Builder, Role::Runner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Builder => "builder",
            Role::Runner => "runner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "builder" => Ok(Role::Builder),
            "runner" => Ok(Role::Runner),
            other => Err(format!(
                "unknown role `{other}`: expected one of admin, builder, runner"
            )),
        }
    }
}

/// A syntactically valid email address, trimmed and lower-cased so that
/// `Ann@Example.com` and `ann@example.com` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let normalized = raw.trim().to_lowercase();
        if normalized.is_empty() {
            return Err("an email address is required".into());
        }
        if normalized.len() > 254 {
            return Err("an email address has at most 254 characters".into());
        }
        let parsed = email_address::EmailAddress::from_str(&normalized)
            .map_err(|e| format!("`{}` is not an email address: {e}", raw.trim()))?;
        // `EmailAddress` accepts dotless domains (`a@localhost`); accounts need a real domain.
        if !parsed.domain().contains('.') {
            return Err(format!(
                "`{}` is not an email address: the domain needs a dot",
                raw.trim()
            ));
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Deliberately not `Serialize` and with a redacted
/// `Debug`, so it cannot end up in a response or a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!(
                "a password needs at least {} characters",
                Self::MIN_CHARS
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(format!(
                "a password has at most {} characters",
                Self::MAX_CHARS
            ));
        }
        if raw.trim().is_empty() {
            return Err("a password cannot be only spaces".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A name shown in the UI: 1–100 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim();
        if t.is_empty() {
            return Err("a display name is required".into());
        }
        if t.chars().count() > 100 {
            return Err("a display name has at most 100 characters".into());
        }
        if t.chars().any(char::is_control) {
            return Err("a display name cannot contain control characters".into());
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Registration input as it arrives (browser form or API JSON).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    /// Defaults to the part of the email before `@`.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A registration that passed every rule.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password: Password,
    pub display_name: DisplayName,
}

impl NewAccount {
    /// Checks every field and reports all problems at once, each under its field name.
    pub fn parse(req: &RegisterRequest) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = Email::parse(&req.email).map_err(|m| errors.push(FieldError::new("email", m)));
        let password =
            Password::parse(&req.password).map_err(|m| errors.push(FieldError::new("password", m)));
        let name_raw = match req.display_name.as_deref() {
            Some(n) => n.to_owned(),
            None => req
                .email
                .trim()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        let display_name = DisplayName::parse(&name_raw)
            .map_err(|m| errors.push(FieldError::new("display_name", m)));
        match (email, password, display_name) {
            (Ok(email), Ok(password), Ok(display_name)) if errors.is_empty() => Ok(Self {
                email,
                password,
                display_name,
            }),
            _ => Err(errors),
        }
    }
}

/// Sign-in input. Only presence is checked: the policy of the day must not lock out
/// accounts created under an older one.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A user as every API and page shows it: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Optimistic-concurrency version: send it back when changing the user.
    pub version: i64,
    pub created_at: String,
}

/// Admin request to change a user's role.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRoleRequest {
    /// `admin`, `builder` or `runner`.
    pub role: String,
    /// The `version` the caller last saw; a stale one gets 409.
    #[serde(deserialize_with = "crate::domain::concurrency::version")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalized_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@localhost",
            "a b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("          ").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("correct horse").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn registration_reports_every_field() {
        let req = RegisterRequest {
            email: "nope".into(),
            password: "short".into(),
            display_name: Some("  ".into()),
        };
        let errs = NewAccount::parse(&req).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "display_name"]);
    }

    #[test]
    fn display_name_defaults_to_email_local_part() {
        let req = RegisterRequest {
            email: "grace@example.com".into(),
            password: "a long enough password".into(),
            display_name: None,
        };
        assert_eq!(
            NewAccount::parse(&req).unwrap().display_name.as_str(),
            "grace"
        );
    }

    #[test]
    fn roles_parse_and_order() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin > Role::Builder && Role::Builder > Role::Runner);
    }
}

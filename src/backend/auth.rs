//! Authentication primitives: argon2id password hashes, signed session tokens (JWT, HS256),
//! the session cookie, `CurrentUser` and the rate limiters. Resolving a request to its user
//! needs the application state and lives in `backend::session`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::backend::db::users::UserRow;
use crate::backend::error::{AppError, AppResult};
use crate::backend::ttl_cache::TtlCache;
use crate::domain::user::Role;

/// Name of the browser session cookie (httpOnly, SameSite=Lax).
pub const SESSION_COOKIE: &str = "wp_session";

/// Hashes a password with argon2id (the crate's OWASP-recommended defaults). Runs on the
/// blocking pool: a hash takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))?
}

/// Checks a password against a stored hash, in constant time for equal-length inputs.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(format!("verify task failed: {e}")))?
}

/// The claims inside a session token. The role is *not* in it: it is read from the
/// database on every request, so a role change takes effect at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

/// A freshly signed session token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: String,
    pub max_age: Duration,
}

/// Signing keys for session tokens, derived from the server's secret key.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens whose signature checked out recently, with their claims: decoding and
    /// checking one on every request was about 3% of the server's CPU on an event (issue
    /// 15). A signature's validity never changes, so entries need no dropping; expiry is
    /// checked on every use ([`TokenKeys::verify`]), revocation by the caller.
    verified: TtlCache<String, Claims>,
}

/// How long a verified token is remembered, and how many are.
const VERIFIED_TTL: Duration = Duration::from_secs(60);
const VERIFIED_CAPACITY: usize = 10_000;

impl TokenKeys {
    pub const MIN_SECRET_BYTES: usize = 32;

    pub fn new(secret: &[u8]) -> AppResult<Self> {
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(AppError::Internal(format!(
                "the secret key needs at least {} bytes",
                Self::MIN_SECRET_BYTES
            )));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: TtlCache::new(Some(VERIFIED_TTL), VERIFIED_CAPACITY),
        })
    }

    /// 32 random bytes from the OS, hex-encoded: what the server writes to its key file.
    pub fn generate_secret() -> String {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn issue(&self, user_id: &str, ttl: Duration) -> AppResult<IssuedToken> {
        let now = chrono::Utc::now();
        let ttl_chrono = chrono::Duration::from_std(ttl)
            .map_err(|e| AppError::Internal(format!("session ttl out of range: {e}")))?;
        let exp = now + ttl_chrono;
        let claims = Claims {
            sub: user_id.to_owned(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            exp: exp.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("token signing failed: {e}")))?;
        Ok(IssuedToken {
            token,
            expires_at: exp.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            max_age: ttl,
        })
    }

    /// The claims of a token this server signed that has not expired.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(i64::MAX);
        if let Some(claims) = self.verified.get(token)
            && claims.exp.saturating_add(leeway) > chrono::Utc::now().timestamp()
        {
            return Ok(claims);
        }
        let ticket = self.verified.ticket();
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| {
                self.verified
                    .insert(ticket, token.to_owned(), data.claims.clone());
                data.claims
            })
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    AppError::Unauthenticated("your session has expired; sign in again".into())
                }
                _ => AppError::Unauthenticated("the session token is not valid".into()),
            })
    }
}

/// Builds the `Set-Cookie` value that starts a browser session.
pub fn session_cookie(token: &str, max_age: Duration, secure: bool) -> String {
    cookie::Cookie::build((SESSION_COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(
            i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX),
        ))
        .build()
        .to_string()
}

/// Builds the `Set-Cookie` value that ends a browser session.
pub fn clear_session_cookie(secure: bool) -> String {
    cookie::Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// Finds the session token of a request: `Authorization: Bearer` for API clients,
/// else the session cookie. `Ok(None)` means anonymous.
pub fn token_from_headers(headers: &HeaderMap) -> AppResult<Option<String>> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().map_err(|_| {
            AppError::Unauthenticated("the Authorization header is not text".into())
        })?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| {
                AppError::Unauthenticated(
                    "the Authorization header must be `Bearer <token>`".into(),
                )
            })?;
        return Ok(Some(token.trim().to_owned()));
    }
    for value in headers.get_all(COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for c in cookie::Cookie::split_parse(value).flatten() {
            if c.name() == SESSION_COOKIE && !c.value().is_empty() {
                return Ok(Some(c.value().to_owned()));
            }
        }
    }
    Ok(None)
}

/// The signed-in user of a request, loaded fresh from the database.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserRow,
    pub role: Role,
    pub claims: Claims,
}

impl CurrentUser {
    /// Refuses with 403 unless the user has at least `role`.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the {role} role; you are {}",
                self.role
            )))
        }
    }
}

/// A keyed token bucket: per client address for sign-in (slows password guessing), per
/// user for event execution (each event may call out to other systems).
pub struct RateLimit<K: Clone + Eq + std::hash::Hash> {
    limiter: DefaultKeyedRateLimiter<K>,
}

/// Sign-in attempts per client address.
pub type LoginLimiter = RateLimit<IpAddr>;

impl<K: Clone + Eq + std::hash::Hash> RateLimit<K> {
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
        }
    }

    /// Takes one token from `key`'s bucket, or says how long to wait.
    pub fn check(&self, key: &K) -> AppResult<()> {
        // Keep memory bounded under a spray of keys.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32]).expect("a long enough secret")
    }

    fn signed(keys: &TokenKeys, exp: i64) -> String {
        let claims = Claims {
            sub: "user".into(),
            jti: "session".into(),
            iat: 0,
            exp,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
            .expect("signs")
    }

    /// A token verified once is remembered, but only while it is unexpired and only for
    /// tokens this server's key signed.
    #[test]
    fn a_remembered_token_still_expires_and_a_forged_one_is_refused() {
        let keys = keys();
        let issued = keys
            .issue("user", Duration::from_secs(3600))
            .expect("issues");
        let first = keys.verify(&issued.token).expect("valid");
        let again = keys.verify(&issued.token).expect("still valid");
        assert_eq!((first.sub.as_str(), first.jti), ("user", again.jti));

        let forged = signed(&TokenKeys::new(&[8u8; 32]).expect("key"), i64::MAX / 2);
        assert!(keys.verify(&forged).is_err());

        // Verified while it was valid, then past its expiry: refused all the same.
        let stale = signed(&keys, chrono::Utc::now().timestamp() - 60);
        let ticket = keys.verified.ticket();
        let claims = Claims {
            sub: "user".into(),
            jti: "session".into(),
            iat: 0,
            exp: chrono::Utc::now().timestamp() - 60,
        };
        keys.verified.insert(ticket, stale.clone(), claims);
        assert!(
            matches!(keys.verify(&stale), Err(AppError::Unauthenticated(m)) if m.contains("expired"))
        );
    }
}

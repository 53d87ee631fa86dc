//! Credentials at rest: AEAD (AES-256-GCM) with a key from the configuration or a key
//! file created with mode 0600 on first start. A stored secret is
//! `base64(nonce || ciphertext)`; a fresh random nonce per encryption.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::backend::error::{AppError, AppResult};

const NONCE_LEN: usize = 12;

/// Encrypts and decrypts stored credentials. `Debug` never shows the key.
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key)),
        }
    }

    /// Reads a base64-encoded 32-byte key (the configuration / key file format).
    pub fn from_base64(key: &str) -> AppResult<Self> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| AppError::Internal("the encryption key is not base64".into()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            AppError::Internal("the encryption key must be 32 bytes (base64-encoded)".into())
        })?;
        Ok(Self::new(&key))
    }

    /// A new random key, base64-encoded.
    pub fn generate_key() -> String {
        STANDARD.encode(Aes256Gcm::generate_key(&mut OsRng))
    }

    pub fn encrypt(&self, plaintext: &str) -> AppResult<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| AppError::Internal("cannot encrypt a credential".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> AppResult<String> {
        let bad = || {
            AppError::Internal(
                "a stored credential cannot be decrypted (was the encryption key changed?)".into(),
            )
        };
        let bytes = STANDARD.decode(stored).map_err(|_| bad())?;
        if bytes.len() < NONCE_LEN {
            return Err(bad());
        }
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| bad())?;
        let pt = self
            .cipher
            .decrypt(&Nonce::from(nonce), ct)
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }

    /// Encrypts a JSON value (a set of credentials).
    pub fn seal_json(&self, v: &serde_json::Value) -> AppResult<String> {
        self.encrypt(&v.to_string())
    }

    pub fn open_json(&self, stored: &str) -> AppResult<serde_json::Value> {
        serde_json::from_str(&self.decrypt(stored)?)
            .map_err(|_| AppError::Internal("a stored credential is not JSON".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_tampering() {
        let b = SecretBox::from_base64(&SecretBox::generate_key()).expect("key");
        let s = b.encrypt("hunter2").expect("encrypt");
        assert!(!s.contains("hunter2"));
        assert_eq!(b.decrypt(&s).expect("decrypt"), "hunter2");
        // Same plaintext, different nonce.
        assert_ne!(b.encrypt("hunter2").expect("encrypt"), s);
        let mut raw = STANDARD.decode(&s).expect("b64");
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert!(b.decrypt(&STANDARD.encode(raw)).is_err());
        let other = SecretBox::from_base64(&SecretBox::generate_key()).expect("key");
        assert!(other.decrypt(&s).is_err());
    }
}

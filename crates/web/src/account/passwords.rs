//! Password hashing with argon2id, off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// argon2id with a fixed cost; verifying a stored hash uses the cost recorded in it.
#[derive(Debug, Clone, Copy)]
pub struct PasswordHasher {
    memory_kib: u32,
    iterations: u32,
}

/// The shortest password Picket accepts.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Why a password was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    /// Too short.
    #[error("the password must be at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    /// Hashing failed (bad parameters).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl PasswordHasher {
    /// A hasher with this cost (memory in KiB, iterations).
    pub fn new(memory_kib: u32, iterations: u32) -> Self {
        Self {
            memory_kib: memory_kib.max(8 * 1024),
            iterations: iterations.max(1),
        }
    }

    fn argon(&self) -> Result<Argon2<'static>, PasswordError> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes a new password after checking its length.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(PasswordError::TooShort);
        }
        let argon = self.argon()?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            argon
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| PasswordError::Hash(e.to_string()))
        })
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))?
    }

    /// Whether `password` matches `stored`. With no stored hash, a dummy hash is checked so
    /// an unknown account takes as long as a known one.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let stored = stored.map(str::to_owned);
        let password = password.to_owned();
        let dummy = self.dummy_hash();
        tokio::task::spawn_blocking(move || {
            let (hash, real) = match stored {
                Some(h) => (h, true),
                None => (dummy, false),
            };
            let Ok(parsed) = PasswordHash::new(&hash) else {
                return false;
            };
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && real
        })
        .await
        .unwrap_or(false)
    }

    fn dummy_hash(&self) -> String {
        // A fixed salt is fine here: this hash never guards anything.
        format!(
            "$argon2id$v=19$m={},t={},p=1$cGlja2V0LWR1bW15LXNhbHQ$Zm9yIHRpbWluZyBvbmx5LCBub3QgYSByZWFsIGhhc2g",
            self.memory_kib, self.iterations
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let h = PasswordHasher::new(8 * 1024, 1);
        let hash = h.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(h.verify("correct horse battery", Some(&hash)).await);
        assert!(!h.verify("wrong horse battery", Some(&hash)).await);
        assert!(!h.verify("correct horse battery", None).await);
        assert_eq!(h.hash("short").await.unwrap_err(), PasswordError::TooShort);
    }
}

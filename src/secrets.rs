//! Secret values and where they live: the OS keyring.
//!
//! Every secret travels as [`Secret`], whose `Debug`/`Display` never show the value, so a
//! stray `{:?}` in a log line cannot leak a token or a client secret.

use std::fmt;

use thiserror::Error;

/// A secret string (token, client secret, key). Redacted in `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Call this only where the value must leave the process
    /// (an HTTP request, stdout of `token`, the clipboard).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Error)]
pub enum SecretError {
    #[error("no OS keyring is reachable ({0})")]
    Unavailable(String),
    #[error("the OS keyring refused the request ({0})")]
    Failed(String),
}

impl SecretError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SecretError::Unavailable(_) => Some(
                "start a Secret Service provider (gnome-keyring or KWallet) in your desktop session; \
                 cdf-signin never stores secrets in plain files",
            ),
            SecretError::Failed(_) => Some("unlock your keyring and try again"),
        }
    }
}

/// What kind of secret an entry holds; part of the keyring entry name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A confidential client's secret (client credentials flow).
    ClientSecret,
    /// The random key that encrypts the profile's token cache file.
    CacheKey,
}

impl SecretKind {
    fn suffix(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::CacheKey => "token-cache-key",
        }
    }

    pub const ALL: [SecretKind; 2] = [SecretKind::ClientSecret, SecretKind::CacheKey];
}

/// Storage for per-profile secrets. The real one is the OS keyring; unit tests use
/// [`MemoryStore`].
pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError>;
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError>;
    /// Deletes the entry; deleting a missing entry is not an error.
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError>;
}

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
/// Windows) through the `keyring` crate.
///
/// The Linux backend runs D-Bus calls on a runtime of its own: call these methods from a
/// plain thread (or `spawn_blocking`), never from inside async code.
pub struct KeyringStore {
    service: String,
}

/// Environment variable that renames the keyring service, so that separate setups (the
/// test suite, a second installation) never see each other's entries.
pub const SERVICE_ENV: &str = "CDF_SIGNIN_KEYRING_SERVICE";

impl KeyringStore {
    pub fn from_env() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "cdf-signin".to_string());
        KeyringStore { service }
    }

    fn entry(&self, profile: &str, kind: SecretKind) -> Result<keyring::Entry, SecretError> {
        let user = format!("{profile}:{}", kind.suffix());
        keyring::Entry::new(&self.service, &user).map_err(map_keyring_error)
    }
}

fn map_keyring_error(err: keyring::Error) -> SecretError {
    match err {
        keyring::Error::NoStorageAccess(e) => SecretError::Unavailable(first_line(&e.to_string())),
        keyring::Error::PlatformFailure(e) => {
            let text = first_line(&e.to_string());
            // zbus reports a missing or unreachable session bus as a platform failure.
            let lower = text.to_ascii_lowercase();
            if lower.contains("dbus")
                || lower.contains("d-bus")
                || lower.contains("address")
                || lower.contains("connect")
                || lower.contains("no such file")
                || lower.contains("serviceunknown")
            {
                SecretError::Unavailable(text)
            } else {
                SecretError::Failed(text)
            }
        }
        other => SecretError::Failed(first_line(&other.to_string())),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

impl SecretStore for KeyringStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        match self.entry(profile, kind)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        self.entry(profile, kind)?
            .set_password(value.expose())
            .map_err(map_keyring_error)
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        match self.entry(profile, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// An in-memory store for unit tests of pure logic.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<(String, &'static str), Secret>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        let map = self
            .entries
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        Ok(map.get(&(profile.to_string(), kind.suffix())).cloned())
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        let mut map = self
            .entries
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        map.insert((profile.to_string(), kind.suffix()), value.clone());
        Ok(())
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        let mut map = self
            .entries
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        map.remove(&(profile.to_string(), kind.suffix()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_shows_in_debug_or_display() {
        let s = Secret::new("super-secret-value");
        assert!(!format!("{s:?}").contains("super"));
        assert!(!format!("{s}").contains("super"));
        assert_eq!(s.expose(), "super-secret-value");
    }

    #[test]
    fn memory_store_round_trip_and_delete() {
        let store = MemoryStore::default();
        store
            .set("p", SecretKind::ClientSecret, &Secret::new("x"))
            .unwrap();
        assert_eq!(
            store.get("p", SecretKind::ClientSecret).unwrap(),
            Some(Secret::new("x"))
        );
        assert_eq!(store.get("p", SecretKind::CacheKey).unwrap(), None);
        store.delete("p", SecretKind::ClientSecret).unwrap();
        store.delete("p", SecretKind::ClientSecret).unwrap();
        assert_eq!(store.get("p", SecretKind::ClientSecret).unwrap(), None);
    }
}

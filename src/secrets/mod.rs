//! Secret values and where they live: the OS keyring, the Linux kernel's persistent
//! keyring, or (opted in) plain files; [`storage`] chooses.
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
    /// Neither the OS keyring nor the kernel keyring can keep secrets (`auto`), or the
    /// chosen kernel keyring or files cannot.
    #[error("{0}")]
    NoStorage(String),
    /// `CDF_SIGNIN_STORAGE` (or the saved setting) names no storage.
    #[error("{0}")]
    BadChoice(String),
}

impl SecretError {
    pub fn remedy(&self) -> crate::remedy::Remedy {
        match self {
            SecretError::Unavailable(_) => crate::remedy::Remedy::StartKeyring,
            SecretError::Failed(_) => crate::remedy::Remedy::UnlockKeyring,
            SecretError::NoStorage(_) | SecretError::BadChoice(_) => {
                crate::remedy::Remedy::ChooseStorage
            }
        }
    }
}

/// What kind of secret an entry holds; part of the keyring entry name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A confidential client's secret (client credentials flow).
    ClientSecret,
    /// The random key that encrypts the profile's token cache file.
    CacheKey,
    /// A legacy CDF API key.
    ApiKey,
}

impl SecretKind {
    fn suffix(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::CacheKey => "token-cache-key",
            SecretKind::ApiKey => "api-key",
        }
    }

    /// How messages name it.
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client secret",
            SecretKind::CacheKey => "token cache key",
            SecretKind::ApiKey => "API key",
        }
    }

    pub const ALL: [SecretKind; 3] = [
        SecretKind::ClientSecret,
        SecretKind::CacheKey,
        SecretKind::ApiKey,
    ];
}

/// Storage for per-profile secrets. The real one is the OS keyring; unit tests use
/// [`MemoryStore`].
pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError>;
    /// The profile (or account) names this store holds entries for, found by what
    /// cdf-signin stores rather than by a profiles file: `profile remove --all` removes
    /// these too. Empty where the store cannot list its entries (the keyring crate's
    /// macOS Keychain and Windows Credential Manager).
    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        Ok(Vec::new())
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError>;
    /// Deletes the entry; deleting a missing entry is not an error.
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError>;
    /// Where the secrets live, in words (the About box, `profile show`).
    fn describe(&self) -> String {
        "memory only".to_string()
    }
    /// The store's name in a message ("no client secret in the OS keyring"): the words
    /// of [`describe`](SecretStore::describe) before its first colon.
    fn noun(&self) -> String {
        noun_of(&self.describe()).to_string()
    }
    /// Whether secrets land on disk unencrypted (only the opt-in file storage): the
    /// About box must not then claim that nothing secret is written in plain text.
    fn writes_plain_text(&self) -> bool {
        false
    }
    /// The value again from the store itself, past any copy or memo: for a secret the
    /// identity provider has just rejected (another program may have replaced it).
    fn reload(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        self.get(profile, kind)
    }
    /// Checks that the store can keep a value (write, read back, delete a probe entry),
    /// so that a sign-in fails before anything is sent rather than after.
    fn probe(&self) -> Result<(), SecretError> {
        let value = Secret::new("probe");
        self.set(PROBE_PROFILE, SecretKind::CacheKey, &value)?;
        let back = self.get(PROBE_PROFILE, SecretKind::CacheKey);
        self.delete(PROBE_PROFILE, SecretKind::CacheKey)?;
        match back? {
            Some(v) if v == value => Ok(()),
            _ => Err(SecretError::Failed(
                "a value written to it did not read back".into(),
            )),
        }
    }
    /// A line to show after a sign-in when `auto` fell back from the OS keyring.
    fn fallback_note(&self) -> Option<String> {
        None
    }
}

/// The profile name of the probe entry: not a valid profile name ('.'), so it never
/// meets a real profile's entries.
const PROBE_PROFILE: &str = ".storage-probe";

mod file_store;
pub mod storage;
pub use storage::{STORAGE_ENV, Storage, SwappableStore, open, open_store};

#[cfg(target_os = "linux")]
mod installation;
#[cfg(target_os = "linux")]
mod kernel_store;

#[cfg(target_os = "linux")]
mod kernel_cache;
#[cfg(target_os = "linux")]
mod secret_service;
#[cfg(target_os = "linux")]
use secret_service::Backend;

#[cfg(not(target_os = "linux"))]
mod native;
#[cfg(not(target_os = "linux"))]
use native::Backend;

/// Environment variable that renames the keyring service, so that separate setups (the
/// test suite, a second installation) never see each other's entries.
pub const SERVICE_ENV: &str = "CDF_SIGNIN_KEYRING_SERVICE";

type MemoKey = (String, SecretKind);

/// The OS keyring: the Secret Service on Linux, the Keychain on macOS, the Credential
/// Manager on Windows. Reads are remembered for the life of the process, so a command
/// that needs one secret twice asks the keyring once.
///
/// The Linux backend runs D-Bus calls on a runtime of its own: call these methods from a
/// plain thread (or `spawn_blocking`), never from inside async code.
pub struct KeyringStore {
    backend: Backend,
    service: String,
    memo: std::sync::Mutex<std::collections::HashMap<MemoKey, Option<Secret>>>,
}

/// The keyring service name entries are stored under: `cdf-signin`, or `$`[`SERVICE_ENV`].
pub fn service_name() -> String {
    std::env::var(SERVICE_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "cdf-signin".to_string())
}

impl KeyringStore {
    /// The OS keyring's entries under `service` (tests pass a service of their own),
    /// with no memory copies in the kernel keyring.
    pub fn new(service: impl Into<String>) -> Self {
        Self::with_installation(service.into(), None)
    }

    /// The OS keyring of the installation whose data dir is `data_dir`: on Linux its
    /// kernel-keyring memory copies are named for the installation's random id.
    pub fn for_installation(service: impl Into<String>, data_dir: &std::path::Path) -> Self {
        #[cfg(target_os = "linux")]
        let id = installation::installation_id(data_dir)
            .map_err(|e| tracing::debug!("no installation id, so no memory copies: {e}"))
            .ok();
        #[cfg(not(target_os = "linux"))]
        let id: Option<String> = {
            let _ = data_dir;
            None
        };
        Self::with_installation(service.into(), id.as_deref())
    }

    fn with_installation(service: String, installation: Option<&str>) -> Self {
        KeyringStore {
            backend: Backend::new(service.clone(), installation),
            service,
            memo: Default::default(),
        }
    }

    /// Whether the OS keyring answers (a connection, no prompt).
    pub fn reachable(&self) -> Result<(), SecretError> {
        self.backend.reachable()
    }

    fn remember(&self, profile: &str, kind: SecretKind, value: Option<Secret>) {
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert((profile.to_string(), kind), value);
        }
    }
}

/// The name of a profile's entry of one kind (the keyring's "username").
fn entry_name(profile: &str, kind: SecretKind) -> String {
    format!("{profile}:{}", kind.suffix())
}

/// The profile an entry named `{profile}{separator}{suffix}` belongs to, if the name is
/// one of ours.
fn profile_of_entry(name: &str, separator: char) -> Option<&str> {
    SecretKind::ALL.iter().find_map(|kind| {
        name.strip_suffix(kind.suffix())
            .and_then(|rest| rest.strip_suffix(separator))
            .filter(|p| !p.is_empty())
    })
}

/// Sorted, without repeats.
fn unique(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names.dedup();
    names
}

/// 16 hex digits of the SHA-256 of `text`: names a store's identity (a bus address, a
/// data dir) in entry names without spelling it out. Only the Linux stores have such names.
#[cfg(target_os = "linux")]
fn short_hash(text: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(text.as_bytes())[..8])
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

impl SecretStore for KeyringStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        if let Some(known) = self
            .memo
            .lock()
            .ok()
            .and_then(|m| m.get(&(profile.to_string(), kind)).cloned())
        {
            return Ok(known);
        }
        let value = self.backend.get(&entry_name(profile, kind))?;
        self.remember(profile, kind, value.clone());
        Ok(value)
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        self.backend.set(
            &entry_name(profile, kind),
            &format!("cdf-signin {} of profile {profile}", kind.suffix()),
            value,
        )?;
        self.remember(profile, kind, Some(value.clone()));
        Ok(())
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        self.backend.delete(&entry_name(profile, kind))?;
        self.remember(profile, kind, None);
        Ok(())
    }

    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        let names = self.backend.entry_names()?;
        Ok(unique(
            names
                .iter()
                .filter_map(|n| profile_of_entry(n, ':'))
                .map(str::to_string)
                .collect(),
        ))
    }

    fn reload(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        let value = self.backend.reload(&entry_name(profile, kind))?;
        self.remember(profile, kind, value.clone());
        Ok(value)
    }

    fn describe(&self) -> String {
        // By the name the platform gives it ([`OS_KEYRING`]), then what it is.
        let what = if cfg!(target_os = "linux") {
            ": the Secret Service (GNOME Keyring, KWallet, KeePassXC), with a 10-minute copy \
             in the kernel's user keyring (memory only)"
        } else if cfg!(windows) {
            ": encrypted for your Windows account"
        } else if cfg!(target_os = "macos") {
            ": encrypted for your account"
        } else {
            ""
        };
        format!("{OS_KEYRING}{what}; service \"{}\"", self.service)
    }
}

/// The OS keyring by the name its platform gives it.
pub const OS_KEYRING: &str = if cfg!(windows) {
    "Windows Credential Manager"
} else if cfg!(target_os = "macos") {
    "macOS Keychain"
} else {
    "OS keyring"
};

/// A store's name out of its description ([`SecretStore::describe`]): the words before
/// the first colon ("OS keyring", "Windows Credential Manager", "kernel keyring").
pub fn noun_of(description: &str) -> &str {
    description.split(':').next().unwrap_or_default().trim()
}

/// An in-memory store for unit tests of pure logic and the fuzz targets.
#[derive(Default)]
#[cfg(any(test, feature = "fuzzing"))]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<(String, &'static str), Secret>>,
}

#[cfg(any(test, feature = "fuzzing"))]
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

    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        let map = self
            .entries
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        Ok(unique(map.keys().map(|(p, _)| p.clone()).collect()))
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

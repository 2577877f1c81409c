//! The token cache: one file per profile in the data dir, encrypted with
//! XChaCha20-Poly1305 under a random key that lives in the OS keyring.
//!
//! Why not the keyring itself: Entra refresh plus access tokens can outgrow Windows'
//! ~2.5 KB credential limit; a file with its key in the keyring works everywhere and is
//! never readable without the keyring.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::fsutil;
use crate::secrets::{Secret, SecretError, SecretKind, SecretStore};
use crate::token::TokenSet;

const MAGIC: &[u8] = b"CDFSIGNIN1";
const NONCE_LEN: usize = 24;

#[derive(Debug, Error)]
pub enum CacheError {
    #[error(transparent)]
    Keyring(#[from] SecretError),
    #[error("cannot write the token cache {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the token cache {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Crypto(String),
}

pub struct TokenCache<'a> {
    dir: PathBuf,
    secrets: &'a dyn SecretStore,
}

impl<'a> TokenCache<'a> {
    pub fn new(dir: PathBuf, secrets: &'a dyn SecretStore) -> Self {
        TokenCache { dir, secrets }
    }

    fn file(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.tokens"))
    }

    /// The cached tokens, if any, for `binding` (a fingerprint of the settings they came
    /// from). A file that cannot be decrypted (its key is gone, it was tampered with, or
    /// the profile's settings changed since) counts as no cache and is left in place.
    pub fn load(&self, profile: &str, binding: &str) -> Result<Option<TokenSet>, CacheError> {
        self.load_as(profile, binding)
    }

    pub fn store(&self, profile: &str, binding: &str, set: &TokenSet) -> Result<(), CacheError> {
        self.store_as(profile, binding, set)
    }

    /// [`TokenCache::load`] of any sealed value (an account's refresh token, under the
    /// account's name).
    pub fn load_as<T: DeserializeOwned>(
        &self,
        profile: &str,
        binding: &str,
    ) -> Result<Option<T>, CacheError> {
        let path = self.file(profile);
        let bytes = match fsutil::read_bounded(&path, fsutil::limits::TOKEN_CACHE) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CacheError::Read { path, source: e });
            }
        };
        let Some(key) = self.secrets.get(profile, SecretKind::CacheKey)? else {
            tracing::warn!("the token cache of '{profile}' has no key in the keyring; ignoring it");
            return Ok(None);
        };
        match decrypt(&key, &aad(profile, binding), &bytes) {
            Ok(set) => Ok(Some(set)),
            Err(e) => {
                tracing::warn!("ignoring the token cache of '{profile}': {e}");
                Ok(None)
            }
        }
    }

    pub fn store_as<T: Serialize>(
        &self,
        profile: &str,
        binding: &str,
        set: &T,
    ) -> Result<(), CacheError> {
        let key = match self.secrets.get(profile, SecretKind::CacheKey)? {
            Some(k) if decode_key(&k).is_ok() => k,
            _ => {
                let mut raw = [0u8; 32];
                getrandom::fill(&mut raw)
                    .map_err(|e| CacheError::Crypto(format!("no randomness: {e}")))?;
                let key = Secret::new(STANDARD.encode(raw));
                self.secrets.set(profile, SecretKind::CacheKey, &key)?;
                key
            }
        };
        let bytes = encrypt(&key, &aad(profile, binding), set)?;
        let path = self.file(profile);
        fsutil::write_atomic(&path, &bytes).map_err(|e| CacheError::Write { path, source: e })
    }

    /// Removes the cached tokens and their key.
    pub fn forget(&self, profile: &str) -> Result<(), CacheError> {
        let path = self.file(profile);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CacheError::Write { path, source: e });
            }
        }
        self.secrets.delete(profile, SecretKind::CacheKey)?;
        Ok(())
    }
}

fn decode_key(key: &Secret) -> Result<XChaCha20Poly1305, CacheError> {
    let raw = STANDARD
        .decode(key.expose())
        .map_err(|_| CacheError::Crypto("the cache key in the secret store is damaged".into()))?;
    XChaCha20Poly1305::new_from_slice(&raw)
        .map_err(|_| CacheError::Crypto("the cache key in the secret store is damaged".into()))
}

/// The authenticated data: the profile name and the binding, so a file copied to another
/// profile, or kept from the profile's earlier settings, does not decrypt.
fn aad(profile: &str, binding: &str) -> Vec<u8> {
    format!("{profile}\n{binding}").into_bytes()
}

fn encrypt<T: Serialize>(key: &Secret, aad: &[u8], set: &T) -> Result<Vec<u8>, CacheError> {
    let cipher = decode_key(key)?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| CacheError::Crypto(format!("no randomness: {e}")))?;
    let plain = serde_json::to_vec(set).map_err(|e| CacheError::Crypto(e.to_string()))?;
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad })
        .map_err(|_| CacheError::Crypto("encryption failed".into()))?;
    let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + sealed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn decrypt<T: DeserializeOwned>(key: &Secret, aad: &[u8], bytes: &[u8]) -> Result<T, CacheError> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .filter(|r| r.len() > NONCE_LEN)
        .ok_or_else(|| CacheError::Crypto("not a cdf-signin token cache".into()))?;
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let plain = decode_key(key)?
        .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad })
        .map_err(|_| CacheError::Crypto("it does not decrypt with its key".into()))?;
    serde_json::from_slice(&plain)
        .map_err(|e| CacheError::Crypto(format!("unreadable content ({})", e.classify() as u8)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use chrono::Utc;

    fn sample() -> TokenSet {
        TokenSet {
            access_token: Secret::new("access-123"),
            token_type: "Bearer".into(),
            expires_at: Utc::now(),
            refresh_token: Some(Secret::new("refresh-456")),
            id_token: None,
            scope: Some("s".into()),
        }
    }

    #[test]
    fn round_trip_is_encrypted_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let cache = TokenCache::new(dir.path().to_path_buf(), &store);
        assert!(cache.load("dev", "b1").unwrap().is_none());
        cache.store("dev", "b1", &sample()).unwrap();
        let raw = std::fs::read(dir.path().join("dev.tokens")).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("access-123") && !text.contains("refresh-456"));
        let back = cache.load("dev", "b1").unwrap().unwrap();
        assert_eq!(back.access_token.expose(), "access-123");
        assert_eq!(back.refresh_token.unwrap().expose(), "refresh-456");
    }

    #[test]
    fn file_of_another_profile_or_tampered_does_not_load() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let cache = TokenCache::new(dir.path().to_path_buf(), &store);
        cache.store("a", "b1", &sample()).unwrap();
        assert!(
            cache.load("a", "b2").unwrap().is_none(),
            "the profile's settings changed"
        );
        let key = store.get("a", SecretKind::CacheKey).unwrap().unwrap();
        store.set("b", SecretKind::CacheKey, &key).unwrap();
        std::fs::copy(dir.path().join("a.tokens"), dir.path().join("b.tokens")).unwrap();
        assert!(cache.load("b", "b1").unwrap().is_none());

        let mut raw = std::fs::read(dir.path().join("a.tokens")).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        std::fs::write(dir.path().join("a.tokens"), raw).unwrap();
        assert!(cache.load("a", "b1").unwrap().is_none());
    }

    #[test]
    fn forget_removes_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let cache = TokenCache::new(dir.path().to_path_buf(), &store);
        cache.store("dev", "b1", &sample()).unwrap();
        cache.forget("dev").unwrap();
        assert!(!dir.path().join("dev.tokens").exists());
        assert!(store.get("dev", SecretKind::CacheKey).unwrap().is_none());
        cache.forget("dev").unwrap();
    }
}

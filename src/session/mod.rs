//! The token manager: cached token, else refresh, else (service principals) a new token;
//! plus sign-in and sign-out. Front ends (CLI, window) talk to this and nothing below.
//!
//! Keyring calls block on a D-Bus runtime of their own, so this API is synchronous and
//! runs network work on the runtime handle it was given (a multi-thread runtime: a
//! `Handle` does not drive a current-thread runtime). Call it from a plain thread.
//!
//! In parts: `tokens` (a profile's token: cache, refresh, a service principal's new
//! one), `accounts` (who shares a sign-in, and what each keeps) and `sign_in` (the
//! flows, and a sign-in by organization); this file holds the `Session` itself, its
//! errors and what it hands out, and forgetting a profile.

use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;

use crate::auth::http::Transport;
use crate::auth::{self, AuthError, Endpoints, Http};
use crate::cache::{CacheError, TokenCache};
use crate::field::Field;
use crate::fsutil::FileLock;
use crate::paths::Paths;
use crate::profile::{Profile, SourceError};
use crate::remedy::Remedy;
use crate::secrets::{SecretError, SecretStore};
use crate::token::{Clock, TokenSet};

mod accounts;
mod sign_in;
mod tokens;

pub use accounts::SignedOut;

#[derive(Debug, Error)]
pub enum SessionError {
    #[error("{0}")]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Keyring(#[from] SecretError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("profile '{profile}' is not signed in{}", reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())]
    SignInRequired {
        profile: String,
        reason: Option<String>,
    },
    #[error("profile '{0}' has no client secret in the keyring")]
    NoClientSecret(String),
    #[error("profile '{0}' has no API key in the keyring")]
    NoApiKey(String),
    #[error("profile '{0}' uses a legacy API key, which has no access token or sign-in")]
    ApiKeyProfile(String),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    SecretSource(#[from] SourceError),
}

impl SessionError {
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            SessionError::Auth(e) => e.remedy(),
            SessionError::Keyring(e) | SessionError::Cache(CacheError::Keyring(e)) => {
                Some(e.remedy())
            }
            SessionError::SignInRequired { profile, .. } => Some(Remedy::sign_in(profile)),
            SessionError::NoClientSecret(p) => Some(Remedy::StoreSecret {
                profile: Some(p.clone()),
                field: Field::ClientSecret,
                why: None,
            }),
            SessionError::NoApiKey(p) => Some(Remedy::StoreSecret {
                profile: Some(p.clone()),
                field: Field::ApiKey,
                why: None,
            }),
            SessionError::ApiKeyProfile(p) => Some(Remedy::UseApiKey { profile: p.clone() }),
            SessionError::SecretSource(e) => e.remedy(),
            _ => None,
        }
    }
}

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Cache,
    Refreshed,
    Acquired,
}

/// What a profile presents to CDF: a bearer token from a sign-in (with where it came
/// from), or a legacy API key, which never expires. The one place that tells the two
/// apart; every front end takes what [`Session::credential`] gives.
#[derive(Debug, Clone)]
pub enum Credential {
    Bearer(TokenSet, TokenSource),
    ApiKey(crate::secrets::Secret),
}

impl Credential {
    /// The value CDF receives (`Authorization: Bearer ...` or `api-key: ...`).
    pub fn secret(&self) -> &crate::secrets::Secret {
        match self {
            Credential::Bearer(set, _) => &set.access_token,
            Credential::ApiKey(key) => key,
        }
    }

    pub fn is_api_key(&self) -> bool {
        matches!(self, Credential::ApiKey(_))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct TokenOptions {
    /// A cached token must stay valid at least this long to be served.
    pub min_valid_secs: i64,
    pub force_refresh: bool,
}

impl Default for TokenOptions {
    fn default() -> Self {
        TokenOptions {
            min_valid_secs: 60,
            force_refresh: false,
        }
    }
}

/// A profile's name, or an account's store name (`.account-` and 16 hex digits).
fn is_stored_name(name: &str) -> bool {
    crate::profile::validate_name(name).is_ok()
        || name
            .strip_prefix(".account-")
            .is_some_and(|id| id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()))
}

pub struct Session {
    paths: Paths,
    secrets: Box<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    rt: tokio::runtime::Handle,
    /// `None` (production): each renewal or sign-in builds [`Http::for_profile`] with the
    /// profile's CA file. `Some`: every profile talks to this transport instead; unit
    /// tests script the identity provider with it ([`Session::with_transport`]).
    transport: Option<Arc<dyn Transport>>,
}

impl Session {
    pub fn new(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        clock: Box<dyn Clock>,
        rt: tokio::runtime::Handle,
    ) -> Self {
        Session {
            paths,
            secrets,
            clock: Arc::from(clock),
            rt,
            transport: None,
        }
    }

    /// Sends every identity-provider request through `transport` instead of the network
    /// (the profiles' CA files are then not read).
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// Now, by the session's clock (the one its expiry decisions use).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    fn cache(&self) -> TokenCache<'_> {
        TokenCache::new(self.paths.token_dir(), self.secrets.as_ref())
    }

    /// The profile's HTTP client with the session's clock ([`Http::for_profile`]), or
    /// the scripted transport of the unit tests: for the session's own requests and for
    /// those beside it (CDF's API, the doctor's probes, an organization's projects).
    pub fn http(&self, profile: &Profile) -> Result<Http, AuthError> {
        match &self.transport {
            Some(transport) => {
                Ok(Http::with_transport(transport.clone()).with_clock(self.clock.clone()))
            }
            None => Http::for_profile(profile, self.clock.clone()),
        }
    }

    fn endpoints(&self, http: &Http, profile: &Profile) -> Result<Endpoints, AuthError> {
        let resolver = auth::endpoints::Resolver {
            http,
            cache_dir: self.paths.discovery_dir(),
        };
        self.rt.block_on(resolver.resolve(profile))
    }

    fn lock(&self, name: &str) -> Result<FileLock, SessionError> {
        let path = self.paths.lock_dir().join(format!("{name}.lock"));
        FileLock::acquire(&path).map_err(|e| SessionError::Lock { path, source: e })
    }

    /// Runs `fut` on the session's runtime (for front ends calling CDF with a token).
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    /// Forgets the profile's own tokens (cache file and its keyring key), not its
    /// account's: for a service principal whose secret changed.
    pub fn logout(&self, name: &str) -> Result<(), SessionError> {
        let _lock = self.lock(name)?;
        self.cache().forget(name)?;
        Ok(())
    }

    /// Every name cdf-signin keeps something under, found by what it stores rather than
    /// by a profiles file: the secret store's entries (where it can list them), the token
    /// cache files and the locks. Only names a profile or an account can have: a hostile
    /// keyring entry cannot name a path. The second list says what could not be read.
    pub fn stored_names(&self) -> (Vec<String>, Vec<(String, String)>) {
        let mut names = Vec::new();
        let mut problems = Vec::new();
        match self.secrets.stored_names() {
            Ok(found) => names.extend(found),
            Err(e) => problems.push(("the secret store's entries".to_string(), e.to_string())),
        }
        for (dir, suffix) in [
            (self.paths.token_dir(), ".tokens"),
            (self.paths.lock_dir(), ".lock"),
        ] {
            match std::fs::read_dir(&dir) {
                Ok(entries) => names.extend(entries.flatten().filter_map(|e| {
                    let file = e.file_name().to_string_lossy().into_owned();
                    file.strip_suffix(suffix).map(str::to_string)
                })),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => problems.push((dir.display().to_string(), e.to_string())),
            }
        }
        names.retain(|n| is_stored_name(n));
        names.sort();
        names.dedup();
        (names, problems)
    }

    /// Removes everything the profile has in the keyring and on disk.
    /// Every part is tried, whatever failed before it (a secret must not stay behind
    /// because a cache file could not be deleted); the first failure is returned.
    pub fn forget_profile(&self, name: &str) -> Result<(), SessionError> {
        let mut first: Option<SessionError> = None;
        for kind in crate::secrets::SecretKind::ALL {
            if let Err(e) = self.secrets.delete(name, kind) {
                first.get_or_insert(e.into());
            }
        }
        if let Err(e) = self.logout(name) {
            first.get_or_insert(e);
        }
        let _ = std::fs::remove_file(self.paths.lock_dir().join(format!("{name}.lock")));
        first.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests;

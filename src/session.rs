//! The token manager: cached token, else refresh, else (service principals) a new token;
//! plus sign-in and sign-out. Front ends (CLI, window) talk to this and nothing below.
//!
//! Keyring calls block on a D-Bus runtime of their own, so this API is synchronous and
//! runs network work on the runtime handle it was given (a multi-thread runtime: a
//! `Handle` does not drive a current-thread runtime). Call it from a plain thread.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::auth::{
    self, AuthError, CancelToken, ClientCertificate, ClientCredential, Endpoints, Http,
    SignInPrompt,
};
use crate::cache::{CacheError, TokenCache};
use crate::fsutil::FileLock;
use crate::paths::Paths;
use crate::profile::{Flow, Profile};
use crate::secrets::{SecretError, SecretKind, SecretStore};
use crate::token::{Clock, TokenSet};

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
    #[error("cannot lock {path}: {reason}")]
    Lock { path: PathBuf, reason: String },
}

impl SessionError {
    pub fn hint(&self) -> Option<String> {
        match self {
            SessionError::Auth(e) => e.hint(),
            SessionError::Keyring(e) | SessionError::Cache(CacheError::Keyring(e)) => {
                e.hint().map(str::to_string)
            }
            SessionError::SignInRequired { profile, .. } => {
                Some(format!("run `cdf-signin login --profile {profile}`"))
            }
            SessionError::NoClientSecret(p) | SessionError::NoApiKey(p) => {
                Some(format!("store it with `cdf-signin profile set-secret {p}`"))
            }
            SessionError::ApiKeyProfile(p) => Some(format!(
                "`cdf-signin token --profile {p}` prints the key; `cdf-signin inspect --profile {p}` checks it"
            )),
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

pub struct Session {
    paths: Paths,
    secrets: Box<dyn SecretStore>,
    clock: Box<dyn Clock>,
    rt: tokio::runtime::Handle,
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
            clock,
            rt,
        }
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    fn cache(&self) -> TokenCache<'_> {
        TokenCache::new(self.paths.token_dir(), self.secrets.as_ref())
    }

    fn http(&self, profile: &Profile) -> Result<Http, AuthError> {
        Http::new(profile.ca_file.as_deref())
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
        FileLock::acquire(&path).map_err(|e| SessionError::Lock {
            path,
            reason: e.to_string(),
        })
    }

    /// The cached tokens of a profile, without any network request.
    pub fn cached(&self, name: &str) -> Result<Option<TokenSet>, SessionError> {
        Ok(self.cache().load(name)?)
    }

    /// An access token for the profile: cached if valid long enough, else refreshed, else
    /// (client credentials) newly acquired. User flows with nothing usable fail with
    /// [`SessionError::SignInRequired`] without contacting the identity provider.
    pub fn token(
        &self,
        name: &str,
        profile: &Profile,
        opts: TokenOptions,
    ) -> Result<(TokenSet, TokenSource), SessionError> {
        if !profile.flow.uses_idp() {
            return Err(SessionError::ApiKeyProfile(name.to_string()));
        }
        let now = self.clock.now();
        if !opts.force_refresh
            && let Some(set) = self.cache().load(name)?
            && set.is_valid_for(now, opts.min_valid_secs)
        {
            return Ok((set, TokenSource::Cache));
        }

        // Only one process renews a profile at a time, so a rotated refresh token is never
        // redeemed twice. Whoever waited re-reads the cache the winner wrote.
        let _lock = self.lock(name)?;
        let cached = self.cache().load(name)?;
        if let Some(set) = &cached
            && !opts.force_refresh
            && set.is_valid_for(self.clock.now(), opts.min_valid_secs)
        {
            return Ok((set.clone(), TokenSource::Cache));
        }

        if let Some(refresh_token) = cached.as_ref().and_then(|s| s.refresh_token.clone()) {
            let http = self.http(profile)?;
            let endpoints = self.endpoints(&http, profile)?;
            match self
                .rt
                .block_on(auth::refresh(&http, &endpoints, profile, &refresh_token))
            {
                Ok(mut set) => {
                    if set.id_token.is_none() {
                        set.id_token = cached.and_then(|c| c.id_token);
                    }
                    self.cache().store(name, &set)?;
                    return Ok((set, TokenSource::Refreshed));
                }
                Err(AuthError::Idp(e))
                    if e.error == "invalid_grant" && profile.flow.is_user_flow() =>
                {
                    return Err(SessionError::SignInRequired {
                        profile: name.to_string(),
                        reason: Some(e.to_string()),
                    });
                }
                Err(e) if profile.flow.is_user_flow() => return Err(e.into()),
                Err(e) => tracing::debug!("refresh failed, acquiring a new token: {e}"),
            }
        }

        match profile.flow {
            Flow::ClientCredentials => {
                let credential = self.client_credential(name, profile)?;
                let http = self.http(profile)?;
                let endpoints = self.endpoints(&http, profile)?;
                let set = self.rt.block_on(auth::client_credentials(
                    &http,
                    &endpoints,
                    profile,
                    &credential,
                ))?;
                self.cache().store(name, &set)?;
                Ok((set, TokenSource::Acquired))
            }
            Flow::ApiKey => Err(SessionError::ApiKeyProfile(name.to_string())),
            Flow::Interactive | Flow::DeviceCode => {
                let reason = cached.map(|_| {
                    "the cached token has expired and there is no refresh token".to_string()
                });
                Err(SessionError::SignInRequired {
                    profile: name.to_string(),
                    reason,
                })
            }
        }
    }

    /// The legacy API key of an `api-key` profile, from the keyring.
    pub fn api_key(&self, name: &str) -> Result<crate::secrets::Secret, SessionError> {
        self.secrets
            .get(name, SecretKind::ApiKey)?
            .ok_or_else(|| SessionError::NoApiKey(name.to_string()))
    }

    /// Runs `fut` on the session's runtime (for front ends calling CDF with a token).
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    fn client_credential(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<ClientCredential, SessionError> {
        if let (Some(cert), Some(key)) = (&profile.certificate, &profile.private_key) {
            return Ok(ClientCredential::Certificate(ClientCertificate::load(
                cert, key,
            )?));
        }
        match self.secrets.get(name, SecretKind::ClientSecret)? {
            Some(secret) => Ok(ClientCredential::Secret(secret)),
            None => Err(SessionError::NoClientSecret(name.to_string())),
        }
    }

    /// Runs the profile's flow and stores the result. `prompt` receives what the person
    /// must do (open a URL, type a code); `cancel` ends the flow early.
    pub fn login(
        &self,
        name: &str,
        profile: &Profile,
        prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
        cancel: &CancelToken,
        timeout: Duration,
    ) -> Result<TokenSet, SessionError> {
        let set = match profile.flow {
            Flow::ApiKey => return Err(SessionError::ApiKeyProfile(name.to_string())),
            Flow::ClientCredentials => {
                let credential = self.client_credential(name, profile)?;
                let http = self.http(profile)?;
                let endpoints = self.endpoints(&http, profile)?;
                self.rt.block_on(auth::client_credentials(
                    &http,
                    &endpoints,
                    profile,
                    &credential,
                ))?
            }
            Flow::Interactive => {
                let http = self.http(profile)?;
                let endpoints = self.endpoints(&http, profile)?;
                self.rt.block_on(auth::interactive::sign_in(
                    &http, &endpoints, profile, prompt, cancel, timeout,
                ))?
            }
            Flow::DeviceCode => {
                let http = self.http(profile)?;
                let endpoints = self.endpoints(&http, profile)?;
                self.rt.block_on(async {
                    tokio::select! {
                        r = auth::device_code::sign_in(&http, &endpoints, profile, prompt, cancel) => r,
                        _ = tokio::time::sleep(timeout) => Err(AuthError::SignInTimeout(timeout.as_secs())),
                    }
                })?
            }
        };
        let _lock = self.lock(name)?;
        self.cache().store(name, &set)?;
        Ok(set)
    }

    /// Forgets the profile's tokens (cache file and its keyring key).
    pub fn logout(&self, name: &str) -> Result<(), SessionError> {
        let _lock = self.lock(name)?;
        self.cache().forget(name)?;
        Ok(())
    }

    /// Removes everything the profile has in the keyring and on disk.
    pub fn forget_profile(&self, name: &str) -> Result<(), SessionError> {
        self.logout(name)?;
        for kind in crate::secrets::SecretKind::ALL {
            self.secrets.delete(name, kind)?;
        }
        let _ = std::fs::remove_file(self.paths.lock_dir().join(format!("{name}.lock")));
        Ok(())
    }
}

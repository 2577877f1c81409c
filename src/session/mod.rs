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
    /// `store` names the store in use ("OS keyring", "file storage (DIR)").
    #[error("profile '{profile}' has no client secret in the {store}")]
    NoClientSecret { profile: String, store: String },
    #[error("profile '{profile}' has no API key in the {store}")]
    NoApiKey { profile: String, store: String },
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
            SessionError::NoClientSecret { profile: p, .. } => Some(Remedy::StoreSecret {
                profile: Some(p.clone()),
                field: Field::ClientSecret,
                why: None,
            }),
            SessionError::NoApiKey { profile: p, .. } => Some(Remedy::StoreSecret {
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
            min_valid_secs: crate::token::DEFAULT_MIN_VALID_SECS,
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
    /// Replaceable while the session lives: moving the secrets to another store
    /// ([`Session::replace_secrets`]) takes effect at once.
    secrets: crate::secrets::SwappableStore,
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
            secrets: crate::secrets::SwappableStore::new(secrets),
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
        &self.secrets
    }

    /// Every later call uses `store` (after the secrets were moved into it).
    pub fn replace_secrets(&self, store: Box<dyn SecretStore>) {
        self.secrets.replace(store);
    }

    /// Runs `change` on the secret store with every other use of it in this process
    /// waiting, then puts the store it returns in place (`SwappableStore::swap_with`).
    pub fn swap_secrets<R, E>(
        &self,
        change: impl FnOnce(&dyn SecretStore) -> Result<(Box<dyn SecretStore>, R), E>,
    ) -> Result<R, E> {
        self.secrets.swap_with(change)
    }

    /// Now, by the session's clock (the one its expiry decisions use).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    fn cache(&self) -> TokenCache<'_> {
        TokenCache::new(self.paths.token_dir(), &self.secrets)
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
        let (mut names, mut problems) = self.stored_file_names();
        match self.secrets.stored_names() {
            Ok(found) => names.extend(found.into_iter().filter(|n| is_stored_name(n))),
            Err(e) => problems.push(("the secret store's entries".to_string(), e.to_string())),
        }
        names.sort();
        names.dedup();
        (names, problems)
    }

    /// The names [`stored_names`](Self::stored_names) finds on disk alone (token cache
    /// files and locks), without asking the secret store.
    pub fn stored_file_names(&self) -> (Vec<String>, Vec<(String, String)>) {
        let mut names = Vec::new();
        let mut problems = Vec::new();
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
mod tests {
    //! The session's renewal rules against a scripted identity provider: a closure
    //! transport, an in-memory keyring, a manual clock and a temporary data dir.

    use std::sync::{Mutex, mpsc};
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use serde_json::{Value, json};

    use super::*;
    use crate::auth::CancelToken;
    use crate::auth::http::{Method, Request, Response};
    use crate::profile::{Flow, ProfileFile};
    use crate::secrets::SecretKind;
    use crate::secrets::{MemoryStore, Secret};
    use crate::token::ManualClock;

    /// Loopback, but never connected to: every request goes to the closure transport.
    const AUTHORITY: &str = "http://127.0.0.1:9/idp";
    const TOKEN_URL: &str = "http://127.0.0.1:9/idp/token";
    const REVOKE_URL: &str = "http://127.0.0.1:9/idp/revoke";
    const NAME: &str = "dev";
    /// The resource scope of cluster `api`; refresh must send this and nothing else.
    const SCOPE: &str = "https://api.cognitedata.com/.default";

    /// A request as the fake provider received it (the form holds test values only).
    #[derive(Debug, Clone)]
    struct Seen {
        method: Method,
        url: String,
        form: Vec<(String, String)>,
    }

    impl Seen {
        fn field(&self, name: &str) -> Option<&str> {
            self.form
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }
    }

    type Log = Arc<Mutex<Vec<Seen>>>;

    /// An identity provider at [`AUTHORITY`]: serves its discovery document, hands token
    /// requests to `answer`, and logs every request.
    fn provider(
        answer: impl Fn(&Request<'_>) -> Response + Send + Sync + 'static,
    ) -> (Arc<dyn Transport>, Log) {
        let log = Log::default();
        let seen = log.clone();
        let discovery = format!("{AUTHORITY}/.well-known/openid-configuration");
        let transport = move |r: &Request<'_>| -> Result<Response, AuthError> {
            seen.lock().unwrap().push(Seen {
                method: r.method,
                url: r.url.to_string(),
                form: r
                    .form
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            });
            Ok(match (r.method, r.url.as_str()) {
                (Method::Get, url) if url == discovery => json_answer(
                    200,
                    json!({"issuer": AUTHORITY, "token_endpoint": TOKEN_URL, "revocation_endpoint": REVOKE_URL}),
                ),
                (Method::Post, TOKEN_URL | REVOKE_URL) => answer(r),
                _ => Response {
                    status: 404,
                    ..Response::default()
                },
            })
        };
        (Arc::new(transport), log)
    }

    fn json_answer(status: u16, body: Value) -> Response {
        Response {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    fn token_answer(access: &str, refresh: Option<&str>) -> Response {
        let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600});
        if let Some(r) = refresh {
            body["refresh_token"] = json!(r);
        }
        json_answer(200, body)
    }

    fn idp_error(error: &str) -> Response {
        json_answer(
            400,
            json!({"error": error, "error_description": "the grant is no longer valid"}),
        )
    }

    fn profile(flow: Flow) -> Profile {
        toml::from_str(&format!(
            "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='cli'\nflow='{}'\nauthority='{AUTHORITY}'",
            flow.as_str()
        ))
        .unwrap()
    }

    /// Reports each cache-key read once armed: a cache load has read the file when it
    /// asks for the key, so the lock test knows what the waiter saw.
    #[derive(Default)]
    struct WatchedStore {
        inner: MemoryStore,
        on_key_read: Arc<Mutex<Option<mpsc::Sender<()>>>>,
        /// What the store itself holds when it differs from what a read answers (a
        /// stale copy): [`SecretStore::reload`] answers this.
        behind_the_copy: Arc<Mutex<Option<Secret>>>,
        /// Writes fail (a store that cannot keep anything).
        read_only: bool,
    }

    impl SecretStore for WatchedStore {
        fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
            if kind == SecretKind::CacheKey
                && let Some(tx) = self.on_key_read.lock().unwrap().as_ref()
            {
                let _ = tx.send(());
            }
            self.inner.get(profile, kind)
        }

        fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
            if self.read_only {
                return Err(SecretError::Unavailable("no D-Bus session bus".into()));
            }
            self.inner.set(profile, kind, value)
        }

        fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
            self.inner.delete(profile, kind)
        }

        fn reload(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
            match self.behind_the_copy.lock().unwrap().take() {
                Some(v) => {
                    self.inner.set(profile, kind, &v)?;
                    Ok(Some(v))
                }
                None => self.inner.get(profile, kind),
            }
        }
    }

    struct SharedClock(Arc<ManualClock>);

    impl Clock for SharedClock {
        fn now(&self) -> DateTime<Utc> {
            self.0.now()
        }
    }

    struct Fixture {
        session: Session,
        log: Log,
        clock: Arc<ManualClock>,
        on_key_read: Arc<Mutex<Option<mpsc::Sender<()>>>>,
        behind_the_copy: Arc<Mutex<Option<Secret>>>,
        _rt: tokio::runtime::Runtime,
        _dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new(answer: impl Fn(&Request<'_>) -> Response + Send + Sync + 'static) -> Fixture {
            Fixture::with_store(WatchedStore::default(), answer)
        }

        fn with_store(
            store: WatchedStore,
            answer: impl Fn(&Request<'_>) -> Response + Send + Sync + 'static,
        ) -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let (transport, log) = provider(answer);
            let clock = Arc::new(ManualClock::new(Utc::now()));
            let on_key_read = store.on_key_read.clone();
            let behind_the_copy = store.behind_the_copy.clone();
            let session = Session::new(
                Paths::under(dir.path()),
                Box::new(store),
                Box::new(SharedClock(clock.clone())),
                rt.handle().clone(),
            )
            .with_transport(transport);
            Fixture {
                session,
                log,
                clock,
                on_key_read,
                behind_the_copy,
                _rt: rt,
                _dir: dir,
            }
        }

        /// A token set valid for `secs` more seconds by the session's clock.
        fn tokens(&self, access: &str, secs: i64, refresh: Option<&str>) -> TokenSet {
            TokenSet {
                access_token: Secret::new(access),
                token_type: "Bearer".into(),
                expires_at: self.clock.now() + chrono::Duration::seconds(secs),
                refresh_token: refresh.map(Secret::new),
                id_token: Some(Secret::new("ID1")),
                scope: Some(SCOPE.into()),
            }
        }

        /// Caches `set` for the profile of `flow` (the default: interactive).
        fn put(&self, set: &TokenSet) {
            self.put_for(Flow::Interactive, set);
        }

        fn put_for(&self, flow: Flow, set: &TokenSet) {
            let binding = profile(flow).token_binding();
            self.session.cache().store(NAME, &binding, set).unwrap();
        }

        fn cached_for(&self, flow: Flow) -> TokenSet {
            self.session
                .cached(NAME, &profile(flow))
                .unwrap()
                .expect("a cached token set")
        }

        fn cached(&self) -> TokenSet {
            self.cached_for(Flow::Interactive)
        }

        fn cache_file(&self) -> Vec<u8> {
            std::fs::read(
                self.session
                    .paths()
                    .token_dir()
                    .join(format!("{NAME}.tokens")),
            )
            .unwrap()
        }

        fn requests(&self) -> Vec<Seen> {
            self.log.lock().unwrap().clone()
        }

        fn token_requests(&self) -> Vec<Seen> {
            self.requests()
                .into_iter()
                .filter(|r| r.url == TOKEN_URL)
                .collect()
        }

        /// One form field of each token request, in order ("" where it was not sent).
        fn sent(&self, field: &str) -> Vec<String> {
            self.token_requests()
                .iter()
                .map(|r| r.field(field).unwrap_or_default().to_string())
                .collect()
        }

        fn token(&self, flow: Flow) -> Result<(TokenSet, TokenSource), SessionError> {
            self.session
                .token(NAME, &profile(flow), TokenOptions::default())
        }
    }

    fn expose(s: &Option<Secret>) -> Option<&str> {
        s.as_ref().map(Secret::expose)
    }

    #[test]
    fn valid_cached_token_is_served_without_a_request() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put(&f.tokens("AT1", 3600, Some("RT1")));
        let (set, source) = f.token(Flow::Interactive).unwrap();
        assert_eq!(source, TokenSource::Cache);
        assert_eq!(set.access_token.expose(), "AT1");
        assert!(f.requests().is_empty(), "{:?}", f.requests());
    }

    /// Finding 5 of issue 13: a profile whose settings changed since its tokens were
    /// cached starts signed out; neither its old access token nor its old refresh token
    /// is used, wherever the new settings point.
    #[test]
    fn a_changed_profile_starts_signed_out_and_sends_no_old_refresh_token() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put(&f.tokens("AT1", 3600, Some("RT1")));
        let mut rescoped = profile(Flow::Interactive);
        rescoped.scopes = vec!["https://other.cognitedata.com/.default".into()];
        let r = f.session.token(NAME, &rescoped, TokenOptions::default());
        assert!(
            matches!(r, Err(SessionError::SignInRequired { .. })),
            "{r:?}"
        );
        let mut moved = profile(Flow::Interactive);
        moved.token_url = Some(format!("{AUTHORITY}/token2"));
        let long = TokenOptions {
            min_valid_secs: 7200,
            ..TokenOptions::default()
        };
        let r = f.session.token(NAME, &moved, long);
        assert!(
            matches!(r, Err(SessionError::SignInRequired { .. })),
            "{r:?}"
        );
        assert!(f.requests().is_empty(), "{:?}", f.requests());
        // The profile as it was still has its tokens.
        let (set, _) = f.token(Flow::Interactive).unwrap();
        assert_eq!(set.access_token.expose(), "AT1");
    }

    #[test]
    fn token_about_to_expire_is_refreshed_with_resource_scopes_only() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put(&f.tokens("AT1", 3600, Some("RT1")));
        // 30 s left, under the default 60 s minimum.
        f.clock.advance(3600 - 30);
        let (set, source) = f.token(Flow::Interactive).unwrap();
        assert_eq!(source, TokenSource::Refreshed);
        assert_eq!(set.access_token.expose(), "AT2");
        let sent = f.token_requests();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].method, Method::Post);
        assert_eq!(sent[0].field("grant_type"), Some("refresh_token"));
        assert_eq!(sent[0].field("refresh_token"), Some("RT1"));
        assert_eq!(sent[0].field("client_id"), Some("cli"));
        assert_eq!(sent[0].field("scope"), Some(SCOPE));
    }

    #[test]
    fn rotated_refresh_token_is_saved() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put_for(Flow::DeviceCode, &f.tokens("AT1", -10, Some("RT1")));
        f.token(Flow::DeviceCode).unwrap();
        let cached = f.cached_for(Flow::DeviceCode);
        assert_eq!(cached.access_token.expose(), "AT2");
        assert_eq!(expose(&cached.refresh_token), Some("RT2"));
    }

    #[test]
    fn refresh_keeps_the_old_refresh_and_id_tokens_when_none_come_back() {
        let f = Fixture::new(|_| token_answer("AT2", None));
        f.put(&f.tokens("AT1", -10, Some("RT1")));
        let (set, source) = f.token(Flow::Interactive).unwrap();
        assert_eq!(source, TokenSource::Refreshed);
        let cached = f.cached();
        assert_eq!(cached.access_token.expose(), "AT2");
        assert_eq!(expose(&cached.refresh_token), Some("RT1"));
        assert_eq!(expose(&cached.id_token), Some("ID1"));
        assert_eq!(expose(&set.id_token), Some("ID1"));
    }

    #[test]
    fn invalid_grant_on_a_user_flow_requires_sign_in_and_keeps_the_cache() {
        let f = Fixture::new(|_| idp_error("invalid_grant"));
        f.put(&f.tokens("AT1", -10, Some("RT1")));
        let before = f.cache_file();
        match f.token(Flow::Interactive) {
            Err(SessionError::SignInRequired { profile, reason }) => {
                assert_eq!(profile, NAME);
                assert!(reason.unwrap_or_default().contains("invalid_grant"));
            }
            other => panic!("expected SignInRequired, got {other:?}"),
        }
        assert_eq!(f.token_requests().len(), 1);
        assert_eq!(f.cache_file(), before, "the cache was rewritten");
        assert_eq!(expose(&f.cached().refresh_token), Some("RT1"));
    }

    #[test]
    fn server_error_on_a_user_flow_refresh_is_returned_and_the_cache_kept() {
        let f = Fixture::new(|_| Response {
            status: 503,
            content_type: Some("text/html".into()),
            retry_after: None,
            body: b"<html>down for maintenance</html>".to_vec(),
        });
        f.put_for(Flow::DeviceCode, &f.tokens("AT1", -10, Some("RT1")));
        let before = f.cache_file();
        match f.token(Flow::DeviceCode) {
            Err(SessionError::Auth(AuthError::Http { status, detail, .. })) => {
                assert_eq!(status, 503);
                assert_eq!(detail, " (an HTML page)");
            }
            other => panic!("expected the HTTP error, got {other:?}"),
        }
        assert_eq!(f.token_requests().len(), 1);
        assert_eq!(f.cache_file(), before, "the cache was rewritten");
    }

    #[test]
    fn client_credentials_without_a_cache_acquire_with_the_stored_secret() {
        let f = Fixture::new(|_| token_answer("AT-cc", None));
        f.session
            .secrets()
            .set(NAME, SecretKind::ClientSecret, &Secret::new("s3cret"))
            .unwrap();
        let (set, source) = f.token(Flow::ClientCredentials).unwrap();
        assert_eq!(source, TokenSource::Acquired);
        assert_eq!(set.access_token.expose(), "AT-cc");
        let sent = f.token_requests();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].field("grant_type"), Some("client_credentials"));
        assert_eq!(sent[0].field("client_secret"), Some("s3cret"));
        assert_eq!(sent[0].field("client_id"), Some("cli"));
        assert_eq!(sent[0].field("scope"), Some(SCOPE));
        assert_eq!(
            f.cached_for(Flow::ClientCredentials).access_token.expose(),
            "AT-cc"
        );
    }

    #[test]
    fn client_credentials_acquire_anew_when_refresh_fails() {
        let f = Fixture::new(|r| match r.form_value("grant_type") {
            Some("refresh_token") => idp_error("invalid_grant"),
            _ => token_answer("AT-new", None),
        });
        f.session
            .secrets()
            .set(NAME, SecretKind::ClientSecret, &Secret::new("s3cret"))
            .unwrap();
        f.put_for(Flow::ClientCredentials, &f.tokens("AT1", -10, Some("RT1")));
        let (set, source) = f.token(Flow::ClientCredentials).unwrap();
        assert_eq!(source, TokenSource::Acquired);
        assert_eq!(set.access_token.expose(), "AT-new");
        let grants = f.sent("grant_type");
        assert_eq!(grants, ["refresh_token", "client_credentials"]);
        assert_eq!(
            f.cached_for(Flow::ClientCredentials).access_token.expose(),
            "AT-new"
        );
    }

    /// Only the secret "new" is right; anything else is Entra's wrong-secret answer.
    fn accepts_only_new(r: &Request<'_>) -> Response {
        match r.form_value("client_secret") {
            Some("new") => token_answer("AT-new", None),
            _ => json_answer(
                401,
                json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}),
            ),
        }
    }

    #[test]
    fn a_rejected_stored_secret_is_read_again_from_the_store_and_tried_once_more() {
        let f = Fixture::new(accepts_only_new);
        f.session
            .secrets()
            .set(NAME, SecretKind::ClientSecret, &Secret::new("old"))
            .unwrap();
        *f.behind_the_copy.lock().unwrap() = Some(Secret::new("new"));
        let (set, source) = f.token(Flow::ClientCredentials).unwrap();
        assert_eq!(
            (set.access_token.expose(), source),
            ("AT-new", TokenSource::Acquired)
        );
        let sent = f.sent("client_secret");
        assert_eq!(sent, ["old", "new"]);
    }

    #[test]
    fn a_rejected_secret_that_did_not_change_is_not_sent_again() {
        let f = Fixture::new(accepts_only_new);
        f.session
            .secrets()
            .set(NAME, SecretKind::ClientSecret, &Secret::new("old"))
            .unwrap();
        match f.token(Flow::ClientCredentials) {
            Err(SessionError::Auth(AuthError::Idp(e))) => assert_eq!(e.error, "invalid_client"),
            other => panic!("expected invalid_client, got {other:?}"),
        }
        assert_eq!(f.token_requests().len(), 1);
    }

    #[test]
    fn login_with_a_store_that_cannot_keep_tokens_fails_before_any_request() {
        for flow in [Flow::Interactive, Flow::DeviceCode, Flow::ClientCredentials] {
            let store = WatchedStore {
                read_only: true,
                ..WatchedStore::default()
            };
            let f = Fixture::with_store(store, |_| token_answer("AT", Some("RT")));
            let result = f.session.login(
                NAME,
                &profile(flow),
                &|_| panic!("{flow:?}: nobody may be asked to sign in"),
                &CancelToken::default(),
                Duration::from_secs(5),
            );
            match result {
                Err(SessionError::Keyring(SecretError::Unavailable(_))) => {}
                other => panic!("{flow:?}: expected the store's error, got {other:?}"),
            }
            assert!(f.requests().is_empty(), "{flow:?}: {:?}", f.requests());
        }
    }

    #[test]
    fn user_flow_without_a_cache_requires_sign_in_without_a_request() {
        for flow in [Flow::Interactive, Flow::DeviceCode] {
            let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
            match f.token(flow) {
                Err(SessionError::SignInRequired { profile, reason }) => {
                    assert_eq!(profile, NAME);
                    assert_eq!(reason, None);
                }
                other => panic!("{flow:?}: expected SignInRequired, got {other:?}"),
            }
            assert!(f.requests().is_empty(), "{flow:?}: {:?}", f.requests());
        }
    }

    #[test]
    fn expired_user_token_without_refresh_token_requires_sign_in_without_a_request() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put(&f.tokens("AT1", -10, None));
        match f.token(Flow::Interactive) {
            Err(SessionError::SignInRequired {
                reason: Some(reason),
                ..
            }) => assert!(reason.contains("no refresh token"), "{reason}"),
            other => panic!("expected SignInRequired with a reason, got {other:?}"),
        }
        assert!(f.requests().is_empty(), "{:?}", f.requests());
    }

    #[test]
    fn force_refresh_skips_a_valid_cache() {
        let f = Fixture::new(|_| token_answer("AT2", Some("RT2")));
        f.put(&f.tokens("AT1", 3600, Some("RT1")));
        let opts = TokenOptions {
            force_refresh: true,
            ..TokenOptions::default()
        };
        let (set, source) = f
            .session
            .token(NAME, &profile(Flow::Interactive), opts)
            .unwrap();
        assert_eq!(source, TokenSource::Refreshed);
        assert_eq!(set.access_token.expose(), "AT2");
        assert_eq!(f.token_requests().len(), 1);
    }

    /// Whoever waited for the lock re-reads the cache the holder wrote, and so never
    /// redeems the refresh token the holder has already rotated away.
    #[test]
    fn waiter_for_the_lock_serves_the_token_the_holder_wrote() {
        let f = Fixture::new(|_| token_answer("AT-waiter", Some("RT-waiter")));
        f.put(&f.tokens("AT1", -10, Some("RT1")));
        // A person's profiles renew under their account's lock.
        let account = profile(Flow::Interactive).account().unwrap().store_name();
        let lock_path = f.session.paths().lock_dir().join(format!("{account}.lock"));
        let (tx, key_read) = mpsc::channel();
        let outcome = std::thread::scope(|scope| {
            // Owned by this closure: a failing assertion below drops it and frees the waiter.
            let lock = FileLock::acquire(&lock_path).unwrap();
            *f.on_key_read.lock().unwrap() = Some(tx);
            let waiter = scope.spawn(|| f.token(Flow::Interactive));
            // Once it asks for the cache key the waiter holds the expired file's bytes,
            // so it goes on to wait for the lock.
            let seen = key_read.recv_timeout(Duration::from_secs(60));
            *f.on_key_read.lock().unwrap() = None;
            assert!(seen.is_ok(), "token() never read the cache");
            f.put(&f.tokens("AT-holder", 3600, Some("RT-holder")));
            drop(lock);
            waiter.join().unwrap()
        });
        let (set, source) = outcome.unwrap();
        assert_eq!(source, TokenSource::Cache);
        assert_eq!(set.access_token.expose(), "AT-holder");
        assert!(f.requests().is_empty(), "{:?}", f.requests());
        assert_eq!(expose(&f.cached().refresh_token), Some("RT-holder"));
    }

    /// A profile of the same account as [`profile`] (same authority, tenant and client)
    /// for another project on another cluster, so another scope.
    fn sibling(flow: Flow) -> Profile {
        let mut p = profile(flow);
        p.project = "prod".into();
        p.cluster = "other".into();
        p
    }

    const OTHER_SCOPE: &str = "https://other.cognitedata.com/.default";

    /// The profiles file of `dev` (device code), `prod` (interactive, another cluster)
    /// and a service principal.
    fn profiles_file() -> ProfileFile {
        let mut file = ProfileFile::default();
        file.profiles.insert(NAME.into(), profile(Flow::DeviceCode));
        file.profiles
            .insert("prod".into(), sibling(Flow::Interactive));
        file.profiles
            .insert("svc".into(), profile(Flow::ClientCredentials));
        file
    }

    /// An ID token naming its person (unsigned: only its claims are read here).
    fn id_token(name: &str) -> Secret {
        let b64 = |v: Value| crate::token::b64url(v.to_string().as_bytes());
        Secret::new(format!(
            "{}.{}.sig",
            b64(json!({"alg": "RS256"})),
            b64(json!({"sub": "s1", "name": name}))
        ))
    }

    /// `dev` signed in (device code): what `login` keeps.
    fn sign_in_dev(f: &Fixture) {
        let mut set = f.tokens("AT-dev", 3600, Some("RT1"));
        set.id_token = Some(id_token("Alice Example"));
        f.session
            .keep(NAME, &profile(Flow::DeviceCode), set)
            .unwrap();
    }

    /// Issue 19: a sign-in of one profile serves every profile of its account: the
    /// first token of another project and cluster is one refresh of the account's
    /// refresh token for that profile's scope, with no prompt; the rotated refresh token
    /// goes back to the account, the access token to the profile alone.
    #[test]
    fn another_profile_of_a_signed_in_account_gets_its_token_by_one_refresh() {
        let f = Fixture::new(|r| match r.form_value("refresh_token") {
            Some("RT1") => token_answer("AT-prod", Some("RT2")),
            Some("RT2") => token_answer("AT-dev2", Some("RT3")),
            _ => idp_error("invalid_grant"),
        });
        sign_in_dev(&f);
        let prod = sibling(Flow::Interactive);
        let (set, source) = f
            .session
            .token("prod", &prod, TokenOptions::default())
            .unwrap();
        assert_eq!(
            (set.access_token.expose(), source),
            ("AT-prod", TokenSource::Refreshed)
        );
        let sent = f.token_requests();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].field("grant_type"), Some("refresh_token"));
        assert_eq!(sent[0].field("scope"), Some(OTHER_SCOPE));
        assert_eq!(
            set.signed_in_as().as_deref(),
            Some("Alice Example"),
            "the account's ID token says who"
        );
        // The profile's own file holds no refresh token; the account holds the new one.
        let own = f
            .session
            .cache()
            .load("prod", &prod.token_binding())
            .unwrap()
            .unwrap();
        assert!(own.refresh_token.is_none());
        let account = prod.account().unwrap();
        let kept = f.session.account_tokens(&account).unwrap().unwrap();
        assert_eq!(kept.refresh_token.expose(), "RT2");
        // dev's access token is still its own and served from its cache; its next
        // refresh redeems the rotated token, never RT1 again.
        let dev = profile(Flow::DeviceCode);
        let (set, source) = f
            .session
            .token(NAME, &dev, TokenOptions::default())
            .unwrap();
        assert_eq!(
            (set.access_token.expose(), source),
            ("AT-dev", TokenSource::Cache)
        );
        let forced = TokenOptions {
            force_refresh: true,
            ..TokenOptions::default()
        };
        let (set, _) = f.session.token(NAME, &dev, forced).unwrap();
        assert_eq!(set.access_token.expose(), "AT-dev2");
        let presented = f.sent("refresh_token");
        assert_eq!(presented, ["RT1", "RT2"]);
        assert_eq!(
            expose(&f.session.cached(NAME, &dev).unwrap().unwrap().refresh_token),
            Some("RT3"),
            "handed-out sets carry the account's refresh token"
        );
    }

    /// A provider that refuses the account's refresh token for another scope leaves that
    /// profile needing a sign-in, with the provider's error, and the account as it was.
    #[test]
    fn a_refusal_for_another_scope_leaves_that_profile_signed_out_only() {
        let f = Fixture::new(|r| match r.form_value("scope") {
            Some(OTHER_SCOPE) => json_answer(
                400,
                json!({"error": "invalid_scope", "error_description": "refresh token missing requested scope"}),
            ),
            _ => token_answer("AT-dev2", Some("RT2")),
        });
        sign_in_dev(&f);
        match f
            .session
            .token("prod", &sibling(Flow::Interactive), TokenOptions::default())
        {
            Err(SessionError::SignInRequired { profile, reason }) => {
                assert_eq!(profile, "prod");
                let reason = reason.unwrap_or_default();
                assert!(reason.contains("invalid_scope"), "{reason}");
                assert!(reason.contains("missing requested scope"), "{reason}");
            }
            other => panic!("expected SignInRequired, got {other:?}"),
        }
        let account = profile(Flow::DeviceCode).account().unwrap();
        let kept = f.session.account_tokens(&account).unwrap().unwrap();
        assert_eq!(kept.refresh_token.expose(), "RT1");
        let forced = TokenOptions {
            force_refresh: true,
            ..TokenOptions::default()
        };
        let (set, _) = f
            .session
            .token(NAME, &profile(Flow::DeviceCode), forced)
            .unwrap();
        assert_eq!(set.access_token.expose(), "AT-dev2");
    }

    /// Profiles of another account (here another client) share nothing: no token, and
    /// no request carrying the first account's refresh token.
    #[test]
    fn a_profile_of_another_account_starts_signed_out() {
        let f = Fixture::new(|_| token_answer("AT", Some("RT")));
        sign_in_dev(&f);
        let mut other = sibling(Flow::DeviceCode);
        other.client_id = "other-client".into();
        let r = f.session.token("other", &other, TokenOptions::default());
        assert!(
            matches!(r, Err(SessionError::SignInRequired { reason: None, .. })),
            "{r:?}"
        );
        assert!(f.requests().is_empty(), "{:?}", f.requests());
        assert!(
            f.session
                .cached_or_shared("other", &other)
                .unwrap()
                .is_none()
        );
    }

    /// Signing out of one profile signs its account out, with every profile sharing it
    /// (not the service principal), after revoking the refresh token at the provider.
    #[test]
    fn sign_out_revokes_and_signs_out_every_profile_of_the_account() {
        let f = Fixture::new(|r| match r.url.as_str() {
            REVOKE_URL => Response {
                status: 200,
                ..Response::default()
            },
            _ => token_answer("AT-prod", Some("RT2")),
        });
        f.session
            .secrets()
            .set("svc", SecretKind::ClientSecret, &Secret::new("s"))
            .unwrap();
        let file = profiles_file();
        sign_in_dev(&f);
        f.session
            .token("prod", &sibling(Flow::Interactive), TokenOptions::default())
            .unwrap();
        f.session
            .token(
                "svc",
                &profile(Flow::ClientCredentials),
                TokenOptions::default(),
            )
            .unwrap();
        let status = f
            .session
            .account_status("prod", &sibling(Flow::Interactive), &file)
            .unwrap()
            .unwrap();
        assert_eq!(status.profiles, [NAME, "prod"]);
        assert!(status.signed_in);
        assert_eq!(status.signed_in_as.as_deref(), Some("Alice Example"));

        let done = f
            .session
            .sign_out("prod", &sibling(Flow::Interactive), &file)
            .unwrap();
        assert_eq!(done.profiles, [NAME, "prod"]);
        assert!(done.revoked, "{done:?}");
        let revocations: Vec<_> = f
            .requests()
            .into_iter()
            .filter(|r| r.url == REVOKE_URL)
            .collect();
        assert_eq!(revocations.len(), 1, "{revocations:?}");
        assert_eq!(revocations[0].field("token"), Some("RT2"));
        assert_eq!(
            revocations[0].field("token_type_hint"),
            Some("refresh_token")
        );
        assert_eq!(revocations[0].field("client_id"), Some("cli"));
        for (name, p) in [
            (NAME, profile(Flow::DeviceCode)),
            ("prod", sibling(Flow::Interactive)),
        ] {
            let r = f.session.token(name, &p, TokenOptions::default());
            assert!(
                matches!(r, Err(SessionError::SignInRequired { .. })),
                "{name}: {r:?}"
            );
        }
        let tokens: Vec<_> = std::fs::read_dir(f.session.paths().token_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            tokens,
            ["svc.tokens"],
            "only the service principal's file is left"
        );
        let status = f
            .session
            .account_status(NAME, &profile(Flow::DeviceCode), &file)
            .unwrap()
            .unwrap();
        assert!(!status.signed_in);
    }

    /// The last profile of an account gone, its sign-in goes too.
    #[test]
    fn an_account_no_profile_shares_is_pruned() {
        let f = Fixture::new(|_| token_answer("AT", Some("RT")));
        sign_in_dev(&f);
        let account = profile(Flow::DeviceCode).account().unwrap();
        let file = profiles_file();
        assert!(f.session.prune_accounts(&file).unwrap().is_empty());
        assert!(f.session.account_tokens(&account).unwrap().is_some());
        let mut moved = profiles_file();
        for p in moved.profiles.values_mut() {
            p.tenant_id = "elsewhere".into();
        }
        assert_eq!(
            f.session.prune_accounts(&moved).unwrap(),
            [account.store_name()]
        );
        assert!(f.session.account_tokens(&account).unwrap().is_none());
        assert!(
            f.session
                .secrets()
                .get(&account.store_name(), SecretKind::CacheKey)
                .unwrap()
                .is_none()
        );
    }

    /// A profile of `profile`'s account whose token names no API (an `api://` scope),
    /// at `base`.
    fn unnamed(base: &str) -> Profile {
        let mut p = profile(Flow::DeviceCode);
        p.scopes = vec!["api://cdf/.default".into()];
        p.base_url = Some(base.into());
        p
    }

    /// Issue 24, finding 1: a token that names no API goes only where the account
    /// signed in for. Another profile of the account at another host gets nothing (no
    /// request), until a sign-in is started from it; one at the same host shares it.
    #[test]
    fn a_token_naming_no_api_goes_only_where_the_account_signed_in_for() {
        let f = Fixture::new(|_| token_answer("AT-shared", Some("RT2")));
        let home = unnamed("https://api.cognitedata.com");
        let mut set = f.tokens("AT-dev", 3600, Some("RT1"));
        set.id_token = Some(id_token("Alice Example"));
        f.session.store_sign_in(NAME, &home, set).unwrap();

        let elsewhere = unnamed("http://127.0.0.1:9/collector");
        match f
            .session
            .token("planted", &elsewhere, TokenOptions::default())
        {
            Err(SessionError::SignInRequired {
                reason: Some(reason),
                ..
            }) => {
                assert!(reason.contains("https://api.cognitedata.com"), "{reason}");
                assert!(reason.contains("http://127.0.0.1:9"), "{reason}");
            }
            other => panic!("expected SignInRequired, got {other:?}"),
        }
        assert!(f.requests().is_empty(), "{:?}", f.requests());
        assert!(
            f.session
                .cached_or_shared("planted", &elsewhere)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            f.session.signed_in_for("planted", &elsewhere).unwrap(),
            Some(false)
        );

        // Another project at the same host: one refresh, no prompt.
        let mut sibling = unnamed("https://api.cognitedata.com");
        sibling.project = "prod".into();
        let (set, source) = f
            .session
            .token("prod", &sibling, TokenOptions::default())
            .unwrap();
        assert_eq!(
            (set.access_token.expose(), source),
            ("AT-shared", TokenSource::Refreshed)
        );

        // A sign-in started from the other profile adds its API; the earlier ones stay.
        let mut set = f.tokens("AT-planted", 3600, Some("RT3"));
        set.id_token = None;
        f.session.store_sign_in("planted", &elsewhere, set).unwrap();
        let account = home.account().unwrap();
        let kept = f.session.account_tokens(&account).unwrap().unwrap();
        assert_eq!(
            kept.apis,
            ["https://api.cognitedata.com", "http://127.0.0.1:9"]
        );
        assert_eq!(kept.refresh_token.expose(), "RT3");
        assert_eq!(
            kept.id_token.as_ref().map(|t| t.expose().to_string()),
            Some(id_token("Alice Example").expose().to_string()),
            "the ID token of the earlier sign-in stays when the new one brings none"
        );
    }

    /// An organization's listed APIs replace the previous listing's, and the profiles'
    /// own sign-ins stay.
    #[test]
    fn an_organizations_listed_apis_are_read_again_at_each_sign_in() {
        let f = Fixture::new(|_| token_answer("AT", Some("RT")));
        let home = unnamed("https://api.cognitedata.com");
        let set = f.tokens("AT-dev", 3600, Some("RT1"));
        f.session.store_sign_in(NAME, &home, set.clone()).unwrap();
        f.session
            .store_org_sign_in(&home, &set, vec!["https://a.invalid".into()])
            .unwrap();
        f.session
            .store_org_sign_in(&home, &set, vec!["https://b.invalid".into()])
            .unwrap();
        let kept = f
            .session
            .account_tokens(&home.account().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(kept.org_apis, ["https://b.invalid"]);
        assert_eq!(kept.apis, ["https://api.cognitedata.com"]);
        let gone = unnamed("https://a.invalid");
        assert_eq!(f.session.signed_in_for("x", &gone).unwrap(), Some(false));
        let listed = unnamed("https://b.invalid");
        assert_eq!(f.session.signed_in_for("x", &listed).unwrap(), Some(true));
    }
}

//! One entry point per parser of outside data, for the fuzz targets in `fuzz/` (cargo
//! feature `fuzzing`) and for the replay test below, which feeds them every seed and
//! every saved crash in `fuzz/`. Each function runs the real parsing code and then what
//! the app does next with the result, and ignores the outcome: only a panic counts.
//!
//! Answers from the network come in through a scripted `Transport`, as the unit tests
//! of the session do, so the same code runs as in production up to the socket.

/// Property tests of the same parsers (tests only).
#[cfg(test)]
mod properties;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use crate::app::AppError;
use crate::auth::http::{Http, Request, Response};
use crate::auth::{AuthError, CancelToken, Endpoints, SignInPrompt};
use crate::cdf::export::{self, ProjectEnv, Shell};
use crate::cdf::orgs::{self, OrgProject, OrgSignIn};
use crate::paths::Paths;
use crate::profile::{Flow, Profile, ProfileFile, ProfileStore};
use crate::secrets::{MemoryStore, Secret, SecretError, SecretKind, SecretStore};
use crate::session::{Session, SessionError};
use crate::token::{Jwt, TokenSet};

/// Where the scripted identity provider lives (never contacted: the transport answers).
const IDP: &str = "https://idp.example.com";
/// A cache directory that cannot exist (`/dev/null` is no directory), so discovery
/// neither reads nor writes a cache between runs.
const NO_CACHE_DIR: &str = "/dev/null/cdf-signin-fuzz";

/// A JWT (an access or id token from the provider or the cache): decoded as `token
/// inspect-jwt`, the status line and the window show it.
pub fn jwt(data: &str) {
    if let Ok(jwt) = Jwt::decode(data) {
        for (claim, value) in &jwt.claims {
            let _ = crate::format::claim_meaning(claim);
            let _ = crate::format::claim_value_in_table(claim, value);
            let _ = crate::format::json_value_in_line(value);
            if crate::format::is_time_claim(claim)
                && let Some(t) = jwt.time_claim(claim)
            {
                let _ = crate::format::local_time_with_offset(t);
            }
        }
        for claim in ["exp", "iat", "nbf", "auth_time"] {
            let _ = jwt.time_claim(claim);
        }
        for claim in ["sub", "oid", "upn", "iss", "aud", "tid"] {
            let _ = jwt.str_claim(claim);
        }
    }
    let Some(now) = chrono::DateTime::from_timestamp(1_800_000_000, 0) else {
        return;
    };
    let expires_at = Jwt::decode(data)
        .ok()
        .and_then(|j| j.time_claim("exp"))
        .unwrap_or(now);
    let set = TokenSet {
        access_token: Secret::new(data),
        token_type: "Bearer".into(),
        expires_at,
        refresh_token: None,
        id_token: None,
        scope: None,
    };
    show_token_set(&set, now);
}

/// A token endpoint's answer body: as a success (HTTP 200) through refresh, then as an
/// error answer (HTTP 400) and as throttling (HTTP 429) through the same path.
pub fn token_response(data: &[u8]) {
    let (Some(profile), Some(endpoints)) = (profile(Flow::Interactive), endpoints()) else {
        return;
    };
    let old = Secret::new("old-refresh-token");
    for status in [200, 400, 429] {
        let http = answering(status, data);
        let result = block_on(crate::auth::refresh(&http, &endpoints, &profile, &old));
        match result {
            Some(Ok(set)) => {
                let _ = set.lifetime_secs();
                let _ = set.seconds_left(chrono::Utc::now());
                let _ = serde_json::to_vec(&set);
            }
            Some(Err(e)) => describe(&e),
            None => {}
        }
    }
}

/// An OAuth error body (`{error, error_description, ...}`), parsed directly and as the
/// HTTP layer meets it, then worded as both front ends word it.
pub fn idp_error(data: &[u8]) {
    if let Ok(e) = serde_json::from_slice::<crate::auth::error::IdpError>(data) {
        let _ = e.to_string();
        let _ = e.aadsts();
        let _ = e.summary();
        let _ = e.remedy();
        describe(&AuthError::Idp(Box::new(e)));
    }
    let Ok(url) = Url::parse(IDP) else {
        return;
    };
    let http = answering(401, data);
    if let Some(Err(e)) = block_on(http.post_form::<serde_json::Value>(&url, &[])) {
        describe(&e);
    }
}

/// CDF's `token/inspect` answer: parsed, judged for a project, grouped and filtered as
/// `cdf-signin access` and the Access panel do.
pub fn inspect(data: &[u8]) {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(inspection) = crate::cdf::inspect::Inspection::from_json(&body) else {
        return;
    };
    let mut projects: Vec<String> = inspection.projects.iter().map(|p| p.name.clone()).collect();
    projects.push("my-project".into());
    for project in &projects {
        let _ = inspection.verdict(project);
        let _ = inspection.verdict_sentence(project);
    }
    for (_, caps) in inspection.by_acl() {
        for cap in caps {
            let _ = cap.matches("read");
            let _ = cap.matches(&cap.acl);
            let _ = cap.applies_to("my-project");
            let _ = cap.scope.to_string();
            let _ = cap.projects.to_string();
        }
    }
}

/// A `.env` file of the Cognite toolkit, imported as `profile import` does.
pub fn dotenv(data: &str) {
    let vars = match crate::cdf::dotenv::parse(data) {
        Ok(vars) => vars,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for name in [None, Some("imported")] {
        match crate::cdf::dotenv::to_profile(&|k| vars.get(k).cloned(), name) {
            Ok(imported) => {
                let _ = imported.notes.join("\n");
                use_profile(&imported.name, &imported.profile);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// `profiles.toml`, read as the profile store reads it, then every profile checked and
/// used as sign-in and `env` use it.
pub fn profiles_toml(data: &str) {
    let file = match ProfileFile::parse(data) {
        Ok(file) => file,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    // What a rewrite would write: the set-aside tables as they were.
    let _ = file.to_text();
    if let Err(e) = file.resolve(None) {
        let _ = (e.to_string(), e.remedy());
    }
    for (name, profile) in &file.profiles {
        use_profile(name, profile);
    }
}

/// An OpenID configuration document, fetched by discovery for a provider that is not
/// Entra ID (no cache: see [`NO_CACHE_DIR`]).
pub fn discovery(data: &[u8]) {
    let Some(profile) = profile(Flow::DeviceCode) else {
        return;
    };
    for status in [200, 404, 500] {
        let http = answering(status, data);
        let resolver = crate::auth::endpoints::Resolver {
            http: &http,
            cache_dir: PathBuf::from(NO_CACHE_DIR),
        };
        match block_on(resolver.resolve(&profile)) {
            Some(Ok(e)) => {
                let _ = (e.token.as_str(), e.authorization, e.device_authorization);
            }
            Some(Err(e)) => describe(&e),
            None => {}
        }
    }
}

/// A discovery cache file (`discovery/<hash>.json` in the cache dir): what is on disk is
/// read back before any request is made.
pub fn discovery_cache(data: &[u8]) {
    let Some(profile) = profile(Flow::DeviceCode) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("cdf-signin-fuzz-{}", std::process::id()));
    // Nothing answers, so only the cache can give endpoints.
    let http = answering(404, b"");
    let resolver = crate::auth::endpoints::Resolver {
        http: &http,
        cache_dir: dir.clone(),
    };
    let Some(file) = cache_file_of(&dir, &profile) else {
        return;
    };
    if std::fs::write(&file, data).is_err() {
        return;
    }
    if let Some(Err(e)) = block_on(resolver.resolve(&profile)) {
        describe(&e);
    }
}

/// The device authorization answer (user code, verification URI, expiry, interval); the
/// prompt is shown, then the sign-in is cancelled before polling.
pub fn device_code(data: &[u8]) {
    let (Some(profile), Some(endpoints)) = (profile(Flow::DeviceCode), endpoints()) else {
        return;
    };
    let http = answering(200, data);
    let cancel = CancelToken::default();
    let on_prompt = |prompt: SignInPrompt| {
        if let SignInPrompt::DeviceCode(p) = prompt {
            let _ = (p.user_code, p.verification_uri, p.message);
            let _ = crate::format::local_time_with_offset(p.expires_at);
        }
        cancel.cancel();
    };
    let result = block_on(crate::auth::device_code::sign_in(
        &http, &endpoints, &profile, &on_prompt, &cancel,
    ));
    if let Some(Err(e)) = result {
        describe(&e);
    }
}

/// A request to the loopback listener, as its connection thread reads it (the head up to
/// the blank line, at most `MAX_HEAD` bytes), screened and handled as the waiting side
/// does. Only a request carrying this attempt's `state` may end the wait with a code.
pub fn loopback(data: &[u8]) {
    use crate::auth::loopback::{Callback, MAX_HEAD, parse_head, screen_parts};
    const STATE: &str = "the-state";
    let head = match data.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => &data[..end],
        None => data,
    };
    if head.len() > MAX_HEAD {
        return;
    }
    let Some((method, target, host)) = parse_head(head) else {
        return;
    };
    if screen_parts(method == "GET", host.as_deref()).is_err() {
        return;
    }
    let (status, page, outcome) = crate::auth::interactive::handle(&target, STATE);
    let _ = (status, page.len());
    match outcome {
        Callback::Done(Ok(code)) => {
            // The one thing a forged request must never do: reach the token endpoint.
            let url = Url::parse(&format!("http://localhost{target}"));
            let state_of = |url: &Url| {
                url.query_pairs()
                    .find(|(k, _)| k == "state")
                    .map(|(_, v)| v.into_owned())
            };
            assert!(
                url.as_ref().ok().and_then(state_of).as_deref() == Some(STATE),
                "a request without this attempt's state gave a code"
            );
            assert!(!code.is_empty(), "an empty code ended the wait");
        }
        Callback::Done(Err(e)) => describe(&e),
        Callback::Ignored => {}
    }
}

/// CDF's answer to `login/status` (a legacy API key), and the error answers of CDF's API
/// as `token/inspect` meets them, then worded as `cdf-signin access` words them.
pub fn login_status(data: &[u8]) {
    let key = Secret::new("api-key");
    let base_url = "https://westeurope-1.cognitedata.com";
    for status in [200, 401, 403, 404, 500] {
        let http = answering(status, data);
        match block_on(crate::cdf::client::login_status(&http, base_url, &key)) {
            Some(Ok(s)) => {
                let id = s.project_id.map(|i| format!(" (id {i})"));
                let _ = (s.user.len(), s.logged_in, s.project == "my-project", id);
            }
            Some(Err(e)) => {
                let _ = (e.to_string(), e.remedy());
            }
            None => {}
        }
        let token = Secret::new("token");
        if let Some(Err(e)) = block_on(crate::cdf::client::inspect(&http, base_url, &token)) {
            let _ = (e.to_string(), e.remedy());
        }
    }
}

/// The key of the fuzzing token cache (32 bytes, base64) and the file's layout, as
/// `src/cache.rs` writes it: magic, a 24-byte nonce, then the sealed TokenSet JSON.
const CACHE_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const CACHE_MAGIC: &[u8] = b"CDFSIGNIN1";
const CACHE_PROFILE: &str = "fuzz";
/// The binding the fuzzing cache is sealed for (a profile's settings fingerprint).
const CACHE_BINDING: &str = "fuzz-binding";

/// The token cache file: the fuzzed bytes as the file on disk, then the same bytes as the
/// TokenSet JSON sealed inside a file that decrypts; a set that loads is shown and
/// stored again, and must load back the same.
pub fn token_cache(data: &[u8]) {
    if let Some(dir) = scratch_dir("cache") {
        token_cache_in(&dir, data);
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn token_cache_in(dir: &std::path::Path, data: &[u8]) {
    let store = OneKeyStore::default();
    let cache = crate::cache::TokenCache::new(dir.to_path_buf(), &store);
    let file = dir.join(format!("{CACHE_PROFILE}.tokens"));
    let Some(now) = chrono::DateTime::from_timestamp(1_800_000_000, 0) else {
        return;
    };
    for bytes in [Some(data.to_vec()), seal(data)].into_iter().flatten() {
        if std::fs::write(&file, &bytes).is_err() {
            return;
        }
        let Ok(Some(set)) = cache.load(CACHE_PROFILE, CACHE_BINDING) else {
            continue;
        };
        show_token_set(&set, now);
        for token in [Some(&set.access_token), set.id_token.as_ref()]
            .into_iter()
            .flatten()
        {
            jwt(token.expose());
        }
        if cache.store(CACHE_PROFILE, CACHE_BINDING, &set).is_ok() {
            let back = cache.load(CACHE_PROFILE, CACHE_BINDING).ok().flatten();
            let same = back
                .is_some_and(|b| serde_json::to_value(&b).ok() == serde_json::to_value(&set).ok());
            assert!(same, "a stored token set did not load back the same");
        }
    }
}

/// A directory of this thread's own (the unit tests run entry points on several threads
/// at once); the caller removes it.
fn scratch_dir(what: &str) -> Option<PathBuf> {
    let thread = format!("{:?}", std::thread::current().id());
    let digits: String = thread.chars().filter(char::is_ascii_digit).collect();
    let dir = std::env::temp_dir().join(format!(
        "cdf-signin-fuzz-{what}-{}-{digits}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// `data` as the plaintext of a cache file that decrypts with [`CACHE_KEY`].
fn seal(data: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let key = base64::engine::general_purpose::STANDARD
        .decode(CACHE_KEY)
        .ok()?;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&key).ok()?;
    let nonce = [7u8; 24];
    let sealed = cipher
        .encrypt(
            chacha20poly1305::XNonce::from_slice(&nonce),
            Payload {
                msg: data,
                aad: format!("{CACHE_PROFILE}\n{CACHE_BINDING}").as_bytes(),
            },
        )
        .ok()?;
    Some([CACHE_MAGIC, &nonce, &sealed].concat())
}

/// A keyring that holds the fuzzing cache key and nothing else.
#[derive(Default)]
struct OneKeyStore(std::sync::Mutex<Option<Secret>>);

impl SecretStore for OneKeyStore {
    fn get(&self, _: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        if kind != SecretKind::CacheKey {
            return Ok(None);
        }
        let held = self
            .0
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        Ok(Some(held.clone().unwrap_or_else(|| Secret::new(CACHE_KEY))))
    }

    fn set(&self, _: &str, _: SecretKind, value: &Secret) -> Result<(), SecretError> {
        let mut held = self
            .0
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        *held = Some(value.clone());
        Ok(())
    }

    fn delete(&self, _: &str, _: SecretKind) -> Result<(), SecretError> {
        Ok(())
    }
}

/// A client certificate and its private key, as `ClientCertificate::load` reads them
/// from two PEM files: the input up to a line `%%` is the certificate file, the rest the
/// key file; without that line both files hold the whole input (one PEM with both).
pub fn certificate(data: &[u8]) {
    if let Some(dir) = scratch_dir("pem") {
        certificate_in(&dir, data);
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn certificate_in(dir: &std::path::Path, data: &[u8]) {
    let (cert, key) = match data.windows(4).position(|w| w == b"\n%%\n") {
        Some(at) => (&data[..at], &data[at + 4..]),
        None => (data, data),
    };
    let (cert_path, key_path) = (dir.join("client.pem"), dir.join("client.key"));
    if std::fs::write(&cert_path, cert).is_err() || std::fs::write(&key_path, key).is_err() {
        return;
    }
    match crate::auth::ClientCertificate::load(&cert_path, &key_path) {
        Ok(cert) => {
            if let Ok(assertion) = cert.assertion("client", &format!("{IDP}/token"), 1_800_000_000)
            {
                let decoded = Jwt::decode(assertion.expose());
                assert!(decoded.is_ok(), "a signed assertion is not a JWT");
            }
        }
        Err(e) => describe(&e),
    }
}

/// The organization the organization targets sign in to.
const ORG: &str = "contoso";

/// The Cognite IdP's listing of an organization's projects (`GET
/// {base}/api/v1/orgs/{org}/projects`), from its bytes: its error answers as `login --org`
/// words them, then a listing through what a sign-in by organization does with it
/// (`app::Profiles::add_org_projects`: name each profile, the base-URL rules, the default,
/// the sign-in for each) over three profiles files: none; one where the names `prod`,
/// `test` and `contoso-test` are taken and the project `kept` has its profile, with a
/// default; the same without a default. The same bytes
/// are also the token endpoint's refusal of the organization's sign-in.
///
/// Checked: every project is added, kept or skipped; an added profile's name and fields
/// are what `profile add` accepts, its base URL has no user name, password, query or
/// fragment, it holds the sign-in; at most one default, and a default that was set stays;
/// nothing the outcome shows holds a control character or a bidi override.
pub fn org_projects(data: &[u8]) {
    let request = OrgSignIn {
        org: ORG.into(),
        ..OrgSignIn::default()
    };
    let template = request.sign_in_profile();
    let token = Secret::new("org-access-token");
    for status in [401, 403, 404, 500] {
        let http = answering(status, data);
        if let Some(Err(e)) = block_on(orgs::projects_at(&http, &template, &token)) {
            let _ = (e.to_string(), e.remedy());
        }
    }
    org_sign_in_refused(data);
    let http = answering(200, data);
    let projects = match block_on(orgs::projects_at(&http, &template, &token)) {
        Some(Ok(projects)) => projects,
        Some(Err(e)) => {
            let _ = (e.to_string(), e.remedy());
            return;
        }
        None => return,
    };
    for start in org_starts(&request) {
        if let Some(dir) = scratch_dir("org") {
            org_listing_in(&dir, &request, start.as_ref(), &projects);
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The token endpoint's answer to the organization sign-in's code, as an error (HTTP 400,
/// 401), worded as `login --org` and the window word it.
fn org_sign_in_refused(data: &[u8]) {
    let Some(endpoints) = endpoints() else {
        return;
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", orgs::CLI_CLIENT_ID),
        ("code", "the-code"),
    ];
    for status in [400, 401] {
        let http = answering(status, data);
        let Some(Err(e)) = block_on(crate::auth::token_request(&http, &endpoints, &form)) else {
            continue;
        };
        let refused = matches!(e, AuthError::Idp(_));
        let e = crate::app::org::sign_in_error(ORG, SessionError::Auth(e));
        let _ = (e.to_string(), e.remedy());
        assert_eq!(
            refused,
            matches!(e, AppError::OrgRefused { .. }),
            "the provider's refusal is the organization's, and nothing else is"
        );
    }
}

/// The profiles files a listing meets (as `profiles.toml` text; `None`: no file).
fn org_starts(request: &OrgSignIn) -> Vec<Option<String>> {
    let mut file = ProfileFile::default();
    let (Some(dev), Some(prod)) = (profile(Flow::DeviceCode), profile(Flow::Interactive)) else {
        return vec![None];
    };
    file.profiles.insert("dev".into(), dev);
    file.profiles.insert("prod".into(), prod.clone());
    file.profiles.insert("test".into(), prod.clone());
    file.profiles.insert("contoso-test".into(), prod);
    if let Ok(url) = Url::parse("https://westeurope-1.cognitedata.com") {
        // The organization's project `kept`, made by an earlier sign-in.
        file.profiles
            .insert("mine".into(), request.profile("kept", &url));
    }
    let without = file.to_text().ok();
    file.default = Some("dev".into());
    vec![None, file.to_text().ok(), without]
}

/// [`org_projects`] on one profiles file in `dir`.
fn org_listing_in(
    dir: &std::path::Path,
    request: &OrgSignIn,
    start: Option<&String>,
    projects: &[OrgProject],
) {
    let config = dir.join("config");
    if std::fs::create_dir_all(&config).is_err() {
        return;
    }
    if let Some(text) = start
        && std::fs::write(config.join("profiles.toml"), text).is_err()
    {
        return;
    }
    let Some(now) = chrono::DateTime::from_timestamp(1_800_000_000, 0) else {
        return;
    };
    let Some(rt) = runtime_handle() else {
        return;
    };
    let store = ProfileStore::new(&config);
    let before = store.load().expect("the starting profiles file reads");
    let session = Session::new(
        Paths::under(dir),
        Box::new(MemoryStore::default()),
        Box::new(FixedClock(now)),
        rt,
    );
    let set = TokenSet {
        access_token: Secret::new("org-access-token"),
        token_type: "Bearer".into(),
        expires_at: now + chrono::Duration::hours(1),
        refresh_token: Some(Secret::new("org-refresh-token")),
        id_token: None,
        scope: None,
    };
    let outcome = crate::app::Profiles::new(&store, &session)
        .add_org_projects(request, &set, projects.to_vec())
        .unwrap_or_else(|e| panic!("a listing failed the sign-in after it succeeded: {e}"));
    let after = store.load().expect("the profiles file reads back");

    assert_eq!(
        outcome.added.len() + outcome.existing.len() + outcome.skipped.len(),
        projects.len(),
        "every listed project is added, kept or skipped"
    );
    for saved in &outcome.added {
        let name = &saved.name;
        assert!(!before.has(name), "the name '{name}' was taken");
        let profile = after.get(name).expect("an added profile is in the file");
        // What `profile add` (and the editor) accepts: the name and every field.
        let draft = crate::app::ProfileDraft {
            original: None,
            ..crate::app::ProfileDraft::of(name, profile)
        };
        match draft.check() {
            Ok(resolved) => assert_eq!(
                &resolved.profile, profile,
                "`profile add` reads it otherwise"
            ),
            Err(problems) => panic!("`profile add` refuses '{name}': {problems:?}"),
        }
        assert_eq!(profile.org.as_deref(), Some(ORG));
        assert_base_url(profile.base_url.as_deref().unwrap_or_default());
        let kept = session.cached(name, profile).ok().flatten();
        assert!(
            kept.is_some_and(|s| s.access_token.expose() == "org-access-token"),
            "'{name}' does not hold the sign-in"
        );
    }
    for name in &outcome.existing {
        assert!(
            after.has(name),
            "a kept profile '{name}' is not in the file"
        );
    }

    // At most one default, and a default that was set stays.
    let defaults: Vec<&String> = outcome
        .added
        .iter()
        .filter(|s| s.is_default)
        .map(|s| &s.name)
        .collect();
    assert!(defaults.len() <= 1, "more than one default: {defaults:?}");
    if before.default.is_some() {
        assert_eq!(after.default, before.default, "the default changed");
        assert!(defaults.is_empty() && outcome.default.is_none());
    }
    for name in defaults.into_iter().chain(&outcome.default) {
        assert_eq!(
            after.default.as_ref(),
            Some(name),
            "the outcome's default is not the file's"
        );
    }
    if let Some(name) = &after.default {
        assert!(after.has(name), "the default '{name}' is no profile");
    }

    // What `login --org` prints and the window's toast shows.
    let shown = std::iter::once(&outcome.org)
        .chain(outcome.added.iter().map(|s| &s.name))
        .chain(&outcome.existing)
        .chain(outcome.skipped.iter().flat_map(|(p, why)| [p, why]));
    for text in shown {
        assert!(
            !text.chars().any(unsafe_to_show),
            "listing text reaches a message unescaped: {text:?}"
        );
    }
}

/// A control character, or a bidi override that reorders what a terminal shows.
fn unsafe_to_show(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The rules of `--base-url`: a URL that may receive tokens, without a user name or
/// password (shown by `profile list`), a query or a fragment (where an appended path
/// would land).
fn assert_base_url(text: &str) {
    let url = crate::profile::parse_secure_url(crate::field::Field::BaseUrl, text)
        .unwrap_or_else(|e| panic!("base URL {text:?}: {e}"));
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "base URL {text:?} carries a user name or password"
    );
    assert!(url.query().is_none(), "base URL {text:?} carries a query");
    assert!(
        url.fragment().is_none(),
        "base URL {text:?} carries a fragment"
    );
}

/// The answer to a sign-out's revocation request (RFC 7009), through `Session::sign_out`
/// for a Cognite organization's profile whose provider offers revocation: HTTP 200, 204,
/// 400, 401, 404 and 503 with these bytes. A 2xx answer is a revocation whatever its
/// body, any other is a failure said in words; either way the sign-in is forgotten here.
pub fn revocation(data: &[u8]) {
    if let Some(dir) = scratch_dir("revoke") {
        revocation_in(&dir, data);
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn revocation_in(dir: &std::path::Path, data: &[u8]) {
    let (Some(now), Some(rt)) = (
        chrono::DateTime::from_timestamp(1_800_000_000, 0),
        runtime_handle(),
    ) else {
        return;
    };
    let Ok(api) = Url::parse("https://westeurope-1.cognitedata.com") else {
        return;
    };
    let request = OrgSignIn {
        org: ORG.into(),
        authority: Some(IDP.into()),
        ..OrgSignIn::default()
    };
    let profile = request.profile("p", &api);
    let mut file = ProfileFile::default();
    file.profiles.insert("p".into(), profile.clone());
    let metadata = format!(
        r#"{{"issuer":"{IDP}","authorization_endpoint":"{IDP}/authorize","token_endpoint":"{IDP}/token","revocation_endpoint":"{IDP}/revoke"}}"#
    );
    let status = Arc::new(std::sync::atomic::AtomicU16::new(200));
    let answer = {
        let (status, body) = (status.clone(), data.to_vec());
        move |r: &Request<'_>| -> Result<Response, AuthError> {
            let (status, body) = match r.url.path() {
                "/.well-known/openid-configuration" => (200, metadata.as_bytes().to_vec()),
                "/revoke" => (
                    status.load(std::sync::atomic::Ordering::Relaxed),
                    body.clone(),
                ),
                _ => (404, Vec::new()),
            };
            Ok(Response {
                status,
                content_type: Some("application/json".into()),
                retry_after: None,
                body,
            })
        }
    };
    let session = Session::new(
        Paths::under(dir),
        Box::new(MemoryStore::default()),
        Box::new(FixedClock(now)),
        rt,
    )
    .with_transport(Arc::new(answer));
    for code in [200, 204, 400, 401, 404, 503] {
        status.store(code, std::sync::atomic::Ordering::Relaxed);
        let set = TokenSet {
            access_token: Secret::new("access"),
            token_type: "Bearer".into(),
            expires_at: now + chrono::Duration::hours(1),
            refresh_token: Some(Secret::new("refresh")),
            id_token: None,
            scope: None,
        };
        if session.store_sign_in("p", &profile, set).is_err() {
            return;
        }
        let out = session.sign_out("p", &profile, &file).unwrap_or_else(|e| {
            panic!("a revocation answer (HTTP {code}) failed the sign-out: {e}")
        });
        if (200..300).contains(&code) {
            assert!(
                out.revoked && out.revoke_error.is_none(),
                "HTTP {code}: {out:?}"
            );
        } else {
            assert!(!out.revoked, "HTTP {code} was taken for a revocation");
            assert!(
                out.revoke_error.is_some(),
                "HTTP {code} failed without a word"
            );
        }
        assert!(
            session.cached("p", &profile).ok().flatten().is_none(),
            "HTTP {code}: the sign-in outlived the sign-out"
        );
    }
}

/// A clock that stays at one instant.
struct FixedClock(chrono::DateTime<chrono::Utc>);

impl crate::token::Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}

/// The handle of this thread's multi-thread runtime, as a `Session` needs one.
fn runtime_handle() -> Option<tokio::runtime::Handle> {
    thread_local! {
        static RUNTIME: Option<tokio::runtime::Runtime> = crate::runtime::build().ok();
    }
    RUNTIME.with(|rt| rt.as_ref().map(|rt| rt.handle().clone()))
}

/// What the app does with a profile from outside (a file or an import): validation, the
/// derived URLs and scopes, endpoint resolution and the `env` lines.
fn use_profile(name: &str, profile: &Profile) {
    if let Err(e) = crate::profile::validate_name(name) {
        let _ = (e.to_string(), e.remedy());
    }
    let base_url = profile.base_url();
    let _ = (profile.authority(), profile.resource_scopes());
    let _ = (
        profile.sign_in_scopes(),
        profile.shown_port(),
        profile.secret_kind(),
    );
    let _ = profile.renews_silently(true);
    let _ = crate::auth::refresh_scopes(profile);
    let _ = crate::urls::private_link_cluster(&base_url);
    let env = ProjectEnv {
        project: &profile.project,
        cluster: &profile.cluster,
        base_url: &base_url,
    };
    for shell in [Shell::Sh, Shell::Fish, Shell::PowerShell, Shell::Cmd] {
        let _ = export::env_lines(&env, Some(("CDF_TOKEN", "t")), shell);
    }
    let _ = export::python_snippet(name, &env, "cdf-signin");
    if let Err(e) = profile.validate() {
        let _ = (e.to_string(), e.remedy());
        return;
    }
    // Only valid profiles reach sign-in; nothing answers, and no cache is kept.
    let http = answering(404, b"");
    let resolver = crate::auth::endpoints::Resolver {
        http: &http,
        cache_dir: PathBuf::from(NO_CACHE_DIR),
    };
    if let Some(Err(e)) = block_on(resolver.resolve(profile)) {
        describe(&e);
    }
}

/// What the status line, `token --json` and the window's countdown do with a token set.
fn show_token_set(set: &TokenSet, now: chrono::DateTime<chrono::Utc>) {
    let _ = set.lifetime_secs();
    let left = set.seconds_left(now);
    let _ = set.is_valid_for(now, 60);
    let _ = crate::format::time_left_in_words(left);
    let _ = crate::format::countdown(left);
    let _ = crate::format::local_time_with_offset(set.expires_at);
    let _ = crate::format::countdown_next_change((set.expires_at - now).num_seconds());
    let _ = crate::format::countdown_next_change_ms((set.expires_at - now).num_milliseconds());
}

/// An error as the front ends show it: its one line and its remedy.
fn describe(e: &AuthError) {
    let _ = e.to_string();
    let _ = e.remedy();
    if let AuthError::Idp(idp) = e {
        let _ = (idp.aadsts(), idp.summary());
    }
}

/// A profile of `flow` at the scripted provider.
fn profile(flow: Flow) -> Option<Profile> {
    toml::from_str(&format!(
        "cluster = 'westeurope-1'\nproject = 'my-project'\ntenant_id = 'tenant'\n\
         client_id = 'client'\nflow = '{}'\nauthority = '{IDP}'",
        flow.as_str()
    ))
    .ok()
}

fn endpoints() -> Option<Endpoints> {
    Some(Endpoints {
        authorization: Some(Url::parse(&format!("{IDP}/authorize")).ok()?),
        token: Url::parse(&format!("{IDP}/token")).ok()?,
        device_authorization: Some(Url::parse(&format!("{IDP}/devicecode")).ok()?),
        revocation: None,
    })
}

/// An HTTP client whose every request gets `status` with `body` as JSON.
fn answering(status: u16, body: &[u8]) -> Http {
    let body = body.to_vec();
    Http::with_transport(Arc::new(move |_: &Request<'_>| {
        Ok(Response {
            status,
            content_type: Some("application/json".into()),
            retry_after: Some("7".into()),
            body: body.clone(),
        })
    }))
}

/// The discovery cache file for `profile` in `dir`, as the resolver names it: found by
/// letting the resolver write it once from a good answer (remembered per directory, so
/// a fuzzing run does not fsync a file per input).
fn cache_file_of(dir: &std::path::Path, profile: &Profile) -> Option<PathBuf> {
    thread_local! {
        static FILES: std::cell::RefCell<std::collections::HashMap<PathBuf, PathBuf>> =
            std::cell::RefCell::default();
    }
    if let Some(file) = FILES.with(|f| f.borrow().get(dir).cloned()) {
        return Some(file);
    }
    let metadata = format!(r#"{{"issuer":"{IDP}","token_endpoint":"{IDP}/token"}}"#);
    let http = answering(200, metadata.as_bytes());
    let resolver = crate::auth::endpoints::Resolver {
        http: &http,
        cache_dir: dir.to_path_buf(),
    };
    block_on(resolver.resolve(profile))?.ok()?;
    let file = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))?;
    FILES.with(|f| f.borrow_mut().insert(dir.to_path_buf(), file.clone()));
    Some(file)
}

/// Runs a future on this thread's runtime (timers on: the device flow waits).
fn block_on<F: Future>(future: F) -> Option<F::Output> {
    thread_local! {
        static RUNTIME: Option<tokio::runtime::Runtime> =
            tokio::runtime::Builder::new_current_thread().enable_time().build().ok();
    }
    RUNTIME.with(|rt| rt.as_ref().map(|rt| rt.block_on(future)))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Saved crashes whose bug is not fixed yet: `target/file` and the bug. The fix
    /// removes its entry, so the input is replayed from then on.
    const NOT_FIXED_YET: &[(&str, &str)] = &[];

    fn run(target: &str, data: &[u8]) {
        // As the fuzz targets do: text targets see only UTF-8.
        let text = || std::str::from_utf8(data).unwrap_or_default();
        match target {
            "jwt" => jwt(text()),
            "token_response" => token_response(data),
            "idp_error" => idp_error(data),
            "inspect" => inspect(data),
            "dotenv" => dotenv(text()),
            "profiles_toml" => profiles_toml(text()),
            "discovery" => discovery(data),
            "discovery_cache" => discovery_cache(data),
            "device_code" => device_code(data),
            "loopback" => loopback(data),
            "login_status" => login_status(data),
            "token_cache" => token_cache(data),
            "certificate" => certificate(data),
            "org_projects" => org_projects(data),
            "revocation" => revocation(data),
            other => panic!("fuzz/ has inputs for an unknown target `{other}`"),
        }
    }

    /// Every input under `fuzz/<kind>/<target>/`, as (target, name, bytes).
    fn inputs(kind: &str) -> Vec<(String, String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(kind);
        let mut out = Vec::new();
        let Ok(targets) = std::fs::read_dir(&root) else {
            return out;
        };
        for target in targets.flatten() {
            let target_name = target.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(target.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = file.file_name().to_string_lossy().into_owned();
                let data = std::fs::read(file.path()).unwrap();
                out.push((target_name.clone(), name, data));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_seed_runs_without_a_panic() {
        let seeds = inputs("seeds");
        assert!(
            seeds.len() >= 9,
            "the seed corpus is missing: {}",
            seeds.len()
        );
        for (target, _, data) in seeds {
            run(&target, &data);
        }
    }

    #[test]
    fn every_saved_crash_runs_without_a_panic() {
        for (target, name, data) in inputs("regressions") {
            let key = format!("{target}/{name}");
            if NOT_FIXED_YET.iter().any(|(k, _)| *k == key) {
                continue;
            }
            run(&target, &data);
        }
    }

    #[test]
    fn skipped_crashes_still_exist() {
        let saved: Vec<String> = inputs("regressions")
            .into_iter()
            .map(|(t, n, _)| format!("{t}/{n}"))
            .collect();
        for (key, bug) in NOT_FIXED_YET {
            assert!(
                saved.contains(&key.to_string()),
                "{key} ({bug}) is not in fuzz/regressions"
            );
        }
    }

    /// The scripted transport really delivers the body: a good token answer comes back
    /// as a token set (so the targets do reach the parsers).
    #[test]
    fn scripted_answers_reach_the_parser() {
        let (profile, endpoints) = (profile(Flow::Interactive).unwrap(), endpoints().unwrap());
        let http = answering(200, br#"{"access_token":"a","expires_in":60}"#);
        let set = block_on(crate::auth::refresh(
            &http,
            &endpoints,
            &profile,
            &Secret::new("r"),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(set.access_token.expose(), "a");
        assert_eq!(set.refresh_token.unwrap().expose(), "r");
        let dir = tempfile::tempdir().unwrap();
        assert!(cache_file_of(dir.path(), &profile).is_some());
    }

    fn seed(target: &str, name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target)
            .join(name);
        std::fs::read(path).unwrap()
    }

    /// The organization seeds reach the application layer: the documented shape adds
    /// both projects (the listed default becomes the default), and the taken names give
    /// way to `PROJECT-2`, keep the project that has its profile, add a project listed
    /// twice once, and leave the default that was set.
    #[test]
    fn org_seeds_reach_the_application() {
        let request = OrgSignIn {
            org: ORG.into(),
            ..OrgSignIn::default()
        };
        let token = Secret::new("t");
        let listing = |name: &str| {
            let http = answering(200, &seed("org_projects", name));
            block_on(orgs::projects_at(&http, &request.sign_in_profile(), &token))
                .unwrap()
                .unwrap()
        };
        let outcome = |start: Option<&String>, projects: &[OrgProject]| {
            let dir = tempfile::tempdir().unwrap();
            org_listing_in(dir.path(), &request, start, projects);
            let store = ProfileStore::new(&dir.path().join("config"));
            let file = store.load().unwrap();
            (
                file.profiles.keys().cloned().collect::<Vec<_>>(),
                file.default,
            )
        };
        let starts = org_starts(&request);
        let (names, default) = outcome(None, &listing("cognite-shape"));
        assert_eq!(names, ["contoso-dev", "contoso-prod"]);
        assert_eq!(default.as_deref(), Some("contoso-prod"));

        let taken = listing("taken-names");
        assert_eq!(taken.len(), 5);
        let (names, default) = outcome(starts[1].as_ref(), &taken);
        assert_eq!(
            names,
            [
                "contoso-test",
                "dev",
                "dev-2",
                "mine",
                "prod",
                "prod-2",
                "test",
                "test-2"
            ]
        );
        assert_eq!(default.as_deref(), Some("dev"));
        assert!(listing("hostile-urls").len() > 10);
    }

    /// The new targets get past their first gate with their seeds: a sealed seed
    /// decrypts and loads, the matching certificate pair loads, the callback seed
    /// carries this attempt's state and a code.
    #[test]
    fn seeds_reach_the_parsers_behind_the_gates() {
        let dir = tempfile::tempdir().unwrap();
        let store = OneKeyStore::default();
        let cache = crate::cache::TokenCache::new(dir.path().to_path_buf(), &store);
        let sealed = seal(&seed("token_cache", "entra-set.json")).unwrap();
        std::fs::write(dir.path().join("fuzz.tokens"), sealed).unwrap();
        let set = cache.load(CACHE_PROFILE, CACHE_BINDING).unwrap().unwrap();
        assert_eq!(set.refresh_token.unwrap().expose(), "0.AAAA-refresh");

        // The certificate target's input, built as fuzz/certificate-seeds.sh builds its
        // seeds: from the test fixtures (no key is committed under fuzz/).
        let fixture = |name: &str| {
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures")
                    .join(name),
            )
            .unwrap()
        };
        let pair = [
            fixture("cert-client.pem"),
            b"%%\n".to_vec(),
            fixture("cert-client.key"),
        ]
        .concat();
        let at = pair.windows(4).position(|w| w == b"\n%%\n").unwrap();
        let (cert, key) = (dir.path().join("c.pem"), dir.path().join("c.key"));
        std::fs::write(&cert, &pair[..at]).unwrap();
        std::fs::write(&key, &pair[at + 4..]).unwrap();
        assert!(crate::auth::ClientCertificate::load(&cert, &key).is_ok());
        // The entry point itself, on the fixture pairs that the stable run no longer
        // finds among the committed seeds.
        certificate(&pair);
        certificate(
            &[
                fixture("cert-client.pem"),
                b"%%\n".to_vec(),
                fixture("other.key"),
            ]
            .concat(),
        );
        certificate(&[fixture("cert-client.pem"), fixture("cert-client.key")].concat());

        let head = seed("loopback", "callback");
        let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let (method, target, host) = crate::auth::loopback::parse_head(&head[..end]).unwrap();
        assert!(crate::auth::loopback::screen_parts(method == "GET", host.as_deref()).is_ok());
        let (_, _, outcome) = crate::auth::interactive::handle(&target, "the-state");
        assert!(matches!(
            outcome,
            crate::auth::loopback::Callback::Done(Ok(_))
        ));
    }
}

//! Why CDF refuses a profile's token: the whole chain from the profile to the
//! capabilities it needs, one step at a time, each passed, failed (with what to do) or
//! skipped because a step it needs failed. `cdf-signin doctor` and the window's Check
//! both walk it.
//!
//! The steps are data ([`STEPS`]): a name, the steps it needs, and a small function over
//! a [`Walk`] that gathers facts (the token, its claims, CDF's answer) for the steps
//! after it.

mod access;
pub mod cluster;
mod complete;
pub mod need;
mod provider;

use chrono::{DateTime, Utc};

use crate::auth::Http;
use crate::cdf::Access;
use crate::field::Field;
use crate::profile::Profile;
use crate::remedy::Remedy;
use crate::session::{Credential, Session, SessionError, TokenOptions, TokenSource};
use crate::token::{Jwt, TokenSet};
use access::{capabilities_granted, cdf_accepts, project_in_reach};
use complete::profile_complete;
pub use need::{Grant, Need};

/// How far the local clock may be off the provider's before it is named.
const CLOCK_SKEW_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepId {
    Profile,
    Provider,
    Token,
    Fits,
    Accepted,
    Project,
    Capabilities,
}

impl StepId {
    /// The step's name in `--json` and in the text.
    pub fn name(self) -> &'static str {
        match self {
            StepId::Profile => "profile",
            StepId::Provider => "provider",
            StepId::Token => "token",
            StepId::Fits => "token-fits",
            StepId::Accepted => "cdf-accepts",
            StepId::Project => "project",
            StepId::Capabilities => "capabilities",
        }
    }

    /// What the step checks, for people.
    pub fn title(self) -> &'static str {
        match self {
            StepId::Profile => "The profile is complete",
            StepId::Provider => "The identity provider is reachable",
            StepId::Token => "A token can be had",
            StepId::Fits => "The token fits the profile",
            StepId::Accepted => "CDF accepts the token",
            StepId::Project => "The project is within reach",
            StepId::Capabilities => "The needed capabilities are granted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// Not run: a step it needs failed, or it does not apply to this profile.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: StepId,
    pub status: Status,
    /// One line: what was found.
    pub detail: String,
    /// What to do; each front end words it. A passed step may have one too (a
    /// certificate about to expire).
    pub fix: Option<Remedy>,
}

/// How the whole walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Healthy,
    Broken,
    /// A step failed because a person must sign in.
    SignInRequired,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub profile: String,
    pub steps: Vec<Step>,
    sign_in_required: bool,
}

impl Report {
    pub fn health(&self) -> Health {
        if !self.steps.iter().any(|s| s.status == Status::Failed) {
            Health::Healthy
        } else if self.sign_in_required {
            Health::SignInRequired
        } else {
            Health::Broken
        }
    }

    pub fn failed(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.status == Status::Failed)
    }
}

/// A detail as one line, whatever a server put in the text it quotes (an inspect
/// `subject`, a group name, an error description): line ends, other control characters
/// and bidi overrides are written as escapes (`\n`, `\u{1b}`), so no server can add a
/// line that reads like another step, in the text output or the JSON.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// What a step found.
pub(crate) struct Outcome {
    status: Status,
    detail: String,
    fix: Option<Remedy>,
    /// Skipped because it does not apply: the steps that need it still run.
    not_applicable: bool,
}

impl Outcome {
    fn pass(detail: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Passed,
            detail: detail.into(),
            fix: None,
            not_applicable: false,
        }
    }

    fn fail(detail: impl Into<String>, fix: Option<Remedy>) -> Outcome {
        Outcome {
            status: Status::Failed,
            detail: detail.into(),
            fix,
            not_applicable: false,
        }
    }

    fn not_applicable(detail: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Skipped,
            detail: detail.into(),
            fix: None,
            not_applicable: true,
        }
    }

    fn with_fix(mut self, fix: Remedy) -> Outcome {
        self.fix = Some(fix);
        self
    }
}

/// The profile under examination and the facts gathered so far.
pub(crate) struct Walk<'a> {
    session: &'a Session,
    name: &'a str,
    profile: &'a Profile,
    needs: &'a [Need],
    http: Result<Http, String>,
    now: DateTime<Utc>,
    sign_in_required: bool,
    cached: Option<TokenSet>,
    /// Step 3's credential, as every command gets it ([`Session::credential`]).
    credential: Option<Credential>,
    /// Step 4's facts about the token, to explain a refusal by CDF.
    token_facts: Option<String>,
    /// Step 4's fix, when the token does not fit.
    misfit: Option<Remedy>,
    /// CDF's answer in step 5 ([`cdf::access_of`], as `inspect` asks it).
    access: Option<Access>,
}

type StepFn = fn(&mut Walk<'_>) -> Outcome;

/// The chain, in order: each step, the steps it needs, and its check.
const STEPS: &[(StepId, &[StepId], StepFn)] = &[
    (StepId::Profile, &[], profile_complete),
    (StepId::Provider, &[], provider_reachable),
    (StepId::Token, &[StepId::Profile], token_had),
    (StepId::Fits, &[StepId::Token], token_fits),
    // Only a token that fits goes to the profile's CDF: one for another API, or one its
    // account did not sign in for, is never sent to find out.
    (
        StepId::Accepted,
        &[StepId::Profile, StepId::Token, StepId::Fits],
        cdf_accepts,
    ),
    (StepId::Project, &[StepId::Accepted], project_in_reach),
    (
        StepId::Capabilities,
        &[StepId::Project],
        capabilities_granted,
    ),
];

/// Walks the chain for profile `name`, with the session's HTTP client for the profile.
/// Blocking: call from a plain thread.
pub fn diagnose(session: &Session, name: &str, profile: &Profile, needs: &[Need]) -> Report {
    let http = session.http(profile).map_err(|e| e.to_string());
    let mut walk = Walk {
        session,
        name,
        profile,
        needs,
        http,
        now: session.now(),
        sign_in_required: false,
        cached: None,
        credential: None,
        token_facts: None,
        misfit: None,
        access: None,
    };
    let mut steps: Vec<Step> = Vec::new();
    // Steps whose dependents are skipped: failed, or skipped for that reason.
    let mut blocked: Vec<StepId> = Vec::new();
    for (id, deps, check) in STEPS {
        if let Some(dep) = deps.iter().find(|d| blocked.contains(d)) {
            blocked.push(*id);
            steps.push(Step {
                id: *id,
                status: Status::Skipped,
                detail: format!("skipped: needs '{}' to pass first", dep.name()),
                fix: None,
            });
            continue;
        }
        let outcome = check(&mut walk);
        if outcome.status == Status::Failed
            || (outcome.status == Status::Skipped && !outcome.not_applicable)
        {
            blocked.push(*id);
        }
        steps.push(Step {
            id: *id,
            status: outcome.status,
            detail: one_line(&outcome.detail),
            fix: outcome.fix,
        });
    }
    Report {
        profile: name.to_string(),
        steps,
        sign_in_required: walk.sign_in_required,
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn session_failure(walk: &mut Walk<'_>, e: &SessionError) -> Outcome {
    if matches!(e, SessionError::SignInRequired { .. }) {
        walk.sign_in_required = true;
    }
    Outcome::fail(e.to_string(), e.remedy())
}

// ---- 2. the identity provider is reachable ----

fn provider_reachable(walk: &mut Walk<'_>) -> Outcome {
    if !walk.profile.flow.uses_idp() {
        return Outcome::not_applicable("a legacy API key needs no identity provider");
    }
    match &walk.http {
        Ok(http) => provider::check(walk.session, walk.profile, http),
        Err(e) => Outcome::fail(e.clone(), Some(Remedy::AddCa)),
    }
}

// ---- 3. a token can be had ----

fn token_had(walk: &mut Walk<'_>) -> Outcome {
    if walk.cached.is_none() && walk.profile.flow.uses_idp() {
        walk.cached = walk.session.cached(walk.name, walk.profile).ok().flatten();
    }
    match walk
        .session
        .credential(walk.name, walk.profile, TokenOptions::default())
    {
        Ok(credential) => {
            let outcome = match &credential {
                Credential::ApiKey(_) => {
                    Outcome::not_applicable("a legacy API key is sent as it is")
                }
                Credential::Bearer(set, source) => {
                    let how = match source {
                        TokenSource::Cache => "from the cache",
                        TokenSource::Refreshed => "refreshed",
                        TokenSource::Acquired => "acquired from the identity provider",
                    };
                    Outcome::pass(format!("{how}, valid until {}", when(set.expires_at)))
                }
            };
            walk.credential = Some(credential);
            outcome
        }
        Err(e) => {
            if let Some(m) = cluster::explain(walk.profile, cluster::session_points_at_cluster(&e))
            {
                return Outcome::fail(m.message, Some(m.fix));
            }
            let mut outcome = session_failure(walk, &e);
            if let Some(old) = &walk.cached {
                let state = if old.seconds_left(walk.now) <= 0 {
                    "expired at"
                } else {
                    "runs out at"
                };
                outcome.detail = format!(
                    "the cached token {state} {}, and renewing it failed: {}",
                    when(old.expires_at),
                    outcome.detail
                );
            }
            outcome
        }
    }
}

// ---- 4. the token fits the profile ----

/// The API the profile's CDF is known by to the identity provider: the cluster's URL,
/// also for a Private Link base URL.
fn expected_resource(p: &Profile) -> String {
    crate::urls::resource_of(&p.base_url())
}

fn same_resource(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

// A tenant id that is a GUID: a domain cannot be compared with `tid`.
use crate::profile::is_guid;

fn token_fits(walk: &mut Walk<'_>) -> Outcome {
    let Some(Credential::Bearer(set, _)) = &walk.credential else {
        return Outcome::not_applicable("no token to look at");
    };
    let Ok(jwt) = Jwt::decode(set.access_token.expose()) else {
        return Outcome::pass("the token is opaque (not a JWT): only CDF can say whether it fits");
    };
    let p = walk.profile;
    let now = walk.now;
    let mut problems: Vec<(String, Remedy)> = Vec::new();
    let mut facts: Vec<String> = Vec::new();

    let audiences: Vec<String> = match jwt.claims.get("aud") {
        Some(serde_json::Value::String(a)) => vec![a.clone()],
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let expected = expected_resource(p);
    let mut accepted = vec![expected.clone()];
    accepted.extend(p.audience.clone());
    let aud_text = if audiences.is_empty() {
        "no audience".to_string()
    } else {
        audiences.join(", ")
    };
    facts.push(format!("aud {aud_text}"));
    // A Cognite organization's token is for every project of the organization, not for
    // one cluster's API: CDF itself says whether it fits (the next step).
    if p.org.is_none()
        && !audiences
            .iter()
            .any(|a| accepted.iter().any(|e| same_resource(a, e)))
    {
        let scope = p.resource_scopes().join(" ");
        problems.push((
            format!(
                "the token is for {aud_text}, but the profile's CDF is {expected} (the profile's scope asks for {scope})"
            ),
            Remedy::CheckFields {
                why: Some("the token is for another API than the profile's cluster"),
                fields: &[Field::Scopes, Field::Cluster, Field::BaseUrl],
            },
        ));
    }
    // A token that names no API (an organization's, say) goes only where its account
    // signed in for.
    if !p.token_names_its_api()
        && let Ok(Some(false)) = walk.session.signed_in_for(walk.name, p)
    {
        problems.push((
            format!(
                "the token names no API, and its account did not sign in for {}, where this profile sends tokens",
                p.api_origin()
            ),
            Remedy::sign_in(walk.name),
        ));
    }
    if let Some(tid) = jwt.str_claim("tid") {
        facts.push(format!("tid {tid}"));
        if is_guid(&p.tenant_id) && !tid.eq_ignore_ascii_case(&p.tenant_id) {
            problems.push((
                format!(
                    "the token is from tenant {tid}, not the profile's {}",
                    p.tenant_id
                ),
                Remedy::CheckFields {
                    why: Some("the token comes from another tenant"),
                    fields: &[Field::TenantId, Field::Authority],
                },
            ));
        }
    }
    let clock = Remedy::Advice("set this computer's clock right (turn on network time)");
    if let Some(exp) = jwt.time_claim("exp") {
        facts.push(format!("expires {}", when(exp)));
        if exp <= now {
            problems.push((
                format!("the token expired at {}", when(exp)),
                Remedy::sign_in(walk.name),
            ));
        }
    }
    if let Some(nbf) = jwt.time_claim("nbf")
        && (nbf - now).num_seconds() > CLOCK_SKEW_SECS
    {
        problems.push((
            format!(
                "the token is not valid before {}, {} s from now: this computer's clock is behind",
                when(nbf),
                (nbf - now).num_seconds()
            ),
            clock.clone(),
        ));
    }
    if let Some(iat) = jwt.time_claim("iat")
        && (iat - now).num_seconds() > CLOCK_SKEW_SECS
    {
        problems.push((
            format!(
                "the provider issued the token at {}, {} s ahead of this computer's clock, which is off",
                when(iat),
                (iat - now).num_seconds()
            ),
            clock,
        ));
    }
    walk.token_facts = Some(facts.join(", "));
    if problems.is_empty() {
        return Outcome::pass(facts.join(", "));
    }
    let fix = problems[0].1.clone();
    walk.misfit = Some(fix.clone());
    let text: Vec<String> = problems.into_iter().map(|(t, _)| t).collect();
    Outcome::fail(text.join("; "), Some(fix))
}

#[cfg(test)]
mod tests {
    //! The chain against a scripted identity provider and CDF (one closure transport for
    //! both), an in-memory keyring and a manual clock: no socket, no sleeping.

    use std::sync::{Arc, Mutex};

    use serde_json::{Value, json};

    use super::complete::certificate_check;
    use super::*;
    use crate::auth::AuthError;
    use crate::auth::assertion::certificate_expiry;
    use crate::auth::http::{Method, Request, Response, Transport};
    use crate::paths::Paths;
    use crate::profile::Flow;
    use crate::secrets::SecretKind;
    use crate::secrets::SecretStore;
    use crate::secrets::{MemoryStore, Secret};
    use crate::token::{Clock, ManualClock, b64url};

    const AUTHORITY: &str = "http://127.0.0.1:9/idp";
    const TOKEN_URL: &str = "http://127.0.0.1:9/idp/token";
    const INSPECT: &str = "https://api.cognitedata.com/api/v1/token/inspect";
    const NAME: &str = "svc";

    /// What the scripted world does; tests change it between walks.
    struct World {
        idp_down: bool,
        /// The `aud` of issued tokens.
        aud: String,
        /// Seconds added to the clock for `iat`/`nbf` of issued tokens.
        issued_offset: i64,
        projects: Vec<&'static str>,
        /// CDF accepts only tokens for this audience.
        cdf_audience: String,
        /// The `subject` token/inspect names.
        subject: String,
        /// Where the provider serves its OpenID configuration: `""` or `"/v2.0"`.
        discovery_at: &'static str,
        /// The `issuer` its OpenID configuration names.
        issuer: String,
        /// Requests CDF received.
        cdf_requests: usize,
    }

    struct Fixture {
        session: Session,
        world: Arc<Mutex<World>>,
        clock: Arc<ManualClock>,
        _rt: tokio::runtime::Runtime,
        _dir: tempfile::TempDir,
    }

    fn jwt(claims: Value) -> String {
        format!(
            "{}.{}.sig",
            b64url(br#"{"alg":"RS256"}"#),
            b64url(claims.to_string().as_bytes())
        )
    }

    fn answer(status: u16, body: Value) -> Response {
        Response {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.to_string().into_bytes(),
        }
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let clock = Arc::new(ManualClock::new(Utc::now()));
            let world = Arc::new(Mutex::new(World {
                idp_down: false,
                aud: "https://api.cognitedata.com".into(),
                issued_offset: 0,
                projects: vec!["my-project", "sandbox"],
                cdf_audience: "https://api.cognitedata.com".into(),
                subject: "cc-client".into(),
                discovery_at: "",
                issuer: AUTHORITY.into(),
                cdf_requests: 0,
            }));
            let (w, c) = (world.clone(), clock.clone());
            let transport = move |r: &Request<'_>| -> Result<Response, AuthError> {
                let mut w = w.lock().unwrap();
                let url = r.url.as_str();
                if url.starts_with(AUTHORITY) && w.idp_down {
                    return Err(AuthError::Unreachable {
                        host: "127.0.0.1:9".into(),
                        reason: "Connection refused".into(),
                        source: None,
                    });
                }
                let now = c.now().timestamp();
                Ok(match (r.method, url) {
                    (Method::Get, u)
                        if u == format!(
                            "{AUTHORITY}{}/.well-known/openid-configuration",
                            w.discovery_at
                        ) =>
                    {
                        answer(
                            200,
                            json!({"issuer": w.issuer, "token_endpoint": TOKEN_URL}),
                        )
                    }
                    (Method::Post, TOKEN_URL) => {
                        let iat = now + w.issued_offset;
                        let token =
                            jwt(json!({"aud": w.aud, "iat": iat, "nbf": iat, "exp": now + 3600}));
                        answer(
                            200,
                            json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
                        )
                    }
                    (Method::Get, INSPECT) => {
                        w.cdf_requests += 1;
                        let auth = r
                            .headers
                            .iter()
                            .find(|(k, _)| *k == "Authorization")
                            .map(|(_, v)| *v)
                            .unwrap_or("");
                        let claims = Jwt::decode(auth.trim_start_matches("Bearer "))
                            .unwrap()
                            .claims;
                        if claims["aud"] != w.cdf_audience.as_str() {
                            return Ok(answer(
                                401,
                                json!({"error": {"code": 401, "message": "Unauthorized"}}),
                            ));
                        }
                        let projects: Vec<Value> = w
                            .projects
                            .iter()
                            .map(|p| json!({"projectUrlName": p, "groups": [1]}))
                            .collect();
                        answer(
                            200,
                            json!({
                                "subject": w.subject,
                                "projects": projects,
                                "capabilities": [
                                    {"assetsAcl": {"actions": ["READ"], "scope": {"all": {}}}, "projectScope": {"allProjects": {}}},
                                    {"rawAcl": {"actions": ["WRITE"], "scope": {"all": {}}}, "projectScope": {"projects": ["sandbox"]}}
                                ]
                            }),
                        )
                    }
                    _ => answer(404, json!({})),
                })
            };
            let transport: Arc<dyn Transport> = Arc::new(transport);
            let store = MemoryStore::default();
            store
                .set(NAME, SecretKind::ClientSecret, &Secret::new("s3cret"))
                .unwrap();
            let session = Session::new(
                Paths::under(dir.path()),
                Box::new(store),
                Box::new(clock.clone()),
                rt.handle().clone(),
            )
            .with_transport(transport.clone());
            Fixture {
                session,
                world,
                clock,
                _rt: rt,
                _dir: dir,
            }
        }

        fn cdf_requests(&self) -> usize {
            self.world.lock().unwrap().cdf_requests
        }

        fn walk(&self, profile: &Profile, needs: &[&str]) -> Report {
            let needs: Vec<Need> = needs.iter().map(|n| n.parse().unwrap()).collect();
            diagnose(&self.session, NAME, profile, &needs)
        }
    }

    fn profile(flow: Flow, extra: &str) -> Profile {
        toml::from_str(&format!(
            "cluster='api'\nproject='my-project'\ntenant_id='t'\nclient_id='cc'\nflow='{}'\nauthority='{AUTHORITY}'\n{extra}",
            flow.as_str()
        ))
        .unwrap()
    }

    fn step(report: &Report, id: StepId) -> &Step {
        report.steps.iter().find(|s| s.id == id).unwrap()
    }

    fn statuses(report: &Report) -> Vec<&'static str> {
        report.steps.iter().map(|s| s.status.as_str()).collect()
    }

    /// Issue 17, finding 6: server text cannot add a line that reads like a step.
    #[test]
    fn server_text_stays_on_its_steps_line() {
        let f = Fixture::new();
        f.world.lock().unwrap().subject =
            "cc\nok   9. fake-step all good\r\u{1b}[2J\u{2028}x".into();
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        assert_eq!(r.health(), Health::Healthy, "{r:#?}");
        for step in &r.steps {
            assert!(
                !step
                    .detail
                    .chars()
                    .any(|c| c.is_control() || c == '\u{2028}'),
                "{:?}",
                step.detail
            );
        }
        let accepted = &step(&r, StepId::Accepted).detail;
        assert!(
            accepted.contains("subject cc\\nok   9. fake-step all good\\r\\u{1b}[2J\\u{2028}x,"),
            "{accepted}"
        );
    }

    #[test]
    fn a_healthy_profile_passes_every_step_in_order() {
        let f = Fixture::new();
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &["assetsAcl:READ"]);
        assert_eq!(r.health(), Health::Healthy, "{r:#?}");
        let names: Vec<&str> = r.steps.iter().map(|s| s.id.name()).collect();
        assert_eq!(
            names,
            [
                "profile",
                "provider",
                "token",
                "token-fits",
                "cdf-accepts",
                "project",
                "capabilities"
            ]
        );
        assert_eq!(statuses(&r), ["passed"; 7]);
        let provider = &step(&r, StepId::Provider).detail;
        assert!(
            provider.contains("no proxy") && provider.contains("endpoints discovered from"),
            "{provider}"
        );
        assert!(
            step(&r, StepId::Token)
                .detail
                .starts_with("acquired from the identity provider")
        );
        assert!(
            step(&r, StepId::Capabilities)
                .detail
                .contains("assetsAcl:READ")
        );
        // A second walk is served from the cache.
        let again = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        assert!(
            step(&again, StepId::Token)
                .detail
                .starts_with("from the cache")
        );
        assert_eq!(step(&again, StepId::Capabilities).detail, "none asked for");
    }

    /// Issue 18: a provider that serves its configuration only at the Entra-style
    /// `/v2.0` location is one sign-in uses, so the doctor finds it there too.
    #[test]
    fn a_provider_with_its_configuration_at_v2_only_is_reachable() {
        let f = Fixture::new();
        f.world.lock().unwrap().discovery_at = "/v2.0";
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        assert_eq!(statuses(&r), ["passed"; 7], "{r:#?}");
        let provider = &step(&r, StepId::Provider).detail;
        assert!(
            provider.contains(&format!(
                "endpoints discovered from {AUTHORITY}/v2.0/.well-known/openid-configuration"
            )),
            "{provider}"
        );
        // Neither location: the doctor names both.
        f.world.lock().unwrap().discovery_at = "/nowhere";
        let r = f.walk(&profile(Flow::ClientCredentials, "scopes=['x']"), &[]);
        let provider = step(&r, StepId::Provider);
        assert_eq!(provider.status, Status::Failed);
        assert!(
            provider
                .detail
                .contains("/v2.0/.well-known/openid-configuration")
                && provider.detail.contains("HTTP 404"),
            "{}",
            provider.detail
        );
    }

    /// Issue 26: the doctor discovers as sign-in does, issuer check included, so a
    /// configuration that speaks for another issuer fails its provider step, as it
    /// fails sign-in, instead of passing it.
    #[test]
    fn a_configuration_for_another_issuer_fails_the_provider_step() {
        let f = Fixture::new();
        f.world.lock().unwrap().issuer = "https://issuer.example.invalid".into();
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        let provider = step(&r, StepId::Provider);
        assert_eq!(provider.status, Status::Failed, "{r:#?}");
        assert!(
            provider
                .detail
                .contains("issuer 'https://issuer.example.invalid' is not the authority"),
            "{}",
            provider.detail
        );
        assert_eq!(step(&r, StepId::Token).status, Status::Failed, "{r:#?}");
    }

    #[test]
    fn a_missing_capability_or_one_granted_elsewhere_is_named() {
        let f = Fixture::new();
        let r = f.walk(
            &profile(Flow::ClientCredentials, ""),
            &["assetsAcl:READ", "timeSeriesAcl:WRITE", "raw:write"],
        );
        assert_eq!(r.health(), Health::Broken);
        let caps = step(&r, StepId::Capabilities);
        assert_eq!(caps.status, Status::Failed);
        assert!(
            caps.detail.contains("timeSeriesAcl:WRITE is not granted"),
            "{}",
            caps.detail
        );
        assert!(
            caps.detail
                .contains("rawAcl:WRITE is granted only for sandbox"),
            "{}",
            caps.detail
        );
        assert!(
            caps.detail.contains("granted: assetsAcl:READ"),
            "{}",
            caps.detail
        );
        assert!(matches!(caps.fix, Some(Remedy::Advice(a)) if a.contains("administrator")));
    }

    #[test]
    fn a_project_out_of_reach_gets_did_you_mean_and_skips_the_capabilities() {
        let f = Fixture::new();
        let p = profile(Flow::ClientCredentials, "").clone();
        let p = Profile {
            project: "sandbx".into(),
            ..p
        };
        let r = f.walk(&p, &["assetsAcl:READ"]);
        let project = step(&r, StepId::Project);
        assert_eq!(project.status, Status::Failed);
        assert!(
            project.detail.contains("did you mean 'sandbox'"),
            "{}",
            project.detail
        );
        let caps = step(&r, StepId::Capabilities);
        assert_eq!(caps.status, Status::Skipped);
        assert_eq!(caps.detail, "skipped: needs 'project' to pass first");
    }

    #[test]
    fn a_token_for_another_cluster_names_its_audience_and_is_never_sent() {
        let f = Fixture::new();
        // The provider answers with a token for another API than the one asked for.
        f.world.lock().unwrap().aud = "https://westeurope-1.cognitedata.com".into();
        let p = profile(Flow::ClientCredentials, "");
        let r = f.walk(&p, &[]);
        let fits = step(&r, StepId::Fits);
        assert_eq!(fits.status, Status::Failed);
        assert!(
            fits.detail.contains("the token is for https://westeurope-1.cognitedata.com, but the profile's CDF is https://api.cognitedata.com"),
            "{}",
            fits.detail
        );
        assert!(
            fits.detail
                .contains("scope asks for https://api.cognitedata.com/.default"),
            "{}",
            fits.detail
        );
        // Issue 24, finding 2: a token for another API is not sent to find out.
        let accepted = step(&r, StepId::Accepted);
        assert_eq!(accepted.status, Status::Skipped);
        assert!(
            accepted.detail.contains("needs 'token-fits'"),
            "{}",
            accepted.detail
        );
        assert_eq!(f.cdf_requests(), 0, "no request reached CDF");
        assert_eq!(statuses(&r)[5..], ["skipped", "skipped"]);
    }

    #[test]
    fn a_private_link_base_url_expects_its_clusters_audience() {
        let p = profile(
            Flow::ClientCredentials,
            "base_url='https://p001.plink.az-x-1.cognitedata.com'",
        );
        assert_eq!(expected_resource(&p), "https://az-x-1.cognitedata.com");
        assert_eq!(
            expected_resource(&profile(Flow::ClientCredentials, "")),
            "https://api.cognitedata.com"
        );
    }

    #[test]
    fn an_expired_cached_token_while_the_provider_is_down() {
        let f = Fixture::new();
        let p = profile(Flow::ClientCredentials, "");
        assert_eq!(f.walk(&p, &[]).health(), Health::Healthy);
        f.clock.advance(7200);
        f.world.lock().unwrap().idp_down = true;
        let r = f.walk(&p, &[]);
        assert_eq!(r.health(), Health::Broken);
        assert_eq!(
            statuses(&r),
            [
                "passed", "failed", "failed", "skipped", "skipped", "skipped", "skipped"
            ]
        );
        assert!(
            step(&r, StepId::Provider)
                .detail
                .contains("cannot reach 127.0.0.1:9")
        );
        let token = &step(&r, StepId::Token).detail;
        assert!(token.starts_with("the cached token expired at "), "{token}");
        assert!(
            token.contains("renewing it failed: cannot reach 127.0.0.1:9"),
            "{token}"
        );
        assert!(
            matches!(step(&r, StepId::Token).fix, Some(Remedy::Advice(a)) if a.contains("network"))
        );
    }

    #[test]
    fn a_person_not_signed_in_needs_a_sign_in() {
        let f = Fixture::new();
        let r = f.walk(&profile(Flow::Interactive, ""), &[]);
        assert_eq!(r.health(), Health::SignInRequired);
        let first = step(&r, StepId::Profile);
        assert_eq!(first.detail, "not signed in: no tokens are cached");
        assert_eq!(first.fix, Some(Remedy::sign_in(NAME)));
        assert_eq!(
            step(&r, StepId::Provider).status,
            Status::Passed,
            "independent of signing in"
        );
        assert_eq!(step(&r, StepId::Token).status, Status::Skipped);
    }

    #[test]
    fn a_client_without_its_secret_is_incomplete() {
        let f = Fixture::new();
        f.session
            .secrets()
            .delete(NAME, SecretKind::ClientSecret)
            .unwrap();
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        let first = step(&r, StepId::Profile);
        assert_eq!(first.status, Status::Failed);
        assert!(
            first.detail.contains("no client secret"),
            "{}",
            first.detail
        );
        assert!(matches!(first.fix, Some(Remedy::StoreSecret { .. })));
        assert_eq!(r.health(), Health::Broken);
    }

    #[test]
    fn a_clock_behind_the_providers_is_named() {
        let f = Fixture::new();
        f.world.lock().unwrap().issued_offset = 600;
        let r = f.walk(&profile(Flow::ClientCredentials, ""), &[]);
        let fits = step(&r, StepId::Fits);
        assert_eq!(fits.status, Status::Failed);
        assert!(
            fits.detail.contains("this computer's clock is behind"),
            "{}",
            fits.detail
        );
        assert!(matches!(&fits.fix, Some(Remedy::Advice(a)) if a.contains("clock")));
    }

    #[test]
    fn a_certificate_near_its_end_is_named_with_its_date() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let (cert, key) = (root.join("cert-client.pem"), root.join("cert-client.key"));
        let expiry = certificate_expiry(&cert).unwrap();
        let soon = certificate_check(&cert, &key, expiry - chrono::Duration::days(10));
        assert_eq!(soon.status, Status::Passed);
        assert!(
            soon.detail.contains(&format!(
                "expires on {} (in 10 days)",
                expiry.format("%Y-%m-%d")
            )),
            "{}",
            soon.detail
        );
        assert!(soon.fix.is_some());
        let late = certificate_check(&cert, &key, expiry + chrono::Duration::days(1));
        assert_eq!(late.status, Status::Failed);
        assert!(late.detail.contains("expired on"));
        let fine = certificate_check(&cert, &key, expiry - chrono::Duration::days(100));
        assert!(fine.fix.is_none() && fine.detail.contains("valid until"));
    }

    #[test]
    fn tenant_ids_are_compared_only_when_they_are_guids() {
        assert!(is_guid("8d3c2b1a-0000-4000-8000-000000000001"));
        assert!(!is_guid("contoso.onmicrosoft.com"));
    }
}

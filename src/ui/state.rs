//! What the window knows about each profile, in one place: a profile's token, pending
//! requests, error and Access results live in one [`ProfileState`], so deleting or
//! renaming a profile drops or moves all of it at once.
//!
//! Work on a profile (sign-in, renewal, access check, doctor check) is one pending
//! [`Request`] per profile and kind, begun and finished here only. An answer carries its
//! request; one that is no longer pending (cancelled, superseded by a newer request of
//! the same kind, its profile deleted or renamed) is dropped.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::error::UiError;
use crate::auth::SignInPrompt;
use crate::cdf::Access;
use crate::secrets::Secret;
use crate::token::{Jwt, TokenSet};

/// A running sign-in, as far as the window knows.
#[derive(Debug, Clone)]
pub enum SignIn {
    Starting,
    Waiting(SignInPrompt),
}

/// The window's Check of a profile: running, then the checklist (or why it could not run).
#[derive(Debug, Clone)]
pub enum Check {
    Running,
    Done(Result<crate::doctor::Report, UiError>),
}

/// The kinds of work the window asks for on a profile; at most one of each is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    SignIn,
    Renewal,
    Access,
    Check,
    /// Reading the token cache (when a profile is shown): a token that arrives first,
    /// or a sign-out, makes its answer stale.
    Cache,
}

/// One request to the worker, echoed in its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub profile: String,
    pub kind: OpKind,
}

/// What the window shows and copies of a profile's tokens: never the refresh token,
/// which stays in the session's encrypted cache (the window only needs to know whether
/// there is one, to say that it renews silently). What the views show of the tokens'
/// contents is decoded once, when they arrive ([`TokenFacts`]), never per frame.
#[derive(Debug, Clone)]
pub struct ShownToken {
    pub access_token: Secret,
    pub id_token: Option<Secret>,
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    pub scope: Option<String>,
    pub renewable: bool,
    pub facts: TokenFacts,
}

/// What the access token and the ID token say, for the token view and the sidebar.
#[derive(Debug, Clone, Default)]
pub struct TokenFacts {
    /// The access token's header and claims, when it is a JWT (the Claims tab).
    pub jwt: Option<Jwt>,
    /// The header and the claims as indented JSON (the Claims tab's raw view).
    pub header_json: String,
    pub claims_json: String,
    /// The access token's whole lifetime (`exp - iat`), when it says so.
    pub lifetime_secs: Option<i64>,
    /// Who signed in, from the ID token (profiles sharing an account say whose sign-in
    /// serves them).
    pub signed_in_as: Option<String>,
    /// The Entra ID tenant the token is from (`tid`): the sidebar names a domain's
    /// tenant by its id.
    pub tenant_id: Option<String>,
}

impl TokenFacts {
    fn of(access_token: &Secret, id_token: Option<&Secret>) -> TokenFacts {
        let jwt = Jwt::decode(access_token.expose()).ok();
        let json = |m: Option<&serde_json::Map<String, serde_json::Value>>| {
            m.and_then(|m| serde_json::to_string_pretty(m).ok())
                .unwrap_or_default()
        };
        TokenFacts {
            header_json: json(jwt.as_ref().map(|j| &j.header)),
            claims_json: json(jwt.as_ref().map(|j| &j.claims)),
            tenant_id: jwt
                .as_ref()
                .and_then(|j| j.str_claim("tid"))
                .map(str::to_string),
            lifetime_secs: crate::token::lifetime_secs(access_token),
            signed_in_as: id_token.and_then(crate::token::signed_in_as),
            jwt,
        }
    }
}

impl From<TokenSet> for ShownToken {
    fn from(t: TokenSet) -> ShownToken {
        ShownToken {
            facts: TokenFacts::of(&t.access_token, t.id_token.as_ref()),
            renewable: t.refresh_token.is_some(),
            access_token: t.access_token,
            id_token: t.id_token,
            token_type: t.token_type,
            expires_at: t.expires_at,
            scope: t.scope,
        }
    }
}

impl ShownToken {
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }

    pub fn signed_in_as(&self) -> Option<&str> {
        self.facts.signed_in_as.as_deref()
    }

    pub fn lifetime_secs(&self) -> Option<i64> {
        self.facts.lifetime_secs
    }
}

/// The profile's requests in flight, one value per kind.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    sign_in: Option<(u64, SignIn)>,
    renewal: Option<u64>,
    access: Option<u64>,
    check: Option<u64>,
    cache: Option<u64>,
}

impl Pending {
    fn id(&self, kind: OpKind) -> Option<u64> {
        match kind {
            OpKind::SignIn => self.sign_in.as_ref().map(|(id, _)| *id),
            OpKind::Renewal => self.renewal,
            OpKind::Access => self.access,
            OpKind::Check => self.check,
            OpKind::Cache => self.cache,
        }
    }

    fn set(&mut self, kind: OpKind, id: Option<u64>) {
        match kind {
            OpKind::SignIn => self.sign_in = id.map(|id| (id, SignIn::Starting)),
            OpKind::Renewal => self.renewal = id,
            OpKind::Access => self.access = id,
            OpKind::Check => self.check = id,
            OpKind::Cache => self.cache = id,
        }
    }
}

/// The window's view of one profile. The truth (tokens, secrets) lives in the session
/// and its stores; this is what was last heard from the worker.
#[derive(Debug, Clone, Default)]
pub struct ProfileState {
    /// The cached or newly acquired tokens, as far as the window shows them.
    pub tokens: Option<ShownToken>,
    /// Work in flight, by kind.
    pending: Pending,
    /// The last failure, shown as a banner on the profile.
    pub error: Option<UiError>,
    /// What CDF last said about the profile's credentials.
    pub access: Option<Result<Access, UiError>>,
    /// When an automatic renewal last failed (retried after a pause).
    pub failed_renewal: Option<DateTime<Utc>>,
    /// When the profile was last renewed automatically.
    pub last_auto_renewal: Option<DateTime<Utc>>,
    /// The Check panel, open while this is set.
    pub check: Option<Check>,
    /// The token cache has been read (whether or not it had a token).
    pub cache_read: bool,
    /// An import or an organization's sign-in made this profile for a project that looks
    /// like production: the view suggests the mark until it is set or dismissed.
    pub production_suggested: bool,
}

impl ProfileState {
    pub fn is_pending(&self, kind: OpKind) -> bool {
        self.pending.id(kind).is_some()
    }
}

/// Every profile's state, by profile name.
#[derive(Debug, Default)]
pub struct ProfileStates {
    map: HashMap<String, ProfileState>,
    last_id: u64,
}

impl ProfileStates {
    pub fn get(&self, name: &str) -> Option<&ProfileState> {
        self.map.get(name)
    }

    /// The profile's state, created empty on first use.
    pub fn entry(&mut self, name: &str) -> &mut ProfileState {
        self.map.entry(name.to_string()).or_default()
    }

    /// Starts a request of `kind` on `profile`; one of the same kind still pending is
    /// superseded (its answer will be dropped).
    pub fn begin(&mut self, profile: &str, kind: OpKind) -> Request {
        self.last_id += 1;
        let id = self.last_id;
        let state = self.entry(profile);
        state.pending.set(kind, Some(id));
        match kind {
            OpKind::Check => state.check = Some(Check::Running),
            // A new attempt: its answer decides what is shown, not the last one's error.
            OpKind::SignIn | OpKind::Renewal => state.error = None,
            OpKind::Access | OpKind::Cache => {}
        }
        Request {
            id,
            profile: profile.to_string(),
            kind,
        }
    }

    /// Whether `request` is still the pending one of its kind.
    pub fn is_current(&self, request: &Request) -> bool {
        self.get(&request.profile)
            .is_some_and(|s| s.pending.id(request.kind) == Some(request.id))
    }

    /// Ends `request`: the profile's state when it was still pending, `None` for an
    /// answer nobody waits for any more.
    pub fn finish(&mut self, request: &Request) -> Option<&mut ProfileState> {
        if !self.is_current(request) {
            return None;
        }
        let state = self.map.get_mut(&request.profile)?;
        state.pending.set(request.kind, None);
        Some(state)
    }

    /// Stops waiting for the profile's request of `kind` (cancelled, or its panel closed).
    pub fn abandon(&mut self, profile: &str, kind: OpKind) {
        if let Some(state) = self.map.get_mut(profile) {
            state.pending.set(kind, None);
        }
    }

    /// A pending sign-in's prompt (the browser page, the device code).
    pub fn prompt(&mut self, request: &Request, prompt: SignInPrompt) {
        if let Some(state) = self.map.get_mut(&request.profile)
            && let Some((id, stage)) = &mut state.pending.sign_in
            && *id == request.id
        {
            *stage = SignIn::Waiting(prompt);
        }
    }

    pub fn tokens(&self, name: &str) -> Option<&ShownToken> {
        self.get(name).and_then(|s| s.tokens.as_ref())
    }

    pub fn sign_in(&self, name: &str) -> Option<&SignIn> {
        self.get(name)
            .and_then(|s| s.pending.sign_in.as_ref())
            .map(|(_, stage)| stage)
    }

    pub fn error(&self, name: &str) -> Option<&UiError> {
        self.get(name).and_then(|s| s.error.as_ref())
    }

    pub fn access(&self, name: &str) -> Option<&Result<Access, UiError>> {
        self.get(name).and_then(|s| s.access.as_ref())
    }

    pub fn is_renewing(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|s| s.is_pending(OpKind::Renewal))
    }

    pub fn check(&self, name: &str) -> Option<&Check> {
        self.get(name).and_then(|s| s.check.as_ref())
    }

    pub fn is_verifying(&self, name: &str) -> bool {
        self.get(name).is_some_and(|s| s.is_pending(OpKind::Access))
    }

    /// True while any profile has a sign-in in progress.
    pub fn any_sign_in(&self) -> bool {
        self.map.values().any(|s| s.pending.sign_in.is_some())
    }

    /// Forgets everything about a profile, its pending requests included.
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Keeps only the profiles `keep` says still exist.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.map.retain(|name, _| keep(name));
    }
}

/// The window's requests that belong to a dialog rather than to one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogKind {
    /// The editor's Save.
    Save,
    /// The Import .env dialog's Import.
    Import,
    /// "Sign in with your Cognite organization".
    Org,
    /// The platform's file dialog (for the editor or the import).
    Pick,
}

/// One such request, echoed in its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: u64,
    pub kind: DialogKind,
}

/// The dialogs' pending requests: at most one of each kind. Closing a dialog abandons
/// its request, and a new one supersedes the old, so an answer to a dialog the person
/// closed (or opened again) never lands in the one on screen.
#[derive(Debug, Default)]
pub struct Tickets {
    pending: HashMap<DialogKind, u64>,
    last_id: u64,
}

impl Tickets {
    pub fn begin(&mut self, kind: DialogKind) -> Ticket {
        self.last_id += 1;
        self.pending.insert(kind, self.last_id);
        Ticket {
            id: self.last_id,
            kind,
        }
    }

    /// Whether `ticket` is still the pending one of its kind (for answers on the way:
    /// a sign-in's prompt).
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        self.pending.get(&ticket.kind) == Some(&ticket.id)
    }

    /// Ends `ticket`; false for an answer nobody waits for any more.
    pub fn finish(&mut self, ticket: &Ticket) -> bool {
        let current = self.is_current(ticket);
        if current {
            self.pending.remove(&ticket.kind);
        }
        current
    }

    /// Stops waiting for the dialog's request (the dialog was closed).
    pub fn abandon(&mut self, kind: DialogKind) {
        self.pending.remove(&kind);
    }

    pub fn is_pending(&self, kind: DialogKind) -> bool {
        self.pending.contains_key(&kind)
    }

    /// The pending request of `kind`, as its answer would carry it.
    #[cfg(test)]
    pub fn pending(&self, kind: DialogKind) -> Option<Ticket> {
        let id = *self.pending.get(&kind)?;
        Some(Ticket { id, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    /// Issue 27: an old error goes when a new attempt starts; a check or an Access
    /// request leaves it.
    #[test]
    fn a_new_attempt_clears_the_last_error() {
        let mut states = ProfileStates::default();
        states.entry("dev").error = Some(UiError::plain("AADSTS7000215"));
        states.begin("dev", OpKind::Access);
        states.begin("dev", OpKind::Check);
        assert!(states.error("dev").is_some());
        states.begin("dev", OpKind::Renewal);
        assert!(states.error("dev").is_none());
        states.entry("dev").error = Some(UiError::plain("AADSTS50126"));
        states.begin("dev", OpKind::SignIn);
        assert!(states.error("dev").is_none());
    }

    #[test]
    fn remove_drops_every_part_of_a_profile() {
        let mut states = ProfileStates::default();
        let renewal = states.begin("dev", OpKind::Renewal);
        let s = states.entry("dev");
        s.error = Some(UiError::plain("boom"));
        s.access = Some(Err(UiError::plain("refused")));
        s.failed_renewal = Some(at(0));
        states.remove("dev");
        // Re-created under the same name: nothing of the old one shows, and the old
        // renewal's answer finds nobody waiting.
        let fresh = states.entry("dev").clone();
        assert!(fresh.error.is_none() && fresh.access.is_none());
        assert!(!fresh.is_pending(OpKind::Renewal) && fresh.failed_renewal.is_none());
        assert!(states.finish(&renewal).is_none());
    }

    #[test]
    fn retain_keeps_only_listed_profiles() {
        let mut states = ProfileStates::default();
        states.begin("a", OpKind::Access);
        states.begin("b", OpKind::Access);
        states.retain(|n| n == "b");
        assert!(!states.is_verifying("a"));
        assert!(states.is_verifying("b"));
    }

    #[test]
    fn a_superseded_or_cancelled_request_is_not_finished() {
        let mut states = ProfileStates::default();
        let first = states.begin("dev", OpKind::Renewal);
        let second = states.begin("dev", OpKind::Renewal);
        assert_ne!(first.id, second.id);
        assert!(states.finish(&first).is_none(), "superseded");
        assert!(states.is_renewing("dev"));
        assert!(states.finish(&second).is_some());
        assert!(!states.is_renewing("dev"));
        assert!(states.finish(&second).is_none(), "answered twice");

        let sign_in = states.begin("dev", OpKind::SignIn);
        states.prompt(
            &sign_in,
            SignInPrompt::Browser {
                url: "http://127.0.0.1:1/".into(),
                opened: Ok(()),
            },
        );
        assert!(matches!(states.sign_in("dev"), Some(SignIn::Waiting(_))));
        states.abandon("dev", OpKind::SignIn);
        assert!(states.sign_in("dev").is_none() && !states.any_sign_in());
        assert!(states.finish(&sign_in).is_none(), "cancelled");
    }

    #[test]
    fn kinds_are_independent() {
        let mut states = ProfileStates::default();
        let access = states.begin("dev", OpKind::Access);
        let check = states.begin("dev", OpKind::Check);
        assert!(matches!(states.check("dev"), Some(Check::Running)));
        assert!(states.finish(&access).is_some());
        assert!(states.is_current(&check));
        // Another profile's request of the same kind is its own.
        let other = states.begin("prod", OpKind::Check);
        assert!(states.is_current(&check) && states.is_current(&other));
    }

    #[test]
    fn the_shown_token_keeps_no_refresh_token() {
        let set = TokenSet {
            access_token: Secret::new("at"),
            token_type: "Bearer".into(),
            expires_at: at(3600),
            refresh_token: Some(Secret::new("rt")),
            id_token: None,
            scope: None,
        };
        let shown = ShownToken::from(set);
        assert!(shown.renewable);
        assert_eq!(shown.seconds_left(at(0)), 3600);
    }

    #[test]
    fn a_closed_or_reopened_dialog_gets_no_old_answer() {
        let mut tickets = Tickets::default();
        let first = tickets.begin(DialogKind::Import);
        tickets.abandon(DialogKind::Import);
        assert!(!tickets.finish(&first), "closed");
        let second = tickets.begin(DialogKind::Import);
        let third = tickets.begin(DialogKind::Import);
        assert!(!tickets.is_current(&second), "superseded");
        let save = tickets.begin(DialogKind::Save);
        assert!(tickets.finish(&third) && tickets.finish(&save));
        assert!(!tickets.finish(&third), "answered twice");
        assert!(!tickets.is_pending(DialogKind::Import));
    }

    #[test]
    fn what_the_views_show_of_a_token_is_decoded_when_it_arrives() {
        let jwt = |claims: &str| {
            let payload = crate::token::b64url(claims.as_bytes());
            Secret::new(format!("eyJhbGciOiJub25lIn0.{payload}.x"))
        };
        let set = TokenSet {
            access_token: jwt(
                r#"{"tid":"7d3c1f6a-0000-4000-8000-000000000001","iat":100,"exp":3700}"#,
            ),
            token_type: "Bearer".into(),
            expires_at: at(3600),
            refresh_token: None,
            id_token: Some(jwt(r#"{"name":"Ada Lovelace"}"#)),
            scope: None,
        };
        let shown = ShownToken::from(set);
        let facts = &shown.facts;
        assert_eq!(
            facts.tenant_id.as_deref(),
            Some("7d3c1f6a-0000-4000-8000-000000000001")
        );
        assert_eq!(shown.lifetime_secs(), Some(3600));
        assert_eq!(shown.signed_in_as(), Some("Ada Lovelace"));
        assert!(facts.jwt.as_ref().is_some_and(|j| j.claims.len() == 3));
        assert!(facts.header_json.contains(r#""alg": "none""#));
        assert!(facts.claims_json.contains(r#""exp": 3700"#));
    }
}

//! What the window knows about each profile, in one place: a profile's token, sign-in,
//! error, renewal and Access results live in one [`ProfileState`], so deleting or
//! renaming a profile drops or moves all of it at once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::worker::UiError;
use crate::auth::SignInPrompt;
use crate::cdf::Access;
use crate::token::TokenSet;

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

/// The window's view of one profile. The truth (tokens, secrets) lives in the session
/// and its stores; this is what was last heard from the worker.
#[derive(Debug, Clone, Default)]
pub struct ProfileState {
    /// The cached or newly acquired tokens.
    pub tokens: Option<TokenSet>,
    /// A sign-in in progress.
    pub sign_in: Option<SignIn>,
    /// The last failure, shown as a banner on the profile.
    pub error: Option<UiError>,
    /// A renewal (button or automatic) is under way.
    pub renewing: bool,
    /// A Verify is under way.
    pub verifying: bool,
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
}

/// Every profile's state, by profile name.
#[derive(Debug, Default)]
pub struct ProfileStates {
    map: HashMap<String, ProfileState>,
}

impl ProfileStates {
    pub fn get(&self, name: &str) -> Option<&ProfileState> {
        self.map.get(name)
    }

    /// The profile's state, created empty on first use.
    pub fn entry(&mut self, name: &str) -> &mut ProfileState {
        self.map.entry(name.to_string()).or_default()
    }

    pub fn tokens(&self, name: &str) -> Option<&TokenSet> {
        self.get(name).and_then(|s| s.tokens.as_ref())
    }

    pub fn sign_in(&self, name: &str) -> Option<&SignIn> {
        self.get(name).and_then(|s| s.sign_in.as_ref())
    }

    pub fn error(&self, name: &str) -> Option<&UiError> {
        self.get(name).and_then(|s| s.error.as_ref())
    }

    pub fn access(&self, name: &str) -> Option<&Result<Access, UiError>> {
        self.get(name).and_then(|s| s.access.as_ref())
    }

    pub fn is_renewing(&self, name: &str) -> bool {
        self.get(name).is_some_and(|s| s.renewing)
    }

    pub fn check(&self, name: &str) -> Option<&Check> {
        self.get(name).and_then(|s| s.check.as_ref())
    }

    pub fn is_verifying(&self, name: &str) -> bool {
        self.get(name).is_some_and(|s| s.verifying)
    }

    /// True while any profile has a sign-in in progress.
    pub fn any_sign_in(&self) -> bool {
        self.map.values().any(|s| s.sign_in.is_some())
    }

    /// Forgets everything about a profile.
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Keeps only the profiles `keep` says still exist.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.map.retain(|name, _| keep(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_drops_every_part_of_a_profile() {
        let mut states = ProfileStates::default();
        let s = states.entry("dev");
        s.error = Some(UiError::plain("boom"));
        s.access = Some(Err(UiError::plain("refused")));
        s.renewing = true;
        s.failed_renewal = Some(Utc::now());
        states.remove("dev");
        // Re-created under the same name: nothing of the old one shows.
        let fresh = states.entry("dev").clone();
        assert!(fresh.error.is_none() && fresh.access.is_none());
        assert!(!fresh.renewing && fresh.failed_renewal.is_none());
    }

    #[test]
    fn retain_keeps_only_listed_profiles() {
        let mut states = ProfileStates::default();
        states.entry("a").verifying = true;
        states.entry("b").verifying = true;
        states.retain(|n| n == "b");
        assert!(!states.is_verifying("a"));
        assert!(states.is_verifying("b"));
    }
}

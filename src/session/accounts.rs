//! Who shares a sign-in: a person's profiles with the same account fields share one
//! account (`Profile::account()`), which keeps the refresh token, the ID token and the
//! APIs its sign-ins were for; each profile keeps only its own access token, bound to
//! `Profile::token_binding()`. Storing, reading, carrying over and forgetting them.

use super::{Session, SessionError};
use crate::auth;
use crate::fsutil::FileLock;
use crate::profile::{Account, Profile, ProfileFile};
use crate::secrets::Secret;
use crate::token::TokenSet;

/// What an account keeps, sealed under its name and bound to its fingerprint: the
/// refresh token that every profile of the account redeems for its own scope, and the ID
/// token of the last sign-in or refresh (who signed in).
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct AccountTokens {
    pub(super) refresh_token: Secret,
    #[serde(default)]
    pub(super) id_token: Option<Secret>,
    /// The API origins (`https://host[:port]`) the account's sign-ins were for: each
    /// profile a sign-in was started from. A token that does not name its API (see
    /// [`Profile::token_names_its_api`]) goes to these only.
    #[serde(default)]
    pub(super) apis: Vec<String>,
    /// The origins of a Cognite organization's listed projects (`apiUrl`), as the last
    /// `login --org` read them.
    #[serde(default)]
    pub(super) org_apis: Vec<String>,
}

impl AccountTokens {
    /// Whether a sign-in of this account was for the profile's API.
    pub(super) fn signed_in_for(&self, profile: &Profile) -> bool {
        let origin = profile.api_origin();
        self.apis.iter().chain(&self.org_apis).any(|a| *a == origin)
    }

    pub(super) fn grant(&mut self, origin: String) {
        if !self.apis.contains(&origin) {
            self.apis.push(origin);
        }
    }
}

/// Why a profile whose token names no API gets none from its account.
pub(super) fn not_signed_in_for(profile: &Profile, tokens: &AccountTokens) -> String {
    let mut apis: Vec<&str> = tokens
        .apis
        .iter()
        .chain(&tokens.org_apis)
        .map(String::as_str)
        .collect();
    apis.sort_unstable();
    apis.dedup();
    let was_for = if apis.is_empty() {
        "no API".to_string()
    } else {
        apis.join(", ")
    };
    format!(
        "its account's sign-in was for {was_for}, not for {}, where this profile sends tokens",
        profile.api_origin()
    )
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    /// Every profile signed out: the one named and those sharing its account.
    pub profiles: Vec<String>,
    /// Whether the provider revoked the refresh token.
    pub revoked: bool,
    /// Why revoking failed (the tokens are forgotten here all the same).
    pub revoke_error: Option<String>,
}

/// A profile's account, as `profile show` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub id: String,
    /// Whether the account holds a sign-in (a refresh token).
    pub signed_in: bool,
    /// Who signed in, from the ID token.
    pub signed_in_as: Option<String>,
    /// The profiles sharing it, this one included.
    pub profiles: Vec<String>,
}

impl Session {
    pub(super) fn account_tokens(
        &self,
        account: &Account,
    ) -> Result<Option<AccountTokens>, SessionError> {
        Ok(self
            .cache()
            .load_as(&account.store_name(), &account.binding)?)
    }

    /// A profile's cache holds no refresh token since its account keeps it; the sets
    /// handed out carry the account's, so that callers can tell a token renews silently.
    pub(super) fn with_account_refresh(
        &self,
        profile: &Profile,
        mut set: TokenSet,
    ) -> Result<TokenSet, SessionError> {
        if set.refresh_token.is_none()
            && let Some(account) = profile.account()
            && let Some(tokens) = self.account_tokens(&account)?
        {
            set.refresh_token = Some(tokens.refresh_token);
            if set.id_token.is_none() {
                set.id_token = tokens.id_token;
            }
        }
        Ok(set)
    }

    /// The lock of whatever holds the profile's refresh token: its account, or (service
    /// principals) the profile itself.
    pub(super) fn renewal_lock(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<FileLock, SessionError> {
        match profile.account() {
            Some(account) => self.lock(&account.store_name()),
            None => self.lock(name),
        }
    }

    /// Stores new tokens of a profile: a person's refresh token (and ID token) with the
    /// account, the access token with the profile, bound to the profile's settings.
    /// Returns the set as it came (refresh token included). Called under the renewal lock.
    pub(super) fn keep(
        &self,
        name: &str,
        profile: &Profile,
        set: TokenSet,
    ) -> Result<TokenSet, SessionError> {
        self.keep_as(name, profile, set, false)
    }

    /// [`keep`](Self::keep); `signed_in` when the tokens come from a sign-in started from
    /// this profile, which adds its API to those the account signed in for.
    pub(super) fn keep_as(
        &self,
        name: &str,
        profile: &Profile,
        set: TokenSet,
        signed_in: bool,
    ) -> Result<TokenSet, SessionError> {
        let mut own = set.clone();
        let account = profile.account();
        // A person's refresh token is the account's; a service principal keeps its own.
        let fresh = match account {
            Some(_) => own.refresh_token.take(),
            None => None,
        };
        if let Some(account) = account
            && (fresh.is_some() || signed_in)
        {
            let old = self.account_tokens(&account)?;
            let (old_refresh, old_id, apis, org_apis) = match old {
                Some(o) => (Some(o.refresh_token), o.id_token, o.apis, o.org_apis),
                None => (None, None, Vec::new(), Vec::new()),
            };
            if let Some(refresh_token) = fresh.or(old_refresh) {
                let mut tokens = AccountTokens {
                    refresh_token,
                    id_token: set.id_token.clone().or(old_id),
                    apis,
                    org_apis,
                };
                if signed_in {
                    tokens.grant(profile.api_origin());
                }
                self.cache()
                    .store_as(&account.store_name(), &account.binding, &tokens)?;
            }
        }
        self.cache().store(name, &profile.token_binding(), &own)?;
        Ok(set)
    }

    /// Whether the profile may be given its account's sign-in: its token names its own
    /// API, or the account signed in for the profile's API (doctor's "the token fits").
    /// `None` when the account holds no sign-in.
    pub fn signed_in_for(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<Option<bool>, SessionError> {
        let Some(account) = profile.account() else {
            return Ok(None);
        };
        let Some(tokens) = self.account_tokens(&account)? else {
            return Ok(None);
        };
        Ok(Some(
            profile.token_names_its_api()
                || tokens.signed_in_for(profile)
                || self.cache().load(name, &profile.token_binding())?.is_some(),
        ))
    }

    /// The account a profile shares with others, as `profile show` describes it; none
    /// for service principals and API keys.
    pub fn account_status(
        &self,
        name: &str,
        profile: &Profile,
        profiles: &ProfileFile,
    ) -> Result<Option<AccountStatus>, SessionError> {
        let Some(account) = profile.account() else {
            return Ok(None);
        };
        let tokens = self.account_tokens(&account)?;
        let mut members = profiles.account_members(&account);
        if !members.iter().any(|m| m == name) {
            members.push(name.to_string());
        }
        Ok(Some(AccountStatus {
            id: account.id,
            signed_in: tokens.is_some(),
            signed_in_as: tokens
                .and_then(|t| t.id_token)
                .and_then(|t| crate::token::signed_in_as(&t)),
            profiles: members,
        }))
    }

    /// Carries a profile's sign-in (its cached tokens) over to the name `to`, as a rename
    /// does: only tokens bound to `profile`'s settings move, sealed again for the new
    /// name. `true` when there were some.
    pub fn carry_sign_in(
        &self,
        from: &str,
        to: &str,
        profile: &Profile,
    ) -> Result<bool, SessionError> {
        let _from = self.lock(from)?;
        let _to = self.lock(to)?;
        let binding = profile.token_binding();
        let Some(set) = self.cache().load(from, &binding)? else {
            return Ok(false);
        };
        self.cache().store(to, &binding, &set)?;
        Ok(true)
    }

    /// Signs the profile out: a person's account with every profile sharing it (in
    /// `profiles`), after revoking its refresh token where the provider offers
    /// revocation; a service principal's profile alone. A failed revocation is reported,
    /// and the tokens are forgotten here all the same.
    pub fn sign_out(
        &self,
        name: &str,
        profile: &Profile,
        profiles: &ProfileFile,
    ) -> Result<SignedOut, SessionError> {
        let Some(account) = profile.account() else {
            self.logout(name)?;
            return Ok(SignedOut {
                profiles: vec![name.to_string()],
                revoked: false,
                revoke_error: None,
            });
        };
        let _lock = self.lock(&account.store_name())?;
        let mut members = profiles.account_members(&account);
        if !members.iter().any(|m| m == name) {
            members.push(name.to_string());
        }
        let legacy = self
            .cache()
            .load(name, &profile.token_binding())?
            .and_then(|s| s.refresh_token);
        let refresh_token = self
            .account_tokens(&account)?
            .map(|a| a.refresh_token)
            .or(legacy);
        let (mut revoked, mut revoke_error) = (false, None);
        if let Some(token) = refresh_token {
            let result = self.http(profile).and_then(|http| {
                let endpoints = self.endpoints(&http, profile)?;
                self.rt
                    .block_on(auth::revoke(&http, &endpoints, profile, &token))
            });
            match result {
                Ok(done) => revoked = done,
                Err(e) => revoke_error = Some(e.to_string()),
            }
        }
        self.cache().forget(&account.store_name())?;
        for member in &members {
            self.cache().forget(member)?;
        }
        Ok(SignedOut {
            profiles: members,
            revoked,
            revoke_error,
        })
    }

    /// Forgets the tokens of accounts no profile in `profiles` shares any more (after a
    /// profile was removed, or its account fields changed), so that no refresh token
    /// outlives every profile that could use it.
    pub fn prune_accounts(&self, profiles: &ProfileFile) -> Result<Vec<String>, SessionError> {
        let live: Vec<String> = profiles
            .profiles
            .values()
            .filter_map(|p| p.account().map(|a| a.store_name()))
            .collect();
        let entries = match std::fs::read_dir(self.paths.token_dir()) {
            Ok(e) => e,
            Err(_) => return Ok(Vec::new()),
        };
        let mut pruned = Vec::new();
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(store_name) = file.strip_suffix(".tokens") else {
                continue;
            };
            if store_name.starts_with(".account-") && !live.iter().any(|l| l == store_name) {
                let _lock = self.lock(store_name)?;
                self.cache().forget(store_name)?;
                let _ =
                    std::fs::remove_file(self.paths.lock_dir().join(format!("{store_name}.lock")));
                pruned.push(store_name.to_string());
            }
        }
        Ok(pruned)
    }
}

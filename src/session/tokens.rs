//! A profile's token: the cache, else a refresh with its account's (or its own)
//! refresh token, else (service principals) a new one. Never a prompt.

use super::accounts::not_signed_in_for;
use super::{Credential, Session, SessionError, TokenOptions, TokenSource};
use crate::auth::{self, AuthError};
use crate::profile::{Flow, Profile};
use crate::secrets::{SecretKind, SecretStore};
use crate::token::TokenSet;

/// The answers with which a provider refuses a refresh token (for this scope, or at all)
/// or wants the person back: the profile then needs a sign-in, and says why.
const REFUSALS: &[&str] = &[
    "invalid_grant",
    "invalid_scope",
    "invalid_target",
    "interaction_required",
    "consent_required",
    "login_required",
];

impl Session {
    /// The cached tokens of a profile, without any network request; none when they came
    /// from settings other than the profile's current ones.
    pub fn cached(&self, name: &str, profile: &Profile) -> Result<Option<TokenSet>, SessionError> {
        match self.cache().load(name, &profile.token_binding())? {
            Some(set) => Ok(Some(self.with_account_refresh(profile, set)?)),
            None => Ok(None),
        }
    }

    /// Who is signed in for the profile, by name or e-mail ([`TokenSet::person`]), from
    /// what is kept here, without network: its cached tokens, else (a person's profile
    /// that has none of its own) its account's sign-in. None for a service principal, or
    /// when no one is signed in.
    pub fn signed_in_person(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<Option<String>, SessionError> {
        if let Some(set) = self.cached(name, profile)? {
            return Ok(set.person());
        }
        let Some(account) = profile.account() else {
            return Ok(None);
        };
        Ok(self
            .account_tokens(&account)?
            .and_then(|t| t.id_token)
            .as_ref()
            .and_then(crate::token::person_in_id_token))
    }

    /// The profile's cached tokens or, when it has none but its account is signed in (a
    /// sign-in of another profile of the account), tokens for it redeemed from the
    /// account: no prompt, one refresh. For the window's switch to a profile.
    pub fn cached_or_shared(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<Option<TokenSet>, SessionError> {
        if let Some(set) = self.cached(name, profile)? {
            return Ok(Some(set));
        }
        // A profile the account did not sign in for shows as signed out: switching to
        // it sends nothing anywhere.
        match self.signed_in_for(name, profile)? {
            Some(true) => {
                let opts = TokenOptions::default();
                Ok(Some(self.token(name, profile, opts)?.0))
            }
            _ => Ok(None),
        }
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
        // Tokens belong to the settings they came from: after the authority, endpoints,
        // client, tenant, scopes or base URL change, the old ones are neither served nor
        // refreshed (the old refresh token would go to the new endpoint).
        let binding = profile.token_binding();
        if !opts.force_refresh
            && let Some(set) = self.cache().load(name, &binding)?
            && set.is_valid_for(now, opts.min_valid_secs)
        {
            return Ok((self.with_account_refresh(profile, set)?, TokenSource::Cache));
        }

        // Only one process renews an account (all the profiles sharing a person's
        // sign-in) at a time, so a rotated refresh token is never redeemed twice, whichever
        // profile asks. Whoever waited re-reads the caches the winner wrote.
        let _lock = self.renewal_lock(name, profile)?;
        let cached = self.cache().load(name, &binding)?;
        if let Some(set) = &cached
            && !opts.force_refresh
            && set.is_valid_for(self.clock.now(), opts.min_valid_secs)
        {
            let set = self.with_account_refresh(profile, set.clone())?;
            return Ok((set, TokenSource::Cache));
        }
        let account = match profile.account() {
            Some(a) => self.account_tokens(&a)?,
            None => None,
        };
        // A token that does not name its API goes only where the account signed in for
        // (or where this profile's own tokens already went): a profile planted in a
        // shared file or imported from a `.env` gets nothing until a sign-in is started
        // from it.
        if let Some(tokens) = &account
            && cached.is_none()
            && !profile.token_names_its_api()
            && !tokens.signed_in_for(profile)
        {
            return Err(SessionError::SignInRequired {
                profile: name.to_string(),
                reason: Some(not_signed_in_for(profile, tokens)),
            });
        }

        // The account's refresh token; a profile signed in before accounts existed keeps
        // its own in its cache.
        let refresh_token = account
            .as_ref()
            .map(|a| a.refresh_token.clone())
            .or_else(|| cached.as_ref().and_then(|s| s.refresh_token.clone()));
        if let Some(refresh_token) = refresh_token {
            let http = self.http(profile)?;
            let endpoints = self.endpoints(&http, profile)?;
            match self
                .rt
                .block_on(auth::refresh(&http, &endpoints, profile, &refresh_token))
            {
                Ok(mut set) => {
                    if set.id_token.is_none() {
                        set.id_token = cached
                            .and_then(|c| c.id_token)
                            .or_else(|| account.and_then(|a| a.id_token));
                    }
                    return Ok((self.keep(name, profile, set)?, TokenSource::Refreshed));
                }
                // A provider that will not redeem the account's refresh token for this
                // profile's scope (some refuse other resources) leaves this profile, and
                // only it, needing a sign-in; the account's token is kept for the others.
                Err(AuthError::Idp(e))
                    if REFUSALS.contains(&e.error.as_str()) && profile.flow.is_user_flow() =>
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
                let set = self.acquire_client_credentials(name, profile)?;
                Ok((self.keep(name, profile, set)?, TokenSource::Acquired))
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

    /// The profile's credential: its API key, or a token the way [`token`](Self::token)
    /// gets one (cache, refresh, client credentials).
    pub fn credential(
        &self,
        name: &str,
        profile: &Profile,
        opts: TokenOptions,
    ) -> Result<Credential, SessionError> {
        if profile.flow == Flow::ApiKey {
            return Ok(Credential::ApiKey(self.api_key(name)?));
        }
        let (set, source) = self.token(name, profile, opts)?;
        Ok(Credential::Bearer(set, source))
    }

    /// The legacy API key of an `api-key` profile, from the keyring.
    pub fn api_key(&self, name: &str) -> Result<crate::secrets::Secret, SessionError> {
        self.secrets
            .get(name, SecretKind::ApiKey)?
            .ok_or_else(|| SessionError::NoApiKey {
                profile: name.to_string(),
                store: self.secrets.noun(),
            })
    }
}

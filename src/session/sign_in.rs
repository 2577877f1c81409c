//! Signing in: the three flows (interactive, device code, client credentials with a
//! secret or a certificate), keeping what they return, and a sign-in by organization.

use std::time::Duration;

use super::accounts::AccountTokens;
use super::{Session, SessionError};
use crate::auth::{
    self, AuthError, CancelToken, ClientCertificate, ClientCredential, SignInPrompt,
};
use crate::profile::{Flow, Profile, SecretSource};
use crate::secrets::{SecretKind, SecretStore};
use crate::token::TokenSet;

impl Session {
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
        let set = self.sign_in(name, profile, prompt, cancel, timeout)?;
        self.store_sign_in(name, profile, set)
    }

    /// Keeps the tokens of a sign-in for the profile `name` (its account's refresh token
    /// with the account), under the renewal lock. A sign-in by organization keeps the
    /// one sign-in for each profile it made.
    pub fn store_sign_in(
        &self,
        name: &str,
        profile: &Profile,
        set: TokenSet,
    ) -> Result<TokenSet, SessionError> {
        let _lock = self.renewal_lock(name, profile)?;
        self.keep_as(name, profile, set, true)
    }

    /// Runs the profile's flow (`name` only for a service principal's stored secret) and
    /// returns the tokens without keeping them: [`Session::login`] keeps them.
    pub fn sign_in(
        &self,
        name: &str,
        profile: &Profile,
        prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
        cancel: &CancelToken,
        timeout: Duration,
    ) -> Result<TokenSet, SessionError> {
        if profile.flow == Flow::ApiKey {
            return Err(SessionError::ApiKeyProfile(name.to_string()));
        }
        // A token that cannot be kept must not be asked for: the person would sign in
        // (type a code on a phone) for nothing.
        self.secrets.probe()?;
        let set = match profile.flow {
            Flow::ApiKey => return Err(SessionError::ApiKeyProfile(name.to_string())),
            Flow::ClientCredentials => self.acquire_client_credentials(name, profile)?,
            Flow::Interactive => {
                let http = self.http(profile)?;
                let endpoints = self.endpoints(&http, profile)?;
                self.rt.block_on(auth::interactive::sign_in(
                    &http,
                    &endpoints,
                    profile,
                    prompt,
                    cancel,
                    timeout,
                    crate::profile::DEFAULT_PORT,
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
        Ok(set)
    }

    /// Keeps a sign-in by organization for its account, with the API origins of the
    /// organization's listed projects (replacing those of an earlier `login --org`). The
    /// projects' profiles then get it with [`store_sign_in`](Self::store_sign_in).
    pub fn store_org_sign_in(
        &self,
        template: &Profile,
        set: &TokenSet,
        listed: Vec<String>,
    ) -> Result<(), SessionError> {
        let Some(account) = template.account() else {
            return Ok(());
        };
        let _lock = self.lock(&account.store_name())?;
        let old = self.account_tokens(&account)?;
        let Some(refresh_token) = set
            .refresh_token
            .clone()
            .or_else(|| old.as_ref().map(|o| o.refresh_token.clone()))
        else {
            return Ok(());
        };
        let tokens = AccountTokens {
            refresh_token,
            id_token: set.id_token.clone(),
            apis: old.map(|o| o.apis).unwrap_or_default(),
            org_apis: listed,
        };
        self.cache()
            .store_as(&account.store_name(), &account.binding, &tokens)?;
        Ok(())
    }

    /// What a service principal signs in with: its certificate and key, or its client
    /// secret from where the profile says (the doctor's step 1 reads it so too).
    pub(crate) fn client_credential(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<ClientCredential, SessionError> {
        if let (Some(cert), Some(key)) = (&profile.certificate, &profile.private_key) {
            return Ok(ClientCredential::Certificate(ClientCertificate::load(
                cert, key,
            )?));
        }
        let secret = match profile.client_secret_source() {
            SecretSource::Env(var) => crate::profile::from_env(&var, |k| std::env::var(k).ok())?,
            SecretSource::File(path) => crate::profile::from_file(&path)?,
            SecretSource::Store => self
                .secrets
                .get(name, SecretKind::ClientSecret)?
                .ok_or_else(|| SessionError::NoClientSecret {
                    profile: name.to_string(),
                    store: self.secrets.noun(),
                })?,
        };
        Ok(ClientCredential::Secret(secret))
    }

    /// A new service-principal token. A stored secret the provider rejects as wrong
    /// (`invalid_client`, Entra's AADSTS7000215) may be a stale copy of one another
    /// program replaced: it is read once more from the store itself and, if it changed,
    /// tried once more.
    pub(super) fn acquire_client_credentials(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<TokenSet, SessionError> {
        let credential = self.client_credential(name, profile)?;
        let http = self.http(profile)?;
        let endpoints = self.endpoints(&http, profile)?;
        let first = self.rt.block_on(auth::client_credentials(
            &http,
            &endpoints,
            profile,
            &credential,
        ));
        let rejected = matches!(&first, Err(AuthError::Idp(e))
            if e.error == "invalid_client" || e.aadsts().as_deref() == Some("AADSTS7000215"));
        let ClientCredential::Secret(old) = &credential else {
            return Ok(first?);
        };
        if !rejected || profile.client_secret_source() != SecretSource::Store {
            return Ok(first?);
        }
        match self.secrets.reload(name, SecretKind::ClientSecret)? {
            Some(new) if &new != old => Ok(self.rt.block_on(auth::client_credentials(
                &http,
                &endpoints,
                profile,
                &ClientCredential::Secret(new),
            ))?),
            _ => Ok(first?),
        }
    }
}

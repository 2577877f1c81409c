//! Talking to the identity provider: the three sign-in flows and refresh.
//!
//! Nothing here touches the keyring or the disk (but for the discovery cache): the
//! session layer hands in credentials and stores what comes back.

pub(crate) mod assertion;
pub(crate) mod browser;
pub(crate) mod device_code;
pub(crate) mod endpoints;
pub(crate) mod error;
pub(crate) mod http;
pub(crate) mod interactive;
pub(crate) mod loopback;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

pub use assertion::ClientCertificate;
pub use endpoints::Endpoints;
pub use error::AuthError;
pub use http::Http;

use crate::profile::{OIDC_SCOPES, Profile};
use crate::secrets::Secret;
use crate::token::{Jwt, TokenSet, add_secs_saturating};

/// How a confidential client proves who it is.
pub enum ClientCredential {
    Secret(Secret),
    Certificate(ClientCertificate),
}

/// Something for the person at the screen to do during a sign-in.
#[derive(Debug, Clone)]
pub enum SignInPrompt {
    /// The browser was asked to open `url` (`opened` says whether that worked).
    Browser {
        url: String,
        opened: Result<(), String>,
    },
    /// Enter `user_code` at `verification_uri`.
    DeviceCode(device_code::DeviceCodePrompt),
}

/// Cancels a running sign-in (Ctrl-C in the CLI, the Cancel button in the window).
#[derive(Clone)]
pub struct CancelToken {
    tx: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken {
            tx: std::sync::Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
}

impl CancelToken {
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    #[cfg(test)]
    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once `cancel` has been called.
    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// A token endpoint's success answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    token_type: Option<String>,
    // Entra's v1 endpoint sent numbers as strings; accept both.
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    id_token: Option<Secret>,
    #[serde(default)]
    scope: Option<String>,
}

/// A count of seconds as a number or a string. Numbers beyond `i64` (and fractions) are
/// saturated into it rather than refused: every caller clamps the result to its own
/// sane bound, so `1e20` means "very long", not "malformed answer".
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrStr {
        Int(i64),
        Float(f64),
        Str(String),
    }
    // `as` saturates a float into i64 (NaN cannot come from JSON, nor from the filter).
    let saturate = |f: f64| (!f.is_nan()).then_some(f as i64);
    Ok(match Option::<NumOrStr>::deserialize(d)? {
        Some(NumOrStr::Int(n)) => Some(n),
        Some(NumOrStr::Float(f)) => saturate(f),
        Some(NumOrStr::Str(s)) => {
            let s = s.trim();
            s.parse().ok().or_else(|| s.parse().ok().and_then(saturate))
        }
        None => None,
    })
}

fn number_or_string_required<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    number_or_string(d)?.ok_or_else(|| serde::de::Error::custom("expected a number"))
}

/// The longest token lifetime believed: a year. Real access tokens live an hour or a
/// day (Entra ID: 60 to 90 minutes); a longer `expires_in` is a provider bug, and taking
/// it literally would overflow the date (`TimeDelta::seconds` panics past ~9.2 * 10^15 s,
/// and dates end at the year 262143) or keep serving a token long after the provider stopped honouring it. Clamping rather
/// than refusing keeps the token usable: the resource server has the last word anyway.
pub(crate) const MAX_TOKEN_LIFETIME_SECS: i64 = 365 * 24 * 3600;
/// The lifetime assumed when the answer says nothing (Entra ID's default).
const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

impl TokenResponse {
    /// Expiry policy: `expires_in` clamped to [0, 1 year] (negative means already
    /// expired); without it the access token's JWT `exp`, at most a year ahead; without
    /// that, an hour.
    fn into_token_set(self, now: DateTime<Utc>) -> TokenSet {
        let latest = add_secs_saturating(now, MAX_TOKEN_LIFETIME_SECS);
        let expires_at = match self.expires_in {
            Some(secs) => add_secs_saturating(now, secs.clamp(0, MAX_TOKEN_LIFETIME_SECS)),
            None => Jwt::decode(self.access_token.expose())
                .ok()
                .and_then(|j| j.time_claim("exp"))
                .map(|exp| exp.min(latest))
                .unwrap_or_else(|| add_secs_saturating(now, DEFAULT_TOKEN_LIFETIME_SECS)),
        };
        TokenSet {
            access_token: self.access_token,
            token_type: self.token_type.unwrap_or_else(|| "Bearer".into()),
            expires_at,
            refresh_token: self.refresh_token.filter(|r| !r.is_empty()),
            id_token: self.id_token.filter(|r| !r.is_empty()),
            scope: self.scope,
        }
    }
}

pub(crate) async fn token_request(
    http: &Http,
    endpoints: &Endpoints,
    form: &[(&str, &str)],
) -> Result<TokenSet, AuthError> {
    let response: TokenResponse = http.post_form(&endpoints.token, form).await?;
    Ok(response.into_token_set(http.now()))
}

/// The client credentials grant, with a secret or a certificate assertion.
pub async fn client_credentials(
    http: &Http,
    endpoints: &Endpoints,
    profile: &Profile,
    credential: &ClientCredential,
) -> Result<TokenSet, AuthError> {
    let scope = profile.sign_in_scopes().join(" ");
    let assertion;
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", profile.client_id.as_str()),
        ("scope", scope.as_str()),
    ];
    if let Some(audience) = &profile.audience {
        form.push(("audience", audience));
    }
    match credential {
        ClientCredential::Secret(s) => form.push(("client_secret", s.expose())),
        ClientCredential::Certificate(c) => {
            assertion = c.assertion(
                &profile.client_id,
                endpoints.token.as_str(),
                http.now().timestamp(),
            )?;
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ));
            form.push(("client_assertion", assertion.expose()));
        }
    }
    token_request(http, endpoints, &form).await
}

/// Scopes to send when redeeming a refresh token: the resource scopes only (mixing in
/// `openid`/`profile`/`offline_access` makes Entra ID answer `invalid_grant`).
pub fn refresh_scopes(profile: &Profile) -> String {
    profile
        .resource_scopes()
        .into_iter()
        .filter(|s| !OIDC_SCOPES.contains(&s.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Redeems a refresh token. When the provider does not rotate it, the old one is kept.
pub async fn refresh(
    http: &Http,
    endpoints: &Endpoints,
    profile: &Profile,
    refresh_token: &Secret,
) -> Result<TokenSet, AuthError> {
    let scope = refresh_scopes(profile);
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", profile.client_id.as_str()),
        ("refresh_token", refresh_token.expose()),
    ];
    // No resource scope (a Cognite organization's sign-in): the grant's own scopes.
    if !scope.is_empty() {
        form.push(("scope", scope.as_str()));
    }
    let mut set = token_request(http, endpoints, &form).await?;
    if set.refresh_token.is_none() {
        set.refresh_token = Some(refresh_token.clone());
    }
    Ok(set)
}

/// Revokes a refresh token (RFC 7009) where the provider offers revocation; `Ok(false)`
/// where it does not (Entra ID: a sign-out there only forgets the token locally).
pub async fn revoke(
    http: &Http,
    endpoints: &Endpoints,
    profile: &Profile,
    refresh_token: &Secret,
) -> Result<bool, AuthError> {
    let Some(url) = &endpoints.revocation else {
        return Ok(false);
    };
    let form = [
        ("token", refresh_token.expose()),
        ("token_type_hint", "refresh_token"),
        ("client_id", profile.client_id.as_str()),
    ];
    http.post_form_no_content(url, &form).await?;
    Ok(true)
}

/// Random bytes as base64url: state, nonce, PKCE verifier.
pub fn random_token(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| AuthError::Internal(format!("no randomness available: {e}")))?;
    Ok(crate::token::b64url(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Flow;

    fn profile(flow: Flow) -> Profile {
        toml::from_str(&format!(
            "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='{}'",
            flow.as_str()
        ))
        .unwrap()
    }

    #[test]
    fn refresh_sends_resource_scopes_only() {
        let mut p = profile(Flow::Interactive);
        assert_eq!(refresh_scopes(&p), "https://api.cognitedata.com/.default");
        p.scopes = vec![
            "https://api.cognitedata.com/.default".into(),
            "offline_access".into(),
            "openid".into(),
        ];
        assert_eq!(refresh_scopes(&p), "https://api.cognitedata.com/.default");
    }

    /// A token answer as Entra ID v2 sends it for the device code flow.
    #[test]
    fn parses_entra_token_response() {
        let body = r#"{"token_type":"Bearer","scope":"https://api.cognitedata.com/user_impersonation https://api.cognitedata.com/.default","expires_in":4887,"ext_expires_in":4887,"access_token":"eyJ0eXAi.x.y","refresh_token":"0.AQ-rt","id_token":"eyJ.id.tok"}"#;
        let r: TokenResponse = serde_json::from_str(body).unwrap();
        let now = Utc::now();
        let set = r.into_token_set(now);
        assert_eq!(set.seconds_left(now), 4887);
        assert_eq!(set.refresh_token.unwrap().expose(), "0.AQ-rt");
        assert_eq!(set.token_type, "Bearer");
    }

    #[test]
    fn expires_in_as_string_is_accepted() {
        let r: TokenResponse =
            serde_json::from_str(r#"{"access_token":"a","expires_in":"3599"}"#).unwrap();
        assert_eq!(r.expires_in, Some(3599));
    }

    fn expiry_in_secs(body: &str) -> i64 {
        let r: TokenResponse = serde_json::from_str(body).unwrap();
        let now = Utc::now();
        r.into_token_set(now).seconds_left(now)
    }

    #[test]
    fn absurd_expires_in_is_clamped_to_a_year() {
        let year = MAX_TOKEN_LIFETIME_SECS;
        for expires_in in [
            "100000000000000000",
            "\"100000000000000000\"",
            "9223372036854775807",
            "\"9223372036854775807\"",
            "18446744073709551616",
            "1e300",
            "\"1e20\"",
            "31536001",
        ] {
            let body = format!(r#"{{"access_token":"a","expires_in":{expires_in}}}"#);
            assert_eq!(expiry_in_secs(&body), year, "{expires_in}");
        }
        assert_eq!(
            expiry_in_secs(r#"{"access_token":"a","expires_in":31535999}"#),
            year - 1
        );
    }

    #[test]
    fn negative_expires_in_means_expired() {
        for expires_in in ["-5", "\"-5\"", "-9223372036854775808", "-1e300"] {
            let body = format!(r#"{{"access_token":"a","expires_in":{expires_in}}}"#);
            assert_eq!(expiry_in_secs(&body), 0, "{expires_in}");
        }
        assert_eq!(expiry_in_secs(r#"{"access_token":"a","expires_in":0}"#), 0);
    }

    #[test]
    fn expiry_from_the_jwt_when_expires_in_is_missing() {
        let jwt = |claims: &str| {
            format!(
                "{}.{}.sig",
                crate::token::b64url(br#"{"alg":"none"}"#),
                crate::token::b64url(claims.as_bytes())
            )
        };
        let now = Utc::now().timestamp();
        let body = |claims: &str| format!(r#"{{"access_token":"{}"}}"#, jwt(claims));
        let in_600 = expiry_in_secs(&body(&format!(r#"{{"exp":{}}}"#, now + 600)));
        assert!((599..=600).contains(&in_600), "{in_600}");
        // Far future: a year; out of range either way: absent, so the default hour.
        let far = format!(r#"{{"exp":{}}}"#, now + 10 * MAX_TOKEN_LIFETIME_SECS);
        assert_eq!(expiry_in_secs(&body(&far)), MAX_TOKEN_LIFETIME_SECS);
        assert_eq!(expiry_in_secs(&body(r#"{"exp":100000000000000000}"#)), 3600);
        assert_eq!(
            expiry_in_secs(&body(r#"{"exp":-100000000000000000}"#)),
            3600
        );
        assert_eq!(expiry_in_secs(r#"{"access_token":"opaque"}"#), 3600);
    }

    #[tokio::test]
    async fn cancel_token_wakes_waiters() {
        let c = CancelToken::default();
        let c2 = c.clone();
        let waiter = tokio::spawn(async move { c2.cancelled().await });
        c.cancel();
        waiter.await.unwrap();
        assert!(c.is_cancelled());
    }
}

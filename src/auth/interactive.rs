//! Authorization code + PKCE with the browser redirected to a loopback listener.

use std::time::Duration;

use sha2::{Digest, Sha256};
use url::Url;

use super::error::{AuthError, IdpError};
use super::loopback::{Callback, Listener, page};
use super::{CancelToken, Endpoints, Http, SignInPrompt, browser, random_token, token_request};
use crate::profile::Profile;
use crate::token::{Jwt, TokenSet, b64url};

/// One sign-in attempt's secrets: PKCE verifier, state and nonce.
struct Attempt {
    verifier: String,
    state: String,
    nonce: String,
}

impl Attempt {
    fn new() -> Result<Attempt, AuthError> {
        Ok(Attempt {
            verifier: random_token(32)?,
            state: random_token(16)?,
            nonce: random_token(16)?,
        })
    }

    fn challenge(&self) -> String {
        b64url(&Sha256::digest(self.verifier.as_bytes()))
    }
}

/// The exact redirect URI registered in Entra ID ("Mobile and desktop applications");
/// Cognite's identity provider registers its CLI client's with the path `/`.
pub fn redirect_uri(profile: &Profile, port: u16) -> String {
    if profile.org.is_some() {
        format!("http://localhost:{port}/")
    } else {
        format!("http://localhost:{port}")
    }
}

pub fn authorize_url(
    endpoint: &Url,
    profile: &Profile,
    redirect: &str,
    state: &str,
    nonce: &str,
    challenge: &str,
) -> Url {
    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", &profile.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", redirect)
            .append_pair("response_mode", "query")
            .append_pair("scope", &profile.sign_in_scopes().join(" "))
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(hint) = &profile.login_hint {
            q.append_pair("login_hint", hint);
        }
        if let Some(prompt) = profile.prompt {
            q.append_pair("prompt", prompt.as_str());
        }
        if let Some(audience) = &profile.audience {
            q.append_pair("audience", audience);
        }
        // Cognite's identity provider signs in to one organization, named up front.
        if let Some(org) = &profile.org {
            q.append_pair("organization_hint", org);
        }
    }
    url
}

/// Runs the interactive flow. The listener is bound before the browser opens, so busy
/// ports are an immediate error rather than a hang; a profile without ports of its own
/// listens on `default_port` or, when that is taken, any free one.
pub async fn sign_in(
    http: &Http,
    endpoints: &Endpoints,
    profile: &Profile,
    prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
    cancel: &CancelToken,
    timeout: Duration,
    default_port: u16,
) -> Result<TokenSet, AuthError> {
    let authorize = endpoints
        .authorization
        .as_ref()
        .ok_or_else(|| AuthError::Discovery {
            authority: profile.authority(),
            reason: "the provider offers no authorization endpoint".into(),
        })?;
    let listener = Listener::bind_redirect(profile.port.as_ref(), default_port)?;
    let attempt = Attempt::new()?;
    let redirect = redirect_uri(profile, listener.port());
    let url = authorize_url(
        authorize,
        profile,
        &redirect,
        &attempt.state,
        &attempt.nonce,
        &attempt.challenge(),
    );

    // The gate before anything is bound or shown: the URL printed, shown in the window
    // and opened is the one that passed it.
    let url = browser::openable(url.as_str()).map_err(|reason| AuthError::UnsafeUrl {
        what: "authorization endpoint",
        reason,
    })?;
    let opened = browser::open(&url);
    prompt(SignInPrompt::Browser { url, opened });

    let stopper = listener.stopper();
    let mut waiter = {
        let state = attempt.state.clone();
        // The listener is dropped, and the port freed, when this closure ends.
        tokio::task::spawn_blocking(move || listener.wait_for_code(|target| handle(target, &state)))
    };
    let early = tokio::select! {
        r = &mut waiter => Ok(r),
        _ = tokio::time::sleep(timeout) => Err(AuthError::SignInTimeout(timeout.as_secs())),
        _ = cancel.cancelled() => Err(AuthError::Cancelled),
    };
    let code = match early {
        Ok(r) => {
            r.map_err(|e| AuthError::Internal(format!("the loopback listener failed: {e}")))??
        }
        Err(e) => {
            // Ends the wait at once and returns when the port is free again.
            stopper.stop();
            let _ = waiter.await;
            return Err(e);
        }
    };

    let scope = profile.sign_in_scopes().join(" ");
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", profile.client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("code_verifier", attempt.verifier.as_str()),
        ("scope", scope.as_str()),
    ];
    let set = token_request(http, endpoints, &form).await?;
    check_nonce(&set, &attempt.nonce)?;
    Ok(set)
}

/// The ID token must carry the nonce this sign-in sent: a missing one is refused like a
/// different one (an ID token minted for another sign-in has none of ours).
fn check_nonce(set: &TokenSet, sent: &str) -> Result<(), AuthError> {
    if let Some(id) = &set.id_token {
        let nonce = Jwt::decode(id.expose())
            .ok()
            .and_then(|j| j.str_claim("nonce").map(str::to_string));
        match nonce {
            Some(n) if n == sent => {}
            Some(_) => return Err(AuthError::Mismatch("the ID token's nonce differs")),
            None => return Err(AuthError::Mismatch("the ID token has no nonce")),
        }
    }
    Ok(())
}

/// Decides what a request to the listener means. The redirect may come with or without a
/// trailing `/`, so the path is `/` either way.
pub(crate) fn handle(raw_url: &str, expected_state: &str) -> (u16, String, Callback) {
    let Ok(url) = Url::parse(&format!("http://localhost{raw_url}")) else {
        return (
            400,
            page(
                "Not a sign-in response",
                "This address only receives sign-in responses.",
                false,
            ),
            Callback::Ignored,
        );
    };
    if url.path() != "/" {
        return (
            404,
            page(
                "Not found",
                "This address only receives sign-in responses.",
                false,
            ),
            Callback::Ignored,
        );
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let state_ok = param("state").as_deref() == Some(expected_state);
    if !state_ok {
        // A stale tab or a forged request: refuse it and keep waiting for the real one.
        return (
            400,
            page(
                "This sign-in link is not current",
                "The response does not match the sign-in cdf-signin is waiting for. Finish the sign-in in the newest browser tab.",
                false,
            ),
            Callback::Ignored,
        );
    }
    if let Some(error) = param("error") {
        let err = IdpError {
            error,
            error_description: param("error_description"),
            error_codes: vec![],
            trace_id: None,
            correlation_id: None,
            timestamp: None,
        };
        let text = format!("{err}. You can close this tab and try again from cdf-signin.");
        return (
            200,
            page("Sign-in did not complete", &text, false),
            Callback::Done(Err(AuthError::Idp(Box::new(err)))),
        );
    }
    match param("code") {
        Some(code) if !code.is_empty() => (
            200,
            page(
                "Signed in",
                "You are signed in to cdf-signin. You can close this tab.",
                true,
            ),
            Callback::Done(Ok(code)),
        ),
        _ => (
            400,
            page(
                "Not a sign-in response",
                "The response carries no authorization code.",
                false,
            ),
            Callback::Ignored,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_with_code_and_right_state_completes() {
        for url in ["/?code=abc&state=s1", "?code=abc&state=s1"] {
            let (status, body, outcome) = handle(url, "s1");
            assert_eq!(status, 200);
            assert!(body.contains("Signed in"));
            assert!(
                matches!(outcome, Callback::Done(Ok(ref c)) if c == "abc"),
                "{url}"
            );
        }
    }

    #[test]
    fn wrong_state_is_refused_and_ignored() {
        let (status, _, outcome) = handle("/?code=abc&state=other", "s1");
        assert_eq!(status, 400);
        assert!(matches!(outcome, Callback::Ignored));
        let (_, _, outcome) = handle("/?error=access_denied&state=other", "s1");
        assert!(matches!(outcome, Callback::Ignored));
    }

    #[test]
    fn error_callback_ends_with_its_code() {
        let (_, body, outcome) = handle(
            "/?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.&state=s1",
            "s1",
        );
        assert!(body.contains("AADSTS65004"));
        match outcome {
            Callback::Done(Err(AuthError::Idp(e))) => assert_eq!(e.error, "access_denied"),
            _ => panic!("expected an access_denied error"),
        }
    }

    #[test]
    fn other_paths_are_not_found() {
        let (status, _, outcome) = handle("/favicon.ico", "s1");
        assert_eq!(status, 404);
        assert!(matches!(outcome, Callback::Ignored));
    }

    #[test]
    fn page_escapes_text() {
        assert!(page("<b>", "x&y", true).contains("&lt;b&gt;"));
    }

    #[test]
    fn authorize_url_carries_pkce_and_options() {
        let mut p: Profile = toml::from_str("cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='interactive'\nlogin_hint='a@b.c'\nprompt='select_account'").unwrap();
        p.port = Some(crate::profile::PortSpec::single(53123));
        let endpoint =
            Url::parse("https://login.microsoftonline.com/t/oauth2/v2.0/authorize").unwrap();
        let url = authorize_url(&endpoint, &p, &redirect_uri(&p, 53123), "st", "no", "ch");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["redirect_uri"], "http://localhost:53123");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["scope"],
            "https://api.cognitedata.com/.default openid profile offline_access"
        );
        assert_eq!(q["login_hint"], "a@b.c");
        assert_eq!(q["prompt"], "select_account");
        assert!(!q.contains_key("organization_hint"));
    }

    /// Issue 19: a Cognite organization's sign-in: its own scopes and no resource, the
    /// organization named, and the redirect URI with the path `/` that Cognite's CLI
    /// client registers.
    #[test]
    fn authorize_url_of_a_cognite_organization() {
        let p: Profile = toml::from_str("cluster='api'\nproject='p'\nclient_id='c'\nflow='interactive'\norg='contoso'\nport='3000,3100-3110'").unwrap();
        p.validate().unwrap();
        let endpoint = Url::parse("https://auth.cognite.com/oauth2/authorize").unwrap();
        let url = authorize_url(&endpoint, &p, &redirect_uri(&p, 3100), "st", "no", "ch");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["redirect_uri"], "http://localhost:3100/");
        assert_eq!(q["organization_hint"], "contoso");
        assert_eq!(q["scope"], "openid profile email offline_access");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(p.authority(), "https://auth.cognite.com");
    }

    fn with_id_token(claims: serde_json::Value) -> TokenSet {
        use base64::Engine;
        let b64 = |v: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let jwt = format!(
            "{}.{}.sig",
            b64(&serde_json::json!({"alg": "RS256"})),
            b64(&claims)
        );
        TokenSet {
            access_token: crate::secrets::Secret::new("at"),
            token_type: "Bearer".into(),
            expires_at: chrono::Utc::now(),
            refresh_token: None,
            id_token: Some(crate::secrets::Secret::new(jwt)),
            scope: None,
        }
    }

    /// Finding 9 of issue 13: the nonce sent must come back in the ID token; a missing
    /// one is refused like a different one.
    #[test]
    fn the_id_token_must_carry_the_nonce_sent() {
        let sent = "n-123";
        assert!(check_nonce(&with_id_token(serde_json::json!({"nonce": sent})), sent).is_ok());
        let other = check_nonce(&with_id_token(serde_json::json!({"nonce": "n-456"})), sent);
        assert!(matches!(other, Err(AuthError::Mismatch(_))), "{other:?}");
        let missing = check_nonce(&with_id_token(serde_json::json!({"sub": "x"})), sent);
        assert!(
            matches!(missing, Err(AuthError::Mismatch(_))),
            "{missing:?}"
        );
        let garbage = TokenSet {
            id_token: Some(crate::secrets::Secret::new("not a jwt")),
            ..with_id_token(serde_json::json!({}))
        };
        assert!(check_nonce(&garbage, sent).is_err());
    }

    #[test]
    fn challenge_is_s256_of_verifier() {
        let a = Attempt {
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            state: String::new(),
            nonce: String::new(),
        };
        // RFC 7636 appendix B.
        assert_eq!(a.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}

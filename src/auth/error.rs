//! What can go wrong while talking to the identity provider, and how to say it in one line.

use serde::Deserialize;
use thiserror::Error;

/// An OAuth error answer (`{error, error_description, ...}`), as Entra ID and any other
/// OpenID provider send it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IdpError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<i64>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl IdpError {
    /// Entra's `AADSTSnnnn` code: from `error_codes`, else from the description.
    pub fn aadsts(&self) -> Option<String> {
        if let Some(code) = self.error_codes.first() {
            return Some(format!("AADSTS{code}"));
        }
        let desc = self.error_description.as_deref()?;
        let start = desc.find("AADSTS")?;
        let digits: String = desc[start + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
    }

    /// The first sentence of the description: Entra's descriptions run on over several
    /// lines with trace ids and timestamps that belong in "details", not in the message.
    pub fn summary(&self) -> Option<String> {
        let desc = self.error_description.as_deref()?.trim();
        let first_line = desc.lines().next().unwrap_or_default().trim();
        let sentence = match first_line.find(". ") {
            Some(i) => &first_line[..=i],
            None => first_line,
        };
        let sentence = sentence.trim();
        (!sentence.is_empty()).then(|| truncate(sentence, 300))
    }

    pub fn hint(&self) -> Option<String> {
        if let Some(h) = self.aadsts().and_then(|code| aadsts_hint(&code)) {
            return Some(h.to_string());
        }
        let h = match self.error.as_str() {
            "invalid_client" => {
                "check the profile's client id and its client secret or certificate"
            }
            "unauthorized_client" => {
                "the app registration does not allow this flow; check its settings"
            }
            "invalid_scope" => "check the profile's scopes (--scope) and the cluster",
            "invalid_grant" => "sign in again",
            "access_denied" | "authorization_declined" => {
                "the sign-in was declined; run login again to retry"
            }
            "expired_token" => "the code expired before sign-in finished; run login again",
            "temporarily_unavailable" | "server_error" => {
                "the identity provider has a problem; try again shortly"
            }
            _ => return None,
        };
        Some(h.to_string())
    }
}

impl std::fmt::Display for IdpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        match (self.summary(), self.aadsts()) {
            (Some(s), Some(code)) if !s.contains(&code) => write!(f, ": {code}: {s}"),
            (Some(s), _) => write!(f, ": {s}"),
            (None, Some(code)) => write!(f, ": {code}"),
            (None, None) => Ok(()),
        }
    }
}

/// Hints for the Entra ID error codes people meet most.
pub fn aadsts_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "AADSTS7000215" => {
            "the client secret is wrong or expired: use the secret's Value (not its ID), or create a new one and store it with `cdf-signin profile set-secret`"
        }
        "AADSTS7000222" => {
            "the client secret has expired: create a new one and store it with `cdf-signin profile set-secret`"
        }
        "AADSTS7000218" => {
            "the app registration must allow public client flows (Authentication > Allow public client flows: Yes)"
        }
        "AADSTS50097" | "AADSTS53003" | "AADSTS53000" | "AADSTS53001" => {
            "Conditional Access blocked the sign-in: use a compliant or registered device, or ask your administrator"
        }
        "AADSTS50076" | "AADSTS50079" => {
            "multi-factor authentication is required: use the interactive flow"
        }
        "AADSTS700016" => {
            "the client id is not known in this tenant: check --client-id and --tenant-id"
        }
        "AADSTS90002" => "the tenant was not found: check --tenant-id",
        "AADSTS65001" => {
            "the app has no consent for these permissions: an administrator must grant consent in the app registration"
        }
        "AADSTS50011" => {
            "the redirect URI is not registered: add http://localhost:53000 under Mobile and desktop applications"
        }
        "AADSTS700082" | "AADSTS70043" | "AADSTS50173" => {
            "the sign-in session expired: run `cdf-signin login` again"
        }
        "AADSTS500011" => {
            "the resource (cluster) is not known in this tenant: check --cluster or --base-url"
        }
        _ => return None,
    })
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}...")
    }
}

#[derive(Debug, Error)]
pub enum AuthError {
    #[error("{0}")]
    Idp(Box<IdpError>),
    #[error("{host} answered HTTP {status} instead of a token response{detail}")]
    Http {
        host: String,
        status: u16,
        detail: String,
    },
    #[error("{host} is throttling requests (HTTP 429){}", retry_after.map(|s| format!("; retry after {s} s")).unwrap_or_default())]
    Throttled {
        host: String,
        retry_after: Option<u64>,
    },
    #[error("{host} sent a malformed answer: {reason}")]
    Malformed { host: String, reason: String },
    #[error("{host} did not answer within {secs} s")]
    Timeout { host: String, secs: u64 },
    #[error("cannot reach {host}: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("the TLS certificate of {host} is not trusted: {reason}")]
    Tls { host: String, reason: String },
    #[error("cannot discover the endpoints of {authority}: {reason}")]
    Discovery { authority: String, reason: String },
    #[error("port {0} on localhost is in use, so the sign-in redirect cannot be received")]
    PortInUse(u16),
    #[error("cannot listen on localhost port {port}: {reason}")]
    Listener { port: u16, reason: String },
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("sign-in did not finish within {0} s")]
    SignInTimeout(u64),
    #[error("the device code expired before sign-in finished")]
    DeviceCodeExpired,
    #[error("the sign-in response does not belong to this sign-in ({0})")]
    Mismatch(&'static str),
    #[error("{0}")]
    Certificate(String),
    #[error("{0}")]
    Internal(String),
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
}

impl AuthError {
    pub fn hint(&self) -> Option<String> {
        match self {
            AuthError::Idp(e) => e.hint(),
            AuthError::Http { status, .. } if *status >= 500 => {
                Some("the identity provider has a problem; try again shortly".into())
            }
            AuthError::Http { .. } => Some("check the profile's authority and token URL".into()),
            AuthError::Throttled { .. } => Some("wait a moment before the next request".into()),
            AuthError::Timeout { .. } | AuthError::Unreachable { .. } => Some(
                "check your network connection; behind a proxy set HTTPS_PROXY (and NO_PROXY)".into(),
            ),
            AuthError::Tls { .. } => Some(
                "if your network inspects TLS, add its CA with `cdf-signin profile add ... --ca-file CA.pem`".into(),
            ),
            AuthError::Discovery { .. } => Some("check the profile's --authority URL".into()),
            AuthError::PortInUse(_) => Some(
                "close the program using it, or give the profile another port with --port (any localhost port works with Entra ID)".into(),
            ),
            AuthError::SignInTimeout(_) => Some("run login again, or give it more time with --timeout".into()),
            AuthError::DeviceCodeExpired => Some("run login again and enter the code sooner".into()),
            _ => None,
        }
    }

    /// The OAuth error code, when the identity provider sent one.
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            AuthError::Idp(e) => Some(&e.error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error body as Entra ID sends it for a wrong client secret.
    const ENTRA_BAD_SECRET: &str = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '11111111-2222-3333-4444-555555555555'. Trace ID: 0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00 Correlation ID: 3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4 Timestamp: 2026-11-20 09:12:44Z","error_codes":[7000215],"timestamp":"2026-11-20 09:12:44Z","trace_id":"0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00","correlation_id":"3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4","error_uri":"https://login.microsoftonline.com/error?code=7000215"}"#;

    /// Entra's multi-line variant (the description carries CRLF-separated trace lines).
    const ENTRA_NO_PUBLIC_CLIENT: &str = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.\\r\\nTrace ID: 5e0c3a2b-0000-4000-8000-000000000001\\r\\nCorrelation ID: 9a8b7c6d-0000-4000-8000-000000000002\\r\\nTimestamp: 2026-11-20 10:00:00Z\",\"error_codes\":[7000218],\"trace_id\":\"5e0c3a2b-0000-4000-8000-000000000001\",\"correlation_id\":\"9a8b7c6d-0000-4000-8000-000000000002\"}";

    #[test]
    fn entra_error_keeps_code_and_first_sentence_only() {
        let e: IdpError = serde_json::from_str(ENTRA_BAD_SECRET).unwrap();
        assert_eq!(e.aadsts().as_deref(), Some("AADSTS7000215"));
        let line = e.to_string();
        assert_eq!(
            line,
            "invalid_client: AADSTS7000215: Invalid client secret provided."
        );
        assert!(!line.contains("Trace ID"));
        assert!(e.hint().unwrap().contains("secret"));
        assert_eq!(
            e.trace_id.as_deref(),
            Some("0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00")
        );
    }

    #[test]
    fn multi_line_description_is_one_line() {
        let e: IdpError = serde_json::from_str(ENTRA_NO_PUBLIC_CLIENT).unwrap();
        let line = e.to_string();
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        assert!(line.starts_with("invalid_client: AADSTS7000218: The request body must contain"));
        assert!(e.hint().unwrap().contains("public client flows"));
    }

    #[test]
    fn code_taken_from_description_without_error_codes() {
        let e = IdpError {
            error: "invalid_request".into(),
            error_description: Some("AADSTS90002: Tenant 'nope' not found. Check to make sure you have the correct tenant ID.".into()),
            error_codes: vec![],
            trace_id: None,
            correlation_id: None,
            timestamp: None,
        };
        assert_eq!(e.aadsts().as_deref(), Some("AADSTS90002"));
        assert!(e.hint().unwrap().contains("--tenant-id"));
    }

    #[test]
    fn hints_for_common_codes() {
        for code in [
            "AADSTS7000215",
            "AADSTS7000218",
            "AADSTS50097",
            "AADSTS53003",
            "AADSTS700016",
            "AADSTS90002",
            "AADSTS65001",
        ] {
            assert!(aadsts_hint(code).is_some(), "{code}");
        }
        assert!(aadsts_hint("AADSTS1").is_none());
    }

    #[test]
    fn plain_oauth_error_without_description() {
        let e: IdpError = serde_json::from_str(r#"{"error":"invalid_grant"}"#).unwrap();
        assert_eq!(e.to_string(), "invalid_grant");
        assert_eq!(e.hint().as_deref(), Some("sign in again"));
    }
}

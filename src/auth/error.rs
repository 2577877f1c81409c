//! What can go wrong while talking to the identity provider, and how to say it in one line.

use serde::Deserialize;
use thiserror::Error;

use crate::field::Field;
use crate::remedy::Remedy;

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

    pub fn remedy(&self) -> Option<Remedy> {
        if let Some(r) = self.aadsts().and_then(|code| aadsts_remedy(&code)) {
            return Some(r);
        }
        Some(match self.error.as_str() {
            "invalid_client" => {
                Remedy::Advice("check the profile's client id and its client secret or certificate")
            }
            "unauthorized_client" => {
                Remedy::Advice("the app registration does not allow this flow; check its settings")
            }
            "invalid_scope" => Remedy::CheckFields {
                why: None,
                fields: &[Field::Scopes, Field::Cluster],
            },
            "invalid_grant" => Remedy::SignIn {
                profile: None,
                why: None,
            },
            "access_denied" | "authorization_declined" => Remedy::SignIn {
                profile: None,
                why: Some("the sign-in was declined"),
            },
            "expired_token" => Remedy::EnterCodeSooner,
            "temporarily_unavailable" | "server_error" => {
                Remedy::Advice("the identity provider has a problem; try again shortly")
            }
            _ => return None,
        })
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

/// What to do about the Entra ID error codes people meet most.
pub fn aadsts_remedy(code: &str) -> Option<Remedy> {
    let check = |why, fields| Remedy::CheckFields {
        why: Some(why),
        fields,
    };
    Some(match code {
        "AADSTS7000215" => Remedy::StoreSecret {
            profile: None,
            field: Field::ClientSecret,
            why: Some(
                "the client secret is wrong or expired: use the secret's Value (not its ID), or create a new one",
            ),
        },
        "AADSTS7000222" => Remedy::StoreSecret {
            profile: None,
            field: Field::ClientSecret,
            why: Some("the client secret has expired: create a new one"),
        },
        "AADSTS7000218" => Remedy::Advice(
            "the app registration must allow public client flows (Authentication > Allow public client flows: Yes)",
        ),
        "AADSTS50097" | "AADSTS53001" => Remedy::Advice(
            "Conditional Access blocked the sign-in: use a compliant or registered device, or ask your administrator",
        ),
        // Managed machines: a policy wants a compliant device, which only a browser
        // sign-in on that device can show.
        "AADSTS53003" | "AADSTS53000" => Remedy::SignIn {
            profile: None,
            why: Some(
                "Conditional Access or device compliance blocked this sign-in: use the interactive flow on a managed (compliant) device, or ask your administrator which policy applies",
            ),
        },
        "AADSTS530003" => Remedy::SignIn {
            profile: None,
            why: Some(
                "this resource needs a device your organisation manages: sign in interactively on such a device",
            ),
        },
        "AADSTS50076" | "AADSTS50079" => Remedy::SignIn {
            profile: None,
            why: Some(
                "a multi-factor sign-in is needed, which only a person can give: sign in again interactively",
            ),
        },
        "AADSTS50158" => Remedy::SignIn {
            profile: None,
            why: Some(
                "an external security challenge (such as another MFA provider) was not completed: sign in again interactively and finish it",
            ),
        },
        "AADSTS700016" => check(
            "the client id is not known in this tenant",
            &[Field::ClientId, Field::TenantId],
        ),
        "AADSTS90002" => check("the tenant was not found", &[Field::TenantId]),
        "AADSTS65001" => Remedy::Advice(
            "consent is missing: an administrator must grant admin consent for the app's API permissions (Entra ID > App registrations > the app > API permissions > Grant admin consent; for CDF the permission is user_impersonation of the cluster's API)",
        ),
        "AADSTS50011" => Remedy::Advice(
            "the redirect URI is not registered: add http://localhost:53000 under Mobile and desktop applications",
        ),
        "AADSTS700082" | "AADSTS70043" | "AADSTS50173" => Remedy::SignIn {
            profile: None,
            why: Some("the sign-in session expired"),
        },
        "AADSTS500011" => check(
            "the resource (cluster) is not known in this tenant",
            &[Field::Cluster, Field::BaseUrl],
        ),
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
    /// `reason` is the innermost cause, for the one line; `source` keeps the whole
    /// chain for `--verbose`.
    #[error("cannot reach {host}: {reason}")]
    Unreachable {
        host: String,
        reason: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    #[error("the TLS certificate of {host} is not trusted: {reason}")]
    Tls {
        host: String,
        reason: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    #[error("cannot discover the endpoints of {authority}: {reason}")]
    Discovery { authority: String, reason: String },
    /// The authority names its tenant by a domain; the provider's issuer names it by its
    /// id, at `by_id`.
    #[error(
        "the identity provider at {authority} names its tenant by id: its discovery document's issuer is {by_id}, not the authority"
    )]
    TenantById { authority: String, by_id: String },
    #[error("port {0} on localhost is in use, so the sign-in redirect cannot be received")]
    PortInUse(u16),
    #[error(
        "the redirect ports {0} on localhost are all in use, so the sign-in redirect cannot be received"
    )]
    PortsInUse(String),
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
    /// A URL the provider gave for a person to open that the opener gate refuses.
    #[error("the identity provider's {what} will not be opened or shown: {reason}")]
    UnsafeUrl { what: &'static str, reason: String },
}

impl AuthError {
    pub fn remedy(&self) -> Option<Remedy> {
        let advice = |text| Some(Remedy::Advice(text));
        match self {
            AuthError::Idp(e) => e.remedy(),
            AuthError::Http { status, .. } if *status >= 500 => {
                advice("the identity provider has a problem; try again shortly")
            }
            AuthError::Http { .. } => Some(Remedy::CheckFields {
                why: None,
                fields: &[Field::Authority, Field::TokenUrl],
            }),
            AuthError::Throttled { .. } => advice("wait a moment before the next request"),
            AuthError::Timeout { .. } | AuthError::Unreachable { .. } => advice(
                "check your network connection; behind a proxy set HTTPS_PROXY (and NO_PROXY)",
            ),
            AuthError::Tls { .. } => Some(Remedy::AddCa),
            AuthError::TenantById { by_id, .. } => Some(Remedy::UseAuthority {
                authority: by_id.clone(),
            }),
            AuthError::Discovery { .. } => Some(Remedy::CheckFields {
                why: None,
                fields: &[Field::Authority],
            }),
            AuthError::PortInUse(_) | AuthError::PortsInUse(_) => Some(Remedy::ChoosePort),
            AuthError::SignInTimeout(_) => Some(Remedy::MoreTime),
            AuthError::DeviceCodeExpired => Some(Remedy::EnterCodeSooner),
            AuthError::UnsafeUrl { .. } => Some(Remedy::CheckFields {
                why: Some("the identity provider sent an address that is not safe to open"),
                fields: &[Field::Authority],
            }),
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
        assert!(matches!(
            e.remedy(),
            Some(Remedy::StoreSecret { why: Some(w), .. }) if w.contains("secret's Value")
        ));
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
        assert!(matches!(e.remedy(), Some(Remedy::Advice(a)) if a.contains("public client flows")));
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
        assert!(matches!(
            e.remedy(),
            Some(Remedy::CheckFields { fields, .. }) if fields == [Field::TenantId]
        ));
    }

    #[test]
    fn hints_for_common_codes() {
        for code in [
            "AADSTS7000215",
            "AADSTS7000218",
            "AADSTS50097",
            "AADSTS53003",
            "AADSTS53000",
            "AADSTS530003",
            "AADSTS50076",
            "AADSTS50079",
            "AADSTS50158",
            "AADSTS700016",
            "AADSTS90002",
            "AADSTS65001",
        ] {
            assert!(aadsts_remedy(code).is_some(), "{code}");
        }
        assert!(aadsts_remedy("AADSTS1").is_none());
    }

    #[test]
    fn managed_machine_codes_say_what_to_do() {
        let why = |code: &str| match aadsts_remedy(code) {
            Some(Remedy::SignIn { why: Some(w), .. }) => w,
            other => panic!("{code}: {other:?}"),
        };
        for code in ["AADSTS53003", "AADSTS53000"] {
            assert!(why(code).contains("managed (compliant) device"), "{code}");
        }
        assert!(why("AADSTS530003").contains("manages"));
        for code in ["AADSTS50076", "AADSTS50079"] {
            assert!(why(code).contains("multi-factor"), "{code}");
        }
        assert!(why("AADSTS50158").contains("external security challenge"));
        assert!(matches!(
            aadsts_remedy("AADSTS65001"),
            Some(Remedy::Advice(a)) if a.contains("Grant admin consent")
        ));
    }

    #[test]
    fn plain_oauth_error_without_description() {
        let e: IdpError = serde_json::from_str(r#"{"error":"invalid_grant"}"#).unwrap();
        assert_eq!(e.to_string(), "invalid_grant");
        assert_eq!(
            e.remedy(),
            Some(Remedy::SignIn {
                profile: None,
                why: None
            })
        );
    }
}

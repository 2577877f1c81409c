//! The device code flow (RFC 8628, and Entra ID's variant of it).

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::error::AuthError;
use super::{CancelToken, Endpoints, Http, SignInPrompt, token_request};
use crate::profile::Profile;
use crate::secrets::Secret;
use crate::token::TokenSet;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How close to its expiry an unknown device code counts as expired.
const EXPIRY_SLACK_SECS: i64 = 5;

#[derive(Deserialize)]
struct DeviceAuthorization {
    device_code: Secret,
    user_code: String,
    // Entra's v1 endpoint called it verification_url.
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    verification_uri_complete: Option<String>,
    #[serde(
        default = "default_expiry",
        deserialize_with = "super::number_or_string_required"
    )]
    expires_in: i64,
    #[serde(default, deserialize_with = "super::number_or_string")]
    interval: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

fn default_expiry() -> i64 {
    900
}

/// What the person must do: open `verification_uri` and type `user_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Entra ID's ready-made instruction sentence.
    pub message: Option<String>,
}

/// Runs the device flow: asks for a code, shows it through `prompt`, and polls until the
/// person has signed in, the code expires, or `cancel` fires.
pub async fn sign_in(
    http: &Http,
    endpoints: &Endpoints,
    profile: &Profile,
    prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
    cancel: &CancelToken,
) -> Result<TokenSet, AuthError> {
    let device_url =
        endpoints
            .device_authorization
            .as_ref()
            .ok_or_else(|| AuthError::Discovery {
                authority: profile.authority(),
                reason: "the provider offers no device authorization endpoint".into(),
            })?;
    let scope = profile.sign_in_scopes().join(" ");
    let mut form = vec![
        ("client_id", profile.client_id.as_str()),
        ("scope", scope.as_str()),
    ];
    if let Some(audience) = &profile.audience {
        form.push(("audience", audience));
    }
    let auth: DeviceAuthorization = http.post_form(device_url, &form).await?;
    let expires_at = Utc::now() + Duration::seconds(auth.expires_in.max(1));
    prompt(SignInPrompt::DeviceCode(DeviceCodePrompt {
        user_code: auth.user_code.clone(),
        verification_uri: auth.verification_uri.clone(),
        verification_uri_complete: auth.verification_uri_complete.clone(),
        expires_at,
        message: auth.message.clone(),
    }));

    let mut interval = auth.interval.unwrap_or(5).clamp(1, 60) as u64;
    let form = [
        ("grant_type", DEVICE_GRANT),
        ("client_id", profile.client_id.as_str()),
        ("device_code", auth.device_code.expose()),
    ];
    loop {
        let left = (expires_at - Utc::now()).num_milliseconds();
        if left <= 0 {
            return Err(AuthError::DeviceCodeExpired);
        }
        let wait = StdDuration::from_secs(interval).min(StdDuration::from_millis(left as u64));
        tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            _ = tokio::time::sleep(wait) => {}
        }
        if Utc::now() >= expires_at {
            return Err(AuthError::DeviceCodeExpired);
        }
        let attempt = tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            r = token_request(http, endpoints, &form) => r,
        };
        match attempt {
            Ok(set) => return Ok(set),
            Err(AuthError::Idp(e)) => match e.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => interval += 5,
                "expired_token" | "code_expired" => return Err(AuthError::DeviceCodeExpired),
                // Our clock starts the code's life a little after the provider's; a
                // provider that has already dropped the code says "invalid_grant".
                "invalid_grant" | "bad_verification_code"
                    if (expires_at - Utc::now()).num_seconds() < EXPIRY_SLACK_SECS =>
                {
                    return Err(AuthError::DeviceCodeExpired);
                }
                _ => return Err(AuthError::Idp(e)),
            },
            Err(AuthError::Throttled { retry_after, .. }) => {
                interval = interval.max(retry_after.unwrap_or(interval + 5));
            }
            Err(other) => return Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The device authorization answer as Entra ID v2 sends it.
    #[test]
    fn parses_entra_device_code_response() {
        let body = r#"{"user_code":"FJ2XKQ7LM","device_code":"FAQABAAEAAAD--DLA3VO7QrddgJg7WevrAb","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FJ2XKQ7LM to authenticate."}"#;
        let d: DeviceAuthorization = serde_json::from_str(body).unwrap();
        assert_eq!(d.user_code, "FJ2XKQ7LM");
        assert_eq!(d.verification_uri, "https://microsoft.com/devicelogin");
        assert_eq!(d.expires_in, 900);
        assert_eq!(d.interval, Some(5));
        assert!(d.message.unwrap().contains("FJ2XKQ7LM"));
        assert!(d.verification_uri_complete.is_none());
        assert!(!format!("{:?}", d.device_code).contains("FAQAB"));
    }

    #[test]
    fn parses_v1_style_fields() {
        let body = r#"{"user_code":"A","device_code":"d","verification_url":"https://aka.ms/devicelogin","expires_in":"900","interval":"5"}"#;
        let d: DeviceAuthorization = serde_json::from_str(body).unwrap();
        assert_eq!(d.verification_uri, "https://aka.ms/devicelogin");
        assert_eq!(d.expires_in, 900);
    }
}

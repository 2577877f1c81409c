//! The device code flow (RFC 8628, and Entra ID's variant of it).

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::AuthError;
use super::{CancelToken, Endpoints, Http, SignInPrompt, token_request};
use crate::profile::Profile;
use crate::secrets::Secret;
use crate::token::{TokenSet, add_secs_saturating};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How close to its expiry an unknown device code counts as expired.
const EXPIRY_SLACK_SECS: i64 = 5;
/// A device code's life is clamped to [1 s, 1 h]: providers give 10 to 15 minutes
/// (Entra ID 900 s), and nobody types a code for longer than an hour; beyond that the
/// number is a provider bug, and taken literally it would overflow the date.
const MAX_CODE_LIFETIME_SECS: i64 = 3600;
/// The polling interval is clamped to [1 s, 60 s]: faster would hammer the provider,
/// slower would leave the person waiting long after they signed in. RFC 8628 says 5 s
/// when the provider names none.
const DEFAULT_INTERVAL_SECS: i64 = 5;
const MIN_INTERVAL_SECS: u64 = 1;
const MAX_INTERVAL_SECS: u64 = 60;
/// RFC 8628 3.5: `slow_down` adds 5 s to the interval (still capped at 60 s).
const SLOW_DOWN_STEP_SECS: u64 = 5;

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

/// The pages a person is sent to, through the opener gate (scheme and characters; not
/// the origin rule: Entra ID's device page is on microsoft.com, not the authority's host).
/// Both are shown and may be opened, so either failing refuses the answer.
fn verification_urls(auth: &DeviceAuthorization) -> Result<(String, Option<String>), AuthError> {
    let gate = |what, url: &str| {
        super::browser::openable(url).map_err(|reason| AuthError::UnsafeUrl { what, reason })
    };
    let uri = gate("device verification_uri", &auth.verification_uri)?;
    let complete = match &auth.verification_uri_complete {
        Some(url) => Some(gate("device verification_uri_complete", url)?),
        None => None,
    };
    Ok((uri, complete))
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
    let (verification_uri, verification_uri_complete) = verification_urls(&auth)?;
    let expires_at = code_expiry(http.now(), auth.expires_in);
    prompt(SignInPrompt::DeviceCode(DeviceCodePrompt {
        user_code: auth.user_code.clone(),
        verification_uri,
        verification_uri_complete,
        expires_at,
        message: auth.message.clone(),
    }));

    let mut interval = poll_interval(auth.interval);
    let form = [
        ("grant_type", DEVICE_GRANT),
        ("client_id", profile.client_id.as_str()),
        ("device_code", auth.device_code.expose()),
    ];
    loop {
        let left = (expires_at - http.now()).num_milliseconds();
        if left <= 0 {
            return Err(AuthError::DeviceCodeExpired);
        }
        let wait = StdDuration::from_secs(interval).min(StdDuration::from_millis(left as u64));
        tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            _ = tokio::time::sleep(wait) => {}
        }
        if http.now() >= expires_at {
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
                "slow_down" => interval = slowed_down(interval),
                "expired_token" | "code_expired" => return Err(AuthError::DeviceCodeExpired),
                // Our clock starts the code's life a little after the provider's; a
                // provider that has already dropped the code says "invalid_grant".
                "invalid_grant" | "bad_verification_code"
                    if (expires_at - http.now()).num_seconds() < EXPIRY_SLACK_SECS =>
                {
                    return Err(AuthError::DeviceCodeExpired);
                }
                _ => return Err(AuthError::Idp(e)),
            },
            Err(AuthError::Throttled { retry_after, .. }) => {
                interval = after_throttling(interval, retry_after);
            }
            Err(other) => return Err(other),
        }
    }
}

/// When the code expires, by our clock: `expires_in` clamped to [1 s, 1 h].
fn code_expiry(now: DateTime<Utc>, expires_in: i64) -> DateTime<Utc> {
    add_secs_saturating(now, expires_in.clamp(1, MAX_CODE_LIFETIME_SECS))
}

/// Seconds between polls: the provider's `interval` (5 s if none) clamped to [1, 60].
fn poll_interval(interval: Option<i64>) -> u64 {
    let secs = interval.unwrap_or(DEFAULT_INTERVAL_SECS);
    secs.clamp(MIN_INTERVAL_SECS as i64, MAX_INTERVAL_SECS as i64)
        .unsigned_abs()
}

fn slowed_down(interval: u64) -> u64 {
    interval
        .saturating_add(SLOW_DOWN_STEP_SECS)
        .min(MAX_INTERVAL_SECS)
}

/// After an HTTP 429: wait what `Retry-After` asks (already at most an hour, see
/// `http`), or slow down as for `slow_down`; never poll faster than before. The wait is
/// also cut short at the code's expiry by the caller.
fn after_throttling(interval: u64, retry_after: Option<u64>) -> u64 {
    interval.max(retry_after.unwrap_or_else(|| slowed_down(interval)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_device_numbers_are_clamped() {
        let body = r#"{"user_code":"A","device_code":"d","verification_uri":"https://x","expires_in":100000000000000000,"interval":1000000000000}"#;
        let d: DeviceAuthorization = serde_json::from_str(body).unwrap();
        let now = Utc::now();
        assert_eq!((code_expiry(now, d.expires_in) - now).num_seconds(), 3600);
        assert_eq!(poll_interval(d.interval), 60);

        assert_eq!((code_expiry(now, i64::MAX) - now).num_seconds(), 3600);
        assert_eq!((code_expiry(now, -5) - now).num_seconds(), 1);
        assert_eq!((code_expiry(now, 900) - now).num_seconds(), 900);
        assert_eq!(poll_interval(None), 5, "RFC 8628 default");
        assert_eq!(poll_interval(Some(0)), 1);
        assert_eq!(poll_interval(Some(-1_000_000_000_000)), 1);
        assert_eq!(poll_interval(Some(7)), 7);

        let huge = r#"{"user_code":"A","device_code":"d","verification_uri":"https://x","expires_in":"1e30","interval":1e30}"#;
        let d: DeviceAuthorization = serde_json::from_str(huge).unwrap();
        assert_eq!((code_expiry(now, d.expires_in) - now).num_seconds(), 3600);
        assert_eq!(poll_interval(d.interval), 60);
    }

    #[test]
    fn slowing_down_stays_bounded() {
        assert_eq!(slowed_down(5), 10);
        assert_eq!(slowed_down(58), 60);
        assert_eq!(slowed_down(u64::MAX), 60);
        assert_eq!(after_throttling(5, None), 10);
        assert_eq!(after_throttling(5, Some(2)), 5);
        assert_eq!(after_throttling(5, Some(3600)), 3600);
    }

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

    /// Issue 17, finding 1: the pages a person is sent to pass the opener gate.
    #[test]
    fn verification_pages_pass_the_opener_gate() {
        let parse = |uri: &str, complete: Option<&str>| {
            let body = serde_json::json!({"user_code": "A", "device_code": "d",
                "verification_uri": uri, "verification_uri_complete": complete});
            verification_urls(&serde_json::from_value(body).unwrap())
        };
        let (uri, complete) = parse("https://microsoft.com/devicelogin", None).unwrap();
        assert_eq!(uri, "https://microsoft.com/devicelogin");
        assert!(complete.is_none());
        let (_, complete) = parse(
            "https://x.invalid/device",
            Some("https://x.invalid/\" ; Start-Process calc ; \""),
        )
        .unwrap();
        let complete = complete.unwrap();
        assert!(!complete.contains(['"', ' ', '$']), "{complete}");
        let e = parse("file:///etc/passwd", None).unwrap_err();
        assert!(matches!(
            e,
            AuthError::UnsafeUrl {
                what: "device verification_uri",
                ..
            }
        ));
        assert!(e.to_string().contains("file"), "{e}");
        let e = parse("https://x.invalid/d", Some("javascript:alert(1)")).unwrap_err();
        assert!(matches!(
            e,
            AuthError::UnsafeUrl {
                what: "device verification_uri_complete",
                ..
            }
        ));
    }

    #[test]
    fn parses_v1_style_fields() {
        let body = r#"{"user_code":"A","device_code":"d","verification_url":"https://aka.ms/devicelogin","expires_in":"900","interval":"5"}"#;
        let d: DeviceAuthorization = serde_json::from_str(body).unwrap();
        assert_eq!(d.verification_uri, "https://aka.ms/devicelogin");
        assert_eq!(d.expires_in, 900);
    }
}

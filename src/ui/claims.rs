//! Plain-words meanings of the JWT claims people meet in Entra ID and CDF tokens.

use chrono::{DateTime, Local, TimeZone, Utc};
use serde_json::Value;

pub fn meaning(claim: &str) -> Option<&'static str> {
    Some(match claim {
        "aud" => "Audience: the API this token is for (your CDF cluster)",
        "iss" => "Issuer: the identity provider (tenant) that signed the token",
        "exp" => "Expires: the token is refused after this time",
        "iat" => "Issued at: when the token was made",
        "nbf" => "Not before: the token is refused before this time",
        "tid" => "Tenant id: the Entra ID directory that signed you in",
        "oid" => "Object id: your user (or service principal) in the tenant",
        "sub" => "Subject: who the token is about, unique per app",
        "upn" => "User principal name: your sign-in name",
        "preferred_username" => "Preferred username: your sign-in name",
        "unique_name" => "Unique name: your sign-in name",
        "name" => "Your display name",
        "scp" => "Scopes: what the app may do on your behalf",
        "scope" => "Scopes: what the app may do",
        "roles" => "App roles granted to the app or user",
        "groups" => "Groups you are in (CDF maps these to access)",
        "appid" | "azp" | "client_id" => "The app (client id) that asked for the token",
        "idp" => "Identity provider that authenticated you",
        "ver" => "Token format version",
        "nonce" => "Nonce: ties the ID token to this sign-in",
        "auth_time" => "When you signed in",
        "jti" | "uti" => "Token id: unique per token",
        "amr" => "How you authenticated (password, MFA, ...)",
        _ => return None,
    })
}

/// Numeric-date claims, shown as dates.
pub fn is_time_claim(claim: &str) -> bool {
    matches!(claim, "exp" | "iat" | "nbf" | "auth_time")
}

/// A claim value as text; dates in local time.
pub fn display_value(claim: &str, value: &Value) -> String {
    if is_time_claim(claim)
        && let Some(t) = value
            .as_i64()
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
    {
        return format!("{} ({})", local(t), value);
    }
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

pub fn local(t: DateTime<Utc>) -> String {
    DateTime::<Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Below this many seconds the countdown shows seconds; above it whole minutes, so an
/// idle window repaints once a minute instead of every second (under a software
/// renderer a frame of this window costs ~20 ms of CPU: 2 % at one frame a second).
pub const SECONDS_BELOW: i64 = 120;

/// "1 h 04 min", "54 min", "1 min 12 s", "42 s".
pub fn countdown(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        s if s >= 3600 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        s if s >= SECONDS_BELOW => format!("{} min", s / 60),
        s if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// How long until [`countdown`]'s text for `secs` changes: the next repaint it needs.
pub fn countdown_next_change(secs: i64) -> std::time::Duration {
    let wait = if secs > SECONDS_BELOW {
        // Whole minutes: the text changes when the count drops below a multiple of 60
        // (or below the seconds threshold).
        (secs % 60 + 1).min(secs - SECONDS_BELOW + 1)
    } else {
        1
    };
    std::time::Duration::from_secs(wait.max(1) as u64)
}

/// Like [`countdown_next_change`], from milliseconds left: the repaint lands just after
/// the displayed second (or minute) turns, so the countdown never skips a second.
pub fn countdown_next_change_ms(left_ms: i64) -> std::time::Duration {
    let secs = left_ms.div_euclid(1000);
    let into_second = left_ms.rem_euclid(1000) as u64;
    let whole = countdown_next_change(secs).as_secs().saturating_sub(1);
    std::time::Duration::from_millis(whole * 1000 + into_second + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_claims_have_meanings() {
        for c in [
            "aud",
            "iss",
            "exp",
            "iat",
            "nbf",
            "tid",
            "oid",
            "sub",
            "upn",
            "preferred_username",
            "name",
            "scp",
            "roles",
            "groups",
            "appid",
            "azp",
        ] {
            assert!(meaning(c).is_some(), "{c}");
        }
        assert!(meaning("x-custom").is_none());
    }

    #[test]
    fn values_read_naturally() {
        assert_eq!(
            display_value("groups", &serde_json::json!(["a", "b"])),
            "a, b"
        );
        assert!(display_value("exp", &serde_json::json!(1_700_000_000)).contains("2023-11-1"));
        assert_eq!(display_value("ver", &serde_json::json!("2.0")), "2.0");
    }

    #[test]
    fn countdown_formats() {
        assert_eq!(countdown(3840), "1 h 04 min");
        assert_eq!(countdown(3245), "54 min");
        assert_eq!(countdown(599), "9 min");
        assert_eq!(countdown(119), "1 min 59 s");
        assert_eq!(countdown(192), "3 min");
        assert_eq!(countdown(-5), "0 s");
    }

    #[test]
    fn the_next_repaint_is_when_the_text_changes() {
        use std::time::Duration;
        for secs in [3845, 3240, 3239, 700, 601, 600, 121, 120, 42, 1] {
            let wait = countdown_next_change(secs).as_secs() as i64;
            assert_ne!(countdown(secs), countdown(secs - wait), "{secs} - {wait}");
            if wait > 1 {
                assert_eq!(
                    countdown(secs),
                    countdown(secs - wait + 1),
                    "{secs} - {wait}"
                );
            }
        }
        assert_eq!(countdown_next_change(3845), Duration::from_secs(6));
        assert_eq!(countdown_next_change(300), Duration::from_secs(1));
    }

    #[test]
    fn repaints_land_just_after_the_second_turns() {
        use std::time::Duration;
        // 42.3 s left: "42 s" until 41.999..., so 301 ms from now.
        assert_eq!(countdown_next_change_ms(42_300), Duration::from_millis(301));
        // 3845.5 s: "1 h 04 min" until 3839.999..., so 5.501 s.
        assert_eq!(
            countdown_next_change_ms(3_845_500),
            Duration::from_millis(5_501)
        );
        assert_ne!(countdown(3845), countdown(3839));
    }
}

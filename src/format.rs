//! Claims and times as text, for the command line and the window alike. The two word some
//! things differently on purpose (a terminal line has room for "1 min 30 s" and a time
//! zone; the window's countdown is compact and repaints only when its text changes), so
//! each wording is its own function here.

use std::time::Duration;

use chrono::{DateTime, Local, TimeZone, Utc};
use serde_json::Value;

/// The plain-words meaning of a JWT claim people meet in Entra ID and CDF tokens.
pub fn claim_meaning(claim: &str) -> Option<&'static str> {
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

/// [`claim_meaning`] for a token from `issuer` (its `iss` claim): only Entra ID's
/// tokens have a `tid` that is an Entra ID directory (Cognite's own identity provider
/// has its own tenants).
pub fn claim_meaning_from(claim: &str, issuer: Option<&str>) -> Option<&'static str> {
    let entra = issuer
        .is_some_and(|i| i.contains("login.microsoftonline.com") || i.contains("sts.windows.net"));
    match claim {
        "tid" if !entra => Some("Tenant id: the identity provider's tenant that signed you in"),
        _ => claim_meaning(claim),
    }
}

/// Numeric-date claims, shown as dates.
pub fn is_time_claim(claim: &str) -> bool {
    matches!(claim, "exp" | "iat" | "nbf" | "auth_time")
}

/// A claim value for the window's table: lists joined with commas, dates in local time
/// followed by the raw number.
pub fn claim_value_in_table(claim: &str, value: &Value) -> String {
    if is_time_claim(claim)
        && let Some(t) = value
            .as_i64()
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
    {
        return format!("{} ({})", local_time(t), value);
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

/// A JSON value on a terminal line: a string as itself (no quotes), anything else as JSON.
pub fn json_value_in_line(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "2024-05-01 14:03:09" in the local time zone (the window, which shows no zone).
pub fn local_time(t: DateTime<Utc>) -> String {
    DateTime::<Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// "2024-05-01 14:03:09 +02:00": local time with its offset, for terminal output that may
/// be pasted elsewhere.
pub fn local_time_with_offset(t: DateTime<Utc>) -> String {
    DateTime::<Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// A terminal sentence's "in 1 min 30 s" or "expired 5 s ago" for `secs` left.
pub fn time_left_in_words(secs: i64) -> String {
    if secs <= 0 {
        return format!("expired {} ago", duration_in_words(-secs));
    }
    format!("in {}", duration_in_words(secs))
}

/// "42 s", "1 min 30 s", "2 h 1 min": a duration in a terminal sentence, to the second
/// below an hour.
pub fn duration_in_words(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Below this many seconds the countdown shows seconds; above it whole minutes, so an
/// idle window repaints once a minute instead of every second (under a software
/// renderer a frame of this window costs ~20 ms of CPU: 2 % at one frame a second).
pub const SECONDS_BELOW: i64 = 120;

/// The window's compact countdown: "1 h 04 min", "54 min", "1 min 12 s", "42 s".
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
pub fn countdown_next_change(secs: i64) -> Duration {
    let wait = if secs > SECONDS_BELOW {
        // Whole minutes: the text changes when the count drops below a multiple of 60
        // (or below the seconds threshold).
        (secs % 60 + 1).min(secs - SECONDS_BELOW + 1)
    } else {
        1
    };
    Duration::from_secs(wait.max(1) as u64)
}

/// Like [`countdown_next_change`], from milliseconds left: the repaint lands just after
/// the displayed second (or minute) turns, so the countdown never skips a second.
pub fn countdown_next_change_ms(left_ms: i64) -> Duration {
    let secs = left_ms.div_euclid(1000);
    let into_second = left_ms.rem_euclid(1000) as u64;
    let whole = countdown_next_change(secs).as_secs().saturating_sub(1);
    Duration::from_millis(whole * 1000 + into_second + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            assert!(claim_meaning(c).is_some(), "{c}");
        }
        assert!(claim_meaning("x-custom").is_none());
        let entra = Some("https://login.microsoftonline.com/t/v2.0");
        assert!(
            claim_meaning_from("tid", entra)
                .unwrap()
                .contains("Entra ID")
        );
        let cognite = Some("https://auth.cognite.com/realms/acme");
        assert!(
            !claim_meaning_from("tid", cognite)
                .unwrap()
                .contains("Entra")
        );
        assert_eq!(claim_meaning_from("aud", cognite), claim_meaning("aud"));
    }

    #[test]
    fn only_numeric_date_claims_are_times() {
        for c in ["exp", "iat", "nbf", "auth_time"] {
            assert!(is_time_claim(c), "{c}");
        }
        for c in ["aud", "sub", "ver", "expires"] {
            assert!(!is_time_claim(c), "{c}");
        }
    }

    #[test]
    fn values_read_naturally() {
        assert_eq!(claim_value_in_table("groups", &json!(["a", "b"])), "a, b");
        assert!(claim_value_in_table("exp", &json!(1_700_000_000)).contains("2023-11-1"));
        assert!(claim_value_in_table("exp", &json!(1_700_000_000)).ends_with(" (1700000000)"));
        assert_eq!(claim_value_in_table("ver", &json!("2.0")), "2.0");
        // Not a time claim: the number stays a number.
        assert_eq!(
            claim_value_in_table("xms_tcdt", &json!(1_700_000_000)),
            "1700000000"
        );
    }

    #[test]
    fn terminal_lines_show_strings_bare_and_the_rest_as_json() {
        assert_eq!(json_value_in_line(&json!("RS256")), "RS256");
        assert_eq!(json_value_in_line(&json!(["a", "b"])), r#"["a","b"]"#);
        assert_eq!(json_value_in_line(&json!(42)), "42");
        assert_eq!(json_value_in_line(&json!(null)), "null");
    }

    #[test]
    fn local_times_round_trip_and_differ_only_by_the_offset() {
        let t = Utc.timestamp_opt(1_700_000_000, 0).single().unwrap();
        let with_offset = local_time_with_offset(t);
        let parsed = DateTime::parse_from_str(&with_offset, "%Y-%m-%d %H:%M:%S %:z").unwrap();
        assert_eq!(parsed, t);
        let (plain, offset) = with_offset.rsplit_once(' ').unwrap();
        assert_eq!(plain, local_time(t));
        assert!(
            offset.starts_with('+') || offset.starts_with('-'),
            "{offset}"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(time_left_in_words(90), "in 1 min 30 s");
        assert_eq!(time_left_in_words(-5), "expired 5 s ago");
        assert_eq!(time_left_in_words(0), "expired 0 s ago");
        assert_eq!(time_left_in_words(7260), "in 2 h 1 min");
        assert_eq!(duration_in_words(59), "59 s");
        assert_eq!(duration_in_words(65), "1 min 5 s");
        assert_eq!(duration_in_words(3599), "59 min 59 s");
        assert_eq!(duration_in_words(3600), "1 h 0 min");
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

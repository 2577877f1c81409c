//! Tokens as cdf-signin keeps them, and decoding of JWTs for display.
//!
//! Decoding here is for showing what a token says; it does not verify signatures (the
//! resource server does that).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::secrets::Secret;

/// How long a token handed out must still be valid, unless asked otherwise
/// (`token --min-valid`, the session's default): shorter, and it is renewed first.
pub const DEFAULT_MIN_VALID_SECS: i64 = 60;

/// The tokens from one sign-in or refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: Secret,
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default)]
    pub id_token: Option<Secret>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl TokenSet {
    /// Who signed in, from the ID token: their name, else their user name or email, else
    /// the subject. None without an ID token (service principals).
    pub fn signed_in_as(&self) -> Option<String> {
        signed_in_as(self.id_token.as_ref()?)
    }

    /// The person the tokens are for, by name or e-mail: the ID token's
    /// [`signed_in_as`](Self::signed_in_as), else the access token's name, user name,
    /// e-mail or UPN. None for a service principal (only a subject id).
    pub fn person(&self) -> Option<String> {
        let from_id = self.id_token.as_ref().and_then(person_in_id_token);
        from_id.or_else(|| {
            let jwt = Jwt::decode(self.access_token.expose()).ok()?;
            ["name", "preferred_username", "email", "upn"]
                .iter()
                .find_map(|c| jwt.str_claim(c).filter(|v| !v.trim().is_empty()))
                .map(str::to_string)
        })
    }

    /// Seconds of validity left at `now` (negative once expired).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }

    /// The access token's whole lifetime (`exp - iat`) when it is a JWT that says so.
    /// Both claims are within [`Jwt::time_claim`]'s range, so their difference cannot
    /// overflow.
    pub fn lifetime_secs(&self) -> Option<i64> {
        lifetime_secs(&self.access_token)
    }

    pub fn is_valid_for(&self, now: DateTime<Utc>, min_valid_secs: i64) -> bool {
        self.seconds_left(now) >= min_valid_secs
    }
}

/// `t` moved by `secs` seconds, stopping at the ends of chrono's range instead of
/// panicking (`t + TimeDelta::seconds(secs)` panics past ±2^63 ms or year ±262143).
/// Callers clamp numbers from outside to a sane bound first; this is the backstop.
/// [`TokenSet::signed_in_as`] of an ID token.
/// An access token's whole lifetime (`exp - iat`) when it is a JWT that says so.
/// Both claims are within [`Jwt::time_claim`]'s range, so their difference cannot
/// overflow.
pub fn lifetime_secs(access_token: &Secret) -> Option<i64> {
    let jwt = Jwt::decode(access_token.expose()).ok()?;
    let (exp, iat) = (jwt.time_claim("exp")?, jwt.time_claim("iat")?);
    Some(exp.signed_duration_since(iat).num_seconds()).filter(|l| *l > 0)
}

pub fn signed_in_as(id_token: &Secret) -> Option<String> {
    let jwt = Jwt::decode(id_token.expose()).ok()?;
    ["name", "preferred_username", "email", "upn", "sub"]
        .iter()
        .find_map(|c| jwt.str_claim(c).filter(|v| !v.trim().is_empty()))
        .map(str::to_string)
}

/// The person an ID token names, by name, user name or e-mail: [`signed_in_as`] without
/// its last resort, the subject id.
pub fn person_in_id_token(id_token: &Secret) -> Option<String> {
    let who = signed_in_as(id_token)?;
    let sub = Jwt::decode(id_token.expose())
        .ok()
        .and_then(|j| j.str_claim("sub").map(str::to_string));
    (sub.as_deref() != Some(who.as_str())).then_some(who)
}

pub fn add_secs_saturating(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    TimeDelta::try_seconds(secs)
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(if secs < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

/// A source of "now", so expiry logic is testable without sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A shared clock is a clock (the window and its worker read the same one).
impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// A clock that moves only when told; for unit tests of countdowns and expiry (the
/// integration tests have their own, `tests/common/doubles.rs`).
#[cfg(test)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

#[cfg(test)]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }

    pub fn advance(&self, secs: i64) {
        if let Ok(mut t) = self.0.lock() {
            *t = add_secs_saturating(*t, secs);
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = to;
        }
    }
}

#[cfg(test)]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_else(|_| Utc::now())
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum JwtError {
    #[error("the token is not a JWT (expected three dot-separated parts)")]
    NotJwt,
    #[error("the token's {0} is not valid base64url JSON")]
    BadPart(&'static str),
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix seconds: the range of
/// [`Jwt::time_claim`].
const MIN_NUMERIC_DATE: i64 = -62_135_596_800;
const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// The decoded header and claims of a JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Jwt {
    pub fn decode(token: &str) -> Result<Jwt, JwtError> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::NotJwt);
        };
        Ok(Jwt {
            header: decode_part(h, "header")?,
            claims: decode_part(p, "payload")?,
        })
    }

    /// A numeric-date claim (`exp`, `iat`, `nbf`) as a time. A value that is not an
    /// integer, or outside the years 0001 to 9999 (what RFC 3339 text, and so our JSON
    /// output, can express), is treated as absent: such a claim is garbage, and every
    /// date handed out from here can be printed and compared without overflow.
    pub fn time_claim(&self, name: &str) -> Option<DateTime<Utc>> {
        let secs = self.claims.get(name)?.as_i64()?;
        if !(MIN_NUMERIC_DATE..=MAX_NUMERIC_DATE).contains(&secs) {
            return None;
        }
        Utc.timestamp_opt(secs, 0).single()
    }

    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name)?.as_str()
    }
}

fn decode_part(part: &str, what: &'static str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| JwtError::BadPart(what))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::BadPart(what)),
    }
}

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.sig",
            b64url(header.as_bytes()),
            b64url(claims.as_bytes())
        )
    }

    #[test]
    fn decodes_header_and_claims() {
        let t = make(
            r#"{"alg":"RS256","kid":"k1"}"#,
            r#"{"aud":"https://x","exp":1700000000,"name":"Ada"}"#,
        );
        let jwt = Jwt::decode(&t).unwrap();
        assert_eq!(jwt.header["kid"], "k1");
        assert_eq!(jwt.str_claim("name"), Some("Ada"));
        assert_eq!(jwt.time_claim("exp").unwrap().timestamp(), 1_700_000_000);
    }

    #[test]
    fn rejects_non_jwts() {
        assert_eq!(Jwt::decode("opaque-token"), Err(JwtError::NotJwt));
        assert_eq!(Jwt::decode("a.b.c.d"), Err(JwtError::NotJwt));
        assert_eq!(Jwt::decode("!!.e30.x"), Err(JwtError::BadPart("header")));
        let t = format!("{}.{}.s", b64url(b"{}"), b64url(b"[1]"));
        assert_eq!(Jwt::decode(&t), Err(JwtError::BadPart("payload")));
    }

    #[test]
    fn time_claims_outside_the_printable_range_are_absent() {
        let t = make(
            r#"{"alg":"none"}"#,
            r#"{"exp":100000000000000000,"nbf":-100000000000000000,"iat":9223372036854775807,"auth_time":18446744073709551615,"a":253402300799,"b":253402300800,"c":-62135596800,"d":-62135596801,"e":1.5e9,"f":"1700000000"}"#,
        );
        let jwt = Jwt::decode(&t).unwrap();
        for absent in ["exp", "nbf", "iat", "auth_time", "b", "d", "e", "f"] {
            assert_eq!(jwt.time_claim(absent), None, "{absent}");
        }
        assert_eq!(
            jwt.time_claim("a").unwrap().to_rfc3339(),
            "9999-12-31T23:59:59+00:00"
        );
        assert_eq!(
            jwt.time_claim("c").unwrap().to_rfc3339(),
            "0001-01-01T00:00:00+00:00"
        );
    }

    fn set_with(access_token: String) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access_token),
            token_type: "Bearer".into(),
            expires_at: Utc::now(),
            refresh_token: None,
            id_token: None,
            scope: None,
        }
    }

    #[test]
    fn lifetime_of_absurd_claims() {
        let lifetime = |claims: &str| set_with(make(r#"{"alg":"none"}"#, claims)).lifetime_secs();
        assert_eq!(lifetime(r#"{"iat":1000,"exp":4600}"#), Some(3600));
        assert_eq!(lifetime(r#"{"iat":1000,"exp":100000000000000000}"#), None);
        assert_eq!(lifetime(r#"{"iat":-100000000000000000,"exp":4600}"#), None);
        assert_eq!(lifetime(r#"{"iat":4600,"exp":1000}"#), None, "negative");
        // The widest claims allowed still subtract without overflow.
        assert_eq!(
            lifetime(r#"{"iat":-62135596800,"exp":253402300799}"#),
            Some(253_402_300_799 + 62_135_596_800)
        );
    }

    #[test]
    fn adding_seconds_saturates() {
        let t = Utc.timestamp_opt(1000, 0).unwrap();
        assert_eq!(add_secs_saturating(t, 5).timestamp(), 1005);
        assert_eq!(add_secs_saturating(t, -5).timestamp(), 995);
        assert_eq!(add_secs_saturating(t, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(add_secs_saturating(t, i64::MIN), DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            add_secs_saturating(DateTime::<Utc>::MAX_UTC, 1),
            DateTime::<Utc>::MAX_UTC
        );
        let clock = ManualClock::new(t);
        clock.advance(i64::MAX);
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn validity_window() {
        let now = Utc.timestamp_opt(1000, 0).unwrap();
        let set = TokenSet {
            access_token: Secret::new("a"),
            token_type: "Bearer".into(),
            expires_at: Utc.timestamp_opt(1100, 0).unwrap(),
            refresh_token: None,
            id_token: None,
            scope: None,
        };
        assert_eq!(set.seconds_left(now), 100);
        assert!(set.is_valid_for(now, 60));
        assert!(!set.is_valid_for(now, 101));
    }
}

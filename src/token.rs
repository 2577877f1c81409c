//! Tokens as cdf-signin keeps them, and decoding of JWTs for display.
//!
//! Decoding here is for showing what a token says; it does not verify signatures (the
//! resource server does that).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::secrets::Secret;

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
    /// Seconds of validity left at `now` (negative once expired).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }

    /// The access token's whole lifetime (`exp - iat`) when it is a JWT that says so.
    pub fn lifetime_secs(&self) -> Option<i64> {
        let jwt = Jwt::decode(self.access_token.expose()).ok()?;
        Some((jwt.time_claim("exp")? - jwt.time_claim("iat")?).num_seconds()).filter(|l| *l > 0)
    }

    pub fn is_valid_for(&self, now: DateTime<Utc>, min_valid_secs: i64) -> bool {
        self.seconds_left(now) >= min_valid_secs
    }
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

/// A clock that moves only when told; for tests of countdowns and expiry.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }

    pub fn advance(&self, secs: i64) {
        if let Ok(mut t) = self.0.lock() {
            *t += chrono::Duration::seconds(secs);
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = to;
        }
    }
}

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

    /// A numeric-date claim (`exp`, `iat`, `nbf`) as a time.
    pub fn time_claim(&self, name: &str) -> Option<DateTime<Utc>> {
        let secs = self.claims.get(name)?.as_i64()?;
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

//! Certificate credentials: a client assertion JWT signed with the certificate's private
//! key (PS256 with `x5t#S256`, as current Entra ID documentation asks).

use std::path::Path;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PSS_SHA256, RsaKeyPair};
use chrono::{DateTime, Utc};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::error::AuthError;
use crate::fsutil;
use crate::secrets::Secret;
use crate::token::b64url;

/// How long an assertion is valid; Entra ID accepts up to 10 minutes.
const ASSERTION_LIFETIME_SECS: i64 = 600;

pub struct ClientCertificate {
    key: RsaKeyPair,
    thumbprint_s256: String,
}

fn cert_err(msg: String) -> AuthError {
    AuthError::Certificate(msg)
}

/// A warning when the private key file can be read by others than its owner.
fn loose_key_warning(key_path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "the private key {} can be read by others (mode {:o}); run chmod 600 on it",
                key_path.display(),
                mode & 0o777
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = key_path;
        None
    }
}

impl ClientCertificate {
    /// Loads a PEM certificate and its PEM private key (PKCS#8 or PKCS#1 RSA) and checks
    /// that they belong together.
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<ClientCertificate, AuthError> {
        let cert_err_read = |e: &dyn std::fmt::Display| {
            cert_err(format!(
                "cannot read the certificate {}: {e}",
                cert_path.display()
            ))
        };
        let key_err_read = |e: &dyn std::fmt::Display| {
            cert_err(format!(
                "cannot read the private key {}: {e}",
                key_path.display()
            ))
        };
        let cert_pem =
            fsutil::read_bounded(cert_path, fsutil::limits::PEM).map_err(|e| cert_err_read(&e))?;
        let cert = CertificateDer::from_pem_slice(&cert_pem).map_err(|e| cert_err_read(&e))?;
        let key_pem =
            fsutil::read_bounded(key_path, fsutil::limits::PEM).map_err(|e| key_err_read(&e))?;
        if let Some(warning) = loose_key_warning(key_path) {
            // Used anyway (it may be shared on purpose), but never silently: the CLI's
            // stderr and the log both say so.
            tracing::warn!("{warning}");
            eprintln!("warning: {warning}");
        }
        let key_der = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| key_err_read(&e))?;
        let key = match &key_der {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => {
                return Err(cert_err(format!(
                    "the private key {} is not an RSA key; Entra ID certificate credentials use RSA",
                    key_path.display()
                )));
            }
        }
        .map_err(|e| cert_err(format!("the private key {} is not usable: {e}", key_path.display())))?;

        // They match when the certificate's public key verifies the key's signature.
        let parsed = webpki::EndEntityCert::try_from(&cert).map_err(|e| {
            cert_err(format!(
                "the certificate {} cannot be parsed: {e:?}",
                cert_path.display()
            ))
        })?;
        let probe = b"cdf-signin certificate check";
        let signature = sign(&key, probe)?;
        parsed
            .verify_signature(
                webpki::aws_lc_rs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                probe,
                &signature,
            )
            .map_err(|_| {
                cert_err(format!(
                    "the private key {} does not belong to the certificate {}",
                    key_path.display(),
                    cert_path.display()
                ))
            })?;

        Ok(ClientCertificate {
            key,
            thumbprint_s256: b64url(&Sha256::digest(cert.as_ref())),
        })
    }

    /// A signed client assertion for one token request.
    pub fn assertion(
        &self,
        client_id: &str,
        token_url: &str,
        now: i64,
    ) -> Result<Secret, AuthError> {
        let header = json!({"alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint_s256});
        let claims = json!({
            "aud": token_url,
            "iss": client_id,
            "sub": client_id,
            "jti": random_guid()?,
            "nbf": now,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let signature = sign(&self.key, signing_input.as_bytes())?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            b64url(&signature)
        )))
    }
}

/// When the PEM certificate at `path` stops being valid (its `notAfter`), for warning
/// before Entra ID starts refusing it. Reads only the DER fields on the way there.
pub fn certificate_expiry(path: &Path) -> Result<DateTime<Utc>, AuthError> {
    let bad = |why: &str| {
        cert_err(format!(
            "cannot read the certificate {}: {why}",
            path.display()
        ))
    };
    let pem = fsutil::read_bounded(path, fsutil::limits::PEM).map_err(|e| bad(&e.to_string()))?;
    let cert = CertificateDer::from_pem_slice(&pem).map_err(|e| bad(&e.to_string()))?;
    not_after(cert.as_ref()).ok_or_else(|| bad("no validity period in it"))
}

/// One DER element at the start of `input`: its tag, its content and what follows.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `Certificate.tbsCertificate.validity.notAfter` (RFC 5280 4.1).
fn not_after(der: &[u8]) -> Option<DateTime<Utc>> {
    const SEQUENCE: u8 = 0x30;
    const VERSION: u8 = 0xa0;
    let (SEQUENCE, cert, _) = der_element(der)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = der_element(cert)? else {
        return None;
    };
    let mut rest = tbs;
    if rest.first() == Some(&VERSION) {
        rest = der_element(rest)?.2;
    }
    // serialNumber, signature, issuer, then validity.
    for _ in 0..3 {
        rest = der_element(rest)?.2;
    }
    let (SEQUENCE, validity, _) = der_element(rest)? else {
        return None;
    };
    let after_not_before = der_element(validity)?.2;
    let (tag, value, _) = der_element(after_not_before)?;
    parse_time(tag, value)
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950 to 2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn parse_time(tag: u8, value: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(value).ok()?;
    let full = match (tag, text.len()) {
        (0x17, 13) => {
            let yy: i32 = text.get(..2)?.parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{text}")
        }
        (0x18, 15) => text.to_string(),
        _ => return None,
    };
    chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

fn sign(key: &RsaKeyPair, message: &[u8]) -> Result<Vec<u8>, AuthError> {
    let mut signature = vec![0u8; key.public_modulus_len()];
    key.sign(
        &RSA_PSS_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    )
    .map_err(|_| cert_err("signing the client assertion failed".into()))?;
    Ok(signature)
}

/// A random (version 4) GUID for `jti`.
fn random_guid() -> Result<String, AuthError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| AuthError::Internal(format!("no randomness available: {e}")))?;
    Ok(uuid::Builder::from_random_bytes(b)
        .into_uuid()
        .hyphenated()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Jwt;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    /// Finding 9 of issue 13: a private key that group or others can read is named.
    #[cfg(unix)]
    #[test]
    fn a_private_key_others_can_read_gets_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        std::fs::copy(fixture("cert-client.key"), &key).unwrap();
        for (mode, warned) in [(0o600, false), (0o400, false), (0o640, true), (0o604, true)] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
            let w = loose_key_warning(&key);
            assert_eq!(w.is_some(), warned, "{mode:o}: {w:?}");
            if let Some(w) = w {
                assert!(
                    w.contains(&key.display().to_string()) && w.contains("chmod 600"),
                    "{w}"
                );
            }
        }
    }

    #[test]
    fn assertion_has_entra_headers_and_claims() {
        let cert =
            ClientCertificate::load(&fixture("cert-client.pem"), &fixture("cert-client.key"))
                .unwrap();
        let jwt_text = cert
            .assertion(
                "my-client",
                "https://login.microsoftonline.com/t/oauth2/v2.0/token",
                1_000,
            )
            .unwrap();
        let jwt = Jwt::decode(jwt_text.expose()).unwrap();
        assert_eq!(jwt.header["alg"], "PS256");
        assert_eq!(jwt.header["x5t#S256"].as_str().unwrap().len(), 43);
        assert_eq!(
            jwt.claims["aud"],
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"
        );
        assert_eq!(jwt.claims["iss"], "my-client");
        assert_eq!(jwt.claims["sub"], "my-client");
        assert_eq!(jwt.claims["exp"], 1_600);
        assert_eq!(jwt.claims["nbf"], 1_000);
        let jti = jwt.claims["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 36);
        let again = Jwt::decode(cert.assertion("my-client", "x", 1_000).unwrap().expose()).unwrap();
        assert_ne!(again.claims["jti"], jwt.claims["jti"]);
    }

    #[test]
    fn oversized_pem_files_are_refused_with_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'#'; (1 << 20) + 1]).unwrap();
        let message = |r: Result<ClientCertificate, AuthError>| match r {
            Err(e) => e.to_string(),
            Ok(_) => panic!("an oversized file was accepted"),
        };
        let cert = message(ClientCertificate::load(&big, &fixture("cert-client.key")));
        assert!(cert.starts_with("cannot read the certificate "), "{cert}");
        assert!(cert.ends_with("big.pem: larger than 1 MiB"), "{cert}");
        let key = message(ClientCertificate::load(&fixture("cert-client.pem"), &big));
        assert!(key.starts_with("cannot read the private key "), "{key}");
        assert!(key.ends_with("big.pem: larger than 1 MiB"), "{key}");
    }

    #[test]
    fn certificate_expiry_is_its_not_after() {
        let at = certificate_expiry(&fixture("cert-client.pem")).unwrap();
        assert_eq!(at.to_rfc3339(), "2036-11-20T08:01:42+00:00");
        assert!(certificate_expiry(&fixture("cert-client.key")).is_err());
        assert_eq!(
            parse_time(0x17, b"491231235959Z").map(|t| t.to_rfc3339()),
            Some("2049-12-31T23:59:59+00:00".into())
        );
        assert_eq!(
            parse_time(0x17, b"500101000000Z").map(|t| t.to_rfc3339()),
            Some("1950-01-01T00:00:00+00:00".into())
        );
        assert_eq!(not_after(&[0x30, 0x85, 1, 2, 3, 4, 5]), None);
        assert_eq!(not_after(&[0x30, 0x03, 0x30, 0x01]), None);
    }

    #[test]
    fn mismatched_key_is_refused() {
        let Err(err) = ClientCertificate::load(&fixture("cert-client.pem"), &fixture("other.key"))
        else {
            panic!("a foreign key must be refused");
        };
        assert!(err.to_string().contains("does not belong"), "{err}");
        let Err(err) = ClientCertificate::load(&fixture("missing.pem"), &fixture("other.key"))
        else {
            panic!("a missing file must be refused");
        };
        assert!(
            err.to_string().contains("cannot read the certificate"),
            "{err}"
        );
    }
}

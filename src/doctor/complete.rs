//! Step 1, the profile is complete: it passes validation, and what it signs in with is
//! there (the API key, the client secret read as a token request reads it, a
//! certificate that matches its key and is not about to expire, a person's sign-in).

use chrono::{DateTime, Utc};

use super::{Outcome, Walk, session_failure, when};
use crate::auth::ClientCertificate;
use crate::auth::assertion::certificate_expiry;
use crate::profile::{Flow, SecretSource};
use crate::remedy::Remedy;

/// A certificate that expires within this many days is named.
const CERT_WARNING_DAYS: i64 = 30;

pub(super) fn profile_complete(walk: &mut Walk<'_>) -> Outcome {
    let (name, p) = (walk.name, walk.profile);
    if let Err(e) = p.validate() {
        return Outcome::fail(e.to_string(), e.remedy());
    }
    let session = walk.session;
    match p.flow {
        Flow::ApiKey => match session.api_key(name) {
            Ok(_) => Outcome::pass(format!(
                "a legacy API key is in the {}",
                session.secrets().noun()
            )),
            Err(e) => session_failure(walk, &e),
        },
        Flow::ClientCredentials => match (&p.certificate, &p.private_key) {
            (Some(cert), Some(key)) => certificate_check(cert, key, walk.now),
            // The secret read as a token request reads it.
            _ => match session.client_credential(name, p) {
                Ok(_) => Outcome::pass(match p.client_secret_source() {
                    SecretSource::Env(var) => format!("the client secret comes from ${var}"),
                    SecretSource::File(path) => {
                        format!("the client secret comes from {}", path.display())
                    }
                    SecretSource::Store => {
                        format!("a client secret is in the {}", session.secrets().noun())
                    }
                }),
                Err(e) => session_failure(walk, &e),
            },
        },
        Flow::Interactive | Flow::DeviceCode => match walk.session.cached(name, p) {
            Err(e) => session_failure(walk, &e),
            Ok(None) => {
                walk.sign_in_required = true;
                Outcome::fail(
                    "not signed in: no tokens are cached",
                    Some(Remedy::sign_in(name)),
                )
            }
            Ok(Some(set)) => {
                let outcome = if set.refresh_token.is_some() {
                    Outcome::pass("signed in: a refresh token is cached")
                } else if set.seconds_left(walk.now) > 0 {
                    Outcome::pass(format!(
                        "signed in until {} (no refresh token: sign in again then)",
                        when(set.expires_at)
                    ))
                } else {
                    walk.sign_in_required = true;
                    Outcome::fail(
                        format!(
                            "the cached token expired at {} and there is no refresh token",
                            when(set.expires_at)
                        ),
                        Some(Remedy::sign_in(name)),
                    )
                };
                walk.cached = Some(set);
                outcome
            }
        },
    }
}

pub(super) fn certificate_check(
    cert: &std::path::Path,
    key: &std::path::Path,
    now: DateTime<Utc>,
) -> Outcome {
    let renew = Remedy::Advice(
        "make a new certificate, upload it to the app registration (Certificates & secrets) and point the profile at it",
    );
    if let Err(e) = ClientCertificate::load(cert, key) {
        return Outcome::fail(e.to_string(), Some(renew));
    }
    match certificate_expiry(cert) {
        Err(e) => Outcome::fail(e.to_string(), Some(renew)),
        Ok(at) if at <= now => Outcome::fail(
            format!(
                "the certificate {} expired on {}",
                cert.display(),
                at.format("%Y-%m-%d")
            ),
            Some(renew),
        ),
        Ok(at) if (at - now).num_days() < CERT_WARNING_DAYS => Outcome::pass(format!(
            "the certificate and its key match, but the certificate expires on {} (in {} days)",
            at.format("%Y-%m-%d"),
            (at - now).num_days()
        ))
        .with_fix(renew),
        Ok(at) => Outcome::pass(format!(
            "the certificate and its key match; valid until {}",
            at.format("%Y-%m-%d")
        )),
    }
}

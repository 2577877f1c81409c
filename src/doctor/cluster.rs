//! A typo in the cluster, caught where it bites. `profile add` suggests a known cluster
//! for a name one or two typos away, but a profile added anyway (or by hand) meets it
//! later as "cannot reach westeurop-1.cognitedata.com", which sounds like the network.
//! When no proxy resolves names for us and the resolver answers "no such name", the host
//! does not exist, and that is what the front ends say instead.

use std::net::ToSocketAddrs;

use url::Url;

use crate::auth::AuthError;
use crate::cdf::client::CdfError;
use crate::cdf::clusters;
use crate::field::Field;
use crate::profile::Profile;
use crate::remedy::Remedy;
use crate::session::SessionError;

/// What a name lookup answered, as far as a typo is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Found,
    /// A definite answer: the name does not exist.
    NoSuchName,
    /// Anything else (no network, a resolver that timed out): says nothing about the name.
    Failed,
}

/// The host does not exist: what to say, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingHost {
    pub message: String,
    pub fix: Remedy,
}

/// The system's resolver. Only getaddrinfo's "no such name" (EAI_NONAME; Windows'
/// WSAHOST_NOT_FOUND) counts as definite; "try again" and every other failure do not.
pub fn system_lookup(host: &str) -> Lookup {
    match (host, 443).to_socket_addrs() {
        Ok(mut addrs) => {
            if addrs.next().is_some() {
                Lookup::Found
            } else {
                Lookup::Failed
            }
        }
        Err(e) => classify(&e),
    }
}

fn classify(e: &std::io::Error) -> Lookup {
    const WSAHOST_NOT_FOUND: i32 = 11001;
    if cfg!(windows) && e.raw_os_error() == Some(WSAHOST_NOT_FOUND) {
        return Lookup::NoSuchName;
    }
    let text = e.to_string();
    let no_such_name = [
        "Name or service not known",                    // glibc
        "Name does not resolve",                        // musl
        "nodename nor servname provided, or not known", // macOS, BSD
        "No such host is known",                        // Windows
    ];
    if no_such_name.iter().any(|n| text.contains(n)) {
        Lookup::NoSuchName
    } else {
        Lookup::Failed
    }
}

/// Whether a failure to get a token may come from the cluster: the identity provider
/// does not know the cluster's API (the scope names the cluster's URL).
pub fn session_points_at_cluster(e: &SessionError) -> bool {
    matches!(e, SessionError::Auth(a) if unknown_resource(a))
}

/// Whether a failure to reach CDF may come from the cluster: its host did not answer.
/// (The provider's host not answering is not the cluster's fault.)
pub fn cdf_points_at_cluster(e: &CdfError) -> bool {
    matches!(
        e,
        CdfError::Transport(AuthError::Unreachable { .. } | AuthError::Timeout { .. })
    )
}

/// The provider does not know the API the scope names (`{base_url}/.default`).
fn unknown_resource(e: &AuthError) -> bool {
    match e {
        AuthError::Idp(idp) => {
            idp.aadsts().as_deref() == Some("AADSTS500011")
                || matches!(
                    idp.error.as_str(),
                    "invalid_scope" | "invalid_resource" | "invalid_target"
                )
        }
        _ => false,
    }
}

/// When the profile's CDF host does not exist (no proxy applies, the resolver says
/// there is no such name): "westeurop-1.cognitedata.com does not exist; did you mean
/// westeurope-1? known clusters: ...". `var` reads the environment (the proxy variables).
pub fn missing_host(
    profile: &Profile,
    var: &dyn Fn(&str) -> Option<String>,
    lookup: &dyn Fn(&str) -> Lookup,
) -> Option<MissingHost> {
    let url = Url::parse(&profile.base_url()).ok()?;
    let Some(url::Host::Domain(host)) = url.host() else {
        return None;
    };
    // Behind a proxy the proxy resolves names; a local answer proves nothing.
    if super::provider::proxy_for(&url, var).is_some() {
        return None;
    }
    if lookup(host) != Lookup::NoSuchName {
        return None;
    }
    let suggestion = clusters::did_you_mean(&profile.cluster)
        .map(|c| format!("did you mean {c}? "))
        .unwrap_or_default();
    Some(MissingHost {
        message: format!(
            "{host} does not exist; {suggestion}known clusters: {}",
            clusters::KNOWN.join(", ")
        ),
        fix: Remedy::CheckFields {
            why: None,
            fields: &[Field::Cluster, Field::BaseUrl],
        },
    })
}

/// [`missing_host`] with the process's environment and the system's resolver, for an
/// error that may come from the cluster (and `None` at once for any other).
pub fn explain(profile: &Profile, points_at_cluster: bool) -> Option<MissingHost> {
    if !points_at_cluster {
        return None;
    }
    missing_host(profile, &|k| std::env::var(k).ok(), &system_lookup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(cluster: &str) -> Profile {
        toml::from_str(&format!(
            "cluster='{cluster}'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='device-code'"
        ))
        .unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_host_with_no_such_name_is_named_with_the_known_clusters() {
        let asked = std::cell::RefCell::new(Vec::new());
        let lookup = |h: &str| {
            asked.borrow_mut().push(h.to_string());
            Lookup::NoSuchName
        };
        let m = missing_host(&profile("westeurop-1"), &no_env, &lookup).unwrap();
        assert_eq!(
            m.message,
            format!(
                "westeurop-1.cognitedata.com does not exist; did you mean westeurope-1? known clusters: {}",
                clusters::KNOWN.join(", ")
            )
        );
        assert_eq!(asked.borrow().as_slice(), ["westeurop-1.cognitedata.com"]);
        assert!(
            matches!(m.fix, Remedy::CheckFields { fields, .. } if fields.contains(&Field::Cluster))
        );
        // A name far from every known cluster gets no guess, only the list.
        let m = missing_host(&profile("zzzzzzzz"), &no_env, &lookup).unwrap();
        assert!(
            m.message
                .starts_with("zzzzzzzz.cognitedata.com does not exist; known clusters: api,"),
            "{}",
            m.message
        );
    }

    #[test]
    fn other_answers_and_a_proxy_keep_today_s_message() {
        let p = profile("westeurop-1");
        for answer in [Lookup::Found, Lookup::Failed] {
            assert_eq!(missing_host(&p, &no_env, &|_| answer), None, "{answer:?}");
        }
        let proxied = |k: &str| (k == "HTTPS_PROXY").then(|| "http://proxy:3128".to_string());
        let never = |_: &str| -> Lookup { panic!("no lookup behind a proxy") };
        assert_eq!(missing_host(&p, &proxied, &never), None);
        let mut literal = p;
        literal.base_url = Some("http://127.0.0.1:9".into());
        assert_eq!(
            missing_host(&literal, &no_env, &never),
            None,
            "an address is not looked up"
        );
    }

    #[test]
    fn only_errors_that_may_come_from_the_cluster_are_looked_at() {
        let unreachable = AuthError::Unreachable {
            host: "westeurop-1.cognitedata.com".into(),
            reason: "dns error".into(),
            source: None,
        };
        assert!(!session_points_at_cluster(&SessionError::Auth(
            AuthError::Unreachable {
                host: "login.microsoftonline.com".into(),
                reason: "dns error".into(),
                source: None,
            }
        )));
        assert!(cdf_points_at_cluster(&CdfError::Transport(unreachable)));
        let unknown_resource: crate::auth::error::IdpError = serde_json::from_value(
            serde_json::json!({"error": "invalid_resource", "error_codes": [500011]}),
        )
        .unwrap();
        assert!(session_points_at_cluster(&SessionError::Auth(
            AuthError::Idp(Box::new(unknown_resource))
        )));
        let bad_secret: crate::auth::error::IdpError =
            serde_json::from_value(serde_json::json!({"error": "invalid_client"})).unwrap();
        assert!(!session_points_at_cluster(&SessionError::Auth(
            AuthError::Idp(Box::new(bad_secret))
        )));
        assert!(!cdf_points_at_cluster(&CdfError::BaseUrl("x".into())));
        assert_eq!(explain(&profile("westeurop-1"), false), None);
    }

    #[test]
    fn only_a_definite_no_such_name_counts() {
        let e =
            |t: &str| std::io::Error::other(format!("failed to lookup address information: {t}"));
        assert_eq!(
            classify(&e("Name or service not known")),
            Lookup::NoSuchName
        );
        assert_eq!(classify(&e("Name does not resolve")), Lookup::NoSuchName);
        assert_eq!(
            classify(&e("Temporary failure in name resolution")),
            Lookup::Failed
        );
    }
}

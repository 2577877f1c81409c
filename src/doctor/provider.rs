//! Step 2, the identity provider is reachable: which URL answers for the profile, its
//! name resolved, the proxy in use, TLS with the profile's CA, the endpoints known or
//! discovered. Discovery is sign-in's own (`auth::endpoints::Resolver`), asked afresh:
//! the same locations in the same order, the issuer check and the endpoint rules.

use std::net::ToSocketAddrs;

use serde_json::Value;
use url::Url;

use super::Outcome;
use crate::auth::Http;
use crate::auth::endpoints::Resolver;
use crate::auth::error::IdpError;
use crate::auth::http::host_of;
use crate::field::Field;
use crate::profile::Profile;
use crate::remedy::Remedy;
use crate::session::Session;
use crate::urls::{discovery_candidates, is_entra_host};

/// What to ask, and what an answer there proves.
enum Probe {
    /// An OpenID configuration document: the endpoints are discovered from it, as
    /// sign-in discovers them. The URL is the first place asked.
    Discovery(Url),
    /// Entra ID: endpoints known; its metadata document also says whether the tenant exists.
    Entra(Url),
    /// A client-credentials token URL: any HTTP answer shows the way there works.
    TokenUrl(Url),
}

impl Probe {
    fn for_profile(profile: &Profile) -> Result<Probe, String> {
        let parse = |text: &str| {
            Url::parse(text)
                .map_err(|e| format!("'{}' is not a URL ({e})", crate::urls::shown(text)))
        };
        if let (Some(token_url), false) = (&profile.token_url, profile.flow.is_user_flow()) {
            return Ok(Probe::TokenUrl(parse(token_url)?));
        }
        let authority = profile.authority();
        let authority_url = parse(&authority)?;
        let [v2, _] = discovery_candidates(&authority);
        Ok(if is_entra_host(&authority_url) {
            Probe::Entra(parse(&v2)?)
        } else {
            let first = profile.discovery_locations().into_iter().next();
            Probe::Discovery(parse(&first.unwrap_or(v2))?)
        })
    }

    /// The first URL asked (the others are on the same host).
    fn url(&self) -> &Url {
        match self {
            Probe::Discovery(u) | Probe::Entra(u) | Probe::TokenUrl(u) => u,
        }
    }
}

pub(super) fn check(session: &Session, profile: &Profile, http: &Http) -> Outcome {
    let probe = match Probe::for_profile(profile) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::fail(
                e,
                Some(Remedy::CheckFields {
                    why: None,
                    fields: &[Field::Authority, Field::TokenUrl],
                }),
            );
        }
    };
    let url = probe.url();
    let host = host_of(url);
    let proxy = proxy_for(url, &|k| std::env::var(k).ok());
    let mut facts = Vec::new();
    match resolve(url) {
        Resolved::Literal => {}
        Resolved::Addresses(a) => facts.push(format!(
            "{} resolves to {a}",
            url.host_str().unwrap_or_default()
        )),
        Resolved::Failed(e) if proxy.is_none() => {
            return Outcome::fail(
                format!(
                    "the name {} does not resolve: {e}",
                    url.host_str().unwrap_or_default()
                ),
                Some(Remedy::Advice(
                    "check the profile's authority for typos, your network connection and DNS; behind a proxy set HTTPS_PROXY",
                )),
            );
        }
        Resolved::Failed(_) => facts.push("the proxy resolves the name".to_string()),
    }
    facts.push(match &proxy {
        Some(p) => format!("through the proxy {p}"),
        None => "no proxy".to_string(),
    });
    if url.scheme() == "https" {
        facts.push(match &profile.ca_file {
            Some(ca) => format!("TLS trusted with the system's CAs and {}", ca.display()),
            None => "TLS trusted with the system's CAs".to_string(),
        });
    }
    let found = |what: &str| format!("{host} answered ({}); {what}", facts.join("; "));
    let failed = |e: crate::auth::AuthError| {
        let remedy = e.remedy();
        Outcome::fail(format!("{e} ({})", facts.join("; ")), remedy)
    };
    if let Probe::Discovery(_) = probe {
        let resolver = Resolver {
            http,
            cache_dir: session.paths().discovery_dir(),
        };
        return match session.block_on(resolver.resolve_afresh(profile)) {
            Ok((_, Some(answered))) => {
                Outcome::pass(found(&format!("endpoints discovered from {answered}")))
            }
            Ok((_, None)) => Outcome::pass(found("the endpoints are known")),
            Err(e) => failed(e),
        };
    }
    let (status, body) = match session.block_on(http.get_raw(url, &[])) {
        Ok(answer) => answer,
        Err(e) => return failed(e),
    };
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    match probe {
        Probe::TokenUrl(_) => Outcome::pass(found("the token URL is given in the profile")),
        Probe::Entra(_) if (200..300).contains(&status) => {
            Outcome::pass(found("Entra ID's endpoints are known"))
        }
        _ => {
            // Entra answers an unknown tenant with an OAuth error (AADSTS90002).
            let idp: Option<IdpError> = json.and_then(|j| serde_json::from_value(j).ok());
            match idp {
                Some(e) => {
                    let remedy = e.remedy();
                    Outcome::fail(format!("{host} answered HTTP {status}: {e}"), remedy)
                }
                None => Outcome::fail(
                    format!("{url} answered HTTP {status}, not an OpenID configuration"),
                    Some(Remedy::CheckFields {
                        why: None,
                        fields: &[Field::Authority],
                    }),
                ),
            }
        }
    }
}

enum Resolved {
    /// The host is an IP address.
    Literal,
    Addresses(String),
    Failed(String),
}

fn resolve(url: &Url) -> Resolved {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let port = url.port_or_known_default().unwrap_or(443);
            match (name, port).to_socket_addrs() {
                Ok(addrs) => {
                    let mut ips: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
                    ips.dedup();
                    ips.truncate(3);
                    if ips.is_empty() {
                        Resolved::Failed("no address".into())
                    } else {
                        Resolved::Addresses(ips.join(", "))
                    }
                }
                Err(e) => Resolved::Failed(e.to_string()),
            }
        }
        _ => Resolved::Literal,
    }
}

/// The proxy reqwest takes from the environment for `url`, with any password removed;
/// `None` when none is set or `NO_PROXY` exempts the host. Whether one applies is
/// decided by the proxy matcher reqwest itself uses (hyper-util's), fed the same
/// variables, so doctor and the requests never disagree; the variable is named as found.
pub(super) fn proxy_for(url: &Url, var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    use hyper_util::client::proxy::matcher::Matcher;
    let first = |names: &[&'static str]| -> Option<(&'static str, String)> {
        names
            .iter()
            .find_map(|n| var(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
    };
    let value = |names: &[&'static str]| first(names).map(|(_, v)| v).unwrap_or_default();
    let intercepts = |no_proxy: String| {
        let matcher = Matcher::builder()
            .all(value(&["ALL_PROXY", "all_proxy"]))
            .http(value(&["HTTP_PROXY", "http_proxy"]))
            .https(value(&["HTTPS_PROXY", "https_proxy"]))
            .no(no_proxy)
            .build();
        url.as_str()
            .parse::<http::Uri>()
            .is_ok_and(|uri| matcher.intercept(&uri).is_some())
    };
    let names: &[&'static str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let (name, setting) = first(names)?;
    if !intercepts(value(&["NO_PROXY", "no_proxy"])) {
        // Exempted by NO_PROXY, or a value the matcher cannot use at all.
        return (!intercepts(String::new()))
            .then(|| format!("set (from {name}) but not a proxy address; requests go direct"));
    }
    Some(match proxy_shown(&setting) {
        Some(shown) => format!("{shown} (from {name})"),
        None => format!("set (from {name})"),
    })
}

/// A proxy setting as it may be shown: without user name and password, whether written
/// with a scheme or without one (`user:pass@host:port`, which reqwest reads as
/// `http://`); `None` when it does not parse as a proxy URL, since then nothing tells
/// which part is a password.
fn proxy_shown(value: &str) -> Option<String> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let mut url = Url::parse(&with_scheme).ok()?;
    if url.host_str().is_none_or(str::is_empty) || url.cannot_be_a_base() {
        return None;
    }
    url.set_password(None).ok()?;
    url.set_username("").ok()?;
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    /// Issue 17, finding 3: credentials never shown, with or without a scheme.
    #[test]
    fn proxy_credentials_are_stripped_in_every_spelling() {
        let url = Url::parse("https://login.example.invalid/").unwrap();
        for (value, shown) in [
            (
                "proxyuser:Pr0xyPassw0rd@127.0.0.1:3999",
                "http://127.0.0.1:3999/ (from HTTPS_PROXY)",
            ),
            (
                "http://u:Pr0xyPassw0rd@p.invalid:8080",
                "http://p.invalid:8080/ (from HTTPS_PROXY)",
            ),
            (
                "socks5h://Pr0xyPassw0rd@p.invalid:1080",
                "socks5h://p.invalid:1080 (from HTTPS_PROXY)",
            ),
            (
                "p.invalid:3128",
                "http://p.invalid:3128/ (from HTTPS_PROXY)",
            ),
            (
                "::Pr0xyPassw0rd@@ bad",
                "set (from HTTPS_PROXY) but not a proxy address; requests go direct",
            ),
            (
                "http://u:Pr0xyPassw0rd@",
                "set (from HTTPS_PROXY) but not a proxy address; requests go direct",
            ),
        ] {
            let got = proxy_for(&url, &|k: &str| {
                (k == "HTTPS_PROXY").then(|| value.to_string())
            });
            assert_eq!(got.as_deref(), Some(shown), "{value}");
            assert!(!got.unwrap().contains("Pr0xyPassw0rd"));
        }
    }

    #[test]
    fn the_proxy_is_named_without_its_password_and_no_proxy_is_honoured() {
        let url = Url::parse("https://login.microsoftonline.com/t").unwrap();
        assert_eq!(proxy_for(&url, &env(&[])), None);
        assert_eq!(
            proxy_for(&url, &env(&[("HTTPS_PROXY", "http://me:pw@proxy:3128")])).as_deref(),
            Some("http://proxy:3128/ (from HTTPS_PROXY)")
        );
        assert_eq!(
            proxy_for(
                &url,
                &env(&[
                    ("https_proxy", "proxy:3128"),
                    ("NO_PROXY", ".microsoftonline.com")
                ])
            ),
            None
        );
        let plain = Url::parse("http://127.0.0.1:9/idp").unwrap();
        assert_eq!(
            proxy_for(&plain, &env(&[("HTTPS_PROXY", "http://p:1")])),
            None,
            "an https proxy is not used for http"
        );
        assert_eq!(
            proxy_for(
                &plain,
                &env(&[("ALL_PROXY", "socks5://p:1"), ("NO_PROXY", "localhost")])
            )
            .as_deref(),
            Some("socks5://p:1 (from ALL_PROXY)")
        );
    }
}

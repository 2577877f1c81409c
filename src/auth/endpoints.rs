//! From an authority to its endpoints: known Entra ID paths, or OpenID discovery cached
//! on disk, so a token request costs one round trip.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use super::error::AuthError;
use super::http::Http;
use crate::fsutil;
use crate::profile::Profile;
use crate::urls::{self, is_entra_host};

/// How long discovered metadata is trusted before it is fetched again.
const DISCOVERY_TTL_SECS: i64 = 7 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoints {
    pub authorization: Option<Url>,
    pub token: Url,
    pub device_authorization: Option<Url>,
    /// RFC 7009 token revocation, where the provider offers it (Entra ID does not): signing
    /// out revokes the account's refresh token there.
    #[serde(default)]
    pub revocation: Option<Url>,
}

/// The parts of an OpenID configuration document that matter here.
#[derive(Debug, Deserialize)]
struct Metadata {
    #[serde(default)]
    issuer: Option<String>,
    token_endpoint: Url,
    #[serde(default)]
    authorization_endpoint: Option<Url>,
    #[serde(default)]
    device_authorization_endpoint: Option<Url>,
    #[serde(default)]
    revocation_endpoint: Option<Url>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CachedEndpoints {
    authority: String,
    fetched_at: i64,
    endpoints: Endpoints,
}

/// Entra ID's v2.0 endpoints for an authority such as
/// `https://login.microsoftonline.com/{tenant}`.
pub fn entra_endpoints(authority: &str) -> Result<Endpoints, AuthError> {
    let at = |path: &str| {
        Url::parse(&urls::entra_endpoint(authority, path)).map_err(|e| AuthError::Discovery {
            authority: authority.to_string(),
            reason: e.to_string(),
        })
    };
    Ok(Endpoints {
        authorization: Some(at("authorize")?),
        token: at("token")?,
        device_authorization: Some(at("devicecode")?),
        revocation: None,
    })
}

pub struct Resolver<'a> {
    pub http: &'a Http,
    pub cache_dir: PathBuf,
}

impl Resolver<'_> {
    /// The endpoints for a profile: `token_url` wins for the token endpoint; Entra hosts
    /// are known; anything else is discovered once and cached.
    pub async fn resolve(&self, profile: &Profile) -> Result<Endpoints, AuthError> {
        Ok(self.resolve_as(profile, false).await?.0)
    }

    /// [`resolve`](Self::resolve) with discovery asked afresh, past the cache, and
    /// everything else as sign-in does it (its locations in its order, the issuer check,
    /// the endpoint rules, the token URL): the doctor's probe, so that it cannot pass a
    /// provider sign-in refuses. Also returns the location that answered; none when
    /// nothing was discovered (a token URL, Entra ID).
    pub async fn resolve_afresh(
        &self,
        profile: &Profile,
    ) -> Result<(Endpoints, Option<Url>), AuthError> {
        self.resolve_as(profile, true).await
    }

    async fn resolve_as(
        &self,
        profile: &Profile,
        afresh: bool,
    ) -> Result<(Endpoints, Option<Url>), AuthError> {
        let authority = profile.authority();
        let token_override = match &profile.token_url {
            Some(t) => Some(Url::parse(t).map_err(|e| AuthError::Discovery {
                authority: t.clone(),
                reason: e.to_string(),
            })?),
            None => None,
        };
        // A client-credentials profile with a token URL needs nothing else.
        if let (Some(token), false) = (&token_override, profile.flow.is_user_flow()) {
            let endpoints = Endpoints {
                authorization: None,
                token: token.clone(),
                device_authorization: None,
                revocation: None,
            };
            return Ok((endpoints, None));
        }
        let authority_url = Url::parse(&authority).map_err(|e| AuthError::Discovery {
            authority: authority.clone(),
            reason: e.to_string(),
        })?;
        let user_flow = profile.flow.is_user_flow();
        let locations = profile.discovery_locations();
        let (mut endpoints, answered) = if is_entra_host(&authority_url) {
            (entra_endpoints(&authority)?, None)
        } else if afresh {
            let (endpoints, answered) = self
                .fetch_and_keep(&authority, &authority_url, user_flow, &locations)
                .await?;
            (endpoints, Some(answered))
        } else {
            let endpoints = self
                .discover(&authority, &authority_url, user_flow, &locations)
                .await?;
            (endpoints, None)
        };
        if let Some(token) = token_override {
            endpoints.token = token;
        }
        // Profiles are validated when loaded; this holds for any profile handed in.
        vet(&authority_url, &endpoints, user_flow).map_err(|reason| AuthError::Discovery {
            authority: authority.clone(),
            reason,
        })?;
        Ok((endpoints, answered))
    }

    fn cache_file(&self, authority: &str) -> PathBuf {
        let digest = Sha256::digest(authority.as_bytes());
        let name = hex::encode(&digest[..16]);
        self.cache_dir.join(format!("{name}.json"))
    }

    /// The discovered endpoints, checked before they are used or cached: a cached entry
    /// that fails the checks is fetched again, a fetched one that fails is an error.
    async fn discover(
        &self,
        authority: &str,
        authority_url: &Url,
        user_flow: bool,
        locations: &[String],
    ) -> Result<Endpoints, AuthError> {
        let cache = self.cache_file(authority);
        if let Some(e) = read_cache(&cache, authority, self.http.now().timestamp())
            && vet(authority_url, &e, user_flow).is_ok()
        {
            return Ok(e);
        }
        let (endpoints, _) = self
            .fetch_and_keep(authority, authority_url, user_flow, locations)
            .await?;
        Ok(endpoints)
    }

    /// Fetches the metadata, checks it and caches it: an answer that fails the checks
    /// is an error and is not cached.
    async fn fetch_and_keep(
        &self,
        authority: &str,
        authority_url: &Url,
        user_flow: bool,
        locations: &[String],
    ) -> Result<(Endpoints, Url), AuthError> {
        let cache = self.cache_file(authority);
        let (endpoints, answered) = self.fetch_metadata(authority, locations).await?;
        vet(authority_url, &endpoints, user_flow).map_err(|reason| AuthError::Discovery {
            authority: authority.to_string(),
            reason,
        })?;
        let record = CachedEndpoints {
            authority: authority.to_string(),
            fetched_at: self.http.now().timestamp(),
            endpoints: endpoints.clone(),
        };
        if let Ok(json) = serde_json::to_vec_pretty(&record) {
            // A cache that cannot be written only costs a request next time.
            if let Err(e) = fsutil::write_atomic(&cache, &json) {
                tracing::warn!("cannot cache endpoints in {}: {e}", cache.display());
            }
        }
        Ok((endpoints, answered))
    }

    /// The first location with an OpenID configuration, in order, and what it says.
    async fn fetch_metadata(
        &self,
        authority: &str,
        locations: &[String],
    ) -> Result<(Endpoints, Url), AuthError> {
        // What each location answered instead, for the error that names them all.
        let mut said = Vec::new();
        for candidate in locations {
            let url = Url::parse(candidate).map_err(|e| AuthError::Discovery {
                authority: authority.to_string(),
                reason: e.to_string(),
            })?;
            let answer = self.http.get_json::<Metadata>(&url).await;
            match answer {
                Ok(Some(m)) => {
                    check_issuer(authority, m.issuer.as_deref())?;
                    let endpoints = Endpoints {
                        authorization: m.authorization_endpoint,
                        token: m.token_endpoint,
                        device_authorization: m.device_authorization_endpoint,
                        revocation: m.revocation_endpoint,
                    };
                    return Ok((endpoints, url));
                }
                Ok(None) => said.push(format!("{url} (HTTP 404)")),
                // A 4xx other than 404 at the first location may just mean "not here".
                Err(AuthError::Http { status, .. }) if status < 500 => {
                    said.push(format!("{url} (HTTP {status})"))
                }
                Err(AuthError::Idp(e)) => said.push(format!("{url} ({})", e.error.escape_debug())),
                Err(e) => return Err(e),
            }
        }
        Err(AuthError::Discovery {
            authority: authority.to_string(),
            reason: format!("no OpenID configuration at {}", said.join(" or ")),
        })
    }
}

/// The discovery document speaks for the authority only if its `issuer` is the authority
/// (Entra-style providers add `/v2.0`).
fn check_issuer(authority: &str, issuer: Option<&str>) -> Result<(), AuthError> {
    let issuer = issuer.map(|i| i.trim_end_matches('/'));
    let v2 = format!("{authority}/v2.0");
    if issuer.is_some_and(|i| i == authority || i == v2) {
        return Ok(());
    }
    if let Some(by_id) = issuer.and_then(|i| authority_by_tenant_id(authority, i)) {
        return Err(AuthError::TenantById {
            authority: authority.to_string(),
            by_id,
        });
    }
    Err(AuthError::Discovery {
        authority: authority.to_string(),
        reason: match issuer {
            Some(i) => format!(
                "the discovery document's issuer '{}' is not the authority",
                i.escape_debug()
            ),
            None => "the discovery document names no issuer".into(),
        },
    })
}

/// The authority to use when `authority` names its tenant by a domain
/// (`https://host/contoso.onmicrosoft.com`) and the provider's issuer names the same
/// tenant by its id (`https://host/<GUID>/v2.0`), as Entra ID answers: the authority with
/// that id. Still refused as it stands (the issuer must be the authority), but the
/// person is told which id to use instead of only "check --authority".
fn authority_by_tenant_id(authority: &str, issuer: &str) -> Option<String> {
    let (base, tenant) = authority.rsplit_once('/')?;
    let issuer = issuer.strip_suffix("/v2.0").unwrap_or(issuer);
    let (issuer_base, id) = issuer.rsplit_once('/')?;
    let domain = tenant.contains('.') && !crate::profile::is_guid(tenant);
    (domain && issuer_base == base && crate::profile::is_guid(id)).then(|| format!("{base}/{id}"))
}

/// Every endpoint passes the rules of a typed URL (https, or http on loopback only), and
/// a person's sign-in stays on the authority's origin.
fn vet(authority: &Url, endpoints: &Endpoints, user_flow: bool) -> Result<(), String> {
    let all = [
        ("token endpoint", Some(&endpoints.token)),
        ("authorization endpoint", endpoints.authorization.as_ref()),
        (
            "device authorization endpoint",
            endpoints.device_authorization.as_ref(),
        ),
        // A person's refresh token goes there.
        ("revocation endpoint", endpoints.revocation.as_ref()),
    ];
    for (what, url) in all {
        let Some(url) = url else { continue };
        if let Err(reason) = urls::parse_secure(url.as_str()) {
            return Err(format!("the {what}: {reason}"));
        }
        if user_flow && !urls::user_flow_may_use(authority, url) {
            return Err(format!(
                "the {what} {}; a person's sign-in is only sent to the authority",
                urls::off_origin_reason(authority, url)
            ));
        }
    }
    Ok(())
}

/// `now`: seconds since the epoch, by the session's clock.
fn read_cache(path: &Path, authority: &str, now: i64) -> Option<Endpoints> {
    // An oversized or unreadable record is no record: discovery runs again and rewrites it.
    let bytes = fsutil::read_bounded(path, fsutil::limits::DISCOVERY).ok()?;
    let record: CachedEndpoints = serde_json::from_slice(&bytes).ok()?;
    // The file is outside data: a time far in the past must not overflow, and one in the
    // future (a clock set back, an edited file) must not make the entry fresh forever.
    let age = now.checked_sub(record.fetched_at)?;
    let fresh = (0..DISCOVERY_TTL_SECS).contains(&age);
    (record.authority == authority && fresh).then_some(record.endpoints)
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::auth::http::{Method, Request, Response, Transport};
    use crate::profile::Flow;
    use std::sync::Arc;

    const AUTHORITY: &str = "http://127.0.0.1:9/idp";

    /// A tenant given by its domain, answered by an issuer with its id: the error gives
    /// the authority with that id. Anything else stays the plain issuer mismatch.
    #[test]
    fn an_issuer_with_the_tenants_id_names_the_authority_to_use() {
        let id = "9188040d-6c67-4c5b-b112-36a304b66dad";
        let domain = "https://login.example.com/contoso.onmicrosoft.com";
        let by_id = format!("https://login.example.com/{id}");
        for issuer in [
            format!("{by_id}/v2.0"),
            by_id.clone(),
            format!("{by_id}/v2.0/"),
        ] {
            let e = check_issuer(domain, Some(&issuer)).unwrap_err();
            assert!(
                matches!(&e, AuthError::TenantById { by_id: b, .. } if *b == by_id),
                "{e:?}"
            );
            let crate::remedy::Remedy::UseAuthority { authority, .. } = e.remedy().unwrap() else {
                panic!("{e:?}");
            };
            assert_eq!(authority, by_id);
        }
        for (authority, issuer) in [
            // Another host, another path, a tenant given by id, a name without a dot.
            (domain, format!("https://evil.example.com/{id}/v2.0")),
            (domain, format!("https://login.example.com/x/{id}/v2.0")),
            (
                by_id.as_str(),
                format!("https://login.example.com/{}/v2.0", "1".repeat(8)),
            ),
            ("https://login.example.com/common", format!("{by_id}/v2.0")),
            (
                domain,
                "https://login.example.com/not-a-guid/v2.0".to_string(),
            ),
        ] {
            let e = check_issuer(authority, Some(&issuer)).unwrap_err();
            assert!(
                matches!(e, AuthError::Discovery { .. }),
                "{authority} {issuer}: {e:?}"
            );
        }
    }

    /// A provider at [`AUTHORITY`] whose discovery document is `doc`.
    fn discovering(doc: serde_json::Value) -> Http {
        let discovery = format!("{AUTHORITY}/.well-known/openid-configuration");
        let transport = move |r: &Request<'_>| -> Result<Response, AuthError> {
            Ok(match (r.method, r.url.as_str()) {
                (Method::Get, url) if url == discovery => Response {
                    status: 200,
                    content_type: Some("application/json".into()),
                    retry_after: None,
                    body: serde_json::to_vec(&doc).unwrap(),
                },
                _ => Response {
                    status: 404,
                    ..Response::default()
                },
            })
        };
        let transport: Arc<dyn Transport> = Arc::new(transport);
        Http::with_transport(transport)
    }

    fn resolve(doc: serde_json::Value, flow: Flow) -> (Result<Endpoints, AuthError>, usize) {
        let dir = tempfile::tempdir().unwrap();
        let http = discovering(doc);
        let resolver = Resolver {
            http: &http,
            cache_dir: dir.path().join("discovery"),
        };
        let profile: Profile = toml::from_str(&format!(
            "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='{}'\nauthority='{AUTHORITY}'",
            flow.as_str()
        ))
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let r = rt.block_on(resolver.resolve(&profile));
        let cached = std::fs::read_dir(dir.path().join("discovery"))
            .map(|d| d.count())
            .unwrap_or(0);
        (r, cached)
    }

    /// Finding 2 of issue 13: every discovered endpoint passes the rules a typed one
    /// does, the issuer is the authority, user flows stay on the authority's origin, and
    /// a refused answer is neither used nor cached.
    #[test]
    fn discovered_endpoints_pass_the_rules_of_typed_ones() {
        let good = serde_json::json!({
            "issuer": AUTHORITY,
            "authorization_endpoint": format!("{AUTHORITY}/auth"),
            "token_endpoint": format!("{AUTHORITY}/token"),
            "device_authorization_endpoint": format!("{AUTHORITY}/device"),
        });
        let (r, cached) = resolve(good.clone(), Flow::Interactive);
        assert_eq!(r.unwrap().token.as_str(), "http://127.0.0.1:9/idp/token");
        assert_eq!(cached, 1, "a good answer is cached");

        let with = |key: &str, value: &str| {
            let mut doc = good.clone();
            doc[key] = serde_json::json!(value);
            doc
        };
        for (doc, flow, expect) in [
            (
                with("token_endpoint", "http://idp.example.invalid/token"),
                Flow::ClientCredentials,
                "token' uses http://",
            ),
            (
                with("authorization_endpoint", "file:///etc/passwd"),
                Flow::Interactive,
                "scheme 'file'",
            ),
            (
                with("device_authorization_endpoint", "javascript:alert(1)"),
                Flow::DeviceCode,
                "scheme 'javascript'",
            ),
            (
                with("issuer", "https://idp.example.invalid"),
                Flow::ClientCredentials,
                "issuer 'https://idp.example.invalid'",
            ),
            (
                with("token_endpoint", "http://127.0.0.1:10/token"),
                Flow::Interactive,
                "not on the authority's origin http://127.0.0.1:9",
            ),
            (
                with("authorization_endpoint", "https://idp.example.invalid/auth"),
                Flow::Interactive,
                "is on https://idp.example.invalid",
            ),
        ] {
            let (r, cached) = resolve(doc.clone(), flow);
            let e = r.expect_err(&doc.to_string()).to_string();
            assert!(e.contains(expect), "{e}");
            assert_eq!(cached, 0, "a refused answer was cached: {doc}");
        }
        // A service principal may get its tokens from another https host the provider names.
        let (r, _) = resolve(
            with("token_endpoint", "https://tokens.example.invalid/token"),
            Flow::ClientCredentials,
        );
        assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn entra_paths_are_known() {
        let e =
            entra_endpoints("https://login.microsoftonline.com/contoso.onmicrosoft.com").unwrap();
        assert_eq!(
            e.token.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            e.authorization.unwrap().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
        );
        assert_eq!(
            e.device_authorization.unwrap().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
        );
    }

    #[test]
    fn sovereign_clouds_are_entra() {
        for host in [
            "https://login.microsoftonline.us/t",
            "https://login.chinacloudapi.cn/t",
            "https://LOGIN.microsoftonline.com/t",
        ] {
            assert!(is_entra_host(&Url::parse(host).unwrap()), "{host}");
        }
        assert!(!is_entra_host(
            &Url::parse("https://example.auth0.com/").unwrap()
        ));
        assert!(!is_entra_host(
            &Url::parse("http://127.0.0.1:3000").unwrap()
        ));
    }

    #[test]
    fn cache_is_tied_to_its_authority() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let record = CachedEndpoints {
            authority: "https://a".into(),
            fetched_at: chrono::Utc::now().timestamp(),
            endpoints: Endpoints {
                authorization: None,
                token: Url::parse("https://a/token").unwrap(),
                device_authorization: None,
                revocation: None,
            },
        };
        std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
        assert!(read_cache(&path, "https://a", chrono::Utc::now().timestamp()).is_some());
        assert!(read_cache(&path, "https://b", chrono::Utc::now().timestamp()).is_none());
    }

    /// The cache file is outside data (fuzz/regressions/discovery_cache/): a `fetched_at`
    /// far in the past overflowed the age computation; one in the future was fresh forever.
    #[test]
    fn cache_times_out_of_range_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let now = chrono::Utc::now().timestamp();
        for fetched_at in [i64::MIN, -1, now - DISCOVERY_TTL_SECS, now + 60, i64::MAX] {
            let record = CachedEndpoints {
                authority: "https://a".into(),
                fetched_at,
                endpoints: Endpoints {
                    authorization: None,
                    token: Url::parse("https://a/token").unwrap(),
                    device_authorization: None,
                    revocation: None,
                },
            };
            std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
            assert!(
                read_cache(&path, "https://a", now).is_none(),
                "{fetched_at}"
            );
        }
    }
}

//! The URL rules, in one place: which URLs may carry tokens and secrets (https, or http
//! to this computer only), which hosts are Entra ID's, the defaults that follow from a
//! tenant or a cluster, and where an authority's OpenID configuration is looked for.
//! Profiles, sign-in, the loopback listener, the `.env` import and the doctor all ask
//! here, so they cannot disagree.
//!
//! Reasons are plain text without a field name; the caller says which field it was.

use std::net::IpAddr;

use url::Url;

/// Entra ID sign-in hosts, public and sovereign clouds. They have fixed v2.0 endpoint
/// paths, so no discovery request is needed.
const ENTRA_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
];

/// Cognite's own identity provider (Cognite IdP): the base of its discovery, sign-in and
/// organization API. `COGNITE_IDP_BASE_URL` or `--authority` point elsewhere.
pub const COGNITE_IDP_BASE: &str = "https://auth.cognite.com";

/// CDF's cluster domain: `https://{cluster}.cognitedata.com`.
const CDF_DOMAIN: &str = "cognitedata.com";

/// Parses a URL that will receive tokens or secrets: `https://`, or `http://` only to a
/// loopback host, and a host in any case.
pub fn parse_secure(text: &str) -> Result<Url, String> {
    let shown = shown(text);
    let url = Url::parse(text).map_err(|e| format!("'{shown}' is not a URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "'{shown}' uses http://, which is allowed only for loopback hosts; use https://"
            ));
        }
        // What parses as the scheme may be a user name ("alice:s3cret@host").
        other if shown == text => {
            return Err(format!("'{shown}' has scheme '{other}'; use https://"));
        }
        _ => return Err(format!("'{shown}' is not an https:// URL")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{shown}' has no host"));
    }
    Ok(url)
}

/// A URL as text, for an error message: a user name or password in it (before an `@`
/// in the authority) is replaced by `…`, whether or not the text parses, so a refusal
/// never prints a secret someone pasted into a URL.
pub fn shown(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(at) => text.split_at(at + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}…{}{tail}", &authority[at..]),
        None => text.to_string(),
    }
}

/// Parses a CDF base URL: [`parse_secure`], and nothing a request path is appended to
/// or that travels beside it: no user name or password (`profile list` would print it,
/// and it would go out with every request), no query and no fragment (a path added by
/// text would land in them).
/// The refusal names only the URL's origin, never what it carries.
pub fn parse_base(text: &str) -> Result<Url, String> {
    let url = parse_secure(text)?;
    let carries = if !url.username().is_empty() || url.password().is_some() {
        "a user name or password"
    } else if url.query().is_some() {
        "a query ('?...')"
    } else if url.fragment().is_some() {
        "a fragment ('#...')"
    } else {
        return Ok(url);
    };
    Err(format!(
        "the URL on {} carries {carries}, which a base URL may not; give it without",
        url.origin().ascii_serialization()
    ))
}

/// `base` with `segments` appended as path segments, each escaped: a request URL built
/// this way stays on the base's path whatever the segments hold.
pub fn join_segments(base: &str, segments: &[&str]) -> Result<Url, String> {
    if let Some(dots) = segments.iter().find(|s| matches!(**s, "." | "..")) {
        return Err(format!("'{dots}' is not a path segment a request may add"));
    }
    let mut url = parse_base(base)?;
    url.path_segments_mut()
        .map_err(|()| format!("'{base}' cannot take a path"))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// The API origin a scope or audience names, when it names one by URL: Entra's
/// `RESOURCE/.default` and `RESOURCE/PERMISSION` with an http(s) resource, or a URL
/// audience. `None` for scopes that name no API by URL (`api://...`, a GUID, `openid`):
/// a token asked for with those says nothing of where it may go.
pub fn api_origin_of(scope: &str) -> Option<url::Origin> {
    let url = Url::parse(scope).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| url.origin())
        .filter(url::Origin::is_tuple)
}

/// The API origin an audience names, as [`api_origin_of`], except Cognite's Auth0
/// convention `https://PROJECT.fusion.cognite.com/PROJECT` (the toolkit's default
/// audience), which names a project, not a host that receives tokens: such a token names
/// no API, and goes only where its account signed in for.
pub fn audience_api_origin(audience: &str) -> Option<url::Origin> {
    let origin = api_origin_of(audience)?;
    let host = Url::parse(audience).ok()?.host_str()?.to_ascii_lowercase();
    (!host.ends_with(".fusion.cognite.com")).then_some(origin)
}

/// The origin of a base URL's API, in the form [`api_origin_of`] gives: the base's own,
/// or its cluster's for a Private Link host (both are accepted for a Private Link base).
pub fn api_origins_of_base(base_url: &str) -> Vec<url::Origin> {
    let mut origins = Vec::new();
    for text in [base_url.to_string(), resource_of(base_url)] {
        if let Ok(url) = Url::parse(&text) {
            let origin = url.origin();
            if origin.is_tuple() && !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    origins
}

/// An origin as people and files read it: `https://host[:port]`.
pub fn origin_text(origin: &url::Origin) -> String {
    origin.ascii_serialization()
}

/// Whether the URL's host is this computer: `localhost` or a loopback address.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Whether an HTTP `Host` header names this computer the way a browser returning to the
/// loopback listener writes it: `localhost`, `127.0.0.1` or `[::1]`, with any port. A
/// DNS-rebinding page sends its own name here, which is refused.
pub fn is_loopback_host_header(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().map(|h| format!("[{h}]")),
        None => host.split(':').next().map(str::to_string),
    };
    name.is_some_and(|n| n.eq_ignore_ascii_case("localhost") || n == "127.0.0.1" || n == "[::1]")
}

pub fn is_entra_host(url: &Url) -> bool {
    url.host_str()
        .is_some_and(|h| ENTRA_HOSTS.iter().any(|e| h.eq_ignore_ascii_case(e)))
}

/// Whether a user flow may send a person's codes to `endpoint`: only on the authority's
/// own origin (scheme, host, port), or on any Entra host when the authority is one.
pub fn user_flow_may_use(authority: &Url, endpoint: &Url) -> bool {
    authority.origin() == endpoint.origin()
        || (is_entra_host(authority)
            && is_entra_host(endpoint)
            && endpoint.scheme() == "https"
            && endpoint.port().is_none())
}

/// The refusal of [`user_flow_may_use`], naming both origins.
pub fn off_origin_reason(authority: &Url, endpoint: &Url) -> String {
    format!(
        "'{endpoint}' is on {}, not on the authority's origin {}",
        endpoint.origin().ascii_serialization(),
        authority.origin().ascii_serialization()
    )
}

/// The authority of a tenant when the profile names none: Entra ID's public cloud.
pub fn default_authority(tenant: &str) -> String {
    format!("https://login.microsoftonline.com/{tenant}")
}

/// Entra ID's v2.0 endpoint `path` (`token`, `authorize`, `devicecode`) of an authority.
pub fn entra_endpoint(authority: &str, path: &str) -> String {
    format!("{authority}/oauth2/v2.0/{path}")
}

/// A cluster's CDF API: `westeurope-1` → `https://westeurope-1.cognitedata.com`.
pub fn cluster_base_url(cluster: &str) -> String {
    format!("https://{cluster}.{CDF_DOMAIN}")
}

/// The cluster of a CDF URL: `https://westeurope-1.cognitedata.com` → `westeurope-1`,
/// and a Private Link host `p001.plink.az-x-1.cognitedata.com` → `az-x-1`.
pub fn cluster_of(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let labels: Vec<&str> = host
        .strip_suffix(CDF_DOMAIN)?
        .strip_suffix('.')?
        .split('.')
        .collect();
    labels
        .last()
        .filter(|l| !l.is_empty())
        .map(|l| l.to_string())
}

/// The cluster of a Private Link base URL only: `https://p001.plink.az-x-1.cognitedata.com`
/// → `az-x-1` (the identity provider knows the CDF API by the cluster's URL).
pub fn private_link_cluster(base_url: &str) -> Option<String> {
    let url = Url::parse(base_url).ok()?;
    let host = url
        .host_str()?
        .strip_suffix(CDF_DOMAIN)?
        .strip_suffix('.')?;
    let (_, cluster) = host.split_once(".plink.")?;
    (!cluster.is_empty() && !cluster.contains('.')).then(|| cluster.to_string())
}

/// The API a base URL's tokens are for: the base URL itself, or its cluster's URL for a
/// Private Link host.
pub fn resource_of(base_url: &str) -> String {
    private_link_cluster(base_url)
        .map(|cluster| cluster_base_url(&cluster))
        .unwrap_or_else(|| base_url.to_string())
}

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// Where an authority's OpenID configuration is looked for, in order: the Entra-style
/// `/v2.0` location first (as MSAL does for hosts it does not know), then the plain one.
/// Sign-in and the doctor both walk this list.
pub fn discovery_candidates(authority: &str) -> [String; 2] {
    [
        format!("{authority}/v2.0{WELL_KNOWN}"),
        format!("{authority}{WELL_KNOWN}"),
    ]
}

/// `{authority}[/v2.0]/.well-known/openid-configuration` → `{authority}`.
pub fn authority_of_discovery(url: &Url) -> String {
    let text = url.as_str().trim_end_matches('/');
    let text = text.strip_suffix(WELL_KNOWN).unwrap_or(text);
    text.strip_suffix("/v2.0").unwrap_or(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A password pasted into a URL is never printed back, parsable or not.
    #[test]
    fn refusals_never_repeat_a_user_name_or_password() {
        for text in [
            "http://alice:s3cret@example.com/path",
            "ftp://alice:s3cret@example.com",
            "https://alice:s3cret@/nohost",
            "https://alice:s3cret@exa mple.com/",
            "alice:s3cret@example.com",
        ] {
            let e = parse_secure(text).unwrap_err();
            assert!(!e.contains("s3cret") && !e.contains("alice"), "{e}");
        }
        assert_eq!(
            shown("https://a:b@h.invalid/p?q#f"),
            "https://…@h.invalid/p?q#f"
        );
        assert_eq!(shown("https://h.invalid/@x"), "https://h.invalid/@x");
        assert_eq!(shown("not a url"), "not a url");
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(parse_secure("http://127.0.0.1:8080/x").is_ok());
        assert!(parse_secure("http://127.0.0.2:8080/x").is_ok());
        assert!(parse_secure("http://localhost:1").is_ok());
        assert!(parse_secure("http://[::1]:1").is_ok());
        assert!(
            parse_secure("http://login.example.com")
                .unwrap_err()
                .contains("loopback")
        );
        assert!(parse_secure("not a url").unwrap_err().contains("not a URL"));
        assert!(parse_secure("ftp://x").unwrap_err().contains("'ftp'"));
    }

    #[test]
    fn host_headers_of_this_computer_only() {
        for ok in [
            "localhost",
            "LOCALHOST:53000",
            "127.0.0.1:1",
            "[::1]:53000",
            "[::1]",
        ] {
            assert!(is_loopback_host_header(ok), "{ok}");
        }
        for bad in ["evil.invalid", "127.0.0.1.evil.invalid", "[::2]:1", ""] {
            assert!(!is_loopback_host_header(bad), "{bad}");
        }
    }

    #[test]
    fn entra_hosts_and_the_user_flow_origin_rule() {
        assert!(is_entra_host(&url("https://LOGIN.microsoftonline.com/t")));
        assert!(!is_entra_host(&url(
            "https://login.microsoftonline.com.evil.invalid/t"
        )));
        let entra = url("https://login.microsoftonline.com/t");
        assert!(user_flow_may_use(
            &entra,
            &url("https://login.microsoft.com/t/oauth2/v2.0/token")
        ));
        assert!(!user_flow_may_use(
            &entra,
            &url("https://login.microsoft.com:8443/t/oauth2/v2.0/token")
        ));
        let own = url("http://127.0.0.1:1/idp");
        assert!(user_flow_may_use(&own, &url("http://127.0.0.1:1/token")));
        assert!(!user_flow_may_use(&own, &url("http://127.0.0.1:2/token")));
        assert!(off_origin_reason(&own, &url("http://127.0.0.1:2/token")).contains("127.0.0.1:2"));
    }

    #[test]
    fn clusters_and_their_urls() {
        assert_eq!(
            cluster_base_url("westeurope-1"),
            "https://westeurope-1.cognitedata.com"
        );
        assert_eq!(
            cluster_of(&url("https://westeurope-1.cognitedata.com/")).as_deref(),
            Some("westeurope-1")
        );
        assert_eq!(
            cluster_of(&url("https://p001.plink.az-x-1.cognitedata.com")).as_deref(),
            Some("az-x-1")
        );
        assert_eq!(cluster_of(&url("https://evilcognitedata.com")), None);
        assert_eq!(
            resource_of("https://p001.plink.az-x-1.cognitedata.com"),
            "https://az-x-1.cognitedata.com"
        );
        assert_eq!(
            resource_of("https://westeurope-1.cognitedata.com"),
            "https://westeurope-1.cognitedata.com"
        );
    }

    #[test]
    fn discovery_is_looked_for_at_v2_first() {
        let [first, second] = discovery_candidates("https://idp.example.invalid/t");
        assert_eq!(
            first,
            "https://idp.example.invalid/t/v2.0/.well-known/openid-configuration"
        );
        assert_eq!(
            second,
            "https://idp.example.invalid/t/.well-known/openid-configuration"
        );
        assert_eq!(
            authority_of_discovery(&url(&first)),
            "https://idp.example.invalid/t"
        );
        assert_eq!(
            authority_of_discovery(&url(&second)),
            "https://idp.example.invalid/t"
        );
    }

    #[test]
    fn base_urls_carry_no_userinfo_query_or_fragment() {
        assert!(parse_base("https://api.cognitedata.com").is_ok());
        assert!(parse_base("http://127.0.0.1:1/cdf/").is_ok());
        let e = parse_base("https://bob:hunter2@api.cognitedata.com").unwrap_err();
        assert!(e.contains("user name or password"), "{e}");
        assert!(!e.contains("hunter2"), "the password is not repeated: {e}");
        assert!(parse_base("https://bob@api.cognitedata.com").is_err());
        assert!(
            parse_base("https://api.cognitedata.com/?x=1")
                .unwrap_err()
                .contains("query")
        );
        assert!(
            parse_base("https://api.cognitedata.com/#x")
                .unwrap_err()
                .contains("fragment")
        );
        assert!(
            parse_base("http://cdf.example.invalid").is_err(),
            "the secure rule holds"
        );
    }

    #[test]
    fn request_urls_are_built_from_segments() {
        let u = join_segments(
            "https://h.invalid/base/",
            &["api", "v1", "token", "inspect"],
        )
        .unwrap();
        assert_eq!(u.as_str(), "https://h.invalid/base/api/v1/token/inspect");
        let u = join_segments("https://h.invalid", &["a?b", "#c"]).unwrap();
        assert_eq!(u.path(), "/a%3Fb/%23c");
        assert!(join_segments("https://h.invalid/x", &["..", "y"]).is_err());
        assert_eq!(
            (u.query(), u.fragment(), u.host_str()),
            (None, None, Some("h.invalid"))
        );
    }

    #[test]
    fn scopes_name_their_api_by_url_only() {
        let o = |t: &str| api_origin_of(t).map(|o| origin_text(&o));
        assert_eq!(
            o("https://api.cognitedata.com/.default").as_deref(),
            Some("https://api.cognitedata.com")
        );
        assert_eq!(
            o("https://api.cognitedata.com/user_impersonation").as_deref(),
            Some("https://api.cognitedata.com")
        );
        assert_eq!(
            o("http://127.0.0.1:9/.default").as_deref(),
            Some("http://127.0.0.1:9")
        );
        for none in [
            "api://cdf/.default",
            "00000000-0000-0000-0000-000000000000/.default",
            "openid",
            "IDENTITY",
        ] {
            assert_eq!(o(none), None, "{none}");
        }
        let plink = api_origins_of_base("https://p001.plink.az-x-1.cognitedata.com");
        let texts: Vec<String> = plink.iter().map(origin_text).collect();
        assert_eq!(
            texts,
            [
                "https://p001.plink.az-x-1.cognitedata.com",
                "https://az-x-1.cognitedata.com"
            ]
        );
    }
}

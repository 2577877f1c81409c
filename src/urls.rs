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
    let url = Url::parse(text).map_err(|e| format!("'{text}' is not a URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "'{text}' uses http://, which is allowed only for loopback hosts; use https://"
            ));
        }
        other => return Err(format!("'{text}' has scheme '{other}'; use https://")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{text}' has no host"));
    }
    Ok(url)
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
}

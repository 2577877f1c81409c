//! Cognite's own identity provider (Cognite IdP) by organization: what a sign-in with
//! only an organization's name needs (Cognite's public CLI client, the ports its
//! redirect URIs are registered for, the provider's base) and the organization's
//! projects, which `app::Profiles::sign_in_org` turns into profiles.
//!
//! Public facts, as the cognite-toolkit's `cdf auth login` uses them: discovery at
//! `{base}/.well-known/openid-configuration`, the client
//! `0404baaa-0a90-43a2-aba7-a110b53fb41c` ("not secrets"), redirect URIs
//! `http://localhost:<port>/` on 3000 or 3100-3110, and
//! `GET {base}/api/v1/orgs/{org}/projects` answering `{"items": [{"name", "apiUrl",
//! "isDefault"}]}` for the signed-in person.

use serde::Deserialize;
use url::Url;

use super::client::{self, CdfError};
use crate::auth::Http;
use crate::profile::{Flow, PortSpec, Profile, ProfileError};
use crate::secrets::Secret;
use crate::session::Session;
use crate::urls;

/// Cognite's published public client for its CLI.
pub const CLI_CLIENT_ID: &str = "0404baaa-0a90-43a2-aba7-a110b53fb41c";
/// The ports Cognite's CLI client has registered redirect URIs for, tried in order.
pub const DEFAULT_PORTS: &str = "3000,3100-3110";
/// Cognite's identity provider, when nothing points elsewhere.
pub const DEFAULT_BASE: &str = urls::COGNITE_IDP_BASE;
/// The variable that points at another Cognite IdP base, as for the toolkit.
pub const BASE_URL_VAR: &str = "COGNITE_IDP_BASE_URL";

/// An organization's sign-in as asked for (`login --org`, the window's organization
/// sign-in); `None`s take the defaults above.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgSignIn {
    pub org: String,
    pub client_id: Option<String>,
    /// The Cognite IdP base: `--authority`, else `COGNITE_IDP_BASE_URL` (see [`base_from`]).
    pub authority: Option<String>,
    pub ports: Option<PortSpec>,
}

/// The Cognite IdP base a sign-in uses: the one given, else the environment's
/// `COGNITE_IDP_BASE_URL`, else none (the default, [`urls::COGNITE_IDP_BASE`]).
pub fn base_from(given: Option<String>, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    given
        .or_else(|| var(BASE_URL_VAR))
        .map(|b| b.trim().trim_end_matches('/').to_string())
        .filter(|b| !b.is_empty() && b != urls::COGNITE_IDP_BASE)
}

/// One of an organization's projects, as the Cognite IdP lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgProject {
    pub name: String,
    pub api_url: String,
    #[serde(default)]
    pub is_default: bool,
}

#[derive(Deserialize)]
struct Projects {
    items: Vec<OrgProject>,
}

impl OrgSignIn {
    /// The profile of one of the organization's projects at `api_url` (already checked
    /// to be a secure URL). The sign-in itself runs on [`OrgSignIn::sign_in_profile`].
    pub fn profile(&self, project: &str, api_url: &Url) -> Profile {
        let cluster = urls::cluster_of(api_url).unwrap_or_else(|| {
            // Not a cognitedata.com host (a test API, a private deployment): its host
            // names the cluster, in the characters a cluster may have.
            let host = api_url.host_str().unwrap_or("cluster");
            host.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        });
        Profile {
            client_id: self
                .client_id
                .clone()
                .unwrap_or_else(|| CLI_CLIENT_ID.to_string()),
            authority: self.authority.clone(),
            base_url: Some(api_url.as_str().trim_end_matches('/').to_string()),
            port: Some(
                self.ports
                    .clone()
                    .unwrap_or_else(|| DEFAULT_PORTS.parse().expect("the default ports parse")),
            ),
            org: Some(self.org.clone()),
            ..Profile::new(cluster, project, Flow::Interactive)
        }
    }

    /// The profile the sign-in runs with, before any project is known: every field the
    /// sign-in uses (and the account) is the one of the organization's profiles.
    pub fn sign_in_profile(&self) -> Profile {
        // No project yet: the placeholders stand for the fields the sign-in does not use.
        let placeholder = Url::parse(urls::COGNITE_IDP_BASE).expect("a URL");
        self.profile("org-sign-in", &placeholder)
    }
}

/// A listed project's `apiUrl` as its profile's base URL: a URL that may receive tokens,
/// without a user name or password (which `profile list` would show), a query or a
/// fragment (where a request path appended to it would land): the rule of `--base-url`.
/// The refusal names only the URL's origin, never what it carries.
pub fn api_url(text: &str) -> Result<Url, ProfileError> {
    crate::profile::parse_base_url(text)
}

/// The organization's projects, asked of the Cognite IdP with the sign-in's access
/// token. Blocking: call from a plain thread.
pub fn projects(
    session: &Session,
    profile: &Profile,
    token: &Secret,
) -> Result<Vec<OrgProject>, CdfError> {
    let http = session.http(profile)?;
    session.block_on(projects_at(&http, profile, token))
}

/// [`projects`] over a given HTTP client (the fuzz target scripts its answer).
pub(crate) async fn projects_at(
    http: &Http,
    profile: &Profile,
    token: &Secret,
) -> Result<Vec<OrgProject>, CdfError> {
    let org = profile.org.as_deref().unwrap_or_default();
    let mut url = Url::parse(&profile.authority())
        .map_err(|e| CdfError::BaseUrl(format!("{} ({e})", profile.authority())))?;
    // Each segment escaped, whatever the organization's name holds.
    url.path_segments_mut()
        .map_err(|()| CdfError::BaseUrl(profile.authority()))?
        .pop_if_empty()
        .extend(["api", "v1", "orgs", org, "projects"]);
    let auth = format!("Bearer {}", token.expose());
    let body = client::get(http, &url, &[("Authorization", &auth)], "token").await?;
    let projects: Projects = serde_json::from_value(body).map_err(|e| CdfError::Malformed {
        host: crate::auth::http::host_of(&url),
        reason: format!("no list of projects ({e})"),
    })?;
    Ok(projects.items)
}

/// Text of the listing as a message shows it (a skipped project's name, the reason
/// that quotes its `apiUrl`): control characters and the bidi overrides that reorder
/// what is shown are written as `\u{..}`, so no listing can move a terminal's cursor,
/// forge a link or hide text, whichever front end shows the message.
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> OrgSignIn {
        OrgSignIn {
            org: "contoso".into(),
            ..OrgSignIn::default()
        }
    }

    #[test]
    fn a_projects_profile_signs_in_with_the_organization() {
        let url = Url::parse("https://westeurope-1.cognitedata.com/").unwrap();
        let p = request().profile("prod", &url);
        p.validate().unwrap();
        assert_eq!(p.cluster, "westeurope-1");
        assert_eq!(p.base_url(), "https://westeurope-1.cognitedata.com");
        assert_eq!(p.client_id, CLI_CLIENT_ID);
        assert_eq!(p.authority(), "https://auth.cognite.com");
        assert_eq!(p.port.as_ref().unwrap().ports()[..3], [3000, 3100, 3101]);
        assert!(p.resource_scopes().is_empty());
        assert_eq!(
            p.discovery_locations(),
            ["https://auth.cognite.com/.well-known/openid-configuration"]
        );
        // Every project of the organization is one account; another organization is not.
        let other = request().profile("dev", &Url::parse("http://127.0.0.1:9").unwrap());
        other.validate().unwrap();
        assert_eq!(other.cluster, "127.0.0.1");
        assert_eq!(p.account(), other.account());
        assert_eq!(p.account(), request().sign_in_profile().account());
        let mut elsewhere = request();
        elsewhere.org = "fabrikam".into();
        assert_ne!(p.account(), elsewhere.profile("prod", &url).account());
    }

    #[test]
    fn the_base_comes_from_the_flag_then_the_variable() {
        let var = |v: &'static str| move |k: &str| (k == BASE_URL_VAR).then(|| v.to_string());
        assert_eq!(
            base_from(Some("http://127.0.0.1:1/".into()), var("x")).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            base_from(None, var("https://idp.example.invalid")).as_deref(),
            Some("https://idp.example.invalid")
        );
        assert_eq!(base_from(None, |_| None), None);
        assert_eq!(base_from(None, var("https://auth.cognite.com/")), None);
    }

    #[test]
    fn the_projects_answer_parses() {
        let body = r#"{"items":[{"name":"p","apiUrl":"https://api.cognitedata.com","isDefault":true},{"name":"q","apiUrl":"https://x"}]}"#;
        let p: Projects = serde_json::from_str(body).unwrap();
        assert_eq!(p.items.len(), 2);
        assert!(p.items[0].is_default && !p.items[1].is_default);
    }
}

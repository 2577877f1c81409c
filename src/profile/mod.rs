//! Profiles: one tenant / client / cluster / project combination each, stored as TOML.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::field::Field;

pub mod flows;
mod port;
mod secret_source;
mod store;
mod validate;
pub use port::PortSpec;
pub use secret_source::{SecretSource, SourceError, from_env, from_file, is_env_name};
pub use store::{InvalidProfile, ProfileFile, ProfileStore};
pub use validate::{is_guid, parse_base_url, parse_secure_url, validate_name};

use crate::remedy::Remedy;
use crate::secrets::SecretKind;
use crate::urls;

/// How a profile signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    /// Authorization code + PKCE in the browser, redirected to a loopback listener.
    Interactive,
    /// Device code: the user types a short code on another device.
    DeviceCode,
    /// A service principal with a client secret or a certificate.
    ClientCredentials,
    /// A legacy CDF API key (older projects): no identity provider at all.
    ApiKey,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Interactive => "interactive",
            Flow::DeviceCode => "device-code",
            Flow::ClientCredentials => "client-credentials",
            Flow::ApiKey => "api-key",
        }
    }

    /// Flows where a person signs in (and refresh tokens exist).
    pub fn is_user_flow(self) -> bool {
        matches!(self, Flow::Interactive | Flow::DeviceCode)
    }

    /// Flows that get tokens from an identity provider (all but legacy API keys).
    pub fn uses_idp(self) -> bool {
        self != Flow::ApiKey
    }
}

/// The `prompt` parameter of the interactive flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    SelectAccount,
    Login,
    Consent,
}

impl Prompt {
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::SelectAccount => "select_account",
            Prompt::Login => "login",
            Prompt::Consent => "consent",
        }
    }
}

pub const DEFAULT_PORT: u16 = 53000;
pub const OIDC_SCOPES: [&str; 3] = ["openid", "profile", "offline_access"];
/// What a sign-in with Cognite's identity provider asks for: its tokens are the
/// organization's, for every project and cluster, so there is no resource scope.
pub const COGNITE_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// A profile as stored. Optional fields left empty take their defaults (see the
/// accessor methods), so changing a default later reaches every profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub cluster: String,
    pub project: String,
    /// Empty for API-key profiles, which have no identity provider.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    pub flow: Flow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// The `audience` parameter some providers (Auth0) need to issue a CDF token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The redirect ports of the interactive flow, tried in order; none: [`DEFAULT_PORT`],
    /// else any free one.
    pub port: Option<PortSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<PathBuf>,
    /// The environment variable the client secret is read from at each token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_env: Option<String>,
    /// The file (0600 or stricter) the client secret is read from at each token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_file: Option<PathBuf>,
    /// Marked as production by its owner: the window shows it unmistakably, `env` and
    /// `exec` say so. Not part of the token binding: marking signs nobody out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub production: bool,
    /// The organization of a profile that signs in with Cognite's own identity provider
    /// (`login --org`): the authority is then that provider (default
    /// [`urls::COGNITE_IDP_BASE`]), there is no tenant, and the sign-in names the
    /// organization (`organization_hint`). Absent for every other profile, so older
    /// profiles files read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// Whether a project's name suggests production (`contoso-prod`, `plant_production`):
/// the front ends suggest the mark, never set it.
pub fn looks_like_production(project: &str) -> bool {
    let p = project.to_ascii_lowercase();
    p.ends_with("prod") || p.ends_with("production")
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("invalid profile name '{0}': use letters, digits, '-' and '_' (at most 64)")]
    InvalidName(String),
    #[error("invalid {field}: {reason}")]
    InvalidField { field: Field, reason: String },
    /// Every problem [`Profile::validate`] found.
    #[error("{0}")]
    Invalid(FieldProblems),
    #[error("no profile named '{0}'")]
    NotFound(String),
    #[error("a profile named '{0}' exists already")]
    Exists(String),
    #[error("no profile selected and no default profile set")]
    NoDefault,
    #[error("there are no profiles yet")]
    NoProfiles,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{path} is not a valid profiles file: {reason}")]
    Parse { path: PathBuf, reason: String },
    /// A profile set aside when the file was read (see [`ProfileFile::invalid`]).
    #[error("profile '{}' is not used: {problem}", name.escape_debug())]
    Unusable { name: String, problem: String },
    /// A set-aside profile that a rewrite of the file would lose.
    #[error("cannot rewrite the profiles file: profile '{}' is not used ({problem}) and is not written as a [profiles.NAME] table of its own, so it would be lost", name.escape_debug())]
    Unkept { name: String, problem: String },
}

/// A profile's problems, each naming its field; shown on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblems(pub Vec<(Field, String)>);

impl std::fmt::Display for FieldProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (field, reason)) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}invalid {field}: {reason}")?;
        }
        Ok(())
    }
}

impl ProfileError {
    pub fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            ProfileError::NotFound(_) => Remedy::ListProfiles,
            ProfileError::Exists(name) => Remedy::RenameOrRemove {
                profile: name.clone(),
            },
            ProfileError::NoDefault => Remedy::ChooseProfile,
            ProfileError::NoProfiles => Remedy::AddProfile,
            ProfileError::Parse { .. } => Remedy::Advice(
                "fix the file by hand; cdf-signin does not rewrite a file it cannot read",
            ),
            ProfileError::Unusable { name, .. } | ProfileError::Unkept { name, .. } => {
                Remedy::FixOrRemove {
                    profile: name.clone(),
                }
            }
            _ => return None,
        })
    }
}

impl Profile {
    /// A profile of `flow` for `project` on `cluster`, every other field empty (the
    /// defaults): builders set what they know on top of it.
    pub fn new(cluster: impl Into<String>, project: impl Into<String>, flow: Flow) -> Profile {
        Profile {
            cluster: cluster.into(),
            project: project.into(),
            tenant_id: String::new(),
            client_id: String::new(),
            flow,
            authority: None,
            base_url: None,
            token_url: None,
            scopes: vec![],
            audience: None,
            port: None,
            login_hint: None,
            prompt: None,
            ca_file: None,
            certificate: None,
            private_key: None,
            client_secret_env: None,
            client_secret_file: None,
            production: false,
            org: None,
        }
    }

    /// Whether this profile's access token names the API it is for (a URL scope or
    /// audience, which [`validate`](Self::validate) ties to the base URL). When it does not
    /// (a Cognite organization's token, an `api://` or GUID scope, a plain audience), only
    /// a sign-in can say where it may go: see [`crate::session`]'s account APIs.
    pub fn token_names_its_api(&self) -> bool {
        if let Some(audience) = &self.audience {
            return urls::audience_api_origin(audience).is_some();
        }
        let scopes = self.resource_scopes();
        !scopes.is_empty() && scopes.iter().all(|s| urls::api_origin_of(s).is_some())
    }

    /// The origin of the API this profile's base URL sends tokens to.
    pub fn api_origin(&self) -> String {
        match url::Url::parse(&self.base_url()) {
            Ok(u) => u.origin().ascii_serialization(),
            Err(_) => self.base_url(),
        }
    }

    /// A service principal with a token URL needs no tenant (the toolkit's
    /// `IDP_TOKEN_URL` on any provider): its tenant is then unknown.
    pub fn tenant_may_be_unknown(&self) -> bool {
        flows::tenant_optional(self.flow, self.token_url.is_some(), self.org.is_some())
    }

    /// The tenant for display: its id, or "unknown" when none is recorded.
    pub fn tenant_text(&self) -> &str {
        if self.tenant_id.is_empty() {
            "unknown"
        } else {
            &self.tenant_id
        }
    }

    pub fn authority(&self) -> String {
        match (&self.authority, &self.org) {
            (Some(a), _) => a.trim_end_matches('/').to_string(),
            (None, Some(_)) => urls::COGNITE_IDP_BASE.to_string(),
            (None, None) => urls::default_authority(&self.tenant_id),
        }
    }

    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(b) => b.trim_end_matches('/').to_string(),
            None => urls::cluster_base_url(&self.cluster),
        }
    }

    /// The resource scopes (what the access token is for). By default the base URL's
    /// `/.default`, except that a Private Link host (`p001.plink.az-x-1.cognitedata.com`)
    /// keeps its cluster's scope: the identity provider knows the CDF API by the cluster
    /// URL, not by the private endpoint.
    pub fn resource_scopes(&self) -> Vec<String> {
        if self.scopes.is_empty() && self.org.is_some() {
            Vec::new()
        } else if self.scopes.is_empty() {
            vec![format!("{}/.default", urls::resource_of(&self.base_url()))]
        } else {
            self.scopes
                .iter()
                .filter(|s| !OIDC_SCOPES.contains(&s.as_str()))
                .cloned()
                .collect()
        }
    }

    /// The scopes to ask for when signing in: user flows add `openid profile
    /// offline_access` (no `offline_access`, no refresh token).
    pub fn sign_in_scopes(&self) -> Vec<String> {
        let mut scopes = self.resource_scopes();
        if self.org.is_some() {
            scopes.extend(COGNITE_SCOPES.map(String::from));
        } else if self.flow.is_user_flow() {
            for s in OIDC_SCOPES {
                scopes.push(s.to_string());
            }
        }
        scopes
    }

    /// A fingerprint of what decides where this profile's tokens come from and go (flow,
    /// authority, token URL, tenant, client, scopes, audience, base URL, cluster): cached
    /// tokens are bound to it, so changed settings start signed out.
    pub fn token_binding(&self) -> String {
        use sha2::Digest;
        let mut parts = serde_json::json!([
            self.flow.as_str(),
            self.authority(),
            self.token_url,
            self.tenant_id,
            self.client_id,
            self.sign_in_scopes(),
            self.audience,
            self.base_url(),
            self.cluster,
        ]);
        // Only where there is one, so that every other profile keeps its binding.
        if let (Some(org), Some(list)) = (&self.org, parts.as_array_mut()) {
            list.push(serde_json::json!({ "org": org }));
        }
        self.bind_ca_file(&mut parts);
        let digest = sha2::Sha256::digest(parts.to_string().as_bytes());
        hex::encode(digest)
    }

    /// The CA file decides whom the tokens' TLS trusts: a profile with a CA of its own is
    /// another account and another binding, so a planted CA never carries a sign-in made
    /// without it. Only where there is one, so that every other profile keeps its binding.
    fn bind_ca_file(&self, parts: &mut serde_json::Value) {
        if let (Some(ca), Some(list)) = (&self.ca_file, parts.as_array_mut()) {
            list.push(serde_json::json!({ "ca_file": ca }));
        }
    }

    /// The account a person's sign-in belongs to, which every profile with the same
    /// authority, tenant, client, token URL and login hint shares, whichever user flow
    /// (interactive or device code) signed in: one sign-in serves all their projects and
    /// clusters. None for service principals and API keys, whose tokens are their own.
    pub fn account(&self) -> Option<Account> {
        use sha2::Digest;
        if !self.flow.is_user_flow() {
            return None;
        }
        let mut parts = serde_json::json!([
            "account",
            self.authority(),
            self.token_url,
            self.tenant_id,
            self.client_id,
            self.login_hint,
        ]);
        // A Cognite sign-in is one organization's: another organization is another account.
        if let (Some(org), Some(list)) = (&self.org, parts.as_array_mut()) {
            list.push(serde_json::json!({ "org": org }));
        }
        self.bind_ca_file(&mut parts);
        let digest = sha2::Sha256::digest(parts.to_string().as_bytes());
        let binding = hex::encode(digest);
        Some(Account {
            id: binding[..16].to_string(),
            binding,
        })
    }

    /// Where the authority's OpenID configuration is looked for, in order (sign-in and
    /// the doctor alike): Cognite's identity provider publishes it at its base only, so
    /// an organization's profile asks there alone; any other authority is asked at the
    /// Entra-style `/v2.0` location first ([`urls::discovery_candidates`]).
    pub fn discovery_locations(&self) -> Vec<String> {
        let [v2, plain] = urls::discovery_candidates(&self.authority());
        if self.org.is_some() {
            vec![plain]
        } else {
            vec![v2, plain]
        }
    }

    /// The redirect URI to show: the profile's first port, or the default one.
    pub fn shown_port(&self) -> u16 {
        self.port.as_ref().map_or(DEFAULT_PORT, PortSpec::first)
    }

    pub fn uses_certificate(&self) -> bool {
        self.certificate.is_some()
    }

    /// The secret this profile keeps in the keyring, if its flow needs one: a client
    /// secret (client credentials without a certificate) or a legacy API key.
    pub fn secret_kind(&self) -> Option<SecretKind> {
        match self.flow {
            Flow::ClientCredentials
                if !self.uses_certificate()
                    && self.client_secret_source() == SecretSource::Store =>
            {
                Some(SecretKind::ClientSecret)
            }
            Flow::ApiKey => Some(SecretKind::ApiKey),
            _ => None,
        }
    }

    /// Whether a token can be renewed with nobody at the screen: a service principal
    /// always can; a person's sign-in only while there is a refresh token.
    pub fn renews_silently(&self, has_refresh_token: bool) -> bool {
        self.flow == Flow::ClientCredentials || (self.flow.is_user_flow() && has_refresh_token)
    }
}

/// The sign-in several profiles share (see [`Profile::account`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// A short name for it: the first 16 hex digits of `binding`.
    pub id: String,
    /// A fingerprint of the account's fields; its refresh token is bound to it.
    pub binding: String,
}

impl Account {
    /// The name its tokens, their keyring key and its lock go by. No profile can have it
    /// (profile names do not start with a dot).
    pub fn store_name(&self) -> String {
        format!(".account-{}", self.id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A complete profile of `flow`, for tests.
    pub(crate) fn sample(flow: Flow) -> Profile {
        Profile {
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            ..Profile::new("westeurope-1", "my-project", flow)
        }
    }

    #[test]
    fn defaults_follow_tenant_and_cluster() {
        let p = sample(Flow::Interactive);
        assert_eq!(
            p.authority(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com"
        );
        assert_eq!(p.base_url(), "https://westeurope-1.cognitedata.com");
        assert_eq!(
            p.resource_scopes(),
            vec!["https://westeurope-1.cognitedata.com/.default"]
        );
        assert_eq!(
            p.sign_in_scopes(),
            vec![
                "https://westeurope-1.cognitedata.com/.default",
                "openid",
                "profile",
                "offline_access"
            ]
        );
        assert_eq!(p.shown_port(), 53000);
        let cc = sample(Flow::ClientCredentials);
        assert_eq!(
            cc.sign_in_scopes(),
            vec!["https://westeurope-1.cognitedata.com/.default"]
        );
    }

    /// Issue 19: profiles of one authority, tenant, client, token URL and login hint share
    /// an account, whatever their project, cluster, base URL or user flow; a service
    /// principal has none.
    #[test]
    fn profiles_of_one_sign_in_share_an_account() {
        let dev = sample(Flow::DeviceCode);
        let account = dev.account().expect("a user flow has an account");
        let mut other_project = sample(Flow::Interactive);
        other_project.project = "prod".into();
        other_project.cluster = "az-eastus-1".into();
        other_project.base_url = Some("https://other.cognitedata.com".into());
        other_project.port = Some(PortSpec::single(3000));
        assert_eq!(other_project.account(), Some(account.clone()));
        assert_ne!(dev.token_binding(), other_project.token_binding());

        let changes: [fn(&mut Profile); 5] = [
            |p| p.tenant_id = "fabrikam.onmicrosoft.com".into(),
            |p| p.client_id = "other-client".into(),
            |p| p.authority = Some("https://login.example.com/t".into()),
            |p| p.token_url = Some("https://login.microsoftonline.com/t/token".into()),
            |p| {
                p.flow = Flow::Interactive;
                p.login_hint = Some("a@b.c".into());
            },
        ];
        for change in changes {
            let mut p = sample(Flow::DeviceCode);
            change(&mut p);
            let other = p.account().unwrap();
            assert_ne!(other, account, "{p:?}");
            assert_ne!(other.id, account.id);
        }
        assert_eq!(sample(Flow::ClientCredentials).account(), None);
        assert!(account.store_name().starts_with(".account-"));
        assert!(validate_name(&account.store_name()).is_err());

        let mut file = ProfileFile::default();
        file.profiles.insert("dev".into(), dev);
        file.profiles.insert("prod".into(), other_project);
        file.profiles
            .insert("svc".into(), sample(Flow::ClientCredentials));
        let mut elsewhere = sample(Flow::DeviceCode);
        elsewhere.tenant_id = "fabrikam.onmicrosoft.com".into();
        file.profiles.insert("x".into(), elsewhere);
        assert_eq!(file.account_members(&account), ["dev", "prod"]);
    }

    #[test]
    fn private_link_base_url_keeps_the_clusters_scope() {
        let mut p = sample(Flow::ClientCredentials);
        p.base_url = Some("https://p001.plink.az-x-1.cognitedata.com/".into());
        assert_eq!(
            p.resource_scopes(),
            vec!["https://az-x-1.cognitedata.com/.default"]
        );
        p.base_url = Some("http://127.0.0.1:8080".into());
        assert_eq!(p.resource_scopes(), vec!["http://127.0.0.1:8080/.default"]);
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("dev_tenant-1").is_ok());
        for bad in ["", "a b", "a/b", "ä", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(parse_secure_url(Field::Authority, "http://127.0.0.1:8080/x").is_ok());
        assert!(parse_secure_url(Field::Authority, "http://localhost:1").is_ok());
        assert!(parse_secure_url(Field::Authority, "http://[::1]:1").is_ok());
        let err = parse_secure_url(Field::Authority, "http://login.example.com").unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
        assert!(parse_secure_url(Field::Authority, "not a url").is_err());
        assert!(parse_secure_url(Field::Authority, "ftp://x").is_err());
    }

    #[test]
    fn validation_rejects_bad_fields() {
        let mut p = sample(Flow::DeviceCode);
        p.login_hint = Some("a@b.c".into());
        assert!(p.validate().is_err());
        let mut p = sample(Flow::ClientCredentials);
        p.certificate = Some("c.pem".into());
        assert!(
            p.validate()
                .unwrap_err()
                .to_string()
                .contains("private key")
        );
        let mut p = sample(Flow::Interactive);
        p.project = "has space".into();
        assert!(p.validate().is_err());
        assert!(sample(Flow::Interactive).validate().is_ok());
    }

    /// Issue 24: a scope or audience that names its API by URL names the base URL's.
    #[test]
    fn a_token_goes_only_to_the_api_it_is_for() {
        let mut p = sample(Flow::DeviceCode);
        p.base_url = Some("http://127.0.0.1:9".into());
        p.scopes = vec!["https://westeurope-1.cognitedata.com/.default".into()];
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("https://westeurope-1.cognitedata.com"), "{e}");
        assert!(e.contains("http://127.0.0.1:9"), "{e}");
        assert!(e.contains("scope"), "names the field: {e}");
        assert!(!e.contains("--"), "names no flag: {e}");

        p.scopes = vec!["http://127.0.0.1:9/user_impersonation".into()];
        assert!(p.validate().is_ok());
        assert!(p.token_names_its_api());
        p.scopes = vec!["api://cdf/.default".into()];
        assert!(p.validate().is_ok());
        assert!(!p.token_names_its_api(), "an api:// scope names no API");

        p.scopes.clear();
        p.audience = Some("https://elsewhere.invalid".into());
        let e = p.validate().unwrap_err().to_string();
        assert!(
            e.contains("audience") && e.contains("elsewhere.invalid"),
            "{e}"
        );
        p.audience = Some("cdf".into());
        assert!(p.validate().is_ok());
        assert!(!p.token_names_its_api());
        // Cognite's Auth0 audience names a project, not a host.
        p.audience = Some("https://p1.fusion.cognite.com/p1".into());
        assert!(p.validate().is_ok());
        assert!(!p.token_names_its_api());

        // A Private Link host keeps its cluster's scope.
        let mut plink = sample(Flow::DeviceCode);
        plink.base_url = Some("https://p001.plink.az-x-1.cognitedata.com".into());
        plink.scopes = vec!["https://az-x-1.cognitedata.com/.default".into()];
        assert!(plink.validate().is_ok());
        assert!(sample(Flow::Interactive).token_names_its_api());
        let mut org = sample(Flow::Interactive);
        org.org = Some("contoso".into());
        assert!(!org.token_names_its_api(), "an organization's token");
    }

    #[test]
    fn base_urls_hold_no_userinfo_query_or_fragment() {
        for bad in [
            "https://u:p@api.cognitedata.com",
            "https://api.cognitedata.com/?a=b",
            "https://api.cognitedata.com/#f",
        ] {
            let mut p = sample(Flow::DeviceCode);
            p.base_url = Some(bad.into());
            assert!(p.validate().is_err(), "{bad}");
            let mut k = Profile::new("westeurope-1", "p", Flow::ApiKey);
            k.base_url = Some(bad.into());
            assert!(k.validate().is_err(), "api key: {bad}");
        }
    }

    /// Finding 5: the CA file is part of the account and of the binding.
    #[test]
    fn a_ca_file_of_its_own_is_another_account_and_binding() {
        let p = sample(Flow::DeviceCode);
        let mut with_ca = p.clone();
        with_ca.ca_file = Some("/tmp/ca.pem".into());
        assert_ne!(p.account(), with_ca.account());
        assert_ne!(p.token_binding(), with_ca.token_binding());
    }
}

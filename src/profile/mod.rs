//! Profiles: one tenant / client / cluster / project combination each, stored as TOML.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

pub use crate::field::Field;

mod secret_source;
pub use secret_source::{SecretSource, SourceError, from_env, from_file, is_env_name};

use crate::fsutil;
use crate::remedy::Remedy;
use crate::secrets::SecretKind;

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
    pub port: Option<u16>,
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
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("invalid profile name '{0}': use letters, digits, '-' and '_' (at most 64)")]
    InvalidName(String),
    #[error("invalid {field}: {reason}")]
    InvalidField { field: Field, reason: String },
    #[error("no profile named '{0}'")]
    NotFound(String),
    #[error("a profile named '{0}' exists already")]
    Exists(String),
    #[error("no profile selected and no default profile set")]
    NoDefault,
    #[error("there are no profiles yet")]
    NoProfiles,
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error("{path} is not a valid profiles file: {reason}")]
    Parse { path: PathBuf, reason: String },
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
            _ => return None,
        })
    }
}

fn invalid(field: Field, reason: impl Into<String>) -> ProfileError {
    ProfileError::InvalidField {
        field,
        reason: reason.into(),
    }
}

pub fn validate_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ProfileError::InvalidName(name.to_string()))
    }
}

/// Parses a URL and allows `http://` only for loopback hosts.
pub fn parse_secure_url(field: Field, text: &str) -> Result<Url, ProfileError> {
    let url =
        Url::parse(text).map_err(|e| invalid(field, format!("'{text}' is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        "http" => {
            return Err(invalid(
                field,
                format!(
                    "'{text}' uses http://, which is allowed only for loopback hosts; use https://"
                ),
            ));
        }
        other => {
            return Err(invalid(
                field,
                format!("'{text}' has scheme '{other}'; use https://"),
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(field, format!("'{text}' has no host")));
    }
    Ok(url)
}

/// Entra ID sign-in hosts, public and sovereign clouds.
const ENTRA_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
];

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

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn is_plain_token(text: &str, extra: &[char]) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || extra.contains(&c))
}

impl Profile {
    /// Checks every field; the certificate pair is checked by the caller that loads it.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if !is_plain_token(&self.cluster, &['.']) {
            return Err(invalid(
                Field::Cluster,
                format!(
                    "'{}' is not a cluster name such as westeurope-1",
                    self.cluster
                ),
            ));
        }
        if !is_plain_token(&self.project, &[]) {
            return Err(invalid(
                Field::Project,
                format!("'{}' is not a CDF project name", self.project),
            ));
        }
        if self.flow == Flow::ApiKey {
            return self.validate_api_key();
        }
        let unknown_tenant = self.tenant_id.is_empty() && self.tenant_may_be_unknown();
        if !unknown_tenant && !is_plain_token(&self.tenant_id, &['.']) {
            return Err(invalid(
                Field::TenantId,
                format!("'{}' is not a tenant id or domain", self.tenant_id),
            ));
        }
        if !is_plain_token(&self.client_id, &['.']) {
            return Err(invalid(
                Field::ClientId,
                format!("'{}' is not a client id", self.client_id),
            ));
        }
        if let Some(a) = &self.authority {
            parse_secure_url(Field::Authority, a)?;
        }
        if let Some(b) = &self.base_url {
            parse_secure_url(Field::BaseUrl, b)?;
        }
        if let Some(t) = &self.token_url {
            let token = parse_secure_url(Field::TokenUrl, t)?;
            if self.flow.is_user_flow() {
                let authority = parse_secure_url(Field::Authority, &self.authority())?;
                if !user_flow_may_use(&authority, &token) {
                    return Err(invalid(
                        Field::TokenUrl,
                        format!(
                            "{}: the {} flow sends a person's sign-in only to the authority; remove the token URL or use one on the authority's host",
                            off_origin_reason(&authority, &token),
                            self.flow.as_str()
                        ),
                    ));
                }
            }
        }
        if let Some(a) = &self.audience
            && (a.is_empty() || a.chars().any(char::is_whitespace))
        {
            return Err(invalid(
                Field::Audience,
                format!("'{a}' must not be empty or contain spaces"),
            ));
        }
        if self.port == Some(0) {
            return Err(invalid(Field::Port, "0 is not a port; use 1-65535"));
        }
        for scope in &self.scopes {
            if scope.is_empty() || scope.chars().any(char::is_whitespace) {
                return Err(invalid(
                    Field::Scopes,
                    format!("'{scope}' must be one scope without spaces"),
                ));
            }
        }
        if self.flow != Flow::Interactive && (self.login_hint.is_some() || self.prompt.is_some()) {
            return Err(invalid(
                Field::Flow,
                "--login-hint and --prompt apply to the interactive flow only",
            ));
        }
        match (&self.certificate, &self.private_key) {
            (Some(_), None) | (None, Some(_)) => {
                return Err(invalid(
                    Field::Certificate,
                    "give both --certificate and --private-key",
                ));
            }
            (Some(_), Some(_)) if self.flow != Flow::ClientCredentials => {
                return Err(invalid(
                    Field::Certificate,
                    "a certificate applies to the client-credentials flow only",
                ));
            }
            _ => {}
        }
        self.validate_secret_source()
    }

    /// `client_secret_env` / `client_secret_file`: one of them, for a service principal
    /// with a secret (not a certificate).
    fn validate_secret_source(&self) -> Result<(), ProfileError> {
        let field = match (&self.client_secret_env, &self.client_secret_file) {
            (None, None) => return Ok(()),
            (Some(_), Some(_)) => {
                return Err(invalid(
                    Field::ClientSecretEnv,
                    "give --client-secret-env or --client-secret-file, not both",
                ));
            }
            (Some(var), None) if !is_env_name(var) => {
                return Err(invalid(
                    Field::ClientSecretEnv,
                    format!(
                        "'{}' is not an environment variable name",
                        var.escape_debug()
                    ),
                ));
            }
            (None, Some(path)) if !path.is_absolute() => {
                return Err(invalid(
                    Field::ClientSecretFile,
                    format!("'{}' is not an absolute path", path.display()),
                ));
            }
            (Some(_), None) => Field::ClientSecretEnv,
            (None, Some(_)) => Field::ClientSecretFile,
        };
        if self.flow != Flow::ClientCredentials || self.uses_certificate() {
            return Err(invalid(
                field,
                format!(
                    "{} applies to client-credentials profiles without a certificate",
                    field.flag()
                ),
            ));
        }
        Ok(())
    }

    /// An API-key profile has a cluster, a project and maybe a base URL; nothing about
    /// an identity provider.
    fn validate_api_key(&self) -> Result<(), ProfileError> {
        if let Some(b) = &self.base_url {
            parse_secure_url(Field::BaseUrl, b)?;
        }
        let idp_fields = [
            ("--tenant-id", !self.tenant_id.is_empty()),
            ("--client-id", !self.client_id.is_empty()),
            ("--authority", self.authority.is_some()),
            ("--token-url", self.token_url.is_some()),
            ("--scope", !self.scopes.is_empty()),
            ("--audience", self.audience.is_some()),
            ("--port", self.port.is_some()),
            ("--login-hint", self.login_hint.is_some()),
            ("--prompt", self.prompt.is_some()),
            ("--certificate", self.certificate.is_some()),
            ("--client-secret-env", self.client_secret_env.is_some()),
            ("--client-secret-file", self.client_secret_file.is_some()),
        ];
        if let Some((flag, _)) = idp_fields.iter().find(|(_, set)| *set) {
            return Err(invalid(
                Field::Flow,
                format!(
                    "{flag} does not apply to an api-key profile (it has no identity provider)"
                ),
            ));
        }
        Ok(())
    }

    /// A service principal with a token URL needs no tenant (the toolkit's
    /// `IDP_TOKEN_URL` on any provider): its tenant is then unknown.
    pub fn tenant_may_be_unknown(&self) -> bool {
        self.flow == Flow::ClientCredentials && self.token_url.is_some()
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
        match &self.authority {
            Some(a) => a.trim_end_matches('/').to_string(),
            None => format!("https://login.microsoftonline.com/{}", self.tenant_id),
        }
    }

    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(b) => b.trim_end_matches('/').to_string(),
            None => format!("https://{}.cognitedata.com", self.cluster),
        }
    }

    /// The resource scopes (what the access token is for). By default the base URL's
    /// `/.default`, except that a Private Link host (`p001.plink.az-x-1.cognitedata.com`)
    /// keeps its cluster's scope: the identity provider knows the CDF API by the cluster
    /// URL, not by the private endpoint.
    pub fn resource_scopes(&self) -> Vec<String> {
        if self.scopes.is_empty() {
            let base = self.base_url();
            let resource = private_link_cluster(&base)
                .map(|cluster| format!("https://{cluster}.cognitedata.com"))
                .unwrap_or(base);
            vec![format!("{resource}/.default")]
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
        if self.flow.is_user_flow() {
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
        let parts = serde_json::json!([
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
        let digest = sha2::Sha256::digest(parts.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
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

/// The cluster of a Private Link base URL: `https://p001.plink.az-x-1.cognitedata.com`
/// → `az-x-1`.
pub fn private_link_cluster(base_url: &str) -> Option<String> {
    let url = Url::parse(base_url).ok()?;
    let host = url.host_str()?.strip_suffix(".cognitedata.com")?;
    let (_, cluster) = host.split_once(".plink.")?;
    (!cluster.is_empty() && !cluster.contains('.')).then(|| cluster.to_string())
}

/// The profiles file: profiles by name plus the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl ProfileFile {
    pub fn get(&self, name: &str) -> Result<&Profile, ProfileError> {
        self.profiles
            .get(name)
            .ok_or_else(|| ProfileError::NotFound(name.to_string()))
    }

    /// The profile named, or the default one.
    pub fn resolve<'a>(
        &'a self,
        name: Option<&'a str>,
    ) -> Result<(&'a str, &'a Profile), ProfileError> {
        // On the first run any name is unknown: say how to add one, not how to pick one.
        if self.profiles.is_empty() {
            return Err(ProfileError::NoProfiles);
        }
        let name = match name {
            Some(n) => n,
            None => match (&self.default, self.profiles.len()) {
                (Some(d), _) => d.as_str(),
                // One profile and no default: there is nothing to choose between.
                (None, 1) => self
                    .profiles
                    .keys()
                    .next()
                    .map(String::as_str)
                    .ok_or(ProfileError::NoDefault)?,
                (None, _) => return Err(ProfileError::NoDefault),
            },
        };
        Ok((name, self.get(name)?))
    }

    /// Removes a profile; when it was the default there is no default any more.
    pub fn remove(&mut self, name: &str) -> Option<Profile> {
        if self.default.as_deref() == Some(name) {
            self.default = None;
        }
        self.profiles.remove(name)
    }

    /// Makes an existing profile the default.
    pub fn set_default(&mut self, name: &str) -> Result<(), ProfileError> {
        self.get(name)?;
        self.default = Some(name.to_string());
        Ok(())
    }
}

/// Reads and writes `profiles.toml` (0600, atomic replace, locked against concurrent
/// writers).
pub struct ProfileStore {
    path: PathBuf,
    lock_path: PathBuf,
}

impl ProfileStore {
    pub fn new(config_dir: &Path) -> Self {
        ProfileStore {
            path: config_dir.join("profiles.toml"),
            lock_path: config_dir.join(".profiles.lock"),
        }
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> Result<ProfileFile, ProfileError> {
        let text = match fsutil::read_bounded_to_string(&self.path, fsutil::limits::PROFILES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ProfileFile::default()),
            Err(e) => {
                return Err(ProfileError::Read {
                    path: self.path.clone(),
                    reason: e.to_string(),
                });
            }
        };
        let file: ProfileFile = toml::from_str(&text).map_err(|e| ProfileError::Parse {
            path: self.path.clone(),
            reason: e.message().to_string(),
        })?;
        // A hand-edited file passes the same rules as `profile add`: a name becomes file
        // names (`../x` would escape our directories), a URL receives tokens.
        for (name, profile) in &file.profiles {
            if let Err(e) = validate_name(name).and_then(|()| profile.validate()) {
                return Err(ProfileError::Parse {
                    path: self.path.clone(),
                    reason: format!("profile '{}': {e}", name.escape_debug()),
                });
            }
        }
        Ok(file)
    }

    /// Loads, applies `change`, and writes back, all under the writers' lock. Nothing is
    /// written when `change` fails.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut ProfileFile) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let write_err = |e: std::io::Error| ProfileError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let _lock = fsutil::FileLock::acquire(&self.lock_path).map_err(write_err)?;
        let mut file = self.load()?;
        let result = change(&mut file)?;
        let text = toml::to_string_pretty(&file).map_err(|e| ProfileError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        fsutil::write_atomic(&self.path, text.as_bytes()).map_err(write_err)?;
        Ok(result)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A complete profile of `flow`, for tests.
    pub(crate) fn sample(flow: Flow) -> Profile {
        Profile {
            cluster: "westeurope-1".into(),
            project: "my-project".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
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
        assert_eq!(p.port(), 53000);
        let cc = sample(Flow::ClientCredentials);
        assert_eq!(
            cc.sign_in_scopes(),
            vec!["https://westeurope-1.cognitedata.com/.default"]
        );
    }

    #[test]
    fn private_link_base_url_keeps_the_clusters_scope() {
        let mut p = sample(Flow::ClientCredentials);
        p.base_url = Some("https://p001.plink.az-x-1.cognitedata.com/".into());
        assert_eq!(
            p.resource_scopes(),
            vec!["https://az-x-1.cognitedata.com/.default"]
        );
        assert_eq!(
            private_link_cluster("https://westeurope-1.cognitedata.com"),
            None
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
                .contains("--private-key")
        );
        let mut p = sample(Flow::Interactive);
        p.port = Some(0);
        assert!(p.validate().is_err());
        let mut p = sample(Flow::Interactive);
        p.project = "has space".into();
        assert!(p.validate().is_err());
        assert!(sample(Flow::Interactive).validate().is_ok());
    }

    #[test]
    fn store_round_trip_and_unknown_fields_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        assert!(store.load().unwrap().profiles.is_empty());
        store
            .update(|f| {
                f.profiles.insert("dev".into(), sample(Flow::Interactive));
                f.default = Some("dev".into());
                Ok(())
            })
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.get("dev").unwrap(), &sample(Flow::Interactive));
        assert_eq!(loaded.resolve(None).unwrap().0, "dev");

        // A failing change writes nothing.
        let before = std::fs::read(store.path()).unwrap();
        let r: Result<(), _> = store.update(|f| {
            f.profiles.clear();
            Err(ProfileError::NoDefault)
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(store.path()).unwrap(), before);

        std::fs::write(store.path(), "[profiles.dev]\ncluster='x'\nsurprise=1\n").unwrap();
        let err = store.load().unwrap_err();
        assert!(matches!(err, ProfileError::Parse { .. }), "{err}");
    }

    #[test]
    fn a_hand_edited_file_passes_the_same_rules_as_profile_add() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let write = |text: &str| std::fs::write(store.path(), text).unwrap();
        let good = "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='device-code'\n";
        write(&format!("[profiles.dev]\n{good}"));
        assert!(store.load().is_ok());
        write(&format!("[profiles.\"../../../x\"]\n{good}"));
        let e = store.load().unwrap_err().to_string();
        assert!(
            e.contains("../../../x") && e.contains("invalid profile name"),
            "{e}"
        );
        write(&format!(
            "[profiles.dev]\n{good}base_url='http://cdf.invalid'\n"
        ));
        let e = store.load().unwrap_err().to_string();
        assert!(e.contains("http://"), "{e}");
    }
}

//! Importing a cognite-toolkit `.env` (or the same variables from the environment) as a
//! profile. The variable names and defaults follow the toolkit: `LOGIN_FLOW` defaults to
//! client_credentials, `PROVIDER` to entra_id; `PROVIDER=cdf` is Cognite's own IdP.

use std::collections::BTreeMap;

use thiserror::Error;
use url::Url;

use crate::profile::{Flow, Profile, ProfileError};
use crate::secrets::Secret;

const COGNITE_IDP_TOKEN_URL: &str = "https://auth.cognite.com/oauth2/token";
const COGNITE_IDP: &str = "https://auth.cognite.com";

#[derive(Debug, Error, PartialEq)]
pub enum ImportError {
    #[error("line {line} is not KEY=VALUE: {reason}")]
    Syntax { line: usize, reason: String },
    #[error("{var}: {reason}")]
    Variable { var: &'static str, reason: String },
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    /// `PROVIDER=cdf` with a person's sign-in: Cognite's identity provider signs a
    /// person in to an organization, which a `.env` does not name.
    #[error(
        "LOGIN_FLOW: PROVIDER=cdf (Cognite's identity provider) signs a person in by organization, which a .env file does not name"
    )]
    NeedsOrg,
    /// A syntax error, named with the file it is in.
    #[error("{path}: {source}")]
    InFile {
        path: String,
        source: Box<ImportError>,
    },
}

impl ImportError {
    pub fn remedy(&self) -> Option<crate::remedy::Remedy> {
        match self {
            ImportError::NeedsOrg => Some(crate::remedy::Remedy::SignInByOrg),
            ImportError::InFile { source, .. } => source.remedy(),
            _ => None,
        }
    }
}

/// A profile read from toolkit variables, with the secret it needs and remarks for the
/// user (variables that were ignored, defaults that were filled in).
#[derive(Debug)]
pub struct Imported {
    pub name: String,
    pub profile: Profile,
    pub secret: Option<Secret>,
    pub notes: Vec<String>,
    /// The endpoints it uses that are not the provider's defaults, each as "what URL",
    /// for the user to confirm.
    pub endpoints: Vec<String>,
}

/// Parses `.env` text: `KEY=VALUE` lines, `#` comments (whole-line, or after an unquoted
/// value and a space), blank lines, an optional `export ` prefix, single quotes (literal)
/// and double quotes (with `\"`, `\\`, `\n` escapes).
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, ImportError> {
    let mut vars = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let syntax = |reason: &str| ImportError::Syntax {
            line: line_no,
            reason: reason.into(),
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(syntax("no '='"));
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(syntax("the name must be letters, digits and '_'"));
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            let end = body
                .find('\'')
                .ok_or_else(|| syntax("unclosed single quote"))?;
            trailing_ok(&body[end + 1..]).map_err(|r| syntax(&r))?;
            body[..end].to_string()
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = body.char_indices();
            let mut closed = None;
            while let Some((idx, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = Some(idx);
                        break;
                    }
                    '\\' => match chars.next().map(|(_, e)| e) {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(e) => out.push(e),
                        None => return Err(syntax("unclosed double quote")),
                    },
                    c => out.push(c),
                }
            }
            let end = closed.ok_or_else(|| syntax("unclosed double quote"))?;
            trailing_ok(&body[end + 1..]).map_err(|r| syntax(&r))?;
            out
        } else {
            let value = match rest.find(" #").or_else(|| rest.find("\t#")) {
                Some(idx) => &rest[..idx],
                None => rest,
            };
            value.trim().to_string()
        };
        vars.insert(key.to_string(), value);
    }
    Ok(vars)
}

/// Reads and imports a `.env` file (see [`parse`] and [`to_profile`]).
pub fn import_file(path: &std::path::Path, name: Option<&str>) -> Result<Imported, ImportError> {
    let text = crate::fsutil::read_bounded_to_string(path, crate::fsutil::limits::ENV_FILE)
        .map_err(|e| ImportError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    let vars = parse(&text).map_err(|e| ImportError::InFile {
        path: path.display().to_string(),
        source: Box::new(e),
    })?;
    to_profile(&|k| vars.get(k).cloned(), name)
}

fn trailing_ok(after_quote: &str) -> Result<(), String> {
    let t = after_quote.trim();
    if t.is_empty() || t.starts_with('#') {
        Ok(())
    } else {
        Err("text after the closing quote".into())
    }
}

fn var_err(var: &'static str, reason: impl Into<String>) -> ImportError {
    ImportError::Variable {
        var,
        reason: reason.into(),
    }
}

/// The toolkit variables as read: `get` returns a variable's value; empty counts as unset.
struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    fn get(&self, k: &str) -> Option<String> {
        (self.0)(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, k: &'static str) -> Result<String, ImportError> {
        self.get(k).ok_or_else(|| var_err(k, "missing"))
    }

    /// A URL variable, which must pass the secure-URL rules (it will receive tokens).
    fn url(&self, k: &'static str) -> Result<Option<Url>, ImportError> {
        self.get(k).map(|u| parse_url(k, &u)).transpose()
    }
}

/// Where a profile's tokens come from: its tenant (or the provider's host), authority
/// and token URL, each left out when it is what cdf-signin takes by itself.
struct Provider {
    tenant_id: String,
    authority: Option<String>,
    token_url: Option<String>,
}

/// Reads the toolkit variables (`get` returns a variable's value; empty counts as unset)
/// into a profile. `name` overrides the profile name (default: the project).
pub fn to_profile(
    get: &dyn Fn(&str) -> Option<String>,
    name: Option<&str>,
) -> Result<Imported, ImportError> {
    let vars = Vars(get);
    let mut notes = Vec::new();
    let flow = login_flow(&vars)?;
    let provider = vars.get("PROVIDER").unwrap_or_else(|| "entra_id".into());
    if !["entra_id", "auth0", "cdf", "other"].contains(&provider.as_str()) {
        return Err(var_err(
            "PROVIDER",
            format!("'{provider}' is not a provider; use entra_id, auth0, cdf or other"),
        ));
    }
    let project = vars.required("CDF_PROJECT")?;
    let (cluster, base_url) = cdf_location(&vars)?;
    let client_id = vars.required("IDP_CLIENT_ID")?;
    let idp = identity_provider(&vars, &provider, flow, &mut notes)?;
    let (scopes, audience) = scopes_and_audience(&vars, &provider, &project, &mut notes);
    let port = redirect_port(&vars, flow)?;
    let secret = client_secret(&vars, flow, &mut notes)?;
    if vars.get("CDF_TOKEN").is_some() {
        notes.push("CDF_TOKEN ignored: cdf-signin gets its own tokens".into());
    }

    let mut profile = Profile {
        tenant_id: idp.tenant_id,
        client_id,
        authority: idp.authority,
        base_url,
        token_url: idp.token_url,
        scopes,
        audience,
        port,
        ..Profile::new(cluster, project.clone(), flow)
    };
    // The default scope adds nothing to the profile: leave it implied.
    let scopes = profile.scopes.clone();
    profile.scopes.clear();
    if scopes != profile.resource_scopes() {
        profile.scopes = scopes;
    }
    profile.validate().map_err(field_to_variable)?;
    let endpoints = unusual_endpoints(&provider, &profile);
    let name = match name {
        Some(n) => n.to_string(),
        None => super::name_for_project(&project),
    };
    Ok(Imported {
        name,
        profile,
        secret,
        notes,
        endpoints,
    })
}

fn login_flow(vars: &Vars) -> Result<Flow, ImportError> {
    match vars.get("LOGIN_FLOW").as_deref() {
        None | Some("client_credentials") => Ok(Flow::ClientCredentials),
        Some("interactive") => Ok(Flow::Interactive),
        Some("device_code") => Ok(Flow::DeviceCode),
        Some("token") => Err(var_err(
            "LOGIN_FLOW",
            "'token' means a fixed CDF_TOKEN, which cdf-signin does not store; use client_credentials, interactive or device_code",
        )),
        Some(other) => Err(var_err(
            "LOGIN_FLOW",
            format!(
                "'{other}' is not a login flow; use client_credentials, interactive, device_code or token"
            ),
        )),
    }
}

/// The cluster, and the base URL when it is not the cluster's own.
fn cdf_location(vars: &Vars) -> Result<(String, Option<String>), ImportError> {
    let cdf_url = vars.url("CDF_URL")?;
    let cluster = match (vars.get("CDF_CLUSTER"), &cdf_url) {
        (Some(c), _) => c,
        (None, Some(url)) => crate::urls::cluster_of(url).ok_or_else(|| {
            var_err(
                "CDF_CLUSTER",
                "missing, and CDF_URL is not a cognitedata.com URL",
            )
        })?,
        (None, None) => return Err(var_err("CDF_CLUSTER", "missing (or give CDF_URL)")),
    };
    let default_base = crate::urls::cluster_base_url(&cluster);
    let base_url = cdf_url
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .filter(|u| *u != default_base);
    Ok((cluster, base_url))
}

/// The provider's settings, by `PROVIDER`.
fn identity_provider(
    vars: &Vars,
    provider: &str,
    flow: Flow,
    notes: &mut Vec<String>,
) -> Result<Provider, ImportError> {
    let token_url = vars.url("IDP_TOKEN_URL")?;
    let discovery_authority = vars
        .url("IDP_DISCOVERY_URL")?
        .map(|u| crate::urls::authority_of_discovery(&u));
    let authority = vars
        .url("IDP_AUTHORITY_URL")?
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .or(discovery_authority);
    match provider {
        "entra_id" => entra(vars, flow, authority, token_url, notes),
        "cdf" => cognite(flow, authority, token_url),
        _ => other_provider(provider, flow, authority, token_url),
    }
}

fn entra(
    vars: &Vars,
    flow: Flow,
    authority: Option<String>,
    token_url: Option<Url>,
    notes: &mut Vec<String>,
) -> Result<Provider, ImportError> {
    let tenant = vars
        .get("IDP_TENANT_ID")
        .or_else(|| token_url.as_ref().and_then(entra_tenant))
        .or_else(|| {
            authority
                .as_deref()
                .and_then(|a| Url::parse(a).ok())
                .as_ref()
                .and_then(entra_tenant)
        });
    let tenant = match tenant {
        Some(t) => t,
        // As the toolkit does: a service principal needs only its token URL.
        None if flow == Flow::ClientCredentials && token_url.is_some() => {
            notes.push("tenant unknown: IDP_TOKEN_URL does not name one".into());
            String::new()
        }
        None => {
            return Err(var_err(
                "IDP_TENANT_ID",
                "missing, and IDP_TOKEN_URL does not name a tenant (https://login.microsoftonline.com/TENANT/oauth2/v2.0/token)",
            ));
        }
    };
    let standard = crate::urls::default_authority(&tenant);
    // The usual Entra token URL adds nothing the tenant does not already say.
    let token_url = token_url
        .map(|u| u.to_string())
        .filter(|u| *u != crate::urls::entra_endpoint(&standard, "token"));
    Ok(Provider {
        authority: authority.filter(|a| *a != standard),
        tenant_id: tenant,
        token_url,
    })
}

/// Cognite's identity provider: a service principal here; a person signs in by
/// organization (`login --org`), which a `.env` does not name.
fn cognite(
    flow: Flow,
    authority: Option<String>,
    token_url: Option<Url>,
) -> Result<Provider, ImportError> {
    if flow != Flow::ClientCredentials {
        return Err(ImportError::NeedsOrg);
    }
    Ok(Provider {
        tenant_id: "auth.cognite.com".into(),
        authority: Some(authority.unwrap_or_else(|| COGNITE_IDP.into())),
        token_url: Some(
            token_url
                .map(|u| u.to_string())
                .unwrap_or_else(|| COGNITE_IDP_TOKEN_URL.into()),
        ),
    })
}

fn other_provider(
    provider: &str,
    flow: Flow,
    authority: Option<String>,
    token_url: Option<Url>,
) -> Result<Provider, ImportError> {
    let token_url = token_url.map(|u| u.to_string());
    if authority.is_none() && (flow.is_user_flow() || token_url.is_none()) {
        return Err(var_err(
            "IDP_AUTHORITY_URL",
            format!(
                "missing: PROVIDER={provider} needs IDP_AUTHORITY_URL or IDP_DISCOVERY_URL{}",
                if flow.is_user_flow() {
                    ""
                } else {
                    " (or IDP_TOKEN_URL)"
                }
            ),
        ));
    }
    let host_of = |u: &str| {
        Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
    };
    let tenant_id = authority
        .as_deref()
        .or(token_url.as_deref())
        .and_then(host_of)
        .unwrap_or_default();
    // Without an authority, discovery has nothing to start from: the token URL is all a
    // client-credentials profile needs, so its origin stands in.
    let authority = authority.or_else(|| {
        token_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
    });
    Ok(Provider {
        tenant_id,
        authority,
        token_url,
    })
}

fn scopes_and_audience(
    vars: &Vars,
    provider: &str,
    project: &str,
    notes: &mut Vec<String>,
) -> (Vec<String>, Option<String>) {
    let scopes: Vec<String> = match vars.get("IDP_SCOPES") {
        Some(s) => s
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        None if provider == "auth0" => vec!["IDENTITY".into(), "user_impersonation".into()],
        None => vec![],
    };
    let audience = match (vars.get("IDP_AUDIENCE"), provider) {
        (Some(a), "auth0" | "other") => Some(a),
        (None, "auth0") => Some(format!("https://{project}.fusion.cognite.com/{project}")),
        (Some(_), _) => {
            notes.push(format!(
                "IDP_AUDIENCE ignored: PROVIDER={provider} does not use it"
            ));
            None
        }
        (None, _) => None,
    };
    (scopes, audience)
}

/// `CDF_REDIRECT_PORT`, kept only when the interactive flow would not use it anyway.
fn redirect_port(vars: &Vars, flow: Flow) -> Result<Option<crate::profile::PortSpec>, ImportError> {
    let Some(p) = vars.get("CDF_REDIRECT_PORT") else {
        return Ok(None);
    };
    let port: u16 = p
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| var_err("CDF_REDIRECT_PORT", format!("'{p}' is not a port")))?;
    Ok(
        (flow == Flow::Interactive && port != crate::profile::DEFAULT_PORT)
            .then(|| crate::profile::PortSpec::single(port)),
    )
}

fn client_secret(
    vars: &Vars,
    flow: Flow,
    notes: &mut Vec<String>,
) -> Result<Option<Secret>, ImportError> {
    match (flow, vars.get("IDP_CLIENT_SECRET")) {
        (Flow::ClientCredentials, Some(s)) => Ok(Some(Secret::new(s))),
        (Flow::ClientCredentials, None) => Err(var_err(
            "IDP_CLIENT_SECRET",
            "missing (LOGIN_FLOW=client_credentials needs it)",
        )),
        (_, Some(_)) => {
            notes.push(format!(
                "IDP_CLIENT_SECRET ignored: the {} flow signs you in as yourself",
                flow.as_str()
            ));
            Ok(None)
        }
        (_, None) => Ok(None),
    }
}

/// The endpoints `profile` uses that are not what cdf-signin would take by itself for
/// `provider`: an authority other than Entra ID's or Cognite's, a token URL other than
/// the authority's own.
fn unusual_endpoints(provider: &str, profile: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    // Where the tokens go: named when it is not the cluster's own URL (a `.env` from a
    // cloned repository may point CDF_URL at a host of its choosing).
    if let Some(b) = &profile.base_url {
        out.push(format!("CDF URL {b}"));
    }
    if let Some(a) = &profile.authority
        && ((provider == "entra_id") || (provider == "cdf" && a != COGNITE_IDP))
    {
        out.push(format!("authority {a}"));
    }
    if let Some(t) = &profile.token_url {
        let on_authority = |t: &str| {
            let origin = |u: &str| Url::parse(u).ok().map(|u| u.origin());
            profile.authority.as_deref().and_then(origin) == origin(t)
        };
        let default = match provider {
            "cdf" => t == COGNITE_IDP_TOKEN_URL,
            "entra_id" => false,
            _ => profile.authority.is_none() || on_authority(t),
        };
        if !default {
            out.push(format!("token URL {t}"));
        }
    }
    out
}

/// Says which variable a profile validation error came from.
fn field_to_variable(e: ProfileError) -> ImportError {
    match e {
        ProfileError::InvalidField { field, reason } => var_err(field.env_var(), reason),
        // The first variable names the error; the others follow with theirs.
        ProfileError::Invalid(problems) if !problems.0.is_empty() => {
            let (field, reason) = &problems.0[0];
            let rest = problems.0[1..]
                .iter()
                .map(|(f, r)| format!("; {}: {r}", f.env_var()));
            var_err(
                field.env_var(),
                std::iter::once(reason.clone())
                    .chain(rest)
                    .collect::<String>(),
            )
        }
        other => var_err("CDF_PROJECT", other.to_string()),
    }
}

fn parse_url(var: &'static str, text: &str) -> Result<Url, ImportError> {
    crate::urls::parse_secure(text).map_err(|reason| var_err(var, reason))
}

/// The tenant of an Entra URL: the first path segment on an Entra host.
fn entra_tenant(url: &Url) -> Option<String> {
    if !crate::urls::is_entra_host(url) {
        return None;
    }
    url.path_segments()?
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(text: &str) -> Result<Imported, ImportError> {
        let vars = parse(text)?;
        to_profile(&|k| vars.get(k).cloned(), None)
    }

    #[test]
    fn parses_comments_quotes_and_export() {
        let vars = parse(
            "# toolkit\n\nexport CDF_PROJECT=my-proj # inline\nA='x # y'\nB=\"q\\\"uote\\n\"  # c\n  C = plain value \nD=\nE=a#b\n",
        )
        .unwrap();
        assert_eq!(vars["CDF_PROJECT"], "my-proj");
        assert_eq!(vars["A"], "x # y");
        assert_eq!(vars["B"], "q\"uote\n");
        assert_eq!(vars["C"], "plain value");
        assert_eq!(vars["D"], "");
        assert_eq!(vars["E"], "a#b");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        assert_eq!(
            parse("A=1\nnot a pair\n").unwrap_err().to_string(),
            "line 2 is not KEY=VALUE: no '='"
        );
        assert!(
            parse("A=\"open\n")
                .unwrap_err()
                .to_string()
                .contains("unclosed double quote")
        );
        assert!(
            parse("A='x' y\n")
                .unwrap_err()
                .to_string()
                .contains("after the closing quote")
        );
    }

    const CC: &str = "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=my-project\nLOGIN_FLOW=client_credentials\n\
        IDP_CLIENT_ID=abc\nIDP_CLIENT_SECRET=s3cret\nIDP_TENANT_ID=contoso.onmicrosoft.com\n";

    #[test]
    fn entra_client_credentials() {
        let i = import(CC).unwrap();
        assert_eq!(i.name, "my-project");
        assert_eq!(i.profile.flow, Flow::ClientCredentials);
        assert_eq!(i.profile.tenant_id, "contoso.onmicrosoft.com");
        assert_eq!(i.profile.base_url(), "https://westeurope-1.cognitedata.com");
        assert_eq!(i.secret.unwrap().expose(), "s3cret");
        assert!(i.profile.token_url.is_none() && i.profile.authority.is_none());
    }

    #[test]
    fn tenant_from_the_token_url() {
        let text = CC.replace(
            "IDP_TENANT_ID=contoso.onmicrosoft.com\n",
            "IDP_TOKEN_URL=https://login.microsoftonline.com/f00-ba4/oauth2/v2.0/token\n",
        );
        let i = import(&text).unwrap();
        assert_eq!(i.profile.tenant_id, "f00-ba4");
        assert!(i.profile.token_url.is_none(), "the standard URL is implied");
    }

    #[test]
    fn broken_values_name_the_variable() {
        let bad = |from: &str, to: &str| import(&CC.replace(from, to)).unwrap_err().to_string();
        assert!(
            bad("LOGIN_FLOW=client_credentials", "LOGIN_FLOW=telepathy")
                .starts_with("LOGIN_FLOW: 'telepathy'")
        );
        assert!(
            bad("LOGIN_FLOW=client_credentials", "LOGIN_FLOW=token")
                .starts_with("LOGIN_FLOW: 'token'")
        );
        assert!(bad("IDP_CLIENT_SECRET=s3cret\n", "").starts_with("IDP_CLIENT_SECRET: missing"));
        assert!(
            bad("IDP_TENANT_ID=contoso.onmicrosoft.com\n", "")
                .starts_with("IDP_TENANT_ID: missing")
        );
        assert!(
            bad("CDF_PROJECT=my-project", "CDF_PROJECT=<your-cdf-project>")
                .starts_with("CDF_PROJECT: ")
        );
        assert!(
            bad("CDF_CLUSTER=westeurope-1\n", "CDF_URL=http://example.com\n")
                .starts_with("CDF_URL: ")
        );
        assert!(
            bad("IDP_CLIENT_ID=abc", "PROVIDER=okta\nIDP_CLIENT_ID=abc").starts_with("PROVIDER: ")
        );
    }

    #[test]
    fn user_flows_ignore_the_secret_and_keep_the_port() {
        let text = CC.replace("client_credentials", "interactive") + "CDF_REDIRECT_PORT=53123\n";
        let i = import(&text).unwrap();
        assert_eq!(i.profile.flow, Flow::Interactive);
        assert_eq!(
            i.profile.port,
            Some(crate::profile::PortSpec::single(53123))
        );
        assert!(i.secret.is_none());
        assert!(i.notes[0].starts_with("IDP_CLIENT_SECRET ignored"));
        let d = import(&CC.replace("client_credentials", "device_code")).unwrap();
        assert_eq!(d.profile.flow, Flow::DeviceCode);
    }

    #[test]
    fn cdf_url_gives_the_cluster_and_private_link_keeps_it() {
        let text = CC.replace(
            "CDF_CLUSTER=westeurope-1\n",
            "CDF_URL=https://p001.plink.az-x-1.cognitedata.com\n",
        );
        let i = import(&text).unwrap();
        assert_eq!(i.profile.cluster, "az-x-1");
        assert_eq!(
            i.profile.base_url(),
            "https://p001.plink.az-x-1.cognitedata.com"
        );
    }

    #[test]
    fn auth0_and_other_providers() {
        let text = "CDF_CLUSTER=api\nCDF_PROJECT=p1\nPROVIDER=auth0\nIDP_CLIENT_ID=c\nIDP_CLIENT_SECRET=s\n\
                    IDP_TOKEN_URL=https://tenant.eu.auth0.com/oauth/token\n";
        let i = import(text).unwrap();
        assert_eq!(i.profile.tenant_id, "tenant.eu.auth0.com");
        assert_eq!(
            i.profile.token_url.as_deref(),
            Some("https://tenant.eu.auth0.com/oauth/token")
        );
        assert_eq!(
            i.profile.audience.as_deref(),
            Some("https://p1.fusion.cognite.com/p1")
        );
        assert_eq!(i.profile.scopes, ["IDENTITY", "user_impersonation"]);
        let other = "CDF_CLUSTER=api\nCDF_PROJECT=p1\nPROVIDER=other\nLOGIN_FLOW=device_code\nIDP_CLIENT_ID=c\n\
                     IDP_DISCOVERY_URL=https://kc.example.com/realms/x/.well-known/openid-configuration\nIDP_SCOPES=a, b\n";
        let o = import(other).unwrap();
        assert_eq!(
            o.profile.authority.as_deref(),
            Some("https://kc.example.com/realms/x")
        );
        assert_eq!(o.profile.scopes, ["a", "b"]);
        let cdf = import(
            "CDF_CLUSTER=api\nCDF_PROJECT=p1\nPROVIDER=cdf\nIDP_CLIENT_ID=c\nIDP_CLIENT_SECRET=s\n",
        )
        .unwrap();
        assert_eq!(
            cdf.profile.token_url.as_deref(),
            Some(COGNITE_IDP_TOKEN_URL)
        );
        assert!(import("CDF_CLUSTER=api\nCDF_PROJECT=p1\nPROVIDER=other\nLOGIN_FLOW=interactive\nIDP_CLIENT_ID=c\n")
            .unwrap_err()
            .to_string()
            .starts_with("IDP_AUTHORITY_URL: missing"));
    }
}

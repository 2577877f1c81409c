//! A profile's rules: every field's form, what its flow takes (`flows`), and where its
//! tokens may go. `Profile::validate` returns every problem at once, each naming its
//! field.

use super::{Field, FieldProblems, Flow, Profile, ProfileError, flows, is_env_name};
use crate::urls;

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

/// Parses a URL that receives tokens or secrets (see [`urls::parse_secure`]).
pub fn parse_secure_url(field: Field, text: &str) -> Result<url::Url, ProfileError> {
    urls::parse_secure(text).map_err(|reason| invalid(field, reason))
}

/// A base URL under [`urls::parse_base`]'s rules.
pub fn parse_base_url(text: &str) -> Result<url::Url, ProfileError> {
    urls::parse_base(text).map_err(|reason| invalid(Field::BaseUrl, reason))
}

/// A tenant (or client) id written as a GUID, 8-4-4-4-12 hex digits: the form Entra ID
/// puts in a token's `tid` (a domain such as contoso.onmicrosoft.com is not one).
pub fn is_guid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok_and(|u| u.hyphenated().to_string().eq_ignore_ascii_case(text))
}

/// `text` is a plain token (letters, digits, '-', '_' and `extra`), or why not.
fn form(text: &str, extra: &[char], what: &str) -> Result<(), String> {
    if is_plain_token(text, extra) {
        Ok(())
    } else {
        Err(format!("'{text}' is not {what}"))
    }
}

fn is_plain_token(text: &str, extra: &[char]) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || extra.contains(&c))
}

impl Profile {
    /// Checks every field and returns every problem, each naming its field (the
    /// certificate and key files themselves are read by the caller that loads them).
    pub fn validate(&self) -> Result<(), ProfileError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ProfileError::Invalid(FieldProblems(problems)))
        }
    }

    /// What [`validate`](Self::validate) finds, field by field, in the order of
    /// [`flows::FIELDS`]'s description.
    pub fn problems(&self) -> Vec<(Field, String)> {
        let mut problems = Vec::new();
        let mut check = |field: Field, result: Result<(), String>| {
            if let Err(reason) = result {
                problems.push((field, reason));
            }
        };
        if !(self.cluster.is_empty() && flows::cluster_optional(self.base_url.is_some())) {
            check(
                Field::Cluster,
                form(&self.cluster, &['.'], "a cluster name such as westeurope-1"),
            );
        }
        check(
            Field::Project,
            form(&self.project, &[], "a CDF project name"),
        );
        // What the flow does not take is refused, whatever its value.
        for field in self.given() {
            if self.flow.takes(field) == flows::Takes::Not {
                check(field, Err(flows::not_for_flow(self.flow, field)));
            }
        }
        if let Some(b) = &self.base_url {
            check(Field::BaseUrl, urls::parse_base(b).map(drop));
        }
        if self.flow == Flow::ApiKey {
            return problems;
        }
        if let Some(org) = &self.org {
            check(Field::Org, form(org, &[], "an organization name"));
        }
        let unknown_tenant = self.tenant_id.is_empty() && self.tenant_may_be_unknown();
        if !unknown_tenant {
            check(
                Field::TenantId,
                form(&self.tenant_id, &['.'], "a tenant id or domain"),
            );
        }
        check(
            Field::ClientId,
            form(&self.client_id, &['.'], "a client id"),
        );
        if let Some(a) = &self.authority {
            check(Field::Authority, urls::parse_secure(a).map(drop));
        }
        if let Some(t) = &self.token_url {
            check(Field::TokenUrl, self.check_token_url(t));
        }
        if let Some(a) = &self.audience
            && (a.is_empty() || a.chars().any(char::is_whitespace))
        {
            check(
                Field::Audience,
                Err(format!("'{a}' must not be empty or contain spaces")),
            );
        }
        if let Some(scope) = self
            .scopes
            .iter()
            .find(|s| s.is_empty() || s.chars().any(char::is_whitespace))
        {
            check(
                Field::Scopes,
                Err(format!("'{scope}' must be one scope without spaces")),
            );
        }
        if let Some(missing) =
            flows::missing_of_pair(self.certificate.is_some(), self.private_key.is_some())
        {
            check(
                missing,
                Err("give both a certificate and its private key".into()),
            );
        }
        if let Err((field, reason)) = self.check_secret_source() {
            check(field, Err(reason));
        }
        // Last: it reads the base URL, scopes and audience checked above.
        if problems.is_empty()
            && let Err((field, reason)) = self.check_token_destination()
        {
            problems.push((field, reason));
        }
        problems
    }

    /// The fields that hold a value (the name, the flow, the cluster and the project
    /// always do).
    pub fn given(&self) -> Vec<Field> {
        let mut given = vec![Field::Flow, Field::Cluster, Field::Project];
        for (field, set) in [
            (Field::TenantId, !self.tenant_id.is_empty()),
            (Field::ClientId, !self.client_id.is_empty()),
            (Field::Org, self.org.is_some()),
            (Field::Authority, self.authority.is_some()),
            (Field::BaseUrl, self.base_url.is_some()),
            (Field::TokenUrl, self.token_url.is_some()),
            (Field::Scopes, !self.scopes.is_empty()),
            (Field::Audience, self.audience.is_some()),
            (Field::Port, self.port.is_some()),
            (Field::LoginHint, self.login_hint.is_some()),
            (Field::Prompt, self.prompt.is_some()),
            (Field::ClientSecretEnv, self.client_secret_env.is_some()),
            (Field::ClientSecretFile, self.client_secret_file.is_some()),
            (Field::Certificate, self.certificate.is_some()),
            (Field::PrivateKey, self.private_key.is_some()),
            (Field::CaFile, self.ca_file.is_some()),
        ] {
            if set {
                given.push(field);
            }
        }
        given
    }

    /// A user flow sends a person's sign-in only to its authority's host.
    fn check_token_url(&self, text: &str) -> Result<(), String> {
        let token = urls::parse_secure(text)?;
        if self.flow.is_user_flow()
            && let Ok(authority) = urls::parse_secure(&self.authority())
            && !urls::user_flow_may_use(&authority, &token)
        {
            return Err(format!(
                "{}: the {} flow sends a person's sign-in only to the authority; remove the token URL or use one on the authority's host",
                urls::off_origin_reason(&authority, &token),
                self.flow.as_str()
            ));
        }
        Ok(())
    }

    /// `client_secret_env` / `client_secret_file`: one of them, for a service principal
    /// with a secret (not a certificate).
    fn check_secret_source(&self) -> Result<(), (Field, String)> {
        match (&self.client_secret_env, &self.client_secret_file) {
            (Some(_), Some(_)) => Err((
                Field::ClientSecretEnv,
                "give a client secret variable or a client secret file, not both".into(),
            )),
            (Some(var), None) if !is_env_name(var) => Err((
                Field::ClientSecretEnv,
                format!(
                    "'{}' is not an environment variable name",
                    var.escape_debug()
                ),
            )),
            (None, Some(path)) if !path.is_absolute() => Err((
                Field::ClientSecretFile,
                format!("'{}' is not an absolute path", path.display()),
            )),
            (Some(_), None) | (None, Some(_)) if self.uses_certificate() => {
                let field = if self.client_secret_env.is_some() {
                    Field::ClientSecretEnv
                } else {
                    Field::ClientSecretFile
                };
                Err((
                    field,
                    format!(
                        "a {} applies to client-credentials profiles without a certificate",
                        field.noun()
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// A token goes only to the API it is for: a scope or audience that names its API by
    /// URL (`https://HOST/.default`, `https://HOST/user_impersonation`, a URL audience)
    /// must name the profile's own CDF, whose base URL receives the token. Otherwise a
    /// profile from a cloned `.env` or a shared file could ask the account's sign-in for a
    /// token for the real CDF and send it to a host of its choosing.
    fn check_token_destination(&self) -> Result<(), (Field, String)> {
        let base = self.base_url();
        let own = urls::api_origins_of_base(&base);
        let scopes = self
            .resource_scopes()
            .into_iter()
            .map(|s| (Field::Scopes, urls::api_origin_of(&s), s));
        let audience = self
            .audience
            .clone()
            .map(|a| (Field::Audience, urls::audience_api_origin(&a), a));
        for (field, origin, value) in scopes.chain(audience) {
            if let Some(origin) = origin
                && !own.contains(&origin)
            {
                return Err((
                    field,
                    format!(
                        "'{value}' asks for a token for {}, but the base URL sends tokens to {}: a token goes only to the API it is for; make the {} and the base URL name the same API",
                        urls::origin_text(&origin),
                        own.first().map(urls::origin_text).unwrap_or(base.clone()),
                        field.noun(),
                    ),
                ));
            }
        }
        Ok(())
    }
}

//! The one set of rules a [`ProfileDraft`] passes before it is saved: what the flow
//! requires and allows, every field's form, and then what reads files (certificate, key,
//! CA file). Each problem names its field; the front ends word it their own way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::draft::{ProfileDraft, SecretInput, opt};
use crate::auth::{ClientCertificate, Http};
use crate::field::Field;
use crate::profile::flows::{self, Takes};
use crate::profile::{self, Flow, Profile};
use crate::secrets::{Secret, SecretKind};
use crate::token::SystemClock;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: Field,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// Empty, and the flow needs it (the flow itself, when it is not chosen).
    Required,
    /// Given, but the flow does not take it (`Flow::takes`): a redirect port outside
    /// the interactive flow, a tenant for an API key.
    NotForFlow,
    /// Given and wrong: why, without the field's name.
    Invalid(String),
    /// A cluster one or two typos away from a known one (the known one): refused unless
    /// the draft says the person keeps it (`cluster_confirmed`).
    NearMiss(&'static str),
    /// A file it names cannot be used (the CA file): why, naming the file.
    Unreadable(String),
}

impl Problem {
    fn new(field: Field, kind: ProblemKind) -> Problem {
        Problem { field, kind }
    }

    fn invalid(field: Field, reason: impl Into<String>) -> Problem {
        Problem::new(field, ProblemKind::Invalid(reason.into()))
    }

    /// Plain words, for logs and tests; the front ends have their own.
    pub fn plain(&self) -> String {
        match &self.kind {
            ProblemKind::Required => format!("the {} is required", self.field),
            ProblemKind::NotForFlow => format!("the {} does not apply to this flow", self.field),
            ProblemKind::Invalid(reason) if self.field == Field::Name => reason.clone(),
            ProblemKind::Invalid(reason) => format!("invalid {}: {reason}", self.field),
            ProblemKind::NearMiss(known) => format!("did you mean {known}?"),
            ProblemKind::Unreadable(reason) => reason.clone(),
        }
    }
}

/// Whether the only thing missing is the secret for the store: the CLI then asks for it.
pub fn only_the_secret_is_missing(problems: &[Problem]) -> bool {
    !problems.is_empty()
        && problems.iter().all(|p| {
            p.kind == ProblemKind::Required
                && matches!(p.field, Field::ClientSecret | Field::ApiKey)
        })
}

/// A draft that passed: the name, the profile and the secret to store with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub name: String,
    pub profile: Profile,
    /// A new value for the secret store, with its kind.
    pub secret: Option<(SecretKind, Secret)>,
}

impl ProfileDraft {
    /// The rules that need no file: required fields, the port, what the flow allows,
    /// every field's form. Cheap enough for the window to run on each Save.
    pub fn check(&self) -> Result<Resolved, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            problems.push(Problem::new(Field::Name, ProblemKind::Required));
        } else if let Err(e) = profile::validate_name(&name) {
            problems.push(Problem::invalid(Field::Name, e.to_string()));
        }
        let Some(flow) = self.flow else {
            problems.push(Problem::new(Field::Flow, ProblemKind::Required));
            return Err(problems);
        };
        self.check_required(flow, &mut problems);
        let profile = self.profile(flow, &mut problems);
        // A near miss of a known cluster, before anything is saved: the CLI and the
        // editor both say "did you mean", and both let the person keep it.
        if profile.base_url.is_none()
            && !self.cluster_confirmed
            && let Some(known) = crate::cdf::clusters::did_you_mean(&profile.cluster)
        {
            problems.push(Problem::new(Field::Cluster, ProblemKind::NearMiss(known)));
        }
        // What the flow does not take, as the description says.
        for field in profile.given() {
            if flow.takes(field) == Takes::Not {
                problems.push(Problem::new(field, ProblemKind::NotForFlow));
            }
        }
        if problems.is_empty() {
            for (field, reason) in profile.problems() {
                problems.push(Problem::invalid(field, reason));
            }
        }
        let kind = profile.secret_kind();
        let secret = match (&self.secret, kind) {
            (SecretInput::Store(s), Some(kind)) if !s.expose().trim().is_empty() => {
                Some((kind, s.clone()))
            }
            _ => None,
        };
        if let (Some(kind), None, None) = (kind, &secret, &self.original) {
            let field = match kind {
                SecretKind::ApiKey => Field::ApiKey,
                _ => Field::ClientSecret,
            };
            problems.push(Problem::new(field, ProblemKind::Required));
        }
        if problems.is_empty() {
            Ok(Resolved {
                name,
                profile,
                secret,
            })
        } else {
            Err(problems)
        }
    }

    /// What the flow requires and is empty; a certificate without its key (or the key
    /// without it).
    fn check_required(&self, flow: Flow, problems: &mut Vec<Problem>) {
        let tenant_optional =
            flows::tenant_optional(flow, opt(&self.token_url).is_some(), self.org.is_some());
        for (field, value) in [
            (Field::Cluster, &self.cluster),
            (Field::Project, &self.project),
            (Field::TenantId, &self.tenant_id),
            (Field::ClientId, &self.client_id),
        ] {
            let needed = flow.takes(field) == Takes::Required
                && !(field == Field::TenantId && tenant_optional)
                && !(field == Field::Cluster
                    && flows::cluster_optional(opt(&self.base_url).is_some()));
            if needed && value.trim().is_empty() {
                problems.push(Problem::new(field, ProblemKind::Required));
            }
        }
        if let Some(missing) =
            flows::missing_of_pair(self.certificate.is_some(), self.private_key.is_some())
        {
            problems.push(Problem::new(missing, ProblemKind::Required));
        }
    }

    /// The profile the fields describe, trimmed; a port or a secret source that cannot
    /// be read as one is a problem and left out.
    fn profile(&self, flow: Flow, problems: &mut Vec<Problem>) -> Profile {
        let port = match self.port.trim() {
            "" => None,
            // One port or a list tried in order (`3000,3100-3110`), kept as typed.
            p => match p.parse::<crate::profile::PortSpec>() {
                Ok(spec) => Some(spec),
                Err(reason) => {
                    problems.push(Problem::invalid(Field::Port, reason));
                    None
                }
            },
        };
        let (client_secret_env, client_secret_file) = self.secret_source(problems);
        let mut scopes: Vec<String> = self.scopes.iter().filter_map(|s| opt(s)).collect();
        scopes.dedup();
        Profile {
            cluster: self.cluster(),
            project: self.project.trim().to_string(),
            tenant_id: self.tenant_id.trim().to_string(),
            client_id: self.client_id.trim().to_string(),
            flow,
            authority: opt(&self.authority),
            base_url: opt(&self.base_url),
            token_url: opt(&self.token_url),
            scopes,
            audience: opt(&self.audience),
            port,
            login_hint: opt(&self.login_hint),
            prompt: self.prompt,
            ca_file: self.ca_file.clone(),
            certificate: self.certificate.clone(),
            private_key: self.private_key.clone(),
            client_secret_env,
            client_secret_file,
            production: self.production,
            org: self.org.clone(),
        }
    }

    /// The cluster as given, a pasted hostname or URL reduced to its name
    /// (`westeurope-1.cognitedata.com` is `westeurope-1`). Left empty beside a base URL,
    /// it is the base URL's own cluster where that is a cognitedata.com URL, else none.
    fn cluster(&self) -> String {
        let cluster = crate::cdf::clusters::cluster_name(&self.cluster);
        match opt(&self.base_url) {
            Some(base) if cluster.is_empty() => crate::cdf::clusters::of_base_url(&base),
            _ => cluster,
        }
    }

    /// The variable or file the secret is read from at each request, if given so.
    fn secret_source(&self, problems: &mut Vec<Problem>) -> (Option<String>, Option<PathBuf>) {
        match &self.secret {
            SecretInput::Env(var) => match opt(var) {
                Some(var) => (Some(var), None),
                None => {
                    problems.push(Problem::new(Field::ClientSecretEnv, ProblemKind::Required));
                    (None, None)
                }
            },
            SecretInput::File(path) if path.as_os_str().is_empty() => {
                problems.push(Problem::new(Field::ClientSecretFile, ProblemKind::Required));
                (None, None)
            }
            // Not resolved: the file may appear only where the service runs (systemd).
            SecretInput::File(path) => match std::path::absolute(path) {
                Ok(path) => (None, Some(path)),
                Err(e) => {
                    problems.push(Problem::invalid(Field::ClientSecretFile, e.to_string()));
                    (None, None)
                }
            },
            SecretInput::Keep | SecretInput::Store(_) => (None, None),
        }
    }

    /// [`check`](Self::check), then what reads files: certificate, key and CA file must
    /// exist and are kept as absolute paths (the window and scripts run elsewhere), the
    /// certificate and key must belong together, the CA file must be a PEM certificate.
    pub fn resolve(&self) -> Result<Resolved, Vec<Problem>> {
        let mut resolved = self.check()?;
        let mut problems = Vec::new();
        let p = &mut resolved.profile;
        for (field, path) in [
            (Field::Certificate, &mut p.certificate),
            (Field::PrivateKey, &mut p.private_key),
            (Field::CaFile, &mut p.ca_file),
        ] {
            if let Some(given) = path {
                match absolute(given) {
                    Ok(found) => *given = found,
                    Err(reason) => problems.push(Problem::invalid(field, reason)),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        if let (Some(c), Some(k)) = (&p.certificate, &p.private_key)
            && let Err(e) = ClientCertificate::load(c, k)
        {
            problems.push(Problem::invalid(Field::Certificate, e.to_string()));
        }
        // Whether the profile's client can be built with this CA file; its clock is
        // never read.
        if p.ca_file.is_some()
            && let Err(e) = Http::for_profile(p, Arc::new(SystemClock))
        {
            let kind = ProblemKind::Unreadable(e.to_string());
            problems.push(Problem::new(Field::CaFile, kind));
        }
        if problems.is_empty() {
            Ok(resolved)
        } else {
            Err(problems)
        }
    }
}

/// The file's absolute path, links resolved; it must exist.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| format!("cannot find {}: {e}", path.display()))
}

//! A profile as a front end has it before it is saved: the fields as typed (the editor's
//! inputs, the CLI's flags) and how the secret is given. [`ProfileDraft::check`] turns
//! it into a [`Profile`] by the one set of rules, or into the list of what is wrong,
//! field by field, which each front end words its own way (the CLI names flags, the
//! window marks its inputs).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::auth::{ClientCertificate, Http};
use crate::field::Field;
use crate::profile::{self, Flow, Profile, ProfileError, Prompt};
use crate::secrets::{Secret, SecretKind};
use crate::token::SystemClock;

/// How the draft gives the profile's client secret (or API key).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SecretInput {
    /// Nothing new: an edited profile keeps what it has; a new one that needs a stored
    /// secret gets a [`Problem::Required`] on it.
    #[default]
    Keep,
    /// A value for the secret store.
    Store(Secret),
    /// The environment variable to read at each token request.
    Env(String),
    /// The file (0600) to read at each token request.
    File(PathBuf),
}

/// A profile's fields as given, and its secret.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileDraft {
    /// The profile's name before editing; `None` for a new profile.
    pub original: Option<String>,
    pub name: String,
    /// `None`: not chosen yet.
    pub flow: Option<Flow>,
    pub cluster: String,
    pub project: String,
    pub tenant_id: String,
    pub client_id: String,
    /// Empty text: the default (and likewise for the other optional texts).
    pub authority: String,
    pub base_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    pub audience: String,
    /// As typed; checked to be a port.
    pub port: String,
    pub login_hint: String,
    pub prompt: Option<Prompt>,
    pub ca_file: Option<PathBuf>,
    pub certificate: Option<PathBuf>,
    pub private_key: Option<PathBuf>,
    pub secret: SecretInput,
    /// Marked as production.
    pub production: bool,
    /// The Cognite organization of a profile made by `login --org` (not typed in an
    /// editor: carried over from the profile, so an edit keeps it).
    pub org: Option<String>,
}

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
    /// Given, but the flow does not use it (a redirect port outside the interactive
    /// flow).
    NotForFlow,
    /// Given and wrong: why, without the field's name.
    Invalid(String),
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

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl ProfileDraft {
    /// The draft of an existing profile, for editing: every field as stored, the secret
    /// kept.
    pub fn of(name: &str, p: &Profile) -> ProfileDraft {
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        ProfileDraft {
            original: Some(name.to_string()),
            name: name.to_string(),
            flow: Some(p.flow),
            cluster: p.cluster.clone(),
            project: p.project.clone(),
            tenant_id: p.tenant_id.clone(),
            client_id: p.client_id.clone(),
            authority: text(&p.authority),
            base_url: text(&p.base_url),
            token_url: text(&p.token_url),
            scopes: p.scopes.clone(),
            audience: text(&p.audience),
            port: p.port.as_ref().map(ToString::to_string).unwrap_or_default(),
            login_hint: text(&p.login_hint),
            prompt: p.prompt,
            ca_file: p.ca_file.clone(),
            certificate: p.certificate.clone(),
            private_key: p.private_key.clone(),
            secret: match (&p.client_secret_env, &p.client_secret_file) {
                (Some(var), _) => SecretInput::Env(var.clone()),
                (None, Some(path)) => SecretInput::File(path.clone()),
                (None, None) => SecretInput::Keep,
            },
            production: p.production,
            org: p.org.clone(),
        }
    }

    /// The rules that need no file: required fields, the port, what the flow allows,
    /// every field's form. Cheap enough for the window to run on each Save.
    pub fn check(&self) -> Result<Resolved, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_string();
        if let Err(e) = profile::validate_name(&name) {
            problems.push(Problem::invalid(Field::Name, e.to_string()));
        }
        let Some(flow) = self.flow else {
            problems.push(Problem::new(Field::Flow, ProblemKind::Required));
            return Err(problems);
        };
        let api_key = flow == Flow::ApiKey;
        // A service principal with a token URL may leave its tenant unknown (the rule
        // of `Profile::tenant_may_be_unknown`).
        let tenant_optional = (flow == Flow::ClientCredentials && opt(&self.token_url).is_some())
            || self.org.is_some();
        for (field, value, needed) in [
            (Field::Cluster, &self.cluster, true),
            (Field::Project, &self.project, true),
            (
                Field::TenantId,
                &self.tenant_id,
                !api_key && !tenant_optional,
            ),
            (Field::ClientId, &self.client_id, !api_key),
        ] {
            if needed && value.trim().is_empty() {
                problems.push(Problem::new(field, ProblemKind::Required));
            }
        }
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
        if port.is_some() && flow != Flow::Interactive {
            problems.push(Problem::new(Field::Port, ProblemKind::NotForFlow));
        }
        let (client_secret_env, client_secret_file) = match &self.secret {
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
        };
        // A certificate goes with its key: the missing one is asked for.
        match (&self.certificate, &self.private_key) {
            (Some(_), None) => {
                problems.push(Problem::new(Field::PrivateKey, ProblemKind::Required));
            }
            (None, Some(_)) => {
                problems.push(Problem::new(Field::Certificate, ProblemKind::Required));
            }
            _ => {}
        }
        let mut scopes: Vec<String> = self.scopes.iter().filter_map(|s| opt(s)).collect();
        scopes.dedup();
        let profile = Profile {
            cluster: self.cluster.trim().to_string(),
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
        };
        if problems.is_empty() {
            match profile.validate() {
                Ok(()) => {}
                Err(ProfileError::InvalidField { field, reason }) => {
                    problems.push(Problem::invalid(field, reason));
                }
                Err(other) => problems.push(Problem::invalid(Field::Name, other.to_string())),
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

//! A profile as a front end has it before it is saved: the fields as typed (the editor's
//! inputs, the CLI's flags) and how the secret is given. [`ProfileDraft::check`] turns
//! it into a [`Profile`] by the one set of rules, or into the list of what is wrong,
//! field by field, which each front end words its own way (the CLI names flags, the
//! window marks its inputs).

use std::path::PathBuf;

use crate::field::Field;
use crate::profile::flows::{self, Takes};
use crate::profile::{Flow, Profile, Prompt};
use crate::secrets::{Secret, SecretKind};

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
    /// The person keeps a cluster that is a near miss of a known one (the CLI's
    /// `--cluster-is-right`, the editor's second Save); an existing profile's cluster
    /// counts as kept.
    pub cluster_confirmed: bool,
}

/// Changes to a draft, as a front end's request gives them (the CLI's flags): each
/// `Some` replaces its field, `unset` clears fields. [`ProfileDraft::apply`] is the one
/// place they are carried into a draft, for a new profile and an edited one alike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftChanges {
    pub flow: Option<Flow>,
    pub cluster: Option<String>,
    pub project: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub authority: Option<String>,
    pub base_url: Option<String>,
    pub token_url: Option<String>,
    /// Replaces every scope.
    pub scopes: Option<Vec<String>>,
    pub audience: Option<String>,
    pub port: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<Prompt>,
    pub ca_file: Option<PathBuf>,
    /// A certificate and its private key, which come together.
    pub certificate: Option<(PathBuf, PathBuf)>,
    /// Where the secret comes from now (a variable, a file).
    pub secret: Option<SecretInput>,
    pub production: Option<bool>,
    /// Fields to clear: a certificate's key goes with it, and clearing a secret variable
    /// or file goes back to the stored secret.
    pub unset: Vec<Field>,
}

pub(super) fn opt(text: &str) -> Option<String> {
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
            cluster_confirmed: true,
        }
    }

    /// The draft of a profile that was set aside when the file was read (see
    /// `ProfileFile::invalid`): whatever of its fields can be read as text, to be
    /// corrected; saving it replaces the set-aside one.
    pub fn of_raw(name: &str, fields: &toml::Table) -> ProfileDraft {
        let text = |key: &str| match fields.get(key) {
            Some(toml::Value::String(s)) => s.clone(),
            Some(toml::Value::Integer(n)) => n.to_string(),
            Some(toml::Value::Array(items)) => items
                .iter()
                .filter_map(toml::Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let path = |key: &str| Some(PathBuf::from(text(key))).filter(|p| !p.as_os_str().is_empty());
        let secret = match (text("client_secret_env"), path("client_secret_file")) {
            (var, _) if fields.contains_key("client_secret_env") => SecretInput::Env(var),
            (_, Some(file)) => SecretInput::File(file),
            _ => SecretInput::Keep,
        };
        ProfileDraft {
            original: Some(name.to_string()),
            name: name.to_string(),
            flow: Flow::ALL.into_iter().find(|f| f.as_str() == text("flow")),
            cluster: text("cluster"),
            project: text("project"),
            tenant_id: text("tenant_id"),
            client_id: text("client_id"),
            authority: text("authority"),
            base_url: text("base_url"),
            token_url: text("token_url"),
            scopes: text("scopes")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            audience: text("audience"),
            port: text("port"),
            login_hint: text("login_hint"),
            prompt: [Prompt::SelectAccount, Prompt::Login, Prompt::Consent]
                .into_iter()
                .find(|p| p.as_str() == text("prompt")),
            ca_file: path("ca_file"),
            certificate: path("certificate"),
            private_key: path("private_key"),
            secret,
            production: matches!(fields.get("production"), Some(toml::Value::Boolean(true))),
            org: Some(text("org")).filter(|o| !o.is_empty()),
            cluster_confirmed: true,
        }
    }

    /// Carries `changes` into the draft: first what they set, then what they clear.
    pub fn apply(&mut self, changes: DraftChanges) {
        let c = changes;
        let set = |slot: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *slot = v;
            }
        };
        if let Some(flow) = c.flow {
            self.flow = Some(flow);
        }
        set(&mut self.cluster, c.cluster);
        set(&mut self.project, c.project);
        set(&mut self.tenant_id, c.tenant_id);
        set(&mut self.client_id, c.client_id);
        set(&mut self.authority, c.authority);
        set(&mut self.base_url, c.base_url);
        set(&mut self.token_url, c.token_url);
        set(&mut self.audience, c.audience);
        set(&mut self.port, c.port);
        set(&mut self.login_hint, c.login_hint);
        if let Some(scopes) = c.scopes {
            self.scopes = scopes;
        }
        if let Some(prompt) = c.prompt {
            self.prompt = Some(prompt);
        }
        if let Some(ca) = c.ca_file {
            self.ca_file = Some(ca);
        }
        if let Some((certificate, key)) = c.certificate {
            self.certificate = Some(certificate);
            self.private_key = Some(key);
        }
        if let Some(secret) = c.secret {
            self.secret = secret;
        }
        if let Some(production) = c.production {
            self.production = production;
        }
        for field in c.unset {
            self.clear(field);
        }
    }

    fn clear(&mut self, field: Field) {
        match field {
            Field::TenantId => self.tenant_id.clear(),
            Field::ClientId => self.client_id.clear(),
            Field::Org => self.org = None,
            Field::Authority => self.authority.clear(),
            Field::BaseUrl => self.base_url.clear(),
            Field::TokenUrl => self.token_url.clear(),
            Field::Scopes => self.scopes.clear(),
            Field::Audience => self.audience.clear(),
            Field::Port => self.port.clear(),
            Field::LoginHint => self.login_hint.clear(),
            Field::Prompt => self.prompt = None,
            Field::CaFile => self.ca_file = None,
            Field::Certificate | Field::PrivateKey => {
                self.certificate = None;
                self.private_key = None;
            }
            // Back to the stored secret (a new one given in the same request stays).
            Field::ClientSecretEnv | Field::ClientSecretFile => {
                if !matches!(self.secret, SecretInput::Store(_)) {
                    self.secret = SecretInput::Keep;
                }
            }
            Field::ClientSecret | Field::ApiKey => self.secret = SecretInput::Keep,
            Field::Name | Field::Flow | Field::Cluster | Field::Project => {}
        }
    }

    /// The kind of secret the profile the draft describes keeps in the secret store, if
    /// any: the rule of [`Profile::secret_kind`].
    pub fn stored_secret_kind(&self) -> Option<SecretKind> {
        let mut p = Profile::new("", "", self.flow?);
        p.certificate = self.certificate.clone();
        match &self.secret {
            SecretInput::Env(var) => p.client_secret_env = Some(var.clone()),
            SecretInput::File(path) => p.client_secret_file = Some(path.clone()),
            SecretInput::Keep | SecretInput::Store(_) => {}
        }
        p.secret_kind()
    }

    /// The fields given a value (the name, flow, cluster and project aside), in the
    /// description's order; the typed secret counts as the flow's own kind.
    pub fn given(&self) -> Vec<Field> {
        let typed_secret = match &self.secret {
            SecretInput::Store(s) if !s.expose().trim().is_empty() => {
                Some(if self.flow == Some(Flow::ApiKey) {
                    Field::ApiKey
                } else {
                    Field::ClientSecret
                })
            }
            _ => None,
        };
        let text = |t: &str| !t.trim().is_empty();
        flows::FIELDS
            .into_iter()
            .filter(|field| match field {
                Field::TenantId => text(&self.tenant_id),
                Field::ClientId => text(&self.client_id),
                Field::Org => self.org.as_deref().is_some_and(text),
                Field::Authority => text(&self.authority),
                Field::BaseUrl => text(&self.base_url),
                Field::TokenUrl => text(&self.token_url),
                Field::Scopes => self.scopes.iter().any(|s| text(s)),
                Field::Audience => text(&self.audience),
                Field::Port => text(&self.port),
                Field::LoginHint => text(&self.login_hint),
                Field::Prompt => self.prompt.is_some(),
                Field::ClientSecret | Field::ApiKey => typed_secret == Some(*field),
                Field::ClientSecretEnv => matches!(self.secret, SecretInput::Env(_)),
                Field::ClientSecretFile => matches!(self.secret, SecretInput::File(_)),
                Field::Certificate => self.certificate.is_some(),
                Field::PrivateKey => self.private_key.is_some(),
                Field::CaFile => self.ca_file.is_some(),
                Field::Name | Field::Flow | Field::Cluster | Field::Project => false,
            })
            .collect()
    }

    /// The given fields the chosen flow does not take (`Flow::takes`).
    pub fn unused(&self) -> Vec<Field> {
        let Some(flow) = self.flow else {
            return Vec::new();
        };
        self.given()
            .into_iter()
            .filter(|f| flow.takes(*f) == Takes::Not)
            .collect()
    }

    /// Clears what the chosen flow does not take and says which fields those were: the
    /// window's editor leaves them out on Save, naming them first (the command line
    /// refuses them instead, through [`check`](Self::check)).
    pub fn leave_out_unused(&mut self) -> Vec<Field> {
        let unused = self.unused();
        for field in &unused {
            self.clear(*field);
        }
        unused
    }
}

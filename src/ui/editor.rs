//! The profile editor: the same fields and validation as `profile add`, errors inline.
//!
//! Its layout holds still: Save and Cancel are pinned below the scrolling fields, and
//! each field's error goes beside its label, on a line that is there with or without
//! one, so nothing moves under the pointer while one types.

use std::collections::HashMap;
use std::path::PathBuf;

use eframe::egui;

use crate::app::{ProfileDraft, Resolved, SecretInput};
use crate::profile::flows::Takes;
use crate::profile::{Field, Flow, Profile, Prompt};

pub fn flow_sentence(flow: Flow) -> &'static str {
    match flow {
        Flow::Interactive => "Sign in with your own account in the browser. Best on your desktop.",
        Flow::DeviceCode => {
            "Type a short code on any device. For terminals, SSH and machines without a browser."
        }
        Flow::ClientCredentials => {
            "A service principal with a client secret or certificate. For scripts and services."
        }
        Flow::ApiKey => "A legacy CDF API key, for older projects that still accept one.",
    }
}

/// Where a service principal's client secret comes from.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum SecretFrom {
    /// Typed here and kept in the secret store.
    #[default]
    Store,
    /// An environment variable, read at each token request.
    Env,
    /// A file (mode 0600), read at each token request.
    File,
}

#[derive(Default, Clone)]
pub struct Editor {
    /// The profile's name before editing (None: a new profile).
    pub original: Option<String>,
    pub name: String,
    pub cluster: String,
    pub project: String,
    pub tenant_id: String,
    pub client_id: String,
    pub flow: Option<Flow>,
    pub authority: String,
    pub base_url: String,
    pub token_url: String,
    pub scopes: String,
    pub port: String,
    pub login_hint: String,
    pub prompt: Option<Prompt>,
    pub secret: String,
    pub secret_from: SecretFrom,
    pub secret_env: String,
    pub secret_file: String,
    pub certificate: String,
    pub private_key: String,
    pub ca_file: String,
    /// Kept as it was: the editor has no input for it (Auth0 profiles from an import).
    pub audience: String,
    /// Marked as production (a checkbox; suggested by the project's name, never set).
    pub production: bool,
    /// The Cognite organization of a profile made by an organization sign-in: not
    /// editable here, kept through an edit.
    pub org: String,
    pub errors: HashMap<Field, String>,
    /// The first frame has been drawn (the keyboard focus was placed then).
    pub(super) opened: bool,
    /// The field that takes the keyboard focus when it is drawn.
    pub(super) focus: Option<Field>,
    /// A "Browse…" button was clicked this frame, for this field.
    pub(super) browse: Option<Field>,
    /// The Cancel button's id, from the frame before: Enter on it cancels.
    pub(super) cancel_id: Option<egui::Id>,
    /// A flow button had the keyboard focus in the frame before.
    pub(super) flow_focused: bool,
    /// The cluster kept although it is a near miss of a known one: the profile's own,
    /// or the one a Save was refused for (a second Save keeps it).
    pub(super) kept_cluster: Option<String>,
}

pub enum EditorAction {
    None,
    /// Browse for the field's file (certificate, key, CA file).
    Browse(Field),
    /// The fields passed the checks that need no file; the worker saves them.
    Save(Box<ProfileDraft>),
    Cancel,
}

fn path_text(o: &Option<PathBuf>) -> String {
    o.as_ref()
        .map_or_else(String::new, |p| p.display().to_string())
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl Editor {
    pub fn new() -> Editor {
        Editor {
            flow: Some(Flow::Interactive),
            ..Default::default()
        }
    }

    pub fn edit(name: &str, p: &Profile) -> Editor {
        Editor::of(ProfileDraft::of(name, p))
    }

    /// The editor on a profile that was set aside when read: whatever of its fields
    /// can be read as text, to be corrected; saving replaces it.
    pub fn fix(name: &str, fields: &toml::Table) -> Editor {
        Editor::of(ProfileDraft::of_raw(name, fields))
    }

    /// The editor's inputs for a draft: every field as text, the secret kept.
    fn of(d: ProfileDraft) -> Editor {
        let (secret_from, secret_env, secret_file) = match d.secret {
            SecretInput::Env(var) => (SecretFrom::Env, var, String::new()),
            SecretInput::File(path) => (SecretFrom::File, String::new(), path_text(&Some(path))),
            SecretInput::Keep | SecretInput::Store(_) => {
                (SecretFrom::Store, String::new(), String::new())
            }
        };
        Editor {
            original: d.original,
            name: d.name,
            cluster: d.cluster.clone(),
            project: d.project,
            tenant_id: d.tenant_id,
            client_id: d.client_id,
            flow: d.flow,
            authority: d.authority,
            base_url: d.base_url,
            token_url: d.token_url,
            scopes: d.scopes.join(" "),
            port: d.port,
            login_hint: d.login_hint,
            prompt: d.prompt,
            certificate: path_text(&d.certificate),
            private_key: path_text(&d.private_key),
            ca_file: path_text(&d.ca_file),
            secret_from,
            secret_env,
            secret_file,
            audience: d.audience,
            production: d.production,
            org: d.org.unwrap_or_default(),
            kept_cluster: d.cluster_confirmed.then(|| d.cluster.clone()),
            ..Default::default()
        }
    }

    pub fn duplicate(name: &str, p: &Profile) -> Editor {
        let mut e = Editor::edit(name, p);
        e.original = None;
        e.name = format!("{name}-copy");
        e
    }

    /// Everything typed, whatever the flow: what a change of flow leaves behind is
    /// still here, for [`left_out`](Self::left_out) to name.
    fn typed(&self) -> ProfileDraft {
        let path = |s: &String| opt(s).map(PathBuf::from);
        let typed = match opt(&self.secret) {
            Some(s) => SecretInput::Store(crate::secrets::Secret::new(s)),
            None => SecretInput::Keep,
        };
        let cc = self.flow == Some(Flow::ClientCredentials);
        let secret = match self.secret_from {
            _ if !cc || opt(&self.certificate).is_some() => typed,
            SecretFrom::Store => typed,
            SecretFrom::Env => SecretInput::Env(self.secret_env.clone()),
            SecretFrom::File => SecretInput::File(PathBuf::from(self.secret_file.trim())),
        };
        ProfileDraft {
            original: self.original.clone(),
            name: self.name.clone(),
            flow: self.flow,
            cluster: self.cluster.clone(),
            cluster_confirmed: self.kept_cluster.as_deref() == Some(self.cluster.trim()),
            project: self.project.clone(),
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            authority: self.authority.clone(),
            base_url: self.base_url.clone(),
            token_url: self.token_url.clone(),
            scopes: self.scopes.split_whitespace().map(str::to_string).collect(),
            audience: self.audience.clone(),
            port: self.port.clone(),
            login_hint: self.login_hint.clone(),
            prompt: self.prompt,
            ca_file: path(&self.ca_file),
            certificate: path(&self.certificate),
            private_key: path(&self.private_key),
            secret,
            production: self.production,
            org: opt(&self.org),
        }
    }

    /// What the chosen flow does not take but holds a value (typed before the flow
    /// changed, or kept from the profile): hidden, named under the fields, and left
    /// out on Save, never dropped unsaid.
    pub fn left_out(&self) -> Vec<Field> {
        self.typed().unused()
    }

    /// The draft the fields describe: what the chosen flow takes; the rest is left out
    /// (see [`left_out`](Self::left_out)).
    pub fn draft(&self) -> ProfileDraft {
        let mut draft = self.typed();
        draft.leave_out_unused();
        draft
    }

    /// Whether the chosen flow takes `field` (the editor draws it).
    pub(super) fn takes(&self, field: Field) -> bool {
        self.flow.is_some_and(|f| f.takes(field) != Takes::Not)
    }

    /// The checks that need no file, worded for the editor: the profile the fields
    /// describe, or a message per field.
    pub fn check(&self) -> Result<Resolved, HashMap<Field, String>> {
        self.draft().check().map_err(|problems| {
            problems
                .iter()
                .map(|p| (p.field, super::wording::problem(p)))
                .collect()
        })
    }

    /// The editor's text for a field.
    pub(super) fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Name => &mut self.name,
            Field::Cluster => &mut self.cluster,
            Field::Project => &mut self.project,
            Field::TenantId => &mut self.tenant_id,
            Field::ClientId => &mut self.client_id,
            Field::Authority => &mut self.authority,
            Field::BaseUrl => &mut self.base_url,
            Field::TokenUrl => &mut self.token_url,
            Field::Scopes => &mut self.scopes,
            Field::Port => &mut self.port,
            Field::LoginHint => &mut self.login_hint,
            Field::ClientSecret | Field::ApiKey => &mut self.secret,
            Field::ClientSecretEnv => &mut self.secret_env,
            Field::ClientSecretFile => &mut self.secret_file,
            Field::Certificate => &mut self.certificate,
            Field::PrivateKey => &mut self.private_key,
            Field::CaFile => &mut self.ca_file,
            Field::Flow | Field::Audience | Field::Prompt | Field::Org => return None,
        })
    }

    /// The text fields the chosen flow shows, in the order they are drawn (Advanced's
    /// last): where the keyboard focus looks for the first empty one.
    fn text_fields(&self) -> Vec<Field> {
        let secret = match (self.flow, self.secret_from) {
            (Some(Flow::ApiKey), _) => Field::ApiKey,
            (_, SecretFrom::Store) => Field::ClientSecret,
            (_, SecretFrom::Env) => Field::ClientSecretEnv,
            (_, SecretFrom::File) => Field::ClientSecretFile,
        };
        [
            Field::Name,
            Field::Cluster,
            Field::Project,
            Field::TenantId,
            Field::ClientId,
            secret,
            Field::Certificate,
            Field::PrivateKey,
            Field::LoginHint,
            Field::Port,
            Field::Authority,
            Field::BaseUrl,
            Field::TokenUrl,
            Field::Scopes,
            Field::CaFile,
        ]
        .into_iter()
        .filter(|f| self.takes(*f) || *f == Field::Name)
        .collect()
    }

    /// Where the keyboard starts: the first shown field that is empty and that the
    /// checks find wrong (required, or a name cannot be empty), else the name.
    pub(super) fn first_empty_required(&self) -> Field {
        let wrong: Vec<Field> = match self.draft().check() {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| p.field).collect(),
        };
        let mut probe = self.clone();
        self.text_fields()
            .into_iter()
            .find(|f| wrong.contains(f) && probe.text_mut(*f).is_some_and(|t| t.trim().is_empty()))
            .unwrap_or(Field::Name)
    }

    /// A file chosen in the file dialog, put in its field as if typed.
    pub fn set_path(&mut self, field: Field, path: &std::path::Path) {
        if let Some(text) = self.text_mut(field) {
            *text = path.display().to_string();
            self.errors.remove(&field);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Editor {
        Editor {
            name: "dev".into(),
            cluster: "westeurope-1".into(),
            project: "p".into(),
            tenant_id: "t".into(),
            client_id: "c".into(),
            ..Editor::new()
        }
    }

    #[test]
    fn valid_fields_build_a_profile() {
        let r = filled().check().unwrap();
        assert_eq!(r.name, "dev");
        assert_eq!(r.profile.flow, Flow::Interactive);
        assert!(r.secret.is_none());
    }

    #[test]
    fn errors_are_per_field() {
        let mut e = filled();
        e.name = "bad name".into();
        e.project.clear();
        e.port = "99999".into();
        let errors = e.check().unwrap_err();
        assert!(errors.contains_key(&Field::Name));
        assert!(errors.contains_key(&Field::Project));
        assert!(errors.contains_key(&Field::Port));
        let mut e = filled();
        e.authority = "http://example.com".into();
        assert!(e.check().unwrap_err()[&Field::Authority].contains("loopback"));
    }

    #[test]
    fn client_credentials_need_a_secret_when_new() {
        let mut e = filled();
        e.flow = Some(Flow::ClientCredentials);
        assert!(e.check().unwrap_err().contains_key(&Field::ClientSecret));
        e.secret = "s".into();
        assert_eq!(e.check().unwrap().secret.unwrap().1.expose(), "s");
    }

    #[test]
    fn client_secret_from_a_variable_or_a_file_needs_no_typed_secret() {
        let mut e = filled();
        e.flow = Some(Flow::ClientCredentials);
        e.secret_from = SecretFrom::Env;
        assert!(e.check().unwrap_err().contains_key(&Field::ClientSecretEnv));
        e.secret_env = "CDF_SECRET".into();
        e.secret_file = "/run/credentials/x/secret".into();
        let r = e.check().unwrap();
        let (p, secret) = (r.profile, r.secret);
        assert_eq!(p.client_secret_env.as_deref(), Some("CDF_SECRET"));
        assert_eq!(p.client_secret_file, None, "only the chosen source is kept");
        assert!(secret.is_none());
        e.secret_from = SecretFrom::File;
        let p = e.check().unwrap().profile;
        assert_eq!(p.client_secret_env, None);
        assert_eq!(
            p.client_secret_file,
            Some(PathBuf::from("/run/credentials/x/secret"))
        );
        let reopened = Editor::edit("dev", &p);
        assert_eq!(reopened.secret_from, SecretFrom::File);
    }

    #[test]
    fn the_focus_starts_in_the_first_empty_field_the_flow_needs() {
        assert_eq!(Editor::new().first_empty_required(), Field::Name);
        let mut e = filled();
        e.project.clear();
        e.tenant_id.clear();
        assert_eq!(e.first_empty_required(), Field::Project);
        let mut e = filled();
        e.flow = Some(Flow::ClientCredentials);
        assert_eq!(e.first_empty_required(), Field::ClientSecret);
        e.secret_from = SecretFrom::Env;
        assert_eq!(e.first_empty_required(), Field::ClientSecretEnv);
        e.secret_from = SecretFrom::File;
        assert_eq!(e.first_empty_required(), Field::ClientSecretFile);
        // Nothing missing: the name, where the form starts.
        assert_eq!(filled().first_empty_required(), Field::Name);
    }

    /// For every flow and source of a secret, the focus goes to a field the editor
    /// draws and the checks name.
    #[test]
    fn the_focus_goes_to_a_drawn_field_with_a_problem() {
        for flow in [
            Flow::Interactive,
            Flow::DeviceCode,
            Flow::ClientCredentials,
            Flow::ApiKey,
        ] {
            for from in [SecretFrom::Store, SecretFrom::Env, SecretFrom::File] {
                let mut e = Editor {
                    flow: Some(flow),
                    secret_from: from,
                    ..filled()
                };
                e.secret_env.clear();
                let focus = e.first_empty_required();
                assert!(e.text_fields().contains(&focus), "{flow:?} {from:?}");
                let problems = e.draft().check().err().unwrap_or_default();
                assert!(
                    focus == Field::Name || problems.iter().any(|p| p.field == focus),
                    "{flow:?} {from:?}: {focus:?}"
                );
            }
        }
    }

    /// What a change of flow leaves behind is named and left out on Save, never dropped
    /// unsaid; an organization's profile keeps its organization through an edit.
    #[test]
    fn a_change_of_flow_names_what_save_leaves_out() {
        let mut e = filled();
        e.login_hint = "a@b.c".into();
        e.port = "4000".into();
        e.prompt = Some(Prompt::Login);
        assert!(e.left_out().is_empty());
        e.flow = Some(Flow::DeviceCode);
        assert_eq!(e.left_out(), [Field::Port, Field::LoginHint, Field::Prompt]);
        let r = e.check().unwrap();
        assert_eq!(
            (r.profile.login_hint, r.profile.port, r.profile.prompt),
            (None, None, None)
        );
        assert!(!e.text_fields().contains(&Field::LoginHint));

        e.flow = Some(Flow::ApiKey);
        e.secret = "key".into();
        assert_eq!(
            e.left_out(),
            [
                Field::TenantId,
                Field::ClientId,
                Field::Port,
                Field::LoginHint,
                Field::Prompt
            ]
        );
        assert_eq!(
            e.text_fields(),
            [
                Field::Name,
                Field::Cluster,
                Field::Project,
                Field::ApiKey,
                Field::BaseUrl,
                Field::CaFile
            ]
        );

        let mut org = crate::profile::Profile::new("westeurope-1", "p", Flow::Interactive);
        org.client_id = "c".into();
        org.org = Some("contoso".into());
        let e = Editor::edit("org", &org);
        assert_eq!(e.check().unwrap().profile.org.as_deref(), Some("contoso"));
    }
}

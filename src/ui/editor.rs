//! The profile editor: the same fields and validation as `profile add`, errors inline.

use std::collections::HashMap;
use std::path::PathBuf;

use eframe::egui;

use crate::auth::ClientCertificate;
use crate::profile::{self, Field, Flow, Profile, ProfileError, Prompt};
use crate::secrets::Secret;

/// Clusters people use most; any other name is accepted too.
pub use crate::cdf::clusters::KNOWN as KNOWN_CLUSTERS;

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
    pub errors: HashMap<Field, String>,
}

pub enum EditorAction {
    None,
    Save {
        name: String,
        profile: Box<Profile>,
        secret: Option<Secret>,
        replaces: Option<String>,
    },
    Cancel,
}

fn text(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

fn path_text(o: &Option<PathBuf>) -> String {
    o.as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
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
        Editor {
            original: Some(name.to_string()),
            name: name.to_string(),
            cluster: p.cluster.clone(),
            project: p.project.clone(),
            tenant_id: p.tenant_id.clone(),
            client_id: p.client_id.clone(),
            flow: Some(p.flow),
            authority: text(&p.authority),
            base_url: text(&p.base_url),
            token_url: text(&p.token_url),
            scopes: p.scopes.join(" "),
            port: p.port.as_ref().map(ToString::to_string).unwrap_or_default(),
            login_hint: text(&p.login_hint),
            prompt: p.prompt,
            certificate: path_text(&p.certificate),
            private_key: path_text(&p.private_key),
            ca_file: path_text(&p.ca_file),
            secret_from: match (&p.client_secret_env, &p.client_secret_file) {
                (Some(_), _) => SecretFrom::Env,
                (None, Some(_)) => SecretFrom::File,
                (None, None) => SecretFrom::Store,
            },
            secret_env: text(&p.client_secret_env),
            secret_file: path_text(&p.client_secret_file),
            ..Default::default()
        }
    }

    pub fn duplicate(name: &str, p: &Profile) -> Editor {
        let mut e = Editor::edit(name, p);
        e.original = None;
        e.name = format!("{name}-copy");
        e
    }

    /// The profile the fields describe, or an error message per field.
    pub fn build(&self) -> Result<(String, Profile, Option<Secret>), HashMap<Field, String>> {
        let mut errors = HashMap::new();
        if let Err(e) = profile::validate_name(self.name.trim()) {
            errors.insert(Field::Name, e.to_string());
        }
        let Some(flow) = self.flow else {
            errors.insert(Field::Flow, "choose how this profile signs in".into());
            return Err(errors);
        };
        let api_key = flow == Flow::ApiKey;
        let may_leave_tenant = flow == Flow::ClientCredentials && !self.token_url.trim().is_empty();
        for (field, value, needed) in [
            (Field::Cluster, &self.cluster, true),
            (Field::Project, &self.project, true),
            // A service principal with a token URL may leave its tenant unknown.
            (
                Field::TenantId,
                &self.tenant_id,
                !api_key && !may_leave_tenant,
            ),
            (Field::ClientId, &self.client_id, !api_key),
        ] {
            if needed && value.trim().is_empty() {
                errors.insert(field, format!("the {field} is required"));
            }
        }
        let port = match self.port.trim() {
            "" => None,
            p => match p.parse::<crate::profile::PortSpec>() {
                Ok(spec) => Some(spec),
                Err(e) => {
                    errors.insert(Field::Port, e);
                    None
                }
            },
        };
        let p = Profile {
            cluster: self.cluster.trim().to_string(),
            project: self.project.trim().to_string(),
            // An API key has no identity provider: its fields are hidden and not kept.
            tenant_id: if api_key {
                String::new()
            } else {
                self.tenant_id.trim().to_string()
            },
            client_id: if api_key {
                String::new()
            } else {
                self.client_id.trim().to_string()
            },
            flow,
            authority: opt(&self.authority).filter(|_| !api_key),
            base_url: opt(&self.base_url),
            token_url: opt(&self.token_url).filter(|_| !api_key),
            scopes: if api_key {
                vec![]
            } else {
                self.scopes.split_whitespace().map(str::to_string).collect()
            },
            audience: None,
            port: if flow == Flow::Interactive {
                port
            } else {
                None
            },
            login_hint: if flow == Flow::Interactive {
                opt(&self.login_hint)
            } else {
                None
            },
            prompt: if flow == Flow::Interactive {
                self.prompt
            } else {
                None
            },
            ca_file: opt(&self.ca_file).map(PathBuf::from),
            certificate: if flow == Flow::ClientCredentials {
                opt(&self.certificate).map(PathBuf::from)
            } else {
                None
            },
            private_key: if flow == Flow::ClientCredentials {
                opt(&self.private_key).map(PathBuf::from)
            } else {
                None
            },
            client_secret_env: opt(&self.secret_env).filter(|_| self.secret_from_env(flow)),
            client_secret_file: opt(&self.secret_file)
                .map(PathBuf::from)
                .filter(|_| self.secret_from_file(flow)),
        };
        if self.secret_from_env(flow) && p.client_secret_env.is_none() {
            errors.insert(
                Field::ClientSecretEnv,
                "enter the name of the variable".into(),
            );
        }
        if self.secret_from_file(flow) && p.client_secret_file.is_none() {
            errors.insert(Field::ClientSecretFile, "enter the file's path".into());
        }
        if errors.is_empty()
            && let Err(ProfileError::InvalidField { field, reason }) = p.validate()
        {
            errors.insert(field, reason);
        }
        if let (Some(c), Some(k)) = (&p.certificate, &p.private_key)
            && let Err(e) = ClientCertificate::load(c, k)
        {
            errors.insert(Field::Certificate, e.to_string());
        }
        let secret = opt(&self.secret).map(Secret::new);
        let needs_secret = p.secret_kind().is_some();
        if needs_secret && secret.is_none() && self.original.is_none() {
            if api_key {
                errors.insert(Field::ApiKey, "enter the API key".into());
            } else {
                errors.insert(
                    Field::ClientSecret,
                    "enter the client secret (or a certificate and key)".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok((
                self.name.trim().to_string(),
                p,
                secret.filter(|_| needs_secret),
            ))
        } else {
            Err(errors)
        }
    }

    fn secret_from_env(&self, flow: Flow) -> bool {
        flow == Flow::ClientCredentials
            && self.secret_from == SecretFrom::Env
            && opt(&self.certificate).is_none()
    }

    fn secret_from_file(&self, flow: Flow) -> bool {
        flow == Flow::ClientCredentials
            && self.secret_from == SecretFrom::File
            && opt(&self.certificate).is_none()
    }

    /// The editor's text for a field.
    fn text_mut(&mut self, field: Field) -> Option<&mut String> {
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
            Field::Flow | Field::Audience | Field::Prompt => return None,
        })
    }

    /// A labelled text input for `field`, with its error below it.
    fn field(&mut self, ui: &mut egui::Ui, field: Field, hint: &str) {
        let password = matches!(field, Field::ClientSecret | Field::ApiKey);
        let label_response = ui.label(field.label());
        let Some(target) = self.text_mut(field) else {
            return;
        };
        let edit = egui::TextEdit::singleline(target)
            .hint_text(hint)
            .password(password)
            .desired_width(f32::INFINITY);
        let response = ui.add(edit).labelled_by(label_response.id);
        if response.changed() {
            self.errors.remove(&field);
        }
        if let Some(err) = self.errors.get(&field) {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> EditorAction {
        let mut action = EditorAction::None;
        ui.heading(if self.original.is_some() {
            "Edit profile"
        } else {
            "New profile"
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .auto_shrink([false, true])
            .show(ui, |ui| {
                self.field(ui, Field::Name, "e.g. dev-westeurope");
                ui.label("Sign-in flow");
                ui.horizontal(|ui| {
                    for flow in [
                        Flow::Interactive,
                        Flow::DeviceCode,
                        Flow::ClientCredentials,
                        Flow::ApiKey,
                    ] {
                        let label = match flow {
                            Flow::Interactive => "Interactive (browser)",
                            Flow::DeviceCode => "Device code",
                            Flow::ClientCredentials => "Client credentials",
                            Flow::ApiKey => "API key (legacy)",
                        };
                        ui.selectable_value(&mut self.flow, Some(flow), label);
                    }
                });
                if let Some(flow) = self.flow {
                    ui.weak(flow_sentence(flow));
                }
                if let Some(err) = self.errors.get(&Field::Flow) {
                    ui.colored_label(ui.visuals().error_fg_color, err);
                }
                ui.add_space(4.0);
                self.field(ui, Field::Cluster, "e.g. westeurope-1");
                let typed = self.cluster.trim().to_string();
                let suggestions: Vec<&str> = KNOWN_CLUSTERS
                    .iter()
                    .copied()
                    .filter(|c| !typed.is_empty() && c.starts_with(&typed) && *c != typed)
                    .take(5)
                    .collect();
                if !suggestions.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak("Suggestions:");
                        for s in suggestions {
                            if ui.small_button(s).clicked() {
                                self.cluster = s.to_string();
                            }
                        }
                    });
                }
                self.field(ui, Field::Project, "your CDF project");
                if self.flow != Some(Flow::ApiKey) {
                    self.field(ui, Field::TenantId, "GUID or contoso.onmicrosoft.com");
                    self.field(ui, Field::ClientId, "the app registration's application id");
                }
                match self.flow {
                    Some(Flow::ApiKey) => {
                        let hint = if self.original.is_some() {
                            "leave empty to keep the stored key"
                        } else {
                            "stored in the OS keyring"
                        };
                        self.field(ui, Field::ApiKey, hint);
                    }
                    Some(Flow::ClientCredentials) => {
                        ui.label("Client secret from");
                        ui.horizontal(|ui| {
                            for (from, label) in [
                                (SecretFrom::Store, "Stored here"),
                                (SecretFrom::Env, "Environment variable"),
                                (SecretFrom::File, "File"),
                            ] {
                                ui.selectable_value(&mut self.secret_from, from, label);
                            }
                        });
                        match self.secret_from {
                            SecretFrom::Store => {
                                let hint = if self.original.is_some() {
                                    "leave empty to keep the stored secret"
                                } else {
                                    "kept in the secret store (see About)"
                                };
                                self.field(ui, Field::ClientSecret, hint);
                            }
                            SecretFrom::Env => self.field(
                                ui,
                                Field::ClientSecretEnv,
                                "read at each token request, e.g. CDF_CLIENT_SECRET",
                            ),
                            SecretFrom::File => self.field(
                                ui,
                                Field::ClientSecretFile,
                                "read at each token request; owner-only (0600)",
                            ),
                        }
                        self.field(ui, Field::Certificate, "/path/to/cert.pem");
                        self.field(ui, Field::PrivateKey, "/path/to/key.pem");
                    }
                    Some(Flow::Interactive) => {
                        self.field(ui, Field::LoginHint, "you@example.com");
                        self.field(ui, Field::Port, "53000, or 3000,3100-3110");
                    }
                    _ => {}
                }
                ui.collapsing("Advanced", |ui| {
                    self.field(
                        ui,
                        Field::Authority,
                        "https://login.microsoftonline.com/{tenant}",
                    );
                    self.field(ui, Field::BaseUrl, "https://{cluster}.cognitedata.com");
                    self.field(ui, Field::TokenUrl, "override the token endpoint");
                    self.field(ui, Field::Scopes, "{base_url}/.default");
                    self.field(ui, Field::CaFile, "for TLS-inspecting proxies");
                });
            });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let save =
                ui.add(egui::Button::new("Save profile").fill(ui.visuals().selection.bg_fill));
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if save.clicked() || enter {
                match self.build() {
                    Ok((name, profile, secret)) => {
                        action = EditorAction::Save {
                            name,
                            profile: Box::new(profile),
                            secret,
                            replaces: self.original.clone(),
                        };
                    }
                    Err(errors) => self.errors = errors,
                }
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                action = EditorAction::Cancel;
            }
        });
        action
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
        let (name, p, secret) = filled().build().unwrap();
        assert_eq!(name, "dev");
        assert_eq!(p.flow, Flow::Interactive);
        assert!(secret.is_none());
    }

    #[test]
    fn errors_are_per_field() {
        let mut e = filled();
        e.name = "bad name".into();
        e.project.clear();
        e.port = "99999".into();
        let errors = e.build().unwrap_err();
        assert!(errors.contains_key(&Field::Name));
        assert!(errors.contains_key(&Field::Project));
        assert!(errors.contains_key(&Field::Port));
        let mut e = filled();
        e.authority = "http://example.com".into();
        assert!(e.build().unwrap_err()[&Field::Authority].contains("loopback"));
    }

    #[test]
    fn client_credentials_need_a_secret_when_new() {
        let mut e = filled();
        e.flow = Some(Flow::ClientCredentials);
        assert!(e.build().unwrap_err().contains_key(&Field::ClientSecret));
        e.secret = "s".into();
        assert_eq!(e.build().unwrap().2.unwrap().expose(), "s");
    }

    #[test]
    fn client_secret_from_a_variable_or_a_file_needs_no_typed_secret() {
        let mut e = filled();
        e.flow = Some(Flow::ClientCredentials);
        e.secret_from = SecretFrom::Env;
        assert!(e.build().unwrap_err().contains_key(&Field::ClientSecretEnv));
        e.secret_env = "CDF_SECRET".into();
        e.secret_file = "/run/credentials/x/secret".into();
        let (_, p, secret) = e.build().unwrap();
        assert_eq!(p.client_secret_env.as_deref(), Some("CDF_SECRET"));
        assert_eq!(p.client_secret_file, None, "only the chosen source is kept");
        assert!(secret.is_none());
        e.secret_from = SecretFrom::File;
        let (_, p, _) = e.build().unwrap();
        assert_eq!(p.client_secret_env, None);
        assert_eq!(
            p.client_secret_file,
            Some(PathBuf::from("/run/credentials/x/secret"))
        );
        let reopened = Editor::edit("dev", &p);
        assert_eq!(reopened.secret_from, SecretFrom::File);
    }
}

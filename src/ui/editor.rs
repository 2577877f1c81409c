//! The profile editor: the same fields and validation as `profile add`, errors inline.
//!
//! Its layout holds still: Save and Cancel are pinned below the scrolling fields, and
//! each field's error goes beside its label, on a line that is there with or without
//! one, so nothing moves under the pointer while one types.

use std::collections::HashMap;
use std::path::PathBuf;

use eframe::egui;

use super::wording::example_path;
use crate::app::{ProfileDraft, Resolved, SecretInput};
use crate::profile::flows::Takes;
use crate::profile::{Field, Flow, Profile, Prompt};

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
    /// Kept as it was: the editor has no input for it (Auth0 profiles from an import).
    pub audience: String,
    /// Marked as production (a checkbox; suggested by the project's name, never set).
    pub production: bool,
    /// The Cognite organization of a profile made by an organization sign-in: not
    /// editable here, kept through an edit.
    pub org: String,
    pub errors: HashMap<Field, String>,
    /// The first frame has been drawn (the keyboard focus was placed then).
    opened: bool,
    /// The field that takes the keyboard focus when it is drawn.
    focus: Option<Field>,
    /// A "Browse…" button was clicked this frame, for this field.
    browse: Option<Field>,
    /// The Cancel button's id, from the frame before: Enter on it cancels.
    cancel_id: Option<egui::Id>,
    /// A flow button had the keyboard focus in the frame before.
    flow_focused: bool,
    /// The cluster kept although it is a near miss of a known one: the profile's own,
    /// or the one a Save was refused for (a second Save keeps it).
    kept_cluster: Option<String>,
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
    fn takes(&self, field: Field) -> bool {
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
    fn first_empty_required(&self) -> Field {
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

    /// A path field with a "Browse…" button at its end (the text stays for the keyboard).
    fn path_field(&mut self, ui: &mut egui::Ui, field: Field, hint: &str) {
        self.input(ui, field, hint, true);
    }

    /// A labelled text input for `field`, with its error beside the label.
    fn field(&mut self, ui: &mut egui::Ui, field: Field, hint: &str) {
        self.input(ui, field, hint, false);
    }

    fn input(&mut self, ui: &mut egui::Ui, field: Field, hint: &str, browse: bool) {
        let password = matches!(field, Field::ClientSecret | Field::ApiKey);
        let label_response = label_with_error(ui, field.label(), self.errors.get(&field));
        let focus = self.focus == Some(field);
        let Some(target) = self.text_mut(field) else {
            return;
        };
        let mut browse_clicked = false;
        let response = ui
            .horizontal(|ui| {
                let button_room = if browse { 80.0 } else { 0.0 };
                let edit = egui::TextEdit::singleline(target)
                    .hint_text(hint)
                    .password(password)
                    .desired_width((ui.available_width() - button_room).max(40.0));
                let response = ui.add(edit).labelled_by(label_response.id);
                browse_clicked = browse
                    && ui
                        .button("Browse…")
                        .on_hover_text(format!("Choose the {} in a file dialog", field.noun()))
                        .clicked();
                response
            })
            .inner;
        if browse_clicked {
            self.browse = Some(field);
        }
        if focus {
            response.request_focus();
            self.focus = None;
        }
        if response.changed() {
            self.errors.remove(&field);
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) -> EditorAction {
        if !self.opened {
            self.opened = true;
            self.focus = Some(self.first_empty_required());
        }
        // Enter saves wherever the focus is (a text field, a flow button, nowhere), except
        // on Cancel; Space presses a focused button. The Enter is taken from the input
        // before anything is drawn, so no focused button sees it as a click.
        let on_cancel = self.cancel_id.is_some() && ui.memory(|m| m.focused()) == self.cancel_id;
        let enter = !on_cancel && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if enter {
            ui.input_mut(|i| {
                i.events.retain(|e| {
                    !matches!(
                        e,
                        egui::Event::Key {
                            key: egui::Key::Enter,
                            ..
                        }
                    )
                })
            });
        }
        let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
        ui.heading(if self.original.is_some() {
            "Edit profile"
        } else {
            "New profile"
        });
        ui.add_space(6.0);
        // The buttons' row is kept free at the bottom, whatever the window's height.
        let spacing = ui.spacing();
        let button_height = spacing
            .interact_size
            .y
            .max(ui.text_style_height(&egui::TextStyle::Button) + 2.0 * spacing.button_padding.y);
        let footer = button_height + 3.0 * spacing.item_spacing.y + 8.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .max_height((ui.available_height() - footer).max(0.0))
            .show(ui, |ui| {
                self.field(ui, Field::Name, "e.g. dev-westeurope");
                self.flow_choice(ui);
                self.where_fields(ui);
                if self.takes(Field::TenantId) {
                    self.field(ui, Field::TenantId, "GUID or contoso.onmicrosoft.com");
                    self.field(ui, Field::ClientId, "the app registration's application id");
                }
                self.proof_fields(ui);
                if self.takes(Field::LoginHint) {
                    self.field(ui, Field::LoginHint, "you@example.com");
                    self.field(ui, Field::Port, "53000, or 3000,3100-3110");
                }
                self.left_out_note(ui);
                ui.collapsing("Advanced", |ui| self.advanced(ui));
            });
        // A field inside a closed Advanced was not drawn: the focus stays where it is.
        self.focus = None;
        ui.separator();
        let mut action = self.buttons(ui, enter, escape);
        if let Some(field) = self.browse.take()
            && matches!(action, EditorAction::None)
        {
            action = EditorAction::Browse(field);
        }
        action
    }

    fn flow_choice(&mut self, ui: &mut egui::Ui) {
        // The keys a focused flow button answers to, beside the label (where an error
        // would be), so nothing moves when the focus comes or goes.
        match self.errors.get(&Field::Flow) {
            Some(error) => label_with_error(ui, "Sign-in flow", Some(error)),
            None => {
                ui.horizontal(|ui| {
                    let label = ui.label("Sign-in flow");
                    if self.flow_focused {
                        ui.weak(FLOW_KEYS);
                    }
                    label
                })
                .inner
            }
        };
        // Wrapped: in the narrowest window the four do not fit on one line.
        self.flow_focused = false;
        ui.horizontal_wrapped(|ui| {
            for flow in Flow::ALL {
                let button = egui::Button::selectable(self.flow == Some(flow), flow_label(flow));
                let response = ui.add(button).on_hover_text(FLOW_KEYS);
                if response.clicked() {
                    self.flow = Some(flow);
                }
                self.flow_focused |= response.has_focus();
            }
        });
        if let Some(flow) = self.flow {
            ui.weak(flow_sentence(flow));
        }
        ui.add_space(4.0);
    }

    /// The cluster (with suggestions), the project and the production mark.
    fn where_fields(&mut self, ui: &mut egui::Ui) {
        self.field(ui, Field::Cluster, "e.g. westeurope-1");
        let typed = crate::cdf::clusters::cluster_name(&self.cluster);
        let pasted = typed != self.cluster.trim();
        let near_miss = crate::cdf::clusters::did_you_mean(&typed)
            .filter(|_| self.kept_cluster.as_deref() != Some(self.cluster.trim()))
            .filter(|_| self.base_url.trim().is_empty());
        let suggestions: Vec<&str> = KNOWN_CLUSTERS
            .iter()
            .copied()
            .filter(|c| !typed.is_empty() && c.starts_with(&typed) && *c != typed)
            .take(4)
            .collect();
        // One line, there with or without suggestions: they come and go as the cluster is
        // typed, and must not move what is below.
        ui.horizontal(|ui| {
            ui.set_min_height(ui.spacing().interact_size.y);
            if pasted {
                ui.weak(format!("saved as {typed}"));
            }
            if suggestions.is_empty()
                && let Some(known) = near_miss
            {
                ui.weak("Did you mean");
                if ui.small_button(known).clicked() {
                    self.cluster = known.to_string();
                    self.errors.remove(&Field::Cluster);
                }
            } else if !suggestions.is_empty() {
                ui.weak("Suggestions:");
                for s in suggestions {
                    if ui.small_button(s).clicked() {
                        self.cluster = s.to_string();
                        self.errors.remove(&Field::Cluster);
                    }
                }
            }
        });
        self.field(ui, Field::Project, "your CDF project");
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.production, "Production").on_hover_text(
                "Marks the profile: a coloured band, a PRODUCTION badge, and a note from env and exec",
            );
            if crate::app::suggest_production(&self.project, self.production) {
                ui.weak(super::wording::LOOKS_LIKE_PRODUCTION);
            }
        });
    }

    /// What proves who signs in, where the flow takes it: an API key, or a service
    /// principal's secret (from the store, a variable or a file) and certificate.
    fn proof_fields(&mut self, ui: &mut egui::Ui) {
        let keep_hint = self.original.is_some();
        if self.takes(Field::ApiKey) {
            let hint = if keep_hint {
                "leave empty to keep the stored key"
            } else {
                super::wording::STORED_IN_KEYRING
            };
            self.field(ui, Field::ApiKey, hint);
        }
        if !self.takes(Field::ClientSecret) {
            return;
        }
        ui.label("Client secret from");
        ui.horizontal_wrapped(|ui| {
            for (from, label) in [
                (SecretFrom::Store, "Stored here"),
                (SecretFrom::Env, "Environment variable"),
                (SecretFrom::File, "File"),
            ] {
                ui.selectable_value(&mut self.secret_from, from, label)
                    .on_hover_text("Space chooses it; Enter saves the profile");
            }
        });
        match self.secret_from {
            SecretFrom::Store => {
                let hint = if keep_hint {
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
            SecretFrom::File => {
                self.field(ui, Field::ClientSecretFile, super::wording::PRIVATE_FILE)
            }
        }
        let (cert, key) = (example_path("cert.pem"), example_path("key.pem"));
        self.path_field(ui, Field::Certificate, &cert);
        self.path_field(ui, Field::PrivateKey, &key);
    }

    /// Names what the chosen flow does not take but holds a value: it is hidden, and
    /// Save leaves it out.
    fn left_out_note(&mut self, ui: &mut egui::Ui) {
        let left_out = self.left_out();
        if let (Some(flow), false) = (self.flow, left_out.is_empty()) {
            let names: Vec<String> = left_out.iter().map(|f| f.noun().to_string()).collect();
            ui.weak(format!(
                "Not used by the {} flow, left out on Save: {}.",
                flow_label(flow),
                names.join(", ")
            ));
        }
    }

    fn advanced(&mut self, ui: &mut egui::Ui) {
        if self.takes(Field::Authority) {
            self.field(
                ui,
                Field::Authority,
                "https://login.microsoftonline.com/{tenant}",
            );
        }
        self.field(ui, Field::BaseUrl, "https://{cluster}.cognitedata.com");
        if self.takes(Field::TokenUrl) {
            self.field(ui, Field::TokenUrl, "override the token endpoint");
            self.field(ui, Field::Scopes, "{base_url}/.default");
        }
        self.path_field(ui, Field::CaFile, "for TLS-inspecting proxies");
    }

    /// Save and Cancel, with Enter and Escape.
    fn buttons(&mut self, ui: &mut egui::Ui, enter: bool, escape: bool) -> EditorAction {
        ui.horizontal(|ui| {
            let save = ui
                .add(
                    egui::Button::new("Save profile")
                        .shortcut_text("Enter")
                        .fill(ui.visuals().selection.bg_fill),
                )
                .on_hover_text("Save the profile (Enter)");
            // The keys are shown on the buttons; their names stay the actions'.
            save.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, "Save profile")
            });
            let cancel = ui
                .add(egui::Button::new("Cancel").shortcut_text("Esc"))
                .on_hover_text("Leave without saving (Escape)");
            cancel.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Cancel"));
            self.cancel_id = Some(cancel.id);
            if cancel.clicked() || escape {
                EditorAction::Cancel
            } else if save.clicked() || enter {
                match self.check() {
                    Ok(_) => EditorAction::Save(Box::new(self.draft())),
                    Err(errors) => {
                        // "Did you mean" is said once: Save again keeps the cluster.
                        if let Err(problems) = self.draft().check()
                            && problems
                                .iter()
                                .any(|p| matches!(p.kind, crate::app::ProblemKind::NearMiss(_)))
                        {
                            self.kept_cluster = Some(self.cluster.trim().to_string());
                        }
                        self.errors = errors;
                        EditorAction::None
                    }
                }
            } else {
                EditorAction::None
            }
        })
        .inner
    }
}

/// What a focused flow button answers to (its hover text, and beside "Sign-in flow"
/// while one has the focus).
const FLOW_KEYS: &str = "Space chooses the flow; Enter saves the profile";

/// The flow's name on its button.
fn flow_label(flow: Flow) -> &'static str {
    match flow {
        Flow::Interactive => "Interactive (browser)",
        Flow::DeviceCode => "Device code",
        Flow::ClientCredentials => "Client credentials",
        Flow::ApiKey => "API key (legacy)",
    }
}

/// A field's label with its error beside it, on one line whatever the error's length
/// (cut short, the whole of it on hover): an error that comes or goes moves nothing.
fn label_with_error(ui: &mut egui::Ui, label: &str, error: Option<&String>) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        if let Some(error) = error {
            let text = egui::RichText::new(error).color(ui.visuals().error_fg_color);
            ui.add(egui::Label::new(text).truncate());
        }
        label
    })
    .inner
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

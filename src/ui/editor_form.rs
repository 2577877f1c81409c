//! The profile editor's form: the fields the chosen flow takes, drawn in the order one
//! fills them in, and Save and Cancel pinned below them. What the fields mean and how they
//! are checked is the editor's (`editor.rs`); this draws them and reads the keys.

use eframe::egui;

use super::editor::{Editor, EditorAction, SecretFrom, flow_sentence};
use super::wording::example_path;
use crate::cdf::clusters::KNOWN as KNOWN_CLUSTERS;
use crate::profile::{Field, Flow};

impl Editor {
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
                "leave empty to keep the stored key".to_string()
            } else {
                super::wording::stored_in_keyring()
            };
            self.field(ui, Field::ApiKey, &hint);
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

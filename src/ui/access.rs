//! CDF awareness in the window: the Access tab (what CDF says the token may do, with a
//! filter and "Add profile for project X"), the legacy API-key view and script hand-offs
//! (Copy as env, Copy Python snippet, with and without the pip package).

use eframe::egui::{self, Color32, RichText};

use super::action::{Action, Banner};
use super::state::ShownToken;
use super::views::Draw;
use crate::cdf::Access;
use crate::cdf::export::{self, ProjectEnv, Shell};
use crate::cdf::inspect::{Inspection, Verdict};
use crate::profile::Profile;

fn green() -> Color32 {
    Color32::from_rgb(34, 160, 80)
}

impl Draw<'_> {
    /// Copy as env / Copy Python snippet, under the token's copy buttons.
    pub(super) fn script_buttons(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        p: &Profile,
        tokens: &ShownToken,
    ) {
        let base_url = p.base_url();
        let env = ProjectEnv {
            project: &p.project,
            cluster: &p.cluster,
            base_url: &base_url,
        };
        if ui
            .button("Copy as env")
            .on_hover_text(if cfg!(windows) {
                "CDF_PROJECT, CDF_CLUSTER, CDF_URL and CDF_TOKEN lines for PowerShell"
            } else {
                "CDF_PROJECT, CDF_CLUSTER, CDF_URL and CDF_TOKEN lines for a shell"
            })
            .clicked()
        {
            // The platform's shell (PowerShell on Windows); both quote any value, so
            // there is always text to copy.
            if let Ok(text) = export::env_lines(
                &env,
                Some((export::credential_var(false), tokens.access_token.expose())),
                Shell::NATIVE,
            ) {
                self.act(Action::CopySecret {
                    text: crate::secrets::Secret::new(text),
                    what: "the env lines",
                });
            }
        }
        if ui
            .button("Copy Python snippet")
            .on_hover_text(
                "import cdf_signin; client = cdf_signin.client(...): a CogniteClient \
                 whose tokens come from cdf-signin (pip install \"cdf-signin[sdk]\")",
            )
            .clicked()
        {
            self.act(Action::CopyPlain {
                text: export::pip_python_snippet(name),
                what: "the Python snippet",
            });
        }
        if ui
            .button("Copy snippet without pip")
            .on_hover_text(
                "For cdf-signin installed another way: a CogniteClient whose Token runs \
                 this cdf-signin for a fresh token",
            )
            .clicked()
        {
            let text = export::python_snippet(name, &env, &self.m.launch.program);
            self.act(Action::CopyPlain {
                text,
                what: "the Python snippet",
            });
        }
    }

    /// A legacy API-key profile: no tokens, no sign-in; copy the key or check it.
    pub(super) fn api_key_view(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("Legacy API key").strong().size(18.0));
            ui.weak(super::wording::stored_in_keyring());
        });
        ui.label("Older CDF projects accept an API key in the api-key header. It does not expire by itself; revoke it in CDF when it is no longer needed.");
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if ui.button("Copy API key").clicked() {
                self.act(Action::CopyApiKey(name.to_string()));
            }
            let verifying = self.m.states.is_verifying(name);
            if ui
                .add_enabled(!verifying, egui::Button::new("Verify key"))
                .clicked()
            {
                self.act(Action::Verify(name.to_string()));
            }
            if verifying {
                ui.spinner();
            }
        });
        ui.separator();
        self.access_results(ui, name, p);
    }

    pub(super) fn access_tab(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        ui.horizontal(|ui| {
            let verifying = self.m.states.is_verifying(name);
            if ui
                .add_enabled(!verifying, egui::Button::new("Verify"))
                .clicked()
            {
                self.act(Action::Verify(name.to_string()));
            }
            if verifying {
                ui.spinner();
                ui.weak("Asking CDF...");
            } else {
                ui.weak("Asks CDF which projects and capabilities this token has.");
            }
        });
        self.access_results(ui, name, p);
    }

    fn access_results(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        let m = self.m;
        match m.states.access(name) {
            // A token profile asks on first open, once per token: a new token clears
            // the answer (events.rs), a failure stays until Verify.
            None if p.flow != crate::profile::Flow::ApiKey
                && m.states
                    .tokens(name)
                    .is_some_and(|t| t.seconds_left(self.now) > 0) =>
            {
                if !m.states.is_verifying(name) {
                    self.act(Action::Verify(name.to_string()));
                }
                ui.weak("Asking CDF...");
            }
            None => {
                ui.weak("Not checked yet.");
            }
            Some(Err(e)) => {
                if self.error_banner(ui, e) {
                    self.act(Action::Dismiss(Banner::Access(name.to_string())));
                }
            }
            Some(Ok(Access::ApiKey(status))) => {
                let ok = status.logged_in && status.project == p.project;
                let (text, color) = if ok {
                    (format!("The key works for {}", p.project), green())
                } else {
                    (
                        format!(
                            "The key belongs to project '{}', not '{}'",
                            status.project, p.project
                        ),
                        ui.visuals().warn_fg_color,
                    )
                };
                ui.label(RichText::new(text).strong().color(color));
                egui::Grid::new("login_status")
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.weak("User");
                        ui.label(&status.user);
                        ui.end_row();
                        ui.weak("Project");
                        ui.label(match status.project_id {
                            Some(id) => format!("{} (id {id})", status.project),
                            None => status.project.clone(),
                        });
                        ui.end_row();
                        ui.weak("Logged in");
                        ui.label(if status.logged_in { "yes" } else { "no" });
                        ui.end_row();
                    });
            }
            Some(Ok(Access::Token(i))) => self.inspection_view(ui, name, p, i),
        }
    }

    fn inspection_view(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile, i: &Inspection) {
        let color = match i.verdict(&p.project) {
            Verdict::Reachable => green(),
            Verdict::Unreachable { .. } => ui.visuals().error_fg_color,
        };
        ui.label(
            RichText::new(i.verdict_sentence(&p.project))
                .strong()
                .color(color),
        );
        ui.horizontal(|ui| {
            ui.weak("Subject");
            ui.monospace(&i.subject);
        });
        ui.add_space(4.0);
        ui.strong(format!("Projects ({})", i.projects.len()));
        let base_url = p.base_url();
        egui::Grid::new("access_projects")
            .num_columns(3)
            .striped(true)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for project in &i.projects {
                    ui.monospace(&project.name);
                    // Group ids are long: the count here, the ids on hover.
                    let groups = ui.weak(match project.groups.len() {
                        0 => "no groups".to_string(),
                        1 => "1 group".to_string(),
                        n => format!("{n} groups"),
                    });
                    if !project.groups.is_empty() {
                        groups.on_hover_text(format!("group ids: {}", project.groups.join(", ")));
                    }
                    let existing =
                        crate::cdf::profile_at(&self.m.profiles, &project.name, &base_url, name)
                            .map(str::to_string);
                    match existing {
                        Some(n) if n == name => {
                            ui.weak("this profile");
                        }
                        Some(n) => {
                            if ui.link(format!("profile {n}")).clicked() {
                                self.act(Action::Select(n));
                            }
                        }
                        None => {
                            if ui
                                .button(format!("Add profile for project {}", project.name))
                                .clicked()
                            {
                                self.act(Action::AddForProject {
                                    from: name.to_string(),
                                    project: project.name.clone(),
                                });
                            }
                        }
                    }
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let label = ui.label("Filter capabilities");
            ui.add(
                egui::TextEdit::singleline(&mut self.v.access_filter)
                    .hint_text("ACL, action, scope or project")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
        });
        let needle = self.v.access_filter.clone();
        let groups = i.by_acl();
        let shown: usize = groups
            .iter()
            .map(|(_, caps)| caps.iter().filter(|c| c.matches(&needle)).count())
            .sum();
        ui.weak(format!(
            "{shown} of {} capabilities in {} ACLs",
            i.capabilities.len(),
            groups.len()
        ));
        egui::ScrollArea::vertical()
            .id_salt("capabilities")
            .auto_shrink([false, true])
            .max_height(ui.available_height() - 8.0)
            .show(ui, |ui| {
                egui::Grid::new("capabilities")
                    .num_columns(4)
                    .striped(true)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        ui.strong("ACL");
                        ui.strong("Actions");
                        ui.strong("Scope");
                        ui.strong("Projects");
                        ui.end_row();
                        // Long actions and scopes wrap inside their columns.
                        let wrapped = |ui: &mut egui::Ui, text: String, width: f32, weak: bool| {
                            ui.scope(|ui| {
                                ui.set_max_width(width);
                                let text = if weak {
                                    RichText::new(text).weak()
                                } else {
                                    RichText::new(text)
                                };
                                ui.add(egui::Label::new(text).wrap());
                            });
                        };
                        for (acl, caps) in &groups {
                            let mut first = true;
                            for cap in caps.iter().filter(|c| c.matches(&needle)) {
                                if first {
                                    ui.strong(*acl);
                                    first = false;
                                } else {
                                    ui.label("");
                                }
                                wrapped(ui, cap.actions.join(", "), 170.0, false);
                                wrapped(ui, cap.scope.to_string(), 230.0, false);
                                // Capabilities for other projects only are greyed out.
                                wrapped(
                                    ui,
                                    cap.projects.to_string(),
                                    140.0,
                                    !cap.applies_to(&p.project),
                                );
                                ui.end_row();
                            }
                        }
                    });
            });
    }
}

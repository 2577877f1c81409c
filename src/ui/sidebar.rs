//! The profiles sidebar: Add and Import, the filter, and the profiles grouped by cluster
//! and tenant (only the rows in view are laid out).

use eframe::egui::{self, Color32, RichText};

use super::action::Action;
use super::views::Draw;
use crate::profile::Flow;

const ROW_HEIGHT: f32 = 22.0;

/// A sidebar row: a group heading or a profile.
enum Row {
    Group(String),
    Profile(String),
    /// A profile set aside when the file was read: greyed, with Edit and Delete.
    Invalid(String),
    /// What is wrong with it, under it.
    Problem(String),
}

impl Draw<'_> {
    pub(super) fn sidebar(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            if ui.button("Add profile").clicked() {
                self.act(Action::NewProfile);
            }
            if ui
                .button("Import .env")
                .on_hover_text("Make a profile from a cognite-toolkit .env file")
                .clicked()
            {
                self.act(Action::OpenImport);
            }
        });
        let label = ui.label("Filter profiles");
        ui.add(
            egui::TextEdit::singleline(&mut self.v.filter)
                .hint_text("name, project, cluster")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        ui.separator();
        let rows = self.sidebar_rows();
        if rows.is_empty() && self.m.loaded {
            ui.weak(if self.m.profiles.profiles.is_empty() {
                "No profiles yet."
            } else {
                "No profile matches."
            });
        }
        // Only the visible rows are laid out, so thousands of profiles stay smooth.
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
                ui.with_layout(egui::Layout::top_down_justified(egui::Align::LEFT), |ui| {
                    ui.spacing_mut().item_spacing.y = 0.0;
                    for row in &rows[range] {
                        match row {
                            Row::Group(g) => {
                                ui.allocate_ui([ui.available_width(), ROW_HEIGHT].into(), |ui| {
                                    ui.add_space(6.0);
                                    ui.label(RichText::new(g).small().weak());
                                });
                            }
                            Row::Profile(name) => self.sidebar_row(ui, name),
                            Row::Invalid(name) => self.invalid_row(ui, name),
                            Row::Problem(problem) => {
                                ui.allocate_ui([ui.available_width(), ROW_HEIGHT].into(), |ui| {
                                    // Under its profile's name, indented like it.
                                    ui.horizontal_top(|ui| {
                                        ui.add_space(16.0);
                                        ui.add(
                                            egui::Label::new(RichText::new(problem).small().weak())
                                                .truncate(),
                                        )
                                        .on_hover_text(problem);
                                    });
                                });
                            }
                        }
                    }
                });
            });
    }

    fn sidebar_rows(&self) -> Vec<Row> {
        let needle = self.v.filter.trim().to_lowercase();
        let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (name, p) in &self.m.profiles.profiles {
            let hay =
                format!("{name} {} {} {}", p.project, p.cluster, p.tenant_text()).to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                let group = if p.flow == Flow::ApiKey {
                    format!("{} · legacy API keys", p.cluster)
                } else {
                    format!("{} · {}", p.cluster, p.tenant_text())
                };
                groups.entry(group).or_default().push(name.clone());
            }
        }
        let mut rows = Vec::new();
        for (group, names) in groups {
            rows.push(Row::Group(group));
            rows.extend(names.into_iter().map(Row::Profile));
        }
        let invalid = &self.m.profiles.invalid;
        if !invalid.is_empty() {
            rows.push(Row::Group("not used · fix or delete".into()));
            for (name, profile) in invalid {
                rows.push(Row::Invalid(name.clone()));
                rows.push(Row::Problem(profile.problem.clone()));
            }
        }
        rows
    }

    /// A profile that breaks a rule: its name greyed (it cannot be selected), and the
    /// two ways out.
    fn invalid_row(&mut self, ui: &mut egui::Ui, name: &str) {
        ui.allocate_ui([ui.available_width(), ROW_HEIGHT].into(), |ui| {
            ui.horizontal(|ui| {
                ui.add_space(8.0);
                ui.add(
                    egui::Label::new(RichText::new(name.escape_debug().to_string()).weak())
                        .truncate(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let delete = format!("Delete {}", name.escape_debug());
                    if ui
                        .small_button("Delete...")
                        .on_hover_text(&delete)
                        .clicked()
                    {
                        self.act(Action::AskDelete(Some(name.to_string())));
                    }
                    let edit = format!("Edit {}", name.escape_debug());
                    if ui.small_button("Edit").on_hover_text(&edit).clicked() {
                        self.act(Action::EditProfile {
                            name: name.to_string(),
                            duplicate: false,
                        });
                    }
                });
            });
        });
    }

    fn sidebar_row(&mut self, ui: &mut egui::Ui, name: &str) {
        let is_default = self.m.profiles.default.as_deref() == Some(name);
        let signed_in = self
            .m
            .states
            .tokens(name)
            .is_some_and(|t| t.seconds_left(self.now) > 0);
        let mut text = format!("    {name}");
        if self
            .m
            .profiles
            .profiles
            .get(name)
            .is_some_and(|p| p.flow == Flow::ApiKey)
        {
            text.push_str("  (legacy)");
        }
        if is_default {
            text.push_str("  (default)");
        }
        if self.m.states.error(name).is_some() {
            text.push_str("  (error)");
        }
        let selected = self.m.selected.as_deref() == Some(name);
        let response = ui.add(
            egui::Button::selectable(selected, text)
                .min_size([ui.available_width(), ROW_HEIGHT].into()),
        );
        // A dot for "has a valid token": green when signed in, hollow when not.
        let center = egui::pos2(response.rect.left() + 12.0, response.rect.center().y);
        let green = Color32::from_rgb(34, 160, 80);
        if signed_in {
            ui.painter().circle_filled(center, 4.0, green);
        } else {
            ui.painter().circle_stroke(
                center,
                4.0,
                egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            );
        }
        if response.clicked() {
            self.act(Action::Select(name.to_string()));
        }
        response.context_menu(|ui| {
            let name = name.to_string();
            if ui.button("Edit").clicked() {
                self.act(Action::EditProfile {
                    name: name.clone(),
                    duplicate: false,
                });
                ui.close();
            }
            if ui.button("Duplicate").clicked() {
                self.act(Action::EditProfile {
                    name: name.clone(),
                    duplicate: true,
                });
                ui.close();
            }
            if ui.button("Make default").clicked() {
                self.act(Action::SetDefault(name.clone()));
                ui.close();
            }
            if ui.button("Delete...").clicked() {
                self.act(Action::AskDelete(Some(name)));
                ui.close();
            }
        });
    }
}

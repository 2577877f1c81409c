//! The profiles sidebar: Add and Import, the filter, and the profiles grouped by cluster
//! and tenant (only the rows in view are laid out).

use eframe::egui::{self, Color32, RichText};

use super::action::Action;
use super::views::Draw;
use crate::profile::Flow;

const ROW_HEIGHT: f32 = 22.0;

/// A sidebar row: a group heading (what it shows, and its tooltip) or a profile.
enum Row {
    Group {
        title: String,
        /// A shorter title for a narrow sidebar: the tenant's GUID cut to its first
        /// part, the cluster whole.
        short: Option<String>,
        tooltip: String,
    },
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
                            Row::Group {
                                title,
                                short,
                                tooltip,
                            } => {
                                ui.allocate_ui([ui.available_width(), ROW_HEIGHT].into(), |ui| {
                                    ui.add_space(4.0);
                                    let titles: Vec<String> =
                                        std::iter::once(title).chain(short).cloned().collect();
                                    let shown = super::fit::first_fitting(
                                        ui,
                                        &titles,
                                        egui::TextStyle::Body,
                                        ui.available_width(),
                                    );
                                    let response = ui
                                        .add(
                                            egui::Label::new(RichText::new(shown).strong())
                                                .truncate(),
                                        )
                                        .on_hover_text(tooltip);
                                    response.widget_info(|| {
                                        egui::WidgetInfo::labeled(egui::Role::Label, true, title)
                                    });
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
        let mut groups: std::collections::BTreeMap<String, (Option<String>, Vec<String>)> =
            Default::default();
        for (name, p) in &self.m.profiles.profiles {
            let org = p.org.as_deref().unwrap_or_default();
            let hay = format!(
                "{name} {} {} {} {org}",
                p.project,
                p.cluster,
                p.tenant_text()
            )
            .to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                // The tenant as the profile has it: a domain stays a domain; a Cognite
                // organization's profiles have no tenant but the organization.
                let group = match &p.org {
                    _ if p.flow == Flow::ApiKey => format!("{} · legacy API keys", p.cluster),
                    Some(org) => format!("{} · organization {org}", p.cluster),
                    None => format!("{} · {}", p.cluster, p.tenant_text()),
                };
                let short = (p.org.is_none()
                    && p.flow != Flow::ApiKey
                    && crate::profile::is_guid(&p.tenant_id))
                .then(|| format!("{} · {}…", p.cluster, &p.tenant_id[..8]));
                let entry = groups.entry(group).or_default();
                entry.0 = short;
                entry.1.push(name.clone());
            }
        }
        let mut rows = Vec::new();
        for (title, (short, names)) in groups {
            let tooltip = self.group_tooltip(&names);
            rows.push(Row::Group {
                title,
                short,
                tooltip,
            });
            rows.extend(names.into_iter().map(Row::Profile));
        }
        let invalid = &self.m.profiles.invalid;
        if !invalid.is_empty() {
            rows.push(Row::Group {
                title: "not used · fix or delete".into(),
                short: None,
                tooltip: "Profiles the file has but that break a rule: edit or delete them".into(),
            });
            for (name, profile) in invalid {
                rows.push(Row::Invalid(name.clone()));
                rows.push(Row::Problem(profile.problem.clone()));
            }
        }
        rows
    }

    /// The group's cluster and tenant in full: the tenant's GUID when the profile has
    /// one, or when a token of the group says which it is (a domain's `tid`).
    fn group_tooltip(&self, names: &[String]) -> String {
        let Some(p) = names.first().and_then(|n| self.m.profiles.profiles.get(n)) else {
            return String::new();
        };
        if p.flow == Flow::ApiKey {
            return format!("Cluster {}: profiles with a legacy API key", p.cluster);
        }
        if let Some(org) = &p.org {
            return format!(
                "Cluster {}, Cognite organization {org} (one sign-in for all its projects)",
                p.cluster
            );
        }
        let guid = if crate::profile::is_guid(&p.tenant_id) {
            Some(p.tenant_id.clone())
        } else {
            names.iter().find_map(|n| {
                let t = self.m.states.tokens(n)?;
                t.facts.tenant_id.clone()
            })
        };
        match guid {
            Some(g) if g != p.tenant_id => format!(
                "Cluster {}, tenant {} (tenant id {g})",
                p.cluster,
                p.tenant_text()
            ),
            Some(g) => format!("Cluster {}, tenant id {g}", p.cluster),
            None => format!("Cluster {}, tenant {}", p.cluster, p.tenant_text()),
        }
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
        let p = self.m.profiles.profiles.get(name);
        // The row's parts, each with how long it stays when the row is narrow: the name
        // and PRODUCTION always, an error next, then the project, the time left, and
        // first to go "(legacy)" and "(default)". The hover text has them all.
        let production = if p.is_some_and(|p| p.production) {
            "PRODUCTION"
        } else {
            ""
        };
        let project = p.map(|p| p.project.as_str()).unwrap_or_default();
        // The time left, in minutes: the row is redrawn when the minute changes.
        let mut left = String::new();
        if let Some(t) = self.m.states.tokens(name).filter(|_| signed_in) {
            let ms = (t.expires_at - self.now).num_milliseconds();
            left = format!("· {} left", row_countdown(t.seconds_left(self.now)));
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(
                    (ms % 60_000).max(50) as u64
                ));
        }
        let legacy = if p.is_some_and(|p| p.flow == Flow::ApiKey) {
            "(legacy)"
        } else {
            ""
        };
        let default = if is_default { "(default)" } else { "" };
        let error = if self.m.states.error(name).is_some() {
            "(error)"
        } else {
            ""
        };
        let parts = [
            (name, 9),
            (production, 9),
            (project, 3),
            (left.as_str(), 2),
            (legacy, 1),
            (default, 0),
            (error, 8),
        ];
        // Four spaces keep the dot's place.
        let candidates: Vec<String> = super::fit::dropping(&parts, "  ")
            .into_iter()
            .map(|c| format!("    {c}"))
            .collect();
        let whole = candidates[0].clone();
        let room = ui.available_width() - 2.0 * ui.spacing().button_padding.x;
        let shown = super::fit::first_fitting(ui, &candidates, egui::TextStyle::Button, room);
        // Whole on hover when anything is left out.
        let cut =
            shown != whole || super::fit::text_width(ui, shown, egui::TextStyle::Button) > room;
        let selected = self.m.selected.as_deref() == Some(name);
        let mut response = ui.add(
            egui::Button::selectable(selected, shown)
                .truncate()
                .min_size([ui.available_width(), ROW_HEIGHT].into()),
        );
        if cut {
            response = response.on_hover_text(whole.trim_start());
        }
        // Its accessible name is the whole row, whatever the width shows.
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::Button, true, selected, whole.as_str())
        });
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

/// Whole minutes (or hours and minutes) left, as the token view counts them, short
/// enough for a sidebar row.
fn row_countdown(secs: i64) -> String {
    let mins = secs.max(0) / 60;
    match mins {
        0 => "<1 min".into(),
        m if m >= 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_whole_minutes_and_guids_are_told_from_domains() {
        assert_eq!(row_countdown(59), "<1 min");
        assert_eq!(row_countdown(3599), "59 min");
        assert_eq!(row_countdown(3600), "1 h 00 min");
        assert_eq!(row_countdown(3661), "1 h 01 min");
        assert!(crate::profile::is_guid(
            "11111111-2222-3333-4444-555555555555"
        ));
        assert!(!crate::profile::is_guid("contoso.onmicrosoft.com"));
        assert!(!crate::profile::is_guid("test-tenant"));
    }
}

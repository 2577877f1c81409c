//! The Check panel: the doctor's chain as a checklist (each failure with its fix in the
//! window's words), a field for the capabilities the work needs with known ACL names
//! offered as they are typed, and Copy details.

use eframe::egui::{self, Color32, RichText};

use super::action::Action;
use super::state::Check;
use super::views::Draw;
use super::wording;
use crate::cdf::Access;
use crate::doctor::need::suggestions;
use crate::doctor::{Health, Report, Status};

/// How many suggestions show under the field.
const SUGGESTIONS: usize = 6;

fn green() -> Color32 {
    Color32::from_rgb(34, 160, 80)
}

/// The text behind Copy details: one line per step, fixes in the window's words.
pub fn details(report: &Report) -> String {
    let mut out = format!(
        "cdf-signin {} check of profile '{}'\n",
        env!("CARGO_PKG_VERSION"),
        report.profile
    );
    for (n, s) in report.steps.iter().enumerate() {
        out.push_str(&format!(
            "{}. [{}] {}: {}\n",
            n + 1,
            s.status.as_str(),
            s.id.title(),
            s.detail
        ));
        if let Some(fix) = &s.fix {
            out.push_str(&format!("   fix: {}\n", wording::remedy(fix)));
        }
    }
    out
}

/// The word being typed: what follows the last comma or space.
fn last_word(text: &str) -> &str {
    text.rsplit([',', ' ', '\n']).next().unwrap_or_default()
}

impl Draw<'_> {
    pub(super) fn check_panel(&mut self, ui: &mut egui::Ui, name: &str) {
        let m = self.m;
        let Some(check) = m.states.check(name) else {
            return;
        };
        egui::Frame::group(ui.style())
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Check").strong().size(16.0));
                    ui.weak("from the profile to the capabilities CDF grants");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.small_button("Close check").clicked() {
                            self.act(Action::CloseCheck(name.to_string()));
                        }
                    });
                });
                self.needs_field(ui, name, matches!(check, Check::Running));
                ui.add_space(4.0);
                match check {
                    Check::Running => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.weak("Checking...");
                        });
                    }
                    Check::Done(Err(e)) => {
                        if self.error_banner(ui, e) {
                            self.act(Action::CloseCheck(name.to_string()));
                        }
                    }
                    Check::Done(Ok(report)) => self.checklist(ui, report),
                }
            });
        ui.add_space(6.0);
    }

    fn needs_field(&mut self, ui: &mut egui::Ui, name: &str, running: bool) {
        ui.horizontal(|ui| {
            let label = ui.label("Needed capabilities");
            ui.add(
                egui::TextEdit::singleline(&mut self.v.check_needs)
                    .hint_text("assetsAcl:READ, timeSeriesAcl:WRITE")
                    .desired_width(360.0),
            )
            .labelled_by(label.id);
            if ui
                .add_enabled(!running, egui::Button::new("Check again"))
                .clicked()
            {
                self.act(Action::Check(name.to_string()));
            }
        });
        // ACL names CDF knows, and those the last Verify showed, offered for the word
        // being typed; a click completes it.
        let m = self.m;
        let seen: Vec<&str> = match m.states.access(name) {
            Some(Ok(Access::Token(i))) => i.capabilities.iter().map(|c| c.acl.as_str()).collect(),
            _ => Vec::new(),
        };
        let typed = last_word(&self.v.check_needs).to_string();
        let offered = suggestions(&typed, &seen, SUGGESTIONS);
        if offered.is_empty() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.weak("Known:");
            for s in offered {
                if ui.small_button(s.as_str()).clicked() {
                    let keep = self.v.check_needs.len() - typed.len();
                    self.v.check_needs.truncate(keep);
                    self.v.check_needs.push_str(&s);
                }
            }
        });
    }

    fn checklist(&mut self, ui: &mut egui::Ui, report: &Report) {
        let (summary, color) = match report.health() {
            Health::Healthy => ("Every step passed".to_string(), green()),
            Health::Broken | Health::SignInRequired => {
                let n = report.failed().count();
                (
                    format!("{n} of {} steps failed", report.steps.len()),
                    ui.visuals().error_fg_color,
                )
            }
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(summary).strong().color(color));
            if ui.button("Copy details").clicked() {
                self.act(Action::CopyPlain {
                    text: details(report),
                    what: "the check's details",
                });
            }
        });
        egui::Grid::new("checklist")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                for step in &report.steps {
                    let (mark, color) = match step.status {
                        Status::Passed => ("passed", green()),
                        Status::Failed => ("failed", ui.visuals().error_fg_color),
                        Status::Skipped => ("skipped", ui.visuals().weak_text_color()),
                    };
                    ui.label(RichText::new(mark).strong().color(color));
                    ui.vertical(|ui| {
                        ui.label(RichText::new(step.id.title()).strong());
                        ui.add(egui::Label::new(&step.detail).wrap());
                        if let Some(fix) = &step.fix {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(format!("Fix: {}", wording::remedy(fix)))
                                        .color(ui.visuals().warn_fg_color),
                                )
                                .wrap(),
                            );
                        }
                    });
                    ui.end_row();
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_being_typed_is_the_last_one() {
        assert_eq!(last_word("assetsAcl:READ, time"), "time");
        assert_eq!(last_word("raw"), "raw");
        assert_eq!(last_word("assetsAcl:READ "), "");
    }
}

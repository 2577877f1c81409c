//! The suggestion to mark a profile as production, on the view of a profile that an
//! import or an organization's sign-in made for a project that looks like production.
//! The words are the editor's, beside its checkbox, where the mark is set.

use eframe::egui;

use super::action::{Action, Banner};
use super::views::Draw;
use super::wording::LOOKS_LIKE_PRODUCTION;
use crate::profile::Profile;

impl Draw<'_> {
    /// One line under the header while the suggestion stands: gone once the profile is
    /// marked (or its project changed), or dismissed.
    pub(super) fn production_suggestion(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        let suggested = self
            .m
            .states
            .get(name)
            .is_some_and(|s| s.production_suggested);
        if !suggested || !crate::app::suggest_production(&p.project, p.production) {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("{LOOKS_LIKE_PRODUCTION}: {}", p.project))
                    .color(ui.visuals().warn_fg_color),
            );
            if ui
                .small_button("Mark as production in Edit")
                .on_hover_text("Opens the editor; its Production checkbox sets the mark")
                .clicked()
            {
                self.act(Action::EditProfile {
                    name: name.to_string(),
                    duplicate: false,
                });
            }
            if ui.small_button("Not production").clicked() {
                self.act(Action::Dismiss(Banner::Production(name.to_string())));
            }
        });
    }
}

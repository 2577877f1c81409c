//! The keyboard's way to another profile: Ctrl+K (Cmd+K on macOS) opens a box; typing
//! filters the profiles by name, project and cluster; Enter switches to the first one
//! listed, Escape closes. The keys themselves are read in `App::input_actions`, before
//! any widget sees them.

use eframe::egui::{self, RichText};

use super::action::Action;
use super::views::Draw;
use crate::profile::ProfileFile;

/// The profiles `query` finds, in the file's order: every word of it is in the name,
/// the project or the cluster (case ignored).
pub fn matches(file: &ProfileFile, query: &str) -> Vec<String> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    file.profiles
        .iter()
        .filter(|(name, p)| {
            let hay = format!("{name} {} {}", p.project, p.cluster).to_lowercase();
            words.iter().all(|w| hay.contains(w))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

impl Draw<'_> {
    pub(super) fn switcher_window(&mut self, ctx: &egui::Context) {
        let Some(query) = self.v.switcher.as_mut() else {
            return;
        };
        let mut chosen = None;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("switcher")).show(ctx, |ui| {
            ui.set_width(420.0);
            let label = ui.label(RichText::new("Switch to profile").strong());
            let field = ui
                .add(
                    egui::TextEdit::singleline(query)
                        .hint_text("name, project or cluster")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            // Typing goes to the field from the moment the box opens.
            if !field.has_focus() {
                field.request_focus();
            }
            let found = matches(&self.m.profiles, query);
            if found.is_empty() {
                ui.weak("No profile matches.");
            }
            for (i, name) in found.iter().enumerate().take(20) {
                let Some(p) = self.m.profiles.profiles.get(name) else {
                    continue;
                };
                // The first is what Enter picks: it is shown selected.
                let text = format!("{name}  ·  {} · {}", p.project, p.cluster);
                if ui.selectable_label(i == 0, text).clicked() {
                    chosen = Some(name.clone());
                }
            }
            ui.weak("Enter switches to the first one; Escape closes.");
        });
        if modal.should_close() {
            close = true;
        }
        if let Some(name) = chosen {
            self.act(Action::Select(name));
        } else if close {
            self.act(Action::CloseSwitcher);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_be_found_in_the_name_project_or_cluster() {
        let file: ProfileFile = toml::from_str(
            "[profiles.dev]\ncluster='westeurope-1'\nproject='contoso-dev'\ntenant_id='t'\nclient_id='c'\nflow='interactive'\n\
             [profiles.prod]\ncluster='az-eastus-1'\nproject='contoso-prod'\ntenant_id='t'\nclient_id='c'\nflow='interactive'\n",
        )
        .unwrap();
        assert_eq!(matches(&file, ""), ["dev", "prod"]);
        assert_eq!(matches(&file, "PROD"), ["prod"]);
        assert_eq!(matches(&file, "contoso west"), ["dev"]);
        assert!(matches(&file, "nothing").is_empty());
    }
}

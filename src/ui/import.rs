//! The Import .env dialog: a path (typed, browsed or dropped on the window), Import, the
//! endpoints to confirm when they are not the provider's defaults, a free name when the
//! project's is taken, and the error inline.

use std::path::PathBuf;

use eframe::egui;

use super::action::Action;
use super::views::Draw;

impl Draw<'_> {
    /// The Import .env window: a path, Import, and the error inline.
    pub(super) fn import_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.v.import else {
            return;
        };
        let mut open = true;
        let mut import = None;
        let mut confirmed = None;
        let mut browse = false;
        egui::Window::new("Import .env")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(format!("A cognite-toolkit .env file becomes a profile; its client secret goes to the {}. You can also drop the file on the window.", super::wording::KEYRING));
                let label = ui.label("File");
                let field = ui
                    .horizontal(|ui| {
                        let field = ui
                            .add(
                                egui::TextEdit::singleline(&mut dialog.path)
                                    .desired_width(340.0)
                                    .hint_text(super::wording::example_path(".env")),
                            )
                            .labelled_by(label.id);
                        browse = ui
                            .add_enabled(!dialog.busy, egui::Button::new("Browse…"))
                            .on_hover_text("Choose the .env file in a file dialog")
                            .clicked();
                        field
                    })
                    .inner;
                if field.changed() {
                    dialog.confirm = None;
                }
                if let Some(name) = &mut dialog.name {
                    let label = ui.label("Profile name");
                    ui.add(egui::TextEdit::singleline(name).desired_width(420.0))
                        .labelled_by(label.id);
                }
                if let Some(endpoints) = &dialog.confirm {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "This file sends sign-ins or secrets to endpoints that are not the provider's defaults:",
                    );
                    for e in endpoints {
                        ui.label(format!("• {e}"));
                    }
                    ui.weak("Import it only if you trust where the file came from.");
                }
                if let Some(e) = &dialog.error {
                    ui.colored_label(ui.visuals().error_fg_color, &e.message);
                    if let Some(h) = &e.hint {
                        ui.weak(h);
                    }
                }
                ui.horizontal(|ui| {
                    // While the endpoints wait for a decision, the only ways on are an
                    // explicit "Import anyway" or Cancel; Enter does not confirm.
                    if dialog.confirm.is_some() {
                        if ui.button("Import anyway").clicked() {
                            confirmed = Some(PathBuf::from(dialog.path.trim()));
                        }
                        if ui.button("Cancel").clicked() {
                            dialog.confirm = None;
                        }
                        return;
                    }
                    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if ui
                        .add_enabled(!dialog.busy, egui::Button::new("Import"))
                        .clicked()
                        || (enter && !dialog.busy)
                    {
                        import = Some(PathBuf::from(dialog.path.trim()));
                    }
                    if dialog.busy {
                        ui.spinner();
                    }
                });
            });
        if !open {
            self.act(Action::CloseImport);
        }
        if browse {
            self.act(Action::PickFile(None));
        }
        if let Some(path) = import {
            self.act(Action::Import(path));
        }
        if let Some(path) = confirmed {
            self.act(Action::ImportConfirmed(path));
        }
    }
}

//! The About box: version, licence, and where settings and secrets live, so that a user
//! (or a support request) can find them without reading the docs.

use eframe::egui;

use super::action::Action;
use super::views::Draw;

impl Draw<'_> {
    pub(super) fn about_window(&mut self, ctx: &egui::Context) {
        if !self.m.about_open {
            return;
        }
        let info = self.m.about.clone();
        let logo = self.about_logo(ctx);
        egui::Window::new("About cdf-signin")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    if let Some(texture) = &logo {
                        ui.add(
                            egui::Image::from_texture(egui::load::SizedTexture::from_handle(
                                texture,
                            ))
                            .fit_to_exact_size(egui::vec2(64.0, 64.0))
                            .alt_text("cdf-signin icon"),
                        );
                    }
                    ui.vertical(|ui| {
                        ui.heading("cdf-signin");
                        ui.label(format!("Version {}", info.version));
                        ui.label("Sign in to Cognite Data Fusion and get access tokens.");
                        ui.label("Licence: Apache-2.0");
                    });
                });
                ui.separator();
                ui.strong("Where your settings live");
                egui::Grid::new("about_settings")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        row(ui, "Profiles", &info.profiles_file.display().to_string());
                        row(ui, "Window settings", &info.settings_text());
                        row(
                            ui,
                            "Discovery cache",
                            &info.discovery_dir.display().to_string(),
                        );
                    });
                ui.add_space(6.0);
                ui.strong("Where your secrets live");
                egui::Grid::new("about_secrets")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        row(ui, "Client secrets and token keys", info.keyring_text());
                        row(
                            ui,
                            "Tokens",
                            &format!(
                                "{} (encrypted with XChaCha20-Poly1305; the key is kept with the client secrets)",
                                info.token_dir.display()
                            ),
                        );
                    });
                if info.plain_text {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "File storage is chosen: client secrets and the token key are plain files (0600), readable by anything that runs as you.",
                    );
                } else {
                    ui.weak("Nothing secret is ever written in plain text.");
                }
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui.button("Copy details").clicked() {
                        self.act(Action::CopyPlain {
                            text: info.as_text(),
                            what: "the details",
                        });
                    }
                    if ui.button("Close").clicked() {
                        self.act(Action::CloseAbout);
                    }
                });
            });
    }

    /// The icon for the box, uploaded once; none if it does not decode.
    fn about_logo(&mut self, ctx: &egui::Context) -> Option<egui::TextureHandle> {
        if self.v.about_logo.is_none() {
            let icon = super::icon::about_icon()?;
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [icon.width as usize, icon.height as usize],
                &icon.rgba,
            );
            self.v.about_logo =
                Some(ctx.load_texture("about-logo", image, egui::TextureOptions::LINEAR));
        }
        self.v.about_logo.clone()
    }
}

/// A name and a value; the value wraps and can be selected (to copy a path).
fn row(ui: &mut egui::Ui, name: &str, value: &str) {
    ui.label(name);
    ui.scope(|ui| {
        ui.set_max_width(380.0);
        ui.add(egui::Label::new(value).wrap().selectable(true));
    });
    ui.end_row();
}

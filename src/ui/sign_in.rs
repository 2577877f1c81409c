//! A profile that is not signed in: its Sign in (or Get token) button, and the sign-in
//! under way (the browser wait with its address, the device code with its countdown).

use eframe::egui::{self, RichText};

use super::action::Action;
use super::editor::flow_sentence;
use super::state::SignIn;
use super::views::Draw;
use crate::auth::SignInPrompt;
use crate::format::countdown;
use crate::profile::{Flow, Profile};

impl Draw<'_> {
    pub(super) fn signed_out_panel(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        ui.label(flow_sentence(p.flow));
        ui.add_space(8.0);
        let (label, what) = match p.flow {
            Flow::ClientCredentials => ("Get token", "Gets a token for the service principal."),
            Flow::Interactive => ("Sign in", "Opens your browser to sign in."),
            Flow::DeviceCode => ("Sign in", "Shows a code to enter on any device."),
            Flow::ApiKey => ("Verify key", "Asks CDF whether the key is accepted."),
        };
        let button = ui.add(
            egui::Button::new(RichText::new(label).size(16.0))
                .fill(ui.visuals().selection.bg_fill)
                .min_size([140.0, 32.0].into()),
        );
        // Once the cache has been read: a cached token would make Copy the primary one.
        if self.v.focus_primary && self.m.states.get(name).is_some_and(|s| s.cache_read) {
            button.request_focus();
            self.v.focus_primary = false;
        }
        ui.weak(what);
        if button.clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            self.act(Action::SignIn(name.to_string()));
        }
    }

    pub(super) fn sign_in_panel(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        p: &Profile,
        state: &SignIn,
    ) {
        let now = self.now;
        match state {
            SignIn::Starting => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(if p.flow == Flow::ClientCredentials {
                        "Getting a token..."
                    } else {
                        "Starting sign-in..."
                    });
                });
            }
            SignIn::Waiting(SignInPrompt::Browser { url, opened }) => {
                ui.heading("Waiting for you to finish in the browser");
                if let Err(e) = opened {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("The browser did not open ({e}). Open the address below yourself."),
                    );
                }
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(
                        "Sign in and consent in the browser tab; this window updates by itself.",
                    );
                });
                ui.add_space(6.0);
                let mut shown = url.clone();
                let label = ui.label("Sign-in address");
                ui.add(
                    egui::TextEdit::multiline(&mut shown)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY)
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(label.id);
                ui.horizontal(|ui| {
                    if ui.button("Copy address").clicked() {
                        self.act(Action::CopyPlain {
                            text: url.clone(),
                            what: "the sign-in address",
                        });
                    }
                    if ui.button("Open again").clicked() {
                        self.act(Action::OpenUrl(url.clone()));
                    }
                });
            }
            SignIn::Waiting(SignInPrompt::DeviceCode(d)) => {
                ui.heading("Enter this code to sign in");
                ui.add_space(6.0);
                ui.label(RichText::new(&d.user_code).monospace().size(40.0).strong());
                ui.horizontal(|ui| {
                    if ui.button("Copy code").clicked() {
                        self.act(Action::CopyPlain {
                            text: d.user_code.clone(),
                            what: "the code",
                        });
                    }
                    if ui.button("Open verification page").clicked() {
                        let target = d
                            .verification_uri_complete
                            .clone()
                            .unwrap_or_else(|| d.verification_uri.clone());
                        self.act(Action::OpenUrl(target));
                    }
                });
                ui.label(format!("at {}", d.verification_uri));
                let left = (d.expires_at - now).num_seconds();
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!(
                        "Waiting for you to sign in. The code expires in {}.",
                        countdown(left)
                    ));
                });
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs(1));
            }
        }
        ui.add_space(10.0);
        if p.flow != Flow::ClientCredentials && ui.button("Cancel").clicked() {
            self.act(Action::CancelSignIn(name.to_string()));
        }
    }
}

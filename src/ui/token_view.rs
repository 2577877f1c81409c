//! A signed-in profile: status, expiry countdown and lifetime bar, the copy buttons, and
//! the Claims and Access tabs.

use eframe::egui::{self, Color32, RichText};

use super::action::Action;
use super::state::{ShownToken, TokenFacts};
use super::views::Draw;
use crate::format::{claim_meaning_from, claim_value_in_table, countdown, local_time};
use crate::profile::Profile;
use crate::secrets::Secret;
use crate::token::Jwt;

impl Draw<'_> {
    pub(super) fn token_view(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        p: &Profile,
        tokens: &ShownToken,
    ) {
        let now = self.now;
        let left = tokens.seconds_left(now);
        let lifetime = tokens.lifetime_secs().unwrap_or(3600);
        let renews = p.renews_silently(tokens.renewable);
        let (status, color) = if left <= 0 {
            ("Expired", ui.visuals().error_fg_color)
        } else if left < super::renewal::renew_margin(tokens) {
            ("Expiring", ui.visuals().warn_fg_color)
        } else {
            ("Valid", Color32::from_rgb(34, 160, 80))
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(status).strong().color(color).size(18.0));
            ui.label(format!("until {}", local_time(tokens.expires_at)));
            ui.weak(if left > 0 {
                format!("({} left)", countdown(left))
            } else {
                "(sign in again or renew)".into()
            });
        });
        // Profiles sharing an account each say whose sign-in serves them.
        if let Some(who) = tokens.signed_in_as() {
            ui.label(format!("Signed in as {who}"));
        }
        let fraction = (left as f32 / lifetime as f32).clamp(0.0, 1.0);
        ui.add(egui::ProgressBar::new(fraction).desired_width(ui.available_width().min(480.0)));
        if left > 0 {
            ui.ctx()
                .request_repaint_after(crate::format::countdown_next_change_ms(
                    (tokens.expires_at - now).num_milliseconds(),
                ));
        }
        ui.add_space(6.0);
        // Copying, then the session: each group stays on one row.
        super::fit::button_groups(ui, "token-buttons", 2, |ui, group| {
            if group == 0 {
                self.copy_buttons(ui, tokens);
            } else {
                self.session_buttons(ui, name, p, renews);
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.weak("For scripts:");
            self.script_buttons(ui, name, p, tokens);
        });
        if renews {
            let mut auto = self.v.settings.auto_refresh_for(name);
            if ui
                .checkbox(&mut auto, "Renew automatically before expiry")
                .changed()
            {
                self.act(Action::SetAutoRefresh {
                    profile: name.to_string(),
                    on: auto,
                });
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.v.tab, super::model::Tab::Claims, "Claims");
            ui.selectable_value(&mut self.v.tab, super::model::Tab::Access, "Access");
        });
        match (self.v.tab, &tokens.facts.jwt) {
            (super::model::Tab::Access, _) => self.access_tab(ui, name, p),
            (super::model::Tab::Claims, Some(jwt)) => claims_table(ui, jwt, &tokens.facts),
            (super::model::Tab::Claims, None) => {
                ui.weak("The access token is not a JWT, so it has no claims to show.");
            }
        }
    }

    fn copy_buttons(&mut self, ui: &mut egui::Ui, tokens: &ShownToken) {
        // Cmd+Shift+C on macOS, Ctrl+Shift+C elsewhere.
        let shortcut = super::keys::copy_token_keys(ui.ctx().os());
        let copy = ui
            .add(egui::Button::new("Copy access token").shortcut_text(shortcut.as_str()))
            .on_hover_text(format!(
                "Copy the access token; {shortcut} does it from anywhere in the window"
            ));
        // The shortcut is shown on the button; its name stays the action's.
        copy.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, "Copy access token")
        });
        if self.v.focus_primary {
            copy.request_focus();
            self.v.focus_primary = false;
        }
        if copy.clicked() {
            self.act(Action::CopySecret {
                text: tokens.access_token.clone(),
                what: "the access token",
            });
        }
        if ui.button("Copy as Authorization header").clicked() {
            self.act(Action::CopySecret {
                text: Secret::new(format!(
                    "Authorization: Bearer {}",
                    tokens.access_token.expose()
                )),
                what: "the Authorization header",
            });
        }
        if let Some(id) = &tokens.id_token
            && ui.button("Copy ID token").clicked()
        {
            self.act(Action::CopySecret {
                text: id.clone(),
                what: "the ID token",
            });
        }
    }

    fn session_buttons(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile, renews: bool) {
        if renews
            && ui
                .add_enabled(
                    !self.m.states.is_renewing(name),
                    egui::Button::new("Renew now"),
                )
                .clicked()
        {
            self.act(Action::RenewNow(name.to_string()));
        }
        if p.flow.is_user_flow() && ui.button("Sign in again").clicked() {
            self.act(Action::SignIn(name.to_string()));
        }
        if ui.button("Sign out").clicked() {
            self.act(Action::SignOut(name.to_string()));
        }
    }
}

const CLAIM_GAP: f32 = 12.0;

/// The widths of the claim, value and meaning columns in `total` points: the claim names
/// get the width of the longest (`names`, never broken; up to a third of the room), the
/// values a little more than half of the rest, the meanings (plain words) the others.
fn claim_columns(total: f32, names: f32) -> [f32; 3] {
    let room = (total - 2.0 * CLAIM_GAP - 16.0).max(180.0);
    let key = names.ceil().min(room / 3.0).max(60.0);
    let value = (room - key) * 0.55;
    [key, value, room - key - value]
}

fn claims_table(ui: &mut egui::Ui, jwt: &Jwt, facts: &TokenFacts) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .max_height(ui.available_height() - 40.0)
        .show(ui, |ui| {
            // The three columns share the width there is: a value or a meaning wraps
            // inside its column, so a long one (a URL, a list of groups) never runs off
            // the edge; a claim's name stays on one line, whole unless it is longer than
            // its column can be (then cut short with "…", whole on hover).
            let font = egui::TextStyle::Monospace.resolve(ui.style());
            let names = jwt
                .claims
                .keys()
                .map(|k| {
                    ui.fonts_mut(|f| f.layout_no_wrap(k.clone(), font.clone(), Color32::WHITE))
                        .size()
                        .x
                })
                .fold(0.0, f32::max);
            let widths = claim_columns(ui.available_width(), names);
            let cell = |ui: &mut egui::Ui, width: f32, label: egui::Label| {
                ui.scope(|ui| {
                    ui.set_min_width(width);
                    ui.set_max_width(width);
                    ui.add(label);
                });
            };
            egui::Grid::new("claims")
                .num_columns(3)
                .striped(true)
                .spacing([CLAIM_GAP, 4.0])
                .show(ui, |ui| {
                    let issuer = jwt.claims.get("iss").and_then(|v| v.as_str());
                    for (k, v) in &jwt.claims {
                        let name = egui::Label::new(RichText::new(k).monospace()).truncate();
                        cell(ui, widths[0], name);
                        let value = RichText::new(claim_value_in_table(k, v));
                        cell(ui, widths[1], egui::Label::new(value).wrap());
                        let meaning = RichText::new(claim_meaning_from(k, issuer).unwrap_or(""));
                        cell(ui, widths[2], egui::Label::new(meaning.weak()).wrap());
                        ui.end_row();
                    }
                });
            ui.collapsing("Raw header and payload", |ui| {
                // Read-only: the widgets get a copy to draw.
                let mut header = facts.header_json.as_str();
                let mut payload = facts.claims_json.as_str();
                let label = ui.label("Header");
                ui.add(
                    egui::TextEdit::multiline(&mut header)
                        .font(egui::TextStyle::Monospace)
                        .desired_width(f32::INFINITY)
                        .interactive(false),
                )
                .labelled_by(label.id);
                let label = ui.label("Payload");
                ui.add(
                    egui::TextEdit::multiline(&mut payload)
                        .font(egui::TextStyle::Monospace)
                        .desired_width(f32::INFINITY)
                        .interactive(false),
                )
                .labelled_by(label.id);
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three columns and their gaps fit the width there is, from the smallest
    /// window (640 points, less the sidebar) up: nothing is laid out past the edge.
    #[test]
    fn the_claim_columns_fit_the_width_they_are_given() {
        for total in [320.0, 380.0, 540.0, 740.0, 1400.0] {
            for names in [20.0, 140.0, 600.0] {
                let [key, value, meaning] = claim_columns(total, names);
                assert!(
                    key + value + meaning + 2.0 * CLAIM_GAP <= total,
                    "{total}: {key} + {value} + {meaning}"
                );
                assert!(value >= meaning && key >= 60.0, "{total}");
                // The names' width when there is room for it.
                assert!(key >= names.min(total / 4.0), "{total} {names}: {key}");
            }
        }
    }
}

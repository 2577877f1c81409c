//! Drawing the window: top bar, profile sidebar, and the profile's sign-in panel or token
//! view. Views read the [`Model`], edit only the widgets' own [`ViewState`], and return
//! [`Action`]s that [`App::apply`](super::App::apply) carries out after the frame.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, RichText};

use super::action::{Action, Banner};
use super::editor::{EditorAction, flow_sentence};
use super::state::SignIn;
use super::worker::UiError;
use super::{Model, Screen, ThemeChoice, ViewState};
use crate::auth::SignInPrompt;
use crate::format::{claim_meaning, claim_value_in_table, countdown, local_time};
use crate::profile::{Flow, Profile};
use crate::secrets::Secret;
use crate::token::{Jwt, TokenSet};

const ROW_HEIGHT: f32 = 22.0;

/// A sidebar row: a group heading or a profile.
enum Row {
    Group(String),
    Profile(String),
}

/// One frame's drawing: what the window knows (read only), the widgets' own state, and
/// the actions asked for so far.
pub(super) struct Draw<'a> {
    pub(super) m: &'a Model,
    pub(super) v: &'a mut ViewState,
    pub(super) now: DateTime<Utc>,
    out: Vec<Action>,
}

/// Draws the whole window and returns what the person asked for.
pub(super) fn draw(
    m: &Model,
    v: &mut ViewState,
    now: DateTime<Utc>,
    ui: &mut egui::Ui,
) -> Vec<Action> {
    let mut d = Draw {
        m,
        v,
        now,
        out: Vec::new(),
    };
    egui::Panel::top("top_bar").show(ui, |ui| d.top_bar(ui));
    egui::Panel::left("profiles")
        .resizable(true)
        .default_size(260.0)
        .show(ui, |ui| d.sidebar(ui));
    egui::CentralPanel::default().show(ui, |ui| d.central(ui));
    d.confirm_delete_dialog(ui.ctx());
    d.import_dialog(ui.ctx());
    d.about_window(ui.ctx());
    d.draw_toasts(ui.ctx());
    d.out
}

impl Draw<'_> {
    pub(super) fn act(&mut self, action: Action) {
        self.out.push(action);
    }

    fn profile_names(&self) -> impl Iterator<Item = &String> {
        self.m.profiles.profiles.keys()
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.strong("cdf-signin");
            ui.separator();
            let label = ui.label("Profile");
            let current = self.m.selected.clone().unwrap_or_else(|| "(none)".into());
            let mut chosen = None;
            egui::ComboBox::from_id_salt("switcher")
                .selected_text(&current)
                .width(220.0)
                .show_ui(ui, |ui| {
                    for (i, name) in self.profile_names().enumerate() {
                        let shortcut = if i < 9 {
                            format!("   Ctrl+{}", i + 1)
                        } else {
                            String::new()
                        };
                        let project = self
                            .m
                            .profiles
                            .profiles
                            .get(name)
                            .map(|p| p.project.clone())
                            .unwrap_or_default();
                        if ui
                            .selectable_label(
                                self.m.selected.as_deref() == Some(name),
                                format!("{name}  ({project}){shortcut}"),
                            )
                            .clicked()
                        {
                            chosen = Some(name.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            if let Some(name) = chosen {
                self.act(Action::Select(name));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Settings").clicked() {
                    self.act(Action::ToggleSettings);
                }
                if ui.button("About").clicked() {
                    self.act(Action::ToggleAbout);
                }
            });
        });
    }

    fn sidebar(&mut self, ui: &mut egui::Ui) {
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
                        }
                    }
                });
            });
    }

    fn sidebar_rows(&self) -> Vec<Row> {
        let needle = self.v.filter.trim().to_lowercase();
        let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (name, p) in &self.m.profiles.profiles {
            let hay = format!("{name} {} {} {}", p.project, p.cluster, p.tenant_id).to_lowercase();
            if needle.is_empty() || hay.contains(&needle) {
                let group = if p.flow == Flow::ApiKey {
                    format!("{} · legacy API keys", p.cluster)
                } else {
                    format!("{} · {}", p.cluster, p.tenant_id)
                };
                groups.entry(group).or_default().push(name.clone());
            }
        }
        let mut rows = Vec::new();
        for (group, names) in groups {
            rows.push(Row::Group(group));
            rows.extend(names.into_iter().map(Row::Profile));
        }
        rows
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

    fn confirm_delete_dialog(&mut self, ctx: &egui::Context) {
        let Some(name) = self.m.confirm_delete.clone() else {
            return;
        };
        let mut open = true;
        egui::Window::new("Delete profile?")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(format!(
                    "Delete '{name}', its stored secret and its tokens? This cannot be undone."
                ));
                ui.horizontal(|ui| {
                    if ui.button("Delete").clicked() {
                        self.act(Action::Delete(name.clone()));
                    }
                    if ui.button("Keep").clicked() {
                        self.act(Action::AskDelete(None));
                    }
                });
            });
        if !open {
            self.act(Action::AskDelete(None));
        }
    }

    fn central(&mut self, ui: &mut egui::Ui) {
        let m = self.m;
        if let Some(err) = &m.global_error
            && self.error_banner(ui, err)
        {
            self.act(Action::Dismiss(Banner::Window));
        }
        match m.screen {
            Screen::Settings => return self.settings_view(ui),
            Screen::Editor => {
                if let Some(editor) = &mut self.v.editor {
                    match editor.ui(ui) {
                        EditorAction::None => {}
                        EditorAction::Cancel => self.act(Action::CloseEditor),
                        EditorAction::Save {
                            name,
                            profile,
                            secret,
                            replaces,
                        } => self.act(Action::SaveProfile {
                            name,
                            profile,
                            secret,
                            replaces,
                        }),
                    }
                    return;
                }
            }
            Screen::Profile => {}
        }
        if m.loaded && m.profiles.profiles.is_empty() {
            return self.welcome(ui);
        }
        let Some(name) = m.selected.clone() else {
            ui.weak("Pick a profile on the left.");
            return;
        };
        let Some(profile) = m.profiles.profiles.get(&name) else {
            return;
        };
        self.profile_header(ui, &name, profile);
        if let Some(err) = m.states.error(&name)
            && self.error_banner(ui, err)
        {
            self.act(Action::Dismiss(Banner::Profile(name.clone())));
        }
        ui.add_space(6.0);
        if profile.flow == Flow::ApiKey {
            return self.api_key_view(ui, &name, profile);
        }
        if let Some(state) = m.states.sign_in(&name) {
            self.sign_in_panel(ui, &name, profile, state);
        } else if let Some(tokens) = m.states.tokens(&name) {
            self.token_view(ui, &name, profile, tokens);
        } else {
            self.signed_out_panel(ui, &name, profile);
        }
    }

    fn welcome(&mut self, ui: &mut egui::Ui) {
        ui.add_space(24.0);
        egui::Frame::group(ui.style()).inner_margin(18.0).show(ui, |ui| {
            ui.heading("Welcome to cdf-signin");
            ui.label("Get access tokens for Cognite Data Fusion without pasting secrets into scripts. Start with a profile: a tenant, an app registration, a cluster and a project.");
            ui.add_space(8.0);
            for flow in [Flow::Interactive, Flow::DeviceCode, Flow::ClientCredentials] {
                let title = match flow {
                    Flow::Interactive => "Interactive",
                    Flow::DeviceCode => "Device code",
                    Flow::ClientCredentials => "Client credentials",
                    Flow::ApiKey => "API key",
                };
                ui.horizontal_wrapped(|ui| {
                    ui.strong(title);
                    ui.label(flow_sentence(flow));
                });
            }
            ui.add_space(10.0);
            if ui.add(egui::Button::new("Create your first profile").fill(ui.visuals().selection.bg_fill)).clicked() {
                self.act(Action::NewProfile);
            }
        });
    }

    fn profile_header(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        ui.horizontal(|ui| {
            ui.heading(name);
            ui.weak(format!(
                "{} · {} · {}",
                p.project,
                p.base_url(),
                p.flow.as_str()
            ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Edit").clicked() {
                    self.act(Action::EditProfile {
                        name: name.to_string(),
                        duplicate: false,
                    });
                }
                // API-key profiles have Verify key in their own view.
                if p.flow != Flow::ApiKey
                    && ui
                        .add_enabled(
                            !self.m.states.is_verifying(name),
                            egui::Button::new("Verify"),
                        )
                        .on_hover_text("Ask CDF what this profile's token may do")
                        .clicked()
                {
                    self.act(Action::Verify(name.to_string()));
                }
            });
        });
        ui.separator();
    }

    /// Draws an error with its hint and details; returns true when dismissed.
    pub(super) fn error_banner(&mut self, ui: &mut egui::Ui, err: &UiError) -> bool {
        let mut dismissed = false;
        let fill = if ui.visuals().dark_mode {
            Color32::from_rgb(70, 25, 25)
        } else {
            Color32::from_rgb(253, 226, 226)
        };
        egui::Frame::new()
            .fill(fill)
            .corner_radius(6.0)
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(&err.message)
                            .strong()
                            .color(ui.visuals().error_fg_color),
                    );
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.small_button("Dismiss").clicked() {
                            dismissed = true;
                        }
                    });
                });
                if let Some(h) = &err.hint {
                    ui.label(h);
                }
                if err.code.is_some() || err.trace_id.is_some() {
                    ui.collapsing("Details", |ui| {
                        for (label, value) in [
                            ("Error code", &err.code),
                            ("Trace id", &err.trace_id),
                            ("Correlation id", &err.correlation_id),
                        ] {
                            if let Some(v) = value {
                                ui.horizontal(|ui| {
                                    ui.weak(label);
                                    ui.monospace(v);
                                });
                            }
                        }
                        if ui.button("Copy details").clicked() {
                            self.act(Action::CopyPlain {
                                text: err.details(),
                                what: "error details",
                            });
                        }
                    });
                }
            });
        dismissed
    }

    fn signed_out_panel(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
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
        ui.weak(what);
        if button.clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            self.act(Action::SignIn(name.to_string()));
        }
    }

    fn sign_in_panel(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile, state: &SignIn) {
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

    fn token_view(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile, tokens: &TokenSet) {
        let now = self.now;
        let left = tokens.seconds_left(now);
        let jwt = Jwt::decode(tokens.access_token.expose()).ok();
        let lifetime = tokens.lifetime_secs().unwrap_or(3600);
        let renews = p.renews_silently(tokens.refresh_token.is_some());
        let (status, color) = if left <= 0 {
            ("Expired", ui.visuals().error_fg_color)
        } else if left < super::renew_margin(tokens) {
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
        let fraction = (left as f32 / lifetime as f32).clamp(0.0, 1.0);
        ui.add(egui::ProgressBar::new(fraction).desired_width(ui.available_width().min(480.0)));
        if left > 0 {
            ui.ctx()
                .request_repaint_after(crate::format::countdown_next_change_ms(
                    (tokens.expires_at - now).num_milliseconds(),
                ));
        }
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if ui.button("Copy access token").clicked() {
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
            ui.selectable_value(&mut self.v.tab, super::Tab::Claims, "Claims");
            ui.selectable_value(&mut self.v.tab, super::Tab::Access, "Access");
        });
        match (self.v.tab, jwt) {
            (super::Tab::Access, _) => self.access_tab(ui, name, p),
            (super::Tab::Claims, Some(jwt)) => claims_table(ui, &jwt),
            (super::Tab::Claims, None) => {
                ui.weak("The access token is not a JWT, so it has no claims to show.");
            }
        }
    }

    fn settings_view(&mut self, ui: &mut egui::Ui) {
        ui.heading("Settings");
        ui.add_space(6.0);
        let label = ui.label("Clear copied tokens after (seconds)");
        ui.add(
            egui::DragValue::new(&mut self.v.settings.clipboard_clear_secs)
                .range(super::CLIPBOARD_CLEAR_SECS),
        )
        .labelled_by(label.id);
        ui.add_space(6.0);
        ui.label("Theme");
        ui.horizontal(|ui| {
            let theme = &mut self.v.settings.theme;
            ui.selectable_value(theme, ThemeChoice::System, "Follow system");
            ui.selectable_value(theme, ThemeChoice::Light, "Light");
            ui.selectable_value(theme, ThemeChoice::Dark, "Dark");
        });
        ui.add_space(6.0);
        ui.checkbox(
            &mut self.v.settings.auto_refresh_default,
            "Renew tokens automatically before they expire (default for profiles)",
        );
        ui.add_space(10.0);
        if ui.button("Done").clicked() {
            self.act(Action::ShowProfile);
        }
    }

    fn draw_toasts(&mut self, ctx: &egui::Context) {
        if self.m.toasts.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -12.0])
            .show(ctx, |ui| {
                for t in &self.m.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.label(&t.text);
                    });
                }
            });
    }
}

fn claims_table(ui: &mut egui::Ui, jwt: &Jwt) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .max_height(ui.available_height() - 40.0)
        .show(ui, |ui| {
            // Values get the room they need; long ones (URLs, ids) wrap inside their column.
            let value_width = (ui.available_width() * 0.4).max(240.0);
            egui::Grid::new("claims")
                .num_columns(3)
                .striped(true)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    for (k, v) in &jwt.claims {
                        ui.monospace(k);
                        ui.scope(|ui| {
                            ui.set_min_width(value_width);
                            ui.set_max_width(value_width);
                            ui.add(egui::Label::new(claim_value_in_table(k, v)).wrap());
                        });
                        ui.weak(claim_meaning(k).unwrap_or(""));
                        ui.end_row();
                    }
                });
            ui.collapsing("Raw header and payload", |ui| {
                let mut header = serde_json::to_string_pretty(&jwt.header).unwrap_or_default();
                let mut payload = serde_json::to_string_pretty(&jwt.claims).unwrap_or_default();
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

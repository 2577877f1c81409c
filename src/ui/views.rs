//! Drawing the window: the top bar, the central panel (the selected profile's header and
//! banner, then its sign-in, token view or settings) and the dialogs; the sidebar, sign-in
//! and token view have files of their own. Views read the [`Model`], edit only the
//! widgets' own [`ViewState`], and return [`Action`]s that
//! [`App::apply`](super::App::apply) carries out after the frame.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, RichText};

use super::action::{Action, Banner};
use super::editor::{EditorAction, flow_sentence};
use super::error::UiError;
use super::fit::{dropping, first_fitting, text_width};
use super::model::{CLIPBOARD_CLEAR_SECS, Model, Screen, ThemeChoice, ViewState};
use super::state::Check;
use crate::profile::{Flow, Profile};
use crate::secrets::{STORAGE_ENV, Storage};

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
    d.switcher_window(ui.ctx());
    // A click or Tab means the person chose where to be: the pending focus is dropped.
    // (An action of this frame, a switch, asks for it again after the drawing.)
    if ui.input(|i| i.pointer.any_pressed() || i.key_pressed(egui::Key::Tab)) {
        d.v.focus_primary = false;
    }
    d.confirm_delete_dialog(ui.ctx());
    d.confirm_storage_dialog(ui.ctx());
    d.import_dialog(ui.ctx());
    d.org_sign_in_dialog(ui.ctx());
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
                            let key = super::keys::command_key(ui.ctx().os());
                            format!("   {key}+{}", i + 1)
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
            if self
                .m
                .selected
                .as_deref()
                .and_then(|n| self.m.profiles.profiles.get(n))
                .is_some_and(|p| p.production)
            {
                production_badge(ui, &format!("Current profile {current} is PRODUCTION"));
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

    /// Before the secrets move: where to, and what that means (plain files: unencrypted,
    /// and where), as `storage set` says it.
    fn confirm_storage_dialog(&mut self, ctx: &egui::Context) {
        let Some(to) = self.m.confirm_storage else {
            return;
        };
        let meaning = crate::secrets::storage::meaning(to, &self.m.about.file_dir);
        let mut open = true;
        egui::Window::new("Move secrets?")
            .collapsible(false)
            .resizable(false)
            .max_width(420.0)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(format!(
                    "Every client secret, API key and token key moves to {meaning}."
                ));
                ui.label(
                    "They are removed from the current store once the new one holds them; \
                     the window and the command line use the new store at once.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Move secrets").clicked() {
                        self.act(Action::MoveStorage(to));
                    }
                    if ui.button("Cancel").clicked() {
                        self.act(Action::AskStorage(None));
                    }
                });
            });
        if !open {
            self.act(Action::AskStorage(None));
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
                if self.v.editor.as_ref().is_some_and(|e| e.original.is_none()) {
                    self.org_choice(ui);
                    ui.separator();
                }
                if let Some(editor) = &mut self.v.editor {
                    match editor.ui(ui) {
                        EditorAction::None => {}
                        EditorAction::Cancel => self.act(Action::CloseEditor),
                        EditorAction::Save(draft) => self.act(Action::SaveProfile(draft)),
                        EditorAction::Browse(field) => self.act(Action::PickFile(Some(field))),
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
        self.production_suggestion(ui, &name, profile);
        if let Some(err) = m.states.error(&name)
            && self.error_banner(ui, err)
        {
            self.act(Action::Dismiss(Banner::Profile(name.clone())));
        }
        ui.add_space(6.0);
        self.check_panel(ui, &name);
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
            ui.add_space(6.0);
            self.org_choice(ui);
        });
    }

    fn profile_header(&mut self, ui: &mut egui::Ui, name: &str, p: &Profile) {
        if p.production {
            // A band across the whole view: unmistakable before anything is copied.
            let (band, _) =
                ui.allocate_exact_size(egui::vec2(ui.available_width(), 6.0), egui::Sense::hover());
            ui.painter().rect_filled(band, 2.0, PRODUCTION_RED);
        }
        let (details, below) = ui.horizontal(|ui| {
            ui.heading(name);
            if p.production {
                production_badge(ui, &format!("PRODUCTION profile {name}"));
            }
            // An organization's profile names the organization it signs in to.
            let how = match &p.org {
                Some(org) => format!("Cognite organization {org}"),
                None => p.flow.as_str().to_string(),
            };
            let base_url = p.base_url();
            // The base URL goes first when the room is short, then the project.
            let details = dropping(
                &[(p.project.as_str(), 2), (base_url.as_str(), 1), (how.as_str(), 3)],
                " · ",
            );
            // The buttons first, from the right; the details take what is left when they
            // fit there whole, else a line of their own under the name (cut short there
            // if they must, whole on hover): never under the buttons.
            let mut below = true;
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
                let checking = matches!(self.m.states.check(name), Some(Check::Running));
                if ui
                    .add_enabled(!checking, egui::Button::new("Check"))
                    .on_hover_text(
                        "Walk the whole chain, from the profile to CDF's capabilities, and say which link broke",
                    )
                    .clicked()
                {
                    self.act(Action::Check(name.to_string()));
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    let room = ui.available_width();
                    if text_width(ui, &details[0], egui::TextStyle::Body) <= room {
                        below = false;
                        details_label(ui, &details);
                    }
                });
            });
            (details, below)
        })
        .inner;
        if below {
            details_label(ui, &details);
        }
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

    fn settings_view(&mut self, ui: &mut egui::Ui) {
        ui.heading("Settings");
        ui.add_space(6.0);
        let label = ui.label("Clear copied tokens after (seconds)");
        ui.add(
            egui::DragValue::new(&mut self.v.settings.clipboard_clear_secs)
                .range(CLIPBOARD_CLEAR_SECS),
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
        ui.add_space(6.0);
        // What the worker found on disk; a click asks it to change that.
        let mut autostart = self.m.about.autostart.unwrap_or(false);
        let tray = ui.add_enabled(
            self.m.about.autostart.is_some(),
            egui::Checkbox::new(
                &mut autostart,
                "Start the tray icon when I log in (copies tokens without this window)",
            ),
        );
        if tray.changed() {
            self.act(Action::SetAutostart(autostart));
        }
        ui.add_space(6.0);
        ui.label("Where secrets and token keys are kept (the command line uses it too)");
        // While the variable overrides the saved choice, a move would not take effect.
        ui.add_enabled_ui(self.m.about.storage_env.is_none(), |ui| {
            ui.horizontal(|ui| {
                let saved = self.m.about.storage;
                // Only what this system has: a kernel keyring exists on Linux alone.
                for storage in Storage::available() {
                    let label = match storage {
                        Storage::Auto => "Automatic",
                        Storage::Keyring => super::wording::KEYRING,
                        Storage::Kernel => "Kernel keyring (memory only)",
                        Storage::File => "Plain files",
                    };
                    if ui.selectable_label(saved == storage, label).clicked() && saved != storage {
                        self.act(Action::AskStorage(Some(storage)));
                    }
                }
            });
        });
        if let Some(value) = &self.m.about.storage_env {
            ui.weak(format!(
                "{STORAGE_ENV}={value} is set and overrides this choice."
            ));
        }
        // The store's name only ("OS keyring", "Windows Credential Manager"); About has
        // the rest.
        let now = crate::secrets::noun_of(self.m.about.keyring_text());
        ui.weak(format!("In use now: {now} (details in About)"));
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
                // Stacked against the window's right edge, like the corner they come from.
                ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                    for t in &self.m.toasts {
                        // Each as wide as its text up to a readable line, set here: the
                        // area would otherwise keep the width of the one before and wrap a
                        // longer one into a narrow column.
                        let font = egui::TextStyle::Body.resolve(ui.style());
                        let natural = ui
                            .fonts_mut(|f| f.layout_no_wrap(t.text.clone(), font, Color32::WHITE))
                            .size()
                            .x;
                        let width = natural.ceil().min(TOAST_WIDTH);
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.set_width(width);
                            // The text itself reads from the left.
                            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                                ui.add(egui::Label::new(&t.text).wrap());
                            });
                        });
                    }
                });
            });
    }
}

/// A profile's details (`candidates`, whole first), weak, as many as fit; whole on hover
/// and to screen readers.
fn details_label(ui: &mut egui::Ui, candidates: &[String]) {
    let shown = first_fitting(ui, candidates, egui::TextStyle::Body, ui.available_width());
    let weak = RichText::new(shown).color(ui.visuals().weak_text_color());
    let whole = candidates[0].as_str();
    let label = ui.add(egui::Label::new(weak).truncate());
    label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, whole));
    label.on_hover_text(whole);
}

/// The widest a notification gets before it wraps: about 60 characters a line.
const TOAST_WIDTH: f32 = 420.0;

/// The colour of production: the band on a production profile's header and its badges.
pub(super) const PRODUCTION_RED: egui::Color32 = egui::Color32::from_rgb(0xc6, 0x28, 0x28);

/// "PRODUCTION", white on red, with `accessible` as its name for screen readers and tests.
pub(super) fn production_badge(ui: &mut egui::Ui, accessible: &str) {
    let text = egui::RichText::new(" PRODUCTION ")
        .strong()
        .color(egui::Color32::WHITE)
        .background_color(PRODUCTION_RED);
    let response = ui.label(text);
    let accessible = accessible.to_string();
    response.widget_info(move || {
        egui::WidgetInfo::labeled(egui::Role::Label, true, accessible.clone())
    });
}

//! The desktop window (eframe/egui). It holds view state only: profiles, tokens and
//! secrets live in the session and stores, reached through the [`worker`].

pub mod about;
mod access;
pub mod claims;
pub mod clipboard;
pub mod editor;
mod icon;
mod views;
pub mod worker;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::auth::SignInPrompt;
use crate::paths::Paths;
use crate::profile::{Flow, ProfileFile};
use crate::token::{Clock, SystemClock, TokenSet};
use about::AboutInfo;
pub use access::{ImportDialog, Tab};
use clipboard::Clipboard;
use editor::Editor;
use worker::{Command, Event, UiError, Worker};

/// The window's app id: the Wayland app id and X11 WM_CLASS, matched by the desktop entry.
pub const APP_ID: &str = "cdf-signin";

/// Tokens are renewed this long before they expire while the window is open (or half
/// their lifetime before, for short-lived tokens: see [`renew_margin`]).
pub const RENEW_BEFORE_SECS: i64 = 5 * 60;
/// Never renew one profile automatically more often than this, whatever the provider
/// hands out.
const MIN_RENEW_INTERVAL_SECS: i64 = 30;

/// How long before expiry a token is renewed: five minutes, but at most half its
/// lifetime, so a token that lives five minutes or less is not "due" the moment it
/// arrives (which would renew it in a loop).
pub fn renew_margin(tokens: &TokenSet) -> i64 {
    match tokens.lifetime_secs() {
        Some(l) => RENEW_BEFORE_SECS.min(l / 2),
        None => RENEW_BEFORE_SECS,
    }
}
/// After a failed background renewal, wait this long before trying again.
const RETRY_AFTER_FAILURE_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub clipboard_clear_secs: u64,
    pub theme: ThemeChoice,
    pub auto_refresh_default: bool,
    /// Per-profile overrides of `auto_refresh_default`.
    pub auto_refresh: HashMap<String, bool>,
    pub last_profile: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: 60,
            theme: ThemeChoice::System,
            auto_refresh_default: true,
            auto_refresh: HashMap::new(),
            last_profile: None,
        }
    }
}

impl Settings {
    pub fn auto_refresh_for(&self, profile: &str) -> bool {
        self.auto_refresh
            .get(profile)
            .copied()
            .unwrap_or(self.auto_refresh_default)
    }
}

const SETTINGS_KEY: &str = "cdf-signin-settings";

/// A running sign-in, as far as the window knows.
#[derive(Debug, Clone)]
pub enum SignIn {
    Starting,
    Waiting(SignInPrompt),
}

pub struct Toast {
    pub text: String,
    pub until: DateTime<Utc>,
}

/// What is on the clipboard because we put it there, and when it goes.
struct Copied {
    text: String,
    clear_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Profile,
    Editor,
    Settings,
}

pub struct App {
    worker: Worker,
    clock: Arc<dyn Clock>,
    clipboard: Box<dyn Clipboard>,
    pub settings: Settings,
    pub profiles: ProfileFile,
    pub loaded: bool,
    pub selected: Option<String>,
    pub tokens: HashMap<String, TokenSet>,
    pub sign_ins: HashMap<String, SignIn>,
    pub errors: HashMap<String, UiError>,
    pub global_error: Option<UiError>,
    pub renewing: HashSet<String>,
    failed_renewal: HashMap<String, DateTime<Utc>>,
    /// When each profile was last renewed automatically.
    last_auto_renewal: HashMap<String, DateTime<Utc>>,
    pub filter: String,
    pub editor: Option<Editor>,
    pub confirm_delete: Option<String>,
    pub screen: Screen,
    pub toasts: Vec<Toast>,
    copied: Option<Copied>,
    applied_theme: Option<ThemeChoice>,
    /// What CDF said about each profile's credentials (Verify).
    pub access: HashMap<String, Result<crate::cdf::Access, UiError>>,
    pub verifying: HashSet<String>,
    pub tab: Tab,
    pub access_filter: String,
    pub import: Option<ImportDialog>,
    pub about_open: bool,
    pub about: AboutInfo,
    about_logo: Option<egui::TextureHandle>,
}

/// What the window needs from outside; tests pass a recording clipboard and a clock.
pub struct Deps {
    pub paths: Paths,
    pub clock: Arc<dyn Clock>,
    pub clipboard: Box<dyn Clipboard>,
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, deps: Deps) -> App {
        let settings: Settings = cc
            .storage
            .and_then(|s| s.get_string(SETTINGS_KEY))
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let about = AboutInfo::new(&deps.paths);
        let worker = Worker::start(deps.paths, move || ctx.request_repaint());
        worker.send(Command::LoadProfiles);
        App {
            worker,
            clock: deps.clock,
            clipboard: deps.clipboard,
            selected: settings.last_profile.clone(),
            settings,
            profiles: ProfileFile::default(),
            loaded: false,
            tokens: HashMap::new(),
            sign_ins: HashMap::new(),
            errors: HashMap::new(),
            global_error: None,
            renewing: HashSet::new(),
            failed_renewal: HashMap::new(),
            last_auto_renewal: HashMap::new(),
            filter: String::new(),
            editor: None,
            confirm_delete: None,
            screen: Screen::Profile,
            toasts: Vec::new(),
            copied: None,
            applied_theme: None,
            access: HashMap::new(),
            verifying: HashSet::new(),
            tab: Tab::default(),
            access_filter: String::new(),
            import: None,
            about_open: false,
            about,
            about_logo: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// Shows a profile: its cached token at once (read without network), or its Sign in.
    pub fn select(&mut self, name: &str) {
        if self.selected.as_deref() != Some(name) {
            self.selected = Some(name.to_string());
            self.settings.last_profile = Some(name.to_string());
        }
        self.screen = Screen::Profile;
        if !self.tokens.contains_key(name) {
            self.send(Command::LoadCached(name.to_string()));
        }
    }

    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.profiles.keys().cloned().collect()
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        let until = self.now() + chrono::Duration::seconds(4);
        self.toasts.push(Toast {
            text: text.into(),
            until,
        });
    }

    /// Copies a secret value and schedules its removal.
    pub fn copy_secret(&mut self, text: &str, what: &str) {
        match self.clipboard.set_secret(text) {
            Ok(()) => {
                let secs = self.settings.clipboard_clear_secs;
                self.copied = Some(Copied {
                    text: text.to_string(),
                    clear_at: self.now() + chrono::Duration::seconds(secs as i64),
                });
                self.toast(format!("Copied {what}; clears in {secs} s"));
            }
            Err(e) => self.global_error = Some(UiError::plain(e)),
        }
    }

    /// Copies something that is not secret (a URL, a code, error details).
    pub fn copy_plain(&mut self, text: &str, what: &str) {
        match self.clipboard.set_secret(text) {
            Ok(()) => self.toast(format!("Copied {what}")),
            Err(e) => self.global_error = Some(UiError::plain(e)),
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Profiles(Ok(file)) => {
                self.loaded = true;
                let keep = self
                    .selected
                    .clone()
                    .filter(|s| file.profiles.contains_key(s));
                self.profiles = file;
                let pick = keep
                    .or_else(|| self.profiles.default.clone())
                    .or_else(|| self.profile_names().into_iter().next());
                self.selected = None;
                if let Some(name) = pick {
                    self.select(&name);
                }
                self.tokens
                    .retain(|k, _| self.profiles.profiles.contains_key(k));
            }
            Event::Profiles(Err(e)) => {
                self.loaded = true;
                self.global_error = Some(e);
            }
            Event::Cached(name, tokens) => {
                if let Some(t) = tokens {
                    self.tokens.insert(name, t);
                }
            }
            Event::Prompt(name, prompt) => {
                self.sign_ins.insert(name, SignIn::Waiting(prompt));
            }
            Event::Token { profile, tokens } => {
                self.sign_ins.remove(&profile);
                self.renewing.remove(&profile);
                self.failed_renewal.remove(&profile);
                self.errors.remove(&profile);
                self.tokens.insert(profile, tokens);
            }
            Event::SignInEnded(name) => {
                self.sign_ins.remove(&name);
            }
            Event::SignedOut(name) => {
                self.tokens.remove(&name);
                self.toast(format!("Signed out of {name}"));
            }
            Event::Saved(name) => {
                self.editor = None;
                self.selected = Some(name.clone());
                self.screen = Screen::Profile;
                self.toast(format!("Saved profile {name}"));
            }
            Event::Deleted(name) => {
                self.tokens.remove(&name);
                self.errors.remove(&name);
                if self.selected.as_deref() == Some(name.as_str()) {
                    self.selected = None;
                }
                self.toast(format!("Deleted profile {name}"));
            }
            Event::Access { profile, result } => {
                self.verifying.remove(&profile);
                self.access.insert(profile, result);
            }
            Event::Added { name, project } => {
                self.toast(format!("Added profile {name} for project {project}"));
            }
            Event::Imported { name, notes } => {
                self.import = None;
                self.select(&name);
                let mut text = format!("Imported profile {name}");
                for n in notes {
                    text.push_str(&format!("; {n}"));
                }
                self.toast(text);
            }
            Event::ImportFailed(error) => match &mut self.import {
                Some(dialog) => {
                    dialog.busy = false;
                    dialog.error = Some(error);
                }
                None => self.global_error = Some(error),
            },
            Event::CopySecret { text, what } => self.copy_secret(text.expose(), &what),
            Event::Failed {
                profile,
                error,
                background,
            } => match profile {
                Some(p) => {
                    if !background {
                        self.sign_ins.remove(&p);
                    }
                    if background {
                        self.failed_renewal.insert(p.clone(), self.now());
                    }
                    self.renewing.remove(&p);
                    if self.screen == Screen::Editor && self.editor.is_some() && !background {
                        self.global_error = Some(error);
                    } else {
                        self.errors.insert(p, error);
                    }
                }
                None => self.global_error = Some(error),
            },
        }
    }

    /// Renews tokens that are about to expire, for profiles that can renew silently.
    fn auto_refresh(&mut self) -> Option<Duration> {
        let now = self.now();
        let mut next: Option<i64> = None;
        let mut due = Vec::new();
        for (name, profile) in &self.profiles.profiles {
            let Some(tokens) = self.tokens.get(name) else {
                continue;
            };
            let silent = profile.flow == Flow::ClientCredentials || tokens.refresh_token.is_some();
            if !silent || !self.settings.auto_refresh_for(name) || self.renewing.contains(name) {
                continue;
            }
            if let Some(failed) = self.failed_renewal.get(name)
                && (now - *failed).num_seconds() < RETRY_AFTER_FAILURE_SECS
            {
                let wait = RETRY_AFTER_FAILURE_SECS - (now - *failed).num_seconds();
                next = Some(next.map_or(wait, |n| n.min(wait)));
                continue;
            }
            let margin = renew_margin(tokens);
            let until_due = tokens.seconds_left(now) - margin;
            let since_last = self
                .last_auto_renewal
                .get(name)
                .map(|t| (now - *t).num_seconds());
            if let Some(since) = since_last.filter(|s| *s < MIN_RENEW_INTERVAL_SECS) {
                let wait = (MIN_RENEW_INTERVAL_SECS - since).max(until_due);
                next = Some(next.map_or(wait, |n| n.min(wait)));
            } else if until_due < 0 {
                // Strictly less: `seconds_left` truncates, and the session must see less
                // than `margin` left too, or it serves the cached token again.
                due.push((name.clone(), margin));
            } else {
                next = Some(next.map_or(until_due, |n| n.min(until_due)));
            }
        }
        for (name, margin) in due {
            self.renewing.insert(name.clone());
            self.last_auto_renewal.insert(name.clone(), now);
            self.send(Command::Renew {
                profile: name,
                min_valid_secs: margin,
                force: false,
                background: true,
            });
        }
        next.map(|s| Duration::from_secs(s.max(1) as u64))
    }

    /// Clears the clipboard when its time is up, if it still holds what we copied.
    fn clipboard_hygiene(&mut self) -> Option<Duration> {
        let now = self.now();
        let copied = self.copied.as_ref()?;
        if now < copied.clear_at {
            return Some(Duration::from_millis(
                (copied.clear_at - now).num_milliseconds().max(10) as u64,
            ));
        }
        if self.clipboard.get().as_deref() == Some(copied.text.as_str()) {
            let _ = self.clipboard.clear();
        }
        self.copied = None;
        None
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme == Some(self.settings.theme) {
            return;
        }
        let pref = match self.settings.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        };
        ctx.options_mut(|o| o.theme_preference = pref);
        self.applied_theme = Some(self.settings.theme);
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let names = self.profile_names();
        for (i, key) in keys.iter().enumerate() {
            if ctx.input_mut(|inp| inp.consume_key(egui::Modifiers::COMMAND, *key))
                && let Some(name) = names.get(i)
            {
                let name = name.clone();
                self.select(&name);
            }
        }
        // Escape closes the About box first; only then does it cancel a sign-in.
        if self.about_open
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            self.about_open = false;
        }
        if ctx.input(|i| i.key_pressed(egui::Key::Escape))
            && let Some(name) = self
                .selected
                .clone()
                .filter(|n| self.sign_ins.contains_key(n))
        {
            self.send(Command::CancelSignIn(name));
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Ok(event) = self.worker.events.try_recv() {
            self.handle(event);
        }
        self.apply_theme(ctx);
        self.shortcuts(ctx);
        self.dropped_files(ctx);
        let now = self.now();
        self.toasts.retain(|t| t.until > now);
        // Wake only when something is due: no continuous repainting while idle.
        let mut wake: Vec<Duration> = Vec::new();
        wake.extend(self.auto_refresh());
        wake.extend(self.clipboard_hygiene());
        if let Some(t) = self.toasts.iter().map(|t| t.until).min() {
            wake.push(Duration::from_millis(
                (t - now).num_milliseconds().max(10) as u64
            ));
        }
        if let Some(d) = wake.into_iter().min() {
            ctx.request_repaint_after(d);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(&self.settings) {
            storage.set_string(SETTINGS_KEY, text);
        }
    }
}

/// glow: it starts faster and lighter than wgpu on machines without a GPU (see
/// benches/window.sh). A build with the `wgpu` feature can pick wgpu with
/// `CDF_SIGNIN_RENDERER=wgpu`.
fn renderer() -> eframe::Renderer {
    #[cfg(feature = "wgpu")]
    if std::env::var("CDF_SIGNIN_RENDERER").as_deref() == Ok("wgpu") {
        return eframe::Renderer::Wgpu;
    }
    eframe::Renderer::Glow
}

/// Opens the window; returns when it is closed.
pub fn run() -> Result<(), String> {
    let paths = Paths::from_env().map_err(|e| e.to_string())?;
    let mut viewport = egui::ViewportBuilder::default()
        .with_app_id(APP_ID)
        .with_title("cdf-signin")
        .with_inner_size([1000.0, 680.0])
        .with_min_inner_size([640.0, 420.0]);
    if let Some(icon) = icon::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: renderer(),
        ..Default::default()
    };
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            let deps = Deps {
                paths,
                clock: Arc::new(SystemClock),
                clipboard: Box::new(clipboard::SystemClipboard::new()),
            };
            let mut app = App::new(cc, deps);
            // eframe keeps `Settings` in `storage_dir(app id)/app.ron` when no
            // `persistence_path` is set, as here.
            if cc.storage.is_some() {
                app.about.settings_file = eframe::storage_dir(APP_ID).map(|d| d.join("app.ron"));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

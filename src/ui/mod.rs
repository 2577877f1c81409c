//! The desktop window (eframe/egui). It holds view state only: profiles, tokens and
//! secrets live in the session and stores, reached through the [`worker`].

pub(crate) mod about;
mod access;
mod action;
mod apply;
mod check;
pub(crate) mod editor;
mod editor_form;
pub(crate) mod error;
mod events;
mod fit;
mod icon;
mod import;
mod jobs;
mod keys;
pub mod model;
mod org_sign_in;
mod production;
mod protocol;
mod raise;
pub(crate) mod renewal;
mod sidebar;
mod sign_in;
pub(crate) mod state;
mod switcher;
mod token_view;
mod views;
mod wording;
pub(crate) mod worker;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::clipboard::{self, Clipboard, ClipboardAnswer, ClipboardCommand};
use crate::paths::Paths;
use crate::profile::ProfileFile;
use crate::secrets::SecretStore;
use crate::token::{Clock, SystemClock};
use action::Action;
use error::UiError;
use model::AboutInfo;
use model::Tab;
pub use model::{Launch, Model, Screen, Settings, ThemeChoice, Toast, ViewState, window_title};
use protocol::Command;
pub use state::{Check, OpKind, ProfileState, ProfileStates, SignIn};
use worker::Worker;

/// The window's app id: the Wayland app id and X11 WM_CLASS, matched by the desktop entry.
pub const APP_ID: &str = "cdf-signin";

/// Shared with the tray, which reads the clipboard delay from it.
const SETTINGS_KEY: &str = crate::clipboard::WINDOW_SETTINGS_KEY;

/// What is on the clipboard because we put it there, and when it goes.
struct Copied {
    text: crate::secrets::Secret,
    clear_at: DateTime<Utc>,
}

pub struct App {
    worker: Worker,
    clock: Arc<dyn Clock>,
    pub model: Model,
    pub view: ViewState,
    copied: Option<Copied>,
    /// Clipboard commands sent and not answered yet.
    clipboard_pending: usize,
    applied_theme: Option<ThemeChoice>,
    /// Later starts of the window of this configuration, asking it to come to the
    /// front (`crate::instance`); `None` where there is no session bus.
    raise: Option<raise::Requests>,
}

/// What the window needs from outside; tests pass a recording clipboard, a clock and the
/// keyring of their own.
pub struct Deps {
    pub paths: Paths,
    pub clock: Arc<dyn Clock>,
    pub clipboard: Box<dyn Clipboard>,
    /// Where the worker keeps and finds secrets.
    pub secrets: Box<dyn SecretStore>,
    /// What the window shows of its own process (`Launch::from_process`).
    pub launch: Launch,
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, deps: Deps) -> App {
        let settings = cc
            .storage
            .and_then(|s| s.get_string(SETTINGS_KEY))
            .map(|text| Settings::from_stored(&text))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        App::start(deps, settings, move || ctx.request_repaint())
    }

    /// The window's state and its worker, which calls `wake` after each event.
    fn start(deps: Deps, settings: Settings, wake: impl Fn() + Send + Sync + 'static) -> App {
        // Where secrets are kept is found out by the worker (Event::StoreInfo): asking
        // may mean a keyring round trip.
        let about = AboutInfo::new(&deps.paths, &deps.launch);
        let worker = Worker::start(
            worker::WorkerDeps {
                paths: deps.paths,
                secrets: deps.secrets,
                clock: deps.clock.clone(),
                clipboard: deps.clipboard,
            },
            wake,
        );
        worker.send(Command::LoadProfiles);
        worker.send(Command::LoadStoreInfo);
        App {
            worker,
            clock: deps.clock,
            model: Model {
                profiles: ProfileFile::default(),
                loaded: false,
                // `gui --profile NAME` (the tray's "sign-in needed") before the last one.
                selected: deps
                    .launch
                    .profile
                    .clone()
                    .or(settings.last_profile.clone()),
                states: ProfileStates::default(),
                tickets: state::Tickets::default(),
                global_error: None,
                screen: Screen::Profile,
                confirm_delete: None,
                confirm_storage: None,
                toasts: Vec::new(),
                about_open: false,
                about,
                launch: deps.launch,
            },
            view: ViewState {
                settings,
                filter: String::new(),
                access_filter: String::new(),
                tab: Tab::default(),
                check_needs: String::new(),
                editor: None,
                import: None,
                org: None,
                about_logo: None,
                switcher: None,
                focus_primary: true,
                // What the native window is created with.
                title: "cdf-signin".to_string(),
            },
            copied: None,
            clipboard_pending: 0,
            applied_theme: None,
            raise: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// Shows a profile: its cached token at once (read without network), or its Sign in.
    pub fn select(&mut self, name: &str) {
        if self.model.selected.as_deref() != Some(name) {
            self.model.selected = Some(name.to_string());
            self.view.settings.last_profile = Some(name.to_string());
        }
        self.model.screen = Screen::Profile;
        if self.model.states.tokens(name).is_none() {
            let request = self.model.states.begin(name, OpKind::Cache);
            self.send(Command::LoadCached(request));
        }
    }

    /// Reads every profile's token cache on the worker (no network), so the sidebar's
    /// dots say what the cache holds for every profile, not only the one on screen:
    /// when the file is read, and when the window gets the focus back (the command line
    /// may have signed in, renewed or signed out meanwhile).
    pub fn read_caches(&mut self) {
        let mut reads = Vec::new();
        for name in self.profile_names() {
            let busy = self.model.states.get(&name).is_some_and(|s| {
                s.is_pending(OpKind::Cache)
                    || s.is_pending(OpKind::SignIn)
                    || s.is_pending(OpKind::Renewal)
            });
            if !busy {
                reads.push(self.model.states.begin(&name, OpKind::Cache));
            }
        }
        if !reads.is_empty() {
            self.send(Command::LoadCachedAll(reads));
        }
    }

    pub fn profile_names(&self) -> Vec<String> {
        self.model.profiles.profiles.keys().cloned().collect()
    }

    fn toast(&mut self, text: impl Into<String>) {
        let until = self.now() + chrono::Duration::seconds(4);
        self.model.toasts.push(Toast {
            text: text.into(),
            until,
        });
    }

    /// Copies a secret value; once copied, its removal is scheduled.
    fn copy_secret(&mut self, text: crate::secrets::Secret, what: &str) {
        self.clipboard(ClipboardCommand::Copy {
            text,
            what: what.to_string(),
            secret: true,
        });
    }

    /// Copies something that is not secret (a URL, a code, error details).
    fn copy_plain(&mut self, text: String, what: &str) {
        self.clipboard(ClipboardCommand::Copy {
            text: crate::secrets::Secret::new(text),
            what: what.to_string(),
            secret: false,
        });
    }

    fn clipboard(&mut self, command: ClipboardCommand) {
        self.clipboard_pending += 1;
        self.send(Command::Clipboard(command));
    }

    /// The clipboard's thread answered.
    fn clipboard_answer(&mut self, answer: ClipboardAnswer) {
        self.clipboard_pending = self.clipboard_pending.saturating_sub(1);
        let ClipboardAnswer::Copied {
            text,
            what,
            secret,
            result,
        } = answer
        else {
            return;
        };
        match result {
            Ok(()) if secret => {
                let secs = self.view.settings.clipboard_clear_secs;
                self.copied = Some(Copied {
                    text,
                    clear_at: self.now() + chrono::Duration::seconds(secs as i64),
                });
                self.toast(format!("Copied {what}; clears in {secs} s"));
            }
            Ok(()) => self.toast(format!("Copied {what}")),
            Err(e) => self.model.global_error = Some(UiError::plain(e)),
        }
    }

    /// Whether every copy (and clearing) asked for has been answered: the tests wait
    /// for it before they read the clipboard.
    pub fn clipboard_settled(&self) -> bool {
        self.clipboard_pending == 0
    }

    /// Renews tokens that are about to expire, for profiles that can renew silently;
    /// returns when to look again.
    fn auto_refresh(&mut self) -> Option<Duration> {
        let now = self.now();
        let plan = renewal::plan(
            &self.model.profiles,
            &self.model.states,
            &self.view.settings,
            now,
        );
        for (name, margin) in plan.due {
            self.model.states.entry(&name).last_auto_renewal = Some(now);
            let request = self.model.states.begin(&name, OpKind::Renewal);
            self.send(Command::Renew {
                request,
                min_valid_secs: margin,
                force: false,
                background: true,
            });
        }
        plan.next_in_secs
            .map(|s| Duration::from_secs(s.max(1) as u64))
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
        if let Some(copied) = self.copied.take() {
            self.clipboard(ClipboardCommand::ClearIfStill(copied.text));
        }
        None
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        let theme = self.view.settings.theme;
        if self.applied_theme == Some(theme) {
            return;
        }
        let pref = match theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        };
        ctx.options_mut(|o| o.theme_preference = pref);
        self.applied_theme = Some(theme);
    }

    /// Keyboard shortcuts and dropped files, as actions.
    fn input_actions(&self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
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
                out.push(Action::Select(name.clone()));
            }
        }
        // The switcher, while open, has Enter and Escape to itself.
        if let Some(query) = &self.view.switcher {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
                out.push(Action::CloseSwitcher);
            }
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
                match switcher::matches(&self.model.profiles, query)
                    .into_iter()
                    .next()
                {
                    Some(name) => out.push(Action::Select(name)),
                    None => out.push(Action::CloseSwitcher),
                }
            }
        } else if !ctx.text_edit_focused() && ctx.input_mut(|i| i.consume_shortcut(&keys::OPEN)) {
            // In a text field Ctrl+K is the field's own.
            out.push(Action::OpenSwitcher);
        }
        // Ctrl+Shift+C (Cmd+Shift+C on macOS) copies the current token from anywhere. It
        // arrives as a key: egui-winit makes a Copy event of Ctrl+C alone.
        let copy = ctx.input_mut(|i| i.consume_shortcut(&keys::COPY_TOKEN));
        if copy && let Some(name) = &self.model.selected {
            let is_api_key = self
                .model
                .profiles
                .profiles
                .get(name)
                .is_some_and(|p| p.flow == crate::profile::Flow::ApiKey);
            match self.model.states.tokens(name) {
                _ if is_api_key => out.push(Action::CopyApiKey(name.clone())),
                Some(t) if t.seconds_left(self.now()) > 0 => out.push(Action::CopySecret {
                    text: t.access_token.clone(),
                    what: "the access token",
                }),
                _ => out.push(Action::Notice(format!(
                    "{name} has no valid access token to copy: sign in first"
                ))),
            }
        }
        // Escape closes the About box first; only then does it cancel a sign-in.
        if self.model.about_open
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            out.push(Action::CloseAbout);
        }
        if ctx.input(|i| i.key_pressed(egui::Key::Escape))
            && let Some(name) = self
                .model
                .selected
                .clone()
                .filter(|n| self.model.states.sign_in(n).is_some())
        {
            out.push(Action::CancelSignIn(name));
        }
        // A file dropped on the window is imported as a `.env`.
        let dropped = ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()));
        if let Some(path) = dropped {
            out.push(Action::Import(path));
        }
        out
    }
}

impl App {
    /// Another start of the window asked this one to come to the front, on a profile.
    fn answer_raise_requests(&mut self, ctx: &egui::Context) {
        let asked: Vec<String> = match &self.raise {
            Some(raise) => raise.asked(),
            None => return,
        };
        for profile in asked {
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
            if self.model.profiles.profiles.contains_key(&profile) {
                self.apply(Action::Select(profile));
            }
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Ok(event) = self.worker.events.try_recv() {
            self.handle(event);
        }
        self.answer_raise_requests(ctx);
        self.apply_theme(ctx);
        // Back in the window: another process (the command line) may have changed the
        // profiles file. The worker reads it; the UI thread never does.
        if self.model.loaded
            && ctx.input(|i| {
                i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::WindowFocused(true)))
            })
        {
            self.send(Command::ReloadProfiles);
            self.read_caches();
        }
        for action in self.input_actions(ctx) {
            self.apply(action);
        }
        let now = self.now();
        self.model.toasts.retain(|t| t.until > now);
        // Wake only when something is due: no continuous repainting while idle.
        let mut wake: Vec<Duration> = Vec::new();
        wake.extend(self.auto_refresh());
        wake.extend(self.clipboard_hygiene());
        if let Some(t) = self.model.toasts.iter().map(|t| t.until).min() {
            wake.push(Duration::from_millis(
                (t - now).num_milliseconds().max(10) as u64
            ));
        }
        if let Some(d) = wake.into_iter().min() {
            ctx.request_repaint_after(d);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let title = window_title(&self.model);
        if title != self.view.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.view.title = title;
        }
        let now = self.now();
        let actions = views::draw(&self.model, &mut self.view, now, ui);
        if !actions.is_empty() {
            for action in actions {
                self.apply(action);
            }
            // Draw the outcome in this same frame: egui runs the pass again (at most
            // once more by default) instead of showing what was there before the click.
            ui.ctx().request_discard("an action changed what is shown");
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(&self.view.settings) {
            storage.set_string(SETTINGS_KEY, text);
        }
    }
}

/// On Linux and the BSDs a window needs Wayland or X11: say so plainly instead of
/// passing on winit's message (which names a file inside its own source).
fn no_display(is_set: impl Fn(&str) -> bool) -> Option<String> {
    let needs_one = cfg!(all(unix, not(target_os = "macos")));
    (needs_one && !is_set("WAYLAND_DISPLAY") && !is_set("DISPLAY")).then(|| {
        "cannot open the window: no display (neither WAYLAND_DISPLAY nor DISPLAY is set)".into()
    })
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

/// Opens the window, on `profile` when one is named; returns when it is closed.
pub fn run(profile: Option<String>) -> Result<(), String> {
    if let Some(missing) = no_display(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty())) {
        return Err(missing);
    }
    let paths = Paths::from_env().map_err(|e| e.to_string())?;
    // One window per configuration: a second start brings the open one to the front.
    let raise = match raise::start(&paths.config_dir, profile.as_deref()) {
        raise::Started::Raised => {
            eprintln!("cdf-signin's window is open already: it was brought to the front");
            return Ok(());
        }
        raise::Started::Window(requests) => requests,
    };
    let mut viewport = egui::ViewportBuilder::default()
        .with_app_id(APP_ID)
        .with_title("cdf-signin")
        .with_inner_size([1000.0, 680.0])
        .with_min_inner_size([640.0, 420.0]);
    if let Some(icon) = icon::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    // The window's own settings beside the rest of cdf-signin's data (on Windows under
    // %LOCALAPPDATA%\cognite\cdf-signin, not a folder of their own).
    let settings_file = worker::window_settings_file(&paths.data_dir, APP_ID);
    let options = eframe::NativeOptions {
        viewport,
        renderer: renderer(),
        persistence_path: Some(settings_file.clone()),
        ..Default::default()
    };
    let opened = crate::secrets::open_store(&paths).map_err(|e| e.to_string())?;
    let launch = Launch {
        profile,
        ..Launch::from_process()
    };
    let (secrets, storage_warning) = (opened.store, opened.warning);
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            let deps = Deps {
                paths,
                clock: Arc::new(SystemClock),
                clipboard: Box::new(clipboard::SystemClipboard::new()),
                secrets,
                launch,
            };
            let mut app = App::new(cc, deps);
            if let Some(requests) = &raise {
                requests.wake_with(&cc.egui_ctx);
            }
            app.raise = raise;
            if cc.storage.is_some() {
                app.send(Command::KeepPrivate(settings_file.clone()));
                app.model.about.settings_file = Some(settings_file);
            }
            // A saved storage choice this system lacks: the window runs with automatic
            // storage and says so where it cannot be missed.
            // The banner's first line does not wrap: a short one, the details below.
            app.model.global_error = storage_warning.map(|warning| UiError {
                hint: Some(
                    warning
                        .strip_prefix("warning: ")
                        .unwrap_or(&warning)
                        .to_string(),
                ),
                ..UiError::plain("The saved storage setting could not be used")
            });
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_settings_are_kept_in_range() {
        let s = Settings::from_stored(r#"{"clipboard_clear_secs":100000000000000000}"#);
        assert_eq!(s.clipboard_clear_secs, 3600);
        let s = Settings::from_stored(r#"{"clipboard_clear_secs":0,"theme":"Dark"}"#);
        assert_eq!((s.clipboard_clear_secs, s.theme), (5, ThemeChoice::Dark));
        assert_eq!(Settings::from_stored("not json"), Settings::default());
    }

    #[test]
    fn no_display_is_named_where_a_window_needs_one() {
        let missing = no_display(|_| false);
        if cfg!(all(unix, not(target_os = "macos"))) {
            assert_eq!(
                missing.as_deref(),
                Some(
                    "cannot open the window: no display (neither WAYLAND_DISPLAY nor DISPLAY is set)"
                )
            );
        }
        assert_eq!(no_display(|k| k == "DISPLAY"), None);
        assert_eq!(no_display(|k| k == "WAYLAND_DISPLAY"), None);
    }
}

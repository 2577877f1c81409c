//! The one window-test harness: the real `App` and its worker in egui_kittest, with the
//! test's paths and keyring service, a recorded clipboard and a clock moved by hand.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cdf_signin::secrets::{KeyringStore, SecretStore};
use cdf_signin::ui::{App, Deps, Launch};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::Env;
use super::doubles::{ManualClock, RecordingClipboard};

/// The window as the tests drive it.
pub struct Gui {
    pub harness: Harness<'static, App>,
    pub clipboard: RecordingClipboard,
    pub clock: Arc<ManualClock>,
}

/// The size most tests use: room for every panel.
pub const SIZE: egui::Vec2 = egui::vec2(1100.0, 760.0);

pub fn open(env: &Env) -> Gui {
    open_sized(env, SIZE)
}

/// The window at `size` points, with the test's keyring service.
pub fn open_sized(env: &Env, size: egui::Vec2) -> Gui {
    open_with(
        env,
        size,
        Box::new(KeyringStore::new(env.keyring_service.clone())),
    )
}

/// The window with a secret store of the test's choosing; returns once the profiles
/// are loaded.
pub fn open_with(env: &Env, size: egui::Vec2, secrets: Box<dyn SecretStore>) -> Gui {
    let clipboard = RecordingClipboard::default();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let (deps_clipboard, deps_clock) = (clipboard.clone(), clock.clone());
    let paths = env.paths();
    let harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        App::new(
            cc,
            Deps {
                paths,
                clock: deps_clock,
                clipboard: Box::new(deps_clipboard),
                secrets,
                launch: Launch::from_process(),
            },
        )
    });
    let mut gui = Gui {
        harness,
        clipboard,
        clock,
    };
    // The worker's first answers: the profiles, what the secret store is (the About box
    // and Settings show it), and the current profile's cached token, after which the
    // window puts the focus on its primary action. A test that moves the focus before
    // that would have it taken away.
    gui.wait("the profiles, the secret store and the cache", |h| {
        let m = &h.state().model;
        let cache_read = m
            .selected
            .as_deref()
            .is_none_or(|name| m.states.get(name).is_some_and(|s| s.cache_read));
        m.loaded && m.about.keyring.is_some() && cache_read
    });
    for _ in 0..2 {
        gui.harness.step();
    }
    gui
}

impl Gui {
    /// Steps the UI until `cond` holds (worker events arrive asynchronously).
    pub fn wait(&mut self, what: &str, mut cond: impl FnMut(&Harness<'static, App>) -> bool) {
        let start = Instant::now();
        loop {
            self.harness.step();
            if cond(&self.harness) {
                self.harness.step();
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn has_label(&self, label: &str) -> bool {
        self.harness.query_by_label(label).is_some()
    }

    pub fn has_text(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }

    pub fn click(&mut self, label: &str) {
        self.harness.get_by_label(label).click();
        self.harness.step();
        self.harness.step();
    }

    pub fn type_into(&mut self, label: &str, text: &str) {
        self.harness.get_by_label(label).focus();
        self.harness.step();
        self.harness.get_by_label(label).type_text(text);
        self.harness.step();
    }

    /// Replaces what the Import .env dialog's File field holds with `path`.
    pub fn set_import_path(&mut self, path: &std::path::Path) {
        self.harness.get_by_label("File").focus();
        self.harness.step();
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.harness
            .get_by_label("File")
            .type_text(&path.display().to_string());
        self.harness.step();
    }

    /// Steps until `profile` shows a token; its access token.
    pub fn wait_for_token(&mut self, profile: &str) -> String {
        self.wait(&format!("{profile}'s token"), |h| {
            h.state().model.states.tokens(profile).is_some()
        });
        self.access_token(profile)
    }

    /// The access token `profile` shows now.
    pub fn access_token(&self, profile: &str) -> String {
        let state = self.harness.state();
        let tokens = state.model.states.tokens(profile);
        let tokens = tokens.unwrap_or_else(|| panic!("{profile} shows no token"));
        tokens.access_token.expose().to_string()
    }

    /// What the clipboard holds once the window's copies (and clearing) are done: the
    /// clipboard is used on a thread of its own.
    pub fn clipboard(&mut self) -> Option<String> {
        self.wait("the clipboard", |h| h.state().clipboard_settled());
        self.clipboard.content.lock().unwrap().clone()
    }
}

//! The tray's loop, the same behind the Linux and the Windows icon: the person's choices, the clipboard's clearing, the profiles file and the
//! token caches followed, sign-ins kept alive.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use super::menu::{self, Choice, Item};
use super::{Event, TrayError, keep_alive, say};
use crate::clipboard::Clipboard;
use crate::paths::Paths;
use crate::profile::{ProfileFile, ProfileStore};
use crate::secrets::Secret;
use crate::session::{Session, SessionError, TokenOptions};
use crate::token::SystemClock;

/// Shows a desktop notification (summary, body): on Linux over D-Bus; nothing where the
/// tray has no notifications (Windows).
pub type Notify = Box<dyn Fn(&str, &str) + Send>;

/// How often the profiles file and the token caches are looked at (one `stat` each).
const POLL: Duration = Duration::from_secs(2);

/// The tray's state: the session (one secret store, one cache, one lock, as the CLI's),
/// the clipboard, and what it copied.
pub struct Tray {
    paths: Paths,
    store: ProfileStore,
    session: Session,
    _rt: tokio::runtime::Runtime,
    clipboard: crate::clipboard::SystemClipboard,
    notify: Notify,
    /// Copies to clear when their time comes, if the clipboard still holds them.
    to_clear: Vec<(Instant, Secret)>,
    /// When the profiles file and the token caches last changed, as last seen.
    seen: Vec<Option<SystemTime>>,
    keep_alive: keep_alive::KeepAlive,
}

impl Tray {
    pub fn new(paths: Paths, notify: Notify) -> Result<Tray, TrayError> {
        let store = ProfileStore::new(&paths.config_dir);
        let opened =
            crate::secrets::open_store(&paths).map_err(|e| TrayError::new(e.to_string()))?;
        if let Some(warning) = &opened.warning {
            say(warning);
        }
        let rt = crate::runtime::build()
            .map_err(|e| TrayError::new(format!("cannot start the async runtime: {e}")))?;
        let session = Session::new(
            paths.clone(),
            opened.store,
            Box::new(SystemClock),
            rt.handle().clone(),
        );
        Ok(Tray {
            keep_alive: keep_alive::KeepAlive::new(&paths),
            store,
            session,
            _rt: rt,
            clipboard: crate::clipboard::SystemClipboard::new(),
            notify,
            to_clear: Vec::new(),
            seen: Vec::new(),
            paths,
        })
    }

    /// The profiles file as it is now; an unreadable one shows as no profiles (the
    /// window and the CLI say what is wrong with it).
    fn profiles(&self) -> ProfileFile {
        profiles_of(&self.store)
    }

    /// Whether a person's profile has a sign-in to renew from, from the cache alone:
    /// no network.
    fn signed_in(&self, name: &str, profile: &crate::profile::Profile) -> bool {
        let now = self.session.now();
        match self.session.cached(name, profile) {
            Ok(Some(set)) if set.refresh_token.is_some() || set.is_valid_for(now, 60) => true,
            Ok(_) => matches!(self.session.signed_in_for(name, profile), Ok(Some(true))),
            Err(e) => {
                tracing::debug!("{name}: the cache cannot be read: {e}");
                false
            }
        }
    }

    pub fn items(&self) -> Vec<Item> {
        let file = self.profiles();
        menu::items(&file, |name, profile| {
            menu::readiness_of(profile, || self.signed_in(name, profile))
        })
    }

    /// What the menu depends on: the profiles file, the token caches (a sign-in in the
    /// window or the CLI writes there), and the storage choice (`storage set` or the
    /// window's Settings moved the secrets).
    fn watched(&self) -> [PathBuf; 3] {
        [
            self.paths.profiles_file(),
            self.paths.token_dir(),
            self.paths.config_dir.join("settings.toml"),
        ]
    }

    fn changed(&mut self) -> bool {
        let now: Vec<Option<SystemTime>> = self
            .watched()
            .iter()
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect();
        let changed = now != self.seen;
        // The storage choice changed after the first look: the secrets moved, so the
        // tray uses the store they are in now, as the window does after a move.
        if self.seen.len() == now.len() && self.seen[2] != now[2] {
            match crate::secrets::open_store(&self.paths) {
                Ok(opened) => self.session.replace_secrets(opened.store),
                Err(e) => tracing::warn!("the storage choice cannot be used: {e}"),
            }
        }
        self.seen = now;
        changed
    }

    /// The loop: choices from the menu, the clipboard's clearing, the files' changes;
    /// until Quit (the menu's, or `tray --quit`).
    pub fn run(&mut self, events: &Receiver<Event>, show: impl Fn(Vec<Item>)) {
        self.changed();
        loop {
            let now = Instant::now();
            let wait = self
                .to_clear
                .iter()
                .map(|(at, _)| at.saturating_duration_since(now))
                .min()
                .map_or(POLL, |d| d.min(POLL));
            match events.recv_timeout(wait) {
                Ok(Event::Quit) | Ok(Event::Chosen(Choice::Quit)) => return,
                Err(RecvTimeoutError::Disconnected) => return,
                Ok(Event::Chosen(choice)) => {
                    self.choose(choice);
                    show(self.items());
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.clear_due();
            if self.changed() {
                show(self.items());
            }
            let store = &self.store;
            self.keep_alive.tick(&self.session, || profiles_of(store));
        }
    }

    fn choose(&mut self, choice: Choice) {
        match choice {
            Choice::Copy { profile, header } => self.copy(&profile, header),
            Choice::SignIn(profile) => open_window(Some(&profile)),
            Choice::Open => open_window(None),
            Choice::Quit => {}
        }
    }

    fn copy(&mut self, name: &str, header: bool) {
        let started = Instant::now();
        let file = self.profiles();
        let Some(profile) = file.profiles.get(name) else {
            self.notify(
                "Nothing copied",
                &format!("There is no profile '{name}' any more."),
            );
            return;
        };
        match self.session.token(name, profile, TokenOptions::default()) {
            Ok((set, _)) => {
                let text = Secret::new(menu::clipboard_text(set.access_token.expose(), header));
                match self.clipboard.set_secret(text.expose()) {
                    Ok(()) => {
                        tracing::debug!("copied in {:?}", started.elapsed());
                        // The window's Settings choose the delay; read at each copy, so
                        // a change there holds at once.
                        let secs = crate::clipboard::configured_clear_secs(&self.paths.data_dir);
                        self.to_clear
                            .push((Instant::now() + Duration::from_secs(secs), text));
                        let (summary, body) = menu::copied_notice(name, header, secs);
                        self.notify(&summary, &body);
                    }
                    Err(e) => self.notify("Nothing copied", &e),
                }
            }
            Err(SessionError::SignInRequired { .. }) => {
                self.notify(
                    "Sign-in needed",
                    &format!("Profile '{name}' needs a sign-in: the window opens on it."),
                );
                open_window(Some(name));
            }
            Err(e) => self.notify(
                "Nothing copied",
                &format!("No token for profile '{name}': {e}"),
            ),
        }
    }

    /// Clears each copy whose time has come, if the clipboard still holds it (the
    /// person may have copied something else since).
    fn clear_due(&mut self) {
        let now = Instant::now();
        let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.to_clear)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.to_clear = rest;
        for (_, text) in due {
            if self.clipboard.get().as_deref() == Some(text.expose()) {
                let _ = self.clipboard.clear();
            }
        }
    }

    fn notify(&self, summary: &str, body: &str) {
        (self.notify)(summary, body);
    }
}

/// The profiles file as it is now; an unreadable one shows as no profiles (the window
/// and the CLI say what is wrong with it).
fn profiles_of(store: &ProfileStore) -> ProfileFile {
    store.load().unwrap_or_else(|e| {
        tracing::warn!("the profiles file cannot be read: {e}");
        ProfileFile::default()
    })
}

/// Starts the window (on `profile`'s sign-in), as a process of its own: the tray
/// never runs the window's code.
fn open_window(profile: Option<&str>) {
    let exe = std::env::current_exe().unwrap_or_else(|_| "cdf-signin".into());
    // On Windows the GUI-subsystem exe beside this one, so no console window opens.
    #[cfg(windows)]
    let exe = Some(exe.with_file_name("cdf-signin-window.exe"))
        .filter(|w| w.is_file())
        .unwrap_or(exe);
    let mut command = std::process::Command::new(exe);
    command.arg("gui");
    if let Some(name) = profile {
        command.args(["--profile", name]);
    }
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    match command.spawn() {
        // Reaped on a thread of its own, so no zombie is left behind.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::warn!("cannot start the window: {e}"),
    }
}

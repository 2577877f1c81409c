//! `cdf-signin tray`: the notification-area icon, a third front end beside the window
//! (`ui`) and the command line (`cli`), on the same session and application code and
//! calling neither. A small long-running process with no window and no GPU context:
//! its menu copies a profile's token (renewed through the session's cache and lock, as
//! `cdf-signin token` does; never a browser sign-in) with the clipboard rules the window
//! uses, and opens the window where a person is needed.
//!
//! The menu is data (`menu.rs`, unit-tested); on Linux `sni.rs` shows it as a
//! StatusNotifierItem and `bus.rs` holds the tray's bus name and notifications. One
//! loop (`service.rs`) does the work: the person's choices, clearing the clipboard,
//! following the profiles file and the token caches, keeping sign-ins alive.

#[cfg(target_os = "linux")]
mod bus;
#[cfg(any(target_os = "linux", windows))]
mod keep_alive;
pub mod menu;
#[cfg(any(target_os = "linux", windows))]
mod service;
#[cfg(target_os = "linux")]
mod sni;
#[cfg(windows)]
mod windows;

use crate::paths::Paths;
#[cfg(any(target_os = "linux", windows))]
use menu::Choice;

/// What `cdf-signin tray` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// End the running tray.
    pub quit: bool,
    /// Turn starting at sign-in on or off.
    pub autostart: Option<bool>,
}

/// Why the tray stopped or did not start: one line, what to do, the exit status.
#[derive(Debug)]
pub struct TrayError {
    pub message: String,
    pub hint: Option<String>,
    pub code: i32,
}

impl TrayError {
    pub(crate) fn new(message: impl Into<String>) -> TrayError {
        TrayError {
            message: message.into(),
            hint: None,
            code: 1,
        }
    }
}

/// What reaches the tray's loop.
#[cfg(any(target_os = "linux", windows))]
#[derive(Debug)]
pub enum Event {
    Chosen(Choice),
    Quit,
}

pub(crate) fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Runs `cdf-signin tray` with `options`.
pub fn run(options: Options) -> Result<(), TrayError> {
    let paths = Paths::from_env().map_err(|e| TrayError::new(e.to_string()))?;
    if let Some(on) = options.autostart {
        let exe = std::env::current_exe()
            .map_err(|e| TrayError::new(format!("cannot find this program's path: {e}")))?;
        say(&crate::autostart::set(&paths, &exe, on).map_err(TrayError::new)?);
        return Ok(());
    }
    platform_run(paths, options)
}

#[cfg(windows)]
fn platform_run(paths: Paths, options: Options) -> Result<(), TrayError> {
    windows::run(paths, options)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn platform_run(_paths: Paths, _options: Options) -> Result<(), TrayError> {
    Err(TrayError::new(
        "the tray icon is not available on this system yet: `cdf-signin token` and the \
         window hand out tokens",
    ))
}

#[cfg(target_os = "linux")]
fn platform_run(paths: Paths, options: Options) -> Result<(), TrayError> {
    if options.quit {
        let ended = bus::quit_running().map_err(TrayError::new)?;
        say(if ended {
            "The running cdf-signin tray was asked to quit."
        } else {
            "No cdf-signin tray is running."
        });
        return Ok(());
    }
    let (sender, events) = std::sync::mpsc::channel();
    let Some(bus) = bus::claim(sender.clone()).map_err(TrayError::new)? else {
        say("A cdf-signin tray is running already (`cdf-signin tray --quit` ends it).");
        return Ok(());
    };
    let notify_bus = bus.clone();
    let notify: service::Notify =
        Box::new(move |summary, body| bus::notify(&notify_bus, summary, body));
    let mut tray = service::Tray::new(paths, notify)?;
    let items = tray.items();
    let handle = sni::spawn(items, sender).map_err(|e| match e {
        sni::NoTray::NoWatcher(why) => {
            tracing::debug!("no tray host: {why}");
            TrayError::new(
                "no StatusNotifierWatcher on the session bus, so no tray icon can show: install \
                 one (on GNOME the extension \"AppIndicator and KStatusNotifierItem Support\", \
                 Debian/Ubuntu package gnome-shell-extension-appindicator) and log in again",
            )
        }
        sni::NoTray::Other(why) => TrayError::new(format!("cannot show the tray icon: {why}")),
    })?;
    let show = |items: Vec<menu::Item>| {
        handle.update(|t| t.items = items);
    };
    tray.run(&events, show);
    handle.shutdown().wait();
    Ok(())
}

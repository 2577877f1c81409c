//! Copying tokens: marked as secret (kept out of clipboard history), and cleared again
//! after a delay, but only if the clipboard still holds what we put there.
//!
//! The window and the tray both copy tokens, so the rules live here, outside either.
//!
//! The clipboard is used on a thread of its own ([`serve`], started by the window's
//! worker and by the tray), never on a UI thread: a clipboard owner that is slow to
//! answer (X11 selections are a round trip to another program) never freezes the window.
//! A front end asks with a [`ClipboardCommand`] and hears back a [`ClipboardAnswer`], in
//! order.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::Path;

/// How long a copied secret may stay on the clipboard, in seconds (the range the
/// window's Settings offer), and how long by default.
pub const CLEAR_SECS: RangeInclusive<u64> = 5..=3600;
pub const DEFAULT_CLEAR_SECS: u64 = 60;

/// The key under which the window keeps its settings (JSON) in eframe's storage.
pub const WINDOW_SETTINGS_KEY: &str = "cdf-signin-settings";

/// A clearing delay as stored, kept in [`CLEAR_SECS`] (a file edited by hand cannot
/// carry a delay the window would not offer).
pub fn clamp_clear_secs(secs: u64) -> u64 {
    secs.clamp(*CLEAR_SECS.start(), *CLEAR_SECS.end())
}

/// The clearing delay chosen in the window's Settings, from its settings file
/// (`app.ron` in the data dir: eframe's RON map, the settings JSON under
/// [`WINDOW_SETTINGS_KEY`]); the default when there is none. The tray copies with it.
pub fn configured_clear_secs(data_dir: &Path) -> u64 {
    let text = std::fs::read_to_string(data_dir.join("app.ron")).unwrap_or_default();
    clear_secs_in(&text)
}

fn clear_secs_in(app_ron: &str) -> u64 {
    #[derive(serde::Deserialize)]
    struct Stored {
        clipboard_clear_secs: Option<u64>,
    }
    ron::from_str::<HashMap<String, String>>(app_ron)
        .ok()
        .and_then(|kv| serde_json::from_str::<Stored>(kv.get(WINDOW_SETTINGS_KEY)?).ok())
        .and_then(|s| s.clipboard_clear_secs)
        .map_or(DEFAULT_CLEAR_SECS, clamp_clear_secs)
}

pub trait Clipboard: Send {
    /// Puts `text` on the clipboard, excluded from clipboard history where the platform
    /// allows.
    fn set_secret(&mut self, text: &str) -> Result<(), String>;
    /// What the clipboard holds now, if it is text.
    fn get(&mut self) -> Option<String>;
    fn clear(&mut self) -> Result<(), String>;
}

/// The system clipboard through arboard. On X11 the clipboard content lives in this
/// process, which the window (or the tray) keeps alive.
pub struct SystemClipboard {
    inner: Option<arboard::Clipboard>,
}

impl SystemClipboard {
    pub fn new() -> SystemClipboard {
        SystemClipboard {
            inner: arboard::Clipboard::new().ok(),
        }
    }

    fn inner(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.inner.is_none() {
            self.inner = Some(arboard::Clipboard::new().map_err(|e| format!("no clipboard: {e}"))?);
        }
        self.inner
            .as_mut()
            .ok_or_else(|| "no clipboard".to_string())
    }
}

impl Default for SystemClipboard {
    fn default() -> Self {
        SystemClipboard::new()
    }
}

impl Clipboard for SystemClipboard {
    fn set_secret(&mut self, text: &str) -> Result<(), String> {
        let set = self.inner()?.set();
        #[cfg(target_os = "linux")]
        let set = {
            use arboard::SetExtLinux;
            set.exclude_from_history()
        };
        // Windows documents one format for each: monitors (clipboard managers), the cloud
        // clipboard and the history; all three are set, so none depends on another.
        #[cfg(target_os = "windows")]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_monitoring()
                .exclude_from_cloud()
                .exclude_from_history()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        set.text(text.to_string())
            .map_err(|e| format!("cannot copy: {e}"))
    }

    fn get(&mut self) -> Option<String> {
        self.inner().ok()?.get_text().ok()
    }

    fn clear(&mut self) -> Result<(), String> {
        self.inner()?
            .clear()
            .map_err(|e| format!("cannot clear the clipboard: {e}"))
    }
}

/// What the window asks of the clipboard.
#[derive(Debug, Clone)]
pub enum ClipboardCommand {
    /// Put `text` on the clipboard; `secret` when it is to be cleared again later.
    Copy {
        text: crate::secrets::Secret,
        what: String,
        secret: bool,
    },
    /// Clear the clipboard if it still holds `text` (the person may have copied
    /// something else since).
    ClearIfStill(crate::secrets::Secret),
}

/// What became of a [`ClipboardCommand`].
#[derive(Debug, Clone)]
pub enum ClipboardAnswer {
    Copied {
        text: crate::secrets::Secret,
        what: String,
        secret: bool,
        result: Result<(), String>,
    },
    /// Cleared, or left alone because it held something else.
    Checked,
}

/// Serves the window's clipboard commands, one after another, until the window is
/// gone. Runs on its own thread, which owns the clipboard.
pub fn serve(
    mut clipboard: Box<dyn Clipboard>,
    commands: std::sync::mpsc::Receiver<ClipboardCommand>,
    answer: impl Fn(ClipboardAnswer),
) {
    for command in commands {
        answer(match command {
            ClipboardCommand::Copy { text, what, secret } => ClipboardAnswer::Copied {
                result: clipboard.set_secret(text.expose()),
                text,
                what,
                secret,
            },
            ClipboardCommand::ClearIfStill(text) => {
                if clipboard.get().as_deref() == Some(text.expose()) {
                    let _ = clipboard.clear();
                }
                ClipboardAnswer::Checked
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_delay_is_read_from_the_window_settings_and_kept_in_range() {
        let stored = r#"{
    "cdf-signin-settings": "{\"clipboard_clear_secs\":15,\"theme\":\"Dark\"}",
    "egui": "",
}"#;
        assert_eq!(super::clear_secs_in(stored), 15);
        let huge = stored.replace("15", "100000000000000000");
        assert_eq!(super::clear_secs_in(&huge), 3600);
        assert_eq!(super::clear_secs_in(""), 60);
        assert_eq!(super::clear_secs_in("{\"egui\": \"\"}"), 60);
    }
}

/// A clipboard in memory, for unit tests of the front ends' logic.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryClipboard(Option<String>);

#[cfg(test)]
impl Clipboard for MemoryClipboard {
    fn set_secret(&mut self, text: &str) -> Result<(), String> {
        self.0 = Some(text.to_string());
        Ok(())
    }

    fn get(&mut self) -> Option<String> {
        self.0.clone()
    }

    fn clear(&mut self) -> Result<(), String> {
        self.0 = None;
        Ok(())
    }
}

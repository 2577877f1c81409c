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

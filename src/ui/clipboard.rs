//! Copying tokens: marked as secret (kept out of clipboard history), and cleared again
//! after a delay, but only if the clipboard still holds what we put there.

pub trait Clipboard: Send {
    /// Puts `text` on the clipboard, excluded from clipboard history where the platform
    /// allows.
    fn set_secret(&mut self, text: &str) -> Result<(), String>;
    /// What the clipboard holds now, if it is text.
    fn get(&mut self) -> Option<String>;
    fn clear(&mut self) -> Result<(), String>;
}

/// The system clipboard through arboard. On X11 the clipboard content lives in this
/// process, which the window keeps alive.
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

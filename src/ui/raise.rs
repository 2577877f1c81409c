//! The window's side of one window per configuration (`crate::instance`): before the
//! first frame it takes the configuration's name on the session bus, or asks the window
//! that has it to come forward and ends. Later starts' requests reach the UI through a
//! channel; the bus's thread only sends and wakes the UI, which does the rest.

use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use eframe::egui;

/// What a start of the window found.
pub enum Started {
    /// Another window of this configuration was asked to come forward: open none.
    Raised,
    /// Open the window; `requests` (none where there is no session bus) hears later
    /// starts once [`Requests::wake_with`] gave it the window's context.
    Window(Option<Requests>),
}

/// Later starts of the window, asking it forward on a profile ("" for none).
pub struct Requests {
    asked: Receiver<String>,
    wake: Arc<Mutex<Option<egui::Context>>>,
    _owner: crate::instance::Owner,
}

impl Requests {
    /// From now on a request repaints the window at once.
    pub fn wake_with(&self, ctx: &egui::Context) {
        *self.wake.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx.clone());
    }

    /// The profiles asked for since the last look.
    pub fn asked(&self) -> Vec<String> {
        self.asked.try_iter().collect()
    }
}

/// Takes the window's name for the configuration in `config_dir`, or raises the window
/// that has it on `profile`.
pub fn start(config_dir: &std::path::Path, profile: Option<&str>) -> Started {
    let (tx, asked) = channel::<String>();
    let wake: Arc<Mutex<Option<egui::Context>>> = Arc::default();
    let waker = wake.clone();
    let claim = crate::instance::claim_window(config_dir, profile, move |p| {
        let _ = tx.send(p);
        if let Some(ctx) = waker.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            ctx.request_repaint();
        }
    });
    match claim {
        crate::instance::Claim::Raised => Started::Raised,
        crate::instance::Claim::Owner(owner) => Started::Window(Some(Requests {
            asked,
            wake,
            _owner: owner,
        })),
        crate::instance::Claim::Alone(why) => {
            tracing::debug!("a window of its own ({why})");
            Started::Window(None)
        }
    }
}

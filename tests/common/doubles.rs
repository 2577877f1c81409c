//! The stand-ins the window tests give the real `App`: a clock moved by hand and a
//! clipboard that records. They implement the product's own traits, so the product
//! carries no test doubles.

use std::sync::{Arc, Mutex};

use cdf_signin::clipboard::Clipboard;
use cdf_signin::token::Clock;
use chrono::{DateTime, Duration, Utc};

/// A clock that moves only when told.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, secs: i64) {
        let mut t = self.0.lock().unwrap();
        *t += Duration::seconds(secs);
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap() = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// A clipboard that records what it was given.
#[derive(Clone, Default)]
pub struct RecordingClipboard {
    pub content: Arc<Mutex<Option<String>>>,
    pub history: Arc<Mutex<Vec<String>>>,
}

impl Clipboard for RecordingClipboard {
    fn set_secret(&mut self, text: &str) -> Result<(), String> {
        *self.content.lock().unwrap() = Some(text.to_string());
        self.history.lock().unwrap().push(text.to_string());
        Ok(())
    }

    fn get(&mut self) -> Option<String> {
        self.content.lock().unwrap().clone()
    }

    fn clear(&mut self) -> Result<(), String> {
        *self.content.lock().unwrap() = None;
        Ok(())
    }
}

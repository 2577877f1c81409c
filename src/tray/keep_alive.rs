//! Keeping sign-ins alive while the tray runs: a refresh token unused for long lapses
//! (Entra ID's after 90 days of disuse; stricter providers sooner), so once a day the
//! tray renews each signed-in account's tokens, through the session's lock like any
//! renewal. When each account was last renewed is kept in `tray-keep-alive.json` in the
//! data dir, so restarting the tray does not renew again the same day.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::paths::Paths;
use crate::profile::ProfileFile;
use crate::session::{Session, TokenOptions};

/// At most one renewal per account in this time.
const EVERY: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// How often the tray looks whether one is due.
const LOOK_EVERY: Duration = Duration::from_secs(600);

pub struct KeepAlive {
    file: PathBuf,
    last_look: Option<Instant>,
}

/// Whether an account last renewed at `last` is due at `now`.
pub fn due(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|t| now - t >= EVERY || t > now)
}

impl KeepAlive {
    pub fn new(paths: &Paths) -> KeepAlive {
        KeepAlive {
            file: paths.data_dir.join("tray-keep-alive.json"),
            last_look: None,
        }
    }

    fn load(&self) -> BTreeMap<String, DateTime<Utc>> {
        crate::fsutil::read_bounded_to_string(&self.file, 64 * 1024)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Renews each signed-in account not renewed for a day; looks every ten minutes.
    pub fn tick(&mut self, session: &Session, profiles: impl FnOnce() -> ProfileFile) {
        if self.last_look.is_some_and(|t| t.elapsed() < LOOK_EVERY) {
            return;
        }
        let file = profiles();
        self.last_look = Some(Instant::now());
        let mut last = self.load();
        let mut done = BTreeSet::new();
        let now = session.now();
        for (name, profile) in &file.profiles {
            let Some(account) = profile.account() else {
                continue;
            };
            if done.contains(&account.id) || !due(last.get(&account.id).copied(), now) {
                continue;
            }
            // Only an account that holds a sign-in for this profile: the tray never
            // starts one, and an account's refresh token goes only where it signed in.
            if !matches!(session.signed_in_for(name, profile), Ok(Some(true))) {
                continue;
            }
            done.insert(account.id.clone());
            let opts = TokenOptions {
                force_refresh: true,
                ..TokenOptions::default()
            };
            match session.token(name, profile, opts) {
                Ok(_) => tracing::debug!("kept the sign-in of '{name}' alive"),
                Err(e) => tracing::debug!("could not keep the sign-in of '{name}' alive: {e}"),
            }
            // A failure is not retried before tomorrow either: the window says what is
            // wrong when the person next uses the profile.
            last.insert(account.id, now);
        }
        if !done.is_empty()
            && let Ok(text) = serde_json::to_vec(&last)
            && let Err(e) = crate::fsutil::write_atomic(&self.file, &text)
        {
            tracing::debug!("cannot write {}: {e}", self.file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_renewed_at_most_once_a_day() {
        let now = DateTime::parse_from_rfc3339("2026-12-08T12:00:00Z")
            .unwrap()
            .to_utc();
        assert!(due(None, now));
        assert!(!due(Some(now - chrono::TimeDelta::hours(23)), now));
        assert!(due(Some(now - chrono::TimeDelta::hours(24)), now));
        // A time from the future (a clock set back) does not hold renewals off forever.
        assert!(due(Some(now + chrono::TimeDelta::hours(1)), now));
    }
}

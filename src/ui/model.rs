//! What the window knows and shows: the [`Model`] (changed by worker events and actions
//! only), the [`ViewState`] the widgets edit in place, and the window's own settings.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};

use std::path::PathBuf;

use super::editor::Editor;
use super::error::UiError;
use super::state::{ProfileStates, Tickets};
use crate::paths::Paths;
use crate::profile::ProfileFile;
use crate::secrets::{STORAGE_ENV, Storage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub clipboard_clear_secs: u64,
    pub theme: ThemeChoice,
    pub auto_refresh_default: bool,
    /// Per-profile overrides of `auto_refresh_default`.
    pub auto_refresh: HashMap<String, bool>,
    pub last_profile: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: crate::clipboard::DEFAULT_CLEAR_SECS,
            theme: ThemeChoice::System,
            auto_refresh_default: true,
            auto_refresh: HashMap::new(),
            last_profile: None,
        }
    }
}

/// How long a copied secret may stay on the clipboard, in seconds (the Settings range).
pub const CLIPBOARD_CLEAR_SECS: std::ops::RangeInclusive<u64> = crate::clipboard::CLEAR_SECS;

impl Settings {
    /// Settings as eframe stored them; a file edited by hand cannot carry values the
    /// window would not offer (a delay of 10^17 s overflowed the clock).
    pub fn from_stored(text: &str) -> Settings {
        let mut s: Settings = serde_json::from_str(text).unwrap_or_default();
        s.clipboard_clear_secs = crate::clipboard::clamp_clear_secs(s.clipboard_clear_secs);
        s
    }

    pub fn auto_refresh_for(&self, profile: &str) -> bool {
        self.auto_refresh
            .get(profile)
            .copied()
            .unwrap_or(self.auto_refresh_default)
    }
}

pub struct Toast {
    pub text: String,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Profile,
    Editor,
    Settings,
}

/// What the window knows: changed only by worker events and by [`App::apply`], read by
/// the views.
pub struct Model {
    pub profiles: ProfileFile,
    pub loaded: bool,
    pub selected: Option<String>,
    /// Everything per profile, in one map.
    pub states: ProfileStates,
    /// The dialogs' requests to the worker (Save, Import, the organization sign-in).
    pub tickets: Tickets,
    pub global_error: Option<UiError>,
    pub screen: Screen,
    pub confirm_delete: Option<String>,
    /// The store the Settings choice would move the secrets to, while its dialog asks.
    pub confirm_storage: Option<Storage>,
    pub toasts: Vec<Toast>,
    pub about_open: bool,
    pub about: AboutInfo,
    /// What the window knows of its own process.
    pub launch: Launch,
}

/// What the widgets edit in place while they are drawn: text being typed, the tab picked,
/// the settings' values, the editor's fields.
pub struct ViewState {
    pub settings: Settings,
    pub filter: String,
    pub access_filter: String,
    pub tab: Tab,
    /// The Check panel's needed capabilities, as typed.
    pub check_needs: String,
    pub editor: Option<Editor>,
    pub import: Option<ImportDialog>,
    /// "Sign in with your Cognite organization", while its dialog is open.
    pub org: Option<OrgDialog>,
    pub(super) about_logo: Option<egui::TextureHandle>,
    /// The profile switcher (Ctrl+K) is open, with what is typed in it.
    pub switcher: Option<String>,
    /// The current profile's primary action (Copy access token, or Sign in) takes the
    /// keyboard focus once it is drawn: after launch and after a switch.
    pub focus_primary: bool,
    /// The window title last asked for (it names a current production profile).
    pub(super) title: String,
}

/// The window's title: "cdf-signin", or, while a production profile is current,
/// "PRODUCTION: NAME — cdf-signin", so the task bar and window switchers say it too.
pub fn window_title(model: &Model) -> String {
    match model.selected.as_deref().filter(|n| {
        model
            .profiles
            .profiles
            .get(*n)
            .is_some_and(|p| p.production)
    }) {
        Some(name) => format!("PRODUCTION: {name} — cdf-signin"),
        None => "cdf-signin".to_string(),
    }
}

/// The dialog: what is typed, and the sign-in under way.
#[derive(Debug, Default)]
pub struct OrgDialog {
    pub org: String,
    /// Advanced: the redirect ports and the Cognite IdP base, empty for the defaults.
    pub ports: String,
    pub base: String,
    pub busy: bool,
    /// The sign-in page, once the browser was asked to open it.
    pub url: Option<String>,
    pub error: Option<UiError>,
}

/// The tabs under a profile's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Claims,
    Access,
}

/// The Import .env dialog.
#[derive(Debug, Clone, Default)]
pub struct ImportDialog {
    pub path: String,
    pub error: Option<UiError>,
    pub busy: bool,
    /// The file's endpoints that are not the provider's defaults, waiting for a yes.
    pub confirm: Option<Vec<String>>,
    /// The profile's name, offered after the project's name was taken.
    pub name: Option<String>,
}

impl ImportDialog {
    /// The dialog, offering the `.env` at `path` ([`Launch::import_path`]).
    pub fn at(path: &str) -> ImportDialog {
        ImportDialog {
            path: path.to_string(),
            ..Default::default()
        }
    }
}

/// What the window knows of its own process, read once before the first frame: the
/// views ask neither the process nor the environment.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// The program the snippet without pip runs: this executable when it is
    /// cdf-signin, else the name on PATH.
    pub program: String,
    /// The `.env` the import dialog offers first: where a toolkit project keeps it, the
    /// current directory, unless that is the program's own folder (the Start menu
    /// starts it there on Windows), where no project is.
    pub import_path: String,
    /// `CDF_SIGNIN_STORAGE` when it is set: it overrides the saved choice.
    pub storage_env: Option<String>,
    /// The profile to open on (`gui --profile NAME`), before the last one used.
    pub profile: Option<String>,
}

impl Launch {
    pub fn from_process() -> Launch {
        let exe = std::env::current_exe().ok();
        let program = exe
            .as_ref()
            .filter(|p| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy().starts_with("cdf-signin"))
            })
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "cdf-signin".into());
        let program_dir = exe.and_then(|exe| exe.parent().map(|d| d.to_path_buf()));
        let import_path = match std::env::current_dir() {
            Ok(dir) if Some(&dir) == program_dir.as_ref() => String::new(),
            Ok(dir) => dir.join(".env").display().to_string(),
            Err(_) => ".env".into(),
        };
        Launch {
            program,
            import_path,
            storage_env: std::env::var(STORAGE_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty()),
            profile: None,
        }
    }
}

/// What the About box shows; worked out once when the window opens.
#[derive(Debug, Clone)]
pub struct AboutInfo {
    pub version: &'static str,
    pub profiles_file: PathBuf,
    pub token_dir: PathBuf,
    pub discovery_dir: PathBuf,
    /// The window's own settings (eframe's storage); `None` when nothing is saved, as in
    /// tests.
    pub settings_file: Option<PathBuf>,
    /// Where client secrets and token keys live, in words; `None` until the worker has
    /// asked the store (a keyring round trip).
    pub keyring: Option<String>,
    /// The store writes secrets to disk unencrypted (file storage, an explicit opt-in).
    pub plain_text: bool,
    /// Where the storage choice is saved (`settings.toml` in the config dir).
    pub config_dir: PathBuf,
    /// The saved storage choice, which the Settings screen changes.
    pub storage: Storage,
    /// `CDF_SIGNIN_STORAGE` when it is set: it overrides the saved choice.
    pub storage_env: Option<String>,
    /// Where the file storage would keep the secrets (the move's question names it).
    pub file_dir: PathBuf,
    /// Whether the tray icon starts at log-in; `None` until the worker has looked.
    pub autostart: Option<bool>,
}

impl AboutInfo {
    /// What is known without touching a disk or a keyring; the worker fills in the rest
    /// (`Event::StoreInfo`).
    pub fn new(paths: &Paths, launch: &Launch) -> AboutInfo {
        AboutInfo {
            version: env!("CARGO_PKG_VERSION"),
            profiles_file: paths.profiles_file(),
            token_dir: paths.token_dir(),
            discovery_dir: paths.discovery_dir(),
            settings_file: None,
            keyring: None,
            plain_text: false,
            config_dir: paths.config_dir.clone(),
            // The saved choice is read by the worker, off the UI thread
            // (`Event::StorageChoice`); until then the default is shown.
            storage: Storage::default(),
            storage_env: launch.storage_env.clone(),
            file_dir: crate::secrets::storage::file_dir(paths, &crate::secrets::service_name()),
            autostart: None,
        }
    }

    pub(super) fn settings_text(&self) -> String {
        match &self.settings_file {
            Some(p) => p.display().to_string(),
            None => "not saved in this session".to_string(),
        }
    }

    pub fn keyring_text(&self) -> &str {
        self.keyring.as_deref().unwrap_or("being looked up")
    }

    /// Everything in the box as plain text, for Copy details.
    pub fn as_text(&self) -> String {
        format!(
            "cdf-signin {}\nLicence: Apache-2.0\nProfiles: {}\nWindow settings: {}\n\
             Client secrets and token keys: {}\nTokens (encrypted): {}\nDiscovery cache: {}\n",
            self.version,
            self.profiles_file.display(),
            self.settings_text(),
            self.keyring_text(),
            self.token_dir.display(),
            self.discovery_dir.display(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::Paths;
    use crate::secrets::SecretStore;

    #[test]
    fn text_names_every_place() {
        let launch = Launch::default();
        let mut info = AboutInfo::new(&Paths::under(std::path::Path::new("/r")), &launch);
        info.keyring = Some(crate::secrets::KeyringStore::new("svc").describe());
        let text = info.as_text();
        for needle in [
            env!("CARGO_PKG_VERSION"),
            "Apache-2.0",
            "/r/config/profiles.toml",
            "/r/data/tokens",
            "/r/cache/discovery",
            "service \"svc\"",
            "not saved",
        ] {
            assert!(text.contains(needle), "{needle} missing in:\n{text}");
        }
        info.settings_file = Some("/r/data/app.ron".into());
        assert!(info.as_text().contains("Window settings: /r/data/app.ron"));
    }
}

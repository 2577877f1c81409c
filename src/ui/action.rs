//! What the person asked for while a frame was drawn. Views only draw and return these;
//! [`App::apply`] carries them out after drawing, in one place.

use std::path::PathBuf;

use super::access::ImportDialog;
use super::editor::Editor;
use super::state::{Check, SignIn};
use super::worker::{Command, UiError};
use super::{App, Screen};
use crate::app::ProfileDraft;
use crate::profile::Flow;
use crate::secrets::Secret;

/// Which banner a Dismiss closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    /// The banner above every screen.
    Window,
    /// The profile's own error.
    Profile(String),
    /// A failed Verify, in the Access tab.
    Access(String),
}

#[derive(Debug)]
pub enum Action {
    /// Show a profile (and load its cached token).
    Select(String),
    /// Open the profile switcher (Ctrl+K), or close it.
    OpenSwitcher,
    CloseSwitcher,
    /// Say something in a toast.
    Notice(String),
    /// Open the editor on a new profile.
    NewProfile,
    /// Open the editor on an existing profile, or on a copy of it.
    EditProfile {
        name: String,
        duplicate: bool,
    },
    CloseEditor,
    SaveProfile(Box<ProfileDraft>),
    /// Settings button: show the settings, or go back when they are shown.
    ToggleSettings,
    ShowProfile,
    ToggleAbout,
    CloseAbout,
    /// Save where secrets are kept, for the window and the command line alike.
    SaveStorage(crate::secrets::Storage),
    /// Ask before deleting (`None`: the question was answered "Keep").
    AskDelete(Option<String>),
    Delete(String),
    SetDefault(String),
    OpenImport,
    CloseImport,
    Import(PathBuf),
    /// Import after the person confirmed its endpoints.
    ImportConfirmed(PathBuf),
    /// Sign in (or, for client credentials, get a token).
    SignIn(String),
    CancelSignIn(String),
    /// Renew now, ignoring a valid cached token.
    RenewNow(String),
    SignOut(String),
    Verify(String),
    AddForProject {
        from: String,
        project: String,
    },
    CopyApiKey(String),
    /// Open the Check panel and walk the chain, with the needs typed in its field.
    Check(String),
    CloseCheck(String),
    SetAutoRefresh {
        profile: String,
        on: bool,
    },
    CopySecret {
        text: Secret,
        what: &'static str,
    },
    CopyPlain {
        text: String,
        what: &'static str,
    },
    OpenUrl(String),
    Dismiss(Banner),
    /// The organization sign-in's dialog (`org_sign_in.rs`).
    Org(super::org_sign_in::OrgAction),
}

impl App {
    /// Carries out what the views asked for.
    pub(super) fn apply(&mut self, action: Action) {
        match action {
            Action::Select(name) => {
                self.view.switcher = None;
                self.view.focus_primary = true;
                self.select(&name);
            }
            Action::OpenSwitcher => self.view.switcher = Some(String::new()),
            Action::CloseSwitcher => self.view.switcher = None,
            Action::Notice(text) => self.toast(text),
            Action::NewProfile => self.open_editor(Editor::new()),
            Action::Org(a) => self.apply_org(a),
            Action::EditProfile { name, duplicate } => {
                if let Some(p) = self.model.profiles.profiles.get(&name) {
                    let editor = if duplicate {
                        Editor::duplicate(&name, p)
                    } else {
                        Editor::edit(&name, p)
                    };
                    self.open_editor(editor);
                } else if let Some(invalid) = self.model.profiles.invalid.get(&name) {
                    // Fixing a profile that breaks a rule: its fields as written.
                    self.open_editor(Editor::fix(&name, &invalid.fields));
                }
            }
            Action::CloseEditor => self.model.screen = Screen::Profile,
            Action::SaveProfile(draft) => self.send(Command::SaveProfile(draft)),
            Action::ToggleSettings => {
                self.model.screen = if self.model.screen == Screen::Settings {
                    Screen::Profile
                } else {
                    Screen::Settings
                };
            }
            Action::ShowProfile => self.model.screen = Screen::Profile,
            Action::ToggleAbout => self.model.about_open = !self.model.about_open,
            Action::SaveStorage(storage) => {
                match crate::secrets::storage::save_choice(&self.model.about.config_dir, storage) {
                    Ok(()) => {
                        self.model.about.storage = storage;
                        self.toast(format!(
                            "Storage '{}' saved; it applies from the next start (window and command line)",
                            storage.as_str()
                        ));
                    }
                    Err(e) => self.toast(format!("Cannot save the storage choice: {e}")),
                }
            }
            Action::CloseAbout => self.model.about_open = false,
            Action::AskDelete(name) => self.model.confirm_delete = name,
            Action::Delete(name) => {
                self.model.confirm_delete = None;
                self.send(Command::DeleteProfile(name));
            }
            Action::SetDefault(name) => self.send(Command::SetDefault(name)),
            Action::OpenImport => self.view.import = Some(ImportDialog::new()),
            Action::CloseImport => self.view.import = None,
            Action::Import(path) => self.start_import(path, false),
            Action::ImportConfirmed(path) => self.start_import(path, true),
            Action::SignIn(name) => self.start_sign_in(&name),
            Action::CancelSignIn(name) => self.send(Command::CancelSignIn(name)),
            Action::RenewNow(name) => {
                self.model.states.entry(&name).renewing = true;
                self.send(Command::Renew {
                    profile: name,
                    min_valid_secs: 0,
                    force: true,
                    background: false,
                });
            }
            Action::SignOut(name) => self.send(Command::SignOut(name)),
            Action::Verify(name) => {
                self.model.states.entry(&name).verifying = true;
                self.view.tab = super::Tab::Access;
                self.send(Command::Verify(name));
            }
            Action::AddForProject { from, project } => {
                self.send(Command::AddForProject { from, project })
            }
            Action::CopyApiKey(name) => self.send(Command::CopyApiKey(name)),
            Action::Check(name) => self.start_check(name),
            Action::CloseCheck(name) => self.model.states.entry(&name).check = None,
            Action::SetAutoRefresh { profile, on } => {
                self.view.settings.auto_refresh.insert(profile, on);
            }
            Action::CopySecret { text, what } => self.copy_secret(text.expose(), what),
            Action::CopyPlain { text, what } => self.copy_plain(&text, what),
            Action::OpenUrl(url) => {
                if let Err(e) = crate::auth::browser::open(&url) {
                    self.model.global_error = Some(UiError::plain(e));
                }
            }
            Action::Dismiss(Banner::Window) => self.model.global_error = None,
            Action::Dismiss(Banner::Profile(name)) => self.model.states.entry(&name).error = None,
            Action::Dismiss(Banner::Access(name)) => self.model.states.entry(&name).access = None,
        }
    }

    fn open_editor(&mut self, editor: Editor) {
        self.view.editor = Some(editor);
        self.model.screen = Screen::Editor;
    }

    pub(super) fn start_import(&mut self, path: PathBuf, confirmed: bool) {
        let dialog = self.view.import.get_or_insert_with(ImportDialog::new);
        dialog.path = path.display().to_string();
        dialog.busy = true;
        dialog.error = None;
        dialog.confirm = None;
        // After a name clash the dialog offers a name; empty means the project's.
        let name = dialog
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let name = name.map(str::to_string);
        self.send(Command::ImportEnv {
            path,
            name,
            confirmed,
        });
    }

    fn start_check(&mut self, name: String) {
        let state = self.model.states.entry(&name);
        match crate::doctor::need::parse_list(&self.view.check_needs) {
            Ok(needs) => {
                state.check = Some(Check::Running);
                self.send(Command::Check {
                    profile: name,
                    needs,
                });
            }
            Err(e) => {
                state.check = Some(Check::Done(Err(UiError {
                    hint: Some("write each as ACL:ACTION, e.g. assetsAcl:READ".into()),
                    ..UiError::plain(format!("Needed capabilities: {e}"))
                })));
            }
        }
    }

    fn start_sign_in(&mut self, name: &str) {
        let Some(flow) = self.model.profiles.profiles.get(name).map(|p| p.flow) else {
            return;
        };
        let state = self.model.states.entry(name);
        state.error = None;
        // Ends with a Token or a Failed event, which clear this state.
        state.sign_in = Some(SignIn::Starting);
        if flow == Flow::ClientCredentials {
            state.renewing = true;
            self.send(Command::Renew {
                profile: name.to_string(),
                min_valid_secs: 60,
                force: false,
                background: false,
            });
        } else {
            self.send(Command::SignIn(name.to_string()));
        }
    }
}

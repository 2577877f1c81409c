//! Carries out the [`Action`]s the views return: the window's one place that changes the
//! model on a person's request and sends work to the worker.

use std::path::PathBuf;

use super::App;
use super::action::{Action, Banner, OrgAction};
use super::editor::Editor;
use super::error::UiError;
use super::model::ImportDialog;
use super::model::{OrgDialog, Screen};
use super::protocol::Command;
use super::state::{Check, DialogKind, OpKind};
use crate::profile::Flow;

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
            Action::CloseEditor => {
                // Whatever the worker still answers about this editor is dropped.
                self.model.tickets.abandon(DialogKind::Save);
                self.model.tickets.abandon(DialogKind::Pick);
                self.model.screen = Screen::Profile;
            }
            Action::SaveProfile(draft) => {
                let ticket = self.model.tickets.begin(DialogKind::Save);
                self.send(Command::SaveProfile { ticket, draft });
            }
            Action::ToggleSettings => {
                self.model.screen = if self.model.screen == Screen::Settings {
                    Screen::Profile
                } else {
                    Screen::Settings
                };
            }
            Action::ShowProfile => self.model.screen = Screen::Profile,
            Action::ToggleAbout => self.model.about_open = !self.model.about_open,
            Action::AskStorage(storage) => self.model.confirm_storage = storage,
            Action::MoveStorage(storage) => {
                self.model.confirm_storage = None;
                self.send(Command::MoveStorage(storage));
            }
            Action::SetAutostart(on) => self.send(Command::SetAutostart(on)),
            Action::CloseAbout => self.model.about_open = false,
            Action::AskDelete(name) => self.model.confirm_delete = name,
            Action::Delete(name) => {
                self.model.confirm_delete = None;
                self.send(Command::DeleteProfile(name));
            }
            Action::SetDefault(name) => self.send(Command::SetDefault(name)),
            Action::OpenImport => self.open_import(),
            Action::PickFile(target) => {
                let ticket = self.model.tickets.begin(DialogKind::Pick);
                self.send(Command::PickFile { ticket, target });
            }
            Action::CloseImport => {
                self.model.tickets.abandon(DialogKind::Import);
                self.model.tickets.abandon(DialogKind::Pick);
                self.view.import = None;
            }
            Action::Import(path) => self.start_import(path, false),
            Action::ImportConfirmed(path) => self.start_import(path, true),
            Action::SignIn(name) => self.start_sign_in(&name),
            Action::CancelSignIn(name) => {
                // Stop waiting at once; whatever the worker still answers is dropped.
                self.model.states.abandon(&name, OpKind::SignIn);
                self.send(Command::CancelSignIn(name));
            }
            Action::RenewNow(name) => {
                let request = self.model.states.begin(&name, OpKind::Renewal);
                self.send(Command::Renew {
                    request,
                    min_valid_secs: 0,
                    force: true,
                    background: false,
                });
            }
            Action::SignOut(name) => self.send(Command::SignOut(name)),
            Action::Verify(name) => {
                let request = self.model.states.begin(&name, OpKind::Access);
                self.view.tab = super::model::Tab::Access;
                self.send(Command::Verify(request));
            }
            Action::AddForProject { from, project } => {
                self.send(Command::AddForProject { from, project })
            }
            Action::CopyApiKey(name) => self.send(Command::CopyApiKey(name)),
            Action::Check(name) => self.start_check(name),
            Action::CloseCheck(name) => {
                self.model.states.abandon(&name, OpKind::Check);
                self.model.states.entry(&name).check = None;
            }
            Action::SetAutoRefresh { profile, on } => {
                self.view.settings.auto_refresh.insert(profile, on);
            }
            Action::CopySecret { text, what } => self.copy_secret(text, what),
            Action::CopyPlain { text, what } => self.copy_plain(text, what),
            Action::OpenUrl(url) => self.send(Command::OpenUrl(url)),
            Action::Dismiss(Banner::Window) => self.model.global_error = None,
            Action::Dismiss(Banner::Profile(name)) => self.model.states.entry(&name).error = None,
            Action::Dismiss(Banner::Access(name)) => self.model.states.entry(&name).access = None,
            Action::Dismiss(Banner::Production(name)) => {
                self.model.states.entry(&name).production_suggested = false;
            }
        }
    }

    /// A new editor: answers meant for an earlier one are dropped.
    fn open_editor(&mut self, editor: Editor) {
        self.model.tickets.abandon(DialogKind::Save);
        self.model.tickets.abandon(DialogKind::Pick);
        self.view.editor = Some(editor);
        self.model.screen = Screen::Editor;
    }

    /// A new import dialog: answers meant for an earlier one are dropped.
    fn open_import(&mut self) {
        self.model.tickets.abandon(DialogKind::Import);
        self.model.tickets.abandon(DialogKind::Pick);
        self.view.import = Some(ImportDialog::at(&self.model.launch.import_path));
    }

    pub(super) fn start_import(&mut self, path: PathBuf, confirmed: bool) {
        // A new ticket supersedes the dialog's earlier Import (a dropped file while one
        // runs).
        let ticket = self.model.tickets.begin(DialogKind::Import);
        let offered = &self.model.launch.import_path;
        let dialog = (self.view.import).get_or_insert_with(|| ImportDialog::at(offered));
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
            ticket,
            path,
            name,
            confirmed,
        });
    }

    fn start_check(&mut self, name: String) {
        match crate::doctor::need::parse_list(&self.view.check_needs) {
            Ok(needs) => {
                let request = self.model.states.begin(&name, OpKind::Check);
                self.send(Command::Check { request, needs });
            }
            Err(e) => {
                self.model.states.abandon(&name, OpKind::Check);
                self.model.states.entry(&name).check = Some(Check::Done(Err(UiError {
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
        self.model.states.entry(name).error = None;
        // Ends with a Token or a RequestFailed event for this request. A service
        // principal's "sign-in" is a token request: a renewal.
        if flow == Flow::ClientCredentials {
            let request = self.model.states.begin(name, OpKind::Renewal);
            self.send(Command::Renew {
                request,
                min_valid_secs: crate::token::DEFAULT_MIN_VALID_SECS,
                force: false,
                background: false,
            });
        } else {
            let request = self.model.states.begin(name, OpKind::SignIn);
            self.send(Command::SignIn(request));
        }
    }
}

impl App {
    pub(super) fn apply_org(&mut self, action: OrgAction) {
        match action {
            OrgAction::Open => {
                self.model.screen = Screen::Profile;
                self.model.tickets.abandon(DialogKind::Org);
                self.view.org = Some(OrgDialog::default());
            }
            OrgAction::Close => {
                if self.view.org.as_ref().is_some_and(|d| d.busy) {
                    self.send(Command::CancelOrgSignIn);
                }
                self.model.tickets.abandon(DialogKind::Org);
                self.view.org = None;
            }
            OrgAction::SignIn(request) => {
                if let Some(d) = &mut self.view.org {
                    d.busy = true;
                    d.error = None;
                    d.url = None;
                }
                let ticket = self.model.tickets.begin(DialogKind::Org);
                self.send(Command::SignInOrg { ticket, request });
            }
            OrgAction::Cancel => self.send(Command::CancelOrgSignIn),
        }
    }
}

//! Carries out the [`Action`]s the views return: the window's one place that changes the
//! model on a person's request and sends work to the worker.

use std::path::PathBuf;

use super::App;
use super::action::{Action, Banner, OrgAction};
use super::editor::Editor;
use super::error::UiError;
use super::model::ImportDialog;
use super::model::{OrgDialog, Screen};
use super::state::{Check, OpKind};
use super::worker::{Command, OrgEvent};
use crate::app::OrgOutcome;
use crate::auth::SignInPrompt;
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
            Action::SaveStorage(storage) => self.send(Command::SaveStorageChoice(storage)),
            Action::CloseAbout => self.model.about_open = false,
            Action::AskDelete(name) => self.model.confirm_delete = name,
            Action::Delete(name) => {
                self.model.confirm_delete = None;
                self.send(Command::DeleteProfile(name));
            }
            Action::SetDefault(name) => self.send(Command::SetDefault(name)),
            Action::OpenImport => self.view.import = Some(ImportDialog::new()),
            Action::PickFile(target) => self.send(Command::PickFile(target)),
            Action::CloseImport => self.view.import = None,
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
            Action::CopySecret { text, what } => self.copy_secret(text.expose(), what),
            Action::CopyPlain { text, what } => self.copy_plain(&text, what),
            Action::OpenUrl(url) => self.send(Command::OpenUrl(url)),
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
                min_valid_secs: 60,
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
                self.view.org = Some(OrgDialog::default());
            }
            OrgAction::Close => {
                if self.view.org.as_ref().is_some_and(|d| d.busy) {
                    self.send(Command::CancelOrgSignIn);
                }
                self.view.org = None;
            }
            OrgAction::SignIn(request) => {
                if let Some(d) = &mut self.view.org {
                    d.busy = true;
                    d.error = None;
                    d.url = None;
                }
                self.send(Command::SignInOrg(request));
            }
            OrgAction::Cancel => self.send(Command::CancelOrgSignIn),
        }
    }

    pub(super) fn org_event(&mut self, event: OrgEvent) {
        match event {
            OrgEvent::Prompt(SignInPrompt::Browser { url, .. }) => {
                if let Some(d) = &mut self.view.org {
                    d.url = Some(url);
                }
            }
            OrgEvent::Prompt(SignInPrompt::DeviceCode(_)) => {}
            OrgEvent::Cancelled => {
                if let Some(d) = &mut self.view.org {
                    d.busy = false;
                }
            }
            OrgEvent::Done(Err(e)) => match &mut self.view.org {
                Some(d) => {
                    d.busy = false;
                    d.error = Some(e);
                }
                None => self.model.global_error = Some(e),
            },
            OrgEvent::Done(Ok(outcome)) => {
                self.view.org = None;
                self.toast(outcome_text(&outcome));
                let show = outcome
                    .default
                    .clone()
                    .or_else(|| outcome.added.first().map(|s| s.name.clone()))
                    .or_else(|| outcome.existing.first().cloned());
                if let Some(name) = show {
                    self.select(&name);
                }
            }
        }
    }
}

/// The toast after a sign-in: what was added, what was there, what was skipped.
fn outcome_text(o: &OrgOutcome) -> String {
    let names = |list: Vec<&str>| list.join(", ");
    let mut text = format!("Signed in to {}.", o.org);
    if !o.added.is_empty() {
        let added = names(o.added.iter().map(|s| s.name.as_str()).collect());
        text.push_str(&format!(" Added {added}."));
    }
    if !o.existing.is_empty() {
        let kept = names(o.existing.iter().map(String::as_str).collect());
        text.push_str(&format!(" Already there: {kept}."));
    }
    for (name, why) in &o.passed_over {
        text.push_str(&format!(" Passed over {name}, without the sign-in: {why}."));
    }
    for (project, why) in &o.skipped {
        text.push_str(&format!(" Skipped {project}: {why}."));
    }
    if o.added.is_empty() && o.existing.is_empty() {
        text.push_str(" The organization lists no project this sign-in can use.");
    }
    text
}

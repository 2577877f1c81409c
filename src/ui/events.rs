//! What the worker reports, folded into the window's state.

use super::App;
use super::error::UiError;
use super::model::ImportDialog;
use super::model::Screen;
use super::state::{Check, OpKind, ShownToken};
use super::worker::Event;
use crate::app::Problem;

impl App {
    pub(super) fn handle(&mut self, event: Event) {
        let m = &mut self.model;
        match event {
            Event::Profiles(Ok(file)) => self.profiles_loaded(file),
            // Another process changed the file: show it without leaving the editor or
            // Settings. A file that cannot be read now keeps what is shown (the next
            // command that uses it says why).
            Event::Reloaded(Ok(file)) => {
                if m.loaded && file != m.profiles {
                    let screen = m.screen;
                    self.handle(Event::Profiles(Ok(file)));
                    self.model.screen = screen;
                }
            }
            Event::Reloaded(Err(_)) => {}
            Event::Profiles(Err(e)) => {
                m.loaded = true;
                m.global_error = Some(e);
            }
            Event::Org(e) => self.org_event(e),
            Event::Cached(name, tokens) => {
                let s = m.states.entry(&name);
                s.cache_read = true;
                if let Some(t) = tokens {
                    set_tokens(s, t);
                }
            }
            Event::Prompt(request, prompt) => m.states.prompt(&request, prompt),
            // A token ends whichever request asked for it; a sign-in in progress on the
            // same profile is not one of them and goes on.
            Event::Token { request, tokens } => {
                if let Some(s) = m.states.finish(&request) {
                    s.failed_renewal = None;
                    s.error = None;
                    set_tokens(s, tokens);
                }
            }
            Event::Ended(request) => {
                m.states.finish(&request);
            }
            Event::SignedOut(names) => self.signed_out(&names),
            Event::Saved { name, renamed_from } => self.saved(name, renamed_from),
            Event::Deleted(name) => self.deleted(name),
            Event::Access { request, result } => {
                if let Some(s) = m.states.finish(&request) {
                    s.access = Some(result);
                }
            }
            Event::Checked { request, result } => {
                if let Some(s) = m.states.finish(&request) {
                    s.check = Some(Check::Done(result));
                }
            }
            Event::StoreInfo {
                storage,
                describe,
                plain_text,
            } => {
                m.about.storage = storage;
                m.about.keyring = Some(describe);
                m.about.plain_text = plain_text;
            }
            Event::StorageSaved(storage) => {
                m.about.storage = storage;
                self.toast(format!(
                    "Storage '{}' saved; it applies from the next start (window and command line)",
                    storage.as_str()
                ));
            }
            Event::Added { name, project } => {
                self.toast(format!("Added profile {name} for project {project}"));
            }
            Event::Imported { name, notes } => {
                self.view.import = None;
                self.select(&name);
                let mut text = format!("Imported profile {name}");
                for n in notes {
                    text.push_str(&format!("; {n}"));
                }
                self.toast(text);
            }
            Event::Picked { target: None, path } => {
                if let Some(dialog) = &mut self.view.import {
                    dialog.path = path.display().to_string();
                    dialog.error = None;
                }
            }
            Event::Picked {
                target: Some(field),
                path,
            } => {
                if let Some(editor) = &mut self.view.editor {
                    editor.set_path(field, &path);
                }
            }
            Event::ImportConfirm { path, endpoints } => {
                let dialog = self.view.import.get_or_insert_with(ImportDialog::new);
                dialog.path = path.display().to_string();
                dialog.busy = false;
                dialog.confirm = Some(endpoints);
            }
            Event::Problems(problems) => self.problems(&problems),
            Event::ImportNameTaken { error, free } => {
                let dialog = self.view.import.get_or_insert_with(ImportDialog::new);
                dialog.busy = false;
                dialog.name = Some(free);
                dialog.error = Some(error);
            }
            Event::ImportFailed(error) => match &mut self.view.import {
                Some(dialog) => {
                    dialog.busy = false;
                    dialog.error = Some(error);
                }
                None => m.global_error = Some(error),
            },
            Event::CopySecret { text, what } => self.copy_secret(text.expose(), &what),
            Event::RequestFailed {
                request,
                error,
                background,
            } => {
                let now = self.clock.now();
                if let Some(s) = m.states.finish(&request) {
                    if background {
                        s.failed_renewal = Some(now);
                    }
                    s.error = Some(error);
                }
            }
            Event::Failed {
                profile: Some(p),
                error,
                background,
            } => self.failed_on(&p, error, background),
            Event::Failed {
                profile: None,
                error,
                ..
            } => m.global_error = Some(error),
        }
    }

    /// The profiles file read: a profile that is gone takes its whole state with it; the
    /// selection stays where it can.
    fn profiles_loaded(&mut self, file: crate::profile::ProfileFile) {
        let m = &mut self.model;
        m.loaded = true;
        let keep = m.selected.clone().filter(|s| file.profiles.contains_key(s));
        m.profiles = file;
        let profiles = &m.profiles.profiles;
        m.states.retain(|name| profiles.contains_key(name));
        let pick = keep
            .or_else(|| m.profiles.default.clone())
            .or_else(|| m.profiles.profiles.keys().next().cloned());
        m.selected = None;
        if let Some(name) = pick {
            self.select(&name);
        }
    }

    /// Every profile signed out: the one asked and those sharing its account.
    fn signed_out(&mut self, names: &[String]) {
        for name in names {
            let s = self.model.states.entry(name);
            s.tokens = None;
            s.access = None;
            self.model.states.abandon(name, OpKind::Renewal);
        }
        self.toast(format!("Signed out of {}", names.join(", ")));
    }

    fn saved(&mut self, name: String, renamed_from: Option<String>) {
        if let Some(old) = renamed_from {
            // The worker dropped the old name's tokens; its window state goes too, and
            // the auto-refresh choice follows the profile to its new name.
            self.model.states.remove(&old);
            if let Some(on) = self.view.settings.auto_refresh.remove(&old) {
                self.view.settings.auto_refresh.insert(name.clone(), on);
            }
        }
        self.view.editor = None;
        self.model.selected = Some(name.clone());
        self.model.screen = Screen::Profile;
        self.toast(format!("Saved profile {name}"));
    }

    fn deleted(&mut self, name: String) {
        self.model.states.remove(&name);
        self.view.settings.auto_refresh.remove(&name);
        if self.model.selected.as_deref() == Some(name.as_str()) {
            self.model.selected = None;
        }
        self.toast(format!("Deleted profile {name}"));
    }

    /// The editor's fields the worker found wrong, shown at each field (above the
    /// window when the editor has gone meanwhile).
    fn problems(&mut self, problems: &[Problem]) {
        match &mut self.view.editor {
            Some(editor) => {
                editor.errors = problems
                    .iter()
                    .map(|p| (p.field, super::wording::problem(p)))
                    .collect();
            }
            None => {
                let text: Vec<String> = problems.iter().map(super::wording::problem).collect();
                self.model.global_error = Some(UiError::plain(text.join("; ")));
            }
        }
    }

    fn failed_on(&mut self, profile: &str, error: UiError, background: bool) {
        let now = self.clock.now();
        let m = &mut self.model;
        let in_editor = m.screen == Screen::Editor && self.view.editor.is_some();
        let s = m.states.entry(profile);
        if background {
            s.failed_renewal = Some(now);
        }
        // A failed save belongs above the editor, where the person is looking.
        if in_editor && !background {
            m.global_error = Some(error);
        } else {
            s.error = Some(error);
        }
    }
}

/// A profile's tokens, and CDF's answer about them kept only while they stay the same:
/// another token may reach other projects, and the Access tab asks again.
fn set_tokens(s: &mut super::state::ProfileState, tokens: ShownToken) {
    let same = s
        .tokens
        .as_ref()
        .is_some_and(|old| old.access_token.expose() == tokens.access_token.expose());
    if !same {
        s.access = None;
    }
    s.tokens = Some(tokens);
}

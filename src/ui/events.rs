//! What the worker reports, folded into the window's state.

use super::App;
use super::error::UiError;
use super::model::ImportDialog;
use super::model::Screen;
use super::state::{Check, ShownToken};
use super::worker::Event;

impl App {
    pub(super) fn handle(&mut self, event: Event) {
        let m = &mut self.model;
        match event {
            Event::Profiles(Ok(file)) => {
                m.loaded = true;
                let keep = m.selected.clone().filter(|s| file.profiles.contains_key(s));
                m.profiles = file;
                // A profile that is gone takes its whole state with it.
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
            Event::SignedOut(names) => {
                for name in &names {
                    let s = m.states.entry(name);
                    s.tokens = None;
                    s.access = None;
                }
                for name in &names {
                    m.states.abandon(name, super::state::OpKind::Renewal);
                }
                self.toast(format!("Signed out of {}", names.join(", ")));
            }
            Event::Saved { name, renamed_from } => {
                if let Some(old) = renamed_from {
                    // The worker dropped the old name's tokens; its window state goes too,
                    // and the auto-refresh choice follows the profile to its new name.
                    m.states.remove(&old);
                    if let Some(on) = self.view.settings.auto_refresh.remove(&old) {
                        self.view.settings.auto_refresh.insert(name.clone(), on);
                    }
                }
                self.view.editor = None;
                m.selected = Some(name.clone());
                m.screen = Screen::Profile;
                self.toast(format!("Saved profile {name}"));
            }
            Event::Deleted(name) => {
                m.states.remove(&name);
                self.view.settings.auto_refresh.remove(&name);
                if m.selected.as_deref() == Some(name.as_str()) {
                    m.selected = None;
                }
                self.toast(format!("Deleted profile {name}"));
            }
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
            Event::ImportConfirm { path, endpoints } => {
                let dialog = self.view.import.get_or_insert_with(ImportDialog::new);
                dialog.path = path.display().to_string();
                dialog.busy = false;
                dialog.confirm = Some(endpoints);
            }
            Event::Problems(problems) => match &mut self.view.editor {
                Some(editor) => {
                    editor.errors = problems
                        .iter()
                        .map(|p| (p.field, super::wording::problem(p)))
                        .collect();
                }
                None => {
                    let text: Vec<String> = problems.iter().map(super::wording::problem).collect();
                    m.global_error = Some(UiError::plain(text.join("; ")));
                }
            },
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
            } => {
                let in_editor = m.screen == Screen::Editor && self.view.editor.is_some();
                let s = m.states.entry(&p);
                if background {
                    s.failed_renewal = Some(self.clock.now());
                }
                // A failed save belongs above the editor, where the person is looking.
                if in_editor && !background {
                    m.global_error = Some(error);
                } else {
                    s.error = Some(error);
                }
            }
            Event::Failed {
                profile: None,
                error,
                ..
            } => m.global_error = Some(error),
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

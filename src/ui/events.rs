//! What the worker reports, folded into the window's state. Every answer carries the
//! request it answers (a profile's [`Request`], a dialog's [`Ticket`]); one that is no
//! longer awaited is dropped, so it never lands in a dialog the person closed or opened
//! again. What a write did on disk is said all the same (a toast), since it happened.

use super::App;
use super::error::UiError;
use super::model::Screen;
use super::protocol::{Event, ImportAnswer, OrgEvent, SaveOutcome};
use super::state::{Check, OpKind, ProfileState, Request, ShownToken, Ticket};
use crate::app::{OrgOutcome, Problem};
use crate::auth::SignInPrompt;
use crate::profile::ProfileFile;

impl App {
    pub(super) fn handle(&mut self, event: Event) {
        match event {
            Event::Profiles(file) => self.profiles_read(file),
            Event::Reloaded(file) => self.profiles_reread(file),
            Event::Cached { request, tokens } => self.cached(&request, tokens),
            Event::Prompt(request, prompt) => self.model.states.prompt(&request, prompt),
            Event::Token { request, tokens } => self.token(&request, tokens),
            Event::Ended(request) => {
                self.model.states.finish(&request);
            }
            Event::RequestFailed {
                request,
                error,
                background,
            } => self.request_failed(&request, error, background),
            Event::Access {
                request,
                result,
                tokens,
            } => {
                if let Some(s) = self.answered(&request, tokens) {
                    s.access = Some(result);
                }
            }
            Event::Checked {
                request,
                result,
                tokens,
            } => {
                if let Some(s) = self.answered(&request, tokens) {
                    s.check = Some(Check::Done(result));
                }
            }
            Event::SignedOut(names) => self.signed_out(&names),
            Event::Save { ticket, outcome } => self.save_answer(&ticket, outcome),
            Event::Deleted(name) => self.deleted(name),
            Event::Added { name, project } => {
                self.toast(format!("Added profile {name} for project {project}"));
            }
            Event::Import { ticket, outcome } => self.import_answer(&ticket, outcome),
            Event::Picked {
                ticket,
                target,
                path,
            } => self.picked(&ticket, target, &path),
            Event::Org { ticket, event } => self.org_event(&ticket, event),
            Event::StoreInfo {
                storage,
                describe,
                plain_text,
            } => {
                let about = &mut self.model.about;
                (about.storage, about.plain_text) = (storage, plain_text);
                about.keyring = Some(describe);
            }
            Event::StorageMoved(storage, said) => self.storage_moved(storage, said),
            Event::Autostart { on, said } => {
                self.model.about.autostart = Some(on);
                if let Some(said) = said {
                    self.toast(said);
                }
            }
            Event::CopySecret { text, what } => self.copy_secret(text, &what),
            Event::Clipboard(answer) => self.clipboard_answer(answer),
            Event::Failed {
                profile: Some(p),
                error,
                background,
            } => self.failed_on(&p, error, background),
            Event::Failed {
                profile: None,
                error,
                ..
            } => self.model.global_error = Some(error),
        }
    }

    /// The profiles file read: a profile that is gone takes its whole state with it; the
    /// selection stays where it can. The first read opens the window on the default
    /// profile (the one `token` serves without `--profile`, and Ctrl+Shift+C copies); the
    /// last one looked at only when there is no default.
    fn profiles_read(&mut self, file: Result<ProfileFile, UiError>) {
        let m = &mut self.model;
        // `gui --profile NAME` (the tray's "sign-in needed") opens on that profile.
        if !m.loaded
            && let Ok(file) = &file
            && file.default.is_some()
            && m.launch.profile.is_none()
        {
            m.selected = None;
        }
        m.loaded = true;
        let file = match file {
            Ok(file) => file,
            Err(e) => return m.global_error = Some(e),
        };
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
        self.read_caches();
    }

    /// Another process changed the file: show it without leaving the editor or Settings.
    /// A file that cannot be read now keeps what is shown (the next command that uses
    /// it says why).
    fn profiles_reread(&mut self, file: Result<ProfileFile, UiError>) {
        if let Ok(file) = file
            && self.model.loaded
            && file != self.model.profiles
        {
            let screen = self.model.screen;
            self.profiles_read(Ok(file));
            self.model.screen = screen;
        }
    }

    fn storage_moved(&mut self, storage: crate::secrets::Storage, said: String) {
        self.model.about.storage = storage;
        self.toast(said);
    }

    /// The cache's answer, unless a token arrived first or the profile was signed out.
    fn cached(&mut self, request: &Request, tokens: Option<ShownToken>) {
        if let Some(s) = self.model.states.finish(request) {
            s.cache_read = true;
            if let Some(t) = tokens {
                set_tokens(s, t);
            }
        }
    }

    /// A token ends whichever request asked for it; a sign-in in progress on the same
    /// profile is not one of them and goes on. The cache read still under way is older.
    fn token(&mut self, request: &Request, tokens: ShownToken) {
        let states = &mut self.model.states;
        if let Some(s) = states.finish(request) {
            s.failed_renewal = None;
            s.error = None;
            s.cache_read = true;
            set_tokens(s, tokens);
            states.abandon(&request.profile, OpKind::Cache);
        }
    }

    fn request_failed(&mut self, request: &Request, error: UiError, background: bool) {
        let now = self.clock.now();
        if let Some(s) = self.model.states.finish(request) {
            if background {
                s.failed_renewal = Some(now);
            }
            s.error = Some(error);
        }
    }

    /// Ends a Verify or Check, taking the token it found in the cache (asking may have
    /// renewed it); `None` when nobody waits for it any more.
    fn answered(
        &mut self,
        request: &Request,
        tokens: Option<ShownToken>,
    ) -> Option<&mut ProfileState> {
        let s = self.model.states.finish(request)?;
        if let Some(t) = tokens {
            set_tokens(s, t);
        }
        Some(s)
    }

    /// Every profile signed out: the one asked and those sharing its account.
    fn signed_out(&mut self, names: &[String]) {
        for name in names {
            let s = self.model.states.entry(name);
            s.tokens = None;
            s.access = None;
            self.model.states.abandon(name, OpKind::Renewal);
            self.model.states.abandon(name, OpKind::Cache);
        }
        self.toast(format!("Signed out of {}", names.join(", ")));
    }

    /// The editor's Save answered. Only the editor that asked closes or shows the
    /// problems; one closed meanwhile (or opened again) is left alone.
    fn save_answer(&mut self, ticket: &Ticket, outcome: SaveOutcome) {
        let current = self.model.tickets.finish(ticket);
        match outcome {
            SaveOutcome::Saved { name, renamed_from } => self.saved(name, renamed_from, current),
            SaveOutcome::Problems(problems) => self.problems(&problems, current),
            // A failed save belongs above the editor, where the person is looking (and,
            // with the editor gone, above the window: the profile was not saved).
            SaveOutcome::Failed(error) => self.model.global_error = Some(error),
        }
    }

    fn saved(&mut self, name: String, renamed_from: Option<String>, current: bool) {
        // An error of the profile as it was (a wrong secret, AADSTS7000215) says nothing
        // of the profile as saved: the next attempt will tell.
        self.model.states.entry(&name).error = None;
        if let Some(old) = renamed_from {
            // The worker dropped the old name's tokens; its window state goes too, and
            // the auto-refresh choice follows the profile to its new name.
            self.model.states.remove(&old);
            if let Some(on) = self.view.settings.auto_refresh.remove(&old) {
                self.view.settings.auto_refresh.insert(name.clone(), on);
            }
        }
        if current {
            self.view.editor = None;
            self.model.selected = Some(name.clone());
            self.model.screen = Screen::Profile;
        }
        self.toast(format!("Saved profile {name}"));
    }

    /// The editor's fields the worker found wrong, shown at each field of the editor
    /// that asked (above the window when that editor has gone meanwhile).
    fn problems(&mut self, problems: &[Problem], current: bool) {
        match &mut self.view.editor {
            Some(editor) if current => {
                editor.errors = problems
                    .iter()
                    .map(|p| (p.field, super::wording::problem(p)))
                    .collect();
            }
            _ => {
                let text: Vec<String> = problems.iter().map(super::wording::problem).collect();
                self.model.global_error = Some(UiError::plain(text.join("; ")));
            }
        }
    }

    fn deleted(&mut self, name: String) {
        self.model.states.remove(&name);
        self.view.settings.auto_refresh.remove(&name);
        if self.model.selected.as_deref() == Some(name.as_str()) {
            self.model.selected = None;
        }
        self.toast(format!("Deleted profile {name}"));
    }

    /// The import dialog's Import answered. A closed dialog is never opened again: its
    /// questions and errors are dropped, and an import that was saved is only said.
    fn import_answer(&mut self, ticket: &Ticket, answer: ImportAnswer) {
        let current = self.model.tickets.finish(ticket);
        if let ImportAnswer::Imported {
            name,
            notes,
            production_suggested,
        } = answer
        {
            if current {
                self.view.import = None;
                self.select(&name);
            }
            let mut text = format!("Imported profile {name}");
            for n in notes {
                text.push_str(&format!("; {n}"));
            }
            if production_suggested {
                self.model.states.entry(&name).production_suggested = true;
                text.push_str(&format!("; {}", super::wording::LOOKS_LIKE_PRODUCTION));
            }
            return self.toast(text);
        }
        let Some(dialog) = self.view.import.as_mut().filter(|_| current) else {
            return;
        };
        dialog.busy = false;
        match answer {
            ImportAnswer::Confirm { path, endpoints } => {
                dialog.path = path.display().to_string();
                dialog.confirm = Some(endpoints);
            }
            ImportAnswer::NameTaken { error, free } => {
                dialog.name = Some(free);
                dialog.error = Some(error);
            }
            ImportAnswer::Failed(error) => dialog.error = Some(error),
            ImportAnswer::Imported { .. } => {}
        }
    }

    /// A file chosen in the file dialog, for the import or the editor field that asked.
    fn picked(
        &mut self,
        ticket: &Ticket,
        target: Option<crate::field::Field>,
        path: &std::path::Path,
    ) {
        if !self.model.tickets.finish(ticket) {
            return;
        }
        match target {
            None => {
                if let Some(dialog) = &mut self.view.import {
                    dialog.path = path.display().to_string();
                    dialog.error = None;
                }
            }
            Some(field) => {
                if let Some(editor) = &mut self.view.editor {
                    editor.set_path(field, path);
                }
            }
        }
    }

    /// How an organization's sign-in goes, for the dialog that started it.
    fn org_event(&mut self, ticket: &Ticket, event: OrgEvent) {
        let tickets = &mut self.model.tickets;
        match event {
            OrgEvent::Prompt(SignInPrompt::Browser { url, .. }) => {
                if tickets.is_current(ticket)
                    && let Some(d) = &mut self.view.org
                {
                    d.url = Some(url);
                }
            }
            OrgEvent::Prompt(SignInPrompt::DeviceCode(_)) => {}
            OrgEvent::Cancelled => {
                if tickets.finish(ticket)
                    && let Some(d) = &mut self.view.org
                {
                    d.busy = false;
                }
            }
            OrgEvent::Done(Err(e)) => {
                if tickets.finish(ticket)
                    && let Some(d) = &mut self.view.org
                {
                    d.busy = false;
                    d.error = Some(e);
                }
            }
            // The profiles are there whether or not the dialog still is; only the
            // dialog that asked closes and shows one of them.
            OrgEvent::Done(Ok(outcome)) => {
                let current = tickets.finish(ticket);
                for saved in &outcome.added {
                    if saved.production_suggested.is_some() {
                        self.model.states.entry(&saved.name).production_suggested = true;
                    }
                }
                self.toast(outcome_text(&outcome));
                if current {
                    self.view.org = None;
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

    fn failed_on(&mut self, profile: &str, error: UiError, background: bool) {
        let now = self.clock.now();
        let m = &mut self.model;
        let in_editor = m.screen == Screen::Editor && self.view.editor.is_some();
        let s = m.states.entry(profile);
        if background {
            s.failed_renewal = Some(now);
        }
        // A failure while the editor is open belongs above it, where the person is
        // looking.
        if in_editor && !background {
            m.global_error = Some(error);
        } else {
            s.error = Some(error);
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
    for saved in o.added.iter().filter(|s| s.production_suggested.is_some()) {
        let looks = super::wording::LOOKS_LIKE_PRODUCTION;
        text.push_str(&format!(" {}: {looks}.", saved.name));
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

/// A profile's tokens, and CDF's answer about them kept only while they stay the same:
/// another token may reach other projects, and the Access tab asks again.
fn set_tokens(s: &mut ProfileState, tokens: ShownToken) {
    let same = s
        .tokens
        .as_ref()
        .is_some_and(|old| old.access_token.expose() == tokens.access_token.expose());
    if !same {
        s.access = None;
    }
    s.tokens = Some(tokens);
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::super::action::{Action, OrgAction};
    use super::super::state::DialogKind;
    use super::super::{Deps, Settings};
    use super::*;
    use crate::app::ProblemKind;
    use crate::field::Field;
    use crate::secrets::{MemoryStore, Secret};
    use crate::token::ManualClock;

    /// The real window state and worker, without a window: events are handed in here,
    /// never pumped from the worker.
    fn app(dir: &Path) -> App {
        let deps = Deps {
            paths: crate::paths::Paths::under(dir),
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            clipboard: Box::new(crate::clipboard::MemoryClipboard::default()),
            secrets: Box::new(MemoryStore::default()),
            launch: super::super::Launch::default(),
        };
        App::start(deps, Settings::default(), || {})
    }

    fn token(access: &str) -> ShownToken {
        ShownToken::from(crate::token::TokenSet {
            access_token: Secret::new(access),
            id_token: None,
            token_type: "Bearer".into(),
            expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
            scope: None,
            refresh_token: None,
        })
    }

    #[test]
    fn a_cache_read_older_than_a_token_or_a_sign_out_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        let read = app.model.states.begin("dev", OpKind::Cache);
        let renewal = app.model.states.begin("dev", OpKind::Renewal);
        app.handle(Event::Token {
            request: renewal,
            tokens: token("new"),
        });
        app.handle(Event::Cached {
            request: read,
            tokens: Some(token("old")),
        });
        let shown = app
            .model
            .states
            .tokens("dev")
            .map(|t| t.access_token.expose());
        assert_eq!(shown, Some("new"));

        let read = app.model.states.begin("dev", OpKind::Cache);
        app.handle(Event::SignedOut(vec!["dev".into()]));
        app.handle(Event::Cached {
            request: read,
            tokens: Some(token("old")),
        });
        assert!(
            app.model.states.tokens("dev").is_none(),
            "signed out stays out"
        );
    }

    #[test]
    fn a_closed_import_dialog_is_not_opened_again_by_its_answer() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        let confirm = |path: &Path| ImportAnswer::Confirm {
            path: path.to_path_buf(),
            endpoints: vec!["https://idp.example.invalid/token".into()],
        };
        app.apply(Action::OpenImport);
        app.apply(Action::Import(dir.path().join("first.env")));
        let first = app.model.tickets.pending(DialogKind::Import).unwrap();
        app.apply(Action::CloseImport);
        app.handle(Event::Import {
            ticket: first.clone(),
            outcome: confirm(&dir.path().join("first.env")),
        });
        assert!(app.view.import.is_none(), "the closed dialog stays closed");

        // Opened again: the first file's answer does not land in it, its own does.
        app.apply(Action::OpenImport);
        app.apply(Action::Import(dir.path().join("second.env")));
        let second = app.model.tickets.pending(DialogKind::Import).unwrap();
        app.handle(Event::Import {
            ticket: first,
            outcome: ImportAnswer::NameTaken {
                error: UiError::plain("taken"),
                free: "first-2".into(),
            },
        });
        let dialog = app.view.import.as_ref().unwrap();
        assert!(dialog.busy && dialog.name.is_none() && dialog.error.is_none());
        app.handle(Event::Import {
            ticket: second,
            outcome: confirm(&dir.path().join("second.env")),
        });
        let dialog = app.view.import.as_ref().unwrap();
        assert!(!dialog.busy && dialog.confirm.is_some());
    }

    /// Issue 27: the window opens on the default profile, not the last one looked at,
    /// and a choice made after that stays through a reread of the file.
    #[test]
    fn the_window_opens_on_the_default_profile() {
        let dir = tempfile::tempdir().unwrap();
        let deps = Deps {
            paths: crate::paths::Paths::under(dir.path()),
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            clipboard: Box::new(crate::clipboard::MemoryClipboard::default()),
            secrets: Box::new(MemoryStore::default()),
            launch: super::super::Launch::default(),
        };
        let settings = Settings {
            last_profile: Some("b".into()),
            ..Settings::default()
        };
        let mut app = App::start(deps, settings, || {});
        let mut file = ProfileFile::default();
        for name in ["a", "b"] {
            let p = crate::profile::Profile::new("api", name, crate::profile::Flow::DeviceCode);
            file.profiles.insert(name.into(), p);
        }
        file.default = Some("a".into());
        app.handle(Event::Profiles(Ok(file.clone())));
        assert_eq!(app.model.selected.as_deref(), Some("a"));
        app.apply(Action::Select("b".into()));
        app.handle(Event::Profiles(Ok(file)));
        assert_eq!(app.model.selected.as_deref(), Some("b"));
    }

    /// Issue 27: an error shown for a profile goes when the profile is saved again.
    #[test]
    fn a_saved_profile_loses_the_error_of_what_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        app.model.states.entry("dev").error = Some(UiError::plain("AADSTS7000215: wrong secret"));
        app.apply(Action::NewProfile);
        app.apply(Action::SaveProfile(Box::default()));
        let asked = app.model.tickets.pending(DialogKind::Save).unwrap();
        app.handle(Event::Save {
            ticket: asked,
            outcome: SaveOutcome::Saved {
                name: "dev".into(),
                renamed_from: None,
            },
        });
        assert!(app.model.states.error("dev").is_none());
    }

    #[test]
    fn a_save_answered_after_its_editor_closed_leaves_the_next_editor_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        app.apply(Action::NewProfile);
        app.apply(Action::SaveProfile(Box::default()));
        let asked = app.model.tickets.pending(DialogKind::Save).unwrap();
        app.apply(Action::CloseEditor);
        app.apply(Action::NewProfile);
        app.handle(Event::Save {
            ticket: asked.clone(),
            outcome: SaveOutcome::Problems(vec![Problem {
                field: Field::Cluster,
                kind: ProblemKind::Required,
            }]),
        });
        assert!(app.view.editor.as_ref().unwrap().errors.is_empty());
        app.handle(Event::Save {
            ticket: asked,
            outcome: SaveOutcome::Saved {
                name: "dev".into(),
                renamed_from: None,
            },
        });
        assert!(app.view.editor.is_some() && app.model.screen == Screen::Editor);
        assert!(
            app.model
                .toasts
                .iter()
                .any(|t| t.text == "Saved profile dev")
        );
    }

    #[test]
    fn an_organization_sign_in_answered_after_its_dialog_closed_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        app.apply(Action::Org(OrgAction::Open));
        let asked = app.model.tickets.begin(DialogKind::Org);
        app.apply(Action::Org(OrgAction::Close));
        app.apply(Action::Org(OrgAction::Open));
        app.handle(Event::Org {
            ticket: asked.clone(),
            event: OrgEvent::Prompt(SignInPrompt::Browser {
                url: "http://127.0.0.1:1/".into(),
                opened: Ok(()),
            }),
        });
        app.handle(Event::Org {
            ticket: asked,
            event: OrgEvent::Done(Err(UiError::plain("refused"))),
        });
        let dialog = app.view.org.as_ref().unwrap();
        assert!(dialog.url.is_none() && dialog.error.is_none());
    }

    /// A clipboard that notes the thread it is used on.
    struct ThreadNoting(Arc<std::sync::Mutex<Vec<Option<String>>>>);

    impl crate::clipboard::Clipboard for ThreadNoting {
        fn set_secret(&mut self, _: &str) -> Result<(), String> {
            let name = std::thread::current().name().map(str::to_string);
            self.0.lock().unwrap().push(name);
            Ok(())
        }
        fn get(&mut self) -> Option<String> {
            None
        }
        fn clear(&mut self) -> Result<(), String> {
            Ok(())
        }
    }

    #[test]
    fn the_clipboard_is_used_off_the_ui_thread_and_answers_as_an_event() {
        let dir = tempfile::tempdir().unwrap();
        let used_on = Arc::new(std::sync::Mutex::new(Vec::new()));
        let deps = Deps {
            paths: crate::paths::Paths::under(dir.path()),
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            clipboard: Box::new(ThreadNoting(used_on.clone())),
            secrets: Box::new(MemoryStore::default()),
            launch: super::super::Launch::default(),
        };
        let mut app = App::start(deps, Settings::default(), || {});
        app.apply(Action::CopySecret {
            text: Secret::new("at"),
            what: "the access token",
        });
        assert!(
            !app.clipboard_settled(),
            "waiting for the clipboard's answer"
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !app.clipboard_settled() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let event = app.worker.events.recv_timeout(left).expect("an answer");
            app.handle(event);
        }
        let used_on = used_on.lock().unwrap().clone();
        assert_eq!(used_on, [Some("cdf-signin-clipboard".to_string())]);
        assert!(app.copied.is_some(), "its clearing is scheduled");
        let toast = "Copied the access token; clears in 60 s";
        assert!(app.model.toasts.iter().any(|t| t.text == toast));
    }
}

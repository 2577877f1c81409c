//! What each of the worker's commands does, over what they share (`Shared`: the
//! session, the profiles file, the way back to the window). `worker.rs` decides where
//! each runs: on the queue, on a thread of its own, on the clipboard's thread.

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use super::error::{UiError, access_error, token_error};
use super::protocol::{Event, ImportAnswer, OrgEvent, SaveOutcome};
use super::state::{Request, ShownToken, Ticket};
use crate::app::{AppError, ImportOutcome, ImportSource, OrgOutcome, ProfileDraft, Profiles};
use crate::auth::{AuthError, CancelToken};
use crate::profile::{Profile, ProfileStore};
use crate::secrets::Storage;
use crate::session::{Session, SessionError, TokenOptions};

/// What every command works with, on whichever thread it runs.
pub(super) struct Shared {
    pub(super) session: Session,
    pub(super) store: ProfileStore,
    pub(super) events: Sender<Event>,
    pub(super) wake: Arc<dyn Fn() + Send + Sync>,
    pub(super) cancels: Mutex<HashMap<String, CancelToken>>,
    /// The queue: every write, one after another (`None` ends it).
    pub(super) queue: Sender<Option<Job>>,
}

impl Shared {
    pub(super) fn emit(&self, event: Event) {
        let _ = self.events.send(event);
        (self.wake)();
    }

    pub(super) fn profile(&self, name: &str) -> Result<Profile, UiError> {
        Ok(self.store.load()?.get(name)?.clone())
    }

    /// The one way profiles and secrets change.
    pub(super) fn app(&self) -> Profiles<'_> {
        Profiles::new(&self.store, &self.session)
    }

    /// What is cached for `name` now (a check may have renewed the token).
    pub(super) fn cached_now(&self, name: &str) -> Option<ShownToken> {
        let p = self.profile(name).ok()?;
        self.session.cached(name, &p).ok()?.map(ShownToken::from)
    }

    pub(super) fn emit_profiles(&self) {
        self.emit(Event::Profiles(self.store.load().map_err(UiError::from)));
    }

    pub(super) fn enqueue(&self, job: Job) {
        let _ = self.queue.send(Some(job));
    }

    pub(super) fn fail(&self, profile: Option<&str>, error: UiError, background: bool) {
        self.emit(Event::Failed {
            profile: profile.map(str::to_string),
            error,
            background,
        });
    }
}

/// A command's work, or the part of one that writes (the profiles an organization's
/// sign-in adds).
pub(super) struct Job {
    pub(super) profile: Option<String>,
    pub(super) request: Option<Request>,
    /// It goes on the queue.
    pub(super) writes: bool,
    pub(super) work: Box<dyn FnOnce(&Shared) + Send>,
}

/// The profile's cached token, without network. A profile gone meanwhile has nothing
/// cached; one whose account another profile signed in to gets its token from the
/// account here, so switching to it asks for no sign-in.
pub(super) fn load_cached(shared: &Shared, request: Request) {
    let name = &request.profile;
    let cached = shared.profile(name).map_or(Ok(None), |p| {
        shared
            .session
            .cached_or_shared(name, &p)
            .map_err(UiError::from)
    });
    match cached {
        Ok(t) => shared.emit(Event::Cached {
            request,
            tokens: t.map(ShownToken::from),
        }),
        Err(error) => shared.emit(Event::RequestFailed {
            request,
            error,
            background: true,
        }),
    }
}

/// Ends the sign-in waiting under `key`, if any.
pub(super) fn cancel(cancels: &Mutex<HashMap<String, CancelToken>>, key: &str) {
    if let Some(c) = cancels.lock().ok().and_then(|m| m.get(key).cloned()) {
        c.cancel();
    }
}

pub(super) fn renew(shared: &Shared, request: Request, opts: TokenOptions, background: bool) {
    let result = shared.profile(&request.profile).and_then(|p| {
        shared
            .session
            .token(&request.profile, &p, opts)
            .map_err(|e| token_error(&p, e))
    });
    match result {
        Ok((tokens, _)) => shared.emit(Event::Token {
            request,
            tokens: tokens.into(),
        }),
        Err(error) => shared.emit(Event::RequestFailed {
            request,
            error,
            background,
        }),
    }
}

pub(super) fn sign_out(shared: &Shared, name: String) {
    let result = shared.store.load().map_err(UiError::from).and_then(|file| {
        let profile = file.get(&name)?;
        Ok(shared.session.sign_out(&name, profile, &file)?)
    });
    match result {
        Ok(done) => shared.emit(Event::SignedOut(done.profiles)),
        Err(e) => shared.fail(Some(&name), e, false),
    }
}

pub(super) fn save_profile(shared: &Shared, ticket: Ticket, draft: &ProfileDraft) {
    let outcome = match shared.app().save(draft) {
        Ok(saved) => SaveOutcome::Saved {
            name: saved.name,
            renamed_from: saved.renamed_from,
        },
        Err(AppError::Problems(problems)) => SaveOutcome::Problems(problems),
        Err(e) => SaveOutcome::Failed(e.into()),
    };
    let saved = matches!(outcome, SaveOutcome::Saved { .. });
    shared.emit(Event::Save { ticket, outcome });
    if saved {
        shared.emit_profiles();
    }
}

pub(super) fn verify(shared: &Shared, request: Request) {
    let name = &request.profile;
    let result = shared.profile(name).and_then(|p| {
        crate::cdf::check_access(&shared.session, name, &p).map_err(|e| access_error(&p, e))
    });
    let tokens = shared.cached_now(name);
    shared.emit(Event::Access {
        request,
        result,
        tokens,
    });
}

pub(super) fn add_for_project(shared: &Shared, from: String, project: String) {
    match shared.app().add_for_project(&from, &project, None) {
        Ok(added) => {
            shared.emit_profiles();
            shared.emit(Event::Added {
                name: added.saved.name,
                project,
            });
        }
        Err(e) => shared.fail(Some(&from), e.into(), false),
    }
}

/// Imports the file; the profiles are sent first when it was saved.
pub(super) fn import_env(
    shared: &Shared,
    path: std::path::PathBuf,
    name: Option<String>,
    confirmed: bool,
) -> ImportAnswer {
    let source = ImportSource::File(&path);
    match shared.app().import(source, name.as_deref(), confirmed) {
        Ok(ImportOutcome::Saved { saved, notes, .. }) => {
            shared.emit_profiles();
            ImportAnswer::Imported {
                production_suggested: saved.production_suggested.is_some(),
                name: saved.name,
                notes,
            }
        }
        Ok(ImportOutcome::Confirm { endpoints }) => ImportAnswer::Confirm { path, endpoints },
        Err(AppError::NameTaken { name, free }) => ImportAnswer::NameTaken {
            error: AppError::NameTaken {
                name,
                free: free.clone(),
            }
            .into(),
            free,
        },
        Err(e) => ImportAnswer::Failed(e.into()),
    }
}

pub(super) fn check(shared: &Shared, request: Request, needs: &[crate::doctor::Need]) {
    let name = &request.profile;
    let result = shared
        .profile(name)
        .map(|p| crate::doctor::diagnose(&shared.session, name, &p, needs));
    let tokens = shared.cached_now(name);
    shared.emit(Event::Checked {
        request,
        result,
        tokens,
    });
}

/// The platform's own file dialog (Windows' and macOS's; on Linux the desktop portal's,
/// so no toolkit is linked). It blocks this command's thread, never the UI's; cancelled
/// or unavailable (no portal), nothing changes and the text field stays for typing.
pub(super) fn pick_file(shared: &Shared, ticket: Ticket, target: Option<crate::field::Field>) {
    use crate::field::Field;
    let (title, filters): (&str, &[(&str, &[&str])]) = match target {
        None => ("Import a .env file", &[]),
        Some(Field::Certificate) => ("Certificate (PEM)", &[("PEM", &["pem", "crt", "cer"][..])]),
        Some(Field::PrivateKey) => ("Private key (PEM)", &[("PEM", &["pem", "key"][..])]),
        Some(_) => (
            "CA certificates (PEM)",
            &[("PEM", &["pem", "crt", "cer"][..])],
        ),
    };
    let mut dialog = rfd::FileDialog::new().set_title(title);
    for (name, extensions) in filters {
        dialog = dialog.add_filter(*name, extensions);
    }
    if !filters.is_empty() {
        dialog = dialog.add_filter("All files", &["*"]);
    }
    if let Some(path) = dialog.pick_file() {
        shared.emit(Event::Picked {
            ticket,
            target,
            path,
        });
    }
}

pub(super) fn store_info(shared: &Shared) {
    // A choice that cannot be read is reported by every command that needs it; the
    // window shows the default here.
    let storage = crate::secrets::storage::saved_choice(&shared.session.paths().config_dir)
        .ok()
        .flatten()
        .unwrap_or_default();
    let store = shared.session.secrets();
    shared.emit(Event::StoreInfo {
        storage,
        describe: store.describe(),
        plain_text: store.writes_plain_text(),
    });
    shared.emit(Event::Autostart {
        on: crate::autostart::is_on(shared.session.paths()),
        said: None,
    });
}

/// Starts the tray at log-in or stops doing so, as `cdf-signin tray --autostart` does.
pub(super) fn set_autostart(shared: &Shared, on: bool) {
    let paths = shared.session.paths();
    let done = std::env::current_exe()
        .map_err(|e| format!("cannot find this program's path: {e}"))
        .and_then(|exe| crate::autostart::set(paths, &exe, on));
    match done {
        Ok(said) => shared.emit(Event::Autostart {
            on,
            said: Some(said),
        }),
        Err(e) => {
            shared.emit(Event::Autostart {
                on: crate::autostart::is_on(paths),
                said: None,
            });
            shared.emit(Event::Failed {
                profile: None,
                error: UiError::plain(e),
                background: false,
            });
        }
    }
}

/// Moves every secret to `storage` (the CLI's `storage set`), then says where the
/// secrets are now; the session uses the new store from the next call on.
pub(super) fn move_storage(shared: &Shared, storage: Storage) {
    match shared.app().move_storage(storage) {
        Ok(moved) => {
            let mut said = if moved.same_place {
                format!(
                    "Storage '{}' saved; the secrets are in the {} already",
                    storage.as_str(),
                    moved.to_noun
                )
            } else {
                format!(
                    "Moved {} secret{} from the {} to the {}; used from now on (window and command line)",
                    moved.entries,
                    if moved.entries == 1 { "" } else { "s" },
                    moved.from_noun,
                    moved.to_noun
                )
            };
            if !moved.left_behind.is_empty() {
                said.push_str(&format!(
                    "; the old store kept {} of them (remove by hand)",
                    moved.left_behind.len()
                ));
            }
            shared.emit(Event::StorageMoved(storage, said));
            store_info(shared);
        }
        Err(e) => shared.fail(None, UiError::from(e), false),
    }
}

/// The key of the running organization sign-in among the worker's cancel tokens (no
/// profile name starts with a dot).
pub(super) const CANCEL_KEY: &str = ".org-sign-in";

/// The event that ends an organization's sign-in.
pub(super) fn org_done(ticket: Ticket, result: Result<OrgOutcome, AppError>) -> Event {
    let event = match result {
        Ok(outcome) => OrgEvent::Done(Ok(outcome)),
        Err(AppError::Session(SessionError::Auth(AuthError::Cancelled))) => OrgEvent::Cancelled,
        Err(e) => OrgEvent::Done(Err(e.into())),
    };
    Event::Org { ticket, event }
}

/// Ends the running organization sign-in, if any.
pub(super) fn org_cancel(cancels: &Mutex<HashMap<String, CancelToken>>) {
    cancel(cancels, CANCEL_KEY);
}

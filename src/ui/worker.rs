//! The window's worker: every network, keyring and file operation runs here, off the UI
//! thread. The UI sends [`Command`]s and draws the [`Event`]s that come back (each one
//! wakes the UI with `request_repaint`); both are in `protocol.rs`. What each command
//! does is in `jobs.rs`; here is where it runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use super::error::{UiError, internal_error};
use super::jobs::{
    CANCEL_KEY, Job, Shared, add_for_project, cancel, check, import_env, load_cached, move_storage,
    org_cancel, org_done, pick_file, renew, save_profile, set_autostart, sign_out, store_info,
    verify,
};
use super::protocol::{Command, Event, OrgEvent};
use super::state::{Request, Ticket};
use crate::auth::{CancelToken, SignInPrompt};
use crate::cdf::orgs::{self, OrgSignIn};
use crate::clipboard::{Clipboard, ClipboardCommand};
use crate::paths::Paths;
use crate::profile::ProfileStore;
use crate::secrets::SecretStore;
use crate::session::{Session, SessionError, TokenOptions};
use crate::token::Clock;

/// How long the window waits for a sign-in to finish: the one value, `login`'s default.
pub use crate::app::SIGN_IN_TIMEOUT;

/// The UI's end of the worker.
pub struct Worker {
    commands: Sender<Command>,
    pub events: Receiver<Event>,
}

/// What the worker works with; the window passes its own, tests pass theirs.
pub struct WorkerDeps {
    pub paths: Paths,
    pub secrets: Box<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
    /// Used on a thread of its own, never on the UI's.
    pub clipboard: Box<dyn Clipboard>,
}

impl Worker {
    /// Starts the worker thread. `wake` is called after every event (the UI passes
    /// `ctx.request_repaint`). A worker that cannot start says so as an event.
    pub fn start(deps: WorkerDeps, wake: impl Fn() + Send + Sync + 'static) -> Worker {
        let (commands, command_rx) = channel::<Command>();
        let (event_tx, events) = channel::<Event>();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(wake);
        let failed = event_tx.clone();
        let wake_on_failure = wake.clone();
        let started = std::thread::Builder::new()
            .name("cdf-signin-worker".into())
            .spawn(move || run(deps, command_rx, event_tx, wake));
        if let Err(e) = started {
            let _ = failed.send(Event::Failed {
                profile: None,
                error: UiError::plain(format!("cannot start the worker: {e}")),
                background: false,
            });
            wake_on_failure();
        }
        Worker { commands, events }
    }

    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }
}

fn run(
    deps: WorkerDeps,
    commands: Receiver<Command>,
    events: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = events.send(Event::Failed {
                profile: None,
                error: UiError::plain(format!("cannot start: {e}")),
                background: false,
            });
            return wake();
        }
    };
    let clipboard = match start_clipboard(deps.clipboard, &events, &wake) {
        Ok(clipboard) => clipboard,
        Err(error) => {
            let _ = events.send(Event::Failed {
                profile: None,
                error,
                background: false,
            });
            return wake();
        }
    };
    let store = ProfileStore::new(&deps.paths.config_dir);
    let session = Session::new(
        deps.paths,
        deps.secrets,
        Box::new(deps.clock),
        runtime.handle().clone(),
    );
    // Everything that writes runs on one queue, in the order the window asked for it;
    // the rest (sign-ins waiting for a browser, token requests, checks) runs beside it.
    let (queue, jobs) = channel::<Option<Job>>();
    let shared = Arc::new(Shared {
        session,
        store,
        events,
        wake,
        cancels: Mutex::new(HashMap::new()),
        queue,
    });
    if let Err(e) = start_queue(&shared, jobs) {
        return shared.fail(None, e, false);
    }
    for command in commands {
        match command {
            Command::Clipboard(command) => {
                let _ = clipboard.send(command);
            }
            command => dispatch(&shared, command),
        }
    }
    // The window is gone: the queue ends after what it holds (a job sent later, by an
    // organization's sign-in still running, is dropped).
    let _ = shared.queue.send(None);
}

/// A command that writes goes on the queue; any other runs on a thread of its own: a
/// sign-in waiting for the browser must not hold up a token copy on another profile.
/// Session calls block, so these are plain threads, not async tasks.
fn dispatch(shared: &Arc<Shared>, command: Command) {
    let job = Job {
        profile: command.profile().map(str::to_string),
        request: command.request().cloned(),
        writes: command.writes(),
        work: Box::new(move |shared: &Shared| handle(shared, command)),
    };
    if job.writes {
        return shared.enqueue(job);
    }
    let worker = shared.clone();
    let started = std::thread::Builder::new()
        .name("cdf-signin-command".into())
        .spawn(move || guarded(&worker, job));
    if let Err(e) = started {
        shared.fail(
            None,
            UiError::plain(format!("cannot start the work: {e}")),
            false,
        );
    }
}

/// Starts the clipboard's thread; returns where to send it work.
fn start_clipboard(
    clipboard: Box<dyn Clipboard>,
    events: &Sender<Event>,
    wake: &Arc<dyn Fn() + Send + Sync>,
) -> Result<Sender<ClipboardCommand>, UiError> {
    let (commands, receiver) = channel();
    let (events, wake) = (events.clone(), wake.clone());
    std::thread::Builder::new()
        .name("cdf-signin-clipboard".into())
        .spawn(move || {
            crate::clipboard::serve(clipboard, receiver, |answer| {
                let _ = events.send(Event::Clipboard(answer));
                wake();
            })
        })
        .map_err(|e| UiError::plain(format!("cannot start the clipboard's thread: {e}")))?;
    Ok(commands)
}

/// Starts the queue: one thread that runs what it is given, in order, until it gets
/// `None`.
fn start_queue(shared: &Arc<Shared>, jobs: Receiver<Option<Job>>) -> Result<(), UiError> {
    let on_queue = shared.clone();
    std::thread::Builder::new()
        .name("cdf-signin-queue".into())
        .spawn(move || {
            while let Ok(Some(job)) = jobs.recv() {
                guarded(&on_queue, job);
            }
        })
        .map(drop)
        .map_err(|e| UiError::plain(format!("cannot start the work queue: {e}")))
}

/// Runs `work`; a bug in it ends as an error on its request or profile, never as a dead
/// thread behind an endless spinner (nor as a dead queue).
fn guarded(shared: &Shared, job: Job) {
    let work = job.work;
    let run = std::panic::AssertUnwindSafe(|| work(shared));
    if let Err(panic) = std::panic::catch_unwind(run) {
        let error = internal_error(&panic);
        match job.request {
            Some(request) => shared.emit(Event::RequestFailed {
                request,
                error,
                background: false,
            }),
            None => shared.fail(job.profile.as_deref(), error, false),
        }
    }
}

fn handle(shared: &Shared, command: Command) {
    match command {
        Command::LoadProfiles => shared.emit_profiles(),
        Command::ReloadProfiles => {
            shared.emit(Event::Reloaded(shared.store.load().map_err(UiError::from)))
        }
        Command::LoadCached(request) => load_cached(shared, request),
        Command::LoadCachedAll(requests) => {
            for request in requests {
                load_cached(shared, request);
            }
        }
        Command::SignIn(request) => sign_in(shared, request),
        Command::CancelSignIn(name) => cancel(&shared.cancels, &name),
        Command::Renew {
            request,
            min_valid_secs,
            force,
            background,
        } => {
            let opts = TokenOptions {
                min_valid_secs,
                force_refresh: force,
            };
            renew(shared, request, opts, background)
        }
        Command::SignOut(name) => sign_out(shared, name),
        Command::SaveProfile { ticket, draft } => save_profile(shared, ticket, &draft),
        Command::DeleteProfile(name) => match shared.app().remove(&name) {
            Ok(()) => {
                shared.emit(Event::Deleted(name));
                shared.emit_profiles();
            }
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
        Command::SetDefault(name) => match shared.app().set_default(&name) {
            Ok(()) => shared.emit_profiles(),
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
        Command::Verify(request) => verify(shared, request),
        Command::AddForProject { from, project } => add_for_project(shared, from, project),
        Command::ImportEnv {
            ticket,
            path,
            name,
            confirmed,
        } => {
            let outcome = import_env(shared, path, name, confirmed);
            shared.emit(Event::Import { ticket, outcome });
        }
        Command::CopyApiKey(name) => match shared.session.api_key(&name) {
            Ok(key) => shared.emit(Event::CopySecret {
                text: key,
                what: "the API key".into(),
            }),
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
        Command::Check { request, needs } => check(shared, request, &needs),
        Command::LoadStoreInfo => store_info(shared),
        Command::SetAutostart(on) => set_autostart(shared, on),
        Command::MoveStorage(storage) => move_storage(shared, storage),
        Command::OpenUrl(url) => {
            if let Err(e) = crate::auth::browser::open(&url) {
                shared.fail(None, UiError::plain(e), false);
            }
        }
        Command::PickFile { ticket, target } => pick_file(shared, ticket, target),
        Command::KeepPrivate(path) => {
            // Not secret, so a failure here is not worth a banner.
            let _ = crate::fsutil::keep_private(&path);
        }
        Command::SignInOrg { ticket, request } => org_sign_in(shared, ticket, request),
        Command::CancelOrgSignIn => org_cancel(&shared.cancels),
        // Sent to the clipboard's thread before it gets here.
        Command::Clipboard(_) => {}
    }
}

/// Where eframe keeps the window's settings: `app.ron` in the data dir. Earlier versions
/// let eframe choose (`eframe::storage_dir`, on Windows `%APPDATA%\cdf-signin\data`);
/// a file there is moved over once, and its emptied folders removed, so an uninstall
/// that removes cdf-signin's folders leaves nothing behind. Called by `ui::run` before
/// the first frame; a move that fails leaves the old file, and the window starts with
/// its defaults.
pub(super) fn window_settings_file(data_dir: &Path, app_id: &str) -> PathBuf {
    let file = data_dir.join("app.ron");
    if let Some(old_dir) = eframe::storage_dir(app_id)
        && old_dir != data_dir
        && !file.exists()
    {
        let old = old_dir.join("app.ron");
        if old.is_file() && crate::fsutil::create_private_dir(data_dir).is_ok() {
            let moved = std::fs::rename(&old, &file).is_ok()
                || (std::fs::copy(&old, &file).is_ok() && std::fs::remove_file(&old).is_ok());
            if moved {
                // Only empty folders go (`remove_dir` refuses others).
                let _ = std::fs::remove_dir(&old_dir);
                if let Some(parent) = old_dir.parent()
                    && parent.file_name() == Some(std::ffi::OsStr::new(app_id))
                {
                    let _ = std::fs::remove_dir(parent);
                }
            }
        }
    }
    file
}

fn sign_in(shared: &Shared, request: Request) {
    let name = request.profile.clone();
    let profile = match shared.profile(&name) {
        Ok(p) => p,
        Err(error) => {
            return shared.emit(Event::RequestFailed {
                request,
                error,
                background: false,
            });
        }
    };
    let cancel = CancelToken::default();
    if let Ok(mut m) = shared.cancels.lock() {
        m.insert(name.clone(), cancel.clone());
    }
    let prompt_request = request.clone();
    let events = shared.events.clone();
    let wake = shared.wake.clone();
    let prompt = move |p: SignInPrompt| {
        let _ = events.send(Event::Prompt(prompt_request.clone(), p));
        wake();
    };
    let result = shared
        .session
        .login(&name, &profile, &prompt, &cancel, SIGN_IN_TIMEOUT);
    if let Ok(mut m) = shared.cancels.lock() {
        m.remove(&name);
    }
    match result {
        Ok(tokens) => shared.emit(Event::Token {
            request,
            tokens: tokens.into(),
        }),
        Err(SessionError::Auth(crate::auth::AuthError::Cancelled)) => {
            shared.emit(Event::Ended(request))
        }
        Err(e) => shared.emit(Event::RequestFailed {
            request,
            error: e.into(),
            background: false,
        }),
    }
}

/// An organization's sign-in: the browser and the listing on this thread, then the
/// profiles it adds on the queue, in order with every other write.
fn org_sign_in(shared: &Shared, ticket: Ticket, mut request: OrgSignIn) {
    let cancel = CancelToken::default();
    if let Ok(mut m) = shared.cancels.lock() {
        m.insert(CANCEL_KEY.into(), cancel.clone());
    }
    // The window honours the toolkit's variable as `login --org` does.
    request.authority = orgs::base_from(request.authority.take(), |k| std::env::var(k).ok());
    let prompt = |p: SignInPrompt| {
        shared.emit(Event::Org {
            ticket: ticket.clone(),
            event: OrgEvent::Prompt(p),
        })
    };
    let app = shared.app();
    let listing = app.org_listing(&request, &prompt, &cancel, SIGN_IN_TIMEOUT);
    if let Ok(mut m) = shared.cancels.lock() {
        m.remove(CANCEL_KEY);
    }
    match listing {
        Ok((set, projects)) => shared.enqueue(Job {
            profile: None,
            request: None,
            writes: true,
            work: Box::new(move |shared: &Shared| {
                let added = shared.app().add_org_projects(&request, &set, projects);
                shared.emit_profiles();
                shared.emit(org_done(ticket, added));
            }),
        }),
        Err(e) => shared.emit(org_done(ticket, Err(e))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::protocol::SaveOutcome;
    use super::*;
    use crate::app::{ProfileDraft, SecretInput};
    use crate::profile::Flow;
    use crate::secrets::{MemoryStore, Secret};
    use crate::token::ManualClock;
    use std::time::Duration;

    fn start(dir: &Path) -> Worker {
        let deps = WorkerDeps {
            paths: Paths::under(dir),
            secrets: Box::new(MemoryStore::default()),
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            clipboard: Box::new(crate::clipboard::MemoryClipboard::default()),
        };
        Worker::start(deps, || {})
    }

    fn service(name: &str) -> ProfileDraft {
        ProfileDraft {
            name: name.into(),
            flow: Some(Flow::ClientCredentials),
            cluster: "westeurope-1".into(),
            project: "p".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "c".into(),
            secret: SecretInput::Store(Secret::new("s3cret")),
            ..ProfileDraft::default()
        }
    }

    fn save(draft: ProfileDraft) -> Command {
        Command::SaveProfile {
            ticket: Ticket {
                id: 1,
                kind: super::super::state::DialogKind::Save,
            },
            draft: Box::new(draft),
        }
    }

    /// Save then delete, and rename then set-default, sent back to back as fast as a
    /// person clicking could: the profiles file ends as that order says. (With a thread
    /// per command, a delete overtook its save and left the profile behind.)
    #[test]
    fn writes_land_in_the_order_they_were_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let worker = start(dir.path());
        worker.send(save(service("first")));
        for i in 0..20 {
            let name = format!("p{i}");
            worker.send(save(service(&name)));
            worker.send(Command::DeleteProfile(name));
        }
        worker.send(save(service("old")));
        let rename = ProfileDraft {
            original: Some("old".into()),
            secret: SecretInput::Keep,
            ..service("new")
        };
        worker.send(save(rename));
        worker.send(Command::SetDefault("new".into()));
        // Last on the queue: its answer says every write before it has been done, however
        // slow the machine (a quiet second is not proof of that).
        worker.send(Command::ReloadProfiles);
        let mut events = Vec::new();
        while !events.iter().any(|e| matches!(e, Event::Reloaded(_))) {
            let e = worker.events.recv_timeout(Duration::from_secs(60));
            events.push(e.expect("the queue answers the reload"));
        }
        let failures: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Failed { error, .. }
                | Event::Save {
                    outcome: SaveOutcome::Failed(error),
                    ..
                } => Some(error.message.clone()),
                Event::Save {
                    outcome: SaveOutcome::Problems(problems),
                    ..
                } => Some(format!("{problems:?}")),
                _ => None,
            })
            .collect();
        assert!(failures.is_empty(), "{failures:?}");
        let file = ProfileStore::new(&dir.path().join("config"))
            .load()
            .unwrap();
        let names: Vec<&String> = file.profiles.keys().collect();
        assert_eq!(names, ["first", "new"]);
        assert_eq!(file.default.as_deref(), Some("new"));
    }
}

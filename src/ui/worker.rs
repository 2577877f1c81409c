//! The window's worker: every network, keyring and file operation runs here, off the UI
//! thread. The UI sends [`Command`]s and draws the [`Event`]s that come back (each one
//! wakes the UI with `request_repaint`).

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::app::{AppError, ImportOutcome, ImportSource, Problem, ProfileDraft, Profiles};
use crate::auth::{CancelToken, SignInPrompt};
use crate::paths::Paths;
use crate::profile::{Profile, ProfileError, ProfileFile, ProfileStore};
use crate::secrets::{Secret, SecretStore};
use crate::session::{Session, SessionError, TokenOptions};
use crate::token::{Clock, TokenSet};

/// How long the window waits for a sign-in to finish.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub enum Command {
    /// Read the profiles file.
    LoadProfiles,
    /// Read it again (the window got the focus: another process may have changed it).
    ReloadProfiles,
    /// The profile's cached tokens, without network.
    LoadCached(String),
    SignIn(String),
    CancelSignIn(String),
    /// A token valid at least `min_valid_secs` (refresh or client credentials).
    Renew {
        profile: String,
        min_valid_secs: i64,
        force: bool,
        /// An automatic renewal, whose failure is shown on the profile only.
        background: bool,
    },
    SignOut(String),
    /// Create a profile, or replace `draft.original` (renaming it when the name
    /// changed).
    SaveProfile(Box<ProfileDraft>),
    DeleteProfile(String),
    SetDefault(String),
    /// Ask CDF what the profile's token (or API key) may do.
    Verify(String),
    /// A profile like `from` for another project its token reaches.
    AddForProject {
        from: String,
        project: String,
    },
    /// Import a cognite-toolkit `.env` file as a profile named `name` (default: its
    /// project); one whose endpoints are not the provider's defaults is saved only once
    /// `confirmed`.
    ImportEnv {
        path: std::path::PathBuf,
        name: Option<String>,
        confirmed: bool,
    },
    /// Fetch an API-key profile's key from the keyring, to copy it.
    CopyApiKey(String),
    /// Walk the whole chain for a profile (the doctor), with the capabilities it needs.
    Check {
        profile: String,
        needs: Vec<crate::doctor::Need>,
    },
    /// Sign in to a Cognite organization and add its projects (`org_sign_in.rs`).
    SignInOrg(crate::cdf::orgs::OrgSignIn),
    CancelOrgSignIn,
}

/// Something the person should read about a failure: the one-line message, a hint, and
/// the details a support request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct UiError {
    pub message: String,
    pub hint: Option<String>,
    pub code: Option<String>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl UiError {
    pub fn plain(message: impl Into<String>) -> UiError {
        UiError {
            message: message.into(),
            hint: None,
            code: None,
            trace_id: None,
            correlation_id: None,
        }
    }

    /// The text behind "Copy details".
    pub fn details(&self) -> String {
        let mut out = format!(
            "cdf-signin {}\nerror: {}",
            env!("CARGO_PKG_VERSION"),
            self.message
        );
        for (label, value) in [
            ("code", &self.code),
            ("trace id", &self.trace_id),
            ("correlation id", &self.correlation_id),
        ] {
            if let Some(v) = value {
                out.push_str(&format!("\n{label}: {v}"));
            }
        }
        out
    }
}

impl From<SessionError> for UiError {
    fn from(e: SessionError) -> UiError {
        let hint = e.remedy().as_ref().map(super::wording::remedy);
        let (code, trace_id, correlation_id) = match &e {
            SessionError::Auth(crate::auth::AuthError::Idp(idp)) => (
                Some(idp.aadsts().unwrap_or_else(|| idp.error.clone())),
                idp.trace_id.clone(),
                idp.correlation_id.clone(),
            ),
            _ => (None, None, None),
        };
        UiError {
            message: e.to_string(),
            hint,
            code,
            trace_id,
            correlation_id,
        }
    }
}

impl From<crate::cdf::AccessError> for UiError {
    fn from(e: crate::cdf::AccessError) -> UiError {
        match e {
            crate::cdf::AccessError::Session(s) => s.into(),
            crate::cdf::AccessError::Cdf(c) => UiError {
                hint: c.remedy().as_ref().map(super::wording::remedy),
                ..UiError::plain(c.to_string())
            },
        }
    }
}

impl From<crate::doctor::cluster::MissingHost> for UiError {
    fn from(m: crate::doctor::cluster::MissingHost) -> UiError {
        UiError {
            hint: Some(super::wording::remedy(&m.fix)),
            ..UiError::plain(m.message)
        }
    }
}

/// A failure to get `p`'s token, said as a cluster that does not exist when it is one
/// (the same rule as the command line's).
fn token_error(p: &Profile, e: SessionError) -> UiError {
    use crate::doctor::cluster;
    match cluster::explain(p, cluster::session_points_at_cluster(&e)) {
        Some(m) => m.into(),
        None => e.into(),
    }
}

fn access_error(p: &Profile, e: crate::cdf::AccessError) -> UiError {
    use crate::doctor::cluster;
    match e {
        crate::cdf::AccessError::Session(s) => token_error(p, s),
        crate::cdf::AccessError::Cdf(c) => {
            match cluster::explain(p, cluster::cdf_points_at_cluster(&c)) {
                Some(m) => m.into(),
                None => crate::cdf::AccessError::Cdf(c).into(),
            }
        }
    }
}

impl From<AppError> for UiError {
    fn from(e: AppError) -> UiError {
        match e {
            AppError::Session(s) => s.into(),
            e => UiError {
                hint: e.remedy().as_ref().map(super::wording::remedy),
                ..UiError::plain(e.to_string())
            },
        }
    }
}

impl From<ProfileError> for UiError {
    fn from(e: ProfileError) -> UiError {
        UiError {
            hint: e.remedy().as_ref().map(super::wording::remedy),
            ..UiError::plain(e.to_string())
        }
    }
}

#[derive(Debug, Clone)]
pub enum Event {
    Profiles(Result<ProfileFile, UiError>),
    /// The file read again; the window applies it only when it differs.
    Reloaded(Result<ProfileFile, UiError>),
    Cached(String, Option<TokenSet>),
    Prompt(String, SignInPrompt),
    Token {
        profile: String,
        tokens: TokenSet,
    },
    SignInEnded(String),
    /// Every profile signed out: the one asked and those sharing its account.
    SignedOut(Vec<String>),
    /// A profile saved; `renamed_from` is its old name when it was renamed.
    Saved {
        name: String,
        renamed_from: Option<String>,
    },
    Deleted(String),
    /// The editor's fields that the worker found wrong (a certificate that does not fit
    /// its key, a file that is not there): shown at each field.
    Problems(Vec<Problem>),
    /// What CDF said about a profile's credentials.
    Access {
        profile: String,
        result: Result<crate::cdf::Access, UiError>,
    },
    /// A profile added for another project (Add profile for project X).
    Added {
        name: String,
        project: String,
    },
    /// A `.env` imported as profile `name`, with remarks for the person.
    Imported {
        name: String,
        notes: Vec<String>,
    },
    ImportFailed(UiError),
    /// The import's name is taken; `free` is a name that is not, for the person to
    /// accept or change.
    ImportNameTaken {
        error: UiError,
        free: String,
    },
    /// The `.env` at `path` uses these endpoints, which are not the provider's
    /// defaults: saved only when the person confirms.
    ImportConfirm {
        path: std::path::PathBuf,
        endpoints: Vec<String>,
    },
    /// A secret fetched to be copied (an API key).
    CopySecret {
        text: Secret,
        what: String,
    },
    /// The Check's checklist for a profile.
    Checked {
        profile: String,
        result: Result<crate::doctor::Report, UiError>,
    },
    /// About the organization sign-in (`org_sign_in.rs`).
    Org(super::org_sign_in::OrgEvent),
    /// A failed operation on a profile (`None`: not tied to one).
    Failed {
        profile: Option<String>,
        error: UiError,
        background: bool,
    },
}

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

struct Shared {
    session: Session,
    store: ProfileStore,
    events: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
    cancels: Mutex<HashMap<String, CancelToken>>,
}

impl Shared {
    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
        (self.wake)();
    }

    fn profile(&self, name: &str) -> Result<Profile, UiError> {
        Ok(self.store.load()?.get(name)?.clone())
    }

    /// The one way profiles and secrets change.
    fn app(&self) -> Profiles<'_> {
        Profiles::new(&self.store, &self.session)
    }

    fn emit_profiles(&self) {
        self.emit(Event::Profiles(self.store.load().map_err(UiError::from)));
    }

    fn fail(&self, profile: Option<&str>, error: UiError, background: bool) {
        self.emit(Event::Failed {
            profile: profile.map(str::to_string),
            error,
            background,
        });
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
            wake();
            return;
        }
    };
    let store = ProfileStore::new(&deps.paths.config_dir);
    let session = Session::new(
        deps.paths,
        deps.secrets,
        Box::new(deps.clock),
        runtime.handle().clone(),
    );
    let shared = Arc::new(Shared {
        session,
        store,
        events,
        wake,
        cancels: Mutex::new(HashMap::new()),
    });
    for command in commands {
        // Each command on its own thread: a sign-in waiting for the browser must not hold
        // up a token copy on another profile. Session calls block, so these are plain
        // threads, not async tasks.
        let profile = command.profile().map(str::to_string);
        let worker = shared.clone();
        let started = std::thread::Builder::new()
            .name("cdf-signin-command".into())
            .spawn(move || {
                // A bug in one command ends as an error on its profile, never as a dead
                // thread behind an endless spinner.
                let run = std::panic::AssertUnwindSafe(|| handle(&worker, command));
                if let Err(panic) = std::panic::catch_unwind(run) {
                    worker.fail(profile.as_deref(), internal_error(&panic), false);
                }
            });
        if let Err(e) = started {
            shared.fail(
                None,
                UiError::plain(format!("cannot start the work: {e}")),
                false,
            );
        }
    }
}

/// What a panic in a command says on screen.
fn internal_error(panic: &Box<dyn std::any::Any + Send>) -> UiError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    UiError {
        hint: Some(
            "this is a bug in cdf-signin; please report it, with what `cdf-signin --verbose` prints for the same steps"
                .into(),
        ),
        ..UiError::plain(format!("internal error: {what}"))
    }
}

impl Command {
    /// The profile a command is about, if any: where its failure is shown.
    fn profile(&self) -> Option<&str> {
        match self {
            Command::LoadCached(p)
            | Command::SignIn(p)
            | Command::CancelSignIn(p)
            | Command::SignOut(p)
            | Command::DeleteProfile(p)
            | Command::SetDefault(p)
            | Command::Verify(p)
            | Command::CopyApiKey(p) => Some(p),
            Command::Renew { profile, .. } | Command::Check { profile, .. } => Some(profile),
            Command::SaveProfile(draft) => Some(&draft.name),
            Command::AddForProject { from, .. } => Some(from),
            Command::LoadProfiles
            | Command::ReloadProfiles
            | Command::ImportEnv { .. }
            | Command::SignInOrg(_)
            | Command::CancelOrgSignIn => None,
        }
    }
}

fn handle(shared: &Shared, command: Command) {
    match command {
        Command::LoadProfiles => shared.emit_profiles(),
        Command::ReloadProfiles => {
            shared.emit(Event::Reloaded(shared.store.load().map_err(UiError::from)))
        }
        // A profile gone meanwhile has nothing cached.
        // A profile whose account another profile signed in to gets its token from the
        // account here: switching to it asks for no sign-in.
        Command::LoadCached(name) => match shared.profile(&name).map_or(Ok(None), |p| {
            shared
                .session
                .cached_or_shared(&name, &p)
                .map_err(UiError::from)
        }) {
            Ok(t) => shared.emit(Event::Cached(name, t)),
            Err(e) => shared.fail(Some(&name), e, true),
        },
        Command::SignIn(name) => sign_in(shared, name),
        Command::CancelSignIn(name) => {
            if let Some(c) = shared
                .cancels
                .lock()
                .ok()
                .and_then(|m| m.get(&name).cloned())
            {
                c.cancel();
            }
        }
        Command::Renew {
            profile,
            min_valid_secs,
            force,
            background,
        } => {
            let result = shared.profile(&profile).and_then(|p| {
                shared
                    .session
                    .token(
                        &profile,
                        &p,
                        TokenOptions {
                            min_valid_secs,
                            force_refresh: force,
                        },
                    )
                    .map_err(|e| token_error(&p, e))
            });
            match result {
                Ok((tokens, _)) => shared.emit(Event::Token { profile, tokens }),
                Err(e) => shared.fail(Some(&profile), e, background),
            }
        }
        Command::SignOut(name) => {
            let result = shared.store.load().map_err(UiError::from).and_then(|file| {
                let profile = file.get(&name)?;
                Ok(shared.session.sign_out(&name, profile, &file)?)
            });
            match result {
                Ok(done) => shared.emit(Event::SignedOut(done.profiles)),
                Err(e) => shared.fail(Some(&name), e, false),
            }
        }
        Command::SaveProfile(draft) => match shared.app().save(&draft) {
            Ok(saved) => {
                shared.emit(Event::Saved {
                    name: saved.name,
                    renamed_from: saved.renamed_from,
                });
                shared.emit_profiles();
            }
            Err(AppError::Problems(problems)) => shared.emit(Event::Problems(problems)),
            Err(e) => shared.fail(Some(draft.name.trim()), e.into(), false),
        },
        Command::DeleteProfile(name) => match shared.app().remove(&name) {
            Ok(()) => {
                shared.emit(Event::Deleted(name));
                shared.emit_profiles();
            }
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
        Command::Verify(name) => {
            let result = shared.profile(&name).and_then(|p| {
                crate::cdf::check_access(&shared.session, &name, &p)
                    .map_err(|e| access_error(&p, e))
            });
            // Checking may have renewed the token: show what is cached now.
            if let Ok(p) = shared.profile(&name)
                && let Ok(Some(t)) = shared.session.cached(&name, &p)
            {
                shared.emit(Event::Cached(name.clone(), Some(t)));
            }
            shared.emit(Event::Access {
                profile: name,
                result,
            });
        }
        Command::AddForProject { from, project } => {
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
        Command::ImportEnv {
            path,
            name,
            confirmed,
        } => {
            let source = ImportSource::File(&path);
            match shared.app().import(source, name.as_deref(), confirmed) {
                Ok(ImportOutcome::Saved { saved, notes, .. }) => {
                    shared.emit_profiles();
                    shared.emit(Event::Imported {
                        name: saved.name,
                        notes,
                    });
                }
                Ok(ImportOutcome::Confirm { endpoints }) => {
                    shared.emit(Event::ImportConfirm { path, endpoints })
                }
                Err(AppError::NameTaken { name, free }) => shared.emit(Event::ImportNameTaken {
                    error: AppError::NameTaken {
                        name,
                        free: free.clone(),
                    }
                    .into(),
                    free,
                }),
                Err(e) => shared.emit(Event::ImportFailed(e.into())),
            }
        }
        Command::CopyApiKey(name) => match shared.session.api_key(&name) {
            Ok(key) => shared.emit(Event::CopySecret {
                text: key,
                what: "the API key".into(),
            }),
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
        Command::Check { profile, needs } => {
            let result = shared.profile(&profile).map(|p| {
                (
                    crate::doctor::diagnose(&shared.session, &profile, &p, &needs),
                    p,
                )
            });
            // The check may have renewed the token: show what is cached now.
            if let Ok((_, p)) = &result
                && let Ok(Some(t)) = shared.session.cached(&profile, p)
            {
                shared.emit(Event::Cached(profile.clone(), Some(t)));
            }
            let result = result.map(|(check, _)| check);
            shared.emit(Event::Checked { profile, result });
        }
        Command::SignInOrg(request) => {
            let emit = |e| shared.emit(e);
            let done = super::org_sign_in::work(&shared.app(), &shared.cancels, &emit, request);
            shared.emit_profiles();
            shared.emit(done);
        }
        Command::CancelOrgSignIn => super::org_sign_in::cancel(&shared.cancels),
        Command::SetDefault(name) => match shared.app().set_default(&name) {
            Ok(()) => shared.emit_profiles(),
            Err(e) => shared.fail(Some(&name), e.into(), false),
        },
    }
}

fn sign_in(shared: &Shared, name: String) {
    let profile = match shared.profile(&name) {
        Ok(p) => p,
        Err(e) => return shared.fail(Some(&name), e, false),
    };
    let cancel = CancelToken::default();
    if let Ok(mut m) = shared.cancels.lock() {
        m.insert(name.clone(), cancel.clone());
    }
    let prompt_name = name.clone();
    let events = shared.events.clone();
    let wake = shared.wake.clone();
    let prompt = move |p: SignInPrompt| {
        let _ = events.send(Event::Prompt(prompt_name.clone(), p));
        wake();
    };
    let result = shared
        .session
        .login(&name, &profile, &prompt, &cancel, SIGN_IN_TIMEOUT);
    if let Ok(mut m) = shared.cancels.lock() {
        m.remove(&name);
    }
    shared.emit(Event::SignInEnded(name.clone()));
    match result {
        Ok(tokens) => shared.emit(Event::Token {
            profile: name,
            tokens,
        }),
        Err(SessionError::Auth(crate::auth::AuthError::Cancelled)) => {}
        Err(e) => shared.fail(Some(&name), e.into(), false),
    }
}

//! What the window and its worker say to each other: the [`Command`]s the window sends
//! and the [`Event`]s that answer them. Each answer carries the request it answers (a
//! profile's `Request`, a dialog's `Ticket`), so the window can drop one that is stale.

use std::path::PathBuf;

use super::error::UiError;
use super::state::{Request, ShownToken, Ticket};
use crate::app::{OrgOutcome, Problem, ProfileDraft};
use crate::auth::SignInPrompt;
use crate::cdf::orgs::OrgSignIn;
use crate::clipboard::{ClipboardAnswer, ClipboardCommand};
use crate::profile::ProfileFile;
use crate::secrets::{Secret, Storage};

#[derive(Debug, Clone)]
pub enum Command {
    /// Show the platform's file dialog (for an editor field, or `None`: Import .env).
    PickFile {
        ticket: Ticket,
        target: Option<crate::field::Field>,
    },
    /// Read the profiles file.
    LoadProfiles,
    /// Read it again (the window got the focus: another process may have changed it).
    ReloadProfiles,
    /// The profile's cached tokens, without network (a request of kind `Cache`).
    LoadCached(Request),
    /// The same for many profiles, one after another on one thread (the sidebar's read
    /// of every profile: a thread each would be a thousand threads for a thousand).
    LoadCachedAll(Vec<Request>),
    SignIn(Request),
    CancelSignIn(String),
    /// A token valid at least `min_valid_secs` (refresh or client credentials).
    Renew {
        request: Request,
        min_valid_secs: i64,
        force: bool,
        /// An automatic renewal, whose failure is shown on the profile only.
        background: bool,
    },
    SignOut(String),
    /// Create a profile, or replace `draft.original` (renaming it when the name
    /// changed).
    SaveProfile {
        ticket: Ticket,
        draft: Box<ProfileDraft>,
    },
    DeleteProfile(String),
    SetDefault(String),
    /// Ask CDF what the profile's token (or API key) may do.
    Verify(Request),
    /// A profile like `from` for another project its token reaches.
    AddForProject {
        from: String,
        project: String,
    },
    /// Import a cognite-toolkit `.env` file as a profile named `name` (default: its
    /// project); one whose endpoints are not the provider's defaults is saved only once
    /// `confirmed`.
    ImportEnv {
        ticket: Ticket,
        path: std::path::PathBuf,
        name: Option<String>,
        confirmed: bool,
    },
    /// Fetch an API-key profile's key from the keyring, to copy it.
    CopyApiKey(String),
    /// Walk the whole chain for a profile (the doctor), with the capabilities it needs.
    Check {
        request: Request,
        needs: Vec<crate::doctor::Need>,
    },
    /// Where secrets are kept: the saved choice and the store in words (About, Settings).
    LoadStoreInfo,
    /// Save where secrets are kept, for the window and the command line alike.
    /// Move every secret to this store and use it from now on (`app::Profiles::move_storage`).
    MoveStorage(Storage),
    /// Start the tray icon at log-in, or stop doing so (`tray --autostart on|off`).
    SetAutostart(bool),
    /// Open a page in the browser (the sign-in or verification page again).
    OpenUrl(String),
    /// Keep the window's own settings file owner-only, like every file of ours (eframe
    /// writes it with the process umask).
    KeepPrivate(std::path::PathBuf),
    /// Sign in to a Cognite organization and add its projects.
    SignInOrg {
        ticket: Ticket,
        request: OrgSignIn,
    },
    CancelOrgSignIn,
    /// Copy, or clear what was copied: on the clipboard's own thread.
    Clipboard(ClipboardCommand),
}

#[derive(Debug, Clone)]
pub enum Event {
    /// A file chosen in the file dialog, for the field (or the import) it was asked for.
    Picked {
        ticket: Ticket,
        target: Option<crate::field::Field>,
        path: PathBuf,
    },
    Profiles(Result<ProfileFile, UiError>),
    /// The file read again; the window applies it only when it differs.
    Reloaded(Result<ProfileFile, UiError>),
    /// The profile's cached token, if any.
    Cached {
        request: Request,
        tokens: Option<ShownToken>,
    },
    Prompt(Request, SignInPrompt),
    /// A sign-in's or renewal's token.
    Token {
        request: Request,
        tokens: ShownToken,
    },
    /// A request ended without an answer to show (a cancelled sign-in).
    Ended(Request),
    /// Every profile signed out: the one asked and those sharing its account.
    SignedOut(Vec<String>),
    /// What became of the editor's Save.
    Save {
        ticket: Ticket,
        outcome: SaveOutcome,
    },
    Deleted(String),
    /// What CDF said about a profile's credentials.
    Access {
        request: Request,
        result: Result<crate::cdf::Access, UiError>,
        /// What is cached for the profile now (asking may have renewed the token).
        tokens: Option<ShownToken>,
    },
    /// A profile added for another project (Add profile for project X).
    Added {
        name: String,
        project: String,
    },
    /// What became of the import dialog's Import.
    Import {
        ticket: Ticket,
        outcome: ImportAnswer,
    },
    /// A secret fetched to be copied (an API key).
    CopySecret {
        text: Secret,
        what: String,
    },
    /// The Check's checklist for a profile.
    Checked {
        request: Request,
        result: Result<crate::doctor::Report, UiError>,
        /// What is cached for the profile now (the check may have renewed the token).
        tokens: Option<ShownToken>,
    },
    /// Where secrets are kept: the saved choice, and the store in use, in words.
    StoreInfo {
        storage: Storage,
        describe: String,
        plain_text: bool,
    },
    /// Whether the tray starts at log-in, and what changing it did (none when only read).
    Autostart {
        on: bool,
        said: Option<String>,
    },
    /// The secrets were moved and the store is in use now: the choice, and what to say.
    StorageMoved(Storage, String),
    /// A sign-in or renewal failed; `background` for an automatic renewal, whose failure
    /// is shown on the profile only.
    RequestFailed {
        request: Request,
        error: UiError,
        background: bool,
    },
    /// How an organization's sign-in goes.
    Org {
        ticket: Ticket,
        event: OrgEvent,
    },
    /// What the clipboard did.
    Clipboard(ClipboardAnswer),
    /// A failed operation on a profile (`None`: not tied to one).
    Failed {
        profile: Option<String>,
        error: UiError,
        background: bool,
    },
}

/// What became of a Save.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    /// Saved; `renamed_from` is its old name when it was renamed.
    Saved {
        name: String,
        renamed_from: Option<String>,
    },
    /// The editor's fields that the worker found wrong (a certificate that does not fit
    /// its key, a file that is not there): shown at each field.
    Problems(Vec<Problem>),
    /// Not saved, for another reason (the file could not be written).
    Failed(UiError),
}

/// What became of an Import.
#[derive(Debug, Clone)]
pub enum ImportAnswer {
    /// Imported as profile `name`, with remarks for the person; whether its project
    /// looks like production on an unmarked profile (the application layer's
    /// `Saved::production_suggested`).
    Imported {
        name: String,
        notes: Vec<String>,
        production_suggested: bool,
    },
    /// The `.env` at `path` uses these endpoints, which are not the provider's
    /// defaults: saved only when the person confirms.
    Confirm {
        path: std::path::PathBuf,
        endpoints: Vec<String>,
    },
    /// The import's name is taken; `free` is a name that is not, for the person to
    /// accept or change.
    NameTaken {
        error: UiError,
        free: String,
    },
    Failed(UiError),
}

/// What the worker reports about an organization's sign-in.
#[derive(Debug, Clone)]
pub enum OrgEvent {
    Prompt(SignInPrompt),
    Done(Result<OrgOutcome, UiError>),
    Cancelled,
}
impl Command {
    /// The request a command answers, for those the window waits on.
    pub(super) fn request(&self) -> Option<&Request> {
        match self {
            Command::SignIn(request)
            | Command::LoadCached(request)
            | Command::Verify(request)
            | Command::Renew { request, .. }
            | Command::Check { request, .. } => Some(request),
            _ => None,
        }
    }

    /// Whether the command goes on the queue: it changes profiles, secrets or settings,
    /// or reads the profiles file or the storage choice (so a read never overtakes a
    /// write asked for before it, and its answer never arrives after the write's).
    pub(super) fn writes(&self) -> bool {
        match self {
            Command::LoadProfiles
            | Command::ReloadProfiles
            | Command::SignOut(_)
            | Command::SaveProfile { .. }
            | Command::DeleteProfile(_)
            | Command::SetDefault(_)
            | Command::AddForProject { .. }
            | Command::ImportEnv { .. }
            | Command::LoadStoreInfo
            | Command::MoveStorage(_)
            | Command::SetAutostart(_)
            | Command::KeepPrivate(_) => true,
            // An organization's sign-in waits for the browser beside the queue; the
            // profiles it adds go on the queue (`org_sign_in`).
            Command::SignInOrg { .. }
            | Command::CancelOrgSignIn
            | Command::PickFile { .. }
            | Command::LoadCached(_)
            | Command::LoadCachedAll(_)
            | Command::SignIn(_)
            | Command::CancelSignIn(_)
            | Command::Renew { .. }
            | Command::Verify(_)
            | Command::CopyApiKey(_)
            | Command::Check { .. }
            | Command::OpenUrl(_)
            | Command::Clipboard(_) => false,
        }
    }

    /// The profile a command is about, if any: where its failure is shown.
    pub(super) fn profile(&self) -> Option<&str> {
        match self {
            Command::CancelSignIn(p)
            | Command::SignOut(p)
            | Command::DeleteProfile(p)
            | Command::SetDefault(p)
            | Command::CopyApiKey(p) => Some(p),
            Command::SignIn(request)
            | Command::LoadCached(request)
            | Command::Verify(request)
            | Command::Renew { request, .. }
            | Command::Check { request, .. } => Some(&request.profile),
            Command::SaveProfile { draft, .. } => Some(&draft.name),
            Command::AddForProject { from, .. } => Some(from),
            Command::LoadProfiles
            | Command::ReloadProfiles
            | Command::LoadCachedAll(_)
            | Command::ImportEnv { .. }
            | Command::LoadStoreInfo
            | Command::MoveStorage(_)
            | Command::SetAutostart(_)
            | Command::OpenUrl(_)
            | Command::KeepPrivate(_)
            | Command::PickFile { .. }
            | Command::SignInOrg { .. }
            | Command::CancelOrgSignIn
            | Command::Clipboard(_) => None,
        }
    }
}

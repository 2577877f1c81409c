//! What the person asked for while a frame was drawn. Views only draw and return these;
//! `App::apply` (in `apply.rs`) carries them out after drawing, in one place.

use std::path::PathBuf;

use crate::app::ProfileDraft;
use crate::cdf::orgs::OrgSignIn;
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
    /// The suggestion to mark the profile as production.
    Production(String),
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
    /// Ask before moving the secrets (`None`: the question was answered "Cancel").
    AskStorage(Option<crate::secrets::Storage>),
    /// Move the secrets to this store, for the window and the command line alike.
    MoveStorage(crate::secrets::Storage),
    /// Start the tray icon at log-in, or stop doing so.
    SetAutostart(bool),
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
    /// Choose a file in the platform's dialog: for an editor field (certificate, key, CA
    /// file), or (`None`) for Import .env.
    PickFile(Option<crate::field::Field>),
    Dismiss(Banner),
    /// The organization sign-in's dialog (`org_sign_in.rs`).
    Org(OrgAction),
}

/// What the dialog asks for.
#[derive(Debug)]
pub enum OrgAction {
    Open,
    Close,
    SignIn(OrgSignIn),
    Cancel,
}

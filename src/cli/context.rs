//! What every command needs: where the files are, the profiles, and a session on an
//! async runtime.

use std::sync::Once;

use crate::app::Profiles;
use crate::paths::Paths;
use crate::profile::{Profile, ProfileFile, ProfileStore};
use crate::session::Session;
use crate::token::SystemClock;

use super::args::Select;
use super::failure::Failure;
use super::output;

pub(super) struct Ctx {
    pub store: ProfileStore,
    session: Session,
    /// Runs the session's network work (and the Ctrl-C watcher).
    pub rt: tokio::runtime::Runtime,
    /// The profiles that break a rule are named once per command.
    warned: Once,
}

impl Ctx {
    pub fn new() -> Result<Ctx, Failure> {
        let paths = Paths::from_env().map_err(|e| Failure::new(e.to_string()))?;
        let store = ProfileStore::new(&paths.config_dir);
        let opened = crate::secrets::open_store(&paths)?;
        if let Some(warning) = &opened.warning {
            output::note(warning);
        }
        let secrets = opened.store;
        let rt = crate::runtime::build()
            .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))?;
        let session = Session::new(paths, secrets, Box::new(SystemClock), rt.handle().clone());
        Ok(Ctx {
            store,
            session,
            rt,
            warned: Once::new(),
        })
    }

    /// The profiles file as read, each profile that breaks a rule named in one
    /// `warning:` line (once per command) and left out.
    pub fn profiles(&self) -> Result<ProfileFile, Failure> {
        let file = self.store.load()?;
        self.warned.call_once(|| {
            for (name, invalid) in &file.invalid {
                output::note(&format!(
                    "warning: profile '{}' in {} is not used: {}",
                    name.escape_debug(),
                    self.store.path().display(),
                    invalid.problem
                ));
            }
        });
        Ok(file)
    }

    /// The one way commands change profiles and secrets.
    pub fn app(&self) -> Profiles<'_> {
        Profiles::new(&self.store, &self.session)
    }

    /// The one session of this command, with the one secret store.
    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn secrets(&self) -> &dyn crate::secrets::SecretStore {
        self.session.secrets()
    }

    /// A cancel token that Ctrl-C cancels: a sign-in waiting on the browser or a device
    /// code ends cleanly (its listener closed, nothing stored) instead of being killed.
    pub fn cancel_on_ctrl_c(&self) -> crate::auth::CancelToken {
        let cancel = crate::auth::CancelToken::default();
        let on_signal = cancel.clone();
        self.rt.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.cancel();
            }
        });
        cancel
    }

    /// After a sign-in stored something: the first time the secret store fell back to
    /// another kind of storage, say so (once per installation).
    pub fn note_first_fallback(&self) {
        if let Some(note) = self.secrets().fallback_note()
            && crate::secrets::storage::first_fallback(&self.session.paths().data_dir)
        {
            output::note(&note);
        }
    }

    /// The selected profile (or the default) with its name.
    pub fn resolve(&self, select: &Select) -> Result<(String, Profile), Failure> {
        let file = self.profiles()?;
        match file.resolve(select.profile.as_deref()) {
            Ok((name, profile)) => Ok((name.to_string(), profile.clone())),
            // A typo of a profile's name (`devv`) gets the name it was meant to be.
            Err(crate::profile::ProfileError::NotFound(given)) => {
                let nearest = file
                    .profiles
                    .keys()
                    .map(|k| (crate::cdf::edit_distance(&given, k), k))
                    .filter(|(d, _)| *d <= 2)
                    .min();
                let failure: Failure = crate::profile::ProfileError::NotFound(given).into();
                Err(match nearest {
                    Some((_, known)) => failure.hint(format!(
                        "did you mean `--profile {known}`? (`cdf-signin profile list` shows them all)"
                    )),
                    None => failure,
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}

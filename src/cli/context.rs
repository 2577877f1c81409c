//! What every command needs: where the files are, the profiles, and a session on an
//! async runtime.

use crate::paths::Paths;
use crate::profile::{Profile, ProfileStore};
use crate::secrets::KeyringStore;
use crate::session::Session;
use crate::token::SystemClock;

use super::args::Select;
use super::failure::Failure;

pub(super) struct Ctx {
    pub paths: Paths,
    pub store: ProfileStore,
    pub rt: tokio::runtime::Runtime,
}

impl Ctx {
    pub fn new() -> Result<Ctx, Failure> {
        let paths = Paths::from_env().map_err(|e| Failure::new(e.to_string()))?;
        let store = ProfileStore::new(&paths.config_dir);
        // Multi-thread (with one worker) because the session drives futures through a
        // `Handle`, which does not run a current-thread runtime's IO and timer drivers.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))?;
        Ok(Ctx { paths, store, rt })
    }

    pub fn session(&self) -> Session {
        Session::new(
            self.paths.clone(),
            Box::new(KeyringStore::from_env()),
            Box::new(SystemClock),
            self.rt.handle().clone(),
        )
    }

    /// The selected profile (or the default) with its name.
    pub fn resolve(&self, select: &Select) -> Result<(String, Profile), Failure> {
        let file = self.store.load()?;
        let (name, profile) = file.resolve(select.profile.as_deref())?;
        Ok((name.to_string(), profile.clone()))
    }
}

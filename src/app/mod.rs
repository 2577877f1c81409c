//! The application layer: the one way either front end changes profiles and their
//! secrets. The window's worker and the CLI commands call [`Profiles`] and word what
//! comes back; the rules (what a valid profile is, which name an import or a copy
//! gets, what a rename carries over, what is written first) live here once.
//!
//! Every call is synchronous and may touch files, the keyring and (for a CA file) the
//! TLS setup: the window calls it from its worker, never from the UI thread.

mod draft;
mod draft_check;
pub(crate) mod org;
mod storage;

use std::path::Path;

use thiserror::Error;

pub use org::OrgOutcome;

/// How long a sign-in (the browser's or the device code's) is waited for: the window's
/// and `login`'s default (`--timeout`). Ten minutes: a code read on a phone, a second
/// factor and a consent page fit in it.
pub const SIGN_IN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

pub use draft::{DraftChanges, ProfileDraft, SecretInput};
pub use draft_check::{Problem, ProblemKind, Resolved, only_the_secret_is_missing};

use crate::cdf::dotenv::{self, ImportError};
use crate::profile::{ProfileError, ProfileFile, ProfileStore, validate_name};
use crate::remedy::Remedy;
use crate::secrets::{Secret, SecretError, SecretKind};
use crate::session::{Session, SessionError};

#[derive(Debug, Error)]
pub enum AppError {
    /// The draft's fields, each with what is wrong.
    #[error("{}", .0.iter().map(Problem::plain).collect::<Vec<_>>().join("; "))]
    Problems(Vec<Problem>),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Keyring(#[from] SecretError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Import(#[from] ImportError),
    /// Cognite's identity provider refused the sign-in to an organization (one it does
    /// not know, most often), in its own words.
    #[error("{source}")]
    OrgRefused { org: String, source: SessionError },
    /// The Cognite identity provider's organization API (the projects after sign-in).
    #[error(transparent)]
    Cdf(#[from] crate::cdf::client::CdfError),
    /// An import's name is taken; `free` is the first `NAME-N` that is not.
    #[error("a profile named '{name}' exists already")]
    NameTaken { name: String, free: String },
    /// The profile keeps no secret in the store (a person's sign-in, a certificate, a
    /// secret read from a variable or a file).
    #[error("profile '{0}' does not use a stored client secret or API key")]
    NoStoredSecret(String),
}

impl AppError {
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            AppError::Import(e) => e.remedy(),
            AppError::Problems(_) => None,
            AppError::Profile(e) => e.remedy(),
            AppError::Keyring(e) => Some(e.remedy()),
            AppError::Session(e) => e.remedy(),
            AppError::Cdf(e) => e.remedy(),
            AppError::OrgRefused { .. } => Some(Remedy::CheckOrg),
            AppError::NameTaken { free, .. } => Some(Remedy::OtherName {
                suggestion: free.clone(),
            }),
            AppError::NoStoredSecret(_) => Some(Remedy::Advice(
                "only client-credentials profiles without a certificate or a secret source, and api-key profiles, keep one",
            )),
        }
    }
}

/// A profile saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub name: String,
    /// Its old name, when an edit renamed it.
    pub renamed_from: Option<String>,
    /// Whether it is the default profile now (the first one becomes it).
    pub is_default: bool,
    /// Its project, when that looks like production and the profile is not marked:
    /// the front ends suggest the mark ([`suggest_production`]).
    pub production_suggested: Option<String>,
}

/// Whether to suggest the production mark for a profile at `project`: its name looks
/// like production (`contoso-prod`) and the profile is not marked. Suggested, never set:
/// the person decides. The one rule behind every command that sets a project (add,
/// edit, add-from, import, an organization's sign-in) and the editor's note.
pub fn suggest_production(project: &str, marked: bool) -> bool {
    !marked && crate::profile::looks_like_production(project)
}

fn production_suggested(profile: &crate::profile::Profile) -> Option<String> {
    suggest_production(&profile.project, profile.production).then(|| profile.project.clone())
}

/// Where an import reads the cognite-toolkit variables.
pub enum ImportSource<'a> {
    /// A `.env` file.
    File(&'a Path),
    /// Variables by name (the process environment, for `--from-env`).
    Vars(&'a dyn Fn(&str) -> Option<String>),
}

/// What an import did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// Saved as a profile.
    Saved {
        saved: Saved,
        /// Remarks for the person (ignored variables, defaults filled in).
        notes: Vec<String>,
        /// Endpoints that are not the provider's defaults (each "what URL").
        endpoints: Vec<String>,
        /// Whether a client secret went to the secret store.
        secret_stored: bool,
    },
    /// Not saved: these endpoints are not the provider's defaults, and the import was
    /// not confirmed.
    Confirm { endpoints: Vec<String> },
}

/// A profile added for another project.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedForProject {
    pub saved: Saved,
    /// Whether the source's stored secret was copied.
    pub copied_secret: bool,
}

/// The profiles, their secrets and their tokens, changed together.
pub struct Profiles<'a> {
    store: &'a ProfileStore,
    session: &'a Session,
}

impl<'a> Profiles<'a> {
    pub fn new(store: &'a ProfileStore, session: &'a Session) -> Profiles<'a> {
        Profiles { store, session }
    }

    /// Creates the draft's profile, or edits `draft.original`.
    pub fn save(&self, draft: &ProfileDraft) -> Result<Saved, AppError> {
        match &draft.original {
            None => self.create(draft),
            Some(original) => self.edit(original, draft),
        }
    }

    /// A new profile from a draft (a taken name is an error; nothing is overwritten).
    pub fn create(&self, draft: &ProfileDraft) -> Result<Saved, AppError> {
        let draft = ProfileDraft {
            original: None,
            ..draft.clone()
        };
        let r = draft.resolve().map_err(AppError::Problems)?;
        self.add(r)
    }

    /// Adds a resolved profile with its secret, all or nothing: the secret goes in
    /// first (if the keyring is unreachable, nothing has changed), and is taken out
    /// again when the profile cannot be written.
    fn add(&self, r: Resolved) -> Result<Saved, AppError> {
        let Resolved {
            name,
            profile,
            secret,
        } = r;
        if self.store.load()?.has(&name) {
            return Err(ProfileError::Exists(name).into());
        }
        let secrets = self.session.secrets();
        if let Some((kind, value)) = &secret {
            secrets.set(&name, *kind, value)?;
        }
        let written = self.store.update(|f| {
            if f.has(&name) {
                return Err(ProfileError::Exists(name.clone()));
            }
            f.profiles.insert(name.clone(), profile.clone());
            if f.default.is_none() {
                f.default = Some(name.clone());
            }
            Ok(f.default.as_deref() == Some(name.as_str()))
        });
        if written.is_err()
            && let Some((kind, _)) = &secret
        {
            let _ = secrets.delete(&name, *kind);
        }
        Ok(Saved {
            is_default: written?,
            name,
            renamed_from: None,
            production_suggested: production_suggested(&profile),
        })
    }

    /// Replaces `original` with the draft's profile (valid or set aside when read). A
    /// rename carries the stored secret over and keeps the default; the old name's
    /// tokens and secrets go. A new secret in the draft replaces the stored one.
    pub fn edit(&self, original: &str, draft: &ProfileDraft) -> Result<Saved, AppError> {
        let r = draft.resolve().map_err(AppError::Problems)?;
        let name = r.name.as_str();
        let renamed = original != name;
        let file = self.store.load()?;
        if !file.has(original) {
            return Err(ProfileError::NotFound(original.to_string()).into());
        }
        // A rename must not take an existing name: checked before the keyring is
        // written, and again under the profiles lock.
        if renamed && file.has(name) {
            return Err(ProfileError::Exists(name.to_string()).into());
        }
        // A name that breaks the rules never reached the keyring or the disk, and must
        // not become a path now.
        let original_usable = validate_name(original).is_ok();
        let secrets = self.session.secrets();
        let mut wrote_secret = None;
        if let Some(kind) = r.profile.secret_kind() {
            let carried = match &r.secret {
                Some((_, s)) => Some(s.clone()),
                None if renamed && original_usable => secrets.get(original, kind).ok().flatten(),
                None => None,
            };
            if let Some(s) = carried {
                secrets.set(name, kind, &s)?;
                wrote_secret = Some(kind);
            }
        }
        let written = self.store.update(|f| {
            if renamed && f.has(name) {
                return Err(ProfileError::Exists(name.to_string()));
            }
            let was_default = f.default.as_deref() == Some(original);
            f.remove(original);
            if was_default || f.default.is_none() {
                f.default = Some(name.to_string());
            }
            f.profiles.insert(name.to_string(), r.profile.clone());
            Ok(f.default.as_deref() == Some(name))
        });
        let is_default = match written {
            Ok(d) => d,
            Err(e) => {
                if let (true, Some(kind)) = (renamed, wrote_secret) {
                    let _ = secrets.delete(name, kind);
                }
                return Err(e.into());
            }
        };
        if renamed && original_usable {
            // The sign-in goes with the profile while its account's settings stay (the
            // tokens are sealed for the new name); then the old name's tokens and secret
            // go. A sign-in that cannot be carried leaves the profile signed out.
            if let Err(e) = self.session.carry_sign_in(original, name, &r.profile) {
                tracing::debug!("sign-in not carried from '{original}' to '{name}': {e}");
            }
            let _ = self.session.forget_profile(original);
        }
        // Changed account fields may leave the old account's sign-in to no profile.
        self.prune_accounts();
        Ok(Saved {
            name: name.to_string(),
            renamed_from: renamed.then(|| original.to_string()),
            is_default,
            production_suggested: production_suggested(&r.profile),
        })
    }

    /// Imports cognite-toolkit variables as a profile named `name` (default: after the
    /// project). One policy for both front ends: a taken name is an error that names
    /// the first free `NAME-N`; endpoints that are not the provider's defaults are
    /// saved only once `confirmed` (the CLI's explicit command is its confirmation,
    /// and it names them).
    pub fn import(
        &self,
        source: ImportSource<'_>,
        name: Option<&str>,
        confirmed: bool,
    ) -> Result<ImportOutcome, AppError> {
        let imported = match source {
            ImportSource::File(path) => dotenv::import_file(path, name)?,
            ImportSource::Vars(get) => dotenv::to_profile(get, name)?,
        };
        validate_name(&imported.name)?;
        let file = self.store.load()?;
        if file.has(&imported.name) {
            return Err(AppError::NameTaken {
                free: free_name(&file, &imported.name),
                name: imported.name,
            });
        }
        if !confirmed && !imported.endpoints.is_empty() {
            return Ok(ImportOutcome::Confirm {
                endpoints: imported.endpoints,
            });
        }
        let secret = imported.secret.map(|s| (SecretKind::ClientSecret, s));
        let secret_stored = secret.is_some();
        let saved = self.add(Resolved {
            name: imported.name,
            profile: imported.profile,
            secret,
        })?;
        Ok(ImportOutcome::Saved {
            saved,
            notes: imported.notes,
            endpoints: imported.endpoints,
            secret_stored,
        })
    }

    /// Adds a profile like `from` for another `project` (same sign-in), with a copy of
    /// its stored secret. Named `name`, or after the project, or `FROM-PROJECT` when
    /// the project's name is taken.
    pub fn add_for_project(
        &self,
        from: &str,
        project: &str,
        name: Option<&str>,
    ) -> Result<AddedForProject, AppError> {
        let file = self.store.load()?;
        let source = file.get(from)?.clone();
        let name = match name {
            Some(n) => n.to_string(),
            None => {
                let own = crate::cdf::name_for_project(project);
                if file.has(&own) {
                    crate::cdf::name_for_project(&format!("{from}-{project}"))
                } else {
                    own
                }
            }
        };
        validate_name(&name)?;
        let profile = crate::cdf::profile_for_project(&source, project);
        profile.validate()?;
        // The secret the source keeps in the store, if any (none for one read from a
        // variable or a file: the copy reads the same place).
        let secret = match source.secret_kind() {
            Some(kind) => self.session.secrets().get(from, kind)?.map(|s| (kind, s)),
            None => None,
        };
        let copied_secret = secret.is_some();
        let saved = self.add(Resolved {
            name,
            profile,
            secret,
        })?;
        Ok(AddedForProject {
            saved,
            copied_secret,
        })
    }

    /// Removes a profile (valid or set aside) with its tokens and secrets. The keyring
    /// goes first: if it is unreachable, nothing has changed.
    pub fn remove(&self, name: &str) -> Result<(), AppError> {
        if !self.store.load()?.has(name) {
            return Err(ProfileError::NotFound(name.to_string()).into());
        }
        if validate_name(name).is_ok() {
            self.session.forget_profile(name)?;
        }
        self.store.update(|f| {
            f.remove(name);
            Ok(())
        })?;
        // The last profile of an account takes the account's sign-in with it.
        self.prune_accounts();
        Ok(())
    }

    /// Removes every profile, valid or set aside, each as [`remove`](Self::remove) does,
    /// then whatever cdf-signin still stores under any other name (the uninstaller's
    /// "remove my profiles"). It keeps going past a failure and says what it could not
    /// remove. A profiles file it cannot read is read for its `[profiles.NAME]` headers,
    /// and deleted once everything under those names is gone.
    pub fn remove_all(&self) -> RemovedAll {
        let mut done = RemovedAll::default();
        let (names, unreadable) = match self.store.load() {
            Ok(file) => {
                let names = file.profiles.keys().chain(file.invalid.keys()).cloned();
                (names.collect(), None)
            }
            Err(e) => (self.store.names_in_raw_file(), Some(e)),
        };
        for name in &names {
            let result = match unreadable {
                None => self.remove(name),
                Some(_) => self.forget_stored(name),
            };
            match result {
                Ok(()) => done.removed.push(name.clone()),
                Err(e) => done
                    .failed
                    .push((format!("profile '{name}'"), e.to_string())),
            }
        }
        let (leftovers, problems) = self.session.stored_names();
        done.failed.extend(problems);
        for name in leftovers.iter().filter(|n| !names.contains(n)) {
            match self.forget_stored(name) {
                Ok(()) => done.leftovers += 1,
                Err(e) => done
                    .failed
                    .push((format!("the entries of '{name}'"), e.to_string())),
            }
        }
        if let Some(e) = unreadable {
            let path = self.store.path().display().to_string();
            if !done.failed.is_empty() {
                done.failed.push((path, format!("left in place: {e}")));
            } else if let Err(remove) = std::fs::remove_file(self.store.path()) {
                done.failed
                    .push((path, format!("{e}; and deleting it failed: {remove}")));
            }
        }
        done
    }

    /// Forgets what the store holds under `name` (tokens, secrets, lock), whatever the
    /// profiles file says.
    fn forget_stored(&self, name: &str) -> Result<(), AppError> {
        Ok(self.session.forget_profile(name)?)
    }

    /// Forgets the sign-ins of accounts no profile shares any more. A failure leaves
    /// only an encrypted file whose key is still in the store, forgotten at the next
    /// change: it is logged, and the change itself stands.
    fn prune_accounts(&self) {
        let pruned = self
            .store
            .load()
            .map_err(AppError::from)
            .and_then(|file| Ok(self.session.prune_accounts(&file)?));
        if let Err(e) = pruned {
            tracing::warn!("cannot forget the sign-ins no profile shares any more: {e}");
        }
    }

    pub fn set_default(&self, name: &str) -> Result<(), AppError> {
        Ok(self.store.update(|f| f.set_default(name))?)
    }

    /// Stores a new client secret or API key for a profile and signs it out (tokens
    /// from the old secret go). Returns which secret it was.
    pub fn set_secret(&self, name: &str, secret: &Secret) -> Result<SecretKind, AppError> {
        let kind = self
            .store
            .load()?
            .get(name)?
            .secret_kind()
            .ok_or_else(|| AppError::NoStoredSecret(name.to_string()))?;
        self.session.secrets().set(name, kind, secret)?;
        self.session.logout(name)?;
        Ok(kind)
    }
}

/// What [`Profiles::remove_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemovedAll {
    /// The profiles removed, in order.
    pub removed: Vec<String>,
    /// How many names no profile had (accounts' sign-ins, entries of profiles removed
    /// by hand) had their tokens and secrets removed.
    pub leftovers: usize,
    /// What could not be removed, and why.
    pub failed: Vec<(String, String)>,
}

/// The first of `NAME-2`, `NAME-3`, ... that no profile has: the one scheme for a taken
/// name (an import's, an organization's project's). A long `NAME` is shortened to keep
/// the whole within a profile name's 64 characters.
fn free_name(file: &ProfileFile, name: &str) -> String {
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let keep = name
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .take_while(|end| *end + suffix.len() <= 64)
                .last()
                .unwrap_or(0);
            format!("{}{suffix}", &name[..keep])
        })
        .find(|candidate| !file.has(candidate))
        .unwrap_or_else(|| format!("{name}-copy"))
}

#[cfg(test)]
mod tests;

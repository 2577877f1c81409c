//! Moving every secret to another store: the one way the storage choice changes, for
//! `cdf-signin storage set` and the window's Settings alike. Client secrets, API keys
//! and token keys go to the new store, are read back there, and only then leave the
//! old one, so a store that cannot take them changes nothing, and a move that fails
//! halfway takes back what it wrote and keeps the old choice.

use crate::secrets::storage::{self, ChoiceSource};
use crate::secrets::{Secret, SecretError, SecretKind, SecretStore, Storage};

use super::{AppError, Profiles};

/// What a move did.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub to: Storage,
    /// The old store and the new one, as messages name them.
    pub from_noun: String,
    pub to_noun: String,
    /// How many entries moved (a profile's secret, a token key each).
    pub entries: usize,
    /// The old and the new choice are the same place (`auto` on the OS keyring and
    /// `keyring`): nothing was copied, only the choice saved.
    pub same_place: bool,
    /// Entries the old store kept although they were asked to go (each "name: error");
    /// the new store has them all.
    pub left_behind: Vec<String>,
}

impl Profiles<'_> {
    /// Moves every secret of every profile and account to `to`, saves `to` as the
    /// choice and switches this process's session to it. `$CDF_SIGNIN_STORAGE`, set for
    /// this process, overrides any saved choice: then nothing moves.
    pub fn move_storage(&self, to: Storage) -> Result<Moved, AppError> {
        let paths = self.session.paths();
        let (_, source) = storage::chosen_with_source(&paths.config_dir)?;
        if let ChoiceSource::Env(value) = source {
            return Err(SecretError::BadChoice(format!(
                "{}={value} is set for this process and overrides the saved choice; unset it to move the secrets",
                crate::secrets::STORAGE_ENV
            ))
            .into());
        }
        let new = crate::secrets::open(paths, to, crate::secrets::service_name())?;
        let save = || -> Result<(), AppError> {
            storage::save_choice(&paths.config_dir, to).map_err(|e| {
                SecretError::NoStorage(format!(
                    "cannot save the storage choice in {}: {e}",
                    paths.config_dir.display()
                ))
            })?;
            Ok(())
        };
        // Every other use of the store in this process waits until the move is done and
        // then goes to the new store: a token key a sign-in writes meanwhile is not left
        // behind in the old one.
        self.session.swap_secrets(|old| {
            let (from_noun, to_noun) = (old.noun(), new.noun());
            if from_noun == to_noun {
                save()?;
                let moved = Moved {
                    to,
                    from_noun,
                    to_noun,
                    entries: 0,
                    same_place: true,
                    left_behind: Vec::new(),
                };
                return Ok((new, moved));
            }
            new.probe().map_err(|e| {
                SecretError::NoStorage(format!("the {to_noun} cannot keep secrets: {e}"))
            })?;
            let names = self.stored_entry_names(old)?;
            let entries = copy_all(old, new.as_ref(), &names)?;
            // The choice is saved before the old copies go: a failure here takes the
            // copies back and leaves everything as it was.
            if let Err(e) = save() {
                undo(new.as_ref(), &entries);
                return Err(e);
            }
            let left_behind = remove_old(old, &entries);
            let moved = Moved {
                to,
                from_noun,
                to_noun,
                entries: entries.len(),
                same_place: false,
                left_behind,
            };
            Ok((new, moved))
        })
    }

    /// Every name something may be stored under: the profiles (those set aside too),
    /// their accounts, and what the store and the token caches list.
    /// `old` is the store in place, asked directly: the move holds it.
    fn stored_entry_names(&self, old: &dyn SecretStore) -> Result<Vec<String>, AppError> {
        let file = self.store.load()?;
        let mut names: Vec<String> = file.profiles.keys().cloned().collect();
        names.extend(file.invalid.keys().cloned());
        names.extend(
            file.profiles
                .values()
                .filter_map(|p| p.account())
                .map(|a| a.store_name()),
        );
        names.extend(self.session.stored_file_names().0);
        // A store that cannot list its entries (Windows, macOS) lists none.
        names.extend(old.stored_names().unwrap_or_default());
        names.retain(|n| crate::profile::validate_name(n).is_ok() || n.starts_with(".account-"));
        names.sort();
        names.dedup();
        Ok(names)
    }
}

/// One entry copied: where, and what the new store held there before (put back on undo).
#[derive(Debug)]
struct Copied {
    name: String,
    kind: SecretKind,
    before: Option<Secret>,
}

/// Copies every entry of `names` from `old` to `new` and reads each back from `new`.
/// On any failure, what was written is taken back and the error returned.
fn copy_all(
    old: &dyn SecretStore,
    new: &dyn SecretStore,
    names: &[String],
) -> Result<Vec<Copied>, SecretError> {
    let mut done = Vec::new();
    let result = (|| {
        for name in names {
            for kind in SecretKind::ALL {
                let Some(value) = old.get(name, kind)? else {
                    continue;
                };
                let before = new.get(name, kind)?;
                done.push(Copied {
                    name: name.clone(),
                    kind,
                    before,
                });
                new.set(name, kind, &value)?;
                if new.reload(name, kind)?.as_ref() != Some(&value) {
                    return Err(SecretError::Failed(format!(
                        "the {} of '{name}' did not read back from the {}",
                        kind.noun(),
                        new.noun()
                    )));
                }
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(done),
        Err(e) => {
            undo(new, &done);
            Err(SecretError::NoStorage(format!(
                "moving the secrets to the {} failed, nothing was moved: {e}",
                new.noun()
            )))
        }
    }
}

/// Puts the new store back as it was before the move.
fn undo(new: &dyn SecretStore, done: &[Copied]) {
    for c in done.iter().rev() {
        let _ = match &c.before {
            Some(v) => new.set(&c.name, c.kind, v),
            None => new.delete(&c.name, c.kind),
        };
    }
}

/// Deletes the moved entries from the old store; what stays is named.
fn remove_old(old: &dyn SecretStore, done: &[Copied]) -> Vec<String> {
    done.iter()
        .filter_map(|c| {
            old.delete(&c.name, c.kind)
                .err()
                .map(|e| format!("{} of '{}': {e}", c.kind.noun(), c.name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A memory store whose `n`th write fails.
    struct FailsAt {
        inner: MemoryStore,
        writes: AtomicUsize,
        n: usize,
    }

    impl SecretStore for FailsAt {
        fn get(&self, p: &str, k: SecretKind) -> Result<Option<Secret>, SecretError> {
            self.inner.get(p, k)
        }
        fn set(&self, p: &str, k: SecretKind, v: &Secret) -> Result<(), SecretError> {
            if self.writes.fetch_add(1, Ordering::SeqCst) + 1 == self.n {
                return Err(SecretError::Failed("disk full".into()));
            }
            self.inner.set(p, k, v)
        }
        fn delete(&self, p: &str, k: SecretKind) -> Result<(), SecretError> {
            self.inner.delete(p, k)
        }
    }

    fn filled() -> MemoryStore {
        let old = MemoryStore::default();
        old.set("svc", SecretKind::ClientSecret, &Secret::new("s1"))
            .unwrap();
        old.set("svc", SecretKind::CacheKey, &Secret::new("k1"))
            .unwrap();
        old.set("legacy", SecretKind::ApiKey, &Secret::new("a1"))
            .unwrap();
        old.set(
            ".account-0123456789abcdef",
            SecretKind::CacheKey,
            &Secret::new("k2"),
        )
        .unwrap();
        old
    }

    fn names() -> Vec<String> {
        ["svc", "legacy", ".account-0123456789abcdef", "absent"]
            .map(String::from)
            .to_vec()
    }

    fn all(store: &dyn SecretStore) -> Vec<(String, SecretKind, Option<Secret>)> {
        names()
            .into_iter()
            .flat_map(|n| SecretKind::ALL.map(|k| (n.clone(), k, store.get(&n, k).unwrap())))
            .filter(|(_, _, v)| v.is_some())
            .collect()
    }

    #[test]
    fn every_entry_moves_and_leaves_the_old_store() {
        let old = filled();
        let expected = all(&old);
        let new = MemoryStore::default();
        let done = copy_all(&old, &new, &names()).unwrap();
        assert_eq!(done.len(), 4);
        assert!(remove_old(&old, &done).is_empty());
        assert_eq!(all(&new), expected);
        assert!(all(&old).is_empty());
    }

    #[test]
    fn a_store_failing_on_any_write_leaves_everything_where_it_was() {
        for n in 1..=4 {
            let old = filled();
            let expected = all(&old);
            let new = FailsAt {
                inner: MemoryStore::default(),
                writes: AtomicUsize::new(0),
                n,
            };
            // An entry the new store held before the move is put back as it was.
            new.inner
                .set("svc", SecretKind::CacheKey, &Secret::new("older"))
                .unwrap();
            let e = copy_all(&old, &new, &names()).unwrap_err().to_string();
            assert!(
                e.contains("nothing was moved") && e.contains("disk full"),
                "{e}"
            );
            assert_eq!(all(&old), expected, "write {n}");
            assert_eq!(
                all(&new.inner),
                vec![(
                    "svc".to_string(),
                    SecretKind::CacheKey,
                    Some(Secret::new("older"))
                )],
                "write {n}"
            );
        }
    }
}

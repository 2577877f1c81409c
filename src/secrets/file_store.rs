//! Secrets in plain files under the data dir: the explicit opt-in
//! (`CDF_SIGNIN_STORAGE=file`) for containers where no keyring of any kind exists.
//!
//! Not encrypted: anyone who can read the files (the same user, root, a backup) has the
//! secrets. Each file is 0600 in a 0700 directory, written atomically; every process that
//! writes one says so once on stderr, so the choice is never forgotten.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Secret, SecretError, SecretKind, SecretStore};
use crate::fsutil;

/// Longest file read back: secrets are short; a huge file is not one of ours.
const MAX_BYTES: u64 = 64 * 1024;

static NOTICE_SHOWN: AtomicBool = AtomicBool::new(false);

pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Entries of `service` under `<data dir>/secrets/<service>/`.
    pub fn new(data_dir: &Path, service: &str) -> FileStore {
        FileStore {
            dir: data_dir.join("secrets").join(service),
        }
    }

    /// The directory the entries are files in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, profile: &str, kind: SecretKind) -> PathBuf {
        self.dir.join(format!("{profile}.{}", kind.suffix()))
    }

    fn failed(&self, path: &Path, e: std::io::Error) -> SecretError {
        SecretError::NoStorage(format!(
            "cannot use the secret file {}: {e}",
            path.display()
        ))
    }
}

impl SecretStore for FileStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        let path = self.file(profile, kind);
        match fsutil::read_bounded_to_string(&path, MAX_BYTES) {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.failed(&path, e)),
        }
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        let path = self.file(profile, kind);
        fsutil::create_private_dir(&self.dir).map_err(|e| self.failed(&self.dir, e))?;
        fsutil::write_atomic(&path, value.expose().as_bytes())
            .map_err(|e| self.failed(&path, e))?;
        if !NOTICE_SHOWN.swap(true, Ordering::SeqCst) {
            eprintln!(
                "note: CDF_SIGNIN_STORAGE=file: secrets and tokens are kept unencrypted in {}",
                self.dir.display()
            );
        }
        Ok(())
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        let path = self.file(profile, kind);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.failed(&path, e)),
        }
    }

    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.failed(&self.dir, e)),
        };
        let names = entries
            .flatten()
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                super::profile_of_entry(&file, '.').map(str::to_string)
            })
            .collect();
        Ok(super::unique(names))
    }

    fn writes_plain_text(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        format!(
            "file storage: not encrypted, kept across reboots ({})",
            self.dir.display()
        )
    }

    fn noun(&self) -> String {
        format!("file storage ({})", self.dir.display())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn entries_are_private_files_that_come_back_and_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path(), "svc");
        assert_eq!(store.get("p", SecretKind::ClientSecret).unwrap(), None);
        store
            .set("p", SecretKind::ClientSecret, &Secret::new("s3cret"))
            .unwrap();
        let path = dir.path().join("secrets/svc/p.client-secret");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            store.get("p", SecretKind::ClientSecret).unwrap(),
            Some(Secret::new("s3cret"))
        );
        store.delete("p", SecretKind::ClientSecret).unwrap();
        store.delete("p", SecretKind::ClientSecret).unwrap();
        assert!(!path.exists());
        store.probe().unwrap();
    }
}

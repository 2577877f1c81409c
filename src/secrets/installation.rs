//! The installation's id: a random name for this configuration (its data dir), under
//! which its entries in the Linux kernel's keyrings are kept.
//!
//! Why not a hash of the data dir's path: kernel keyrings belong to a uid (within a user
//! namespace), not to a container, so two containers running as the same uid with the
//! same `HOME` share them, and a path hash names both alike. A random id kept in a
//! private file of the data dir is different in each container, so one never finds the
//! other's secrets by accident. It does not stop a hostile process of the same uid,
//! which can read the id file as well (docs/SECURITY.md).

use std::io;
use std::path::Path;

use crate::fsutil;

const FILE: &str = "installation-id";
/// 16 random bytes, as 32 lowercase hex digits.
const ID_BYTES: usize = 16;

/// This installation's id, made on first use (a private file, written whole).
pub fn installation_id(data_dir: &Path) -> io::Result<String> {
    let path = data_dir.join(FILE);
    // Twice at most: a file that is not an id (hand-edited, truncated) is replaced once;
    // entries under the old name are lost, as at a reboot.
    for _ in 0..2 {
        match fsutil::read_bounded_to_string(&path, 256) {
            Ok(text) if is_id(text.trim()) => return Ok(text.trim().to_string()),
            Ok(_) => {
                tracing::debug!(
                    "{} is not an installation id; making a new one",
                    path.display()
                );
                fsutil::write_atomic(&path, new_id()?.as_bytes())?;
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        // Of two processes starting at once, the first to link its file wins; the other
        // reads it on the next turn.
        let id = new_id()?;
        if fsutil::write_new(&path, id.as_bytes())? {
            return Ok(id);
        }
    }
    let text = fsutil::read_bounded_to_string(&path, 256)?;
    if is_id(text.trim()) {
        Ok(text.trim().to_string())
    } else {
        Err(io::Error::other(format!(
            "{} is not an installation id",
            path.display()
        )))
    }
}

fn new_id() -> io::Result<String> {
    let mut raw = [0u8; ID_BYTES];
    getrandom::fill(&mut raw).map_err(|e| io::Error::other(format!("no randomness: {e}")))?;
    Ok(hex::encode(raw))
}

fn is_id(text: &str) -> bool {
    text.len() == 2 * ID_BYTES && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_kept_private_and_distinct_per_data_dir() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let id = installation_id(&a.path().join("data")).unwrap();
        assert!(is_id(&id), "{id}");
        assert_eq!(installation_id(&a.path().join("data")).unwrap(), id);
        assert_ne!(installation_id(&b.path().join("data")).unwrap(), id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.path().join("data").join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_file_that_is_not_an_id_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "garbage\n").unwrap();
        let id = installation_id(dir.path()).unwrap();
        assert!(is_id(&id));
        assert_eq!(std::fs::read_to_string(dir.path().join(FILE)).unwrap(), id);
    }
}

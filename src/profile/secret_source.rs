//! Where a service principal's client secret comes from: the secret store (the default),
//! or, for servers, an environment variable or a file named in the profile and read at
//! each token request (systemd's `$CREDENTIALS_DIRECTORY/name` is such a file).

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Profile;
use crate::remedy::Remedy;
use crate::secrets::Secret;

/// Longest secret file read: a client secret is short (Entra ID's are 40 characters); a
/// larger file is a wrong path, and must not be sent anywhere.
const MAX_BYTES: u64 = 4 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The secret store (keyring, kernel keyring or files, as chosen).
    Store,
    Env(String),
    File(PathBuf),
}

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("the client secret variable {0} is not set")]
    EnvMissing(String),
    #[error("the client secret variable {0} is empty")]
    EnvEmpty(String),
    #[error("cannot read the client secret file {path}: {reason}")]
    FileUnreadable { path: PathBuf, reason: String },
    #[error("the client secret file {0} is empty")]
    FileEmpty(PathBuf),
    #[error("the client secret file {0} can be read by group or others; it is not used")]
    FileLoose(PathBuf),
    /// The file breaks one of the rules a secret file must keep (`rule` says which).
    #[error("the client secret file {path} is not used: {rule}")]
    FileRule { path: PathBuf, rule: String },
}

impl SourceError {
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            SourceError::FileLoose(_) => Some(Remedy::Advice(
                "make it readable by its owner only (chmod 600), as ssh requires of private keys",
            )),
            SourceError::FileRule { .. } => Some(Remedy::Advice(
                "name a regular file of yours (or root's), mode 600, holding the secret alone on one line",
            )),
            _ => None,
        }
    }
}

impl Profile {
    pub fn client_secret_source(&self) -> SecretSource {
        match (&self.client_secret_env, &self.client_secret_file) {
            (Some(var), _) => SecretSource::Env(var.clone()),
            (None, Some(path)) => SecretSource::File(path.clone()),
            (None, None) => SecretSource::Store,
        }
    }
}

/// A valid environment variable name for `--client-secret-env`.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The secret from the environment variable `var` (as `lookup` finds variables).
pub fn from_env(var: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Secret, SourceError> {
    let value = lookup(var).ok_or_else(|| SourceError::EnvMissing(var.to_string()))?;
    if value.trim().is_empty() {
        return Err(SourceError::EnvEmpty(var.to_string()));
    }
    Ok(Secret::new(value))
}

/// The secret in `path`, without the one line end an editor or `echo` adds.
///
/// The profile naming the file is outside data (a shared `profiles.toml`), and the secret
/// goes to a token URL that may be on any https host, so the file must look like a
/// secret file: opened once and checked through that handle (no race with a swapped
/// path), a regular file, owned by the caller or by root (systemd's credentials are
/// root-owned, readable through an ACL), no permission for group or others, at most
/// 4 KiB, one line, no NUL byte. `/proc/self/environ` or another user's file is refused.
pub fn from_file(path: &Path) -> Result<Secret, SourceError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| SourceError::FileUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let broken = |rule: String| SourceError::FileRule {
        path: path.to_path_buf(),
        rule,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(broken("it is not a regular file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::getuid().as_raw();
        if meta.uid() != me && meta.uid() != 0 {
            return Err(broken(format!(
                "it belongs to another user (uid {}), not to you or root",
                meta.uid()
            )));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(SourceError::FileLoose(path.to_path_buf()));
        }
    }
    if meta.len() > MAX_BYTES {
        return Err(broken("it is larger than 4 KiB".into()));
    }
    // The length read is bounded again: a file's size can change after fstat, and some
    // (under /proc) report none.
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(broken("it is larger than 4 KiB".into()));
    }
    if bytes.contains(&0) {
        return Err(broken("it holds a NUL byte".into()));
    }
    let text = String::from_utf8(bytes).map_err(|_| broken("it is not UTF-8 text".into()))?;
    let value = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if value.contains(['\n', '\r']) {
        return Err(broken("it has more than one line".into()));
    }
    if value.trim().is_empty() {
        return Err(SourceError::FileEmpty(path.to_path_buf()));
    }
    Ok(Secret::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_present_missing_empty() {
        let lookup = |k: &str| match k {
            "SET" => Some("s3cret".to_string()),
            "BLANK" => Some(" ".to_string()),
            _ => None,
        };
        assert_eq!(from_env("SET", lookup).unwrap().expose(), "s3cret");
        assert!(matches!(from_env("NOPE", lookup), Err(SourceError::EnvMissing(v)) if v == "NOPE"));
        assert!(matches!(
            from_env("BLANK", lookup),
            Err(SourceError::EnvEmpty(_))
        ));
        assert!(is_env_name("CDF_SECRET_1") && is_env_name("_X"));
        assert!(!is_env_name("1X") && !is_env_name("A-B") && !is_env_name(""));
    }

    #[cfg(unix)]
    #[test]
    fn file_private_loose_empty_missing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "s3cret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(from_file(&path).unwrap().expose(), "s3cret");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(from_file(&path), Err(SourceError::FileLoose(_))));
        std::fs::write(&path, "\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(matches!(from_file(&path), Err(SourceError::FileEmpty(_))));
        assert!(matches!(
            from_file(&dir.path().join("gone")),
            Err(SourceError::FileUnreadable { .. })
        ));
    }

    /// Issue 17, finding 5: only a file that looks like a secret file is read.
    #[cfg(unix)]
    #[test]
    fn file_rules_refuse_what_is_not_a_secret_file() {
        use std::os::unix::fs::PermissionsExt;
        let rule = |path: &Path| match from_file(path) {
            Err(SourceError::FileRule { rule, .. }) => rule,
            other => panic!("{}: {other:?}", path.display()),
        };
        assert!(rule(Path::new("/proc/self/environ")).contains("NUL"));
        assert!(rule(Path::new("/tmp")).contains("not a regular file"));
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            path
        };
        assert!(rule(&write("two", b"line one\nline two\n")).contains("more than one line"));
        assert!(rule(&write("big", &[b'x'; 4097])).contains("4 KiB"));
        assert!(rule(&write("nul", b"abc\0def")).contains("NUL"));
        assert_eq!(
            from_file(&write("max", &[b'x'; 4096]))
                .unwrap()
                .expose()
                .len(),
            4096
        );
        assert_eq!(
            from_file(&write("crlf", b"s3cret\r\n")).unwrap().expose(),
            "s3cret"
        );
        let e = from_file(&write("two", b"a\nb")).unwrap_err().to_string();
        assert!(e.contains(&path_text(&dir.path().join("two"))), "{e}");
        assert!(!e.contains("a\nb"), "the content is never shown: {e}");
        // Another user's file (made here by chown where the tests run as root).
        if rustix::process::getuid().is_root() {
            let theirs = write("theirs", b"s3cret\n");
            std::os::unix::fs::chown(&theirs, Some(4242), None).unwrap();
            assert!(rule(&theirs).contains("another user (uid 4242)"));
            std::os::unix::fs::chown(&theirs, Some(0), None).unwrap();
            assert_eq!(
                from_file(&theirs).unwrap().expose(),
                "s3cret",
                "root's is fine"
            );
        }
    }

    fn path_text(p: &Path) -> String {
        p.display().to_string()
    }
}

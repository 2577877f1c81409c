//! Where a service principal's client secret comes from: the secret store (the default),
//! or, for servers, an environment variable or a file named in the profile and read at
//! each token request (systemd's `$CREDENTIALS_DIRECTORY/name` is such a file).

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Profile;
use crate::fsutil;
use crate::remedy::Remedy;
use crate::secrets::Secret;

/// Longest secret file read: a client secret is short; a huge file is a wrong path.
const MAX_BYTES: u64 = 64 * 1024;

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
}

impl SourceError {
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            SourceError::FileLoose(_) => Some(Remedy::Advice(
                "make it readable by its owner only (chmod 600), as ssh requires of private keys",
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

/// The secret in `path`, without the one line end an editor or `echo` adds. A file
/// that group or others may read is refused: its secret may already be known.
pub fn from_file(path: &Path) -> Result<Secret, SourceError> {
    let unreadable = |e: std::io::Error| SourceError::FileUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(SourceError::FileLoose(path.to_path_buf()));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = fsutil::read_bounded_to_string(path, MAX_BYTES).map_err(unreadable)?;
    let value = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
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
}

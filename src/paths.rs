//! Where cdf-signin keeps its files, through `directories`: XDG on Linux; on Windows
//! profiles under %APPDATA% (roaming) and tokens and caches under %LOCALAPPDATA%; on
//! macOS under ~/Library/Application Support and ~/Library/Caches.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
#[error("cannot tell where your home directory is (set HOME)")]
pub struct NoHome;

#[derive(Debug, Clone)]
pub struct Paths {
    /// `profiles.toml` lives here.
    pub config_dir: PathBuf,
    /// Encrypted token caches and lock files.
    pub data_dir: PathBuf,
    /// Discovered OpenID metadata (public, re-fetchable).
    pub cache_dir: PathBuf,
}

impl Paths {
    pub fn from_env() -> Result<Self, NoHome> {
        let dirs = directories::ProjectDirs::from("com", "cognite", "cdf-signin").ok_or(NoHome)?;
        Ok(Paths {
            config_dir: dirs.config_dir().to_path_buf(),
            // The local (non-roaming) one: on Windows %LOCALAPPDATA%, so the token cache
            // and its key's entry never travel with a roaming profile to another machine;
            // elsewhere the same directory as data_dir().
            data_dir: dirs.data_local_dir().to_path_buf(),
            cache_dir: dirs.cache_dir().to_path_buf(),
        })
    }

    /// All three under one root; for tests.
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn under(root: &std::path::Path) -> Self {
        Paths {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
        }
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join("profiles.toml")
    }

    pub fn token_dir(&self) -> PathBuf {
        self.data_dir.join("tokens")
    }

    pub fn lock_dir(&self) -> PathBuf {
        self.data_dir.join("locks")
    }

    pub fn discovery_dir(&self) -> PathBuf {
        self.cache_dir.join("discovery")
    }
}

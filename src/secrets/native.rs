//! macOS Keychain and Windows Credential Manager through the `keyring` crate.

use super::{Secret, SecretError, first_line};

pub struct Backend {
    service: String,
}

fn map(err: keyring::Error) -> SecretError {
    match err {
        keyring::Error::NoStorageAccess(e) | keyring::Error::PlatformFailure(e) => {
            SecretError::Unavailable(first_line(&e.to_string()))
        }
        other => SecretError::Failed(first_line(&other.to_string())),
    }
}

impl Backend {
    /// The native stores keep no copies, so the installation id is not needed.
    pub fn new(service: String, _installation: Option<&str>) -> Backend {
        Backend { service }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(map)
    }

    /// The native stores are part of the OS: they answer when an entry can be made.
    pub fn reachable(&self) -> Result<(), SecretError> {
        self.entry("reachable").map(|_| ())
    }

    pub fn reload(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        self.get(name)
    }

    pub fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    pub fn set(&self, name: &str, _label: &str, value: &Secret) -> Result<(), SecretError> {
        self.entry(name)?.set_password(value.expose()).map_err(map)
    }

    /// The keyring crate cannot list a service's entries: none are known this way.
    pub fn entry_names(&self) -> Result<Vec<String>, SecretError> {
        Ok(Vec::new())
    }

    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map(e)),
        }
    }
}

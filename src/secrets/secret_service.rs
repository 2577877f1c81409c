//! The freedesktop Secret Service (gnome-keyring, KWallet) over one D-Bus connection and
//! one encrypted session per process, opened on first use.

use std::collections::HashMap;
use std::sync::Mutex;

use secret_service::EncryptionType;
use secret_service::blocking::SecretService;

use super::kernel_cache::KernelCache;
use super::{Secret, SecretError, first_line, short_hash};

pub struct Backend {
    service: String,
    connection: Mutex<Option<SecretService<'static>>>,
    copies: KernelCache,
}

fn failed(e: secret_service::Error) -> SecretError {
    match e {
        secret_service::Error::Locked | secret_service::Error::Prompt => {
            SecretError::Failed("the keyring is locked and was not unlocked".into())
        }
        other => SecretError::Failed(first_line(&other.to_string())),
    }
}

impl Backend {
    /// `installation` is the installation's random id; without one, no memory copies are
    /// kept (every read goes to the Secret Service).
    pub fn new(service: String, installation: Option<&str>) -> Backend {
        // The copy is named for this bus and this installation too: another configuration
        // of the same OS user (another Secret Service), or another container of the same
        // uid and paths, must never be answered from this one's copies.
        let bus = bus_address().unwrap_or_default();
        let copies = match installation {
            Some(id) => KernelCache::open(&copy_namespace(id, &bus, &service)),
            None => KernelCache::none(),
        };
        Backend {
            service,
            connection: Mutex::new(None),
            copies,
        }
    }

    fn attributes<'a>(&'a self, name: &'a str) -> HashMap<&'a str, &'a str> {
        HashMap::from([
            ("service", self.service.as_str()),
            ("username", name),
            ("application", "cdf-signin"),
        ])
    }

    fn with<R>(
        &self,
        f: impl FnOnce(&SecretService<'static>) -> Result<R, SecretError>,
    ) -> Result<R, SecretError> {
        let mut guard = self
            .connection
            .lock()
            .map_err(|_| SecretError::Failed("keyring connection poisoned".into()))?;
        if guard.is_none() {
            let ss = SecretService::connect(EncryptionType::Dh)
                .map_err(|e| SecretError::Unavailable(first_line(&e.to_string())))?;
            *guard = Some(ss);
        }
        match guard.as_ref() {
            Some(ss) => f(ss),
            None => Err(SecretError::Unavailable(
                "no Secret Service connection".into(),
            )),
        }
    }

    pub fn reachable(&self) -> Result<(), SecretError> {
        if !bus_answers() {
            return Err(SecretError::Unavailable(
                "no D-Bus session bus answers".into(),
            ));
        }
        self.with(|_| Ok(()))
    }

    /// Past the copy: drops it, reads the Secret Service, and keeps the new copy.
    pub fn reload(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        self.copies.forget(name);
        self.get(name)
    }

    pub fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        if let Some(copy) = self.copies.get(name) {
            return Ok(Some(copy));
        }
        let value = self.get_from_service(name)?;
        if let Some(v) = &value {
            self.copies.put(name, v);
        }
        Ok(value)
    }

    fn get_from_service(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        self.with(|ss| {
            let found = ss.search_items(self.attributes(name)).map_err(failed)?;
            let item = match (found.unlocked.first(), found.locked.first()) {
                (Some(item), _) => item,
                (None, Some(item)) => {
                    ss.unlock_all(&[item]).map_err(failed)?;
                    item
                }
                (None, None) => return Ok(None),
            };
            let bytes = item.get_secret().map_err(failed)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                SecretError::Failed(format!("the keyring entry {name} is not text"))
            })?;
            Ok(Some(Secret::new(text)))
        })
    }

    pub fn set(&self, name: &str, label: &str, value: &Secret) -> Result<(), SecretError> {
        // The old copy goes first: a rotated secret must never be read from the copy (a
        // leaked one would be sent for another ten minutes).
        self.copies.forget(name);
        self.with(|ss| {
            let collection = ss
                .get_default_collection()
                .or_else(|_| ss.get_any_collection())
                .map_err(failed)?;
            collection.ensure_unlocked().map_err(failed)?;
            collection
                .create_item(
                    label,
                    self.attributes(name),
                    value.expose().as_bytes(),
                    true,
                    "text/plain",
                )
                .map_err(failed)?;
            Ok(())
        })?;
        self.copies.put(name, value);
        Ok(())
    }

    /// The entry names ("username" attribute) of every item of this service.
    pub fn entry_names(&self) -> Result<Vec<String>, SecretError> {
        self.with(|ss| {
            let all = HashMap::from([
                ("service", self.service.as_str()),
                ("application", "cdf-signin"),
            ]);
            let found = ss.search_items(all).map_err(failed)?;
            let mut names = Vec::new();
            for item in found.unlocked.iter().chain(found.locked.iter()) {
                if let Some(name) = item.get_attributes().map_err(failed)?.get("username") {
                    names.push(name.clone());
                }
            }
            Ok(names)
        })
    }

    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        // Dropped first: even if the Secret Service fails, no copy outlives the intent.
        self.copies.forget(name);
        self.with(|ss| {
            let found = ss.search_items(self.attributes(name)).map_err(failed)?;
            for item in found.unlocked.iter().chain(found.locked.iter()) {
                item.delete().map_err(failed)?;
            }
            Ok(())
        })
    }
}

/// What the kernel-keyring copies of one store are named under: the bus (which names the
/// Secret Service) and the keyring service.
fn copy_namespace(installation: &str, bus: &str, service: &str) -> String {
    format!(
        "{}:{service}",
        short_hash(&format!("{installation}\n{bus}"))
    )
}

/// The session bus this process would use: `$DBUS_SESSION_BUS_ADDRESS`, else
/// `$XDG_RUNTIME_DIR/bus` where that exists (where D-Bus clients look next).
pub fn bus_address() -> Option<String> {
    if let Some(address) = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .ok()
        .filter(|a| !a.trim().is_empty())
    {
        return Some(address);
    }
    let socket = std::path::PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?).join("bus");
    socket
        .exists()
        .then(|| format!("unix:path={}", socket.display()))
}

/// Whether a session bus is there to ask, without a D-Bus handshake: a `unix:path=`
/// socket must accept a connection; other address kinds are left to the D-Bus client.
pub fn bus_answers() -> bool {
    let Some(address) = bus_address() else {
        return false;
    };
    let first = address.split(';').next().unwrap_or_default();
    match first
        .strip_prefix("unix:")
        .and_then(|rest| rest.split(',').find_map(|kv| kv.strip_prefix("path=")))
    {
        Some(path) => std::os::unix::net::UnixStream::connect(path).is_ok(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_for_the_bus_and_the_service() {
        let a = copy_namespace("i1", "unix:path=/run/user/1000/bus", "cdf-signin");
        assert_eq!(
            a,
            copy_namespace("i1", "unix:path=/run/user/1000/bus", "cdf-signin")
        );
        assert_ne!(
            a,
            copy_namespace("i1", "unix:path=/tmp/other/bus", "cdf-signin")
        );
        assert_ne!(
            a,
            copy_namespace("i1", "unix:path=/run/user/1000/bus", "other")
        );
        assert!(!a.contains("/run/user"), "the address is hashed: {a}");
        // Issue 17, finding 2: another container of the same uid, bus path and service
        // has another installation id, and so other copies.
        assert_ne!(
            a,
            copy_namespace("i2", "unix:path=/run/user/1000/bus", "cdf-signin")
        );
    }
}

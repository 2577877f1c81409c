//! Secrets in the Linux kernel's persistent keyring (persistent-keyring(7)): where no
//! Secret Service answers (SSH, containers, servers).
//!
//! Each secret is a `user` key linked into the user's persistent keyring, which outlives
//! login sessions (an SSH logout keeps it), lives in kernel memory only (never on disk,
//! gone at reboot), is readable only by the same user, and is expired by the kernel after
//! `/proc/sys/kernel/keys/persistent_keyring_expiry` seconds (3 days by default) without
//! use. Key descriptions carry the installation's random id and the service, so two
//! configurations of the same OS user, or two containers of one uid with the same paths,
//! never see each other's entries.

use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

use super::{Secret, SecretError, SecretKind, SecretStore, entry_name};

pub struct KernelStore {
    /// The persistent keyring, or why the kernel would not hand it out.
    ring: Result<KeyRing, String>,
    prefix: String,
}

fn reason(e: KeyError) -> String {
    match e {
        KeyError::OperationNotSupported => {
            "the kernel has no persistent keyrings (CONFIG_PERSISTENT_KEYRINGS)".into()
        }
        KeyError::AccessDenied | KeyError::PermissionDenied => {
            "the kernel keyring is not permitted here (a container's seccomp filter?)".into()
        }
        other => format!("{other:?}"),
    }
}

impl KernelStore {
    /// `identity` names this installation (its random id), or says why it has none, which
    /// makes the store unusable; `service` is the keyring service.
    pub fn open(identity: Result<String, String>, service: &str) -> KernelStore {
        let (ring, identity) = match identity {
            // Linked into this process's keyring, so this process possesses it (and so
            // may search it) and the link goes with the process.
            Ok(id) => (
                KeyRing::get_persistent(KeyRingIdentifier::Process).map_err(reason),
                id,
            ),
            Err(why) => (Err(why), String::new()),
        };
        KernelStore {
            ring,
            prefix: format!("cdf-signin:{identity}:{service}:"),
        }
    }

    fn ring(&self) -> Result<&KeyRing, SecretError> {
        self.ring.as_ref().map_err(|why| {
            SecretError::NoStorage(format!("the kernel persistent keyring is unusable: {why}"))
        })
    }

    fn description(&self, profile: &str, kind: SecretKind) -> String {
        format!("{}{}", self.prefix, entry_name(profile, kind))
    }

    pub fn usable(&self) -> Result<(), SecretError> {
        self.ring().map(|_| ())
    }
}

fn failed(e: KeyError) -> SecretError {
    SecretError::Failed(format!("the kernel keyring: {}", reason(e)))
}

impl SecretStore for KernelStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        let key = match self.ring()?.search(&self.description(profile, kind)) {
            Ok(key) => key,
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
                return Ok(None);
            }
            Err(e) => return Err(failed(e)),
        };
        let bytes = key.read_to_vec().map_err(failed)?;
        String::from_utf8(bytes)
            .map(|text| Some(Secret::new(text)))
            .map_err(|_| SecretError::Failed("a kernel keyring entry is not text".into()))
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        // add_key replaces the payload of a key with the same description in place.
        self.ring()?
            .add_key(&self.description(profile, kind), value.expose().as_bytes())
            .map(|_| ())
            .map_err(failed)
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        match self.ring()?.search(&self.description(profile, kind)) {
            Ok(key) => key.invalidate().map_err(failed),
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }

    fn describe(&self) -> String {
        "kernel keyring: memory only, lost at reboot (the user's persistent keyring)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The persistent keyring is per OS user: each run uses an identity of its own and
    /// removes what it made.
    fn store(tag: &str) -> KernelStore {
        KernelStore::open(
            Ok(format!("unit-{}-{tag}", std::process::id())),
            "cdf-signin-unit",
        )
    }

    #[test]
    fn round_trip_replace_delete_and_identity() {
        let a = store("a");
        a.usable().unwrap();
        let b = store("b");
        a.set("p", SecretKind::ApiKey, &Secret::new("one")).unwrap();
        a.set("p", SecretKind::ApiKey, &Secret::new("two")).unwrap();
        assert_eq!(
            a.get("p", SecretKind::ApiKey).unwrap(),
            Some(Secret::new("two"))
        );
        assert_eq!(
            b.get("p", SecretKind::ApiKey).unwrap(),
            None,
            "another identity"
        );
        a.delete("p", SecretKind::ApiKey).unwrap();
        a.delete("p", SecretKind::ApiKey).unwrap();
        assert_eq!(a.get("p", SecretKind::ApiKey).unwrap(), None);
        a.probe().unwrap();
    }
}

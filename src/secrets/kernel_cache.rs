//! A short-lived copy of secrets in the Linux kernel's user keyring, in front of the
//! Secret Service.
//!
//! Why: opening an encrypted Secret Service session costs ~12 ms (a Diffie-Hellman
//! exchange on both ends), three times the rest of a cached `token` call. The kernel
//! keyring holds keys in kernel memory only (never on disk), readable only by the same
//! user, and each copy expires after [`TTL_SECS`]; writes and deletes go to the Secret
//! Service first and then update or drop the copy. Any kernel error just means "no copy".

use linux_keyutils::{KeyRing, KeyRingIdentifier};

use super::Secret;

/// How long a copy lives after the Secret Service last handed it out.
pub const TTL_SECS: usize = 10 * 60;

pub struct KernelCache {
    ring: Option<KeyRing>,
    prefix: String,
}

impl KernelCache {
    pub fn open(service: &str) -> KernelCache {
        let ring = KeyRing::from_special_id(KeyRingIdentifier::User, false).ok();
        KernelCache {
            ring,
            prefix: format!("cdf-signin:{service}:"),
        }
    }

    /// No copies at all.
    pub fn none() -> KernelCache {
        KernelCache {
            ring: None,
            prefix: String::new(),
        }
    }

    fn description(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn get(&self, name: &str) -> Option<Secret> {
        let key = self.ring.as_ref()?.search(&self.description(name)).ok()?;
        let bytes = key.read_to_vec().ok()?;
        String::from_utf8(bytes).ok().map(Secret::new)
    }

    pub fn put(&self, name: &str, value: &Secret) {
        let Some(ring) = &self.ring else { return };
        match ring.add_key(&self.description(name), value.expose().as_bytes()) {
            Ok(key) => {
                if key.set_timeout(TTL_SECS).is_err() {
                    // A copy that cannot expire is not kept.
                    let _ = key.invalidate();
                }
            }
            Err(e) => tracing::debug!("no kernel keyring copy: {e:?}"),
        }
    }

    pub fn forget(&self, name: &str) {
        if let Some(key) = self
            .ring
            .as_ref()
            .and_then(|r| r.search(&self.description(name)).ok())
        {
            let _ = key.invalidate();
        }
    }
}

//! One window per configuration: the first window owns a name on the session bus, and a
//! second start (the tray's "Open cdf-signin", `cdf-signin gui --profile NAME`, the
//! desktop entry) asks it to come to the front on that profile instead of opening
//! another window beside it.
//!
//! The name carries a digest of the configuration directory, so two configurations of
//! one user (and tests side by side) each have their window. Where there is no session
//! bus (Windows, macOS, a server without D-Bus) every start opens a window, as before.

use std::path::Path;

/// What a window start found. (Without a session bus only `Alone` is ever made.)
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub enum Claim {
    /// This process owns the name (kept while the value lives); raise requests arrive
    /// through the callback given to [`claim_window`].
    Owner(Owner),
    /// A window of this configuration runs already and was asked to come to the front.
    Raised,
    /// No session bus, or it did not answer: open a window, with no name.
    Alone(String),
}

/// The connection that holds the window's name.
pub struct Owner {
    #[cfg(target_os = "linux")]
    _conn: zbus::blocking::Connection,
}

/// The bus name of the window of the configuration in `config_dir`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn window_name(config_dir: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(config_dir.to_string_lossy().as_bytes());
    format!(
        "com.cognite.CdfSignin.Window.c{}",
        &hex::encode(digest)[..16]
    )
}

#[cfg(target_os = "linux")]
mod bus {
    use zbus::blocking::fdo::DBusProxy;
    use zbus::blocking::{Connection, connection};
    use zbus::fdo::{RequestNameFlags, RequestNameReply};
    use zbus::names::WellKnownName;

    pub const PATH: &str = "/com/cognite/CdfSignin/Window";
    pub const INTERFACE: &str = "com.cognite.CdfSignin.Window";

    pub struct Raise {
        pub on_raise: Box<dyn Fn(String) + Send + Sync>,
    }

    #[zbus::interface(name = "com.cognite.CdfSignin.Window")]
    impl Raise {
        /// Comes to the front, on `profile` when it is not empty.
        fn raise(&self, profile: String) {
            (self.on_raise)(profile);
        }
    }

    /// Owns `name`, serving [`Raise`]; `None` when another process owns it.
    pub fn own(name: &str, raise: Raise) -> zbus::Result<Option<Connection>> {
        let conn = connection::Builder::session()?
            .serve_at(PATH, raise)?
            .build()?;
        let wanted = WellKnownName::try_from(name)?;
        let reply =
            DBusProxy::new(&conn)?.request_name(wanted, RequestNameFlags::DoNotQueue.into())?;
        Ok(match reply {
            RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner => Some(conn),
            RequestNameReply::Exists | RequestNameReply::InQueue => None,
        })
    }

    pub fn raise_owner(name: &str, profile: &str) -> zbus::Result<()> {
        let conn = Connection::session()?;
        conn.call_method(Some(name), PATH, Some(INTERFACE), "Raise", &(profile,))?;
        Ok(())
    }
}

/// Takes the window's name for the configuration in `config_dir`, or, when a window of
/// it runs already, asks that one to come to the front on `profile`.
/// `on_raise` runs on the bus's own thread for each later start, with the profile
/// asked for ("" for none).
#[cfg(target_os = "linux")]
pub fn claim_window(
    config_dir: &Path,
    profile: Option<&str>,
    on_raise: impl Fn(String) + Send + Sync + 'static,
) -> Claim {
    let name = window_name(config_dir);
    let raise = bus::Raise {
        on_raise: Box::new(on_raise),
    };
    match bus::own(&name, raise) {
        Ok(Some(conn)) => Claim::Owner(Owner { _conn: conn }),
        Ok(None) => match bus::raise_owner(&name, profile.unwrap_or_default()) {
            Ok(()) => Claim::Raised,
            // The owner went away between the two calls, or hangs: open a window.
            Err(e) => Claim::Alone(format!("the open window did not answer: {e}")),
        },
        Err(e) => Claim::Alone(format!("no session bus: {e}")),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn claim_window(
    _config_dir: &Path,
    _profile: Option<&str>,
    _on_raise: impl Fn(String) + Send + Sync + 'static,
) -> Claim {
    Claim::Alone("no session bus on this system".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_configuration_has_a_name_of_its_own() {
        let a = window_name(Path::new("/home/a/.config/cdf-signin"));
        let b = window_name(Path::new("/home/b/.config/cdf-signin"));
        assert_ne!(a, b);
        assert_eq!(a, window_name(Path::new("/home/a/.config/cdf-signin")));
        // A valid bus name: elements start with a letter, at most 255 characters.
        assert!(zbus_name_ok(&a), "{a}");
    }

    fn zbus_name_ok(name: &str) -> bool {
        name.len() <= 255
            && name.split('.').all(|e| {
                e.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    }
}

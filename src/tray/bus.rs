//! The tray on the session bus, beside its StatusNotifierItem: its own well-known name
//! (one tray per user and session: a second one finds the name taken), the `Quit`
//! method `tray --quit` calls, and desktop notifications.

use std::collections::HashMap;
use std::sync::mpsc::Sender;

use zbus::blocking::fdo::DBusProxy;
use zbus::blocking::{Connection, connection};
use zbus::fdo::{RequestNameFlags, RequestNameReply};
use zbus::names::WellKnownName;
use zbus::zvariant::Value;

use super::Event;

/// The name a running tray owns.
pub const NAME: &str = "com.cognite.CdfSignin.Tray";
const PATH: &str = "/com/cognite/CdfSignin/Tray";
const INTERFACE: &str = "com.cognite.CdfSignin.Tray";

/// The object behind [`NAME`]: `Quit` ends the tray.
struct Control {
    events: Sender<Event>,
}

#[zbus::interface(name = "com.cognite.CdfSignin.Tray")]
impl Control {
    fn quit(&self) {
        let _ = self.events.send(Event::Quit);
    }
}

/// The session bus, or why there is none.
pub fn session_bus() -> Result<Connection, String> {
    Connection::session().map_err(|e| format!("cannot reach the D-Bus session bus: {e}"))
}

/// Owns [`NAME`] on a connection of its own, serving `Quit`; `None` when another tray
/// owns it already.
pub fn claim(events: Sender<Event>) -> Result<Option<Connection>, String> {
    let conn = connection::Builder::session()
        .and_then(|b| b.serve_at(PATH, Control { events }))
        .and_then(|b| b.build())
        .map_err(|e| format!("cannot reach the D-Bus session bus: {e}"))?;
    let name = WellKnownName::try_from(NAME).map_err(|e| e.to_string())?;
    let reply = DBusProxy::new(&conn)
        .map_err(zbus::fdo::Error::from)
        .and_then(|bus| bus.request_name(name, RequestNameFlags::DoNotQueue.into()))
        .map_err(|e| format!("cannot take the tray's name on the session bus: {e}"))?;
    Ok(match reply {
        RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner => Some(conn),
        RequestNameReply::Exists | RequestNameReply::InQueue => None,
    })
}

/// Asks the running tray to end; `false` when none runs.
pub fn quit_running() -> Result<bool, String> {
    let conn = session_bus()?;
    let name = WellKnownName::try_from(NAME).map_err(|e| e.to_string())?;
    let running = DBusProxy::new(&conn)
        .map_err(zbus::fdo::Error::from)
        .and_then(|bus| bus.name_has_owner(name.clone().into()))
        .map_err(|e| format!("cannot ask the session bus: {e}"))?;
    if !running {
        return Ok(false);
    }
    if let Err(e) = conn.call_method(Some(NAME), PATH, Some(INTERFACE), "Quit", &()) {
        // A tray that quits at once may leave the bus before its answer goes out: what
        // counts is that the name is free afterwards.
        let owned = || {
            DBusProxy::new(&conn)
                .map_err(zbus::fdo::Error::from)
                .and_then(|bus| bus.name_has_owner(name.clone().into()))
                .unwrap_or(true)
        };
        let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while owned() {
            if std::time::Instant::now() > until {
                return Err(format!("the running tray did not answer: {e}"));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    Ok(true)
}

/// Shows a desktop notification (org.freedesktop.Notifications); a desktop without a
/// notification server just shows none.
pub fn notify(conn: &Connection, summary: &str, body: &str) {
    let hints: HashMap<&str, Value> = HashMap::new();
    let result = conn.call_method(
        Some("org.freedesktop.Notifications"),
        "/org/freedesktop/Notifications",
        Some("org.freedesktop.Notifications"),
        "Notify",
        &(
            "cdf-signin",
            0u32,
            "cdf-signin",
            summary,
            body,
            Vec::<&str>::new(),
            hints,
            5000i32,
        ),
    );
    if let Err(e) = result {
        tracing::debug!("no notification shown: {e}");
    }
}

//! Starting the tray at sign-in, for `cdf-signin tray --autostart on|off` and the
//! window's Settings: on Linux an XDG autostart entry,
//! `$XDG_CONFIG_HOME/autostart/cdf-signin-tray.desktop`.

use std::path::{Path, PathBuf};

use crate::paths::Paths;

const FILE: &str = "cdf-signin-tray.desktop";

/// Where the autostart entry lives: `$XDG_CONFIG_HOME/autostart` (the config dir is
/// `$XDG_CONFIG_HOME/cdf-signin`, else `~/.config/cdf-signin`).
fn autostart_dir(paths: &Paths) -> PathBuf {
    paths
        .config_dir
        .parent()
        .unwrap_or(&paths.config_dir)
        .join("autostart")
}

/// The desktop entry that starts `exe tray` (Linux only for now: elsewhere `set` says
/// it is not available yet). The path is quoted as the Desktop Entry
/// specification asks for an argument with spaces or reserved characters.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn desktop_entry(exe: &Path) -> String {
    let path = exe.display().to_string();
    let mut quoted = String::from("\"");
    for c in path.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    // `%` is a field code in Exec: written as `%%`.
    let quoted = quoted.replace('%', "%%");
    format!(
        "[Desktop Entry]\nType=Application\nName=cdf-signin tray\n\
         Comment=Copy a Cognite Data Fusion token from the notification area\n\
         Exec={quoted} tray\nIcon=cdf-signin\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Turns starting at sign-in on or off; the line to tell the person.
#[cfg(not(target_os = "linux"))]
pub fn set(_paths: &Paths, _exe: &Path, _on: bool) -> Result<String, String> {
    Err("starting the tray at sign-in is not available on this system yet".into())
}

/// Turns starting at sign-in on or off; the line to tell the person.
#[cfg(target_os = "linux")]
pub fn set(paths: &Paths, exe: &Path, on: bool) -> Result<String, String> {
    let dir = autostart_dir(paths);
    let file = dir.join(FILE);
    if on {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        crate::fsutil::write_atomic(&file, desktop_entry(exe).as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        Ok(format!(
            "The tray starts when you sign in ({}).",
            file.display()
        ))
    } else {
        match std::fs::remove_file(&file) {
            Ok(()) => Ok(format!(
                "The tray no longer starts when you sign in (removed {}).",
                file.display()
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok("The tray was not set to start when you sign in.".into())
            }
            Err(e) => Err(format!("cannot remove {}: {e}", file.display())),
        }
    }
}

/// Whether the tray starts at sign-in.
pub fn is_on(paths: &Paths) -> bool {
    autostart_dir(paths).join(FILE).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desktop_entry_quotes_the_program() {
        let entry = desktop_entry(Path::new("/opt/my apps/100%/cdf-signin"));
        assert!(
            entry.contains("Exec=\"/opt/my apps/100%%/cdf-signin\" tray\n"),
            "{entry}"
        );
        assert!(entry.starts_with("[Desktop Entry]\nType=Application\n"));
    }
}

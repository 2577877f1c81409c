//! Starting the tray at sign-in, for `cdf-signin tray --autostart on|off` and the
//! window's Settings: on Linux an XDG autostart entry,
//! `$XDG_CONFIG_HOME/autostart/cdf-signin-tray.desktop`; on Windows a value of the
//! user's Run key (`HKCU\Software\Microsoft\Windows\CurrentVersion\Run`), which the
//! uninstaller removes again.

use std::path::{Path, PathBuf};

use crate::paths::Paths;

#[cfg_attr(windows, allow(dead_code))]
const FILE: &str = "cdf-signin-tray.desktop";

/// Where the autostart entry lives: `$XDG_CONFIG_HOME/autostart` (the config dir is
/// `$XDG_CONFIG_HOME/cdf-signin`, else `~/.config/cdf-signin`).
#[cfg_attr(windows, allow(dead_code))]
fn autostart_dir(paths: &Paths) -> PathBuf {
    paths
        .config_dir
        .parent()
        .unwrap_or(&paths.config_dir)
        .join("autostart")
}

/// The desktop entry that starts `exe tray` (Linux; Windows has its Run key, macOS
/// nothing yet). The path is quoted as the Desktop Entry
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
#[cfg(not(any(target_os = "linux", windows)))]
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
#[cfg(not(windows))]
pub fn is_on(paths: &Paths) -> bool {
    autostart_dir(paths).join(FILE).exists()
}

/// The Run key's value name: what Task Manager's Startup tab shows.
#[cfg_attr(not(windows), allow(dead_code))]
pub const RUN_VALUE: &str = "cdf-signin tray";

/// The Run key's command: the GUI-subsystem `cdf-signin-window.exe` beside `exe` when
/// there is one (so no console window opens at sign-in), else `exe`; quoted, as a path
/// with spaces needs.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn run_command(exe: &Path, window_exe_exists: impl Fn(&Path) -> bool) -> String {
    let window = exe.with_file_name("cdf-signin-window.exe");
    let program = if window_exe_exists(&window) {
        window
    } else {
        exe.to_path_buf()
    };
    format!("\"{}\" tray", program.display())
}

#[cfg(windows)]
mod run_key {
    use windows_registry::CURRENT_USER;

    pub const KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
    /// `ERROR_FILE_NOT_FOUND` as an HRESULT: the value does not exist.
    const NOT_FOUND: i32 = 0x8007_0002_u32 as i32;

    fn fail(what: &str, e: impl std::fmt::Display) -> String {
        format!("cannot {what} HKCU\\{KEY}\\{}: {e}", super::RUN_VALUE)
    }

    pub fn get() -> Result<Option<String>, String> {
        let key = match CURRENT_USER.open(KEY) {
            Ok(key) => key,
            Err(e) if e.code().0 == NOT_FOUND => return Ok(None),
            Err(e) => return Err(fail("read", e)),
        };
        match key.get_string(super::RUN_VALUE) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code().0 == NOT_FOUND => Ok(None),
            Err(e) => Err(fail("read", e)),
        }
    }

    pub fn set(command: &str) -> Result<(), String> {
        let key = CURRENT_USER.create(KEY).map_err(|e| fail("open", e))?;
        key.set_string(super::RUN_VALUE, command)
            .map_err(|e| fail("write", e))?;
        // Read back: a write that did not take is said, not assumed.
        match get()? {
            Some(back) if back == command => Ok(()),
            _ => Err(fail("write", "it did not read back as written")),
        }
    }

    /// `false` when there was no value.
    pub fn remove() -> Result<bool, String> {
        let key = match CURRENT_USER.options().read().write().open(KEY) {
            Ok(key) => key,
            Err(e) if e.code().0 == NOT_FOUND => return Ok(false),
            Err(e) => return Err(fail("open", e)),
        };
        match key.remove_value(super::RUN_VALUE) {
            Ok(()) => Ok(true),
            Err(e) if e.code().0 == NOT_FOUND => Ok(false),
            Err(e) => Err(fail("remove", e)),
        }
    }
}

/// Turns starting at sign-in on or off; the line to tell the person.
#[cfg(windows)]
pub fn set(_paths: &Paths, exe: &Path, on: bool) -> Result<String, String> {
    let place = format!("HKCU\\{}\\{RUN_VALUE}", run_key::KEY);
    if on {
        run_key::set(&run_command(exe, |p| p.is_file()))?;
        Ok(format!("The tray starts when you sign in ({place})."))
    } else if run_key::remove()? {
        Ok(format!(
            "The tray no longer starts when you sign in (removed {place})."
        ))
    } else {
        Ok("The tray was not set to start when you sign in.".into())
    }
}

/// Whether the tray starts at sign-in.
#[cfg(windows)]
pub fn is_on(_paths: &Paths) -> bool {
    matches!(run_key::get(), Ok(Some(_)))
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

    #[test]
    fn the_run_command_prefers_the_exe_without_a_console() {
        let exe = Path::new("/apps/my tools/cdf-signin.exe");
        assert_eq!(
            run_command(exe, |_| true),
            "\"/apps/my tools/cdf-signin-window.exe\" tray"
        );
        assert_eq!(
            run_command(exe, |_| false),
            "\"/apps/my tools/cdf-signin.exe\" tray"
        );
    }
}

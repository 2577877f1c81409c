//! Opening the sign-in page: `$BROWSER` when set (as the desktop conventions say), else,
//! under WSL, the Windows browser, else the platform's opener.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Opens `url` without waiting for the browser to exit.
pub fn open(url: &str) -> Result<(), String> {
    if let Some(cmd) = browser_from_env() {
        return spawn(&cmd, &[url]).map_err(|e| format!("cannot run $BROWSER ({cmd}): {e}"));
    }
    let host = Host::from_env();
    if host.wsl {
        let (program, args) = wsl_command(&host, url);
        let shown = program.display().to_string();
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        return spawn(&shown, &arg_refs)
            .map_err(|e| format!("cannot open the Windows browser ({shown}): {e}"));
    }
    open::that_detached(url).map_err(|e| format!("cannot open a browser: {e}"))
}

fn spawn(program: &str, args: &[&str]) -> std::io::Result<()> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // Browsers chatter on stderr; it must not mix with our messages.
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}

/// The first entry of `$BROWSER` (it may hold a `:`-separated list).
fn browser_from_env() -> Option<String> {
    let value = std::env::var("BROWSER").ok()?;
    value
        .split(':')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

/// What decides how to open a URL, read from the environment (faked in tests).
#[derive(Debug, Default)]
struct Host {
    /// Running under the Windows Subsystem for Linux.
    wsl: bool,
    /// `wslview` (wslu), where it is on `PATH`.
    wslview: Option<PathBuf>,
}

impl Host {
    fn from_env() -> Host {
        let osrelease = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let path = std::env::var_os("PATH").unwrap_or_default();
        Host::detect(
            |k| std::env::var_os(k).is_some(),
            &osrelease,
            &std::env::split_paths(&path).collect::<Vec<_>>(),
            |p| p.is_file(),
        )
    }

    fn detect(
        has_var: impl Fn(&str) -> bool,
        osrelease: &str,
        path: &[PathBuf],
        exists: impl Fn(&Path) -> bool,
    ) -> Host {
        // WSL sets these for every process; the kernel's release names Microsoft too
        // (WSL 1: "4.4.0-19041-Microsoft", WSL 2: "5.15.90.1-microsoft-standard-WSL2").
        let wsl = has_var("WSL_DISTRO_NAME")
            || has_var("WSL_INTEROP")
            || osrelease.to_ascii_lowercase().contains("microsoft");
        let wslview = wsl
            .then(|| path.iter().map(|d| d.join("wslview")).find(|p| exists(p)))
            .flatten();
        Host { wsl, wslview }
    }
}

/// The program and arguments that open `url` in the Windows browser: `wslview` where
/// installed, else the Windows shell's URL handler. The URL is one argument, passed to
/// no command interpreter, so `&` and `%` arrive intact (`cmd.exe /c start` would split
/// the query string at `&`).
fn wsl_command(host: &Host, url: &str) -> (PathBuf, Vec<String>) {
    match &host.wslview {
        Some(wslview) => (wslview.clone(), vec![url.to_string()]),
        None => (
            PathBuf::from("rundll32.exe"),
            vec!["url.dll,FileProtocolHandler".to_string(), url.to_string()],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://login.example/authorize?client_id=c&state=a%20b&scope=openid";

    #[test]
    fn wsl_is_detected_from_its_variables_or_the_kernel_release() {
        let none = |_: &str| false;
        let no_file = |_: &Path| false;
        assert!(!Host::detect(none, "6.8.0-45-generic", &[], no_file).wsl);
        assert!(Host::detect(none, "5.15.90.1-microsoft-standard-WSL2", &[], no_file).wsl);
        assert!(Host::detect(none, "4.4.0-19041-Microsoft", &[], no_file).wsl);
        assert!(Host::detect(|k| k == "WSL_DISTRO_NAME", "6.1", &[], no_file).wsl);
        assert!(Host::detect(|k| k == "WSL_INTEROP", "6.1", &[], no_file).wsl);
    }

    #[test]
    fn wslview_is_used_where_installed_and_the_url_stays_one_argument() {
        let path = [PathBuf::from("/usr/local/bin"), PathBuf::from("/usr/bin")];
        let host = Host::detect(
            |k| k == "WSL_DISTRO_NAME",
            "",
            &path,
            |p| p == Path::new("/usr/bin/wslview"),
        );
        let (program, args) = wsl_command(&host, URL);
        assert_eq!(program, PathBuf::from("/usr/bin/wslview"));
        assert_eq!(args, [URL]);

        let host = Host::detect(|k| k == "WSL_DISTRO_NAME", "", &path, |_| false);
        let (program, args) = wsl_command(&host, URL);
        assert_eq!(program, PathBuf::from("rundll32.exe"));
        assert_eq!(args, ["url.dll,FileProtocolHandler", URL]);
        assert!(
            args[1].contains("&state=a%20b&"),
            "the URL is passed intact"
        );
    }

    #[test]
    fn outside_wsl_wslview_is_not_looked_for() {
        let host = Host::detect(|_| false, "6.8.0", &[PathBuf::from("/usr/bin")], |_| true);
        assert!(!host.wsl && host.wslview.is_none());
    }
}

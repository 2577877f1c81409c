//! Opening the sign-in page: `$BROWSER` when set (as the desktop conventions say), else,
//! under WSL, the Windows browser, else the platform's opener.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Opens `url` without waiting for the browser to exit.
pub fn open(url: &str) -> Result<(), String> {
    open_with(
        std::env::var("BROWSER").ok().as_deref(),
        url,
        Duration::from_secs(1),
        &platform_open,
    )
}

/// The platform's opener: under WSL the Windows browser, else `open` (xdg-open and kin).
fn platform_open(url: &str) -> Result<(), String> {
    let host = Host::from_env();
    if host.wsl {
        let (program, args) = wsl_command(&host, url);
        return Command::new(&program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| {
                format!(
                    "cannot open the Windows browser ({}): {e}",
                    program.display()
                )
            });
    }
    open::that_detached(url).map_err(|e| format!("cannot open a browser: {e}"))
}

/// `$BROWSER` read as xdg-open reads it: a `:`-separated list of commands tried in
/// order, each split on whitespace, `%s` replaced by the URL (else the URL comes last).
/// An entry that cannot start, or exits with a failure within `grace`, passes to the
/// next; one still running after `grace` is a browser in the foreground, and counts as
/// opened. When no entry works, the platform opener.
fn open_with(
    browser: Option<&str>,
    url: &str,
    grace: Duration,
    platform: &dyn Fn(&str) -> Result<(), String>,
) -> Result<(), String> {
    for entry in browser.unwrap_or_default().split(':') {
        let Some(argv) = command_line(entry, url) else {
            continue;
        };
        match run(&argv, grace) {
            Ok(()) => return Ok(()),
            Err(e) => tracing::debug!("$BROWSER entry '{}': {e}", entry.trim()),
        }
    }
    platform(url)
}

/// One `$BROWSER` entry as a program and its arguments; the URL is always one argument
/// of its own (no shell sees it).
fn command_line(entry: &str, url: &str) -> Option<Vec<String>> {
    let mut argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
    if argv.is_empty() {
        return None;
    }
    let mut placed = false;
    for arg in argv.iter_mut().skip(1) {
        if arg.contains("%s") {
            *arg = arg.replace("%s", url);
            placed = true;
        }
    }
    if !placed {
        argv.push(url.to_string());
    }
    Some(argv)
}

fn run(argv: &[String], grace: Duration) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("empty command")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // Browsers chatter on stderr; it must not mix with our messages.
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    // A thread waits for it (so it never lingers as a zombie) and says how it ended.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    match rx.recv_timeout(grace) {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(format!("{program} ended with {status}")),
        Ok(Err(e)) => Err(format!("cannot wait for {program}: {e}")),
        // Still running: a browser in the foreground.
        Err(_) => Ok(()),
    }
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
    use std::sync::Mutex;

    const URL: &str = "https://login.example.invalid/authorize?a=1&b=two%20words";

    /// A `$BROWSER` entry that writes its arguments, one a line, to `out`.
    fn recorder(dir: &std::path::Path) -> (String, std::path::PathBuf) {
        let script = dir.join("record.sh");
        let out = dir.join("args");
        std::fs::write(
            &script,
            format!("printf '%s\\n' \"$@\" > '{}'\n", out.display()),
        )
        .unwrap();
        (format!("sh {}", script.display()), out)
    }

    fn run(browser: &str) -> (Result<(), String>, Vec<String>) {
        let platform_got = Mutex::new(Vec::new());
        let r = open_with(Some(browser), URL, Duration::from_secs(30), &|u| {
            platform_got.lock().unwrap().push(u.to_string());
            Ok(())
        });
        (r, platform_got.into_inner().unwrap())
    }

    fn args(out: &std::path::Path) -> Vec<String> {
        std::fs::read_to_string(out)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Finding 9 of issue 13: `$BROWSER` as xdg-open reads it: a `:`-separated list
    /// tried in order, `%s` replaced by the URL, arguments split on whitespace.
    #[test]
    fn browser_is_a_list_with_arguments_and_percent_s() {
        let dir = tempfile::tempdir().unwrap();
        let (rec, out) = recorder(dir.path());

        let (r, platform) = run(&format!("false:{rec} --new-window %s"));
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(args(&out), ["--new-window", URL]);
        assert!(platform.is_empty());

        std::fs::remove_file(&out).unwrap();
        let (r, _) = run(&format!("/nonexistent/browser : {rec}"));
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(args(&out), [URL], "without %s the URL comes last");
    }

    /// ... then the platform opener when no entry works.
    #[test]
    fn the_platform_opener_is_the_fallback() {
        let (r, platform) = run("/nonexistent/browser:false");
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(platform, [URL]);
        let (r, platform) = run("  :  ");
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(platform, [URL]);
    }

    const WSL_URL: &str = "https://login.example/authorize?client_id=c&state=a%20b&scope=openid";

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
        let (program, args) = wsl_command(&host, WSL_URL);
        assert_eq!(program, PathBuf::from("/usr/bin/wslview"));
        assert_eq!(args, [WSL_URL]);

        let host = Host::detect(|k| k == "WSL_DISTRO_NAME", "", &path, |_| false);
        let (program, args) = wsl_command(&host, WSL_URL);
        assert_eq!(program, PathBuf::from("rundll32.exe"));
        assert_eq!(args, ["url.dll,FileProtocolHandler", WSL_URL]);
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

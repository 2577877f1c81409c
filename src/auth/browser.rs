//! Opening the sign-in page: `$BROWSER` when set (as the desktop conventions say),
//! else the platform's opener.

use std::process::{Command, Stdio};
use std::time::Duration;

/// Opens `url` without waiting for the browser to exit.
pub fn open(url: &str) -> Result<(), String> {
    open_with(
        std::env::var("BROWSER").ok().as_deref(),
        url,
        Duration::from_secs(1),
        &|u| open::that_detached(u).map_err(|e| format!("cannot open a browser: {e}")),
    )
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
}

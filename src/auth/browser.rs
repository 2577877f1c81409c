//! Opening the sign-in page: `$BROWSER` when set (as the desktop conventions say), else,
//! under WSL, the Windows browser, else the platform's opener.
//!
//! Every URL passes [`openable`] first, whoever asks (the CLI, the window) and whatever
//! opens it: an opener may hand the URL to a command interpreter (wslview gives it to
//! PowerShell inside double quotes, where `$( )` runs and `"` ends the string), so the
//! characters such interpreters treat specially never reach one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use url::Url;

/// Characters no opened URL may hold after serialisation: quotes, the backtick and `$`
/// (PowerShell and POSIX shells expand or end strings at them). Whitespace and control
/// characters are refused too. `&`, `?`, `=`, `%` and `#` stay: every authorize URL
/// needs them, and inside one argument (or a quoted string) they are plain text.
const SHELL_SPECIAL: &[char] = &['"', '\'', '`', '$'];

/// The gate in front of every opener: `text` must be an https URL (http only on a
/// loopback host); the characters of [`SHELL_SPECIAL`] are percent-encoded where the URL
/// syntax allows it (path, query, fragment), and refused where it does not (scheme, user,
/// host, port). Returns the URL to open and to show.
pub fn openable(text: &str) -> Result<String, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("'{text}' is not a URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if crate::urls::is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "'{text}' uses http:// on a host that is not loopback"
            ));
        }
        other => {
            return Err(format!(
                "'{text}' has scheme '{other}'; only https:// is opened"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{text}' has no host"));
    }
    let serialised = url.as_str();
    // Everything before the path (scheme, user, host, port) is taken as it is.
    let path_at = url[..url::Position::BeforePath].len();
    let (head, tail) = serialised.split_at(path_at);
    if let Some(bad) = head.chars().find(|c| is_forbidden(*c)) {
        return Err(format!(
            "'{text}' has {} before its path, which no browser is handed",
            describe(bad)
        ));
    }
    let mut out = String::with_capacity(serialised.len() + 8);
    out.push_str(head);
    for c in tail.chars() {
        if is_forbidden(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    // Serialisation already percent-encodes what is not ASCII; this holds whatever the
    // url crate's rules become.
    debug_assert!(out.chars().all(|c| c.is_ascii() && !is_forbidden(c)));
    Ok(out)
}

fn is_forbidden(c: char) -> bool {
    SHELL_SPECIAL.contains(&c) || c.is_whitespace() || c.is_control() || !c.is_ascii()
}

fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

/// Opens `url` without waiting for the browser to exit; refuses one [`openable`] does
/// not pass.
pub fn open(url: &str) -> Result<(), String> {
    let url = openable(url).map_err(|e| format!("not opened: {e}"))?;
    open_with(
        std::env::var("BROWSER").ok().as_deref(),
        &url,
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
    /// The Windows shell's URL handler, `rundll32.exe`, as found on `PATH` (WSL appends
    /// the Windows `PATH`) or at its usual place under `/mnt/c`.
    rundll32: Option<PathBuf>,
}

/// Where `rundll32.exe` is when WSL does not put Windows on `PATH` (`appendWindowsPath`
/// off in wsl.conf).
const RUNDLL32_AT: &str = "/mnt/c/Windows/System32/rundll32.exe";

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
        let rundll32 = wsl
            .then(|| {
                path.iter()
                    // An empty entry means the current directory: never run from there.
                    .filter(|d| d.is_absolute())
                    .map(|d| d.join("rundll32.exe"))
                    .chain([PathBuf::from(RUNDLL32_AT)])
                    .find(|p| exists(p))
            })
            .flatten();
        Host { wsl, rundll32 }
    }
}

/// The program and arguments that open `url` in the Windows browser: the Windows shell's
/// URL handler, with the URL as one argument, passed to no command interpreter (`&` and
/// `%` arrive intact; `cmd.exe /c start` would split the query string at `&`). wslview
/// is not used: it hands the URL to PowerShell inside a command string.
fn wsl_command(host: &Host, url: &str) -> (PathBuf, Vec<String>) {
    (
        host.rundll32
            .clone()
            .unwrap_or_else(|| PathBuf::from("rundll32.exe")),
        vec!["url.dll,FileProtocolHandler".to_string(), url.to_string()],
    )
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
    fn under_wsl_the_shells_url_handler_opens_never_wslview() {
        let path = [
            PathBuf::from(""),
            PathBuf::from("/usr/bin"),
            PathBuf::from("/mnt/c/WINDOWS/system32"),
        ];
        // wslview in /usr/bin, rundll32.exe in the current directory (the empty entry)
        // and on the Windows part of PATH.
        let everywhere = |p: &Path| {
            p == Path::new("/usr/bin/wslview")
                || p == Path::new("rundll32.exe")
                || p.starts_with("/mnt/c") && p.ends_with("rundll32.exe")
        };
        let host = Host::detect(|k| k == "WSL_DISTRO_NAME", "", &path, everywhere);
        let (program, args) = wsl_command(&host, WSL_URL);
        assert_eq!(
            program,
            PathBuf::from("/mnt/c/WINDOWS/system32/rundll32.exe"),
            "found on PATH, never in the current directory"
        );
        assert_eq!(args, ["url.dll,FileProtocolHandler", WSL_URL]);
        assert!(
            args[1].contains("&state=a%20b&"),
            "the URL is passed intact"
        );

        let host = Host::detect(|k| k == "WSL_DISTRO_NAME", "", &[], |_| false);
        assert_eq!(wsl_command(&host, WSL_URL).0, PathBuf::from("rundll32.exe"));
        let host = Host::detect(
            |k| k == "WSL_INTEROP",
            "",
            &[],
            |p| p == Path::new(RUNDLL32_AT),
        );
        assert_eq!(wsl_command(&host, WSL_URL).0, PathBuf::from(RUNDLL32_AT));
    }

    #[test]
    fn outside_wsl_rundll32_is_not_looked_for() {
        let host = Host::detect(|_| false, "6.8.0", &[PathBuf::from("/usr/bin")], |_| true);
        assert!(!host.wsl && host.rundll32.is_none());
    }

    /// Issue 17, finding 1: what reaches an opener holds no character a command
    /// interpreter acts on; what an authorize URL needs stays.
    #[test]
    fn the_gate_encodes_shell_characters_and_keeps_query_syntax() {
        let got =
            openable("http://127.0.0.1:18083/authorize$(Start-Process(calc))?a=1&b=%20#f").unwrap();
        assert_eq!(
            got,
            "http://127.0.0.1:18083/authorize%24(Start-Process(calc))?a=1&b=%20#f"
        );
        let got = openable("https://x.invalid/\" ; Start-Process calc ; \"").unwrap();
        assert!(!got.contains(['"', ' ', '$', '`', '\'']), "{got}");
        assert!(got.starts_with("https://x.invalid/%22"), "{got}");
        let got = openable("https://h.invalid/p'q`r?s='$t'#`u").unwrap();
        assert_eq!(got, "https://h.invalid/p%27q%60r?s=%27%24t%27#%60u");
        assert_eq!(
            openable(WSL_URL).unwrap(),
            WSL_URL,
            "a plain authorize URL is unchanged"
        );
        // Entra ID's device page is on microsoft.com: only scheme and characters count.
        assert_eq!(
            openable("https://microsoft.com/devicelogin").unwrap(),
            "https://microsoft.com/devicelogin"
        );
        assert!(openable("https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=c&scope=openid%20offline_access").is_ok());
    }

    #[test]
    fn the_gate_refuses_other_schemes_plain_http_and_bad_hosts() {
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ms-settings:",
            "http://example.invalid/authorize",
            "not a url",
            "https://user$(calc)@h.invalid/",
            "",
        ] {
            assert!(openable(bad).is_err(), "{bad} passed");
        }
        assert!(openable("http://localhost:9/cb").is_ok());
        assert!(openable("http://[::1]:9/cb").is_ok());
        let e = open("file:///etc/passwd").unwrap_err();
        assert!(e.contains("scheme 'file'"), "{e}");
    }
}

//! Opening the sign-in page: `$BROWSER` when set (as the desktop conventions say),
//! else the platform's opener.

use std::process::{Command, Stdio};

/// Opens `url` without waiting for the browser to exit.
pub fn open(url: &str) -> Result<(), String> {
    if let Some(cmd) = browser_from_env() {
        return Command::new(&cmd)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Browsers chatter on stderr; it must not mix with our messages.
            .stderr(Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| format!("cannot run $BROWSER ({cmd}): {e}"));
    }
    open::that_detached(url).map_err(|e| format!("cannot open a browser: {e}"))
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

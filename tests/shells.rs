//! The env lines cdf-signin prints are sourced by real shells: hostile values (a token or
//! project pasted from anywhere) come back byte for byte and never run a command.

use std::process::Command;

use cdf_signin::cdf::export::{ProjectEnv, Shell, env_lines};

/// Values that end a naive quoting in sh, fish or PowerShell, or are odd in other ways.
const HOSTILE: &[&str] = &[
    r"\';touch PWNED;#",
    r"';touch PWNED;#",
    r"\\';touch PWNED;#\",
    "$(touch PWNED)`touch PWNED`",
    "(touch PWNED)",
    "\u{2019};touch PWNED;\u{2018}",
    "line one\nline two",
    "tab\there, spaces  and ~ * ? [x] {a,b} %HOME% $HOME",
];

/// Sources the lines in `shell` and prints CDF_TOKEN back, from a fresh directory.
fn round_trip(shell: &str, kind: Shell, value: &str) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let env = ProjectEnv {
        project: "p",
        cluster: "c",
        base_url: "https://c.cognitedata.com",
    };
    let lines = env_lines(&env, Some(("CDF_TOKEN", value)), kind);
    // The same line reads a variable back in sh, bash and fish.
    let script = format!("{lines}\nprintf '%s' \"$CDF_TOKEN\"");
    let out = Command::new(shell)
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{shell} is missing (tests/setup.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{shell} failed on {value:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = dir.path().join("PWNED").exists();
    (String::from_utf8_lossy(&out.stdout).into_owned(), ran)
}

#[test]
fn sh_bash_and_fish_keep_hostile_values_as_data() {
    for (shell, kind) in [
        ("sh", Shell::Sh),
        ("bash", Shell::Sh),
        ("fish", Shell::Fish),
    ] {
        for value in HOSTILE {
            let (back, ran) = round_trip(shell, kind, value);
            assert!(!ran, "{shell} ran a command from {value:?}");
            assert_eq!(back, *value, "{shell} changed {value:?}");
        }
    }
}

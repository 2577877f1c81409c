//! The env lines cdf-signin prints are sourced by real shells: hostile values (a token or
//! project pasted from anywhere) come back byte for byte and never run a command. cmd.exe
//! (Wine's) reads its lines the same way, and what cmd cannot hold is refused whole.

use crate::common;

use std::process::Command;

use common::Env;

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
    let lines = env_lines(&env, Some(("CDF_TOKEN", value)), kind).unwrap();
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

/// Values cmd takes inside `set "NAME=VALUE"` as they are, though each character would
/// end or redirect an unquoted command; and the forms tokens and URLs have.
const CMD_KEEPS: &[&str] = &[
    "a&echo x>PWNED1|b<c>d^e f",
    "(echo x>PWNED2) 'single' ^^ ^& =x",
    "https://westeurope-1.cognitedata.com/api?a=1&b=2",
    "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln-_",
];

/// Runs `lines` as a batch file in Wine's cmd.exe (a private prefix and HOME under
/// `dir`), then prints the variables back with `set CDF_`: what cmd holds.
fn in_wine_cmd(dir: &std::path::Path, lines: &str) -> String {
    std::fs::write(dir.join("env.cmd"), lines).unwrap();
    std::fs::write(
        dir.join("t.cmd"),
        "@echo off\r\ncall env.cmd\r\nset CDF_\r\n",
    )
    .unwrap();
    let wine = |program: &str| {
        let mut cmd = Command::new(program);
        cmd.current_dir(dir)
            .env("WINEPREFIX", dir.join("prefix"))
            .env("HOME", dir)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "winemenubuilder.exe,mscoree,mshtml=");
        cmd
    };
    let out = wine("wine")
        .args(["cmd", "/c", "t.cmd"])
        .output()
        .unwrap_or_else(|e| panic!("wine is missing (tests/setup.sh installs it): {e}"));
    let _ = wine("wineserver").arg("-k").status();
    assert!(
        out.status.success(),
        "cmd failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn cmd_under_wine_keeps_the_values_it_accepts_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    let mut expected = Vec::new();
    for (i, value) in CMD_KEEPS.iter().enumerate() {
        let name = format!("CDF_V{i}");
        let env = ProjectEnv {
            project: "p",
            cluster: "c",
            base_url: "https://c.cognitedata.com",
        };
        // Only the credential's line of each, so every value gets a name of its own.
        let all = env_lines(&env, Some((&name, value)), Shell::Cmd).unwrap();
        lines.push_str(all.lines().last().unwrap());
        lines.push('\n');
        expected.push(format!("{name}={value}"));
    }
    let back = in_wine_cmd(dir.path(), &lines);
    let got: Vec<&str> = back.lines().collect();
    assert_eq!(got, expected, "cmd read {lines}");
    for pwned in ["PWNED1", "PWNED2"] {
        assert!(!dir.path().join(pwned).exists(), "cmd ran a command");
    }
}

/// `cdf-signin env --shell cmd`: `set "NAME=VALUE"` lines for a profile; a key cmd
/// cannot hold is one error (naming the variable, never the value) and no line at all.
#[test]
fn env_for_cmd_prints_set_lines_or_refuses_the_whole() {
    let env = Env::new();
    for (name, key) in [("legacy", "AbCdEf123=="), ("odd", "Ab%PATH%\"&calc")] {
        let at = common::Place {
            cluster: "api",
            project: "old",
        };
        env.add_api_key_profile(name, at, key, &[]);
    }
    let run = env.run(&["env", "--profile", "legacy", "--shell", "cmd"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "set \"CDF_PROJECT=old\"\nset \"CDF_CLUSTER=api\"\n\
         set \"CDF_URL=https://api.cognitedata.com\"\nset \"CDF_API_KEY=AbCdEf123==\"\n"
    );
    // What cmd makes of them.
    let dir = tempfile::tempdir().unwrap();
    let back = in_wine_cmd(dir.path(), &run.stdout);
    assert!(back.contains("CDF_API_KEY=AbCdEf123==\n"), "{back}");
    assert!(
        back.contains("CDF_URL=https://api.cognitedata.com\n"),
        "{back}"
    );

    let run = env.run(&["env", "--profile", "odd", "--shell", "cmd"]);
    let line = run.fails_cleanly(1);
    assert_eq!(
        line,
        "error: CDF_API_KEY cannot be written for cmd: its value has a percent sign (%), which cmd expands"
    );
    assert!(
        run.stderr
            .contains("hint: use `cdf-signin env --shell powershell`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Ab%"), "the key is never printed");
}

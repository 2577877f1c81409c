//! Handing a profile to scripts: shell `env` lines and a cognite-sdk snippet whose
//! credential asks `cdf-signin token` for a fresh token every time.

use std::fmt::Write as _;

/// The shells `cdf-signin env --shell` can write for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Sh,
    Fish,
    PowerShell,
    /// Windows' cmd.exe, which has no quoting that holds every value: see [`cmd_quote`].
    Cmd,
}

impl Shell {
    /// The shell of this platform, what `env` and the window's "Copy as env" write for
    /// when none is named: PowerShell on Windows (cmd cannot hold every value), sh
    /// elsewhere.
    pub const NATIVE: Shell = if cfg!(windows) {
        Shell::PowerShell
    } else {
        Shell::Sh
    };
}

impl std::str::FromStr for Shell {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sh" | "bash" | "zsh" => Ok(Shell::Sh),
            "fish" => Ok(Shell::Fish),
            "powershell" | "pwsh" => Ok(Shell::PowerShell),
            "cmd" => Ok(Shell::Cmd),
            other => Err(format!(
                "unknown shell `{other}` (sh, fish, powershell or cmd)"
            )),
        }
    }
}

/// What a script needs to reach a project: the variables `env` prints.
#[derive(Clone, Debug)]
pub struct ProjectEnv<'a> {
    pub project: &'a str,
    pub cluster: &'a str,
    pub base_url: &'a str,
}

/// The variable that carries the credential: `CDF_TOKEN`, or `CDF_API_KEY` for a legacy
/// API key.
pub fn credential_var(api_key: bool) -> &'static str {
    if api_key { "CDF_API_KEY" } else { "CDF_TOKEN" }
}

/// A value that `shell` cannot be given safely: which variable, and why (never the
/// value, which may be a token or a key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unwritable {
    pub shell: Shell,
    pub var: String,
    pub why: &'static str,
}

impl std::fmt::Display for Unwritable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cannot be written for cmd: its value has {}",
            self.var, self.why
        )
    }
}

/// `CDF_PROJECT`, `CDF_CLUSTER` (unless the profile has none: a base URL alone),
/// `CDF_URL` and (when given) the credential's line
/// (`CDF_TOKEN`, see [`credential_var`]) to eval. All or nothing: a value the shell
/// cannot hold (only cmd has such values) fails the whole, so no half is printed.
pub fn env_lines(
    env: &ProjectEnv<'_>,
    credential: Option<(&str, &str)>,
    shell: Shell,
) -> Result<String, Unwritable> {
    let mut vars = vec![
        ("CDF_PROJECT", env.project),
        ("CDF_CLUSTER", env.cluster),
        ("CDF_URL", env.base_url),
    ];
    vars.retain(|(name, value)| *name != "CDF_CLUSTER" || !value.is_empty());
    if let Some(credential) = credential {
        vars.push(credential);
    }
    let mut out = String::new();
    for (name, value) in vars {
        let _ = match shell {
            Shell::Sh => writeln!(out, "export {name}={}", sh_quote(value)),
            Shell::Fish => writeln!(out, "set -gx {name} {}", fish_quote(value)),
            Shell::PowerShell => writeln!(out, "$env:{name} = {}", ps_quote(value)),
            Shell::Cmd => {
                let value = cmd_quote(value).map_err(|why| Unwritable {
                    shell,
                    var: name.to_string(),
                    why,
                })?;
                writeln!(out, "set \"{name}={value}\"")
            }
        };
    }
    Ok(out)
}

/// cmd.exe: the value as it goes inside `set "NAME=VALUE"`, or why it cannot.
///
/// Inside the quotes `&`, `|`, `<`, `>`, `^` and `(`, `)` are plain text, both when the
/// lines run as a batch file and when `for /f ... do %i` runs them (its variable is
/// substituted after cmd has looked for those characters); `set` drops the quotes.
/// What no quoting protects is refused instead of escaped: a `"` ends the quotes; `%`
/// expands variables in a batch file; `!` does with delayed expansion on (and then
/// makes `^` an escape again); a line break ends the command; an empty value removes
/// the variable; anything outside printable ASCII is read in the console's code page,
/// whose best-fit mappings may turn it into one of these.
pub fn cmd_quote(value: &str) -> Result<&str, &'static str> {
    if value.is_empty() {
        return Err("nothing in it, which cmd takes as removing the variable");
    }
    for c in value.chars() {
        let why = match c {
            '"' => "a double quote (\"), which ends cmd's quoting",
            '%' => "a percent sign (%), which cmd expands",
            '!' => "an exclamation mark (!), which cmd expands when delayed expansion is on",
            '\n' | '\r' => "a line break, which ends a cmd command",
            ' '..='~' => continue,
            c if c.is_control() => "a control character, which cmd cannot hold",
            _ => "a character outside ASCII, which cmd reads in the console's code page",
        };
        return Err(why);
    }
    Ok(value)
}

/// sh: single quotes, with embedded single quotes closed, escaped and reopened. Nothing
/// else is special inside single quotes in sh.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish: inside single quotes `\'` and `\\` are escapes (unlike sh), so both are escaped;
/// sh's `'\''` would let a value containing `\'` end the string and run what follows.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell: a single-quoted string ends at the ASCII quote and at the typographic ones
/// (U+2018 to U+201B) alike; doubling any of them keeps it in the string.
fn ps_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Python string literal (repr-like, double quotes), safe for any profile value.
fn py_str(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Python package's way (`pip install cdf-signin`): `cdf_signin.client` builds the
/// `CogniteClient` for the profile's project and base URL, with credentials that run the
/// cdf-signin installed beside the package once per token lifetime.
pub fn pip_python_snippet(profile: &str) -> String {
    format!(
        "# pip install \"cdf-signin[sdk]\"\n\
         import cdf_signin\n\n\
         client = cdf_signin.client({profile})\n",
        profile = py_str(profile),
    )
}

/// For cdf-signin installed another way (the .deb, the Windows installer, from source):
/// a cognite-sdk `CogniteClient` for the profile. Its `Token` credential is a callable
/// that runs `cdf-signin token`, so the SDK gets a fresh (cached or renewed) token when
/// it needs one, and no secret ever sits in the notebook. The SDK asks for the token
/// twice per request, so the answer is kept until a minute before it expires; a failure
/// raises cdf-signin's own message (say, "not signed in" with its hint).
pub fn python_snippet(profile: &str, env: &ProjectEnv<'_>, program: &str) -> String {
    format!(
        r#"import json
import subprocess
import time

from cognite.client import ClientConfig, CogniteClient
from cognite.client.credentials import Token

_cdf_token = {{"value": "", "expires_at": 0.0}}


def cdf_token() -> str:
    """A valid access token from cdf-signin (cached, renewed, or newly signed in)."""
    if time.time() < _cdf_token["expires_at"] - 60:
        return _cdf_token["value"]
    result = subprocess.run(
        [{program}, "token", "--profile", {profile}, "--json"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    answer = json.loads(result.stdout)
    _cdf_token["value"] = answer["access_token"]
    _cdf_token["expires_at"] = time.time() + (answer["expires_in"] or 0)
    return _cdf_token["value"]


client = CogniteClient(
    ClientConfig(
        client_name="cdf-signin",
        project={project},
        base_url={base_url},
        credentials=Token(cdf_token),
    )
)
"#,
        program = py_str(program),
        profile = py_str(profile),
        project = py_str(env.project),
        base_url = py_str(env.base_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: ProjectEnv<'static> = ProjectEnv {
        project: "it's-mine",
        cluster: "westeurope-1",
        base_url: "https://westeurope-1.cognitedata.com",
    };

    #[test]
    fn sh_lines_quote_values() {
        let text = env_lines(&ENV, Some(("CDF_TOKEN", "tok")), Shell::Sh).unwrap();
        assert_eq!(
            text,
            "export CDF_PROJECT='it'\\''s-mine'\nexport CDF_CLUSTER='westeurope-1'\n\
             export CDF_URL='https://westeurope-1.cognitedata.com'\nexport CDF_TOKEN='tok'\n"
        );
    }

    #[test]
    fn fish_and_powershell_lines() {
        let fish = env_lines(&ENV, None, Shell::Fish).unwrap();
        assert!(fish.starts_with("set -gx CDF_PROJECT 'it\\'s-mine'\n"));
        assert!(!fish.contains("CDF_TOKEN"));
        let ps = env_lines(&ENV, Some((credential_var(false), "t")), Shell::PowerShell).unwrap();
        assert!(ps.starts_with("$env:CDF_PROJECT = 'it''s-mine'\n"));
        assert!(ps.ends_with("$env:CDF_TOKEN = 't'\n"));
    }

    #[test]
    fn shell_names() {
        assert_eq!("zsh".parse::<Shell>(), Ok(Shell::Sh));
        assert_eq!("pwsh".parse::<Shell>(), Ok(Shell::PowerShell));
        assert_eq!("cmd".parse::<Shell>(), Ok(Shell::Cmd));
        assert!(
            "csh"
                .parse::<Shell>()
                .unwrap_err()
                .contains("sh, fish, powershell or cmd")
        );
    }

    #[test]
    fn python_snippet_escapes_and_calls_the_cli() {
        let s = python_snippet("dev", &ENV, "/opt/c\"s/cdf-signin");
        assert!(s.contains(r#"["/opt/c\"s/cdf-signin", "token", "--profile", "dev", "--json"]"#));
        assert!(s.contains("raise RuntimeError(result.stderr.strip())"));
        assert!(s.contains(r#"project="it's-mine""#));
        assert!(s.contains("credentials=Token(cdf_token)"));
    }

    #[test]
    fn pip_snippet_imports_the_package_and_names_the_profile() {
        assert_eq!(
            pip_python_snippet("dev"),
            "# pip install \"cdf-signin[sdk]\"\nimport cdf_signin\n\nclient = cdf_signin.client(\"dev\")\n"
        );
        assert!(pip_python_snippet("a\"b").ends_with("cdf_signin.client(\"a\\\"b\")\n"));
    }

    #[test]
    fn fish_escapes_backslash_and_quote() {
        assert_eq!(fish_quote(r"a\';cmd;#"), r"'a\\\';cmd;#'");
        assert_eq!(fish_quote("plain"), "'plain'");
    }

    #[test]
    fn powershell_doubles_every_quote_it_ends_strings_at() {
        assert_eq!(ps_quote("a'b"), "'a''b'");
        assert_eq!(
            ps_quote("x\u{2019};calc;\u{2018}"),
            "'x\u{2019}\u{2019};calc;\u{2018}\u{2018}'"
        );
        assert_eq!(
            ps_quote("\u{201A}\u{201B}"),
            "'\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
    }

    #[test]
    fn cmd_lines_quote_the_whole_assignment() {
        let env = ProjectEnv {
            project: "acme-dev",
            cluster: "westeurope-1",
            base_url: "https://westeurope-1.cognitedata.com",
        };
        let text = env_lines(&env, Some(("CDF_TOKEN", "eyJ0.e-y_J.s")), Shell::Cmd).unwrap();
        assert_eq!(
            text,
            "set \"CDF_PROJECT=acme-dev\"\nset \"CDF_CLUSTER=westeurope-1\"\n\
             set \"CDF_URL=https://westeurope-1.cognitedata.com\"\nset \"CDF_TOKEN=eyJ0.e-y_J.s\"\n"
        );
        // What quotes protect is kept as it is.
        assert_eq!(cmd_quote("a&b|c<d>e^f (g) 'h'"), Ok("a&b|c<d>e^f (g) 'h'"));
        assert_eq!(cmd_quote("https://h/?a=1&b=2"), Ok("https://h/?a=1&b=2"));
    }

    #[test]
    fn cmd_refuses_what_no_quoting_protects() {
        for (value, says) in [
            ("a\"&calc", "double quote"),
            ("50%PATH%", "percent"),
            ("hi!PATH!", "exclamation"),
            ("one\ntwo", "line break"),
            ("one\rtwo", "line break"),
            ("tab\there", "control character"),
            ("\u{ff02}&calc", "outside ASCII"),
            ("caf\u{e9}", "outside ASCII"),
            ("", "removing the variable"),
        ] {
            let why = cmd_quote(value).unwrap_err();
            assert!(why.contains(says), "{value:?}: {why}");
        }
        // One bad value: no line at all, and the error names the variable only.
        let err = env_lines(&ENV, Some(("CDF_TOKEN", "sec%ret")), Shell::Cmd).unwrap_err();
        assert_eq!(err.var, "CDF_TOKEN");
        assert!(!err.to_string().contains("sec"), "{err}");
        assert_eq!(
            err.to_string(),
            "CDF_TOKEN cannot be written for cmd: its value has a percent sign (%), which cmd expands"
        );
    }
}

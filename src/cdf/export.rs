//! Handing a profile to scripts: shell `env` lines and a cognite-sdk snippet whose
//! credential asks `cdf-signin token` for a fresh token every time.

use std::fmt::Write as _;

/// The shells `cdf-signin env --shell` can write for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Sh,
    Fish,
    PowerShell,
}

impl std::str::FromStr for Shell {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sh" | "bash" | "zsh" => Ok(Shell::Sh),
            "fish" => Ok(Shell::Fish),
            "powershell" | "pwsh" => Ok(Shell::PowerShell),
            other => Err(format!("unknown shell `{other}` (sh, fish or powershell)")),
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

/// `CDF_PROJECT`, `CDF_CLUSTER`, `CDF_URL` and (when given) the credential's line
/// (`CDF_TOKEN`, see [`credential_var`]) to eval.
pub fn env_lines(env: &ProjectEnv<'_>, credential: Option<(&str, &str)>, shell: Shell) -> String {
    let mut vars = vec![
        ("CDF_PROJECT", env.project),
        ("CDF_CLUSTER", env.cluster),
        ("CDF_URL", env.base_url),
    ];
    if let Some(credential) = credential {
        vars.push(credential);
    }
    let mut out = String::new();
    for (name, value) in vars {
        let _ = match shell {
            Shell::Sh => writeln!(out, "export {name}={}", sh_quote(value)),
            Shell::Fish => writeln!(out, "set -gx {name} {}", fish_quote(value)),
            Shell::PowerShell => writeln!(out, "$env:{name} = {}", ps_quote(value)),
        };
    }
    out
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

/// A cognite-sdk `CogniteClient` for the profile. Its `Token` credential is a callable
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
        let text = env_lines(&ENV, Some(("CDF_TOKEN", "tok")), Shell::Sh);
        assert_eq!(
            text,
            "export CDF_PROJECT='it'\\''s-mine'\nexport CDF_CLUSTER='westeurope-1'\n\
             export CDF_URL='https://westeurope-1.cognitedata.com'\nexport CDF_TOKEN='tok'\n"
        );
    }

    #[test]
    fn fish_and_powershell_lines() {
        let fish = env_lines(&ENV, None, Shell::Fish);
        assert!(fish.starts_with("set -gx CDF_PROJECT 'it\\'s-mine'\n"));
        assert!(!fish.contains("CDF_TOKEN"));
        let ps = env_lines(&ENV, Some((credential_var(false), "t")), Shell::PowerShell);
        assert!(ps.starts_with("$env:CDF_PROJECT = 'it''s-mine'\n"));
        assert!(ps.ends_with("$env:CDF_TOKEN = 't'\n"));
    }

    #[test]
    fn shell_names() {
        assert_eq!("zsh".parse::<Shell>(), Ok(Shell::Sh));
        assert_eq!("pwsh".parse::<Shell>(), Ok(Shell::PowerShell));
        assert!(
            "cmd"
                .parse::<Shell>()
                .unwrap_err()
                .contains("sh, fish or powershell")
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
}

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

/// `CDF_PROJECT`, `CDF_CLUSTER`, `CDF_URL` and (when given) `CDF_TOKEN` lines to eval.
pub fn env_lines(env: &ProjectEnv<'_>, token: Option<&str>, shell: Shell) -> String {
    let mut vars = vec![
        ("CDF_PROJECT", env.project),
        ("CDF_CLUSTER", env.cluster),
        ("CDF_URL", env.base_url),
    ];
    if let Some(token) = token {
        vars.push(("CDF_TOKEN", token));
    }
    let mut out = String::new();
    for (name, value) in vars {
        let _ = match shell {
            Shell::Sh => writeln!(out, "export {name}={}", sh_quote(value)),
            Shell::Fish => writeln!(out, "set -gx {name} {}", sh_quote(value)),
            Shell::PowerShell => writeln!(out, "$env:{name} = {}", ps_quote(value)),
        };
    }
    out
}

/// Single quotes, with embedded single quotes closed, escaped and reopened (sh and fish).
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// PowerShell single-quoted string: a quote is doubled.
fn ps_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
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
/// that runs `cdf-signin token`, so the SDK gets a fresh (cached or refreshed) token
/// each time it asks, and no secret ever sits in the notebook.
pub fn python_snippet(profile: &str, env: &ProjectEnv<'_>, program: &str) -> String {
    format!(
        r#"import subprocess

from cognite.client import ClientConfig, CogniteClient
from cognite.client.credentials import Token


def cdf_token() -> str:
    # cdf-signin serves a cached token or refreshes it; the SDK calls this per request.
    return subprocess.run(
        [{program}, "token", "--profile", {profile}],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


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
        let text = env_lines(&ENV, Some("tok"), Shell::Sh);
        assert_eq!(
            text,
            "export CDF_PROJECT='it'\\''s-mine'\nexport CDF_CLUSTER='westeurope-1'\n\
             export CDF_URL='https://westeurope-1.cognitedata.com'\nexport CDF_TOKEN='tok'\n"
        );
    }

    #[test]
    fn fish_and_powershell_lines() {
        let fish = env_lines(&ENV, None, Shell::Fish);
        assert!(fish.starts_with("set -gx CDF_PROJECT 'it'\\''s-mine'\n"));
        assert!(!fish.contains("CDF_TOKEN"));
        let ps = env_lines(&ENV, Some("t"), Shell::PowerShell);
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
        assert!(s.contains(r#"["/opt/c\"s/cdf-signin", "token", "--profile", "dev"]"#));
        assert!(s.contains(r#"project="it's-mine""#));
        assert!(s.contains("credentials=Token(cdf_token)"));
    }
}

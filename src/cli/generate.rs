//! Shell completions and the man page, generated from the clap definition ([`super::Cli`])
//! so that they can never drift from the real options. `packaging/build-deb.sh` runs the
//! hidden `cdf-signin completions <shell>` and `cdf-signin man` commands to make them.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::args::Cli;

const BIN: &str = "cdf-signin";

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), BIN, out);
}

/// Writes the man page (section 1, roff): clap's sections for the top-level command, each
/// command's synopsis and options, then exit status, environment and files.
pub fn man_page(out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = Man::new(cmd.clone()).manual("User Commands");
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    Roff::new()
        .control("SH", ["DESCRIPTION"])
        .text([roman(
            "cdf-signin signs you in to Cognite Data Fusion through Entra ID (or another \
             OpenID provider) and hands out access tokens to scripts and tools. With no \
             command it opens its desktop window.",
        )])
        .control("PP", [])
        .text([roman(
            "The commands print messages on standard error and only their result (a token, \
             JSON) on standard output. --verbose works with every command.",
        )])
        .to_writer(out)?;
    man.render_options_section(out)?;

    Roff::new().control("SH", ["COMMANDS"]).to_writer(out)?;
    for sub in leaf_commands(&cmd) {
        command_section(sub, out)?;
    }
    extra_sections(out)?;
    man.render_version_section(out)
}

/// The commands a user types, depth first (`profile add`, not `profile`), without the
/// hidden ones and clap's `help`.
fn leaf_commands(cmd: &clap::Command) -> Vec<&clap::Command> {
    let mut found = Vec::new();
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        if sub.has_subcommands() {
            found.extend(leaf_commands(sub));
        } else {
            found.push(sub);
        }
    }
    found
}

/// One command as a subsection: what it does, its synopsis and its options. clap_mangen
/// renders whole sections (`.SH SYNOPSIS`, `.SH OPTIONS`); their headings are dropped so
/// the parts sit under this command's `.SS` heading. `--verbose` and `--help` are left
/// out: the top-level OPTIONS already describe them.
fn command_section(sub: &clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
    let mut roff = Roff::new();
    roff.control("SS", [name]);
    if let Some(about) = sub.get_about() {
        roff.text([roman(format!("{about}."))]);
    }
    roff.control("PP", []);
    roff.to_writer(out)?;
    let quiet = sub.clone().mut_args(|a| {
        if matches!(a.get_id().as_str(), "verbose" | "help") {
            a.hide(true)
        } else {
            a
        }
    });
    let part = Man::new(quiet);
    let mut buf = Vec::new();
    part.render_synopsis_section(&mut buf)?;
    part.render_options_section(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    for line in text.lines().filter(|l| !l.starts_with(".SH ")) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn extra_sections(out: &mut dyn Write) -> io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "Success."),
        (
            "1",
            "An error; the message on standard error says what to do.",
        ),
        (
            "2",
            "A usage error (unknown option, invalid profile field).",
        ),
        (
            "3",
            "Sign-in required: no usable token and the profile's flow needs a person.",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(code)])
            .text([roman(meaning)]);
    }

    roff.control("SH", ["ENVIRONMENT"]);
    for (var, meaning) in [
        (
            "CDF_SIGNIN_PROFILE",
            "The profile to use when --profile is not given.",
        ),
        (
            "CDF_SIGNIN_KEYRING_SERVICE",
            "The keyring service name (default cdf-signin), to keep separate setups apart.",
        ),
        (
            "CDF_SIGNIN_LOG",
            "The log filter for --verbose (default cdf_signin=debug).",
        ),
        (
            "HTTPS_PROXY, NO_PROXY",
            "The proxy for requests to the identity provider and CDF, and the hosts that bypass it.",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(var)])
            .text([roman(meaning)]);
    }

    roff.control("SH", ["FILES"]);
    for (path, meaning) in [
        (
            "$XDG_CONFIG_HOME/cdf-signin/profiles.toml",
            "Profiles (mode 0600). $XDG_CONFIG_HOME defaults to ~/.config.",
        ),
        (
            "$XDG_DATA_HOME/cdf-signin/tokens/",
            "The token cache, encrypted with XChaCha20-Poly1305; its key lives in the OS keyring. \
             $XDG_DATA_HOME defaults to ~/.local/share.",
        ),
        (
            "$XDG_DATA_HOME/cdf-signin/app.ron",
            "The window's settings (clipboard delay, theme, auto-refresh).",
        ),
        (
            "$XDG_CACHE_HOME/cdf-signin/discovery/",
            "Discovered OpenID provider metadata (public). $XDG_CACHE_HOME defaults to ~/.cache.",
        ),
    ] {
        roff.control("TP", [])
            .text([italic(path)])
            .text([roman(meaning)]);
    }
    roff.control("PP", []).text([roman(
        "Client secrets and token-cache keys are kept in the OS keyring (the Secret Service, \
         such as GNOME Keyring or KWallet, on Linux), never in these files.",
    )]);
    roff.to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_page_documents_every_command_and_option() {
        let mut out = Vec::new();
        man_page(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\n.TH cdf-signin 1 "), "no title line");
        for needle in [
            ".SS \"cdf-signin login\"",
            ".SS \"cdf-signin profile add\"",
            "\\-\\-client\\-secret\\-stdin",
            ".SH \"EXIT STATUS\"",
            "CDF_SIGNIN_PROFILE",
            "profiles.toml",
        ] {
            assert!(text.contains(needle), "man page lacks {needle}:\n{text}");
        }
        assert!(
            !text.contains("cdf-signin completions") && !text.contains(".SS \"cdf-signin man\""),
            "hidden commands stay out of the man page"
        );
    }

    #[test]
    fn completions_name_the_commands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            completions(shell, &mut out);
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("cdf-signin"), "{shell}");
            assert!(
                text.contains("set-secret"),
                "{shell} completes profile set-secret"
            );
        }
    }
}

//! Usage errors: clap's message in the project's one-line shape, with all of its useful
//! part kept (the missing arguments, the allowed values, "did you mean") and the `--help`
//! of the subcommand the user was typing as the hint.

use std::ffi::OsString;

use clap::CommandFactory;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::args::Cli;
use super::failure::Failure;

/// The failure for a clap error that is not a request for help or the version.
/// `args` are the program's arguments (without the program name).
pub fn failure(e: &clap::Error, args: &[OsString]) -> Failure {
    let path = command_path(args);
    let shown = path.join(" ");
    let message = match e.kind() {
        // `cdf-signin profile` alone: clap would print the whole help as the error.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let names = subcommand_names(&path);
            format!("`{shown}` needs a subcommand: {}", names.join(", "))
        }
        _ => message(&e.render().to_string(), &suggestions(e)),
    };
    Failure::usage(message).hint(format!("see `{shown} --help`"))
}

/// The command the arguments name as far as they name one: `["cdf-signin", "profile",
/// "add"]` for `profile add svc --cluster x`. Flags are skipped; the first word that is not
/// a subcommand ends the walk.
fn command_path(args: &[OsString]) -> Vec<String> {
    let mut cmd = Cli::command();
    let mut path = vec![cmd.get_name().to_string()];
    for arg in args {
        let Some(arg) = arg.to_str() else { break };
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') {
            continue;
        }
        let Some(sub) = cmd
            .get_subcommands()
            .find(|s| s.get_name() == arg && !s.is_hide_set())
            .cloned()
        else {
            break;
        };
        path.push(sub.get_name().to_string());
        cmd = sub;
    }
    path
}

fn subcommand_names(path: &[String]) -> Vec<String> {
    let mut cmd = Cli::command();
    for name in &path[1..] {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub.clone(),
            None => break,
        }
    }
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| s.get_name().to_string())
        .collect()
}

/// What clap suggests instead of what was typed: subcommands, arguments, values.
fn suggestions(e: &clap::Error) -> Vec<String> {
    let mut found = Vec::new();
    for (kind, value) in e.context() {
        if !matches!(
            kind,
            ContextKind::SuggestedSubcommand
                | ContextKind::SuggestedArg
                | ContextKind::SuggestedValue
        ) {
            continue;
        }
        match value {
            ContextValue::String(s) => found.push(s.clone()),
            ContextValue::Strings(v) => found.extend(v.iter().cloned()),
            _ => {}
        }
    }
    found
}

/// Clap's rendered message in one line. Clap writes a first line, maybe indented lines
/// (the missing arguments, `[possible values: ...]`), tips, the usage and a pointer to
/// `--help`; the first lines are kept, the suggestion tips become "did you mean", other
/// tips are kept, and the usage and the pointer are dropped (the hint names the help).
fn message(rendered: &str, suggested: &[String]) -> String {
    let mut first = None;
    let mut items = Vec::new();
    let mut tips = Vec::new();
    for line in rendered.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        if let Some(tip) = line.strip_prefix("tip: ") {
            // Suggestions are said once, from clap's context, as "did you mean".
            if !tip.contains("similar") {
                tips.push(tip.to_string());
            }
            continue;
        }
        match first {
            None => first = Some(line.strip_prefix("error: ").unwrap_or(line).to_string()),
            Some(_) => items.push(line.to_string()),
        }
    }
    let mut text = first.unwrap_or_else(|| "invalid arguments".into());
    if !items.is_empty() {
        let joiner = if text.ends_with(':') { ", " } else { " " };
        text = format!("{text} {}", items.join(joiner));
    }
    if !suggested.is_empty() {
        let quoted: Vec<String> = suggested.iter().map(|s| format!("`{s}`")).collect();
        text = format!("{text}; did you mean {}?", quoted.join(" or "));
    }
    for tip in tips {
        text = format!("{text}; {tip}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Failure {
        let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        let e = match Cli::try_parse_from(
            std::iter::once(OsString::from("cdf-signin")).chain(argv.clone()),
        ) {
            Err(e) => e,
            Ok(_) => panic!("{args:?} parsed"),
        };
        failure(&e, &argv)
    }

    #[test]
    fn missing_arguments_are_listed_with_the_subcommands_help() {
        let argv: Vec<&str> = "profile add svc --cluster api --project p"
            .split(' ')
            .collect();
        let f = parse(&argv);
        assert_eq!(f.code, super::super::EXIT_USAGE);
        assert_eq!(
            f.message,
            "the following required arguments were not provided: --flow <FLOW>"
        );
        assert_eq!(
            f.hint.as_deref(),
            Some("see `cdf-signin profile add --help`")
        );
        let f = parse(&["exec", "--profile", "svc"]);
        assert!(f.message.contains("<COMMAND>"), "{}", f.message);
        assert_eq!(f.hint.as_deref(), Some("see `cdf-signin exec --help`"));
    }

    #[test]
    fn typos_get_a_did_you_mean_and_values_their_list() {
        let f = parse(&["tokn"]);
        assert_eq!(
            f.message,
            "unrecognized subcommand 'tokn'; did you mean `token`?"
        );
        assert_eq!(f.hint.as_deref(), Some("see `cdf-signin --help`"));
        let f = parse(&["-v", "profile", "add", "x", "--flow", "password"]);
        assert!(
            f.message.contains("'password'")
                && f.message.contains(
                    "[possible values: interactive, device-code, client-credentials, api-key]"
                ),
            "{}",
            f.message
        );
        assert_eq!(
            f.hint.as_deref(),
            Some("see `cdf-signin profile add --help`")
        );
        let f = parse(&["token", "--min-vaild", "5"]);
        assert!(
            f.message.contains("did you mean `--min-valid`?"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_group_without_its_subcommand_lists_them() {
        let f = parse(&["profile"]);
        assert!(
            f.message
                .starts_with("`cdf-signin profile` needs a subcommand: add, list,"),
            "{}",
            f.message
        );
        assert_eq!(f.hint.as_deref(), Some("see `cdf-signin profile --help`"));
    }
}

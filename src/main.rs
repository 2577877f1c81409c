#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use clap::error::ErrorKind;

use cdf_signin::cli::{self, Cli, Failure};

/// The exit status of an internal error (sysexits' EX_SOFTWARE).
const EXIT_INTERNAL: i32 = 70;

/// Set by `cdf-signin-window.exe` before it runs: a GUI-subsystem program has no console,
/// so what ends it (the window could not open, a stored setting, a bug) is also shown in a
/// message box, or the person would see nothing at all.
pub(crate) static NO_CONSOLE: AtomicBool = AtomicBool::new(false);

/// The failure's text on stderr, and in a message box when there is no console.
fn tell(text: &str) {
    // A closed stderr loses the message, not the exit status.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    if NO_CONSOLE.load(Ordering::Relaxed) {
        message_box(text);
    }
}

#[cfg(windows)]
fn message_box(text: &str) {
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("cdf-signin")
        .set_description(text.trim_end())
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

/// Only Windows builds a program without a console.
#[cfg(not(windows))]
fn message_box(_: &str) {}

pub(crate) fn main() -> ExitCode {
    install_panic_net();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let verbose = cli.verbose;
    init_logging(verbose);
    let result = match cli.command.unwrap_or(cli::Command::Gui { profile: None }) {
        cli::Command::Gui { profile } => cdf_signin::ui::run(profile).map_err(cli::window_failure),
        cli::Command::Tray { quit, autostart } => {
            let options = cdf_signin::tray::Options {
                quit,
                autostart: autostart.map(|a| a == "on"),
            };
            cdf_signin::tray::run(options).map_err(|e| Failure {
                message: e.message,
                hint: e.hint,
                code: e.code,
                causes: Vec::new(),
            })
        }
        command => cli::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => report(f, verbose),
    }
}

/// The failure on stderr: one `error:` line, a `hint:`, and with `--verbose` what lay
/// under it, one `cause:` line each (innermost last).
fn report(f: Failure, verbose: bool) -> ExitCode {
    if f.is_reader_left() {
        return ExitCode::SUCCESS;
    }
    // `exec` passes its command's status on, and the command has said what it had to.
    if f.message.is_empty() {
        return ExitCode::from(u8::try_from(f.code).unwrap_or(1));
    }
    // Messages carry text from outside (a provider's description): no escape sequences.
    let mut text = format!("error: {}\n", cli::terminal_text(&one_line(&f.message)));
    if verbose {
        for cause in &f.causes {
            text.push_str(&format!(
                "cause: {}\n",
                cli::terminal_text(&one_line(cause))
            ));
        }
    }
    if let Some(h) = f.hint {
        text.push_str(&format!("hint: {}\n", cli::terminal_text(&one_line(&h))));
    }
    tell(&text);
    ExitCode::from(u8::try_from(f.code).unwrap_or(1))
}

/// The last resort: a panic is a bug, reported in one line without a backtrace. On the
/// main thread it ends the program with status 70; elsewhere the thread unwinds, and the
/// window's worker turns that into an error on screen.
fn install_panic_net() {
    std::panic::set_hook(Box::new(|info| {
        let text = panic_report(info.payload());
        tracing::debug!(location = ?info.location(), "panic");
        if std::thread::current().name() == Some("main") {
            tell(&text);
            std::process::exit(EXIT_INTERNAL);
        }
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }));
}

/// Clap's usage errors in the project's one-line form, with clap's whole message.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
            report(cli::usage_failure(&e, &args), false)
        }
    }
}

/// The two lines a panic prints: what broke, and what to do.
fn panic_report(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    format!(
        "error: internal error: {}\nhint: this is a bug in cdf-signin; please report it, with what the same command prints when run with --verbose\n",
        one_line(&what)
    )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn init_logging(verbose: bool) {
    if !verbose {
        return;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_env("CDF_SIGNIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("cdf_signin=debug"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_reported_in_one_error_line_and_a_hint() {
        let payload: Box<dyn std::any::Any + Send> = Box::new(String::from(
            "TimeDelta::seconds out of bounds\nat src/x.rs:1",
        ));
        let text = panic_report(payload.as_ref());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "error: internal error: TimeDelta::seconds out of bounds at src/x.rs:1"
        );
        assert!(lines[1].starts_with("hint: ") && lines[1].contains("--verbose"));
        assert_eq!(lines.len(), 2);
        let text = panic_report(&"static text");
        assert!(text.starts_with("error: internal error: static text\n"));
    }
}

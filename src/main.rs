use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use cdf_signin::cli::{self, Cli, EXIT_USAGE, Failure};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    init_logging(cli.verbose);
    let result = match cli.command.unwrap_or(cli::Command::Gui) {
        cli::Command::Gui => cdf_signin::ui::run().map_err(cli::window_failure),
        command => cli::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => report(f),
    }
}

fn report(f: Failure) -> ExitCode {
    eprintln!("error: {}", one_line(&f.message));
    if let Some(h) = f.hint {
        eprintln!("hint: {}", one_line(&h));
    }
    ExitCode::from(u8::try_from(f.code).unwrap_or(1))
}

/// Clap's usage errors, shortened to the project's one-line form.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            report(Failure {
                message: message.to_string(),
                hint: Some("see `cdf-signin --help`".into()),
                code: EXIT_USAGE,
            })
        }
    }
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

//! The command line. clap parses the arguments into a typed [`Command`] (`args.rs`);
//! [`run`] hands each command to the one function that carries it out, in a file named for
//! its group. Tokens go to stdout alone; everything else to stderr.

mod args;
mod cdf_commands;
mod context;
mod doctor;
mod exec;
mod failure;
pub mod generate;
mod org;
mod output;
mod profile;
mod profile_add;
mod profile_edit;
mod profile_request;
mod secret_input;
mod storage;
mod token;
mod usage;

pub use args::{
    AddArgs, AddFromArgs, Cli, Command, FlowArg, ImportArgs, OrgArgs, PathCommand, ProfileCommand,
    PromptArg, Select, StorageCommand,
};
pub use failure::{EXIT_ERROR, EXIT_SIGN_IN, EXIT_USAGE, Failure};

use context::Ctx;
use failure::CmdResult;
pub use failure::window_failure;
pub use output::terminal_text;
pub use usage::failure as usage_failure;

use crate::session::TokenOptions;

/// `path add|remove DIR`: one word on stdout for the installer to read.
fn user_path(change: PathCommand) -> Result<(), Failure> {
    let word = match change {
        PathCommand::Add { dir } => match crate::winpath::add(&dir).map_err(Failure::new)? {
            crate::winpath::Added::Added => "added",
            crate::winpath::Added::Present => "present",
        },
        PathCommand::Remove { dir } => match crate::winpath::remove(&dir).map_err(Failure::new)? {
            true => "removed",
            false => "absent",
        },
    };
    output::print(&format!("{word}\n"))
}

pub fn run(command: Command) -> Result<(), Failure> {
    // These need no home directory, keyring or runtime: a build machine runs them.
    match command {
        Command::Completions { shell } => {
            let mut text = Vec::new();
            generate::completions(shell, &mut text);
            return output::print(&String::from_utf8_lossy(&text));
        }
        Command::Man => {
            let mut text = Vec::new();
            generate::man_page(&mut text)
                .map_err(|e| Failure::new(format!("cannot write the man page: {e}")))?;
            return output::print(&String::from_utf8_lossy(&text));
        }
        Command::Path(change) => return user_path(change),
        _ => {}
    }
    let ctx = Ctx::new()?;
    match command {
        Command::Login {
            org:
                OrgArgs {
                    org: Some(org),
                    client_id,
                    port,
                    authority,
                },
            timeout,
            ..
        } => org::login(&ctx, org, client_id, port, authority, timeout),
        Command::Login {
            select, timeout, ..
        } => token::login(&ctx, &select, timeout),
        Command::Token {
            select,
            json,
            min_valid,
            force_refresh,
        } => token::token(
            &ctx,
            &select,
            json,
            TokenOptions {
                min_valid_secs: min_valid,
                force_refresh,
            },
        ),
        Command::Claims { select, json } => token::claims(&ctx, &select, json),
        Command::Logout { select } => token::logout(&ctx, &select),
        Command::Inspect { select, json } => cdf_commands::inspect(&ctx, &select, json),
        Command::Env { select, shell } => cdf_commands::env(&ctx, &select, shell.as_deref()),
        Command::Doctor {
            select,
            needs,
            json,
        } => doctor::doctor(&ctx, &select, &needs, json),
        Command::Exec {
            select,
            min_valid,
            command,
        } => exec::exec(&ctx, &select, min_valid, &command),
        Command::Profile(p) => profile_command(&ctx, *p),
        Command::Storage { action: None } => storage::show(&ctx),
        Command::Storage {
            action: Some(StorageCommand::Set { kind, yes }),
        } => storage::set(&ctx, &kind, yes),
        // main.rs opens the window and starts the tray: the CLI depends on neither.
        Command::Gui { .. }
        | Command::Tray { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Path(_) => Ok(()),
    }
}

fn profile_command(ctx: &Ctx, command: ProfileCommand) -> CmdResult {
    match command {
        ProfileCommand::Add(args) => profile_add::add_profile(ctx, *args),
        ProfileCommand::List { json } => profile::list_profiles(ctx, json),
        ProfileCommand::Show { name, json } => profile::show_profile(ctx, &name, json),
        ProfileCommand::Remove {
            name: Some(name), ..
        } => profile::remove_profile(ctx, &name),
        ProfileCommand::Remove { name: None, .. } => profile::remove_all(ctx),
        ProfileCommand::Use { name } => profile::use_profile(ctx, &name),
        ProfileCommand::AddFrom(args) => cdf_commands::add_from(ctx, &args),
        ProfileCommand::Import(args) => cdf_commands::import(ctx, &args),
        ProfileCommand::SetSecret { name, stdin } => profile::set_secret(ctx, &name, stdin),
        ProfileCommand::Edit(args) => profile_edit::edit_profile(ctx, *args),
        ProfileCommand::Rename { old, new } => profile_edit::rename_profile(ctx, &old, &new),
    }
}

//! `storage` (where secrets are kept, and why) and `storage set KIND` (move them), both
//! over the application layer's one move (`app::Profiles::move_storage`).

use std::io::{BufRead, IsTerminal};

use crate::secrets::storage::{self, ChoiceSource};
use crate::secrets::{STORAGE_ENV, Storage, service_name};

use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use super::output;

/// `storage`: the store in use, why, and where.
pub(super) fn show(ctx: &Ctx) -> CmdResult {
    let paths = ctx.session().paths();
    let (choice, source) = storage::chosen_with_source(&paths.config_dir)?;
    let why = match source {
        ChoiceSource::Env(value) => format!("{STORAGE_ENV}={value} is set"),
        ChoiceSource::Setting(path) => format!("the setting in {}", path.display()),
        ChoiceSource::Default => "automatic: nothing else is chosen".to_string(),
    };
    output::print_text(&format!(
        "storage: {}\nchosen by: {why}\nin use: {}\n",
        choice.as_str(),
        ctx.secrets().describe()
    ))
}

/// `storage set KIND`: says what the move means, asks (or takes --yes), moves.
pub(super) fn set(ctx: &Ctx, kind: &str, yes: bool) -> CmdResult {
    let names = || {
        Storage::available()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let to = Storage::parse(kind)
        .filter(|s| s.exists_here())
        .ok_or_else(|| {
            Failure::usage(format!(
                "unknown storage '{}': use one of {}",
                kind.escape_debug(),
                names()
            ))
        })?;
    let dir = storage::file_dir(ctx.session().paths(), &service_name());
    let meaning = storage::meaning(to, &dir);
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(format!(
                "storage set {} moves every secret to {meaning}; confirm with --yes (no terminal to ask on)",
                to.as_str()
            )));
        }
        output::note(&format!(
            "This moves every client secret, API key and token key from the {} to {meaning}.",
            ctx.secrets().noun()
        ));
        eprint!("Move them? [y/N] ");
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Failure::new(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            output::note("Nothing moved.");
            return Ok(());
        }
    }
    let moved = ctx.app().move_storage(to)?;
    if moved.same_place {
        output::note(&format!(
            "Storage '{}' saved; the secrets are in the {} already.",
            to.as_str(),
            moved.to_noun
        ));
    } else {
        output::note(&format!(
            "Moved {} secret{} from the {} to the {}; storage '{}' is used from now on (window and command line).",
            moved.entries,
            if moved.entries == 1 { "" } else { "s" },
            moved.from_noun,
            moved.to_noun,
            to.as_str()
        ));
    }
    for left in &moved.left_behind {
        output::note(&format!(
            "warning: the old store kept a copy of the {left}; remove it by hand"
        ));
    }
    Ok(())
}

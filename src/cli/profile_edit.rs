//! `profile edit NAME --FIELD VALUE...` and `profile rename OLD NEW`: an existing
//! profile's draft, changed by the flags given, saved through the application layer
//! (the rules of `profile add`, the secret kept, a rename carrying secret and sign-in).

use super::args::EditArgs;
use super::context::Ctx;
use super::failure::{self, CmdResult, Failure};
use super::output;
use super::profile_request::{request, stdin_secret};
use super::secret_input::read_secret;
use crate::app::{DraftChanges, ProfileDraft, SecretInput};

pub(super) fn edit_profile(ctx: &Ctx, args: EditArgs) -> CmdResult {
    let profile = ctx.profiles()?.get(&args.name)?.clone();
    let mut draft = ProfileDraft::of(&args.name, &profile);
    let before = draft.clone();
    // A new cluster is checked against the known ones; the one the profile has is kept.
    let new_cluster = args.cluster.is_some();
    let own = DraftChanges {
        flow: args.flow.map(Into::into),
        cluster: args.cluster,
        project: args.project,
        tenant_id: args.tenant_id,
        client_id: args.client_id,
        ..DraftChanges::default()
    };
    let request = request(own, args.fields, &args.unset);
    draft.apply(request.changes);
    if draft == before && request.stdin.is_empty() {
        return Err(Failure::usage(
            "nothing to change: give the fields to change (see `cdf-signin profile edit --help`)",
        ));
    }
    if new_cluster {
        draft.cluster_confirmed = args.cluster_is_right;
    }
    let from_stdin = stdin_secret(&draft, &request.stdin)?;
    if let Err(p) = draft.check() {
        return Err(failure::problems(&p, draft.flow));
    }
    if let Some(kind) = from_stdin {
        draft.secret = SecretInput::Store(read_secret(true, kind.noun())?);
    }
    let saved = ctx.app().edit(&args.name, &draft)?;
    output::note(&format!("Updated profile '{}'.", saved.name));
    output::production_suggestion(&saved);
    Ok(())
}

pub(super) fn rename_profile(ctx: &Ctx, old: &str, new: &str) -> CmdResult {
    let profile = ctx.profiles()?.get(old)?.clone();
    let mut draft = ProfileDraft::of(old, &profile);
    draft.name = new.to_string();
    if let Err(p) = draft.check() {
        return Err(failure::problems(&p, Some(profile.flow)));
    }
    let saved = ctx.app().edit(old, &draft)?;
    output::note(&format!("Renamed profile '{old}' to '{}'.", saved.name));
    Ok(())
}

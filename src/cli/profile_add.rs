//! `profile add`: a profile from command-line options, checked by the application layer
//! before anything is stored; the secret is asked for only once everything else is
//! right.

use super::args::AddArgs;
use super::context::Ctx;
use super::failure::{self, CmdResult};
use super::output;
use super::profile_request::{request, stdin_secret};
use super::secret_input::read_secret;
use crate::app::{DraftChanges, ProfileDraft, SecretInput, only_the_secret_is_missing};
use crate::field::Field;
use crate::profile::{Flow, ProfileError};
use crate::secrets::SecretKind;

pub(super) fn add_profile(ctx: &Ctx, args: AddArgs) -> CmdResult {
    let flow: Flow = args.flow.into();
    let own = DraftChanges {
        flow: Some(flow),
        cluster: args.cluster,
        project: Some(args.project),
        tenant_id: args.tenant_id,
        client_id: args.client_id,
        ..DraftChanges::default()
    };
    let request = request(own, args.fields, &[]);
    let mut draft = ProfileDraft {
        name: args.name,
        cluster_confirmed: args.cluster_is_right,
        ..ProfileDraft::default()
    };
    draft.apply(request.changes);
    let needed = match draft.resolve() {
        Ok(_) => None,
        Err(p) if only_the_secret_is_missing(&p) => Some(match p[0].field {
            Field::ApiKey => SecretKind::ApiKey,
            _ => SecretKind::ClientSecret,
        }),
        Err(p) => return Err(failure::problems(&p, Some(flow))),
    };
    let from_stdin = stdin_secret(&draft, &request.stdin)?;
    // Before the secret is asked for: a taken name would waste the typing.
    if ctx.profiles()?.has(draft.name.trim()) {
        return Err(ProfileError::Exists(draft.name.trim().to_string()).into());
    }
    if let Some(kind) = needed {
        draft.secret = SecretInput::Store(read_secret(from_stdin == Some(kind), kind.noun())?);
    }
    let saved = ctx.app().create(&draft)?;
    let profile = ctx.profiles()?.get(&saved.name)?.clone();
    output::note(&format!(
        "Added profile '{}' ({}, project {} at {}){}.",
        saved.name,
        flow.as_str(),
        profile.project,
        profile.base_url(),
        if saved.is_default {
            ", the default"
        } else {
            ""
        }
    ));
    output::production_suggestion(&saved);
    Ok(())
}

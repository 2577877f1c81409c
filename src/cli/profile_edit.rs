//! `profile edit NAME --FIELD VALUE...` and `profile rename OLD NEW`: an existing
//! profile's draft, changed by the flags given, saved through the application layer
//! (the rules of `profile add`, the secret kept, a rename carrying secret and sign-in).

use super::args::{EditArgs, UnsetField};
use super::context::Ctx;
use super::failure::{self, CmdResult, Failure};
use super::output;
use super::secret_input::read_secret;
use crate::app::{ProfileDraft, SecretInput};
use crate::profile::Flow;
use crate::secrets::SecretKind;

pub(super) fn edit_profile(ctx: &Ctx, args: EditArgs) -> CmdResult {
    let profile = ctx.profiles()?.get(&args.name)?.clone();
    let mut draft = ProfileDraft::of(&args.name, &profile);
    let before = draft.clone();
    let f = args.fields;
    let set = |slot: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *slot = v;
        }
    };
    set(&mut draft.cluster, args.cluster);
    set(&mut draft.project, args.project);
    set(&mut draft.tenant_id, args.tenant_id);
    set(&mut draft.client_id, args.client_id);
    set(&mut draft.authority, f.authority);
    set(&mut draft.base_url, f.base_url);
    set(&mut draft.token_url, f.token_url);
    set(&mut draft.audience, f.audience);
    set(&mut draft.port, f.port.map(|p| p.to_string()));
    set(&mut draft.login_hint, f.login_hint);
    if let Some(flow) = args.flow {
        draft.flow = Some(flow.into());
    }
    if !f.scopes.is_empty() {
        draft.scopes = f.scopes;
    }
    if let Some(prompt) = f.prompt {
        draft.prompt = Some(prompt.into());
    }
    if f.ca_file.is_some() {
        draft.ca_file = f.ca_file;
    }
    if f.certificate.is_some() {
        draft.certificate = f.certificate;
        draft.private_key = f.private_key;
    }
    if let Some(var) = f.client_secret_env {
        draft.secret = SecretInput::Env(var);
    } else if let Some(path) = f.client_secret_file {
        draft.secret = SecretInput::File(path);
    }
    if f.production {
        draft.production = true;
    }
    for field in &args.unset {
        unset(&mut draft, *field);
    }
    let flow = draft.flow.unwrap_or(Flow::Interactive);
    let reads_secret = f.client_secret_stdin || f.api_key_stdin;
    if draft == before && !reads_secret {
        return Err(Failure::usage(
            "nothing to change: give the fields to change (see `cdf-signin profile edit --help`)",
        ));
    }
    if f.client_secret_stdin && flow != Flow::ClientCredentials {
        return Err(Failure::usage(
            "--client-secret-stdin applies to client-credentials profiles",
        ));
    }
    if f.api_key_stdin && flow != Flow::ApiKey {
        return Err(Failure::usage(
            "--api-key-stdin applies to --flow api-key only",
        ));
    }
    if let Err(p) = draft.check() {
        return Err(failure::problems(&p, Some(flow)));
    }
    if reads_secret {
        let kind = if f.api_key_stdin {
            SecretKind::ApiKey
        } else {
            SecretKind::ClientSecret
        };
        draft.secret = SecretInput::Store(read_secret(true, kind.noun())?);
    }
    let saved = ctx.app().edit(&args.name, &draft)?;
    output::note(&format!("Updated profile '{}'.", saved.name));
    Ok(())
}

fn unset(draft: &mut ProfileDraft, field: UnsetField) {
    match field {
        UnsetField::TenantId => draft.tenant_id.clear(),
        UnsetField::Authority => draft.authority.clear(),
        UnsetField::BaseUrl => draft.base_url.clear(),
        UnsetField::TokenUrl => draft.token_url.clear(),
        UnsetField::Scope => draft.scopes.clear(),
        UnsetField::Port => draft.port.clear(),
        UnsetField::Audience => draft.audience.clear(),
        UnsetField::LoginHint => draft.login_hint.clear(),
        UnsetField::Prompt => draft.prompt = None,
        UnsetField::CaFile => draft.ca_file = None,
        UnsetField::Certificate => {
            draft.certificate = None;
            draft.private_key = None;
        }
        UnsetField::Production => draft.production = false,
        UnsetField::ClientSecretEnv | UnsetField::ClientSecretFile => {
            if !matches!(draft.secret, SecretInput::Store(_)) {
                draft.secret = SecretInput::Keep;
            }
        }
    }
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

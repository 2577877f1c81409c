//! `profile add`: a profile from command-line options, checked by the application layer
//! before anything is stored; the secret is asked for only once everything else is
//! right.

use super::args::AddArgs;
use super::context::Ctx;
use super::failure::{self, CmdResult, Failure};
use super::output;
use super::secret_input::read_secret;
use crate::app::{ProfileDraft, SecretInput, only_the_secret_is_missing};
use crate::field::Field;
use crate::profile::{Flow, ProfileError};
use crate::secrets::SecretKind;

pub(super) fn add_profile(ctx: &Ctx, args: AddArgs) -> CmdResult {
    let flow: Flow = args.flow.into();
    let f = args.fields;
    let mut draft = ProfileDraft {
        original: None,
        name: args.name,
        flow: Some(flow),
        cluster: args.cluster,
        project: args.project,
        tenant_id: args.tenant_id.unwrap_or_default(),
        client_id: args.client_id.unwrap_or_default(),
        authority: f.authority.unwrap_or_default(),
        base_url: f.base_url.unwrap_or_default(),
        token_url: f.token_url.unwrap_or_default(),
        scopes: f.scopes,
        audience: f.audience.unwrap_or_default(),
        port: f.port.map(|p| p.to_string()).unwrap_or_default(),
        login_hint: f.login_hint.unwrap_or_default(),
        prompt: f.prompt.map(Into::into),
        ca_file: f.ca_file,
        certificate: f.certificate,
        private_key: f.private_key,
        secret: match (f.client_secret_env, f.client_secret_file) {
            (Some(var), _) => SecretInput::Env(var),
            (None, Some(path)) => SecretInput::File(path),
            (None, None) => SecretInput::Keep,
        },
        production: f.production,
        // `login --org` makes these profiles.
        org: None,
    };
    let needed = match draft.resolve() {
        Ok(_) => None,
        Err(p) if only_the_secret_is_missing(&p) => Some(match p[0].field {
            Field::ApiKey => SecretKind::ApiKey,
            _ => SecretKind::ClientSecret,
        }),
        Err(p) => return Err(failure::problems(&p, Some(flow))),
    };
    if f.client_secret_stdin && needed != Some(SecretKind::ClientSecret) {
        return Err(Failure::usage(
            "--client-secret-stdin applies to client-credentials profiles without a certificate",
        ));
    }
    if f.api_key_stdin && flow != Flow::ApiKey {
        return Err(Failure::usage(
            "--api-key-stdin applies to --flow api-key only",
        ));
    }
    // Before the secret is asked for: a taken name would waste the typing.
    if ctx.profiles()?.has(draft.name.trim()) {
        return Err(ProfileError::Exists(draft.name.trim().to_string()).into());
    }
    if let Some(kind) = needed {
        let from_stdin = match kind {
            SecretKind::ApiKey => f.api_key_stdin,
            _ => f.client_secret_stdin,
        };
        draft.secret = SecretInput::Store(read_secret(from_stdin, kind.noun())?);
    }
    let saved = ctx.app().create(&draft)?;
    let profile = ctx.profiles()?.get(&saved.name)?.clone();
    if profile.base_url.is_none()
        && let Some(known) = crate::cdf::clusters::did_you_mean(&profile.cluster)
    {
        output::note(&format!(
            "note: '{}' is not one of the common clusters (did you mean '{known}'?); the base URL is {}",
            profile.cluster,
            profile.base_url()
        ));
    }
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
    // Suggested, never set: the person decides what production is.
    if !profile.production && crate::profile::looks_like_production(&profile.project) {
        output::note(&format!(
            "note: project '{}' looks like production; mark the profile with `cdf-signin profile edit {} --production`",
            profile.project, saved.name
        ));
    }
    Ok(())
}

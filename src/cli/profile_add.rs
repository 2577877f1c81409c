//! `profile add`: a profile from command-line options, checked before anything is stored.

use std::path::{Path, PathBuf};

use super::args::AddArgs;
use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use super::output;
use super::secret_input::read_secret;
use crate::auth::{ClientCertificate, Http};
use crate::profile::{self, Flow, Profile, ProfileError};
use crate::secrets::SecretKind;

pub(super) fn add_profile(ctx: &Ctx, args: AddArgs) -> CmdResult {
    profile::validate_name(&args.name)?;
    let flow: Flow = args.flow.into();
    // Tenant and client identify the app registration; a legacy API key has neither.
    let (tenant_id, client_id) = match (flow, args.tenant_id, args.client_id) {
        (Flow::ApiKey, t, c) => (t.unwrap_or_default(), c.unwrap_or_default()),
        (_, Some(t), Some(c)) => (t, c),
        (_, None, _) => {
            return Err(Failure::usage(format!(
                "--tenant-id is required for the {} flow",
                flow.as_str()
            )));
        }
        (_, _, None) => {
            return Err(Failure::usage(format!(
                "--client-id is required for the {} flow",
                flow.as_str()
            )));
        }
    };
    let mut p = Profile {
        cluster: args.cluster,
        project: args.project,
        tenant_id,
        client_id,
        flow,
        authority: args.authority,
        base_url: args.base_url,
        token_url: args.token_url,
        scopes: args.scopes,
        audience: args.audience,
        port: args.port,
        login_hint: args.login_hint,
        prompt: args.prompt.map(Into::into),
        ca_file: args.ca_file.as_deref().map(absolute).transpose()?,
        certificate: args.certificate.as_deref().map(absolute).transpose()?,
        private_key: args.private_key.as_deref().map(absolute).transpose()?,
        client_secret_env: args.client_secret_env,
        // Not resolved: the file may appear only where the service runs (systemd).
        client_secret_file: args
            .client_secret_file
            .as_deref()
            .map(std::path::absolute)
            .transpose()
            .map_err(|e| Failure::usage(format!("--client-secret-file: {e}")))?,
    };
    if flow != Flow::Interactive && flow != Flow::ApiKey && p.port.is_some() {
        return Err(Failure::usage(
            "--port applies to the interactive flow only",
        ));
    }
    p.scopes.dedup();
    p.validate()?;
    if let (Some(c), Some(k)) = (&p.certificate, &p.private_key) {
        ClientCertificate::load(c, k).map_err(|e| Failure::usage(e.to_string()))?;
    }
    if let Some(ca) = &p.ca_file {
        Http::new(Some(ca))?;
    }
    if ctx.store.load()?.profiles.contains_key(&args.name) {
        return Err(ProfileError::Exists(args.name).into());
    }

    let secret_kind = p.secret_kind();
    if args.client_secret_stdin && secret_kind != Some(SecretKind::ClientSecret) {
        return Err(Failure::usage(
            "--client-secret-stdin applies to client-credentials profiles without a certificate",
        ));
    }
    if args.api_key_stdin && flow != Flow::ApiKey {
        return Err(Failure::usage(
            "--api-key-stdin applies to --flow api-key only",
        ));
    }
    let secret = match secret_kind {
        Some(kind @ SecretKind::ApiKey) => Some(read_secret(args.api_key_stdin, kind.noun())?),
        Some(kind) => Some(read_secret(args.client_secret_stdin, kind.noun())?),
        None => None,
    };
    if p.base_url.is_none()
        && let Some(known) = crate::cdf::clusters::did_you_mean(&p.cluster)
    {
        output::note(&format!(
            "note: '{}' is not one of the common clusters (did you mean '{known}'?); the base URL is {}",
            p.cluster,
            p.base_url()
        ));
    }
    let is_default = crate::provision::create(
        &ctx.store,
        ctx.secrets(),
        &args.name,
        &p,
        secret_kind.zip(secret.as_ref()),
    )?;
    output::note(&format!(
        "Added profile '{}' ({}, project {} at {}){}.",
        args.name,
        flow.as_str(),
        p.project,
        p.base_url(),
        if is_default { ", the default" } else { "" }
    ));
    Ok(())
}

/// Profiles keep absolute paths: the window and scripts run from other directories.
fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    std::fs::canonicalize(path)
        .map_err(|e| Failure::usage(format!("cannot find {}: {e}", path.display())))
}

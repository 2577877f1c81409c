//! `profile add` and `profile edit`, stage one: their flags as a typed request (the
//! changes to a draft, and which secret stdin holds), made in one place for both; the
//! application layer's [`ProfileDraft::apply`] carries it into the draft. Then the one
//! rule for `--client-secret-stdin` and `--api-key-stdin`.

use super::args::{FieldArgs, UnsetField};
use super::failure::Failure;
use crate::app::{DraftChanges, ProfileDraft, SecretInput};
use crate::field::Field;
use crate::secrets::SecretKind;

/// What the flags ask for.
pub(super) struct ProfileRequest {
    pub changes: DraftChanges,
    /// The secret to read from stdin: `--client-secret-stdin` or `--api-key-stdin`.
    pub stdin: Vec<SecretKind>,
}

/// The fields the two commands name the same way, beside their own (the flow, cluster,
/// project, tenant and client, which `add` requires and `edit` may change).
pub(super) fn request(
    mut changes: DraftChanges,
    f: FieldArgs,
    unset: &[UnsetField],
) -> ProfileRequest {
    changes.authority = f.authority;
    changes.base_url = f.base_url;
    changes.token_url = f.token_url;
    changes.scopes = (!f.scopes.is_empty()).then_some(f.scopes);
    changes.audience = f.audience;
    changes.port = f.port.map(|p| p.to_string());
    changes.login_hint = f.login_hint;
    changes.prompt = f.prompt.map(Into::into);
    changes.ca_file = f.ca_file;
    // clap requires both of the pair.
    changes.certificate = f.certificate.zip(f.private_key);
    changes.secret = match (f.client_secret_env, f.client_secret_file) {
        (Some(var), _) => Some(SecretInput::Env(var)),
        (None, Some(path)) => Some(SecretInput::File(path)),
        (None, None) => None,
    };
    changes.production = f.production.then_some(true);
    changes.unset = unset.iter().filter_map(|u| unset_field(*u)).collect();
    if unset.contains(&UnsetField::Production) {
        changes.production = Some(false);
    }
    let mut stdin = Vec::new();
    if f.client_secret_stdin {
        stdin.push(SecretKind::ClientSecret);
    }
    if f.api_key_stdin {
        stdin.push(SecretKind::ApiKey);
    }
    ProfileRequest { changes, stdin }
}

fn unset_field(u: UnsetField) -> Option<Field> {
    Some(match u {
        UnsetField::TenantId => Field::TenantId,
        UnsetField::Authority => Field::Authority,
        UnsetField::BaseUrl => Field::BaseUrl,
        UnsetField::TokenUrl => Field::TokenUrl,
        UnsetField::Scope => Field::Scopes,
        UnsetField::Port => Field::Port,
        UnsetField::Audience => Field::Audience,
        UnsetField::LoginHint => Field::LoginHint,
        UnsetField::Prompt => Field::Prompt,
        UnsetField::CaFile => Field::CaFile,
        UnsetField::Certificate => Field::Certificate,
        UnsetField::ClientSecretEnv => Field::ClientSecretEnv,
        UnsetField::ClientSecretFile => Field::ClientSecretFile,
        // A mark, not a field: `request` turns it into `production = false`.
        UnsetField::Production => return None,
    })
}

/// The secret stdin is to give, if a flag asks for one: only the kind the profile keeps
/// in the secret store (a client secret for client credentials without a certificate or
/// a secret variable or file; an API key for an api-key profile).
pub(super) fn stdin_secret(
    draft: &ProfileDraft,
    asked: &[SecretKind],
) -> Result<Option<SecretKind>, Failure> {
    let kept = draft.stored_secret_kind();
    for kind in asked {
        if kept != Some(*kind) {
            return Err(Failure::usage(match kind {
                SecretKind::ApiKey => "--api-key-stdin applies to --flow api-key only",
                _ => {
                    "--client-secret-stdin applies to client-credentials profiles without a certificate or a secret variable or file"
                }
            }));
        }
    }
    Ok(asked.first().copied())
}

//! Signing in and handing out what a profile signs in to: `login`, `logout`, `token` (the
//! access token, or a legacy API key) and `claims`.

use std::time::Duration;

use chrono::{DateTime, Local, SecondsFormat, Utc};
use serde_json::json;

use super::args::Select;
use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use super::output;
use crate::auth::SignInPrompt;
use crate::format::{
    is_time_claim, json_value_in_line, local_time_with_offset, time_left_in_words,
};
use crate::profile::Flow;
use crate::secrets::Secret;
use crate::session::{Credential, TokenOptions};
use crate::token::Jwt;

pub(super) fn login(ctx: &Ctx, select: &Select, timeout: u64) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    if profile.flow == Flow::ApiKey {
        output::note(&format!(
            "Profile '{name}' uses a legacy API key: there is nothing to sign in to. \
             `cdf-signin inspect --profile {name}` checks the key."
        ));
        return Ok(());
    }
    let session = ctx.session();
    let cancel = ctx.cancel_on_ctrl_c();
    let set = session
        .login(
            &name,
            &profile,
            &print_prompt,
            &cancel,
            Duration::from_secs(timeout.max(1)),
        )
        .map_err(|e| super::failure::session_failure(&name, e))?;
    output::note(&format!(
        "Signed in with profile '{name}'; the access token is valid until {}.",
        local_time_with_offset(set.expires_at)
    ));
    ctx.note_first_fallback();
    Ok(())
}

pub(super) fn logout(ctx: &Ctx, select: &Select) -> CmdResult {
    let file = ctx.store.load()?;
    let (name, profile) = file.resolve(select.profile.as_deref())?;
    let done = ctx.session().sign_out(name, profile, &file)?;
    output::note(&signed_out_text(name, &done));
    Ok(())
}

/// "Signed out of 'dev'", naming the profiles that shared its sign-in and what the
/// provider did about it.
fn signed_out_text(name: &str, done: &crate::session::SignedOut) -> String {
    let others: Vec<String> = done
        .profiles
        .iter()
        .filter(|p| *p != name)
        .map(|p| format!("'{p}'"))
        .collect();
    let mut text = format!("Signed out of '{name}'");
    if !others.is_empty() {
        text.push_str(&format!(
            " and of the profiles sharing its sign-in: {}",
            others.join(", ")
        ));
    }
    text.push('.');
    if done.revoked {
        text.push_str(" The identity provider revoked the sign-in.");
    }
    if let Some(e) = &done.revoke_error {
        text.push_str(&format!(
            " The identity provider could not revoke it ({e}); it is forgotten here."
        ));
    }
    text
}

pub(super) fn print_prompt(prompt: SignInPrompt) {
    // Everything here goes through `note`, which defuses escape sequences a provider put
    // in its message or URLs.
    match prompt {
        SignInPrompt::Browser { url, opened } => {
            match &opened {
                Ok(()) => output::note(
                    "Opened your browser to sign in. If nothing appeared, open this URL:",
                ),
                Err(e) => output::note(&format!(
                    "Could not open a browser ({e}). Open this URL to sign in:"
                )),
            }
            output::note(&format!("  {url}"));
            if opened.is_err() {
                output::note(
                    "(No browser here? A profile with --flow device-code signs in from any other device.)",
                );
            }
            output::note("Waiting for the sign-in to finish (Ctrl-C cancels)...");
        }
        SignInPrompt::DeviceCode(d) => {
            match &d.message {
                Some(m) => output::note(m),
                None => output::note(&format!(
                    "To sign in, open {} and enter the code {}",
                    d.verification_uri, d.user_code
                )),
            }
            output::note(&format!("  URL:  {}", d.verification_uri));
            output::note(&format!("  Code: {}", d.user_code));
            output::note(&format!(
                "The code expires at {} (Ctrl-C cancels).",
                local_time_with_offset(d.expires_at)
            ));
        }
    }
}

pub(super) fn token(ctx: &Ctx, select: &Select, json: bool, opts: TokenOptions) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    let credential = ctx
        .session()
        .credential(&name, &profile, opts)
        .map_err(|e| super::failure::token_failure(&name, &profile, e))?;
    if !json {
        return output::print_line(credential.secret().expose());
    }
    // A legacy API key has no type CDF names and no expiry.
    let (token_type, expires_at, expires_in) = match &credential {
        Credential::Bearer(set, source) => {
            tracing::debug!(?source, "token served");
            let expires_at: DateTime<Local> = set.expires_at.into();
            (
                json!(set.token_type),
                json!(expires_at.to_rfc3339_opts(SecondsFormat::Secs, false)),
                json!(set.seconds_left(ctx.session().now()).max(0)),
            )
        }
        Credential::ApiKey(_) => (json!("api-key"), json!(null), json!(null)),
    };
    let value = json!({
        "access_token": credential.secret().expose(),
        "token_type": token_type,
        "expires_at": expires_at,
        "expires_in": expires_in,
        "profile": name,
        "project": profile.project,
        "base_url": profile.base_url(),
    });
    output::print_line(&value.to_string())
}

pub(super) fn claims(ctx: &Ctx, select: &Select, json: bool) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    let (set, _) = ctx.session().token(
        &name,
        &profile,
        TokenOptions {
            min_valid_secs: 0,
            force_refresh: false,
        },
    )?;
    let now = ctx.session().now();
    let access = decode_for_display(&set.access_token, "access token")?;
    let id = match &set.id_token {
        Some(t) => Some(decode_for_display(t, "ID token")?),
        None => None,
    };
    if json {
        let view = |jwt: &Jwt| {
            let exp = jwt.time_claim("exp");
            json!({
                "header": jwt.header,
                "claims": jwt.claims,
                "expires_at": exp.map(|t| DateTime::<Local>::from(t).to_rfc3339_opts(SecondsFormat::Secs, false)),
                "expires_in": exp.map(|t| (t - now).num_seconds()),
            })
        };
        let value = json!({
            "profile": name,
            "access_token": view(&access),
            "id_token": id.as_ref().map(view),
        });
        return output::print_json(&value);
    }
    let mut out = String::new();
    print_jwt(
        &mut out,
        &format!("Access token of profile '{name}'"),
        &access,
        now,
    );
    if let Some(id) = &id {
        out.push('\n');
        print_jwt(&mut out, "ID token", id, now);
    }
    output::print_text(&out)
}

fn decode_for_display(token: &Secret, what: &str) -> Result<Jwt, Failure> {
    Jwt::decode(token.expose()).map_err(|e| Failure::new(format!("cannot show the {what}: {e}")))
}

fn print_jwt(out: &mut String, title: &str, jwt: &Jwt, now: DateTime<Utc>) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "{title}");
    if let Some(exp) = jwt.time_claim("exp") {
        let left = (exp - now).num_seconds();
        let _ = writeln!(
            out,
            "  expires: {} ({})",
            local_time_with_offset(exp),
            time_left_in_words(left)
        );
    }
    let _ = writeln!(out, "Header");
    for (k, v) in &jwt.header {
        let _ = writeln!(out, "  {k}: {}", json_value_in_line(v));
    }
    let _ = writeln!(out, "Claims");
    for (k, v) in &jwt.claims {
        let time = is_time_claim(k)
            .then(|| jwt.time_claim(k))
            .flatten()
            .map(|t| format!(" ({})", local_time_with_offset(t)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {k}: {}{time}", json_value_in_line(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::TokenSet;
    use chrono::TimeZone;

    fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        match value {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }

    #[test]
    fn claims_text_lists_header_and_claims_with_local_times() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).single().unwrap();
        let exp = now + chrono::Duration::seconds(90);
        let jwt = Jwt {
            header: object(json!({"alg": "RS256"})),
            claims: object(json!({"exp": exp.timestamp(), "groups": ["a", "b"], "sub": "me"})),
        };
        let mut out = String::new();
        print_jwt(&mut out, "Access token", &jwt, now);
        let at = local_time_with_offset(exp);
        assert_eq!(
            out,
            format!(
                "Access token\n  expires: {at} (in 1 min 30 s)\nHeader\n  alg: RS256\nClaims\n  \
                 exp: {} ({at})\n  groups: [\"a\",\"b\"]\n  sub: me\n",
                exp.timestamp()
            )
        );
    }

    #[test]
    fn token_set_serialisation_keeps_secrets_out_of_debug() {
        let set = TokenSet {
            access_token: Secret::new("tok-value"),
            token_type: "Bearer".into(),
            expires_at: Utc::now(),
            refresh_token: Some(Secret::new("rt-value")),
            id_token: None,
            scope: None,
        };
        let dbg = format!("{set:?}");
        assert!(!dbg.contains("tok-value") && !dbg.contains("rt-value"));
    }
}

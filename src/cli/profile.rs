//! The `profile` commands that read or change stored profiles: list, show, remove, use,
//! set-secret. (`add` is in [`super::profile_add`]; `add-from` and `import` in
//! [`super::cdf_commands`].)

use std::path::PathBuf;

use serde_json::{Value, json};

use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use super::output;
use super::secret_input::read_secret;
use crate::format::json_value_in_line;
use crate::profile::{Flow, Profile, Prompt, SecretSource};

pub(super) fn remove_profile(ctx: &Ctx, name: &str) -> CmdResult {
    ctx.app().remove(name)?;
    output::note(&format!(
        "Removed profile '{name}' with its tokens and keyring entries."
    ));
    Ok(())
}

/// `profile remove --all`.
pub(super) fn remove_all(ctx: &Ctx) -> CmdResult {
    let done = ctx.app().remove_all();
    let removed = &done.removed;
    output::note(&match removed.len() {
        0 => "There were no profiles to remove.".to_string(),
        n => format!(
            "Removed {n} profile{} ({}) with their tokens and keyring entries.",
            if n == 1 { "" } else { "s" },
            removed.join(", ")
        ),
    });
    if done.leftovers > 0 {
        output::note(&format!(
            "Also removed the tokens and keyring entries of {} name{} no profile had (signed-in accounts, profiles removed by hand).",
            done.leftovers,
            if done.leftovers == 1 { "" } else { "s" }
        ));
    }
    if done.failed.is_empty() {
        return Ok(());
    }
    for (what, why) in &done.failed {
        output::note(&format!("warning: could not remove {what}: {why}"));
    }
    let what: Vec<&str> = done.failed.iter().map(|(w, _)| w.as_str()).collect();
    Err(Failure::new(format!(
        "could not remove {}; the rest is removed",
        what.join(", ")
    ))
    .hint("fix what the warnings above say, then run 'cdf-signin profile remove --all' again"))
}

pub(super) fn use_profile(ctx: &Ctx, name: &str) -> CmdResult {
    ctx.app().set_default(name)?;
    output::note(&format!("'{name}' is now the default profile."));
    Ok(())
}

/// `profile set-secret`: a new client secret or API key, read from stdin or a prompt.
pub(super) fn set_secret(ctx: &Ctx, name: &str, from_stdin: bool) -> CmdResult {
    let file = ctx.profiles()?;
    let profile = file.get(name)?;
    let Some(kind) = profile.secret_kind() else {
        return Err(Failure::new(format!(
            "profile '{name}' does not use a client secret"
        ))
        .hint("only client-credentials profiles without a certificate, and api-key profiles, have one"));
    };
    let what = kind.noun();
    let secret = read_secret(from_stdin, what)?;
    ctx.app().set_secret(name, &secret)?;
    output::note(&format!(
        "Stored the new {what} of '{name}' in the {}.",
        ctx.secrets().noun()
    ));
    Ok(())
}

fn profile_summary(name: &str, p: &Profile, is_default: bool) -> Value {
    json!({
        "name": name,
        "default": is_default,
        "flow": p.flow.as_str(),
        "cluster": p.cluster,
        "project": p.project,
        "base_url": p.base_url(),
        "tenant_id": (!p.tenant_id.is_empty()).then_some(&p.tenant_id),
        "client_id": (!p.client_id.is_empty()).then_some(&p.client_id),
        "production": p.production,
        "org": p.org,
    })
}

pub(super) fn list_profiles(ctx: &Ctx, json: bool) -> CmdResult {
    let file = ctx.profiles()?;
    let is_default = |n: &str| file.default.as_deref() == Some(n);
    let people = signed_in_people(ctx, &file);
    let who = |n: &str| people.get(n).cloned().flatten();
    if json {
        let list: Vec<Value> = file
            .profiles
            .iter()
            .map(|(n, p)| {
                let mut v = profile_summary(n, p, is_default(n));
                v["signed_in_as"] = json!(who(n));
                v
            })
            .collect();
        return output::print_json(&Value::Array(list));
    }
    if file.profiles.is_empty() {
        output::note(&format!(
            "No profiles yet. Add one with your own cluster, project, tenant and client ids, e.g. `{}`.",
            super::args::ADD_EXAMPLE
        ));
        return Ok(());
    }
    let width = |header: &str, cells: &mut dyn Iterator<Item = usize>| {
        cells.max().unwrap_or(0).max(header.len())
    };
    let name_w = width("NAME", &mut file.profiles.keys().map(String::len));
    let project_w = width(
        "PROJECT",
        &mut file.profiles.values().map(|p| p.project.len()),
    )
    .max(20);
    // The organization and the person get a column when some profile has one.
    let orgs = file.profiles.values().any(|p| p.org.is_some());
    let org_w = width(
        "ORG",
        &mut file
            .profiles
            .values()
            .map(|p| p.org.as_deref().map_or(1, str::len)),
    );
    let signed_in = people.values().any(Option::is_some);
    let who_w = width(
        "SIGNED IN AS",
        // A person's name may be "Åsa Ødegård": padded by characters, as `format!` pads.
        &mut people
            .values()
            .map(|w| w.as_deref().map_or(1, |w| w.chars().count())),
    );
    let optional = |on: bool, text: &str, w: usize| {
        if on {
            format!("{text:w$}  ")
        } else {
            String::new()
        }
    };
    let mut text = format!(
        "  {:name_w$}  {:18}  {:project_w$}  {}{}BASE URL\n",
        "NAME",
        "FLOW",
        "PROJECT",
        optional(orgs, "ORG", org_w),
        optional(signed_in, "SIGNED IN AS", who_w),
    );
    for (n, p) in &file.profiles {
        let mark = if is_default(n) { '*' } else { ' ' };
        let production = if p.production { "  PRODUCTION" } else { "" };
        text.push_str(&format!(
            "{mark} {n:name_w$}  {:18}  {:project_w$}  {}{}{}{production}\n",
            p.flow.as_str(),
            p.project,
            optional(orgs, p.org.as_deref().unwrap_or("-"), org_w),
            optional(signed_in, who(n).as_deref().unwrap_or("-"), who_w),
            p.base_url()
        ));
    }
    output::print_text(&text)
}

/// Who is signed in for each profile, by name or e-mail, from what is kept here (no
/// network; a service principal has none). The keyring is asked only for profiles
/// with a token cache; once it fails, the rest are left unknown too rather than the
/// list failing or waiting on it again.
fn signed_in_people(
    ctx: &Ctx,
    file: &crate::profile::ProfileFile,
) -> std::collections::BTreeMap<String, Option<String>> {
    let mut reachable = true;
    let mut people = std::collections::BTreeMap::new();
    for (name, p) in &file.profiles {
        let who = if reachable {
            ctx.session().signed_in_person(name, p).unwrap_or_else(|_| {
                reachable = false;
                None
            })
        } else {
            None
        };
        people.insert(name.clone(), who);
    }
    people
}

pub(super) fn show_profile(ctx: &Ctx, name: &str, json: bool) -> CmdResult {
    let file = ctx.profiles()?;
    let p = file.get(name)?;
    let store = ctx.secrets().noun();
    let secret = if let Some(kind) = p.secret_kind() {
        Some(match ctx.secrets().get(name, kind) {
            Ok(Some(_)) => format!("stored in the {store}"),
            Ok(None) => "missing".to_string(),
            Err(_) => format!("unknown ({store} unreachable)"),
        })
    } else {
        match p.client_secret_source() {
            SecretSource::Env(var) => Some(format!("read from ${var} at each token request")),
            SecretSource::File(path) => Some(format!(
                "read from {} at each token request",
                path.display()
            )),
            SecretSource::Store => None,
        }
    };
    let path = |o: &Option<PathBuf>| o.as_ref().map(|p| p.display().to_string());
    let mut v = profile_summary(name, p, file.default.as_deref() == Some(name));
    let idp = p.flow.uses_idp();
    let extra = json!({
        // A service principal with only a token URL has no authority to show.
        "authority": (idp && !(p.tenant_id.is_empty() && p.authority.is_none() && p.org.is_none())).then(|| p.authority()),
        "audience": p.audience,
        "token_url": p.token_url,
        "scopes": idp.then(|| p.sign_in_scopes()),
        "redirect_uri": (p.flow == Flow::Interactive).then(|| crate::auth::interactive::redirect_uri(p, p.shown_port())),
        // A list is tried in order; without one, any free port when the default is taken.
        "redirect_ports": (p.flow == Flow::Interactive).then(|| match &p.port {
            Some(spec) => spec.to_string(),
            None => format!("{} (else any free port)", crate::profile::DEFAULT_PORT),
        }),
        "login_hint": p.login_hint,
        "prompt": p.prompt.map(Prompt::as_str),
        "ca_file": path(&p.ca_file),
        "certificate": path(&p.certificate),
        "private_key": path(&p.private_key),
        (if p.flow == Flow::ApiKey { "api_key" } else { "client_secret" }): secret,
        "client_secret_env": p.client_secret_env,
        "client_secret_file": path(&p.client_secret_file),
        "storage": ctx.secrets().describe(),
        "account": account_value(ctx, name, p, &file),
    });
    if let (Value::Object(base), Value::Object(more)) = (&mut v, extra) {
        base.extend(more);
    }
    if json {
        return output::print_json(&v);
    }
    let mut out = String::new();
    if let Value::Object(map) = &v {
        for (k, val) in map {
            if k == "account" {
                out.push_str(&account_text(val));
                continue;
            }
            let text = match val {
                Value::Null if k == "tenant_id" && idp => "unknown".to_string(),
                Value::Null => continue,
                Value::Array(items) => items
                    .iter()
                    .map(json_value_in_line)
                    .collect::<Vec<_>>()
                    .join(" "),
                other => json_value_in_line(other),
            };
            out.push_str(&format!(
                "{:14} {text}\n",
                format!("{}:", k.replace('_', " "))
            ));
        }
    }
    output::print_text(&out)
}

/// The account a person's profile shares with others: its id, who is signed in to it,
/// and the profiles sharing it. Null for service principals and API keys; an unreachable
/// keyring leaves the sign-in unknown.
fn account_value(ctx: &Ctx, name: &str, p: &Profile, file: &crate::profile::ProfileFile) -> Value {
    let Some(account) = p.account() else {
        return Value::Null;
    };
    match ctx.session().account_status(name, p, file) {
        Ok(Some(status)) => json!({
            "id": status.id,
            "signed_in": status.signed_in,
            "signed_in_as": status.signed_in_as,
            "profiles": status.profiles,
        }),
        Ok(None) | Err(_) => json!({
            "id": account.id,
            "signed_in": null,
            "signed_in_as": null,
            "profiles": file.account_members(&account),
        }),
    }
}

fn account_text(v: &Value) -> String {
    if v.is_null() {
        return String::new();
    }
    let state = match (v["signed_in"].as_bool(), v["signed_in_as"].as_str()) {
        (Some(true), Some(who)) => format!("signed in as {who}"),
        (Some(true), None) => "signed in".to_string(),
        (Some(false), _) => "not signed in".to_string(),
        (None, _) => "sign-in unknown (keyring unreachable)".to_string(),
    };
    let profiles: Vec<&str> = v["profiles"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!(
        "{:14} {} ({state})\n{:14} {}\n",
        "account:",
        v["id"].as_str().unwrap_or_default(),
        "shared by:",
        profiles.join(" ")
    )
}

//! The commands that talk to CDF or read its configuration: `inspect`, `env`,
//! `profile add-from`, `profile import`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use super::args::{AddFromArgs, ImportArgs, Select};
use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use super::output;
use crate::app::{ImportOutcome, ImportSource};
use crate::cdf::client::LoginStatus;
use crate::cdf::export::{self, ProjectEnv, Shell};
use crate::cdf::inspect::{Inspection, ProjectScope, Verdict};
use crate::cdf::{self as cdf_mod, Access};
use crate::profile::Profile;
use crate::session::TokenOptions;

pub(super) fn inspect(ctx: &Ctx, select: &Select, json: bool) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    let access = cdf_mod::check_access(ctx.session(), &name, &profile)
        .map_err(|e| super::failure::access_failure(&name, &profile, e))?;
    // Who the token is for, by name or e-mail, from the token just used (cached).
    let person = match &access {
        Access::Token(_) => ctx
            .session()
            .credential(&name, &profile, TokenOptions::default())
            .ok()
            .and_then(|c| match c {
                crate::session::Credential::Bearer(set, _) => set.person(),
                crate::session::Credential::ApiKey(_) => None,
            }),
        Access::ApiKey(_) => None,
    };
    let text = match (&access, json) {
        (Access::Token(i), true) => {
            let mut value = inspection_json(&name, &profile, i);
            value["user"] = json!(person);
            value.to_string()
        }
        (Access::Token(i), false) => inspection_text(&name, &profile, i, person.as_deref()),
        (Access::ApiKey(s), true) => login_status_json(&name, &profile, s).to_string(),
        (Access::ApiKey(s), false) => login_status_text(&name, &profile, s),
    };
    if json {
        output::print_line(text.trim_end())?;
    } else {
        output::print_text(&format!("{}\n", text.trim_end()))?;
    }
    // Like doctor: a token that does not reach the profile's project is a failure, said
    // already in the output (the Project line, or project_reachable in the JSON).
    let reachable = match &access {
        Access::Token(i) => matches!(i.verdict(&profile.project), Verdict::Reachable),
        Access::ApiKey(s) => s.project == profile.project,
    };
    if reachable {
        Ok(())
    } else {
        Err(Failure::silent(super::EXIT_ERROR))
    }
}

fn verdict_json(verdict: &Verdict) -> (bool, Vec<String>) {
    match verdict {
        Verdict::Reachable => (true, vec![]),
        Verdict::Unreachable { others } => (false, others.clone()),
    }
}

fn inspection_json(name: &str, p: &Profile, i: &Inspection) -> Value {
    let (reachable, others) = verdict_json(&i.verdict(&p.project));
    json!({
        "profile": name,
        "project": p.project,
        "base_url": p.base_url(),
        "subject": i.subject,
        "project_reachable": reachable,
        "did_you_mean": others,
        "projects": i.projects.iter().map(|p| json!({"name": p.name, "groups": p.groups})).collect::<Vec<_>>(),
        "capabilities": i.capabilities.iter().map(|c| json!({
            "acl": c.acl,
            "actions": c.actions,
            "scope": {"kind": c.scope.kind, "detail": c.scope.detail},
            "project_scope": match &c.projects {
                ProjectScope::All => json!("all"),
                ProjectScope::Projects(p) => json!(p),
                ProjectScope::Other(o) => json!({"other": o}),
            },
        })).collect::<Vec<_>>(),
    })
}

fn inspection_text(name: &str, p: &Profile, i: &Inspection, person: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Profile:   {name} ({} at {})", p.project, p.base_url());
    match person {
        Some(who) => writeln!(out, "User:      {who} (subject {})", i.subject),
        None => writeln!(out, "Subject:   {}", i.subject),
    }
    .ok();
    let _ = writeln!(out, "Project:   {}", i.verdict_sentence(&p.project));
    let projects: Vec<String> = i
        .projects
        .iter()
        .map(|p| {
            let groups = match p.groups.len() {
                0 => String::new(),
                1 => format!(" (group {})", p.groups[0]),
                _ => format!(" (groups {})", p.groups.join(", ")),
            };
            format!("{}{groups}", p.name)
        })
        .collect();
    let _ = writeln!(
        out,
        "Projects:  {}",
        if projects.is_empty() {
            "none".to_string()
        } else {
            projects.join(", ")
        }
    );
    let groups = i.by_acl();
    let _ = writeln!(out, "\nCapabilities ({} ACLs):", groups.len());
    for (acl, caps) in groups {
        let _ = writeln!(out, "  {acl}");
        for c in caps {
            let _ = writeln!(
                out,
                "    {:28} scope: {:30} projects: {}",
                c.actions.join(", "),
                c.scope.to_string(),
                c.projects
            );
        }
    }
    out
}

fn login_status_json(name: &str, p: &Profile, s: &LoginStatus) -> Value {
    json!({
        "profile": name,
        "project": p.project,
        "base_url": p.base_url(),
        "legacy_api_key": true,
        "user": s.user,
        "logged_in": s.logged_in,
        "key_project": s.project,
        "project_id": s.project_id,
        "project_reachable": s.project == p.project,
    })
}

fn login_status_text(name: &str, p: &Profile, s: &LoginStatus) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Profile:   {name} (legacy API key; {} at {})",
        p.project,
        p.base_url()
    );
    let _ = writeln!(out, "User:      {}", s.user);
    let _ = writeln!(out, "Logged in: {}", if s.logged_in { "yes" } else { "no" });
    let id = s
        .project_id
        .map(|i| format!(" (id {i})"))
        .unwrap_or_default();
    let _ = writeln!(out, "Project:   {}{id}", s.project);
    if s.project != p.project {
        let _ = writeln!(
            out,
            "Note:      the key belongs to project '{}', not the profile's '{}'",
            s.project, p.project
        );
    }
    out
}

pub(super) fn env(ctx: &Ctx, select: &Select, shell: Option<&str>) -> CmdResult {
    let shell: Shell = match shell {
        Some(name) => name.parse().map_err(Failure::usage)?,
        None => Shell::NATIVE,
    };
    let (name, profile) = ctx.resolve(select)?;
    super::output::production_note(&name, &profile);
    let session = ctx.session();
    let credential = session
        .credential(&name, &profile, TokenOptions::default())
        .map_err(|e| super::failure::token_failure(&name, &profile, e))?;
    let var = export::credential_var(credential.is_api_key());
    let base_url = profile.base_url();
    let env = ProjectEnv {
        project: &profile.project,
        cluster: &profile.cluster,
        base_url: &base_url,
    };
    let lines = export::env_lines(&env, Some((var, credential.secret().expose())), shell)
        .map_err(|e| Failure::new(e.to_string()).hint(UNWRITABLE_HINT))?;
    output::print(&lines)
}

/// What to do when cmd cannot be given a value: PowerShell quotes any value.
const UNWRITABLE_HINT: &str = "use `cdf-signin env --shell powershell` (in PowerShell), which quotes any value, or `cdf-signin token` for the token alone";

pub(super) fn add_from(ctx: &Ctx, args: &AddFromArgs) -> CmdResult {
    let (from, project) = (&args.name, &args.project);
    let added = ctx
        .app()
        .add_for_project(from, project, args.new_name.as_deref())?;
    output::note(&format!(
        "Added profile '{}' for project {project} (like '{from}'{}){}.",
        added.saved.name,
        if added.copied_secret {
            ", with the same stored secret"
        } else {
            ""
        },
        if added.saved.is_default {
            ", the default"
        } else {
            ""
        }
    ));
    output::production_suggestion(&added.saved);
    Ok(())
}

pub(super) fn import(ctx: &Ctx, args: &ImportArgs) -> CmdResult {
    let env = |k: &str| std::env::var(k).ok();
    let source = match (args.file.as_deref(), args.from_env) {
        (Some(_), true) => return Err(Failure::usage("give a FILE or --from-env, not both")),
        (None, true) => ImportSource::Vars(&env),
        (path, false) => ImportSource::File(path.unwrap_or(Path::new(".env"))),
    };
    // Running the command on a file is the confirmation; its endpoints are named below.
    let outcome = ctx.app().import(source, args.name.as_deref(), true)?;
    let ImportOutcome::Saved {
        saved,
        notes,
        endpoints,
        secret_stored,
    } = outcome
    else {
        return Err(Failure::new("the import was not confirmed"));
    };
    for note in &notes {
        output::note(&format!("note: {note}"));
    }
    for endpoint in &endpoints {
        output::note(&format!(
            "note: uses {endpoint} (not the provider's default); import only files you trust"
        ));
    }
    let profile = ctx.profiles()?.get(&saved.name)?.clone();
    output::note(&format!(
        "Imported profile '{}' ({}, project {} at {}){}{}.",
        saved.name,
        profile.flow.as_str(),
        profile.project,
        profile.base_url(),
        if secret_stored {
            format!(", client secret in the {}", ctx.secrets().noun())
        } else {
            String::new()
        },
        if saved.is_default {
            ", the default"
        } else {
            ""
        }
    ));
    output::production_suggestion(&saved);
    Ok(())
}

//! `login --org ORG`: sign in with Cognite's own identity provider to an organization,
//! then one profile per project (`app::Profiles::sign_in_org`).

use std::time::Duration;

use super::context::Ctx;
use super::failure::CmdResult;
use super::output;
use super::token::print_prompt;
use crate::cdf::orgs::{self, OrgSignIn};
use crate::profile::PortSpec;

pub(super) fn login(
    ctx: &Ctx,
    org: String,
    client_id: Option<String>,
    ports: Option<PortSpec>,
    authority: Option<String>,
    timeout: u64,
) -> CmdResult {
    let request = OrgSignIn {
        org,
        client_id,
        authority: orgs::base_from(authority, |k| std::env::var(k).ok()),
        ports,
    };
    let cancel = ctx.cancel_on_ctrl_c();
    let done = ctx.app().sign_in_org(
        &request,
        &print_prompt,
        &cancel,
        Duration::from_secs(timeout.max(1)),
    )?;
    output::note(&format!("Signed in to the organization '{}'.", done.org));
    for saved in &done.added {
        let default = if saved.is_default { " (default)" } else { "" };
        output::note(&format!("Added profile '{}'{default}.", saved.name));
        output::production_suggestion(saved);
    }
    for name in &done.existing {
        output::note(&format!(
            "Profile '{name}' was there already; left as it is."
        ));
    }
    for (name, why) in &done.passed_over {
        output::note(&format!(
            "warning: profile '{name}' passed over, without the sign-in: {why}"
        ));
    }
    for (project, why) in &done.skipped {
        output::note(&format!("warning: project '{project}' skipped: {why}"));
    }
    if done.added.is_empty() && done.existing.is_empty() {
        output::note("The organization lists no project this sign-in can use.");
    }
    ctx.note_first_fallback();
    Ok(())
}

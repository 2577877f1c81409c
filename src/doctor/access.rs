//! Steps 5 to 7, from CDF's answer: CDF accepts the credential (asked as every command
//! asks it, `cdf::access_of`), the profile's project is within its reach, and the
//! needed capabilities are granted there.

use super::{Grant, Outcome, Walk, cluster};
use crate::auth::AuthError;
use crate::cdf::client::CdfError;
use crate::cdf::inspect::Verdict;
use crate::cdf::{self, Access};
use crate::field::Field;
use crate::profile::Profile;
use crate::remedy::Remedy;

pub(super) fn cdf_accepts(walk: &mut Walk<'_>) -> Outcome {
    let Some(credential) = &walk.credential else {
        return Outcome::not_applicable("no token to send");
    };
    match cdf::access_of(walk.session, walk.profile, credential) {
        Ok(access) => {
            let detail = match &access {
                Access::ApiKey(status) => {
                    format!("login/status: the key is logged in as {}", status.user)
                }
                Access::Token(inspection) => {
                    // The person by name or e-mail where the token says it.
                    let who = match credential {
                        crate::session::Credential::Bearer(set, _) => set.person(),
                        crate::session::Credential::ApiKey(_) => None,
                    };
                    let subject = match who {
                        Some(who) => format!("{who} (subject {})", inspection.subject),
                        None => format!("subject {}", inspection.subject),
                    };
                    format!(
                        "token/inspect answered: {subject}, {} project(s), {} capabilities",
                        inspection.projects.len(),
                        inspection.capabilities.len()
                    )
                }
            };
            walk.access = Some(access);
            Outcome::pass(detail)
        }
        Err(e @ CdfError::Refused { .. }) => {
            // A refusal says nothing about why: the token's own facts usually do.
            let facts = walk.token_facts.clone().unwrap_or_default();
            let detail = match (&walk.misfit, facts.is_empty()) {
                (Some(_), _) => format!("{e}; see 'token-fits': {facts}"),
                (None, false) => format!("{e}; the token: {facts}"),
                (None, true) => e.to_string(),
            };
            Outcome::fail(detail, walk.misfit.clone().or_else(|| e.remedy()))
        }
        Err(e) => cdf_failure(walk.profile, e),
    }
}

fn cdf_failure(profile: &Profile, e: CdfError) -> Outcome {
    if let Some(m) = cluster::explain(profile, cluster::cdf_points_at_cluster(&e)) {
        return Outcome::fail(m.message, Some(m.fix));
    }
    let remedy = e.remedy();
    let detail = match &e {
        CdfError::Transport(AuthError::Unreachable { .. } | AuthError::Timeout { .. }) => {
            format!("{e} (CDF itself)")
        }
        _ => e.to_string(),
    };
    Outcome::fail(detail, remedy)
}

// ---- 6. the profile's project is among the token's ----

pub(super) fn project_in_reach(walk: &mut Walk<'_>) -> Outcome {
    let project = &walk.profile.project;
    let inspection = match &walk.access {
        None => return Outcome::not_applicable("CDF said nothing to look at"),
        Some(Access::Token(inspection)) => inspection,
        Some(Access::ApiKey(status)) => {
            return if status.project == *project {
                Outcome::pass(format!("the key belongs to {project}"))
            } else {
                Outcome::fail(
                    format!(
                        "the key belongs to project '{}', not '{project}'",
                        status.project
                    ),
                    Some(Remedy::CheckFields {
                        why: None,
                        fields: &[Field::Project],
                    }),
                )
            };
        }
    };
    let sentence = inspection.verdict_sentence(project);
    match inspection.verdict(project) {
        Verdict::Reachable => Outcome::pass(sentence),
        Verdict::Unreachable { others } if others.is_empty() => Outcome::fail(
            sentence,
            Some(Remedy::Advice(
                "ask a CDF administrator to add you (or the app) to a group of the project",
            )),
        ),
        Verdict::Unreachable { .. } => Outcome::fail(
            sentence,
            Some(Remedy::CheckFields {
                why: Some("the profile names a project this token does not reach"),
                fields: &[Field::Project],
            }),
        ),
    }
}

// ---- 7. each needed capability is granted for that project ----

pub(super) fn capabilities_granted(walk: &mut Walk<'_>) -> Outcome {
    let inspection = match &walk.access {
        None => return Outcome::not_applicable("CDF said nothing to look at"),
        Some(Access::ApiKey(_)) => {
            return Outcome::not_applicable("login/status does not list capabilities");
        }
        Some(Access::Token(inspection)) => inspection,
    };
    if walk.needs.is_empty() {
        return Outcome::pass("none asked for");
    }
    let project = &walk.profile.project;
    let (mut granted, mut missing) = (Vec::new(), Vec::new());
    for need in walk.needs {
        match need.grant(inspection, project) {
            Grant::Granted => granted.push(need.to_string()),
            Grant::Missing => missing.push(format!("{need} is not granted")),
            Grant::ElsewhereOnly(where_) => {
                missing.push(format!("{need} is granted only for {}", where_.join("; ")))
            }
        }
    }
    let granted_text = if granted.is_empty() {
        String::new()
    } else {
        format!("granted: {}", granted.join(", "))
    };
    if missing.is_empty() {
        return Outcome::pass(format!("{granted_text} (in {project})"));
    }
    let mut detail = format!("in {project}, {}", missing.join("; "));
    if !granted.is_empty() {
        detail.push_str(&format!("; {granted_text}"));
    }
    Outcome::fail(
        detail,
        Some(Remedy::Advice(
            "ask a CDF administrator to add the missing capabilities, scoped to this project, to a group you (or the app) belong to",
        )),
    )
}

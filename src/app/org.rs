//! Sign-in by organization (Cognite's identity provider): one sign-in, then a profile
//! for each of the organization's projects, all sharing that sign-in. The CLI's
//! `login --org` and the window's "Sign in with your Cognite organization" both call
//! [`Profiles::sign_in_org`].

use std::time::Duration;

use super::{AppError, Profiles, Resolved, Saved};
use crate::auth::{AuthError, CancelToken, SignInPrompt};
use crate::cdf::orgs::{self, OrgProject, OrgSignIn};
use crate::profile::{Profile, ProfileFile};
use crate::session::SessionError;
use crate::token::TokenSet;

/// What a sign-in by organization did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgOutcome {
    pub org: String,
    /// The profiles made for projects that had none.
    pub added: Vec<Saved>,
    /// Profiles that were there already for the organization's projects, at the
    /// project's listed `apiUrl`: left as they are, with the new sign-in.
    pub existing: Vec<String>,
    /// Profiles of the organization's projects that did not get the sign-in, each with
    /// why (their base URL is not the project's listed `apiUrl`, or they are another
    /// account now).
    pub passed_over: Vec<(String, String)>,
    /// Projects without a profile, each with why (an `apiUrl` that may not receive
    /// tokens, a name that is not a CDF project's).
    pub skipped: Vec<(String, String)>,
    /// The profile this sign-in made the default (the organization's default project,
    /// when no default was set).
    pub default: Option<String>,
}

impl Profiles<'_> {
    /// Signs in to the organization and makes a profile for each of its projects that
    /// has none: named after the project, or `PROJECT-2` (`-3`, ...) when that name is taken. Every
    /// one of them (and the ones that were there) keeps the one sign-in, so no project
    /// needs another. Blocking, with a browser in between: call from a plain thread.
    pub fn sign_in_org(
        &self,
        request: &OrgSignIn,
        prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
        cancel: &CancelToken,
        timeout: Duration,
    ) -> Result<OrgOutcome, AppError> {
        let (set, projects) = self.org_listing(request, prompt, cancel, timeout)?;
        self.add_org_projects(request, &set, projects)
    }

    /// The first half of [`Profiles::sign_in_org`], which keeps nothing: the sign-in and
    /// the organization's projects. The window waits for it beside its queue of writes
    /// and puts the second half, [`Profiles::add_org_projects`], on the queue.
    pub fn org_listing(
        &self,
        request: &OrgSignIn,
        prompt: &(dyn Fn(SignInPrompt) + Send + Sync),
        cancel: &CancelToken,
        timeout: Duration,
    ) -> Result<(TokenSet, Vec<OrgProject>), AppError> {
        let template = request.sign_in_profile();
        // A bad organization name, base or client id is refused before the browser opens.
        template.validate()?;
        let set = self
            .session
            .sign_in(&request.org, &template, prompt, cancel, timeout)
            .map_err(|e| sign_in_error(&request.org, e))?;
        let projects = orgs::projects(self.session, &template, &set.access_token)?;
        Ok((set, projects))
    }

    /// What a sign-in by organization does with the organization's listing: a profile
    /// for each project that has none, the sign-in for each, the default. No network
    /// (the fuzz target `org_projects` runs it on any listing).
    pub(crate) fn add_org_projects(
        &self,
        request: &OrgSignIn,
        set: &TokenSet,
        projects: Vec<OrgProject>,
    ) -> Result<OrgOutcome, AppError> {
        let template = request.sign_in_profile();
        // The account's sign-in is for the listed projects' APIs, and only those: a
        // profile elsewhere gets none of it (see `Session::token`).
        let listed: Vec<String> = projects
            .iter()
            .filter_map(|p| orgs::api_url(&p.api_url).ok())
            .map(|u| u.origin().ascii_serialization())
            .collect();
        self.session.store_org_sign_in(&template, set, listed)?;
        let file = self.store.load()?;
        let had_default = file.default.is_some();
        let mut outcome = OrgOutcome {
            org: request.org.clone(),
            ..OrgOutcome::default()
        };
        let mut default_project = None;
        for project in &projects {
            let profile = match orgs::api_url(&project.api_url) {
                Ok(url) => request.profile(&project.name, &url),
                Err(e) => {
                    outcome.skipped.push((project.name.clone(), e.to_string()));
                    continue;
                }
            };
            if let Err(e) = profile.validate() {
                outcome.skipped.push((project.name.clone(), e.to_string()));
                continue;
            }
            let file = self.store.load()?;
            if let Some(name) = existing(&file, &profile) {
                // It keeps its own settings; the new sign-in is its own only while it is
                // the same account (its client id may have been changed since) and sends
                // tokens where the organization lists the project, nowhere else. It is
                // never made the default: this sign-in did not make it.
                match file.get(&name) {
                    Ok(kept) => match passed_over(kept, &profile, &template) {
                        None => {
                            self.session.store_sign_in(&name, kept, set.clone())?;
                            outcome.existing.push(name);
                        }
                        Some(why) => outcome.passed_over.push((name, why)),
                    },
                    Err(e) => outcome.passed_over.push((name, e.to_string())),
                }
                continue;
            }
            let name = free_name(&file, &project.name);
            let saved = self.add(Resolved {
                name,
                profile: profile.clone(),
                secret: None,
            })?;
            let name = saved.name.clone();
            outcome.added.push(saved);
            self.session.store_sign_in(&name, &profile, set.clone())?;
            if project.is_default {
                default_project = Some(name);
            }
        }
        if !had_default && let Some(name) = default_project {
            self.set_default(&name)?;
            for saved in &mut outcome.added {
                saved.is_default = saved.name == name;
            }
            outcome.default = Some(name);
        }
        // A skipped project's name and reason come from the listing: made safe to show
        // here, for the terminal and the window alike.
        for (project, why) in &mut outcome.skipped {
            (*project, *why) = (orgs::shown(project), orgs::shown(why));
        }
        Ok(outcome)
    }
}

/// Why an existing profile of the organization's project does not get its sign-in, if
/// it does not: another account, or a base URL that is not the project's listed one.
fn passed_over(kept: &Profile, listed: &Profile, template: &Profile) -> Option<String> {
    if kept.account() != template.account() {
        return Some("it signs in with other settings now (another account)".into());
    }
    let same_base = |a: &Profile, b: &Profile| {
        a.base_url().trim_end_matches('/') == b.base_url().trim_end_matches('/')
    };
    (!same_base(kept, listed)).then(|| {
        format!(
            "its base URL {} is not the project's listed {}",
            kept.base_url(),
            listed.base_url()
        )
    })
}

/// A failed sign-in to the organization: the provider's refusal is the organization's
/// (one it does not know, most often), anything else is what it is.
pub(crate) fn sign_in_error(org: &str, e: SessionError) -> AppError {
    match e {
        SessionError::Auth(AuthError::Idp(_)) => AppError::OrgRefused {
            org: org.to_string(),
            source: e,
        },
        e => e.into(),
    }
}

/// The profile already made for this project of the organization (same organization,
/// provider and project), whatever its name.
fn existing(file: &ProfileFile, profile: &Profile) -> Option<String> {
    file.profiles
        .iter()
        .find(|(_, p)| {
            p.org == profile.org
                && p.project == profile.project
                && p.authority() == profile.authority()
        })
        .map(|(name, _)| name.clone())
}

/// The project's name, else the first free `PROJECT-2`, `PROJECT-3`, ... (the scheme
/// of a taken import name): a name a person recognizes and types, never the
/// organization's name glued to a project's that may carry it already.
fn free_name(file: &ProfileFile, project: &str) -> String {
    let own = crate::cdf::name_for_project(project);
    if file.has(&own) {
        super::free_name(file, &own)
    } else {
        own
    }
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;

    fn org_profile(org: &str, project: &str) -> Profile {
        let request = OrgSignIn {
            org: org.into(),
            ..OrgSignIn::default()
        };
        request.profile(project, &Url::parse("https://api.cognitedata.com").unwrap())
    }

    /// A project's profile is found by organization, provider and project, whatever it
    /// was named; a name taken by another profile gives way to `PROJECT-2`, `-3`, ...
    #[test]
    fn existing_profiles_are_found_and_taken_names_give_way() {
        let mut file = ProfileFile::default();
        file.profiles.insert(
            "dev".into(),
            crate::profile::tests::sample(crate::profile::Flow::DeviceCode),
        );
        file.profiles
            .insert("mine".into(), org_profile("contoso", "prod"));
        assert_eq!(
            existing(&file, &org_profile("contoso", "prod")).as_deref(),
            Some("mine")
        );
        assert_eq!(existing(&file, &org_profile("fabrikam", "prod")), None);
        assert_eq!(existing(&file, &org_profile("contoso", "dev")), None);
        let mut elsewhere = org_profile("contoso", "prod");
        elsewhere.authority = Some("http://127.0.0.1:9".into());
        assert_eq!(existing(&file, &elsewhere), None, "another Cognite IdP");

        assert_eq!(free_name(&file, "test"), "test");
        assert_eq!(free_name(&file, "dev"), "dev-2");
        file.profiles.insert("dev-2".into(), org_profile("x", "y"));
        assert_eq!(free_name(&file, "dev"), "dev-3");
        assert_eq!(free_name(&file, "my project"), "my-project");
        // The case: `contoso-prod` made by an earlier add-from.
        file.profiles
            .insert("contoso-prod".into(), org_profile("x", "contoso-prod"));
        assert_eq!(free_name(&file, "contoso-prod"), "contoso-prod-2");
        // A long name is shortened to fit with its number.
        let long = "p".repeat(64);
        file.profiles.insert(long.clone(), org_profile("x", "y"));
        let free = free_name(&file, &long);
        assert_eq!(free, format!("{}-2", "p".repeat(62)));
        assert!(crate::profile::validate_name(&free).is_ok());
    }
}

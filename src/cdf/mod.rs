//! Speaking CDF: what a token may do (token/inspect, legacy login/status), handing a
//! profile to scripts, and importing cognite-toolkit `.env` files.

pub(crate) mod client;
pub(crate) mod clusters;
pub(crate) mod dotenv;
pub mod export;
pub(crate) mod inspect;
pub mod orgs;

use thiserror::Error;

use crate::profile::{Profile, ProfileFile};
use crate::session::{Credential, Session, SessionError, TokenOptions};
use client::{CdfError, LoginStatus};
use inspect::Inspection;

/// What CDF says about a profile's credentials.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// token/inspect of the profile's access token.
    Token(Inspection),
    /// login/status of a legacy API key.
    ApiKey(LoginStatus),
}

#[derive(Debug, Error)]
pub enum AccessError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Cdf(#[from] CdfError),
}

impl AccessError {
    pub fn remedy(&self) -> Option<crate::remedy::Remedy> {
        match self {
            AccessError::Session(e) => e.remedy(),
            AccessError::Cdf(e) => e.remedy(),
        }
    }
}

/// Asks CDF what the profile's token (or API key) may do, getting a token first the
/// usual way (cache, refresh, client credentials). Blocking: call from a plain thread.
pub fn check_access(
    session: &Session,
    name: &str,
    profile: &Profile,
) -> Result<Access, AccessError> {
    let credential = session.credential(name, profile, TokenOptions::default())?;
    Ok(access_of(session, profile, &credential)?)
}

/// What CDF says about a credential the caller has already: token/inspect for a token,
/// login/status for a legacy API key (the doctor's step that CDF accepts it).
pub fn access_of(
    session: &Session,
    profile: &Profile,
    credential: &Credential,
) -> Result<Access, CdfError> {
    let http = session.http(profile)?;
    let base_url = profile.base_url();
    Ok(match credential {
        Credential::ApiKey(key) => {
            Access::ApiKey(session.block_on(client::login_status(&http, &base_url, key))?)
        }
        Credential::Bearer(set, _) => {
            Access::Token(session.block_on(client::inspect(&http, &base_url, &set.access_token))?)
        }
    })
}

/// A profile like `from` for another project of the same cluster: same tenant, client,
/// flow and settings. The caller copies the stored secret (`app::Profiles::add_for_project`).
pub fn profile_for_project(from: &Profile, project: &str) -> Profile {
    let mut p = from.clone();
    p.project = project.to_string();
    p
}

/// The profile that is `project` at `base_url`, as the Access tab links a project to
/// one: `current` itself when it is one (a copy elsewhere under another name never
/// stands in for it), else the first by name.
pub fn profile_at<'a>(
    file: &'a ProfileFile,
    project: &str,
    base_url: &str,
    current: &str,
) -> Option<&'a str> {
    let base_url = base_url.trim_end_matches('/');
    let mut at = file
        .profiles
        .iter()
        .filter(|(_, p)| p.project == project && p.base_url() == base_url)
        .map(|(name, _)| name.as_str());
    let first = at.next()?;
    Some(
        std::iter::once(first)
            .chain(at)
            .find(|name| *name == current)
            .unwrap_or(first),
    )
}

/// The default profile name for a project: the project name itself when it is a valid
/// name, else its characters outside `[A-Za-z0-9_-]` replaced by `-`.
pub fn name_for_project(project: &str) -> String {
    let name: String = project
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "project".into()
    } else {
        name
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Flow, tests::sample};

    /// The Access tab's link: the profile on screen is its own project's profile even
    /// when another one, first by name, is at the same project and base URL.
    #[test]
    fn a_project_links_to_the_current_profile_first() {
        let mut file = ProfileFile::default();
        let at = |project: &str, base: &str| {
            let mut p = sample(Flow::Interactive);
            p.project = project.into();
            p.base_url = Some(base.into());
            p
        };
        let base = "https://api.cognitedata.com";
        file.profiles
            .insert("contoso-contoso-prod".into(), at("contoso-prod", base));
        file.profiles
            .insert("contoso-prod".into(), at("contoso-prod", base));
        file.profiles.insert(
            "elsewhere".into(),
            at("contoso-dev", "https://other.example.com"),
        );
        let find = |project, base, current| profile_at(&file, project, base, current);
        assert_eq!(
            find("contoso-prod", base, "contoso-prod"),
            Some("contoso-prod")
        );
        assert_eq!(
            find(
                "contoso-prod",
                "https://api.cognitedata.com/",
                "contoso-contoso-prod"
            ),
            Some("contoso-contoso-prod")
        );
        assert_eq!(
            find("contoso-prod", base, "elsewhere"),
            Some("contoso-contoso-prod"),
            "another profile's project: the first by name"
        );
        assert_eq!(
            find("contoso-dev", base, "contoso-prod"),
            None,
            "another base URL"
        );
        assert_eq!(find("contoso-test", base, "contoso-prod"), None);
    }
}

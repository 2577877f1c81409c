//! The tray's menu as data: what it shows for the profiles file and each profile's
//! state, and what each entry does. No D-Bus and no window here, so the rules (grouping,
//! order, marks, the sign-in-needed state) are unit-tested on their own; `sni.rs` only
//! turns [`Item`]s into the host's menu.

use std::collections::BTreeMap;

use crate::profile::{Flow, Profile, ProfileFile};

/// Whether a profile's token can be had without a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// A valid token in the cache, a refresh token to renew it, or a service principal
    /// that gets one with its secret.
    Ready,
    /// Only a sign-in (in the window) gives it a token.
    SignInNeeded,
    /// A legacy API key: no token to copy.
    ApiKey,
}

/// What choosing an entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Copy the profile's access token; `header` copies `Authorization: Bearer …`.
    Copy {
        profile: String,
        header: bool,
    },
    /// Open the window on the profile's sign-in.
    SignIn(String),
    /// Open the window.
    Open,
    Quit,
}

/// One line of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A group's title (a cluster), not clickable.
    Heading(String),
    /// A profile ready to hand out tokens: a submenu of copy entries.
    Profile {
        label: String,
        entries: Vec<(String, Choice)>,
    },
    /// Something to click: a profile needing a sign-in, Open, Quit.
    Action {
        label: String,
        choice: Choice,
    },
    /// A profile with nothing to choose (a legacy API key).
    Disabled(String),
    Separator,
}

pub const COPY_TOKEN: &str = "Copy token";
pub const COPY_HEADER: &str = "Copy as Authorization: Bearer header";
pub const OPEN: &str = "Open cdf-signin";
pub const QUIT: &str = "Quit";
pub const SIGN_IN_NEEDED: &str = "sign-in needed";

/// The group a profile is listed under: its cluster, else its base URL's host.
fn group_of(profile: &Profile) -> String {
    if !profile.cluster.is_empty() {
        return profile.cluster.clone();
    }
    profile
        .base_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "no cluster".into())
}

/// A profile's line, marked as the window's sidebar marks it: PRODUCTION right after
/// the name, the project, then (default).
pub fn label(name: &str, profile: &Profile, is_default: bool, readiness: Readiness) -> String {
    let mut text = name.to_string();
    if profile.production {
        text.push_str("  PRODUCTION");
    }
    if !profile.project.is_empty() {
        text.push_str(&format!("  {}", profile.project));
    }
    if is_default {
        text.push_str("  (default)");
    }
    match readiness {
        Readiness::Ready => {}
        Readiness::SignInNeeded => text.push_str(&format!(" — {SIGN_IN_NEEDED}…")),
        Readiness::ApiKey => text.push_str("  (legacy API key)"),
    }
    text
}

/// The whole menu: the profiles grouped by cluster (the default's group first, the
/// default first in it, the rest by name), then Open and Quit.
pub fn items(file: &ProfileFile, readiness: impl Fn(&str, &Profile) -> Readiness) -> Vec<Item> {
    let default = file
        .default
        .as_deref()
        .filter(|d| file.profiles.contains_key(*d));
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, profile) in &file.profiles {
        groups.entry(group_of(profile)).or_default().push(name);
    }
    let mut order: Vec<(String, Vec<&str>)> = groups.into_iter().collect();
    // Stable sorts: the default's group, and the default in it, move to the front.
    order.sort_by_key(|(_, names)| !names.iter().any(|n| Some(*n) == default));
    let mut out = Vec::new();
    for (title, mut names) in order {
        names.sort_by_key(|n| Some(*n) != default);
        out.push(Item::Heading(title));
        for name in names {
            let profile = &file.profiles[name];
            let state = readiness(name, profile);
            let text = label(name, profile, Some(name) == default, state);
            out.push(match state {
                Readiness::Ready => Item::Profile {
                    label: text,
                    entries: vec![
                        (
                            COPY_TOKEN.into(),
                            Choice::Copy {
                                profile: name.into(),
                                header: false,
                            },
                        ),
                        (
                            COPY_HEADER.into(),
                            Choice::Copy {
                                profile: name.into(),
                                header: true,
                            },
                        ),
                    ],
                },
                Readiness::SignInNeeded => Item::Action {
                    label: text,
                    choice: Choice::SignIn(name.into()),
                },
                Readiness::ApiKey => Item::Disabled(text),
            });
        }
    }
    if file.profiles.is_empty() {
        out.push(Item::Disabled("No profiles yet".into()));
    }
    out.push(Item::Separator);
    out.push(Item::Action {
        label: OPEN.into(),
        choice: Choice::Open,
    });
    out.push(Item::Action {
        label: QUIT.into(),
        choice: Choice::Quit,
    });
    out
}

/// What a profile's flow alone says: an API key never has a token; a service principal
/// always can get one; a person's profile depends on its sign-in (`signed_in`).
pub fn readiness_of(profile: &Profile, signed_in: impl FnOnce() -> bool) -> Readiness {
    match profile.flow {
        Flow::ApiKey => Readiness::ApiKey,
        Flow::ClientCredentials => Readiness::Ready,
        Flow::Interactive | Flow::DeviceCode => {
            if signed_in() {
                Readiness::Ready
            } else {
                Readiness::SignInNeeded
            }
        }
    }
}

/// What a copy puts on the clipboard.
pub fn clipboard_text(token: &str, header: bool) -> String {
    if header {
        format!("Authorization: Bearer {token}")
    } else {
        token.to_string()
    }
}

/// The notification after a copy: what was copied and for how long, never the token.
pub fn copied_notice(profile: &str, header: bool, clear_secs: u64) -> (String, String) {
    let what = if header {
        "Authorization header"
    } else {
        "Access token"
    };
    (
        format!("{what} copied"),
        format!(
            "The {} of profile '{profile}' is on the clipboard; it is cleared in {clear_secs} s if it is still there.",
            what.to_lowercase()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ProfileFile {
        let file = ProfileFile::parse(text).unwrap();
        assert!(file.invalid.is_empty(), "{:?}", file.invalid);
        file
    }

    const PROFILES: &str = r#"
default = "prod"

[profiles.dev]
cluster = "westeurope-1"
project = "acme-dev"
tenant_id = "t"
client_id = "c"
flow = "interactive"

[profiles.prod]
cluster = "westeurope-1"
project = "acme-prod"
tenant_id = "t"
client_id = "c"
flow = "interactive"
production = true

[profiles.bot]
cluster = "api"
project = "acme-bot"
tenant_id = "t"
client_id = "c"
flow = "client-credentials"

[profiles.old]
cluster = "api"
project = "legacy"
flow = "api-key"
"#;

    fn labels(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Heading(t) => format!("# {t}"),
                Item::Profile { label, .. } => label.clone(),
                Item::Action { label, .. } => format!("> {label}"),
                Item::Disabled(t) => format!("- {t}"),
                Item::Separator => "---".into(),
            })
            .collect()
    }

    #[test]
    fn profiles_are_grouped_by_cluster_with_the_default_first() {
        let f = file(PROFILES);
        let items = items(&f, |_, p| readiness_of(p, || p.project != "acme-dev"));
        assert_eq!(
            labels(&items),
            [
                "# westeurope-1",
                "prod  PRODUCTION  acme-prod  (default)",
                "> dev  acme-dev — sign-in needed…",
                "# api",
                "bot  acme-bot",
                "- old  legacy  (legacy API key)",
                "---",
                "> Open cdf-signin",
                "> Quit",
            ]
        );
    }

    #[test]
    fn a_ready_profile_offers_the_token_and_the_header_and_a_signed_out_one_its_sign_in() {
        let f = file(PROFILES);
        let items = items(&f, |_, p| readiness_of(p, || false));
        let bot = items
            .iter()
            .find_map(|i| match i {
                Item::Profile { label, entries } if label.starts_with("bot") => Some(entries),
                _ => None,
            })
            .expect("a service principal is always ready");
        assert_eq!(
            bot,
            &vec![
                (
                    COPY_TOKEN.to_string(),
                    Choice::Copy {
                        profile: "bot".into(),
                        header: false
                    }
                ),
                (
                    COPY_HEADER.to_string(),
                    Choice::Copy {
                        profile: "bot".into(),
                        header: true
                    }
                ),
            ]
        );
        assert!(items.contains(&Item::Action {
            label: "dev  acme-dev — sign-in needed…".into(),
            choice: Choice::SignIn("dev".into()),
        }));
    }

    #[test]
    fn without_a_default_groups_and_names_go_in_order() {
        let f = file(&PROFILES.replace("default = \"prod\"", ""));
        let items = items(&f, |_, _| Readiness::Ready);
        let l = labels(&items);
        assert_eq!(l[0], "# api");
        assert_eq!(l[1], "bot  acme-bot");
        assert_eq!(l[4], "dev  acme-dev");
        assert_eq!(l[5], "prod  PRODUCTION  acme-prod");
    }

    #[test]
    fn an_empty_file_still_offers_open_and_quit() {
        let items = items(&ProfileFile::default(), |_, _| Readiness::Ready);
        assert_eq!(
            labels(&items),
            ["- No profiles yet", "---", "> Open cdf-signin", "> Quit"]
        );
    }

    #[test]
    fn a_profile_without_a_cluster_is_grouped_by_its_base_url_host() {
        let f = file(
            r#"
[profiles.x]
cluster = ""
project = "p"
base_url = "https://cdf.example.com"
tenant_id = "t"
client_id = "c"
flow = "client-credentials"
"#,
        );
        assert_eq!(
            items(&f, |_, _| Readiness::Ready)[0],
            Item::Heading("cdf.example.com".into())
        );
    }

    #[test]
    fn the_notice_names_what_and_how_long_but_not_the_token() {
        let (summary, body) = copied_notice("dev", true, 60);
        assert_eq!(summary, "Authorization header copied");
        assert!(body.contains("'dev'") && body.contains("60 s"), "{body}");
        assert_eq!(clipboard_text("abc", true), "Authorization: Bearer abc");
        assert_eq!(clipboard_text("abc", false), "abc");
    }
}

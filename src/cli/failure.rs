//! How a command fails, as the user sees it: one line, maybe a hint, and an exit code.
//! Every error the commands meet becomes a [`Failure`] here, so the command line's
//! wording of errors lives in this one file.

use crate::app::{AppError, Problem, ProblemKind};
use crate::auth::AuthError;
use crate::cdf::AccessError;
use crate::cdf::client::CdfError;
use crate::doctor::cluster::{self, MissingHost};
use crate::field::Field;
use crate::profile::{Flow, Profile, ProfileError, flows};
use crate::remedy::{Remedy, after_reason};
use crate::secrets::SecretError;
use crate::session::SessionError;

/// A failure as the user sees it: one line, maybe a hint, and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub code: i32,
    /// What lay under the failure (an OS error under "cannot reach", ...), innermost
    /// last; printed with `--verbose`.
    pub causes: Vec<String>,
}

pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_SIGN_IN: i32 = 3;
/// Status of a command whose stdout reader left early: success, said nowhere.
const EXIT_READER_LEFT: i32 = 0;

pub type CmdResult = Result<(), Failure>;

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code: EXIT_ERROR,
            causes: Vec::new(),
        }
    }

    /// Arguments that do not fit together, or a value the user must fix (exit code 2).
    pub(super) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code: EXIT_USAGE,
            causes: Vec::new(),
        }
    }

    /// The reader of stdout went away: end quietly with status 0 (as ripgrep does).
    pub(super) fn reader_left() -> Failure {
        Failure {
            message: String::new(),
            hint: None,
            code: EXIT_READER_LEFT,
            causes: Vec::new(),
        }
    }

    /// End with `code` and say nothing: `exec` passes on its command's status.
    pub(super) fn silent(code: i32) -> Failure {
        Failure {
            message: String::new(),
            hint: None,
            code,
            causes: Vec::new(),
        }
    }

    pub fn is_reader_left(&self) -> bool {
        self.code == EXIT_READER_LEFT && self.message.is_empty()
    }

    pub(super) fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// Keeps what lies under `e`: each source's text that the message (or an outer
    /// source) does not already say. These are OS, TLS, HTTP and parser errors; none
    /// carries a secret (tokens and secrets travel in bodies and headers, never in the
    /// URLs an HTTP error names).
    pub(super) fn caused_by(mut self, e: &(dyn std::error::Error + 'static)) -> Failure {
        let mut said = vec![self.message.clone()];
        let mut next = e.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !text.is_empty() && !said.iter().any(|s| s.contains(&text)) {
                self.causes.push(text.clone());
            }
            said.push(text);
            next = cause.source();
        }
        self
    }
}

impl From<MissingHost> for Failure {
    fn from(m: MissingHost) -> Failure {
        Failure::new(m.message).hint(words(&m.fix))
    }
}

/// A failure to get profile `name`'s token, said as a cluster that does not exist when
/// that is what it is; its hint names the profile (`set-secret dev`, not `NAME`).
pub(super) fn token_failure(name: &str, profile: &Profile, e: SessionError) -> Failure {
    match cluster::explain(profile, cluster::session_points_at_cluster(&e)) {
        Some(m) => Failure::new(m.message).hint(words_for(&m.fix, name)),
        None => session_failure(name, e),
    }
}

/// A session's failure for profile `name`, its remedy naming the profile.
pub(super) fn session_failure(name: &str, e: SessionError) -> Failure {
    let hint = e.remedy().map(|r| words_for(&r, name));
    let mut failure: Failure = e.into();
    failure.hint = hint;
    failure
}

/// A failure to reach `profile`'s CDF (or to get its token), the same way.
pub(super) fn access_failure(name: &str, profile: &Profile, e: AccessError) -> Failure {
    match e {
        AccessError::Session(s) => token_failure(name, profile, s),
        AccessError::Cdf(c) => {
            match cluster::explain(profile, cluster::cdf_points_at_cluster(&c)) {
                Some(m) => m.into(),
                None => c.into(),
            }
        }
    }
}

impl From<SessionError> for Failure {
    fn from(e: SessionError) -> Failure {
        let code = match e {
            SessionError::SignInRequired { .. } => EXIT_SIGN_IN,
            _ => EXIT_ERROR,
        };
        Failure {
            message: e.to_string(),
            hint: e.remedy().as_ref().map(words),
            code,
            causes: Vec::new(),
        }
        .caused_by(&e)
    }
}

impl From<ProfileError> for Failure {
    fn from(e: ProfileError) -> Failure {
        let code = match e {
            ProfileError::InvalidName(_)
            | ProfileError::InvalidField { .. }
            | ProfileError::Invalid(_) => EXIT_USAGE,
            _ => EXIT_ERROR,
        };
        Failure {
            message: e.to_string(),
            hint: e.remedy().as_ref().map(words),
            code,
            causes: Vec::new(),
        }
        .caused_by(&e)
    }
}

impl From<AuthError> for Failure {
    fn from(e: AuthError) -> Failure {
        Failure::from(SessionError::from(e))
    }
}

impl From<SecretError> for Failure {
    fn from(e: SecretError) -> Failure {
        Failure::from(SessionError::from(e))
    }
}

impl From<AccessError> for Failure {
    fn from(e: AccessError) -> Failure {
        match e {
            AccessError::Session(s) => s.into(),
            AccessError::Cdf(c) => c.into(),
        }
    }
}

impl From<CdfError> for Failure {
    fn from(e: CdfError) -> Failure {
        Failure {
            hint: e.remedy().as_ref().map(words),
            message: e.to_string(),
            code: EXIT_ERROR,
            causes: Vec::new(),
        }
        .caused_by(&e)
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        let hint = e.remedy().as_ref().map(words);
        match e {
            AppError::Problems(p) => problems(&p, None),
            AppError::Profile(p) => p.into(),
            AppError::Keyring(k) => k.into(),
            AppError::Session(s) => s.into(),
            AppError::Cdf(c) => c.into(),
            AppError::Import(i) => {
                use crate::cdf::dotenv::ImportError;
                match i {
                    ImportError::Read { .. } => Failure::new(i.to_string()),
                    ImportError::NeedsOrg => Failure {
                        message: i.to_string(),
                        hint,
                        code: EXIT_USAGE,
                        causes: Vec::new(),
                    },
                    i => Failure::usage(i.to_string()),
                }
            }
            e @ (AppError::NameTaken { .. }
            | AppError::NoStoredSecret(_)
            | AppError::OrgRefused { .. }) => Failure {
                message: e.to_string(),
                hint,
                code: EXIT_ERROR,
                causes: Vec::new(),
            },
        }
    }
}

/// A profile's problems in the command line's words (a flag each), on one line; `flow`
/// is the flow the profile was given. A file that cannot be used is not a usage error.
pub(super) fn problems(problems: &[Problem], flow: Option<Flow>) -> Failure {
    if problems.is_empty() {
        return Failure::usage("the profile is incomplete");
    }
    let message = problems
        .iter()
        .map(|p| problem_words(p, flow))
        .collect::<Vec<_>>()
        .join("; ");
    let near_miss = problems.iter().find_map(|p| match p.kind {
        ProblemKind::NearMiss(known) => Some(known),
        _ => None,
    });
    if problems
        .iter()
        .all(|p| matches!(p.kind, ProblemKind::Unreadable(_)))
    {
        Failure::new(message)
    } else if let Some(known) = near_miss {
        Failure::usage(message).hint(format!(
            "give --cluster {known}, or add --cluster-is-right to keep the cluster as given"
        ))
    } else {
        Failure::usage(message)
    }
}

fn problem_words(p: &Problem, flow: Option<Flow>) -> String {
    let flag = p.field.flag();
    let flow_name = flow.map(Flow::as_str).unwrap_or("chosen");
    match (&p.kind, p.field) {
        (ProblemKind::Required, Field::Flow) => "--flow is required".into(),
        (ProblemKind::Required, Field::Name) => "the name is required".into(),
        (ProblemKind::NearMiss(known), _) => {
            format!("{flag} is not a known cluster: did you mean {known}?")
        }
        (ProblemKind::Required, _) => format!("{flag} is required for the {flow_name} flow"),
        (ProblemKind::NotForFlow, field) => match flows::only_flow(field) {
            Some(only) => format!("{flag} applies to the {} flow only", only.as_str()),
            None => format!("{flag} does not apply to the {flow_name} flow"),
        },
        (ProblemKind::Invalid(reason), Field::Name) => reason.clone(),
        // The core words the field; the command line also names the flag that sets it.
        (ProblemKind::Invalid(reason), field) => {
            format!("invalid {} ({flag}): {reason}", field.noun())
        }
        (ProblemKind::Unreadable(reason), _) => reason.clone(),
    }
}

/// The window's libraries are loaded at run time (winit, glutin): on a machine without
/// them (a server, or the .deb installed without its Recommends) say what to install.
pub fn window_failure(message: String) -> Failure {
    if message.contains("no display (") {
        return Failure::new(message)
            .hint("every command works without a window: see `cdf-signin --help`");
    }
    let missing_library = message.contains("shared librar")
        || message.contains("libGL")
        || message.contains("libEGL");
    let failure = Failure::new(message);
    if missing_library {
        failure.hint(
            "the window needs OpenGL and X11 or Wayland libraries; on Debian or Ubuntu: \
             sudo apt install libgl1 libegl1 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 \
             libwayland-egl1 (the other commands work without them)",
        )
    } else {
        failure
    }
}

/// A remedy in the command line's words: commands and flags; `NAME` where a command
/// takes the profile's name (see [`words_for`]).
pub fn words(remedy: &Remedy) -> String {
    words_in(remedy, None)
}

/// [`words`] for a failure of profile `name`: every command it names takes that name,
/// in the doctor's fixes and the hints alike.
pub fn words_for(remedy: &Remedy, name: &str) -> String {
    words_in(&remedy.clone().for_profile(name), Some(name))
}

fn words_in(remedy: &Remedy, name: Option<&str>) -> String {
    let name = name.unwrap_or("NAME");
    match remedy {
        Remedy::SignIn { profile, why } => {
            let command = match profile {
                Some(p) => format!("run `cdf-signin login --profile {p}`"),
                None => "run `cdf-signin login` again".to_string(),
            };
            after_reason(*why, ": ", command)
        }
        Remedy::StoreSecret { profile, why, .. } => {
            let name = profile.as_deref().unwrap_or(name);
            let store = format!("store it with `cdf-signin profile set-secret {name}`");
            after_reason(*why, " and ", store)
        }
        Remedy::UseAuthority { authority } => format!(
            "use the tenant's id in the authority: `cdf-signin profile edit {name} {} {authority}`",
            Field::Authority.flag()
        ),
        Remedy::CheckFields { why, fields } => {
            let flags: Vec<&str> = fields.iter().map(|f| f.flag()).collect();
            // Says how to change them, not only which: `profile edit` takes every flag.
            let change = match fields.first() {
                Some(f) => format!(
                    " (change with `cdf-signin profile edit {name} {} VALUE`)",
                    f.flag()
                ),
                None => String::new(),
            };
            after_reason(*why, ": ", format!("check {}{change}", flags.join(" and ")))
        }
        Remedy::ChoosePort => format!(
            "close the program using it, or give the profile another port with `cdf-signin profile edit {name} {} N` (any localhost port works with Entra ID)",
            Field::Port.flag()
        ),
        Remedy::MoreTime => "run login again, or give it more time with --timeout".into(),
        Remedy::EnterCodeSooner => "run login again and enter the code sooner".into(),
        Remedy::AddCa => format!(
            "if your network inspects TLS, add its CA with `cdf-signin profile edit {name} {} CA.pem`",
            Field::CaFile.flag()
        ),
        Remedy::ListProfiles => "see `cdf-signin profile list`".into(),
        Remedy::CheckOrg => "check the organization's name (the one your Cognite sign-in page shows); another Cognite identity provider is given with --authority URL or COGNITE_IDP_BASE_URL".into(),
        Remedy::SignInByOrg => "run `cdf-signin login --org ORG` with your Cognite organization's name: it adds a profile for each of its projects".into(),
        Remedy::AddProfile => format!(
            "add one with your own cluster, project, tenant and client ids, e.g. `{}` (see `cdf-signin profile add --help`)",
            super::args::ADD_EXAMPLE
        ),
        Remedy::ChooseProfile => {
            "pass --profile NAME, or set a default with `cdf-signin profile use NAME`".into()
        }
        Remedy::RenameOrRemove { profile } => format!(
            "pick another name, or remove it first with `cdf-signin profile remove {profile}`"
        ),
        Remedy::OtherName { suggestion } => {
            format!("give it another name with --name, e.g. --name {suggestion}")
        }
        Remedy::FixOrRemove { profile } => format!(
            "fix its table in profiles.toml, or remove it with `cdf-signin profile remove {profile}`"
        ),
        Remedy::UseApiKey { profile: p } => format!(
            "`cdf-signin token --profile {p}` prints the key; `cdf-signin inspect --profile {p}` checks it"
        ),
        Remedy::StartKeyring
        | Remedy::UnlockKeyring
        | Remedy::ChooseStorage
        | Remedy::Advice(_) => remedy.plain_words().unwrap_or_default().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_window_libraries_get_a_hint() {
        let f = window_failure(
            "cannot open the window: winit EventLoopError: os error at x.rs:1: \
             Failed to load one of xlib's shared libraries"
                .into(),
        );
        assert!(f.hint.is_some_and(|h| h.contains("apt install libgl1")));
        let f = window_failure("neither WAYLAND_DISPLAY nor DISPLAY is set.".into());
        assert!(f.hint.is_none());
    }

    #[test]
    fn usage_failures_exit_with_the_usage_code() {
        let f = Failure::usage("--port applies to the interactive flow only");
        assert_eq!((f.code, f.hint), (EXIT_USAGE, None));
        assert_eq!(Failure::new("x").code, EXIT_ERROR);
    }

    #[test]
    fn profile_field_errors_are_usage_errors() {
        let f = Failure::from(ProfileError::InvalidName("a b".into()));
        assert_eq!(f.code, EXIT_USAGE);
    }

    #[test]
    fn the_command_line_names_commands_and_flags() {
        let cases = [
            (
                Remedy::sign_in("dev"),
                "run `cdf-signin login --profile dev`",
            ),
            (
                Remedy::StoreSecret {
                    profile: Some("svc".into()),
                    field: Field::ClientSecret,
                    why: None,
                },
                "store it with `cdf-signin profile set-secret svc`",
            ),
            (
                Remedy::CheckFields {
                    why: Some("the client id is not known in this tenant"),
                    fields: &[Field::ClientId, Field::TenantId],
                },
                "the client id is not known in this tenant: check --client-id and --tenant-id (change with `cdf-signin profile edit NAME --client-id VALUE`)",
            ),
            (
                Remedy::EnterCodeSooner,
                "run login again and enter the code sooner",
            ),
        ];
        for (r, expected) in cases {
            assert_eq!(words(&r), expected, "{r:?}");
        }
        assert!(words(&Remedy::ChoosePort).contains("--port"));
        assert!(words(&Remedy::AddCa).contains("--ca-file"));
        assert!(words(&Remedy::MoreTime).contains("--timeout"));
    }

    /// For a known profile every command names it, never `NAME`: the doctor's fixes and
    /// the hints of a profile's failure.
    #[test]
    fn words_for_a_profile_name_it() {
        let check = Remedy::CheckFields {
            why: None,
            fields: &[Field::Cluster],
        };
        let secret = Remedy::StoreSecret {
            profile: None,
            field: Field::ClientSecret,
            why: None,
        };
        let authority = Remedy::UseAuthority {
            authority: "https://idp.example.com/9188040d-6c67-4c5b-b112-36a304b66dad".into(),
        };
        for r in [check, secret, authority, Remedy::ChoosePort, Remedy::AddCa] {
            let said = words_for(&r, "svc");
            assert!(
                said.contains("profile edit svc") || said.contains("set-secret svc"),
                "{said}"
            );
            assert!(!said.contains("NAME"), "{said}");
            assert!(words(&r).contains("NAME"), "{r:?}");
        }
    }
}

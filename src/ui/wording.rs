//! A remedy in the window's words: its buttons and the editor's fields, never a command
//! line.

use crate::app::{Problem, ProblemKind};
use crate::field::Field;
use crate::remedy::{Remedy, after_reason};

/// The OS keyring by the name its platform gives it.
pub use crate::secrets::OS_KEYRING as KEYRING;

/// "stored in the ..." for a secret the keyring keeps.
pub fn stored_in_keyring() -> String {
    format!("stored in the {KEYRING}")
}

/// Beside a project that looks like production on an unmarked profile (the application
/// layer's `suggest_production`): in the editor, by its checkbox, and on the view of a
/// profile an import or an organization's sign-in made.
pub const LOOKS_LIKE_PRODUCTION: &str = "this project looks like production";

/// An example path in a field's hint, shaped as paths are on this platform.
pub fn example_path(file: &str) -> String {
    if cfg!(windows) {
        format!("C:\\Users\\you\\Documents\\{file}")
    } else {
        format!("/path/to/{file}")
    }
}

/// What keeps a secret file private, in this platform's terms.
pub const PRIVATE_FILE: &str = if cfg!(windows) {
    "read at each token request; keep it where only you can read it"
} else {
    "read at each token request; owner-only (0600)"
};

/// A problem with a profile's field, as the editor shows it beside the field.
pub fn problem(problem: &Problem) -> String {
    match (&problem.kind, problem.field) {
        (ProblemKind::Required, Field::Flow) => "choose how this profile signs in".into(),
        (ProblemKind::Required, Field::ClientSecret) => {
            "enter the client secret (or a certificate and key)".into()
        }
        (ProblemKind::Required, Field::ApiKey) => "enter the API key".into(),
        (ProblemKind::Required, Field::ClientSecretEnv) => "enter the name of the variable".into(),
        (ProblemKind::Required, Field::ClientSecretFile) => "enter the file's path".into(),
        (ProblemKind::Required, field) => format!("the {field} is required"),
        (ProblemKind::NearMiss(known), _) => {
            format!("did you mean {known}? Save again to keep it as typed")
        }
        (ProblemKind::NotForFlow, field) => match crate::profile::flows::only_flow(field) {
            Some(only) => format!("only the {} flow uses a {field}; clear it", only.as_str()),
            None => format!("this flow does not use a {field}; clear it"),
        },
        (ProblemKind::Invalid(reason) | ProblemKind::Unreadable(reason), _) => reason.clone(),
    }
}

pub fn remedy(remedy: &Remedy) -> String {
    match remedy {
        Remedy::SignIn { why, .. } => after_reason(*why, ": ", "sign in again with Sign in".into()),
        Remedy::StoreSecret { field, why, .. } => {
            let store = format!(
                "enter it in the profile's {} field (Edit) and Save",
                field.label()
            );
            after_reason(*why, ", then ", store)
        }
        Remedy::UseAuthority { authority } => format!(
            "use the tenant's id in the profile's {} field (Edit): {authority}",
            Field::Authority.label()
        ),
        Remedy::CheckFields { why, fields } => {
            let labels: Vec<&str> = fields.iter().map(|f| f.label()).collect();
            let plural = if labels.len() > 1 { "fields" } else { "field" };
            let check = format!(
                "check the profile's {} {plural} (Edit)",
                labels.join(" and ")
            );
            after_reason(*why, ": ", check)
        }
        Remedy::ChoosePort => format!(
            "close the program using it, or give the profile another {} (Edit); any localhost port works with Entra ID",
            Field::Port.label()
        ),
        Remedy::MoreTime => format!(
            "press Sign in to start again; the window waits {} minutes",
            crate::app::SIGN_IN_TIMEOUT.as_secs() / 60
        ),
        Remedy::EnterCodeSooner => "press Sign in for a new code and enter it sooner".into(),
        Remedy::AddCa => format!(
            "if your network inspects TLS, add its CA in the profile's {} field (Edit, Advanced)",
            Field::CaFile.label()
        ),
        Remedy::ListProfiles | Remedy::ChooseProfile => "pick a profile on the left".into(),
        Remedy::AddProfile => "add a profile with Add profile".into(),
        Remedy::CheckOrg => {
            "check the organization's name (the one your Cognite sign-in page shows)".into()
        }
        Remedy::SignInByOrg => "use \"Sign in with your Cognite organization\" (Add profile): it adds a profile for each of its projects".into(),
        Remedy::RenameOrRemove { profile } => {
            format!("pick another name, or delete the profile '{profile}' first")
        }
        Remedy::OtherName { suggestion } => {
            format!("press Import to add it as {suggestion}, or type another name")
        }
        Remedy::FixOrRemove { .. } => {
            "fix it with Edit, or Delete it (it is shown greyed on the left)".into()
        }
        Remedy::UseApiKey { .. } => {
            "Copy API key copies the key; Verify key asks CDF whether it works".into()
        }
        Remedy::StartKeyring => {
            "start a Secret Service provider (gnome-keyring or KWallet), or choose where secrets are kept in Settings".into()
        }
        Remedy::ChooseStorage => "choose where secrets are kept in Settings".into(),
        Remedy::UnlockKeyring | Remedy::Advice(_) => {
            remedy.plain_words().unwrap_or_default().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_names_its_buttons_and_fields_never_commands() {
        let cases = [
            (Remedy::sign_in("dev"), "Sign in"),
            (
                Remedy::StoreSecret {
                    profile: Some("svc".into()),
                    field: Field::ClientSecret,
                    why: None,
                },
                "Client secret field",
            ),
            (
                Remedy::CheckFields {
                    why: Some("the tenant was not found"),
                    fields: &[Field::TenantId],
                },
                "the tenant was not found: check the profile's Tenant id field",
            ),
            (Remedy::ChoosePort, "Redirect port"),
            (Remedy::AddCa, "Extra CA file (PEM)"),
            (Remedy::EnterCodeSooner, "Sign in"),
        ];
        for (r, expected) in cases {
            let text = remedy(&r);
            assert!(text.contains(expected), "{r:?}: {text}");
            for cli_word in ["cdf-signin", "--", "`"] {
                assert!(!text.contains(cli_word), "{r:?} names the CLI: {text}");
            }
        }
    }
}

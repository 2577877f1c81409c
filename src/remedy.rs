//! What a person can do about an error, without the words: the core says *what* would
//! help, and each front end says it its own way (the CLI names commands and flags, the
//! window names its buttons and fields).

use crate::field::Field;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Sign in to the profile (again). `why` comes first when there is one.
    SignIn {
        profile: Option<String>,
        why: Option<&'static str>,
    },
    /// Store a new client secret or API key (`field`) for the profile.
    StoreSecret {
        profile: Option<String>,
        field: Field,
        why: Option<&'static str>,
    },
    /// Use this authority (the tenant's id where it gave a domain) for the profile.
    UseAuthority { authority: String },
    /// Check these fields of the profile.
    CheckFields {
        why: Option<&'static str>,
        fields: &'static [Field],
    },
    /// The redirect port is taken: free it or give the profile another one.
    ChoosePort,
    /// The sign-in ran out of time: start again, maybe with more time.
    MoreTime,
    /// The device code expired: start again and enter the code sooner.
    EnterCodeSooner,
    /// The network inspects TLS: trust its CA for this profile.
    AddCa,
    /// No keyring answered: start one.
    StartKeyring,
    /// The keyring refused: unlock it.
    UnlockKeyring,
    /// No storage can keep secrets, or the choice is invalid: choose one.
    ChooseStorage,
    /// A profile name that does not exist: see which ones do.
    ListProfiles,
    /// No profile was named and there is no default.
    ChooseProfile,
    /// There are no profiles at all: add the first one.
    AddProfile,
    /// The name is taken by `profile`.
    RenameOrRemove { profile: String },
    /// An import's name is taken: give another, such as `suggestion` (which is free).
    OtherName { suggestion: String },
    /// The profile breaks a rule and is not used: fix it in the profiles file, or
    /// remove it.
    FixOrRemove { profile: String },
    /// A legacy API-key profile has a key, not tokens.
    UseApiKey { profile: String },
    /// Cognite's identity provider refused the organization: check its name.
    CheckOrg,
    /// A person's sign-in with Cognite's identity provider goes by organization (a
    /// toolkit `.env` names none): sign in by organization instead.
    SignInByOrg,
    /// Advice no front end words differently (the network, the provider, an admin).
    Advice(&'static str),
}

impl Remedy {
    pub fn sign_in(profile: &str) -> Remedy {
        Remedy::SignIn {
            profile: Some(profile.to_string()),
            why: None,
        }
    }

    /// The remedy for `profile`: a layer that does not know the profile (the identity
    /// provider's refusal of a secret) leaves it out, and the front end that does fills
    /// it in, so the hint names the real profile.
    pub fn for_profile(self, name: &str) -> Remedy {
        match self {
            Remedy::SignIn { profile: None, why } => Remedy::SignIn {
                profile: Some(name.to_string()),
                why,
            },
            Remedy::StoreSecret {
                profile: None,
                field,
                why,
            } => Remedy::StoreSecret {
                profile: Some(name.to_string()),
                field,
                why,
            },
            other => other,
        }
    }

    /// The words of a remedy that names neither commands nor buttons, the same in every
    /// front end.
    pub fn plain_words(&self) -> Option<&'static str> {
        // Each platform's own stores: Windows and macOS have no Secret Service and no
        // kernel keyring.
        Some(match self {
            Remedy::StartKeyring if cfg!(windows) => {
                "check that the Windows Credential Manager works for your account, or set CDF_SIGNIN_STORAGE=file (plain files)"
            }
            Remedy::StartKeyring if cfg!(target_os = "macos") => {
                "unlock your login Keychain, or set CDF_SIGNIN_STORAGE=file (plain files)"
            }
            Remedy::StartKeyring => {
                "start a Secret Service provider (gnome-keyring or KWallet), or set CDF_SIGNIN_STORAGE=kernel (memory only) or file (plain files)"
            }
            Remedy::ChooseStorage if cfg!(windows) => {
                "set CDF_SIGNIN_STORAGE to auto, keyring (the Windows Credential Manager) or file (plain files under the data dir)"
            }
            Remedy::ChooseStorage if cfg!(target_os = "macos") => {
                "set CDF_SIGNIN_STORAGE to auto, keyring (the macOS Keychain) or file (plain files under the data dir)"
            }
            Remedy::ChooseStorage => {
                "set CDF_SIGNIN_STORAGE to auto, keyring (gnome-keyring, KWallet), kernel (the Linux kernel keyring, memory only) or file (plain files under the data dir)"
            }
            Remedy::UnlockKeyring => "unlock your keyring and try again",
            Remedy::Advice(text) => text,
            _ => return None,
        })
    }
}

/// `text`, after the reason when there is one: "the tenant was not found: check ...".
pub fn after_reason(why: Option<&str>, joiner: &str, text: String) -> String {
    match why {
        Some(w) => format!("{w}{joiner}{text}"),
        None => text,
    }
}

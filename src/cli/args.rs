//! What the command line accepts, as clap parses it: every command and its typed
//! arguments. [`super::run`] hands each to the function that carries it out.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::profile::{Flow, Prompt};

/// The first profile most people add: a person signing in with the browser. The
/// first-run hint shows it in one line; the `--help` examples show the same command
/// in lines short enough not to be wrapped (a test checks they are the same).
pub const ADD_EXAMPLE: &str = "cdf-signin profile add dev --cluster westeurope-1 --project my-project --tenant-id contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555 --flow interactive";

/// How a command is continued on the next line in the examples' shell: PowerShell's
/// backtick on Windows, a backslash elsewhere.
#[cfg(windows)]
macro_rules! cont {
    () => {
        " `\n"
    };
}
#[cfg(not(windows))]
macro_rules! cont {
    () => {
        " \\\n"
    };
}

/// `--tenant-id ... --client-id ...` of every example, continued over two lines.
macro_rules! ids {
    () => {
        concat!(
            cont!(),
            "      --tenant-id contoso.onmicrosoft.com",
            cont!(),
            "      --client-id 11111111-2222-3333-4444-555555555555"
        )
    };
}

/// The line that puts a profile's variables into the current shell: PowerShell's on
/// Windows (what `env` prints there by default), a POSIX shell's elsewhere.
#[cfg(windows)]
macro_rules! env_example {
    () => {
        "  cdf-signin env --profile dev | Invoke-Expression\n"
    };
}
#[cfg(not(windows))]
macro_rules! env_example {
    () => {
        "  eval \"$(cdf-signin env --profile dev)\"\n"
    };
}

/// Where that secret goes, by the platform's name for it.
#[cfg(windows)]
macro_rules! keyring_comment {
    () => {
        "  # A service principal, its secret read from stdin into the Credential Manager\n"
    };
}
#[cfg(not(windows))]
macro_rules! keyring_comment {
    () => {
        "  # A service principal, its secret read from stdin into the keyring\n"
    };
}

/// A service principal's secret handed over on stdin, in the platform's shell.
#[cfg(windows)]
macro_rules! secret_example {
    () => {
        "  $secret | cdf-signin profile add svc --cluster westeurope-1"
    };
}
#[cfg(not(windows))]
macro_rules! secret_example {
    () => {
        "  printf '%s' \"$SECRET\" | cdf-signin profile add svc --cluster westeurope-1"
    };
}

const EXAMPLES: &str = concat!(
    "Examples:\n",
    "  # Add a profile (the tenant and client ids are on the app registration's\n",
    "  # Overview page in Entra ID; see the README)\n",
    "  cdf-signin profile add dev --cluster westeurope-1 --project my-project",
    ids!(),
    " --flow interactive\n",
    "  cdf-signin login --profile dev\n",
    "  cdf-signin token --profile dev\n",
    env_example!(),
    "  cdf-signin exec --profile dev -- python script.py\n",
    "  cdf-signin doctor --profile dev --need assetsAcl:READ",
);

const ADD_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  # A person, signing in with the browser\n",
    "  cdf-signin profile add dev --cluster westeurope-1 --project my-project",
    ids!(),
    " --flow interactive\n",
    "  # A person on a machine without a browser (SSH, a container)\n",
    "  cdf-signin profile add remote --cluster westeurope-1 --project my-project",
    ids!(),
    " --flow device-code\n",
    keyring_comment!(),
    secret_example!(),
    cont!(),
    "      --project my-project",
    ids!(),
    cont!(),
    "      --flow client-credentials --client-secret-stdin",
);

/// `env --shell`: the default is the platform's own shell.
#[cfg(windows)]
const SHELL_HELP: &str = "sh (also bash, zsh), fish, powershell or cmd [default: powershell; for cmd.exe give --shell cmd]";
#[cfg(not(windows))]
const SHELL_HELP: &str = "sh (also bash, zsh), fish, powershell or cmd [default: sh]";

/// `--client-secret-file`: what keeps such a file private differs by platform.
#[cfg(windows)]
const SECRET_FILE_HELP: &str = "Read the client secret from this file at each token request (keep it in a folder only you can read, such as your profile folder)";
#[cfg(not(windows))]
const SECRET_FILE_HELP: &str = "Read the client secret from this file (mode 0600) at each token request, e.g. systemd's $CREDENTIALS_DIRECTORY/NAME";

#[derive(Parser)]
#[command(name = "cdf-signin", version, about = "Sign in to Cognite Data Fusion and get access tokens", long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// Log what happens (tokens and secrets are never logged)
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Sign in with the profile's flow and keep the tokens (--org: to a Cognite organization)
    Login {
        #[command(flatten)]
        select: Select,
        /// Give up when sign-in has not finished after this many seconds
        #[arg(long, value_name = "SECS", default_value_t = crate::app::SIGN_IN_TIMEOUT.as_secs())]
        timeout: u64,
        #[command(flatten)]
        org: OrgArgs,
    },
    /// Print an access token (cached, refreshed, or new) on stdout
    Token {
        #[command(flatten)]
        select: Select,
        /// Print JSON with the expiry and the profile's project
        #[arg(long)]
        json: bool,
        /// Renew a cached token that is valid for less than this
        #[arg(long, value_name = "SECS", default_value_t = crate::token::DEFAULT_MIN_VALID_SECS)]
        min_valid: i64,
        /// Renew even when the cached token is still valid
        #[arg(long)]
        force_refresh: bool,
    },
    /// Show the decoded header and claims of the current tokens
    Claims {
        #[command(flatten)]
        select: Select,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Forget the profile's tokens
    Logout {
        #[command(flatten)]
        select: Select,
    },
    /// Ask CDF what the profile's token may do: projects, groups and capabilities
    Inspect {
        #[command(flatten)]
        select: Select,
        #[arg(long)]
        json: bool,
    },
    /// Print CDF_PROJECT, CDF_CLUSTER, CDF_URL and CDF_TOKEN lines to eval in a shell
    Env {
        #[command(flatten)]
        select: Select,
        #[arg(long, help = SHELL_HELP, value_parser = ["sh", "bash", "zsh", "fish", "powershell", "pwsh", "cmd"])]
        shell: Option<String>,
    },
    /// Walk the chain from the profile to CDF's capabilities and say which link broke
    ///
    /// One line per step: the profile is complete, the identity provider is reachable,
    /// a token can be had, it fits the profile, CDF accepts it, the project is within
    /// reach, each --need is granted. Exit status 0 when all pass, 1 when one fails, 3
    /// when a sign-in is required.
    Doctor {
        #[command(flatten)]
        select: Select,
        /// A capability the work needs in the project (repeatable), e.g. assetsAcl:READ
        #[arg(long = "need", value_name = "ACL:ACTION")]
        needs: Vec<String>,
        /// Print a JSON list of the steps (name, ok, status, detail, fix)
        #[arg(long)]
        json: bool,
    },
    /// Run COMMAND with CDF_PROJECT, CDF_CLUSTER, CDF_URL and CDF_TOKEN in its environment
    ///
    /// The token is valid for at least --min-valid seconds. COMMAND's exit status is
    /// returned as its own (128+N when signal N ended it); without a token it never starts.
    Exec {
        #[command(flatten)]
        select: Select,
        /// The token must stay valid at least this long
        #[arg(long, value_name = "SECS", default_value_t = 300)]
        min_valid: i64,
        /// The command and its arguments, after --
        #[arg(value_name = "COMMAND", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<OsString>,
    },
    /// Show where secrets and token keys are kept and why, or move them (storage set)
    Storage {
        #[command(subcommand)]
        action: Option<StorageCommand>,
    },
    /// Open the window (the same as no command)
    Gui {
        /// Open it on this profile (its sign-in when it needs one)
        #[arg(long, short, value_name = "NAME")]
        profile: Option<String>,
    },
    /// Put cdf-signin in the notification area: its menu copies any profile's token
    ///
    /// A small process without a window. Each profile's entry copies its access token
    /// (renewed like `token`, never with a browser) or an `Authorization: Bearer` header,
    /// cleared from the clipboard again after the window's delay (a minute unless its
    /// Settings say otherwise); a profile that needs a sign-in opens the window on it.
    /// One tray per user: a second one exits saying so.
    Tray {
        /// End the running tray
        #[arg(long, conflicts_with = "autostart")]
        quit: bool,
        /// Start the tray when you sign in to the desktop, or stop doing so
        #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
        autostart: Option<String>,
    },
    /// Manage profiles
    #[command(subcommand)]
    Profile(Box<ProfileCommand>),
    /// Print a shell completion script on stdout (for packagers)
    #[command(hide = true)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout (for packagers)
    #[command(hide = true)]
    Man,
    /// Add a folder to your user PATH in the registry, or remove it (the Windows
    /// installer and uninstaller run this)
    #[command(hide = true, subcommand)]
    Path(PathCommand),
}

/// `storage set KIND`: move every secret to another store.
#[derive(Subcommand)]
pub enum StorageCommand {
    /// Move every client secret, API key and token key to KIND (auto, keyring, kernel
    /// or file) and keep using it; the old store is emptied of them
    ///
    /// Asks first on a terminal; scripts pass --yes. Nothing moves when the new store
    /// cannot keep a test entry, and a move that fails halfway is taken back.
    Set {
        /// auto, keyring, kernel (Linux) or file (plain files, not encrypted)
        #[arg(value_name = "KIND")]
        kind: String,
        /// Move without asking
        #[arg(long)]
        yes: bool,
    },
}

/// `path add|remove DIR`: the user's `Path` value, read and written whole.
#[derive(Subcommand)]
pub enum PathCommand {
    /// Append DIR unless an entry names it already; prints `added` or `present`
    Add { dir: String },
    /// Remove the entries naming DIR; prints `removed` or `absent`
    Remove { dir: String },
}

#[derive(Args)]
pub struct Select {
    /// The profile to use (default: the one set with `profile use`)
    #[arg(long, short, env = "CDF_SIGNIN_PROFILE")]
    pub profile: Option<String>,
}

/// `login --org`: Cognite's own identity provider, by organization.
#[derive(Args, Clone, Default)]
pub struct OrgArgs {
    /// Sign in to this Cognite organization (Cognite IdP) and add a profile for each of
    /// its projects, all sharing the sign-in (no --profile then: it makes them)
    // Not a clap conflict with --profile: CDF_SIGNIN_PROFILE in the environment would
    // count as one.
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// With --org: the client id (default: Cognite's public CLI client)
    #[arg(long, value_name = "ID", requires = "org")]
    pub client_id: Option<String>,
    /// With --org: redirect port(s) tried in order (default: 3000,3100-3110)
    #[arg(long, value_name = "PORTS", requires = "org")]
    pub port: Option<crate::profile::PortSpec>,
    /// With --org: the Cognite IdP base (default: $COGNITE_IDP_BASE_URL, else
    /// https://auth.cognite.com)
    #[arg(long, value_name = "URL", requires = "org")]
    pub authority: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FlowArg {
    Interactive,
    DeviceCode,
    ClientCredentials,
    /// A legacy CDF API key (older projects)
    ApiKey,
}

impl From<FlowArg> for Flow {
    fn from(f: FlowArg) -> Flow {
        match f {
            FlowArg::Interactive => Flow::Interactive,
            FlowArg::DeviceCode => Flow::DeviceCode,
            FlowArg::ClientCredentials => Flow::ClientCredentials,
            FlowArg::ApiKey => Flow::ApiKey,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PromptArg {
    #[value(name = "select_account")]
    SelectAccount,
    Login,
    Consent,
}

impl From<PromptArg> for Prompt {
    fn from(p: PromptArg) -> Prompt {
        match p {
            PromptArg::SelectAccount => Prompt::SelectAccount,
            PromptArg::Login => Prompt::Login,
            PromptArg::Consent => Prompt::Consent,
        }
    }
}

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// Add a profile
    #[command(after_help = ADD_EXAMPLES)]
    Add(Box<AddArgs>),
    /// List profiles (* marks the default)
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show a profile's effective settings (never its secrets)
    Show {
        /// The profile's name
        name: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile with its keyring entries and cached tokens (or every profile,
    /// with --all)
    Remove {
        /// The profile's name
        #[arg(required_unless_present = "all")]
        name: Option<String>,
        /// Remove every profile, each with its keyring entries and cached tokens (the
        /// Windows uninstaller's "remove my profiles")
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Make a profile the default
    Use {
        /// The profile's name
        name: String,
    },
    /// Add a profile like NAME for another project it reaches (same sign-in and secret)
    AddFrom(AddFromArgs),
    /// Add a profile from a cognite-toolkit .env file (default ./.env)
    Import(ImportArgs),
    /// Change fields of a profile: any field `profile add` takes, checked by the same
    /// rules; its secret, and its sign-in while the account fields stay, are kept
    Edit(Box<EditArgs>),
    /// Rename a profile, carrying its secret and sign-in over
    Rename {
        /// The profile's name now
        old: String,
        /// Its new name
        new: String,
    },
    /// Store a new client secret (or API key) for a profile
    SetSecret {
        /// The profile's name
        name: String,
        /// Read the secret from stdin instead of prompting
        #[arg(long)]
        stdin: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The profile's name, e.g. dev (what --profile and CDF_SIGNIN_PROFILE name)
    pub name: String,
    /// CDF cluster, e.g. westeurope-1, api, az-eastus-1 (a pasted
    /// westeurope-1.cognitedata.com is taken as westeurope-1); optional with --base-url
    #[arg(long, required_unless_present = "base_url")]
    pub cluster: Option<String>,
    /// Keep a --cluster that is one or two letters from a known cluster's name
    #[arg(long)]
    pub cluster_is_right: bool,
    /// CDF project
    #[arg(long)]
    pub project: String,
    /// Entra ID tenant id or domain (not for api-key)
    #[arg(long)]
    pub tenant_id: Option<String>,
    /// Application (client) id of the app registration (not for api-key)
    #[arg(long)]
    pub client_id: Option<String>,
    #[arg(long, value_enum)]
    pub flow: FlowArg,
    #[command(flatten)]
    pub fields: FieldArgs,
}

/// The optional fields `profile add` and `profile edit` both take, with one help each.
#[derive(Args)]
pub struct FieldArgs {
    /// Default: https://login.microsoftonline.com/{tenant}
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
    /// Default: https://{cluster}.cognitedata.com
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Token endpoint override (client credentials)
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Scope to request (repeatable; `profile edit` replaces the profile's). Default:
    /// {base_url}/.default
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// Loopback port(s) for the interactive flow's redirect, tried in order, e.g. 3000 or
    /// 3000,3100-3110 (default: 53000, else any free port)
    #[arg(long, value_name = "PORTS")]
    pub port: Option<crate::profile::PortSpec>,
    /// Read the client secret from stdin
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Read the client secret from this environment variable at each token request
    /// (stored nowhere)
    #[arg(long, value_name = "VAR", conflicts_with_all = ["client_secret_stdin", "client_secret_file"])]
    pub client_secret_env: Option<String>,
    #[arg(long, help = SECRET_FILE_HELP, value_name = "PATH", conflicts_with = "client_secret_stdin")]
    pub client_secret_file: Option<PathBuf>,
    /// Read the legacy API key from stdin (--flow api-key)
    #[arg(long)]
    pub api_key_stdin: bool,
    /// The `audience` parameter some identity providers (Auth0) need
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// PEM certificate for certificate credentials
    #[arg(long, value_name = "PEM_PATH", requires = "private_key")]
    pub certificate: Option<PathBuf>,
    /// PEM private key of the certificate
    #[arg(long, value_name = "PEM_PATH", requires = "certificate")]
    pub private_key: Option<PathBuf>,
    /// Account to preselect in the interactive flow
    #[arg(long, value_name = "EMAIL")]
    pub login_hint: Option<String>,
    #[arg(long, value_enum)]
    pub prompt: Option<PromptArg>,
    /// Extra CA certificate(s) to trust for this profile (PEM)
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Mark the profile as production (shown unmistakably; env and exec say so;
    /// `profile edit --unset production` clears it)
    #[arg(long)]
    pub production: bool,
}

// No doc comment: the variant's comment is the command's help.
#[derive(Args)]
pub struct EditArgs {
    /// The name of the profile to change
    pub name: String,
    /// New CDF cluster, e.g. westeurope-1 (a pasted hostname or URL is taken as its
    /// cluster's name)
    #[arg(long)]
    pub cluster: Option<String>,
    /// Keep a --cluster that is one or two letters from a known cluster's name
    #[arg(long, requires = "cluster")]
    pub cluster_is_right: bool,
    /// New CDF project
    #[arg(long)]
    pub project: Option<String>,
    #[arg(long)]
    pub tenant_id: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    #[arg(long, value_enum)]
    pub flow: Option<FlowArg>,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Clear an optional field (repeatable)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub unset: Vec<UnsetField>,
}

/// The optional fields `profile edit --unset` clears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnsetField {
    TenantId,
    Authority,
    BaseUrl,
    TokenUrl,
    Scope,
    Port,
    Audience,
    LoginHint,
    Prompt,
    CaFile,
    /// The certificate and its private key.
    Certificate,
    /// Back to the stored secret.
    ClientSecretEnv,
    /// Back to the stored secret.
    ClientSecretFile,
    /// The production mark.
    Production,
}

// No doc comments on these two: the variant's comment is the command's help.
#[derive(Args)]
pub struct AddFromArgs {
    /// The profile to copy the sign-in from
    pub name: String,
    /// The other project
    #[arg(long)]
    pub project: String,
    /// Name of the new profile (default: the project)
    #[arg(long = "name", value_name = "NEW")]
    pub new_name: Option<String>,
}

#[derive(Args)]
pub struct ImportArgs {
    pub file: Option<PathBuf>,
    /// Read the same variables from the environment instead of a file
    #[arg(long, conflicts_with = "file")]
    pub from_env: bool,
    /// Name of the new profile (default: CDF_PROJECT)
    #[arg(long)]
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help's examples are lines a shell joins back into the hint's one-liner.
    #[test]
    fn the_help_shows_the_first_run_example() {
        for help in [EXAMPLES, ADD_EXAMPLES] {
            let joined = help.replace(concat!(cont!(), "     "), "");
            assert!(joined.contains(ADD_EXAMPLE), "{joined}");
            assert!(help.lines().all(|l| l.len() <= 80), "{help}");
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

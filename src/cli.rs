//! The command line: clap definitions, and each command as a call into the session with
//! text or `--json` output. Tokens go to stdout alone; everything else to stderr.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, SecondsFormat, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::auth::{CancelToken, ClientCertificate, Http, SignInPrompt};
use crate::paths::Paths;
use crate::profile::{self, Flow, Profile, ProfileError, ProfileStore, Prompt};
use crate::secrets::{KeyringStore, Secret, SecretKind};
use crate::session::{Session, SessionError, TokenOptions};
use crate::token::{Jwt, SystemClock};

mod cdf;

#[derive(Parser)]
#[command(name = "cdf-signin", version, about = "Sign in to Cognite Data Fusion and get access tokens", long_about = None)]
pub struct Cli {
    /// Log what happens (tokens and secrets are never logged)
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Sign in with the profile's flow and keep the tokens
    Login {
        #[command(flatten)]
        select: Select,
        /// Give up when sign-in has not finished after this many seconds
        #[arg(long, value_name = "SECS", default_value_t = 300)]
        timeout: u64,
    },
    /// Print an access token (cached, refreshed, or new) on stdout
    Token {
        #[command(flatten)]
        select: Select,
        /// Print JSON with the expiry and the profile's project
        #[arg(long)]
        json: bool,
        /// Renew a cached token that is valid for less than this
        #[arg(long, value_name = "SECS", default_value_t = 60)]
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
        /// sh (also bash, zsh), fish or powershell
        #[arg(long, default_value = "sh", value_parser = ["sh", "bash", "zsh", "fish", "powershell", "pwsh"])]
        shell: String,
    },
    /// Open the window (the same as no command)
    Gui,
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
}

#[derive(Args)]
pub struct Select {
    /// The profile to use (default: the one set with `profile use`)
    #[arg(long, short, env = "CDF_SIGNIN_PROFILE")]
    pub profile: Option<String>,
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
    Add(Box<AddArgs>),
    /// List profiles (* marks the default)
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show a profile's effective settings (never its secrets)
    Show {
        name: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile with its keyring entries and cached tokens
    Remove { name: String },
    /// Make a profile the default
    Use { name: String },
    /// Add a profile like NAME for another project it reaches (same sign-in and secret)
    AddFrom {
        name: String,
        /// The other project
        #[arg(long)]
        project: String,
        /// Name of the new profile (default: the project)
        #[arg(long = "name", value_name = "NEW")]
        new_name: Option<String>,
    },
    /// Add a profile from a cognite-toolkit .env file (default ./.env)
    Import {
        file: Option<PathBuf>,
        /// Read the same variables from the environment instead of a file
        #[arg(long, conflicts_with = "file")]
        from_env: bool,
        /// Name of the new profile (default: CDF_PROJECT)
        #[arg(long)]
        name: Option<String>,
    },
    /// Store a new client secret (or API key) for a profile
    SetSecret {
        name: String,
        /// Read the secret from stdin instead of prompting
        #[arg(long)]
        stdin: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    pub name: String,
    /// CDF cluster, e.g. westeurope-1, api, az-eastus-1
    #[arg(long)]
    pub cluster: String,
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
    /// Default: https://login.microsoftonline.com/{tenant}
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
    /// Default: https://{cluster}.cognitedata.com
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Token endpoint override (client credentials)
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Scope to request (repeatable). Default: {base_url}/.default
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// Loopback port for the interactive flow's redirect (default 53000)
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Read the client secret from stdin
    #[arg(long)]
    pub client_secret_stdin: bool,
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
}

/// A failure as the user sees it: one line, maybe a hint, and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub code: i32,
}

pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_SIGN_IN: i32 = 3;

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code: EXIT_ERROR,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
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
            hint: e.hint(),
            code,
        }
    }
}

impl From<ProfileError> for Failure {
    fn from(e: ProfileError) -> Failure {
        let code = match e {
            ProfileError::InvalidName(_) | ProfileError::InvalidField { .. } => EXIT_USAGE,
            _ => EXIT_ERROR,
        };
        Failure {
            message: e.to_string(),
            hint: e.hint(),
            code,
        }
    }
}

impl From<crate::auth::AuthError> for Failure {
    fn from(e: crate::auth::AuthError) -> Failure {
        Failure::from(SessionError::from(e))
    }
}

impl From<crate::secrets::SecretError> for Failure {
    fn from(e: crate::secrets::SecretError) -> Failure {
        Failure::from(SessionError::from(e))
    }
}

type CmdResult = Result<(), Failure>;

struct Ctx {
    paths: Paths,
    store: ProfileStore,
    rt: tokio::runtime::Runtime,
}

impl Ctx {
    fn new() -> Result<Ctx, Failure> {
        let paths = Paths::from_env().map_err(|e| Failure::new(e.to_string()))?;
        let store = ProfileStore::new(&paths.config_dir);
        // Multi-thread (with one worker) because the session drives futures through a
        // `Handle`, which does not run a current-thread runtime's IO and timer drivers.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))?;
        Ok(Ctx { paths, store, rt })
    }

    fn session(&self) -> Session {
        Session::new(
            self.paths.clone(),
            Box::new(KeyringStore::from_env()),
            Box::new(SystemClock),
            self.rt.handle().clone(),
        )
    }

    fn resolve(&self, select: &Select) -> Result<(String, Profile), Failure> {
        let file = self.store.load()?;
        let (name, profile) = file.resolve(select.profile.as_deref())?;
        Ok((name.to_string(), profile.clone()))
    }
}

pub fn run(command: Command) -> CmdResult {
    // These need no home directory, keyring or runtime: a build machine runs them.
    match command {
        Command::Completions { shell } => {
            crate::generate::completions(shell, &mut std::io::stdout().lock());
            return Ok(());
        }
        Command::Man => {
            return crate::generate::man_page(&mut std::io::stdout().lock())
                .map_err(|e| Failure::new(format!("cannot write the man page: {e}")));
        }
        _ => {}
    }
    let ctx = Ctx::new()?;
    match command {
        Command::Login { select, timeout } => login(&ctx, &select, timeout),
        Command::Token {
            select,
            json,
            min_valid,
            force_refresh,
        } => token(
            &ctx,
            &select,
            json,
            TokenOptions {
                min_valid_secs: min_valid,
                force_refresh,
            },
        ),
        Command::Claims { select, json } => claims(&ctx, &select, json),
        Command::Logout { select } => {
            let (name, _) = ctx.resolve(&select)?;
            ctx.session().logout(&name)?;
            eprintln!("Signed out of '{name}'.");
            Ok(())
        }
        Command::Inspect { select, json } => cdf::inspect(&ctx, &select, json),
        Command::Env { select, shell } => cdf::env(&ctx, &select, &shell),
        Command::Profile(p) => profile_command(&ctx, *p),
        Command::Gui => crate::ui::run().map_err(window_failure),
        Command::Completions { .. } | Command::Man => Ok(()), // handled above
    }
}

/// The window's libraries are loaded at run time (winit, glutin): on a machine without
/// them (a server, or the .deb installed without its Recommends) say what to install.
fn window_failure(message: String) -> Failure {
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

fn login(ctx: &Ctx, select: &Select, timeout: u64) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    if profile.flow == Flow::ApiKey {
        eprintln!(
            "Profile '{name}' uses a legacy API key: there is nothing to sign in to. \
             `cdf-signin inspect --profile {name}` checks the key."
        );
        return Ok(());
    }
    let session = ctx.session();
    let cancel = CancelToken::default();
    {
        let cancel = cancel.clone();
        ctx.rt.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
    }
    let set = session.login(
        &name,
        &profile,
        &print_prompt,
        &cancel,
        Duration::from_secs(timeout.max(1)),
    )?;
    eprintln!(
        "Signed in with profile '{name}'; the access token is valid until {}.",
        local_time(set.expires_at)
    );
    Ok(())
}

fn print_prompt(prompt: SignInPrompt) {
    let mut err = std::io::stderr().lock();
    match prompt {
        SignInPrompt::Browser { url, opened } => {
            match opened {
                Ok(()) => {
                    let _ = writeln!(
                        err,
                        "Opened your browser to sign in. If nothing appeared, open this URL:"
                    );
                }
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "Could not open a browser ({e}). Open this URL to sign in:"
                    );
                }
            }
            let _ = writeln!(err, "  {url}");
            let _ = writeln!(err, "Waiting for the sign-in to finish (Ctrl-C cancels)...");
        }
        SignInPrompt::DeviceCode(d) => {
            match &d.message {
                Some(m) => {
                    let _ = writeln!(err, "{m}");
                }
                None => {
                    let _ = writeln!(
                        err,
                        "To sign in, open {} and enter the code {}",
                        d.verification_uri, d.user_code
                    );
                }
            }
            let _ = writeln!(err, "  URL:  {}", d.verification_uri);
            let _ = writeln!(err, "  Code: {}", d.user_code);
            let _ = writeln!(
                err,
                "The code expires at {} (Ctrl-C cancels).",
                local_time(d.expires_at)
            );
        }
    }
}

fn token(ctx: &Ctx, select: &Select, json: bool, opts: TokenOptions) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    if profile.flow == Flow::ApiKey {
        return api_key(ctx, &name, &profile, json);
    }
    let (set, source) = ctx.session().token(&name, &profile, opts)?;
    tracing::debug!(?source, "token served");
    let mut out = std::io::stdout().lock();
    let written = if json {
        let expires_at: DateTime<Local> = set.expires_at.into();
        let value = json!({
            "access_token": set.access_token.expose(),
            "token_type": set.token_type,
            "expires_at": expires_at.to_rfc3339_opts(SecondsFormat::Secs, false),
            "expires_in": set.seconds_left(Utc::now()).max(0),
            "profile": name,
            "project": profile.project,
            "base_url": profile.base_url(),
        });
        writeln!(out, "{value}")
    } else {
        writeln!(out, "{}", set.access_token.expose())
    };
    written.map_err(|e| Failure::new(format!("cannot write to stdout: {e}")))
}

/// `token` of a legacy API-key profile: the key itself; it has no expiry.
fn api_key(ctx: &Ctx, name: &str, profile: &Profile, json: bool) -> CmdResult {
    let key = ctx.session().api_key(name)?;
    let text = if json {
        json!({
            "access_token": key.expose(),
            "token_type": "api-key",
            "expires_at": null,
            "expires_in": null,
            "profile": name,
            "project": profile.project,
            "base_url": profile.base_url(),
        })
        .to_string()
    } else {
        key.expose().to_string()
    };
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| Failure::new(format!("cannot write to stdout: {e}")))
}

fn claims(ctx: &Ctx, select: &Select, json: bool) -> CmdResult {
    let (name, profile) = ctx.resolve(select)?;
    let (set, _) = ctx.session().token(
        &name,
        &profile,
        TokenOptions {
            min_valid_secs: 0,
            force_refresh: false,
        },
    )?;
    let now = Utc::now();
    let access = decode_for_display(&set.access_token, "access token")?;
    let id = match &set.id_token {
        Some(t) => Some(decode_for_display(t, "ID token")?),
        None => None,
    };
    if json {
        let view = |jwt: &Jwt| {
            let exp = jwt.time_claim("exp");
            json!({
                "header": jwt.header,
                "claims": jwt.claims,
                "expires_at": exp.map(|t| DateTime::<Local>::from(t).to_rfc3339_opts(SecondsFormat::Secs, false)),
                "expires_in": exp.map(|t| (t - now).num_seconds()),
            })
        };
        let value = json!({
            "profile": name,
            "access_token": view(&access),
            "id_token": id.as_ref().map(view),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(());
    }
    let mut out = String::new();
    print_jwt(
        &mut out,
        &format!("Access token of profile '{name}'"),
        &access,
        now,
    );
    if let Some(id) = &id {
        out.push('\n');
        print_jwt(&mut out, "ID token", id, now);
    }
    print!("{out}");
    Ok(())
}

fn decode_for_display(token: &Secret, what: &str) -> Result<Jwt, Failure> {
    Jwt::decode(token.expose()).map_err(|e| Failure::new(format!("cannot show the {what}: {e}")))
}

fn print_jwt(out: &mut String, title: &str, jwt: &Jwt, now: DateTime<Utc>) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "{title}");
    if let Some(exp) = jwt.time_claim("exp") {
        let left = (exp - now).num_seconds();
        let _ = writeln!(
            out,
            "  expires: {} ({})",
            local_time(exp),
            describe_left(left)
        );
    }
    let _ = writeln!(out, "Header");
    for (k, v) in &jwt.header {
        let _ = writeln!(out, "  {k}: {}", show_value(v));
    }
    let _ = writeln!(out, "Claims");
    for (k, v) in &jwt.claims {
        let time = matches!(k.as_str(), "exp" | "iat" | "nbf" | "auth_time")
            .then(|| jwt.time_claim(k))
            .flatten()
            .map(|t| format!(" ({})", local_time(t)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {k}: {}{time}", show_value(v));
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn describe_left(secs: i64) -> String {
    if secs <= 0 {
        return format!("expired {} ago", human_duration(-secs));
    }
    format!("in {}", human_duration(secs))
}

fn human_duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

fn local_time(t: DateTime<Utc>) -> String {
    DateTime::<Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

fn profile_command(ctx: &Ctx, command: ProfileCommand) -> CmdResult {
    match command {
        ProfileCommand::Add(args) => add_profile(ctx, *args),
        ProfileCommand::List { json } => list_profiles(ctx, json),
        ProfileCommand::Show { name, json } => show_profile(ctx, &name, json),
        ProfileCommand::Remove { name } => {
            let file = ctx.store.load()?;
            file.get(&name)?;
            // Keyring first: if it is unreachable, nothing has changed yet.
            ctx.session().forget_profile(&name)?;
            ctx.store.update(|f| {
                f.profiles.remove(&name);
                if f.default.as_deref() == Some(name.as_str()) {
                    f.default = None;
                }
                Ok(())
            })?;
            eprintln!("Removed profile '{name}' with its tokens and keyring entries.");
            Ok(())
        }
        ProfileCommand::Use { name } => {
            ctx.store.update(|f| {
                f.get(&name)?;
                f.default = Some(name.clone());
                Ok(())
            })?;
            eprintln!("'{name}' is now the default profile.");
            Ok(())
        }
        ProfileCommand::AddFrom {
            name,
            project,
            new_name,
        } => cdf::add_from(ctx, &name, &project, new_name.as_deref()),
        ProfileCommand::Import {
            file,
            from_env,
            name,
        } => cdf::import(ctx, file.as_deref(), from_env, name.as_deref()),
        ProfileCommand::SetSecret { name, stdin } => {
            let file = ctx.store.load()?;
            let profile = file.get(&name)?;
            let (kind, what) = match profile.flow {
                Flow::ApiKey => (SecretKind::ApiKey, "API key"),
                Flow::ClientCredentials if !profile.uses_certificate() => {
                    (SecretKind::ClientSecret, "client secret")
                }
                _ => {
                    return Err(Failure::new(format!(
                        "profile '{name}' does not use a client secret"
                    ))
                    .hint("only client-credentials profiles without a certificate, and api-key profiles, have one"));
                }
            };
            let secret = read_secret(stdin, what)?;
            KeyringStore::from_env().set(&name, kind, &secret)?;
            ctx.session().logout(&name)?;
            eprintln!("Stored the new {what} of '{name}' in the keyring.");
            Ok(())
        }
    }
}

use crate::secrets::SecretStore as _;

/// Reads a secret from stdin (`from_stdin`) or, on a terminal, from a prompt without echo.
fn read_secret(from_stdin: bool, what: &str) -> Result<Secret, Failure> {
    let value = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(format!("cannot read the {what} from stdin: {e}")))?;
        text.strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(&text)
            .to_string()
    } else if std::io::stdin().is_terminal() {
        let label = format!("{}{} (not shown): ", what[..1].to_uppercase(), &what[1..]);
        rpassword::prompt_password(label)
            .map_err(|e| Failure::new(format!("cannot read the {what}: {e}")))?
    } else {
        return Err(Failure {
            message: format!("a {what} is needed and stdin is not a terminal"),
            hint: None,
            code: EXIT_USAGE,
        }
        .hint(if what == "API key" {
            "pipe it in with --api-key-stdin"
        } else {
            "pipe it in with --client-secret-stdin, or use --certificate and --private-key"
        }));
    };
    if value.trim().is_empty() {
        return Err(Failure {
            message: format!("the {what} is empty"),
            hint: None,
            code: EXIT_USAGE,
        });
    }
    Ok(Secret::new(value))
}

fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    std::fs::canonicalize(path).map_err(|e| Failure {
        message: format!("cannot find {}: {e}", path.display()),
        hint: None,
        code: EXIT_USAGE,
    })
}

fn add_profile(ctx: &Ctx, args: AddArgs) -> CmdResult {
    let usage = |message: String| Failure {
        message,
        hint: None,
        code: EXIT_USAGE,
    };
    profile::validate_name(&args.name)?;
    let flow: Flow = args.flow.into();
    // Tenant and client identify the app registration; a legacy API key has neither.
    let (tenant_id, client_id) = match (flow, args.tenant_id, args.client_id) {
        (Flow::ApiKey, t, c) => (t.unwrap_or_default(), c.unwrap_or_default()),
        (_, Some(t), Some(c)) => (t, c),
        (_, None, _) => {
            return Err(usage(format!(
                "--tenant-id is required for the {} flow",
                flow.as_str()
            )));
        }
        (_, _, None) => {
            return Err(usage(format!(
                "--client-id is required for the {} flow",
                flow.as_str()
            )));
        }
    };
    let mut p = Profile {
        cluster: args.cluster,
        project: args.project,
        tenant_id,
        client_id,
        flow,
        authority: args.authority,
        base_url: args.base_url,
        token_url: args.token_url,
        scopes: args.scopes,
        audience: args.audience,
        port: args.port,
        login_hint: args.login_hint,
        prompt: args.prompt.map(Into::into),
        ca_file: args.ca_file.as_deref().map(absolute).transpose()?,
        certificate: args.certificate.as_deref().map(absolute).transpose()?,
        private_key: args.private_key.as_deref().map(absolute).transpose()?,
    };
    if flow != Flow::Interactive && flow != Flow::ApiKey && p.port.is_some() {
        return Err(usage("--port applies to the interactive flow only".into()));
    }
    p.scopes.dedup();
    p.validate()?;
    if let (Some(c), Some(k)) = (&p.certificate, &p.private_key) {
        ClientCertificate::load(c, k).map_err(|e| usage(e.to_string()))?;
    }
    if let Some(ca) = &p.ca_file {
        Http::new(Some(ca))?;
    }
    if ctx.store.load()?.profiles.contains_key(&args.name) {
        return Err(ProfileError::Exists(args.name).into());
    }

    let secret_kind = match flow {
        Flow::ClientCredentials if !p.uses_certificate() => Some(SecretKind::ClientSecret),
        Flow::ApiKey => Some(SecretKind::ApiKey),
        _ => None,
    };
    if args.client_secret_stdin && secret_kind != Some(SecretKind::ClientSecret) {
        return Err(usage(
            "--client-secret-stdin applies to client-credentials profiles without a certificate"
                .into(),
        ));
    }
    if args.api_key_stdin && flow != Flow::ApiKey {
        return Err(usage(
            "--api-key-stdin applies to --flow api-key only".into(),
        ));
    }
    let secret = match secret_kind {
        Some(SecretKind::ApiKey) => Some(read_secret(args.api_key_stdin, "API key")?),
        Some(_) => Some(read_secret(args.client_secret_stdin, "client secret")?),
        None => None,
    };
    if p.base_url.is_none()
        && let Some(known) = crate::cdf::clusters::did_you_mean(&p.cluster)
    {
        eprintln!(
            "note: '{}' is not one of the common clusters (did you mean '{known}'?); the base URL is {}",
            p.cluster,
            p.base_url()
        );
    }
    let keyring = KeyringStore::from_env();
    let is_default = crate::provision::create(
        &ctx.store,
        &keyring,
        &args.name,
        &p,
        secret_kind.zip(secret.as_ref()),
    )?;
    eprintln!(
        "Added profile '{}' ({}, project {} at {}){}.",
        args.name,
        flow.as_str(),
        p.project,
        p.base_url(),
        if is_default { ", the default" } else { "" }
    );
    Ok(())
}

fn profile_summary(name: &str, p: &Profile, is_default: bool) -> Value {
    json!({
        "name": name,
        "default": is_default,
        "flow": p.flow.as_str(),
        "cluster": p.cluster,
        "project": p.project,
        "base_url": p.base_url(),
        "tenant_id": (!p.tenant_id.is_empty()).then_some(&p.tenant_id),
        "client_id": (!p.client_id.is_empty()).then_some(&p.client_id),
    })
}

fn list_profiles(ctx: &Ctx, json: bool) -> CmdResult {
    let file = ctx.store.load()?;
    let is_default = |n: &str| file.default.as_deref() == Some(n);
    if json {
        let list: Vec<Value> = file
            .profiles
            .iter()
            .map(|(n, p)| profile_summary(n, p, is_default(n)))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return Ok(());
    }
    if file.profiles.is_empty() {
        eprintln!(
            "No profiles yet. Add one with `cdf-signin profile add NAME --cluster ... --project ... --tenant-id ... --client-id ... --flow ...`."
        );
        return Ok(());
    }
    let width = file
        .profiles
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "  {:width$}  {:18}  {:20}  BASE URL",
        "NAME", "FLOW", "PROJECT"
    );
    for (n, p) in &file.profiles {
        let mark = if is_default(n) { '*' } else { ' ' };
        println!(
            "{mark} {n:width$}  {:18}  {:20}  {}",
            p.flow.as_str(),
            p.project,
            p.base_url()
        );
    }
    Ok(())
}

fn show_profile(ctx: &Ctx, name: &str, json: bool) -> CmdResult {
    let file = ctx.store.load()?;
    let p = file.get(name)?;
    let secret_kind = match p.flow {
        Flow::ClientCredentials if !p.uses_certificate() => Some(SecretKind::ClientSecret),
        Flow::ApiKey => Some(SecretKind::ApiKey),
        _ => None,
    };
    let secret = if let Some(kind) = secret_kind {
        Some(match KeyringStore::from_env().get(name, kind) {
            Ok(Some(_)) => "stored in the keyring",
            Ok(None) => "missing",
            Err(_) => "unknown (keyring unreachable)",
        })
    } else {
        None
    };
    let path = |o: &Option<PathBuf>| o.as_ref().map(|p| p.display().to_string());
    let mut v = profile_summary(name, p, file.default.as_deref() == Some(name));
    let idp = p.flow.uses_idp();
    let extra = json!({
        "authority": idp.then(|| p.authority()),
        "audience": p.audience,
        "token_url": p.token_url,
        "scopes": idp.then(|| p.sign_in_scopes()),
        "redirect_uri": (p.flow == Flow::Interactive).then(|| crate::auth::interactive::redirect_uri(p.port())),
        "login_hint": p.login_hint,
        "prompt": p.prompt.map(Prompt::as_str),
        "ca_file": path(&p.ca_file),
        "certificate": path(&p.certificate),
        "private_key": path(&p.private_key),
        (if p.flow == Flow::ApiKey { "api_key" } else { "client_secret" }): secret,
    });
    if let (Value::Object(base), Value::Object(more)) = (&mut v, extra) {
        base.extend(more);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    if let Value::Object(map) = &v {
        for (k, val) in map {
            let text = match val {
                Value::Null => continue,
                Value::Array(items) => items.iter().map(show_value).collect::<Vec<_>>().join(" "),
                other => show_value(other),
            };
            println!("{:14} {text}", format!("{}:", k.replace('_', " ")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::TokenSet;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

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
    fn durations_read_naturally() {
        assert_eq!(describe_left(90), "in 1 min 30 s");
        assert_eq!(describe_left(-5), "expired 5 s ago");
        assert_eq!(describe_left(7260), "in 2 h 1 min");
    }

    #[test]
    fn token_set_serialisation_keeps_secrets_out_of_debug() {
        let set = TokenSet {
            access_token: Secret::new("tok-value"),
            token_type: "Bearer".into(),
            expires_at: Utc::now(),
            refresh_token: Some(Secret::new("rt-value")),
            id_token: None,
            scope: None,
        };
        let dbg = format!("{set:?}");
        assert!(!dbg.contains("tok-value") && !dbg.contains("rt-value"));
    }
}

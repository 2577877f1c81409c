//! `cdf-signin exec -- COMMAND`: runs a command with the profile's project, cluster, URL
//! and a fresh token in its environment, and ends as the command ended.

use std::ffi::OsString;
use std::process::{Command, ExitStatus};

use super::args::Select;
use super::context::Ctx;
use super::failure::{CmdResult, Failure};
use crate::cdf::export;
use crate::session::TokenOptions;

pub(super) fn exec(ctx: &Ctx, select: &Select, min_valid: i64, command: &[OsString]) -> CmdResult {
    let Some((program, args)) = command.split_first() else {
        return Err(Failure::usage("give the command to run after --"));
    };
    let (name, profile) = ctx.resolve(select)?;
    super::output::production_note(&name, &profile);
    // The credential first: when none can be had, the command never starts.
    let opts = TokenOptions {
        min_valid_secs: min_valid.max(0),
        force_refresh: false,
    };
    let credential = ctx
        .session()
        .credential(&name, &profile, opts)
        .map_err(|e| super::failure::token_failure(&name, &profile, e))?;
    let var = export::credential_var(credential.is_api_key());
    // The handlers first: a signal that arrives while the command starts is held until
    // its pid is known, never left to end us with the default action.
    let started = forward_signals(ctx);
    let mut command = Command::new(program);
    command.args(args).env("CDF_PROJECT", &profile.project);
    // A profile with a base URL and no cluster has none to give: not even one inherited.
    if profile.cluster.is_empty() {
        command.env_remove("CDF_CLUSTER");
    } else {
        command.env("CDF_CLUSTER", &profile.cluster);
    }
    let mut child = command
        .env("CDF_URL", profile.base_url())
        .env(var, credential.secret().expose())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot run {}: {e}", program.to_string_lossy())))?;
    let _ = started.send(child.id());
    let status = child
        .wait()
        .map_err(|e| Failure::new(format!("lost track of {}: {e}", program.to_string_lossy())))?;
    match exit_code(status) {
        0 => Ok(()),
        code => Err(Failure::silent(code)),
    }
}

/// The command's exit status as a shell reports it: its code, or 128 + N when signal N
/// ended it.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}

/// Passes SIGTERM, and SIGINT, on to the command while it runs; we stay alive to report
/// its status. At a terminal Ctrl-C already reaches the command (the terminal signals
/// the whole foreground process group), so SIGINT is passed on only when stdin is not a
/// terminal, never twice.
/// Returns where to send the command's pid once it runs.
#[cfg(unix)]
fn forward_signals(ctx: &Ctx) -> tokio::sync::watch::Sender<u32> {
    use std::io::IsTerminal;

    use tokio::signal::unix::{SignalKind, signal};
    let from_terminal = std::io::stdin().is_terminal();
    let (started, pid) = tokio::sync::watch::channel(0u32);
    for (kind, name) in [
        (SignalKind::terminate(), "TERM"),
        (SignalKind::interrupt(), "INT"),
    ] {
        // Registering the handler, even for SIGINT at a terminal, keeps us alive.
        let _guard = ctx.rt.enter();
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let pass_on = name == "TERM" || !from_terminal;
        let mut pid = pid.clone();
        ctx.rt.spawn(async move {
            while stream.recv().await.is_some() {
                if !pass_on {
                    continue;
                }
                // 0 until the command has started; then its pid.
                let Ok(to) = pid.wait_for(|p| *p != 0).await.map(|p| *p) else {
                    return;
                };
                send_signal(to, name);
            }
        });
    }
    started
}

/// std can only SIGKILL a child; kill(2) through rustix sends any signal, with no
/// process spawned (a `kill` found on PATH could be anything) and no unsafe code here.
#[cfg(unix)]
fn send_signal(pid: u32, name: &str) {
    use rustix::process::{Pid, Signal, kill_process};
    let signal = if name == "TERM" {
        Signal::TERM
    } else {
        Signal::INT
    };
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return;
    };
    if let Err(e) = kill_process(pid, signal) {
        tracing::debug!("cannot pass SIG{name} on to {pid:?}: {e}");
    }
}

/// Windows: a console's Ctrl-C reaches every process attached to it.
#[cfg(not(unix))]
fn forward_signals(_ctx: &Ctx) -> tokio::sync::watch::Sender<u32> {
    tokio::sync::watch::channel(0u32).0
}

//! Output to a reader that left, and a window without a display: the real binary ends
//! cleanly, never with a panic.

use crate::common;

use std::process::Stdio;

use common::{Env, Idp};

/// Runs `args` with a stdout whose reading end is already closed (`| head -1` that has
/// finished), so the first write fails with EPIPE, every time.
fn run_into_closed_pipe(env: &Env, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = env
        .command(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn commands_end_quietly_when_the_reader_leaves() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    for args in [
        &["profile", "list"][..],
        &["profile", "list", "--json"],
        &["profile", "show", "svc", "--json"],
        &["profile", "show", "svc"],
        &["token"],
        &["token", "--json"],
        &["claims"],
        &["env"],
        &["completions", "bash"],
    ] {
        let (code, stderr) = run_into_closed_pipe(&env, args);
        assert_eq!(code, 0, "{args:?} exit status; stderr: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("error:"), "{args:?}: {stderr}");
    }
}

#[test]
fn no_display_is_one_clear_error_with_a_hint() {
    let env = Env::new();
    let mut cmd = env.command(&["gui"]);
    cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    let run = common::to_run(cmd.output().unwrap());
    let line = run.fails_cleanly(1);
    assert_eq!(
        line,
        "error: cannot open the window: no display (neither WAYLAND_DISPLAY nor DISPLAY is set)"
    );
    assert!(
        run.hint().is_some_and(|h| h.contains("without a window")),
        "{:?}",
        run.stderr
    );
    assert!(!run.stderr.contains(".cargo/registry"), "{}", run.stderr);
}

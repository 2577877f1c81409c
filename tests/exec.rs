//! `cdf-signin exec -- COMMAND`: the profile's variables and a fresh token in COMMAND's
//! environment, its stdio and exit status passed through, signals passed on, and no
//! COMMAND at all when no token can be had.

use crate::common;

use std::process::Command;
use std::time::Duration;

use common::{CLUSTER, Env, Idp, path_str};

/// A client-credentials profile `svc` of the test provider (project `test-project`).
fn signed_in() -> (Idp, Env) {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    (idp, env)
}

/// `cdf-signin exec --profile PROFILE -- sh -c SCRIPT`: the command line every test runs.
fn exec_sh<'a>(profile: &'a str, script: &'a str) -> [&'a str; 7] {
    ["exec", "--profile", profile, "--", "sh", "-c", script]
}

#[test]
fn the_command_gets_the_profiles_variables_and_a_token() {
    let (idp, env) = signed_in();
    let run = env.run(&exec_sh(
        "svc",
        r#"printf '%s|%s|%s|%s' "$CDF_PROJECT" "$CDF_CLUSTER" "$CDF_URL" "$CDF_TOKEN""#,
    ));
    run.ok();
    let parts: Vec<&str> = run.stdout.split('|').collect();
    assert_eq!(parts[..3], ["test-project", CLUSTER, common::BASE_URL]);
    let claims = common::jwt_claims(parts[3]);
    assert_eq!(
        claims["aud"],
        common::BASE_URL,
        "a token for the profile's cluster"
    );
    assert!(
        run.stderr.is_empty(),
        "nothing of ours on stderr: {}",
        run.stderr
    );
    // The same token as `token` hands out: it came from the cache.
    let token = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    assert_eq!(token.trim(), parts[3]);
    assert_eq!(idp.count("token"), 1);
}

#[test]
fn min_valid_renews_a_token_that_would_run_out_during_the_command() {
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "600")]);
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let args = |min: &'static str| {
        // `exec --profile svc --min-valid N -- sh -c ...`
        let mut a = exec_sh("svc", r#"printf '%s' "$CDF_TOKEN""#).to_vec();
        a.splice(3..3, ["--min-valid", min]);
        a
    };
    let first = env.run(&args("60")).ok().stdout.clone();
    assert_eq!(
        env.run(&args("60")).ok().stdout,
        first,
        "10 minutes left is enough"
    );
    assert_eq!(idp.count("token"), 1);
    // The default asks for 5 minutes; 700 s is more than the token has.
    let renewed = env.run(&args("700")).ok().stdout.clone();
    assert_ne!(renewed, first);
    assert_eq!(idp.count("token"), 2);
}

#[test]
fn the_exit_status_and_stdin_pass_through() {
    let (_idp, env) = signed_in();
    let run = env.run(&exec_sh("svc", "echo out; echo err >&2; exit 7"));
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stdout, "out\n");
    assert_eq!(
        run.stderr, "err\n",
        "COMMAND's stderr only, no error line of ours"
    );

    let run = env.run_stdin(
        &["exec", "--profile", "svc", "--", "tr", "a-z", "A-Z"],
        Some("piped in\n"),
    );
    run.ok();
    assert_eq!(run.stdout, "PIPED IN\n");
}

#[test]
fn a_command_ended_by_a_signal_gives_128_plus_its_number() {
    let (_idp, env) = signed_in();
    let run = env.run(&exec_sh("svc", "kill -TERM $$"));
    assert_eq!(run.code, 128 + 15, "{}", run.stderr);
    let run = env.run(&exec_sh("svc", "kill -KILL $$"));
    assert_eq!(run.code, 128 + 9, "{}", run.stderr);
}

#[test]
fn sigterm_and_sigint_are_passed_on_to_the_command() {
    let (_idp, env) = signed_in();
    for (signal, code) in [("TERM", 5), ("INT", 6)] {
        let script = format!(
            "trap 'echo got-{signal} >&2; exit {code}' {signal}; echo ready >&2; while :; do sleep 0.05; done"
        );
        let running = env.spawn(&exec_sh("svc", &script));
        running.wait_line("ready", Duration::from_secs(30));
        let sent = Command::new("kill")
            .args(["-s", signal, &running.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let run = running.finish(Duration::from_secs(30));
        assert_eq!(run.code, code, "SIG{signal}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("got-{signal}")),
            "{}",
            run.stderr
        );
    }
}

/// Issue 17, finding 4: signals are passed on by a system call, never by whichever
/// `kill` PATH finds: here PATH starts with an empty entry (the current directory),
/// which holds a planted `kill`, and has no real `kill` at all.
#[test]
fn signals_are_passed_on_without_any_kill_from_path() {
    use std::os::unix::fs::PermissionsExt;
    let (_idp, mut env) = signed_in();
    let bin = env.root.path().join("bin");
    let cwd = env.root.path().join("cwd");
    std::fs::create_dir(&bin).unwrap();
    std::fs::create_dir(&cwd).unwrap();
    for tool in ["sh", "sleep"] {
        let real = ["/bin", "/usr/bin"]
            .iter()
            .map(|d| std::path::Path::new(d).join(tool))
            .find(|p| p.exists())
            .unwrap();
        std::os::unix::fs::symlink(real, bin.join(tool)).unwrap();
    }
    let marker = env.root.path().join("planted-kill-ran");
    let planted = cwd.join("kill");
    std::fs::write(
        &planted,
        format!("#!/bin/sh\ntouch '{}'\n", path_str(&marker)),
    )
    .unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.set("PATH", &format!(":{}", path_str(&bin)));

    let script =
        "trap 'echo got-TERM >&2; exit 5' TERM; echo ready >&2; while :; do sleep 0.05; done";
    let mut cmd = env.command(&exec_sh("svc", script));
    cmd.current_dir(&cwd);
    let running = common::spawn_running(cmd);
    running.wait_line("ready", Duration::from_secs(30));
    let sent = Command::new("kill")
        .args(["-s", "TERM", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let run = running.finish(Duration::from_secs(30));
    assert_eq!(run.code, 5, "SIGTERM reached the command: {}", run.stderr);
    assert!(run.stderr.contains("got-TERM"), "{}", run.stderr);
    assert!(!marker.exists(), "a kill from PATH ran");
}

#[test]
fn without_a_token_the_command_never_starts() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "interactive", "interactive-client", &[])
        .ok();
    let marker = env.root.path().join("started");
    let touch = format!("touch '{}'", path_str(&marker));
    let run = env.run(&exec_sh("dev", &touch));
    let line = run.fails_cleanly(3);
    assert!(line.contains("is not signed in"), "{line}");
    assert_eq!(run.hint(), Some("run `cdf-signin login --profile dev`"));
    assert!(!marker.exists(), "COMMAND ran without a token");

    // A service principal whose secret the provider refuses: exit 1, nothing run.
    env.add_cc_profile(&idp, "svc", "wrong-secret");
    let run = env.run(&exec_sh("svc", &touch));
    run.fails_cleanly(1);
    assert!(!marker.exists(), "COMMAND ran without a token");
}

#[test]
fn a_missing_command_is_a_usage_error_and_an_unknown_one_a_clean_failure() {
    let (_idp, env) = signed_in();
    let run = env.run(&["exec", "--profile", "svc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = env.run(&["exec", "--profile", "svc", "--", "no-such-program-here"]);
    let line = run.fails_cleanly(1);
    assert!(line.contains("cannot run no-such-program-here"), "{line}");
}

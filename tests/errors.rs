//! Misbehaving identity providers and broken environments: each is one clean error line,
//! and the stored state survives.

use crate::common;

use common::{Env, Idp};
use serde_json::json;

/// A profile with a valid cached token, then `--force-refresh` against a broken provider.
fn assert_fault_is_clean(spec: serde_json::Value, expect: &str) {
    let idp = Idp::start();
    let mut env = Env::new();
    env.set("CDF_SIGNIN_HTTP_TIMEOUT", "2");
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let token = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    let profiles = std::fs::read(env.profiles_file()).unwrap();

    let mut spec = spec;
    spec["path"] = json!(idp.token_path());
    idp.fault(spec);
    let r = env.run(&["token", "--profile", "svc", "--force-refresh"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains(expect), "{line:?} should contain {expect:?}");

    assert_eq!(
        std::fs::read(env.profiles_file()).unwrap(),
        profiles,
        "profiles unharmed"
    );
    assert_eq!(
        env.run(&["token", "--profile", "svc"]).ok().stdout,
        token,
        "cached token unharmed"
    );
}

#[test]
fn server_error_with_html_page() {
    assert_fault_is_clean(
        json!({"status": 503, "content_type": "text/html", "body": "<html><body><h1>Service Unavailable</h1></body></html>", "times": 1}),
        "HTTP 503",
    );
}

#[test]
fn malformed_json() {
    assert_fault_is_clean(
        json!({"status": 200, "content_type": "application/json", "body": "{\"access_token\": ", "times": 1}),
        "malformed",
    );
}

#[test]
fn throttled_with_retry_after() {
    assert_fault_is_clean(
        json!({"status": 429, "content_type": "text/plain", "body": "slow down", "headers": {"Retry-After": "7"}, "times": 1}),
        "retry after 7 s",
    );
}

#[test]
fn very_slow_server_times_out() {
    assert_fault_is_clean(
        json!({"status": 200, "content_type": "application/json", "body": "{}", "delay_ms": 6000, "times": 1}),
        "did not answer within 2 s",
    );
}

#[test]
fn network_down() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let token = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    let issuer = idp.issuer.clone();
    drop(idp);
    let r = env.run(&["token", "--profile", "svc", "--force-refresh"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("cannot reach"), "{line}");
    assert!(
        line.contains(issuer.trim_start_matches("http://")),
        "names the host: {line}"
    );
    assert!(!r.stderr.contains("cause:"), "causes only with --verbose");
    // --verbose keeps what lay under it: the transport's error chain, down to the OS.
    let verbose = env.run(&["--verbose", "token", "--profile", "svc", "--force-refresh"]);
    let causes: Vec<&str> = verbose
        .stderr
        .lines()
        .filter(|l| l.starts_with("cause: "))
        .collect();
    assert!(
        causes.len() >= 2 && causes.iter().any(|c| c.contains("error sending request")),
        "{}",
        verbose.stderr
    );
    assert!(!verbose.stderr.contains("cc-secret"));
    assert_eq!(env.run(&["token", "--profile", "svc"]).ok().stdout, token);
}

#[test]
fn user_flow_without_tokens_says_sign_in_without_asking_the_idp() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let before = idp.count("total");
    let r = env.run(&["token", "--profile", "dev"]);
    let line = r.fails_cleanly(3);
    assert!(line.contains("not signed in"), "{line}");
    assert_eq!(r.hint(), Some("run `cdf-signin login --profile dev`"));
    assert_eq!(idp.count("total"), before, "no request to the IdP");
}

#[test]
fn no_keyring_is_a_clear_error_never_a_plaintext_fallback() {
    let idp = Idp::start();
    let mut env = Env::new();
    // `keyring` only: `auto` would fall back to the kernel keyring (tests/storage.rs).
    env.set("CDF_SIGNIN_STORAGE", "keyring");
    env.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    // Storing a secret needs the keyring: nothing is created without one.
    let args = [
        "profile",
        "add",
        "svc",
        "--cluster",
        common::CLUSTER,
        "--project",
        "p",
        "--tenant-id",
        "t",
        "--client-id",
        "cc-client",
        "--flow",
        "client-credentials",
        "--authority",
        &idp.issuer,
        "--client-secret-stdin",
    ];
    let line = env.run_stdin(&args, Some("cc-secret\n")).fails_cleanly(1);
    assert!(line.contains("no OS keyring is reachable"), "{line}");
    assert!(!env.profiles_file().exists());

    // Reading one needs it too (a keyring service this process never saw, so no cached copy).
    let mut env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.set("CDF_SIGNIN_STORAGE", "keyring");
    env.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    env.set(
        "CDF_SIGNIN_KEYRING_SERVICE",
        &format!("{}-elsewhere", env.keyring_service),
    );
    let r = env.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("no OS keyring is reachable"), "{line}");
    assert!(r.hint().unwrap().contains("gnome-keyring"));
    assert!(r.hint().unwrap().contains("CDF_SIGNIN_STORAGE"));
    assert!(!env.data_dir().join("tokens/svc.tokens").exists());
}

//! Absurd numbers and oversized answers or files from outside: each ends in a token or
//! one clean error line, never a panic (exit code 101).

mod common;

use common::{Env, Idp, Run, http, path_str};
use serde_json::{Value, json};

/// A run that ended without a panic: exit code 0, or the project's one-line failure.
fn assert_no_panic(r: &Run) {
    assert_ne!(r.code, 101, "panicked: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

fn endpoint_path(idp: &Idp, key: &str) -> String {
    let (_, doc) = http(
        "GET",
        &format!("{}/.well-known/openid-configuration", idp.issuer),
        None,
    );
    let url = doc[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {doc}"));
    url.trim_start_matches(&idp.issuer).to_string()
}

fn token_answer(expires_in: Value) -> Value {
    json!({
        "status": 200,
        "content_type": "application/json",
        "body": json!({"access_token": "hostile-token", "token_type": "Bearer", "expires_in": expires_in}).to_string(),
    })
}

#[test]
fn absurd_expires_in_gives_a_token_valid_for_at_most_a_year() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let year = 365 * 24 * 3600;
    for expires_in in [
        json!(100_000_000_000_000_000_i64),
        json!("100000000000000000"),
        json!(i64::MAX),
        json!(1e300),
    ] {
        let mut fault = token_answer(expires_in.clone());
        fault["path"] = json!(idp.token_path());
        idp.fault(fault);
        let r = env.run(&["token", "--profile", "svc", "--force-refresh", "--json"]);
        assert_no_panic(&r);
        r.ok();
        let out: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(out["access_token"], "hostile-token", "{expires_in}");
        let left = out["expires_in"]
            .as_i64()
            .unwrap_or_else(|| panic!("{out}"));
        assert!((year - 60..=year).contains(&left), "{expires_in}: {left}");
    }
    // The clamped expiry was cached: the next call asks nobody.
    let before = idp.count("token");
    let r = env.run(&["token", "--profile", "svc"]);
    assert_eq!(r.ok().stdout.trim(), "hostile-token");
    assert_eq!(idp.count("token"), before);
}

#[test]
fn negative_expires_in_is_an_expired_token_not_a_crash() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut fault = token_answer(json!(-5));
    fault["path"] = json!(idp.token_path());
    idp.fault(fault);
    let r = env.run(&["token", "--profile", "svc", "--force-refresh", "--json"]);
    assert_no_panic(&r);
    // The token came back already expired; it is handed out as it came, expiring now.
    let out: Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(out["access_token"], "hostile-token");
    assert_eq!(out["expires_in"], 0);
    // So the next call renews it.
    let r = env.run(&["token", "--profile", "svc"]);
    assert_ne!(r.ok().stdout.trim(), "hostile-token");
}

#[test]
fn huge_retry_after_is_read_as_an_hour() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 429,
        "content_type": "text/plain",
        "body": "slow down",
        "headers": {"Retry-After": "99999999999999999999"},
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("retry after 3600 s"), "{line}");
}

#[test]
fn oversized_token_answer_is_refused_in_one_line() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let huge = "a".repeat(2 << 20);
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 200,
        "content_type": "application/json",
        "body": json!({"access_token": huge, "expires_in": 3600}).to_string(),
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("larger than 1 MiB"), "{line}");
}

/// A 256 MiB answer, streamed by the provider: refused after the first MiB, in one line,
/// with nothing stored.
#[test]
fn a_256_mib_token_answer_is_refused_in_one_line() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 200,
        "content_type": "application/json",
        "body": "{\"expires_in\":3600,\"access_token\":\"",
        "stream_bytes": 256u64 << 20,
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("larger than 1 MiB"), "{line}");
    let tokens = env.data_dir().join("tokens");
    let stored = std::fs::read_dir(&tokens).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "nothing cached in {}", tokens.display());
}

#[test]
fn absurd_device_code_numbers_still_show_the_code() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    idp.fault(json!({
        "path": endpoint_path(&idp, "device_authorization_endpoint"),
        "status": 200,
        "content_type": "application/json",
        "body": json!({
            "device_code": "hostile-device-code",
            "user_code": "HOST-ILE1",
            "verification_uri": format!("{}/device", idp.issuer),
            "expires_in": 100_000_000_000_000_000_i64,
            "interval": 1_000_000_000_000_i64,
        }).to_string(),
    }));
    // The poll interval is clamped to 60 s, so the 2 s sign-in timeout ends it first.
    let r = env.run(&["login", "--profile", "dev", "--timeout", "2"]);
    assert_no_panic(&r);
    assert!(r.stderr.contains("HOST-ILE1"), "{}", r.stderr);
    let line = r.fails_cleanly(r.code);
    assert!(line.contains("did not finish within 2 s"), "{line}");
    assert_eq!(idp.count("token"), 0, "no poll before the clamped interval");
}

/// Writes `len` bytes of comment lines to `path`.
fn write_big(path: &std::path::Path, len: usize) {
    let line = "# padding padding padding padding padding padding padding padding\n";
    std::fs::write(path, line.repeat(len / line.len() + 1)).unwrap();
}

#[test]
fn oversized_profiles_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    write_big(&env.profiles_file(), (4 << 20) + 1);
    let r = env.run(&["profile", "list"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("larger than 4 MiB"), "{line}");
    assert!(line.contains("profiles.toml"), "{line}");
}

#[test]
fn oversized_env_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    let path = env.root.path().join("big.env");
    write_big(&path, (1 << 20) + 1);
    let r = env.run(&["profile", "import", &path_str(&path)]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("larger than 1 MiB"), "{line}");
    assert!(line.contains("big.env"), "{line}");
    assert!(!env.profiles_file().exists());
}

#[test]
fn oversized_ca_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    let path = env.root.path().join("big-ca.pem");
    write_big(&path, (1 << 20) + 1);
    let r = env.run(&[
        "profile",
        "add",
        "svc",
        "--cluster",
        "api",
        "--project",
        "p",
        "--tenant-id",
        "t",
        "--client-id",
        "c",
        "--flow",
        "interactive",
        "--ca-file",
        &path_str(&path),
    ]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("larger than 1 MiB"), "{line}");
    assert!(line.contains("big-ca.pem"), "{line}");
    assert!(!env.profiles_file().exists());
}

/// Escape sequences in a provider's error (a forged OSC-8 link, a screen clear) reach the
/// terminal defused, and the AADSTS code survives.
#[test]
fn escape_sequences_in_a_provider_error_are_defused() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 401,
        "content_type": "application/json",
        "body": json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: \u{1b}[2J\u{1b}]8;;https://evil.invalid\u{7}Invalid client secret\u{1b}]8;;\u{7} provided.",
            "error_codes": [7000215],
        }).to_string(),
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("AADSTS7000215"), "{line}");
    assert!(
        !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}'),
        "{:?}",
        r.stderr
    );
}

/// Answers a provider should never give, each ending in a correct result or one clean
/// error line, with nothing cached from a bad answer.
#[test]
fn odd_token_answers_end_cleanly() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let error_in_a_200 = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#;
    for (what, body) in [
        ("JSON nested 10,000 deep", nested.as_str()),
        ("an error body with status 200", error_in_a_200),
        ("not JSON at all", "\u{0}\u{1}garbage"),
    ] {
        idp.fault(json!({
            "path": idp.token_path(),
            "status": 200,
            "content_type": "application/json",
            "body": body,
        }));
        let r = env.run(&["token", "--profile", "svc"]);
        assert_no_panic(&r);
        let line = r.fails_cleanly(1);
        assert!(
            line.contains("malformed") || line.contains("invalid_client"),
            "{what}: {line}"
        );
        let cached = std::fs::read_dir(env.data_dir().join("tokens"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(cached, 0, "{what}: nothing cached");
    }
}

/// An opaque (non-JWT) access token is handed out as it is; `claims` says plainly that
/// it has none.
#[test]
fn an_access_token_that_is_not_a_jwt_is_served_and_explained() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 200,
        "content_type": "application/json",
        "body": json!({"access_token": "opaque-token", "expires_in": 3600}).to_string(),
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    r.ok();
    assert_eq!(r.stdout.trim(), "opaque-token");
    let r = env.run(&["claims", "--profile", "svc"]);
    assert_no_panic(&r);
    r.fails_cleanly(1);
}

/// A redirect from the token endpoint is never followed: the secret goes nowhere else.
#[test]
fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let idp = Idp::start();
    let elsewhere = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 307,
        "headers": {"location": format!("{}{}", elsewhere.issuer, elsewhere.token_path())},
        "body": "",
    }));
    let r = env.run(&["token", "--profile", "svc"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("307"), "{line}");
    assert_eq!(elsewhere.count("token"), 0, "the redirect was followed");
}

//! Client credentials against the real test provider: secret and certificate, cache
//! across processes, `--json`, discovery caching, token URL override.

use crate::common;

use common::{BASE_URL, Env, Idp, fixture, jwt_claims, path_str};
use serde_json::Value;

#[test]
fn fresh_token_then_served_from_cache_in_a_new_process() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");

    let first = env.run(&["token", "--profile", "svc"]);
    first.ok();
    let token = first.stdout.trim().to_string();
    assert_eq!(
        first.stdout,
        format!("{token}\n"),
        "the token alone on stdout"
    );
    let claims = jwt_claims(&token);
    assert_eq!(claims["aud"], BASE_URL);
    let token_requests = idp.count("token");
    assert_eq!(token_requests, 1);

    let second = env.run(&["token", "--profile", "svc"]);
    assert_eq!(
        second.ok().stdout.trim(),
        token,
        "same token from the cache"
    );
    assert_eq!(
        idp.count("token"),
        token_requests,
        "no request to the IdP for a cached token"
    );

    // The cache on disk holds no plaintext token.
    for entry in walk(env.root.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "{} holds the token in plaintext",
            entry.display()
        );
    }

    let forced = env.run(&["token", "--profile", "svc", "--force-refresh"]);
    assert_ne!(forced.ok().stdout.trim(), token);
    assert_eq!(idp.count("token"), token_requests + 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn json_output_has_exactly_the_documented_fields() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let r = env.run(&["token", "--profile", "svc", "--json"]);
    let v: Value = serde_json::from_str(r.ok().stdout.trim()).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "access_token",
            "base_url",
            "expires_at",
            "expires_in",
            "profile",
            "project",
            "token_type"
        ]
    );
    assert_eq!(v["profile"], "svc");
    assert_eq!(v["project"], "test-project");
    assert_eq!(v["base_url"], BASE_URL);
    let expires_in = v["expires_in"].as_i64().unwrap();
    assert!(expires_in > 3000 && expires_in <= 3600, "{expires_in}");
    let at = chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap())
        .expect("RFC 3339 with offset");
    let exp = jwt_claims(v["access_token"].as_str().unwrap())["exp"]
        .as_i64()
        .unwrap();
    assert!(
        (at.timestamp() - exp).abs() <= 5,
        "expires_at matches the token's exp"
    );
}

#[test]
fn wrong_secret_is_a_clean_error_with_the_idp_code() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "not-the-secret");
    let r = env.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("invalid_client"), "{line}");
    assert!(
        !r.stderr.contains("not-the-secret"),
        "the secret is never printed"
    );
}

/// Rotating a leaked secret takes effect at once: the memory copy of the old one (the
/// kernel keyring's, kept ten minutes) is replaced, not served.
#[test]
fn set_secret_replaces_the_secret_in_use_at_once() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "not-the-secret");
    // Reading the wrong secret leaves a copy of it in memory.
    env.run(&["token", "--profile", "svc"]).fails_cleanly(1);
    env.run_stdin(
        &["profile", "set-secret", "svc", "--stdin"],
        Some("cc-secret\n"),
    )
    .ok();
    let r = env.run(&["token", "--profile", "svc"]);
    r.ok();
    assert!(r.stdout.trim().len() > 20, "a token: {:?}", r.stdout);
}

#[test]
fn certificate_credentials_get_a_token() {
    let idp = Idp::start();
    let env = Env::new();
    let cert = path_str(&fixture("cert-client.pem"));
    let key = path_str(&fixture("cert-client.key"));
    env.add_profile(
        &idp,
        "cert",
        "client-credentials",
        "cert-client",
        &["--certificate", &cert, "--private-key", &key],
    )
    .ok();
    let r = env.run(&["token", "--profile", "cert"]);
    let claims = jwt_claims(r.ok().stdout.trim());
    assert_eq!(claims["aud"], BASE_URL);
    assert_eq!(claims["client_id"], "cert-client");
}

#[test]
fn discovery_happens_once_and_is_cached_across_processes() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "a", "cc-secret");
    env.run(&["token", "--profile", "a"]).ok();
    let discovery = idp.count("discovery");
    let v2 = idp.count("v2_discovery");
    assert_eq!(discovery, 1, "plain OIDC discovery once");
    assert_eq!(v2, 1, "the Entra-style location is tried first");
    env.run(&["token", "--profile", "a", "--force-refresh"])
        .ok();
    assert_eq!(idp.count("discovery"), discovery, "discovery is cached");
    assert_eq!(idp.count("v2_discovery"), v2);
}

#[test]
fn token_url_override_needs_no_discovery() {
    let idp = Idp::start();
    let env = Env::new();
    let token_url = format!("{}{}", idp.issuer, idp.token_path());
    let before = idp.stats();
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
        "https://login.example.invalid/t",
        "--token-url",
        &token_url,
        "--client-secret-stdin",
    ];
    env.run_stdin(&args, Some("cc-secret\n")).ok();
    env.run(&["token", "--profile", "svc"]).ok();
    let after = idp.stats();
    assert_eq!(after["discovery"], before["discovery"]);
    assert_eq!(after["v2_discovery"], before["v2_discovery"]);
    assert_eq!(
        after["token"].as_u64().unwrap(),
        before["token"].as_u64().unwrap_or(0) + 1
    );
}

#[test]
fn logout_forgets_tokens_and_keyring_key() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&["token", "--profile", "svc"]).ok();
    assert!(env.keyring_lookup("svc", "token-cache-key").is_some());
    env.run(&["logout", "--profile", "svc"]).ok();
    assert!(env.keyring_lookup("svc", "token-cache-key").is_none());
    assert!(!env.data_dir().join("tokens/svc.tokens").exists());
    assert!(
        env.keyring_lookup("svc", "client-secret").is_some(),
        "logout keeps the client secret"
    );
}

#[test]
fn verbose_logs_never_show_tokens_or_secrets() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let r = env.run(&["--verbose", "token", "--profile", "svc"]);
    let token = r.ok().stdout.trim().to_string();
    assert!(
        r.stderr.contains("POST"),
        "verbose logs something: {}",
        r.stderr
    );
    assert!(!r.stderr.contains(&token[..40]), "token in the log");
    assert!(!r.stderr.contains("cc-secret"), "secret in the log");
}

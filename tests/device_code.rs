//! The device code flow end to end: a real browser enters the code at the test
//! provider; then refresh with rotation, the cross-process lock, revocation, decline.

use crate::common;

use std::time::Duration;

use common::{BASE_URL, Env, Idp, Running, jwt_claims, node_script};
use serde_json::Value;

const SIGN_IN: Duration = Duration::from_secs(90);

fn start_login(env: &Env, name: &str) -> (Running, String, String) {
    let login = env.spawn(&["login", "--profile", name, "--timeout", "120"]);
    let url = login.wait_line("URL:", SIGN_IN);
    let code = login.wait_line("Code:", SIGN_IN);
    (login, url, code)
}

fn signed_in_env(idp: &Idp) -> Env {
    let env = Env::new();
    env.add_profile(idp, "dev", "device-code", "device-client", &[])
        .ok();
    let (login, url, code) = start_login(&env, "dev");
    node_script("approve-device.mjs", &[&url, &code]).ok();
    let r = login.finish(SIGN_IN);
    r.ok();
    assert!(
        r.stderr.contains("Signed in with profile 'dev'"),
        "{}",
        r.stderr
    );
    env
}

#[test]
fn device_code_sign_in_then_cached_token_and_claims() {
    let idp = Idp::start();
    let env = signed_in_env(&idp);

    let token_requests = idp.count("token");
    let token = env
        .run(&["token", "--profile", "dev"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(idp.count("token"), token_requests, "served from the cache");
    let claims = jwt_claims(&token);
    assert_eq!(claims["aud"], BASE_URL);

    let shown: Value = serde_json::from_str(
        &env.run(&["claims", "--profile", "dev", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(shown["access_token"]["claims"]["aud"], BASE_URL);
    assert_eq!(
        shown["access_token"]["header"]["alg"],
        jwt_header_alg(&token)
    );
    assert!(
        shown["id_token"]["claims"]["sub"].is_string(),
        "the ID token is shown too: {shown}"
    );
    assert!(shown["access_token"]["expires_in"].as_i64().unwrap() > 0);
    let text = env.run(&["claims", "--profile", "dev"]).ok().stdout.clone();
    assert!(
        text.contains("Claims") && text.contains("aud: https://testcluster.cognitedata.com"),
        "{text}"
    );

    env.run(&["logout", "--profile", "dev"]).ok();
    let r = env.run(&["token", "--profile", "dev"]);
    assert!(r.fails_cleanly(3).contains("not signed in"));
}

fn jwt_header_alg(token: &str) -> Value {
    use base64::Engine;
    let h = token.split('.').next().unwrap();
    let v: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(h)
            .unwrap(),
    )
    .unwrap();
    v["alg"].clone()
}

#[test]
fn refresh_rotates_and_concurrent_refreshes_both_succeed() {
    let idp = Idp::start();
    let env = signed_in_env(&idp);
    let first = env.run(&["token", "--profile", "dev"]).ok().stdout.clone();

    // A minimum validity longer than the token's life forces the refresh path.
    let refreshed = env
        .run(&["token", "--profile", "dev", "--min-valid", "7200"])
        .ok()
        .stdout
        .clone();
    assert_ne!(refreshed, first);
    // The rotated refresh token was stored: a second refresh works too.
    let again = env
        .run(&["token", "--profile", "dev", "--min-valid", "7200"])
        .ok()
        .stdout
        .clone();
    assert_ne!(again, refreshed);

    // Two processes at once: without the lock, one would redeem a burnt refresh token.
    let a = env.spawn(&["token", "--profile", "dev", "--min-valid", "7200"]);
    let b = env.spawn(&["token", "--profile", "dev", "--min-valid", "7200"]);
    let (ra, rb) = (
        a.finish(Duration::from_secs(30)),
        b.finish(Duration::from_secs(30)),
    );
    ra.ok();
    rb.ok();
    assert_ne!(ra.stdout, rb.stdout);
    env.run(&["token", "--profile", "dev", "--min-valid", "7200"])
        .ok();
}

#[test]
fn revoked_refresh_token_asks_to_sign_in_and_keeps_state() {
    let idp = Idp::start();
    let env = signed_in_env(&idp);
    let token = env.run(&["token", "--profile", "dev"]).ok().stdout.clone();
    idp.revoke_refresh_tokens();
    let r = env.run(&["token", "--profile", "dev", "--min-valid", "7200"]);
    let line = r.fails_cleanly(3);
    assert!(line.contains("invalid_grant"), "{line}");
    assert_eq!(
        env.run(&["token", "--profile", "dev"]).ok().stdout,
        token,
        "the cached token is still served"
    );
}

#[test]
fn declined_device_sign_in_is_a_clean_error() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let (login, url, code) = start_login(&env, "dev");
    node_script("approve-device.mjs", &[&url, &code, "--deny"]).ok();
    let r = login.finish(SIGN_IN);
    let line = r.fails_cleanly(1);
    assert!(
        line.contains("access_denied") || line.contains("authorization_declined"),
        "{line}"
    );
}

#[test]
fn ctrl_c_cancels_a_waiting_device_sign_in() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let (login, _, _) = start_login(&env, "dev");
    login.interrupt();
    let r = login.finish(Duration::from_secs(10));
    assert!(r.fails_cleanly(1).contains("cancelled"));
    assert!(!env.data_dir().join("tokens/dev.tokens").exists());
}

#[test]
fn expired_device_code_ends_the_wait() {
    let idp = Idp::start_with(&[("IDP_DEVICE_CODE_TTL", "3")]);
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let (login, _, _) = start_login(&env, "dev");
    let r = login.finish(Duration::from_secs(30));
    let line = r.fails_cleanly(1);
    assert!(line.contains("device code expired"), "{line}");
    assert_eq!(r.hint(), Some("run login again and enter the code sooner"));
}

/// Finding 5 of issue 13: tokens belong to the settings they came from. After the token
/// URL changes in profiles.toml, `token` serves no old access token and sends the old
/// refresh token nowhere; the profile starts signed out. After the scopes change, the old
/// access token is not served either, but the sign-in (the account) still holds.
#[test]
fn a_changed_profile_starts_signed_out_and_its_refresh_token_goes_nowhere() {
    let idp = Idp::start();
    let env = signed_in_env(&idp);
    let original = std::fs::read_to_string(env.profiles_file()).unwrap();
    // As signed in, a forced refresh reaches the provider's token endpoint.
    let before = idp.count("token");
    env.run(&["token", "--profile", "dev", "--force-refresh"])
        .ok();
    assert_eq!(idp.count("token"), before + 1, "the control refresh");

    // The token URL is one of the account's fields (as are the authority, tenant, client
    // and login hint): the profile now belongs to another account, signed out.
    let token_url = format!("{}{}", idp.issuer, idp.token_path());
    let edit = format!("token_url = \"{token_url}\"\n");
    std::fs::write(env.profiles_file(), format!("{original}{edit}")).unwrap();
    let before = idp.count("token");
    let r = env.run(&["token", "--profile", "dev"]);
    assert!(r.fails_cleanly(3).contains("not signed in"), "after {edit}");
    let r = env.run(&["token", "--profile", "dev", "--force-refresh"]);
    r.fails_cleanly(3);
    assert_eq!(idp.count("token"), before, "no token request after {edit}");

    // Issue 19: a new cluster (so new scopes) keeps the account (the same sign-in at the
    // same token endpoint): the access token cached for the old scopes is not served,
    // and the account's refresh token is redeemed once for the new ones.
    std::fs::write(env.profiles_file(), &original).unwrap();
    let old_token = env.run(&["token", "--profile", "dev"]).ok().stdout.clone();
    let cluster = format!("cluster = \"{}\"", common::CLUSTER);
    assert!(original.contains(&cluster), "{original}");
    let moved = original.replace(&cluster, "cluster = \"othercluster\"");
    std::fs::write(env.profiles_file(), moved).unwrap();
    let before = idp.count("token_refresh_token");
    let new_token = env.run(&["token", "--profile", "dev"]).ok().stdout.clone();
    assert_ne!(new_token, old_token);
    assert_eq!(
        jwt_claims(new_token.trim())["aud"],
        "https://othercluster.cognitedata.com"
    );
    assert_eq!(idp.count("token_refresh_token"), before + 1);
}

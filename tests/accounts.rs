//! Issue 19, accounts end to end against the test provider: profiles that share a
//! person's sign-in (same authority, tenant and client) get their tokens from one device
//! code sign-in, each by one refresh of the account's refresh token for its own scope;
//! parallel renewals never present a rotating refresh token twice; signing out of one
//! signs out all, revokes at the provider and leaves no token behind.

use crate::common;

use std::time::Duration;

use common::{BASE_URL, Env, Idp, jwt_claims, node_script};
use serde_json::Value;

const SIGN_IN: Duration = Duration::from_secs(90);
const OTHER_BASE_URL: &str = "https://othercluster.cognitedata.com";

/// `profile add NAME` for the provider's device-code client: one account, whatever the
/// cluster and project.
fn add(env: &Env, idp: &Idp, name: &str, cluster: &str, project: &str) {
    let at = common::Place { cluster, project };
    env.add_profile_at(idp, name, at, "device-code", "device-client", &[])
        .ok();
}

/// `dev` and `prod` (two projects of one cluster) and `other` (another cluster, so
/// another scope), all one account; `dev` signed in with a device code.
fn three_profiles_signed_in_on_dev(idp: &Idp) -> Env {
    let env = Env::new();
    add(&env, idp, "dev", common::CLUSTER, "test-project");
    add(&env, idp, "prod", common::CLUSTER, "prod-project");
    add(&env, idp, "other", "othercluster", "other-project");
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "120"]);
    let url = login.wait_line("URL:", SIGN_IN);
    let code = login.wait_line("Code:", SIGN_IN);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    login.finish(SIGN_IN).ok();
    env
}

fn token(env: &Env, name: &str) -> String {
    env.run(&["token", "--profile", name])
        .ok()
        .stdout
        .trim()
        .to_string()
}

fn show(env: &Env, name: &str) -> Value {
    let out = env
        .run(&["profile", "show", name, "--json"])
        .ok()
        .stdout
        .clone();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn one_device_code_sign_in_serves_another_project_and_another_cluster() {
    let idp = Idp::start();
    let env = three_profiles_signed_in_on_dev(&idp);
    let device_codes = idp.count("device_authorization");
    assert_eq!(device_codes, 1);

    let refreshes = idp.count("token_refresh_token");
    let prod = token(&env, "prod");
    assert_eq!(jwt_claims(&prod)["aud"], BASE_URL);
    assert_eq!(
        idp.count("token_refresh_token"),
        refreshes + 1,
        "one refresh"
    );
    let other = token(&env, "other");
    assert_eq!(jwt_claims(&other)["aud"], OTHER_BASE_URL, "the other scope");
    assert_eq!(
        idp.count("token_refresh_token"),
        refreshes + 2,
        "one refresh"
    );
    assert_eq!(
        idp.count("device_authorization"),
        device_codes,
        "no second sign-in"
    );
    // From now on each profile's own access token is served from its cache.
    let requests = idp.count("token");
    assert_eq!(token(&env, "prod"), prod);
    assert_eq!(token(&env, "other"), other);
    token(&env, "dev");
    assert_eq!(idp.count("token"), requests);

    let shown = show(&env, "other");
    let account = &shown["account"];
    assert_eq!(account["signed_in"], true, "{shown}");
    assert_eq!(
        account["profiles"],
        serde_json::json!(["dev", "other", "prod"]),
        "{shown}"
    );
    let who = account["signed_in_as"].as_str().unwrap_or_default();
    assert!(!who.is_empty(), "{shown}");
    assert_eq!(show(&env, "dev")["account"], *account);
    let text = env.run(&["profile", "show", "prod"]).ok().stdout.clone();
    assert!(
        text.contains(&format!("signed in as {who}")) && text.contains("dev other prod"),
        "{text}"
    );
}

/// Three processes renew the three profiles at once with a rotating refresh token that
/// the provider revokes the whole sign-in for when it is presented twice: all succeed,
/// and none was presented twice.
#[test]
fn parallel_renewals_of_one_account_never_present_a_refresh_token_twice() {
    let idp = Idp::start_with(&[("IDP_REFRESH_REUSE", "revoke-grant")]);
    let env = three_profiles_signed_in_on_dev(&idp);
    for _ in 0..2 {
        let running: Vec<_> = ["dev", "prod", "other"]
            .iter()
            .map(|name| env.spawn(&["token", "--profile", name, "--min-valid", "7200"]))
            .collect();
        let tokens: Vec<String> = running
            .into_iter()
            .map(|r| r.finish(Duration::from_secs(60)).ok().stdout.clone())
            .collect();
        assert_ne!(tokens[0], tokens[1]);
        assert_eq!(jwt_claims(tokens[2].trim())["aud"], OTHER_BASE_URL);
    }
    assert_eq!(idp.count("refresh_reuse"), 0, "{}", idp.stats());
    assert_eq!(idp.count("token_refresh_token"), 6, "{}", idp.stats());
    // The sign-in is intact: the last rotated refresh token still works.
    env.run(&["token", "--profile", "prod", "--force-refresh"])
        .ok();
}

#[test]
fn logout_of_one_profile_signs_out_the_account_revokes_and_leaves_no_token() {
    let idp = Idp::start();
    let env = three_profiles_signed_in_on_dev(&idp);
    token(&env, "prod");
    token(&env, "other");
    let account_id = show(&env, "dev")["account"]["id"]
        .as_str()
        .expect("an account id")
        .to_string();
    let account_entry = format!(".account-{account_id}");
    assert!(
        env.keyring_lookup(&account_entry, "token-cache-key")
            .is_some()
    );

    let r = env
        .run(&["logout", "--profile", "prod"])
        .ok()
        .stderr
        .clone();
    assert!(
        r.contains("Signed out of 'prod'") && r.contains("'dev'") && r.contains("'other'"),
        "{r}"
    );
    assert!(r.contains("revoked"), "{r}");
    assert_eq!(idp.count("revocation"), 1);

    for name in ["dev", "prod", "other"] {
        let r = env.run(&["token", "--profile", name]);
        assert!(r.fails_cleanly(3).contains("not signed in"), "{name}");
        assert!(
            env.keyring_lookup(name, "token-cache-key").is_none(),
            "{name}"
        );
    }
    assert!(
        env.keyring_lookup(&account_entry, "token-cache-key")
            .is_none()
    );
    let left: Vec<_> = std::fs::read_dir(env.data_dir().join("tokens"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "token files left: {left:?}");
    assert_eq!(show(&env, "other")["account"]["signed_in"], false);
}

/// A provider that refuses a refresh token for a scope it was not issued for leaves that
/// profile needing a sign-in, with the provider's words; the others keep working.
#[test]
fn a_provider_refusing_another_scope_leaves_that_profile_sign_in_required() {
    let idp = Idp::start_with(&[("IDP_SINGLE_RESOURCE_REFRESH", "1")]);
    let env = three_profiles_signed_in_on_dev(&idp);
    let r = env.run(&["token", "--profile", "other"]);
    let line = r.fails_cleanly(3);
    assert!(
        line.contains("not signed in") && line.contains("invalid_scope"),
        "{line}"
    );
    assert_eq!(r.hint(), Some("run `cdf-signin login --profile other`"));
    assert_eq!(jwt_claims(&token(&env, "prod"))["aud"], BASE_URL);
    env.run(&["token", "--profile", "dev", "--force-refresh"])
        .ok();
}

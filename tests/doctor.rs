//! `cdf-signin doctor` against the test provider and the fake CDF API: which link of the
//! chain broke, in text and `--json`, and the exit status that says so.

use crate::common;

use std::time::Duration;

use common::cdf::{CdfApi, CdfOptions};
use common::{CLUSTER, Env, Idp, Run};
use serde_json::Value;

/// The steps of `--json` as (name, status) pairs, and the whole list.
fn steps(run: &Run) -> (Vec<(String, String)>, Vec<Value>) {
    let list: Vec<Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not a JSON list ({e}): {}", run.stdout));
    let pairs = list
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (pairs, list)
}

fn step<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {list:?}"))
}

fn statuses(run: &Run) -> Vec<String> {
    steps(run).0.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn a_healthy_profile_passes_every_step() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    let run = env.run(&["doctor", "--profile", "svc", "--need", "assetsAcl:READ"]);
    run.ok();
    let text = &run.stdout;
    assert!(
        text.starts_with(&format!(
            "Checking profile 'svc' (my-project at {})\n",
            cdf.base_url()
        )),
        "{text}"
    );
    for (n, name) in [
        "profile",
        "provider",
        "token",
        "token-fits",
        "cdf-accepts",
        "project",
        "capabilities",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            text.contains(&format!("ok   {}. {name:<12} ", n + 1)),
            "step {name}: {text}"
        );
    }
    assert!(
        text.contains("a client secret is in the OS keyring"),
        "{text}"
    );
    assert!(text.contains("endpoints discovered from"), "{text}");
    assert!(text.contains("no proxy"), "{text}");
    assert!(
        text.contains("my-project is reachable with this token"),
        "{text}"
    );
    assert!(
        text.contains("granted: assetsAcl:READ (in my-project)"),
        "{text}"
    );
    assert!(!text.contains("fix:"), "{text}");
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    // --json: the same steps, each with name, ok, status, detail and fix.
    let run = env.run(&["doctor", "--profile", "svc", "--json"]);
    run.ok();
    let (pairs, list) = steps(&run);
    assert_eq!(pairs.len(), 7);
    for s in &list {
        assert_eq!(s["ok"], true, "{s}");
        assert_eq!(s["status"], "passed", "{s}");
        assert!(s["detail"].as_str().is_some_and(|d| !d.is_empty()), "{s}");
        assert!(s["fix"].is_null(), "{s}");
    }
    assert!(
        step(&list, "token")["detail"]
            .as_str()
            .unwrap()
            .starts_with("from the cache"),
        "the second run used the cached token"
    );
    assert_eq!(idp.count("token"), 1);
}

#[test]
fn a_need_granted_passes_and_one_missing_fails_naming_the_acl() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    let granted = env.run(&[
        "doctor",
        "--profile",
        "svc",
        "--need",
        "timeSeriesAcl:WRITE",
        "--need",
        "files:read",
    ]);
    granted.ok();
    assert!(
        granted
            .stdout
            .contains("granted: timeSeriesAcl:WRITE, filesAcl:READ (in my-project)"),
        "{}",
        granted.stdout
    );

    let args = [
        "doctor",
        "--profile",
        "svc",
        "--need",
        "assetsAcl:READ",
        "--need",
        "functionsAcl:WRITE",
        "--need",
        "wellsAcl:READ",
    ];
    let missing = env.run(&args);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    let text = &missing.stdout;
    assert!(text.contains("FAIL 7. capabilities "), "{text}");
    assert!(
        text.contains("functionsAcl:WRITE is granted only for my-project-dev"),
        "{text}"
    );
    assert!(text.contains("wellsAcl:READ is not granted"), "{text}");
    assert!(text.contains("granted: assetsAcl:READ"), "{text}");
    assert!(text.contains("fix: ask a CDF administrator"), "{text}");
    assert_eq!(
        missing.stderr.trim(),
        "error: profile 'svc': 1 of 7 checks failed (capabilities)"
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let run = env.run(&json_args);
    assert_eq!(run.code, 1);
    let (_, list) = steps(&run);
    let caps = step(&list, "capabilities");
    assert_eq!(caps["ok"], false);
    assert_eq!(caps["status"], "failed");
    assert!(
        caps["detail"]
            .as_str()
            .unwrap()
            .contains("wellsAcl:READ is not granted"),
        "{caps}"
    );
    assert!(
        caps["fix"].as_str().unwrap().contains("administrator"),
        "{caps}"
    );
    assert_eq!(step(&list, "project")["ok"], true);

    let bad = env.run(&["doctor", "--profile", "svc", "--need", "assetsAcl"]);
    let line = bad.fails_cleanly(2);
    assert!(
        line.contains("--need 'assetsAcl' is not ACL:ACTION"),
        "{line}"
    );
}

#[test]
fn a_project_out_of_reach_is_named_with_did_you_mean() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec!["publicdata".into(), "my-project-dev".into()]),
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let run = env.run(&[
        "doctor",
        "--profile",
        "svc",
        "--need",
        "assetsAcl:READ",
        "--json",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        statuses(&run),
        [
            "passed", "passed", "passed", "passed", "passed", "failed", "skipped"
        ]
    );
    let (_, list) = steps(&run);
    let project = step(&list, "project");
    assert!(
        project["detail"]
            .as_str()
            .unwrap()
            .contains("my-project is NOT reachable with this token; did you mean 'my-project-dev'"),
        "{project}"
    );
    assert!(
        project["fix"].as_str().unwrap().contains("--project"),
        "the command line names its flag: {project}"
    );
    assert_eq!(
        step(&list, "capabilities")["detail"],
        "skipped: needs 'project' to pass first"
    );
}

/// Issue 24: a scope for another cluster's API than the base URL's is refused when the
/// profile is made, naming both, before any token exists; doctor's own "the token fits"
/// check (and that CDF is then not asked) is unit-tested in `src/doctor`.
#[test]
fn a_scope_for_another_clusters_api_is_refused_before_any_token() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "elsewhere",
            "--cluster",
            CLUSTER,
            "--project",
            "my-project",
            "--tenant-id",
            "test-tenant",
            "--client-id",
            "cc-client",
            "--flow",
            "client-credentials",
            "--authority",
            &idp.issuer,
            "--base-url",
            cdf.base_url(),
            "--scope",
            "https://westeurope-1.cognitedata.com/.default",
            "--client-secret-stdin",
        ],
        Some("cc-secret\n"),
    );
    let err = r.fails_cleanly(2);
    assert!(
        err.contains("https://westeurope-1.cognitedata.com") && err.contains(cdf.base_url()),
        "{err}"
    );
    assert!(
        err.contains("--scope"),
        "the command line names its flag: {err}"
    );
    assert_eq!(idp.count("token"), 0);
    assert_eq!(cdf.rejected("audience"), 0);
}

#[test]
fn an_expired_cached_token_while_the_provider_is_down() {
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "1")]);
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let answer: Value = serde_json::from_str(
        &env.run(&["token", "--profile", "svc", "--json", "--min-valid", "0"])
            .ok()
            .stdout,
    )
    .unwrap();
    let expires_at = chrono::DateTime::parse_from_rfc3339(answer["expires_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    drop(idp);
    common::wait_for(
        "the cached token to expire",
        Duration::from_secs(10),
        || chrono::Utc::now() > expires_at + chrono::Duration::seconds(1),
    );

    let run = env.run(&["doctor", "--profile", "svc", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        statuses(&run),
        [
            "passed", "failed", "failed", "skipped", "skipped", "skipped", "skipped"
        ]
    );
    let (_, list) = steps(&run);
    let provider = step(&list, "provider")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        provider.starts_with("cannot reach 127.0.0.1:"),
        "{provider}"
    );
    assert!(provider.contains("no proxy"), "{provider}");
    let token = step(&list, "token");
    let detail = token["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the cached token expired at "),
        "{detail}"
    );
    assert!(
        detail.contains("renewing it failed: cannot reach 127.0.0.1:"),
        "{detail}"
    );
    assert!(
        token["fix"].as_str().unwrap().contains("HTTPS_PROXY"),
        "{token}"
    );
    assert_eq!(
        step(&list, "token-fits")["detail"],
        "skipped: needs 'token' to pass first"
    );
}

#[test]
fn a_person_not_signed_in_exits_with_the_sign_in_status() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "interactive", "interactive-client", &[])
        .ok();
    let run = env.run(&["doctor", "--profile", "dev"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("FAIL 1. profile      not signed in: no tokens are cached"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("fix: run `cdf-signin login --profile dev`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ok   2. provider"), "{}", run.stdout);
    assert!(run.stdout.contains("skip 3. token"), "{}", run.stdout);
    // Issue 27: the fix sits in its detail's column.
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines.iter().position(|l| l.contains("fix:")).unwrap();
    assert_eq!(
        lines[at].find("fix:"),
        lines[at - 1].find("not signed in"),
        "{}",
        run.stdout
    );
}

/// Issue 26: the doctor discovers the provider as sign-in does, issuer check included.
/// An OpenID configuration that names another issuer, which sign-in refuses, fails the
/// provider step too, instead of passing it: the doctor cannot pass a step sign-in fails.
#[test]
fn a_configuration_naming_another_issuer_fails_the_provider_step() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let url = format!("{}/.well-known/openid-configuration", idp.issuer);
    let (_, mut document) = common::http("GET", &url, None);
    document["issuer"] = serde_json::json!("https://issuer.example.invalid");
    // Both the provider step and the token step ask.
    idp.fault(serde_json::json!({
        "path": "/.well-known/openid-configuration",
        "status": 200,
        "content_type": "application/json",
        "body": document.to_string(),
        "times": 2,
    }));

    let run = env.run(&["doctor", "--profile", "svc", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (_, list) = steps(&run);
    let provider = step(&list, "provider");
    assert_eq!(provider["status"], "failed", "{provider}");
    let detail = provider["detail"].as_str().unwrap();
    assert!(
        detail.contains("issuer 'https://issuer.example.invalid' is not the authority"),
        "{detail}"
    );
    assert_eq!(step(&list, "token")["status"], "failed", "{list:?}");
    assert_eq!(idp.count("token"), 0, "no token was asked for");
}

/// Issue 26: the doctor takes the credential every command takes; for a legacy API key
/// that is the key itself, which CDF's login/status judges (no provider, no token).
#[test]
fn a_legacy_api_key_is_checked_with_login_status() {
    let idp = Idp::start();
    let cdf = CdfApi::with_api_keys(&idp, &["good-key=old-project"]);
    let env = Env::new();
    let at = common::Place {
        cluster: CLUSTER,
        project: "old-project",
    };
    env.add_api_key_profile("legacy", at, "good-key", &["--base-url", cdf.base_url()]);
    let run = env.run(&["doctor", "--profile", "legacy", "--json"]);
    run.ok();
    assert_eq!(
        statuses(&run),
        [
            "passed", "skipped", "skipped", "skipped", "passed", "passed", "skipped"
        ]
    );
    let (_, list) = steps(&run);
    let accepted = step(&list, "cdf-accepts")["detail"].as_str().unwrap();
    assert!(
        accepted.starts_with("login/status: the key is logged in as "),
        "{accepted}"
    );
    assert_eq!(
        step(&list, "project")["detail"],
        "the key belongs to old-project"
    );
    assert_eq!(cdf.stats()["auth"]["last"], "api-key");
    assert_eq!(idp.count("token"), 0);
}

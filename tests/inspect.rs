//! `cdf-signin inspect` and `env` against the fake CDF API, which checks the token
//! against the test provider's keys like CDF does.

use crate::common;

use common::cdf::{CdfApi, CdfOptions};
use common::{CLUSTER, Env, Idp};
use serde_json::Value;

const INSPECT: &str = "GET /api/v1/token/inspect";

fn inspect_json(env: &Env, profile: &str) -> Value {
    let run = env.run(&["inspect", "--profile", profile, "--json"]);
    serde_json::from_str(&run.ok().stdout).unwrap()
}

#[test]
fn inspect_shows_projects_and_capabilities_including_unknown_ones() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    let j = inspect_json(&env, "svc");
    assert_eq!(j["subject"], "cc-client");
    assert_eq!(j["project_reachable"], true);
    let names: Vec<&str> = j["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["publicdata", "my-project", "my-project-dev", "sandbox"]
    );
    assert_eq!(j["projects"][1]["groups"].as_array().unwrap().len(), 3);
    let caps = j["capabilities"].as_array().unwrap();
    assert!(caps.len() >= 30, "{}", caps.len());
    let quantum = caps
        .iter()
        .find(|c| c["acl"] == "quantumAcl")
        .expect("unknown ACL kept");
    assert!(
        quantum["actions"].to_string().contains("ENTANGLE"),
        "{quantum}"
    );
    assert_eq!(quantum["scope"]["kind"], "superpositionScope");
    assert!(
        caps.iter()
            .any(|c| c["actions"].to_string().contains("TELEPORT"))
    );
    let dataset = caps
        .iter()
        .find(|c| c["scope"]["kind"] == "datasetScope")
        .expect("a dataset scope");
    assert!(
        dataset["scope"]["detail"]
            .as_str()
            .unwrap()
            .starts_with("ids "),
        "{dataset}"
    );

    // The text form groups by ACL and says plainly that the project is reachable.
    let text = env
        .run(&["inspect", "--profile", "svc"])
        .ok()
        .stdout
        .clone();
    assert!(
        text.contains("Project:   my-project is reachable with this token"),
        "{text}"
    );
    assert!(text.contains("\n  quantumAcl\n"), "{text}");
    assert!(text.contains("my-project (groups "), "{text}");
    // The token came from the provider once; the second inspect used the cache.
    assert_eq!(idp.count("token"), 1);
    assert_eq!(cdf.hits(INSPECT), 2);
}

#[test]
fn a_project_the_token_does_not_reach_gets_did_you_mean() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec!["publicdata".into(), "sandbox".into()]),
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    env.run_stdin(
        &[
            "profile",
            "add",
            "typo",
            "--cluster",
            CLUSTER,
            "--project",
            "sandbx",
            "--tenant-id",
            "t",
            "--client-id",
            "cc-client",
            "--flow",
            "client-credentials",
            "--authority",
            &idp.issuer,
            "--base-url",
            cdf.base_url(),
            "--client-secret-stdin",
        ],
        Some("cc-secret\n"),
    )
    .ok();
    // Exit 1 like doctor, with the whole answer still on stdout and nothing more said.
    let run = env.run(&["inspect", "--profile", "typo", "--json"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{}", run.stdout);
    let j: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(j["project_reachable"], false);
    assert_eq!(j["did_you_mean"][0], "sandbox", "the closest name first");
    let run = env.run(&["inspect", "--profile", "typo"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{}", run.stdout);
    let text = run.stdout;
    assert!(text.contains("Capabilities ("), "{text}");
    assert!(
        text.contains(
            "sandbx is NOT reachable with this token; did you mean 'sandbox' or 'publicdata'?"
        ),
        "{text}"
    );
}

#[test]
fn a_token_cdf_refuses_is_a_clean_error() {
    let idp = Idp::start();
    // CDF expects tokens for another audience than the profile asks for.
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            audiences: vec!["https://elsewhere.cognitedata.com".into()],
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let run = env.run(&["inspect", "--profile", "svc"]);
    let line = run.fails_cleanly(1);
    assert!(
        line.contains("refused the token (HTTP 401: Unauthorized)"),
        "{line}"
    );
    assert!(run.hint().unwrap().contains("cluster"), "{:?}", run.hint());
    assert_eq!(cdf.rejected("audience"), 1);
}

#[test]
fn a_user_flow_profile_without_sign_in_asks_for_login_and_calls_nothing() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    env.add_profile(
        &idp,
        "dev",
        "device-code",
        "device-client",
        &["--base-url", cdf.base_url()],
    )
    .ok();
    let run = env.run(&["inspect", "--profile", "dev"]);
    run.fails_cleanly(cdf_signin::cli::EXIT_SIGN_IN);
    assert!(
        run.hint()
            .unwrap()
            .contains("cdf-signin login --profile dev")
    );
    assert_eq!(cdf.hits(INSPECT), 0);
}

#[test]
fn legacy_api_key_inspect_uses_login_status() {
    let idp = Idp::start();
    let cdf = CdfApi::with_api_keys(&idp, &["good-key=old-project"]);
    let env = Env::new();
    let at = common::Place {
        cluster: CLUSTER,
        project: "old-project",
    };
    let add = |name: &str, key: &str| {
        env.add_api_key_profile(name, at, key, &["--base-url", cdf.base_url()]);
    };
    add("legacy", "good-key");
    let j = inspect_json(&env, "legacy");
    assert_eq!(j["legacy_api_key"], true);
    assert_eq!(j["logged_in"], true);
    assert_eq!(j["key_project"], "old-project");
    assert_eq!(j["project_reachable"], true);
    assert!(j["user"].as_str().unwrap().contains('@'));
    let text = env
        .run(&["inspect", "--profile", "legacy"])
        .ok()
        .stdout
        .clone();
    assert!(text.contains("Logged in: yes"), "{text}");
    assert_eq!(cdf.stats()["auth"]["last"], "api-key");

    add("revoked", "bad-key");
    let run = env.run(&["inspect", "--profile", "revoked"]);
    let line = run.fails_cleanly(1);
    assert!(line.contains("refused the API key"), "{line}");
    assert!(
        run.hint().unwrap().contains("set-secret"),
        "{:?}",
        run.hint()
    );
}

#[test]
fn env_lines_eval_in_a_shell() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let program = env!("CARGO_BIN_EXE_cdf-signin");
    // What a user types: eval "$(cdf-signin env)"; the token then works against CDF.
    let script = format!(
        "eval \"$('{program}' env --profile svc)\" && printf '%s|%s|%s|%s' \"$CDF_PROJECT\" \"$CDF_CLUSTER\" \"$CDF_URL\" \"${{#CDF_TOKEN}}\" && \
         curl -s -o /dev/null -w ' %{{http_code}}' -H \"Authorization: Bearer $CDF_TOKEN\" \"$CDF_URL/api/v1/token/inspect\""
    );
    let mut sh = std::process::Command::new("bash");
    sh.args(["-c", &script]);
    for (k, v) in env.command(&[]).get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let run = common::to_run(sh.output().unwrap());
    run.ok();
    let (vars, status) = run.stdout.split_once(' ').unwrap();
    let parts: Vec<&str> = vars.split('|').collect();
    assert_eq!(parts[0], "my-project");
    assert_eq!(parts[1], CLUSTER);
    assert_eq!(parts[2], cdf.base_url());
    assert!(parts[3].parse::<usize>().unwrap() > 100, "a JWT: {vars}");
    assert_eq!(status, "200", "the exported token works against CDF");
}

/// Issue 27, point 9: for a person's token, inspect and doctor name the user by name
/// or e-mail, the subject id beside it.
#[test]
fn inspect_and_doctor_name_the_signed_in_user() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let at = common::Place {
        cluster: common::CLUSTER,
        project: "my-project",
    };
    env.add_profile_at(
        &idp,
        "dev",
        at,
        "device-code",
        "device-client",
        &["--base-url", cdf.base_url()],
    )
    .ok();
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "120"]);
    let wait = std::time::Duration::from_secs(90);
    let url = login.wait_line("URL:", wait);
    let code = login.wait_line("Code:", wait);
    common::node_script("approve-device.mjs", &[&url, &code]).ok();
    login.finish(wait).ok();
    let text = env
        .run(&["inspect", "--profile", "dev"])
        .ok()
        .stdout
        .clone();
    assert!(text.contains("User:      Test User "), "{text}");
    assert!(text.contains("(subject "), "{text}");
    let run = env.run(&["doctor", "--profile", "dev"]);
    assert!(
        run.stdout.contains("token/inspect answered: Test User "),
        "{}",
        run.stdout
    );
}

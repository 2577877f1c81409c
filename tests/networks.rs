//! Corporate networks: TLS trust (OS store plus a profile's `--ca-file`) and proxies
//! from the environment.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{Env, Idp, fixture, jwt_claims, path_str, repo};

fn add_tls_profile(env: &Env, idp: &Idp, extra: &[&str]) -> common::Run {
    let mut args = vec![
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
    args.extend_from_slice(extra);
    env.run_stdin(&args, Some("cc-secret\n"))
}

#[test]
fn untrusted_certificate_is_refused_with_a_hint() {
    let idp = Idp::start_tls();
    let env = Env::new();
    add_tls_profile(&env, &idp, &[]).ok();
    let r = env.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("not trusted"), "{line}");
    assert!(r.hint().unwrap().contains("--ca-file"));
}

#[test]
fn ca_file_adds_a_trusted_ca_for_the_profile() {
    let idp = Idp::start_tls();
    let env = Env::new();
    add_tls_profile(
        &env,
        &idp,
        &["--ca-file", &path_str(&fixture("tls-ca.pem"))],
    )
    .ok();
    let r = env.run(&["token", "--profile", "svc"]);
    assert_eq!(jwt_claims(r.ok().stdout.trim())["aud"], common::BASE_URL);
}

#[test]
fn unreadable_ca_file_is_refused_at_add() {
    let env = Env::new();
    let not_pem = path_str(&fixture("README.md"));
    let r = env.run(&common::add_args(
        "svc",
        "interactive",
        &["--ca-file", &not_pem],
    ));
    let line = r.fails_cleanly(1);
    assert!(line.contains("CA file"), "{line}");
    assert!(!env.profiles_file().exists());
}

#[test]
fn https_proxy_from_the_environment_is_used() {
    let idp = Idp::start_tls();
    let mut proxy = Command::new("node")
        .arg(repo().join("tests/idp/proxy.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the test proxy");
    let mut lines = BufReader::new(proxy.stdout.take().unwrap()).lines();
    let ready: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", ready["port"]);

    let mut env = Env::new();
    add_tls_profile(
        &env,
        &idp,
        &["--ca-file", &path_str(&fixture("tls-ca.pem"))],
    )
    .ok();
    env.set("HTTPS_PROXY", &proxy_url);
    env.set("NO_PROXY", "");
    env.run(&["token", "--profile", "svc"]).ok();
    let _ = proxy.kill();
    let _ = proxy.wait();
    let seen: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        seen.contains(&format!("CONNECT 127.0.0.1:{}", idp.port)),
        "the proxy saw {seen:?}"
    );

    // And NO_PROXY excludes the host again: a dead proxy is then never asked.
    let mut env2 = Env::new();
    add_tls_profile(
        &env2,
        &idp,
        &["--ca-file", &path_str(&fixture("tls-ca.pem"))],
    )
    .ok();
    env2.set("HTTPS_PROXY", "http://127.0.0.1:9");
    env2.set("NO_PROXY", "127.0.0.1");
    env2.run(&["token", "--profile", "svc"]).ok();
}

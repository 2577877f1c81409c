//! cdf-signin's tokens against a CDF API: the fake one in `tests/idp/cdf.mjs` checks them
//! like CDF does (signature by the provider's keys, expiry, issuer, audience), and the real
//! Python cognite-sdk (pinned in tests/python/requirements.txt, installed by
//! tests/setup.sh) runs the snippet `cdf_signin::cdf::export::python_snippet` writes.

use crate::common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cdf_signin::cdf::export::{ProjectEnv, python_snippet};
use common::cdf::{CdfApi, CdfOptions, run_python};
use common::{CLUSTER, Env, Idp, Run, fixture, jwt_claims};
use serde_json::{Value, json};

const INSPECT: &str = "GET /api/v1/token/inspect";

fn unauthorized() -> Value {
    json!({"error": {"code": 401, "message": "Unauthorized"}})
}

fn inspect_fixture() -> Value {
    let text = std::fs::read_to_string(fixture("cdf/inspect.json")).expect("the inspect fixture");
    serde_json::from_str(&text).expect("the inspect fixture is JSON")
}

fn project_names(body: &Value) -> Vec<String> {
    body["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| {
            p["projectUrlName"]
                .as_str()
                .expect("projectUrlName")
                .to_string()
        })
        .collect()
}

/// The ACL name of each capability (its one key besides `projectScope`), in order.
fn acl_names(body: &Value) -> Vec<String> {
    body["capabilities"]
        .as_array()
        .expect("capabilities")
        .iter()
        .map(|c| {
            let names: Vec<&String> = c
                .as_object()
                .expect("a capability object")
                .keys()
                .filter(|k| *k != "projectScope")
                .collect();
            assert_eq!(names.len(), 1, "one ACL per capability: {c}");
            names[0].clone()
        })
        .collect()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The same JWT with one claim changed and the original signature kept.
fn with_claim(token: &str, name: &str, value: Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS");
    let mut claims = jwt_claims(token);
    claims[name] = value;
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims"));
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The cognite-sdk version tests/python/requirements.txt pins.
fn pinned_sdk() -> String {
    let text = std::fs::read_to_string(common::repo().join("tests/python/requirements.txt"))
        .expect("tests/python/requirements.txt");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("cognite-sdk=="))
        .expect("a cognite-sdk pin")
        .to_string()
}

/// `python_snippet` for the profile, then `tail`, run with the venv's python in `env`;
/// returns the run and the JSON its last stdout line holds.
fn run_snippet(
    env: &Env,
    profile: &str,
    project: &str,
    base_url: &str,
    tail: &str,
) -> (Run, Value) {
    let snippet = python_snippet(
        profile,
        &ProjectEnv {
            project,
            cluster: CLUSTER,
            base_url,
        },
        env!("CARGO_BIN_EXE_cdf-signin"),
    );
    // The SDK would ask pypi.org for newer versions in a background thread: tests stay local.
    let script = format!(
        "from cognite.client.config import global_config\n\
         global_config.disable_pypi_version_check = True\n\n\
         {snippet}\n{tail}"
    );
    let path = env.root.path().join(format!("{profile}-snippet.py"));
    std::fs::write(&path, script).expect("write the snippet");
    let run = run_python(env, &path);
    assert_eq!(
        run.code, 0,
        "python failed\nstdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let last = run.stdout.lines().last().unwrap_or_default();
    let value = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("no JSON line from python ({e}): {:?}", run.stdout));
    (run, value)
}

#[test]
fn accepts_a_cdf_signin_token_and_answers_unauthorized_without_one() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let token = env.token("svc");
    assert_eq!(
        jwt_claims(&token)["aud"],
        cdf.base_url(),
        "the profile's base URL is the audience"
    );

    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subject"], "cc-client", "subject is the token's sub");
    let fixture = inspect_fixture();
    assert_eq!(project_names(&body), project_names(&fixture));
    assert_eq!(body["capabilities"], fixture["capabilities"]);
    let stats = cdf.stats();
    assert_eq!(stats["auth"]["last"], "bearer");
    assert_eq!(stats["auth"]["accepted"], 1);

    let (status, body) = cdf.get("/api/v1/token/inspect", &[]);
    assert_eq!((status, body), (401, unauthorized()));
    let (status, body) = cdf.get(
        "/api/v1/token/inspect",
        &[("Authorization", "Basic Zm9vOmJhcg==")],
    );
    assert_eq!((status, body), (401, unauthorized()));
    let stats = cdf.stats();
    assert_eq!(stats["auth"]["last"], "basic");
    assert_eq!(stats["auth"]["rejected"]["missing"], 2);
    assert_eq!(stats["routes"][INSPECT], 3);
    assert_eq!(stats["auth"]["accepted"], 1);
}

#[test]
fn rejects_tampered_foreign_issuer_and_wrong_audience_tokens() {
    let idp = Idp::start();
    let other = Idp::start();
    // The other provider's keys are trusted too, so its token passes the signature check
    // and meets the issuer check.
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            keys_from: vec![other.issuer.clone()],
            ..CdfOptions::default()
        },
    );
    let strict = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let good = env.token("svc");
    assert_eq!(cdf.get_with_token("/api/v1/token/inspect", &good).0, 200);

    // Tampered: another subject under the original signature.
    let tampered = with_claim(&good, "sub", json!("admin"));
    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &tampered);
    assert_eq!((status, body), (401, unauthorized()));
    assert_eq!(cdf.rejected("signature"), 1);
    // Tampered: a later expiry.
    let extended = with_claim(&good, "exp", json!(now() + 86_400 * 365));
    assert_eq!(
        cdf.get_with_token("/api/v1/token/inspect", &extended).0,
        401
    );
    assert_eq!(cdf.rejected("signature"), 2);
    // Not a JWT at all.
    assert_eq!(
        cdf.get_with_token("/api/v1/token/inspect", "not-a-jwt").0,
        401
    );
    assert_eq!(cdf.rejected("malformed"), 1);

    // Another issuer, correctly signed by its own key, for this API's audience.
    cdf.add_cc_profile(&env, &other, "foreign", "cc-secret");
    let foreign = env.token("foreign");
    assert_eq!(jwt_claims(&foreign)["iss"], other.issuer.as_str());
    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &foreign);
    assert_eq!((status, body), (401, unauthorized()));
    assert_eq!(cdf.rejected("issuer"), 1);
    // Without the other provider's keys the signature fails first (same kid, other key).
    assert_eq!(
        strict.get_with_token("/api/v1/token/inspect", &foreign).0,
        401
    );
    assert_eq!(strict.rejected("signature"), 1);
    assert_eq!(strict.rejected("issuer"), 0);

    // The right provider, but a token for another cluster (the default base URL).
    env.add_cc_profile(&idp, "elsewhere", "cc-secret");
    let elsewhere = env.token("elsewhere");
    assert_eq!(jwt_claims(&elsewhere)["aud"], common::BASE_URL);
    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &elsewhere);
    assert_eq!((status, body), (401, unauthorized()));
    assert_eq!(cdf.rejected("audience"), 1);

    let stats = cdf.stats();
    assert_eq!(stats["auth"]["accepted"], 1, "only the good token: {stats}");
    assert_eq!(stats["routes"][INSPECT], 6);
}

#[test]
fn rejects_an_expired_token() {
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "5")]);
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let token = env.token("svc");
    let exp = jwt_claims(&token)["exp"].as_u64().expect("exp");
    assert!(exp <= now() + 5, "a 5 s token");
    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &token);
    assert_eq!(status, 200, "still valid: {body}");

    // CDF allows no grace here (the fake's default leeway is 0).
    while now() < exp {
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &token);
    assert_eq!((status, body), (401, unauthorized()));
    assert_eq!(cdf.rejected("expired"), 1);
}

#[test]
fn legacy_login_status_answers_like_cdf() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            api_keys: vec!["key-for-publicdata=publicdata".into(), "plain-key".into()],
            ..CdfOptions::default()
        },
    );
    let (status, body) = cdf.get("/login/status", &[("api-key", "key-for-publicdata")]);
    assert_eq!(status, 200);
    assert_eq!(body["data"]["loggedIn"], true);
    assert_eq!(body["data"]["project"], "publicdata");
    assert!(body["data"]["projectId"].as_i64().unwrap() > 0, "{body}");
    assert!(body["data"]["apiKeyId"].as_i64().is_some(), "{body}");
    assert_eq!(cdf.stats()["auth"]["last"], "api-key");
    let (_, body) = cdf.get("/login/status", &[("api-key", "plain-key")]);
    assert_eq!(body["data"]["project"], "my-project");

    let signed_out =
        json!({"data": {"user": "", "loggedIn": false, "project": "", "projectId": -1}});
    assert_eq!(
        cdf.get("/login/status", &[("api-key", "wrong-key")]),
        (200, signed_out.clone())
    );
    assert_eq!(cdf.get("/login/status", &[]), (200, signed_out));
    assert_eq!(cdf.hits("GET /login/status"), 4);
}

#[test]
fn projects_option_replaces_the_token_projects() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec!["sandbox".into(), "elsewhere".into()]),
            ..CdfOptions::default()
        },
    );
    let none = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec![]),
            audiences: vec![cdf.base_url().to_string()],
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let token = env.token("svc");

    let (status, body) = cdf.get_with_token("/api/v1/token/inspect", &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(project_names(&body), ["sandbox", "elsewhere"]);
    assert_eq!(
        body["projects"][0]["groups"],
        json!([]),
        "sandbox keeps the fixture's groups"
    );
    assert!(!body["projects"][1]["groups"].as_array().unwrap().is_empty());
    assert_eq!(
        acl_names(&body),
        acl_names(&inspect_fixture()),
        "capabilities as in the fixture"
    );

    // A project the token is not in gets CDF's 401; one it is in answers.
    let (status, body) = cdf.get_with_token("/api/v1/projects/my-project/assets", &token);
    assert_eq!((status, body), (401, unauthorized()));
    let (status, body) = cdf.get_with_token("/api/v1/projects/sandbox/assets", &token);
    assert_eq!((status, body), (200, json!({"items": []})));

    // Accepted by a second API told to take the first one's audience: no projects at all.
    let (status, body) = none.get_with_token("/api/v1/token/inspect", &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["projects"], json!([]));
}

#[test]
fn python_sdk_inspects_with_the_snippet_and_reuses_the_cached_token() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    let (_, out) = run_snippet(
        &env,
        "svc",
        "my-project",
        cdf.base_url(),
        r#"
import json

first = client.iam.token.inspect()
second = client.iam.token.inspect()
assets = client.assets.list(limit=1)
print(json.dumps({
    "first": first.dump(camel_case=True),
    "second": second.dump(camel_case=True),
    "assets": len(assets),
}))
"#,
    );

    let fixture = inspect_fixture();
    let first = &out["first"];
    assert_eq!(first["subject"], "cc-client");
    assert_eq!(project_names(first), project_names(&fixture));
    assert_eq!(
        first["projects"][1]["groups"],
        fixture["projects"][1]["groups"]
    );
    assert_eq!(acl_names(first), acl_names(&fixture));
    // Unknown ACLs, actions and scopes come through as they were sent.
    let unknown: Vec<&Value> = fixture["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("quantumAcl").is_some() || c.to_string().contains("TELEPORT"))
        .collect();
    assert_eq!(unknown.len(), 2);
    for cap in unknown {
        assert!(
            first["capabilities"].as_array().unwrap().contains(cap),
            "{cap} is missing from the SDK's answer"
        );
    }
    assert_eq!(out["second"], out["first"]);
    assert_eq!(out["assets"], 0);

    // Three requests, one token: the second and third `cdf-signin token` came from the cache.
    assert_eq!(idp.count("token"), 1, "one token request to the provider");
    let stats = cdf.stats();
    assert_eq!(stats["routes"][INSPECT], 2, "{stats}");
    assert_eq!(
        stats["routes"]["POST /api/v1/projects/my-project/assets/list"],
        1
    );
    assert_eq!(stats["auth"]["accepted"], 3);
    assert_eq!(stats["auth"]["rejected"], json!({}));
    // What the SDK sends: its name and version, the client name from the snippet, gzip.
    let client = &stats["last_client"];
    assert_eq!(
        client["x-cdp-sdk"],
        format!("CognitePythonSDK:{}", pinned_sdk())
    );
    assert_eq!(client["x-cdp-app"], "cdf-signin");
    assert_eq!(client["content-encoding"], "gzip");
}

#[test]
fn python_sdk_reports_cdf_signin_error_when_the_profile_has_no_token() {
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
    let direct = env.run(&["token", "--profile", "dev"]);
    let line = direct.fails_cleanly(cdf_signin::cli::EXIT_SIGN_IN);
    assert!(line.contains("not signed in"), "{line}");

    let (_, out) = run_snippet(
        &env,
        "dev",
        "test-project",
        cdf.base_url(),
        r#"
import json

try:
    client.iam.token.inspect()
    outcome = {"raised": None}
except RuntimeError as e:
    outcome = {"raised": type(e).__name__, "message": str(e)}
print(json.dumps(outcome))
"#,
    );
    // The snippet raises cdf-signin's own words, not "returned non-zero exit status 3".
    assert_eq!(out["raised"], "RuntimeError", "{out}");
    assert_eq!(
        out["message"],
        direct.stderr.trim(),
        "cdf-signin's own words"
    );
    assert!(
        direct
            .hint()
            .is_some_and(|h| h.contains("cdf-signin login --profile dev"))
    );

    assert_eq!(cdf.hits(INSPECT), 0, "no request without a token");
    assert_eq!(idp.count("token"), 0);
}

#[test]
fn python_sdk_names_the_token_projects_when_the_project_is_not_among_them() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec!["publicdata".into(), "sandbox".into()]),
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    let (_, out) = run_snippet(
        &env,
        "svc",
        "my-project",
        cdf.base_url(),
        r#"
import json

from cognite.client.exceptions import CogniteProjectAccessError

try:
    client.assets.list(limit=1)
    outcome = {"raised": None}
except CogniteProjectAccessError as e:
    outcome = {"raised": type(e).__name__, "project": e.project,
               "maybe_projects": e.maybe_projects, "message": str(e)}
print(json.dumps(outcome))
"#,
    );
    assert_eq!(out["raised"], "CogniteProjectAccessError", "{out}");
    assert_eq!(out["project"], "my-project");
    assert_eq!(out["maybe_projects"], json!(["publicdata", "sandbox"]));
    let message = out["message"].as_str().unwrap();
    assert!(
        message.contains("Did you intend to use one of"),
        "{message}"
    );

    let routes = &cdf.stats()["routes"];
    assert_eq!(routes["POST /api/v1/projects/my-project/assets/list"], 1);
    assert_eq!(routes[INSPECT], 1, "the SDK looked up the token's projects");
    assert_eq!(idp.count("token"), 1);
}

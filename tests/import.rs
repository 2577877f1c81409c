//! `profile import` of cognite-toolkit `.env` files (and the environment), `profile
//! add-from`, and legacy API-key profiles: what lands in the profile and the keyring, and
//! that a broken file creates nothing.

use crate::common;

use common::{Env, Idp, fixture, path_str};
use serde_json::Value;

fn show(env: &Env, name: &str) -> Value {
    serde_json::from_str(&env.run(&["profile", "show", name, "--json"]).ok().stdout).unwrap()
}

fn import(env: &Env, file: &str, extra: &[&str]) -> common::Run {
    let path = path_str(&fixture(&format!("env/{file}")));
    let mut args = vec!["profile", "import", path.as_str()];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn client_credentials_env_with_quotes_and_comments() {
    let env = Env::new();
    let run = import(&env, "cc-entra.env", &[]);
    run.ok();
    assert!(
        run.stderr.contains("Imported profile 'my-project'"),
        "{}",
        run.stderr
    );
    let p = show(&env, "my-project");
    assert_eq!(p["flow"], "client-credentials");
    assert_eq!(p["tenant_id"], "contoso.onmicrosoft.com");
    assert_eq!(
        p["authority"],
        "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    );
    assert_eq!(p["base_url"], "https://westeurope-1.cognitedata.com");
    assert_eq!(p["client_secret"], "stored in the OS keyring");
    // The double-quoted value keeps its single quote and spaces; the comment is dropped.
    assert_eq!(
        env.keyring_lookup("my-project", "client-secret").as_deref(),
        Some("Zx8Q~sec'ret with spaces")
    );
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        !file.contains("Zx8Q"),
        "the secret must not be in the profiles file"
    );
}

#[test]
fn tenant_comes_from_the_token_url_when_missing() {
    let env = Env::new();
    import(&env, "cc-token-url.env", &["--name", "acme"]).ok();
    let p = show(&env, "acme");
    assert_eq!(p["tenant_id"], "0f0e0d0c-1111-2222-3333-444455556666");
    assert_eq!(p["cluster"], "az-eastus-1");
    assert_eq!(p["project"], "acme-prod");
    assert_eq!(
        p["scopes"],
        serde_json::json!(["https://az-eastus-1.cognitedata.com/.default"])
    );
    assert_eq!(
        env.keyring_lookup("acme", "client-secret").as_deref(),
        Some("abc#123")
    );
}

#[test]
fn interactive_and_device_code_envs() {
    let env = Env::new();
    import(&env, "interactive.env", &[]).ok();
    let p = show(&env, "data-team");
    assert_eq!(p["flow"], "interactive");
    assert_eq!(p["redirect_uri"], "http://localhost:53123");
    assert_eq!(p["base_url"], "https://greenfield.cognitedata.com");
    assert!(env.keyring_lookup("data-team", "client-secret").is_none());

    import(&env, "device-code-private-link.env", &[]).ok();
    let p = show(&env, "plant-ops");
    assert_eq!(p["flow"], "device-code");
    assert_eq!(p["cluster"], "az-x-1");
    assert_eq!(p["base_url"], "https://p001.plink.az-x-1.cognitedata.com");
    assert_eq!(
        p["scopes"][0], "https://az-x-1.cognitedata.com/.default",
        "a Private Link host keeps its cluster's scope"
    );
}

#[test]
fn a_broken_file_names_the_variable_and_creates_nothing() {
    let env = Env::new();
    let run = import(&env, "broken-flow.env", &[]);
    let line = run.fails_cleanly(2);
    assert!(
        line.contains("LOGIN_FLOW") && line.contains("telepathy"),
        "{line}"
    );
    assert!(!env.profiles_file().exists(), "no profile may be written");
    assert!(env.keyring_lookup("broken", "client-secret").is_none());

    // An unreadable line is named by its number.
    let bad = env.root.path().join("bad.env");
    std::fs::write(&bad, "CDF_PROJECT=x\nthis is not a pair\n").unwrap();
    let line = env
        .run(&["profile", "import", &path_str(&bad)])
        .fails_cleanly(2);
    assert!(line.contains("line 2"), "{line}");
    let missing = env
        .run(&["profile", "import", "/nonexistent/.env"])
        .fails_cleanly(1);
    assert!(missing.contains("/nonexistent/.env"), "{missing}");
}

#[test]
fn importing_a_name_twice_keeps_the_first() {
    let env = Env::new();
    import(&env, "cc-entra.env", &[]).ok();
    let line = import(&env, "cc-token-url.env", &["--name", "my-project"]).fails_cleanly(1);
    assert!(line.contains("exists already"), "{line}");
    assert_eq!(
        env.keyring_lookup("my-project", "client-secret").as_deref(),
        Some("Zx8Q~sec'ret with spaces"),
        "the first profile's secret is untouched"
    );
}

#[test]
fn from_env_reads_the_process_environment_and_the_profile_works() {
    let idp = Idp::start();
    let mut env = Env::new();
    for (k, v) in [
        ("CDF_CLUSTER", common::CLUSTER),
        ("CDF_PROJECT", "from-env"),
        ("PROVIDER", "other"),
        ("LOGIN_FLOW", "client_credentials"),
        ("IDP_CLIENT_ID", "cc-client"),
        ("IDP_CLIENT_SECRET", "cc-secret"),
        ("IDP_AUTHORITY_URL", idp.issuer.as_str()),
        ("IDP_SCOPES", &format!("{}/.default", common::BASE_URL)),
    ] {
        env.set(k, v);
    }
    env.run(&["profile", "import", "--from-env"]).ok();
    let token = env
        .run(&["token", "--profile", "from-env"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let claims = common::jwt_claims(&token);
    assert_eq!(claims["client_id"], "cc-client");
}

#[test]
fn add_from_copies_the_sign_in_and_the_secret() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&["profile", "add-from", "svc", "--project", "other-project"])
        .ok();
    let p = show(&env, "other-project");
    assert_eq!(p["project"], "other-project");
    assert_eq!(p["authority"], idp.issuer.as_str());
    assert_eq!(
        env.keyring_lookup("other-project", "client-secret")
            .as_deref(),
        Some("cc-secret")
    );
    // The copy signs in on its own, with the copied secret.
    env.run(&["token", "--profile", "other-project"]).ok();
    // --name, and a clear error for a missing source.
    env.run(&[
        "profile",
        "add-from",
        "svc",
        "--project",
        "x",
        "--name",
        "x-named",
    ])
    .ok();
    assert_eq!(show(&env, "x-named")["project"], "x");
    let line = env
        .run(&["profile", "add-from", "nope", "--project", "x"])
        .fails_cleanly(1);
    assert!(line.contains("no profile named 'nope'"), "{line}");
}

/// Where the legacy API-key profiles of these tests point.
const OLD: common::Place = common::Place {
    cluster: "api",
    project: "old",
};

#[test]
fn api_key_profiles_keep_the_key_in_the_keyring() {
    let env = Env::new();
    env.add_api_key_profile("legacy", OLD, "AbCdEf123==", &[]);
    assert_eq!(
        env.keyring_lookup("legacy", "api-key").as_deref(),
        Some("AbCdEf123==")
    );
    assert!(
        !std::fs::read_to_string(env.profiles_file())
            .unwrap()
            .contains("AbCdEf")
    );
    assert_eq!(
        env.run(&["token", "--profile", "legacy"]).ok().stdout,
        "AbCdEf123==\n"
    );
    let json: Value = serde_json::from_str(
        &env.run(&["token", "--profile", "legacy", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["token_type"], "api-key");
    assert!(json["expires_at"].is_null());
    let env_lines = env.run(&["env", "--profile", "legacy"]).ok().stdout.clone();
    assert!(
        env_lines.contains("export CDF_API_KEY='AbCdEf123=='"),
        "{env_lines}"
    );

    // IdP settings make no sense for an API key; a user flow needs its tenant.
    let line = env
        .run_stdin(
            &[
                "profile",
                "add",
                "bad",
                "--flow",
                "api-key",
                "--cluster",
                "api",
                "--project",
                "p",
                "--client-id",
                "c",
                "--api-key-stdin",
            ],
            Some("k\n"),
        )
        .fails_cleanly(2);
    assert!(line.contains("--client-id"), "{line}");
    let line = env
        .run(&[
            "profile",
            "add",
            "bad",
            "--flow",
            "device-code",
            "--cluster",
            "api",
            "--project",
            "p",
            "--client-id",
            "c",
        ])
        .fails_cleanly(2);
    assert!(line.contains("--tenant-id is required"), "{line}");

    env.run(&["profile", "remove", "legacy"]).ok();
    assert!(env.keyring_lookup("legacy", "api-key").is_none());
}

/// Writes a `.env` in the test's own directory.
fn env_file(env: &Env, name: &str, text: &str) -> String {
    let path = env.root.path().join(name);
    std::fs::write(&path, text).unwrap();
    path_str(&path)
}

const USER_FLOW_ENV: &str = "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=cloned\nLOGIN_FLOW=interactive\n\
    IDP_CLIENT_ID=33333333-4444-5555-6666-777777777777\nIDP_TENANT_ID=contoso.onmicrosoft.com\n";

/// Finding 1 of issue 13: a `.env` (say, in a cloned repository) whose token URL would
/// take a person's authorization code and PKCE verifier off the authority's origin is
/// refused, naming both origins, and creates nothing.
#[test]
fn a_user_flow_env_with_a_token_url_elsewhere_is_refused() {
    let env = Env::new();
    for flow in ["interactive", "device_code"] {
        let text = USER_FLOW_ENV.replace("interactive", flow)
            + "IDP_TOKEN_URL=https://collector.example.invalid/oauth2/v2.0/token\n";
        let file = env_file(&env, "repo.env", &text);
        let line = env.run(&["profile", "import", &file]).fails_cleanly(2);
        assert!(
            line.contains("IDP_TOKEN_URL")
                && line.contains("https://collector.example.invalid")
                && line.contains("https://login.microsoftonline.com"),
            "{line}"
        );
        assert!(!env.profiles_file().exists(), "no profile may be written");
    }
    // Another Entra host is still Entra.
    let text = USER_FLOW_ENV.to_string()
        + "IDP_TOKEN_URL=https://login.microsoft.com/contoso.onmicrosoft.com/oauth2/v2.0/token\n";
    let file = env_file(&env, "entra.env", &text);
    env.run(&["profile", "import", &file]).ok();
}

/// Issue 11 (and finding 1): a service principal's `IDP_TOKEN_URL` works on any host
/// without `IDP_TENANT_ID`; the tenant is then unknown, and the import says which
/// endpoints are not the provider's defaults.
#[test]
fn a_client_credentials_env_with_any_token_url_and_no_tenant_imports() {
    let env = Env::new();
    let file = env_file(
        &env,
        "svc.env",
        "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=svc-proj\nIDP_CLIENT_ID=svc-client\n\
         IDP_CLIENT_SECRET=s3cret\nIDP_TOKEN_URL=https://idp.example.invalid/oauth2/token\n",
    );
    let run = env.run(&["profile", "import", &file]);
    run.ok();
    assert!(
        run.stderr
            .contains("https://idp.example.invalid/oauth2/token")
            && run.stderr.contains("not the provider's default"),
        "{}",
        run.stderr
    );
    let p = show(&env, "svc-proj");
    assert_eq!(p["token_url"], "https://idp.example.invalid/oauth2/token");
    assert_eq!(p["tenant_id"], Value::Null);
    let text = env
        .run(&["profile", "show", "svc-proj"])
        .ok()
        .stdout
        .clone();
    assert!(
        text.lines()
            .any(|l| l.starts_with("tenant id:") && l.ends_with("unknown")),
        "{text}"
    );

    // The usual file says nothing about endpoints.
    let run = import(&env, "cc-entra.env", &[]);
    run.ok();
    assert!(
        !run.stderr.contains("not the provider's default"),
        "{}",
        run.stderr
    );
}

/// Issue 19: a toolkit `.env` for a person's sign-in with Cognite's own identity provider
/// names no organization: refused, pointing at `login --org`, nothing written; a service
/// principal of that provider still imports.
#[test]
fn a_cognite_idp_user_env_points_at_login_by_organization() {
    let env = Env::new();
    for flow in ["interactive", "device_code"] {
        let text = format!(
            "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=p1\nPROVIDER=cdf\nLOGIN_FLOW={flow}\nIDP_CLIENT_ID=c\n"
        );
        let file = env_file(&env, "cog.env", &text);
        let r = env.run(&["profile", "import", &file]);
        let line = r.fails_cleanly(2);
        assert!(
            line.contains("PROVIDER=cdf") && line.contains("organization"),
            "{line}"
        );
        assert!(
            r.hint()
                .is_some_and(|h| h.contains("cdf-signin login --org ORG")),
            "{}",
            r.stderr
        );
        assert!(!env.profiles_file().exists(), "no profile may be written");
    }
    let file = env_file(
        &env,
        "cog-cc.env",
        "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=p1\nPROVIDER=cdf\nIDP_CLIENT_ID=c\nIDP_CLIENT_SECRET=s\n",
    );
    env.run(&["profile", "import", &file, "--name", "svc"]).ok();
    assert_eq!(show(&env, "svc")["flow"], "client-credentials");
}

/// Issue 27, point 4: every command that sets a project suggests the production mark
/// when the project looks like production (the application layer's one rule): import,
/// add-from and edit, as add always did; a marked profile gets no suggestion.
#[test]
fn every_command_that_sets_a_production_project_suggests_the_mark() {
    let env = Env::new();
    let suggests = |run: &common::Run, name: &str| {
        run.ok();
        assert!(
            run.stderr.contains(&format!(
                "looks like production; mark the profile with `cdf-signin profile edit {name} --production`"
            )),
            "{}",
            run.stderr
        );
    };
    let text = USER_FLOW_ENV.replace("CDF_PROJECT=cloned", "CDF_PROJECT=contoso-prod");
    let file = env_file(&env, "prod.env", &text);
    suggests(&env.run(&["profile", "import", &file]), "contoso-prod");
    let run = env.run(&[
        "profile",
        "add-from",
        "contoso-prod",
        "--project",
        "plant-production",
    ]);
    suggests(&run, "plant-production");
    let file = env_file(&env, "dev.env", USER_FLOW_ENV);
    let run = env.run(&["profile", "import", &file]);
    run.ok();
    assert!(!run.stderr.contains("production"), "{}", run.stderr);
    suggests(
        &env.run(&["profile", "edit", "cloned", "--project", "cloned-prod"]),
        "cloned",
    );
    let run = env.run(&["profile", "edit", "cloned", "--production"]);
    run.ok();
    assert!(
        !run.stderr.contains("looks like production"),
        "{}",
        run.stderr
    );
}

//! Issue 19, Cognite's own identity provider by organization, end to end: the test
//! provider as a Cognite IdP look-alike (`server.mjs --cognite`: exact redirect URIs
//! `http://localhost:<port>/`, `organization_hint` required, the organization's projects
//! at `/api/v1/orgs/{org}/projects`), the fake CDF API accepting its tokens, and a real
//! browser (`tests/idp/browser.mjs`) signing in. `login --org` alone makes one profile
//! per project, all sharing the one sign-in.

use crate::common;

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use common::cdf::{CdfApi, CdfOptions};
use common::{COGNITE_AUDIENCE, Env, Idp, free_port, jwt_claims, repo};
use serde_json::{Value, json};

const SIGN_IN: Duration = Duration::from_secs(120);

/// The look-alike registered for two free ports, the CDF API that accepts its tokens,
/// and an organization `contoso` with `dev`, `prod` (its default) and a project whose
/// `apiUrl` may not receive tokens.
struct World {
    idp: Idp,
    cdf: CdfApi,
    ports: [u16; 2],
}

fn world() -> World {
    let ports = [free_port(), free_port()];
    let idp = Idp::start_cognite(&ports);
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            audiences: vec![COGNITE_AUDIENCE.into()],
            projects: Some(vec!["dev".into(), "prod".into(), "test".into()]),
            ..CdfOptions::default()
        },
    );
    let w = World { idp, cdf, ports };
    w.set_projects(&["dev", "prod"]);
    w
}

impl World {
    /// `contoso`'s projects: these (the second one the default) and `legacy`, whose
    /// `apiUrl` is plain http to another host.
    fn set_projects(&self, names: &[&str]) {
        let mut items: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"name": n, "apiUrl": self.cdf.base_url(), "isDefault": i == 1}))
            .collect();
        items.push(
            json!({"name": "legacy", "apiUrl": "http://cdf.example.invalid", "isDefault": false}),
        );
        self.idp.set_orgs(json!({ "contoso": items }));
    }

    fn env(&self) -> Env {
        let mut env = Env::new();
        env.set(
            "BROWSER",
            &repo().join("tests/idp/browser.mjs").display().to_string(),
        );
        // The base comes from the toolkit's variable, as `--authority` would give it.
        env.set("COGNITE_IDP_BASE_URL", &self.idp.issuer);
        env
    }

    fn login(&self, env: &Env, org: &str) -> common::Run {
        let ports = format!("{},{}", self.ports[0], self.ports[1]);
        env.spawn(&["login", "--org", org, "--port", &ports])
            .finish(SIGN_IN)
    }
}

fn token(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    env.run(&all).ok().stdout.trim().to_string()
}

/// `profile list --json`: the names, and the default's.
fn profiles(env: &Env) -> (Vec<String>, Option<String>) {
    let out = env.run(&["profile", "list", "--json"]).ok().stdout.clone();
    let list: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let list = list.as_array().cloned().unwrap_or_default();
    let name = |p: &Value| p["name"].as_str().unwrap_or_default().to_string();
    let names = list.iter().map(name).collect();
    let default = list.iter().find(|p| p["default"] == true).map(name);
    (names, default)
}

#[test]
fn sign_in_by_organization_makes_a_profile_per_project_sharing_the_sign_in() {
    let w = world();
    let env = w.env();
    let r = w.login(&env, "contoso");
    r.ok();
    // The authorization request: only the organization named, the exact redirect URI
    // with its path `/`, PKCE, Cognite's public client and scopes.
    for part in [
        format!("redirect_uri=http%3A%2F%2Flocalhost%3A{}%2F&", w.ports[0]),
        "organization_hint=contoso".into(),
        "code_challenge_method=S256".into(),
        "client_id=0404baaa-0a90-43a2-aba7-a110b53fb41c".into(),
        "scope=openid+profile+email+offline_access".into(),
    ] {
        assert!(r.stderr.contains(&part), "{part} in {}", r.stderr);
    }
    assert!(
        r.stderr.contains("Added profile 'dev'.")
            && r.stderr.contains("Added profile 'prod' (default)."),
        "{}",
        r.stderr
    );
    let skipped = r
        .stderr
        .lines()
        .find(|l| l.contains("'legacy'"))
        .unwrap_or_else(|| panic!("legacy is named: {}", r.stderr));
    assert!(
        skipped.starts_with("warning:") && skipped.contains("loopback"),
        "{skipped}"
    );

    let (names, default) = profiles(&env);
    assert_eq!(names, ["dev", "prod"]);
    assert_eq!(
        default.as_deref(),
        Some("prod"),
        "the organization's default"
    );
    // `profile list` names the organization and who is signed in, from the cache.
    let list = env.run(&["profile", "list"]).ok().stdout.clone();
    let header = list.lines().next().unwrap_or_default();
    assert!(
        header.contains("ORG") && header.contains("SIGNED IN AS"),
        "{list}"
    );
    for name in ["dev", "prod"] {
        let row = list
            .lines()
            .find(|l| l[2..].starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {list}"));
        assert!(
            row.contains(" contoso ") && row.contains("Test User "),
            "{row}"
        );
    }
    let json: Value =
        serde_json::from_str(&env.run(&["profile", "list", "--json"]).ok().stdout).unwrap();
    for p in json.as_array().unwrap() {
        assert_eq!(p["org"], "contoso", "{p}");
        let who = p["signed_in_as"].as_str().unwrap_or_default();
        assert!(who.starts_with("Test User "), "{p}");
    }

    // Both projects' tokens without another sign-in: served from the one sign-in.
    assert_eq!(w.idp.count("authorization"), 1);
    let dev = token(&env, &["--profile", "dev"]);
    let prod = token(&env, &[]);
    assert_eq!(jwt_claims(&prod)["aud"], COGNITE_AUDIENCE);
    assert_eq!(
        jwt_claims(&dev)["client_id"],
        "0404baaa-0a90-43a2-aba7-a110b53fb41c"
    );
    // Discovery at the base only, where the Cognite IdP publishes it.
    assert!(w.idp.count("discovery") >= 1);
    // A renewal is one refresh of the shared refresh token, no sign-in.
    let refreshes = w.idp.count("token_refresh_token");
    let renewed = token(&env, &["--profile", "dev", "--force-refresh"]);
    assert_ne!(renewed, dev);
    assert_eq!(w.idp.count("token_refresh_token"), refreshes + 1);
    assert_eq!(w.idp.count("authorization"), 1, "no second sign-in");

    // CDF accepts them: inspect, doctor and exec work with these profiles.
    let inspected = env
        .run(&["inspect", "--profile", "prod"])
        .ok()
        .stdout
        .clone();
    assert!(inspected.contains("prod"), "{inspected}");
    env.run(&["doctor", "--profile", "dev"]).ok();
    let out = env
        .run(&[
            "exec",
            "--profile",
            "dev",
            "--",
            "sh",
            "-c",
            "echo \"$CDF_PROJECT\"",
        ])
        .ok()
        .stdout
        .clone();
    assert_eq!(out.trim(), "dev");
    let lines = env.run(&["env", "--profile", "prod"]).ok().stdout.clone();
    assert!(
        lines.contains(&format!("export CDF_URL='{}'", w.cdf.base_url()))
            && lines.contains("export CDF_PROJECT='prod'")
            && lines.contains("CDF_TOKEN="),
        "{lines}"
    );
    assert_eq!(w.idp.count("v2_discovery"), 0, "{}", w.idp.stats());
    let shown = env
        .run(&["profile", "show", "dev", "--json"])
        .ok()
        .stdout
        .clone();
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        shown["account"]["profiles"],
        json!(["dev", "prod"]),
        "{shown}"
    );
}

/// The first port of the list is taken: the next one serves (the provider accepts only
/// the exact registered URIs). A second run adds the organization's new project, names
/// one whose name is taken `PROJECT-2`, and leaves the others and the default alone.
#[test]
fn a_busy_first_port_gives_way_and_a_second_run_adds_only_new_projects() {
    let w = world();
    let env = w.env();
    env.run(&common::add_args("dev", "device-code", &[])).ok();
    let held = TcpListener::bind((Ipv4Addr::LOCALHOST, w.ports[0])).expect("hold the first port");
    let r = w.login(&env, "contoso");
    r.ok();
    drop(held);
    assert!(
        r.stderr.contains(&format!(
            "redirect_uri=http%3A%2F%2Flocalhost%3A{}%2F&",
            w.ports[1]
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Added profile 'dev-2'.") && r.stderr.contains("Added profile 'prod'."),
        "{}",
        r.stderr
    );
    let (names, default) = profiles(&env);
    assert_eq!(names, ["dev", "dev-2", "prod"]);
    assert_eq!(default.as_deref(), Some("dev"), "a default set stays");

    w.set_projects(&["dev", "prod", "test"]);
    let r = w.login(&env, "contoso");
    r.ok();
    assert!(r.stderr.contains("Added profile 'test'."), "{}", r.stderr);
    assert!(
        r.stderr.contains("'dev-2' was there already")
            && r.stderr.contains("'prod' was there already"),
        "{}",
        r.stderr
    );
    let shown = env
        .run(&["profile", "show", "dev", "--json"])
        .ok()
        .stdout
        .clone();
    assert!(
        shown.contains("device-code"),
        "the other 'dev' is left alone: {shown}"
    );
    assert_eq!(
        jwt_claims(&token(&env, &["--profile", "test"]))["aud"],
        COGNITE_AUDIENCE
    );
}

#[test]
fn logout_of_one_project_revokes_the_organizations_sign_in() {
    let w = world();
    let env = w.env();
    w.login(&env, "contoso").ok();
    let r = env.run(&["logout", "--profile", "dev"]).ok().stderr.clone();
    assert!(
        r.contains("Signed out of 'dev'") && r.contains("'prod'") && r.contains("revoked"),
        "{r}"
    );
    assert_eq!(w.idp.count("revocation"), 1);
    for name in ["dev", "prod"] {
        let r = env.run(&["token", "--profile", name]);
        assert!(r.fails_cleanly(3).contains("not signed in"), "{name}");
    }
    let list = env.run(&["profile", "list"]).ok().stdout.clone();
    assert!(
        !list.contains("SIGNED IN AS") && !list.contains("Test User"),
        "{list}"
    );
}

#[test]
fn an_unknown_organization_is_one_error_in_the_providers_words() {
    let w = world();
    let env = w.env();
    let r = w.login(&env, "fabrikam");
    let line = r.fails_cleanly(1);
    assert!(
        line.contains("Organization 'fabrikam' was not found") && line.contains("invalid_request"),
        "{line}"
    );
    assert!(r.hint().is_some(), "{}", r.stderr);
    assert!(!env.profiles_file().exists() || profiles(&env).0.is_empty());
}

/// The base receives the sign-in: plain http only to this computer, as everywhere; a bad
/// organization name is refused before any browser opens.
#[test]
fn an_insecure_base_or_a_bad_organization_name_is_refused_before_sign_in() {
    let env = Env::new();
    let line = env
        .run(&[
            "login",
            "--org",
            "contoso",
            "--authority",
            "http://auth.example.invalid",
        ])
        .fails_cleanly(2);
    assert!(
        line.contains("http://") && line.contains("loopback"),
        "{line}"
    );
    let mut env = Env::new();
    env.set("COGNITE_IDP_BASE_URL", "http://auth.example.invalid");
    // A profile chosen in the environment is no conflict: --org makes its own.
    env.set("CDF_SIGNIN_PROFILE", "dev");
    let line = env.run(&["login", "--org", "contoso"]).fails_cleanly(2);
    assert!(line.contains("loopback"), "{line}");
    let line = env.run(&["login", "--org", "a b"]).fails_cleanly(2);
    assert!(line.contains("organization"), "{line}");
    assert!(!env.profiles_file().exists());
}

/// The `[profiles.NAME]` table of a profiles file, up to the next table.
fn section(text: &str, name: &str) -> String {
    let header = format!("[profiles.{name}]");
    let start = text
        .find(&header)
        .unwrap_or_else(|| panic!("{header} in {text}"));
    let rest = &text[start + header.len()..];
    let end = rest.find("\n[").map_or(rest.len(), |i| i + 1);
    format!("{header}{}", &rest[..end])
}

/// Issue 24, finding 1 (organization): a profile of the organization's account planted
/// in a shared profiles file with its base URL at a collector gets no token, by any
/// command; planted before `login --org` for the organization's default project, it is
/// passed over: no sign-in, not made the default, and said so.
#[test]
fn planted_organization_profiles_get_no_token_and_never_become_the_default() {
    use common::collector::Collector;
    let w = world();
    let collector = Collector::start();
    let env = w.env();
    w.login(&env, "contoso").ok();
    let text = std::fs::read_to_string(env.profiles_file()).unwrap();
    let at_collector = |table: &str, name: &str| {
        let base = format!("base_url = \"{}\"", w.cdf.base_url());
        assert!(table.contains(&base), "{table}");
        table
            .replacen("[profiles.prod]", &format!("[profiles.{name}]"), 1)
            .replace(&base, &format!("base_url = \"{}\"", collector.base_url()))
    };
    let prod = section(&text, "prod");
    let shared =
        at_collector(&prod, "shared-team").replace("project = \"prod\"", "project = \"shared\"");
    std::fs::write(env.profiles_file(), format!("{text}\n{shared}")).unwrap();
    let refreshes = w.idp.count("token_refresh_token");
    for command in [
        vec!["inspect", "--profile", "shared-team"],
        vec!["token", "--profile", "shared-team"],
    ] {
        let err = env.run(&command).fails_cleanly(3);
        assert!(err.contains(&collector.base_url()), "{command:?}: {err}");
    }
    let doctor = env.run(&["doctor", "--profile", "shared-team"]);
    assert!(
        doctor.stdout.contains("skip 5. cdf-accepts"),
        "{}",
        doctor.stdout
    );
    assert_eq!(w.idp.count("token_refresh_token"), refreshes, "no refresh");
    // The organization's own profiles still work.
    let prod_token = token(&env, &["--profile", "prod"]);
    assert_eq!(jwt_claims(&prod_token)["aud"], COGNITE_AUDIENCE);

    // Planted before the sign-in, for the default project.
    let env2 = w.env();
    std::fs::create_dir_all(env2.profiles_file().parent().unwrap()).unwrap();
    std::fs::write(env2.profiles_file(), at_collector(&prod, "team-prod")).unwrap();
    let r = w.login(&env2, "contoso");
    r.ok();
    let said = r
        .stderr
        .lines()
        .find(|l| l.contains("'team-prod'"))
        .unwrap_or_else(|| panic!("team-prod is named: {}", r.stderr));
    assert!(
        said.contains("passed over") && said.contains(&collector.base_url()),
        "{said}"
    );
    let (names, default) = profiles(&env2);
    assert_eq!(names, ["dev", "team-prod"]);
    assert_ne!(
        default.as_deref(),
        Some("team-prod"),
        "never made the default"
    );
    let err = env2
        .run(&["inspect", "--profile", "team-prod"])
        .fails_cleanly(3);
    assert!(err.contains("not signed in"), "{err}");
    assert_eq!(
        collector.credentials(),
        Vec::<String>::new(),
        "nothing sent"
    );
}

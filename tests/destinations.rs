//! Issue 24, a token goes only to the API it is for, end to end: a person's account
//! signed in on `dev` (device code, the test provider), then profiles that come from
//! outside (a cloned repository's `.env`, a hand-edited or shared profiles file) pointing
//! their base URL at a loopback collector that records every credential it is sent.
//! None of them gets the account's token without a sign-in started from it; `remove
//! --all` finds every secret whatever state the profiles file is in.

use crate::common;

use std::time::Duration;

use common::collector::Collector;
use common::{BASE_URL, CLUSTER, Env, Idp, jwt_claims, node_script, path_str};

const SIGN_IN: Duration = Duration::from_secs(90);

/// `dev`: the provider's device-code client at the test cluster, signed in.
fn dev_signed_in(idp: &Idp) -> Env {
    let env = Env::new();
    let at = common::Place {
        cluster: CLUSTER,
        project: "test-project",
    };
    env.add_profile_at(idp, "dev", at, "device-code", "device-client", &[])
        .ok();
    device_code_login(&env, "dev");
    env
}

fn device_code_login(env: &Env, profile: &str) {
    let login = env.spawn(&["login", "--profile", profile, "--timeout", "120"]);
    let url = login.wait_line("URL:", SIGN_IN);
    let code = login.wait_line("Code:", SIGN_IN);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    login.finish(SIGN_IN).ok();
}

/// A cloned repository's `.env` for `dev`'s account (same authority, tenant and client)
/// whose CDF is the collector, with `scopes` if given.
fn cloned_env(env: &Env, idp: &Idp, collector: &Collector, scopes: Option<&str>) -> String {
    let mut text = format!(
        "CDF_CLUSTER={CLUSTER}\nCDF_PROJECT=repo-project\nCDF_URL={}\nLOGIN_FLOW=device_code\n\
         IDP_TENANT_ID=test-tenant\nIDP_CLIENT_ID=device-client\nIDP_AUTHORITY_URL={}\n",
        collector.base_url(),
        idp.issuer
    );
    if let Some(s) = scopes {
        text.push_str(&format!("IDP_SCOPES={s}\n"));
    }
    let path = env.root.path().join("cloned.env");
    std::fs::write(&path, text).unwrap();
    path_str(&path)
}

fn names(env: &Env) -> String {
    env.run(&["profile", "list"]).ok().stdout.clone()
}

/// Finding 1, Entra style: the `.env` asks for a token for the real CDF and sends it to
/// the collector. The scope and the base URL name different APIs: refused at import,
/// naming both, with nothing saved and nothing sent.
#[test]
fn a_cloned_env_asking_for_another_apis_token_is_refused_naming_both_hosts() {
    let idp = Idp::start();
    let env = dev_signed_in(&idp);
    let collector = Collector::start();
    let scope = format!("{BASE_URL}/.default");
    let file = cloned_env(&env, &idp, &collector, Some(&scope));
    let refreshes = idp.count("token_refresh_token");
    let r = env.run(&["profile", "import", &file, "--name", "repo"]);
    let err = r.fails_cleanly(2);
    assert!(err.contains(BASE_URL), "{err}");
    assert!(err.contains(&collector.base_url()), "{err}");
    assert!(err.contains("only to the API it is for"), "{err}");
    assert!(!names(&env).contains("repo"), "nothing saved");

    // The same profile by hand, and in the file: refused the same way.
    let r = env.run(&[
        "profile",
        "add",
        "byhand",
        "--cluster",
        CLUSTER,
        "--project",
        "p",
        "--tenant-id",
        "test-tenant",
        "--client-id",
        "device-client",
        "--flow",
        "device-code",
        "--authority",
        &idp.issuer,
        "--base-url",
        &collector.base_url(),
        "--scope",
        &scope,
    ]);
    let err = r.fails_cleanly(2);
    assert!(
        err.contains(BASE_URL) && err.contains(&collector.base_url()),
        "{err}"
    );
    let planted = format!(
        "\n[profiles.planted]\ncluster = \"{CLUSTER}\"\nproject = \"p\"\ntenant_id = \"test-tenant\"\n\
         client_id = \"device-client\"\nflow = \"device-code\"\nauthority = \"{}\"\n\
         base_url = \"{}\"\nscopes = [\"{scope}\"]\n",
        idp.issuer,
        collector.base_url()
    );
    let original = std::fs::read_to_string(env.profiles_file()).unwrap();
    std::fs::write(env.profiles_file(), format!("{original}{planted}")).unwrap();
    let r = env.run(&["inspect", "--profile", "planted"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert_eq!(idp.count("token_refresh_token"), refreshes, "no refresh");
    assert_eq!(collector.credentials(), Vec::<String>::new());
}

/// Finding 1, where the token names no API (an `api://` scope): the import names the
/// CDF URL, and the profile gets no token (inspect, doctor) until a sign-in is started
/// from it; after that, its own sign-in goes where it says.
#[test]
fn a_profile_whose_token_names_no_api_gets_none_until_signed_in_from_it() {
    let idp = Idp::start();
    let env = dev_signed_in(&idp);
    let collector = Collector::start();
    let file = cloned_env(&env, &idp, &collector, Some("api://cdf-test/.default"));
    let r = env.run(&["profile", "import", &file, "--name", "repo"]);
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("uses CDF URL {}", collector.base_url())),
        "the import names where tokens go: {}",
        r.stderr
    );
    let refreshes = idp.count("token_refresh_token");
    for command in [
        vec!["inspect", "--profile", "repo"],
        vec!["token", "--profile", "repo"],
    ] {
        let err = env.run(&command).fails_cleanly(3);
        assert!(err.contains("not signed in"), "{command:?}: {err}");
        assert!(err.contains(&collector.base_url()), "{command:?}: {err}");
    }
    let doctor = env.run(&["doctor", "--profile", "repo"]);
    assert_eq!(doctor.code, 3, "sign-in required: {}", doctor.stdout);
    assert!(
        doctor.stdout.contains("skip 5. cdf-accepts"),
        "{}",
        doctor.stdout
    );
    assert_eq!(idp.count("token_refresh_token"), refreshes, "no refresh");
    assert_eq!(
        collector.credentials(),
        Vec::<String>::new(),
        "nothing sent"
    );

    // A sign-in started from the profile is the person's say-so.
    device_code_login(&env, "repo");
    env.run(&["inspect", "--profile", "repo"]);
    let sent = collector.credentials();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0]
            .to_ascii_lowercase()
            .starts_with("authorization: bearer "),
        "{sent:?}"
    );
}

/// Finding 1's rule keeps what works: another project and another cluster of the same
/// account, whose scopes are their own clusters', get their tokens with no sign-in.
#[test]
fn profiles_of_one_account_on_other_clusters_keep_sharing_the_sign_in() {
    let idp = Idp::start();
    let env = dev_signed_in(&idp);
    for (name, cluster) in [("prod", CLUSTER), ("other", "othercluster")] {
        let at = common::Place {
            cluster,
            project: "another-project",
        };
        env.add_profile_at(&idp, name, at, "device-code", "device-client", &[])
            .ok();
        let token = env.run(&["token", "--profile", name]).ok().stdout.clone();
        assert_eq!(
            jwt_claims(token.trim())["aud"],
            format!("https://{cluster}.cognitedata.com")
        );
    }
    assert_eq!(idp.count("device_authorization"), 1, "one sign-in");
}

/// Finding 5: a profile with a CA file of its own is another account, so a planted CA
/// never carries the account's refresh token.
#[test]
fn a_profile_with_its_own_ca_file_is_another_account() {
    let idp = Idp::start();
    let env = dev_signed_in(&idp);
    let ca = common::fixture("tls-ca.pem");
    let at = common::Place {
        cluster: CLUSTER,
        project: "test-project",
    };
    let ca_arg = path_str(&ca);
    env.add_profile_at(
        &idp,
        "with-ca",
        at,
        "device-code",
        "device-client",
        &["--ca-file", &ca_arg],
    )
    .ok();
    let refreshes = idp.count("token_refresh_token");
    let err = env.run(&["token", "--profile", "with-ca"]).fails_cleanly(3);
    assert!(err.contains("not signed in"), "{err}");
    assert_eq!(idp.count("token_refresh_token"), refreshes);
    let shows = |name: &str| {
        let out = env
            .run(&["profile", "show", name, "--json"])
            .ok()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["account"]["id"].as_str().unwrap_or_default().to_string()
    };
    assert_ne!(shows("with-ca"), shows("dev"));
}

/// Finding 3: `remove --all` goes past an invalid profile, finds the secrets of
/// profiles it cannot name from the file (removed by hand), and, with a profiles file
/// that does not load at all, still removes every stored secret.
#[test]
fn remove_all_removes_every_stored_secret_whatever_the_profiles_file_holds() {
    common::require_keyring();
    let env = Env::new();
    for name in ["one", "two", "three"] {
        env.run_stdin(
            &common::add_args(name, "client-credentials", &["--client-secret-stdin"]),
            Some(&format!("secret-{name}\n")),
        )
        .ok();
        assert!(env.keyring_lookup(name, "client-secret").is_some());
    }
    // `two` invalid in the file; `three` gone from it by hand, its secret left behind.
    let text = std::fs::read_to_string(env.profiles_file()).unwrap();
    let text = text.replacen(
        "[profiles.two]",
        "[profiles.two]\nbase_url = \"ftp://x\"",
        1,
    );
    let three_at = text.find("[profiles.three]").unwrap();
    let rest = &text[three_at + 1..];
    let end = rest
        .find("\n[")
        .map_or(text.len(), |i| three_at + 1 + i + 1);
    let text = format!("{}{}", &text[..three_at], &text[end..]);
    std::fs::write(env.profiles_file(), &text).unwrap();
    let r = env.run(&["profile", "remove", "--all"]);
    r.ok();
    for name in ["one", "two", "three"] {
        assert!(
            env.keyring_lookup(name, "client-secret").is_none(),
            "{name}'s secret is gone: {}",
            r.stderr
        );
    }

    // A file that does not load: its headers still name the profiles.
    for name in ["four", "five"] {
        env.run_stdin(
            &common::add_args(name, "client-credentials", &["--client-secret-stdin"]),
            Some(&format!("secret-{name}\n")),
        )
        .ok();
    }
    let text = std::fs::read_to_string(env.profiles_file()).unwrap();
    std::fs::write(
        env.profiles_file(),
        format!("{text}\nthis is = = not toml [[\n"),
    )
    .unwrap();
    assert_ne!(
        env.run(&["profile", "list"]).code,
        0,
        "the file does not load"
    );
    let r = env.run(&["profile", "remove", "--all"]);
    r.ok();
    for name in ["four", "five"] {
        assert!(
            env.keyring_lookup(name, "client-secret").is_none(),
            "{name}: {}",
            r.stderr
        );
    }
    assert!(!env.profiles_file().exists(), "the unreadable file is gone");
}

/// Finding 3: what cannot be removed is named, with exit status 1, and the rest is
/// still removed.
#[test]
fn remove_all_names_what_it_could_not_remove_and_exits_1() {
    common::require_keyring();
    let env = Env::new();
    for name in ["one", "two"] {
        env.run_stdin(
            &common::add_args(name, "client-credentials", &["--client-secret-stdin"]),
            Some(&format!("secret-{name}\n")),
        )
        .ok();
    }
    // The token cache folder is a file: the caches it should hold cannot be listed
    // or deleted (a failure even root meets).
    let tokens = env.paths().token_dir();
    if tokens.exists() {
        std::fs::remove_dir_all(&tokens).unwrap();
    }
    std::fs::write(&tokens, "not a folder").unwrap();
    let r = env.run(&["profile", "remove", "--all"]);
    let err = r.fails_cleanly(1);
    assert!(err.contains("could not remove"), "{err}");
    assert!(
        err.contains(&tokens.display().to_string()),
        "names the folder: {err}"
    );
    assert!(
        r.stderr.contains("warning: could not remove"),
        "{}",
        r.stderr
    );
    assert!(
        env.keyring_lookup("one", "client-secret").is_none()
            && env.keyring_lookup("two", "client-secret").is_none(),
        "the rest is removed: {}",
        r.stderr
    );
}

/// Finding 4: base URLs with a user name and password, a query or a fragment are
/// refused, and the password is never printed.
#[test]
fn base_urls_with_userinfo_query_or_fragment_are_refused() {
    let env = Env::new();
    for (url, said) in [
        (
            "https://bob:hunter2@api.cognitedata.com",
            "user name or password",
        ),
        ("https://api.cognitedata.com/?project=x", "query"),
        ("https://api.cognitedata.com/#frag", "fragment"),
    ] {
        let r = env.run(&common::add_args(
            "bad",
            "device-code",
            &["--base-url", url],
        ));
        let err = r.fails_cleanly(2);
        assert!(err.contains(said), "{url}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("--base-url"), "{err}");
    }
    assert!(!names(&env).contains("bad"));
}

//! Moving the secrets between stores (issue 27, point 1): `cdf-signin storage` says
//! which store is in use and why; `storage set KIND` moves every client secret, API key
//! and token key there, so a client-secret profile, a signed-in person and an API-key
//! profile keep working with no sign-in and no secret typed again; a store that cannot
//! take them is refused before anything moves.

use crate::common;

use std::time::Duration;

use cdf_signin::secrets::{SecretKind, Storage};
use common::{CLUSTER, Env, Idp, Place, node_script};

const SIGN_IN: Duration = Duration::from_secs(90);

/// The API key `env` hands a shell for `profile` (read from the store in use).
fn api_key(env: &Env, profile: &str) -> String {
    let out = env
        .run(&["env", "--profile", profile, "--shell", "sh"])
        .ok()
        .stdout
        .clone();
    out.lines()
        .find_map(|l| l.strip_prefix("export CDF_API_KEY="))
        .unwrap_or_else(|| panic!("no CDF_API_KEY in {out}"))
        .trim_matches('\'')
        .to_string()
}

/// Three kinds of profile, set up in the OS keyring.
fn three_profiles(idp: &Idp, env: &Env) {
    env.add_cc_profile(idp, "svc", "cc-secret");
    env.add_api_key_profile(
        "legacy",
        Place {
            cluster: CLUSTER,
            project: "test-project",
        },
        "legacy-key",
        &[],
    );
    env.add_profile(idp, "dev", "device-code", "device-client", &[])
        .ok();
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "120"]);
    let url = login.wait_line("URL:", SIGN_IN);
    let code = login.wait_line("Code:", SIGN_IN);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    login.finish(SIGN_IN).ok();
}

#[test]
fn secrets_move_keyring_file_kernel_keyring_with_no_sign_in_and_nothing_typed_again() {
    let idp = Idp::start();
    let env = Env::new();
    three_profiles(&idp, &env);
    let (mut svc, mut dev) = (env.token("svc"), env.token("dev"));
    let account = common_account(&env, "dev");

    let shown = env.run(&["storage"]).ok().stdout.clone();
    assert!(
        shown.contains("storage: auto") && shown.contains("chosen by: automatic"),
        "{shown}"
    );
    assert!(shown.contains("in use: OS keyring"), "{shown}");

    // No terminal and no --yes: one clear line, nothing moved.
    let refused = env.run(&["storage", "set", "file"]).fails_cleanly(2);
    assert!(
        refused.contains("--yes") && refused.contains("NOT encrypted"),
        "{refused}"
    );
    assert!(
        refused.contains(&format!("secrets/{}", env.keyring_service)),
        "names the path: {refused}"
    );
    assert!(!env.config_dir().join("settings.toml").exists());

    let mut from = Storage::Keyring;
    for (kind, to) in [
        ("file", Storage::File),
        ("kernel", Storage::Kernel),
        ("keyring", Storage::Keyring),
    ] {
        let r = env.run(&["storage", "set", kind, "--yes"]);
        r.ok();
        assert!(r.stderr.contains("Moved 5 secrets"), "{kind}: {}", r.stderr);
        let shown = env.run(&["storage"]).ok().stdout.clone();
        assert!(
            shown.contains(&format!("storage: {kind}")) && shown.contains("settings.toml"),
            "{shown}"
        );
        let (new, old) = (env.store(to), env.store(from));
        for (name, what) in [
            ("svc", SecretKind::ClientSecret),
            ("svc", SecretKind::CacheKey),
            ("legacy", SecretKind::ApiKey),
            ("dev", SecretKind::CacheKey),
            (account.as_str(), SecretKind::CacheKey),
        ] {
            assert!(
                new.get(name, what).unwrap().is_some(),
                "{kind}: {name} {what:?} in the new store"
            );
            assert!(
                old.get(name, what).unwrap().is_none(),
                "{kind}: {name} {what:?} gone from the old store"
            );
        }
        // Served from the cache, no request, no sign-in, no secret typed.
        let requests = idp.count("token");
        assert_eq!(env.token("svc"), svc, "{kind}");
        assert_eq!(env.token("dev"), dev, "{kind}");
        assert_eq!(api_key(&env, "legacy"), "legacy-key", "{kind}");
        assert_eq!(idp.count("token"), requests, "{kind}: no token request");
        // The account's refresh token still renews, and the secret still gets a token.
        let refreshes = idp.count("token_refresh_token");
        env.run(&["token", "--profile", "dev", "--force-refresh"])
            .ok();
        assert_eq!(idp.count("token_refresh_token"), refreshes + 1, "{kind}");
        env.run(&["token", "--profile", "svc", "--force-refresh"])
            .ok();
        (svc, dev) = (env.token("svc"), env.token("dev"));
        from = to;
    }
}

/// The name the profile's account keeps its token key under.
fn common_account(env: &Env, profile: &str) -> String {
    cdf_signin::profile::ProfileStore::new(&env.config_dir())
        .load()
        .unwrap()
        .get(profile)
        .unwrap()
        .account()
        .expect("an account")
        .store_name()
}

/// The profile's client secret and token key are still in the keyring (read afresh).
fn still_in_the_keyring(env: &Env, profile: &str) {
    let keyring = env.store(Storage::Keyring);
    for kind in [SecretKind::ClientSecret, SecretKind::CacheKey] {
        let kept = keyring.reload(profile, kind).unwrap();
        assert!(kept.is_some(), "the {kind:?} of {profile} left the keyring");
    }
}

#[test]
fn a_store_that_cannot_take_the_secrets_is_refused_and_nothing_moves() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let svc = env.token("svc");
    // The file store's directory cannot be made (a file is in its place; root too).
    let dir = env
        .data_dir()
        .join(format!("secrets/{}", env.keyring_service));
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    std::fs::write(&dir, "in the way").unwrap();
    let e = env
        .run(&["storage", "set", "file", "--yes"])
        .fails_cleanly(1);
    assert!(e.contains("cannot keep secrets"), "{e}");
    assert!(!env.config_dir().join("settings.toml").exists(), "{e}");
    still_in_the_keyring(&env, "svc");
    let requests = idp.count("token");
    assert_eq!(env.token("svc"), svc);
    assert_eq!(idp.count("token"), requests);
}

#[test]
fn a_missing_secret_names_the_store_in_use() {
    let idp = Idp::start();
    let mut env = Env::new();
    env.set("CDF_SIGNIN_STORAGE", "file");
    env.add_cc_profile(&idp, "svc", "cc-secret");
    std::fs::remove_file(
        env.data_dir()
            .join(format!("secrets/{}/svc.client-secret", env.keyring_service)),
    )
    .unwrap();
    let e = env.run(&["token", "--profile", "svc"]).fails_cleanly(1);
    assert!(
        e.contains("has no client secret in the file storage ("),
        "{e}"
    );
    // With the variable set, a move is refused: it would not take effect.
    let e = env
        .run(&["storage", "set", "keyring", "--yes"])
        .fails_cleanly(1);
    assert!(e.contains("CDF_SIGNIN_STORAGE=file is set"), "{e}");
}

#[test]
fn a_move_that_fails_halfway_leaves_everything_in_the_old_store() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let svc = env.token("svc");
    // The file store takes the probe and the client secret, then cannot write the token
    // key: a directory stands where its file would go (root cannot replace it either).
    let dir = env
        .data_dir()
        .join(format!("secrets/{}", env.keyring_service));
    std::fs::create_dir_all(dir.join("svc.token-cache-key")).unwrap();
    let e = env
        .run(&["storage", "set", "file", "--yes"])
        .fails_cleanly(1);
    assert!(e.contains("nothing was moved"), "{e}");
    assert!(!env.config_dir().join("settings.toml").exists(), "{e}");
    assert!(
        !dir.join("svc.client-secret").exists(),
        "what was written is taken back"
    );
    still_in_the_keyring(&env, "svc");
    let requests = idp.count("token");
    assert_eq!(env.token("svc"), svc, "still served from the cache");
    assert_eq!(idp.count("token"), requests);
    let shown = env.run(&["storage"]).ok().stdout.clone();
    assert!(shown.contains("storage: auto"), "{shown}");
}

/// `cdf-signin ARGS` on a terminal (a pty from util-linux `script`), `answer` typed.
fn on_a_terminal(env: &Env, args: &str, answer: &str) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let inner = env.command(&[]);
    let program = inner.get_program().to_str().unwrap().to_string();
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{program} {args}"), "/dev/null"]);
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux)");
    std::thread::sleep(Duration::from_millis(500));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn on_a_terminal_the_move_is_asked_and_no_keeps_everything() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let said = on_a_terminal(&env, "storage set file", "n\n");
    assert!(
        said.contains("from the OS keyring to plain files in") && said.contains("NOT encrypted"),
        "{said}"
    );
    assert!(said.contains("Move them? [y/N]"), "{said}");
    assert!(said.contains("Nothing moved."), "{said}");
    assert!(!env.config_dir().join("settings.toml").exists());
    let said = on_a_terminal(&env, "storage set file", "y\n");
    assert!(
        said.contains("Moved 1 secret from the OS keyring"),
        "{said}"
    );
    assert!(
        env.store(Storage::File)
            .get("svc", SecretKind::ClientSecret)
            .unwrap()
            .is_some()
    );
}

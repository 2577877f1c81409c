//! Where secrets and tokens are kept (issue: sign in where there is no desktop keyring).
//! The device-code, refresh, logout and client-credentials flows again with no session
//! bus at all (`auto` falls back to the kernel persistent keyring); `file` storage;
//! `keyring` with none reachable failing before any request; client secrets from an
//! environment variable or a file; two configurations that share profile names.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use cdf_signin::profile::ProfileStore;
use cdf_signin::secrets::{SecretKind, Storage};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use common::{Env, Idp, node_script};
use serde_json::Value;

const SIGN_IN: Duration = Duration::from_secs(90);

/// Every file under the Env's root.
fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Asserts that no file of the installation holds `secret` in plain text, base64
/// (standard or URL-safe, padded or not) or hex.
fn no_file_holds(env: &Env, secret: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let forms = [
        secret.to_string(),
        b64.trim_end_matches('=').to_string(),
        b64url,
        hex.clone(),
        hex.to_uppercase(),
    ];
    let mut files = Vec::new();
    files_under(env.root.path(), &mut files);
    assert!(!files.is_empty());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for form in &forms {
            assert!(
                !text.contains(form.as_str()),
                "{} holds a secret ({form:.8}...)",
                file.display()
            );
        }
    }
}

/// The cached tokens of `profile`, decrypted here with the key from `store` (the
/// format of docs/ARCHITECTURE.md: magic, 24-byte nonce, XChaCha20-Poly1305 sealed JSON,
/// the profile name and its settings' binding as authenticated data).
fn cached_tokens(env: &Env, storage: Storage, profile: &str) -> Value {
    let binding = stored_profile(env, profile).token_binding();
    sealed(env, storage, profile, &binding)
}

/// What the profile's account keeps (its refresh token), read as [`cached_tokens`] reads
/// a profile's file.
fn account_tokens(env: &Env, storage: Storage, profile: &str) -> Value {
    let account = stored_profile(env, profile).account().expect("an account");
    sealed(env, storage, &account.store_name(), &account.binding)
}

fn stored_profile(env: &Env, profile: &str) -> cdf_signin::profile::Profile {
    ProfileStore::new(&env.config_dir())
        .load()
        .unwrap()
        .get(profile)
        .unwrap()
        .clone()
}

/// Opens `tokens/<name>.tokens` with its key from the store, independently of the code
/// under test.
fn sealed(env: &Env, storage: Storage, profile: &str, binding: &str) -> Value {
    let key = env
        .store(storage)
        .get(profile, SecretKind::CacheKey)
        .unwrap()
        .expect("a token cache key in the store");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key.expose())
        .unwrap();
    let bytes = std::fs::read(env.data_dir().join(format!("tokens/{profile}.tokens"))).unwrap();
    let rest = bytes.strip_prefix(b"CDFSIGNIN1").expect("magic");
    let (nonce, sealed) = rest.split_at(24);
    let plain = XChaCha20Poly1305::new_from_slice(&raw)
        .unwrap()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: format!("{profile}\n{binding}").as_bytes(),
            },
        )
        .expect("the cache decrypts with the stored key");
    serde_json::from_slice(&plain).unwrap()
}

/// Issue 17, finding 7: every file and directory cdf-signin made under the Env's root
/// (config, data and cache dirs, markers included) is private: 0600 / 0700.
fn all_private(env: &Env) {
    fn walk(dir: &Path, seen: &mut usize) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            let want = if meta.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode, want, "{} is {mode:o}", path.display());
            *seen += 1;
            if meta.is_dir() {
                walk(&path, seen);
            }
        }
    }
    let mut seen = 0;
    for top in ["config/cdf-signin", "data/cdf-signin", "cache/cdf-signin"] {
        let dir = env.root.path().join(top);
        if dir.exists() {
            walk(&dir, &mut seen);
        }
    }
    assert!(seen > 3, "only {seen} files looked at");
}

fn show(env: &Env, name: &str) -> Value {
    serde_json::from_str(&env.run(&["profile", "show", name, "--json"]).ok().stdout).unwrap()
}

#[test]
fn device_code_refresh_and_logout_with_no_session_bus() {
    let idp = Idp::start();
    let env = Env::no_bus();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "120"]);
    let url = login.wait_line("URL:", SIGN_IN);
    let code = login.wait_line("Code:", SIGN_IN);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    let r = login.finish(SIGN_IN);
    r.ok();
    assert!(
        r.stderr.contains("Signed in with profile 'dev'"),
        "{}",
        r.stderr
    );
    let fallback: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("kernel keyring"))
        .collect();
    assert_eq!(
        fallback.len(),
        1,
        "one line says where tokens went: {}",
        r.stderr
    );
    assert!(fallback[0].contains("lost at reboot"), "{}", fallback[0]);
    // Issue 17, finding 2: the note says who else shares the kernel's keyrings.
    assert!(
        fallback[0].contains(
            "shared by every process of your user in this user namespace, containers included"
        ),
        "{}",
        fallback[0]
    );

    let shown = show(&env, "dev");
    assert!(
        shown["storage"]
            .as_str()
            .unwrap()
            .starts_with("kernel keyring: memory only, lost at reboot"),
        "{shown}"
    );
    let text = env.run(&["profile", "show", "dev"]).ok().stdout.clone();
    assert!(
        text.contains("storage:") && text.contains("kernel keyring"),
        "{text}"
    );

    // A later process is served from the cache, without a request.
    let before = idp.count("token");
    let first = env
        .run(&["token", "--profile", "dev"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(idp.count("token"), before, "served from the cache");

    // A refresh with the stored refresh token, which the account keeps (the profile's
    // own file holds its access token only).
    assert!(cached_tokens(&env, Storage::Kernel, "dev")["refresh_token"].is_null());
    let refresh_token = account_tokens(&env, Storage::Kernel, "dev")["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_string();
    let refreshed = env
        .run(&["token", "--profile", "dev", "--min-valid", "100000"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(idp.count("token"), before + 1, "one refresh");
    assert_ne!(refreshed, first);
    let rotated = account_tokens(&env, Storage::Kernel, "dev")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    for secret in [&refresh_token, &rotated, &refreshed] {
        no_file_holds(&env, secret);
    }

    let account = stored_profile(&env, "dev").account().unwrap().store_name();
    env.run(&["logout", "--profile", "dev"]).ok();
    let r = env.run(&["token", "--profile", "dev"]);
    assert!(r.fails_cleanly(3).contains("not signed in"), "{}", r.stderr);
    for name in ["dev", account.as_str()] {
        assert!(
            env.store(Storage::Kernel)
                .get(name, SecretKind::CacheKey)
                .unwrap()
                .is_none(),
            "logout clears the kernel keyring of {name}"
        );
    }
}

#[test]
fn client_credentials_with_no_session_bus_keep_the_secret_in_the_kernel_keyring() {
    let idp = Idp::start();
    let env = Env::no_bus();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let store = env.store(Storage::Kernel);
    assert_eq!(
        store
            .get("svc", SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose(),
        "cc-secret"
    );
    let r = env.run(&["login", "--profile", "svc"]);
    r.ok();
    assert!(r.stderr.contains("kernel keyring"), "{}", r.stderr);
    // The first login that falls back says so; later ones do not repeat it.
    let again = env.run(&["login", "--profile", "svc"]);
    again.ok();
    assert!(!again.stderr.contains("kernel keyring"), "{}", again.stderr);
    let token = env
        .run(&["token", "--profile", "svc"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let requests = idp.count("token");
    assert_eq!(
        env.run(&["token", "--profile", "svc"]).ok().stdout.trim(),
        token,
        "a later process is served from the cache"
    );
    assert_eq!(idp.count("token"), requests);
    no_file_holds(&env, "cc-secret");
    no_file_holds(&env, &token);
    assert!(env.data_dir().join(".storage-fallback-noted").exists());
    all_private(&env);

    env.run(&["logout", "--profile", "svc"]).ok();
    assert!(store.get("svc", SecretKind::CacheKey).unwrap().is_none());
    env.run(&["profile", "remove", "svc"]).ok();
    assert!(
        store
            .get("svc", SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
}

#[test]
fn keyring_storage_with_none_reachable_fails_before_any_request() {
    let idp = Idp::start();
    let mut env = Env::no_bus();
    env.set("CDF_SIGNIN_STORAGE", "keyring");
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    env.add_profile(
        &idp,
        "svc",
        "client-credentials",
        "cc-client",
        &["--client-secret-env", "CC_SECRET"],
    )
    .ok();
    env.set("CC_SECRET", "cc-secret");
    for name in ["dev", "svc"] {
        let r = env.run(&["login", "--profile", name]);
        let line = r.fails_cleanly(1);
        assert!(line.contains("no OS keyring is reachable"), "{line}");
        assert!(
            r.hint().unwrap().contains("CDF_SIGNIN_STORAGE"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        idp.count("total"),
        0,
        "no request to the provider: {}",
        idp.stats()
    );

    // The same with auto where the kernel keyring is unusable cannot be staged here;
    // an invalid choice is one clear error.
    env.set("CDF_SIGNIN_STORAGE", "bogus");
    let line = env.run(&["profile", "list"]).fails_cleanly(1);
    assert!(
        line.contains("CDF_SIGNIN_STORAGE") && line.contains("auto, keyring, kernel or file"),
        "{line}"
    );
}

#[test]
fn file_storage_keeps_private_files_and_says_so_once() {
    let idp = Idp::start();
    let mut env = Env::new();
    env.set("CDF_SIGNIN_STORAGE", "file");
    let mut args = common::add_args("svc", "client-credentials", &["--client-secret-stdin"]);
    let authority = idp.issuer.clone();
    args.extend(["--authority", authority.as_str()]);
    args[10] = "cc-client";
    let r = env.run_stdin(&args, Some("cc-secret\n"));
    r.ok();
    let notices = r.stderr.matches("CDF_SIGNIN_STORAGE=file").count();
    assert_eq!(notices, 1, "{}", r.stderr);
    let secrets = env
        .data_dir()
        .join(format!("secrets/{}", env.keyring_service));
    let file = secrets.join("svc.client-secret");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "cc-secret");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let r = env.run(&["token", "--profile", "svc"]);
    r.ok();
    assert_eq!(
        r.stderr.matches("CDF_SIGNIN_STORAGE=file").count(),
        1,
        "{}",
        r.stderr
    );
    let key = secrets.join("svc.token-cache-key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Served from the cache: nothing written, nothing said.
    let r = env.run(&["token", "--profile", "svc"]);
    r.ok();
    assert!(
        !r.stderr.contains("CDF_SIGNIN_STORAGE=file"),
        "{}",
        r.stderr
    );
    assert!(
        show(&env, "svc")["storage"]
            .as_str()
            .unwrap()
            .contains("not encrypted")
    );

    env.run(&["profile", "remove", "svc"]).ok();
    assert!(!file.exists() && !key.exists());
}

#[test]
fn client_secret_from_an_environment_variable_or_a_file() {
    let idp = Idp::start();
    let mut env = Env::new();
    env.add_profile(
        &idp,
        "from-env",
        "client-credentials",
        "cc-client",
        &["--client-secret-env", "CC_SECRET"],
    )
    .ok();
    let secret_file = env.root.path().join("cc-secret");
    env.add_profile(
        &idp,
        "from-file",
        "client-credentials",
        "cc-client",
        &["--client-secret-file", secret_file.to_str().unwrap()],
    )
    .ok();
    assert_eq!(
        env.keyring_lookup("from-env", "client-secret"),
        None,
        "stored nowhere"
    );
    assert!(
        show(&env, "from-env")["client_secret"]
            .as_str()
            .unwrap()
            .contains("$CC_SECRET")
    );

    // Missing, then empty, then present.
    let line = env
        .run(&["token", "--profile", "from-env"])
        .fails_cleanly(1);
    assert!(
        line.contains("CC_SECRET") && line.contains("not set"),
        "{line}"
    );
    env.set("CC_SECRET", "");
    let line = env
        .run(&["token", "--profile", "from-env"])
        .fails_cleanly(1);
    assert!(
        line.contains("CC_SECRET") && line.contains("empty"),
        "{line}"
    );
    env.set("CC_SECRET", "cc-secret");
    env.run(&["token", "--profile", "from-env"]).ok();

    let file_name = secret_file.display().to_string();
    let line = env
        .run(&["token", "--profile", "from-file"])
        .fails_cleanly(1);
    assert!(line.contains(&file_name), "{line}");
    std::fs::write(&secret_file, "").unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let line = env
        .run(&["token", "--profile", "from-file"])
        .fails_cleanly(1);
    assert!(
        line.contains(&file_name) && line.contains("empty"),
        "{line}"
    );
    std::fs::write(&secret_file, "cc-secret\n").unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = env.run(&["token", "--profile", "from-file"]);
    let line = r.fails_cleanly(1);
    assert!(
        line.contains(&file_name) && line.contains("group or others"),
        "{line}"
    );
    assert!(r.hint().unwrap().contains("chmod 600"), "{}", r.stderr);
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.run(&["token", "--profile", "from-file"]).ok();

    // Only for client credentials with a secret.
    let args = common::add_args("x", "device-code", &["--client-secret-env", "V"]);
    let line = env.run(&args).fails_cleanly(2);
    assert!(line.contains("--client-secret-env"), "{line}");
}

#[test]
fn two_configurations_with_the_same_profile_names_never_see_each_other() {
    // The same keyring service and profile name; only the data dirs differ.
    let a = Env::no_bus();
    let mut b = Env::no_bus();
    b.set("CDF_SIGNIN_KEYRING_SERVICE", &a.keyring_service);
    for (env, key) in [(&a, "key-of-a"), (&b, "key-of-b")] {
        let args = common::add_args_for("k", "api", "p", "api-key", &["--api-key-stdin"]);
        let args: Vec<&str> = args
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !(7..=10).contains(i))
            .map(|(_, a)| a)
            .collect();
        env.run_stdin(&args, Some(key)).ok();
    }
    for _ in 0..2 {
        assert_eq!(
            a.run(&["token", "--profile", "k"]).ok().stdout.trim(),
            "key-of-a"
        );
        assert_eq!(
            b.run(&["token", "--profile", "k"]).ok().stdout.trim(),
            "key-of-b"
        );
    }
    // b's own service name is the one it shares with a, so its drop cleans up too.
    drop(b);
    assert_eq!(
        a.run(&["token", "--profile", "k"]).ok().stdout.trim(),
        "key-of-a"
    );
}

/// Issue 17, finding 2: two containers running as one uid with the same paths share the
/// kernel's keyrings. Container A signs in and goes away (its files with it, its kernel
/// keyring entries left behind); container B starts at the same paths with the same
/// profile and no secret of its own: it must find nothing of A's, and send nothing.
#[test]
fn a_second_installation_at_the_same_paths_finds_nothing_of_the_first() {
    let idp = Idp::start();
    let env = Env::no_bus();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&["token", "--profile", "svc"]).ok();
    let profiles = std::fs::read_to_string(env.profiles_file()).unwrap();

    let aside = env.root.path().join("container-a");
    std::fs::create_dir(&aside).unwrap();
    for dir in ["config", "data", "cache"] {
        let from = env.root.path().join(dir);
        if from.exists() {
            std::fs::rename(&from, aside.join(dir)).unwrap();
        }
    }
    // Container B: the same image (the same profiles file), nothing else.
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(env.profiles_file(), &profiles).unwrap();
    std::fs::set_permissions(env.profiles_file(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let requests = idp.count("token");
    let r = env.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("client secret"), "{line}");
    assert_eq!(idp.count("token"), requests, "B sent a token request");
    assert!(
        env.store(Storage::Kernel)
            .get("svc", SecretKind::ClientSecret)
            .unwrap()
            .is_none(),
        "B's store holds A's secret"
    );

    // A comes back and still has its own secret; dropping the Env removes it.
    for dir in ["config", "data", "cache"] {
        let _ = std::fs::remove_dir_all(env.root.path().join(dir));
        if aside.join(dir).exists() {
            std::fs::rename(aside.join(dir), env.root.path().join(dir)).unwrap();
        }
    }
    assert_eq!(
        env.store(Storage::Kernel)
            .get("svc", SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose(),
        "cc-secret"
    );
}

/// Issue 30: a saved choice that cannot be followed (a settings file from another
/// platform, or damaged) never stops a command: it runs with automatic storage and says
/// so in one warning line naming the file and the way to change it.
#[test]
fn a_saved_storage_choice_that_cannot_be_read_falls_back_to_auto_with_one_warning() {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(
        env.config_dir().join("settings.toml"),
        "storage = \"tape\"\n",
    )
    .unwrap();
    let r = env.run(&["profile", "list"]);
    r.ok();
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    for part in [
        "settings.toml",
        "'tape'",
        "automatic storage",
        "Settings",
        "CDF_SIGNIN_STORAGE",
    ] {
        assert!(warnings[0].contains(part), "{part} not in {}", warnings[0]);
    }
}

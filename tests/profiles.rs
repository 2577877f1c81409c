//! `cdf-signin profile ...`: storage, validation, defaults, keyring entries.

use crate::common;

use common::{Env, fixture, path_str};
use serde_json::Value;

fn add(env: &Env, name: &str, flow: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "profile",
        "add",
        name,
        "--cluster",
        "westeurope-1",
        "--project",
        "proj-a",
        "--tenant-id",
        "contoso.onmicrosoft.com",
        "--client-id",
        "11111111-2222-3333-4444-555555555555",
        "--flow",
        flow,
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn add_list_show_use_with_defaults_filled_in() {
    let env = Env::new();
    add(&env, "dev", "interactive", &[]).ok();
    add(
        &env,
        "ops",
        "device-code",
        &["--base-url", "https://p001.plink.az-x-1.cognitedata.com"],
    )
    .ok();

    let list: Value =
        serde_json::from_str(&env.run(&["profile", "list", "--json"]).ok().stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "dev");
    assert_eq!(
        list[0]["default"], true,
        "the first profile becomes the default"
    );
    assert_eq!(list[1]["default"], false);
    assert!(list[0]["signed_in_as"].is_null(), "no one signed in");

    let text = env.run(&["profile", "list"]).ok().stdout.clone();
    assert!(text.lines().any(|l| l.starts_with("* dev")), "{text}");
    assert!(
        !text.contains("ORG") && !text.contains("SIGNED IN AS"),
        "no empty columns: {text}"
    );

    let show: Value =
        serde_json::from_str(&env.run(&["profile", "show", "dev", "--json"]).ok().stdout).unwrap();
    assert_eq!(
        show["authority"],
        "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    );
    assert_eq!(show["base_url"], "https://westeurope-1.cognitedata.com");
    assert_eq!(show["redirect_uri"], "http://localhost:53000");
    assert_eq!(
        show["scopes"],
        serde_json::json!([
            "https://westeurope-1.cognitedata.com/.default",
            "openid",
            "profile",
            "offline_access"
        ])
    );
    let ops: Value =
        serde_json::from_str(&env.run(&["profile", "show", "ops", "--json"]).ok().stdout).unwrap();
    assert_eq!(
        ops["scopes"][0], "https://az-x-1.cognitedata.com/.default",
        "a Private Link base URL keeps its cluster's scope"
    );

    env.run(&["profile", "use", "ops"]).ok();
    let list: Value =
        serde_json::from_str(&env.run(&["profile", "list", "--json"]).ok().stdout).unwrap();
    assert_eq!(list[1]["default"], true);
    assert_eq!(list[0]["default"], false);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.profiles_file())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn client_secret_goes_to_the_keyring_only() {
    let env = Env::new();
    let r = env.run_stdin(
        &common::add_args("svc", "client-credentials", &["--client-secret-stdin"]),
        Some("s3cr3t-value\n"),
    );
    r.ok();
    assert_eq!(
        env.keyring_lookup("svc", "client-secret").as_deref(),
        Some("s3cr3t-value"),
        "trailing newline stripped"
    );
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        !file.contains("s3cr3t"),
        "secret must not be in the profiles file"
    );
    let show = env.run(&["profile", "show", "svc"]).ok().stdout.clone();
    assert!(
        show.contains("stored in the OS keyring") && !show.contains("s3cr3t"),
        "{show}"
    );

    env.run(&["profile", "remove", "svc"]).ok();
    assert_eq!(
        env.keyring_lookup("svc", "client-secret"),
        None,
        "remove deletes the keyring entry"
    );
    assert!(
        env.run(&["profile", "show", "svc"])
            .fails_cleanly(1)
            .contains("no profile named 'svc'")
    );
}

#[test]
fn client_credentials_without_secret_and_without_terminal_is_refused() {
    let env = Env::new();
    let r = add(&env, "svc", "client-credentials", &[]);
    let line = r.fails_cleanly(2);
    assert!(line.contains("client secret"), "{line}");
    assert!(!env.profiles_file().exists(), "nothing is created");
}

#[test]
fn bad_input_is_one_clear_line_and_creates_nothing() {
    let env = Env::new();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["bad name"], "invalid profile name"),
        (
            vec!["ok", "--authority", "http://login.example.com/t"],
            "loopback",
        ),
        (vec!["ok", "--base-url", "not a url"], "not a URL"),
        (vec!["ok", "--flow-extra"], "unexpected argument"),
    ];
    for (extra, expect) in cases {
        let name = extra[0];
        let r = env.run(&common::add_args(name, "interactive", &extra[1..]));
        let line = r.fails_cleanly(2);
        assert!(line.contains(expect), "{line} should mention {expect}");
    }
    assert!(!env.profiles_file().exists());
}

#[test]
fn certificate_and_key_must_match() {
    let env = Env::new();
    let cert = path_str(&fixture("cert-client.pem"));
    let wrong = path_str(&fixture("other.key"));
    let right = path_str(&fixture("cert-client.key"));
    let line = add(
        &env,
        "c1",
        "client-credentials",
        &["--certificate", &cert, "--private-key", &wrong],
    )
    .fails_cleanly(2);
    assert!(line.contains("does not belong"), "{line}");
    add(
        &env,
        "c1",
        "client-credentials",
        &["--certificate", &cert, "--private-key", &right],
    )
    .ok();
    let show: Value =
        serde_json::from_str(&env.run(&["profile", "show", "c1", "--json"]).ok().stdout).unwrap();
    assert_eq!(show["certificate"], cert);
    assert_eq!(show["client_secret"], Value::Null);
}

/// Issue 26: the flags a flow does not take are refused, all of them on one line, by the
/// description the window's editor reads too; stdin gives only the secret the profile
/// keeps in the store, the same rule for add and edit.
#[test]
fn what_the_flow_does_not_take_is_refused_in_one_line_and_stdin_only_for_a_stored_secret() {
    let env = Env::new();
    let cert = path_str(&fixture("cert-client.pem"));
    let key = path_str(&fixture("cert-client.key"));
    let line = add(
        &env,
        "dc",
        "device-code",
        &[
            "--login-hint",
            "a@b.c",
            "--port",
            "4000",
            "--certificate",
            &cert,
            "--private-key",
            &key,
        ],
    )
    .fails_cleanly(2);
    assert_eq!(
        line,
        "error: --port applies to the interactive flow only; --login-hint applies to the interactive flow only; --certificate applies to the client-credentials flow only; --private-key applies to the client-credentials flow only"
    );
    assert!(!env.profiles_file().exists());

    // A certificate profile keeps no secret in the store: stdin has nothing to give it,
    // on add as on edit.
    add(
        &env,
        "svc",
        "client-credentials",
        &["--certificate", &cert, "--private-key", &key],
    )
    .ok();
    for args in [
        common::add_args(
            "svc2",
            "client-credentials",
            &[
                "--certificate",
                &cert,
                "--private-key",
                &key,
                "--client-secret-stdin",
            ],
        ),
        vec!["profile", "edit", "svc", "--client-secret-stdin"],
    ] {
        let line = env.run_stdin(&args, Some("s3cret\n")).fails_cleanly(2);
        assert!(
            line.contains(
                "--client-secret-stdin applies to client-credentials profiles without a certificate"
            ),
            "{line}"
        );
    }
    // Without the certificate it has one, and stdin gives it.
    env.run_stdin(
        &[
            "profile",
            "edit",
            "svc",
            "--unset",
            "certificate",
            "--client-secret-stdin",
        ],
        Some("s3cret\n"),
    )
    .ok();
    let show: Value =
        serde_json::from_str(&env.run(&["profile", "show", "svc", "--json"]).ok().stdout).unwrap();
    assert_eq!(show["certificate"], Value::Null);
    assert!(
        show["client_secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("stored")),
        "{show}"
    );
}

#[test]
fn duplicate_names_and_unknown_profiles_are_errors() {
    let env = Env::new();
    add(&env, "dev", "interactive", &[]).ok();
    let before = std::fs::read(env.profiles_file()).unwrap();
    assert!(
        add(&env, "dev", "device-code", &[])
            .fails_cleanly(1)
            .contains("exists already")
    );
    assert_eq!(std::fs::read(env.profiles_file()).unwrap(), before);
    assert!(
        env.run(&["profile", "use", "nope"])
            .fails_cleanly(1)
            .contains("no profile named 'nope'")
    );
    assert!(
        env.run(&["token", "--profile", "nope"])
            .fails_cleanly(1)
            .contains("no profile named 'nope'")
    );
}

#[test]
fn unknown_fields_in_the_file_are_rejected_loudly_and_left_alone() {
    let env = Env::new();
    add(&env, "dev", "interactive", &[]).ok();
    let mut text = std::fs::read_to_string(env.profiles_file()).unwrap();
    text.push_str("surprise = true\n");
    std::fs::write(env.profiles_file(), &text).unwrap();
    let r = env.run(&["profile", "list"]);
    assert!(r.fails_cleanly(1).contains("not a valid profiles file"));
    let r = add(&env, "two", "interactive", &[]);
    r.fails_cleanly(1);
    assert_eq!(
        std::fs::read_to_string(env.profiles_file()).unwrap(),
        text,
        "the file is not rewritten"
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let env = Env::new();
    let r = env.run(&["token", "--min-valid", "soon"]);
    let line = r.fails_cleanly(2);
    assert!(line.contains("--min-valid"), "{line}");
    let r = env.run(&["frobnicate"]);
    r.fails_cleanly(2);
}

#[test]
fn usage_errors_keep_clap_s_whole_message_and_point_to_the_subcommand_s_help() {
    let env = Env::new();
    // The missing arguments are listed, not cut after the colon.
    let argv: Vec<&str> = "profile add svc --cluster api --project p"
        .split(' ')
        .collect();
    let r = env.run(&argv);
    let line = r.fails_cleanly(2);
    assert_eq!(
        line,
        "error: the following required arguments were not provided: --flow <FLOW>"
    );
    assert_eq!(r.hint(), Some("see `cdf-signin profile add --help`"));
    let r = env.run(&["exec", "--profile", "svc"]);
    assert!(r.fails_cleanly(2).contains("<COMMAND>"), "{}", r.stderr);
    assert_eq!(r.hint(), Some("see `cdf-signin exec --help`"));
    let r = env.run(&["tokn"]);
    assert!(
        r.fails_cleanly(2).ends_with("did you mean `token`?"),
        "{}",
        r.stderr
    );
    assert_eq!(r.hint(), Some("see `cdf-signin --help`"));
    let r = env.run(&common::add_args("x", "password", &[]));
    let line = r.fails_cleanly(2);
    assert!(
        line.contains("[possible values: interactive, device-code, client-credentials, api-key]"),
        "{line}"
    );
    // Help is not an error, and ends with examples.
    let cases: [(&[&str], &str); 2] = [
        (
            &["--help"],
            "cdf-signin doctor --profile dev --need assetsAcl:READ",
        ),
        (
            &["profile", "add", "--help"],
            "--flow client-credentials --client-secret-stdin",
        ),
    ];
    for (args, last) in cases {
        let r = env.run(args);
        r.ok();
        assert!(r.stdout.contains("\nExamples:\n"), "{}", r.stdout);
        assert!(r.stdout.trim_end().ends_with(last), "{}", r.stdout);
        // The first example, joined back as a shell would, is the first-run hint's.
        let joined = r.stdout.replace(" \\\n     ", "");
        assert!(
            joined.contains("cdf-signin profile add dev --cluster westeurope-1 --project my-project --tenant-id contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555 --flow interactive"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn no_profile_selected_is_explained() {
    let env = Env::new();
    // The first profile added is the default; removing it leaves two and no default.
    for name in ["one", "two", "three"] {
        env.run(&common::add_args(name, "device-code", &[])).ok();
    }
    env.run(&["profile", "remove", "one"]).ok();
    let r = env.run(&["token"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("no profile selected"), "{line}");
    assert!(r.hint().unwrap().contains("profile use"));
}

#[test]
fn the_first_run_says_there_are_no_profiles_and_how_to_add_one() {
    let env = Env::new();
    let commands: [&[&str]; 10] = [
        &["token"],
        &["token", "--profile", "dev"],
        &["login"],
        &["doctor"],
        &["env"],
        &["exec", "--", "true"],
        &["inspect"],
        &["claims"],
        &["logout"],
        &["login", "--profile", "dev"],
    ];
    for args in commands {
        // stdin is a pipe with nothing in it: a prompt would show on stderr, or hang.
        let r = env.run_stdin(args, Some(""));
        assert_eq!(
            r.fails_cleanly(1),
            "error: there are no profiles yet",
            "{args:?}"
        );
        assert_eq!(r.stderr.lines().count(), 2, "{args:?}: {}", r.stderr);
        let hint = r.hint().unwrap();
        assert!(
            hint.contains("`cdf-signin profile add dev --cluster westeurope-1 --project my-project --tenant-id contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555 --flow interactive`"),
            "{args:?}: {hint}"
        );
    }
    let r = env.run(&["profile", "list"]);
    assert!(r.ok().stderr.contains("--flow interactive"), "{}", r.stderr);
}

#[test]
fn secret_prompt_on_a_terminal_does_not_echo() {
    let env = Env::new();
    let bin = env!("CARGO_BIN_EXE_cdf-signin");
    let inner = format!(
        "{bin} profile add svc --cluster api --project p --tenant-id t --client-id c --flow client-credentials"
    );
    // `script` gives the command a pseudo-terminal; the secret is typed after the prompt.
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &inner, "/dev/null"]);
    for (k, v) in env.command(&[]).get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs the command on a terminal");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    use std::io::Write;
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"typed-secret\r")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("Client secret (not shown):"), "{screen}");
    assert!(
        !screen.contains("typed-secret"),
        "the secret was echoed: {screen}"
    );
    assert_eq!(
        env.keyring_lookup("svc", "client-secret").as_deref(),
        Some("typed-secret")
    );
}

/// Issue 27, point 3: a near miss of a known cluster is refused before anything is
/// saved, with the "did you mean" the editor gives too, unless the person insists; a
/// cluster nobody has heard of is fine; a pasted hostname or URL is its cluster's name.
#[test]
fn a_cluster_typo_gets_a_suggestion_and_any_cluster_is_accepted() {
    let env = Env::new();
    let mut args = vec![
        "profile",
        "add",
        "typo",
        "--cluster",
        "westeurpe-1",
        "--project",
        "p",
        "--tenant-id",
        "t",
        "--client-id",
        "c",
        "--flow",
        "device-code",
    ];
    let run = env.run(&args);
    let error = run.fails_cleanly(2);
    assert!(error.contains("did you mean westeurope-1?"), "{error}");
    assert!(
        run.hint().unwrap().contains("--cluster-is-right"),
        "{}",
        run.stderr
    );
    assert!(!env.profiles_file().exists());
    // Insisting keeps it as given.
    args.push("--cluster-is-right");
    env.run(&args).ok();
    assert_eq!(shown(&env, "typo")["cluster"], "westeurpe-1");
    args.pop();
    // A cluster nobody has heard of is fine, without a note.
    args[2] = "new";
    args[4] = "brand-new-cluster";
    let run = env.run(&args);
    run.ok();
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    // A pasted hostname or URL is reduced to the cluster's name.
    for (name, pasted) in [
        ("host", "westeurope-1.cognitedata.com"),
        ("url", "https://westeurope-1.cognitedata.com/"),
    ] {
        args[2] = name;
        args[4] = pasted;
        env.run(&args).ok();
        let shown = shown(&env, name);
        assert_eq!(shown["cluster"], "westeurope-1", "{shown}");
        assert_eq!(shown["base_url"], "https://westeurope-1.cognitedata.com");
    }
    // profile edit: the same rule for a new cluster, the profile's own one kept.
    let run = env.run(&["profile", "edit", "host", "--cluster", "az-eastus1"]);
    assert!(run.fails_cleanly(2).contains("did you mean az-eastus-1?"));
    env.run(&["profile", "edit", "typo", "--project", "q"]).ok();
    env.run(&[
        "profile",
        "edit",
        "host",
        "--cluster",
        "az-eastus1.cognitedata.com",
        "--cluster-is-right",
    ])
    .ok();
    assert_eq!(shown(&env, "host")["cluster"], "az-eastus1");
}

/// Issue 27, point 3: with a base URL the cluster may be left out, and `env` and
/// `exec` then give no made-up CDF_CLUSTER (not even one inherited).
#[test]
fn a_base_url_needs_no_cluster_and_env_and_exec_then_give_none() {
    let env = Env::new();
    let args = [
        "profile",
        "add",
        "local",
        "--flow",
        "api-key",
        "--project",
        "p",
        "--base-url",
        "http://127.0.0.1:9/",
        "--api-key-stdin",
    ];
    env.run_stdin(&args, Some("key-1\n")).ok();
    assert_eq!(shown(&env, "local")["cluster"], "");
    let lines = env.run(&["env", "--profile", "local"]).ok().stdout.clone();
    assert!(!lines.contains("CDF_CLUSTER"), "{lines}");
    assert!(lines.contains("CDF_URL='http://127.0.0.1:9'"), "{lines}");
    let mut cmd = env.command(&[
        "exec",
        "--profile",
        "local",
        "--",
        "sh",
        "-c",
        "echo \"cluster=${CDF_CLUSTER-none} url=$CDF_URL\"",
    ]);
    cmd.env("CDF_CLUSTER", "made-up");
    let run = common::to_run(cmd.output().unwrap());
    run.ok();
    assert_eq!(run.stdout.trim(), "cluster=none url=http://127.0.0.1:9");
    // Without either, the cluster is asked for.
    let run = env.run(&["profile", "add", "x", "--flow", "api-key", "--project", "p"]);
    assert!(run.fails_cleanly(2).contains("--cluster"), "{}", run.stderr);
}

/// Finding 1 of issue 13: a person's sign-in (interactive, device code) goes to the
/// authority's origin only: a token URL elsewhere is refused at `profile add` and when a
/// hand-edited file is loaded, naming both origins. A service principal keeps its token
/// URL on any https host.
#[test]
fn a_user_flow_token_url_off_the_authority_is_refused() {
    let env = Env::new();
    let other = "http://127.0.0.1:2/token";
    for flow in ["interactive", "device-code"] {
        let line = add(
            &env,
            "dev",
            flow,
            &[
                "--authority",
                "http://127.0.0.1:1/idp",
                "--token-url",
                other,
            ],
        )
        .fails_cleanly(2);
        assert!(
            line.contains("http://127.0.0.1:2") && line.contains("http://127.0.0.1:1"),
            "{line}"
        );
        let line = add(
            &env,
            "dev",
            flow,
            &[
                "--token-url",
                "https://tokens.example.invalid/t/oauth2/v2.0/token",
            ],
        )
        .fails_cleanly(2);
        assert!(
            line.contains("https://tokens.example.invalid")
                && line.contains("https://login.microsoftonline.com"),
            "{line}"
        );
    }
    assert!(!env.profiles_file().exists(), "nothing was written");
    // The authority's own origin, and Entra hosts for an Entra authority, are fine.
    add(
        &env,
        "own",
        "interactive",
        &[
            "--authority",
            "http://127.0.0.1:1/idp",
            "--token-url",
            "http://127.0.0.1:1/other/token",
        ],
    )
    .ok();
    add(
        &env,
        "entra",
        "device-code",
        &[
            "--token-url",
            "https://login.microsoft.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        ],
    )
    .ok();
    env.run_stdin(
        &[
            "profile",
            "add",
            "svc",
            "--cluster",
            "api",
            "--project",
            "p",
            "--tenant-id",
            "t",
            "--client-id",
            "c",
            "--flow",
            "client-credentials",
            "--token-url",
            "https://tokens.example.invalid/oauth2/token",
            "--client-secret-stdin",
        ],
        Some("s\n"),
    )
    .ok();

    // A hand-edited file is held to the same rule.
    let mut text = std::fs::read_to_string(env.profiles_file()).unwrap();
    text = text.replace(
        "http://127.0.0.1:1/other/token",
        "https://collector.example.invalid/token",
    );
    std::fs::write(env.profiles_file(), &text).unwrap();
    let line = env.run(&["token", "--profile", "own"]).fails_cleanly(1);
    assert!(
        line.contains("own")
            && line.contains("https://collector.example.invalid")
            && line.contains("http://127.0.0.1:1"),
        "{line}"
    );
}

/// Issue 18: a profiles file with one invalid profile names it in one `warning:` line
/// and never uses it; the valid profiles keep working; saving another profile keeps the
/// invalid table byte for byte; removing it is the way out.
#[test]
fn an_invalid_profile_is_named_once_and_the_others_keep_working() {
    let env = Env::new();
    add(&env, "dev", "interactive", &[]).ok();
    let escaped = "[profiles.\"../../../escaped\"]\ncluster = 'api'\nproject = 'p'\n\
                   tenant_id = 't'\nclient_id = 'c'\nflow = 'device-code'\n";
    let bad_url = "[profiles.plain]   # edited by hand\ncluster = 'api'\nproject = 'p'\n\
                   tenant_id = 't'\nclient_id = 'c'\nflow = 'device-code'\n\
                   authority = 'http://login.example.invalid/t'\n";
    let mut text = std::fs::read_to_string(env.profiles_file()).unwrap();
    text.push_str(&format!("\n{escaped}\n{bad_url}"));
    std::fs::write(env.profiles_file(), &text).unwrap();

    let run = env.run(&["profile", "list", "--json"]);
    run.ok();
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings[0].contains("'../../../escaped'") && warnings[0].contains("invalid profile name"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("'plain'") && warnings[1].contains("http://"),
        "{}",
        warnings[1]
    );

    // Never used, and said so; the valid profile still works.
    let line = env.run(&["profile", "show", "plain"]).fails_cleanly(1);
    assert!(line.contains("'plain' is not used"), "{line}");
    env.run(&["profile", "show", "dev"]).ok();
    assert!(!env.config_dir().join("escaped").exists());

    // Saving another profile keeps each invalid table as it was.
    add(&env, "ops", "device-code", &[]).ok();
    let saved = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        saved.contains(escaped) && saved.contains(bad_url),
        "{saved}"
    );
    assert!(saved.contains("[profiles.ops]"), "{saved}");

    // Removing one takes exactly its table.
    env.run(&["profile", "remove", "../../../escaped"]).ok();
    let saved = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        !saved.contains("escaped") && saved.contains(bad_url),
        "{saved}"
    );
}

fn shown(env: &Env, name: &str) -> Value {
    serde_json::from_str(&env.run(&["profile", "show", name, "--json"]).ok().stdout).unwrap()
}

/// `profile edit`: any field `profile add` takes, by the same rules; the secret and the
/// sign-in are kept; `--unset` clears an optional field; nothing to change is a usage
/// error.
#[test]
fn profile_edit_changes_fields_and_keeps_secret_and_sign_in() {
    let idp = common::Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let token = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    let requests = idp.count("token");

    // A field outside the token's binding: the sign-in stays.
    env.run(&["profile", "edit", "svc", "--project", "other-project"])
        .ok();
    assert_eq!(shown(&env, "svc")["project"], "other-project");
    assert_eq!(env.run(&["token", "--profile", "svc"]).ok().stdout, token);
    assert_eq!(idp.count("token"), requests, "served from the cache");

    // A field of the binding: signed out, and the kept secret gets a new token. (A
    // scope of the profile's own API: another one's is refused, issue 24.)
    env.run(&[
        "profile",
        "edit",
        "svc",
        "--scope",
        "https://testcluster.cognitedata.com/other/.default",
    ])
    .ok();
    let again = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    assert_ne!(again, token);
    assert_eq!(idp.count("token"), requests + 1);

    // --unset clears; the same rules as add; nothing to change.
    let file = || std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(file().contains("scopes"));
    env.run(&["profile", "edit", "svc", "--unset", "scope"])
        .ok();
    assert!(!file().contains("scopes"), "{}", file());
    let r = env.run(&["profile", "edit", "svc", "--port", "4000"]);
    r.fails_cleanly(2);
    assert!(
        r.stderr
            .contains("--port applies to the interactive flow only"),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "profile",
        "edit",
        "svc",
        "--base-url",
        "http://example.invalid",
    ]);
    let line = r.fails_cleanly(2);
    assert!(line.contains("base URL"), "{line}");
    let r = env.run(&["profile", "edit", "svc"]);
    assert!(r.fails_cleanly(2).contains("nothing to change"));
    let r = env.run(&["profile", "edit", "nope", "--project", "x"]);
    r.fails_cleanly(1);
    assert_eq!(
        shown(&env, "svc")["project"],
        "other-project",
        "nothing lost"
    );
}

/// `profile rename`: the secret and the sign-in go with the profile, the default too;
/// the old name is gone; a taken name is refused.
#[test]
fn profile_rename_carries_secret_and_sign_in() {
    let idp = common::Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.add_cc_profile(&idp, "other", "cc-secret");
    let token = env.run(&["token", "--profile", "svc"]).ok().stdout.clone();
    let requests = idp.count("token");

    let r = env.run(&["profile", "rename", "svc", "other"]);
    assert!(r.fails_cleanly(1).contains("other"), "{}", r.stderr);

    env.run(&["profile", "rename", "svc", "renamed"]).ok();
    assert_eq!(
        env.run(&["token", "--profile", "renamed"]).ok().stdout,
        token,
        "the sign-in came along"
    );
    assert_eq!(idp.count("token"), requests);
    assert_eq!(
        env.keyring_lookup("renamed", "client-secret").as_deref(),
        Some("cc-secret")
    );
    assert!(env.keyring_lookup("svc", "client-secret").is_none());
    assert!(env.keyring_lookup("svc", "token-cache-key").is_none());
    let list = env.run(&["profile", "list", "--json"]).ok().stdout.clone();
    let list: Value = serde_json::from_str(&list).unwrap();
    let text = list.to_string();
    assert!(!text.contains("\"svc\""), "{text}");
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "renamed" && p["default"] == true),
        "{text}"
    );
}

/// The production mark: suggested by the project's name (never set by it), set with
/// `--production`, shown by `profile list`, and said by `env` and `exec` on stderr only.
#[test]
fn production_profiles_are_marked_and_say_so() {
    let idp = common::Idp::start();
    let env = Env::new();
    let at = common::Place {
        cluster: common::CLUSTER,
        project: "contoso-prod",
    };
    let args = common::idp_add_args(
        &idp,
        "svc",
        at,
        "client-credentials",
        "cc-client",
        &["--client-secret-stdin"],
    );
    let r = env.run_stdin(&args, Some("cc-secret\n"));
    r.ok();
    assert!(
        r.stderr.contains("looks like production; mark the profile with `cdf-signin profile edit svc --production`"),
        "{}",
        r.stderr
    );
    assert_eq!(
        shown(&env, "svc")["production"],
        false,
        "suggested, not set"
    );
    let plain = env.run(&["env", "--profile", "svc"]).ok().stderr.clone();
    assert!(!plain.contains("PRODUCTION"), "{plain}");

    env.run(&["profile", "edit", "svc", "--production"]).ok();
    assert_eq!(shown(&env, "svc")["production"], true);
    let list = env.run(&["profile", "list"]).ok().stdout.clone();
    assert!(
        list.lines()
            .any(|l| l.contains("svc") && l.ends_with("PRODUCTION")),
        "{list}"
    );
    let r = env.run(&["env", "--profile", "svc"]);
    r.ok();
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| l.contains("PRODUCTION"))
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("CDF_TOKEN="), "{}", r.stdout);
    assert!(!r.stdout.contains("PRODUCTION"), "stdout unchanged");
    let r = env.run(&["exec", "--profile", "svc", "--", "true"]);
    r.ok();
    assert!(
        r.stderr.contains("'svc' is a PRODUCTION profile"),
        "{}",
        r.stderr
    );

    env.run(&["profile", "edit", "svc", "--unset", "production"])
        .ok();
    assert_eq!(shown(&env, "svc")["production"], false);
}

#[test]
fn remove_all_takes_every_profile_with_its_secret() {
    let env = Env::new();
    env.run_stdin(
        &common::add_args("svc", "client-credentials", &["--client-secret-stdin"]),
        Some("s3cr3t-value\n"),
    )
    .ok();
    env.run(&common::add_args("person", "device-code", &[]))
        .ok();
    // A name with nothing else given is still required; --all and a name do not mix.
    assert!(
        env.run(&["profile", "remove"])
            .fails_cleanly(2)
            .contains("required")
    );
    env.run(&["profile", "remove", "svc", "--all"])
        .fails_cleanly(2);
    assert!(env.keyring_lookup("svc", "client-secret").is_some());

    let r = env.run(&["profile", "remove", "--all"]);
    r.ok();
    assert!(
        r.stderr.contains("Removed 2 profiles (person, svc)"),
        "{}",
        r.stderr
    );
    assert_eq!(env.keyring_lookup("svc", "client-secret"), None);
    let list = env.run(&["profile", "list"]);
    assert!(!list.stdout.contains("svc") && !list.stdout.contains("person"));
    assert!(
        env.run(&["profile", "remove", "--all"])
            .ok()
            .stderr
            .contains("no profiles to remove")
    );
}

/// Issue 27, point 9: an empty name is required (not "invalid profile name ''"); the
/// help describes NAME and profile edit's --cluster and --project; `--profile devv`
/// gets "did you mean".
#[test]
fn wording_of_an_empty_name_the_help_and_a_mistyped_profile() {
    let env = Env::new();
    let line = add(&env, "", "device-code", &[]).fails_cleanly(2);
    assert!(line.contains("the name is required"), "{line}");
    assert!(!line.contains("invalid profile name"), "{line}");

    let help = env.run(&["profile", "edit", "--help"]).ok().stdout.clone();
    for text in [
        "The name of the profile to change",
        "New CDF cluster",
        "New CDF project",
    ] {
        assert!(help.contains(text), "{text}: {help}");
    }
    let help = env.run(&["profile", "add", "--help"]).ok().stdout.clone();
    assert!(help.contains("The profile's name"), "{help}");

    add(&env, "dev", "device-code", &[]).ok();
    let run = env.run(&["token", "--profile", "devv"]);
    run.fails_cleanly(1);
    assert!(
        run.hint()
            .unwrap()
            .contains("did you mean `--profile dev`?"),
        "{}",
        run.stderr
    );
}

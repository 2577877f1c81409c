//! `pip install cdf-signin`: the wheel packaging/python/build.sh makes, installed alone
//! into a fresh virtualenv (tests/python/prepare.sh), its `cdf-signin` and its Python
//! package `cdf_signin` against the test OpenID provider and the fake CDF API, through the
//! real cognite-sdk (the pinned one tests/setup.sh installs). The Windows wheel's contents,
//! and its `cdf-signin.exe` under Wine.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cdf_signin::cdf::export::pip_python_snippet;
use common::cdf::{CdfApi, CdfOptions, pyenv_python};
use common::{CLUSTER, Env, Idp, Place, Run, node_script, spawn_running, to_run};
use serde_json::{Value, json};

const INSPECT: &str = "GET /api/v1/token/inspect";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|t| !t.is_empty())
        .map_or_else(|| common::repo().join("target"), |t| common::repo().join(t))
}

/// Runs tests/python/prepare.sh (a no-op when the wheel and its venv are up to date) and
/// returns the venv it installed the wheel into.
pub(crate) fn prepare(args: &[&str]) -> PathBuf {
    let out = Command::new("bash")
        .arg(common::repo().join("tests/python/prepare.sh"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tests/python/prepare.sh");
    assert!(
        out.status.success(),
        "tests/python/prepare.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    PathBuf::from(stdout.lines().last().expect("the venv's path").trim())
}

/// The venv with the wheel alone in it.
pub(crate) struct Venv {
    pub(crate) dir: PathBuf,
}

/// How a script runs: with the pinned SDK importable or not, and the PATH it gets.
#[derive(Default)]
pub(crate) struct Opts<'a> {
    sdk: bool,
    /// With `sdk`: the newest cognite-sdk (upgraded by tests/setup.sh at each run)
    /// instead of the pinned one.
    newest_sdk: bool,
    path: Option<&'a str>,
    pythonpath: Option<&'a Path>,
    /// Another interpreter than the venv's (one whose scripts hold no cdf-signin).
    python: Option<PathBuf>,
}

impl Venv {
    fn new() -> Venv {
        Venv { dir: prepare(&[]) }
    }

    fn python(&self) -> PathBuf {
        self.dir.join("bin/python")
    }

    /// `script` run by the venv's python with `env`'s config, data and keyring (so that
    /// the wheel's cdf-signin finds the test's profiles). With `sdk`, the pinned
    /// cognite-sdk's site-packages come after the venv's own (PYTHONPATH): the wheel
    /// stays installed alone. Returns the run and the JSON of its last stdout line.
    fn run(&self, env: &Env, script: &str, opts: Opts<'_>) -> (Run, Value) {
        let mut cmd = self.command(env, script, opts);
        let run = to_run(
            cmd.stdin(Stdio::null())
                .output()
                .expect("run the venv's python"),
        );
        let value = last_json(&run);
        (run, value)
    }

    /// The command [`Venv::run`] runs.
    pub(crate) fn command(&self, env: &Env, script: &str, opts: Opts<'_>) -> Command {
        let path = env.root.path().join("script.py");
        let prelude = if opts.sdk {
            "from cognite.client.config import global_config\n\
             global_config.disable_pypi_version_check = True\n"
        } else {
            ""
        };
        std::fs::write(&path, format!("{prelude}{script}")).expect("write the script");
        let mut cmd = self.interpreter(env, opts);
        cmd.arg(&path);
        cmd
    }

    /// The venv's python (or `opts.python`) with `env`'s config, data and keyring, the
    /// PYTHONPATH and PATH `opts` ask for, and no arguments yet.
    pub(crate) fn interpreter(&self, env: &Env, opts: Opts<'_>) -> Command {
        let template = env.command(&[]);
        let mut cmd = Command::new(opts.python.clone().unwrap_or_else(|| self.python()));
        cmd.env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .env_remove("PYTHONPATH");
        for (k, v) in template.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let mut pythonpath = Vec::new();
        if let Some(p) = opts.pythonpath {
            pythonpath.push(p.to_path_buf());
        }
        if opts.sdk {
            pythonpath.push(sdk_site_packages(opts.newest_sdk));
        }
        if !pythonpath.is_empty() {
            cmd.env(
                "PYTHONPATH",
                std::env::join_paths(pythonpath).expect("PYTHONPATH"),
            );
        }
        if let Some(p) = opts.path {
            cmd.env("PATH", p);
        }
        cmd
    }
}

/// The JSON of the run's last stdout line.
pub(crate) fn last_json(run: &Run) -> Value {
    let last = run.stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| {
        panic!(
            "no JSON line from python ({e})\nstdout: {}\nstderr: {}",
            run.stdout, run.stderr
        )
    })
}

/// The site-packages of the pinned SDK's venv (tests/setup.sh).
fn sdk_site_packages(newest: bool) -> PathBuf {
    let pinned = pyenv_python();
    let python = if newest {
        // Beside the pinned venv: target/pyenv-newest (tests/setup.sh).
        let venvs = pinned
            .parent()
            .and_then(Path::parent)
            .and_then(Path::parent);
        venvs
            .expect("the pinned venv's directory")
            .join("pyenv-newest/bin/python")
    } else {
        pinned
    };
    assert!(
        python.exists(),
        "{} is missing: run tests/setup.sh",
        python.display()
    );
    let out = Command::new(&python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ])
        .output()
        .expect("ask the SDK venv for its site-packages");
    assert!(out.status.success());
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// Counts the runs of the binary: every process the package starts (subprocess.Popen).
const COUNT_RUNS: &str = r#"
import subprocess
runs = []
class _CountingPopen(subprocess.Popen):
    def __init__(self, args, *rest, **kwargs):
        runs.append(list(args[1:3]))
        super().__init__(args, *rest, **kwargs)
subprocess.Popen = _CountingPopen
"#;

#[test]
fn the_wheel_installs_alone_and_the_sdk_inspects_through_it() {
    let venv = Venv::new();
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");

    // Alone: the wheel brought nothing but itself (pip is the venv's own).
    let freeze = Command::new(venv.python())
        .args([
            "-m",
            "pip",
            "list",
            "--format=json",
            "--disable-pip-version-check",
        ])
        .output()
        .expect("pip list");
    let listed: Value = serde_json::from_slice(&freeze.stdout).expect("pip list JSON");
    let mut names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .filter(|n| !["pip", "setuptools"].contains(n))
        .collect();
    names.sort();
    assert_eq!(names, ["cdf-signin"], "{listed}");

    // The command pip put into the venv's bin is the crate's version.
    let version = Command::new(venv.dir.join("bin/cdf-signin"))
        .arg("--version")
        .output()
        .expect("the venv's cdf-signin");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("cdf-signin {}", env!("CARGO_PKG_VERSION"))
    );

    // The window's "Copy Python snippet", then what a notebook would do with it.
    let script = format!(
        "{}{}",
        pip_python_snippet("svc"),
        r#"
import asyncio, json
from cognite.client.credentials import CredentialProvider

first = client.iam.token.inspect()
second = client.iam.token.inspect()

async def inspect_async():
    return await cdf_signin.async_client("svc", client_name="async-app").iam.token.inspect()

from_async = asyncio.run(inspect_async())
creds = client.config.credentials
print(json.dumps({
    "client": type(client).__name__,
    "is_provider": isinstance(creds, CredentialProvider),
    "is_provider_class": issubclass(cdf_signin.Credentials, CredentialProvider),
    "project": client.config.project,
    "base_url": client.config.base_url,
    "subject": first.subject,
    "same": first.dump() == second.dump() == from_async.dump(),
    "binary": cdf_signin.find_binary(),
    "repr": repr(creds),
    "profiles": [p["name"] for p in cdf_signin.profiles()],
}))
"#
    );
    let (_, out) = venv.run(
        &env,
        &script,
        Opts {
            sdk: true,
            ..Opts::default()
        },
    );
    assert_eq!(out["client"], "CogniteClient");
    assert_eq!(out["is_provider"], true);
    assert_eq!(out["is_provider_class"], true);
    assert_eq!(out["project"], "my-project");
    assert_eq!(out["base_url"], cdf.base_url());
    assert_eq!(out["subject"], "cc-client");
    assert_eq!(out["same"], true);
    assert_eq!(
        out["binary"],
        common::path_str(&venv.dir.join("bin/cdf-signin"))
    );
    assert_eq!(out["repr"], "Credentials(profile='svc', min_valid=60)");
    assert_eq!(out["profiles"], json!(["svc"]));

    // Three requests, one grant; the async client sent its own name.
    assert_eq!(idp.count("token"), 1);
    let stats = cdf.stats();
    assert_eq!(stats["routes"][INSPECT], 3, "{stats}");
    assert_eq!(stats["auth"]["accepted"], 3);
    assert_eq!(stats["last_client"]["x-cdp-app"], "async-app");
}

/// The newest cognite-sdk on PyPI at test time (tests/setup.sh upgrades it on every run),
/// not only the pinned one: a client through the package's credentials, sync and async.
#[test]
fn the_newest_cognite_sdk_inspects_through_the_wheel_too() {
    let venv = Venv::new();
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    let script = format!(
        "{}{}",
        pip_python_snippet("svc"),
        r#"
import asyncio, json
import importlib.metadata
from cognite.client.credentials import CredentialProvider

first = client.iam.token.inspect()

async def inspect_async():
    return await cdf_signin.async_client("svc").iam.token.inspect()

print(json.dumps({
    "sdk": importlib.metadata.version("cognite-sdk"),
    "is_provider": isinstance(client.config.credentials, CredentialProvider),
    "subject": first.subject,
    "async_subject": asyncio.run(inspect_async()).subject,
}))
"#
    );
    let (run, out) = venv.run(
        &env,
        &script,
        Opts {
            sdk: true,
            newest_sdk: true,
            ..Opts::default()
        },
    );
    eprintln!(
        "the newest cognite-sdk: {} ({})",
        out["sdk"],
        run.stderr.trim()
    );
    assert!(out["sdk"].as_str().is_some_and(|v| !v.is_empty()), "{out}");
    assert_eq!(out["is_provider"], true);
    assert_eq!(out["subject"], "cc-client");
    assert_eq!(out["async_subject"], "cc-client");
    assert_eq!(idp.count("token"), 1, "one grant for both clients");
    assert_eq!(cdf.stats()["routes"][INSPECT], 2);
}

#[test]
fn eight_threads_asking_fifty_headers_each_cost_one_run_and_one_grant() {
    let venv = Venv::new();
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "cc", "cc-secret");

    let script = format!(
        r#"{COUNT_RUNS}
import json, threading
import cdf_signin

creds = cdf_signin.Credentials("cc")
start = threading.Barrier(8)
headers = []
def ask():
    start.wait()
    for _ in range(50):
        headers.append(creds.authorization_header())
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
runs_by_threads = list(runs)
print(json.dumps({{
    "headers": len(headers),
    "distinct": len(set(headers)),
    "name": headers[0][0],
    "bearer": headers[0][1].startswith("Bearer ey"),
    "runs": runs_by_threads,
    "token_again": cdf_signin.token("cc") == headers[0][1][len("Bearer "):],
    "runs_after_token": len(runs),
}}))
"#
    );
    let (_, out) = venv.run(&env, &script, Opts::default());
    assert_eq!(out["headers"], 400);
    assert_eq!(out["distinct"], 1);
    assert_eq!(out["name"], "Authorization");
    assert_eq!(out["bearer"], true);
    assert_eq!(
        out["runs"],
        json!([["token", "--json"]]),
        "one run of the binary"
    );
    assert_eq!(out["token_again"], true);
    // token() keeps a Credentials of its own: one more run, the CLI's cache answers it.
    assert_eq!(out["runs_after_token"], 2);
    assert_eq!(idp.count("token"), 1, "one grant");
}

#[test]
fn a_token_near_its_expiry_is_renewed() {
    let venv = Venv::new();
    // Tokens for 65 s; the package renews 62 s before expiry, i.e. after 3 s.
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "65")]);
    let env = Env::new();
    env.add_cc_profile(&idp, "cc", "cc-secret");

    let script = format!(
        r#"{COUNT_RUNS}
import json, time
import cdf_signin

creds = cdf_signin.Credentials("cc", min_valid=62)
first = creds.authorization_header()
again = creds.authorization_header()
time.sleep(4)
renewed = creds.authorization_header()
print(json.dumps({{
    "kept": first == again,
    "renewed": renewed != first,
    "runs": len(runs),
}}))
"#
    );
    let (_, out) = venv.run(&env, &script, Opts::default());
    assert_eq!(out["kept"], true);
    assert_eq!(out["renewed"], true);
    assert_eq!(out["runs"], 2);
    // The CLI renewed it too (asked with --min-valid 62): a second grant.
    assert_eq!(idp.count("token"), 2);
}

#[test]
fn sign_in_required_and_unknown_profiles_raise_the_clis_words() {
    let venv = Venv::new();
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let direct = env.run(&["token", "--profile", "dev"]);
    let line = direct.fails_cleanly(cdf_signin::cli::EXIT_SIGN_IN);
    let message = line.strip_prefix("error: ").unwrap();
    let hint = direct.hint().expect("a hint").to_string();

    let (_, out) = venv.run(
        &env,
        r#"
import json
import cdf_signin

def caught(call):
    try:
        call()
    except cdf_signin.Error as e:
        return {"type": type(e).__name__, "text": str(e), "message": e.message,
                "hint": e.hint, "profile": e.profile, "code": e.exit_code,
                "is_error": isinstance(e, cdf_signin.Error)}
    return None

print(json.dumps({
    "signed_out": caught(lambda: cdf_signin.token("dev")),
    "header": caught(lambda: cdf_signin.Credentials("dev").authorization_header()),
    "unknown": caught(lambda: cdf_signin.token("nope")),
}))
"#,
        Opts::default(),
    );
    let signed_out = &out["signed_out"];
    assert_eq!(signed_out["type"], "SignInRequired", "{out}");
    assert_eq!(signed_out["is_error"], true);
    assert_eq!(signed_out["code"], 3);
    assert_eq!(signed_out["profile"], "dev");
    assert_eq!(signed_out["message"], message, "the CLI's own words");
    let text = signed_out["text"].as_str().unwrap();
    assert!(text.starts_with(message) && text.contains(&hint), "{text}");
    assert!(text.contains("cdf-signin login --profile dev"), "{text}");
    assert!(text.contains(r#"cdf_signin.login("dev")"#), "{text}");
    assert_eq!(out["header"]["type"], "SignInRequired");

    let unknown = &out["unknown"];
    assert_eq!(unknown["type"], "Error", "{out}");
    assert_eq!(unknown["code"], 1);
    assert!(
        unknown["text"].as_str().unwrap().contains("'nope'"),
        "{unknown}"
    );
    assert_eq!(idp.count("token"), 0);
}

/// A stand-in for the binary, beside a copy of the package laid out as `pip install
/// --target DIR` lays it out (DIR/cdf_signin, DIR/bin/cdf-signin).
fn package_with_binary(venv: &Venv, dir: &Path, binary: Option<&str>) {
    let site = Command::new(venv.python())
        .args([
            "-c",
            "import cdf_signin, os; print(os.path.dirname(cdf_signin.__file__))",
        ])
        .output()
        .expect("find the installed package");
    let package = String::from_utf8_lossy(&site.stdout).trim().to_string();
    let status = Command::new("cp")
        .arg("-r")
        .arg(&package)
        .arg(dir.join("cdf_signin"))
        .status()
        .expect("cp");
    assert!(status.success());
    if let Some(script) = binary {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let path = dir.join("bin/cdf-signin");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn no_exception_text_or_repr_holds_a_token() {
    let venv = Venv::new();
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "cc", "cc-secret");
    let token = env
        .run(&["token", "--profile", "cc"])
        .ok()
        .stdout
        .trim()
        .to_string();

    // Binaries that put the token where the package must not pass it on: stdout that is
    // not JSON, JSON it does not understand, a failure after printing it.
    let cases = [
        ("not-json", format!("#!/bin/sh\necho 'token: {token}'\n")),
        (
            "odd-json",
            format!("#!/bin/sh\necho '{{\"access_token\": \"{token}\"}}'\n"),
        ),
        (
            "fails",
            format!("#!/bin/sh\necho '{token}'\necho 'error: it broke' >&2\nexit 1\n"),
        ),
    ];
    for (name, script) in &cases {
        let dir = env.root.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        package_with_binary(&venv, &dir, Some(script));
        let (_, out) = venv.run(
            &env,
            r#"
import json, traceback
import cdf_signin

creds = cdf_signin.Credentials("cc")
try:
    creds.authorization_header()
    said = None
except cdf_signin.Error as e:
    said = {"text": str(e), "repr": repr(e), "trace": traceback.format_exc(),
            "binary": cdf_signin.find_binary()}
print(json.dumps({"said": said, "creds": repr(creds)}))
"#,
            Opts {
                pythonpath: Some(&dir),
                ..Opts::default()
            },
        );
        let said = &out["said"];
        assert_eq!(
            said["binary"],
            common::path_str(&dir.join("bin/cdf-signin")),
            "{name}: the stand-in beside the package (pip install --target's layout)"
        );
        for field in ["text", "repr", "trace"] {
            let text = said[field]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: {out}"));
            assert!(
                !text.contains(&token),
                "{name}: the token in its {field}: {text}"
            );
        }
        assert!(!out["creds"].as_str().unwrap().contains(&token));
    }

    // The real binary: the repr of credentials that hold a token shows none.
    let (_, out) = venv.run(
        &env,
        r#"
import json
import cdf_signin
creds = cdf_signin.Credentials("cc")
creds.authorization_header()
print(json.dumps({"repr": repr(creds)}))
"#,
        Opts::default(),
    );
    assert_eq!(out["repr"], "Credentials(profile='cc', min_valid=60)");
}

#[test]
fn the_binary_is_found_beside_the_package_with_an_empty_path() {
    let venv = Venv::new();
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "cc", "cc-secret");

    let (run, out) = venv.run(
        &env,
        r#"
import json, os
import cdf_signin
print(json.dumps({"path": os.environ.get("PATH"), "binary": cdf_signin.find_binary(),
                  "token": cdf_signin.token("cc").startswith("ey")}))
"#,
        Opts {
            path: Some(""),
            ..Opts::default()
        },
    );
    assert_eq!(out["path"], "", "{}", run.stderr);
    assert_eq!(
        out["binary"],
        common::path_str(&venv.dir.join("bin/cdf-signin"))
    );
    assert_eq!(out["token"], true);

    // A copy of the package with no binary beside it, none on PATH and none among the
    // interpreter's scripts (the SDK's venv): an Error that names where it looked.
    let bare = env.root.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    package_with_binary(&venv, &bare, None);
    let (_, out) = venv.run(
        &env,
        r#"
import json
import cdf_signin
try:
    cdf_signin.token("cc")
    print(json.dumps(None))
except cdf_signin.Error as e:
    print(json.dumps({"type": type(e).__name__, "text": str(e)}))
"#,
        Opts {
            path: Some(""),
            pythonpath: Some(&bare),
            python: Some(pyenv_python()),
            ..Opts::default()
        },
    );
    assert_eq!(out["type"], "Error", "{out}");
    let text = out["text"].as_str().unwrap();
    assert!(
        text.contains("cdf-signin executable was not found")
            && text.contains(&common::path_str(&bare.join("bin")))
            && text.contains("on PATH")
            && text.contains("pip install cdf-signin"),
        "{text}"
    );
}

#[test]
fn a_legacy_api_key_profile_gets_the_api_key_header() {
    let venv = Venv::new();
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            api_keys: vec!["legacy-key=old-project".into()],
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    let at = Place {
        cluster: CLUSTER,
        project: "old-project",
    };
    env.add_api_key_profile("legacy", at, "legacy-key", &["--base-url", cdf.base_url()]);

    let (_, out) = venv.run(
        &env,
        r#"
import json, urllib.request
import cdf_signin
creds = cdf_signin.Credentials("legacy")
name, value = creds.authorization_header()
again = creds.authorization_header()
facts = creds.describe()
request = urllib.request.Request(facts["base_url"] + "/login/status", headers={name: value})
with urllib.request.urlopen(request) as answer:
    status = json.load(answer)
print(json.dumps({"name": name, "value": value, "same": again == (name, value),
                  "project": facts["project"], "status": status}))
"#,
        Opts::default(),
    );
    assert_eq!(out["name"], "api-key");
    assert_eq!(out["value"], "legacy-key");
    assert_eq!(out["same"], true);
    assert_eq!(out["project"], "old-project");
    assert_eq!(out["status"]["data"]["loggedIn"], true, "{out}");
    assert_eq!(idp.count("token"), 0);
}

#[test]
fn login_signs_a_device_code_profile_in_when_asked() {
    let venv = Venv::new();
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let script = r#"
import json
import cdf_signin
cdf_signin.login("dev", timeout=120)
print(json.dumps({"token": cdf_signin.token("dev").startswith("ey")}))
"#;
    let python = spawn_running(venv.command(&env, script, Opts::default()));
    // The command line's instructions come through the package on Python's stderr.
    let sign_in = Duration::from_secs(90);
    let url = python.wait_line("URL:", sign_in);
    let code = python.wait_line("Code:", sign_in);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    let run = python.finish(sign_in);
    run.ok();
    assert!(
        run.stderr.contains("Signed in with profile 'dev'"),
        "{}",
        run.stderr
    );
    assert_eq!(last_json(&run)["token"], true);
}

#[test]
fn the_windows_wheel_holds_the_exe_which_runs_under_wine() {
    prepare(&["--windows"]);
    let wheels = target_dir().join("python/wheels-dev");
    let version = env!("CARGO_PKG_VERSION");
    let wheel = wheels.join(format!("cdf_signin-{version}-py3-none-win_amd64.whl"));
    assert!(wheel.exists(), "{} is missing", wheel.display());

    // Its files, and its WHEEL metadata, read with Python's zipfile.
    let read = Command::new(pyenv_python())
        .arg("-c")
        .arg(
            r#"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
wheel = next(n for n in names if n.endswith(".dist-info/WHEEL"))
print(json.dumps({"names": names, "WHEEL": z.read(wheel).decode()}))
"#,
        )
        .arg(&wheel)
        .output()
        .expect("read the wheel");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let listing: Value = serde_json::from_slice(&read.stdout).expect("the listing");
    let names: Vec<&str> = listing["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let scripts = format!("cdf_signin-{version}.data/scripts/");
    for want in [
        format!("{scripts}cdf-signin.exe"),
        format!("{scripts}cdf-signin-window.exe"),
        "cdf_signin/__init__.py".to_string(),
        "cdf_signin/py.typed".to_string(),
    ] {
        assert!(names.contains(&want.as_str()), "{want} not in {names:?}");
    }
    assert!(
        listing["WHEEL"]
            .as_str()
            .unwrap()
            .lines()
            .any(|l| l == "Tag: py3-none-win_amd64"),
        "{}",
        listing["WHEEL"]
    );
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".so") || n.ends_with("/cdf-signin"))
    );

    // The exe as the wheel holds it, under Wine.
    let dir = tempfile::tempdir().unwrap();
    let unzip = Command::new("unzip")
        .arg("-q")
        .arg(&wheel)
        .arg(format!("{scripts}cdf-signin.exe"))
        .arg("-d")
        .arg(dir.path())
        .status()
        .expect("unzip");
    assert!(unzip.success());
    let exe = dir.path().join(format!("{scripts}cdf-signin.exe"));
    let wine = crate::windows::Wine::new();
    let run = to_run(
        wine.wine()
            .arg(&exe)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .expect("wine"),
    );
    run.ok();
    assert_eq!(run.stdout.trim(), format!("cdf-signin {version}"));
}

//! The fake CDF API (`tests/idp/cdf.mjs`), started per test like the test provider: it
//! checks bearer tokens against the provider's keys and serves token/inspect (the fixture
//! `tests/fixtures/cdf/inspect.json`), legacy login/status and request counts.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{CLUSTER, Env, Idp, repo};

/// How to start the fake API; `Default` is the fixture as it is, audience = its own URL.
#[derive(Default, Clone, Debug)]
pub struct CdfOptions {
    /// Replace the inspect body's projects with these (`Some(vec![])` for none).
    pub projects: Option<Vec<String>>,
    /// Legacy API keys `/login/status` accepts: `KEY` or `KEY=PROJECT`.
    pub api_keys: Vec<String>,
    /// Another inspect body.
    pub inspect_fixture: Option<PathBuf>,
    /// Accepted `aud` values instead of the API's own base URL.
    pub audiences: Vec<String>,
    /// Also trust these issuers' signing keys (`iss` must still be the main issuer's).
    pub keys_from: Vec<String>,
    /// Extra environment for node (e.g. `NODE_EXTRA_CA_CERTS`).
    pub env: Vec<(String, String)>,
}

/// The running fake API, killed when dropped (and when the test process dies, since it
/// exits when its stdin closes).
pub struct CdfApi {
    child: Child,
    _stdin: ChildStdin,
    pub port: u16,
    base_url: String,
}

impl CdfApi {
    pub fn start(idp: &Idp) -> CdfApi {
        CdfApi::start_with(idp, CdfOptions::default())
    }

    /// A CDF that accepts the legacy API keys given as `KEY=PROJECT`, and tokens.
    pub fn with_api_keys(idp: &Idp, keys: &[&str]) -> CdfApi {
        let opts = CdfOptions {
            api_keys: keys.iter().map(|k| k.to_string()).collect(),
            ..CdfOptions::default()
        };
        CdfApi::start_with(idp, opts)
    }

    pub fn start_with(idp: &Idp, opts: CdfOptions) -> CdfApi {
        let script = repo().join("tests/idp/cdf.mjs");
        let mut cmd = Command::new("node");
        cmd.arg(&script)
            .args(["--issuer", &idp.issuer])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(projects) = &opts.projects {
            cmd.args(["--projects", &projects.join(",")]);
        }
        for key in &opts.api_keys {
            cmd.args(["--api-key", key]);
        }
        if let Some(path) = &opts.inspect_fixture {
            cmd.arg("--inspect").arg(path);
        }
        for aud in &opts.audiences {
            cmd.args(["--audience", aud]);
        }
        for issuer in &opts.keys_from {
            cmd.args(["--keys-from", issuer]);
        }
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let (child, stdin, ready) = super::spawn_service(cmd, "the fake CDF API");
        CdfApi {
            child,
            _stdin: stdin,
            port: ready["port"].as_u64().expect("port") as u16,
            base_url: ready["base_url"].as_str().expect("base_url").to_string(),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: a profile's `--base-url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{total, routes: {"GET /path": n}, auth: {last, accepted, rejected: {reason: n}},
    /// last_client: {x-cdp-sdk, x-cdp-app, user-agent, ...}, jwks_fetches}`.
    pub fn stats(&self) -> Value {
        let (status, body) = request("GET", &format!("{}/_stats", self.base_url), &[]);
        assert_eq!(status, 200, "stats: {body}");
        body
    }

    /// Requests seen for `"METHOD /path"`.
    pub fn hits(&self, route: &str) -> u64 {
        self.stats()["routes"][route].as_u64().unwrap_or(0)
    }

    /// 401s given for `reason` (signature, expired, issuer, audience, ...).
    pub fn rejected(&self, reason: &str) -> u64 {
        self.stats()["auth"]["rejected"][reason]
            .as_u64()
            .unwrap_or(0)
    }

    /// `GET {base_url}{path}` with `Authorization: Bearer {token}`.
    pub fn get_with_token(&self, path: &str, token: &str) -> (u16, Value) {
        request(
            "GET",
            &format!("{}{path}", self.base_url),
            &[("Authorization", &format!("Bearer {token}"))],
        )
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
        request("GET", &format!("{}{path}", self.base_url), headers)
    }

    /// A client-credentials profile (`cc-client`, the given secret, project `my-project`)
    /// of the test provider whose base URL is this fake API.
    pub fn add_cc_profile(&self, env: &Env, idp: &Idp, name: &str, secret: &str) {
        let at = super::Place {
            cluster: CLUSTER,
            project: "my-project",
        };
        let extra = ["--base-url", self.base_url(), "--client-secret-stdin"];
        let args = super::idp_add_args(idp, name, at, "client-credentials", "cc-client", &extra);
        env.run_stdin(&args, Some(&format!("{secret}\n"))).ok();
    }
}

impl Drop for CdfApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request with extra headers (the `http` helper sends none); the JSON body.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let url = url::Url::parse(url).expect("url");
    let addr = format!(
        "{}:{}",
        url.host_str().expect("host"),
        url.port_or_known_default().expect("port")
    );
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect to the fake CDF API");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(head.as_bytes()).expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    let status: u16 = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = serde_json::from_str(body).unwrap_or_else(|e| {
        panic!("{method} {url}: not JSON ({e}): {body:?}");
    });
    (status, json)
}

/// The virtualenv `tests/setup.sh` made: `CDF_SIGNIN_PYENV`, else
/// `${CARGO_TARGET_DIR:-target}/pyenv` (relative to the repository).
pub fn pyenv_python() -> PathBuf {
    let dir = match std::env::var_os("CDF_SIGNIN_PYENV") {
        Some(d) => PathBuf::from(d),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .filter(|t| !t.is_empty())
                .map_or_else(|| repo().join("target"), |t| repo().join(t));
            target.join("pyenv")
        }
    };
    let python = dir.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/setup.sh (tests/run.sh does), which installs the pinned cognite-sdk there",
        python.display()
    );
    python
}

/// Runs `python script` with the environment `env.command` gives the binary (its config,
/// data and keyring service), so the snippet's `cdf-signin token` finds the profile.
pub fn run_python(env: &Env, script: &std::path::Path) -> super::Run {
    let template = env.command(&[]);
    let mut cmd = Command::new(pyenv_python());
    cmd.arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    super::to_run(cmd.output().expect("run the venv's python"))
}

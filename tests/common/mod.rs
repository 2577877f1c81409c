//! The integration-test harness: a real OpenID provider (node-oidc-provider, started per
//! test on a free port), the real binary, and a private config/data/cache root per test.
//! The keyring is the real Secret Service of the private D-Bus session that
//! `tests/run.sh` starts; each test uses its own keyring service name.
#![allow(dead_code)]

pub mod cdf;
pub mod collector;
pub mod doubles;
pub mod window;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const CLUSTER: &str = "testcluster";
pub const BASE_URL: &str = "https://testcluster.cognitedata.com";
/// The audience of the access tokens of the Cognite IdP look-alike (`Idp::start_cognite`).
pub const COGNITE_AUDIENCE: &str = "https://cdf.cognite.invalid";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Fails loudly when the suite runs outside its environment (never skips).
pub fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the integration tests through tests/run.sh, which starts a private gnome-keyring"
    );
}

/// The test OpenID provider, killed when dropped (and when the test process dies, since
/// it exits when its stdin closes).
pub struct Idp {
    child: Child,
    _stdin: ChildStdin,
    pub issuer: String,
    pub port: u16,
}

impl Idp {
    pub fn start() -> Idp {
        Idp::start_with(&[])
    }

    /// The provider over HTTPS with the test CA's certificate (`tests/fixtures/tls-ca.pem`).
    pub fn start_tls() -> Idp {
        Idp::launch(&["--tls"], &[])
    }

    pub fn start_with(env: &[(&str, &str)]) -> Idp {
        Idp::launch(&[], env)
    }

    /// A look-alike of Cognite's identity provider (`--cognite`): Cognite's public CLI
    /// client with the exact redirect URIs `http://localhost:<port>/` of `ports`, tokens
    /// for [`COGNITE_AUDIENCE`], organizations set with [`Idp::set_orgs`].
    pub fn start_cognite(ports: &[u16]) -> Idp {
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        Idp::launch(&["--cognite"], &[("IDP_COGNITE_PORTS", &ports.join(","))])
    }

    /// The organizations of a `--cognite` provider and their projects:
    /// `{"ORG": [{"name", "apiUrl", "isDefault"}]}`.
    pub fn set_orgs(&self, orgs: Value) {
        let (status, body) = http(
            "POST",
            &format!("{}/__test/orgs", self.issuer),
            Some(&orgs.to_string()),
        );
        assert!(status < 300, "orgs setup failed: {status} {body}");
    }

    fn launch(args: &[&str], env: &[(&str, &str)]) -> Idp {
        let script = repo().join("tests/idp/server.mjs");
        assert!(
            repo().join("tests/idp/node_modules").exists(),
            "tests/idp/node_modules is missing: run tests/setup.sh (tests/run.sh does)"
        );
        let mut cmd = Command::new("node");
        cmd.arg(&script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (child, stdin, ready) = spawn_service(cmd, "the test OpenID provider");
        Idp {
            child,
            _stdin: stdin,
            issuer: ready["issuer"].as_str().expect("issuer").to_string(),
            port: ready["port"].as_u64().expect("port") as u16,
        }
    }

    /// Request counts by endpoint, as the provider saw them.
    pub fn stats(&self) -> Value {
        http("GET", &format!("{}/__test/stats", self.issuer), None).1
    }

    pub fn count(&self, key: &str) -> u64 {
        self.stats()[key].as_u64().unwrap_or(0)
    }

    pub fn revoke_refresh_tokens(&self) {
        let (status, _) = http(
            "POST",
            &format!("{}/__test/revoke-refresh-tokens", self.issuer),
            Some("{}"),
        );
        assert!(status < 300, "revoke failed: {status}");
    }

    /// Makes the next `times` requests to `path` get a canned answer.
    pub fn fault(&self, spec: Value) {
        let (status, body) = http(
            "POST",
            &format!("{}/__test/fault", self.issuer),
            Some(&spec.to_string()),
        );
        assert!(status < 300, "fault setup failed: {status} {body}");
    }

    pub fn token_path(&self) -> String {
        // The provider's token endpoint path, from its discovery document.
        let (_, doc) = http(
            "GET",
            &format!("{}/.well-known/openid-configuration", self.issuer),
            None,
        );
        let token = doc["token_endpoint"]
            .as_str()
            .expect("token_endpoint")
            .to_string();
        token.trim_start_matches(&self.issuer).to_string()
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client for the provider's test-control endpoints.
/// Starts a node test service (stdin, stdout piped) and reads the JSON line it prints
/// when it listens. It exits when the returned stdin is dropped.
pub fn spawn_service(mut cmd: Command, what: &str) -> (Child, ChildStdin, Value) {
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node for {what}: {e}"));
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("read the ready line of {what}: {e}"));
    let ready: Value = serde_json::from_str(line.trim()).unwrap_or_else(|e| {
        panic!("{what} did not start (ready line {line:?}: {e}; its log is above)")
    });
    (child, stdin, ready)
}

pub fn http(method: &str, url: &str, body: Option<&str>) -> (u16, Value) {
    let url = url::Url::parse(url).expect("url");
    let addr = format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap()
    );
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect to the test provider");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = body.unwrap_or("");
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    let status: u16 = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let payload = response.split("\r\n\r\n").nth(1).unwrap_or("");
    // Chunked answers: take the JSON object between the first '{' and the last '}'.
    let json = match (payload.find(['{', '[']), payload.rfind(['}', ']'])) {
        (Some(a), Some(b)) if b >= a => {
            serde_json::from_str(&payload[a..=b]).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    };
    (status, json)
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// One isolated installation: its own config/data/cache dirs and keyring service.
pub struct Env {
    pub root: tempfile::TempDir,
    pub keyring_service: String,
    extra: Vec<(String, String)>,
    removed: Vec<String>,
    /// Removes every profile when dropped: its entries in the kernel keyring (per OS
    /// user, shared by every test) must not outlive the test.
    remove_profiles_on_drop: bool,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "command failed\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the project's error shape: non-zero exit `code`, nothing on stdout, one
    /// `error:` line and at most one `hint:` line. Returns the error line.
    pub fn fails_cleanly(&self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stdout.is_empty(),
            "stdout must be empty on failure: {:?}",
            self.stdout
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        // Sign-in commands may have printed instructions before failing; the error is last.
        let err_at = lines
            .iter()
            .position(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("no error line in {:?}", self.stderr));
        let tail = &lines[err_at..];
        assert!(
            tail.len() == 1 || (tail.len() == 2 && tail[1].starts_with("hint: ")),
            "stderr must end in one error line and at most one hint: {:?}",
            self.stderr
        );
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "<html",
            "<HTML",
            "stack backtrace",
        ] {
            assert!(
                !self.stderr.contains(bad),
                "{bad:?} in stderr: {}",
                self.stderr
            );
        }
        tail[0].to_string()
    }

    pub fn hint(&self) -> Option<&str> {
        self.stderr.lines().find_map(|l| l.strip_prefix("hint: "))
    }
}

impl Env {
    pub fn new() -> Env {
        require_keyring();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        Env {
            root: tempfile::tempdir().expect("tempdir"),
            keyring_service: format!("cdf-signin-test-{}-{n}", std::process::id()),
            extra: Vec::new(),
            removed: Vec::new(),
            remove_profiles_on_drop: false,
        }
    }

    pub fn set(&mut self, key: &str, value: &str) {
        self.extra.push((key.into(), value.into()));
    }

    /// A world with no session bus at all: no `DBUS_SESSION_BUS_ADDRESS`, and a private,
    /// empty `XDG_RUNTIME_DIR` (D-Bus clients look for `$XDG_RUNTIME_DIR/bus` next), as
    /// over SSH or in a container. `auto` storage then uses the kernel keyring, so the
    /// profiles are removed when the Env is dropped.
    pub fn no_bus() -> Env {
        let mut env = Env::new();
        let run = env.root.path().join("run");
        std::fs::create_dir(&run).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        env.removed.push("DBUS_SESSION_BUS_ADDRESS".into());
        env.set("XDG_RUNTIME_DIR", &path_str(&run));
        env.remove_profiles_on_drop = true;
        env
    }

    /// The secret store the binary uses in this environment under `storage`, for
    /// looking inside it.
    pub fn store(
        &self,
        storage: cdf_signin::secrets::Storage,
    ) -> Box<dyn cdf_signin::secrets::SecretStore> {
        cdf_signin::secrets::open(&self.paths(), storage, self.keyring_service.clone())
            .expect("open the store")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join("config/cdf-signin")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data/cdf-signin")
    }

    /// The paths the binary uses for this environment.
    pub fn paths(&self) -> cdf_signin::paths::Paths {
        cdf_signin::paths::Paths {
            config_dir: self.config_dir(),
            data_dir: self.data_dir(),
            cache_dir: self.root.path().join("cache/cdf-signin"),
        }
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir().join("profiles.toml")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cdf-signin"));
        cmd.args(args)
            .env("XDG_CONFIG_HOME", self.root.path().join("config"))
            .env("XDG_DATA_HOME", self.root.path().join("data"))
            .env("XDG_CACHE_HOME", self.root.path().join("cache"))
            .env("CDF_SIGNIN_KEYRING_SERVICE", &self.keyring_service)
            .env_remove("CDF_SIGNIN_PROFILE")
            .env_remove("BROWSER")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env("NO_PROXY", "127.0.0.1,localhost,::1")
            .env_remove("RUST_BACKTRACE");
        for (k, v) in &self.extra {
            cmd.env(k, v);
        }
        for k in &self.removed {
            cmd.env_remove(k);
        }
        cmd
    }

    /// `cdf-signin token --profile NAME`, which must succeed: the token.
    pub fn token(&self, profile: &str) -> String {
        self.run(&["token", "--profile", profile])
            .ok()
            .stdout
            .trim()
            .to_string()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn cdf-signin");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        to_run(child.wait_with_output().expect("wait for cdf-signin"))
    }

    /// `profile add NAME` against the test provider with the given flow and extra args
    /// (cluster [`CLUSTER`], project `test-project`).
    pub fn add_profile(
        &self,
        idp: &Idp,
        name: &str,
        flow: &str,
        client_id: &str,
        extra: &[&str],
    ) -> Run {
        let at = Place {
            cluster: CLUSTER,
            project: "test-project",
        };
        self.add_profile_at(idp, name, at, flow, client_id, extra)
    }

    /// [`Env::add_profile`] on another cluster or project.
    pub fn add_profile_at(
        &self,
        idp: &Idp,
        name: &str,
        at: Place<'_>,
        flow: &str,
        client_id: &str,
        extra: &[&str],
    ) -> Run {
        self.run(&idp_add_args(idp, name, at, flow, client_id, extra))
    }

    /// `profile add NAME --flow api-key` at `at`, the key given on stdin, then `extra`
    /// (a `--base-url`, say).
    pub fn add_api_key_profile(&self, name: &str, at: Place, key: &str, extra: &[&str]) {
        let mut args = vec![
            "profile",
            "add",
            name,
            "--flow",
            "api-key",
            "--cluster",
            at.cluster,
            "--project",
            at.project,
            "--api-key-stdin",
        ];
        args.extend_from_slice(extra);
        self.run_stdin(&args, Some(&format!("{key}\n"))).ok();
    }

    pub fn add_cc_profile(&self, idp: &Idp, name: &str, secret: &str) {
        let at = Place {
            cluster: CLUSTER,
            project: "test-project",
        };
        let args = idp_add_args(
            idp,
            name,
            at,
            "client-credentials",
            "cc-client",
            &["--client-secret-stdin"],
        );
        self.run_stdin(&args, Some(&format!("{secret}\n"))).ok();
    }

    /// Looks an entry up in the keyring with libsecret's own tool.
    pub fn keyring_lookup(&self, profile: &str, kind: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                &self.keyring_service,
                "username",
                &format!("{profile}:{kind}"),
            ])
            .output()
            .expect("secret-tool (libsecret-tools) is required");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).to_string())
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if !self.remove_profiles_on_drop {
            return;
        }
        let Ok(text) = std::fs::read_to_string(self.profiles_file()) else {
            return;
        };
        let Ok(file) = text.parse::<toml::Table>() else {
            return;
        };
        let names: Vec<String> = file
            .get("profiles")
            .and_then(|p| p.as_table())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let _ = self.run(&["profile", "remove", &name]);
        }
    }
}

/// Where a test profile points: its cluster and project.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub cluster: &'a str,
    pub project: &'a str,
}

/// `profile add NAME` at `at` with the tenant, client and flow given, then `extra`.
fn add_args_with<'a>(
    name: &'a str,
    at: Place<'a>,
    tenant_id: &'a str,
    client_id: &'a str,
    flow: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "profile",
        "add",
        name,
        "--cluster",
        at.cluster,
        "--project",
        at.project,
        "--tenant-id",
        tenant_id,
        "--client-id",
        client_id,
        "--flow",
        flow,
    ];
    args.extend_from_slice(extra);
    args
}

/// The arguments of `profile add NAME` against the test provider (tenant `test-tenant`,
/// the provider as authority), then `extra`.
pub fn idp_add_args<'a>(
    idp: &'a Idp,
    name: &'a str,
    at: Place<'a>,
    flow: &'a str,
    client_id: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = add_args_with(name, at, "test-tenant", client_id, flow, &[]);
    args.extend_from_slice(&["--authority", &idp.issuer]);
    args.extend_from_slice(extra);
    args
}

/// `profile add NAME` with placeholder cluster, project, tenant and client, the `flow`,
/// then `extra`: for tests about one option, where the rest does not matter.
pub fn add_args<'a>(name: &'a str, flow: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    add_args_for(name, "api", "p", flow, extra)
}

/// [`add_args`] with the cluster and project given.
pub fn add_args_for<'a>(
    name: &'a str,
    cluster: &'a str,
    project: &'a str,
    flow: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    add_args_with(name, Place { cluster, project }, "t", "c", flow, extra)
}

pub fn to_run(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Decodes a JWT's payload (test side, independent of the code under test).
pub fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// A TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits for `pred` on a growing text (a child's stderr) with a deadline.
pub fn wait_for(what: &str, timeout: Duration, mut pred: impl FnMut() -> bool) {
    let start = Instant::now();
    while !pred() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// A running `cdf-signin` whose stderr is collected as it comes.
pub struct Running {
    pub child: Child,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr has a line starting with `prefix`; returns the rest of it.
    pub fn wait_line(&self, prefix: &str, timeout: Duration) -> String {
        let mut found = None;
        wait_for(
            &format!("a stderr line starting {prefix:?}"),
            timeout,
            || {
                found = self.stderr().lines().find_map(|l| {
                    l.trim_start()
                        .strip_prefix(prefix)
                        .map(|s| s.trim().to_string())
                });
                found.is_some() || self.exited()
            },
        );
        found.unwrap_or_else(|| panic!("exited before printing {prefix:?}: {}", self.stderr()))
    }

    fn exited(&self) -> bool {
        // try_wait needs &mut; a finished reader thread means stderr closed.
        self.reader.as_ref().is_some_and(|r| r.is_finished())
    }

    pub fn finish(mut self, timeout: Duration) -> Run {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(r) = self.reader.take() {
                    r.join().unwrap();
                }
                let mut stdout = String::new();
                if let Some(mut out) = self.child.stdout.take() {
                    std::io::Read::read_to_string(&mut out, &mut stdout).unwrap();
                }
                return Run {
                    code: status.code().unwrap_or(-1),
                    stdout,
                    stderr: self.stderr(),
                };
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "cdf-signin did not finish in {timeout:?}; stderr: {}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn interrupt(&self) {
        // SIGINT, as Ctrl-C sends it.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
    }
}

impl Env {
    pub fn spawn(&self, args: &[&str]) -> Running {
        spawn_running(self.command(args))
    }
}

/// Starts `cmd` (a cdf-signin, directly or under Wine) with stdin closed and its stderr
/// collected as it comes.
pub fn spawn_running(mut cmd: Command) -> Running {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cdf-signin");
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let pipe = child.stderr.take().unwrap();
    let sink = stderr.clone();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    Running {
        child,
        stderr,
        reader: Some(reader),
    }
}

/// Runs one of the provider's browser scripts (playwright-core + Debian chromium).
pub fn node_script(script: &str, args: &[&str]) -> Run {
    let out = Command::new("node")
        .arg(repo().join("tests/idp").join(script))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run node");
    to_run(out)
}

/// A child process killed (and reaped) when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a display number it picks itself (-displayfd), so tests never collide.
pub fn start_xvfb() -> (Killed, String) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (package xvfb) is required");
    let mut out = child.stdout.take().unwrap();
    let mut number = String::new();
    let mut byte = [0u8; 1];
    while out.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
        number.push(byte[0] as char);
    }
    assert!(!number.trim().is_empty(), "Xvfb did not report its display");
    (Killed(child), format!(":{}", number.trim()))
}

//! `cdf_signin.login()` in a real Jupyter kernel: ipykernel started and driven by
//! jupyter_client (tests/python/kernel.py) in the Jupyter venv tests/setup.sh makes, with
//! the wheel installed there as in its own venv (tests/python/prepare.sh --jupyter). A
//! device-code profile's code and page come as rich output (a `display_data` with a
//! link), and as text; outside a kernel, text only.

use crate::common;

use std::time::{Duration, Instant};

use common::{Env, Idp, Running, node_script, spawn_running};
use serde_json::{Value, json};

use crate::hostile_answers::endpoint_path;
use crate::python_wheel::{Opts, Venv, last_json, prepare};

/// A user code with every character HTML acts on.
const HOSTILE_CODE: &str = r#"<b>X&Y"Z'</b>"#;

/// The next device authorization gets a scripted answer: `HOSTILE_CODE`, a page with a
/// query (an `&` to escape in the link), and a device code the provider does not know,
/// so the sign-in ends unfinished.
fn answer_hostile_device_code(idp: &Idp) {
    idp.fault(json!({
        "path": endpoint_path(idp, "device_authorization_endpoint"),
        "status": 200,
        "content_type": "application/json",
        "body": json!({
            "device_code": "hostile-device-code",
            "user_code": HOSTILE_CODE,
            "verification_uri": format!("{}/device?a=1&b=2", idp.issuer),
            "expires_in": 600,
            "interval": 1,
        }).to_string(),
    }));
}

/// A sign-in asked for with a 1 s timeout, which the hostile answer never completes.
const UNFINISHED_LOGIN: &str = r#"
import cdf_signin
try:
    cdf_signin.login("dev", timeout=1)
except cdf_signin.Error as e:
    print("not signed in:", e.message)
"#;

/// What HTML text or an attribute value holds for `s` (Python's `html.escape`).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The rest of the first line starting with `prefix` after the line `marker` on the
/// run's stderr, once there.
fn wait_line_after(run: &Running, marker: &str, prefix: &str, timeout: Duration) -> String {
    let start = Instant::now();
    loop {
        let stderr = run.stderr();
        let found = stderr.lines().skip_while(|l| *l != marker).find_map(|l| {
            l.trim_start()
                .strip_prefix(prefix)
                .map(|s| s.trim().to_string())
        });
        if let Some(found) = found {
            return found;
        }
        assert!(
            start.elapsed() < timeout,
            "no line {prefix:?} after {marker:?} in {timeout:?}: {stderr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One cell's outputs, from tests/python/kernel.py's report.
struct Cell<'a> {
    status: &'a str,
    messages: &'a [Value],
}

impl<'a> Cell<'a> {
    fn of(report: &'a Value) -> Cell<'a> {
        Cell {
            status: report["status"].as_str().unwrap(),
            messages: report["messages"].as_array().unwrap(),
        }
    }

    /// All stream text (stdout and stderr), in order.
    fn text(&self) -> String {
        self.of_type("stream")
            .map(|c| c["text"].as_str().unwrap())
            .collect()
    }

    /// The rest of the stream line starting with `prefix`.
    fn line(&self, prefix: &str) -> String {
        let text = self.text();
        text.lines()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in the cell's stream output: {text}"))
            .trim()
            .to_string()
    }

    /// The one `display_data` the cell showed: its bundle.
    fn display(&self) -> &'a Value {
        let shown: Vec<&Value> = self.of_type("display_data").collect();
        assert_eq!(shown.len(), 1, "one display_data: {:?}", self.messages);
        &shown[0]["data"]
    }

    fn of_type(&self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.messages
            .iter()
            .filter(move |m| m["type"] == kind)
            .map(|m| &m["content"])
    }
}

/// The rich output shows `url` as a link and `code`, both escaped, and its plain-text
/// alternative says the same in words.
fn assert_shows(bundle: &Value, url: &str, code: &str) {
    let html = bundle["text/html"].as_str().expect("a text/html output");
    let (url, code_html) = (escaped(url), escaped(code));
    assert!(
        html.contains(&format!(r#"<a href="{url}""#)) && html.contains(&format!(">{url}</a>")),
        "the page as a link: {html}"
    );
    assert!(html.contains(&code_html), "the code: {html}");
    let plain = bundle["text/plain"].as_str().expect("a text/plain output");
    assert!(plain.contains(code), "the code in the plain text: {plain}");
}

/// The Jupyter venv with the wheel, a test provider, and a device-code profile `dev`.
fn jupyter_and_a_device_code_profile() -> (Venv, Idp, Env) {
    let jupyter = Venv {
        dir: prepare(&["--jupyter"]),
    };
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    (jupyter, idp, env)
}

#[test]
fn login_in_a_jupyter_kernel_shows_the_code_as_a_link_and_signs_in() {
    let (jupyter, idp, env) = jupyter_and_a_device_code_profile();

    // Cell 1 gets the hostile answer (escaping); cell 2 the provider's own, approved.
    answer_hostile_device_code(&idp);
    let cells = [UNFINISHED_LOGIN, r#"cdf_signin.login("dev", timeout=120)"#];
    let mut cmd = jupyter.interpreter(&env, Opts::default());
    let jupyter_dir = env.root.path().join("jupyter");
    cmd.arg(common::repo().join("tests/python/kernel.py"))
        .args(cells)
        .env("JUPYTER_CONFIG_DIR", jupyter_dir.join("config"))
        .env("JUPYTER_DATA_DIR", jupyter_dir.join("data"))
        .env("JUPYTER_RUNTIME_DIR", jupyter_dir.join("runtime"))
        .env("IPYTHONDIR", jupyter_dir.join("ipython"))
        .env("JUPYTER_PLATFORM_DIRS", "1")
        .env_remove("JUPYTER_PATH");
    let started = Instant::now();
    let kernel = spawn_running(cmd);
    let sign_in = Duration::from_secs(90);
    let url = wait_line_after(&kernel, "cell 2", "URL:", sign_in);
    let code = wait_line_after(&kernel, "cell 2", "Code:", sign_in);
    node_script("approve-device.mjs", &[&url, &code]).ok();
    let run = kernel.finish(sign_in);
    run.ok();
    eprintln!(
        "the kernel's run took {:?} ({})",
        started.elapsed(),
        run.stderr
            .lines()
            .find(|l| l.starts_with("kernel started"))
            .unwrap_or("")
    );
    let report = last_json(&run);
    let cells = report.as_array().expect("one report per cell");
    assert_eq!(cells.len(), 2, "{report}");

    // The hostile answer: text as the command line said it, the link and code escaped.
    let hostile = Cell::of(&cells[0]);
    assert_eq!(hostile.status, "ok", "{report}");
    assert_eq!(hostile.line("Code:"), HOSTILE_CODE);
    let hostile_url = hostile.line("URL:");
    assert!(hostile_url.contains('&'), "{hostile_url}");
    assert!(
        hostile.text().contains("not signed in:"),
        "{}",
        hostile.text()
    );
    let bundle = hostile.display();
    assert_shows(bundle, &hostile_url, HOSTILE_CODE);
    assert!(
        !bundle["text/html"].as_str().unwrap().contains("<b>"),
        "{bundle}"
    );

    // The provider's own: the link and the code, the code in the stream too, signed in.
    let real = Cell::of(&cells[1]);
    assert_eq!(real.status, "ok", "{report}");
    assert_eq!(real.line("URL:"), url);
    assert_eq!(real.line("Code:"), code);
    assert_shows(real.display(), &url, &code);
    assert!(
        real.text().contains("Signed in with profile 'dev'"),
        "{}",
        real.text()
    );

    // The token is there for the command line, which asks the provider for nothing.
    let asked = idp.count("token");
    let token = env.run(&["token", "--profile", "dev"]);
    token.ok();
    assert!(token.stdout.trim().starts_with("ey"), "{}", token.stdout);
    assert_eq!(idp.count("token"), asked, "no new token request");
}

/// Outside a kernel, with IPython imported by a plain script and in IPython's own
/// terminal shell (an IPython shell, but no kernel's): the command line's text, once,
/// and nothing else.
#[test]
fn login_outside_a_kernel_shows_text_only_even_under_ipython() {
    let (jupyter, idp, env) = jupyter_and_a_device_code_profile();
    for (how, script) in [
        ("python", format!("import IPython\n{UNFINISHED_LOGIN}")),
        ("IPython's terminal", UNFINISHED_LOGIN.to_string()),
    ] {
        answer_hostile_device_code(&idp);
        let mut cmd = jupyter.command(&env, &script, Opts::default());
        if how != "python" {
            // `python -m IPython --quick script.py` runs the script in the shell.
            let script = cmd.get_args().last().unwrap().to_owned();
            let mut ipython = jupyter.interpreter(&env, Opts::default());
            ipython
                .args([
                    "-m",
                    "IPython",
                    "--quick",
                    "--no-banner",
                    "--colors=nocolor",
                ])
                .arg(script)
                .env("IPYTHONDIR", env.root.path().join("ipython"));
            cmd = ipython;
        }
        let run = common::to_run(
            cmd.stdin(std::process::Stdio::null())
                .output()
                .expect("run the Jupyter venv's python"),
        );
        run.ok();
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("not signed in:"), "{how}: {all}");
        assert!(
            run.stderr
                .lines()
                .any(|l| l.trim() == format!("Code: {HOSTILE_CODE}")),
            "{how}: {}",
            run.stderr
        );
        assert_eq!(
            all.matches("To sign in, open").count(),
            1,
            "{how}: the command line's instructions once, nothing shown beside: {all}"
        );
        for html in ["<a ", "<div", "&lt;", "IPython.core.display"] {
            assert!(!all.contains(html), "{how}: {html:?} in a plain run: {all}");
        }
    }
}

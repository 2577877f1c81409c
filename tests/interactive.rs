//! The interactive flow end to end: authorization code + PKCE, a real browser
//! (Debian chromium through playwright-core as `$BROWSER`) on the provider's own login
//! and consent pages, redirected to our loopback listener.

use crate::common;

use std::time::Duration;

use common::{BASE_URL, Env, Idp, free_port, jwt_claims, repo};

const SIGN_IN: Duration = Duration::from_secs(120);

fn interactive_env(idp: &Idp, browser: &str) -> (Env, u16) {
    let mut env = Env::new();
    let port = free_port();
    env.add_profile(
        idp,
        "dev",
        "interactive",
        "interactive-client",
        &["--port", &port.to_string()],
    )
    .ok();
    env.set("BROWSER", browser);
    (env, port)
}

fn browser_script() -> String {
    repo().join("tests/idp/browser.mjs").display().to_string()
}

#[test]
fn browser_sign_in_then_token_from_cache() {
    let idp = Idp::start();
    let (env, port) = interactive_env(&idp, &browser_script());
    let login = env.spawn(&["login", "--profile", "dev"]);
    let r = login.finish(SIGN_IN);
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{port}")),
        "URL printed: {}",
        r.stderr
    );
    assert!(r.stderr.contains("code_challenge_method=S256"));
    let before = idp.count("token");
    let token = env
        .run(&["token", "--profile", "dev"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(idp.count("token"), before);
    assert_eq!(jwt_claims(&token)["aud"], BASE_URL);
    // The refresh token from offline_access works.
    env.run(&["token", "--profile", "dev", "--min-valid", "7200"])
        .ok();
}

#[test]
fn declined_consent_ends_with_access_denied() {
    let idp = Idp::start();
    let (mut env, _) = interactive_env(&idp, &browser_script());
    env.set("IDP_BROWSER_ACTION", "deny");
    let r = env.spawn(&["login", "--profile", "dev"]).finish(SIGN_IN);
    let line = r.fails_cleanly(1);
    assert!(line.contains("access_denied"), "{line}");
}

#[test]
fn busy_port_is_a_one_line_error_naming_it() {
    let idp = Idp::start();
    let (env, port) = interactive_env(&idp, "true");
    let _blocker = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let r = env.run(&["login", "--profile", "dev"]);
    let line = r.fails_cleanly(1);
    assert!(
        line.contains(&format!("port {port}")) && line.contains("in use"),
        "{line}"
    );
    assert_eq!(
        idp.count("authorization"),
        0,
        "the browser was never sent to the IdP"
    );
}

#[test]
fn wrong_state_is_refused_and_the_real_callback_still_lands() {
    let idp = Idp::start();
    let dir = tempfile::tempdir().unwrap();
    let status_file = dir.path().join("status");
    let wrapper = dir.path().join("browser.sh");
    let (mut env, port) = interactive_env(&idp, "placeholder");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\ncurl -s -o /dev/null -w '%{{http_code}}' 'http://localhost:{port}/?code=forged&state=wrong' > '{}'\nexec '{}' \"$1\"\n",
            status_file.display(),
            browser_script()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    env.set("BROWSER", &wrapper.display().to_string());
    env.spawn(&["login", "--profile", "dev"])
        .finish(SIGN_IN)
        .ok();
    assert_eq!(std::fs::read_to_string(&status_file).unwrap(), "400");
    env.run(&["token", "--profile", "dev"]).ok();
}

#[test]
fn sign_in_times_out_cleanly() {
    let idp = Idp::start();
    let (env, port) = interactive_env(&idp, "true");
    let r = env.run(&["login", "--profile", "dev", "--timeout", "2"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("did not finish within 2 s"), "{line}");
    // The port is free again.
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("port released");
}

#[test]
fn ctrl_c_cancels_the_browser_wait() {
    let idp = Idp::start();
    let (env, _) = interactive_env(&idp, "true");
    let login = env.spawn(&["login", "--profile", "dev"]);
    login.wait_line("Waiting for the sign-in", Duration::from_secs(20));
    login.interrupt();
    let r = login.finish(Duration::from_secs(10));
    assert!(r.fails_cleanly(1).contains("cancelled"));
}

/// Issue 19: `--port` takes a list, stored as given and tried in order: with the first
/// port busy the redirect goes to the next, and the sign-in completes there.
#[test]
fn a_port_list_skips_a_busy_port_and_signs_in_on_the_next() {
    let idp = Idp::start();
    let mut env = Env::new();
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let next = free_port();
    let list = format!("{busy_port},{next}");
    env.add_profile(
        &idp,
        "dev",
        "interactive",
        "interactive-client",
        &["--port", &list],
    )
    .ok();
    let stored = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(stored.contains(&format!("port = \"{list}\"")), "{stored}");
    env.set("BROWSER", &browser_script());
    let r = env.spawn(&["login", "--profile", "dev"]).finish(SIGN_IN);
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{next}")),
        "URL printed: {}",
        r.stderr
    );
    env.run(&["token", "--profile", "dev"]).ok();
}

/// Every port of the list taken: one error naming the list, before any browser opens.
#[test]
fn a_port_list_all_busy_is_one_error_naming_them() {
    let idp = Idp::start();
    let (mut env, _) = interactive_env(&idp, "true");
    let held: Vec<std::net::TcpListener> = (0..2)
        .map(|_| std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap())
        .collect();
    let ports: Vec<u16> = held
        .iter()
        .map(|h| h.local_addr().unwrap().port())
        .collect();
    let list = format!("{},{}", ports[0], ports[1]);
    env.add_profile(
        &idp,
        "busy",
        "interactive",
        "interactive-client",
        &["--port", &list],
    )
    .ok();
    env.set("BROWSER", "false");
    let r = env.run(&["login", "--profile", "busy"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains(&list) && line.contains("in use"), "{line}");
    assert!(
        r.hint().unwrap_or_default().contains("--port"),
        "{r:?}",
        r = r.stderr
    );
    assert_eq!(idp.count("authorization"), 0);
    let bad = env.add_profile(
        &idp,
        "bad",
        "interactive",
        "interactive-client",
        &["--port", "3100-3000"],
    );
    assert!(bad.fails_cleanly(2).contains("backwards"), "{}", bad.stderr);
}

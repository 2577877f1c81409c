//! The window, driven through its accessibility tree with egui_kittest: the real app
//! type, the real worker, the test OpenID provider and the real keyring; only the
//! clipboard (recorded) and the clock (moved by hand) are stand-ins.

use crate::common;

use std::time::{Duration, Instant};

use cdf_signin::ui::{Check, SignIn};
use common::window::{Gui, open, open_sized};
use common::{Env, Idp, node_script};
use eframe::egui;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::json;

#[test]
fn first_run_welcome_then_create_a_profile_in_the_editor() {
    let env = Env::new();
    let mut gui = open(&env);
    assert!(gui.has_text("Welcome to cdf-signin"));
    gui.click("Create your first profile");
    assert!(gui.has_label("Profile name"));

    // A bad name is refused inline, and nothing is written.
    gui.type_into("Profile name", "bad name");
    gui.click("Save profile");
    assert!(gui.has_text("invalid profile name"), "inline error shown");
    assert!(!env.profiles_file().exists());

    gui.harness.get_by_label("Profile name").focus();
    gui.harness.step();
    gui.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    gui.harness.get_by_label("Profile name").type_text("dev-eu");
    gui.harness.step();
    gui.click("Device code");
    assert_eq!(
        gui.harness
            .state()
            .view
            .editor
            .as_ref()
            .and_then(|e| e.flow),
        Some(cdf_signin::profile::Flow::DeviceCode)
    );
    gui.type_into("Cluster", "westeurope-1");
    gui.type_into("Project", "acme");
    gui.type_into("Tenant id", "contoso.onmicrosoft.com");
    gui.type_into("Client id", "11111111-2222-3333-4444-555555555555");
    gui.click("Save profile");
    gui.wait("the profile in the sidebar", |h| {
        h.state().model.profiles.profiles.contains_key("dev-eu")
    });
    assert!(gui.has_text("dev-eu"));
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        file.contains("[profiles.dev-eu]") && file.contains("flow = \"device-code\""),
        "{file}"
    );
    assert!(
        gui.has_label("Sign in"),
        "the new profile offers its sign-in"
    );
}

#[test]
fn project_switcher_and_ctrl_number_switch_profiles() {
    let env = Env::new();
    for (name, project) in [("alpha", "p-alpha"), ("beta", "p-beta")] {
        env.run(&common::add_args_for(
            name,
            "api",
            project,
            "device-code",
            &[],
        ))
        .ok();
    }
    let mut gui = open(&env);
    assert_eq!(
        gui.harness.state().model.selected.as_deref(),
        Some("alpha"),
        "the default profile first"
    );
    gui.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    gui.harness.step();
    gui.harness.step();
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("beta"));
    assert!(gui.has_text("p-beta"));
    gui.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num1);
    gui.harness.step();
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("alpha"));
}

#[test]
fn device_code_sign_in_shows_the_code_then_the_token_and_copies_it() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let mut gui = open(&env);
    gui.click("Sign in");
    gui.wait("the device code", |h| {
        matches!(
            h.state().model.states.sign_in("dev"),
            Some(SignIn::Waiting(_))
        )
    });
    let (code, uri) = match gui.harness.state().model.states.sign_in("dev") {
        Some(SignIn::Waiting(cdf_signin::auth::SignInPrompt::DeviceCode(d))) => {
            (d.user_code.clone(), d.verification_uri.clone())
        }
        other => panic!("expected a device code, got {other:?}"),
    };
    assert!(gui.has_label(&code), "the code is shown");
    assert!(gui.has_text("expires in"), "with a countdown");
    gui.click("Copy code");
    assert_eq!(gui.clipboard().as_deref(), Some(code.as_str()));

    node_script("approve-device.mjs", &[&uri, &code]).ok();
    let token = gui.wait_for_token("dev");
    assert!(gui.has_text("Valid"));
    gui.click("Copy access token");
    assert_eq!(gui.clipboard().as_deref(), Some(token.as_str()));
    assert!(gui.has_text("clears in 60 s"), "toast");
    gui.click("Copy as Authorization header");
    assert_eq!(
        gui.clipboard(),
        Some(format!("Authorization: Bearer {token}"))
    );
    assert!(gui.has_label("Copy ID token"));

    // The clipboard is cleared after the delay, as long as it still holds our token.
    gui.clock.advance(61);
    gui.harness.step();
    gui.harness.step();
    assert_eq!(gui.clipboard(), None);
    // Claims are explained.
    assert!(gui.has_text("Audience: the API this token is for"));
}

#[test]
fn clipboard_is_left_alone_when_it_changed_meanwhile() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = open(&env);
    gui.click("Get token");
    gui.wait_for_token("svc");
    gui.click("Copy access token");
    assert!(gui.clipboard().is_some(), "copied");
    *gui.clipboard.content.lock().unwrap() = Some("something else".into());
    gui.clock.advance(61);
    gui.harness.step();
    gui.harness.step();
    assert_eq!(gui.clipboard().as_deref(), Some("something else"));
}

#[test]
fn countdown_moves_with_the_clock() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = open(&env);
    gui.click("Get token");
    gui.wait_for_token("svc");
    let left = |gui: &Gui| {
        gui.harness
            .query_all_by_label_contains(" left)")
            .next()
            .and_then(|n| n.value())
            .unwrap_or_default()
    };
    let before = left(&gui);
    assert!(before.contains(" min "), "{before}");
    gui.clock.advance(20 * 60);
    gui.harness.step();
    let after = left(&gui);
    assert_ne!(before, after);
    assert!(
        !after.contains(" s left"),
        "whole minutes while far from expiry: {after}"
    );
    // Close to expiry the countdown shows seconds.
    gui.clock.advance(39 * 60);
    gui.harness.step();
    let near = left(&gui);
    assert!(near.contains(" s left"), "{near}");
    gui.clock.advance(3600);
    gui.harness.step();
    assert!(gui.has_text("Expired"));
}

/// The answer Entra ID gives for a wrong client secret.
const ENTRA_BAD_SECRET: &str = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. Trace ID: 0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00 Correlation ID: 3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4","error_codes":[7000215],"trace_id":"0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00","correlation_id":"3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4"}"#;

#[test]
fn bad_client_secret_shows_a_banner_with_the_aadsts_code_and_details() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "wrong");
    idp.fault(json!({"path": idp.token_path(), "status": 401, "content_type": "application/json", "body": ENTRA_BAD_SECRET, "times": 1}));
    let mut gui = open(&env);
    gui.click("Get token");
    gui.wait("the error", |h| {
        h.state().model.states.error("svc").is_some()
    });
    assert!(gui.has_text("AADSTS7000215: Invalid client secret provided."));
    assert!(gui.has_text("secret's Value"), "with its hint");
    gui.click("Details");
    assert!(
        gui.has_text("0b5d4c6e-1f2a-4b3c-9d8e-7f6a5b4c3d00"),
        "trace id shown"
    );
    gui.click("Copy details");
    let details = gui.clipboard().unwrap();
    assert!(
        details.contains("AADSTS7000215")
            && details.contains("3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4"),
        "{details}"
    );
    assert!(gui.has_label("Get token"), "still offers to try again");
}

#[test]
fn cancel_ends_a_waiting_browser_sign_in() {
    let idp = Idp::start();
    let env = Env::new();
    let port = common::free_port().to_string();
    env.add_profile(
        &idp,
        "dev",
        "interactive",
        "interactive-client",
        &["--port", &port],
    )
    .ok();
    unsafe {
        std::env::set_var("BROWSER", "true");
    }
    let mut gui = open(&env);
    gui.click("Sign in");
    gui.wait("the browser wait", |h| {
        matches!(
            h.state().model.states.sign_in("dev"),
            Some(SignIn::Waiting(_))
        )
    });
    assert!(gui.has_text("Waiting for you to finish in the browser"));
    assert!(gui.has_label("Copy address") && gui.has_label("Open again"));
    gui.click("Copy address");
    assert!(
        gui.clipboard()
            .unwrap()
            .contains("code_challenge_method=S256")
    );
    gui.click("Cancel");
    gui.wait("the sign-in to end", |h| {
        !h.state().model.states.any_sign_in()
    });
    assert!(gui.has_label("Sign in"));
    assert!(
        gui.harness.state().model.states.error("dev").is_none(),
        "cancelling is not an error"
    );
    // The loopback port is free again.
    gui.wait("the port to be released", |_| {
        std::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>().unwrap())).is_ok()
    });
}

#[test]
fn a_thousand_profiles_are_listed_lazily() {
    let env = Env::new();
    let mut text = String::from("default = \"p0000\"\n");
    for i in 0..1000 {
        text.push_str(&format!(
            "[profiles.p{i:04}]\ncluster = \"c{}\"\nproject = \"proj{i}\"\ntenant_id = \"t\"\nclient_id = \"c\"\nflow = \"device-code\"\n",
            i % 7
        ));
    }
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(env.profiles_file(), text).unwrap();
    let mut gui = open(&env);
    assert_eq!(gui.harness.state().model.profiles.profiles.len(), 1000);
    // Only the rows in view are laid out (and so in the accessibility tree).
    let rows = gui.harness.query_all_by_label_contains("p0").count();
    assert!(
        rows > 5 && rows < 100,
        "{rows} rows laid out for 1000 profiles"
    );
    // The filter narrows the list to what matches.
    gui.type_into("Filter profiles", "proj999");
    assert!(gui.has_text("p0999"));
    assert!(!gui.has_text("p0998"));
}

#[test]
fn tab_moves_focus_through_the_controls() {
    let env = Env::new();
    let mut gui = open(&env);
    gui.click("Create your first profile");
    gui.harness.get_by_label("Profile name").focus();
    gui.harness.step();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..12 {
        gui.harness.key_press(egui::Key::Tab);
        gui.harness.step();
        if let Some(node) = gui.harness.query_by(|n| n.is_focused()) {
            seen.insert(format!(
                "{:?}",
                node.accesskit_node().label().or_else(|| node.value())
            ));
        }
    }
    assert!(seen.len() >= 8, "Tab visited only {seen:?}");
}

// ---- CDF awareness: Access tab, Verify, Add profile for project X, Import .env ----

use common::cdf::{CdfApi, CdfOptions};

/// A client-credentials profile against the fake CDF, signed in, in an open window.
fn signed_in_against_cdf(env: &Env, idp: &Idp, cdf: &CdfApi) -> Gui {
    cdf.add_cc_profile(env, idp, "svc", "cc-secret");
    let mut gui = open(env);
    gui.click("Get token");
    gui.wait_for_token("svc");
    gui
}

#[test]
fn access_tab_verifies_filters_and_adds_a_profile_for_another_project() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    assert!(gui.has_label("Claims") && gui.has_label("Access"));
    gui.click("Verify");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("svc").is_some()
    });
    assert!(gui.has_text("my-project is reachable with this token"));
    assert!(gui.has_text("assetsAcl"));
    assert!(
        gui.has_text("quantumAcl"),
        "unknown ACLs are shown as they come"
    );

    gui.type_into("Filter capabilities", "quantum");
    assert!(gui.has_text("quantumAcl"));
    assert!(
        !gui.has_text("assetsAcl"),
        "the filter hides what does not match"
    );
    assert!(gui.has_text("1 of "), "a count of what is shown");

    // One click makes a profile for another project the token reaches, secret included.
    assert!(gui.has_label("Add profile for project sandbox"));
    assert!(
        !gui.has_label("Add profile for project my-project"),
        "it has one"
    );
    gui.click("Add profile for project sandbox");
    gui.wait("the new profile", |h| {
        h.state().model.profiles.profiles.contains_key("sandbox")
    });
    assert_eq!(
        gui.harness.state().model.profiles.profiles["sandbox"].project,
        "sandbox"
    );
    assert_eq!(
        env.keyring_lookup("sandbox", "client-secret").as_deref(),
        Some("cc-secret")
    );
    assert!(!gui.has_label("Add profile for project sandbox"));
}

/// Two profiles at one project and base URL (the issue's `contoso-prod` beside an
/// organization's `contoso-contoso-prod`): each one's Access tab calls the project its
/// own, rather than linking to the other because its name sorts first.
#[test]
fn access_tab_links_its_own_project_to_the_profile_on_screen() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    cdf.add_cc_profile(&env, &idp, "svc", "cc-secret");
    cdf.add_cc_profile(&env, &idp, "a-copy", "cc-secret");
    let mut gui = open(&env);
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("svc"));
    gui.click("Get token");
    gui.wait_for_token("svc");
    gui.click("Verify");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("svc").is_some()
    });
    assert!(gui.has_text("this profile"));
    assert!(!gui.has_label("profile a-copy"), "not the other one");
    // Another project of the token links to its one profile, whatever its name.
    assert!(gui.has_label("Add profile for project sandbox"));
}

#[test]
fn access_tab_says_when_the_project_is_out_of_reach() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            projects: Some(vec!["publicdata".into(), "my-project-dev".into()]),
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    gui.click("Verify");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("svc").is_some()
    });
    assert!(
        gui.has_text("my-project is NOT reachable with this token; did you mean 'my-project-dev'")
    );
}

/// The Check panel's checklist, once the worker has answered: (step name, status).
fn checklist(gui: &Gui, profile: &str) -> Option<Vec<(String, String)>> {
    match gui.harness.state().model.states.check(profile)? {
        Check::Done(Ok(report)) => Some(
            report
                .steps
                .iter()
                .map(|s| (s.id.name().to_string(), s.status.as_str().to_string()))
                .collect(),
        ),
        _ => None,
    }
}

#[test]
fn check_shows_the_chain_as_a_checklist_with_needs_offered_as_typed() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    gui.click("Check");
    gui.wait("the checklist", |h| {
        matches!(h.state().model.states.check("svc"), Some(Check::Done(_)))
    });
    let steps = checklist(&gui, "svc").expect("a report");
    assert_eq!(steps.len(), 7);
    assert!(steps.iter().all(|(_, s)| s == "passed"), "{steps:?}");
    assert!(gui.has_text("Every step passed"));
    assert!(gui.has_text("The identity provider is reachable"));
    assert!(gui.has_text("my-project is reachable with this token"));

    // Known ACL names are offered for the word being typed; a click completes it.
    gui.type_into("Needed capabilities", "assetsAcl:READ, wel");
    assert!(gui.has_label("wellsAcl:"), "suggested while typing");
    gui.click("wellsAcl:");
    assert_eq!(
        gui.harness.state().view.check_needs,
        "assetsAcl:READ, wellsAcl:"
    );
    // Then its actions are offered.
    assert!(gui.has_label("wellsAcl:WRITE"));
    gui.click("wellsAcl:READ");
    assert_eq!(
        gui.harness.state().view.check_needs,
        "assetsAcl:READ, wellsAcl:READ"
    );
    gui.click("Check again");
    gui.wait("the second checklist", |h| {
        matches!(h.state().model.states.check("svc"), Some(Check::Done(_)))
    });
    let steps = checklist(&gui, "svc").expect("a report");
    assert_eq!(steps[6], ("capabilities".to_string(), "failed".to_string()));
    assert!(gui.has_text("1 of 7 steps failed"));
    assert!(gui.has_text("wellsAcl:READ is not granted"));
    assert!(gui.has_text("Fix: ask a CDF administrator"));

    gui.click("Copy details");
    let details = gui.clipboard().expect("copied");
    assert!(details.contains("7. [failed] The needed capabilities are granted: in my-project, wellsAcl:READ is not granted"), "{details}");
    assert!(
        details.contains("1. [passed] The profile is complete"),
        "{details}"
    );
    assert!(
        details.contains("   fix: ask a CDF administrator"),
        "{details}"
    );

    gui.click("Close check");
    assert!(gui.harness.state().model.states.check("svc").is_none());
    assert!(!gui.has_label("Needed capabilities"));
}

#[test]
fn copy_as_env_and_python_snippet() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    let token = gui.access_token("svc");
    gui.click("Copy as env");
    let text = gui.clipboard().unwrap();
    assert!(text.contains("export CDF_PROJECT='my-project'"), "{text}");
    assert!(text.contains(&format!("export CDF_TOKEN='{token}'")));
    gui.click("Copy Python snippet");
    let snippet = gui.clipboard().unwrap();
    assert!(
        snippet.contains(r#"client = cdf_signin.client("svc")"#),
        "{snippet}"
    );
    assert!(snippet.contains(r#"pip install "cdf-signin[sdk]""#));
    gui.click("Copy snippet without pip");
    let snippet = gui.clipboard().unwrap();
    assert!(
        snippet.contains(r#""token", "--profile", "svc", "--json""#),
        "{snippet}"
    );
    assert!(snippet.contains("credentials=Token(cdf_token)"));
    assert!(!snippet.contains(&token), "the snippet holds no token");
}

#[test]
fn import_env_dialog_shows_errors_inline_then_imports() {
    let env = Env::new();
    let mut gui = open(&env);
    gui.click("Import .env");
    let set_path = |gui: &mut Gui, path: &std::path::Path| gui.set_import_path(path);
    set_path(&mut gui, &common::fixture("env/broken-flow.env"));
    gui.click("Import");
    gui.wait("the error", |h| {
        h.state()
            .view
            .import
            .as_ref()
            .is_some_and(|d| d.error.is_some())
    });
    assert!(gui.has_text("LOGIN_FLOW: 'telepathy' is not a login flow"));
    assert!(!env.profiles_file().exists());

    set_path(&mut gui, &common::fixture("env/cc-entra.env"));
    gui.click("Import");
    gui.wait("the imported profile", |h| {
        h.state().model.selected.as_deref() == Some("my-project")
    });
    assert!(
        gui.harness.state().view.import.is_none(),
        "the dialog closes"
    );
    assert_eq!(
        env.keyring_lookup("my-project", "client-secret").as_deref(),
        Some("Zx8Q~sec'ret with spaces")
    );
}

#[test]
fn legacy_api_key_profile_is_labelled_verified_and_copied() {
    let idp = Idp::start();
    let cdf = CdfApi::start_with(
        &idp,
        CdfOptions {
            api_keys: vec!["k-123=old-project".into()],
            ..CdfOptions::default()
        },
    );
    let env = Env::new();
    let at = common::Place {
        cluster: common::CLUSTER,
        project: "old-project",
    };
    env.add_api_key_profile("legacy", at, "k-123", &["--base-url", cdf.base_url()]);
    let mut gui = open(&env);
    assert!(gui.has_text("(legacy)"));
    assert!(gui.has_text("Legacy API key"));
    assert!(!gui.has_label("Sign in"), "an API key has no sign-in");
    gui.click("Verify key");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("legacy").is_some()
    });
    assert!(gui.has_text("The key works for old-project"));
    gui.click("Copy API key");
    let start = Instant::now();
    while gui.clipboard().as_deref() != Some("k-123") {
        assert!(start.elapsed() < Duration::from_secs(20), "key not copied");
        gui.harness.step();
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn a_short_lived_token_is_renewed_once_not_in_a_loop() {
    // Six-second tokens: far shorter than the usual five-minute renewal margin. The
    // session checks expiry on the real clock, so the window's clock follows it here.
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "6")]);
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = open(&env);
    gui.clock.set(chrono::Utc::now());
    gui.click("Get token");
    gui.wait_for_token("svc");
    let run_for = |gui: &mut Gui, secs: f64| {
        let until = Instant::now() + Duration::from_secs_f64(secs);
        while Instant::now() < until {
            gui.clock.set(chrono::Utc::now());
            gui.harness.step();
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // A token that has just arrived is not due, however short its life.
    run_for(&mut gui, 1.0);
    assert_eq!(
        idp.count("token"),
        1,
        "renewed a token that had just arrived"
    );
    // Past half its lifetime it is renewed, and then not again right away.
    run_for(&mut gui, 4.5);
    assert_eq!(idp.count("token"), 2, "renewed once past half its lifetime");
    run_for(&mut gui, 2.0);
    assert_eq!(idp.count("token"), 2, "no renewal storm");
}

/// Deleting a profile drops everything the window knew about it (token, Access results,
/// renewal state), so a profile later made under the same name starts fresh.
#[test]
fn deleting_a_profile_drops_all_of_its_window_state() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    gui.click("Verify");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("svc").is_some()
    });
    gui.harness
        .get_by_label_contains("    svc  my-project  · ")
        .click_secondary();
    gui.harness.step();
    gui.harness.step();
    gui.click("Delete...");
    assert!(gui.has_text("Delete 'svc', its stored secret and its tokens?"));
    gui.click("Delete");
    gui.wait("the profile to go", |h| {
        !h.state().model.profiles.profiles.contains_key("svc")
    });
    let state = gui.harness.state().model.states.get("svc");
    assert!(
        state.is_none(),
        "nothing of the deleted profile is kept: {state:?}"
    );
    assert_eq!(env.keyring_lookup("svc", "client-secret"), None);
}

/// Two service-principal profiles, `a` (secret `secret-a`, the default) and `b`.
fn two_profiles(env: &Env) {
    for (name, secret) in [("a", "secret-a"), ("b", "secret-b")] {
        env.run_stdin(
            &common::add_args(name, "client-credentials", &["--client-secret-stdin"]),
            Some(&format!("{secret}\n")),
        )
        .ok();
    }
}

impl Gui {
    /// Replaces the editor's profile name with `name` and saves.
    fn save_as(&mut self, name: &str) {
        self.harness.state_mut().model.global_error = None;
        if let Some(editor) = self.harness.state_mut().view.editor.as_mut() {
            editor.name = name.to_string();
        }
        self.harness.step();
        self.click("Save profile");
        self.wait("the save to fail", |h| {
            let editor_errors = h
                .state()
                .view
                .editor
                .as_ref()
                .is_some_and(|e| !e.errors.is_empty());
            h.state().model.global_error.is_some() || editor_errors
        });
        let errors = self
            .harness
            .state()
            .view
            .editor
            .as_ref()
            .map(|e| format!("{:?}", e.errors))
            .unwrap_or_default();
        assert!(
            self.harness.state().model.global_error.is_some(),
            "the editor refused the fields: {errors}"
        );
    }

    fn error_text(&self) -> String {
        self.harness
            .state()
            .model
            .global_error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }
}

/// Finding 5 of issue 13: New profile and Duplicate with an existing name never
/// overwrite that profile (nor its keyring secret), and a rename onto an existing name
/// is refused before anything is written.
#[test]
fn the_editor_never_overwrites_another_profile() {
    let env = Env::new();
    two_profiles(&env);
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    let untouched = |env: &Env, what: &str| {
        assert_eq!(
            std::fs::read_to_string(env.profiles_file()).unwrap(),
            file,
            "{what}: the profiles file changed"
        );
        assert_eq!(
            env.keyring_lookup("a", "client-secret").as_deref(),
            Some("secret-a"),
            "{what}: the other profile's secret changed"
        );
        assert_eq!(
            env.keyring_lookup("b", "client-secret").as_deref(),
            Some("secret-b"),
            "{what}"
        );
    };
    let mut gui = open(&env);

    // New profile named like an existing one.
    gui.click("Add profile");
    gui.click("Client credentials");
    gui.type_into("Cluster", "westeurope-1");
    gui.type_into("Project", "other");
    gui.type_into("Tenant id", "t2");
    gui.type_into("Client id", "c2");
    gui.type_into("Client secret", "NEW-SECRET");
    gui.save_as("a");
    assert!(
        gui.error_text().contains("exists already"),
        "{}",
        gui.error_text()
    );
    untouched(&env, "new profile");
    gui.click("Cancel");

    // Duplicate of b saved under a's name.
    gui.harness.get_by_label("    b  p").click_secondary();
    gui.harness.step();
    gui.harness.step();
    gui.click("Duplicate");
    gui.type_into("Client secret", "DUP-SECRET");
    gui.save_as("a");
    assert!(
        gui.error_text().contains("exists already"),
        "{}",
        gui.error_text()
    );
    untouched(&env, "duplicate");
    gui.click("Cancel");

    // b renamed onto a.
    gui.harness.get_by_label("    b  p").click();
    gui.harness.step();
    gui.click("Edit");
    gui.save_as("a");
    assert!(
        gui.error_text().contains("exists already"),
        "{}",
        gui.error_text()
    );
    untouched(&env, "rename");
}

/// A file dropped on the window.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Finding 1 of issue 13: an imported `.env` whose endpoints are not the provider's
/// defaults is shown and confirmed before anything is saved.
#[test]
fn import_asks_before_saving_endpoints_that_are_not_the_defaults() {
    let env = Env::new();
    let file = env.root.path().join("svc.env");
    std::fs::write(
        &file,
        "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=svc-proj\nIDP_CLIENT_ID=svc\nIDP_CLIENT_SECRET=s\n\
         IDP_TENANT_ID=contoso.onmicrosoft.com\nIDP_TOKEN_URL=https://tokens.example.invalid/oauth2/token\n",
    )
    .unwrap();
    let mut gui = open(&env);
    // As a file dropped on the window.
    gui.harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(file.clone())));
    gui.harness.step();
    gui.wait("the question", |h| {
        h.query_by_label("Import anyway").is_some() || h.state().view.import.is_none()
    });
    assert!(gui.has_text("https://tokens.example.invalid/oauth2/token"));
    assert!(
        !env.profiles_file().exists(),
        "nothing saved before the answer"
    );
    assert!(
        gui.harness.query_by_label("Import").is_none(),
        "while it asks, only Import anyway or Cancel go on"
    );
    // Cancel drops the question and saves nothing; Import asks again.
    gui.click("Cancel");
    gui.wait("the question gone", |h| {
        h.query_by_label("Import anyway").is_none()
    });
    assert!(!env.profiles_file().exists(), "Cancel saves nothing");
    gui.click("Import");
    gui.wait("the question again", |h| {
        h.query_by_label("Import anyway").is_some()
    });
    gui.click("Import anyway");
    gui.wait("the imported profile", |h| {
        h.state().model.selected.as_deref() == Some("svc-proj")
    });
    let saved = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        saved.contains("https://tokens.example.invalid/oauth2/token"),
        "{saved}"
    );
}

/// Clicks the sidebar row of profile `name` (its label also holds the project, the time
/// left and "(default)").
fn click_row(gui: &mut Gui, name: &str) {
    let prefix = format!("    {name}  ");
    gui.harness
        .get_by(|n| n.label().is_some_and(|l| l.starts_with(&prefix)))
        .click();
    gui.harness.step();
    gui.harness.step();
}

/// Issue 19: one browser sign-in, then switching to two other profiles of the same
/// account (another project, another cluster) shows each its token, redeemed from the
/// account's refresh token, with no second sign-in; each says who is signed in.
#[test]
fn switching_to_profiles_of_a_signed_in_account_asks_for_no_second_sign_in() {
    let idp = Idp::start();
    let env = Env::new();
    let port = common::free_port().to_string();
    for (name, cluster, project) in [
        ("dev", common::CLUSTER, "test-project"),
        ("prod", common::CLUSTER, "prod-project"),
        ("other", "othercluster", "other-project"),
    ] {
        let at = common::Place { cluster, project };
        env.add_profile_at(
            &idp,
            name,
            at,
            "interactive",
            "interactive-client",
            &["--port", &port],
        )
        .ok();
    }
    env.run(&["profile", "use", "dev"]).ok();
    let browser = common::repo().join("tests/idp/browser.mjs");
    unsafe {
        std::env::set_var("BROWSER", browser.display().to_string());
    }
    let mut gui = open(&env);
    click_row(&mut gui, "dev");
    gui.click("Sign in");
    gui.wait_for_token("dev");
    assert!(
        gui.has_text("Signed in as"),
        "the signed-in person is named"
    );
    let (sign_ins, refreshes) = (idp.count("authorization"), idp.count("token_refresh_token"));

    for (name, audience) in [
        ("prod", common::BASE_URL),
        ("other", "https://othercluster.cognitedata.com"),
    ] {
        click_row(&mut gui, name);
        gui.wait("the shared sign-in's token", |h| {
            h.state().model.states.tokens(name).is_some()
                || h.state().model.states.error(name).is_some()
        });
        let state = &gui.harness.state().model.states;
        assert!(state.error(name).is_none(), "{:?}", state.error(name));
        let token = state
            .tokens(name)
            .unwrap()
            .access_token
            .expose()
            .to_string();
        assert_eq!(common::jwt_claims(&token)["aud"], audience);
        assert!(
            gui.has_text("Valid") && gui.has_text("Signed in as"),
            "{name}"
        );
        assert!(!gui.has_label("Sign in"), "{name} offers no second sign-in");
    }
    assert_eq!(idp.count("authorization"), sign_ins, "no second sign-in");
    assert_eq!(idp.count("token_refresh_token"), refreshes + 2);
}

// ---- issue 21: the daily path by keyboard, the sidebar, and a file changed outside ----

/// The label of the widget that has the keyboard focus.
fn focused(gui: &Gui) -> Option<String> {
    gui.harness
        .query_by(|n| n.is_focused())
        .and_then(|n| n.accesskit_node().label().map(|l| l.to_string()))
}

fn press(gui: &mut Gui, modifiers: egui::Modifiers, key: egui::Key) {
    gui.harness.key_press_modifiers(modifiers, key);
    gui.harness.step();
    gui.harness.step();
}

#[test]
fn the_keyboard_starts_on_the_primary_action_copies_with_ctrl_shift_c_and_switches_with_ctrl_k() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&common::add_args_for(
        "other",
        "az-eastus-1",
        "p-other",
        "device-code",
        &[],
    ))
    .ok();
    let mut gui = open(&env);
    // Signed out: the focus is on the profile's way to a token, so Enter gets one.
    gui.wait("the focus on Get token", |h| {
        h.query_by(|n| n.is_focused())
            .and_then(|n| n.accesskit_node().label().map(|l| l == "Get token"))
            == Some(true)
    });
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    let token = gui.wait_for_token("svc");

    // Ctrl+Shift+C copies it from anywhere, a text field included.
    gui.harness.get_by_label("Filter profiles").focus();
    gui.harness.step();
    assert_eq!(gui.clipboard(), None);
    let copy = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
    press(&mut gui, copy, egui::Key::C);
    assert_eq!(gui.clipboard().as_deref(), Some(token.as_str()));

    // In a text field Ctrl+K is the field's; elsewhere it opens the switcher.
    press(&mut gui, egui::Modifiers::COMMAND, egui::Key::K);
    assert!(gui.harness.state().view.switcher.is_none());
    assert!(!gui.has_label("Switch to profile"));
    // Escape leaves the field.
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Escape);
    assert_eq!(focused(&gui), None);
    press(&mut gui, egui::Modifiers::COMMAND, egui::Key::K);
    assert!(gui.has_label("Switch to profile"), "the switcher opened");
    assert_eq!(focused(&gui).as_deref(), Some("Switch to profile"));
    gui.harness
        .get_by_label("Switch to profile")
        .type_text("eastus");
    gui.harness.step();
    assert!(gui.has_label("other  ·  p-other · az-eastus-1"));
    assert!(!gui.has_text("svc  ·  "), "filtered out");
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("other"));
    assert!(!gui.has_label("Switch to profile"), "Enter closed it");
    gui.wait("the focus on Sign in", |h| {
        h.query_by(|n| n.is_focused())
            .and_then(|n| n.accesskit_node().label().map(|l| l == "Sign in"))
            == Some(true)
    });
    // Escape closes it without switching.
    press(&mut gui, egui::Modifiers::COMMAND, egui::Key::K);
    assert!(gui.has_label("Switch to profile"));
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Escape);
    assert!(!gui.has_label("Switch to profile"));
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("other"));
    drop(gui);

    // Launched again on the signed-in profile: the focus is on Copy access token.
    env.run(&["profile", "use", "svc"]).ok();
    let mut gui = open(&env);
    gui.wait("the focus on Copy access token", |h| {
        h.query_by(|n| n.is_focused())
            .and_then(|n| n.accesskit_node().label().map(|l| l == "Copy access token"))
            == Some(true)
    });
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    assert_eq!(gui.clipboard().as_deref(), Some(token.as_str()));
}

#[test]
fn sidebar_rows_show_project_and_time_left_and_groups_the_tenant_as_typed() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = open(&env);
    let row = |gui: &Gui| {
        gui.harness
            .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("    svc")))
            .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
            .next()
            .unwrap_or_default()
    };
    assert_eq!(
        row(&gui),
        "    svc  test-project  (default)",
        "signed out: no time"
    );
    assert!(
        gui.has_label("testcluster · test-tenant"),
        "the tenant as the profile has it"
    );
    gui.click("Get token");
    gui.wait_for_token("svc");
    let left = gui
        .harness
        .state()
        .model
        .states
        .tokens("svc")
        .unwrap()
        .seconds_left(cdf_signin::token::Clock::now(gui.clock.as_ref()));
    let minutes = left / 60;
    let left = if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    };
    assert_eq!(
        row(&gui),
        format!("    svc  test-project  · {left} left  (default)")
    );
}

#[test]
fn profiles_added_on_the_command_line_appear_when_the_window_gets_the_focus() {
    let env = Env::new();
    env.run(&common::add_args("first", "device-code", &[])).ok();
    let mut gui = open(&env);
    gui.click("Settings");
    env.run(&common::add_args("second", "device-code", &[]))
        .ok();
    gui.harness
        .input_mut()
        .events
        .push(egui::Event::WindowFocused(true));
    gui.wait("the profile added outside", |h| {
        h.state().model.profiles.profiles.contains_key("second")
    });
    assert!(gui.has_text("second"));
    assert!(gui.has_label("Done"), "Settings stay open");
}

#[test]
fn the_access_tab_asks_cdf_once_on_first_open_and_claims_wrap() {
    let idp = Idp::start();
    let cdf = CdfApi::start(&idp);
    let env = Env::new();
    let mut gui = signed_in_against_cdf(&env, &idp, &cdf);
    let inspect = "GET /api/v1/token/inspect";
    assert_eq!(cdf.hits(inspect), 0);
    gui.click("Access");
    gui.wait("CDF's answer", |h| {
        h.state().model.states.access("svc").is_some()
    });
    assert!(gui.has_text("my-project is reachable with this token"));
    gui.click("Claims");
    gui.click("Access");
    assert_eq!(cdf.hits(inspect), 1, "asked once for this token");

    // At the smallest size, no claim runs off the right edge.
    gui.click("Claims");
    gui.harness.set_size(egui::vec2(800.0, 600.0));
    for _ in 0..4 {
        gui.harness.step();
    }
    assert!(gui.has_text("Issuer"), "the claims' meanings are shown");
    let past_the_edge: Vec<(String, f32)> = gui
        .harness
        .query_all_by(|n| n.label().is_some())
        .map(|n| {
            (
                n.accesskit_node().label().unwrap_or_default().to_string(),
                n.rect().right(),
            )
        })
        .filter(|(_, right)| *right > 800.5)
        .collect();
    assert!(
        past_the_edge.is_empty(),
        "past the right edge: {past_the_edge:?}"
    );
}

/// Issue 18: a profile that breaks a rule is listed greyed with what is wrong, is never
/// used, and can be deleted or fixed in the editor; the valid ones keep working.
#[test]
fn invalid_profiles_are_greyed_with_edit_and_delete() {
    let env = Env::new();
    env.run(&common::add_args("dev", "device-code", &[])).ok();
    let body =
        "cluster = 'api'\nproject = 'p'\ntenant_id = 't'\nclient_id = 'c'\nflow = 'device-code'\n";
    let mut text = std::fs::read_to_string(env.profiles_file()).unwrap();
    text.push_str(&format!("\n[profiles.\"../../../escaped\"]\n{body}"));
    text.push_str(&format!(
        "\n[profiles.bad]\n{body}base_url = 'http://cdf.invalid'\n"
    ));
    std::fs::write(env.profiles_file(), &text).unwrap();

    let mut gui = open(&env);
    assert!(gui.has_text("not used · fix or delete"));
    assert!(gui.has_text("invalid profile name"));
    assert!(gui.has_text("allowed only for loopback hosts"));
    assert_eq!(
        gui.harness.state().model.selected.as_deref(),
        Some("dev"),
        "the valid profile is the one in use"
    );

    // Delete the escaped one (listed first): its table goes, nothing else.
    gui.harness
        .query_all_by_label("Delete...")
        .next()
        .unwrap()
        .click();
    gui.harness.step();
    gui.harness.step();
    assert!(gui.has_text("Delete '../../../escaped'"));
    gui.click("Delete");
    gui.wait("the escaped profile gone", |h| {
        !h.state()
            .model
            .profiles
            .invalid
            .contains_key("../../../escaped")
    });

    // Fix the other one in the editor (with no profile shown, the row's Edit is the
    // only one).
    gui.harness.state_mut().model.selected = None;
    gui.harness.step();
    gui.click("Edit");
    let editor = gui.harness.state().view.editor.clone().unwrap();
    assert_eq!(
        (editor.name.as_str(), editor.base_url.as_str()),
        ("bad", "http://cdf.invalid")
    );
    gui.harness
        .state_mut()
        .view
        .editor
        .as_mut()
        .unwrap()
        .base_url = "https://cdf.example.invalid".into();
    gui.harness.step();
    gui.click("Save profile");
    gui.wait("the fixed profile", |h| {
        h.state().model.profiles.profiles.contains_key("bad")
    });
    assert!(gui.harness.state().model.profiles.invalid.is_empty());
    let saved = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        !saved.contains("escaped") && saved.contains("https://cdf.example.invalid"),
        "{saved}"
    );
    assert!(saved.contains("[profiles.dev]"), "{saved}");
}

/// Issue 18: importing a project whose name is taken is an error in the window too; it
/// offers the first free name, and importing under it works.
#[test]
fn import_offers_a_free_name_when_the_projects_is_taken() {
    let env = Env::new();
    env.run(&[
        "profile",
        "import",
        &common::fixture("env/cc-entra.env").display().to_string(),
    ])
    .ok();
    let mut gui = open(&env);
    gui.click("Import .env");
    gui.set_import_path(&common::fixture("env/cc-entra.env"));
    gui.click("Import");
    gui.wait("the name question", |h| {
        h.state()
            .view
            .import
            .as_ref()
            .is_some_and(|d| d.name.is_some())
    });
    assert!(gui.has_text("a profile named 'my-project' exists already"));
    let dialog = gui.harness.state().view.import.clone().unwrap();
    assert_eq!(dialog.name.as_deref(), Some("my-project-2"));
    gui.click("Import");
    gui.wait("the imported profile", |h| {
        h.state().model.selected.as_deref() == Some("my-project-2")
    });
    assert_eq!(
        env.keyring_lookup("my-project-2", "client-secret")
            .as_deref(),
        Some("Zx8Q~sec'ret with spaces")
    );
}

/// Issue 27: an imported project that looks like production is suggested for the mark
/// in the window too, as the CLI's import does; the suggestion leads to the editor's
/// checkbox and goes once the mark is set.
#[test]
fn an_imported_production_project_is_suggested_for_the_mark() {
    let env = Env::new();
    let text = std::fs::read_to_string(common::fixture("env/cc-entra.env"))
        .unwrap()
        .replace("CDF_PROJECT=my-project", "CDF_PROJECT=contoso-prod");
    let file = env.root.path().join("prod.env");
    std::fs::write(&file, text).unwrap();
    let mut gui = open(&env);
    gui.click("Import .env");
    gui.set_import_path(&file);
    gui.click("Import");
    gui.wait("the imported profile", |h| {
        h.state().model.selected.as_deref() == Some("contoso-prod")
    });
    assert!(gui.has_text("this project looks like production: contoso-prod"));
    assert!(
        gui.harness
            .state()
            .model
            .toasts
            .iter()
            .any(|t| t.text.contains("looks like production")),
        "the toast says it too"
    );
    gui.click("Mark as production in Edit");
    assert!(gui.harness.state().view.editor.is_some());
    assert!(
        gui.has_text("this project looks like production"),
        "the editor's words"
    );
    gui.click("Production");
    gui.click("Save profile");
    gui.wait("the mark", |h| {
        h.state()
            .model
            .profiles
            .profiles
            .get("contoso-prod")
            .is_some_and(|p| p.production)
    });
    gui.wait("the profile's view", |h| h.state().view.editor.is_none());
    // (The import's toast still says it: the test's clock stands still.)
    assert!(!gui.has_text("this project looks like production: contoso-prod"));
    assert!(!gui.has_label("Not production"));
}

// ---- issue 21: an editor that can always be saved ----

/// The smallest window the editor must work in.
const SMALL: egui::Vec2 = egui::vec2(800.0, 600.0);

impl Gui {
    /// Where a widget is drawn, in points.
    fn rect_of(&self, label: &str) -> egui::Rect {
        self.harness.get_by_label(label).rect()
    }

    /// Scrolls the editor's fields with the mouse wheel until `label` is in view (below
    /// the heading, above the buttons), then clicks it with the pointer.
    fn click_visible(&mut self, label: &str) {
        let screen = self.harness.ctx.content_rect();
        let view = egui::Rect::from_x_y_ranges(screen.x_range(), 80.0..=screen.max.y - 40.0);
        for _ in 0..60 {
            let rect = self.rect_of(label);
            if view.contains_rect(rect) {
                return self.click(label);
            }
            let down = rect.center().y > view.center().y;
            self.harness.hover_at(view.center());
            self.harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, if down { -60.0 } else { 60.0 }),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: egui::Modifiers::NONE,
            });
            for _ in 0..4 {
                self.harness.step();
            }
        }
        panic!(
            "{label} never scrolled into view: {:?}",
            self.rect_of(label)
        );
    }

    fn editor_errors(&self) -> usize {
        self.harness
            .state()
            .view
            .editor
            .as_ref()
            .map_or(0, |e| e.errors.len())
    }
}

/// At 800x600 (and at the window's smallest, 640x420) with Advanced open, for every
/// flow and every source of a client secret, Save is inside the window and a pointer
/// click at its middle saves (here: is refused with the errors of an empty profile, so
/// nothing is written).
#[test]
fn the_editor_saves_from_800x600_with_advanced_open_in_every_flow() {
    for size in [SMALL, egui::vec2(640.0, 420.0)] {
        save_is_reachable_in_every_flow(size);
    }
}

fn save_is_reachable_in_every_flow(size: egui::Vec2) {
    let env = Env::new();
    let mut gui = open_sized(&env, size);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    gui.click("Create your first profile");
    gui.click_visible("Advanced");
    assert!(gui.has_label("Extra CA file (PEM)"), "Advanced is open");
    let cases = [
        ("Interactive (browser)", None),
        ("Device code", None),
        ("API key (legacy)", None),
        ("Client credentials", Some("Environment variable")),
        ("Client credentials", Some("File")),
        // The longest form: a secret stored here, certificate and key, then Advanced.
        ("Client credentials", Some("Stored here")),
    ];
    for (flow, source) in cases {
        gui.click_visible(flow);
        if let Some(source) = source {
            gui.click_visible(source);
        }
        let what = format!("{size:?} {flow} {source:?}");
        for label in ["Save profile", "Cancel"] {
            let rect = gui.rect_of(label);
            assert!(window.contains_rect(rect), "{what}: {label} at {rect:?}");
        }
        gui.harness
            .state_mut()
            .view
            .editor
            .as_mut()
            .unwrap()
            .errors
            .clear();
        gui.harness.step();
        // kittest clicks with the pointer, at the middle of the button's rect.
        gui.click("Save profile");
        assert!(
            gui.editor_errors() > 0,
            "{what}: a click on Save checked the fields"
        );
        assert!(!env.profiles_file().exists(), "{what}: nothing written");
    }
}

/// Errors that come and go as one types move neither the buttons nor the fields below
/// them: a click meant for Advanced never lands elsewhere.
#[test]
fn typing_and_errors_move_neither_save_nor_advanced() {
    let env = Env::new();
    let mut gui = open_sized(&env, SMALL);
    gui.click("Create your first profile");
    let before = [gui.rect_of("Save profile"), gui.rect_of("Advanced")];
    let still = |gui: &Gui, when: &str| {
        let now = [gui.rect_of("Save profile"), gui.rect_of("Advanced")];
        assert_eq!(now, before, "Save and Advanced moved {when}");
    };
    gui.click("Save profile");
    assert!(gui.editor_errors() >= 4, "the empty fields are named");
    assert!(gui.has_text("is required"));
    // Issue 27: an empty name is required, as every other field.
    assert!(gui.has_text("the name is required"));
    assert!(!gui.has_text("invalid profile name"));
    still(&gui, "when the errors appeared");
    gui.type_into("Cluster", "westeu");
    assert!(gui.has_label("westeurope-1"), "a suggestion is offered");
    still(&gui, "when suggestions appeared and an error went");
    gui.type_into("Cluster", "rope-1");
    still(&gui, "when the suggestions went");
    gui.type_into("Profile name", "bad name");
    gui.type_into("Project", "acme");
    gui.click("Save profile");
    assert!(gui.has_text("invalid profile name"));
    still(&gui, "when another error appeared");
}

/// Enter saves valid fields (and shows what is wrong otherwise); Escape leaves without
/// saving; both keys are on the buttons.
#[test]
fn enter_saves_and_escape_cancels_in_the_editor() {
    let env = Env::new();
    let mut gui = open_sized(&env, SMALL);
    gui.click("Create your first profile");
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    assert!(
        gui.editor_errors() > 0,
        "Enter on empty fields shows the errors"
    );
    assert!(!env.profiles_file().exists());
    gui.type_into("Profile name", "dev-eu");
    gui.click("Device code");
    gui.type_into("Cluster", "westeurope-1");
    gui.type_into("Project", "acme");
    gui.type_into("Tenant id", "contoso.onmicrosoft.com");
    gui.type_into("Client id", "11111111-2222-3333-4444-555555555555");
    // On a focused flow button, Space chooses the flow, and the editor says so.
    gui.harness.get_by_label("Client credentials").focus();
    gui.harness.step();
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Space);
    assert_eq!(
        gui.harness.state().view.editor.as_ref().unwrap().flow,
        Some(cdf_signin::profile::Flow::ClientCredentials),
        "Space chose the focused flow"
    );
    gui.harness.get_by_label("Device code").focus();
    gui.harness.step();
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Space);
    assert_eq!(focused(&gui).as_deref(), Some("Device code"));
    assert!(gui.has_label("Space chooses the flow; Enter saves the profile"));
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = gui.harness.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join("editor-flow-keys.png"))
            .unwrap();
    }
    // Enter on the focused flow button saves, with the flow it had.
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    gui.wait("Enter on a flow button to save the profile", |h| {
        h.state().model.profiles.profiles.contains_key("dev-eu")
    });
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(file.contains("[profiles.dev-eu]"), "{file}");
    assert!(file.contains("device-code"), "{file}");

    // Escape, with a change typed, leaves the editor and writes nothing.
    gui.wait("the profile shown", |h| {
        h.state().model.screen == cdf_signin::ui::Screen::Profile
    });
    gui.click("Edit");
    gui.type_into("Project", "-changed");
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Escape);
    assert_eq!(
        gui.harness.state().model.screen,
        cdf_signin::ui::Screen::Profile,
        "Escape left the editor"
    );
    assert_eq!(std::fs::read_to_string(env.profiles_file()).unwrap(), file);
    assert!(!gui.has_label("Save profile"));
}

/// Issue 27, point 3: the editor gives the CLI's "did you mean" for a near miss of a
/// known cluster, in place as it is typed and beside the field on Save, which saves
/// nothing the first time and keeps the cluster the second; a pasted hostname is saved
/// as its cluster's name.
#[test]
fn the_editor_says_did_you_mean_for_a_cluster_and_takes_a_pasted_hostname() {
    let env = Env::new();
    let mut gui = open_sized(&env, SMALL);
    gui.click("Create your first profile");
    gui.type_into("Profile name", "dev-eu");
    gui.click("Device code");
    gui.type_into("Cluster", "westeurop-1");
    gui.type_into("Project", "acme");
    gui.type_into("Tenant id", "contoso.onmicrosoft.com");
    gui.type_into("Client id", "11111111-2222-3333-4444-555555555555");
    assert!(
        gui.has_label("Did you mean"),
        "the near miss is named as typed"
    );
    gui.click("Save profile");
    assert!(
        gui.has_text("did you mean westeurope-1? Save again to keep it as typed"),
        "beside the cluster field"
    );
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = gui.harness.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join("editor-cluster-near-miss.png"))
            .unwrap();
    }
    assert!(
        !env.profiles_file().exists(),
        "nothing saved the first time"
    );
    gui.click("Save profile");
    gui.wait("the second Save keeps the cluster", |h| {
        h.state().model.profiles.profiles.contains_key("dev-eu")
    });
    assert_eq!(
        gui.harness.state().model.profiles.profiles["dev-eu"].cluster,
        "westeurop-1"
    );

    // A pasted URL: said, and saved as the cluster's name.
    gui.click("Add profile");
    gui.type_into("Profile name", "pasted");
    gui.click("Device code");
    gui.type_into("Cluster", "https://westeurope-1.cognitedata.com/");
    gui.type_into("Project", "acme");
    gui.type_into("Tenant id", "contoso.onmicrosoft.com");
    gui.type_into("Client id", "11111111-2222-3333-4444-555555555555");
    gui.harness.step();
    assert!(gui.has_label("saved as westeurope-1"));
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = gui.harness.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join("editor-cluster-pasted.png"))
            .unwrap();
    }
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Enter);
    gui.wait("the pasted cluster saved as its name", |h| {
        h.state().model.profiles.profiles.contains_key("pasted")
    });
    assert_eq!(
        gui.harness.state().model.profiles.profiles["pasted"].cluster,
        "westeurope-1"
    );
}

/// The keyboard starts in the first empty field the profile needs: the name of a new
/// profile, the client secret of a copy of a service principal.
#[test]
fn the_editor_opens_with_the_focus_on_the_first_empty_field() {
    let env = Env::new();
    two_profiles(&env);
    let mut gui = open_sized(&env, SMALL);
    gui.click("Add profile");
    assert_eq!(focused(&gui).as_deref(), Some("Profile name"));
    // Typing goes straight in.
    gui.harness.get_by_label("Profile name").type_text("typed");
    gui.harness.step();
    assert_eq!(
        gui.harness.state().view.editor.as_ref().unwrap().name,
        "typed"
    );
    press(&mut gui, egui::Modifiers::NONE, egui::Key::Escape);

    gui.harness.get_by_label("    b  p").click_secondary();
    gui.harness.step();
    gui.harness.step();
    gui.click("Duplicate");
    assert_eq!(focused(&gui).as_deref(), Some("Client secret"));
}

/// On macOS the copy shortcut is Cmd+Shift+C: the button says so, and it copies.
#[test]
fn on_macos_the_copy_shortcut_is_cmd_shift_c_and_the_button_says_so() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = open(&env);
    gui.harness.ctx.set_os(egui::os::OperatingSystem::Mac);
    gui.click("Get token");
    let token = gui.wait_for_token("svc");
    gui.harness.hover_at(
        gui.harness
            .get_by_label("Copy access token")
            .rect()
            .center(),
    );
    // The tooltip waits half a second of the harness's own frame time.
    for _ in 0..60 {
        gui.harness.step();
    }
    assert!(
        gui.has_text("Cmd+Shift+C does it from anywhere"),
        "the button names the Mac's shortcut"
    );
    assert!(!gui.has_text("Ctrl+Shift+C"));
    gui.harness.remove_cursor();
    assert_eq!(gui.clipboard(), None);
    // What egui-winit reports for Cmd+Shift+C on a Mac: the Command key is both.
    let cmd_shift = egui::Modifiers::MAC_CMD | egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
    press(&mut gui, cmd_shift, egui::Key::C);
    assert_eq!(gui.clipboard().as_deref(), Some(token.as_str()));
}

/// Issue 19: "Sign in with your Cognite organization" on the welcome screen asks for the
/// organization's name (the test's free ports and its provider's base go under
/// Advanced, as 3000 may not be bound here), a real browser signs in, and the window
/// ends with the organization's projects listed as profiles, its default project shown
/// with its token and no second sign-in.
#[test]
fn signing_in_with_a_cognite_organization_lists_its_projects_as_profiles() {
    let ports = [common::free_port(), common::free_port()];
    let idp = Idp::start_cognite(&ports);
    let api = "http://127.0.0.1:9";
    idp.set_orgs(json!({"contoso": [
        {"name": "dev", "apiUrl": api, "isDefault": false},
        {"name": "prod", "apiUrl": api, "isDefault": true},
    ]}));
    let env = Env::new();
    let browser = common::repo().join("tests/idp/browser.mjs");
    unsafe {
        std::env::set_var("BROWSER", browser.display().to_string());
    }
    let mut gui = open(&env);
    assert!(gui.has_text("Welcome to cdf-signin"));
    gui.click("Sign in with your Cognite organization");
    gui.type_into("Organization", "contoso");
    gui.click("Advanced");
    gui.type_into("Redirect ports", &format!("{},{}", ports[0], ports[1]));
    gui.type_into("Cognite IdP base URL", &idp.issuer);
    gui.click("Sign in");
    gui.wait("the organization's profiles", |h| {
        h.state().model.profiles.profiles.len() == 2 && h.state().view.org.is_none()
    });
    let names: Vec<&String> = gui.harness.state().model.profiles.profiles.keys().collect();
    assert_eq!(names, ["dev", "prod"]);
    for name in ["dev", "prod"] {
        assert!(
            gui.harness
                .query_all_by_label_contains(name)
                .next()
                .is_some(),
            "{name} is listed"
        );
    }
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("prod"));
    assert_eq!(
        gui.harness.state().model.profiles.default.as_deref(),
        Some("prod")
    );
    gui.wait_for_token("prod");
    assert!(gui.has_text("Signed in to contoso"), "the toast says so");
    // `prod` looks like production: suggested under its header, as the editor does, and
    // in the toast.
    assert!(gui.has_text("this project looks like production: prod"));
    assert!(gui.has_text("prod: this project looks like production."));
    gui.click("Not production");
    assert!(!gui.has_text("this project looks like production: prod"));
    assert!(
        gui.has_text("Cognite organization contoso"),
        "the header says so"
    );
    assert!(
        gui.has_text("· organization contoso"),
        "the sidebar groups them under the organization, not an unknown tenant"
    );
    assert_eq!(idp.count("authorization"), 1);
}

/// While an organization's sign-in runs, its fields are fixed: the sign-in uses what they
/// said when it began.
#[test]
fn the_organization_dialog_holds_its_fields_while_signing_in() {
    let env = Env::new();
    let mut gui = open(&env);
    gui.click("Sign in with your Cognite organization");
    gui.type_into("Organization", "contoso");
    gui.click("Advanced");
    for label in ["Organization", "Redirect ports", "Cognite IdP base URL"] {
        assert!(
            !gui.harness
                .get_by_label(label)
                .accesskit_node()
                .is_disabled(),
            "{label}"
        );
    }
    gui.harness.state_mut().view.org.as_mut().unwrap().busy = true;
    gui.harness.step();
    gui.harness.step();
    for label in ["Organization", "Redirect ports", "Cognite IdP base URL"] {
        assert!(
            gui.harness
                .get_by_label(label)
                .accesskit_node()
                .is_disabled(),
            "{label} editable while busy"
        );
    }
    assert!(gui.has_label("Cancel sign-in"));
}

/// Issue 26: a change of flow hides what the new flow does not take, names it, and Save
/// leaves it out (the command line refuses the same fields); nothing is dropped unsaid.
#[test]
fn a_change_of_flow_names_what_save_leaves_out() {
    let env = Env::new();
    let mut gui = open(&env);
    gui.click("Create your first profile");
    gui.type_into("Profile name", "dev-eu");
    gui.type_into("Cluster", "westeurope-1");
    gui.type_into("Project", "acme");
    gui.type_into("Tenant id", "contoso.onmicrosoft.com");
    gui.type_into("Client id", "11111111-2222-3333-4444-555555555555");
    gui.type_into("Login hint (optional)", "me@contoso.com");
    assert!(!gui.has_text("left out on Save"));
    gui.click("Device code");
    assert!(!gui.has_label("Login hint (optional)"), "hidden");
    assert!(
        gui.has_text("Not used by the Device code flow, left out on Save: login hint."),
        "named"
    );
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = gui.harness.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join("editor-left-out.png"))
            .unwrap();
    }
    gui.click("Save profile");
    gui.wait("the profile in the sidebar", |h| {
        h.state().model.profiles.profiles.contains_key("dev-eu")
    });
    let file = std::fs::read_to_string(env.profiles_file()).unwrap();
    assert!(
        file.contains("flow = \"device-code\"") && !file.contains("login_hint"),
        "{file}"
    );
}

/// Issue 27: the sidebar tells every profile's state from its cache, not only the one
/// on screen: a token the command line got for another profile shows at once.
#[test]
fn the_sidebar_shows_tokens_the_command_line_got_for_other_profiles() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "first", "cc-secret");
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&["token", "--profile", "svc"]).ok();
    let mut gui = open(&env);
    gui.wait("the cached token of svc", |h| {
        h.state().model.states.tokens("svc").is_some()
    });
    assert_eq!(gui.harness.state().model.selected.as_deref(), Some("first"));
    assert!(
        gui.harness.state().model.states.tokens("first").is_none(),
        "nothing cached for the default"
    );
    gui.harness.step();
    let rows: Vec<String> = gui
        .harness
        .query_all_by_label_contains(" left")
        .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
        .collect();
    assert!(
        rows.iter().any(|r| r.contains("svc")) && !rows.iter().any(|r| r.contains("first")),
        "{rows:?}"
    );
}

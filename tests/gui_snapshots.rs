//! Image snapshots of the main screens: the real app rendered with wgpu on Mesa's software
//! Vulkan driver (lavapipe), compared with the reference images in `tests/snapshots/`.
//! Only screens whose content is fixed are pictured (no token times, no random ports).
//! After an intended visual change: `UPDATE_SNAPSHOTS=1 tests/run.sh`, look at the new
//! images, commit them.

use crate::common;

use std::time::{Duration, Instant};

use cdf_signin::ui::{App, Toast};
use common::{Env, window};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const PROFILES: &str = r#"default = "dev-westeurope"

[profiles.dev-westeurope]
cluster = "westeurope-1"
project = "acme-dev"
tenant_id = "contoso.onmicrosoft.com"
client_id = "11111111-2222-3333-4444-555555555555"
flow = "device-code"

[profiles.ops-service]
cluster = "westeurope-1"
project = "acme-prod"
tenant_id = "contoso.onmicrosoft.com"
client_id = "22222222-3333-4444-5555-666666666666"
flow = "client-credentials"

[profiles.old-project]
cluster = "api"
project = "legacy-project"
flow = "api-key"
"#;

fn open(env: &Env) -> Harness<'static, App> {
    open_sized(env, egui::vec2(1000.0, 680.0))
}

fn open_sized(env: &Env, size: egui::Vec2) -> Harness<'static, App> {
    let mut harness = window::open_sized(env, size).harness;
    settle(&mut harness, |_| true);
    harness
}

/// Steps until `done` holds, then a few more frames so layout and fades settle.
fn settle(harness: &mut Harness<'static, App>, done: impl Fn(&Harness<'static, App>) -> bool) {
    let start = Instant::now();
    while !done(harness) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the window did not settle"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..8 {
        harness.step();
    }
}

fn with_profiles() -> Env {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(env.profiles_file(), PROFILES).unwrap();
    env
}

#[test]
fn welcome_and_editor() {
    let env = Env::new();
    let mut h = open(&env);
    h.snapshot("welcome");
    h.get_by_label("Create your first profile").click();
    settle(&mut h, |h| h.state().view.editor.is_some());
    h.snapshot("editor");
}

/// Issue 21: the longest form (client credentials, Advanced open) in the smallest
/// window: the fields scroll, Save and Cancel stay below them with their keys, and the
/// errors sit beside the labels.
#[test]
fn editor_at_800x600_with_advanced_open() {
    let env = Env::new();
    let mut h = open_sized(&env, egui::vec2(800.0, 600.0));
    h.get_by_label("Create your first profile").click();
    settle(&mut h, |h| h.state().view.editor.is_some());
    h.get_by_label("Advanced").click();
    settle(&mut h, |h| {
        h.query_by_label("Extra CA file (PEM)").is_some()
    });
    h.get_by_label("Client credentials").click();
    settle(&mut h, |h| h.query_by_label("Client secret").is_some());
    h.get_by_label("Save profile").click();
    settle(&mut h, |h| {
        h.state()
            .view
            .editor
            .as_ref()
            .is_some_and(|e| !e.errors.is_empty())
    });
    // Scrolled to the end of the fields: Advanced's last one just above the buttons.
    h.get_by_label("Extra CA file (PEM)").scroll_to_me();
    h.remove_cursor();
    settle(&mut h, |_| true);
    h.snapshot("editor-800x600-advanced");
}

#[test]
fn signed_out_profile_and_settings() {
    let env = with_profiles();
    let mut h = open(&env);
    settle(&mut h, |h| h.query_by_label("Sign in").is_some());
    h.snapshot("signed-out");
    h.get_by_label("Settings").click();
    settle(&mut h, |h| h.query_by_label("Done").is_some());
    h.snapshot("settings");
}

/// Issue 21: notifications wrap at a readable line length, not into narrow boxes, also
/// when a longer one follows a short one.
#[test]
fn notifications_are_wide_enough_to_read() {
    let env = with_profiles();
    let mut h = open(&env);
    settle(&mut h, |h| h.query_by_label("Sign in").is_some());
    let toast = |h: &mut Harness<'static, App>, text: &str| {
        let until = h.state().now() + chrono::Duration::seconds(60);
        h.state_mut().model.toasts.push(Toast {
            text: text.to_string(),
            until,
        });
        settle(h, |h| h.query_by_label(text).is_some());
        h.get_by_label(text).rect()
    };
    toast(&mut h, "Copied the access token; clears in 60 s");
    // Ctrl+Shift+C without a token says so in a longer one.
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::C,
    );
    let text = "dev-westeurope has no valid access token to copy: sign in first";
    settle(&mut h, |h| h.query_by_label(text).is_some());
    let line = h.get_by_label("Sign in").rect().height();
    let rect = h.get_by_label(text).rect();
    assert!(
        rect.width() >= 300.0 && rect.height() <= 1.5 * line,
        "a one-line notification is {rect:?}"
    );
    // A long one wraps, at a line length one reads at a glance.
    let long = toast(
        &mut h,
        "Imported ops-service-2 from /home/someone/Downloads/cdf-project-settings.env: its \
         endpoints are the provider's defaults, and its secret went to the OS keyring",
    );
    assert!(
        (300.0..=460.0).contains(&long.width()) && long.height() <= 4.0 * line,
        "a long notification is {long:?}"
    );
    h.snapshot("notification");
}

#[test]
fn legacy_api_key_profile() {
    let env = with_profiles();
    let mut h = open(&env);
    h.get_by_label_contains("old-project").click();
    settle(&mut h, |h| h.query_by_label("Copy API key").is_some());
    h.snapshot("legacy-api-key");
}

/// Issue 21: a production profile is unmistakable: a red band over its header, a
/// PRODUCTION badge there and in the top bar, PRODUCTION in its sidebar row and in the
/// window title; the accessible names say it too. A profile not marked shows none of it.
#[test]
fn production_profile_is_marked_everywhere() {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    let marked = PROFILES.replace(
        "client_id = \"22222222-3333-4444-5555-666666666666\"\n",
        "client_id = \"22222222-3333-4444-5555-666666666666\"\nproduction = true\n",
    );
    std::fs::write(env.profiles_file(), marked).unwrap();
    let mut h = open(&env);
    settle(&mut h, |h| h.query_by_label("Sign in").is_some());
    // dev is current: no badge, no band; only ops-service's row says PRODUCTION.
    assert!(h.query_by_label_contains("is PRODUCTION").is_none());
    assert!(h.query_by_label_contains("PRODUCTION profile").is_none());
    assert!(
        h.query_by_label_contains("dev-westeurope  PRODUCTION")
            .is_none()
    );
    assert_eq!(cdf_signin::ui::window_title(&h.state().model), "cdf-signin");
    h.get_by_label_contains("acme-prod").click();
    settle(&mut h, |h| h.query_by_label("Get token").is_some());
    assert!(
        h.query_by_label("Current profile ops-service is PRODUCTION")
            .is_some()
    );
    assert!(h.query_by_label("PRODUCTION profile ops-service").is_some());
    assert!(
        h.query_by_label_contains("ops-service  PRODUCTION  acme-prod")
            .is_some()
    );
    assert_eq!(
        cdf_signin::ui::window_title(&h.state().model),
        "PRODUCTION: ops-service — cdf-signin"
    );
    h.snapshot("production");
}

/// Issue 19: the organization sign-in's dialog, opened from the welcome screen.
#[test]
fn cognite_organization_dialog() {
    let env = Env::new();
    let mut h = open(&env);
    h.get_by_label("Sign in with your Cognite organization")
        .click();
    settle(&mut h, |h| h.query_by_label("Organization").is_some());
    h.snapshot("org-sign-in");
}

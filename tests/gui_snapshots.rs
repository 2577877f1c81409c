//! Image snapshots of the main screens: the real app rendered with wgpu on Mesa's software
//! Vulkan driver (lavapipe), compared with the reference images in `tests/snapshots/`.
//! Only screens whose content is fixed are pictured (no token times, no random ports).
//! After an intended visual change: `UPDATE_SNAPSHOTS=1 tests/run.sh`, look at the new
//! images, commit them.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cdf_signin::secrets::KeyringStore;
use cdf_signin::token::ManualClock;
use cdf_signin::ui::clipboard::RecordingClipboard;
use cdf_signin::ui::{App, Deps};
use common::Env;
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
    let keyring = env.keyring_service.clone();
    let paths = env.paths();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1000.0, 680.0))
        .build_eframe(move |cc| {
            App::new(
                cc,
                Deps {
                    paths,
                    clock: Arc::new(ManualClock::new(chrono::Utc::now())),
                    clipboard: Box::new(RecordingClipboard::default()),
                    secrets: Box::new(KeyringStore::new(keyring)),
                },
            )
        });
    settle(&mut harness, |h| h.state().model.loaded);
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

//! The About box, driven through the window's accessibility tree (egui_kittest): it shows
//! the version, the licence, and where this installation keeps its settings and secrets.

use crate::common;

use cdf_signin::secrets::{SecretStore, Storage};
use cdf_signin::ui::App;
use common::Env;
use common::doubles::RecordingClipboard;
use common::window;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn open(env: &Env) -> (Harness<'static, App>, RecordingClipboard) {
    let gui = window::open(env);
    (gui.harness, gui.clipboard)
}

fn open_with(
    env: &Env,
    secrets: Box<dyn SecretStore>,
) -> (Harness<'static, App>, RecordingClipboard) {
    let gui = window::open_with(env, window::SIZE, secrets);
    (gui.harness, gui.clipboard)
}

fn shows(harness: &Harness<'static, App>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn click(harness: &mut Harness<'static, App>, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

#[test]
fn about_shows_version_licence_and_where_things_live() {
    let env = Env::new();
    let (mut harness, clipboard) = open(&env);
    assert!(
        !shows(&harness, "Licence: Apache-2.0"),
        "About starts closed"
    );

    click(&mut harness, "About");
    let version = format!("Version {}", env!("CARGO_PKG_VERSION"));
    assert!(shows(&harness, &version), "{version} shown");
    assert!(shows(&harness, "Licence: Apache-2.0"));

    let profiles = env.profiles_file().display().to_string();
    assert!(shows(&harness, &profiles), "profiles file {profiles} shown");
    let tokens = env.data_dir().join("tokens").display().to_string();
    assert!(shows(&harness, &tokens), "token cache {tokens} shown");
    assert!(shows(&harness, "Secret Service"), "the keyring named");
    assert!(
        shows(&harness, &format!("service \"{}\"", env.keyring_service)),
        "the keyring service name shown"
    );
    // A test harness has no eframe storage, and the box says so rather than guess a path.
    assert!(shows(&harness, "not saved in this session"));

    // Copy details puts the same facts on the clipboard, for a support request.
    click(&mut harness, "Copy details");
    while !harness.state().clipboard_settled() {
        harness.step();
    }
    let copied = clipboard
        .content
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_default();
    assert!(
        copied.contains(&profiles) && copied.contains(&tokens),
        "{copied}"
    );

    click(&mut harness, "Close");
    assert!(!shows(&harness, "Licence: Apache-2.0"), "Close closes it");

    // The top-bar button opens it again, and Escape closes it.
    click(&mut harness, "About");
    assert!(shows(&harness, &version));
    harness.key_press(egui::Key::Escape);
    harness.step();
    harness.step();
    assert!(!shows(&harness, &version), "Escape closes it");
}

/// With the opt-in file storage, the box says that secrets are plain files, and does not
/// claim that nothing secret is written in plain text.
#[test]
fn about_warns_when_secrets_are_plain_files() {
    let env = Env::new();
    let store = cdf_signin::secrets::open(&env.paths(), Storage::File, env.keyring_service.clone())
        .unwrap();
    let (mut harness, _) = open_with(&env, store);
    click(&mut harness, "About");
    assert!(shows(&harness, "file storage: not encrypted"));
    assert!(shows(&harness, "plain files (0600)"));
    assert!(!shows(
        &harness,
        "Nothing secret is ever written in plain text."
    ));

    // The keyring's box keeps its promise.
    let (mut harness, _) = open(&Env::new());
    click(&mut harness, "About");
    assert!(shows(
        &harness,
        "Nothing secret is ever written in plain text."
    ));
    assert!(!shows(&harness, "plain files (0600)"));
}

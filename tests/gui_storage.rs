//! The window's Settings choice of where secrets are kept (issue 27, point 1): it asks
//! first, saying what the move means, then moves the secrets on the worker's queue and
//! uses the new store at once.

use crate::common;

use cdf_signin::secrets::{SecretKind, Storage};
use common::{Env, Idp, window};

#[test]
fn choosing_plain_files_asks_first_then_moves_the_secrets_at_once() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let mut gui = window::open(&env);
    gui.click("Settings");
    gui.click("Plain files");
    assert!(gui.has_label("Move secrets"), "a dialog asks first");
    assert!(gui.has_text("NOT encrypted"), "says what plain files mean");
    assert!(
        gui.has_text(&env.data_dir().join("secrets").display().to_string()),
        "names where"
    );
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = gui.harness.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join("storage-move.png"))
            .unwrap();
    }
    // Cancel changes nothing.
    gui.click("Cancel");
    assert!(!gui.has_label("Move secrets"));
    assert!(!env.config_dir().join("settings.toml").exists());

    gui.click("Plain files");
    gui.click("Move secrets");
    gui.wait("the move's toast", |h| {
        use egui_kittest::kittest::Queryable;
        h.query_all_by_label_contains("Moved 1 secret from the OS keyring to the file storage")
            .next()
            .is_some()
    });
    assert!(gui.has_text("In use now: file storage"), "used at once");
    // Past the kernel-keyring copy the CLI left (this window's store keeps none).
    let keyring = env.store(Storage::Keyring);
    assert!(
        keyring
            .reload("svc", SecretKind::ClientSecret)
            .unwrap()
            .is_none(),
        "gone from the keyring"
    );
    let saved = std::fs::read_to_string(env.config_dir().join("settings.toml")).unwrap();
    assert!(saved.contains("\"file\""), "{saved}");
    let files: Vec<_> = walk(&env.data_dir().join("secrets"))
        .into_iter()
        .filter(|p| p.ends_with("svc.client-secret"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), "cc-secret");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

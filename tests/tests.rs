//! The integration tests, one module per area, in one test binary (as ripgrep's
//! `tests/tests.rs`): each file on its own would link eframe, wgpu and reqwest again.
//! nextest still runs every test in a process of its own. A new `tests/AREA.rs` needs its
//! `mod` line here (`every_test_file_is_a_module_here` says so when one is missing).

mod common;

mod accounts;
mod cdf_api;
mod client_credentials;
mod cognite_idp;
mod destinations;
mod device_code;
mod doctor;
mod errors;
mod exec;
mod gui;
mod gui_about;
mod gui_layout;
mod gui_snapshots;
mod gui_storage;
mod hostile_answers;
mod import;
mod inspect;
mod interactive;
mod layers;
mod networks;
mod output;
mod profiles;
mod python_jupyter;
mod python_wheel;
mod readme;
mod shells;
mod storage;
mod storage_move;
mod tray;
mod window_smoke;
mod windows;

#[test]
fn every_test_file_is_a_module_here() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
    let missing: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .filter(|name| name != "tests" && !this.contains(&format!("\nmod {name};\n")))
        .collect();
    assert!(missing.is_empty(), "not compiled in: {missing:?}");
}

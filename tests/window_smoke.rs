//! The real binary in a real X server: Xvfb on a free display, a config with two
//! profiles; the window must appear with our WM_CLASS and draw something.

mod common;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Env;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a display number it picks itself (-displayfd), so tests never collide.
fn start_xvfb() -> (Killed, String) {
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

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run a tool");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn window_appears_with_our_class_and_is_not_blank() {
    let env = Env::new();
    for (name, flow) in [("dev-eu", "interactive"), ("ops", "device-code")] {
        env.run(&[
            "profile",
            "add",
            name,
            "--cluster",
            "westeurope-1",
            "--project",
            "acme",
            "--tenant-id",
            "t",
            "--client-id",
            "c",
            "--flow",
            flow,
        ])
        .ok();
    }
    let (_xvfb, display) = start_xvfb();
    let app = env
        .command(&[])
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut app = Killed(app);

    let start = Instant::now();
    let window = loop {
        let found = run(Command::new("xdotool").env("DISPLAY", &display).args([
            "search",
            "--onlyvisible",
            "--class",
            "cdf-signin",
        ]));
        if let Some(id) = found.lines().next() {
            break id.to_string();
        }
        if let Ok(Some(status)) = app.0.try_wait() {
            let mut err = String::new();
            let _ = app.0.stderr.take().unwrap().read_to_string(&mut err);
            panic!("the app exited ({status}) before showing a window: {err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no window within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };

    let class = run(Command::new("xprop")
        .env("DISPLAY", &display)
        .args(["-id", &window, "WM_CLASS"]));
    assert!(class.contains("\"cdf-signin\""), "WM_CLASS: {class}");
    let name = run(Command::new("xdotool")
        .env("DISPLAY", &display)
        .args(["getwindowname", &window]));
    assert_eq!(name.trim(), "cdf-signin");

    // Give it a moment to draw, then look: a blank window has one or two colours.
    let shot = env.root.path().join("window.png");
    let mut colours = 0;
    for _ in 0..30 {
        std::thread::sleep(Duration::from_millis(300));
        let ok = Command::new("import")
            .env("DISPLAY", &display)
            .args(["-window", &window])
            .arg(&shot)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            continue;
        }
        colours = run(Command::new("identify").args(["-format", "%k"]).arg(&shot))
            .trim()
            .parse()
            .unwrap_or(0);
        if colours > 50 {
            break;
        }
    }
    assert!(colours > 50, "the window looks blank ({colours} colours)");
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let _ = std::fs::copy(&shot, std::path::Path::new(&dir).join("main-window.png"));
    }
}

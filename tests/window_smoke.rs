//! The real binary in a real X server: Xvfb on a free display, a config with two
//! profiles; the window must appear with the WM_CLASS that the desktop entry's
//! StartupWMClass names (so the desktop groups the window under its launcher), carry our
//! icon, and draw something. And the keyboard for real: Ctrl+Shift+C, sent with xdotool
//! right after launch, puts the access token on the X clipboard (read with xclip).

use crate::common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, Idp, Killed, start_xvfb};

/// A key's value in `packaging/linux/cdf-signin.desktop`.
fn desktop_entry(key: &str) -> String {
    let path = common::repo().join("packaging/linux/cdf-signin.desktop");
    let text = std::fs::read_to_string(&path).expect("read the desktop entry");
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{} has no {key}=", path.display()))
        .trim()
        .to_string()
}

/// The class part of `WM_CLASS(STRING) = "instance", "class"`.
fn wm_class(xprop: &str) -> Option<String> {
    let (_, values) = xprop.split_once(" = ")?;
    let parts: Vec<&str> = values.trim().split(", ").collect();
    Some(parts.last()?.trim_matches('"').to_string())
}

/// `_NET_WM_ICON` as xprop prints it with `-f _NET_WM_ICON 32c`: width, height, then one
/// ARGB value a pixel.
fn net_wm_icon(xprop: &str) -> Vec<u32> {
    let Some((_, values)) = xprop.split_once(" = ") else {
        return Vec::new();
    };
    values
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run a tool");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The window of `app` (found by its process, _NET_WM_PID), once it is mapped.
fn find_window(display: &str, app: &mut Killed) -> String {
    let pid = app.0.id().to_string();
    let start = Instant::now();
    loop {
        let found = run(Command::new("xdotool").env("DISPLAY", display).args([
            "search",
            "--onlyvisible",
            "--pid",
            &pid,
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
    }
}

/// The window (`cdf-signin` with no command) on `display`, killed when dropped.
fn launch(env: &Env, display: &str) -> Killed {
    let app = env
        .command(&[])
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Killed(app)
}

#[test]
fn window_appears_with_our_class_and_is_not_blank() {
    let env = Env::new();
    for (name, flow) in [("dev-eu", "interactive"), ("ops", "device-code")] {
        env.run(&common::add_args_for(
            name,
            "westeurope-1",
            "acme",
            flow,
            &[],
        ))
        .ok();
    }
    let expected_class = desktop_entry("StartupWMClass");
    let (_xvfb, display) = start_xvfb();
    let mut app = launch(&env, &display);
    // Found by its process (_NET_WM_PID), so that a wrong class fails the class check below
    // with both names rather than as "no window".

    let window = find_window(&display, &mut app);

    let class = run(Command::new("xprop")
        .env("DISPLAY", &display)
        .args(["-id", &window, "WM_CLASS"]));
    assert_eq!(
        wm_class(&class).as_deref(),
        Some(expected_class.as_str()),
        "the window's WM_CLASS ({}) must be the desktop entry's StartupWMClass",
        class.trim()
    );

    // The window icon is ours (the 256 px PNG), not eframe's default. xprop reads 250 kB
    // of a property unless told more (-len, in bytes); this one is 4 * (2 + 256 * 256).
    let icon = run(Command::new("xprop").env("DISPLAY", &display).args([
        "-len",
        "1048576",
        "-id",
        &window,
        "-f",
        "_NET_WM_ICON",
        "32c",
        "_NET_WM_ICON",
    ]));
    let icon = net_wm_icon(&icon);
    let ours = eframe::icon_data::from_png_bytes(include_bytes!(
        "../assets/icons/hicolor/256x256/apps/cdf-signin.png"
    ))
    .expect("our icon decodes");
    assert_eq!(icon.get(..2), Some(&[256u32, 256][..]), "_NET_WM_ICON size");
    let argb: Vec<u32> = ours
        .rgba
        .chunks(4)
        .map(|p| u32::from_be_bytes([p[3], p[0], p[1], p[2]]))
        .collect();
    assert_eq!(icon.len(), 2 + argb.len(), "_NET_WM_ICON length");
    assert!(icon[2..] == argb[..], "_NET_WM_ICON is not our icon");
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

/// Issue 21: the daily path, for real. A service principal's token is cached by the
/// command line; the window is launched on that profile and Ctrl+Shift+C, pressed from
/// the moment the window exists, puts that token on the clipboard.
#[test]
fn ctrl_shift_c_copies_the_access_token_in_the_real_window() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    env.run(&["profile", "use", "svc"]).ok();
    let token = env
        .run(&["token", "--profile", "svc"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert!(token.len() > 20, "a token: {token:?}");
    let (_xvfb, display) = start_xvfb();
    let mut app = launch(&env, &display);
    let window = find_window(&display, &mut app);
    let x = |tool: &str, args: &[&str]| run(Command::new(tool).env("DISPLAY", &display).args(args));
    // No window manager here: the window gets the keyboard focus from X itself.
    x("xdotool", &["windowfocus", "--sync", &window]);
    // The key is pressed until the window has read the cached token (it says "no valid
    // access token" before that, and copies nothing).
    let mut held = String::new();
    common::wait_for(
        "the access token on the clipboard after Ctrl+Shift+C",
        Duration::from_secs(30),
        || {
            x("xdotool", &["key", "--clearmodifiers", "ctrl+shift+c"]);
            std::thread::sleep(Duration::from_millis(300));
            held = x("xclip", &["-selection", "clipboard", "-o"]);
            held == token
        },
    );
    assert_eq!(held, token);
    // The signed-in profile with the copy's toast, for a person to look at.
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        std::thread::sleep(Duration::from_millis(500));
        let shot = std::path::Path::new(&dir).join("token-window.png");
        x("import", &["-window", &window, &shot.display().to_string()]);
    }
}

/// One window per configuration: a second start (the tray's "Open cdf-signin", or
/// `cdf-signin gui --profile NAME`) brings the open window to the front on that profile
/// and exits, while another configuration of the same user gets a window of its own.
#[test]
fn a_second_start_brings_the_open_window_forward_on_the_profile_asked() {
    let env = Env::new();
    env.run(&common::add_args_for(
        "dev",
        "westeurope-1",
        "acme",
        "interactive",
        &[],
    ))
    .ok();
    env.run(&common::add_args_for(
        "prod",
        "westeurope-1",
        "acme-prod",
        "interactive",
        &["--production"],
    ))
    .ok();
    env.run(&["profile", "use", "dev"]).ok();
    let (_xvfb, display) = start_xvfb();
    let mut first = launch(&env, &display);
    let window = find_window(&display, &mut first);
    let name = || {
        run(Command::new("xdotool")
            .env("DISPLAY", &display)
            .args(["getwindowname", &window]))
    };
    assert_eq!(
        name().trim(),
        "cdf-signin",
        "the default profile is not production"
    );

    // Started, not waited for blindly: a second window that opened would never exit.
    let mut second = Killed(
        env.command(&["gui", "--profile", "prod"])
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = second.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the second start did not exit: it opened a window of its own"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut said = String::new();
    let _ = second.0.stderr.take().unwrap().read_to_string(&mut said);
    assert!(status.success(), "{status}: {said}");
    assert!(said.contains("open already"), "{said}");
    let start = Instant::now();
    while name().trim() != "PRODUCTION: prod — cdf-signin" {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the open window did not turn to prod: {:?}",
            name()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = first.0.id().to_string();
    let ours = run(Command::new("xdotool").env("DISPLAY", &display).args([
        "search",
        "--onlyvisible",
        "--name",
        "cdf-signin$",
    ]));
    assert_eq!(ours.lines().count(), 1, "one window: {ours}");
    assert!(
        first.0.try_wait().unwrap().is_none(),
        "the first window ({pid}) still runs"
    );

    // Another configuration of the same user: a window of its own.
    let other = Env::new();
    let mut beside = launch(&other, &display);
    find_window(&display, &mut beside);
}

//! `cdf-signin tray` for real: the binary on the test session bus (with its real
//! gnome-keyring), where this test plays the desktop: the StatusNotifierWatcher and its
//! host, and a notification server. The test sees the item register, reads its menu
//! through com.canonical.dbusmenu (`GetLayout`), clicks Copy token of a
//! client-credentials profile (`Event "clicked"`) and reads the token from the X
//! clipboard of an Xvfb with xclip.
//!
//! The bus names (the watcher's, the tray's) are the session's, so everything that needs
//! them runs in one test, one step after another; the test without a watcher has a bus
//! of its own.

use crate::common;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{CLUSTER, Env, Idp, Killed, Place, idp_add_args, start_xvfb, wait_for};
use zbus::blocking::Connection;
use zbus::zvariant::{OwnedValue, Value};

/// What the test's desktop heard.
#[derive(Default)]
struct Heard {
    /// The items that registered: (their bus name, what they passed).
    items: Vec<(String, String)>,
    /// The notifications shown: (summary, body).
    notifications: Vec<(String, String)>,
}

struct Watcher(Arc<Mutex<Heard>>);

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.0.lock().unwrap().items.push((sender, service.into()));
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let heard = self.0.lock().unwrap();
        heard.items.iter().map(|(_, s)| s.clone()).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

struct Notifications(Arc<Mutex<Heard>>);

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut heard = self.0.lock().unwrap();
        heard.notifications.push((summary.into(), body.into()));
        heard.notifications.len() as u32
    }
}

/// The desktop on the session bus: the watcher (with a host) and the notifications.
fn desktop(heard: &Arc<Mutex<Heard>>) -> Connection {
    desktop_on(
        heard,
        zbus::blocking::connection::Builder::session().unwrap(),
    )
}

fn desktop_on(
    heard: &Arc<Mutex<Heard>>,
    builder: zbus::blocking::connection::Builder<'static>,
) -> Connection {
    builder
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at("/StatusNotifierWatcher", Watcher(heard.clone()))
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            Notifications(heard.clone()),
        )
        .unwrap()
        .build()
        .expect("the test's desktop on the session bus")
}

/// A dbusmenu entry as the host reads it.
#[derive(Debug, Clone)]
struct Node {
    id: i32,
    label: String,
    enabled: bool,
    children: Vec<Node>,
}

/// A node of `GetLayout`'s answer: `(ia{sv}av)`.
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl Node {
    fn from_layout((id, props, children): Layout) -> Node {
        let text = |key: &str| {
            props
                .get(key)
                .and_then(|v| String::try_from(v.try_clone().unwrap()).ok())
        };
        Node {
            id,
            label: text("label").unwrap_or_default().replace("__", "_"),
            enabled: props
                .get("enabled")
                .and_then(|v| bool::try_from(v.try_clone().unwrap()).ok())
                .unwrap_or(true),
            children: children
                .into_iter()
                .map(|c| {
                    let layout: Layout = match Value::from(c) {
                        Value::Value(inner) => Layout::try_from(*inner),
                        other => Layout::try_from(other),
                    }
                    .expect("a child is a (ia{sv}av)");
                    Node::from_layout(layout)
                })
                .collect(),
        }
    }

    fn find(&self, pred: &dyn Fn(&Node) -> bool) -> Option<&Node> {
        if pred(self) {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(pred))
    }

    fn labels(&self) -> Vec<String> {
        self.children.iter().map(|c| c.label.clone()).collect()
    }
}

/// The registered item's whole menu, read as a host reads it.
fn layout(conn: &Connection, item: &str) -> Node {
    let menu: zbus::zvariant::OwnedObjectPath = conn
        .call_method(
            Some(item),
            "/StatusNotifierItem",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.kde.StatusNotifierItem", "Menu"),
        )
        .and_then(|m| {
            let v: OwnedValue = m.body().deserialize()?;
            Ok(zbus::zvariant::OwnedObjectPath::try_from(v)?)
        })
        .expect("the item's Menu property");
    let reply = conn
        .call_method(
            Some(item),
            menu.as_str(),
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )
        .expect("GetLayout");
    let body = reply.body();
    let (_revision, root): (u32, Layout) = body.deserialize().expect("(u(ia{sv}av))");
    let mut node = Node::from_layout(root);
    node.label = menu.to_string();
    node
}

fn click(conn: &Connection, item: &str, menu_path: &str, id: i32) {
    conn.call_method(
        Some(item),
        menu_path,
        Some("com.canonical.dbusmenu"),
        "Event",
        &(id, "clicked", Value::from(""), 0u32),
    )
    .expect("Event clicked");
}

/// The child processes of `pid`, with their command lines.
fn children_of(pid: u32) -> Vec<(u32, Vec<String>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        if parent == Some(pid) {
            let cmdline = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            let args = cmdline
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            found.push((child, args));
        }
    }
    found
}

/// What the X clipboard holds (xclip), if anything.
fn x_clipboard(display: &str) -> Option<String> {
    let out = Command::new("xclip")
        .env("DISPLAY", display)
        .args(["-selection", "clipboard", "-o"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip (package xclip) is required");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_tray_lists_the_profiles_and_copies_a_token_to_the_x_clipboard() {
    let env = Env::new();
    let idp = Idp::start();
    let at = Place {
        cluster: CLUSTER,
        project: "test-project",
    };
    // A production service principal, the default.
    let args = idp_add_args(
        &idp,
        "svc",
        at,
        "client-credentials",
        "cc-client",
        &["--client-secret-stdin", "--production"],
    );
    env.run_stdin(&args, Some("cc-secret\n")).ok();
    env.run(&["profile", "use", "svc"]).ok();
    // A person's profile that never signed in.
    env.add_profile(&idp, "alice", "interactive", "interactive-client", &[])
        .ok();

    // The window's Settings chose 5 s for the clipboard (eframe's app.ron, as the window
    // writes it).
    std::fs::create_dir_all(env.data_dir()).unwrap();
    std::fs::write(
        env.data_dir().join("app.ron"),
        "{\n    \"cdf-signin-settings\": \"{\\\"clipboard_clear_secs\\\":5}\",\n}\n",
    )
    .unwrap();

    let (_xvfb, display) = start_xvfb();
    let heard = Arc::new(Mutex::new(Heard::default()));
    let conn = desktop(&heard);
    let mut tray_cmd = env.command(&["tray"]);
    tray_cmd.env("DISPLAY", &display);
    let tray = common::spawn_running(tray_cmd);

    wait_for("the tray to register", Duration::from_secs(20), || {
        !heard.lock().unwrap().items.is_empty()
    });
    let (_sender, item) = heard.lock().unwrap().items[0].clone();
    assert!(item.starts_with("org.kde.StatusNotifierItem-"), "{item}");

    let menu = layout(&conn, &item);
    let labels = menu.labels();
    // The default (a production profile) first in its cluster's group, then the
    // signed-out person's profile with its state; then Open and Quit.
    assert_eq!(labels[0], CLUSTER, "{labels:?}");
    assert_eq!(
        labels[1], "svc  PRODUCTION  test-project  (default)",
        "{labels:?}"
    );
    assert_eq!(
        labels[2], "alice  test-project — sign-in needed…",
        "{labels:?}"
    );
    assert!(
        labels.ends_with(&["".into(), "Open cdf-signin".into(), "Quit".into()]),
        "{labels:?}"
    );
    assert!(
        !menu.children[0].enabled,
        "a group's title is not clickable"
    );
    let svc = &menu.children[1];
    assert_eq!(
        svc.labels(),
        ["Copy token", "Copy as Authorization: Bearer header"]
    );
    assert!(
        menu.children[2].children.is_empty(),
        "no copy without a sign-in"
    );

    // Copy token: the access token on the X clipboard, the one `token` hands out.
    click(&conn, &item, &menu.label, svc.children[0].id);
    let mut copied = None;
    wait_for(
        "the token on the clipboard",
        Duration::from_secs(20),
        || {
            copied = x_clipboard(&display).filter(|t| t.starts_with("ey"));
            copied.is_some()
        },
    );
    let token = copied.unwrap();
    let claims = common::jwt_claims(&token);
    assert_eq!(
        claims["client_id"].as_str().or(claims["azp"].as_str()),
        Some("cc-client"),
        "{claims}"
    );
    let cli = env
        .run(&["token", "--profile", "svc"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(
        cli, token,
        "the tray served the token the CLI's cache holds"
    );
    // The notification says what and for how long, never the token.
    wait_for("a notification", Duration::from_secs(5), || {
        !heard.lock().unwrap().notifications.is_empty()
    });
    let (summary, body) = heard.lock().unwrap().notifications[0].clone();
    assert_eq!(summary, "Access token copied");
    assert!(body.contains("'svc'") && body.contains("in 5 s"), "{body}");
    assert!(!body.contains(&token) && !summary.contains(&token[..20]));

    // The header.
    click(&conn, &item, &menu.label, svc.children[1].id);
    wait_for(
        "the header on the clipboard",
        Duration::from_secs(20),
        || x_clipboard(&display).is_some_and(|t| t == format!("Authorization: Bearer {token}")),
    );

    // Cleared after the window's 5 s, as it still holds what the tray put there.
    wait_for("the clipboard cleared", Duration::from_secs(12), || {
        x_clipboard(&display).is_none_or(|t| t.is_empty())
    });

    // A profile that needs a sign-in opens the window on it, as a process of its own.
    let alice = menu.children[2].id;
    click(&conn, &item, &menu.label, alice);
    let mut window = None;
    wait_for(
        "the window started on alice",
        Duration::from_secs(10),
        || {
            window = children_of(tray.child.id()).into_iter().find(|(_, args)| {
                args.ends_with(&["gui".into(), "--profile".into(), "alice".into()])
            });
            window.is_some()
        },
    );
    let (window_pid, _) = window.unwrap();
    let _ = Command::new("kill").arg(window_pid.to_string()).status();

    // A profile added by the CLI shows up without a restart.
    env.add_profile(&idp, "bob_dev", "device-code", "device-client", &[])
        .ok();
    wait_for(
        "the new profile in the menu",
        Duration::from_secs(15),
        || {
            layout(&conn, &item)
                .find(&|n| n.label == "bob_dev  test-project — sign-in needed…")
                .is_some()
        },
    );

    // One tray per user: a second one says so and exits 0.
    let second = env.run(&["tray"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("running already"),
        "{}",
        second.stderr
    );

    // --quit ends the running one.
    let quit = env.run(&["tray", "--quit"]);
    assert_eq!(quit.code, 0, "{}", quit.stderr);
    let done = tray.finish(Duration::from_secs(10));
    assert_eq!(done.code, 0, "{}", done.stderr);
    let again = env.run(&["tray", "--quit"]);
    assert!(
        again.stderr.contains("No cdf-signin tray is running"),
        "{}",
        again.stderr
    );
    drop(conn);
}

/// A bus with no StatusNotifierWatcher (GNOME without the AppIndicator extension): one
/// line saying so and what to install, exit 1.
#[test]
fn without_a_watcher_the_tray_says_what_to_install_and_exits_1() {
    let mut env = Env::new();
    let (_bus, address) = private_bus();
    env.set("DBUS_SESSION_BUS_ADDRESS", &address);
    let run = env.spawn(&["tray"]).finish(Duration::from_secs(30));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("error: no StatusNotifierWatcher")
            && lines[0].contains("gnome-shell-extension-appindicator"),
        "{}",
        lines[0]
    );
}

/// A session bus of the test's own (no service directories, so nothing is activated):
/// the daemon, killed when dropped, and its address.
fn private_bus() -> ((Killed, tempfile::TempDir), String) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("bus");
    let address = format!("unix:path={}", socket.display());
    // No service directories: nothing can be started on it by activation.
    let config = dir.path().join("bus.conf");
    std::fs::write(
        &config,
        format!(
            "<busconfig><type>session</type><listen>{address}</listen><auth>EXTERNAL</auth>\
             <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
             <allow eavesdrop=\"true\"/><allow own=\"*\"/>\
             </policy></busconfig>"
        ),
    )
    .unwrap();
    let daemon = Killed(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--nosyslog"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon"),
    );
    wait_for("the private bus", Duration::from_secs(10), || {
        socket.exists()
    });
    ((daemon, dir), address)
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

/// CPU time of a process so far (user + system), in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Not a test: figures for benches/tray.sh (run with `--run-ignored only`). The tray's
/// and the window's resident memory and idle CPU, and the time from a click on Copy
/// token (a cached token) to the token on the X clipboard, end to end (D-Bus Event to
/// xclip reading it) and inside the tray (its `copied in` log line).
#[test]
#[ignore = "a benchmark: benches/tray.sh"]
fn bench_tray_memory_idle_cpu_and_click_to_clipboard() {
    let env = Env::new();
    let idp = Idp::start();
    env.add_cc_profile(&idp, "svc", "cc-secret");
    let (_xvfb, display) = start_xvfb();
    let heard = Arc::new(Mutex::new(Heard::default()));
    let conn = desktop(&heard);
    let mut cmd = env.command(&["--verbose", "tray"]);
    cmd.env("DISPLAY", &display)
        .env("CDF_SIGNIN_LOG", "cdf_signin=debug");
    let tray = common::spawn_running(cmd);
    wait_for("the tray to register", Duration::from_secs(20), || {
        !heard.lock().unwrap().items.is_empty()
    });
    let item = heard.lock().unwrap().items[0].1.clone();
    let menu = layout(&conn, &item);
    let copy = menu
        .find(&|n| n.label == "Copy token")
        .expect("Copy token")
        .id;
    // The first copy fetches the token; the ones after it come from the cache.
    click(&conn, &item, &menu.label, copy);
    wait_for("the first token", Duration::from_secs(20), || {
        x_clipboard(&display).is_some_and(|t| t.starts_with("ey"))
    });
    let mut end_to_end = Vec::new();
    for _ in 0..10 {
        Command::new("xclip")
            .env("DISPLAY", &display)
            .args(["-selection", "clipboard", "-i"])
            .stdin(Stdio::null())
            .status()
            .unwrap();
        wait_for("the clipboard emptied", Duration::from_secs(5), || {
            x_clipboard(&display).is_none_or(|t| t.is_empty())
        });
        let start = std::time::Instant::now();
        click(&conn, &item, &menu.label, copy);
        wait_for("the token again", Duration::from_secs(10), || {
            x_clipboard(&display).is_some_and(|t| t.starts_with("ey"))
        });
        end_to_end.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let inside: Vec<f64> = tray
        .stderr()
        .lines()
        .filter_map(|l| l.split("copied in ").nth(1))
        .filter_map(|d| {
            let ms = d.trim().strip_suffix("ms").map(|v| v.parse::<f64>().ok());
            let us = d
                .trim()
                .strip_suffix("µs")
                .map(|v| v.parse::<f64>().ok().map(|u| u / 1000.0));
            ms.or(us).flatten()
        })
        .collect();
    std::thread::sleep(Duration::from_secs(5));
    let pid = tray.child.id();
    let tray_rss = rss_kib(pid);
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(30));
    let tray_cpu = (cpu_ticks(pid) - before) as f64 / 100.0 / 30.0 * 100.0;

    // The window, the same build, idle on the same profile.
    let mut window = env.command(&["gui"]);
    window.env("DISPLAY", &display);
    let window = Killed(
        window
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_secs(8));
    let wpid = window.0.id();
    let window_rss = rss_kib(wpid);
    let before = cpu_ticks(wpid);
    std::thread::sleep(Duration::from_secs(30));
    let window_cpu = (cpu_ticks(wpid) - before) as f64 / 100.0 / 30.0 * 100.0;

    end_to_end.sort_by(f64::total_cmp);
    println!("tray RSS after idle: {:.1} MiB", tray_rss as f64 / 1024.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    for l in status
        .lines()
        .filter(|l| l.starts_with("Rss") || l.starts_with("Threads"))
    {
        println!("tray {l}");
    }
    println!("tray idle CPU over 30 s: {tray_cpu:.2} %");
    println!(
        "window RSS after 8 s: {:.1} MiB",
        window_rss as f64 / 1024.0
    );
    println!("window idle CPU over 30 s: {window_cpu:.2} %");
    println!(
        "click -> clipboard, cached token, D-Bus Event to xclip reading it (ms): median {:.1}, max {:.1}",
        end_to_end[end_to_end.len() / 2],
        end_to_end[end_to_end.len() - 1]
    );
    println!("inside the tray, token + clipboard (ms): {inside:?}");
    env.run(&["tray", "--quit"]).ok();
    drop(conn);
}

/// Starting the tray at log-in, from the command line and from the window's Settings:
/// one XDG autostart entry, which each sees the other write and remove.
#[test]
fn autostart_is_one_desktop_entry_for_the_command_line_and_the_window() {
    let env = Env::new();
    let entry = env
        .config_dir()
        .parent()
        .unwrap()
        .join("autostart/cdf-signin-tray.desktop");
    let on = env.run(&["tray", "--autostart", "on"]).ok().stderr.clone();
    assert!(on.starts_with("The tray starts when you sign in"), "{on}");
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(
        text.contains(&format!(
            "Exec=\"{}\" tray\n",
            env!("CARGO_BIN_EXE_cdf-signin")
        )),
        "{text}"
    );

    let mut gui = common::window::open(&env);
    gui.click("Settings");
    gui.wait("the autostart state read", |h| {
        h.state().model.about.autostart == Some(true)
    });
    let label = "Start the tray icon when I log in (copies tokens without this window)";
    gui.click(label);
    gui.wait("autostart off", |h| {
        h.state().model.about.autostart == Some(false)
    });
    assert!(!entry.exists(), "the window removed the entry");
    gui.click(label);
    gui.wait("autostart on", |h| {
        h.state().model.about.autostart == Some(true)
    });
    assert!(entry.exists(), "the window wrote the entry");

    let off = env.run(&["tray", "--autostart", "off"]).ok().stderr.clone();
    assert!(off.contains("no longer starts"), "{off}");
    assert!(!entry.exists());
    let again = env.run(&["tray", "--autostart", "off"]).ok().stderr.clone();
    assert!(again.contains("was not set"), "{again}");
}

/// While it runs, the tray keeps a person's sign-in alive: at start, and then once a day,
/// it renews each signed-in account's tokens through the session (so the rotated
/// refresh token is stored and still works), and remembers when, so a restart the same
/// day renews nothing. On a bus of its own (the watcher's name is the session's), with
/// the secrets in files (the keyring is on the other bus).
#[test]
fn the_tray_renews_a_signed_in_account_once_a_day() {
    let idp = Idp::start();
    let mut env = Env::new();
    env.set("CDF_SIGNIN_STORAGE", "file");
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "120"]);
    let url = login.wait_line("URL:", Duration::from_secs(90));
    let code = login.wait_line("Code:", Duration::from_secs(90));
    common::node_script("approve-device.mjs", &[&url, &code]).ok();
    login.finish(Duration::from_secs(90)).ok();

    let (_bus, address) = private_bus();
    env.set("DBUS_SESSION_BUS_ADDRESS", &address);
    let heard = Arc::new(Mutex::new(Heard::default()));
    let builder = zbus::blocking::connection::Builder::address(address.as_str()).unwrap();
    let _desktop = desktop_on(&heard, builder);
    let marker = env.data_dir().join("tray-keep-alive.json");

    let refreshes = || idp.count("token_refresh_token");
    let before = refreshes();
    let tray = env.spawn(&["tray"]);
    wait_for("the keep-alive", Duration::from_secs(20), || {
        marker.exists()
    });
    assert_eq!(refreshes(), before + 1, "one renewal at start");
    // The rotated refresh token was kept: renewing again works.
    env.run(&["token", "--profile", "dev", "--min-valid", "7200"])
        .ok();
    env.run(&["tray", "--quit"]).ok();
    tray.finish(Duration::from_secs(10)).ok();

    // Started again the same day: nothing is renewed.
    let after = refreshes();
    heard.lock().unwrap().items.clear();
    let tray = env.spawn(&["tray"]);
    wait_for("the tray again", Duration::from_secs(20), || {
        !heard.lock().unwrap().items.is_empty()
    });
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(refreshes(), after, "no second renewal within a day");
    env.run(&["tray", "--quit"]).ok();
    tray.finish(Duration::from_secs(10)).ok();
}

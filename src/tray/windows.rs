//! The tray icon on Windows: a notification-area icon (`tray-icon`, its menu `muda`)
//! whose left click opens the menu, on winit's event loop (no window, no GPU). It
//! shows the menu model's [`Item`]s and passes the person's choices to the tray's loop
//! (`service.rs`), which runs on a thread of its own so that the icon's message loop
//! never waits on a token.
//!
//! One tray per user: it holds a lock on `tray.lock` in the data folder while it runs.
//! `tray --quit` leaves a `tray.quit` file there, which the running tray looks for
//! twice a second (Windows has no session bus to ask it through, and a message to its
//! hidden window would need `unsafe`).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tray_icon::menu::{IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};
use winit::application::ApplicationHandler;
use winit::event::{StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::window::WindowId;

use super::menu::{Choice, Item};
use super::{Event, Options, TrayError, say, service};
use crate::paths::Paths;

/// How often the quit request is looked for.
const QUIT_POLL: Duration = Duration::from_millis(500);

fn lock_path(paths: &Paths) -> PathBuf {
    paths.data_dir.join("tray.lock")
}

fn quit_path(paths: &Paths) -> PathBuf {
    paths.data_dir.join("tray.quit")
}

/// The lock file, held: `None` when another tray holds it.
fn try_lock(paths: &Paths) -> Result<Option<File>, TrayError> {
    std::fs::create_dir_all(&paths.data_dir)
        .map_err(|e| TrayError::new(format!("cannot create {}: {e}", paths.data_dir.display())))?;
    let path = lock_path(paths);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| TrayError::new(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(TrayError::new(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// `tray --quit`: asks the running tray to end and waits (up to 5 s) until it has.
fn quit_running(paths: &Paths) -> Result<(), TrayError> {
    if try_lock(paths)?.is_some() {
        say("No cdf-signin tray is running.");
        return Ok(());
    }
    let request = quit_path(paths);
    std::fs::write(&request, b"")
        .map_err(|e| TrayError::new(format!("cannot write {}: {e}", request.display())))?;
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
        if try_lock(paths)?.is_some() {
            say("The running cdf-signin tray was asked to quit.");
            return Ok(());
        }
    }
    Err(TrayError::new(
        "the running cdf-signin tray was asked to quit but is still running after 5 s",
    ))
}

pub fn run(paths: Paths, options: Options) -> Result<(), TrayError> {
    if options.quit {
        return quit_running(&paths);
    }
    let Some(_lock) = try_lock(&paths)? else {
        say("A cdf-signin tray is running already (`cdf-signin tray --quit` ends it).");
        return Ok(());
    };
    // A request left from before this tray started is not for it.
    let _ = std::fs::remove_file(quit_path(&paths));

    let event_loop = EventLoop::<Shown>::with_user_event()
        .build()
        .map_err(|e| TrayError::new(format!("cannot start the tray's event loop: {e}")))?;
    let proxy = event_loop.create_proxy();
    let (sender, events) = std::sync::mpsc::channel();

    // The loop's state is made on its own thread (the session is not moved across).
    let worker_paths = paths.clone();
    let (ready, started) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let notify: service::Notify = Box::new(|summary, body| {
            tracing::info!("{summary}: {body}");
        });
        let mut tray = match service::Tray::new(worker_paths, notify) {
            Ok(tray) => tray,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        let _ = proxy.send_event(Shown::Items(tray.items()));
        let show_proxy = proxy.clone();
        tray.run(&events, move |items| {
            let _ = show_proxy.send_event(Shown::Items(items));
        });
        let _ = proxy.send_event(Shown::Quit);
    });
    match started.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(TrayError::new("the tray's loop ended before it started")),
    }

    let choices: Arc<Mutex<HashMap<String, Choice>>> = Arc::default();
    let handler_choices = choices.clone();
    let handler_sender = sender.clone();
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        let choice = handler_choices
            .lock()
            .ok()
            .and_then(|c| c.get(&event.id.0).cloned());
        if let Some(choice) = choice {
            let _ = handler_sender.send(Event::Chosen(choice));
        }
    }));

    let mut app = App {
        icon: None,
        pending: None,
        choices,
        generation: 0,
        quit_request: quit_path(&paths),
        events: sender,
        error: None,
    };
    let result = event_loop.run_app(&mut app);
    // The loop may still be running if the icon's side ended first.
    let _ = app.events.send(Event::Quit);
    drop(app.icon.take());
    let _ = worker.join();
    if let Some(e) = app.error {
        return Err(e);
    }
    result.map_err(|e| TrayError::new(format!("the tray's event loop failed: {e}")))
}

/// What the tray's loop asks the icon to show.
#[derive(Debug)]
enum Shown {
    Items(Vec<Item>),
    Quit,
}

struct App {
    icon: Option<TrayIcon>,
    /// Items that came before the icon was up.
    pending: Option<Vec<Item>>,
    /// What each menu entry's id chooses, for the current menu.
    choices: Arc<Mutex<HashMap<String, Choice>>>,
    /// Counts the menus built, so that a click on an entry of an older menu chooses nothing.
    generation: u64,
    quit_request: PathBuf,
    events: Sender<Event>,
    error: Option<TrayError>,
}

impl App {
    fn show(&mut self, items: Vec<Item>) {
        let Some(icon) = &self.icon else {
            self.pending = Some(items);
            return;
        };
        self.generation += 1;
        let mut choices = HashMap::new();
        match build_menu(&items, self.generation, &mut choices) {
            Ok(menu) => {
                if let Ok(mut shared) = self.choices.lock() {
                    *shared = choices;
                }
                icon.set_menu(Some(Box::new(menu)));
            }
            Err(e) => tracing::warn!("cannot build the tray menu: {e}"),
        }
    }

    fn put_up(&mut self, event_loop: &ActiveEventLoop) {
        // The icon resource (ordinal 1) build.rs links into the executable.
        let icon = Icon::from_resource(1, None).ok();
        let mut builder = TrayIconBuilder::new()
            .with_tooltip("cdf-signin: copy a profile's token")
            .with_menu(Box::new(Menu::new()))
            .with_menu_on_left_click(true);
        if let Some(icon) = icon {
            builder = builder.with_icon(icon);
        }
        match builder.build() {
            Ok(icon) => {
                self.icon = Some(icon);
                if let Some(items) = self.pending.take() {
                    self.show(items);
                }
            }
            Err(e) => {
                self.error = Some(TrayError::new(format!("cannot show the tray icon: {e}")));
                event_loop.exit();
            }
        }
    }
}

impl ApplicationHandler<Shown> for App {
    fn new_events(&mut self, event_loop: &ActiveEventLoop, cause: StartCause) {
        if cause == StartCause::Init {
            self.put_up(event_loop);
        }
        if quit_requested(&self.quit_request) {
            let _ = self.events.send(Event::Quit);
        }
        event_loop.set_control_flow(ControlFlow::WaitUntil(Instant::now() + QUIT_POLL));
    }

    fn resumed(&mut self, _event_loop: &ActiveEventLoop) {}

    fn window_event(&mut self, _: &ActiveEventLoop, _: WindowId, _: WindowEvent) {}

    fn user_event(&mut self, event_loop: &ActiveEventLoop, shown: Shown) {
        match shown {
            Shown::Items(items) => self.show(items),
            Shown::Quit => event_loop.exit(),
        }
    }
}

/// Whether `tray --quit` asked; the request is taken (removed) when it did.
fn quit_requested(path: &Path) -> bool {
    path.exists() && std::fs::remove_file(path).is_ok()
}

/// Windows menus read `&` as a mnemonic marker: a profile named `r&d` keeps its `&`.
fn text(label: &str) -> String {
    label.replace('&', "&&")
}

fn entry(
    label: &str,
    choice: &Choice,
    generation: u64,
    choices: &mut HashMap<String, Choice>,
) -> MenuItem {
    let id = format!("{generation}:{}", choices.len());
    choices.insert(id.clone(), choice.clone());
    MenuItem::with_id(id, text(label), true, None)
}

fn build_menu(
    items: &[Item],
    generation: u64,
    choices: &mut HashMap<String, Choice>,
) -> Result<Menu, tray_icon::menu::Error> {
    let menu = Menu::new();
    for item in items {
        match item {
            Item::Heading(title) | Item::Disabled(title) => {
                menu.append(&MenuItem::new(text(title), false, None))?
            }
            Item::Separator => menu.append(&PredefinedMenuItem::separator())?,
            Item::Action { label, choice } => {
                menu.append(&entry(label, choice, generation, choices))?
            }
            Item::Profile { label, entries } => {
                let made: Vec<MenuItem> = entries
                    .iter()
                    .map(|(l, c)| entry(l, c, generation, choices))
                    .collect();
                let refs: Vec<&dyn IsMenuItem> =
                    made.iter().map(|m| m as &dyn IsMenuItem).collect();
                menu.append(&Submenu::with_items(text(label), true, &refs)?)?
            }
        }
    }
    Ok(menu)
}

//! The tray icon on Linux: a StatusNotifierItem with a com.canonical.dbusmenu menu
//! (ksni, over zbus: no GTK). It only shows the menu model's [`Item`]s and passes the
//! person's choices to the tray's loop; nothing here blocks.

use std::sync::mpsc::Sender;

use ksni::blocking::{Handle, TrayMethods};
use ksni::menu::{MenuItem, StandardItem, SubMenu};

use super::Event;
use super::menu::{Choice, Item};

const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/32x32/apps/cdf-signin.png");
const ICON_64_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/64x64/apps/cdf-signin.png");

pub struct SniTray {
    pub items: Vec<Item>,
    events: Sender<Event>,
    icons: Vec<ksni::Icon>,
}

/// Why the icon cannot be shown.
pub enum NoTray {
    /// No StatusNotifierWatcher (or no host) on the session bus.
    NoWatcher(String),
    Other(String),
}

/// Puts the icon up; its menu shows `items` until [`Handle::update`] changes them.
pub fn spawn(items: Vec<Item>, events: Sender<Event>) -> Result<Handle<SniTray>, NoTray> {
    let tray = SniTray {
        items,
        events,
        icons: [ICON_PNG, ICON_64_PNG]
            .into_iter()
            .filter_map(argb)
            .collect(),
    };
    tray.spawn().map_err(|e| match e {
        ksni::Error::Watcher(e) => NoTray::NoWatcher(e.to_string()),
        ksni::Error::WontShow => NoTray::NoWatcher("no StatusNotifierHost".into()),
        other => NoTray::Other(other.to_string()),
    })
}

/// A PNG as the ARGB32 (network byte order) pixels StatusNotifierItem hosts take.
fn argb(png: &[u8]) -> Option<ksni::Icon> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba {
        return None;
    }
    let data = buf[..info.buffer_size()]
        .chunks_exact(4)
        .flat_map(|p| [p[3], p[0], p[1], p[2]])
        .collect();
    Some(ksni::Icon {
        width: info.width as i32,
        height: info.height as i32,
        data,
    })
}

/// dbusmenu reads `_` as a mnemonic marker: a profile named `acme_dev` keeps its `_`.
fn text(label: &str) -> String {
    label.replace('_', "__")
}

fn entry(label: &str, choice: &Choice) -> MenuItem<SniTray> {
    let choice = choice.clone();
    StandardItem {
        label: text(label),
        activate: Box::new(move |tray: &mut SniTray| {
            let _ = tray.events.send(Event::Chosen(choice.clone()));
        }),
        ..Default::default()
    }
    .into()
}

fn disabled(label: &str) -> MenuItem<SniTray> {
    StandardItem {
        label: text(label),
        enabled: false,
        ..Default::default()
    }
    .into()
}

impl ksni::Tray for SniTray {
    fn id(&self) -> String {
        "cdf-signin".into()
    }

    fn title(&self) -> String {
        "cdf-signin".into()
    }

    fn icon_name(&self) -> String {
        "cdf-signin".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icons.clone()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: "cdf-signin".into(),
            description: "Copy a profile's token".into(),
            ..Default::default()
        }
    }

    /// A click on the icon itself (hosts show the menu on the other button).
    fn activate(&mut self, _x: i32, _y: i32) {
        let _ = self.events.send(Event::Chosen(Choice::Open));
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        self.items
            .iter()
            .map(|item| match item {
                Item::Heading(title) => disabled(title),
                Item::Disabled(label) => disabled(label),
                Item::Separator => MenuItem::Separator,
                Item::Action { label, choice } => entry(label, choice),
                Item::Profile { label, entries } => SubMenu {
                    label: text(label),
                    submenu: entries.iter().map(|(l, c)| entry(l, c)).collect(),
                    ..Default::default()
                }
                .into(),
            })
            .collect()
    }

    /// The watcher went away (the shell restarted): keep running, ksni registers again
    /// when it is back.
    fn watcher_offline(&self, _reason: ksni::OfflineReason) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_decodes_to_argb() {
        let icon = super::argb(super::ICON_PNG).expect("the 32 px icon decodes");
        assert_eq!((icon.width, icon.height), (32, 32));
        assert_eq!(icon.data.len(), 32 * 32 * 4);
        assert!(
            icon.data.chunks(4).any(|px| px[0] == 255),
            "not all transparent"
        );
    }
}

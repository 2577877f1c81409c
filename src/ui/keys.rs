//! The window's keyboard shortcuts and how its labels name them (Cmd on macOS, Ctrl
//! elsewhere). The keys are read in `App::input_actions`, before any widget sees them.

use eframe::egui;

/// The shortcut that opens the switcher.
pub const OPEN: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::K);

/// The shortcut that copies the current profile's access token from anywhere.
pub const COPY_TOKEN: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::C,
);

/// How the window names egui's COMMAND modifier in its labels: the Command key on macOS
/// (where Cmd+Shift+C copies and Cmd+K switches), Ctrl everywhere else.
pub fn command_key(os: egui::os::OperatingSystem) -> &'static str {
    match os {
        egui::os::OperatingSystem::Mac | egui::os::OperatingSystem::IOS => "Cmd",
        _ => "Ctrl",
    }
}

/// [`COPY_TOKEN`] as its button shows it.
pub fn copy_token_keys(os: egui::os::OperatingSystem) -> String {
    format!("{}+Shift+C", command_key(os))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_shortcut_is_named_as_each_system_has_it() {
        use egui::os::OperatingSystem as Os;
        assert_eq!(copy_token_keys(Os::Mac), "Cmd+Shift+C");
        assert_eq!(copy_token_keys(Os::Nix), "Ctrl+Shift+C");
        assert_eq!(copy_token_keys(Os::Windows), "Ctrl+Shift+C");
        // The shortcut itself is egui's COMMAND, which is Cmd on a Mac and Ctrl elsewhere.
        let mac_cmd = egui::Modifiers::MAC_CMD | egui::Modifiers::SHIFT;
        let ctrl = egui::Modifiers::CTRL | egui::Modifiers::SHIFT;
        let logical = |m: egui::Modifiers| m.matches_logically(COPY_TOKEN.modifiers);
        assert!(logical(egui::Modifiers {
            command: true,
            ..mac_cmd
        }));
        assert!(logical(egui::Modifiers {
            command: true,
            ..ctrl
        }));
    }
}

//! The window icon: the 256 px rendering of `assets/cdf-signin.svg`, built into the binary
//! so that the window has its icon even when it was not installed from the package.

use eframe::egui;

const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/cdf-signin.png");
/// The About box shows the icon at 64 px: a 64 px rendering looks better than a scaled one.
const ICON_64_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/64x64/apps/cdf-signin.png");

/// The decoded icon, or `None` (eframe then shows its default) if the PNG does not decode.
pub fn window_icon() -> Option<egui::IconData> {
    decode(ICON_PNG)
}

pub fn about_icon() -> Option<egui::IconData> {
    decode(ICON_64_PNG)
}

fn decode(png: &[u8]) -> Option<egui::IconData> {
    match eframe::icon_data::from_png_bytes(png) {
        Ok(icon) => Some(icon),
        Err(e) => {
            tracing::warn!("the app icon does not decode: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn icon_decodes_at_256_px() {
        let icon = super::window_icon().expect("the embedded icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        // Not all transparent: the tile is there.
        assert!(icon.rgba.chunks(4).any(|px| px[3] == 255));
        let small = super::about_icon().expect("the 64 px icon decodes");
        assert_eq!((small.width, small.height), (64, 64));
    }
}

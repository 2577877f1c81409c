//! A bare eframe window built like cdf-signin's (same eframe features, glow renderer):
//! the baseline for `benches/window.sh`.

use eframe::egui;

struct Bare;

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("bare eframe window");
        });
        // BARE_TICK=1: repaint once a second, the floor for a window with a seconds
        // countdown.
        if std::env::var_os("BARE_TICK").is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
    }
}

fn renderer() -> eframe::Renderer {
    #[cfg(feature = "wgpu")]
    if std::env::var("CDF_SIGNIN_RENDERER").as_deref() == Ok("wgpu") {
        return eframe::Renderer::Wgpu;
    }
    eframe::Renderer::Glow
}

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_app_id("bare-window")
            .with_title("bare-window")
            .with_inner_size([1000.0, 680.0]),
        renderer: renderer(),
        ..Default::default()
    };
    eframe::run_native("bare-window", options, Box::new(|_cc| Ok(Box::new(Bare))))
}

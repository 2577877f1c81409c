//! Making text and buttons fit the room they get: a row that drops its least important
//! parts whole rather than losing its end mid-word, and groups of buttons that wrap as
//! groups. Pure layout: no state but the widths egui keeps from the frame before.

use eframe::egui::{self, Color32};

/// The first of `candidates` (fullest first) whose width in `style` fits `width`, or
/// else the last, for the widget to cut short with "…": a narrow row drops whole parts
/// in the order the caller chose instead of losing its end mid-word.
pub fn first_fitting<'a>(
    ui: &egui::Ui,
    candidates: &'a [String],
    style: egui::TextStyle,
    width: f32,
) -> &'a str {
    candidates
        .iter()
        .find(|c| text_width(ui, c, style.clone()) <= width)
        .or(candidates.last())
        .map_or("", String::as_str)
}

/// How wide `text` is on one line in `style`.
pub fn text_width(ui: &egui::Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font, Color32::WHITE))
        .size()
        .x
}

/// `parts` joined by `sep`, then again without the least important part each time
/// (each part's `rank`: the lowest goes first), until only those of the highest rank
/// are left: the candidates for [`first_fitting`]. The parts keep their order.
pub fn dropping(parts: &[(&str, u8)], sep: &str) -> Vec<String> {
    let mut kept: Vec<(&str, u8)> = parts
        .iter()
        .filter(|(t, _)| !t.is_empty())
        .copied()
        .collect();
    let mut out = Vec::new();
    loop {
        out.push(kept.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(sep));
        let top = kept.iter().map(|(_, r)| *r).max().unwrap_or_default();
        // The last of the least important goes first.
        let Some(i) = kept
            .iter()
            .enumerate()
            .filter(|(_, (_, r))| *r < top)
            .min_by_key(|(i, (_, r))| (*r, usize::MAX - i))
            .map(|(i, _)| i)
        else {
            return out;
        };
        kept.remove(i);
    }
}

/// Draws `count` groups of buttons (`draw(ui, group)`), each kept on one row: side by
/// side while all fit, else one group a row, so that a narrow window never leaves one
/// button of a group alone (a group wider than the window still wraps inside itself).
/// The widths are those the groups took the frame before; a change redraws the frame.
pub fn button_groups(
    ui: &mut egui::Ui,
    salt: &str,
    count: usize,
    mut draw: impl FnMut(&mut egui::Ui, usize),
) {
    let id = ui.scope_id().with(salt);
    let known: Vec<Option<f32>> = (0..count)
        .map(|i| ui.data(|d| d.get_temp::<f32>(id.with(i))))
        .collect();
    let gap = ui.spacing().item_spacing.x;
    let needed =
        known.iter().map(|w| w.unwrap_or(0.0)).sum::<f32>() + gap * count.saturating_sub(1) as f32;
    let mut widths = Vec::with_capacity(count);
    if needed <= ui.available_width() {
        ui.horizontal(|ui| {
            for group in 0..count {
                widths.push(ui.horizontal(|ui| draw(ui, group)).response.rect.width());
            }
        });
    } else {
        for group in 0..count {
            widths.push(
                ui.horizontal_wrapped(|ui| draw(ui, group))
                    .response
                    .rect
                    .width(),
            );
        }
    }
    for (group, width) in widths.into_iter().enumerate() {
        if known[group].is_none_or(|k| (k - width).abs() > 0.5) {
            ui.data_mut(|d| d.insert_temp(id.with(group), width));
            ui.ctx().request_discard("a button group changed its width");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dropping;

    /// The least important part goes first, the last of equals before the others, the
    /// order of what stays is kept, empty parts are no parts, and the most important
    /// stay.
    #[test]
    fn parts_are_dropped_least_important_first() {
        let parts = [
            ("dev", 9),
            ("", 9),
            ("contoso-dev", 3),
            ("· 58 min left", 2),
            ("(legacy)", 1),
            ("(default)", 0),
            ("(error)", 8),
        ];
        assert_eq!(
            dropping(&parts, "  "),
            [
                "dev  contoso-dev  · 58 min left  (legacy)  (default)  (error)",
                "dev  contoso-dev  · 58 min left  (legacy)  (error)",
                "dev  contoso-dev  · 58 min left  (error)",
                "dev  contoso-dev  (error)",
                "dev  (error)",
                "dev",
            ]
        );
        assert_eq!(
            dropping(&[("a", 1), ("b", 1), ("c", 2)], " "),
            ["a b c", "a c", "c"]
        );
        assert_eq!(dropping(&[], " "), [""]);
    }
}

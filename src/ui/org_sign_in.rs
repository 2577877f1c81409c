//! "Sign in with your Cognite organization": the choice on the welcome screen and atop a
//! new profile's editor, and the dialog that asks for the organization's name. The work
//! is the worker's (`Command::SignInOrg`: `app::Profiles::sign_in_org`, the same call as
//! `login --org`, which ends with a profile for each of the organization's projects);
//! `App::apply_org` and `App::org_event` are the controller's.

use eframe::egui;

use super::action::{Action, OrgAction};
use super::error::UiError;
use super::model::OrgDialog;
use super::views::Draw;
use crate::cdf::orgs::{self, OrgSignIn};

/// The dialog's title, and the choice's button.
pub const TITLE: &str = "Sign in with your Cognite organization";

impl Draw<'_> {
    /// The choice, for the welcome screen and a new profile's editor.
    pub(super) fn org_choice(&mut self, ui: &mut egui::Ui) {
        let choice = ui.horizontal_wrapped(|ui| {
            if ui.button(TITLE).clicked() {
                self.act(Action::Org(OrgAction::Open));
            }
            ui.weak("Cognite's own sign-in: only the name; each project becomes a profile.");
        });
        // Where the choice was last drawn, which is where it was clicked: the dialog opens
        // beside it, not over it.
        let rect = choice.response.rect;
        ui.data_mut(|d| d.insert_temp(opener_id(), rect));
    }

    /// The dialog, while it is open.
    pub(super) fn org_sign_in_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.v.org else {
            return;
        };
        let mut open = true;
        let mut asked = None;
        // As wide as its fields, and those as wide as the window allows up to a URL's
        // worth: Advanced's, indented, end where the Organization field ends.
        let width = (ctx.content_rect().width() - 40.0).clamp(240.0, DIALOG_WIDTH);
        let id = egui::Id::unique("org-sign-in-dialog");
        let window = egui::Window::new(TITLE)
            .id(id)
            .collapsible(false)
            .resizable(false)
            .open(&mut open);
        let opener = ctx.data(|d| d.get_temp::<egui::Rect>(opener_id()));
        let window = match opener {
            Some(button) => {
                let size = ctx
                    .memory(|m| m.area_rect(id))
                    .map_or(egui::vec2(width + 20.0, 200.0), |r| r.size());
                let (pivot, pos) = beside(button, size, ctx.content_rect());
                window.pivot(pivot).fixed_pos(pos)
            }
            None => window.anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0]),
        };
        window.show(ctx, |ui| {
                ui.set_width(width);
                ui.label("Your browser opens Cognite's sign-in page; then each of the organization's projects becomes a profile, all sharing this one sign-in.");
                let label = ui.label("Organization");
                let field = ui
                    .add_enabled(
                        !dialog.busy,
                        egui::TextEdit::singleline(&mut dialog.org)
                            .desired_width(ui.available_width())
                            .hint_text("your organization's name"),
                    )
                    .labelled_by(label.id);
                egui::CollapsingHeader::new("Advanced").show(ui, |ui| {
                    let label = ui.label("Redirect ports");
                    // Fixed while a sign-in runs: it uses what they said when it began.
                    ui.add_enabled(
                        !dialog.busy,
                        egui::TextEdit::singleline(&mut dialog.ports)
                            .desired_width(ui.available_width())
                            .hint_text(orgs::DEFAULT_PORTS),
                    )
                    .labelled_by(label.id);
                    let label = ui.label("Cognite IdP base URL");
                    ui.add_enabled(
                        !dialog.busy,
                        egui::TextEdit::singleline(&mut dialog.base)
                            .desired_width(ui.available_width())
                            .hint_text(orgs::DEFAULT_BASE),
                    )
                    .labelled_by(label.id);
                });
                if let Some(e) = &dialog.error {
                    ui.colored_label(ui.visuals().error_fg_color, &e.message);
                    if let Some(h) = &e.hint {
                        ui.weak(h);
                    }
                }
                if dialog.busy {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Finish the sign-in in your browser.");
                        if ui.button("Cancel sign-in").clicked() {
                            asked = Some(OrgAction::Cancel);
                        }
                    });
                    if let Some(url) = &dialog.url {
                        ui.weak("If no browser opened, open this page:");
                        ui.add(egui::Label::new(egui::RichText::new(url).monospace()).wrap());
                    }
                    return;
                }
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let ready = !dialog.org.trim().is_empty();
                if (ui.add_enabled(ready, egui::Button::new("Sign in")).clicked() || (enter && ready))
                    && let Some(request) = request(dialog)
                {
                    asked = Some(OrgAction::SignIn(request));
                }
            });
        if !open {
            self.act(Action::Org(OrgAction::Close));
        }
        if let Some(a) = asked {
            self.act(Action::Org(a));
        }
    }
}

/// Where [`Draw::org_choice`] keeps the rectangle it was drawn in.
fn opener_id() -> egui::Id {
    egui::Id::unique("org-sign-in-opener")
}

/// The dialog's content width where the window has room.
const DIALOG_WIDTH: f32 = 420.0;

/// Where a dialog of `size` goes so that `button` stays in view: below it, else above,
/// else to its right, else to its left, inside `screen`; the pivot and the position.
fn beside(button: egui::Rect, size: egui::Vec2, screen: egui::Rect) -> (egui::Align2, egui::Pos2) {
    const GAP: f32 = 8.0;
    let x = button
        .left()
        .clamp(screen.left(), (screen.right() - size.x).max(screen.left()));
    let y = button
        .top()
        .clamp(screen.top(), (screen.bottom() - size.y).max(screen.top()));
    if button.bottom() + GAP + size.y <= screen.bottom() {
        (egui::Align2::LEFT_TOP, egui::pos2(x, button.bottom() + GAP))
    } else if button.top() - GAP - size.y >= screen.top() {
        (egui::Align2::LEFT_BOTTOM, egui::pos2(x, button.top() - GAP))
    } else if button.right() + GAP + size.x <= screen.right() {
        (egui::Align2::LEFT_TOP, egui::pos2(button.right() + GAP, y))
    } else {
        let x = (button.left() - GAP - size.x).max(screen.left());
        (egui::Align2::LEFT_TOP, egui::pos2(x, y))
    }
}

/// The sign-in the dialog asks for; ports that do not parse are said in the dialog.
fn request(dialog: &mut OrgDialog) -> Option<OrgSignIn> {
    let ports = match dialog.ports.trim() {
        "" => None,
        text => match text.parse() {
            Ok(p) => Some(p),
            Err(reason) => {
                dialog.error = Some(UiError::plain(format!("invalid redirect ports: {reason}")));
                return None;
            }
        },
    };
    let base = Some(dialog.base.trim().to_string()).filter(|b| !b.is_empty());
    Some(OrgSignIn {
        org: dialog.org.trim().to_string(),
        client_id: None,
        authority: base,
        ports,
    })
}

#[cfg(test)]
mod tests {
    use super::beside;
    use eframe::egui::{Align2, Rect, pos2, vec2};

    /// Below the button when there is room, else above, else to its right, else to its
    /// left; never over it, and inside the window.
    #[test]
    fn the_dialog_goes_beside_its_button() {
        let screen = Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0));
        let size = vec2(440.0, 250.0);
        let placed = |button: Rect| {
            let (pivot, pos) = beside(button, size, screen);
            let dialog = pivot.anchor_size(pos, size);
            assert!(!dialog.intersects(button), "{button:?}: {dialog:?}");
            assert!(screen.contains_rect(dialog), "{button:?}: {dialog:?}");
            dialog
        };
        let at = |x: f32, y: f32| Rect::from_min_size(pos2(x, y), vec2(230.0, 20.0));
        assert!(placed(at(287.0, 280.0)).top() > 300.0, "below");
        assert!(placed(at(287.0, 500.0)).bottom() < 500.0, "above");
        let tall = vec2(300.0, 560.0);
        let (pivot, pos) = beside(at(20.0, 280.0), tall, screen);
        assert_eq!(pivot, Align2::LEFT_TOP);
        assert!(pos.x >= 250.0, "to the right: {pos:?}");
        let (_, pos) = beside(at(550.0, 280.0), tall, screen);
        assert!(pos.x + tall.x <= 550.0, "to the left: {pos:?}");
    }
}

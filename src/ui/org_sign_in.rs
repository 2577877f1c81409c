//! "Sign in with your Cognite organization": the choice on the welcome screen and atop a
//! new profile's editor, the dialog that asks for the organization's name, and its work
//! on the worker: `app::Profiles::sign_in_org`, the same call as `login --org`, which
//! ends with a profile for each of the organization's projects.
//!
//! Kept apart from the window's other files; they only route to it: `ViewState::org`,
//! `Action::Org`, `Command::SignInOrg`/`CancelOrgSignIn`, `Event::Org`.

use std::collections::HashMap;
use std::sync::Mutex;

use eframe::egui;

use super::action::Action;
use super::views::Draw;
use super::worker::{Command, Event, SIGN_IN_TIMEOUT, UiError};
use super::{App, Screen};
use crate::app::{AppError, OrgOutcome, Profiles};
use crate::auth::{AuthError, CancelToken, SignInPrompt};
use crate::cdf::orgs::{self, OrgSignIn};
use crate::session::SessionError;

/// The dialog's title, and the choice's button.
pub const TITLE: &str = "Sign in with your Cognite organization";

/// The dialog: what is typed, and the sign-in under way.
#[derive(Debug, Default)]
pub struct OrgDialog {
    pub org: String,
    /// Advanced: the redirect ports and the Cognite IdP base, empty for the defaults.
    pub ports: String,
    pub base: String,
    pub busy: bool,
    /// The sign-in page, once the browser was asked to open it.
    pub url: Option<String>,
    pub error: Option<UiError>,
}

/// What the dialog asks for.
#[derive(Debug)]
pub enum OrgAction {
    Open,
    Close,
    SignIn(OrgSignIn),
    Cancel,
}

/// What the worker reports about an organization's sign-in.
#[derive(Debug, Clone)]
pub enum OrgEvent {
    Prompt(SignInPrompt),
    Done(Result<OrgOutcome, UiError>),
    Cancelled,
}

impl Draw<'_> {
    /// The choice, for the welcome screen and a new profile's editor.
    pub(super) fn org_choice(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            if ui.button(TITLE).clicked() {
                self.act(Action::Org(OrgAction::Open));
            }
            ui.weak("Cognite's own sign-in: only the name; each project becomes a profile.");
        });
    }

    /// The dialog, while it is open.
    pub(super) fn org_sign_in_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.v.org else {
            return;
        };
        let mut open = true;
        let mut asked = None;
        egui::Window::new(TITLE)
            .collapsible(false)
            .resizable(false)
            .min_width(440.0)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label("Your browser opens Cognite's sign-in page; then each of the organization's projects becomes a profile, all sharing this one sign-in.");
                let label = ui.label("Organization");
                let field = ui
                    .add_enabled(
                        !dialog.busy,
                        egui::TextEdit::singleline(&mut dialog.org)
                            .desired_width(420.0)
                            .hint_text("your organization's name"),
                    )
                    .labelled_by(label.id);
                egui::CollapsingHeader::new("Advanced").show(ui, |ui| {
                    let label = ui.label("Redirect ports");
                    ui.add(
                        egui::TextEdit::singleline(&mut dialog.ports)
                            .desired_width(420.0)
                            .hint_text(orgs::DEFAULT_PORTS),
                    )
                    .labelled_by(label.id);
                    let label = ui.label("Cognite IdP base URL");
                    ui.add(
                        egui::TextEdit::singleline(&mut dialog.base)
                            .desired_width(420.0)
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

impl App {
    pub(super) fn apply_org(&mut self, action: OrgAction) {
        match action {
            OrgAction::Open => {
                self.model.screen = Screen::Profile;
                self.view.org = Some(OrgDialog::default());
            }
            OrgAction::Close => {
                if self.view.org.as_ref().is_some_and(|d| d.busy) {
                    self.send(Command::CancelOrgSignIn);
                }
                self.view.org = None;
            }
            OrgAction::SignIn(request) => {
                if let Some(d) = &mut self.view.org {
                    d.busy = true;
                    d.error = None;
                    d.url = None;
                }
                self.send(Command::SignInOrg(request));
            }
            OrgAction::Cancel => self.send(Command::CancelOrgSignIn),
        }
    }

    pub(super) fn org_event(&mut self, event: OrgEvent) {
        match event {
            OrgEvent::Prompt(SignInPrompt::Browser { url, .. }) => {
                if let Some(d) = &mut self.view.org {
                    d.url = Some(url);
                }
            }
            OrgEvent::Prompt(SignInPrompt::DeviceCode(_)) => {}
            OrgEvent::Cancelled => {
                if let Some(d) = &mut self.view.org {
                    d.busy = false;
                }
            }
            OrgEvent::Done(Err(e)) => match &mut self.view.org {
                Some(d) => {
                    d.busy = false;
                    d.error = Some(e);
                }
                None => self.model.global_error = Some(e),
            },
            OrgEvent::Done(Ok(outcome)) => {
                self.view.org = None;
                self.toast(outcome_text(&outcome));
                let show = outcome
                    .default
                    .clone()
                    .or_else(|| outcome.added.first().map(|s| s.name.clone()))
                    .or_else(|| outcome.existing.first().cloned());
                if let Some(name) = show {
                    self.select(&name);
                }
            }
        }
    }
}

/// The toast after a sign-in: what was added, what was there, what was skipped.
fn outcome_text(o: &OrgOutcome) -> String {
    let names = |list: Vec<&str>| list.join(", ");
    let mut text = format!("Signed in to {}.", o.org);
    if !o.added.is_empty() {
        let added = names(o.added.iter().map(|s| s.name.as_str()).collect());
        text.push_str(&format!(" Added {added}."));
    }
    if !o.existing.is_empty() {
        let kept = names(o.existing.iter().map(String::as_str).collect());
        text.push_str(&format!(" Already there: {kept}."));
    }
    for (project, why) in &o.skipped {
        text.push_str(&format!(" Skipped {project}: {why}."));
    }
    if o.added.is_empty() && o.existing.is_empty() {
        text.push_str(" The organization lists no project this sign-in can use.");
    }
    text
}

/// The key of the running organization sign-in among the worker's cancel tokens (no
/// profile name starts with a dot).
const CANCEL_KEY: &str = ".org-sign-in";

/// The worker's part: the sign-in and the profiles, through the application layer.
/// Returns the event that ends it (the worker sends the profiles first).
pub(super) fn work(
    app: &Profiles<'_>,
    cancels: &Mutex<HashMap<String, CancelToken>>,
    emit: &(dyn Fn(Event) + Send + Sync),
    mut request: OrgSignIn,
) -> Event {
    let cancel = CancelToken::default();
    if let Ok(mut m) = cancels.lock() {
        m.insert(CANCEL_KEY.into(), cancel.clone());
    }
    // The window honours the toolkit's variable as `login --org` does.
    request.authority = orgs::base_from(request.authority.take(), |k| std::env::var(k).ok());
    let prompt = |p: SignInPrompt| emit(Event::Org(OrgEvent::Prompt(p)));
    let result = app.sign_in_org(&request, &prompt, &cancel, SIGN_IN_TIMEOUT);
    if let Ok(mut m) = cancels.lock() {
        m.remove(CANCEL_KEY);
    }
    Event::Org(match result {
        Ok(outcome) => OrgEvent::Done(Ok(outcome)),
        Err(AppError::Session(SessionError::Auth(AuthError::Cancelled))) => OrgEvent::Cancelled,
        Err(e) => OrgEvent::Done(Err(e.into())),
    })
}

/// Ends the running organization sign-in, if any.
pub(super) fn cancel(cancels: &Mutex<HashMap<String, CancelToken>>) {
    if let Some(c) = cancels.lock().ok().and_then(|m| m.get(CANCEL_KEY).cloned()) {
        c.cancel();
    }
}

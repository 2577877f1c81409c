//! Issue 27, point 8: the window's layout at 1000x680 and 800x600, asserted on what is
//! painted (egui's text shapes: the characters and where they land) and on the
//! accessibility tree's node bounds, so that it holds on any machine. With
//! `CDF_SIGNIN_SCREENSHOT_DIR` set, each screen is also saved as a PNG to look at.

use crate::common;

use cdf_signin::ui::App;
use common::window::{Gui, open_sized};
use common::{Env, Idp};
use eframe::egui::{self, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::json;

/// The window's default size and the smallest it is meant for.
const SIZES: [(&str, egui::Vec2); 2] = [
    ("1000x680", egui::vec2(1000.0, 680.0)),
    ("800x600", egui::vec2(800.0, 600.0)),
];

const GUID: &str = "11111111-1111-4111-8111-111111111111";

/// A text as painted: its rows' characters (with any "…" egui put in) and where each
/// row lands, cut to its clip rectangle.
#[derive(Debug)]
struct Painted {
    rows: Vec<(String, Rect)>,
}

impl Painted {
    fn text(&self) -> String {
        self.rows.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn rect(&self) -> Rect {
        self.rows
            .iter()
            .fold(Rect::NOTHING, |acc, (_, r)| acc.union(*r))
    }
}

/// Every text the last frame painted.
fn painted(h: &Harness<'static, App>) -> Vec<Painted> {
    fn walk(shape: &egui::Shape, clip: Rect, out: &mut Vec<Painted>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, clip, out)),
            egui::Shape::Text(t) => {
                let rows = t
                    .galley
                    .rows
                    .iter()
                    .filter(|row| !row.row.glyphs.is_empty())
                    .map(|row| {
                        let text: String = row.row.glyphs.iter().map(|g| g.chr).collect();
                        let min = t.pos + row.pos.to_vec2();
                        let rect = Rect::from_min_size(min, row.row.size).intersect(clip);
                        (text, rect)
                    })
                    .filter(|(_, r)| r.is_positive())
                    .collect::<Vec<_>>();
                if !rows.is_empty() {
                    out.push(Painted { rows });
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, clipped.clip_rect, &mut out);
    }
    out
}

/// The texts painted inside `area` (their middle in it).
fn painted_in(h: &Harness<'static, App>, area: Rect) -> Vec<Painted> {
    painted(h)
        .into_iter()
        .filter(|p| area.contains(p.rect().center()))
        .collect()
}

fn rect_of(h: &Harness<'static, App>, label: &str) -> Rect {
    h.get_by_label(label).rect()
}

fn save(h: &mut Harness<'static, App>, name: &str) {
    if let Ok(dir) = std::env::var("CDF_SIGNIN_SCREENSHOT_DIR") {
        let image = h.render().expect("render");
        image
            .save(std::path::Path::new(&dir).join(format!("{name}.png")))
            .unwrap();
    }
}

/// Steps a few frames: layouts that measure themselves settle in two.
fn settle(gui: &mut Gui) {
    for _ in 0..4 {
        gui.harness.step();
    }
}

/// Hovers `rect` until a tooltip holding `text` shows; the tooltip's bounds.
fn hover_text(gui: &mut Gui, rect: Rect, text: &str) -> Rect {
    gui.harness.hover_at(rect.center());
    for _ in 0..12 {
        gui.harness.step();
        let tooltip = gui.harness.query_all_by_label(text).find(|n| {
            n.accesskit_node().role() == egui::accesskit::Role::Label && n.rect() != rect
        });
        if let Some(node) = tooltip {
            return node.rect();
        }
    }
    panic!("no tooltip with {text:?}");
}

/// An unsigned JWT carrying `claims` (the window decodes tokens, never verifies them).
fn jwt_with(claims: &serde_json::Value) -> String {
    use base64::Engine;
    let part = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    format!(
        "{}.{}.c2ln",
        part(&json!({"alg": "RS256", "typ": "JWT", "kid": "test-key"})),
        part(claims)
    )
}

/// `dev` (the default, a device-code sign-in in a tenant named by its GUID) and
/// `contoso-prod` (a Cognite organization's production project), and the window on
/// `dev` signed in with a token such as Entra ID gives a person: its claims have long
/// names and values. The provider's next token answer is that token, so the first poll
/// of the device-code sign-in gets it.
fn signed_in(size: egui::Vec2) -> (Idp, Env, Gui) {
    let idp = Idp::start();
    let env = Env::new();
    let add = [
        "profile",
        "add",
        "dev",
        "--cluster",
        "westeurope-1",
        "--project",
        "contoso-dev",
        "--tenant-id",
        GUID,
        "--client-id",
        "device-client",
        "--flow",
        "device-code",
        "--authority",
        &idp.issuer,
    ];
    let run = env.run(&add);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut file = std::fs::read_to_string(env.profiles_file()).unwrap();
    file.push_str(
        r#"
[profiles.contoso-prod]
cluster = "westeurope-1"
project = "contoso-prod"
client_id = "22222222-3333-4444-5555-666666666666"
flow = "interactive"
base_url = "https://westeurope-1.cognitedata.com"
production = true
org = "contoso"
"#,
    );
    std::fs::write(env.profiles_file(), file).unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "aud": "https://westeurope-1.cognitedata.com",
        "iss": format!("https://sts.windows.net/{GUID}/"),
        "iat": now, "nbf": now, "exp": now + 3500,
        "name": "Alexandra Longname-Example",
        "preferred_username": "alexandra.longname@contoso.onmicrosoft.com",
        "oid": "33333333-4444-4555-8666-777777777777",
        "tid": GUID,
        "scp": "user_impersonation DataFusion.Read",
        "groups": ["44444444-5555-4666-8777-888888888888", "55555555-6666-4777-8888-999999999999"],
        "ver": "1.0",
    });
    let body = json!({
        "access_token": jwt_with(&claims),
        "token_type": "Bearer",
        "expires_in": 3500,
        "refresh_token": "refresh-for-layout",
    });
    idp.fault(json!({
        "path": idp.token_path(),
        "status": 200,
        "content_type": "application/json",
        "body": body.to_string(),
    }));
    let mut gui = open_sized(&env, size);
    gui.click("Sign in");
    gui.wait_for_token("dev");
    settle(&mut gui);
    (idp, env, gui)
}

/// The sidebar's inner width: the filter field spans it.
fn sidebar(gui: &Gui) -> Rect {
    let filter = rect_of(&gui.harness, "Filter profiles");
    let height = gui.harness.ctx.content_rect().height();
    Rect::from_x_y_ranges(filter.x_range(), 0.0..=height)
}

/// A sidebar row cuts what matters least first (the state, then the project), never
/// the name; the whole row is its accessible name and shows on hover, and nothing is
/// painted past the sidebar. A group heading keeps its cluster whole and cuts the
/// tenant's GUID to its first part.
#[test]
fn sidebar_rows_cut_the_state_before_the_name_and_hover_holds_all() {
    for (size_name, size) in SIZES {
        let (_idp, _env, mut gui) = signed_in(size);
        save(&mut gui.harness, &format!("layout-token-{size_name}"));
        let side = sidebar(&gui);
        let row = gui.harness.get_by_label_contains("dev  contoso-dev").rect();
        let whole = gui
            .harness
            .get_by_label_contains("dev  contoso-dev")
            .accesskit_node()
            .label()
            .unwrap()
            .trim()
            .to_string();
        assert!(
            whole.contains("58 min left") && whole.ends_with("(default)"),
            "{size_name}: the row's name is all of it: {whole:?}"
        );
        assert!(row.right() <= side.right() + 1.0, "{size_name}: {row:?}");
        let shown = painted_in(&gui.harness, row);
        assert_eq!(shown.len(), 1, "{size_name}: {shown:?}");
        let shown = shown[0].text();
        assert!(
            shown.trim_start().starts_with("dev  contoso-dev") && !shown.contains('…'),
            "{size_name}: whole parts only, the name first: {shown:?}"
        );
        assert!(
            whole.starts_with(shown.trim()),
            "{size_name}: {shown:?} is not the start of {whole:?}"
        );
        for p in painted(&gui.harness) {
            let r = p.rect();
            if r.left() < side.right() - 1.0 {
                assert!(
                    r.right() <= side.right() + 1.0,
                    "{size_name}: {:?} runs out of the sidebar: {r:?}",
                    p.text()
                );
            }
        }
        let tip = hover_text(&mut gui, row, &whole);
        assert!(
            tip.width() > 0.0,
            "{size_name}: the tooltip holds the whole row"
        );
        save(
            &mut gui.harness,
            &format!("layout-sidebar-hover-{size_name}"),
        );

        // The group heading: the cluster whole, the GUID cut at its first part.
        let heading = gui
            .harness
            .get_by_label_contains("westeurope-1 · 1111")
            .rect();
        let text = painted_in(&gui.harness, heading)[0].text();
        assert!(
            text == format!("westeurope-1 · {GUID}") || text == "westeurope-1 · 11111111…",
            "{size_name}: {text:?}"
        );
        hover_text(
            &mut gui,
            heading,
            &format!("Cluster westeurope-1, tenant id {GUID}"),
        );
    }
}

/// The header's Check, Verify and Edit never have text under them: the details are cut
/// short before them (whole on hover), at both sizes, for the longest header there is
/// (an organization's production profile).
#[test]
fn header_buttons_never_cover_text() {
    for (size_name, size) in SIZES {
        let (_idp, _env, mut gui) = signed_in(size);
        for profile in ["dev", "contoso-prod"] {
            gui.harness
                .get_by_label_contains(&format!("{profile}  "))
                .click();
            gui.wait("the profile on screen", |h| {
                h.state().model.selected.as_deref() == Some(profile)
            });
            settle(&mut gui);
            save(
                &mut gui.harness,
                &format!("layout-header-{profile}-{size_name}"),
            );
            let buttons: Vec<Rect> = ["Check", "Verify", "Edit"]
                .iter()
                .map(|b| rect_of(&gui.harness, b))
                .collect();
            let band = buttons
                .iter()
                .fold(Rect::NOTHING, |a, b| a.union(*b))
                .expand2(egui::vec2(0.0, 2.0));
            // The heading's row and the line under it.
            let header = Rect::from_x_y_ranges(
                sidebar(&gui).right() + 1.0..=size.x,
                band.top()..=band.bottom() + 24.0,
            );
            let texts = painted_in(&gui.harness, header);
            assert!(texts.len() >= 4, "{size_name}: {texts:?}");
            // The details whole, beside the name or under it.
            let details = match profile {
                "dev" => "contoso-dev · https://westeurope-1.cognitedata.com · device-code",
                _ => {
                    "contoso-prod · https://westeurope-1.cognitedata.com · Cognite organization contoso"
                }
            };
            assert!(
                texts.iter().any(|p| p.text() == details),
                "{size_name}: {texts:?}"
            );
            for p in &texts {
                let r = p.rect();
                let own = buttons.iter().any(|b| b.contains_rect(r));
                for b in &buttons {
                    assert!(
                        own || !b.intersects(r.shrink(0.5)),
                        "{size_name} {profile}: {:?} ({r:?}) under a button at {b:?}",
                        p.text()
                    );
                }
            }
        }
    }
}

/// The token view's buttons come in two groups, copying and the session, each on one
/// row: a narrow window puts the second group on a row of its own, never one button.
#[test]
fn token_view_buttons_wrap_as_groups() {
    for (size_name, size) in SIZES {
        let (_idp, _env, gui) = signed_in(size);
        let tops = |labels: &[&str]| -> Vec<f32> {
            labels
                .iter()
                .filter_map(|l| gui.harness.query_by_label(l).map(|n| n.rect().top()))
                .collect()
        };
        let copy = tops(&[
            "Copy access token",
            "Copy as Authorization header",
            "Copy ID token",
        ]);
        let session = tops(&["Renew now", "Sign in again", "Sign out"]);
        assert!(copy.len() >= 2 && session.len() >= 2, "{size_name}");
        for group in [&copy, &session] {
            assert!(
                group.iter().all(|t| (t - group[0]).abs() < 1.0),
                "{size_name}: a group split over rows: {copy:?} {session:?}"
            );
        }
    }
}

/// Claim names are never broken, and a value breaks only where a word ends (a space, or
/// after `-`, `.`, `/`, `@`, `,`): `preferred_username` and an e-mail stay readable.
#[test]
fn claims_do_not_break_mid_word() {
    for (size_name, size) in SIZES {
        let (_idp, _env, mut gui) = signed_in(size);
        gui.harness
            .get_by_label("preferred_username")
            .scroll_to_me();
        gui.harness.remove_cursor();
        settle(&mut gui);
        save(&mut gui.harness, &format!("layout-claims-{size_name}"));
        let claims_top = rect_of(&gui.harness, "Claims").bottom();
        let below =
            Rect::from_x_y_ranges(sidebar(&gui).right() + 1.0..=size.x, claims_top..=size.y);
        let texts = painted_in(&gui.harness, below);
        let key = texts
            .iter()
            .find(|p| p.text() == "preferred_username")
            .unwrap_or_else(|| panic!("{size_name}: no whole preferred_username in {texts:?}"));
        assert_eq!(key.rows.len(), 1, "{size_name}");
        for p in &texts {
            for pair in p.rows.windows(2) {
                let (end, next) = (&pair[0].0, &pair[1].0);
                let last = end.chars().last().unwrap_or(' ');
                let first = next.chars().next().unwrap_or(' ');
                assert!(
                    last.is_whitespace() || first.is_whitespace() || "-./@,".contains(last),
                    "{size_name}: {:?} breaks mid-word: {end:?} | {next:?}",
                    p.text()
                );
            }
        }
    }
}

/// The organization's dialog holds its fields (Advanced's too) inside its frame, is no
/// wider than they need, and opens beside the welcome card's choice that opened it (its
/// button and its sentence), not over it.
#[test]
fn the_organization_dialog_fits_its_fields_and_leaves_its_button_visible() {
    const TITLE: &str = "Sign in with your Cognite organization";
    for (size_name, size) in SIZES {
        {
            let from = "welcome";
            let env = Env::new();
            let mut gui = open_sized(&env, size);
            gui.click(TITLE);
            gui.click("Advanced");
            settle(&mut gui);
            save(&mut gui.harness, &format!("layout-org-{from}-{size_name}"));
            let button = gui
                .harness
                .query_all_by_label(TITLE)
                .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
                .unwrap()
                .rect()
                .union(
                    gui.harness
                        .get_by_label_contains("Cognite's own sign-in")
                        .rect(),
                );
            let window = gui
                .harness
                .query_all_by_label(TITLE)
                .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Window)
                .expect("the dialog")
                .rect();
            assert!(
                !window.intersects(button),
                "{size_name} {from}: the dialog {window:?} covers its button {button:?}"
            );
            let screen = gui.harness.ctx.content_rect();
            assert!(
                screen.contains_rect(window),
                "{size_name} {from}: {window:?} off the window"
            );
            let mut widest = 0.0_f32;
            for field in ["Organization", "Redirect ports", "Cognite IdP base URL"] {
                let r = rect_of(&gui.harness, field);
                assert!(
                    window.shrink(4.0).contains_rect(r),
                    "{size_name} {from}: {field} {r:?} out of the dialog {window:?}"
                );
                widest = widest.max(r.right());
            }
            assert!(
                window.right() - widest <= 24.0,
                "{size_name} {from}: the dialog {window:?} is wider than its fields (to {widest})"
            );
        }
    }
}

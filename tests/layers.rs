//! The module import graph of `src/` obeys the layer table in docs/ARCHITECTURE.md: each
//! top-level module imports only the modules its row allows, every module has a row,
//! and the allowed imports form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level layer table's rows: module and what it may import.
fn allowed() -> Graph {
    table("module")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each of `forbidden` that the product code of `files` names, as "FILE names `CALL`".
fn naming(files: impl IntoIterator<Item = PathBuf>, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let code = product_code(&file);
        for call in forbidden {
            if code.contains(call) {
                found.push(format!("{} names `{call}`", file.display()));
            }
        }
    }
    found
}

/// What each top-level module of `src/` names through `crate::`, test modules left out.
fn imports() -> Graph {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        // Entry points, not layers: the library root and the executables; a test module
        // in a file of its own (`#[cfg(test)] mod tests;`) is test code.
        if top == "lib"
            || top == "main"
            || top == "bin"
            || rel.file_name().is_some_and(|f| f == "tests.rs")
        {
            continue;
        }
        let code = product_code(&file);
        let names = named_after(&code, "crate::");
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(names.into_iter().filter(|n| *n != top));
    }
    graph
}

#[test]
fn every_import_is_allowed_by_the_layer_table() {
    let allowed = allowed();
    let imports = imports();
    let mut broken = Vec::new();
    for (module, uses) in &imports {
        let Some(ok) = allowed.get(module) else {
            broken.push(format!("`{module}` has no row in the layer table"));
            continue;
        };
        for used in uses.difference(ok) {
            broken.push(format!(
                "`{module}` imports `{used}`, which its row does not allow"
            ));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // The table itself must not name modules that do not exist.
    for module in allowed.keys() {
        assert!(imports.contains_key(module), "`{module}` is not in src/");
    }
}

#[test]
fn the_layers_have_no_cycle() {
    assert_eq!(cycle_in(&allowed()), None, "the layer table has a cycle");
}

#[test]
fn the_scanner_sees_imports() {
    // A check that finds nothing passes vacuously: make sure it reads real imports.
    let imports = imports();
    assert!(imports["session"].contains("auth"), "{imports:?}");
    assert!(imports["cli"].contains("session"));
    assert!(!imports["ui"].contains("cli"));
}

/// The front ends change profiles and secrets only through the application layer
/// (`app::Profiles`): no profiles-file write, no keyring write or delete, no forgetting
/// of a profile in `ui` or `cli` themselves. Signing out (the token cache) is the
/// session's.
#[test]
fn the_front_ends_change_profiles_and_secrets_only_through_app() {
    let forbidden = [
        ".update(",
        "forget_profile(",
        "secrets().set(",
        "secrets().delete(",
    ];
    let mut files = Vec::new();
    for front_end in ["ui", "cli"] {
        rust_files(&root().join("src").join(front_end), &mut files);
    }
    let broken = naming(files, &forbidden);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// One clock: every "now" in the product comes from the injected `Clock` (`src/token.rs`
/// holds the clocks themselves); a wall-clock read anywhere else would be compared with
/// the injected one. Test modules, and the fuzzing/property entry points (test code),
/// may read the wall clock.
#[test]
fn only_the_clock_module_reads_the_wall_clock() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel == "token.rs" || rel.starts_with("fuzzing") || rel.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            for call in ["Utc::now(", "Local::now(", "SystemTime::now("] {
                if line.contains(call) {
                    found.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "wall-clock reads outside the Clock:\n{}",
        found.join("\n")
    );
}

/// The rows of the table headed `| {heading} | may import |`.
fn table(heading: &str) -> Graph {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let table = doc
        .split(&format!("| {heading} | may import |"))
        .nth(1)
        .unwrap_or_else(|| panic!("the table headed '{heading}'"));
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut graph = Graph::new();
    for line in table.lines().skip(2) {
        let cells: Vec<&str> = line.split('|').collect();
        if cells.len() < 4 {
            break;
        }
        for module in names(cells[1]) {
            graph.insert(module, names(cells[2]));
        }
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn cycle_in(graph: &Graph) -> Option<String> {
    fn visit(
        m: &str,
        g: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(format!("{} -> {m}", path[i..].join(" -> ")));
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in g.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, g, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

/// The code of a file without its test module and without comment lines.
fn product_code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segment after each `prefix` in `code` (`crate::a::X` names `a`;
/// `crate::{a::X, b}` names `a` and `b`).
fn named_after(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let items = group.split('}').next().unwrap().split(',');
            names.extend(
                items
                    .filter_map(|item| item.trim().split("::").next())
                    .map(str::to_string),
            );
        } else {
            names.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The window's controller: `App`'s methods, which may use every `ui` module.
const UI_CONTROLLER: [&str; 3] = ["mod", "apply", "events"];

/// Inside `ui`, what each module names through `super::`: a sibling module, or
/// `controller` for an item of `mod.rs` (the `App` and its re-exports).
fn ui_imports() -> Graph {
    let dir = root().join("src/ui");
    let modules: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    let mut graph = Graph::new();
    for module in &modules {
        if UI_CONTROLLER.contains(&module.as_str()) {
            continue;
        }
        let code = product_code(&dir.join(format!("{module}.rs")));
        let entry = graph.entry(module.clone()).or_default();
        for item in named_after(&code, "super::") {
            if modules.contains(&item) {
                entry.insert(item);
            } else {
                entry.insert("controller".to_string());
            }
        }
    }
    graph
}

#[test]
fn the_ui_modules_import_one_way() {
    let allowed = table("ui module");
    let imports = ui_imports();
    assert!(
        imports["views"].contains("action") && imports["worker"].contains("state"),
        "the scanner reads no imports: {imports:?}"
    );
    let mut broken = Vec::new();
    for (module, uses) in &imports {
        let Some(ok) = allowed.get(module) else {
            broken.push(format!("`ui::{module}` has no row in the ui module table"));
            continue;
        };
        for used in uses.difference(ok) {
            broken.push(format!(
                "`ui::{module}` imports `{used}`, which its row does not allow"
            ));
        }
    }
    for module in allowed.keys() {
        if !imports.contains_key(module) {
            broken.push(format!("`ui::{module}` is in the table but not in src/ui/"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert_eq!(cycle_in(&allowed), None, "the ui module table has a cycle");
}

/// The UI thread draws: file, keyring, network and process work is the worker's
/// (`ui::run` opens the secret store before the first frame; that is all).
#[test]
fn only_the_worker_does_io_in_the_window() {
    let forbidden = [
        "std::fs",
        "fsutil::",
        "browser::open",
        "save_choice",
        "saved_choice",
        "std::process",
        "std::net",
        "reqwest",
        "Session::new",
        "session.",
        ".secrets()",
        ".describe()",
        ".resolve()",
        "ProfileStore",
        "Profiles::new",
    ];
    let dir = root().join("src/ui");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    // The worker: where each command runs, and what each does.
    let outside_the_worker = files.into_iter().filter(|f| {
        !f.file_name()
            .is_some_and(|f| f == "worker.rs" || f == "jobs.rs")
    });
    let found = naming(outside_the_worker, &forbidden);
    assert!(
        found.is_empty(),
        "I/O outside the worker:\n{}",
        found.join("\n")
    );
}

/// The window's views draw what the model holds: they ask neither the process nor the
/// environment (`ui::model::Launch` is read once, before the first frame), and decode
/// no token while drawing (`ui::state::TokenFacts` is decoded when the token arrives).
#[test]
fn the_window_views_read_only_the_model() {
    let views = [
        "about.rs",
        "access.rs",
        "check.rs",
        "import.rs",
        "org_sign_in.rs",
        "sidebar.rs",
        "sign_in.rs",
        "switcher.rs",
        "token_view.rs",
        "views.rs",
    ];
    let forbidden = ["std::env", "current_exe", "current_dir", "Jwt::decode"];
    let found = naming(views.map(|v| root().join("src/ui").join(v)), &forbidden);
    assert!(
        found.is_empty(),
        "views reading more than the model:\n{}",
        found.join("\n")
    );
}

/// The core speaks of fields, not of the command line's flags: its messages reach the
/// window too, whose editor has no `--login-hint`. Each front end words a field its own
/// way (`Field::flag`, `Field::label`). `cdf/export.rs` writes a command line on purpose.
#[test]
fn core_messages_name_no_command_line_flags() {
    let src = root().join("src");
    let mut found = Vec::new();
    for core in [
        "app", "auth", "cache.rs", "cdf", "doctor", "profile", "secrets", "session", "token.rs",
        "urls.rs",
    ] {
        let mut files = Vec::new();
        let path = src.join(core);
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path);
        }
        for file in files {
            if file.ends_with("cdf/export.rs") || file.ends_with("tests.rs") {
                continue;
            }
            let code = product_code(&file);
            for (n, line) in code.lines().enumerate() {
                let literals = line.split('"').skip(1).step_by(2);
                let flag = literals.flat_map(str::split_whitespace).any(|w| {
                    w.strip_prefix("--")
                        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
                });
                if flag {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "flags in core messages:\n{}",
        found.join("\n")
    );
}

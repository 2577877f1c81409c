//! The module import graph of `src/` obeys the layer table in docs/ARCHITECTURE.md: each
//! top-level module imports only the modules its row allows, every module has a row,
//! and the allowed imports form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `| `a`, `b` | `x`, `y` |` rows under the "may import" heading of the table.
fn allowed() -> Graph {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let table = doc
        .split("| module | may import |")
        .nth(1)
        .expect("the layer table");
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
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let entry = graph.entry(top.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::X, b}`: the first segment of each item.
                group
                    .split('}')
                    .next()
                    .unwrap()
                    .split(',')
                    .filter_map(|item| item.trim().split("::").next())
                    .map(str::to_string)
                    .collect()
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                vec![name]
            };
            entry.extend(names.into_iter().filter(|n| !n.is_empty() && *n != top));
        }
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
    let allowed = allowed();
    // Depth-first search for a back edge.
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
    for m in allowed.keys() {
        let cycle = visit(m, &allowed, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "cycle: {}", cycle.unwrap_or_default());
    }
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
        "provision::",
    ];
    let mut broken = Vec::new();
    for front_end in ["ui", "cli"] {
        let mut files = Vec::new();
        rust_files(&root().join("src").join(front_end), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            for call in forbidden {
                if code.contains(call) {
                    broken.push(format!("{} calls `{call}`", file.display()));
                }
            }
        }
    }
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
        if ["token.rs", "fuzzing.rs", "properties.rs"].contains(&rel.as_str())
            || rel.ends_with("tests.rs")
        {
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

//! The Markdown documents render as intended: every fenced code block is closed (a fence
//! left open turns the rest of the file into code, and Markdown parsers close it silently
//! at the end of the file), no heading ends up inside a code block, every relative link,
//! image and repository path in inline code names a file that exists, and nothing points
//! outside the repository.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// The documents checked, relative to the repository root.
const DOCUMENTS: &[&str] = &["README.md", "docs/ARCHITECTURE.md", "docs/SECURITY.md"];

/// Top-level folders of the repository: inline code starting with one of these (and
/// without spaces or placeholders) is a path that must exist.
const REPO_DIRS: &[&str] = &[
    "assets/",
    "benches/",
    "docs/",
    "examples/",
    "packaging/",
    "scripts/",
    "src/",
    "tests/",
];

/// A relative path that climbs above the repository's root (more `../` than the
/// document is deep) sends a reader somewhere someone who clones the project does not
/// have. Returns where each one starts.
fn paths_outside(rel: &str, text: &str) -> Vec<(usize, String)> {
    let depth = Path::new(rel).components().count().saturating_sub(1);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("../") {
        let at = from + i;
        let run = text.as_bytes()[at..]
            .chunks(3)
            .take_while(|c| *c == b"../")
            .count();
        if run > depth {
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '`' | '"'))
                .map_or(text.len(), |e| at + e);
            // A sentence's full stop or comma is not part of the path.
            let path = text[at..end].trim_end_matches(['.', ',', ';', ':']);
            found.push((at, path.to_string()));
        }
        from = at + 3 * run.max(1);
    }
    found
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What is wrong with one Markdown document, one line per problem.
fn problems(rel: &str, text: &str) -> Vec<String> {
    let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
    let mut found = Vec::new();
    for (at, path) in paths_outside(rel, text) {
        found.push(format!(
            "line {}: `{path}` points outside the repository",
            line_of(text, at)
        ));
    }
    let mut in_code = false;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                if matches!(kind, CodeBlockKind::Fenced(_)) && !fence_closed(&text[range.clone()]) {
                    found.push(format!(
                        "line {}: this code fence is never closed (everything after it renders as code)",
                        line_of(text, range.start)
                    ));
                }
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_code => {
                if let Some((i, heading)) =
                    t.lines().enumerate().find(|(_, l)| looks_like_heading(l))
                {
                    found.push(format!(
                        "line {}: the heading `{heading}` is inside a code block",
                        line_of(text, range.start) + i
                    ));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let Some(missing) = missing_target(dir, &dest_url) {
                    found.push(format!(
                        "line {}: the link `{dest_url}` points to {missing}, which does not exist",
                        line_of(text, range.start)
                    ));
                }
            }
            Event::Code(code) if names_repo_path(&code) => {
                if let Some(missing) = missing_target(Path::new(""), &code) {
                    found.push(format!(
                        "line {}: `{code}` names {missing}, which does not exist",
                        line_of(text, range.start)
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a fenced block's source (from its opening fence to where the parser ended
/// it) ends in a closing fence: the same character, at least as many, nothing else.
fn fence_closed(block: &str) -> bool {
    let mut lines = block.lines().map(strip_container);
    let Some(open) = lines.next() else {
        return false;
    };
    let Some(fence_char) = open.chars().next().filter(|c| *c == '`' || *c == '~') else {
        return false;
    };
    let open_len = open.chars().take_while(|c| *c == fence_char).count();
    let Some(last) = block.lines().map(strip_container).skip(1).last() else {
        return false;
    };
    let close_len = last.chars().take_while(|c| *c == fence_char).count();
    close_len >= open_len && last[close_len..].trim().is_empty()
}

/// A line without the indentation and blockquote markers around a block.
fn strip_container(line: &str) -> &str {
    line.trim_start_matches(|c: char| c.is_whitespace() || c == '>')
}

/// `## Title` (or deeper): a line meant as a heading, never as code.
fn looks_like_heading(line: &str) -> bool {
    let line = line.trim_start();
    let hashes = line.chars().take_while(|c| *c == '#').count();
    (2..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

fn names_repo_path(code: &str) -> bool {
    REPO_DIRS.iter().any(|d| code.starts_with(d))
        && !code.contains(|c: char| c.is_whitespace() || "*<>{}[]$".contains(c))
}

/// The file a relative link names, when it does not exist; `None` for links that leave
/// the repository on purpose (a URL, an e-mail address) or stay on the page (`#part`).
fn missing_target(dir: &Path, dest: &str) -> Option<String> {
    if dest.is_empty() || dest.starts_with('#') || dest.contains("://") || dest.contains(':') {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let target = dir.join(path);
    (!repo().join(&target).exists()).then(|| target.display().to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn check(rel: &str) {
    let text = std::fs::read_to_string(repo().join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    let found = problems(rel, &text);
    assert!(
        found.is_empty(),
        "{rel} does not render as intended:\n{}",
        found.join("\n")
    );
}

#[test]
fn readme_renders_as_intended() {
    check(DOCUMENTS[0]);
}

#[test]
fn architecture_renders_as_intended() {
    check(DOCUMENTS[1]);
}

/// The checks themselves catch what they are for.
#[test]
fn checks_catch_broken_markdown() {
    let broken = "# T\n\n```sh\nls\n``` text after the fence\n\n## Next\n\nSee [x](docs/nope.png) and `src/nope.rs` and ../elsewhere/NOTES.md.\n";
    let found = problems("README.md", broken).join("\n");
    for expected in [
        "line 3: this code fence is never closed",
        "the heading `## Next` is inside a code block",
        "`../elsewhere/NOTES.md` points outside the repository",
    ] {
        assert!(found.contains(expected), "{expected} not in:\n{found}");
    }

    // One level up from docs/ is still the repository; two levels is not.
    let nested = paths_outside("docs/ARCHITECTURE.md", "[r](../README.md) and ../../x.md");
    assert_eq!(nested, vec![(22, "../../x.md".to_string())]);

    let links = "See [x](docs/nope.png), ![y](docs/about.png), [z](https://e.invalid/a), [w](#set-up) and `src/nope.rs`, `src/lib.rs`, `tests/run.sh --x`.\n";
    let found = problems("README.md", links);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("docs/nope.png"), "{found:?}");
    assert!(found[1].contains("src/nope.rs"), "{found:?}");

    let fine = "~~~~\n```\n## not a heading?\n~~~~\n\n- item\n\n  ```py\n  x = 1\n  ```\n\n> ```\n> quoted\n> ```\n";
    let found = problems("README.md", fine);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("## not a heading?"), "{found:?}");
}

#[test]
fn fence_ranges_end_where_the_parser_ends_them() {
    let closed = "```\na\n```\n";
    let open = "```\na\n``` b\n";
    let ranges = |text: &str| -> Vec<Range<usize>> {
        Parser::new(text)
            .into_offset_iter()
            .filter(|(e, _)| matches!(e, Event::Start(Tag::CodeBlock(_))))
            .map(|(_, r)| r)
            .collect()
    };
    assert!(fence_closed(&closed[ranges(closed)[0].clone()]));
    assert!(!fence_closed(&open[ranges(open)[0].clone()]));
}

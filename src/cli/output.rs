//! The one way commands write: results to stdout, messages to stderr. A reader that went
//! away early (`cdf-signin profile list | head -1`) is not an error: the command ends
//! quietly with status 0, as ripgrep does. Nothing here panics on a closed stream.

use std::io::{self, Write};

use super::failure::{CmdResult, Failure};

/// Writes `text` to stdout as it is.
pub(super) fn print(text: &str) -> CmdResult {
    write_to(&mut io::stdout().lock(), text)
}

/// Writes `text` and a line end to stdout.
pub(super) fn print_line(text: &str) -> CmdResult {
    print(&format!("{text}\n"))
}

/// Writes text meant for a person's eyes to stdout (a table, claims, a report), with
/// terminal control characters from outside made harmless: see [`terminal_text`].
pub(super) fn print_text(text: &str) -> CmdResult {
    print(&terminal_text(text))
}

/// Writes pretty JSON and a line end to stdout.
pub(super) fn print_json(value: &serde_json::Value) -> CmdResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(format!("cannot format the output as JSON: {e}")))?;
    print_line(&text)
}

/// One line on stderr when a command hands out a production profile's credentials
/// (stdout stays as it is, for scripts).
pub(super) fn production_note(name: &str, profile: &crate::profile::Profile) {
    if profile.production {
        note(&format!(
            "note: '{name}' is a PRODUCTION profile (project {})",
            profile.project
        ));
    }
}

/// A message for the person at the terminal (stderr). A closed stderr loses the
/// message, never the command.
pub(super) fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", terminal_text(text));
}

/// The application layer's production suggestion for a saved profile, as a note
/// (every command that sets a project prints it: add, edit, add-from, import, login --org).
pub(super) fn production_suggestion(saved: &crate::app::Saved) {
    if let Some(project) = &saved.production_suggested {
        note(&format!(
            "note: project '{project}' looks like production; mark the profile with `cdf-signin profile edit {} --production`",
            saved.name
        ));
    }
}

/// Text from outside (an identity provider's message, a claim, a profile name from a
/// hand-edited file) made safe for a terminal: control characters other than line ends
/// and tabs (escape sequences that clear the screen or forge links), and the bidi
/// overrides that reorder what is shown, become U+FFFD.
pub fn terminal_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if (c.is_control() && c != '\n' && c != '\t') || bidi {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn write_to(out: &mut dyn Write, text: &str) -> CmdResult {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::reader_left()),
        Err(e) => Err(Failure::new(format!("cannot write the output: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_quietly_with_status_zero() {
        let f = write_to(&mut ClosedPipe, "token\n").unwrap_err();
        assert!(f.is_reader_left());
        assert_eq!(f.code, 0);
    }

    #[test]
    fn other_write_errors_are_failures() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("no space left on device"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let f = write_to(&mut Full, "x").unwrap_err();
        assert_eq!(f.code, super::super::EXIT_ERROR);
        assert!(f.message.contains("no space left"));
    }

    #[test]
    fn escape_sequences_from_outside_are_defused() {
        let osc8 = "AADSTS1: \u{1b}]8;;https://evil.invalid\u{7}click\u{1b}]8;;\u{7}";
        let shown = terminal_text(osc8);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(shown.starts_with("AADSTS1: "));
        assert_eq!(
            terminal_text("\u{1b}[2J\u{202E}abc"),
            "\u{FFFD}[2J\u{FFFD}abc"
        );
        assert_eq!(terminal_text("two\nlines\tkept"), "two\nlines\tkept");
    }

    #[test]
    fn text_reaches_an_open_writer_whole() {
        let mut buf = Vec::new();
        write_to(&mut buf, "a\nb\n").unwrap();
        assert_eq!(buf, b"a\nb\n");
    }
}

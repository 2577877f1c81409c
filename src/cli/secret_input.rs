//! Reading a client secret or API key the user types or pipes in, never echoed.

use std::io::{IsTerminal, Read};

use super::failure::Failure;
use crate::secrets::Secret;

/// Reads a secret from stdin (`from_stdin`) or, on a terminal, from a prompt without echo.
/// `what` names it in messages: "client secret" or "API key".
pub(super) fn read_secret(from_stdin: bool, what: &str) -> Result<Secret, Failure> {
    let value = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(format!("cannot read the {what} from stdin: {e}")))?;
        without_line_end(&text).to_string()
    } else if std::io::stdin().is_terminal() {
        let label = format!("{}{} (not shown): ", what[..1].to_uppercase(), &what[1..]);
        rpassword::prompt_password(label)
            .map_err(|e| Failure::new(format!("cannot read the {what}: {e}")))?
    } else {
        return Err(
            Failure::usage(format!("a {what} is needed and stdin is not a terminal")).hint(
                if what == "API key" {
                    "pipe it in with --api-key-stdin"
                } else {
                    "pipe it in with --client-secret-stdin, or use --certificate and --private-key"
                },
            ),
        );
    };
    if value.trim().is_empty() {
        return Err(Failure::usage(format!("the {what} is empty")));
    }
    Ok(Secret::new(value))
}

/// The piped text without the one line end `echo` or a file adds.
fn without_line_end(text: &str) -> &str {
    text.strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_end_is_dropped_and_the_rest_kept() {
        assert_eq!(without_line_end("s3cret\n"), "s3cret");
        assert_eq!(without_line_end("s3cret\r\n"), "s3cret");
        assert_eq!(without_line_end("s3cret\n\n"), "s3cret\n");
        assert_eq!(without_line_end(" s3cret "), " s3cret ");
        assert_eq!(without_line_end("a\rb"), "a\rb");
    }
}

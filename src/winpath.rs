//! The user's `Path` on Windows (`HKCU\Environment\Path`), changed by one folder: what the
//! installer's "Add cdf-signin to my PATH" and the uninstaller call (`cdf-signin path add
//! DIR`, `path remove DIR`, hidden commands). NSIS cannot do it: its strings end at 1,024
//! characters, and a longer value read back as empty once wiped a person's PATH.
//!
//! The value is read and written whole, as the registry holds it: not expanded, its type
//! kept (`REG_EXPAND_SZ`, so `%USERPROFILE%\bin` stays a variable), every other entry and
//! separator untouched. The folder is added once and removed exactly, so that an install
//! and an uninstall leave the value as it was. Announcing the change to running programs
//! (`WM_SETTINGCHANGE`) is left to the installer, which can broadcast without `unsafe`.

/// What `add` did.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(not(windows), allow(dead_code))]
pub enum Added {
    /// The folder was appended.
    Added,
    /// An entry already names the folder; nothing changed.
    Present,
}

/// The value with `dir` appended, or `None` when an entry already names it. A value ending
/// in `;` gets `dir;`, so that [`without`] gives back exactly the value it had.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn with(value: &str, dir: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    if value.split(';').any(|entry| same_folder(entry, dir, &env)) {
        return None;
    }
    Some(if value.is_empty() {
        dir.to_string()
    } else if value.ends_with(';') {
        format!("{value}{dir};")
    } else {
        format!("{value};{dir}")
    })
}

/// The value without the entries naming `dir` (each with one separator), or `None` when
/// none does. Every other entry, empty ones included, stays as it was.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn without(value: &str, dir: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let entries: Vec<&str> = value.split(';').collect();
    let kept: Vec<&str> = entries
        .iter()
        .copied()
        .filter(|entry| !same_folder(entry, dir, &env))
        .collect();
    (kept.len() != entries.len()).then(|| kept.join(";"))
}

/// Whether a PATH entry names `dir`: Windows compares paths case-insensitively, a trailing
/// backslash or surrounding quotes change nothing, and `%VAR%` is what it expands to.
fn same_folder(entry: &str, dir: &str, env: &impl Fn(&str) -> Option<String>) -> bool {
    let normal = |text: &str| {
        expand(text.trim().trim_matches('"'), env)
            .trim_end_matches(['\\', '/'])
            .to_lowercase()
    };
    !entry.trim().is_empty() && normal(entry) == normal(dir)
}

/// `%NAME%` replaced by the variable's value; an unknown name, or a lone `%`, stays as
/// written (as Windows leaves it).
fn expand(text: &str, env: &impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => match env(&after[..end]) {
                Some(value) => {
                    out.push_str(&value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('%');
                    rest = after;
                }
            },
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(windows)]
mod registry {
    use windows_registry::{CURRENT_USER, Key, Type};

    const KEY: &str = "Environment";
    const NAME: &str = "Path";
    /// `ERROR_FILE_NOT_FOUND` as an HRESULT: the value does not exist.
    const NOT_FOUND: i32 = 0x8007_0002_u32 as i32;

    fn env(name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn fail(what: &str, e: impl std::fmt::Display) -> String {
        format!("cannot {what} HKCU\\{KEY}\\{NAME}: {e}")
    }

    /// The value as stored (never expanded) and its type; an absent value is empty, of
    /// the type Windows gives a user's Path.
    fn read(key: &Key) -> Result<(String, Type), String> {
        match key.get_value(NAME) {
            Ok(value) => {
                let ty = value.ty();
                if !matches!(ty, Type::String | Type::ExpandString) {
                    return Err(format!(
                        "HKCU\\{KEY}\\{NAME} is not a string (it is {ty:?}); it was left as it is"
                    ));
                }
                let text = String::from_utf16(trim_nul(value.as_wide())).map_err(|_| {
                    format!("HKCU\\{KEY}\\{NAME} is not valid UTF-16; it was left as it is")
                })?;
                Ok((text, ty))
            }
            Err(e) if e.code().0 == NOT_FOUND => Ok((String::new(), Type::ExpandString)),
            Err(e) => Err(fail("read", e)),
        }
    }

    fn trim_nul(wide: &[u16]) -> &[u16] {
        let end = wide.iter().position(|&c| c == 0).unwrap_or(wide.len());
        &wide[..end]
    }

    fn write(key: &Key, text: &str, ty: Type) -> Result<(), String> {
        let result = if text.is_empty() {
            key.remove_value(NAME)
        } else if ty == Type::String {
            key.set_string(NAME, text)
        } else {
            key.set_expand_string(NAME, text)
        };
        result.map_err(|e| fail("write", e))?;
        // Read back: a write that did not take is said, not assumed.
        match read(key)? {
            (back, _) if back == text => Ok(()),
            _ => Err(format!("HKCU\\{KEY}\\{NAME} did not read back as written")),
        }
    }

    fn open() -> Result<Key, String> {
        CURRENT_USER.create(KEY).map_err(|e| fail("open", e))
    }

    pub fn add(dir: &str) -> Result<super::Added, String> {
        let key = open()?;
        let (value, ty) = read(&key)?;
        match super::with(&value, dir, env) {
            None => Ok(super::Added::Present),
            Some(new) => write(&key, &new, ty).map(|()| super::Added::Added),
        }
    }

    pub fn remove(dir: &str) -> Result<bool, String> {
        let key = open()?;
        let (value, ty) = read(&key)?;
        match super::without(&value, dir, env) {
            None => Ok(false),
            Some(new) => write(&key, &new, ty).map(|()| true),
        }
    }
}

/// Elsewhere there is no registry: the commands say so.
#[cfg(not(windows))]
mod registry {
    const NOT_HERE: &str = "the user PATH in the registry exists on Windows only";

    pub fn add(_: &str) -> Result<super::Added, String> {
        Err(NOT_HERE.into())
    }

    pub fn remove(_: &str) -> Result<bool, String> {
        Err(NOT_HERE.into())
    }
}

/// Adds `dir` to the user's Path unless an entry names it already.
pub fn add(dir: &str) -> Result<Added, String> {
    check_dir(dir)?;
    registry::add(dir)
}

/// Removes the entries naming `dir` from the user's Path; `false` when there was none.
pub fn remove(dir: &str) -> Result<bool, String> {
    check_dir(dir)?;
    registry::remove(dir)
}

/// A folder that would make the value mean something else is refused.
fn check_dir(dir: &str) -> Result<(), String> {
    if dir.trim().is_empty() || dir.contains([';', '"', '\0']) {
        return Err(format!(
            "'{}' cannot be a PATH entry (empty, or holding ; or \")",
            dir.escape_debug()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "USERPROFILE" => Some(r"C:\Users\ada".into()),
            "LOCALAPPDATA" => Some(r"C:\Users\ada\AppData\Local".into()),
            _ => None,
        }
    }

    const DIR: &str = r"C:\Users\ada\AppData\Local\Programs\cdf-signin";

    #[test]
    fn added_once_and_removed_exactly_whatever_the_value_was() {
        let long = (0..80)
            .map(|i| format!(r"%USERPROFILE%\tools\t{i:02}\bin"))
            .collect::<Vec<_>>()
            .join(";");
        assert!(long.len() > 2000);
        for before in ["", "X", "X;", r"C:\a;;%USERPROFILE%\b;", &long] {
            let added = with(before, DIR, env).expect("added");
            assert!(added.split(';').any(|e| e == DIR), "{added}");
            assert_eq!(with(&added, DIR, env), None, "added once");
            assert_eq!(without(&added, DIR, env).as_deref(), Some(before));
        }
        assert_eq!(with("", DIR, env).as_deref(), Some(DIR));
        assert_eq!(with("X", DIR, env), Some(format!("X;{DIR}")));
    }

    #[test]
    fn an_entry_naming_the_folder_otherwise_counts_as_it() {
        for entry in [
            r"%LOCALAPPDATA%\Programs\cdf-signin",
            r"c:\users\ADA\appdata\local\programs\cdf-signin\",
            r#""C:\Users\ada\AppData\Local\Programs\cdf-signin""#,
        ] {
            let value = format!(r"C:\x;{entry};%UNKNOWN%\y");
            assert_eq!(with(&value, DIR, env), None, "{entry}");
            assert_eq!(
                without(&value, DIR, env).as_deref(),
                Some(r"C:\x;%UNKNOWN%\y")
            );
        }
        assert_eq!(without(r"C:\x;C:\y", DIR, env), None, "nothing to remove");
        assert_eq!(without(DIR, DIR, env).as_deref(), Some(""));
    }

    #[test]
    fn expansion_leaves_unknown_names_and_lone_percents() {
        assert_eq!(expand("%USERPROFILE%\\a", &env), r"C:\Users\ada\a");
        assert_eq!(expand("%NOPE%\\a%", &env), "%NOPE%\\a%");
        assert_eq!(expand("100%%USERPROFILE%", &env), r"100%C:\Users\ada");
    }

    #[test]
    fn a_folder_that_would_change_the_value_is_refused() {
        for dir in ["", "  ", "a;b", "a\"b"] {
            assert!(check_dir(dir).is_err(), "{dir:?}");
        }
        assert!(check_dir(DIR).is_ok());
    }
}

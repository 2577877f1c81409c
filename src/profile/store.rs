//! `profiles.toml`: reading it profile by profile, and writing it back without losing
//! what could not be read.
//!
//! A profile that breaks a rule (a name like `../x`, an http:// authority, a flow this
//! version does not know) is set aside in [`ProfileFile::invalid`] with what is wrong,
//! and never used; the other profiles keep working. When the file is written again,
//! each set-aside profile's `[profiles.NAME]` table is copied back exactly as it was.
//! What makes the whole file unreadable: TOML syntax, keys outside `default` and
//! `profiles`, and keys a profile does not have (the file may be from a newer version,
//! and a table cannot be half understood).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Account, Profile, ProfileError, validate_name};
use crate::fsutil;

/// The profiles file: profiles by name plus the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Profiles that break a rule, by name: reported, never used, written back as they
    /// were.
    #[serde(skip)]
    pub invalid: BTreeMap<String, InvalidProfile>,
}

/// A profile set aside when the file was read.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidProfile {
    /// What is wrong, one line.
    pub problem: String,
    /// Its fields as written (for the window's editor to start from).
    pub fields: toml::Table,
    /// Its `[profiles.NAME]` table, byte for byte; `None` when it is not written as one
    /// table of its own, so it cannot be kept through a rewrite.
    text: Option<String>,
}

impl ProfileFile {
    /// Reads `profiles.toml` text, setting aside each profile that breaks a rule. The
    /// error is about the file as a whole.
    pub fn parse(text: &str) -> Result<ProfileFile, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut file = ProfileFile::default();
        for (key, value) in table {
            match (key.as_str(), value) {
                ("default", toml::Value::String(d)) => file.default = Some(d),
                ("default", _) => return Err("'default' must be a profile name".into()),
                ("profiles", toml::Value::Table(profiles)) => {
                    for (name, value) in profiles {
                        file.read_profile(name, value)?;
                    }
                }
                ("profiles", _) => return Err("'profiles' must be a table".into()),
                (other, _) => {
                    return Err(format!(
                        "unknown key '{}': only 'default' and [profiles.NAME] tables belong here",
                        other.escape_debug()
                    ));
                }
            }
        }
        if !file.invalid.is_empty() {
            file.find_invalid_tables(text);
        }
        Ok(file)
    }

    fn read_profile(&mut self, name: String, value: toml::Value) -> Result<(), String> {
        let fields = match &value {
            toml::Value::Table(t) => t.clone(),
            _ => toml::Table::new(),
        };
        let profile = match Profile::deserialize(value) {
            Ok(p) => p,
            // A key this version does not know: the file may be from a newer version.
            Err(e) if e.message().starts_with("unknown field") => {
                return Err(format!(
                    "profile '{}': {}",
                    name.escape_debug(),
                    e.message()
                ));
            }
            Err(e) => {
                self.set_aside(name, e.message().to_string(), fields);
                return Ok(());
            }
        };
        // A hand-edited file passes the same rules as `profile add`: a name becomes file
        // names (`../x` would escape our directories), a URL receives tokens.
        match validate_name(&name).and_then(|()| profile.validate()) {
            Ok(()) => {
                self.profiles.insert(name, profile);
            }
            Err(e) => self.set_aside(name, e.to_string(), fields),
        }
        Ok(())
    }

    fn set_aside(&mut self, name: String, problem: String, fields: toml::Table) {
        let invalid = InvalidProfile {
            problem,
            fields,
            text: None,
        };
        self.invalid.insert(name, invalid);
    }

    /// Finds each set-aside profile's own `[profiles.NAME]` section in `text`, and keeps
    /// it only if it reads back alone as exactly that profile.
    fn find_invalid_tables(&mut self, text: &str) {
        let sections = sections(text);
        for (i, (start, header)) in sections.iter().enumerate() {
            let Some(name) = header_profile(header) else {
                continue;
            };
            let Some(invalid) = self.invalid.get_mut(&name) else {
                continue;
            };
            let end = sections.get(i + 1).map_or(text.len(), |(next, _)| *next);
            let section = &text[*start..end];
            let alone: Option<toml::Table> = toml::from_str(section).ok();
            let expected = toml::Table::from_iter([(
                "profiles".to_string(),
                toml::Value::Table(toml::Table::from_iter([(
                    name.clone(),
                    toml::Value::Table(invalid.fields.clone()),
                )])),
            )]);
            if alone == Some(expected) && invalid.text.is_none() {
                invalid.text = Some(section.to_string());
            }
        }
    }

    /// The file as `profiles.toml` text: the valid profiles written fresh, then each
    /// set-aside profile's table as it was read.
    pub fn to_text(&self) -> Result<String, ProfileError> {
        let write_err = |e: toml::ser::Error| ProfileError::Write {
            path: PathBuf::from("profiles.toml"),
            source: Box::new(e),
        };
        let mut text = toml::to_string_pretty(self).map_err(write_err)?;
        for (name, invalid) in &self.invalid {
            let Some(table) = &invalid.text else {
                return Err(ProfileError::Unkept {
                    name: name.clone(),
                    problem: invalid.problem.clone(),
                });
            };
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push('\n');
            }
            text.push_str(table);
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
        Ok(text)
    }

    pub fn get(&self, name: &str) -> Result<&Profile, ProfileError> {
        if let Some(invalid) = self.invalid.get(name) {
            return Err(ProfileError::Unusable {
                name: name.to_string(),
                problem: invalid.problem.clone(),
            });
        }
        self.profiles
            .get(name)
            .ok_or_else(|| ProfileError::NotFound(name.to_string()))
    }

    /// Whether the name is taken, by a valid or a set-aside profile.
    pub fn has(&self, name: &str) -> bool {
        self.profiles.contains_key(name) || self.invalid.contains_key(name)
    }

    /// The profile named, or the default one.
    pub fn resolve<'a>(
        &'a self,
        name: Option<&'a str>,
    ) -> Result<(&'a str, &'a Profile), ProfileError> {
        // On the first run any name is unknown: say how to add one, not how to pick one.
        // (A file whose profiles were all set aside is not a first run.)
        if self.profiles.is_empty() && self.invalid.is_empty() {
            return Err(ProfileError::NoProfiles);
        }
        let name = match name {
            Some(n) => n,
            None => match (&self.default, self.profiles.len()) {
                (Some(d), _) => d.as_str(),
                // One profile and no default: there is nothing to choose between.
                (None, 1) => self
                    .profiles
                    .keys()
                    .next()
                    .map(String::as_str)
                    .ok_or(ProfileError::NoDefault)?,
                (None, _) => return Err(ProfileError::NoDefault),
            },
        };
        Ok((name, self.get(name)?))
    }

    /// The profiles that share `account`, by name.
    pub fn account_members(&self, account: &Account) -> Vec<String> {
        self.profiles
            .iter()
            .filter(|(_, p)| p.account().as_ref() == Some(account))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Removes a profile, valid or set aside; when it was the default there is no
    /// default any more. Returns whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        if self.default.as_deref() == Some(name) {
            self.default = None;
        }
        self.profiles.remove(name).is_some() || self.invalid.remove(name).is_some()
    }

    /// Makes an existing, valid profile the default.
    pub fn set_default(&mut self, name: &str) -> Result<(), ProfileError> {
        self.get(name)?;
        self.default = Some(name.to_string());
        Ok(())
    }
}

/// The byte offset and header line of each `[table]` header in `text`, skipping lines
/// inside multi-line strings.
fn sections(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if open.is_none() && trimmed.starts_with('[') && !trimmed.starts_with("[[") {
            out.push((offset, line));
        }
        for quote in ["\"\"\"", "'''"] {
            if open.is_none_or(|q| q == quote) && line.matches(quote).count() % 2 == 1 {
                open = if open.is_some() { None } else { Some(quote) };
            }
        }
        offset += line.len();
    }
    out
}

/// `NAME` of a `[profiles.NAME]` header line (quoted or bare, comments allowed).
fn header_profile(line: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(line).ok()?;
    let profiles = table.get("profiles")?.as_table()?;
    match profiles.iter().next() {
        Some((name, toml::Value::Table(t))) if profiles.len() == 1 && t.is_empty() => {
            Some(name.clone())
        }
        _ => None,
    }
}

/// Reads and writes `profiles.toml` (0600, atomic replace, locked against concurrent
/// writers).
pub struct ProfileStore {
    path: PathBuf,
    lock_path: PathBuf,
}

impl ProfileStore {
    pub fn new(config_dir: &Path) -> Self {
        ProfileStore {
            path: config_dir.join("profiles.toml"),
            lock_path: config_dir.join(".profiles.lock"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The profile names of a file that does not load, from its `[profiles.NAME]` table
    /// headers (quoted or not), so that their secrets can still be found. Only names a
    /// profile may have.
    pub fn names_in_raw_file(&self) -> Vec<String> {
        use std::io::Read;
        let mut bytes = Vec::new();
        if let Ok(file) = std::fs::File::open(&self.path) {
            let _ = file.take(fsutil::limits::PROFILES).read_to_end(&mut bytes);
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|line| {
                let header = line.trim().strip_prefix('[')?.trim_start();
                let rest = header.strip_prefix("profiles.")?;
                let name = rest.split(']').next()?.trim().trim_matches('"');
                crate::profile::validate_name(name)
                    .ok()
                    .map(|()| name.to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    pub fn load(&self) -> Result<ProfileFile, ProfileError> {
        let text = match fsutil::read_bounded_to_string(&self.path, fsutil::limits::PROFILES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ProfileFile::default()),
            Err(e) => {
                return Err(ProfileError::Read {
                    path: self.path.clone(),
                    source: e,
                });
            }
        };
        ProfileFile::parse(&text).map_err(|reason| ProfileError::Parse {
            path: self.path.clone(),
            reason,
        })
    }

    /// Loads, applies `change`, and writes back, all under the writers' lock. Nothing is
    /// written when `change` fails.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut ProfileFile) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let write_err = |e: std::io::Error| ProfileError::Write {
            path: self.path.clone(),
            source: Box::new(e),
        };
        let _lock = fsutil::FileLock::acquire(&self.lock_path).map_err(write_err)?;
        let mut file = self.load()?;
        let result = change(&mut file)?;
        let text = file.to_text().map_err(|e| match e {
            ProfileError::Write { source, .. } => ProfileError::Write {
                path: self.path.clone(),
                source,
            },
            other => other,
        })?;
        fsutil::write_atomic(&self.path, text.as_bytes()).map_err(write_err)?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Flow;
    use crate::profile::tests::sample;

    const GOOD: &str =
        "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='device-code'\n";

    fn store() -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        (dir, store)
    }

    #[test]
    fn round_trip_and_a_failed_change_writes_nothing() {
        let (_dir, store) = store();
        assert!(store.load().unwrap().profiles.is_empty());
        store
            .update(|f| {
                f.profiles.insert("dev".into(), sample(Flow::Interactive));
                f.default = Some("dev".into());
                Ok(())
            })
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.get("dev").unwrap(), &sample(Flow::Interactive));
        assert_eq!(loaded.resolve(None).unwrap().0, "dev");

        let before = std::fs::read(store.path()).unwrap();
        let r: Result<(), _> = store.update(|f| {
            f.profiles.clear();
            Err(ProfileError::NoDefault)
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
    }

    #[test]
    fn unknown_keys_make_the_file_unreadable() {
        let (_dir, store) = store();
        for text in [
            format!("[profiles.dev]\n{GOOD}surprise=1\n"),
            "surprise = 1\n".to_string(),
            "[profiles\n".to_string(),
        ] {
            std::fs::write(store.path(), &text).unwrap();
            let err = store.load().unwrap_err();
            assert!(matches!(err, ProfileError::Parse { .. }), "{text}: {err}");
        }
    }

    #[test]
    fn an_invalid_profile_is_set_aside_and_the_others_work() {
        let (_dir, store) = store();
        let escaped = format!("[profiles.\"../../../x\"]\n{GOOD}");
        let http = format!("[profiles.plain] # by hand\n{GOOD}base_url='http://cdf.invalid'\n\n");
        let typo = format!("[profiles.typo]\n{GOOD}port='eighty'\n");
        let text = format!("default = 'dev'\n\n{escaped}\n[profiles.dev]\n{GOOD}\n{http}{typo}");
        std::fs::write(store.path(), &text).unwrap();
        let file = store.load().unwrap();
        assert_eq!(file.profiles.keys().collect::<Vec<_>>(), ["dev"]);
        assert_eq!(file.resolve(None).unwrap().0, "dev");
        let problem = |n: &str| file.invalid[n].problem.clone();
        assert!(problem("../../../x").contains("invalid profile name"));
        assert!(problem("plain").contains("http://"));
        assert!(problem("typo").contains("port") || problem("typo").contains("u16"));
        let err = file.get("plain").unwrap_err().to_string();
        assert!(err.contains("'plain'") && err.contains("http://"), "{err}");
        assert!(file.has("plain") && !file.has("other"));

        // Saving another profile keeps each invalid table byte for byte.
        store
            .update(|f| {
                f.profiles.insert("new".into(), sample(Flow::DeviceCode));
                Ok(())
            })
            .unwrap();
        let saved = std::fs::read_to_string(store.path()).unwrap();
        for table in [&escaped, &http, &typo] {
            assert!(saved.contains(table.as_str()), "{table} kept in:\n{saved}");
        }
        let again = store.load().unwrap();
        assert_eq!(
            again.profiles.keys().collect::<Vec<_>>(),
            ["dev", "new"],
            "{saved}"
        );
        assert_eq!(again.invalid.len(), 3);
        assert_eq!(again.default.as_deref(), Some("dev"));

        // Removing one drops exactly its table.
        store.update(|f| Ok(f.remove("plain"))).unwrap();
        let saved = std::fs::read_to_string(store.path()).unwrap();
        assert!(!saved.contains("http://cdf.invalid") && saved.contains(&escaped));
    }

    #[test]
    fn an_invalid_profile_not_written_as_its_own_table_blocks_writes() {
        let (_dir, store) = store();
        let text = format!(
            "[profiles.dev]\n{GOOD}\n[profiles]\nbad = {{ cluster = 'api', project = 'p', flow = 'magic' }}\n"
        );
        std::fs::write(store.path(), &text).unwrap();
        let file = store.load().unwrap();
        assert!(file.invalid.contains_key("bad"));
        let err = store
            .update(|f| {
                f.set_default("dev")?;
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("'bad'"), "{err}");
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), text);
        // Removing it is the way out.
        store.update(|f| Ok(f.remove("bad"))).unwrap();
        assert!(store.load().unwrap().invalid.is_empty());
    }

    #[test]
    fn headers_are_found_outside_multi_line_strings() {
        let text = "a = \"\"\"\n[not.a.header]\n\"\"\"\n[profiles.x]\nb = 1\n";
        let found: Vec<&str> = sections(text).iter().map(|(_, l)| *l).collect();
        assert_eq!(found, ["[profiles.x]\n"]);
        assert_eq!(
            header_profile("[profiles.\"a b\"] # c\n").as_deref(),
            Some("a b")
        );
        assert_eq!(header_profile("[profiles.a.b]\n"), None);
    }
}

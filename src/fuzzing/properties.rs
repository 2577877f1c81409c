//! Property tests for the parsers of outside data (tests only): on arbitrary input none
//! panics, and what cdf-signin writes it reads back the same (`profiles.toml`, the token
//! cache, TokenSet JSON, JWT claims, the `env` lines of each shell). The fuzz targets
//! (`fuzz/`) search the same parsers for much longer; these run in every `cargo test`.
//!
//! Each test has a fixed case count and the fixed `SEED` (the same cases every run), and
//! writes no failure files: a failure prints its shrunk input.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use serde_json::{Map, Value};

use crate::cache::TokenCache;
use crate::cdf::export::{self, ProjectEnv, Shell};
use crate::profile::{Flow, Profile, ProfileFile, ProfileStore, Prompt};
use crate::secrets::{MemoryStore, Secret};
use crate::token::{Jwt, TokenSet, b64url};

const SEED: u64 = 0x00cd_f519_0000_0010;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        ..Config::default()
    }
}

/// Any text, weighted towards the characters parsers treat specially.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "['\"\\\\$`=#\n\r\t \u{2018}\u{2019}\u{201A}\u{201B}a-z]{0,24}",
    ]
}

/// A name `validate_name` takes.
fn profile_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,64}"
}

/// Any instant chrono can hold, and the edges of it.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (
        DateTime::<Utc>::MIN_UTC.timestamp(),
        DateTime::<Utc>::MAX_UTC.timestamp(),
    );
    prop_oneof![
        (min..=max, 0..1_000_000_000u32),
        Just((min, 0)),
        Just((max, 0)),
        (-100_000i64..100_000, 0..1_000_000_000u32),
    ]
    .prop_map(|(secs, nanos)| {
        DateTime::from_timestamp(secs, nanos).unwrap_or(DateTime::<Utc>::MIN_UTC)
    })
}

fn token_set() -> impl Strategy<Value = TokenSet> {
    (
        text(),
        text(),
        instant(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
    )
        .prop_map(
            |(access, token_type, expires_at, refresh, id, scope)| TokenSet {
                access_token: Secret::new(access),
                token_type,
                expires_at,
                refresh_token: refresh.map(Secret::new),
                id_token: id.map(Secret::new),
                scope,
            },
        )
}

/// A JSON value a few levels deep, of every kind but fractions (which serde_json reads
/// back to the nearest float, not always the same one).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any profile, valid or not: every field with arbitrary content.
fn any_profile() -> impl Strategy<Value = Profile> {
    let flow = prop_oneof![
        Just(Flow::Interactive),
        Just(Flow::DeviceCode),
        Just(Flow::ClientCredentials),
        Just(Flow::ApiKey),
    ];
    let prompt = prop_oneof![
        Just(Prompt::SelectAccount),
        Just(Prompt::Login),
        Just(Prompt::Consent),
    ];
    let optional = || proptest::option::of(text());
    (
        (text(), text(), text(), text(), flow),
        (optional(), optional(), optional(), optional()),
        proptest::collection::vec(text(), 0..3),
        (
            // Port lists as a person might type them, right or wrong; what parses is kept.
            proptest::option::of("[0-9, -]{0,24}"),
            optional(),
            proptest::option::of(prompt),
        ),
        (optional(), optional(), optional()),
    )
        .prop_map(
            |(
                (cluster, project, tenant_id, client_id, flow),
                (authority, base_url, token_url, audience),
                scopes,
                (port, login_hint, prompt),
                (ca_file, certificate, private_key),
            )| Profile {
                cluster,
                project,
                tenant_id,
                client_id,
                flow,
                authority,
                base_url,
                token_url,
                scopes,
                audience,
                port: port.and_then(|p| p.parse().ok()),
                login_hint,
                prompt,
                ca_file: ca_file.map(Into::into),
                certificate: certificate.map(Into::into),
                private_key: private_key.map(Into::into),
                client_secret_env: None,
                client_secret_file: None,
                org: None,
                production: false,
            },
        )
}

/// A profile that passes `Profile::validate`, as `profile add` stores them.
fn valid_profile() -> impl Strategy<Value = Profile> {
    let token = "[A-Za-z0-9_-]{1,20}";
    let dotted = "[A-Za-z0-9_.-]{1,30}";
    let url = prop_oneof![
        "https://[a-z]{1,10}\\.example\\.com(/[a-z0-9]{0,8})?",
        "http://(localhost|127\\.0\\.0\\.1):[1-9][0-9]{0,3}",
    ];
    let flow = prop_oneof![
        Just(Flow::Interactive),
        Just(Flow::DeviceCode),
        Just(Flow::ClientCredentials),
    ];
    (
        (dotted, token, dotted, dotted, flow),
        (
            proptest::option::of(url.clone()),
            proptest::option::of(url.clone()),
            proptest::option::of(url),
        ),
        proptest::collection::vec("[!-~]{1,30}", 0..3),
        proptest::option::of("[!-~]{1,30}"),
        proptest::option::of(1..=u16::MAX),
    )
        .prop_map(
            |(
                (cluster, project, tenant_id, client_id, flow),
                (authority, base_url, token_url),
                scopes,
                audience,
                port,
            )| Profile {
                tenant_id,
                client_id,
                // A user flow's token URL must be on the authority's origin: leave it
                // to the authority (client credentials take any https host).
                token_url: token_url.filter(|_| !flow.is_user_flow()),
                authority,
                base_url,
                scopes,
                audience,
                // A redirect port is the interactive flow's alone (`Flow::takes`).
                port: port
                    .filter(|_| flow == Flow::Interactive)
                    .map(crate::profile::PortSpec::single),
                ..Profile::new(cluster, project, flow)
            },
        )
}

/// The variables `env_lines` output assigns, in order, read back as the shell reads
/// them; `None` when a statement is not the plain assignment of one quoted word.
fn read_back(shell: Shell, script: &str) -> Option<Vec<(String, String)>> {
    let mut vars = Vec::new();
    let mut rest = script;
    while !rest.is_empty() {
        let (name, after) = match shell {
            Shell::Sh => rest.strip_prefix("export ")?.split_once('=')?,
            Shell::Fish => rest.strip_prefix("set -gx ")?.split_once(' ')?,
            Shell::PowerShell => rest.strip_prefix("$env:")?.split_once(" = ")?,
            Shell::Cmd => rest.strip_prefix("set \"")?.split_once('=')?,
        };
        let (value, after) = match shell {
            Shell::Sh => unquote_sh(after)?,
            Shell::Fish => unquote_fish(after)?,
            Shell::PowerShell => unquote_ps(after)?,
            // `set` takes what is between the quotes (cmd_quote let no quote in).
            Shell::Cmd => {
                let (value, after) = after.split_once('"')?;
                (value.to_string(), after)
            }
        };
        vars.push((name.to_string(), value));
        rest = after.strip_prefix('\n')?;
    }
    Some(vars)
}

/// One sh word made of single-quoted parts and `\'`, up to a space or newline.
fn unquote_sh(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        if let Some(quoted) = rest.strip_prefix('\'') {
            let end = quoted.find('\'')?;
            out.push_str(&quoted[..end]);
            rest = &quoted[end + 1..];
        } else if let Some(after) = rest.strip_prefix("\\'") {
            out.push('\'');
            rest = after;
        } else if rest.is_empty() || rest.starts_with([' ', '\n']) {
            return Some((out, rest));
        } else {
            // Anything unquoted would be expanded by the shell.
            return None;
        }
    }
}

/// fish: one single-quoted word, where `\\` and `\'` are escapes and any other
/// backslash is literal.
fn unquote_fish(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('\'')?.char_indices();
    let body = &text[1..];
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Some((out, &body[i + 1..])),
            '\\' => match body[i + 1..].chars().next() {
                Some(next @ ('\\' | '\'')) => {
                    out.push(next);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    None
}

/// PowerShell: one single-quoted string; any of the four quote characters ends it
/// unless doubled.
fn unquote_ps(text: &str) -> Option<(String, &str)> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let first = text.chars().next().filter(|c| is_quote(*c))?;
    let body = &text[first.len_utf8()..];
    let mut chars = body.char_indices().peekable();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        if is_quote(c) {
            match chars.peek() {
                Some((_, next)) if is_quote(*next) => {
                    out.push(*next);
                    chars.next();
                }
                _ => return Some((out, &body[i + c.len_utf8()..])),
            }
        } else {
            out.push(c);
        }
    }
    None
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn env_lines_read_back_in_every_shell(
        project in text(), cluster in text(), base_url in text(), token in text(),
    ) {
        let env = ProjectEnv { project: &project, cluster: &cluster, base_url: &base_url };
        let expected: Vec<(String, String)> = [
            ("CDF_PROJECT", &project),
            ("CDF_CLUSTER", &cluster),
            ("CDF_URL", &base_url),
            ("CDF_TOKEN", &token),
        ]
        .iter()
        // A profile without a cluster (a base URL alone) gets no CDF_CLUSTER.
        .filter(|(n, v)| *n != "CDF_CLUSTER" || !v.is_empty())
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        for shell in [Shell::Sh, Shell::Fish, Shell::PowerShell] {
            let script = export::env_lines(&env, Some(("CDF_TOKEN", &token)), shell).unwrap();
            prop_assert_eq!(read_back(shell, &script), Some(expected.clone()), "{:?}: {}", shell, script);
        }
        // cmd: read back the same, or refused because a value has what cmd cannot hold.
        match export::env_lines(&env, Some(("CDF_TOKEN", &token)), Shell::Cmd) {
            Ok(script) => prop_assert_eq!(read_back(Shell::Cmd, &script), Some(expected.clone()), "{}", script),
            Err(e) => {
                let value = &expected.iter().find(|(n, _)| *n == e.var).unwrap().1;
                prop_assert!(export::cmd_quote(value).is_err(), "{:?}", e);
            }
        }
    }

    #[test]
    fn token_set_json_reads_back_the_same(set in token_set()) {
        let json = serde_json::to_string(&set).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&set).unwrap());
        prop_assert_eq!(back.expires_at, set.expires_at);
    }

    #[test]
    fn jwt_claims_read_back_the_same(
        header in proptest::collection::btree_map(text(), json_value(), 0..4),
        claims in proptest::collection::btree_map(text(), json_value(), 0..6),
        signature in "[A-Za-z0-9_-]{0,20}",
    ) {
        let part = |m: &BTreeMap<String, Value>| {
            let map: Map<String, Value> = m.clone().into_iter().collect();
            b64url(Value::Object(map).to_string().as_bytes())
        };
        let token = format!("{}.{}.{signature}", part(&header), part(&claims));
        let jwt = Jwt::decode(&token).unwrap();
        let as_map = |m: &BTreeMap<String, Value>| m.clone().into_iter().collect::<Map<_, _>>();
        prop_assert_eq!(&jwt.header, &as_map(&header));
        prop_assert_eq!(&jwt.claims, &as_map(&claims));
        for claim in jwt.claims.keys() {
            let _ = jwt.time_claim(claim);
            let _ = jwt.str_claim(claim);
        }
    }

    #[test]
    fn any_profile_file_reads_back_the_same(
        default in proptest::option::of(text()),
        profiles in proptest::collection::btree_map(text(), any_profile(), 0..3),
    ) {
        let file = ProfileFile { default, profiles, ..Default::default() };
        let text = toml::to_string_pretty(&file).unwrap();
        let back: ProfileFile = toml::from_str(&text).unwrap();
        prop_assert_eq!(back, file);
    }

    #[test]
    fn loopback_heads_read_back_their_parts(
        target in "/[!-~]{0,60}",
        host in "[!-~]([ -~]{0,30}[!-~])?",
        other in proptest::collection::vec(("[A-Za-z-]{1,12}", "[ -~]{0,20}"), 0..4),
    ) {
        let mut head = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n");
        for (name, value) in &other {
            if !name.eq_ignore_ascii_case("host") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        let (method, got_target, got_host) =
            crate::auth::loopback::parse_head(head.trim_end().as_bytes()).unwrap();
        prop_assert_eq!(method, "GET");
        prop_assert_eq!(got_target, target);
        prop_assert_eq!(got_host.as_deref(), Some(host.as_str()));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Every fuzzing entry point on arbitrary bytes: the fuzz targets' own check,
    /// briefly, in every test run.
    #[test]
    fn no_parser_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        use crate::fuzzing as f;
        let text = String::from_utf8_lossy(&data);
        f::jwt(&text);
        f::dotenv(&text);
        f::profiles_toml(&text);
        f::idp_error(&data);
        f::inspect(&data);
        f::loopback(&data);
        f::login_status(&data);
        f::token_response(&data);
        f::device_code(&data);
        f::discovery(&data);
    }

    /// The same with text shaped like each format, which gets further than bytes.
    #[test]
    fn no_parser_panics_on_near_miss_text(
        key in text(), value in text(), number in any::<i64>(), float in any::<f64>(),
    ) {
        use crate::fuzzing as f;
        let mut json = serde_json::json!({
            "expires_in": number, "interval": float.to_string(), "exp": number,
            "access_token": format!("a.{}.c", b64url(format!("{{\"exp\":{number}}}").as_bytes())),
            "data": {"loggedIn": true, "projectId": number, "user": &key},
        });
        json[&key] = Value::String(value.clone());
        let json = json.to_string();
        let line = format!("{key}={value}\n");
        for data in [json.as_bytes(), line.as_bytes()] {
            f::token_response(data);
            f::device_code(data);
            f::login_status(data);
            f::token_cache(data);
            f::dotenv(&String::from_utf8_lossy(data));
        }
        f::profiles_toml(&format!("[profiles.{key:?}]\ncluster = {value:?}\nport = {number}\n"));
        f::loopback(format!("GET /?state=the-state&code={value} HTTP/1.1\r\nHost: {key}\r\n\r\n").as_bytes());
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn token_cache_reads_back_what_it_stored(name in profile_name(), set in token_set()) {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let cache = TokenCache::new(dir.path().to_path_buf(), &store);
        cache.store(&name, "binding", &set).unwrap();
        let back = cache.load(&name, "binding").unwrap().unwrap();
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&set).unwrap());
    }

    #[test]
    fn profile_store_loads_what_it_wrote(
        profiles in proptest::collection::btree_map(profile_name(), valid_profile(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let default = profiles.keys().next().cloned();
        store.update(|f| {
            f.profiles = profiles.clone();
            f.default = default.clone();
            Ok(())
        }).unwrap();
        let back = store.load().unwrap();
        prop_assert_eq!(back, ProfileFile { default, profiles, ..Default::default() });
    }

    /// A token set from any instant in chrono's range, as the token cache file holds it:
    /// loaded, shown as the countdown and the status line show it, stored and loaded
    /// back the same (the `token_cache` fuzz target, which asserts the round trip).
    #[test]
    fn any_cached_token_set_is_shown_and_kept(set in token_set()) {
        crate::fuzzing::token_cache(&serde_json::to_vec(&set).unwrap());
    }

    /// The slower entry points (files on disk, RSA): fewer cases.
    #[test]
    fn no_file_parser_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        use crate::fuzzing as f;
        f::token_cache(&data);
        f::certificate(&data);
        f::discovery_cache(&data);
    }
}

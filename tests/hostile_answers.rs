//! Absurd numbers, oversized or odd answers, and oversized files from outside: each ends
//! in a token or one clean error line, never a panic (exit code 101), with nothing cached
//! from a bad answer.

use crate::common;

use common::{Env, Idp, Run, http, path_str};
use serde_json::{Value, json};

/// A run that ended without a panic: exit code 0, or the project's one-line failure.
fn assert_no_panic(r: &Run) {
    assert_ne!(r.code, 101, "panicked: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// A client-credentials profile `svc` against a provider whose answers a test scripts.
struct Hostile {
    idp: Idp,
    env: Env,
}

impl Hostile {
    fn new() -> Hostile {
        let idp = Idp::start();
        let env = Env::new();
        env.add_cc_profile(&idp, "svc", "cc-secret");
        Hostile { idp, env }
    }

    /// The next token request gets this answer; `extra` adds fault fields (headers, a
    /// streamed body).
    fn answer_token(&self, status: u16, body: &str, extra: Value) {
        let mut fault = json!({
            "path": self.idp.token_path(),
            "status": status,
            "content_type": "application/json",
            "body": body,
        });
        if let (Some(f), Value::Object(more)) = (fault.as_object_mut(), extra) {
            f.extend(more);
        }
        self.idp.fault(fault);
    }

    /// The next token request gets a token that expires in `expires_in`.
    fn answer_expires_in(&self, expires_in: &Value) {
        let body = json!({"access_token": "hostile-token", "token_type": "Bearer", "expires_in": expires_in});
        self.answer_token(200, &body.to_string(), json!({}));
    }

    fn run(&self, args: &[&str]) -> Run {
        let r = self.env.run(args);
        assert_no_panic(&r);
        r
    }

    /// `token` fails in one clean line, which is returned.
    fn token_error(&self) -> String {
        self.run(&["token", "--profile", "svc"]).fails_cleanly(1)
    }

    /// The next token request gets exactly these bytes (status line, headers and body),
    /// then the connection closes.
    fn answer_raw(&self, bytes: &[u8]) {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.idp
            .fault(json!({"path": self.idp.token_path(), "raw_base64": raw}));
    }

    /// Caches a good token and returns it.
    fn cache_a_token(&self) -> String {
        let r = self.run(&["token", "--profile", "svc"]);
        r.ok().stdout.trim().to_string()
    }

    /// The cached token is still served, without asking the provider.
    fn assert_still_cached(&self, token: &str, what: &str) {
        let before = self.idp.count("token");
        let r = self.run(&["token", "--profile", "svc"]);
        assert_eq!(
            r.ok().stdout.trim(),
            token,
            "{what}: the cached token is gone"
        );
        assert_eq!(
            self.idp.count("token"),
            before,
            "{what}: the provider was asked"
        );
    }

    fn cached_tokens(&self) -> usize {
        std::fs::read_dir(self.env.data_dir().join("tokens"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

pub(crate) fn endpoint_path(idp: &Idp, key: &str) -> String {
    let (_, doc) = http(
        "GET",
        &format!("{}/.well-known/openid-configuration", idp.issuer),
        None,
    );
    let url = doc[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {doc}"));
    url.trim_start_matches(&idp.issuer).to_string()
}

#[test]
fn absurd_expires_in_gives_a_token_valid_for_at_most_a_year() {
    let h = Hostile::new();
    let year = 365 * 24 * 3600;
    for expires_in in [
        json!(100_000_000_000_000_000_i64),
        json!("100000000000000000"),
        json!(i64::MAX),
        json!(1e300),
    ] {
        h.answer_expires_in(&expires_in);
        let r = h.run(&["token", "--profile", "svc", "--force-refresh", "--json"]);
        let out: Value = serde_json::from_str(&r.ok().stdout).unwrap();
        assert_eq!(out["access_token"], "hostile-token", "{expires_in}");
        let left = out["expires_in"]
            .as_i64()
            .unwrap_or_else(|| panic!("{out}"));
        assert!((year - 60..=year).contains(&left), "{expires_in}: {left}");
    }
    // The clamped expiry was cached: the next call asks nobody.
    let before = h.idp.count("token");
    let r = h.run(&["token", "--profile", "svc"]);
    assert_eq!(r.ok().stdout.trim(), "hostile-token");
    assert_eq!(h.idp.count("token"), before);
}

#[test]
fn negative_expires_in_is_an_expired_token_not_a_crash() {
    let h = Hostile::new();
    h.answer_expires_in(&json!(-5));
    let r = h.run(&["token", "--profile", "svc", "--force-refresh", "--json"]);
    // The token came back already expired; it is handed out as it came, expiring now.
    let out: Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(out["access_token"], "hostile-token");
    assert_eq!(out["expires_in"], 0);
    // So the next call renews it.
    let r = h.run(&["token", "--profile", "svc"]);
    assert_ne!(r.ok().stdout.trim(), "hostile-token");
}

#[test]
fn huge_retry_after_is_read_as_an_hour() {
    let h = Hostile::new();
    h.answer_token(
        429,
        "slow down",
        json!({"content_type": "text/plain", "headers": {"Retry-After": "99999999999999999999"}}),
    );
    let line = h.token_error();
    assert!(line.contains("retry after 3600 s"), "{line}");
}

#[test]
fn oversized_token_answer_is_refused_in_one_line() {
    let h = Hostile::new();
    let huge = "a".repeat(2 << 20);
    let body = json!({"access_token": huge, "expires_in": 3600}).to_string();
    h.answer_token(200, &body, json!({}));
    let line = h.token_error();
    assert!(line.contains("larger than 1 MiB"), "{line}");
}

/// A 256 MiB answer, streamed by the provider: refused after the first MiB, in one line,
/// with nothing stored.
#[test]
fn a_256_mib_token_answer_is_refused_in_one_line() {
    let h = Hostile::new();
    h.answer_token(
        200,
        "{\"expires_in\":3600,\"access_token\":\"",
        json!({"stream_bytes": 256u64 << 20}),
    );
    let line = h.token_error();
    assert!(line.contains("larger than 1 MiB"), "{line}");
    assert_eq!(h.cached_tokens(), 0, "nothing cached");
}

/// Answers a provider should never give, each ending in one clean error line, with
/// nothing cached.
#[test]
fn odd_token_answers_end_cleanly() {
    let h = Hostile::new();
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let error_in_a_200 = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#;
    for (what, body) in [
        ("JSON nested 10,000 deep", nested.as_str()),
        ("an error body with status 200", error_in_a_200),
        ("not JSON at all", "\u{0}\u{1}garbage"),
    ] {
        h.answer_token(200, body, json!({}));
        let line = h.token_error();
        assert!(
            line.contains("malformed") || line.contains("invalid_client"),
            "{what}: {line}"
        );
        assert_eq!(h.cached_tokens(), 0, "{what}: nothing cached");
    }
}

/// An opaque (non-JWT) access token is handed out as it is; `claims` says plainly that
/// it has none.
#[test]
fn an_access_token_that_is_not_a_jwt_is_served_and_explained() {
    let h = Hostile::new();
    let body = json!({"access_token": "opaque-token", "expires_in": 3600}).to_string();
    h.answer_token(200, &body, json!({}));
    let r = h.run(&["token", "--profile", "svc"]);
    assert_eq!(r.ok().stdout.trim(), "opaque-token");
    h.run(&["claims", "--profile", "svc"]).fails_cleanly(1);
}

/// A redirect from the token endpoint is never followed: the secret goes nowhere else.
#[test]
fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let h = Hostile::new();
    let elsewhere = Idp::start();
    let location = format!("{}{}", elsewhere.issuer, elsewhere.token_path());
    h.answer_token(307, "", json!({"headers": {"location": location}}));
    let line = h.token_error();
    assert!(line.contains("307"), "{line}");
    assert_eq!(elsewhere.count("token"), 0, "the redirect was followed");
}

/// Escape sequences in a provider's error (a forged OSC-8 link, a screen clear) reach the
/// terminal defused, and the AADSTS code survives.
#[test]
fn escape_sequences_in_a_provider_error_are_defused() {
    let h = Hostile::new();
    let body = json!({
        "error": "invalid_client",
        "error_description": "AADSTS7000215: \u{1b}[2J\u{1b}]8;;https://evil.invalid\u{7}Invalid client secret\u{1b}]8;;\u{7} provided.",
        "error_codes": [7000215],
    });
    h.answer_token(401, &body.to_string(), json!({}));
    let r = h.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains("AADSTS7000215"), "{line}");
    // Issue 27: the hint names the profile, as the other hints do.
    assert!(
        r.hint()
            .unwrap()
            .contains("cdf-signin profile set-secret svc"),
        "{:?}",
        r.hint()
    );
    // The doctor's fix names it too, in `--json` as in its text.
    for json in [false, true] {
        h.answer_token(401, &body.to_string(), json!({}));
        let mut args = vec!["doctor", "--profile", "svc"];
        args.extend(json.then_some("--json"));
        let out = h.run(&args).stdout.clone();
        assert!(
            out.contains("profile set-secret svc") && !out.contains("NAME"),
            "{out}"
        );
    }
    assert!(
        !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}'),
        "{:?}",
        r.stderr
    );
}

#[test]
fn absurd_device_code_numbers_still_show_the_code() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    idp.fault(json!({
        "path": endpoint_path(&idp, "device_authorization_endpoint"),
        "status": 200,
        "content_type": "application/json",
        "body": json!({
            "device_code": "hostile-device-code",
            "user_code": "HOST-ILE1",
            "verification_uri": format!("{}/device", idp.issuer),
            "expires_in": 100_000_000_000_000_000_i64,
            "interval": 1_000_000_000_000_i64,
        }).to_string(),
    }));
    // The poll interval is clamped to 60 s, so the 2 s sign-in timeout ends it first.
    let r = env.run(&["login", "--profile", "dev", "--timeout", "2"]);
    assert_no_panic(&r);
    assert!(r.stderr.contains("HOST-ILE1"), "{}", r.stderr);
    let line = r.fails_cleanly(r.code);
    assert!(line.contains("did not finish within 2 s"), "{line}");
    assert_eq!(idp.count("token"), 0, "no poll before the clamped interval");
}

/// An oversized file is one error line naming the file and the limit, and creates
/// nothing.
fn assert_too_big(env: &Env, args: &[&str], file: &str, limit: &str) {
    let r = env.run(args);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains(&format!("larger than {limit}")), "{line}");
    assert!(line.contains(file), "{line}");
}

/// Writes `len` bytes of comment lines to `path`.
fn write_big(path: &std::path::Path, len: usize) {
    let line = "# padding padding padding padding padding padding padding padding\n";
    std::fs::write(path, line.repeat(len / line.len() + 1)).unwrap();
}

#[test]
fn oversized_profiles_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    write_big(&env.profiles_file(), (4 << 20) + 1);
    assert_too_big(&env, &["profile", "list"], "profiles.toml", "4 MiB");
}

#[test]
fn oversized_env_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    let path = env.root.path().join("big.env");
    write_big(&path, (1 << 20) + 1);
    let args = ["profile", "import", &path_str(&path)];
    assert_too_big(&env, &args, "big.env", "1 MiB");
    assert!(!env.profiles_file().exists());
}

#[test]
fn oversized_ca_file_is_one_error_naming_file_and_limit() {
    let env = Env::new();
    let path = env.root.path().join("big-ca.pem");
    write_big(&path, (1 << 20) + 1);
    let ca = path_str(&path);
    let args = common::add_args("svc", "interactive", &["--ca-file", &ca]);
    assert_too_big(&env, &args, "big-ca.pem", "1 MiB");
    assert!(!env.profiles_file().exists());
}

/// An unsigned JWT carrying `claims`.
fn jwt_with(claims: &Value) -> String {
    use base64::Engine;
    let part = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2ln",
        part(&json!({"alg": "none", "typ": "JWT"})),
        part(claims)
    )
}

/// `exp` (and `iat`, `nbf`) in the year 9999, past it, and before 1970, in the access and
/// ID tokens: `token` hands the token out with a sane expiry, and `claims` shows the
/// dates (or leaves out what no calendar holds), each without a panic.
#[test]
fn exp_in_the_year_9999_or_before_1970_is_shown_cleanly() {
    let h = Hostile::new();
    let year = 365 * 24 * 3600;
    let year_9999 = 253_402_300_799_i64;
    for (what, exp, expires_in, shown) in [
        (
            "the last second of 9999",
            json!(year_9999),
            None,
            Some("9999-12-31"),
        ),
        ("past the year 9999", json!(year_9999 * 1000), None, None),
        ("i64::MAX", json!(i64::MAX), Some(3600), None),
        (
            "a second before 1970",
            json!(-1),
            Some(3600),
            Some("1969-12-31"),
        ),
        (
            "the year 1",
            json!(-62_135_596_800_i64),
            Some(3600),
            Some("0001-01-01"),
        ),
        ("before the year 1", json!(-1e300), Some(3600), None),
        ("i64::MIN, no expires_in", json!(i64::MIN), None, None),
        // Expired on arrival: handed out once, then `claims` renews it first.
        ("1969, no expires_in", json!(-1), None, None),
    ] {
        let claims = json!({"sub": "svc", "exp": exp, "iat": exp, "nbf": exp});
        let token = jwt_with(&claims);
        let mut body = json!({"access_token": token, "id_token": token, "token_type": "Bearer"});
        if let Some(secs) = expires_in {
            body["expires_in"] = json!(secs);
        }
        h.answer_token(200, &body.to_string(), json!({}));
        let r = h.run(&["token", "--profile", "svc", "--force-refresh", "--json"]);
        let out: Value = serde_json::from_str(&r.ok().stdout).unwrap();
        assert_eq!(out["access_token"], token.as_str(), "{what}");
        let left = out["expires_in"]
            .as_i64()
            .unwrap_or_else(|| panic!("{what}: {out}"));
        assert!((0..=year).contains(&left), "{what}: {left}");

        for args in [
            &["claims", "--profile", "svc"][..],
            &["claims", "--profile", "svc", "--json"],
        ] {
            let r = h.run(args);
            if r.code != 0 {
                // An expired token may be renewed first; the provider's next answer is
                // its own. Either way: a clean line.
                r.fails_cleanly(r.code);
                continue;
            }
            assert!(r.stdout.contains("svc"), "{what}: {}", r.stdout);
            if let (Some(date), false) = (shown, args.contains(&"--json")) {
                assert!(r.stdout.contains(date), "{what}: {date} in {}", r.stdout);
            }
        }
    }
}

/// A token answer and an error answer with bytes that are not UTF-8: each one clean
/// error line, and the token cached before is still served.
#[test]
fn bytes_that_are_not_utf8_end_in_one_line_and_keep_the_cache() {
    let h = Hostile::new();
    let good = h.cache_a_token();
    let answer = |status: &str, body: &[u8]| {
        let mut raw = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        raw
    };
    for (what, raw, expected) in [
        (
            "a token answer",
            answer(
                "200 OK",
                b"{\"access_token\":\"ab\xff\xfe\xc0cd\",\"expires_in\":3600}",
            ),
            "malformed",
        ),
        (
            "an error answer",
            answer(
                "400 Bad Request",
                b"{\"error\":\"invalid_client\",\"error_description\":\"bad \xff\xfe secret\"}",
            ),
            "400",
        ),
        (
            "a status line",
            b"HTTP/1.1 200 \xff\xfe\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
            "",
        ),
    ] {
        h.answer_raw(&raw);
        let r = h.run(&["token", "--profile", "svc", "--force-refresh"]);
        let line = r.fails_cleanly(1);
        assert!(line.contains(expected), "{what}: {line}");
        assert!(!line.contains('\u{fffd}'), "{what}: {line}");
        h.assert_still_cached(&good, what);
    }
}

/// A body that ends when the connection closes (no Content-Length, not chunked) is read
/// whole: the token is correct and cached.
#[test]
fn a_close_delimited_token_answer_is_read_whole() {
    let h = Hostile::new();
    let body = json!({"access_token": "close-delimited-token", "token_type": "Bearer", "expires_in": 3600, "scope": "x".repeat(20_000)});
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{body}"
    );
    h.answer_raw(raw.as_bytes());
    let r = h.run(&["token", "--profile", "svc", "--json"]);
    let out: Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(out["access_token"], "close-delimited-token");
    let left = out["expires_in"].as_i64().unwrap();
    assert!((3500..=3600).contains(&left), "{left}");
    h.assert_still_cached("close-delimited-token", "after a close-delimited answer");
}

/// `Retry-After` as an HTTP date (in the future, in the past, or not a date at all) is
/// not a number of seconds: the throttling error comes without a wait it cannot vouch
/// for, in one line, and the cached token stays.
#[test]
fn retry_after_as_an_http_date_is_a_clean_throttling_error() {
    let h = Hostile::new();
    let good = h.cache_a_token();
    for date in [
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "-5",
        "1e12",
    ] {
        h.answer_token(
            429,
            "{\"error\":\"slow_down\"}",
            json!({"headers": {"Retry-After": date}}),
        );
        let r = h.run(&["token", "--profile", "svc", "--force-refresh"]);
        let line = r.fails_cleanly(1);
        assert!(line.contains("HTTP 429"), "{date}: {line}");
        assert!(!line.contains("retry after"), "{date}: {line}");
        h.assert_still_cached(&good, date);
    }
}

/// After each bad answer of this file's kinds, the token cached before is still there.
#[test]
fn bad_answers_leave_the_cached_token_in_place() {
    let h = Hostile::new();
    let good = h.cache_a_token();
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for (what, status, body) in [
        ("JSON nested 10,000 deep", 200, nested.as_str()),
        (
            "an error body with status 200",
            200,
            r#"{"error":"invalid_client"}"#,
        ),
        ("garbage", 200, "\u{0}\u{1}garbage"),
        (
            "no access token",
            200,
            r#"{"token_type":"Bearer","expires_in":3600}"#,
        ),
        ("an empty 500", 500, ""),
    ] {
        h.answer_token(status, body, json!({}));
        let r = h.run(&["token", "--profile", "svc", "--force-refresh"]);
        r.fails_cleanly(1);
        h.assert_still_cached(&good, what);
    }
}

/// The provider's discovery document, with `change` applied, as the next answer to
/// discovery.
fn answer_discovery(h: &Hostile, change: impl FnOnce(&mut Value)) {
    let url = format!("{}/.well-known/openid-configuration", h.idp.issuer);
    let (_, mut doc) = http("GET", &url, None);
    change(&mut doc);
    let path = url::Url::parse(&url).unwrap().path().to_string();
    h.idp.fault(json!({
        "path": path,
        "status": 200,
        "content_type": "application/json",
        "body": doc.to_string(),
    }));
}

fn discovery_cache_files(h: &Hostile) -> usize {
    std::fs::read_dir(h.env.paths().discovery_dir())
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Finding 2 of issue 13, end to end: a discovery document that sends the client secret
/// over plain http to another host, or that names another issuer, is refused in one
/// line, nothing is sent there, and the bad answer is not cached: the next run discovers
/// again and gets a token.
#[test]
fn a_discovery_document_that_points_elsewhere_is_refused_and_not_cached() {
    let h = Hostile::new();
    type Change = Box<dyn FnOnce(&mut Value)>;
    let cases: [(&str, Change); 3] = [
        (
            "collector.example.invalid",
            Box::new(|d| d["token_endpoint"] = json!("http://collector.example.invalid/token")),
        ),
        (
            "file:",
            Box::new(|d| d["token_endpoint"] = json!("file:///tmp/token")),
        ),
        (
            "issuer.example.invalid",
            Box::new(|d| d["issuer"] = json!("https://issuer.example.invalid")),
        ),
    ];
    for (named, change) in cases {
        answer_discovery(&h, change);
        let before = h.idp.count("token");
        let err = h.token_error();
        assert!(err.contains(named), "{named}: {err}");
        assert_eq!(
            h.idp.count("token"),
            before,
            "{named}: a token was asked for"
        );
        assert_eq!(h.cached_tokens(), 0, "{named}");
        assert_eq!(
            discovery_cache_files(&h),
            0,
            "{named}: the bad answer was cached"
        );
    }
    // The faults are used up: the genuine document is discovered, cached and used.
    let token = h.cache_a_token();
    assert!(!token.is_empty());
    assert_eq!(discovery_cache_files(&h), 1);
}

/// Issue 17, finding 1: a device-code answer whose pages are not https, or carry
/// characters a shell acts on, is refused (a `file:` page) or defused (the quotes and
/// spaces percent-encoded) before anything is shown or opened.
#[test]
fn device_code_pages_pass_the_opener_gate() {
    let idp = Idp::start();
    let env = Env::new();
    env.add_profile(&idp, "dev", "device-code", "device-client", &[])
        .ok();
    let answer = |uri: &str, complete: &str| {
        idp.fault(json!({
            "path": endpoint_path(&idp, "device_authorization_endpoint"),
            "status": 200,
            "content_type": "application/json",
            "body": json!({
                "device_code": "hostile-device-code",
                "user_code": "HOST-ILE2",
                "verification_uri": uri,
                "verification_uri_complete": complete,
                "expires_in": 600,
                "interval": 60,
            }).to_string(),
        }));
    };
    answer("file:///etc/passwd", "https://x.invalid/ok");
    let r = env.run(&["login", "--profile", "dev", "--timeout", "2"]);
    assert_no_panic(&r);
    let line = r.fails_cleanly(1);
    assert!(line.contains("device verification_uri"), "{line}");
    assert!(!r.stderr.contains("HOST-ILE2"), "shown: {}", r.stderr);
    assert_eq!(idp.count("token"), 0);

    answer(
        "https://x.invalid/device",
        "https://x.invalid/\" ; Start-Process calc ; \"",
    );
    let r = env.run(&["login", "--profile", "dev", "--timeout", "2"]);
    assert_no_panic(&r);
    assert!(r.stderr.contains("HOST-ILE2"), "{}", r.stderr);
    assert!(!r.stderr.contains("Start-Process calc"), "{}", r.stderr);
}

/// Issue 17, finding 1: under WSL, a discovery document whose authorization endpoint
/// (on the authority's origin, so the origin rules pass it) carries PowerShell code. The
/// URL reaches the Windows shell's URL handler as one argument, with none of `"`, `'`,
/// `` ` ``, `$` or whitespace, and wslview, which hands URLs to PowerShell, never runs.
#[test]
fn under_wsl_a_crafted_authorize_url_reaches_no_shell() {
    use std::os::unix::fs::PermissionsExt;
    let idp = Idp::start();
    let mut env = Env::new();
    let stubs = env.root.path().join("stubs");
    std::fs::create_dir(&stubs).unwrap();
    let record = env.root.path().join("rundll32-args");
    let wslview_ran = env.root.path().join("wslview-ran");
    for (name, script) in [
        (
            "rundll32.exe",
            format!("printf '%s\\n' \"$@\" > '{}'\n", path_str(&record)),
        ),
        ("wslview", format!("touch '{}'\n", path_str(&wslview_ran))),
    ] {
        let path = stubs.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    env.set("WSL_DISTRO_NAME", "Ubuntu");
    env.set(
        "PATH",
        &format!("{}:{}", path_str(&stubs), std::env::var("PATH").unwrap()),
    );
    let port = common::free_port().to_string();
    env.add_profile(
        &idp,
        "dev",
        "interactive",
        "interactive-client",
        &["--port", &port],
    )
    .ok();
    let (_, mut doc) = http(
        "GET",
        &format!("{}/.well-known/openid-configuration", idp.issuer),
        None,
    );
    let authorize = doc["authorization_endpoint"].as_str().unwrap().to_string();
    doc["authorization_endpoint"] = json!(format!("{authorize}$(Start-Process(calc))"));
    idp.fault(json!({
        "path": "/.well-known/openid-configuration",
        "status": 200,
        "content_type": "application/json",
        "body": doc.to_string(),
        "times": 5,
    }));
    let login = env.spawn(&["login", "--profile", "dev", "--timeout", "60"]);
    common::wait_for(
        "the URL handler to run",
        std::time::Duration::from_secs(60),
        || std::fs::read_to_string(&record).is_ok_and(|t| t.ends_with('\n')),
    );
    login.interrupt();
    let run = login.finish(std::time::Duration::from_secs(30));
    assert_no_panic(&run);
    let args: Vec<String> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(args.len(), 2, "{args:?}");
    assert_eq!(args[0], "url.dll,FileProtocolHandler");
    let url = &args[1];
    assert!(
        url.starts_with(&format!("{authorize}%24(Start-Process(calc))?")),
        "{url}"
    );
    assert!(!url.contains(['"', '\'', '`', '$', ' ']), "{url}");
    assert!(url.contains("&state="), "the query is intact: {url}");
    assert!(!wslview_ran.exists(), "wslview ran");
    assert!(
        !run.stderr.contains("$(Start-Process"),
        "the URL shown is the one opened: {}",
        run.stderr
    );
}

/// Issue 27: an authority that names its tenant by a domain, answered by a discovery
/// document whose issuer names the tenant by its id (as Entra ID answers), is refused
/// with the authority to use, in `token`'s hint and in the doctor's fix.
#[test]
fn an_issuer_naming_the_tenant_by_its_id_gives_the_authority_to_use() {
    let h = Hostile::new();
    let authority = format!("{}/contoso.onmicrosoft.com", h.idp.issuer);
    h.run(&["profile", "edit", "svc", "--authority", &authority])
        .ok();
    let id = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let by_id = format!("{}/{id}", h.idp.issuer);
    let url = format!("{}/.well-known/openid-configuration", h.idp.issuer);
    let (_, mut doc) = http("GET", &url, None);
    doc["issuer"] = json!(format!("{by_id}/v2.0"));
    for path in [
        "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
        "/contoso.onmicrosoft.com/.well-known/openid-configuration",
    ] {
        h.idp.fault(json!({
            "path": path,
            "status": 200,
            "content_type": "application/json",
            "body": doc.to_string(),
            "times": 10,
        }));
    }
    let r = h.run(&["token", "--profile", "svc"]);
    let line = r.fails_cleanly(1);
    assert!(line.contains(&format!("issuer is {by_id}")), "{line}");
    let hint = r.hint().unwrap_or_default();
    assert!(
        hint.contains(&format!("profile edit svc --authority {by_id}")),
        "{hint}"
    );
    let doctor = h.run(&["doctor", "--profile", "svc"]).stdout.clone();
    assert!(
        doctor.contains(&format!("fix: use the tenant's id in the authority: `cdf-signin profile edit svc --authority {by_id}`")),
        "{doctor}"
    );
    assert_eq!(h.idp.count("token"), 0, "nothing was sent");
}

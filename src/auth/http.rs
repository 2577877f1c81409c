//! The HTTP client for identity-provider requests, in two layers:
//!
//! - [`Http`] describes each request and interprets the answer: throttling, OAuth error
//!   bodies, HTML pages where JSON was expected, malformed JSON; each becomes one clear
//!   [`AuthError`].
//! - A [`Transport`] only moves bytes. The production one, [`ReqwestTransport`], has
//!   bounded timeouts, no redirects, the OS trust store plus an optional extra CA and
//!   proxies from the environment. Unit tests script the provider with a closure
//!   (`Fn(&Request) -> Result<Response, AuthError>` is a transport).

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use url::Url;

use super::error::{AuthError, IdpError};
use crate::fsutil;
use crate::profile::Profile;
use crate::token::{Clock, SystemClock};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Overrides the whole-request timeout (seconds); lets tests of a hanging server finish
/// quickly.
pub const TIMEOUT_ENV: &str = "CDF_SIGNIN_HTTP_TIMEOUT";
/// Answers larger than this are not token responses; a transport reads no more.
pub const MAX_BODY: usize = 1 << 20;
/// The longest `Retry-After` honoured: an hour. A provider asking for more is broken,
/// and a device code or sign-in does not outlive an hour anyway.
pub const MAX_RETRY_AFTER_SECS: u64 = 3600;

/// What a [`Transport`] returns: a boxed future, so the trait works as `dyn Transport`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    /// With the form as an `application/x-www-form-urlencoded` body.
    Post,
}

/// One request as a transport must send it. Header and form values can be secrets (a
/// bearer token, a client secret, a refresh token): `Debug` shows their names only.
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a Url,
    pub headers: &'a [(&'a str, &'a str)],
    /// The body of a POST; empty for a GET.
    pub form: &'a [(&'a str, &'a str)],
}

impl Request<'_> {
    /// The value of a form field, if sent.
    #[cfg(test)]
    pub fn form_value(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &names(self.headers))
            .field("form", &names(self.form))
            .finish()
    }
}

/// An answer as it came: the status, the headers interpreted above the transport, and
/// at most [`MAX_BODY`] bytes of body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    /// The raw `Retry-After` value (only delta-seconds are understood).
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// Sends one request. Failures to get any answer (unreachable host, TLS, timeout) are the
/// transport's to report; every answer, whatever its status, is an `Ok`.
pub trait Transport: Send + Sync {
    fn send<'a>(&'a self, request: &'a Request<'a>) -> BoxFuture<'a, Result<Response, AuthError>>;
}

/// A closure answers at once; tests script the identity provider with one.
impl<F> Transport for F
where
    F: Fn(&Request<'_>) -> Result<Response, AuthError> + Send + Sync,
{
    fn send<'a>(&'a self, request: &'a Request<'a>) -> BoxFuture<'a, Result<Response, AuthError>> {
        Box::pin(std::future::ready(self(request)))
    }
}

/// Requests to an identity provider (and, raw, to CDF) over a [`Transport`].
#[derive(Clone)]
pub struct Http {
    transport: Arc<dyn Transport>,
    /// "Now" for what the answers start (token expiry, a device code's life, an
    /// assertion's time, the discovery cache's age): the session's clock.
    clock: Arc<dyn Clock>,
}

impl Http {
    /// A profile's client, the one way every caller (the session, the doctor, CDF calls,
    /// the check of a draft's CA file) builds it: the network through [`ReqwestTransport`]
    /// (proxies from the environment, no redirects, the OS trust store plus the
    /// profile's CA file, [`CONNECT_TIMEOUT`] and [`REQUEST_TIMEOUT`] or [`TIMEOUT_ENV`]),
    /// reading "now" from `clock`, the session's.
    pub fn for_profile(profile: &Profile, clock: Arc<dyn Clock>) -> Result<Http, AuthError> {
        let transport = ReqwestTransport::new(profile.ca_file.as_deref())?;
        Ok(Http::with_transport(Arc::new(transport)).with_clock(clock))
    }

    pub fn with_transport(transport: Arc<dyn Transport>) -> Http {
        Http {
            transport,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same client, reading "now" from `clock` (the session passes its own).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Http {
        self.clock = clock;
        self
    }

    /// Now, by this client's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// POSTs a form and parses a JSON success answer; OAuth error bodies become
    /// [`AuthError::Idp`].
    pub async fn post_form<T: DeserializeOwned>(
        &self,
        url: &Url,
        form: &[(&str, &str)],
    ) -> Result<T, AuthError> {
        tracing::debug!(url = %url, params = ?form.iter().map(|(k, _)| *k).collect::<Vec<_>>(), "POST");
        let request = Request {
            method: Method::Post,
            url,
            headers: &[("Accept", "application/json")],
            form,
        };
        interpret(url, self.exchange(&request).await?)
    }

    /// POSTs a form whose success answer has no content to read (RFC 7009 revocation
    /// answers 200 with any body); failures are read as [`Http::post_form`] reads them.
    pub async fn post_form_no_content(
        &self,
        url: &Url,
        form: &[(&str, &str)],
    ) -> Result<(), AuthError> {
        tracing::debug!(url = %url, params = ?form.iter().map(|(k, _)| *k).collect::<Vec<_>>(), "POST");
        let request = Request {
            method: Method::Post,
            url,
            headers: &[("Accept", "application/json")],
            form,
        };
        let response = self.exchange(&request).await?;
        if (200..300).contains(&response.status) {
            return Ok(());
        }
        interpret::<serde_json::Value>(url, response).map(|_| ())
    }

    /// GETs JSON; `Ok(None)` on 404 (used to probe discovery documents).
    pub async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<Option<T>, AuthError> {
        tracing::debug!(url = %url, "GET");
        let request = Request {
            method: Method::Get,
            url,
            headers: &[("Accept", "application/json")],
            form: &[],
        };
        match interpret(url, self.exchange(&request).await?) {
            Err(AuthError::Http { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// GETs with extra headers and returns status and body as they came: for CDF's API,
    /// whose errors are not OAuth errors. Header values are never logged.
    pub async fn get_raw(
        &self,
        url: &Url,
        headers: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>), AuthError> {
        tracing::debug!(url = %url, headers = ?headers.iter().map(|(k, _)| *k).collect::<Vec<_>>(), "GET");
        let mut all = vec![("Accept", "application/json")];
        all.extend_from_slice(headers);
        let request = Request {
            method: Method::Get,
            url,
            headers: &all,
            form: &[],
        };
        let response = self.exchange(&request).await?;
        Ok((response.status, response.body))
    }

    async fn exchange(&self, request: &Request<'_>) -> Result<Response, AuthError> {
        let response = self.transport.send(request).await?;
        tracing::debug!(
            status = response.status,
            bytes = response.body.len(),
            "answer"
        );
        Ok(response)
    }
}

/// A JSON success answer, or the one error that describes what came instead.
fn interpret<T: DeserializeOwned>(url: &Url, response: Response) -> Result<T, AuthError> {
    let host = host_of(url);
    let Response {
        status,
        content_type,
        retry_after,
        body,
    } = response;
    let is_html = content_type.as_deref().is_some_and(|c| c.contains("html"));
    if status == 429 {
        let retry_after = retry_after.as_deref().and_then(retry_after_secs);
        return Err(AuthError::Throttled { host, retry_after });
    }
    if !(200..300).contains(&status) {
        if let Ok(err) = serde_json::from_slice::<IdpError>(&body) {
            return Err(AuthError::Idp(Box::new(err)));
        }
        let detail = if is_html {
            " (an HTML page)".to_string()
        } else if body.is_empty() {
            " (empty body)".to_string()
        } else {
            String::new()
        };
        return Err(AuthError::Http {
            host,
            status,
            detail,
        });
    }
    serde_json::from_slice(&body).map_err(|e| AuthError::Malformed {
        host,
        reason: if is_html {
            "an HTML page where JSON was expected".into()
        } else {
            format!("invalid JSON ({})", short_serde_error(&e))
        },
    })
}

/// `Retry-After` as delta-seconds, clamped to [`MAX_RETRY_AFTER_SECS`] (digits too many
/// for a u64 too). An HTTP date is not understood: no hint rather than a wrong one.
fn retry_after_secs(value: &str) -> Option<u64> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<u64>()
            .unwrap_or(u64::MAX)
            .min(MAX_RETRY_AFTER_SECS),
    )
}

/// The real network. Two clients: a plain one for `http://` (loopback only, by profile
/// validation) and a TLS one built on first use, because loading the OS trust store
/// costs more than a whole token request to a local provider.
pub struct ReqwestTransport {
    plain: reqwest::Client,
    tls: std::sync::OnceLock<Result<reqwest::Client, String>>,
    extra_roots: Vec<reqwest::Certificate>,
    timeout: Duration,
}

impl ReqwestTransport {
    pub fn new(ca_file: Option<&Path>) -> Result<ReqwestTransport, AuthError> {
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .unwrap_or(REQUEST_TIMEOUT);
        let mut extra_roots = Vec::new();
        if let Some(path) = ca_file {
            let ca_err = |reason: String| AuthError::CaFile {
                path: path.display().to_string(),
                reason,
            };
            let pem = fsutil::read_bounded(path, fsutil::limits::PEM)
                .map_err(|e| ca_err(e.to_string()))?;
            extra_roots =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_err(e.to_string()))?;
            if extra_roots.is_empty() {
                return Err(ca_err("no PEM certificate in it".into()));
            }
        }
        // No trust anchors at all: this client can never complete a TLS handshake.
        let plain = base_builder(timeout)
            .tls_certs_only(Vec::new())
            .build()
            .map_err(|e| AuthError::Internal(format!("cannot set up HTTP: {e}")))?;
        Ok(ReqwestTransport {
            plain,
            tls: std::sync::OnceLock::new(),
            extra_roots,
            timeout,
        })
    }

    fn client_for(&self, url: &Url) -> Result<&reqwest::Client, AuthError> {
        if url.scheme() != "https" {
            return Ok(&self.plain);
        }
        let built = self.tls.get_or_init(|| {
            base_builder(self.timeout)
                .tls_certs_merge(self.extra_roots.iter().cloned())
                .build()
                .map_err(|e| e.to_string())
        });
        built.as_ref().map_err(|reason| AuthError::Tls {
            host: host_of(url),
            reason: reason.clone(),
            source: None,
        })
    }

    async fn execute(&self, request: &Request<'_>) -> Result<Response, AuthError> {
        let url = request.url;
        let host = host_of(url);
        let client = self.client_for(url)?;
        let mut builder = match request.method {
            Method::Get => client.get(url.clone()),
            Method::Post => client.post(url.clone()).form(request.form),
        };
        for (name, value) in request.headers {
            builder = builder.header(*name, *value);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| self.map_send_error(&host, e))?;
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let status = response.status().as_u16();
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER);
        let body = read_limited(response)
            .await
            .map_err(|e| self.map_send_error(&host, e))?
            .ok_or_else(|| AuthError::Malformed {
                host: host.clone(),
                reason: format!("an answer larger than {} MiB", MAX_BODY >> 20),
            })?;
        Ok(Response {
            status,
            content_type,
            retry_after,
            body,
        })
    }

    fn map_send_error(&self, host: &str, e: reqwest::Error) -> AuthError {
        let chain = error_chain(&e);
        if e.is_timeout() {
            AuthError::Timeout {
                host: host.into(),
                secs: self.timeout.as_secs(),
            }
        } else if chain.contains("certificate")
            || chain.contains("UnknownIssuer")
            || chain.contains("tls")
        {
            AuthError::Tls {
                host: host.into(),
                reason: last_cause(&e),
                source: Some(Box::new(e)),
            }
        } else {
            AuthError::Unreachable {
                host: host.into(),
                reason: last_cause(&e),
                source: Some(Box::new(e)),
            }
        }
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(&'a self, request: &'a Request<'a>) -> BoxFuture<'a, Result<Response, AuthError>> {
        Box::pin(self.execute(request))
    }
}

/// Bounded timeouts, no redirects (a token endpoint never redirects; following one could
/// send credentials elsewhere), proxies from the environment.
/// How long an idle connection is kept for the next request: below the keep-alive of
/// common servers (Node's 5 s, so a provider or proxy written in it), so that a request
/// never goes out on a connection the server is closing at that moment ("connection
/// reset"). A sign-in's requests come in bursts; a new connection after a pause costs
/// one handshake.
const POOL_IDLE: Duration = Duration::from_secs(4);

fn base_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .pool_idle_timeout(POOL_IDLE)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("cdf-signin/", env!("CARGO_PKG_VERSION")))
}

/// The body, or `None` as soon as it grows past [`MAX_BODY`] (the rest is not read).
async fn read_limited(mut response: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.to_string(),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The innermost cause, which is the informative one ("Connection refused").
fn last_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last.lines().next().unwrap_or_default().to_string()
}

/// A serde message without the offending value (it could be part of a token).
fn short_serde_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("missing field") {
        return text;
    }
    let kind = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "not JSON",
        _ => "unexpected field types",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn url() -> Url {
        Url::parse("http://127.0.0.1:9/token").unwrap()
    }

    /// An `Http` whose transport always gives `answer`.
    fn answering(answer: Response) -> Http {
        Http::with_transport(Arc::new(move |_: &Request<'_>| Ok(answer.clone())))
    }

    fn answer(status: u16, content_type: &str, body: &str) -> Response {
        Response {
            status,
            content_type: Some(content_type.into()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    async fn post(http: &Http) -> Result<serde_json::Value, AuthError> {
        http.post_form(&url(), &[("grant_type", "x")]).await
    }

    #[tokio::test]
    async fn throttling_carries_retry_after_seconds() {
        let mut r = answer(429, "application/json", "{}");
        r.retry_after = Some(" 7 ".into());
        match post(&answering(r.clone())).await {
            Err(AuthError::Throttled { host, retry_after }) => {
                assert_eq!(host, "127.0.0.1:9");
                assert_eq!(retry_after, Some(7));
            }
            other => panic!("{other:?}"),
        }
        // An HTTP date is not understood: no hint rather than a wrong one.
        r.retry_after = Some("Wed, 21 Oct 2015 07:28:00 GMT".into());
        assert!(matches!(
            post(&answering(r)).await,
            Err(AuthError::Throttled {
                retry_after: None,
                ..
            })
        ));
    }

    #[test]
    fn retry_after_is_clamped_to_an_hour() {
        assert_eq!(retry_after_secs("99999999999999999999"), Some(3600));
        assert_eq!(retry_after_secs("18446744073709551615"), Some(3600));
        assert_eq!(retry_after_secs("3601"), Some(3600));
        assert_eq!(retry_after_secs("3600"), Some(3600));
        assert_eq!(retry_after_secs(" 0 "), Some(0));
        for unknown in ["", "-1", "+5", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            assert_eq!(retry_after_secs(unknown), None, "{unknown:?}");
        }
    }

    #[tokio::test]
    async fn huge_retry_after_is_an_hour() {
        let mut r = answer(429, "application/json", "{}");
        r.retry_after = Some("99999999999999999999".into());
        match post(&answering(r)).await {
            Err(e @ AuthError::Throttled { .. }) => {
                assert!(matches!(
                    e,
                    AuthError::Throttled {
                        retry_after: Some(3600),
                        ..
                    }
                ));
                assert!(e.to_string().ends_with("retry after 3600 s"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn oauth_error_bodies_become_idp_errors() {
        let r = answer(400, "application/json", r#"{"error":"invalid_grant"}"#);
        match post(&answering(r)).await {
            Err(AuthError::Idp(e)) => assert_eq!(e.error, "invalid_grant"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn other_failures_say_what_came_back() {
        let html = answer(502, "text/html; charset=utf-8", "<html></html>");
        match post(&answering(html)).await {
            Err(AuthError::Http { status, detail, .. }) => {
                assert_eq!(status, 502);
                assert_eq!(detail, " (an HTML page)");
            }
            other => panic!("{other:?}"),
        }
        match post(&answering(answer(500, "text/plain", ""))).await {
            Err(AuthError::Http { detail, .. }) => assert_eq!(detail, " (empty body)"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn success_that_is_not_json_is_malformed() {
        let html = answer(200, "text/html", "<html>sign in</html>");
        match post(&answering(html)).await {
            Err(AuthError::Malformed { reason, .. }) => {
                assert_eq!(reason, "an HTML page where JSON was expected")
            }
            other => panic!("{other:?}"),
        }
        let garbage = answer(200, "application/json", "access_token=secret-value");
        match post(&answering(garbage)).await {
            Err(AuthError::Malformed { reason, .. }) => {
                assert!(reason.starts_with("invalid JSON (not JSON"), "{reason}");
                assert!(!reason.contains("secret-value"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn get_json_treats_404_as_absent() {
        let http = answering(answer(404, "text/plain", "no"));
        let got: Option<serde_json::Value> = http.get_json(&url()).await.unwrap();
        assert!(got.is_none());
    }

    #[tokio::test]
    async fn transport_failures_pass_through() {
        let http = Http::with_transport(Arc::new(|r: &Request<'_>| {
            Err(AuthError::Unreachable {
                host: host_of(r.url),
                reason: "Connection refused".into(),
                source: None,
            })
        }));
        assert!(matches!(
            post(&http).await,
            Err(AuthError::Unreachable { .. })
        ));
    }

    #[tokio::test]
    async fn requests_are_described_to_the_transport() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let http = Http::with_transport(Arc::new(move |r: &Request<'_>| {
            let pairs = |p: &[(&str, &str)]| {
                p.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
            };
            log.lock()
                .unwrap()
                .push((r.method, pairs(r.headers), pairs(r.form)));
            Ok(answer(
                401,
                "application/json",
                r#"{"error":{"message":"no"}}"#,
            ))
        }));
        let (status, body) = http
            .get_raw(&url(), &[("Authorization", "Bearer t")])
            .await
            .unwrap();
        assert_eq!(status, 401, "raw answers are not interpreted");
        assert_eq!(body, br#"{"error":{"message":"no"}}"#);
        let _ = post(&http).await;
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, Method::Get);
        assert_eq!(
            seen[0].1,
            ["Accept=application/json", "Authorization=Bearer t"]
        );
        assert!(seen[0].2.is_empty());
        assert_eq!(seen[1].0, Method::Post);
        assert_eq!(seen[1].1, ["Accept=application/json"]);
        assert_eq!(seen[1].2, ["grant_type=x"]);
    }

    #[test]
    fn request_debug_shows_names_not_values() {
        let url = url();
        let request = Request {
            method: Method::Post,
            url: &url,
            headers: &[("Authorization", "Bearer top-secret")],
            form: &[("client_secret", "hunter2")],
        };
        let text = format!("{request:?}");
        assert!(text.contains("client_secret") && text.contains("Authorization"));
        assert!(!text.contains("hunter2") && !text.contains("top-secret"));
        assert_eq!(request.form_value("client_secret"), Some("hunter2"));
        assert_eq!(request.form_value("scope"), None);
    }
}

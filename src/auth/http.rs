//! The HTTP client for identity-provider requests: bounded timeouts, no redirects, the OS
//! trust store plus an optional extra CA, proxies from the environment, and errors mapped
//! to one clear [`AuthError`] each.

use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;
use url::Url;

use super::error::{AuthError, IdpError};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Overrides the whole-request timeout (seconds); lets tests of a hanging server finish
/// quickly.
pub const TIMEOUT_ENV: &str = "CDF_SIGNIN_HTTP_TIMEOUT";
/// Answers larger than this are not token responses.
const MAX_BODY: usize = 1 << 20;

/// Two clients: a plain one for `http://` (loopback only, by profile validation) and a
/// TLS one built on first use, because loading the OS trust store costs more than a whole
/// token request to a local provider.
pub struct Http {
    plain: reqwest::Client,
    tls: std::sync::OnceLock<Result<reqwest::Client, String>>,
    extra_roots: Vec<reqwest::Certificate>,
    timeout: Duration,
}

impl Http {
    pub fn new(ca_file: Option<&Path>) -> Result<Http, AuthError> {
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
            let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
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
        Ok(Http {
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
        })
    }

    /// POSTs a form and parses a JSON success answer; OAuth error bodies become
    /// [`AuthError::Idp`].
    pub async fn post_form<T: DeserializeOwned>(
        &self,
        url: &Url,
        form: &[(&str, &str)],
    ) -> Result<T, AuthError> {
        tracing::debug!(url = %url, params = ?form.iter().map(|(k, _)| *k).collect::<Vec<_>>(), "POST");
        let request = self
            .client_for(url)?
            .post(url.clone())
            .form(form)
            .header("Accept", "application/json");
        self.send(url, request).await
    }

    /// GETs JSON; `Ok(None)` on 404 (used to probe discovery documents).
    pub async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<Option<T>, AuthError> {
        tracing::debug!(url = %url, "GET");
        let request = self
            .client_for(url)?
            .get(url.clone())
            .header("Accept", "application/json");
        match self.send(url, request).await {
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
        let host = host_of(url);
        let mut request = self
            .client_for(url)?
            .get(url.clone())
            .header("Accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.map_send_error(&host, &e))?;
        let status = response.status().as_u16();
        let body = read_limited(response)
            .await
            .map_err(|e| self.map_send_error(&host, &e))?;
        tracing::debug!(status, bytes = body.len(), "answer");
        Ok((status, body))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        url: &Url,
        request: reqwest::RequestBuilder,
    ) -> Result<T, AuthError> {
        let host = host_of(url);
        let response = request
            .send()
            .await
            .map_err(|e| self.map_send_error(&host, &e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = read_limited(response)
            .await
            .map_err(|e| self.map_send_error(&host, &e))?;
        tracing::debug!(%status, bytes = body.len(), "answer");

        if status.as_u16() == 429 {
            return Err(AuthError::Throttled { host, retry_after });
        }
        if !status.is_success() {
            if let Ok(err) = serde_json::from_slice::<IdpError>(&body) {
                return Err(AuthError::Idp(Box::new(err)));
            }
            let detail = if content_type.contains("html") {
                " (an HTML page)".to_string()
            } else if body.is_empty() {
                " (empty body)".to_string()
            } else {
                String::new()
            };
            return Err(AuthError::Http {
                host,
                status: status.as_u16(),
                detail,
            });
        }
        serde_json::from_slice(&body).map_err(|e| AuthError::Malformed {
            host,
            reason: if content_type.contains("html") {
                "an HTML page where JSON was expected".into()
            } else {
                format!("invalid JSON ({})", short_serde_error(&e))
            },
        })
    }

    fn map_send_error(&self, host: &str, e: &reqwest::Error) -> AuthError {
        let chain = error_chain(e);
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
                reason: last_cause(e),
            }
        } else {
            AuthError::Unreachable {
                host: host.into(),
                reason: last_cause(e),
            }
        }
    }
}

/// Bounded timeouts, no redirects (a token endpoint never redirects; following one could
/// send credentials elsewhere), proxies from the environment.
fn base_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("cdf-signin/", env!("CARGO_PKG_VERSION")))
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            body.truncate(MAX_BODY);
            break;
        }
    }
    Ok(body)
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

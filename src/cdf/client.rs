//! Requests to CDF itself: token/inspect with a bearer token, and the legacy
//! `login/status` with an API key.

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;
use url::Url;

use super::inspect::Inspection;
use crate::auth::{AuthError, Http, http::host_of};
use crate::field::Field;
use crate::remedy::Remedy;
use crate::secrets::Secret;

#[derive(Debug, Error)]
pub enum CdfError {
    #[error("{host} refused the {what} (HTTP {status}{})", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Refused {
        host: String,
        what: &'static str,
        status: u16,
        message: Option<String>,
    },
    #[error("{host} answered HTTP {status}{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Http {
        host: String,
        status: u16,
        message: Option<String>,
    },
    #[error("{host} sent an answer that is not CDF's: {reason}")]
    Malformed { host: String, reason: String },
    #[error("{0}")]
    Transport(#[from] AuthError),
    #[error("invalid base URL: {0}")]
    BaseUrl(String),
}

impl CdfError {
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            CdfError::Refused { what: "token", .. } => Some(Remedy::Advice(
                "the token is not for this cluster, or has expired: check the profile's cluster and scope, then sign in again",
            )),
            CdfError::Refused { .. } => Some(Remedy::StoreSecret {
                profile: None,
                field: Field::ApiKey,
                why: Some("the API key is wrong or revoked: create a new one"),
            }),
            CdfError::Http { status, .. } if *status >= 500 => {
                Some(Remedy::Advice("CDF has a problem; try again shortly"))
            }
            CdfError::Http { status: 404, .. } | CdfError::Malformed { .. } => {
                Some(Remedy::CheckFields {
                    why: None,
                    fields: &[Field::Cluster, Field::BaseUrl],
                })
            }
            CdfError::Transport(e) => e.remedy(),
            _ => None,
        }
    }
}

/// `GET /login/status` of a legacy API key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginStatus {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub logged_in: bool,
    #[serde(default)]
    pub project: String,
    #[serde(default)]
    pub project_id: Option<i64>,
}

pub async fn inspect(http: &Http, base_url: &str, token: &Secret) -> Result<Inspection, CdfError> {
    let url = endpoint(base_url, "api/v1/token/inspect")?;
    let auth = format!("Bearer {}", token.expose());
    let body = get(http, &url, &[("Authorization", &auth)], "token").await?;
    Inspection::from_json(&body).map_err(|reason| CdfError::Malformed {
        host: host_of(&url),
        reason,
    })
}

pub async fn login_status(
    http: &Http,
    base_url: &str,
    api_key: &Secret,
) -> Result<LoginStatus, CdfError> {
    let url = endpoint(base_url, "login/status")?;
    let body = get(http, &url, &[("api-key", api_key.expose())], "API key").await?;
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let status: LoginStatus = serde_json::from_value(data).map_err(|e| CdfError::Malformed {
        host: host_of(&url),
        reason: format!("no login status ({e})"),
    })?;
    if !status.logged_in {
        return Err(CdfError::Refused {
            host: host_of(&url),
            what: "API key",
            status: 200,
            message: Some("loggedIn is false".into()),
        });
    }
    Ok(status)
}

/// `base_url` with `path`'s segments appended one by one (never as text, which a query or
/// fragment in the base would swallow), under the base-URL rules.
fn endpoint(base_url: &str, path: &str) -> Result<Url, CdfError> {
    let segments: Vec<&str> = path.split('/').collect();
    crate::urls::join_segments(base_url, &segments).map_err(CdfError::BaseUrl)
}

pub(super) async fn get(
    http: &Http,
    url: &Url,
    headers: &[(&str, &str)],
    what: &'static str,
) -> Result<Value, CdfError> {
    let (status, body) = http.get_raw(url, headers).await?;
    let host = host_of(url);
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    if !(200..300).contains(&status) {
        // CDF errors: {"error": {"code": 401, "message": "..."}}
        let message = json
            .as_ref()
            .and_then(|j| j.pointer("/error/message"))
            .and_then(Value::as_str)
            .map(|m| {
                m.lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect()
            });
        return Err(if status == 401 || status == 403 {
            CdfError::Refused {
                host,
                what,
                status,
                message,
            }
        } else {
            CdfError::Http {
                host,
                status,
                message,
            }
        });
    }
    json.ok_or_else(|| CdfError::Malformed {
        host,
        reason: "the body is not JSON".into(),
    })
}

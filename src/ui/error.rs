//! A failure as the window shows it: the message, a hint worded for the window, and the
//! codes a support request needs. Made from each layer's error in one place.

use crate::app::AppError;
use crate::profile::{Profile, ProfileError};
use crate::session::SessionError;

/// Something the person should read about a failure: the one-line message, a hint, and
/// the details a support request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct UiError {
    pub message: String,
    pub hint: Option<String>,
    pub code: Option<String>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl UiError {
    pub fn plain(message: impl Into<String>) -> UiError {
        UiError {
            message: message.into(),
            hint: None,
            code: None,
            trace_id: None,
            correlation_id: None,
        }
    }

    /// The text behind "Copy details".
    pub fn details(&self) -> String {
        let mut out = format!(
            "cdf-signin {}\nerror: {}",
            env!("CARGO_PKG_VERSION"),
            self.message
        );
        for (label, value) in [
            ("code", &self.code),
            ("trace id", &self.trace_id),
            ("correlation id", &self.correlation_id),
        ] {
            if let Some(v) = value {
                out.push_str(&format!("\n{label}: {v}"));
            }
        }
        out
    }
}

impl From<SessionError> for UiError {
    fn from(e: SessionError) -> UiError {
        let hint = e.remedy().as_ref().map(super::wording::remedy);
        let (code, trace_id, correlation_id) = match &e {
            SessionError::Auth(crate::auth::AuthError::Idp(idp)) => (
                Some(idp.aadsts().unwrap_or_else(|| idp.error.clone())),
                idp.trace_id.clone(),
                idp.correlation_id.clone(),
            ),
            _ => (None, None, None),
        };
        UiError {
            message: e.to_string(),
            hint,
            code,
            trace_id,
            correlation_id,
        }
    }
}

impl From<crate::cdf::AccessError> for UiError {
    fn from(e: crate::cdf::AccessError) -> UiError {
        match e {
            crate::cdf::AccessError::Session(s) => s.into(),
            crate::cdf::AccessError::Cdf(c) => UiError {
                hint: c.remedy().as_ref().map(super::wording::remedy),
                ..UiError::plain(c.to_string())
            },
        }
    }
}

impl From<crate::doctor::cluster::MissingHost> for UiError {
    fn from(m: crate::doctor::cluster::MissingHost) -> UiError {
        UiError {
            hint: Some(super::wording::remedy(&m.fix)),
            ..UiError::plain(m.message)
        }
    }
}

/// A failure to get `p`'s token, said as a cluster that does not exist when it is one
/// (the same rule as the command line's).
pub(super) fn token_error(p: &Profile, e: SessionError) -> UiError {
    use crate::doctor::cluster;
    match cluster::explain(p, cluster::session_points_at_cluster(&e)) {
        Some(m) => m.into(),
        None => e.into(),
    }
}

pub(super) fn access_error(p: &Profile, e: crate::cdf::AccessError) -> UiError {
    use crate::doctor::cluster;
    match e {
        crate::cdf::AccessError::Session(s) => token_error(p, s),
        crate::cdf::AccessError::Cdf(c) => {
            match cluster::explain(p, cluster::cdf_points_at_cluster(&c)) {
                Some(m) => m.into(),
                None => crate::cdf::AccessError::Cdf(c).into(),
            }
        }
    }
}

impl From<AppError> for UiError {
    fn from(e: AppError) -> UiError {
        match e {
            AppError::Session(s) => s.into(),
            e => UiError {
                hint: e.remedy().as_ref().map(super::wording::remedy),
                ..UiError::plain(e.to_string())
            },
        }
    }
}

impl From<ProfileError> for UiError {
    fn from(e: ProfileError) -> UiError {
        UiError {
            hint: e.remedy().as_ref().map(super::wording::remedy),
            ..UiError::plain(e.to_string())
        }
    }
}

/// What a panic in a command says on screen.
pub fn internal_error(panic: &Box<dyn std::any::Any + Send>) -> UiError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    UiError {
        hint: Some(
            "this is a bug in cdf-signin; please report it, with what `cdf-signin --verbose` prints for the same steps"
                .into(),
        ),
        ..UiError::plain(format!("internal error: {what}"))
    }
}

//! cdf-signin: sign in to Cognite Data Fusion through Entra ID (or any OpenID provider)
//! and hand out access tokens to people and scripts, keeping secrets in the OS keyring.

pub mod auth;
pub mod cache;
pub mod cdf;
pub mod cli;
pub mod format;
pub mod fsutil;
pub mod paths;
pub mod profile;
pub mod provision;
pub mod runtime;
pub mod secrets;
pub mod session;
pub mod token;
pub mod ui;

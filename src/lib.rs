//! cdf-signin: sign in to Cognite Data Fusion through Entra ID (or any OpenID provider)
//! and hand out access tokens to people and scripts, keeping secrets in the OS keyring.
//!
//! The binary (`main.rs`), the integration tests and the window tests use the public
//! modules; everything else is internal, so the compiler reports what nothing uses.
//! The layers and what each may import: `docs/ARCHITECTURE.md`.

// No unsafe code in this crate: the crates it builds on hold what needs it.
#![forbid(unsafe_code)]

mod app;
pub mod auth;
mod autostart;
mod cache;
pub mod cdf;
pub mod cli;
pub mod clipboard;
mod doctor;
mod field;
mod format;
mod fsutil;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod instance;
pub mod paths;
pub mod profile;
mod remedy;
mod runtime;
pub mod secrets;
mod session;
pub mod token;
pub mod tray;
pub mod ui;
mod urls;
mod winpath;

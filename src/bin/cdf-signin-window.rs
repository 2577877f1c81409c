//! `cdf-signin-window.exe`: the same program as `cdf-signin`, linked for Windows' GUI
//! subsystem so that starting it (from the Start menu, with no arguments it opens the
//! window) opens no console window. The console `cdf-signin.exe` stays the one for
//! terminals: attaching a GUI-subsystem program to its parent's console needs Win32 calls
//! through `unsafe`, which this crate forbids. Built only with the `window-exe` feature
//! (packaging/windows/cargo.sh turns it on), so other platforms link one binary.
#![cfg_attr(windows, windows_subsystem = "windows")]
#![forbid(unsafe_code)]

#[path = "../main.rs"]
mod cli_main;

fn main() -> std::process::ExitCode {
    // No console: a failure before the window opens goes to a message box too.
    cli_main::NO_CONSOLE.store(true, std::sync::atomic::Ordering::Relaxed);
    cli_main::main()
}

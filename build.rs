//! Windows only: the icon and the version information (what Explorer's Properties and the
//! Start menu show) as a resource, compiled with mingw's `windres` and linked into both
//! executables. Other targets have nothing to do here.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/cdf-signin.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("version");
    let rc = out.join("cdf-signin.rc");
    std::fs::write(&rc, resource_script(&manifest, &version)).expect("write the .rc");
    let object = out.join("cdf-signin-resources.o");
    // WINDRES names another windres (a cross toolchain elsewhere on PATH).
    let windres =
        std::env::var("WINDRES").unwrap_or_else(|_| "x86_64-w64-mingw32-windres".to_string());
    let status = Command::new(&windres)
        .args(["--input-format=rc", "--output-format=coff", "-i"])
        .arg(&rc)
        .arg("-o")
        .arg(&object)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run {windres} (Debian: gcc-mingw-w64-x86-64 / binutils-mingw-w64): {e}")
        });
    assert!(status.success(), "{windres} failed on {}", rc.display());
    println!("cargo:rustc-link-arg-bins={}", object.display());
}

/// The icon (resource 1, which Explorer shows) and a VERSIONINFO block.
fn resource_script(manifest: &std::path::Path, version: &str) -> String {
    let icon = manifest.join("assets/cdf-signin.ico");
    let icon = icon.display().to_string().replace('\\', "/");
    let mut parts = version
        .split(['.', '-', '+'])
        .map(|p| p.parse::<u16>().unwrap_or(0));
    let [a, b, c] = [(); 3].map(|_| parts.next().unwrap_or(0));
    let publisher = publisher();
    format!(
        r#"#include <winver.h>
1 ICON "{icon}"
VS_VERSION_INFO VERSIONINFO
FILEVERSION {a},{b},{c},0
PRODUCTVERSION {a},{b},{c},0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "{publisher}"
      VALUE "FileDescription", "cdf-signin: sign-in assistant for Cognite Data Fusion"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "cdf-signin"
      VALUE "LegalCopyright", "Apache-2.0"
      VALUE "ProductName", "cdf-signin"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#
    )
}

/// Cargo.toml's first author without the e-mail address: the publisher Windows shows.
fn publisher() -> String {
    let authors = std::env::var("CARGO_PKG_AUTHORS").unwrap_or_default();
    let first = authors.split(':').next().unwrap_or_default();
    first
        .split('<')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

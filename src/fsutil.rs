//! Small file helpers: private directories, atomic replace, advisory locks, bounded
//! reads.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Size limits for the files cdf-signin reads. Each is far above what a real file of its
/// kind holds, and low enough that a wrong path (a disk image, `/dev/zero`) fails at once
/// instead of filling memory.
pub mod limits {
    /// `profiles.toml`: a profile is well under 1 KiB, so this is thousands of them.
    pub const PROFILES: u64 = 4 << 20;
    /// A token cache file: access, refresh and ID tokens are a few KiB each.
    pub const TOKEN_CACHE: u64 = 1 << 20;
    /// A cached OpenID discovery record: three URLs.
    pub const DISCOVERY: u64 = 1 << 20;
    /// A cognite-toolkit `.env`: a handful of variables.
    pub const ENV_FILE: u64 = 1 << 20;
    /// A PEM certificate, private key or CA bundle (the whole Mozilla bundle is ~220 KiB).
    pub const PEM: u64 = 1 << 20;
}

/// Reads all of `path`, or fails with `InvalidData` ("larger than 4 MiB") when it holds
/// more than `max_bytes`. Never reads more than `max_bytes + 1` bytes, so it is safe on
/// endless files and devices too.
pub fn read_bounded(path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {}", size_in_words(max_bytes)),
        ));
    }
    Ok(bytes)
}

/// [`read_bounded`] for a text file: `InvalidData` also when it is not UTF-8.
pub fn read_bounded_to_string(path: &Path, max_bytes: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, max_bytes)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// "4 MiB", "512 KiB", "100 bytes".
fn size_in_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Creates `dir` (and parents) readable by the owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes `dir` private if it is not: a config dir left group- or world-readable (made by
/// hand, or by an older tool) would expose what is written into it.
fn tighten_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::symlink_metadata(dir)?;
        if meta.is_dir() && meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Makes the file at `path` owner-only (0600), creating it empty when it is missing, so
/// that a writer that truncates it later (eframe's settings) keeps that mode. A symlink
/// is left alone.
pub fn keep_private(path: &Path) -> io::Result<()> {
    create_marker(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::symlink_metadata(path)?;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` so that readers see either the old or the new content, never
/// half a file: write a private temp file next to it, fsync, rename over, fsync the dir.
///
/// The temp file has a random name and is created exclusively (`O_EXCL`), so nothing
/// planted beforehand is used: not a symlink to follow, not a file with looser
/// permissions. It is mode 0600 whatever the umask.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, tmp) = written_temp(path, bytes, true)?;
    let result = fs::rename(&tmp, path);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    } else if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    result
}

/// Creates `path` empty and private (0600), unless something is there already: `true`
/// when this call made it. Exclusive (`O_EXCL`), so of two processes only one does.
pub fn create_marker(path: &Path) -> io::Result<bool> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    match private_options().open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path` only if nothing is there: a whole private file appears at
/// once (written to a temp file, fsynced, then hard-linked into place, which fails when
/// the name is taken), so a reader never sees half of it. `true` when this call wrote
/// it; `false` when another writer was first. (Only Linux's installation id uses it.)
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let (_, tmp) = written_temp(path, bytes, false)?;
    let result = match fs::hard_link(&tmp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    };
    let _ = fs::remove_file(&tmp);
    result
}

/// `bytes` in a new private temp file beside `path`, fsynced and closed; its directory
/// is made (and, with `tighten`, made private) first. Returns the directory and the temp
/// file, which the caller moves into place or removes.
fn written_temp<'p>(
    path: &'p Path,
    bytes: &[u8],
    tighten: bool,
) -> io::Result<(&'p Path, std::path::PathBuf)> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no parent"))?;
    create_private_dir(dir)?;
    if tighten {
        tighten_dir(dir)?;
    }
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let (tmp, mut file) = create_temp(dir, file_name)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    match written {
        Ok(()) => Ok((dir, tmp)),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// A new, private temp file in `dir` with an unguessable name.
fn create_temp(dir: &Path, file_name: &str) -> io::Result<(std::path::PathBuf, File)> {
    for _ in 0..8 {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let suffix = hex::encode(random);
        let tmp = dir.join(format!(".{file_name}.tmp.{suffix}"));
        match private_options().open(&tmp) {
            Ok(file) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    file.set_permissions(fs::Permissions::from_mode(0o600))?;
                }
                return Ok((tmp, file));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "cannot create a temporary file (names taken)",
    ))
}

fn private_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    // create_new: O_CREAT | O_EXCL, which also refuses an existing symlink.
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

/// An exclusive advisory lock on `path`, held until the guard is dropped. Blocks while
/// another process holds it.
pub struct FileLock {
    _file: File,
}

impl FileLock {
    pub fn acquire(path: &Path) -> io::Result<FileLock> {
        if let Some(dir) = path.parent() {
            create_private_dir(dir)?;
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // Private like everything else of ours, whatever the umask.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        file.lock()?;
        Ok(FileLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keep_private_tightens_or_creates_and_leaves_symlinks_alone() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
        let loose = dir.path().join("app.ron");
        fs::write(&loose, "(kept)").unwrap();
        fs::set_permissions(&loose, fs::Permissions::from_mode(0o644)).unwrap();
        keep_private(&loose).unwrap();
        assert_eq!(mode(&loose), 0o600);
        assert_eq!(fs::read_to_string(&loose).unwrap(), "(kept)");

        let missing = dir.path().join("sub/app.ron");
        keep_private(&missing).unwrap();
        assert_eq!(
            (mode(&missing), fs::read(&missing).unwrap().len()),
            (0o600, 0)
        );

        let target = dir.path().join("elsewhere");
        fs::write(&target, "x").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link.ron");
        symlink(&target, &link).unwrap();
        keep_private(&link).unwrap();
        assert_eq!(
            mode(&target),
            0o644,
            "a symlink's target is not ours to change"
        );
    }

    #[test]
    fn bounded_read_takes_files_up_to_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 6).unwrap(), b"12345", "under");
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345", "at");
        let over = read_bounded(&path, 4).unwrap_err();
        assert_eq!(over.kind(), io::ErrorKind::InvalidData);
        assert_eq!(over.to_string(), "larger than 4 bytes");
        assert_eq!(read_bounded_to_string(&path, 5).unwrap(), "12345");
        assert_eq!(
            read_bounded_to_string(&path, 4).unwrap_err().to_string(),
            "larger than 4 bytes"
        );
        fs::write(&path, b"").unwrap();
        assert!(read_bounded(&path, 0).unwrap().is_empty());
    }

    #[test]
    fn bounded_read_names_the_bound_and_passes_other_errors_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'x'; (1 << 20) + 1]).unwrap();
        let err = read_bounded(&path, limits::TOKEN_CACHE).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 MiB");
        assert_eq!(size_in_words(4 << 20), "4 MiB");
        assert_eq!(size_in_words(512 << 10), "512 KiB");
        assert_eq!(size_in_words(1000), "1000 bytes");
        let missing = read_bounded(&dir.path().join("none"), 10).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        fs::write(&path, [0xff, 0xfe]).unwrap();
        let not_text = read_bounded_to_string(&path, 10).unwrap_err();
        assert_eq!(not_text.kind(), io::ErrorKind::InvalidData);
    }

    #[cfg(unix)]
    #[test]
    fn bounded_read_stops_on_an_endless_device() {
        let err = read_bounded(Path::new("/dev/zero"), 1 << 10).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 KiB");
    }

    #[test]
    fn atomic_write_replaces_content_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/file.toml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp."))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn nothing_planted_next_to_the_file_is_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("conf");
        fs::create_dir(&conf).unwrap();
        fs::set_permissions(&conf, fs::Permissions::from_mode(0o755)).unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep me").unwrap();
        // The names the old writer used: .NAME.tmp.PID, a symlink and a loose file.
        let pid = std::process::id();
        std::os::unix::fs::symlink(&victim, conf.join(format!(".p.toml.tmp.{pid}"))).unwrap();
        let loose = conf.join(format!(".q.toml.tmp.{pid}"));
        fs::write(&loose, b"").unwrap();
        fs::set_permissions(&loose, fs::Permissions::from_mode(0o666)).unwrap();

        write_atomic(&conf.join("p.toml"), b"new").unwrap();
        write_atomic(&conf.join("q.toml"), b"new").unwrap();
        assert_eq!(
            fs::read(&victim).unwrap(),
            b"keep me",
            "the symlink was followed"
        );
        for f in ["p.toml", "q.toml"] {
            let mode = fs::metadata(conf.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
            assert_eq!(fs::read(conf.join(f)).unwrap(), b"new");
        }
        let mode = fs::metadata(&conf).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "a loose dir is made private");
    }

    /// Finding 9 of issue 13: lock files are 0600 like the files they guard.
    #[cfg(unix)]
    #[test]
    fn lock_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks/dev.lock");
        let lock = FileLock::acquire(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
        drop(lock);
    }
}

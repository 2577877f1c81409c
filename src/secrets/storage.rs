//! Which store keeps secrets: the one choice (`auto`, `keyring`, `kernel`, `file`) the
//! CLI and the window share, from `CDF_SIGNIN_STORAGE` or else the saved setting
//! (`settings.toml` in the config dir, which the window's Settings writes), and
//! [`open_store`], the one place that turns it into a store.

use std::path::Path;
use std::sync::Mutex;

use super::file_store::FileStore;
use super::{KeyringStore, Secret, SecretError, SecretKind, SecretStore, service_name};
use crate::fsutil;
use crate::paths::Paths;

/// The environment variable that chooses the storage (over the saved setting).
pub const STORAGE_ENV: &str = "CDF_SIGNIN_STORAGE";

const SETTINGS_FILE: &str = "settings.toml";

/// Where secrets (client secrets, API keys, the token cache's key) are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Storage {
    /// The OS keyring when one answers; else (Linux) the kernel persistent keyring.
    #[default]
    Auto,
    /// The OS keyring only.
    Keyring,
    /// The Linux kernel's persistent keyring only.
    Kernel,
    /// Plain files under the data dir (an explicit opt-in, never chosen by `auto`).
    File,
}

impl Storage {
    pub const ALL: [Storage; 4] = [
        Storage::Auto,
        Storage::Keyring,
        Storage::Kernel,
        Storage::File,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Storage::Auto => "auto",
            Storage::Keyring => "keyring",
            Storage::Kernel => "kernel",
            Storage::File => "file",
        }
    }

    /// Whether this platform has the store: the kernel keyring is Linux's alone.
    pub fn exists_here(self) -> bool {
        self != Storage::Kernel || cfg!(target_os = "linux")
    }

    /// The choices this platform offers (the window's Settings lists these).
    pub fn available() -> Vec<Storage> {
        Storage::ALL
            .into_iter()
            .filter(|s| s.exists_here())
            .collect()
    }

    pub fn parse(text: &str) -> Option<Storage> {
        Storage::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }

    fn parse_from(text: &str, source: &str) -> Result<Storage, SecretError> {
        let names = || {
            let names: Vec<&str> = Storage::available().iter().map(|s| s.as_str()).collect();
            let (last, rest) = names.split_last().expect("auto is everywhere");
            format!("{} or {last}", rest.join(", "))
        };
        match Storage::parse(text) {
            Some(s) if s.exists_here() => Ok(s),
            Some(s) => Err(SecretError::BadChoice(format!(
                "{source} '{}' is not available on this system (the kernel keyring is Linux's alone): use {}",
                s.as_str(),
                names()
            ))),
            None => Err(SecretError::BadChoice(format!(
                "invalid {source} '{}': use {}",
                text.escape_debug(),
                names()
            ))),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct SavedSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    storage: Option<String>,
}

/// The saved choice alone (the window's Settings shows it), `None` when there is none.
pub fn saved_choice(config_dir: &Path) -> Result<Option<Storage>, SecretError> {
    let path = config_dir.join(SETTINGS_FILE);
    let text = match fsutil::read_bounded_to_string(&path, 64 * 1024) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(SecretError::BadChoice(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let saved: SavedSettings = toml::from_str(&text).map_err(|e| {
        SecretError::BadChoice(format!(
            "{} is not a valid settings file: {}",
            path.display(),
            e.message()
        ))
    })?;
    let source = format!("storage in {}", path.display());
    saved
        .storage
        .map(|s| Storage::parse_from(&s, &source))
        .transpose()
}

/// Saves the choice for every later process (atomically; 0600).
pub fn save_choice(config_dir: &Path, storage: Storage) -> std::io::Result<()> {
    fsutil::create_private_dir(config_dir)?;
    let text = toml::to_string(&SavedSettings {
        storage: Some(storage.as_str().to_string()),
    })
    .map_err(std::io::Error::other)?;
    fsutil::write_atomic(&config_dir.join(SETTINGS_FILE), text.as_bytes())
}

/// The storage this process uses, and a warning when the saved setting could not be
/// followed. `$CDF_SIGNIN_STORAGE` is given for this process: a value it cannot use is
/// an error. The saved setting, else `auto`: a saved choice this platform lacks (a
/// profile folder carried over from Linux), or a settings file that cannot be read, never
/// stops the program; it runs with `auto` and says so in one line naming the setting and
/// how to change it.
pub fn chosen(config_dir: &Path) -> Result<(Storage, Option<String>), SecretError> {
    chosen_from(std::env::var(STORAGE_ENV).ok(), config_dir)
}

fn chosen_from(
    env: Option<String>,
    config_dir: &Path,
) -> Result<(Storage, Option<String>), SecretError> {
    if let Some(v) = env
        && !v.trim().is_empty()
    {
        return Ok((Storage::parse_from(&v, STORAGE_ENV)?, None));
    }
    let fix = format!(
        "automatic storage is used until another is chosen in the window's Settings or with {STORAGE_ENV}"
    );
    Ok(match saved_choice(config_dir) {
        Ok(saved) => (saved.unwrap_or_default(), None),
        Err(e) => (Storage::Auto, Some(format!("warning: {e}; {fix}"))),
    })
}

/// Why this process uses the storage it uses (`cdf-signin storage` says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceSource {
    /// `$CDF_SIGNIN_STORAGE`, with its value.
    Env(String),
    /// The saved setting, in this file.
    Setting(std::path::PathBuf),
    /// Nothing chose (or the saved setting could not be followed): automatic.
    Default,
}

/// The storage this process uses and why (see [`chosen`]).
pub fn chosen_with_source(config_dir: &Path) -> Result<(Storage, ChoiceSource), SecretError> {
    if let Some(v) = std::env::var(STORAGE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return Ok((Storage::parse_from(&v, STORAGE_ENV)?, ChoiceSource::Env(v)));
    }
    Ok(match saved_choice(config_dir) {
        Ok(Some(s)) => (s, ChoiceSource::Setting(config_dir.join(SETTINGS_FILE))),
        _ => (Storage::Auto, ChoiceSource::Default),
    })
}

/// Where the file storage keeps the entries of `service` (no file is touched).
pub fn file_dir(paths: &Paths, service: &str) -> std::path::PathBuf {
    FileStore::new(&paths.data_dir, service).dir().to_path_buf()
}

/// What keeping secrets in `storage` means, in one sentence for a confirmation (the
/// CLI's prompt and the window's dialog say the same). Touches nothing.
pub fn meaning(storage: Storage, file_dir: &Path) -> String {
    match storage {
        Storage::Auto if cfg!(target_os = "linux") => {
            "automatic: the OS keyring, or the kernel keyring where no OS keyring answers".into()
        }
        Storage::Auto => format!("automatic: the {}", super::OS_KEYRING),
        Storage::Keyring => format!("the {}: encrypted, kept across reboots", super::OS_KEYRING),
        Storage::Kernel => "the kernel keyring: memory only, lost at reboot (sign in again after one; client secrets and API keys must be entered again)".into(),
        Storage::File => format!(
            "plain files in {}: NOT encrypted, readable by anything that runs as you",
            file_dir.display()
        ),
    }
}

/// The store a process uses, which a move of the secrets replaces while it runs (the
/// window keeps one session for its life). Each call goes to the store in place then.
pub struct SwappableStore {
    inner: std::sync::RwLock<std::sync::Arc<dyn SecretStore>>,
}

impl SwappableStore {
    pub fn new(store: Box<dyn SecretStore>) -> SwappableStore {
        SwappableStore {
            inner: std::sync::RwLock::new(std::sync::Arc::from(store)),
        }
    }

    /// From now on every call goes to `store`.
    pub fn replace(&self, store: Box<dyn SecretStore>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        *inner = std::sync::Arc::from(store);
    }

    /// Runs `change` on the store in place while no other call of this process reaches
    /// it, and puts the store it returns in place. Calls under way finish first; calls
    /// made meanwhile wait and then go to the new store: a move of the secrets cannot
    /// miss a token key a sign-in writes while it copies. An error leaves the old store.
    pub fn swap_with<R, E>(
        &self,
        change: impl FnOnce(&dyn SecretStore) -> Result<(Box<dyn SecretStore>, R), E>,
    ) -> Result<R, E> {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let (store, result) = change(inner.as_ref())?;
        *inner = std::sync::Arc::from(store);
        Ok(result)
    }

    /// `call` on the store in place, which stays in place until the call returns.
    fn with<R>(&self, call: impl FnOnce(&dyn SecretStore) -> R) -> R {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        call(inner.as_ref())
    }
}

impl SecretStore for SwappableStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        self.with(|s| s.get(profile, kind))
    }
    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        self.with(|s| s.stored_names())
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        self.with(|s| s.set(profile, kind, value))
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        self.with(|s| s.delete(profile, kind))
    }
    fn describe(&self) -> String {
        self.with(|s| s.describe())
    }
    fn noun(&self) -> String {
        self.with(|s| s.noun())
    }
    fn writes_plain_text(&self) -> bool {
        self.with(|s| s.writes_plain_text())
    }
    fn reload(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        self.with(|s| s.reload(profile, kind))
    }
    fn probe(&self) -> Result<(), SecretError> {
        self.with(|s| s.probe())
    }
    fn fallback_note(&self) -> Option<String> {
        self.with(|s| s.fallback_note())
    }
}

/// The store of this process and what to tell the person about the choice.
pub struct Opened {
    pub store: Box<dyn SecretStore>,
    /// One `warning:` line: the saved choice was not followed (see [`chosen`]).
    pub warning: Option<String>,
}

/// The secret store of this process, as the environment and the saved setting choose.
/// Front ends call this, and only this, to get one.
pub fn open_store(paths: &Paths) -> Result<Opened, SecretError> {
    let (storage, warning) = chosen(&paths.config_dir)?;
    Ok(Opened {
        store: open(paths, storage, service_name())?,
        warning,
    })
}

/// The store `storage` names for the installation at `paths`, entries under `service`
/// (tests open the store a command used, to look inside).
pub fn open(
    paths: &Paths,
    storage: Storage,
    service: String,
) -> Result<Box<dyn SecretStore>, SecretError> {
    Ok(match storage {
        Storage::Keyring => Box::new(KeyringStore::for_installation(service, &paths.data_dir)),
        Storage::File => Box::new(FileStore::new(&paths.data_dir, &service)),
        Storage::Kernel => kernel(paths, &service)?,
        Storage::Auto => Box::new(AutoStore::new(paths, service)),
    })
}

/// Entries are named for the installation's random id, not its path: containers of one
/// uid with the same paths share the kernel's keyrings (see `installation`).
#[cfg(target_os = "linux")]
fn kernel_store(paths: &Paths, service: &str) -> super::kernel_store::KernelStore {
    let identity = super::installation::installation_id(&paths.data_dir).map_err(|e| {
        format!(
            "cannot keep the installation id in {}: {e}",
            paths.data_dir.display()
        )
    });
    super::kernel_store::KernelStore::open(identity, service)
}

#[cfg(target_os = "linux")]
fn kernel(paths: &Paths, service: &str) -> Result<Box<dyn SecretStore>, SecretError> {
    Ok(Box::new(kernel_store(paths, service)))
}

#[cfg(not(target_os = "linux"))]
fn kernel(_: &Paths, _: &str) -> Result<Box<dyn SecretStore>, SecretError> {
    Err(SecretError::NoStorage(format!(
        "{STORAGE_ENV}=kernel: the kernel keyring exists on Linux only"
    )))
}

/// Whether this is the installation's first sign-in that fell back from the OS keyring:
/// the note is said once, not at every login. A private marker file in the data dir,
/// made exclusively so that of two processes only one says it; a marker that cannot be
/// made (other than by existing already) leaves the note said.
pub fn first_fallback(data_dir: &Path) -> bool {
    fsutil::create_marker(&data_dir.join(".storage-fallback-noted")).unwrap_or(true)
}

/// Which store `auto` settled on.
enum Settled {
    Keyring,
    /// The kernel keyring, and why the OS keyring was passed over.
    Kernel(String),
}

/// `auto`: the OS keyring while it answers; on Linux, the kernel persistent keyring
/// once it does not (decided on first use, then kept for the process).
struct AutoStore {
    keyring: KeyringStore,
    /// Opened only when needed: a desktop run never touches the persistent keyring
    /// (getting it creates it and restarts its expiry).
    #[cfg(target_os = "linux")]
    kernel: std::sync::OnceLock<super::kernel_store::KernelStore>,
    #[cfg(target_os = "linux")]
    paths: Paths,
    settled: Mutex<Option<Settled>>,
}

impl AutoStore {
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn new(paths: &Paths, service: String) -> AutoStore {
        AutoStore {
            #[cfg(target_os = "linux")]
            kernel: std::sync::OnceLock::new(),
            #[cfg(target_os = "linux")]
            paths: paths.clone(),
            keyring: KeyringStore::for_installation(service, &paths.data_dir),
            settled: Mutex::new(None),
        }
    }

    #[cfg(target_os = "linux")]
    fn kernel(&self) -> &super::kernel_store::KernelStore {
        self.kernel
            .get_or_init(|| kernel_store(&self.paths, &self.keyring.service))
    }

    /// Runs `op` on the store `auto` chose, choosing on first use: the OS keyring unless
    /// it is unreachable (no bus, no Secret Service), then the kernel keyring.
    fn run<R>(
        &self,
        op: impl Fn(&dyn SecretStore) -> Result<R, SecretError>,
    ) -> Result<R, SecretError> {
        let mut settled = self
            .settled
            .lock()
            .map_err(|_| SecretError::Failed("storage choice poisoned".into()))?;
        #[cfg(target_os = "linux")]
        if settled.is_none() && !super::secret_service::bus_answers() {
            *settled = Some(Settled::Kernel("no D-Bus session bus".into()));
        }
        if let Some(Settled::Kernel(why)) = settled.as_ref() {
            return self.on_kernel(why, &op);
        }
        match op(&self.keyring) {
            Err(SecretError::Unavailable(why)) if cfg!(target_os = "linux") => {
                let result = self.on_kernel(&why, &op);
                *settled = Some(Settled::Kernel(why));
                result
            }
            other => {
                *settled = Some(Settled::Keyring);
                other
            }
        }
    }

    #[cfg(target_os = "linux")]
    fn on_kernel<R>(
        &self,
        why: &str,
        op: &impl Fn(&dyn SecretStore) -> Result<R, SecretError>,
    ) -> Result<R, SecretError> {
        let kernel = self.kernel();
        kernel.usable().map_err(|e| {
            SecretError::NoStorage(format!("no OS keyring is reachable ({why}) and {e}"))
        })?;
        op(kernel)
    }

    #[cfg(not(target_os = "linux"))]
    fn on_kernel<R>(
        &self,
        why: &str,
        _: &impl Fn(&dyn SecretStore) -> Result<R, SecretError>,
    ) -> Result<R, SecretError> {
        Err(SecretError::Unavailable(why.to_string()))
    }

    fn settled_on_kernel(&self) -> Option<String> {
        match self.settled.lock().ok()?.as_ref()? {
            Settled::Kernel(why) => Some(why.clone()),
            Settled::Keyring => None,
        }
    }
}

impl SecretStore for AutoStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        self.run(|s| s.get(profile, kind))
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<(), SecretError> {
        self.run(|s| s.set(profile, kind, value))
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), SecretError> {
        self.run(|s| s.delete(profile, kind))?;
        // An entry written while the OS keyring was away lives in the kernel keyring:
        // a sign-out or removal clears it there too.
        #[cfg(target_os = "linux")]
        if self.settled_on_kernel().is_none() && self.kernel().usable().is_ok() {
            let _ = self.kernel().delete(profile, kind);
        }
        Ok(())
    }

    fn reload(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        self.run(|s| s.reload(profile, kind))
    }

    fn stored_names(&self) -> Result<Vec<String>, SecretError> {
        self.run(|s| s.stored_names())
    }

    fn describe(&self) -> String {
        // Settles the choice the way a first read would (a connection, no prompt).
        if let Err(e) = self.run(|s| s.get(super::PROBE_PROFILE, SecretKind::CacheKey)) {
            return format!("none usable: {e}");
        }
        match self.settled_on_kernel() {
            #[cfg(target_os = "linux")]
            Some(_) => format!(
                "{} (auto: no OS keyring answered)",
                self.kernel().describe()
            ),
            _ => self.keyring.describe(),
        }
    }

    fn fallback_note(&self) -> Option<String> {
        let why = self.settled_on_kernel()?;
        Some(format!(
            "note: no OS keyring answered ({why}); secrets are kept in the kernel keyring: memory only, lost at reboot, and shared by every process of your user in this user namespace, containers included (set {STORAGE_ENV} to choose)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write made while a move holds the store waits, then lands in the new store:
    /// never in the old one, behind the copy.
    #[test]
    fn a_write_during_a_swap_waits_and_lands_in_the_new_store() {
        use crate::secrets::MemoryStore;
        let store = std::sync::Arc::new(SwappableStore::new(Box::new(MemoryStore::default())));
        let key = Secret::new("written during the move");
        let (started, wrote) = (std::sync::mpsc::channel(), std::sync::mpsc::channel());
        let writer = {
            let (store, key) = (store.clone(), key.clone());
            let (start, done) = (started.1, wrote.0);
            std::thread::spawn(move || {
                start.recv().unwrap();
                store.set("late", SecretKind::CacheKey, &key).unwrap();
                done.send(()).unwrap();
            })
        };
        store
            .swap_with(|old| {
                started.0.send(()).unwrap();
                let waited = wrote.1.recv_timeout(std::time::Duration::from_millis(300));
                assert!(waited.is_err(), "the write went through during the move");
                assert_eq!(old.get("late", SecretKind::CacheKey).unwrap(), None);
                Ok::<_, SecretError>((Box::new(MemoryStore::default()) as Box<dyn SecretStore>, ()))
            })
            .unwrap();
        writer.join().unwrap();
        assert_eq!(store.get("late", SecretKind::CacheKey).unwrap(), Some(key));
    }

    #[test]
    fn names_parse_and_anything_else_is_one_clear_error() {
        for s in Storage::ALL {
            assert_eq!(Storage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Storage::parse(" Kernel "), Some(Storage::Kernel));
        let e = Storage::parse_from("keyrnig", STORAGE_ENV).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid CDF_SIGNIN_STORAGE 'keyrnig': use auto, keyring, kernel or file"
        );
        assert_eq!(e.remedy(), crate::remedy::Remedy::ChooseStorage);
    }

    #[test]
    fn the_saved_choice_round_trips_and_a_bad_one_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        assert_eq!(saved_choice(&config).unwrap(), None);
        save_choice(&config, Storage::Kernel).unwrap();
        assert_eq!(saved_choice(&config).unwrap(), Some(Storage::Kernel));
        std::fs::write(config.join(SETTINGS_FILE), "storage = \"tape\"\n").unwrap();
        let e = saved_choice(&config).unwrap_err().to_string();
        assert!(e.contains("settings.toml") && e.contains("'tape'"), "{e}");
    }

    #[test]
    fn a_saved_choice_that_cannot_be_followed_falls_back_to_auto_with_one_warning() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        assert_eq!(chosen_from(None, &config).unwrap(), (Storage::Auto, None));
        save_choice(&config, Storage::File).unwrap();
        assert_eq!(chosen_from(None, &config).unwrap(), (Storage::File, None));
        // The environment is this process's explicit choice: it wins, and a bad one is an
        // error naming it.
        let env = Some("keyring".to_string());
        assert_eq!(chosen_from(env, &config).unwrap().0, Storage::Keyring);
        let e = chosen_from(Some("tape".into()), &config).unwrap_err();
        assert!(e.to_string().contains(STORAGE_ENV), "{e}");

        for text in ["storage = \"tape\"\n", "storage = [\n"] {
            std::fs::write(config.join(SETTINGS_FILE), text).unwrap();
            let (storage, warning) = chosen_from(None, &config).unwrap();
            assert_eq!(storage, Storage::Auto);
            let warning = warning.expect("a warning");
            assert!(warning.starts_with("warning: "), "{warning}");
            assert!(!warning.contains('\n'), "one line: {warning}");
            for part in [
                "settings.toml",
                "automatic storage",
                "Settings",
                STORAGE_ENV,
            ] {
                assert!(warning.contains(part), "{part} not in {warning}");
            }
        }
    }

    #[test]
    fn only_linux_offers_the_kernel_keyring() {
        let here = Storage::available();
        assert_eq!(
            here.contains(&Storage::Kernel),
            cfg!(target_os = "linux"),
            "{here:?}"
        );
        for s in [Storage::Auto, Storage::Keyring, Storage::File] {
            assert!(here.contains(&s));
        }
    }

    #[test]
    fn file_storage_is_opened_only_when_named() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let store = open(&paths, Storage::File, "svc".into()).unwrap();
        assert!(store.describe().starts_with("file storage: not encrypted"));
        let store = open(&paths, Storage::Keyring, "svc".into()).unwrap();
        assert!(store.describe().starts_with("OS keyring"));
    }
}

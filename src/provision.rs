//! Creating a profile together with its keyring entry, all or nothing: the secret goes
//! in first (if the keyring is unreachable, nothing has changed), and is taken out again
//! when the profile cannot be written.

use thiserror::Error;

use crate::profile::{Profile, ProfileError, ProfileStore};
use crate::secrets::{Secret, SecretError, SecretKind, SecretStore};

#[derive(Debug, Error)]
pub enum ProvisionError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Keyring(#[from] SecretError),
}

impl ProvisionError {
    pub fn remedy(&self) -> Option<crate::remedy::Remedy> {
        match self {
            ProvisionError::Profile(e) => e.remedy(),
            ProvisionError::Keyring(e) => Some(e.remedy()),
        }
    }
}

/// Adds `profile` as `name` with an optional secret. Returns whether it became the
/// default (the first profile does).
pub fn create(
    store: &ProfileStore,
    secrets: &dyn SecretStore,
    name: &str,
    profile: &Profile,
    secret: Option<(SecretKind, &Secret)>,
) -> Result<bool, ProvisionError> {
    crate::profile::validate_name(name)?;
    profile.validate()?;
    if store.load()?.profiles.contains_key(name) {
        return Err(ProfileError::Exists(name.to_string()).into());
    }
    if let Some((kind, value)) = secret {
        secrets.set(name, kind, value)?;
    }
    let written = store.update(|f| {
        if f.profiles.contains_key(name) {
            return Err(ProfileError::Exists(name.to_string()));
        }
        f.profiles.insert(name.to_string(), profile.clone());
        if f.default.is_none() {
            f.default = Some(name.to_string());
        }
        Ok(f.default.as_deref() == Some(name))
    });
    if written.is_err()
        && let Some((kind, _)) = secret
    {
        let _ = secrets.delete(name, kind);
    }
    Ok(written?)
}

/// Adds `name`: the profile `from` for another `project` (same sign-in), with a copy of
/// `from`'s stored secret. Returns whether a secret was copied and whether the new
/// profile became the default.
pub fn copy_for_project(
    store: &ProfileStore,
    secrets: &dyn SecretStore,
    from: &str,
    project: &str,
    name: &str,
) -> Result<(bool, bool), ProvisionError> {
    let source = store.load()?.get(from)?.clone();
    let profile = crate::cdf::profile_for_project(&source, project);
    let secret = secret_of(secrets, from, &source)?;
    let is_default = create(
        store,
        secrets,
        name,
        &profile,
        secret.as_ref().map(|(k, s)| (*k, s)),
    )?;
    Ok((secret.is_some(), is_default))
}

/// The keyring entry a new profile needs, copied from `from` (client secret or API key).
pub fn secret_of(
    secrets: &dyn SecretStore,
    from: &str,
    profile: &Profile,
) -> Result<Option<(SecretKind, Secret)>, SecretError> {
    use crate::profile::Flow;
    let kind = match profile.flow {
        Flow::ClientCredentials if !profile.uses_certificate() => SecretKind::ClientSecret,
        Flow::ApiKey => SecretKind::ApiKey,
        _ => return Ok(None),
    };
    Ok(secrets.get(from, kind)?.map(|s| (kind, s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Flow;
    use crate::secrets::MemoryStore;

    fn profile() -> Profile {
        toml::from_str(
            "cluster='api'\nproject='p'\ntenant_id='t'\nclient_id='c'\nflow='client-credentials'",
        )
        .unwrap()
    }

    #[test]
    fn creates_with_secret_and_first_becomes_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let secrets = MemoryStore::default();
        let s = Secret::new("s3cret");
        assert!(
            create(
                &store,
                &secrets,
                "a",
                &profile(),
                Some((SecretKind::ClientSecret, &s))
            )
            .unwrap()
        );
        assert!(!create(&store, &secrets, "b", &profile(), None).unwrap());
        assert_eq!(secrets.get("a", SecretKind::ClientSecret).unwrap(), Some(s));
        let copied = secret_of(&secrets, "a", &profile()).unwrap().unwrap();
        assert_eq!(copied.0, SecretKind::ClientSecret);
    }

    #[test]
    fn an_existing_name_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let secrets = MemoryStore::default();
        create(&store, &secrets, "a", &profile(), None).unwrap();
        let s = Secret::new("other");
        let err = create(
            &store,
            &secrets,
            "a",
            &profile(),
            Some((SecretKind::ClientSecret, &s)),
        );
        assert!(matches!(
            err,
            Err(ProvisionError::Profile(ProfileError::Exists(_)))
        ));
        assert_eq!(secrets.get("a", SecretKind::ClientSecret).unwrap(), None);
        let mut bad = profile();
        bad.flow = Flow::ApiKey;
        assert!(create(&store, &secrets, "c", &bad, None).is_err());
        assert_eq!(store.load().unwrap().profiles.len(), 1);
    }
}

//! The application layer once, for both front ends: profiles in a temporary directory,
//! secrets in a `MemoryStore`, a manual clock; no network, no window, no terminal.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::*;
use crate::field::Field;
use crate::paths::Paths;
use crate::profile::{Flow, Profile};
use crate::secrets::MemoryStore;
use crate::token::ManualClock;

struct Fixture {
    store: ProfileStore,
    session: Session,
    dir: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let rt = crate::runtime::build().unwrap();
        let session = Session::new(
            Paths::under(dir.path()),
            Box::new(MemoryStore::default()),
            Box::new(Arc::new(ManualClock::new(Utc::now()))),
            rt.handle().clone(),
        );
        Fixture {
            store: ProfileStore::new(&dir.path().join("config")),
            session,
            dir,
            _rt: rt,
        }
    }

    fn app(&self) -> Profiles<'_> {
        Profiles::new(&self.store, &self.session)
    }

    fn secret(&self, name: &str, kind: SecretKind) -> Option<String> {
        let s = self.session.secrets().get(name, kind).unwrap();
        s.map(|s| s.expose().to_string())
    }

    fn profile(&self, name: &str) -> Profile {
        self.store.load().unwrap().get(name).unwrap().clone()
    }

    fn write_env(&self, file: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn service(name: &str, secret: &str) -> ProfileDraft {
    ProfileDraft {
        name: name.into(),
        flow: Some(Flow::ClientCredentials),
        cluster: "westeurope-1".into(),
        project: "p".into(),
        tenant_id: "contoso.onmicrosoft.com".into(),
        client_id: "c".into(),
        secret: SecretInput::Store(Secret::new(secret)),
        ..ProfileDraft::default()
    }
}

fn problems(r: Result<Saved, AppError>) -> Vec<Problem> {
    match r {
        Err(AppError::Problems(p)) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures").join(name)
}

#[test]
fn the_rules_where_the_front_ends_disagreed() {
    let f = Fixture::new();
    // The tenant is optional with a token URL.
    let mut d = service("svc", "s3cret");
    d.tenant_id.clear();
    assert!(problems(f.app().create(&d)).contains(&Problem {
        field: Field::TenantId,
        kind: ProblemKind::Required,
    }));
    d.token_url = "https://idp.example.invalid/oauth2/token".into();
    let saved = f.app().create(&d).unwrap();
    assert!(saved.is_default, "the first profile becomes the default");
    assert_eq!(f.profile("svc").tenant_id, "");

    // A port outside the interactive flow is an error, not dropped.
    let mut d = service("svc2", "s");
    d.port = "8400".into();
    assert_eq!(
        problems(f.app().create(&d)),
        [Problem {
            field: Field::Port,
            kind: ProblemKind::NotForFlow,
        }]
    );

    // Certificate and key are kept as absolute paths.
    let mut d = service("cert", "");
    d.secret = SecretInput::Keep;
    d.certificate = Some(fixture_path("cert-client.pem"));
    d.private_key = Some(fixture_path("cert-client.key"));
    f.app().create(&d).unwrap();
    let p = f.profile("cert");
    let (c, k) = (p.certificate.unwrap(), p.private_key.unwrap());
    assert!(c.is_absolute() && k.is_absolute(), "{c:?} {k:?}");
    assert!(c.ends_with("tests/fixtures/cert-client.pem"));

    // A key that does not belong, and a file that is not there, are the fields' problems.
    let mut d = service("cert2", "");
    d.secret = SecretInput::Keep;
    d.certificate = Some(fixture_path("cert-client.pem"));
    d.private_key = Some(fixture_path("other.key"));
    let p = problems(f.app().create(&d));
    assert_eq!(p[0].field, Field::Certificate, "{p:?}");
    d.private_key = None;
    assert_eq!(
        problems(f.app().create(&d)),
        [Problem {
            field: Field::PrivateKey,
            kind: ProblemKind::Required,
        }],
        "the window asks for the key, not a flag"
    );
    d.private_key = Some(fixture_path("no-such.key"));
    let p = problems(f.app().create(&d));
    assert!(
        matches!(&p[0].kind, ProblemKind::Invalid(r) if r.contains("cannot find")),
        "{p:?}"
    );
    assert_eq!(
        f.store.load().unwrap().profiles.len(),
        2,
        "nothing else saved"
    );
}

#[test]
fn a_new_profile_needs_its_secret_and_never_takes_a_name() {
    let f = Fixture::new();
    let mut d = service("svc", "");
    d.secret = SecretInput::Keep;
    let p = problems(f.app().create(&d));
    assert!(only_the_secret_is_missing(&p), "{p:?}");
    f.app().create(&service("svc", "first")).unwrap();
    assert_eq!(f.secret("svc", SecretKind::ClientSecret).unwrap(), "first");
    let err = f.app().create(&service("svc", "second")).unwrap_err();
    assert!(
        matches!(err, AppError::Profile(ProfileError::Exists(_))),
        "{err}"
    );
    assert_eq!(
        f.secret("svc", SecretKind::ClientSecret).unwrap(),
        "first",
        "the existing profile's secret is untouched"
    );
    // A secret from a variable keeps nothing in the store.
    let mut d = service("env", "ignored");
    d.secret = SecretInput::Env("CDF_SECRET".into());
    f.app().create(&d).unwrap();
    assert_eq!(f.secret("env", SecretKind::ClientSecret), None);
    assert_eq!(
        f.profile("env").client_secret_env.as_deref(),
        Some("CDF_SECRET")
    );
}

#[test]
fn a_rename_carries_the_secret_and_the_default_and_drops_the_old_name() {
    let f = Fixture::new();
    f.app().create(&service("old", "s3cret")).unwrap();
    f.app().create(&service("other", "o")).unwrap();
    let tokens = Paths::under(f.dir.path()).token_dir();
    std::fs::create_dir_all(&tokens).unwrap();
    std::fs::write(tokens.join("old.tokens"), "sealed").unwrap();

    let mut d = ProfileDraft::of("old", &f.profile("old"));
    d.name = "new".into();
    d.project = "p2".into();
    let saved = f.app().save(&d).unwrap();
    assert_eq!(saved.renamed_from.as_deref(), Some("old"));
    let file = f.store.load().unwrap();
    assert_eq!(file.default.as_deref(), Some("new"));
    assert!(!file.has("old"));
    assert_eq!(f.profile("new").project, "p2");
    assert_eq!(f.secret("new", SecretKind::ClientSecret).unwrap(), "s3cret");
    assert_eq!(f.secret("old", SecretKind::ClientSecret), None);
    assert!(
        !tokens.join("old.tokens").exists(),
        "the old tokens are gone"
    );

    // A new secret replaces the stored one; a rename onto a taken name changes nothing.
    let mut d = ProfileDraft::of("new", &f.profile("new"));
    d.secret = SecretInput::Store(Secret::new("rotated"));
    f.app().save(&d).unwrap();
    assert_eq!(
        f.secret("new", SecretKind::ClientSecret).unwrap(),
        "rotated"
    );
    let before = std::fs::read(f.store.path()).unwrap();
    let mut d = ProfileDraft::of("new", &f.profile("new"));
    d.name = "other".into();
    let err = f.app().save(&d).unwrap_err();
    assert!(
        matches!(err, AppError::Profile(ProfileError::Exists(_))),
        "{err}"
    );
    assert_eq!(std::fs::read(f.store.path()).unwrap(), before);
    assert_eq!(f.secret("other", SecretKind::ClientSecret).unwrap(), "o");
}

const SERVICE_ENV: &str = "CDF_CLUSTER=westeurope-1\nCDF_PROJECT=svc-proj\nIDP_CLIENT_ID=svc\n\
    IDP_CLIENT_SECRET=s\nIDP_TENANT_ID=contoso.onmicrosoft.com\n";

#[test]
fn an_import_asks_about_endpoints_and_refuses_a_taken_name() {
    let f = Fixture::new();
    let unusual = f.write_env(
        "svc.env",
        &format!("{SERVICE_ENV}IDP_TOKEN_URL=https://tokens.example.invalid/oauth2/token\n"),
    );
    let outcome = f.app().import(ImportSource::File(&unusual), None, false);
    let Ok(ImportOutcome::Confirm { endpoints }) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(endpoints[0].contains("https://tokens.example.invalid/oauth2/token"));
    assert!(!f.store.path().exists(), "nothing saved before the answer");
    let outcome = f.app().import(ImportSource::File(&unusual), None, true);
    let Ok(ImportOutcome::Saved {
        saved,
        secret_stored,
        ..
    }) = outcome
    else {
        panic!("{outcome:?}");
    };
    assert_eq!((saved.name.as_str(), secret_stored), ("svc-proj", true));
    assert_eq!(f.secret("svc-proj", SecretKind::ClientSecret).unwrap(), "s");

    // The same project again: an error naming a free name, for both front ends.
    let vars = |k: &str| {
        SERVICE_ENV
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")).map(str::to_string))
    };
    let err = f
        .app()
        .import(ImportSource::Vars(&vars), None, true)
        .unwrap_err();
    let AppError::NameTaken { name, free } = &err else {
        panic!("{err}");
    };
    assert_eq!((name.as_str(), free.as_str()), ("svc-proj", "svc-proj-2"));
    assert!(err.to_string().contains("exists already"));
    let done = f.app().import(ImportSource::Vars(&vars), Some(free), false);
    assert!(matches!(done, Ok(ImportOutcome::Saved { .. })), "{done:?}");
    assert!(f.store.load().unwrap().has("svc-proj-2"));
}

#[test]
fn a_profile_for_another_project_copies_the_stored_secret_only() {
    let f = Fixture::new();
    f.app().create(&service("svc", "s3cret")).unwrap();
    let added = f.app().add_for_project("svc", "p", None).unwrap();
    // The project's own name is free: it is used; then the source's name goes first.
    assert_eq!(
        (added.saved.name.as_str(), added.copied_secret),
        ("p", true)
    );
    let added = f.app().add_for_project("svc", "p", None).unwrap();
    assert_eq!(added.saved.name, "svc-p");
    assert_eq!(
        f.secret("svc-p", SecretKind::ClientSecret).unwrap(),
        "s3cret"
    );
    let err = f
        .app()
        .add_for_project("svc", "p", Some("svc-p"))
        .unwrap_err();
    assert!(
        matches!(err, AppError::Profile(ProfileError::Exists(_))),
        "{err}"
    );

    // A secret read from a variable is not copied into the store.
    let mut d = service("env", "");
    d.secret = SecretInput::Env("CDF_SECRET".into());
    f.app().create(&d).unwrap();
    let added = f.app().add_for_project("env", "q", None).unwrap();
    assert!(!added.copied_secret);
    assert_eq!(
        f.profile("q").client_secret_env.as_deref(),
        Some("CDF_SECRET")
    );
}

#[test]
fn remove_default_and_set_secret() {
    let f = Fixture::new();
    f.app().create(&service("a", "sa")).unwrap();
    f.app().create(&service("b", "sb")).unwrap();
    f.app().set_default("b").unwrap();
    assert_eq!(f.store.load().unwrap().default.as_deref(), Some("b"));
    assert_eq!(
        f.app().set_secret("a", &Secret::new("new")).unwrap(),
        SecretKind::ClientSecret
    );
    assert_eq!(f.secret("a", SecretKind::ClientSecret).unwrap(), "new");
    f.app().remove("b").unwrap();
    let file = f.store.load().unwrap();
    assert_eq!((file.has("b"), file.default.as_deref()), (false, None));
    assert_eq!(f.secret("b", SecretKind::ClientSecret), None);
    assert!(matches!(
        f.app().remove("b"),
        Err(AppError::Profile(ProfileError::NotFound(_)))
    ));
    let mut d = service("person", "");
    d.flow = Some(Flow::DeviceCode);
    f.app().create(&d).unwrap();
    assert!(f.app().set_default("person").is_ok());
    // Everything at once, secrets included.
    let done = f.app().remove_all();
    assert!(done.failed.is_empty(), "{done:?}");
    let mut all = done.removed;
    all.sort();
    assert_eq!(all, ["a", "person"]);
    let file = f.store.load().unwrap();
    assert!(file.profiles.is_empty() && file.default.is_none());
    assert_eq!(f.secret("a", SecretKind::ClientSecret), None);
    assert_eq!(f.app().remove_all(), RemovedAll::default());
    f.app().create(&d).unwrap();
    assert!(matches!(
        f.app().set_secret("person", &Secret::new("x")),
        Err(AppError::NoStoredSecret(_))
    ));
}

#[test]
fn an_invalid_profile_can_be_fixed_or_removed_but_not_used() {
    let f = Fixture::new();
    f.app().create(&service("good", "s")).unwrap();
    let mut text = std::fs::read_to_string(f.store.path()).unwrap();
    text.push_str("\n[profiles.bad]\ncluster = 'api'\nproject = 'p'\nflow = 'device-code'\nclient_id = 'c'\ntenant_id = 't'\nauthority = 'http://idp.invalid'\n");
    text.push_str("\n[profiles.\"../../../escaped\"]\ncluster = 'api'\nproject = 'p'\nflow = 'device-code'\nclient_id = 'c'\ntenant_id = 't'\n");
    std::fs::write(f.store.path(), &text).unwrap();

    assert!(matches!(
        f.app().set_default("bad"),
        Err(AppError::Profile(ProfileError::Unusable { .. }))
    ));
    // Fixed in the editor: the draft of its fields, corrected, replaces it.
    let file = f.store.load().unwrap();
    let fields = &file.invalid["bad"].fields;
    let mut d = ProfileDraft::of("bad", &f.profile("good"));
    d.flow = Some(Flow::DeviceCode);
    d.tenant_id = fields["tenant_id"].as_str().unwrap().into();
    d.authority = "https://idp.example.invalid".into();
    d.secret = SecretInput::Keep;
    f.app().save(&d).unwrap();
    assert_eq!(
        f.profile("bad").authority.as_deref(),
        Some("https://idp.example.invalid")
    );
    // Removed: its table goes, and no path is made of its name.
    f.app().remove("../../../escaped").unwrap();
    let file = f.store.load().unwrap();
    assert!(file.invalid.is_empty() && file.has("good") && file.has("bad"));
}

/// Issue 24, finding 3: `remove_all` finds secrets by what the store holds, not only by
/// the profiles file, and a file that does not load is read for its headers.
#[test]
fn remove_all_finds_secrets_the_file_does_not_name() {
    let f = Fixture::new();
    for name in ["a", "b", "c"] {
        f.app().create(&service(name, &format!("s{name}"))).unwrap();
    }
    // `c` removed from the file by hand: its secret is left in the store.
    f.store
        .update(|file| {
            file.remove("c");
            Ok(())
        })
        .unwrap();
    // A hostile entry name in the store is never a path.
    f.session
        .secrets()
        .set("../../x", SecretKind::ClientSecret, &Secret::new("h"))
        .unwrap();
    let done = f.app().remove_all();
    assert_eq!(done.removed, ["a", "b"]);
    assert_eq!(done.leftovers, 1, "{done:?}");
    assert!(done.failed.is_empty(), "{done:?}");
    for name in ["a", "b", "c"] {
        assert_eq!(f.secret(name, SecretKind::ClientSecret), None, "{name}");
    }

    // A file that does not load.
    for name in ["d", "e"] {
        f.app().create(&service(name, "s")).unwrap();
    }
    let text = std::fs::read_to_string(f.store.path()).unwrap();
    std::fs::write(f.store.path(), format!("{text}\n= not toml [[\n")).unwrap();
    assert!(f.store.load().is_err());
    let done = f.app().remove_all();
    assert_eq!(done.removed, ["d", "e"]);
    assert!(done.failed.is_empty(), "{done:?}");
    assert_eq!(f.secret("d", SecretKind::ClientSecret), None);
    assert!(!f.store.path().exists(), "the unreadable file is gone");
}

/// What an organization's listing may not plant (issue 29, found by the fuzz target
/// `org_projects`): an `apiUrl` with a user name and password, a query or a fragment
/// gets no profile, and a skipped project's name and the reason that quotes its
/// `apiUrl` reach no message with a control character or a bidi override in them.
#[test]
fn an_organizations_listing_plants_no_userinfo_and_no_escapes() {
    use crate::cdf::orgs::{OrgProject, OrgSignIn};
    let f = Fixture::new();
    let request = OrgSignIn {
        org: "contoso".into(),
        ..OrgSignIn::default()
    };
    let set = crate::token::TokenSet {
        access_token: Secret::new("access"),
        token_type: "Bearer".into(),
        expires_at: Utc::now() + chrono::Duration::hours(1),
        refresh_token: Some(Secret::new("refresh")),
        id_token: None,
        scope: None,
    };
    let listed = |name: &str, api_url: &str| OrgProject {
        name: name.into(),
        api_url: api_url.into(),
        is_default: true,
    };
    let projects = [
        listed("userinfo", "https://me:secret@westeurope-1.cognitedata.com"),
        listed("query", "https://westeurope-1.cognitedata.com/?x=1"),
        listed("empty-query", "https://westeurope-1.cognitedata.com/?"),
        listed("fragment", "https://westeurope-1.cognitedata.com/#top"),
        listed(
            "\u{1b}]8;;https://evil\u{7}link\u{1b}]8;;\u{7}",
            "https://api.cognitedata.com",
        ),
        listed("bidi", "https://api\u{202e}\u{1b}[2J.cognitedata.com\n"),
        listed("ok", "https://westeurope-1.cognitedata.com/"),
    ];
    let out = f
        .app()
        .add_org_projects(&request, &set, projects.to_vec())
        .unwrap();
    let added: Vec<&str> = out.added.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(added, ["ok"]);
    assert_eq!(
        f.profile("ok").base_url.as_deref(),
        Some("https://westeurope-1.cognitedata.com")
    );
    assert_eq!(out.default.as_deref(), Some("ok"));
    let skipped: Vec<&str> = out.skipped.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "userinfo",
            "query",
            "empty-query",
            "fragment",
            "\\u{1b}]8;;https://evil\\u{7}link\\u{1b}]8;;\\u{7}",
            "bidi"
        ]
    );
    for (project, why) in &out.skipped {
        for text in [project, why] {
            assert!(
                !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{text:?}"
            );
        }
    }
    assert!(!out.skipped[0].1.contains("secret"), "{}", out.skipped[0].1);
}

/// Issue 26: one description of the flows. Every field the flow does not take is named,
/// every problem at once; the window's editor leaves out (and names) exactly what the
/// command line refuses.
#[test]
fn the_flow_description_drives_refusals_and_what_the_editor_leaves_out() {
    let f = Fixture::new();
    let mut d = service("dc", "");
    d.flow = Some(Flow::DeviceCode);
    d.secret = SecretInput::Keep;
    d.login_hint = "a@b.c".into();
    d.prompt = Some(crate::profile::Prompt::Login);
    d.certificate = Some(fixture_path("cert-client.pem"));
    d.private_key = Some(fixture_path("cert-client.key"));
    d.org = Some("contoso".into());
    let refused = problems(f.app().create(&d));
    let not_for_flow: Vec<Field> = refused
        .iter()
        .filter(|p| p.kind == ProblemKind::NotForFlow)
        .map(|p| p.field)
        .collect();
    assert_eq!(
        not_for_flow,
        [
            Field::Org,
            Field::LoginHint,
            Field::Prompt,
            Field::Certificate,
            Field::PrivateKey
        ],
        "{refused:?}"
    );
    // The editor's way: named, then left out; what is left passes the same check.
    assert_eq!(d.unused(), not_for_flow);
    let mut left = d.clone();
    assert_eq!(left.leave_out_unused(), not_for_flow);
    assert!(left.unused().is_empty());
    let saved = f.app().create(&left).unwrap();
    let p = f.profile(&saved.name);
    assert_eq!(
        (p.login_hint, p.prompt, p.certificate, p.org),
        (None, None, None, None)
    );

    // An API key takes nothing of an identity provider.
    let mut key = service("key", "k");
    key.flow = Some(Flow::ApiKey);
    key.audience = "aud".into();
    let unused = key.unused();
    assert_eq!(
        unused,
        [Field::TenantId, Field::ClientId, Field::Audience],
        "{unused:?}"
    );
}

/// `Profile::validate` names every problem, each with its field, on one line.
#[test]
fn validation_returns_every_problem_each_naming_its_field() {
    let mut p = Profile::new("westeurope-1", "my project", Flow::DeviceCode);
    p.tenant_id = "contoso onmicrosoft".into();
    p.client_id = "c".into();
    p.login_hint = Some("a@b.c".into());
    p.certificate = Some("/c.pem".into());
    let problems = p.problems();
    let fields: Vec<Field> = problems.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [
            Field::Project,
            Field::LoginHint,
            Field::Certificate,
            Field::TenantId,
            Field::PrivateKey
        ],
        "{problems:?}"
    );
    let line = p.validate().unwrap_err().to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(
        line.starts_with("invalid project: 'my project' is not a CDF project name; ")
            && line.contains("invalid login hint: a login hint applies to the interactive flow only, not to device-code")
            && line.contains("invalid private key: give both a certificate and its private key"),
        "{line}"
    );
}

/// The flags of `profile add` and `profile edit` go into a draft the same way.
#[test]
fn changes_apply_to_a_new_and_an_existing_draft_alike() {
    let changes = DraftChanges {
        flow: Some(Flow::ClientCredentials),
        cluster: Some("westeurope-1".into()),
        project: Some("p".into()),
        tenant_id: Some("t".into()),
        client_id: Some("c".into()),
        certificate: Some(("/c.pem".into(), "/k.pem".into())),
        scopes: Some(vec!["s".into()]),
        ..DraftChanges::default()
    };
    let mut new = ProfileDraft::default();
    new.apply(changes.clone());
    assert_eq!(new.certificate, Some("/c.pem".into()));
    assert_eq!(new.private_key, Some("/k.pem".into()));
    assert_eq!(
        new.stored_secret_kind(),
        None,
        "a certificate: no stored secret"
    );
    // Unset clears the pair, and then a secret is kept in the store.
    new.apply(DraftChanges {
        unset: vec![Field::Certificate, Field::Scopes],
        ..DraftChanges::default()
    });
    assert_eq!((&new.certificate, &new.private_key), (&None, &None));
    assert!(new.scopes.is_empty());
    assert_eq!(new.stored_secret_kind(), Some(SecretKind::ClientSecret));
    new.apply(DraftChanges {
        secret: Some(SecretInput::Env("CDF_SECRET".into())),
        ..DraftChanges::default()
    });
    assert_eq!(new.stored_secret_kind(), None, "read from a variable");
    new.apply(DraftChanges {
        unset: vec![Field::ClientSecretEnv],
        ..DraftChanges::default()
    });
    assert_eq!(new.secret, SecretInput::Keep);
}

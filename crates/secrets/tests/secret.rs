//! The keychain-free parts: redaction, non-serializability, fingerprints, references, session memory, errors.

use neuroflow_secrets::{Secret, SecretBackend, SecretError, SecretRef, SecretSlot, SecretStore};
use static_assertions::{assert_impl_all, assert_not_impl_any};
use uuid::Uuid;

// A Secret cannot end up in an IPC response, a log record or an export by accident: none of
// these compile with a Secret in them. (Rust has no negative bounds in ordinary code; these
// macros make the build fail if someone adds such an impl.)
assert_not_impl_any!(Secret: serde::Serialize, serde::de::DeserializeOwned, std::fmt::LowerHex, std::ops::Deref, AsRef<str>, AsRef<[u8]>);
assert_impl_all!(Secret: Send, Sync, Clone, std::fmt::Debug, std::fmt::Display);
assert_impl_all!(SecretStore: Send, Sync, Clone);

const CANARY: &str = "canary-7f3a9c1e-do-not-print";

fn org() -> Uuid {
    Uuid::now_v7()
}

#[test]
fn debug_and_display_redact_the_value() {
    let secret = Secret::new(CANARY);
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert_eq!(format!("{secret}"), "Secret(***)");
    assert_eq!(format!("{secret:#?}"), "Secret(***)");
    let nested = Some(vec![secret.clone()]);
    assert!(!format!("{nested:?}").contains(CANARY));
    assert_eq!(secret.expose(), CANARY);
}

#[test]
fn fingerprint_is_domain_separated_sha256_prefix_and_stable() {
    // Independently computed: sha256(b"neuroflow-studio/secret-fingerprint/v1\0" + value)[:16].
    assert_eq!(
        Secret::new("xoxb-1234-abcdef").fingerprint(),
        "88d116b15d2ed2e8"
    );
    assert_eq!(Secret::new("").fingerprint(), "a925ba19ef72ee03");
    let a = Secret::new(CANARY);
    assert_eq!(a.fingerprint(), Secret::new(CANARY).fingerprint());
    assert_ne!(
        a.fingerprint(),
        Secret::new(format!("{CANARY}x")).fingerprint()
    );
    assert_eq!(a.fingerprint().len(), 16);
    assert!(!a.fingerprint().contains("canary"));
}

#[test]
fn integration_ref_round_trips_through_its_text() {
    let org = org();
    let integration = Uuid::now_v7();
    let reference = SecretRef::integration(org, integration);
    let text = reference.to_string();
    assert_eq!(
        text,
        format!("keychain:org/{org}/integration/{integration}")
    );
    assert_eq!(text.parse::<SecretRef>(), Ok(reference.clone()));
    assert_eq!(
        reference.keychain_account(),
        format!("org:{org}:integration:{integration}")
    );
    assert_eq!(reference.organization_id(), org);
    assert_eq!(
        reference.slot(),
        &SecretSlot::Integration {
            integration_id: integration
        }
    );
}

#[test]
fn team_postgres_ref_round_trips_through_its_text() {
    let org = org();
    let role = format!("nf_{}", Uuid::now_v7().simple());
    let reference = SecretRef::team_postgres(org, &role).expect("valid role");
    let text = reference.to_string();
    assert_eq!(text, format!("keychain:org/{org}/postgres/{role}"));
    assert_eq!(text.parse::<SecretRef>(), Ok(reference.clone()));
    assert_eq!(
        reference.keychain_account(),
        format!("org:{org}:postgres:{role}")
    );
}

#[test]
fn malformed_refs_are_rejected_without_echoing_the_input() {
    let org = org();
    let id = Uuid::now_v7();
    let upper = id.to_string().to_uppercase();
    let bad = [
        String::new(),
        CANARY.to_owned(),
        format!("file:org/{org}/integration/{id}"),
        format!("keychain:org/{org}/integration"),
        format!("keychain:org/{org}/integration/{id}/extra"),
        format!("keychain:orgs/{org}/integration/{id}"),
        format!("keychain:org/{org}/oauth/{id}"),
        format!("keychain:org/{org}/integration/{upper}"),
        format!("keychain:org/{org}/integration/{}", id.simple()),
        format!("keychain:org/not-a-uuid/integration/{id}"),
        format!("keychain:org/{org}/postgres/"),
        format!("keychain:org/{org}/postgres/1role"),
        format!("keychain:org/{org}/postgres/nf:x"),
        format!("keychain:org/{org}/postgres/{}", "r".repeat(64)),
        format!("keychain:org/{org}/postgres/{CANARY}"),
    ];
    for text in bad {
        let err = text
            .parse::<SecretRef>()
            .expect_err(&format!("{text:?} must not parse"));
        assert!(matches!(err, SecretError::InvalidReference { .. }));
        assert!(!err.to_string().contains(CANARY), "{err}");
        assert!(!format!("{err:?}").contains(CANARY), "{err:?}");
    }
    assert!(SecretRef::team_postgres(org, "nf_ok_1").is_ok());
    assert!(SecretRef::team_postgres(org, "nf/../x").is_err());
}

#[test]
fn session_memory_round_trip_overwrite_delete() {
    let store = SecretStore::session_memory();
    assert_eq!(store.backend(), SecretBackend::SessionMemory);
    assert_eq!(store.keychain_service(), None);
    let reference = SecretRef::integration(org(), Uuid::now_v7());
    assert!(store.get(&reference).expect("get").is_none());
    store.put(&reference, &Secret::new("first")).expect("put");
    // A clone is the same store (the app hands clones to its commands).
    let clone = store.clone();
    assert_eq!(
        clone
            .get(&reference)
            .expect("get")
            .expect("present")
            .expose(),
        "first"
    );
    store
        .put(&reference, &Secret::new("second"))
        .expect("overwrite");
    assert_eq!(
        store
            .get(&reference)
            .expect("get")
            .expect("present")
            .expose(),
        "second"
    );
    store.delete(&reference).expect("delete");
    assert!(store.get(&reference).expect("get").is_none());
    store.delete(&reference).expect("deleting again is fine");
}

#[test]
fn session_memory_keeps_organizations_apart() {
    let store = SecretStore::session_memory();
    let integration = Uuid::now_v7();
    let first = SecretRef::integration(org(), integration);
    let second = SecretRef::integration(org(), integration);
    store.put(&first, &Secret::new("one")).expect("put");
    store.put(&second, &Secret::new("two")).expect("put");
    assert_eq!(
        store.get(&first).expect("get").expect("present").expose(),
        "one"
    );
    assert_eq!(
        store.get(&second).expect("get").expect("present").expose(),
        "two"
    );
    store.delete(&first).expect("delete");
    assert_eq!(
        store.get(&second).expect("get").expect("present").expose(),
        "two"
    );
}

#[test]
fn session_memory_debug_shows_no_values() {
    let store = SecretStore::session_memory();
    store
        .put(
            &SecretRef::integration(org(), Uuid::now_v7()),
            &Secret::new(CANARY),
        )
        .expect("put");
    let debug = format!("{store:?}");
    assert!(!debug.contains(CANARY), "{debug}");
    assert!(debug.contains("entries: 1"), "{debug}");
}

#[tokio::test]
async fn session_memory_async_wrappers() {
    let store = SecretStore::session_memory();
    let reference = SecretRef::integration(org(), Uuid::now_v7());
    store
        .put_async(reference.clone(), Secret::new("async"))
        .await
        .expect("put");
    let read = store.get_async(reference.clone()).await.expect("get");
    assert_eq!(read.expect("present").expose(), "async");
    store.delete_async(reference.clone()).await.expect("delete");
    assert!(store.get_async(reference).await.expect("get").is_none());
}

#[test]
fn keychain_unusable_errors_are_told_apart() {
    let unavailable = SecretError::KeychainUnavailable {
        reason: "no bus".into(),
    };
    assert!(unavailable.is_keychain_unusable());
    assert_eq!(
        unavailable.to_string(),
        "the OS keychain is unavailable: no bus"
    );
    assert!(!SecretError::InvalidReference { why: "x".into() }.is_keychain_unusable());
}

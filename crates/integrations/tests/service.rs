//! The integration service over a real SQLite store and the real OS keychain: status transitions, edits that keep or replace secrets, deletion removing the keychain entry, a device lacking the secret, validation, and the no-keychain path.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use neuroflow_integrations::{
    CredentialsInput, HttpAuthKind, IntegrationDraft, IntegrationError, SecretInput,
    SlackCredentialsInput,
};
use neuroflow_model::entities::Integration;
use neuroflow_model::IntegrationStatus;
use neuroflow_store::StoreError;

#[tokio::test(flavor = "multi_thread")]
async fn test_moves_status_through_testing_to_connected_or_error() {
    let fx = Fixture::new(keychain()).await;
    // The stand-in looks at the row while the request waits for its answer.
    let seen_during_request = Arc::new(Mutex::new(Vec::new()));
    let seen = seen_during_request.clone();
    let store = fx.store.clone();
    let org = fx.actor.organization_id;
    let healthy = Arc::new(Mutex::new(true));
    let healthy_now = healthy.clone();
    let slack = StandIn::start_async(move |request| {
        let store = store.clone();
        let seen = seen.clone();
        let healthy = *healthy_now.lock().expect("flag");
        async move {
            let rows: Vec<Integration> = store
                .list(&neuroflow_store::ListQuery::in_org(org))
                .await
                .expect("list during request");
            seen.lock()
                .expect("seen")
                .extend(rows.iter().map(|r| r.status));
            assert_eq!(request.header("authorization"), Some("Bearer xoxb-status"));
            if healthy {
                Reply::json(200, serde_json::json!({"ok": true, "team": "Acme"}))
            } else {
                Reply::json(
                    200,
                    serde_json::json!({"ok": false, "error": "token_revoked"}),
                )
            }
        }
    })
    .await;
    let created = fx
        .create(slack_draft(
            "Status",
            &slack.url("/api"),
            Some("xoxb-status"),
        ))
        .await;
    assert_eq!(created.status, IntegrationStatus::Disconnected);
    assert_eq!(created.last_tested, None);

    let connected = fx.service().test(created.id).await.expect("test");
    assert_eq!(connected.status, IntegrationStatus::Connected);
    assert_eq!(
        *seen_during_request.lock().expect("seen"),
        [IntegrationStatus::Testing]
    );

    *healthy.lock().expect("flag") = false;
    let failed = fx.service().test(created.id).await.expect("test");
    assert_eq!(failed.status, IntegrationStatus::Error);
    assert!(failed
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("token_revoked")));
    assert!(failed.last_tested >= connected.last_tested);

    *healthy.lock().expect("flag") = true;
    let again = fx.service().test(created.id).await.expect("test");
    assert_eq!(again.status, IntegrationStatus::Connected);
    assert_eq!(again.last_error, None, "a success clears the last error");
    assert_eq!(
        *seen_during_request.lock().expect("seen"),
        [IntegrationStatus::Testing; 3]
    );

    // Renaming keeps the status; changing settings means "not tested since".
    let mut draft = slack_draft("Status renamed", &slack.url("/api"), None);
    draft.credentials = None;
    let renamed = fx
        .service()
        .update(created.id, draft)
        .await
        .expect("rename");
    assert_eq!(renamed.status, IntegrationStatus::Connected);
    let moved = fx
        .service()
        .update(
            created.id,
            slack_draft("Status renamed", &slack.url("/api/v2"), None),
        )
        .await
        .expect("new base URL");
    assert_eq!(moved.status, IntegrationStatus::Disconnected);
    assert_eq!(moved.last_error, None);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_without_re_entering_secrets_keeps_them() {
    let fx = Fixture::new(keychain()).await;
    let api = StandIn::start(|_| Reply::status(200)).await;
    let created = fx
        .create(IntegrationDraft {
            name: "CRM".into(),
            settings: http_settings(&api.url(""), HttpAuthKind::Bearer),
            credentials: http_credentials(Some("tok-original"), None, None),
        })
        .await;
    let fingerprint = fx.row(created.id).await.credential_fingerprint;
    assert!(fingerprint.is_some());

    // Empty and absent credential fields both keep what is saved.
    for credentials in [None, http_credentials(Some("  "), None, None)] {
        fx.service()
            .update(
                created.id,
                IntegrationDraft {
                    name: "CRM (prod)".into(),
                    settings: http_settings(&api.url(""), HttpAuthKind::Bearer),
                    credentials,
                },
            )
            .await
            .expect("edit");
        assert_eq!(fx.row(created.id).await.credential_fingerprint, fingerprint);
        assert_eq!(
            fx.keychain_entry(created.id).expect("entry")["fields"]["bearerToken"],
            "tok-original"
        );
    }
    fx.service().test(created.id).await.expect("test");
    assert_eq!(
        api.requests()[0].header("authorization"),
        Some("Bearer tok-original")
    );

    // A new value replaces it, and the fingerprint follows.
    let replaced = fx
        .service()
        .update(
            created.id,
            IntegrationDraft {
                name: "CRM (prod)".into(),
                settings: http_settings(&api.url(""), HttpAuthKind::Bearer),
                credentials: http_credentials(Some("tok-rotated"), None, None),
            },
        )
        .await
        .expect("rotate");
    assert_ne!(fx.row(created.id).await.credential_fingerprint, fingerprint);
    assert_eq!(replaced.status, IntegrationStatus::Disconnected);

    // Switching to basic auth drops the bearer token and needs a password.
    let err = fx
        .service()
        .update(
            created.id,
            IntegrationDraft {
                name: "CRM (prod)".into(),
                settings: http_settings(&api.url(""), HttpAuthKind::Basic),
                credentials: None,
            },
        )
        .await
        .expect_err("no password");
    assert_eq!(err.to_string(), "enter the password");
    fx.service()
        .update(
            created.id,
            IntegrationDraft {
                name: "CRM (prod)".into(),
                settings: http_settings(&api.url(""), HttpAuthKind::Basic),
                credentials: http_credentials(Some("ignored"), Some("hunter22"), None),
            },
        )
        .await
        .expect("basic");
    assert_eq!(
        fx.keychain_entry(created.id).expect("entry")["fields"],
        serde_json::json!({"password": "hunter22"})
    );

    // No auth at all: the keychain entry goes, and so does the reference.
    let open = fx
        .service()
        .update(
            created.id,
            IntegrationDraft {
                name: "CRM (prod)".into(),
                settings: http_settings(&api.url(""), HttpAuthKind::None),
                credentials: None,
            },
        )
        .await
        .expect("no auth");
    assert!(!open.has_credentials);
    assert!(fx.keychain_entry(created.id).is_none());
    let row = fx.row(created.id).await;
    assert_eq!(
        (row.credential_ref, row.credential_fingerprint),
        (None, None)
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_row_keeps_a_reference_and_fingerprint_never_the_secret() {
    let fx = Fixture::new(keychain()).await;
    let created = fx
        .create(slack_draft(
            "Ref",
            "https://slack.example.com/api",
            Some("xoxb-row"),
        ))
        .await;
    let row = fx.row(created.id).await;
    assert_eq!(
        row.credential_ref.as_deref(),
        Some(fx.reference(created.id).to_string().as_str())
    );
    let secret = fx
        .secrets
        .get(&fx.reference(created.id))
        .expect("read")
        .expect("entry");
    assert_eq!(row.credential_fingerprint, Some(secret.fingerprint()));
    assert_eq!(
        row.config,
        serde_json::json!({"provider": "SLACK", "apiBaseUrl": "https://slack.example.com/api", "defaultChannel": "#alerts"})
    );
    let json = serde_json::to_string(&row).expect("row json");
    assert!(!json.contains("xoxb-row"), "{json}");
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_removes_the_keychain_entry_and_tombstones_the_row() {
    let fx = Fixture::new(keychain()).await;
    let created = fx
        .create(slack_draft(
            "Doomed",
            "https://slack.example.com/api",
            Some("xoxb-doomed"),
        ))
        .await;
    assert!(fx.keychain_entry(created.id).is_some());
    fx.service().delete(created.id).await.expect("delete");
    assert!(
        fx.keychain_entry(created.id).is_none(),
        "keychain entry left behind"
    );
    assert!(fx.service().list().await.expect("list").is_empty());
    let err = fx.service().get(created.id).await.expect_err("gone");
    assert!(
        matches!(err, IntegrationError::Store(StoreError::NotFound { .. })),
        "{err:?}"
    );
    let tombstoned: Vec<Integration> = fx
        .store
        .list(&neuroflow_store::ListQuery {
            include_deleted: true,
            ..neuroflow_store::ListQuery::in_org(fx.actor.organization_id)
        })
        .await
        .expect("list with tombstones");
    assert!(tombstoned
        .iter()
        .any(|r| r.id == created.id && r.deleted_at.is_some()));
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_without_the_secret_says_so_plainly() {
    let fx = Fixture::new(keychain()).await;
    let slack = StandIn::start(|_| Reply::json(200, serde_json::json!({"ok": true}))).await;
    let created = fx
        .create(slack_draft(
            "Synced",
            &slack.url("/api"),
            Some("xoxb-elsewhere"),
        ))
        .await;
    // As on another device: the row (with its fingerprint) arrived, the keychain entry did not.
    fx.secrets
        .delete(&fx.reference(created.id))
        .expect("delete entry");

    let listed = fx.service().list().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].has_credentials);
    assert!(!listed[0].credentials_on_this_device);

    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Error);
    assert_eq!(
        tested.last_error.as_deref(),
        Some("this device's keychain has no saved credentials for this integration (they were saved on another device, or kept in memory for an earlier session only): edit it and enter them again")
    );
    assert!(
        slack.requests().is_empty(),
        "nothing is sent without credentials"
    );

    // An edit that enters nothing changes nothing…
    let kept = fx
        .service()
        .update(
            created.id,
            IntegrationDraft {
                credentials: Some(CredentialsInput::Slack(SlackCredentialsInput {
                    bot_token: Some(SecretInput::new("")),
                })),
                ..slack_draft("Synced", &slack.url("/api"), None)
            },
        )
        .await;
    assert!(!kept.expect("edit").credentials_on_this_device);
    // …and entering the token again restores it.
    let restored = fx
        .service()
        .update(
            created.id,
            slack_draft("Synced", &slack.url("/api"), Some("xoxb-again")),
        )
        .await
        .expect("re-enter");
    assert!(restored.credentials_on_this_device);
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Connected);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_drafts_create_nothing() {
    let fx = Fixture::new(keychain()).await;
    let cases: Vec<(IntegrationDraft, &str)> = vec![
        (
            slack_draft("No token", "https://slack.example.com/api", None),
            "enter the Slack bot token (xoxb-…)",
        ),
        (
            slack_draft("  ", "https://slack.example.com/api", Some("xoxb-1")),
            "integration name must not be empty",
        ),
        (
            slack_draft("Plain http", "http://slack.example.com/api", Some("xoxb-1")),
            "the Slack API base URL must use https://",
        ),
        (
            gmail_draft(
                "Half OAuth",
                GmailDraft {
                    api_base: "https://gmail.example.com",
                    token_endpoint: "https://oauth.example.com/token",
                    email: None,
                    access_token: None,
                    refresh_token: Some("1//r"),
                    client_secret: None,
                },
            ),
            "enter the OAuth client secret",
        ),
        (
            IntegrationDraft {
                credentials: Some(CredentialsInput::Slack(SlackCredentialsInput {
                    bot_token: Some(SecretInput::new("xoxb-1")),
                })),
                ..webhook_draft("Mixed", "https://hooks.example.com/x", None)
            },
            "the credentials entered are for Slack, but the integration is webhook",
        ),
    ];
    for (draft, expected) in cases {
        let err = fx.service().create(draft).await.expect_err(expected);
        assert!(matches!(err, IntegrationError::Invalid(_)), "{err:?}");
        assert!(err.to_string().starts_with(expected), "{err} ≠ {expected}");
    }
    assert!(fx.service().list().await.expect("list").is_empty());

    let created = fx
        .create(webhook_draft("Hook", "https://hooks.example.com/x", None))
        .await;
    let err = fx
        .service()
        .update(
            created.id,
            slack_draft("Hook", "https://slack.example.com/api", Some("xoxb-1")),
        )
        .await
        .expect_err("provider change");
    assert!(err.to_string().contains("stays one"), "{err}");
    fx.close().await;
}

/// "No keychain" cannot be arranged on the developer's keychain: the scenario re-runs this
/// binary in a child process whose D-Bus session bus does not exist.
#[cfg(target_os = "linux")]
mod no_keychain {
    use std::process::Command;

    use super::*;
    use neuroflow_integrations::{KeychainState, KeychainStatusView};
    use neuroflow_secrets::SecretStore;

    const CHILD_ENV: &str = "NEUROFLOW_INTEGRATIONS_TEST_CHILD";
    const DONE: &str = "NEUROFLOW-INTEGRATIONS-NO-KEYCHAIN-DONE";

    #[tokio::test(flavor = "multi_thread")]
    async fn child_without_keychain() {
        if std::env::var_os(CHILD_ENV).is_none() {
            return;
        }
        let keychain = SecretStore::keychain_with_service(TEST_SERVICE);
        let status = keychain.probe_async().await;
        let view = KeychainStatusView::new(&status, keychain.backend());
        assert_eq!(view.state, KeychainState::Unavailable, "{view:?}");
        assert!(!view.session_memory);
        assert!(
            view.message.contains("memory for this session only"),
            "{view:?}"
        );

        let fx = Fixture::new(keychain).await;
        let receiver = StandIn::start(|_| Reply::status(200)).await;
        let err = fx
            .service()
            .create(webhook_draft(
                "Signed",
                &receiver.url("/h"),
                Some("whsec-nowhere"),
            ))
            .await
            .expect_err("no keychain to save in");
        assert!(err.is_keychain_unusable(), "{err:?}");
        assert!(
            err.to_string().starts_with(
                "the credentials could not be saved: the OS keychain is unavailable: "
            ),
            "{err}"
        );
        assert!(!err.to_string().contains("whsec-nowhere"));
        assert!(
            fx.service().list().await.expect("list").is_empty(),
            "no row without its secret"
        );

        // Without secrets nothing needs the keychain.
        let unsigned = fx
            .create(webhook_draft("Unsigned", &receiver.url("/h"), None))
            .await;
        assert!(!unsigned.has_credentials);

        // After the user's consent: session memory, for this process only.
        let memory = SecretStore::session_memory();
        let view = KeychainStatusView::new(&status, memory.backend());
        assert!(view.session_memory, "{view:?}");
        let fx_memory = Fixture::in_dir(memory, &fx.dir.join("memory")).await;
        let signed = fx_memory
            .create(webhook_draft(
                "Signed",
                &receiver.url("/h"),
                Some("whsec-memory"),
            ))
            .await;
        assert!(signed.has_credentials && signed.credentials_on_this_device);
        let tested = fx_memory.service().test(signed.id).await.expect("test");
        assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");
        assert!(receiver.requests()[0]
            .header("x-neuroflow-signature")
            .is_some_and(|s| s.starts_with("sha256=")));
        fx_memory.service().delete(signed.id).await.expect("delete");
        assert!(fx_memory.keychain_entry(signed.id).is_none());
        fx_memory.close().await;
        fx.close().await;
        println!("{DONE}");
    }

    #[test]
    fn create_fails_plainly_without_a_keychain_and_session_memory_works() {
        let output = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "no_keychain::child_without_keychain",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("run child");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains(DONE),
            "child failed ({}):\n{stdout}\n{stderr}",
            output.status
        );
    }
}

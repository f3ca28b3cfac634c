//! Connection tests against stand-in servers speaking Slack's, Gmail's (with Google's token endpoint), webhook and plain HTTP protocols: auth headers, signatures, bodies, and what each failure says.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::Utc;
use common::*;
use hmac::{Hmac, Mac};
use neuroflow_integrations::HttpAuthKind;
use neuroflow_integrations::IntegrationDraft;
use neuroflow_model::IntegrationStatus;
use sha2::Sha256;

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("hmac key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

// ---------------------------------------------------------------- Slack

#[tokio::test(flavor = "multi_thread")]
async fn slack_auth_test_posts_the_bot_token_and_records_scopes() {
    let fx = Fixture::new(keychain()).await;
    let slack = StandIn::start(|_| {
        Reply::json(
            200,
            serde_json::json!({"ok": true, "team": "Acme", "user": "neuroflow", "team_id": "T1"}),
        )
        .with_header("x-oauth-scopes", "chat:write,channels:read")
    })
    .await;
    let created = fx
        .create(slack_draft(
            "Acme Slack",
            &slack.url("/api"),
            Some("xoxb-1-good"),
        ))
        .await;
    assert_eq!(created.status, IntegrationStatus::Disconnected);
    assert!(created.has_credentials && created.credentials_on_this_device);

    let tested = fx.service().test(created.id).await.expect("test");
    let request = slack.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/api/auth.test");
    assert_eq!(request.header("authorization"), Some("Bearer xoxb-1-good"));
    assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");
    assert_eq!(tested.last_error, None);
    assert!(tested
        .last_tested
        .is_some_and(|t| (Utc::now() - t).num_seconds() < 60));
    assert_eq!(tested.scopes, vec!["chat:write", "channels:read"]);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slack_invalid_auth_in_a_200_answer_is_rejected_credentials() {
    let fx = Fixture::new(keychain()).await;
    let slack = StandIn::start(|_| {
        Reply::json(
            200,
            serde_json::json!({"ok": false, "error": "invalid_auth"}),
        )
    })
    .await;
    let created = fx
        .create(slack_draft(
            "Bad token",
            &slack.url("/api"),
            Some("xoxb-bad"),
        ))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Error);
    let error = tested.last_error.expect("last error");
    assert!(
        error.starts_with("Slack: the credentials were rejected (invalid_auth"),
        "{error}"
    );
    assert!(!error.contains("xoxb-bad"), "{error}");
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_server_failures_and_network_errors_read_clearly() {
    let fx = Fixture::new(keychain()).await;
    let cases: [(Reply, &str); 3] = [
        (
            Reply::status(429).with_header("Retry-After", "30"),
            "Slack: too many requests (HTTP 429); retry after 30 s (Retry-After)",
        ),
        (
            Reply::status(503),
            "Slack: the service failed (HTTP 503); try again later",
        ),
        (
            Reply::status(403),
            "Slack: the credentials were rejected (HTTP 403)",
        ),
    ];
    for (reply, expected) in cases {
        let slack = StandIn::start(move |_| reply.clone()).await;
        let created = fx
            .create(slack_draft("Failing", &slack.url("/api"), Some("xoxb-x")))
            .await;
        let tested = fx.service().test(created.id).await.expect("test");
        assert_eq!(tested.status, IntegrationStatus::Error);
        assert_eq!(tested.last_error.as_deref(), Some(expected));
    }

    let port = closed_port().await;
    let created = fx
        .create(slack_draft(
            "Nobody home",
            &format!("http://127.0.0.1:{port}/api"),
            Some("xoxb-x"),
        ))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    let error = tested.last_error.expect("network error");
    assert!(
        error.starts_with(&format!("Slack: could not connect to 127.0.0.1:{port} (")),
        "{error}"
    );
    assert!(
        !error.contains('\n') && !error.contains("http://"),
        "{error}"
    );
    fx.close().await;
}

// ---------------------------------------------------------------- Gmail

#[tokio::test(flavor = "multi_thread")]
async fn gmail_reads_the_profile_with_the_access_token() {
    let fx = Fixture::new(keychain()).await;
    let google = StandIn::start(|_| {
        Reply::json(
            200,
            serde_json::json!({"emailAddress": "ops@example.com", "messagesTotal": 3}),
        )
    })
    .await;
    let created = fx
        .create(gmail_draft(
            "Ops mailbox",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: Some("Ops@Example.com"),
                access_token: Some("ya29.valid"),
                refresh_token: None,
                client_secret: None,
            },
        ))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    let request = google.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/gmail/v1/users/me/profile");
    assert_eq!(request.header("authorization"), Some("Bearer ya29.valid"));
    assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gmail_refreshes_on_401_saves_the_new_token_and_retries_once() {
    let fx = Fixture::new(keychain()).await;
    let google = StandIn::start(|request| match request.target.as_str() {
        "/token" => Reply::json(
            200,
            serde_json::json!({
                "access_token": "ya29.fresh",
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly",
                "token_type": "Bearer",
            }),
        ),
        _ if request.header("authorization") == Some("Bearer ya29.fresh") => Reply::json(
            200,
            serde_json::json!({"emailAddress": "ops@example.com"}),
        ),
        _ => Reply::json(401, serde_json::json!({"error": {"code": 401, "status": "UNAUTHENTICATED"}})),
    })
    .await;
    let created = fx
        .create(gmail_draft(
            "Ops mailbox",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: None,
                access_token: Some("ya29.expired"),
                refresh_token: Some("1//refresh"),
                client_secret: Some("GOCSPX-secret"),
            },
        ))
        .await;
    let fingerprint_before = fx.row(created.id).await.credential_fingerprint;

    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");

    let requests = google.requests();
    let trail: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            ("GET", "/gmail/v1/users/me/profile"),
            ("POST", "/token"),
            ("GET", "/gmail/v1/users/me/profile"),
        ]
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer ya29.expired")
    );
    let refresh = &requests[1];
    assert_eq!(
        refresh.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        refresh.form_value("grant_type").as_deref(),
        Some("refresh_token")
    );
    assert_eq!(
        refresh.form_value("client_id").as_deref(),
        Some("client-123.apps.googleusercontent.com")
    );
    assert_eq!(
        refresh.form_value("client_secret").as_deref(),
        Some("GOCSPX-secret")
    );
    assert_eq!(
        refresh.form_value("refresh_token").as_deref(),
        Some("1//refresh")
    );
    assert_eq!(
        requests[2].header("authorization"),
        Some("Bearer ya29.fresh")
    );

    // The new token is in the keychain, the other secrets kept; the row follows its fingerprint.
    let entry = fx.keychain_entry(created.id).expect("keychain entry");
    assert_eq!(entry["fields"]["accessToken"], "ya29.fresh");
    assert_eq!(entry["fields"]["refreshToken"], "1//refresh");
    assert_eq!(entry["fields"]["clientSecret"], "GOCSPX-secret");
    let row = fx.row(created.id).await;
    assert_ne!(row.credential_fingerprint, fingerprint_before);
    let secret = fx
        .secrets
        .get(&fx.reference(created.id))
        .expect("read")
        .expect("entry");
    assert_eq!(row.credential_fingerprint, Some(secret.fingerprint()));
    let expires_in = (row.credential_expires_at.expect("expiry") - Utc::now()).num_seconds();
    assert!((3500..=3600).contains(&expires_in), "{expires_in}");
    assert_eq!(tested.scopes.len(), 2);

    // The next test uses the saved token straight away.
    let again = fx.service().test(created.id).await.expect("test again");
    assert_eq!(again.status, IntegrationStatus::Connected);
    assert_eq!(google.requests().len(), 4);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gmail_refresh_refused_and_mailbox_mismatch_are_errors() {
    let fx = Fixture::new(keychain()).await;
    let google = StandIn::start(|request| match request.target.as_str() {
        "/token" => Reply::json(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        ),
        _ => Reply::status(401),
    })
    .await;
    let created = fx
        .create(gmail_draft(
            "Revoked",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: None,
                access_token: None,
                refresh_token: Some("1//revoked"),
                client_secret: Some("GOCSPX-x"),
            },
        ))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Error);
    assert_eq!(
        tested.last_error.as_deref(),
        Some("Google's token endpoint: the credentials were rejected (invalid_grant: Token has been expired or revoked — reconnect the account and save new tokens)")
    );
    // With no access token saved, the refresh came first.
    assert_eq!(google.only_request().target, "/token");

    let other = StandIn::start(|_| {
        Reply::json(200, serde_json::json!({"emailAddress": "someone@else.com"}))
    })
    .await;
    let mismatch = fx
        .create(gmail_draft(
            "Wrong mailbox",
            GmailDraft {
                api_base: &other.url(""),
                token_endpoint: &other.url("/token"),
                email: Some("ops@example.com"),
                access_token: Some("ya29.x"),
                refresh_token: None,
                client_secret: None,
            },
        ))
        .await;
    let tested = fx.service().test(mismatch.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Error);
    assert!(
        tested
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("belong to someone@else.com, not to ops@example.com")),
        "{tested:?}"
    );
    fx.close().await;
}

// ---------------------------------------------------------------- webhook

#[tokio::test(flavor = "multi_thread")]
async fn webhook_ping_is_signed_with_hmac_sha256_of_the_raw_body() {
    let fx = Fixture::new(keychain()).await;
    let receiver = StandIn::start(|_| Reply::status(204)).await;
    let created = fx
        .create(webhook_draft(
            "Signed hook",
            &receiver.url("/hooks/neuroflow?source=test"),
            Some("whsec-shared"),
        ))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");

    let request = receiver.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/hooks/neuroflow?source=test");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-neuroflow-event"), Some("ping"));
    let expected = format!("sha256={}", hmac_hex("whsec-shared", &request.body));
    assert_eq!(
        request.header("x-neuroflow-signature"),
        Some(expected.as_str())
    );
    let body = request.json();
    assert_eq!(body["event"], "ping");
    assert_eq!(body["data"]["integrationId"], created.id.to_string());
    let timestamp = request
        .header("x-neuroflow-timestamp")
        .expect("timestamp header");
    assert_eq!(body["timestamp"].to_string(), timestamp);
    assert!((Utc::now().timestamp() - body["timestamp"].as_i64().expect("number")).abs() < 60);
    assert!(!request.body_text().contains("whsec-shared"));
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_without_a_secret_is_unsigned_and_needs_no_keychain_entry() {
    let fx = Fixture::new(keychain()).await;
    let receiver = StandIn::start(|_| Reply::status(200)).await;
    let created = fx
        .create(webhook_draft("Plain hook", &receiver.url("/h"), None))
        .await;
    assert!(!created.has_credentials && !created.credentials_on_this_device);
    assert_eq!(fx.row(created.id).await.credential_ref, None);
    assert!(fx.keychain_entry(created.id).is_none());
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(tested.status, IntegrationStatus::Connected);
    assert_eq!(
        receiver.only_request().header("x-neuroflow-signature"),
        None
    );

    let failing = StandIn::start(|_| Reply::status(500)).await;
    let created = fx
        .create(webhook_draft("Broken receiver", &failing.url("/h"), None))
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    assert_eq!(
        tested.last_error.as_deref(),
        Some("The webhook endpoint: the service failed (HTTP 500); try again later")
    );
    fx.close().await;
}

// ---------------------------------------------------------------- HTTP

#[tokio::test(flavor = "multi_thread")]
async fn http_requests_carry_bearer_basic_or_api_key_auth() {
    let fx = Fixture::new(keychain()).await;
    let api = StandIn::start(|_| Reply::json(200, serde_json::json!({"status": "ok"}))).await;
    let cases = [
        (
            HttpAuthKind::Bearer,
            http_credentials(Some("tok-123"), None, None),
            ("authorization", "Bearer tok-123".to_owned()),
        ),
        (
            HttpAuthKind::Basic,
            http_credentials(None, Some("pa:ss"), None),
            // base64("robot:pa:ss")
            ("authorization", "Basic cm9ib3Q6cGE6c3M=".to_owned()),
        ),
        (
            HttpAuthKind::ApiKey,
            http_credentials(None, None, Some("key-xyz")),
            ("x-api-key", "key-xyz".to_owned()),
        ),
    ];
    for (index, (auth, credentials, (header, value))) in cases.into_iter().enumerate() {
        let created = fx
            .create(IntegrationDraft {
                name: format!("API {auth:?}"),
                settings: http_settings(&api.url("/v1/"), auth),
                credentials,
            })
            .await;
        let tested = fx.service().test(created.id).await.expect("test");
        assert_eq!(tested.status, IntegrationStatus::Connected, "{tested:?}");
        let request = &api.requests()[index];
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/v1/health");
        assert_eq!(request.header(header), Some(value.as_str()), "{auth:?}");
    }
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_wrong_path_and_redirects_fail_without_following() {
    let fx = Fixture::new(keychain()).await;
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = StandIn::start(move |_| {
        hits.fetch_add(1, Ordering::SeqCst);
        Reply::status(200)
    })
    .await;
    let location = elsewhere.url("/steal");
    let api = StandIn::start(move |request| match request.target.as_str() {
        "/v1/health" => Reply::status(302).with_header("Location", &location),
        _ => Reply::status(404),
    })
    .await;
    let created = fx
        .create(IntegrationDraft {
            name: "Redirecting".into(),
            settings: http_settings(&api.url("/v1"), HttpAuthKind::ApiKey),
            credentials: http_credentials(None, None, Some("key-never-elsewhere")),
        })
        .await;
    let tested = fx.service().test(created.id).await.expect("test");
    let error = tested.last_error.expect("error");
    assert!(
        error.starts_with("The HTTP service: answered with a redirect (HTTP 302) to 127.0.0.1"),
        "{error}"
    );
    assert_eq!(elsewhere_hits.load(Ordering::SeqCst), 0);

    let wrong_path = fx
        .create(IntegrationDraft {
            name: "Wrong path".into(),
            settings: http_settings(&api.url("/v2"), HttpAuthKind::None),
            credentials: None,
        })
        .await;
    let tested = fx.service().test(wrong_path.id).await.expect("test");
    assert_eq!(
        tested.last_error.as_deref(),
        Some("The HTTP service: nothing was found at that address (HTTP 404); check the base URL and path")
    );
    fx.close().await;
}

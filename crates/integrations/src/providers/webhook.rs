//! Outgoing webhooks: a JSON POST, signed with `X-NeuroFlow-Signature: sha256=<hex HMAC-SHA256 of the raw body>` when a signing secret is set.
//!
//! The receiver recomputes the HMAC over the exact bytes it received with the shared secret
//! and compares. `X-NeuroFlow-Timestamp` (Unix seconds) is also inside the signed body as
//! `timestamp`, so a receiver can reject replays without trusting an unsigned header.

use chrono::Utc;
use hmac::{Hmac, Mac};
use neuroflow_secrets::Secret;
use reqwest::header::CONTENT_TYPE;
use sha2::Sha256;
use uuid::Uuid;

use super::{check_status, send, ProviderError, ProviderHttp};

const SERVICE: &str = "The webhook endpoint";
pub const SIGNATURE_HEADER: &str = "X-NeuroFlow-Signature";
pub const TIMESTAMP_HEADER: &str = "X-NeuroFlow-Timestamp";
pub const EVENT_HEADER: &str = "X-NeuroFlow-Event";

/// `sha256=<lowercase hex of HMAC-SHA256(secret, body)>`.
pub fn signature(signing_secret: &Secret, body: &[u8]) -> Result<String, ProviderError> {
    // HMAC takes keys of any length (longer ones are hashed first); the Result is the
    // generic key-init API's, for MACs that do not.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_secret.expose().as_bytes())
        .map_err(|_| ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail: "the signing secret cannot be used as an HMAC key".to_owned(),
        })?;
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Sends webhook events to one URL.
#[derive(Debug, Clone)]
pub struct WebhookClient {
    http: ProviderHttp,
    url: String,
}

impl WebhookClient {
    pub fn new(http: ProviderHttp, url: &str) -> Self {
        WebhookClient {
            http,
            url: url.to_owned(),
        }
    }

    /// POSTs `{"event": event, "timestamp": <unix s>, "data": data}` and expects a 2xx.
    pub async fn deliver(
        &self,
        event: &str,
        data: serde_json::Value,
        signing_secret: Option<&Secret>,
    ) -> Result<(), ProviderError> {
        let timestamp = Utc::now().timestamp();
        let body = serde_json::to_vec(&serde_json::json!({
            "event": event,
            "timestamp": timestamp,
            "data": data,
        }))
        .map_err(|_| ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail: "the event could not be encoded as JSON".to_owned(),
        })?;
        let mut request = self
            .http
            .client()
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, event)
            .header(TIMESTAMP_HEADER, timestamp.to_string());
        if let Some(secret) = signing_secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, &body)?);
        }
        let response = send(SERVICE, request.body(body)).await?;
        check_status(SERVICE, &response, None)
    }

    /// The connection test: a `ping` event naming the integration.
    pub async fn ping(
        &self,
        integration_id: Uuid,
        signing_secret: Option<&Secret>,
    ) -> Result<(), ProviderError> {
        self.deliver(
            "ping",
            serde_json::json!({
                "integrationId": integration_id,
                "message": "NeuroFlow Studio connection test",
            }),
            signing_secret,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature(&Secret::new("Jefe"), b"what do ya want for nothing?").expect("hmac"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

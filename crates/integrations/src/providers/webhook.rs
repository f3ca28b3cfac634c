//! Outgoing webhooks: a JSON POST, signed with `X-NeuroFlow-Signature: sha256=<hex HMAC-SHA256 of the raw body>` when a signing secret is set.
//!
//! The receiver recomputes the HMAC over the exact bytes it received with the shared secret
//! and compares. Events (the connection test's `ping`) carry `X-NeuroFlow-Timestamp` (Unix
//! seconds) also inside the signed body as `timestamp`, so a receiver can reject replays
//! without trusting an unsigned header. A workflow node's POST sends the item (or its
//! templated body) as it is, for receivers that expect their own format: its signature
//! covers that body only.

use chrono::Utc;
use hmac::{Hmac, Mac};
use neuroflow_secrets::Secret;
use reqwest::header::CONTENT_TYPE;
use sha2::Sha256;
use uuid::Uuid;

use super::{body_value, check_status, read_body_capped, send, ProviderError, ProviderHttp};

const SERVICE: &str = "The webhook endpoint";
pub const SIGNATURE_HEADER: &str = "X-NeuroFlow-Signature";
pub const TIMESTAMP_HEADER: &str = "X-NeuroFlow-Timestamp";
pub const EVENT_HEADER: &str = "X-NeuroFlow-Event";
/// The event name of a workflow node's POST.
pub const WORKFLOW_EVENT: &str = "workflow.item";
/// How much of a receiver's answer a workflow node reads.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// What the receiver answered a workflow node's POST.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookAnswer {
    pub status: u16,
    /// Parsed JSON when the answer is JSON, its text otherwise, `null` when empty.
    pub body: serde_json::Value,
}

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
        let body = encode(&serde_json::json!({
            "event": event,
            "timestamp": timestamp,
            "data": data,
        }))?;
        let response = self.post(event, timestamp, body, signing_secret).await?;
        check_status(SERVICE, &response, None)
    }

    /// A workflow node's POST: `body` exactly as given, signed when there is a secret. A
    /// status outside 2xx is an error that says whether a retry can help.
    pub async fn post_item(
        &self,
        body: &serde_json::Value,
        signing_secret: Option<&Secret>,
    ) -> Result<WebhookAnswer, ProviderError> {
        let response = self
            .post(
                WORKFLOW_EVENT,
                Utc::now().timestamp(),
                encode(body)?,
                signing_secret,
            )
            .await?;
        check_status(SERVICE, &response, None)?;
        let status = response.status().as_u16();
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
        let bytes = read_body_capped(SERVICE, response, MAX_ANSWER_BYTES).await?;
        Ok(WebhookAnswer {
            status,
            body: body_value(&bytes, is_json),
        })
    }

    async fn post(
        &self,
        event: &str,
        timestamp: i64,
        body: Vec<u8>,
        signing_secret: Option<&Secret>,
    ) -> Result<reqwest::Response, ProviderError> {
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
        send(SERVICE, request.body(body)).await
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

fn encode(value: &serde_json::Value) -> Result<Vec<u8>, ProviderError> {
    serde_json::to_vec(value).map_err(|_| ProviderError::Setup {
        service: SERVICE.to_owned(),
        detail: "the body could not be encoded as JSON".to_owned(),
    })
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

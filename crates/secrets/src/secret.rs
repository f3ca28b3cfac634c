//! The secret value: redacted in every format, wiped from memory on drop, and not serializable.

use std::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Separates these fingerprints from any other SHA-256 of the same value (a fingerprint
/// computed elsewhere over the raw token must not match ours). Changing it changes every
/// stored fingerprint: bump the version instead.
const FINGERPRINT_DOMAIN: &[u8] = b"neuroflow-studio/secret-fingerprint/v1\0";

/// Hex digits kept from the digest: 64 bits tell two secrets apart, and the fewer bits the
/// database holds, the less it says about the value.
const FINGERPRINT_HEX_LEN: usize = 16;

/// A credential value (token, password, signing key).
///
/// `Debug` and `Display` print `Secret(***)`. There is deliberately no `serde::Serialize`
/// (this crate does not depend on serde at all), so a `Secret` inside an IPC response, a log
/// record or an export fails to compile instead of leaking; `tests/secret.rs` asserts it.
/// The only way to the value is [`Secret::expose`], which is easy to grep for.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself, for the one place that sends it (an HTTP header, a Postgres login).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// First 16 hex digits of SHA-256(domain prefix ‖ value).
    ///
    /// Stored next to the [`crate::SecretRef`] so a device can tell "this device lacks the
    /// secret" or "this device holds a different one" without the database holding it. It is
    /// an unsalted hash: fine for random tokens, but a guessable password could be tested
    /// against it offline, so secrets that people choose should be long or generated.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_DOMAIN)
            .chain_update(self.0.as_bytes())
            .finalize();
        let mut hex = String::with_capacity(FINGERPRINT_HEX_LEN);
        for byte in digest.iter().take(FINGERPRINT_HEX_LEN / 2) {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

//! The OS keychain through `keyring` (Secret Service, macOS Keychain, Windows Credential Manager) and what its failures mean to a user.

use crate::{Secret, SecretError, SecretRef};

// keyring falls back to a mock store that keeps nothing on any target without a backend
// feature (see Cargo.toml): refuse to build there rather than lose secrets silently.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "neuroflow-secrets has no OS keychain backend for this target (keyring would use its mock store)"
);

/// The keychain service name the app stores its entries under.
pub const DEFAULT_KEYCHAIN_SERVICE: &str = "dev.neuroflow.studio";

/// Whether the OS keychain can hold secrets right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainStatus {
    Available,
    /// Reachable but locked: a read or write shows the system's unlock prompt.
    Locked,
    Unavailable {
        cause: UnavailableCause,
        /// One line for the user, from the platform's own words.
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnavailableCause {
    /// No keychain to talk to: no D-Bus session bus, no Secret Service on it, no default keyring.
    NoKeychainService,
    /// The keychain refused (access denied, unlock prompt dismissed or impossible).
    AccessDenied,
    /// The keychain answered with an error that fits neither case.
    KeychainError,
}

impl KeychainStatus {
    pub fn is_available(&self) -> bool {
        matches!(self, KeychainStatus::Available)
    }

    /// A sentence the app can show as is.
    pub fn describe(&self) -> String {
        match self {
            KeychainStatus::Available => "The OS keychain is available.".to_owned(),
            KeychainStatus::Locked => {
                "The OS keychain is locked: unlock it when the system asks, or secrets can be kept in memory for this session only.".to_owned()
            }
            KeychainStatus::Unavailable { reason, .. } => format!(
                "No OS keychain is available ({reason}). Secrets can be kept in memory for this session only; they are never written to disk in plaintext."
            ),
        }
    }
}

/// What a keychain failure means, before it becomes a [`SecretError`] or a [`KeychainStatus`].
enum Failure {
    NoService(String),
    // Only the Secret Service reports "locked" apart from "denied"; elsewhere it is unused.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Locked(String),
    Denied(String),
    Ambiguous,
    NotText,
    Other(String),
}

impl Failure {
    fn into_error(self, reference: &SecretRef) -> SecretError {
        match self {
            Failure::NoService(reason) => SecretError::KeychainUnavailable { reason },
            Failure::Locked(reason) => SecretError::KeychainLocked { reason },
            Failure::Denied(reason) => SecretError::KeychainAccessDenied { reason },
            Failure::Ambiguous => SecretError::AmbiguousEntry {
                reference: reference.to_string(),
            },
            Failure::NotText => SecretError::NotText {
                reference: reference.to_string(),
            },
            Failure::Other(reason) => SecretError::Keychain { reason },
        }
    }

    fn into_status(self) -> KeychainStatus {
        let (cause, reason) = match self {
            Failure::Locked(_) => return KeychainStatus::Locked,
            Failure::NoService(reason) => (UnavailableCause::NoKeychainService, reason),
            Failure::Denied(reason) => (UnavailableCause::AccessDenied, reason),
            Failure::Ambiguous => (
                UnavailableCause::KeychainError,
                "the keychain holds duplicate entries".to_owned(),
            ),
            Failure::NotText => (
                UnavailableCause::KeychainError,
                "the keychain returned a value that is not text".to_owned(),
            ),
            Failure::Other(reason) => (UnavailableCause::KeychainError, reason),
        };
        KeychainStatus::Unavailable { cause, reason }
    }
}

/// Entries `<service>` / [`SecretRef::keychain_account`] in the platform keychain. Every call
/// blocks (D-Bus round trips, possibly an unlock prompt the user answers).
#[derive(Debug, Clone)]
pub(crate) struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub(crate) fn new(service: String) -> Self {
        KeychainStore { service }
    }

    pub(crate) fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, reference: &SecretRef) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &reference.keychain_account())
            .map_err(|e| classify(e).into_error(reference))
    }

    /// Creates or replaces the entry.
    pub(crate) fn put(&self, reference: &SecretRef, secret: &Secret) -> Result<(), SecretError> {
        self.entry(reference)?
            .set_password(secret.expose())
            .map_err(|e| {
                classify(e)
                    .into_error(reference)
                    .without_value(secret.expose())
            })
    }

    pub(crate) fn get(&self, reference: &SecretRef) -> Result<Option<Secret>, SecretError> {
        match self.entry(reference)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e).into_error(reference)),
        }
    }

    /// Deleting an entry that does not exist succeeds; a keychain that cannot be reached does
    /// not (the caller must not believe a secret is gone when it may still be there).
    pub(crate) fn delete(&self, reference: &SecretRef) -> Result<(), SecretError> {
        match self.entry(reference)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(e).into_error(reference)),
        }
    }

    pub(crate) fn probe(&self) -> KeychainStatus {
        probe_platform(&self.service)
    }
}

/// Asks the Secret Service for its default collection and whether it is locked. Unlike a
/// read, this never triggers an unlock prompt, so the app can probe at startup quietly.
#[cfg(target_os = "linux")]
fn probe_platform(_service: &str) -> KeychainStatus {
    use dbus_secret_service::{EncryptionType, SecretService};

    // Dh, as keyring's crypto-rust feature uses: the probe also proves the encrypted session works.
    let service = match SecretService::connect(EncryptionType::Dh) {
        Ok(service) => service,
        Err(e) => return classify_secret_service(&e).into_status(),
    };
    let collection = match service.get_default_collection() {
        Ok(collection) => collection,
        Err(e) => return classify_secret_service(&e).into_status(),
    };
    match collection.is_locked() {
        Ok(false) => KeychainStatus::Available,
        Ok(true) => KeychainStatus::Locked,
        Err(e) => classify_secret_service(&e).into_status(),
    }
}

/// Reads an entry that is never written: "not found" proves the keychain answers.
#[cfg(not(target_os = "linux"))]
fn probe_platform(service: &str) -> KeychainStatus {
    const PROBE_ACCOUNT: &str = "neuroflow-keychain-probe";
    let entry = match keyring::Entry::new(service, PROBE_ACCOUNT) {
        Ok(entry) => entry,
        Err(e) => return classify(e).into_status(),
    };
    match entry.get_password() {
        Ok(value) => {
            drop(Secret::new(value));
            KeychainStatus::Available
        }
        Err(keyring::Error::NoEntry) => KeychainStatus::Available,
        Err(e) => classify(e).into_status(),
    }
}

/// keyring's errors carry platform errors as boxed trait objects; on Linux they are
/// dbus-secret-service errors, whose D-Bus names tell "no keychain" from "locked" from "denied".
/// `BadEncoding` holds the bytes read from the keychain and `Ambiguous` the entries: neither
/// is formatted anywhere.
fn classify(err: keyring::Error) -> Failure {
    match err {
        keyring::Error::PlatformFailure(platform) => classify_platform(&*platform, false),
        keyring::Error::NoStorageAccess(platform) => classify_platform(&*platform, true),
        keyring::Error::NoEntry => Failure::Other("the keychain entry does not exist".to_owned()),
        keyring::Error::BadEncoding(_) => Failure::NotText,
        keyring::Error::Ambiguous(_) => Failure::Ambiguous,
        keyring::Error::TooLong(attribute, limit) => Failure::Other(format!(
            "the keychain entry's {attribute} is longer than the platform's limit of {limit}"
        )),
        keyring::Error::Invalid(attribute, why) => Failure::Other(format!(
            "the keychain entry's {attribute} is invalid: {why}"
        )),
        // keyring's Error is non-exhaustive; a future variant gets its own words.
        other => Failure::Other(other.to_string()),
    }
}

/// `no_storage_access` is keyring's own judgement that the platform refused access.
fn classify_platform(
    platform: &(dyn std::error::Error + Send + Sync + 'static),
    no_storage_access: bool,
) -> Failure {
    #[cfg(target_os = "linux")]
    if let Some(e) = platform.downcast_ref::<dbus_secret_service::Error>() {
        return classify_secret_service(e);
    }
    if no_storage_access {
        Failure::Denied(platform.to_string())
    } else {
        Failure::Other(platform.to_string())
    }
}

#[cfg(target_os = "linux")]
fn classify_secret_service(err: &dbus_secret_service::Error) -> Failure {
    use dbus_secret_service::Error as SsError;
    match err {
        SsError::Locked => Failure::Locked("the keyring is locked".to_owned()),
        SsError::Prompt => Failure::Denied(
            "the keyring's unlock prompt was dismissed or could not be shown".to_owned(),
        ),
        SsError::Unavailable => Failure::NoService(
            "no D-Bus session or Secret Service provider was found".to_owned(),
        ),
        // ReadAlias("default") answered "/": the Secret Service runs but has no default keyring.
        SsError::NoResult => Failure::NoService(
            "the Secret Service has no default keyring: create one with the system's keyring manager (e.g. Seahorse)"
                .to_owned(),
        ),
        SsError::Dbus(dbus) => classify_dbus(dbus.name(), dbus.message()),
        other => Failure::Other(other.to_string()),
    }
}

#[cfg(target_os = "linux")]
fn classify_dbus(name: Option<&str>, message: Option<&str>) -> Failure {
    let name = name.unwrap_or("unnamed D-Bus error");
    let detail = message.unwrap_or(name);
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
            Failure::NoService(format!(
                "no Secret Service (such as GNOME Keyring or KWallet) is running on the D-Bus session bus ({detail})"
            ))
        }
        // What libdbus reports when it cannot open the session bus at all: no address and no
        // X11 display to autolaunch one ("Unable to autolaunch a dbus-daemon without a
        // $DISPLAY for X11"), or an address whose socket does not exist.
        "org.freedesktop.DBus.Error.NotSupported"
        | "org.freedesktop.DBus.Error.NoServer"
        | "org.freedesktop.DBus.Error.FileNotFound"
        | "org.freedesktop.DBus.Error.BadAddress"
        | "org.freedesktop.DBus.Error.Disconnected"
        | "org.freedesktop.DBus.Error.NoNetwork" => Failure::NoService(format!(
            "cannot connect to the D-Bus session bus ({detail})"
        )),
        "org.freedesktop.DBus.Error.NoReply" | "org.freedesktop.DBus.Error.Timeout" => {
            Failure::NoService(format!("the Secret Service did not answer ({detail})"))
        }
        "org.freedesktop.Secret.Error.IsLocked" => Failure::Locked(detail.to_owned()),
        "org.freedesktop.DBus.Error.AccessDenied" | "org.freedesktop.DBus.Error.AuthFailed" => {
            Failure::Denied(detail.to_owned())
        }
        spawn if spawn.starts_with("org.freedesktop.DBus.Error.Spawn.") => Failure::NoService(
            format!("the Secret Service could not be started ({detail})"),
        ),
        _ => Failure::Other(format!("{detail} ({name})")),
    }
}

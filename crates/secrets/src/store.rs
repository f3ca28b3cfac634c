//! `SecretStore`: one API over the OS keychain and session memory, blocking and async.

use crate::keychain::KeychainStore;
use crate::memory::SessionMemoryStore;
use crate::{
    KeychainStatus, Secret, SecretError, SecretRef, UnavailableCause, DEFAULT_KEYCHAIN_SERVICE,
};

/// Where a [`SecretStore`] keeps secrets; the UI says which ("kept for this session only").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretBackend {
    Keychain,
    /// This process's memory: gone when the app exits. Only with the user's consent.
    SessionMemory,
}

#[derive(Debug, Clone)]
enum Backend {
    Keychain(KeychainStore),
    SessionMemory(SessionMemoryStore),
}

/// Puts, reads and deletes secrets by [`SecretRef`]. There is no file backend: when the
/// keychain is unusable, writes fail with [`SecretError::is_keychain_unusable`] and the app
/// may switch to [`SecretStore::session_memory`] with the user's consent.
///
/// The plain methods block (keychain calls are D-Bus round trips and may wait on an unlock
/// prompt): call them from a blocking context, or use the `*_async` wrappers, which run them
/// on tokio's blocking pool and therefore need a tokio runtime. Clones share the same backend
/// (the same session memory).
#[derive(Debug, Clone)]
pub struct SecretStore {
    backend: Backend,
}

impl SecretStore {
    /// The OS keychain under [`DEFAULT_KEYCHAIN_SERVICE`].
    pub fn keychain() -> Self {
        Self::keychain_with_service(DEFAULT_KEYCHAIN_SERVICE)
    }

    /// The OS keychain under another service name (tests keep their entries apart from the app's).
    pub fn keychain_with_service(service: impl Into<String>) -> Self {
        SecretStore {
            backend: Backend::Keychain(KeychainStore::new(service.into())),
        }
    }

    /// This process's memory only.
    pub fn session_memory() -> Self {
        SecretStore {
            backend: Backend::SessionMemory(SessionMemoryStore::default()),
        }
    }

    pub fn backend(&self) -> SecretBackend {
        match self.backend {
            Backend::Keychain(_) => SecretBackend::Keychain,
            Backend::SessionMemory(_) => SecretBackend::SessionMemory,
        }
    }

    /// Creates or replaces the secret.
    pub fn put(&self, reference: &SecretRef, secret: &Secret) -> Result<(), SecretError> {
        match &self.backend {
            Backend::Keychain(keychain) => keychain.put(reference, secret),
            Backend::SessionMemory(memory) => {
                memory.put(reference, secret);
                Ok(())
            }
        }
    }

    /// `None` when this store has no such secret (e.g. another device saved it, or the session
    /// that held it in memory has ended): compare with the stored fingerprint to tell the user.
    pub fn get(&self, reference: &SecretRef) -> Result<Option<Secret>, SecretError> {
        match &self.backend {
            Backend::Keychain(keychain) => keychain.get(reference),
            Backend::SessionMemory(memory) => Ok(memory.get(reference)),
        }
    }

    /// Removes the secret; removing one that is not there succeeds.
    pub fn delete(&self, reference: &SecretRef) -> Result<(), SecretError> {
        match &self.backend {
            Backend::Keychain(keychain) => keychain.delete(reference),
            Backend::SessionMemory(memory) => {
                memory.delete(reference);
                Ok(())
            }
        }
    }

    /// The OS keychain's status, whatever this store's backend (a session-memory store can
    /// notice that the keychain became usable). Never shows an unlock prompt on Linux; on
    /// macOS and Windows it reads a never-written entry, which a locked keychain may prompt for.
    pub fn probe(&self) -> KeychainStatus {
        match &self.backend {
            Backend::Keychain(keychain) => keychain.probe(),
            Backend::SessionMemory(_) => {
                KeychainStore::new(DEFAULT_KEYCHAIN_SERVICE.to_owned()).probe()
            }
        }
    }

    /// The service name of a keychain store, `None` for session memory.
    pub fn keychain_service(&self) -> Option<&str> {
        match &self.backend {
            Backend::Keychain(keychain) => Some(keychain.service()),
            Backend::SessionMemory(_) => None,
        }
    }

    pub async fn put_async(&self, reference: SecretRef, secret: Secret) -> Result<(), SecretError> {
        if !self.blocks() {
            return self.put(&reference, &secret);
        }
        let store = self.clone();
        run_blocking(move || store.put(&reference, &secret)).await?
    }

    pub async fn get_async(&self, reference: SecretRef) -> Result<Option<Secret>, SecretError> {
        if !self.blocks() {
            return self.get(&reference);
        }
        let store = self.clone();
        run_blocking(move || store.get(&reference)).await?
    }

    pub async fn delete_async(&self, reference: SecretRef) -> Result<(), SecretError> {
        if !self.blocks() {
            return self.delete(&reference);
        }
        let store = self.clone();
        run_blocking(move || store.delete(&reference)).await?
    }

    /// Always on the blocking pool: it talks to the keychain whatever the backend.
    pub async fn probe_async(&self) -> KeychainStatus {
        let store = self.clone();
        match run_blocking(move || store.probe()).await {
            Ok(status) => status,
            Err(e) => KeychainStatus::Unavailable {
                cause: UnavailableCause::KeychainError,
                reason: e.to_string(),
            },
        }
    }

    /// Session memory answers at once; only keychain calls need the blocking pool, where a slow
    /// D-Bus call or an open unlock prompt cannot stall the async workers.
    fn blocks(&self) -> bool {
        matches!(self.backend, Backend::Keychain(_))
    }
}

/// Runs a blocking keychain call on tokio's blocking pool.
async fn run_blocking<T, F>(work: F) -> Result<T, SecretError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SecretError::TaskFailed {
            reason: if e.is_panic() {
                "it panicked".to_owned()
            } else {
                "it was cancelled".to_owned()
            },
        })
}

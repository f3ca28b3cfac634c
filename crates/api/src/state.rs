//! What a running core holds: the open local store and who is acting (or why it could not open), and where secrets are kept.

use std::path::PathBuf;
use std::sync::RwLock;

use neuroflow_integrations::providers::ProviderHttp;
use neuroflow_runs::WorkflowRunner;
use neuroflow_secrets::{SecretBackend, SecretStore};
use neuroflow_store::local::{ensure_local_identity, LocalIdentity};
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};

use crate::error::{AppError, ErrorCode};

pub struct Session {
    pub store: Store,
    pub runner: WorkflowRunner,
    pub identity: LocalIdentity,
    pub database_path: PathBuf,
}

impl Session {
    pub fn actor(&self) -> Actor {
        Actor {
            organization_id: self.identity.organization_id,
            user_id: self.identity.user_id,
        }
    }
}

/// One core behind every window: the session (a failed open is kept, not a crash, so the
/// window can say what went wrong) and where secrets go. The desktop shell and the dev server
/// each hold one and call its commands (see `commands/`).
pub struct Core {
    session: Result<Session, AppError>,
    secrets: SecretsState,
}

impl Core {
    pub fn new(session: Result<Session, AppError>, secrets: SecretsState) -> Self {
        Core { session, secrets }
    }

    pub fn session(&self) -> Result<&Session, AppError> {
        self.session.as_ref().map_err(Clone::clone)
    }

    pub fn secrets(&self) -> &SecretsState {
        &self.secrets
    }
}

/// Opens (creating and migrating) the local database and the local identity.
pub async fn open_local(database_path: PathBuf) -> Result<Session, AppError> {
    let db = Db::open_sqlite(&database_path).await?;
    let identity = ensure_local_identity(&db).await.map_err(|e| {
        AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!("the local database could not be prepared: {e}"),
        )
    })?;
    let store = Store::new(db, identity.device);
    store.resume_clock().await?;
    let runner = WorkflowRunner::new(store.clone());
    let actor = Actor {
        organization_id: identity.organization_id,
        user_id: identity.user_id,
    };
    // A run that was going when the app last stopped will never finish: say so in its row.
    if let Err(e) = runner.fail_interrupted(actor).await {
        eprintln!("neuroflow: could not close the interrupted runs: {e}");
    }
    Ok(Session {
        store,
        runner,
        identity,
        database_path,
    })
}

/// Where secrets go (the OS keychain, or this session's memory once the user agreed) and the
/// HTTP client integrations share. Held next to the session: it works without a database.
pub struct SecretsState {
    store: RwLock<SecretStore>,
    http: Result<ProviderHttp, AppError>,
}

impl SecretsState {
    /// The OS keychain; switching to session memory needs the user's consent (see
    /// `Core::keychain_use_session_memory`), never happens by itself.
    pub fn new() -> Self {
        SecretsState {
            store: RwLock::new(SecretStore::keychain()),
            http: ProviderHttp::new()
                .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string())),
        }
    }

    /// The store in use now (clones share their backend, so session memory is one map).
    pub fn secrets(&self) -> SecretStore {
        // A poisoned lock only means a panic elsewhere while swapping one value for another.
        self.store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// From now until the app quits, secrets live in this process's memory only. Idempotent:
    /// a second call keeps the secrets the first one's store already holds.
    pub fn use_session_memory(&self) -> SecretStore {
        let mut store = self
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if store.backend() != SecretBackend::SessionMemory {
            *store = SecretStore::session_memory();
        }
        store.clone()
    }

    pub fn http(&self) -> Result<ProviderHttp, AppError> {
        self.http.clone()
    }
}

impl Default for SecretsState {
    fn default() -> Self {
        Self::new()
    }
}

//! What a running core holds: the open local store and who is acting (or why it could not open), and where secrets are kept.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use neuroflow_integrations::providers::ProviderHttp;
use neuroflow_runs::WorkflowRunner;
use neuroflow_secrets::{SecretBackend, SecretStore};
use neuroflow_store::local::{ensure_local_identity, LocalIdentity};
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};

use crate::error::{AppError, ErrorCode};
use crate::team::{self, TeamLink};

pub struct Session {
    pub store: Store,
    pub runner: WorkflowRunner,
    pub identity: LocalIdentity,
    pub database_path: PathBuf,
    /// The team connection this database caches (`None`: the offline-only workspace).
    pub team: Option<TeamLink>,
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
/// each hold one and call its commands (see `commands/`). Signing in to a team or out of it
/// swaps the session for another database file; a command holds the session it started with.
pub struct Core {
    session: RwLock<Result<Arc<Session>, AppError>>,
    /// Shared with the team link's background sign-in, which must see a switch to session memory.
    secrets: Arc<SecretsState>,
    /// The offline workspace's file; the team connection (`team.json`) and team caches live
    /// beside it. `None`: this core cannot join a team (a session given whole, in tests).
    workspace: Option<PathBuf>,
    /// Sign-in and sign-out one at a time.
    pub(crate) switching: tokio::sync::Mutex<()>,
    /// Where the desktop writes its log (`None` until the shell says, and in the browser preview).
    pub(crate) log_dir: std::sync::OnceLock<PathBuf>,
}

impl Core {
    /// The folder the desktop's log file is in (set once, by the shell that writes it).
    pub fn set_log_dir(&self, dir: PathBuf) {
        let _ = self.log_dir.set(dir);
    }

    /// A core on a session opened elsewhere; it cannot sign in to a team.
    pub fn new(session: Result<Session, AppError>, secrets: SecretsState) -> Self {
        Core {
            session: RwLock::new(session.map(Arc::new)),
            secrets: Arc::new(secrets),
            workspace: None,
            switching: tokio::sync::Mutex::new(()),
            log_dir: std::sync::OnceLock::new(),
        }
    }

    /// The app's core: the team cache when the app was signed in to a team when it last
    /// stopped (syncing in the background, offline or not), else the offline workspace at
    /// `workspace` (created on first start).
    pub async fn open(workspace: PathBuf, secrets: SecretsState) -> Self {
        let secrets = Arc::new(secrets);
        let session = open_saved(&workspace, &secrets).await;
        if let Err(e) = &session {
            tracing::error!("{}", e.message);
        }
        Core {
            session: RwLock::new(session.map(Arc::new)),
            secrets,
            workspace: Some(workspace),
            switching: tokio::sync::Mutex::new(()),
            log_dir: std::sync::OnceLock::new(),
        }
    }

    pub fn session(&self) -> Result<Arc<Session>, AppError> {
        self.session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Puts `session` in place of the current one.
    pub(crate) fn replace_session(&self, session: Session) {
        *self.session.write().unwrap_or_else(|p| p.into_inner()) = Ok(Arc::new(session));
    }

    pub fn secrets(&self) -> &SecretsState {
        &self.secrets
    }

    pub(crate) fn shared_secrets(&self) -> Arc<SecretsState> {
        self.secrets.clone()
    }

    /// The offline workspace's file, for a core that can join a team.
    pub(crate) fn workspace(&self) -> Result<&PathBuf, AppError> {
        self.workspace.as_ref().ok_or_else(|| {
            AppError::invalid("this window was opened on one database file and cannot join a team")
        })
    }
}

async fn open_saved(
    workspace: &std::path::Path,
    secrets: &Arc<SecretsState>,
) -> Result<Session, AppError> {
    let dir = workspace.parent().unwrap_or(std::path::Path::new("."));
    if let Some(settings) = team::load_settings(dir)? {
        let cache = dir.join(&settings.cache_file);
        if cache.is_file() {
            let mut session = open_local(cache).await?;
            session.team = Some(TeamLink::start(
                settings,
                session.store.clone(),
                secrets.clone(),
                None,
            ));
            return Ok(session);
        }
        tracing::warn!(
            "the team cache {} is gone: opening the offline workspace (sign in again to join the team)",
            cache.display()
        );
    }
    open_local(workspace.to_path_buf()).await
}

/// Opens (creating and migrating) the local database and the local identity.
pub async fn open_local(database_path: PathBuf) -> Result<Session, AppError> {
    let db = Db::open_sqlite(&database_path).await?;
    let device = ensure_local_identity(&db).await.map_err(|e| {
        AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!("the local database could not be prepared: {e}"),
        )
    })?;
    let store = Store::new(db, device.device);
    store.resume_clock().await?;
    session_on(store, database_path).await
}

/// A session on an open store: who acts (the local identity) and the runs it had going.
pub async fn session_on(store: Store, database_path: PathBuf) -> Result<Session, AppError> {
    let identity = ensure_local_identity(store.db()).await.map_err(|e| {
        AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!("the local database could not be prepared: {e}"),
        )
    })?;
    let runner = WorkflowRunner::new(store.clone());
    let actor = Actor {
        organization_id: identity.organization_id,
        user_id: identity.user_id,
    };
    // A run that was going when the app last stopped will never finish: say so in its row.
    if let Err(e) = runner.fail_interrupted(actor).await {
        tracing::warn!("could not close the interrupted runs: {e}");
    }
    Ok(Session {
        store,
        runner,
        identity,
        database_path,
        team: None,
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

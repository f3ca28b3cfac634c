//! What the running app holds: the open local store and who is acting, or why it could not open.

use std::path::PathBuf;

use neuroflow_store::local::{ensure_local_identity, LocalIdentity};
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};

use crate::error::{AppError, ErrorCode};

pub struct Session {
    pub store: Store,
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

/// The app state: a failed open is kept (not a crash) so the window can say what went wrong.
pub struct AppState(pub Result<Session, AppError>);

impl AppState {
    pub fn session(&self) -> Result<&Session, AppError> {
        self.0.as_ref().map_err(Clone::clone)
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
    Ok(Session {
        store: Store::new(db, identity.device),
        identity,
        database_path,
    })
}

//! The desktop's team connection: what it saves (`team.json`: where and who, never the password, which the keychain keeps), the local file that caches the organization, and the background sync that keeps that file in step with the team database and says how it went.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use neuroflow_secrets::{Secret, SecretError, SecretRef, SecretStore};
use neuroflow_store::Store;
use neuroflow_sync::commands::Refusal;
use neuroflow_sync::connect::{sign_in, TeamConnection};
use neuroflow_sync::live::keep_synced_counting;
use neuroflow_sync::{SyncError, SyncReport, TeamSession};
use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::error::{AppError, ErrorCode};
use crate::state::SecretsState;

/// What is saved of a team connection: enough to reopen its cache offline and sign in again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamLinkSettings {
    pub connection: TeamConnection,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    /// The cache's file name in the app's data folder.
    pub cache_file: String,
}

const SETTINGS_FILE: &str = "team.json";

/// How often a connected device syncs when nothing told it to (LISTEN/NOTIFY and local edits
/// start a sync at once; this is the fallback that bounds how stale a window can be).
pub const SYNC_EVERY: Duration = Duration::from_secs(2);

/// How long a device that cannot sign in waits before trying again (a nudge tries at once).
const SIGN_IN_RETRY: Duration = Duration::from_secs(10);

/// The local file caching `organization` for `user`: one per team connection, so the offline
/// workspace (`neuroflow.db`) and other teams stay as they are.
pub fn cache_file_name(organization_id: Uuid, user_id: Uuid) -> String {
    let user = user_id.simple().to_string();
    format!("team-{}-{}.db", organization_id.simple(), &user[..12])
}

/// The saved connection in `dir`, if the app is signed in to a team.
pub fn load_settings(dir: &Path) -> Result<Option<TeamLinkSettings>, AppError> {
    let path = dir.join(SETTINGS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AppError::new(
                ErrorCode::DatabaseUnavailable,
                format!("cannot read {}: {e}", path.display()),
            ))
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!(
                "{} is damaged ({e}): remove it to start in the offline workspace",
                path.display()
            ),
        )
    })
}

/// Saves the connection (written to a temporary file and renamed, so a crash leaves the old one
/// or the new one, never half of one).
pub fn save_settings(dir: &Path, settings: &TeamLinkSettings) -> Result<(), AppError> {
    let io = |e: std::io::Error| {
        AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!("cannot save the team connection in {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let text = serde_json::to_string_pretty(settings)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, dir.join(SETTINGS_FILE)).map_err(io)
}

pub fn clear_settings(dir: &Path) -> Result<(), AppError> {
    match std::fs::remove_file(dir.join(SETTINGS_FILE)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::new(
            ErrorCode::DatabaseUnavailable,
            format!("cannot forget the team connection: {e}"),
        )),
    }
}

/// Removes a cache file and SQLite's companions of it.
pub fn remove_cache(path: &Path) -> Result<(), AppError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = PathBuf::from(file);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(AppError::new(
                    ErrorCode::DatabaseUnavailable,
                    format!("cannot remove {}: {e}", file.display()),
                ))
            }
        }
    }
    Ok(())
}

/// The keychain entry of a connection's password: keyed by the server (host and port, as a
/// stable id in the reference's organization slot: no organization is chosen yet when it is
/// first stored) and the LOGIN role (database and email). Two servers whose database name and
/// email are the same keep two passwords.
pub fn password_ref(connection: &TeamConnection) -> Result<SecretRef, AppError> {
    SecretRef::team_postgres(server_key(connection), &connection.role()).map_err(secret_error)
}

/// Where versions before this one kept the password: the role alone. Read once, then moved.
fn older_password_ref(connection: &TeamConnection) -> Result<SecretRef, AppError> {
    SecretRef::team_postgres(Uuid::nil(), &connection.role()).map_err(secret_error)
}

/// A stable id of the server a connection names: FNV-1a over "host:port" in two lanes (no
/// hasher whose output could change between builds or runs).
pub fn server_key(connection: &TeamConnection) -> Uuid {
    let text = format!(
        "{}:{}",
        connection.host.trim().to_ascii_lowercase(),
        connection.port
    );
    let lane = |offset: u64| {
        text.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    Uuid::from_u64_pair(lane(0xcbf2_9ce4_8422_2325), lane(0x6c62_272e_07bb_0142))
}

/// Forgets the connection's password, wherever this or an earlier version kept it.
pub async fn forget_password(
    secrets: &SecretStore,
    connection: &TeamConnection,
) -> Result<(), AppError> {
    let older = secrets.delete_async(older_password_ref(connection)?).await;
    secrets
        .delete_async(password_ref(connection)?)
        .await
        .map_err(secret_error)?;
    older.map_err(secret_error)
}

pub fn secret_error(e: SecretError) -> AppError {
    let code = if e.is_keychain_unusable() {
        ErrorCode::KeychainUnavailable
    } else {
        ErrorCode::Internal
    };
    AppError::new(code, e.to_string())
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        if let SyncError::Local(store) = e {
            return store.into();
        }
        let code = match &e {
            SyncError::Offline(_) => ErrorCode::Offline,
            SyncError::Refused(_) => ErrorCode::Refused,
            SyncError::ClockAhead { .. } => ErrorCode::ClockAhead,
            SyncError::Invalid(_) => ErrorCode::InvalidInput,
            SyncError::SignIn(_) => ErrorCode::SignIn,
            SyncError::Tls(_) => ErrorCode::Tls,
            SyncError::Schema(_) => ErrorCode::Schema,
            SyncError::Local(_) => ErrorCode::Database,
        };
        AppError::new(code, e.to_string())
    }
}

/// Signs in with the password the keychain keeps and opens the organization.
pub async fn connect(
    secrets: &SecretStore,
    connection: &TeamConnection,
    organization_id: Uuid,
) -> Result<TeamSession, AppError> {
    let mut password = secrets
        .get_async(password_ref(connection)?)
        .await
        .map_err(secret_error)?;
    if password.is_none() {
        // Kept by an earlier version under the role alone: moved to this server's entry.
        let older = older_password_ref(connection)?;
        if let Some(found) = secrets
            .get_async(older.clone())
            .await
            .map_err(secret_error)?
        {
            remember_password(secrets, connection, found.expose()).await?;
            secrets.delete_async(older).await.map_err(secret_error)?;
            password = Some(found);
        }
    }
    let password = password.ok_or_else(|| {
            AppError::new(
                ErrorCode::SignIn,
                "the keychain has no password for this team connection: enter it again on the Team page",
            )
        })?;
    let signed_in = sign_in(connection, password.expose()).await?;
    Ok(TeamSession::open(signed_in.pool, organization_id).await?)
}

/// Keeps the password for later starts.
pub async fn remember_password(
    secrets: &SecretStore,
    connection: &TeamConnection,
    password: &str,
) -> Result<(), AppError> {
    secrets
        .put_async(password_ref(connection)?, Secret::new(password))
        .await
        .map_err(secret_error)
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Signing in to the team database.
    Connecting,
    /// The team database cannot be reached: edits wait on this device.
    Offline,
    Syncing,
    Synced,
    /// It answered but something is wrong (a refused change, the password, the schema).
    Failed,
}

/// How the last syncs went, as the sidebar and the sync panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub state: SyncState,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub error: Option<AppError>,
    /// Local edits the team database has not received yet.
    pub waiting: u32,
    /// Conflicts not resolved yet.
    pub conflicts: u32,
    /// Order changes the team database refused (undone here), until the person dismisses them.
    pub refused: Vec<Refusal>,
    /// Grows each time a sync brings rows from the team database: an open page reloads.
    pub pulled_revision: u32,
    pub last_pushed: u32,
    pub last_pulled: u32,
    /// The last pull read everything again: the device was away longer than deleted rows are kept.
    pub full_resync: bool,
    /// A stamp from another device was far ahead of this clock (it was not followed).
    pub clock_flagged: bool,
}

/// What the background sync last saw (the counts are read from the store when asked).
#[derive(Debug, Clone)]
struct Outcome {
    state: SyncState,
    last_synced_at: Option<DateTime<Utc>>,
    last_attempt_at: Option<DateTime<Utc>>,
    error: Option<AppError>,
    pulled_revision: u32,
    last_pushed: u32,
    last_pulled: u32,
    full_resync: bool,
    clock_flagged: bool,
}

struct Shared {
    outcome: Mutex<Outcome>,
    nudge: Arc<Notify>,
    /// The signed-in session while there is one (members and conflict resolution need it).
    online: Mutex<Option<TeamSession>>,
    /// Attempts begun (sign-ins and syncs), counted as each starts.
    starts: Arc<AtomicU64>,
    /// The number of the last attempt that finished: "Sync now" waits for one begun after it asked.
    attempts: watch::Sender<u64>,
}

impl Shared {
    fn outcome(&self) -> MutexGuard<'_, Outcome> {
        // A poisoned lock only means a panic elsewhere mid-update of plain values.
        self.outcome.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn record(&self, result: Result<SyncReport, AppError>) {
        let now = Utc::now();
        {
            let mut o = self.outcome();
            o.last_attempt_at = Some(now);
            match result {
                Ok(report) => {
                    o.state = SyncState::Synced;
                    o.last_synced_at = Some(now);
                    o.error = None;
                    o.last_pushed = count(report.pushed.applied + report.commands.applied);
                    o.last_pulled = count(report.pulled.rows);
                    // A refused command changed this copy too: the order went back.
                    if report.pulled.rows > 0 || report.commands.refused > 0 {
                        o.pulled_revision = o.pulled_revision.wrapping_add(1);
                    }
                    o.full_resync = report.pulled.full_resync;
                    o.clock_flagged = report.pulled.clock_flagged;
                }
                Err(e) => {
                    o.state = if e.code == ErrorCode::Offline {
                        SyncState::Offline
                    } else {
                        SyncState::Failed
                    };
                    o.error = Some(e);
                }
            }
        }
        // Attempts run one at a time, so the one finishing is the last one begun.
        let finished = self.starts.load(Ordering::SeqCst);
        self.attempts.send_replace(finished);
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A live team connection: its settings and the background sync of its cache.
pub struct TeamLink {
    pub settings: TeamLinkSettings,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl TeamLink {
    /// Starts syncing `store` (the connection's cache): with `session` when just signed in,
    /// else signing in first with the keychain's password, again and again while it fails.
    pub fn start(
        settings: TeamLinkSettings,
        store: Store,
        secrets: Arc<SecretsState>,
        session: Option<TeamSession>,
    ) -> Self {
        let shared = Arc::new(Shared {
            outcome: Mutex::new(Outcome {
                state: SyncState::Connecting,
                last_synced_at: None,
                last_attempt_at: None,
                error: None,
                pulled_revision: 0,
                last_pushed: 0,
                last_pulled: 0,
                full_resync: false,
                clock_flagged: false,
            }),
            nudge: Arc::new(Notify::new()),
            online: Mutex::new(None),
            starts: Arc::new(AtomicU64::new(0)),
            attempts: watch::channel(0).0,
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(work(
            shared.clone(),
            store,
            secrets,
            settings.clone(),
            session,
            stopped,
        ));
        TeamLink {
            settings,
            shared,
            stop,
        }
    }

    /// Asks for a sync now (after a local edit, or the user's "Sync now").
    pub fn nudge(&self) {
        self.shared.nudge.notify_one();
    }

    /// Syncs now and waits (at most `wait`) for an attempt begun after this request to finish
    /// (one already under way may have missed what the request is about).
    pub async fn sync_now(&self, wait: Duration) {
        let mut attempts = self.shared.attempts.subscribe();
        let asked = self.shared.starts.load(Ordering::SeqCst);
        {
            let mut o = self.shared.outcome();
            if o.state != SyncState::Connecting {
                o.state = SyncState::Syncing;
            }
        }
        self.nudge();
        let _ = tokio::time::timeout(wait, attempts.wait_for(|done| *done > asked)).await;
    }

    /// The signed-in session, or why there is none.
    pub fn online(&self) -> Result<TeamSession, AppError> {
        let online = self.shared.online.lock().unwrap_or_else(|p| p.into_inner());
        online.clone().ok_or_else(|| {
            let o = self.shared.outcome();
            let why = o
                .error
                .as_ref()
                .map(|e| format!(": {}", e.message))
                .unwrap_or_default();
            AppError::new(
                ErrorCode::Offline,
                format!("this needs the team database, which is not connected{why}"),
            )
        })
    }

    /// The status, with the counts the caller read from the cache.
    pub fn status(&self, waiting: u32, conflicts: u32, refused: Vec<Refusal>) -> SyncStatus {
        let o = self.shared.outcome().clone();
        SyncStatus {
            state: o.state,
            last_synced_at: o.last_synced_at,
            last_attempt_at: o.last_attempt_at,
            error: o.error,
            waiting,
            conflicts,
            refused,
            pulled_revision: o.pulled_revision,
            last_pushed: o.last_pushed,
            last_pulled: o.last_pulled,
            full_resync: o.full_resync,
            clock_flagged: o.clock_flagged,
        }
    }

    /// Stops the background sync (it finishes the sync it is in, then closes its connections).
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for TeamLink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    // A dropped sender also means stop.
    let _ = stop.wait_for(|s| *s).await;
}

async fn work(
    shared: Arc<Shared>,
    store: Store,
    secrets: Arc<SecretsState>,
    settings: TeamLinkSettings,
    session: Option<TeamSession>,
    stop: watch::Receiver<bool>,
) {
    let team = match session {
        Some(team) => team,
        None => loop {
            shared.outcome().state = SyncState::Connecting;
            shared.starts.fetch_add(1, Ordering::SeqCst);
            // The store as it is now: the person may have agreed to session memory meanwhile.
            match connect(
                &secrets.secrets(),
                &settings.connection,
                settings.organization_id,
            )
            .await
            {
                Ok(team) => break team,
                Err(e) => {
                    shared.record(Err(e));
                    tokio::select! {
                        _ = stopped(stop.clone()) => return,
                        _ = shared.nudge.notified() => {}
                        _ = tokio::time::sleep(SIGN_IN_RETRY) => {}
                    }
                }
            }
        },
    };
    *shared.online.lock().unwrap_or_else(|p| p.into_inner()) = Some(team.clone());
    let recorder = shared.clone();
    keep_synced_counting(
        &store,
        &team,
        SYNC_EVERY,
        shared.nudge.clone(),
        shared.starts.clone(),
        move |_cause, result| recorder.record(result.map_err(AppError::from)),
        stopped(stop),
    )
    .await;
    *shared.online.lock().unwrap_or_else(|p| p.into_inner()) = None;
    team.pool.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use neuroflow_sync::connect::Tls;

    fn at(host: &str, port: u16) -> TeamConnection {
        TeamConnection {
            host: host.into(),
            port,
            database: "studio".into(),
            tls: Tls::Require,
            ca_file: None,
            allow_unencrypted: false,
            email: "ada@example.com".into(),
        }
    }

    #[test]
    fn each_server_keeps_its_own_password_entry() {
        let account = |c: &TeamConnection| password_ref(c).expect("ref").keychain_account();
        let a = account(&at("db.studio.example", 5432));
        assert_ne!(a, account(&at("db.other.example", 5432)));
        assert_ne!(a, account(&at("db.studio.example", 6432)));
        assert_eq!(
            a,
            account(&at(" DB.studio.example ", 5432)),
            "the same server however it is typed"
        );
        // A fixed value: the entry must be found again by the next version of the app.
        assert_eq!(
            server_key(&at("127.0.0.1", 5432)).to_string(),
            "5ef7a6d8-14f0-9908-67e7-469b7c00f65f"
        );
    }
}

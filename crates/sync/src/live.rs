//! Live sync: a device stays in step with the team database — a sync when the team database notifies the organization's channel (LISTEN/NOTIFY), when the app nudges after a local edit, and on a timer as the fallback.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use neuroflow_store::Store;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use crate::{sync, SyncError, SyncReport, TeamSession};

/// The channel the team database notifies when a row of `organization` changes.
pub fn channel(team: &TeamSession) -> String {
    format!("nf_sync_{}", team.organization_id.simple())
}

/// Why a live sync ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Start,
    /// Another device changed something.
    Notified,
    /// The app asked (a local edit, "Sync now").
    Nudged,
    /// The fallback timer.
    Timer,
}

/// Syncs now and then whenever something may have changed, until `stop` completes. Every
/// outcome goes to `on_sync` with its cause; a failure (the team database away) is reported and
/// retried at the next cause. Without a listener (LISTEN refused, connection lost), the timer
/// alone keeps it going, and the listener is tried again at each tick.
pub async fn keep_synced<F, S>(
    local: &Store,
    team: &TeamSession,
    every: Duration,
    nudge: Arc<Notify>,
    on_sync: F,
    stop: S,
) where
    F: FnMut(Cause, Result<SyncReport, SyncError>),
    S: Future<Output = ()>,
{
    let starts = Arc::new(AtomicU64::new(0));
    keep_synced_counting(local, team, every, nudge, starts, on_sync, stop).await;
}

/// [`keep_synced`], counting each sync in `starts` as it begins, so a caller can tell an outcome
/// of a sync that began after its request from one already under way (a "Sync now" must not be
/// answered by a sync that started before it).
pub async fn keep_synced_counting<F, S>(
    local: &Store,
    team: &TeamSession,
    every: Duration,
    nudge: Arc<Notify>,
    starts: Arc<AtomicU64>,
    mut on_sync: F,
    stop: S,
) where
    F: FnMut(Cause, Result<SyncReport, SyncError>),
    S: Future<Output = ()>,
{
    tokio::pin!(stop);
    let mut listener: Option<PgListener> = None;
    let mut cause = Cause::Start;
    loop {
        if listener.is_none() {
            listener = listen(team).await;
        }
        starts.fetch_add(1, Ordering::SeqCst);
        on_sync(cause, sync(local, team).await);
        let notified = async {
            match listener.as_mut() {
                Some(l) => l.recv().await.map(|_| ()),
                None => std::future::pending().await,
            }
        };
        cause = tokio::select! {
            _ = &mut stop => return,
            got = notified => match got {
                Ok(()) => {
                    // Several changes in a row make one sync.
                    if let Some(l) = listener.as_mut() {
                        while l.next_buffered().is_some() {}
                    }
                    Cause::Notified
                }
                Err(_) => {
                    listener = None;
                    Cause::Timer
                }
            },
            _ = nudge.notified() => Cause::Nudged,
            _ = tokio::time::sleep(every) => Cause::Timer,
        };
    }
}

async fn listen(team: &TeamSession) -> Option<PgListener> {
    let mut l = PgListener::connect_with(&team.pool).await.ok()?;
    l.listen(&channel(team)).await.ok()?;
    Some(l)
}

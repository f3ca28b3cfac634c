//! `neuroflow sync`: a local database synced headless with the team Postgres as one person, once or on a timer, printing what moved.

use std::path::Path;
use std::time::Duration;

use neuroflow_store::Db;
use neuroflow_sync::{SyncReport, TeamSession};
use uuid::Uuid;

use crate::database::DatabaseUrl;

/// How long `--watch` waits between syncs unless told.
pub const DEFAULT_INTERVAL_S: u64 = 2;

/// Which of the person's organizations to sync: the one named, or their only one.
async fn organization(pool: &sqlx::PgPool, slug: Option<&str>) -> Result<Uuid, String> {
    // RLS shows a person only the organizations they belong to.
    let orgs: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, slug FROM organizations WHERE deleted_at IS NULL ORDER BY slug")
            .fetch_all(pool)
            .await
            .map_err(|e| {
                format!(
                    "cannot list your organizations: {}",
                    one_line(&e.to_string())
                )
            })?;
    match slug {
        Some(s) => orgs
            .iter()
            .find(|(_, slug)| slug == s)
            .map(|(id, _)| *id)
            .ok_or_else(|| format!("you are not a member of an organization '{s}'")),
        None => match orgs.as_slice() {
            [(id, _)] => Ok(*id),
            [] => Err("this login belongs to no organization".into()),
            many => Err(format!(
                "this login belongs to several organizations; choose one with --org ({})",
                many.iter()
                    .map(|(_, s)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// What a sync moved, as one line.
pub fn describe(r: &SyncReport) -> String {
    let mut line = format!(
        "pushed {} change{}",
        r.pushed.applied,
        if r.pushed.applied == 1 { "" } else { "s" }
    );
    if r.pushed.duplicates > 0 {
        line.push_str(&format!(" ({} already there)", r.pushed.duplicates));
    }
    if r.pushed.conflicts > 0 {
        line.push_str(&format!(", {} conflict(s) recorded", r.pushed.conflicts));
    }
    if r.pushed.local_only > 0 {
        line.push_str(&format!(", {} kept on this device", r.pushed.local_only));
    }
    let c = &r.commands;
    if c.applied + c.duplicates + c.refused > 0 {
        line.push_str(&format!("; {} order command(s) applied", c.applied));
        if c.duplicates > 0 {
            line.push_str(&format!(" ({} already there)", c.duplicates));
        }
        if c.refused > 0 {
            line.push_str(&format!(", {} refused and undone here", c.refused));
        }
    }
    line.push_str(&format!("; pulled {} row(s)", r.pulled.rows));
    if r.pulled.clock_flagged {
        line.push_str("; a stamp far ahead of this clock was seen and not followed");
    }
    line
}

/// Syncs `local` once, or with `watch` live until Ctrl+C: when the team database notifies a
/// change and every `watch` interval (a failed sync is printed and retried: the team database
/// may be away for a while).
pub async fn run(
    url: &DatabaseUrl,
    local: &Path,
    org: Option<&str>,
    watch: Option<Duration>,
) -> Result<(), String> {
    let db = Db::connect(url.connect_url())
        .await
        .map_err(|e| url.scrub(&one_line(&e.to_string())))?;
    let Db::Postgres(pool) = db else {
        return Err("sync needs the team's Postgres --database-url".into());
    };
    let org = organization(&pool, org).await.map_err(|e| url.scrub(&e))?;
    let team = TeamSession::open(pool, org)
        .await
        .map_err(|e| url.scrub(&e.to_string()))?;
    let (store, first) = neuroflow_sync::open_team_cache(local, &team)
        .await
        .map_err(|e| url.scrub(&e.to_string()))?;
    println!("opened {}: pulled {} row(s)", local.display(), first.rows);
    match watch {
        None => {
            let report = neuroflow_sync::sync(&store, &team)
                .await
                .map_err(|e| url.scrub(&e.to_string()))?;
            println!("{}", describe(&report));
        }
        // Live: a sync when the team database says something changed, and every `every`.
        Some(every) => {
            neuroflow_sync::live::keep_synced(
                &store,
                &team,
                every,
                std::sync::Arc::new(tokio::sync::Notify::new()),
                |_, result| match result {
                    Ok(report) => println!("{}", describe(&report)),
                    Err(e) => eprintln!("neuroflow: {} (retrying)", url.scrub(&e.to_string())),
                },
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
            )
            .await;
        }
    }
    store.db().close().await;
    team.pool.close().await;
    Ok(())
}

//! The `store_save` target: generated changes saved through the real store into a temporary
//! SQLite database, the saved graph read back from the store's cache and from the database.

use std::sync::{Mutex, OnceLock};

use neuroflow_model::graph::{Graph, GraphChanges, GraphSurface};
use neuroflow_model::VersionKind;
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::versions::SaveAs;
use neuroflow_store::workflows::Actor;
use neuroflow_store::Db;
use neuroflow_store::Store;
use uuid::Uuid;

use crate::entropy::Entropy;
use crate::invariants::{one_line, shape};
use crate::structured;

/// Saves into one workflow before a fresh one starts, so graphs stay small and saves fast.
const SAVES_PER_WORKFLOW: u32 = 100;

struct Saving {
    runtime: tokio::runtime::Runtime,
    store: Store,
    /// A second store over the same database: no cached graphs, so it reads the rows.
    uncached: Store,
    actor: Actor,
    workflow: Uuid,
    saves: u32,
}

fn open() -> Result<Saving, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join("neuroflow-fuzz");
    remove_stale(&dir);
    let path = dir.join(format!("{}.db", std::process::id()));
    let (store, uncached, actor, workflow) = runtime.block_on(async {
        let db = Db::open_sqlite(&path).await.map_err(|e| e.to_string())?;
        db.migrate().await.map_err(|e| e.to_string())?;
        let me = ensure_local_identity(&db)
            .await
            .map_err(|e| e.to_string())?;
        let actor = Actor {
            organization_id: me.organization_id,
            user_id: me.user_id,
        };
        let store = Store::new(db.clone(), me.device);
        let uncached = Store::new(db, me.device ^ 1);
        let workflow = store
            .workflow_create(actor, "fuzz")
            .await
            .map_err(|e| e.to_string())?
            .id;
        Ok::<_, String>((store, uncached, actor, workflow))
    })?;
    Ok(Saving {
        runtime,
        store,
        uncached,
        actor,
        workflow,
        saves: 0,
    })
}

/// The databases of earlier runs whose process is gone (a run cannot remove its own at exit:
/// the state lives in a static). Best effort: a file that cannot be removed stays.
fn remove_stale(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.split('.').next().unwrap_or_default();
        let alive = std::path::Path::new("/proc").join(pid).exists();
        if !alive || pid == std::process::id().to_string() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn state() -> &'static Mutex<Saving> {
    static STATE: OnceLock<Mutex<Saving>> = OnceLock::new();
    STATE.get_or_init(|| match open() {
        Ok(s) => Mutex::new(s),
        Err(e) => panic!("cannot open the fuzz database: {e}"),
    })
}

/// Where two graphs first differ, for a finding's message.
fn difference(got: &Graph, want: &Graph) -> String {
    let nodes = got.nodes.iter().zip(&want.nodes).position(|(a, b)| a != b);
    let edges = got.edges.iter().zip(&want.edges).position(|(a, b)| a != b);
    let shown = nodes.map(|i| {
        let (a, b) = (&got.nodes[i], &want.nodes[i]);
        let mut fields = Vec::new();
        if a.id != b.id {
            fields.push(format!("id {} vs {}", a.id, b.id));
        }
        if a.position != b.position {
            fields.push(format!("position {:?} vs {:?}", a.position, b.position));
        }
        if a.config != b.config {
            fields.push(format!("config {} vs {}", a.config, b.config));
        }
        if (&a.kind, &a.label) != (&b.kind, &b.label) {
            fields.push(format!(
                "kind/label {}/{} vs {}/{}",
                a.kind, a.label, b.kind, b.label
            ));
        }
        fields.join("; ").chars().take(600).collect::<String>()
    });
    let edges_shown = edges.map(|i| format!("{:?} vs {:?}", got.edges[i], want.edges[i]));
    format!(
        "{} vs {} nodes (first different at {nodes:?}: {shown:?}), {} vs {} edges (first different at {edges:?}: {edges_shown:?})",
        got.nodes.len(),
        want.nodes.len(),
        got.edges.len(),
        want.edges.len()
    )
}

fn by_id(mut graph: Graph) -> Graph {
    graph.nodes.sort_by_key(|n| n.id);
    graph.edges.sort_by_key(|e| e.id);
    graph
}

/// Changes made from the bytes, saved as `workflow_save_changes` saves them: a refusal is one
/// line; a save holds the stored graph with the changes made, in the cache and in the rows.
pub fn store_save(bytes: &[u8]) -> String {
    // A panic of an earlier input poisons the lock; the state is still usable.
    let mut s = state()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let s = &mut *s;
    let mut e = Entropy::new(bytes);
    s.runtime.block_on(async {
        if s.saves >= SAVES_PER_WORKFLOW {
            match s.store.workflow_create(s.actor, "fuzz").await {
                Ok(w) => {
                    s.workflow = w.id;
                    s.saves = 0;
                }
                Err(err) => panic!("cannot create a workflow: {err}"),
            }
        }
        s.saves += 1;
        let before = match s.store.workflow_get(s.actor, s.workflow).await {
            Ok(doc) => doc.graph,
            Err(err) => panic!("cannot read the workflow: {err}"),
        };
        let changes: GraphChanges = structured::changes(&mut e, &before, GraphSurface::Workflow);
        let kind = *e
            .pick(&[
                VersionKind::Save,
                VersionKind::Autosave,
                VersionKind::Restore,
            ])
            .unwrap_or(&VersionKind::Save);
        let save = SaveAs {
            kind,
            label: String::new(),
        };
        match s
            .store
            .workflow_save_changes(s.actor, s.workflow, &changes, &save)
            .await
        {
            Err(err) => {
                let message = err.to_string();
                one_line("workflow_save_changes", &message);
                format!("refused {}", shape(&message))
            }
            Ok(summary) => {
                let mut expected = before.clone();
                changes.apply(&mut expected);
                assert_eq!(summary.node_count as usize, expected.nodes.len());
                let cached = match s.store.workflow_get(s.actor, s.workflow).await {
                    Ok(doc) => doc.graph,
                    Err(err) => panic!("cannot read the saved workflow: {err}"),
                };
                // As sets: elements a save creates together share a creation time, and the rows
                // read back in id order among them, not in the order the changes sent them.
                let (cached, expected) = (by_id(cached), by_id(expected.clone()));
                assert!(
                    cached == expected,
                    "the store's graph is not the changes made: {}",
                    difference(&cached, &expected)
                );
                let stored = match s.uncached.workflow_get(s.actor, s.workflow).await {
                    Ok(doc) => doc.graph,
                    Err(err) => panic!("cannot read the saved rows: {err}"),
                };
                assert!(
                    by_id(stored) == expected,
                    "the rows do not hold the graph the store remembers"
                );
                format!("saved {:?} {}", kind, changes.len().min(4))
            }
        }
    })
}

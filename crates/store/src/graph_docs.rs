//! Graphs stored one row per element, for any owner (workflows, tool blueprints): reading an owner's `{nodes, edges}`, the writes that turn the stored graph into a new one touching only what changed, and the saved-version rows.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{
    BlueprintComponent, BlueprintConnection, BlueprintVersion, Entity, WorkflowEdge, WorkflowNode,
    WorkflowVersion,
};
use neuroflow_model::graph::{
    check_graph, Graph, GraphChanges, GraphEdge, GraphNode, GraphSurface, Position,
};
use neuroflow_model::{new_id, VersionKind};
use uuid::Uuid;

use crate::db::on_db;
use crate::repo::{ListQuery, Store, WriteOp};
use crate::value::SqlValue;
use crate::versions::{SaveAs, AUTOSAVE_CHECKPOINT};
use crate::workflows::Actor;
use crate::StoreError;

/// The tables of one kind of graph owner: its node, edge and version rows.
pub(crate) trait GraphTables {
    type Node: Entity;
    type Edge: Entity;
    type Version: Entity;
    const SURFACE: GraphSurface;
    /// The column of element and version rows naming their owner.
    const OWNER_COLUMN: &'static str;
    const VERSION_TABLE: &'static str;

    fn node_row(org: Uuid, owner: Uuid, n: &GraphNode, now: DateTime<Utc>) -> Self::Node;
    fn edge_row(org: Uuid, owner: Uuid, e: &GraphEdge, now: DateTime<Utc>) -> Self::Edge;
    fn node(row: &Self::Node) -> GraphNode;
    fn edge(row: &Self::Edge) -> GraphEdge;
    fn node_created(row: &Self::Node) -> DateTime<Utc>;
    fn edge_created(row: &Self::Edge) -> DateTime<Utc>;
    fn set_node_created(row: &mut Self::Node, at: DateTime<Utc>);
    fn set_edge_created(row: &mut Self::Edge, at: DateTime<Utc>);
    fn version_row(
        actor: Actor,
        owner: Uuid,
        version: i32,
        graph: &Graph,
        save: &SaveAs,
        graph_json: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Self::Version;
}

pub(crate) struct WorkflowTables;
pub(crate) struct BlueprintTables;

fn position(n: &GraphNode) -> (f64, f64) {
    (n.position.x, n.position.y)
}

macro_rules! graph_tables {
    ($tables:ty, $node:ident, $edge:ident, $version:ident, $surface:expr, $owner:ident, $vtable:literal) => {
        impl GraphTables for $tables {
            type Node = $node;
            type Edge = $edge;
            type Version = $version;
            const SURFACE: GraphSurface = $surface;
            const OWNER_COLUMN: &'static str = stringify!($owner);
            const VERSION_TABLE: &'static str = $vtable;

            fn node_row(org: Uuid, owner: Uuid, n: &GraphNode, now: DateTime<Utc>) -> $node {
                let (x, y) = position(n);
                $node {
                    id: n.id,
                    organization_id: org,
                    $owner: owner,
                    kind: n.kind.clone(),
                    label: n.label.trim().to_string(),
                    position_x: x,
                    position_y: y,
                    config: n.config.clone(),
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                    hlc: String::new(),
                }
            }
            fn edge_row(org: Uuid, owner: Uuid, e: &GraphEdge, now: DateTime<Utc>) -> $edge {
                $edge {
                    id: e.id,
                    organization_id: org,
                    $owner: owner,
                    source_id: e.source,
                    source_handle: e.source_handle.clone(),
                    target_id: e.target,
                    target_handle: e.target_handle.clone(),
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                    hlc: String::new(),
                }
            }
            fn node(r: &$node) -> GraphNode {
                GraphNode {
                    id: r.id,
                    kind: r.kind.clone(),
                    label: r.label.clone(),
                    position: Position {
                        x: r.position_x,
                        y: r.position_y,
                    },
                    config: r.config.clone(),
                }
            }
            fn edge(r: &$edge) -> GraphEdge {
                GraphEdge {
                    id: r.id,
                    source: r.source_id,
                    source_handle: r.source_handle.clone(),
                    target: r.target_id,
                    target_handle: r.target_handle.clone(),
                }
            }
            fn node_created(r: &$node) -> DateTime<Utc> {
                r.created_at
            }
            fn edge_created(r: &$edge) -> DateTime<Utc> {
                r.created_at
            }
            fn set_node_created(r: &mut $node, at: DateTime<Utc>) {
                r.created_at = at;
            }
            fn set_edge_created(r: &mut $edge, at: DateTime<Utc>) {
                r.created_at = at;
            }
            fn version_row(
                actor: Actor,
                owner: Uuid,
                version: i32,
                graph: &Graph,
                save: &SaveAs,
                graph_json: serde_json::Value,
                now: DateTime<Utc>,
            ) -> $version {
                $version {
                    id: new_id(),
                    organization_id: actor.organization_id,
                    $owner: owner,
                    version,
                    kind: save.kind,
                    label: save.label.trim().chars().take(200).collect(),
                    graph: graph_json,
                    node_count: i32::try_from(graph.nodes.len()).unwrap_or(i32::MAX),
                    edge_count: i32::try_from(graph.edges.len()).unwrap_or(i32::MAX),
                    author_id: actor.user_id,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                    hlc: String::new(),
                }
            }
        }
    };
}

graph_tables!(
    WorkflowTables,
    WorkflowNode,
    WorkflowEdge,
    WorkflowVersion,
    GraphSurface::Workflow,
    workflow_id,
    "workflow_versions"
);
graph_tables!(
    BlueprintTables,
    BlueprintComponent,
    BlueprintConnection,
    BlueprintVersion,
    GraphSurface::Blueprint,
    blueprint_id,
    "blueprint_versions"
);

/// The structural checks of a graph about to be stored, as one error naming the first few.
pub(crate) fn check<T: GraphTables>(graph: &Graph, verb: &str) -> Result<(), StoreError> {
    check_graph(graph, T::SURFACE).map_err(|errors| {
        let shown: Vec<_> = errors.iter().take(5).map(|e| e.message.clone()).collect();
        let more = errors.len().saturating_sub(shown.len());
        let mut message = format!("the graph cannot be {verb}: {}", shown.join("; "));
        if more > 0 {
            message.push_str(&format!(" (and {more} more)"));
        }
        StoreError::Invalid(message)
    })
}

fn element_query<T: GraphTables>(org: Uuid, owner: Uuid) -> ListQuery {
    ListQuery {
        eq: vec![(T::OWNER_COLUMN, SqlValue::Uuid(Some(owner)))],
        order_by: "created_at",
        descending: false,
        limit: 100_000,
        ..ListQuery::in_org(org)
    }
}

/// How many documents' graphs the store keeps in memory (a few open canvases).
const CACHED_GRAPHS: usize = 8;

/// The graphs of the documents last read or saved through this store, each under its owner row's
/// stamp (hlc) at that time: every write of a graph updates its owner row (the version goes up),
/// so a graph whose owner still has that stamp is what the database holds. A save of changes or a
/// live check then starts from it instead of reading every element again.
#[derive(Debug, Default)]
pub(crate) struct GraphCache {
    entries: VecDeque<(Uuid, String, Arc<Graph>)>,
}

impl GraphCache {
    fn get(&self, owner: Uuid, stamp: &str) -> Option<Arc<Graph>> {
        self.entries
            .iter()
            .find(|(id, hlc, _)| *id == owner && hlc == stamp)
            .map(|(_, _, g)| g.clone())
    }

    fn put(&mut self, owner: Uuid, stamp: &str, graph: Arc<Graph>) {
        self.entries.retain(|(id, _, _)| *id != owner);
        self.entries.push_front((owner, stamp.to_string(), graph));
        self.entries.truncate(CACHED_GRAPHS);
    }

    fn forget(&mut self, owner: Uuid) {
        self.entries.retain(|(id, _, _)| *id != owner);
    }
}

impl Store {
    /// The owner's graph as stored, when its owner row has stamp `owner_hlc`: from memory when
    /// it was read or saved here since, else read (and kept).
    pub(crate) async fn current_graph<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
        owner_hlc: &str,
    ) -> Result<Arc<Graph>, StoreError> {
        if let Some(g) = self.cache().get(owner, owner_hlc) {
            return Ok(g);
        }
        let g = Arc::new(self.graph_of::<T>(org, owner).await?);
        self.cache().put(owner, owner_hlc, g.clone());
        Ok(g)
    }

    /// Keeps `graph` as the owner's stored graph under the owner row's new stamp.
    pub(crate) fn remember_graph(&self, owner: Uuid, owner_hlc: &str, graph: Arc<Graph>) {
        self.cache().put(owner, owner_hlc, graph);
    }

    pub(crate) fn forget_graph(&self, owner: Uuid) {
        self.cache().forget(owner);
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, GraphCache> {
        // A panic while holding the lock leaves a cache that is still consistent: entries are
        // replaced whole.
        self.graphs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The owner's live graph, elements in the order they were created.
    pub(crate) async fn graph_of<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
    ) -> Result<Graph, StoreError> {
        let nodes: Vec<T::Node> = self.list(&element_query::<T>(org, owner)).await?;
        let edges: Vec<T::Edge> = self.list(&element_query::<T>(org, owner)).await?;
        let nodes: Vec<GraphNode> = nodes.iter().map(T::node).collect();
        // A connection whose node is gone (a designer deleted the node while another, offline,
        // connected it: sync keeps both edits) is not part of the graph; the next save
        // tombstones it. Kept in storage until then, an undone delete brings it back whole.
        let live: std::collections::HashSet<Uuid> = nodes.iter().map(|n| n.id).collect();
        Ok(Graph {
            edges: edges
                .iter()
                .map(T::edge)
                .filter(|e| live.contains(&e.source) && live.contains(&e.target))
                .collect(),
            nodes,
        })
    }

    /// The writes that make the owner's stored graph `graph`: new elements inserted (or brought
    /// back, when an earlier save tombstoned them), changed ones updated (keeping their creation
    /// time), removed ones tombstoned — nothing else, so concurrent edits to other elements
    /// survive sync.
    pub(crate) async fn graph_ops<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
        graph: &Graph,
    ) -> Result<Vec<WriteOp>, StoreError> {
        let old_nodes: HashMap<Uuid, T::Node> = self
            .list::<T::Node>(&element_query::<T>(org, owner))
            .await?
            .into_iter()
            .map(|n| (n.id(), n))
            .collect();
        let old_edges: HashMap<Uuid, T::Edge> = self
            .list::<T::Edge>(&element_query::<T>(org, owner))
            .await?
            .into_iter()
            .map(|e| (e.id(), e))
            .collect();
        let now = crate::repo::now();
        let mut ops = Vec::new();
        let kept_edges: HashSet<Uuid> = graph.edges.iter().map(|e| e.id).collect();
        for id in old_edges.keys().filter(|id| !kept_edges.contains(id)) {
            ops.push(self.tombstone_op::<T::Edge>(Some(org), *id, false)?);
        }
        let kept_nodes: HashSet<Uuid> = graph.nodes.iter().map(|n| n.id).collect();
        for id in old_nodes.keys().filter(|id| !kept_nodes.contains(id)) {
            ops.push(self.tombstone_op::<T::Node>(Some(org), *id, false)?);
        }
        for n in &graph.nodes {
            let mut row = T::node_row(org, owner, n, now);
            match old_nodes.get(&n.id) {
                None => ops.push(self.insert_or_revive_op(&row, T::OWNER_COLUMN)?.0),
                Some(old) if T::node(old) != T::node(&row) => {
                    T::set_node_created(&mut row, T::node_created(old));
                    ops.push(self.update_op(&row)?.0);
                }
                Some(_) => {}
            }
        }
        for e in &graph.edges {
            let mut row = T::edge_row(org, owner, e, now);
            match old_edges.get(&e.id) {
                None => ops.push(self.insert_or_revive_op(&row, T::OWNER_COLUMN)?.0),
                Some(old) if T::edge(old) != T::edge(&row) => {
                    T::set_edge_created(&mut row, T::edge_created(old));
                    ops.push(self.update_op(&row)?.0);
                }
                Some(_) => {}
            }
        }
        Ok(ops)
    }

    /// The writes that make `changes` on `base`, the owner's stored graph: only the elements the
    /// changes name are looked at — new ones inserted (or brought back), changed ones updated (keeping their
    /// creation time, read for those rows only), removed ones tombstoned.
    pub(crate) async fn change_ops<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
        base: &Graph,
        changes: &GraphChanges,
    ) -> Result<Vec<WriteOp>, StoreError> {
        let old_nodes: HashMap<Uuid, &GraphNode> = base.nodes.iter().map(|n| (n.id, n)).collect();
        let old_edges: HashMap<Uuid, &GraphEdge> = base.edges.iter().map(|e| (e.id, e)).collect();
        let now = crate::repo::now();
        let mut ops = Vec::new();
        // A removal that the same changes put back is an update.
        let kept_edges: HashSet<Uuid> = changes.edges.iter().map(|e| e.id).collect();
        let kept_nodes: HashSet<Uuid> = changes.nodes.iter().map(|n| n.id).collect();
        for id in changes.removed_edges.iter().collect::<HashSet<_>>() {
            if old_edges.contains_key(id) && !kept_edges.contains(id) {
                ops.push(self.tombstone_op::<T::Edge>(Some(org), *id, false)?);
            }
        }
        for id in changes.removed_nodes.iter().collect::<HashSet<_>>() {
            if old_nodes.contains_key(id) && !kept_nodes.contains(id) {
                ops.push(self.tombstone_op::<T::Node>(Some(org), *id, false)?);
            }
        }
        let changed_nodes: Vec<&GraphNode> = changes
            .nodes
            .iter()
            .filter(|n| old_nodes.get(&n.id).is_some_and(|old| *old != *n))
            .collect();
        let changed_edges: Vec<&GraphEdge> = changes
            .edges
            .iter()
            .filter(|e| old_edges.get(&e.id).is_some_and(|old| *old != *e))
            .collect();
        let mut created = HashMap::new();
        for chunk in changed_nodes.chunks(500) {
            let q = ListQuery {
                ids: chunk.iter().map(|n| n.id).collect(),
                ..element_query::<T>(org, owner)
            };
            for row in self.list::<T::Node>(&q).await? {
                created.insert(row.id(), T::node_created(&row));
            }
        }
        for chunk in changed_edges.chunks(500) {
            let q = ListQuery {
                ids: chunk.iter().map(|e| e.id).collect(),
                ..element_query::<T>(org, owner)
            };
            for row in self.list::<T::Edge>(&q).await? {
                created.insert(row.id(), T::edge_created(&row));
            }
        }
        // An id named twice takes its last value, as GraphChanges::apply does.
        let mut seen = HashSet::new();
        for n in changes.nodes.iter().rev() {
            if !seen.insert(n.id) {
                continue;
            }
            let mut row = T::node_row(org, owner, n, now);
            match old_nodes.get(&n.id) {
                None => ops.push(self.insert_or_revive_op(&row, T::OWNER_COLUMN)?.0),
                Some(old) if *old != n => {
                    T::set_node_created(&mut row, created.get(&n.id).copied().unwrap_or(now));
                    ops.push(self.update_op(&row)?.0);
                }
                Some(_) => {}
            }
        }
        let mut seen = HashSet::new();
        for e in changes.edges.iter().rev() {
            if !seen.insert(e.id) {
                continue;
            }
            let mut row = T::edge_row(org, owner, e, now);
            match old_edges.get(&e.id) {
                None => ops.push(self.insert_or_revive_op(&row, T::OWNER_COLUMN)?.0),
                Some(old) if *old != e => {
                    T::set_edge_created(&mut row, created.get(&e.id).copied().unwrap_or(now));
                    ops.push(self.update_op(&row)?.0);
                }
                Some(_) => {}
            }
        }
        Ok(ops)
    }

    /// The writes of a save: the whole stored graph compared with `graph`, or only what
    /// `changes` name when the save came as changes to `base`.
    pub(crate) async fn save_ops<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
        graph: &Graph,
        from: Option<(&Graph, &GraphChanges)>,
    ) -> Result<Vec<WriteOp>, StoreError> {
        match from {
            None => self.graph_ops::<T>(org, owner, graph).await,
            Some((base, changes)) => self.change_ops::<T>(org, owner, base, changes).await,
        }
    }

    /// The inserts of a new owner's whole graph.
    pub(crate) fn new_graph_ops<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
        graph: &Graph,
    ) -> Result<Vec<WriteOp>, StoreError> {
        let now = crate::repo::now();
        let mut ops = Vec::with_capacity(graph.nodes.len() + graph.edges.len());
        for n in &graph.nodes {
            ops.push(self.insert_op(&T::node_row(org, owner, n, now))?.0);
        }
        for e in &graph.edges {
            ops.push(self.insert_op(&T::edge_row(org, owner, e, now))?.0);
        }
        Ok(ops)
    }

    /// The tombstones of every element of an owner that is being deleted.
    pub(crate) async fn delete_graph_ops<T: GraphTables>(
        &self,
        org: Uuid,
        owner: Uuid,
    ) -> Result<Vec<WriteOp>, StoreError> {
        let nodes: Vec<T::Node> = self.list(&element_query::<T>(org, owner)).await?;
        let edges: Vec<T::Edge> = self.list(&element_query::<T>(org, owner)).await?;
        let mut ops = Vec::with_capacity(nodes.len() + edges.len());
        for e in &edges {
            ops.push(self.tombstone_op::<T::Edge>(Some(org), e.id(), false)?);
        }
        for n in &nodes {
            ops.push(self.tombstone_op::<T::Node>(Some(org), n.id(), false)?);
        }
        Ok(ops)
    }

    /// The version row a save writes, or none for an autosave close after the last version.
    pub(crate) async fn version_op<T: GraphTables>(
        &self,
        actor: Actor,
        owner: Uuid,
        version: i32,
        graph: &Graph,
        save: &SaveAs,
    ) -> Result<Option<WriteOp>, StoreError> {
        let now = crate::repo::now();
        if save.kind == VersionKind::Autosave {
            // Only the time of the latest version: reading the row would read its whole graph.
            let sql = format!(
                "SELECT created_at FROM {} WHERE organization_id = $1 AND {} = $2 ORDER BY created_at DESC LIMIT 1",
                T::VERSION_TABLE,
                T::OWNER_COLUMN
            );
            let latest: Option<DateTime<Utc>> = on_db!(self.db(), pool => {
                sqlx::query_scalar(&sql)
                    .bind(actor.organization_id)
                    .bind(owner)
                    .fetch_optional(pool)
                    .await?
            });
            if latest.is_some_and(|at| now - at < AUTOSAVE_CHECKPOINT) {
                return Ok(None);
            }
        }
        let graph_json = serde_json::to_value(graph)
            .map_err(|e| StoreError::Invalid(format!("the graph cannot be stored: {e}")))?;
        let row = T::version_row(actor, owner, version, graph, save, graph_json, now);
        Ok(Some(self.insert_op(&row)?.0))
    }
}

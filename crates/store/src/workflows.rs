//! Workflows as the canvas sees them: summaries, and `{nodes, edges}` documents stored one row
//! per element so edits to different nodes merge.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{Workflow, WorkflowEdge, WorkflowNode};
use neuroflow_model::graph::{check_workflow_graph, Graph, GraphEdge, GraphNode, Position};
use neuroflow_model::{new_id, validate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::on_db;
use crate::repo::{ListQuery, Store};
use crate::value::SqlValue;
use crate::versions::SaveAs;
use crate::StoreError;

/// Who is acting, and in which organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub organization_id: Uuid,
    pub user_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub version: i32,
    pub node_count: i32,
    pub is_active: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct WorkflowDoc {
    pub summary: WorkflowSummary,
    pub graph: Graph,
}

fn summary(w: &Workflow, node_count: i32) -> WorkflowSummary {
    WorkflowSummary {
        id: w.id,
        name: w.name.clone(),
        description: w.description.clone(),
        version: w.version,
        node_count,
        is_active: w.is_active,
        updated_at: w.updated_at,
    }
}

fn element_query(org: Uuid, workflow_id: Uuid) -> ListQuery {
    ListQuery {
        eq: vec![("workflow_id", SqlValue::Uuid(Some(workflow_id)))],
        order_by: "created_at",
        descending: false,
        limit: 100_000,
        ..ListQuery::in_org(org)
    }
}

impl Store {
    /// Live workflows of the organization, newest edit first, optionally filtered by name.
    pub async fn workflow_list(
        &self,
        actor: Actor,
        search: Option<&str>,
    ) -> Result<Vec<WorkflowSummary>, StoreError> {
        let search = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ("name", s.chars().take(200).collect()));
        let workflows: Vec<Workflow> = self
            .list(&ListQuery {
                search,
                limit: 1000,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?;
        let counts = self.node_counts(actor.organization_id).await?;
        Ok(workflows
            .iter()
            .map(|w| summary(w, counts.get(&w.id).copied().unwrap_or(0)))
            .collect())
    }

    async fn node_counts(&self, org: Uuid) -> Result<HashMap<Uuid, i32>, StoreError> {
        let sql = "SELECT workflow_id, COUNT(*) AS n FROM workflow_nodes WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY workflow_id";
        on_db!(self.db(), pool => {
            let rows: Vec<(Uuid, i64)> = sqlx::query_as(sql).bind(org).fetch_all(pool).await?;
            Ok(rows.into_iter().map(|(id, n)| (id, i32::try_from(n).unwrap_or(i32::MAX))).collect())
        })
    }

    pub async fn workflow_create(
        &self,
        actor: Actor,
        name: &str,
    ) -> Result<WorkflowSummary, StoreError> {
        let name = validate::name("workflow name", name)?;
        let now = Utc::now();
        let w = Workflow {
            id: new_id(),
            organization_id: actor.organization_id,
            name,
            description: String::new(),
            version: 1,
            template_id: None,
            execution_count: 0,
            last_executed: None,
            is_active: false,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        let stored = self.insert(&w).await?;
        Ok(summary(&stored, 0))
    }

    pub async fn workflow_rename(
        &self,
        actor: Actor,
        id: Uuid,
        name: &str,
    ) -> Result<WorkflowSummary, StoreError> {
        let name = validate::name("workflow name", name)?;
        let mut w: Workflow = self.get(Some(actor.organization_id), id).await?;
        w.name = name;
        let stored = self.update(&w).await?;
        let count = self
            .node_counts(actor.organization_id)
            .await?
            .get(&id)
            .copied()
            .unwrap_or(0);
        Ok(summary(&stored, count))
    }

    /// Tombstones the workflow and its nodes and edges in one transaction.
    pub async fn workflow_delete(&self, actor: Actor, id: Uuid) -> Result<(), StoreError> {
        let org = actor.organization_id;
        let _: Workflow = self.get(Some(org), id).await?;
        let nodes: Vec<WorkflowNode> = self.list(&element_query(org, id)).await?;
        let edges: Vec<WorkflowEdge> = self.list(&element_query(org, id)).await?;
        let mut ops = Vec::with_capacity(nodes.len() + edges.len() + 1);
        for e in &edges {
            ops.push(self.tombstone_op::<WorkflowEdge>(Some(org), e.id, false)?);
        }
        for n in &nodes {
            ops.push(self.tombstone_op::<WorkflowNode>(Some(org), n.id, false)?);
        }
        ops.push(self.tombstone_op::<Workflow>(Some(org), id, true)?);
        self.apply(ops).await
    }

    pub async fn workflow_get(&self, actor: Actor, id: Uuid) -> Result<WorkflowDoc, StoreError> {
        let org = actor.organization_id;
        let w: Workflow = self.get(Some(org), id).await?;
        let nodes: Vec<WorkflowNode> = self.list(&element_query(org, id)).await?;
        let edges: Vec<WorkflowEdge> = self.list(&element_query(org, id)).await?;
        let graph = Graph {
            nodes: nodes
                .into_iter()
                .map(|n| GraphNode {
                    id: n.id,
                    kind: n.kind,
                    label: n.label,
                    position: Position {
                        x: n.position_x,
                        y: n.position_y,
                    },
                    config: n.config,
                })
                .collect(),
            edges: edges
                .into_iter()
                .map(|e| GraphEdge {
                    id: e.id,
                    source: e.source_id,
                    source_handle: e.source_handle,
                    target: e.target_id,
                    target_handle: e.target_handle,
                })
                .collect(),
        };
        Ok(WorkflowDoc {
            summary: summary(&w, graph.nodes.len() as i32),
            graph,
        })
    }

    /// An explicit save: [`workflow_save_graph_as`](Self::workflow_save_graph_as) recorded as
    /// a version of kind SAVE.
    pub async fn workflow_save_graph(
        &self,
        actor: Actor,
        id: Uuid,
        graph: &Graph,
    ) -> Result<WorkflowDoc, StoreError> {
        self.workflow_save_graph_as(actor, id, graph, &SaveAs::save())
            .await
    }

    /// Replaces the workflow's graph: only elements that changed are written (so concurrent
    /// edits to other elements survive sync), removed ones are tombstoned, the version goes up
    /// by one and the save is recorded in the history as `save` says (an autosave only at a
    /// checkpoint) — all in one transaction.
    pub async fn workflow_save_graph_as(
        &self,
        actor: Actor,
        id: Uuid,
        graph: &Graph,
        save: &SaveAs,
    ) -> Result<WorkflowDoc, StoreError> {
        check_graph(graph, "saved")?;
        let org = actor.organization_id;
        let mut workflow: Workflow = self.get(Some(org), id).await?;
        let old_nodes: HashMap<Uuid, WorkflowNode> = self
            .list::<WorkflowNode>(&element_query(org, id))
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
        let old_edges: HashMap<Uuid, WorkflowEdge> = self
            .list::<WorkflowEdge>(&element_query(org, id))
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let now = Utc::now();
        let mut ops = Vec::new();

        let kept_edges: std::collections::HashSet<Uuid> =
            graph.edges.iter().map(|e| e.id).collect();
        for e in old_edges.values().filter(|e| !kept_edges.contains(&e.id)) {
            ops.push(self.tombstone_op::<WorkflowEdge>(Some(org), e.id, false)?);
        }
        let new_ids: std::collections::HashSet<Uuid> = graph.nodes.iter().map(|n| n.id).collect();
        for n in old_nodes.values().filter(|n| !new_ids.contains(&n.id)) {
            ops.push(self.tombstone_op::<WorkflowNode>(Some(org), n.id, false)?);
        }
        for n in &graph.nodes {
            let row = node_row(org, id, n, now);
            match old_nodes.get(&n.id) {
                None => ops.push(self.insert_op(&row)?.0),
                Some(old) if !same_node(old, &row) => ops.push(
                    self.update_op(&WorkflowNode {
                        created_at: old.created_at,
                        ..row
                    })?
                    .0,
                ),
                Some(_) => {}
            }
        }
        for e in &graph.edges {
            let row = edge_row(org, id, e, now);
            match old_edges.get(&e.id) {
                None => ops.push(self.insert_op(&row)?.0),
                Some(old) if !same_edge(old, &row) => ops.push(
                    self.update_op(&WorkflowEdge {
                        created_at: old.created_at,
                        ..row
                    })?
                    .0,
                ),
                Some(_) => {}
            }
        }
        workflow.version = workflow.version.saturating_add(1);
        ops.push(self.update_op(&workflow)?.0);
        if let Some(op) = self
            .workflow_version_op(actor, id, workflow.version, graph, save)
            .await?
        {
            ops.push(op);
        }
        self.apply(ops).await.map_err(|e| match e {
            // An id that exists as a tombstone or in another workflow collides on insert.
            StoreError::Conflict(_) => StoreError::Conflict(
                "an element id in this graph is already used elsewhere; reload and try again"
                    .into(),
            ),
            other => other,
        })?;
        self.workflow_get(actor, id).await
    }

    /// A new workflow holding an imported graph — the workflow, every element and the first
    /// version (kind IMPORT) in one transaction: an invalid graph creates nothing.
    pub async fn workflow_import(
        &self,
        actor: Actor,
        name: &str,
        graph: &Graph,
    ) -> Result<WorkflowDoc, StoreError> {
        let name = validate::name("workflow name", name)?;
        check_graph(graph, "imported")?;
        let org = actor.organization_id;
        let now = Utc::now();
        let w = Workflow {
            id: new_id(),
            organization_id: org,
            name,
            description: String::new(),
            version: 1,
            template_id: None,
            execution_count: 0,
            last_executed: None,
            is_active: false,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        let mut ops = vec![self.insert_op(&w)?.0];
        for n in &graph.nodes {
            ops.push(self.insert_op(&node_row(org, w.id, n, now))?.0);
        }
        for e in &graph.edges {
            ops.push(self.insert_op(&edge_row(org, w.id, e, now))?.0);
        }
        let import = SaveAs {
            kind: neuroflow_model::VersionKind::Import,
            label: "Imported".into(),
        };
        if let Some(op) = self
            .workflow_version_op(actor, w.id, 1, graph, &import)
            .await?
        {
            ops.push(op);
        }
        self.apply(ops).await.map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(
                "an element id in this file is already used in this workspace; import it again to get fresh ids"
                    .into(),
            ),
            other => other,
        })?;
        self.workflow_get(actor, w.id).await
    }
}

/// The structural checks of a graph about to be stored, as one error naming the first few.
fn check_graph(graph: &Graph, verb: &str) -> Result<(), StoreError> {
    check_workflow_graph(graph).map_err(|errors| {
        let shown: Vec<_> = errors.iter().take(5).map(|e| e.message.clone()).collect();
        let more = errors.len().saturating_sub(shown.len());
        let mut message = format!("the graph cannot be {verb}: {}", shown.join("; "));
        if more > 0 {
            message.push_str(&format!(" (and {more} more)"));
        }
        StoreError::Invalid(message)
    })
}

fn node_row(org: Uuid, workflow_id: Uuid, n: &GraphNode, now: DateTime<Utc>) -> WorkflowNode {
    WorkflowNode {
        id: n.id,
        organization_id: org,
        workflow_id,
        kind: n.kind.clone(),
        label: n.label.trim().to_string(),
        position_x: n.position.x,
        position_y: n.position.y,
        config: n.config.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hlc: String::new(),
    }
}

fn edge_row(org: Uuid, workflow_id: Uuid, e: &GraphEdge, now: DateTime<Utc>) -> WorkflowEdge {
    WorkflowEdge {
        id: e.id,
        organization_id: org,
        workflow_id,
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

fn same_node(a: &WorkflowNode, b: &WorkflowNode) -> bool {
    a.kind == b.kind
        && a.label == b.label
        && a.position_x == b.position_x
        && a.position_y == b.position_y
        && a.config == b.config
}

fn same_edge(a: &WorkflowEdge, b: &WorkflowEdge) -> bool {
    a.source_id == b.source_id
        && a.source_handle == b.source_handle
        && a.target_id == b.target_id
        && a.target_handle == b.target_handle
}

impl Store {
    /// Local edits not yet pushed to the team database (always 0 on Postgres, which has no outbox).
    pub async fn outbox_len(&self) -> Result<i64, StoreError> {
        match self.db() {
            crate::Db::Sqlite(pool) => {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
                    .fetch_one(pool)
                    .await?;
                Ok(n)
            }
            crate::Db::Postgres(_) => Ok(0),
        }
    }
}

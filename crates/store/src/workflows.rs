//! Workflows as the canvas sees them: summaries, and `{nodes, edges}` documents stored one row
//! per element so edits to different nodes merge.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{AiAgent, Workflow};
use neuroflow_model::graph::{Graph, GraphChanges};
use neuroflow_model::settings::WorkflowSettings;
use neuroflow_model::{new_id, validate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::blueprints::{import_conflict, NewBlueprint};
use crate::db::on_db;
use crate::graph_docs::{check, WorkflowTables};
use crate::repo::{ListQuery, Store};
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
    /// Finished runs of the workflow on this device (runs are kept where they ran: they are
    /// not synced).
    pub runs: i32,
    /// When the latest of them finished.
    pub last_run_at: Option<DateTime<Utc>>,
}

/// What a summary counts besides the workflow row: its nodes and its finished runs.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    nodes: i32,
    runs: i32,
    last_run_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct WorkflowDoc {
    pub summary: WorkflowSummary,
    pub graph: Graph,
    pub settings: WorkflowSettings,
}

/// A new, empty workflow of the actor, at version 1.
fn new_workflow(actor: Actor, name: String) -> Workflow {
    let now = crate::repo::now();
    Workflow {
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
        settings: WorkflowSettings::default().to_json(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hlc: String::new(),
    }
}

fn summary(w: &Workflow, figures: Figures) -> WorkflowSummary {
    WorkflowSummary {
        id: w.id,
        name: w.name.clone(),
        description: w.description.clone(),
        version: w.version,
        node_count: figures.nodes,
        is_active: w.is_active,
        updated_at: w.updated_at,
        runs: figures.runs,
        last_run_at: figures.last_run_at,
    }
}

fn clamped<N: TryInto<i32>>(n: N) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
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
        let mut figures = self.figures(actor.organization_id, None).await?;
        Ok(workflows
            .iter()
            .map(|w| summary(w, figures.remove(&w.id).unwrap_or_default()))
            .collect())
    }

    /// Node counts and run figures of the organization's workflows (of one when given), in two
    /// grouped reads. A workflow's run figures are counted from its executions rather than kept
    /// on its row: the row syncs and the runs do not, a counter on it written by two offline
    /// devices kept one device's count, and each run looked like an edit of the workflow.
    async fn figures(
        &self,
        org: Uuid,
        only: Option<Uuid>,
    ) -> Result<HashMap<Uuid, Figures>, StoreError> {
        let filter = if only.is_some() {
            " AND workflow_id = $2"
        } else {
            ""
        };
        let nodes_sql = format!("SELECT workflow_id, COUNT(*) FROM workflow_nodes WHERE organization_id = $1 AND deleted_at IS NULL{filter} GROUP BY workflow_id");
        let runs_sql = format!("SELECT workflow_id, COUNT(*), MAX(finished_at) FROM workflow_executions WHERE organization_id = $1 AND deleted_at IS NULL AND finished_at IS NOT NULL{filter} GROUP BY workflow_id");
        let mut figures: HashMap<Uuid, Figures> = HashMap::new();
        on_db!(self.db(), pool => {
            let mut nodes = sqlx::query_as::<_, (Uuid, i64)>(&nodes_sql).bind(org);
            let mut runs = sqlx::query_as::<_, (Uuid, i64, Option<DateTime<Utc>>)>(&runs_sql).bind(org);
            if let Some(id) = only {
                nodes = nodes.bind(id);
                runs = runs.bind(id);
            }
            for (id, n) in nodes.fetch_all(pool).await? {
                figures.entry(id).or_default().nodes = clamped(n);
            }
            for (id, n, last) in runs.fetch_all(pool).await? {
                let f = figures.entry(id).or_default();
                f.runs = clamped(n);
                f.last_run_at = last;
            }
        });
        Ok(figures)
    }

    /// The run figures of one workflow, for a summary whose node count is known.
    async fn run_figures(&self, org: Uuid, id: Uuid, nodes: i32) -> Result<Figures, StoreError> {
        let sql = "SELECT COUNT(*), MAX(finished_at) FROM workflow_executions WHERE organization_id = $1 AND workflow_id = $2 AND deleted_at IS NULL AND finished_at IS NOT NULL";
        let (runs, last_run_at) = on_db!(self.db(), pool => {
            sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(sql).bind(org).bind(id).fetch_one(pool).await?
        });
        Ok(Figures {
            nodes,
            runs: clamped(runs),
            last_run_at,
        })
    }

    pub async fn workflow_create(
        &self,
        actor: Actor,
        name: &str,
    ) -> Result<WorkflowSummary, StoreError> {
        let name = validate::name("workflow name", name)?;
        let stored = self.insert(&new_workflow(actor, name)).await?;
        Ok(summary(&stored, Figures::default()))
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
        let figures = self
            .figures(actor.organization_id, Some(id))
            .await?
            .remove(&id)
            .unwrap_or_default();
        Ok(summary(&stored, figures))
    }

    /// Tombstones the workflow and its nodes and edges in one transaction.
    pub async fn workflow_delete(&self, actor: Actor, id: Uuid) -> Result<(), StoreError> {
        let org = actor.organization_id;
        let _: Workflow = self.get(Some(org), id).await?;
        let mut ops = self.delete_graph_ops::<WorkflowTables>(org, id).await?;
        ops.push(self.tombstone_op::<Workflow>(Some(org), id, true)?);
        self.forget_graph(id);
        self.apply(ops).await
    }

    pub async fn workflow_get(&self, actor: Actor, id: Uuid) -> Result<WorkflowDoc, StoreError> {
        let org = actor.organization_id;
        let w: Workflow = self.get(Some(org), id).await?;
        let graph = self.graph_of::<WorkflowTables>(org, id).await?;
        // Opening a canvas is followed by its live checks and saves: they start from this.
        self.remember_graph(id, &w.hlc, Arc::new(graph.clone()));
        let figures = self
            .run_figures(org, id, clamped(graph.nodes.len()))
            .await?;
        Ok(WorkflowDoc {
            summary: summary(&w, figures),
            graph,
            settings: WorkflowSettings::from_json(&w.settings),
        })
    }

    /// The workflow's settings (what its runs may do).
    pub async fn workflow_settings(
        &self,
        actor: Actor,
        id: Uuid,
    ) -> Result<WorkflowSettings, StoreError> {
        let w: Workflow = self.get(Some(actor.organization_id), id).await?;
        Ok(WorkflowSettings::from_json(&w.settings))
    }

    /// Replaces the workflow's settings; its graph and version are left as they are.
    pub async fn workflow_set_settings(
        &self,
        actor: Actor,
        id: Uuid,
        settings: &WorkflowSettings,
    ) -> Result<WorkflowSettings, StoreError> {
        let settings = settings.clone().validated().map_err(StoreError::Invalid)?;
        let mut w: Workflow = self.get(Some(actor.organization_id), id).await?;
        w.settings = settings.to_json();
        let updated = self.update(&w).await?;
        Ok(WorkflowSettings::from_json(&updated.settings))
    }

    /// The workflow's stored graph, from memory when it was read or saved here since it last
    /// changed (for the canvas's live checks).
    pub async fn workflow_graph(&self, actor: Actor, id: Uuid) -> Result<Arc<Graph>, StoreError> {
        let org = actor.organization_id;
        let w: Workflow = self.get(Some(org), id).await?;
        self.current_graph::<WorkflowTables>(org, id, &w.hlc).await
    }

    /// What a run needs of the workflow: its stored graph (from memory when it was read or saved
    /// here since it last changed, as for the live checks) and its settings, from one read of
    /// its row.
    pub async fn workflow_for_run(
        &self,
        actor: Actor,
        id: Uuid,
    ) -> Result<(Arc<Graph>, WorkflowSettings), StoreError> {
        let org = actor.organization_id;
        let w: Workflow = self.get(Some(org), id).await?;
        let graph = self
            .current_graph::<WorkflowTables>(org, id, &w.hlc)
            .await?;
        Ok((graph, WorkflowSettings::from_json(&w.settings)))
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
        let w: Workflow = self.get(Some(actor.organization_id), id).await?;
        self.write_workflow_graph(actor, w, Arc::new(graph.clone()), None, save)
            .await?;
        self.workflow_get(actor, id).await
    }

    /// Saves what the canvas changed since it loaded or last saved, as
    /// [`workflow_save_graph_as`](Self::workflow_save_graph_as) saves: the stored graph with
    /// `changes` made is checked whole (in memory), only the rows the changes name are read and
    /// written, and only the summary comes back — so what a save costs follows the edit, not the
    /// graph (an explicit save's version still holds the whole graph).
    pub async fn workflow_save_changes(
        &self,
        actor: Actor,
        id: Uuid,
        changes: &GraphChanges,
        save: &SaveAs,
    ) -> Result<WorkflowSummary, StoreError> {
        let org = actor.organization_id;
        let w: Workflow = self.get(Some(org), id).await?;
        let base = self
            .current_graph::<WorkflowTables>(org, id, &w.hlc)
            .await?;
        let mut graph = (*base).clone();
        changes.apply(&mut graph);
        let count = clamped(graph.nodes.len());
        let w = self
            .write_workflow_graph(actor, w, Arc::new(graph), Some((&base, changes)), save)
            .await?;
        Ok(summary(&w, self.run_figures(org, id, count).await?))
    }

    /// Writes `graph` as the workflow's new version (the writes: see Store::save_ops); returns
    /// the workflow as updated.
    async fn write_workflow_graph(
        &self,
        actor: Actor,
        mut workflow: Workflow,
        graph: Arc<Graph>,
        from: Option<(&Graph, &GraphChanges)>,
        save: &SaveAs,
    ) -> Result<Workflow, StoreError> {
        check::<WorkflowTables>(&graph, "saved")?;
        let org = actor.organization_id;
        let id = workflow.id;
        let mut ops = self
            .save_ops::<WorkflowTables>(org, id, &graph, from)
            .await?;
        workflow.version = workflow.version.saturating_add(1);
        let (op, updated) = self.update_op(&workflow)?;
        ops.push(op);
        if let Some(op) = self
            .version_op::<WorkflowTables>(actor, id, workflow.version, &graph, save)
            .await?
        {
            ops.push(op);
        }
        self.apply(ops).await.map_err(|e| match e {
            // An id live elsewhere, or a tombstone of another workflow, collides on insert (this
            // workflow's own tombstones are brought back).
            StoreError::Conflict(_) => StoreError::Conflict(
                "an element id in this graph is already used elsewhere; reload and try again"
                    .into(),
            ),
            other => other,
        })?;
        self.remember_graph(id, &updated.hlc, graph);
        Ok(updated)
    }

    /// A new workflow holding an imported graph — the workflow, every element and the first
    /// version (kind IMPORT) — with the blueprints the file carries that it calls (`carried`,
    /// each created as [`Store::blueprint_import`] creates them) and the agents it uses that
    /// this workspace lacks (`agents`, under the ids the importer chose), all in one
    /// transaction: an invalid graph, blueprint or agent creates nothing.
    pub async fn workflow_import(
        &self,
        actor: Actor,
        name: &str,
        graph: &Graph,
        carried: &[NewBlueprint],
        agents: &[AiAgent],
    ) -> Result<WorkflowDoc, StoreError> {
        let name = validate::name("workflow name", name)?;
        check::<WorkflowTables>(graph, "imported")?;
        let org = actor.organization_id;
        let name = validate::free_name(&name, &self.names_like::<Workflow>(org, &name).await?);
        let mut ops = self.carried_ops(actor, carried).await?;
        for agent in agents {
            if agent.organization_id != org {
                return Err(StoreError::Invalid(
                    "an imported agent belongs to another organization".into(),
                ));
            }
            validate::name("agent name", &agent.name)?;
            ops.push(self.insert_op(agent)?.0);
        }
        let w = new_workflow(actor, name);
        ops.push(self.insert_op(&w)?.0);
        ops.extend(self.new_graph_ops::<WorkflowTables>(org, w.id, graph)?);
        if let Some(op) = self
            .version_op::<WorkflowTables>(actor, w.id, 1, graph, &SaveAs::import())
            .await?
        {
            ops.push(op);
        }
        self.apply(ops).await.map_err(import_conflict)?;
        self.workflow_get(actor, w.id).await
    }
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

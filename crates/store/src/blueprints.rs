//! Tool blueprints as the Garage sees them: summaries with category, sharing and tool signature, and `{nodes, edges}` documents stored one row per component, saved with versions like workflows.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use neuroflow_model::entities::ToolBlueprint;
use neuroflow_model::graph::{Graph, GraphChanges, GraphNode, Position};
use neuroflow_model::signature::signature;
use neuroflow_model::{new_id, validate, AIToolCategory};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::graph_docs::{check, BlueprintTables};
use crate::repo::{ListQuery, Store, WriteOp};
use crate::value::SqlValue;
use crate::versions::SaveAs;
use crate::workflows::Actor;
use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub category: AIToolCategory,
    pub is_public: bool,
    pub version: i32,
    pub node_count: i32,
    /// JSON Schema of the tool's parameters (from its input components).
    pub input_schema: Json,
    /// JSON Schema of the tool's result (from its output components).
    pub output_schema: Json,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BlueprintDoc {
    pub summary: BlueprintSummary,
    pub graph: Graph,
}

/// A blueprint an import creates along with the graph it imports (one the file carries for
/// its `blueprint.call` nodes), under an id the importer chose so the imported graphs can
/// already call it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBlueprint {
    pub id: Uuid,
    pub meta: BlueprintMeta,
    pub graph: Graph,
}

/// An import that collides with rows already stored: ids in the file are used elsewhere.
pub(crate) fn import_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict(_) => StoreError::Conflict(
            "an id in this file is already used in this workspace; import it again to get fresh ids"
                .into(),
        ),
        other => other,
    }
}

/// What the Blueprints page edits besides the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub category: AIToolCategory,
    #[serde(default)]
    pub is_public: bool,
}

fn summary(b: &ToolBlueprint, node_count: i32) -> BlueprintSummary {
    BlueprintSummary {
        id: b.id,
        name: b.name.clone(),
        description: b.description.clone(),
        category: b.category,
        is_public: b.is_public,
        version: b.version,
        node_count,
        input_schema: b.input_schema.clone(),
        output_schema: b.output_schema.clone(),
        updated_at: b.updated_at,
    }
}

/// A new blueprint starts as a tool that passes its input through: one input with a `text`
/// parameter, one output, connected — something that runs, to edit from.
fn starter_graph() -> Graph {
    let input = GraphNode {
        id: new_id(),
        kind: "blueprint.input".into(),
        label: "Tool input".into(),
        position: Position { x: 80.0, y: 160.0 },
        config: json!({"parameters": [{"name": "text", "type": "string", "description": "What the tool works on", "required": true}]}),
    };
    let output = GraphNode {
        id: new_id(),
        kind: "output".into(),
        label: "Tool output".into(),
        position: Position { x: 440.0, y: 160.0 },
        config: json!({"fields": [{"name": "text", "type": "string", "description": "The result"}]}),
    };
    let edge = neuroflow_model::graph::GraphEdge {
        id: new_id(),
        source: input.id,
        source_handle: None,
        target: output.id,
        target_handle: None,
    };
    Graph {
        nodes: vec![input, output],
        edges: vec![edge],
    }
}

impl Store {
    /// The organization's blueprints, newest edit first; filtered by name and category.
    pub async fn blueprint_list(
        &self,
        actor: Actor,
        search: Option<&str>,
        category: Option<AIToolCategory>,
    ) -> Result<Vec<BlueprintSummary>, StoreError> {
        let search = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ("name", s.chars().take(200).collect()));
        let mut query = ListQuery {
            search,
            limit: 1000,
            ..ListQuery::in_org(actor.organization_id)
        };
        if let Some(c) = category {
            query.eq.push((
                "category",
                SqlValue::Text(Some(neuroflow_model::DbEnum::as_str(c).to_string())),
            ));
        }
        let rows: Vec<ToolBlueprint> = self.list(&query).await?;
        let mut out = Vec::with_capacity(rows.len());
        for b in &rows {
            let count = self
                .graph_of::<BlueprintTables>(actor.organization_id, b.id)
                .await?
                .nodes
                .len();
            out.push(summary(b, i32::try_from(count).unwrap_or(i32::MAX)));
        }
        Ok(out)
    }

    /// A new blueprint with the starter graph (input → output) as its first version.
    pub async fn blueprint_create(
        &self,
        actor: Actor,
        meta: &BlueprintMeta,
    ) -> Result<BlueprintDoc, StoreError> {
        self.new_blueprint(actor, meta, &starter_graph(), &SaveAs::save())
            .await
    }

    /// A new blueprint holding an imported graph — the blueprint, every component and the first
    /// version (kind IMPORT) in one transaction, with the blueprints the file carries that it
    /// calls (`carried`, see [`Store::carried_ops`]): an invalid graph creates nothing.
    pub async fn blueprint_import(
        &self,
        actor: Actor,
        meta: &BlueprintMeta,
        graph: &Graph,
        carried: &[NewBlueprint],
    ) -> Result<BlueprintDoc, StoreError> {
        check::<BlueprintTables>(graph, "imported")?;
        let mut ops = self.carried_ops(actor, carried).await?;
        let id = new_id();
        let name = validate::name("blueprint name", &meta.name)?;
        let meta = BlueprintMeta {
            name: validate::free_name(
                &name,
                &self
                    .names_like::<ToolBlueprint>(actor.organization_id, &name)
                    .await?,
            ),
            ..meta.clone()
        };
        ops.extend(
            self.new_blueprint_ops(actor, id, &meta, graph, &SaveAs::import())
                .await?,
        );
        self.apply(ops).await.map_err(import_conflict)?;
        self.blueprint_get(actor, id).await
    }

    /// The writes that create the blueprints an import carries along with its graph, each as
    /// a new blueprint under the id the importer chose (so the imported graphs already call
    /// it) with its first version (kind IMPORT). Every graph is checked first: one invalid
    /// blueprint refuses the whole import, naming it.
    pub(crate) async fn carried_ops(
        &self,
        actor: Actor,
        carried: &[NewBlueprint],
    ) -> Result<Vec<WriteOp>, StoreError> {
        for b in carried {
            let named = |e: StoreError| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!(
                    "blueprint '{}' that the file carries: {m}",
                    b.meta.name.chars().take(80).collect::<String>()
                )),
                other => other,
            };
            validate::name("blueprint name", &b.meta.name).map_err(|e| named(e.into()))?;
            check::<BlueprintTables>(&b.graph, "imported").map_err(named)?;
        }
        let mut ops = Vec::new();
        for b in carried {
            ops.extend(
                self.new_blueprint_ops(actor, b.id, &b.meta, &b.graph, &SaveAs::import())
                    .await?,
            );
        }
        Ok(ops)
    }

    async fn new_blueprint(
        &self,
        actor: Actor,
        meta: &BlueprintMeta,
        graph: &Graph,
        first: &SaveAs,
    ) -> Result<BlueprintDoc, StoreError> {
        let id = new_id();
        let ops = self
            .new_blueprint_ops(actor, id, meta, graph, first)
            .await?;
        self.apply(ops).await?;
        self.blueprint_get(actor, id).await
    }

    /// The writes that create blueprint `id` with `graph` as its first version.
    async fn new_blueprint_ops(
        &self,
        actor: Actor,
        id: Uuid,
        meta: &BlueprintMeta,
        graph: &Graph,
        first: &SaveAs,
    ) -> Result<Vec<WriteOp>, StoreError> {
        let name = validate::name("blueprint name", &meta.name)?;
        let sig = signature(graph);
        let now = crate::repo::now();
        let org = actor.organization_id;
        let b = ToolBlueprint {
            id,
            organization_id: org,
            name,
            description: meta.description.trim().to_string(),
            category: meta.category,
            is_public: meta.is_public,
            version: 1,
            input_schema: sig.input_schema,
            output_schema: sig.output_schema,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        let mut ops = vec![self.insert_op(&b)?.0];
        ops.extend(self.new_graph_ops::<BlueprintTables>(org, b.id, graph)?);
        if let Some(op) = self
            .version_op::<BlueprintTables>(actor, b.id, 1, graph, first)
            .await?
        {
            ops.push(op);
        }
        Ok(ops)
    }

    /// Name, description, category and sharing.
    pub async fn blueprint_update_meta(
        &self,
        actor: Actor,
        id: Uuid,
        meta: &BlueprintMeta,
    ) -> Result<BlueprintSummary, StoreError> {
        let name = validate::name("blueprint name", &meta.name)?;
        let mut b: ToolBlueprint = self.get(Some(actor.organization_id), id).await?;
        b.name = name;
        b.description = meta.description.trim().to_string();
        b.category = meta.category;
        b.is_public = meta.is_public;
        self.update(&b).await?;
        Ok(self.blueprint_get(actor, id).await?.summary)
    }

    /// Tombstones the blueprint and its components and connections in one transaction.
    pub async fn blueprint_delete(&self, actor: Actor, id: Uuid) -> Result<(), StoreError> {
        let org = actor.organization_id;
        let _: ToolBlueprint = self.get(Some(org), id).await?;
        let mut ops = self.delete_graph_ops::<BlueprintTables>(org, id).await?;
        ops.push(self.tombstone_op::<ToolBlueprint>(Some(org), id, true)?);
        self.forget_graph(id);
        self.apply(ops).await
    }

    pub async fn blueprint_get(&self, actor: Actor, id: Uuid) -> Result<BlueprintDoc, StoreError> {
        let org = actor.organization_id;
        let b: ToolBlueprint = self.get(Some(org), id).await?;
        let graph = self.graph_of::<BlueprintTables>(org, id).await?;
        self.remember_graph(id, &b.hlc, Arc::new(graph.clone()));
        Ok(BlueprintDoc {
            summary: summary(&b, i32::try_from(graph.nodes.len()).unwrap_or(i32::MAX)),
            graph,
        })
    }

    /// The blueprint's stored graph, from memory when it was read or saved here since it last
    /// changed (for the canvas's live checks).
    pub async fn blueprint_graph(&self, actor: Actor, id: Uuid) -> Result<Arc<Graph>, StoreError> {
        let org = actor.organization_id;
        let b: ToolBlueprint = self.get(Some(org), id).await?;
        self.current_graph::<BlueprintTables>(org, id, &b.hlc).await
    }

    /// Replaces the blueprint's graph as workflows are saved (only changed components written,
    /// the version up by one, the save recorded in the history), and its tool signature with
    /// what the input and output components now declare — all in one transaction.
    pub async fn blueprint_save_graph_as(
        &self,
        actor: Actor,
        id: Uuid,
        graph: &Graph,
        save: &SaveAs,
    ) -> Result<BlueprintDoc, StoreError> {
        let b: ToolBlueprint = self.get(Some(actor.organization_id), id).await?;
        self.write_blueprint_graph(actor, b, Arc::new(graph.clone()), None, save)
            .await?;
        self.blueprint_get(actor, id).await
    }

    /// Saves what the canvas changed since it loaded or last saved, as
    /// [`Store::workflow_save_changes`] does for workflows: the stored graph with `changes`
    /// made is checked, only the rows the changes name are written, and only the summary (with
    /// the new signature) comes back.
    pub async fn blueprint_save_changes(
        &self,
        actor: Actor,
        id: Uuid,
        changes: &GraphChanges,
        save: &SaveAs,
    ) -> Result<BlueprintSummary, StoreError> {
        let org = actor.organization_id;
        let b: ToolBlueprint = self.get(Some(org), id).await?;
        let base = self
            .current_graph::<BlueprintTables>(org, id, &b.hlc)
            .await?;
        let mut graph = (*base).clone();
        changes.apply(&mut graph);
        let count = i32::try_from(graph.nodes.len()).unwrap_or(i32::MAX);
        let b = self
            .write_blueprint_graph(actor, b, Arc::new(graph), Some((&base, changes)), save)
            .await?;
        Ok(summary(&b, count))
    }

    /// Writes `graph` as the blueprint's new version and signature (the writes: see
    /// Store::save_ops); returns it as updated.
    async fn write_blueprint_graph(
        &self,
        actor: Actor,
        mut b: ToolBlueprint,
        graph: Arc<Graph>,
        from: Option<(&Graph, &GraphChanges)>,
        save: &SaveAs,
    ) -> Result<ToolBlueprint, StoreError> {
        check::<BlueprintTables>(&graph, "saved")?;
        let org = actor.organization_id;
        let id = b.id;
        let mut ops = self
            .save_ops::<BlueprintTables>(org, id, &graph, from)
            .await?;
        let sig = signature(&graph);
        b.version = b.version.saturating_add(1);
        b.input_schema = sig.input_schema;
        b.output_schema = sig.output_schema;
        let (op, updated) = self.update_op(&b)?;
        ops.push(op);
        if let Some(op) = self
            .version_op::<BlueprintTables>(actor, id, b.version, &graph, save)
            .await?
        {
            ops.push(op);
        }
        self.apply(ops).await.map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(
                "a component id in this graph is already used elsewhere; reload and try again"
                    .into(),
            ),
            other => other,
        })?;
        self.remember_graph(id, &updated.hlc, graph);
        Ok(updated)
    }
}

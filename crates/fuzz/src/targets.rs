//! The three fuzz targets: graph file bytes, generated graphs for the validator, and the save
//! commands' payloads.

use std::collections::{HashMap, HashSet};

use neuroflow_engine::file::{self, GraphFile};
use neuroflow_engine::validate::{validate, validate_with_blueprints};
use neuroflow_model::graph::{check_graph, Graph, GraphChanges, GraphSurface};
use neuroflow_store::versions::SaveAs;
use uuid::Uuid;

use crate::entropy::Entropy;
use crate::invariants::{checked, diagnostics, one_line, shape};
use crate::structured;

/// Bytes as a graph file and as an import (graph file or React Flow JSON).
pub fn file_parse(bytes: &[u8]) -> String {
    let parsed = file::parse(bytes);
    let mut outcome = match &parsed {
        Err(e) => {
            one_line("file::parse", &e.0);
            format!("parse err {}", shape(&e.0))
        }
        Ok(f) => {
            round_trip(f);
            let graph = f.graph();
            diagnostics(&graph, &validate(&graph));
            let passed = checked(check_graph(&graph, f.surface));
            for b in &f.blueprints {
                diagnostics(&b.graph, &validate(&b.graph));
            }
            format!(
                "parse ok {:?} check {passed} bp {}",
                f.surface,
                f.blueprints.len().min(3)
            )
        }
    };
    match file::parse_import(bytes) {
        Err(e) => {
            one_line("file::parse_import", &e.0);
            outcome.push_str(&format!(" | import err {}", shape(&e.0)));
        }
        Ok(imported) => {
            if let Ok(f) = &parsed {
                same_but_ids(&f.graph(), &imported.graph);
                assert_eq!(imported.blueprints.len(), f.blueprints.len());
                for (b, i) in f.blueprints.iter().zip(&imported.blueprints) {
                    assert_eq!(
                        b.id, i.id,
                        "a carried blueprint keeps the id its calls name"
                    );
                    same_but_ids(&b.graph, &i.graph);
                }
            }
            diagnostics(&imported.graph, &validate(&imported.graph));
            outcome.push_str(&format!(" | import ok {}", imported.source));
        }
    }
    outcome
}

/// A parsed file written and read again is the same file, and writing it again the same text.
fn round_trip(f: &GraphFile) {
    let text = match file::to_string(f) {
        Ok(t) => t,
        Err(e) => panic!("a parsed file cannot be written: {e}"),
    };
    let again = match file::parse(text.as_bytes()) {
        Ok(a) => a,
        Err(e) => panic!("a written file does not parse: {e}"),
    };
    assert!(again == *f, "parse → write → parse changed the file");
    let text2 = file::to_string(&again).unwrap_or_default();
    assert_eq!(text, text2, "writing is not a fixed point");
}

/// `imported` is `original` with fresh node and edge ids: same kinds, labels, configs and
/// positions in order, each edge between the same nodes through the same handles.
fn same_but_ids(original: &Graph, imported: &Graph) {
    assert_eq!(original.nodes.len(), imported.nodes.len());
    assert_eq!(original.edges.len(), imported.edges.len());
    let mut map: HashMap<Uuid, Uuid> = HashMap::new();
    for (o, i) in original.nodes.iter().zip(&imported.nodes) {
        assert_eq!(
            (&o.kind, &o.label, &o.config),
            (&i.kind, &i.label, &i.config)
        );
        assert_eq!(o.position, i.position);
        map.insert(o.id, i.id);
    }
    let originals: HashSet<Uuid> = original.nodes.iter().map(|n| n.id).collect();
    for n in &imported.nodes {
        assert!(
            !originals.contains(&n.id),
            "an imported node kept its id {}",
            n.id
        );
    }
    for (o, i) in original.edges.iter().zip(&imported.edges) {
        let end = |id: Uuid| map.get(&id).copied().unwrap_or(id);
        assert_eq!(
            end(o.source),
            i.source,
            "an edge's source did not follow its node"
        );
        assert_eq!(
            end(o.target),
            i.target,
            "an edge's target did not follow its node"
        );
        assert_eq!(
            (&o.source_handle, &o.target_handle),
            (&i.source_handle, &i.target_handle)
        );
    }
}

/// A graph made from the bytes with the palettes' kinds and schemas, validated alone and with
/// the blueprints its calls name (some missing), checked structurally, and written as a file.
pub fn validate_graph(bytes: &[u8]) -> String {
    let mut e = Entropy::new(bytes);
    let surface = if e.chance(25) {
        GraphSurface::Blueprint
    } else {
        GraphSurface::Workflow
    };
    let finite = e.chance(90);
    let blueprint_ids: Vec<Uuid> = (0..e.below(4))
        .map(|i| Uuid::from_u128(0xB1E_0000 + i as u128))
        .collect();
    let graph = structured::graph(&mut e, surface, &blueprint_ids, finite);
    let mut blueprints = HashMap::new();
    for id in &blueprint_ids {
        let found = if e.chance(85) {
            Ok(structured::graph(
                &mut e,
                GraphSurface::Blueprint,
                &blueprint_ids,
                true,
            ))
        } else {
            Err("no such blueprint".to_string())
        };
        blueprints.insert(*id, found);
    }
    let alone = validate(&graph);
    diagnostics(&graph, &alone);
    let with = validate_with_blueprints(&graph, Some(&blueprints));
    diagnostics(&graph, &with);
    let passed = checked(check_graph(&graph, surface));
    if passed {
        // What the store accepts has unique ids and edges between its nodes.
        let ids: HashSet<Uuid> = graph.nodes.iter().map(|n| n.id).collect();
        assert_eq!(
            ids.len(),
            graph.nodes.len(),
            "check_graph passed duplicate node ids"
        );
        for edge in &graph.edges {
            assert!(ids.contains(&edge.source) && ids.contains(&edge.target));
        }
    }
    if finite {
        let mut f = GraphFile::new("fuzz", graph.clone());
        f.surface = surface;
        round_trip(&f);
    }
    let mut codes: Vec<String> = with.iter().map(|d| format!("{:?}", d.code)).collect();
    codes.sort();
    codes.dedup();
    format!("{surface:?} check {passed} {}", codes.join(","))
}

/// What `workflow_save_changes` / `workflow_save_graph` and the blueprint saves take, either
/// generated (even first byte) or as JSON command arguments `{graph, changes, save}` (odd),
/// deserialized as Tauri does, then the changes made and the result checked as the store does.
pub fn save_payload(bytes: &[u8]) -> String {
    let mut e = Entropy::new(bytes);
    let structured = e.byte() & 1 == 0;
    let surface = if e.chance(30) {
        GraphSurface::Blueprint
    } else {
        GraphSurface::Workflow
    };
    let (base, changes) = if structured {
        let base = structured::graph(&mut e, surface, &[], true);
        let changes = structured::changes(&mut e, &base, surface);
        // What the canvas sends is JSON: it must read back as sent.
        let text = serde_json::to_string(&changes).unwrap_or_default();
        let back: GraphChanges = match serde_json::from_str(&text) {
            Ok(b) => b,
            Err(err) => panic!("changes do not read back: {err}"),
        };
        assert!(back == changes, "changes changed through JSON");
        (base, changes)
    } else {
        let args: serde_json::Value = match serde_json::from_slice(e.rest()) {
            Ok(v) => v,
            Err(err) => {
                one_line("payload JSON", &err.to_string());
                return "not json".into();
            }
        };
        // Tauri reads each argument from the arguments object on its own.
        let arg = |name: &str| args.get(name).cloned().unwrap_or(serde_json::Value::Null);
        // A rejected argument is Tauri's answer with serde's message (which quotes the value
        // whole, line breaks included): not this project's error, so only counted.
        let save_ok = serde_json::from_value::<SaveAs>(arg("save")).is_ok();
        let base = serde_json::from_value::<Graph>(arg("graph"));
        let changes = serde_json::from_value::<GraphChanges>(arg("changes"));
        match (base, changes) {
            (Ok(b), Ok(c)) => (b, c),
            (b, c) => return format!("args refused {} {} {save_ok}", b.is_ok(), c.is_ok()),
        }
    };
    let mut graph = base.clone();
    changes.apply(&mut graph);
    applied(&base, &changes, &graph);
    let mut twice = graph.clone();
    changes.apply(&mut twice);
    assert!(
        twice == graph,
        "applying the same changes twice changed the graph"
    );
    let passed = checked(check_graph(&graph, surface));
    if passed {
        diagnostics(&graph, &validate(&graph));
    }
    format!(
        "{} {surface:?} check {passed} nodes {} edges {}",
        if structured { "gen" } else { "json" },
        graph.nodes.len().min(3),
        graph.edges.len().min(3)
    )
}

/// What `GraphChanges::apply` promises: removals gone unless sent again, each sent node or edge
/// present as sent (the last one with its id), the other elements kept in order.
fn applied(base: &Graph, changes: &GraphChanges, graph: &Graph) {
    let sent_nodes: HashMap<Uuid, _> = changes.nodes.iter().map(|n| (n.id, n)).collect();
    let sent_edges: HashMap<Uuid, _> = changes.edges.iter().map(|e| (e.id, e)).collect();
    for id in &changes.removed_nodes {
        if !sent_nodes.contains_key(id) {
            assert!(
                graph.nodes.iter().all(|n| n.id != *id),
                "removed node {id} is still there"
            );
        }
    }
    for id in &changes.removed_edges {
        if !sent_edges.contains_key(id) {
            assert!(
                graph.edges.iter().all(|e| e.id != *id),
                "removed edge {id} is still there"
            );
        }
    }
    for (id, node) in &sent_nodes {
        assert!(
            graph.nodes.iter().any(|n| n.id == *id && n == *node),
            "sent node {id} is not in the graph as sent"
        );
    }
    for (id, edge) in &sent_edges {
        assert!(
            graph.edges.iter().any(|e| e.id == *id && e == *edge),
            "sent edge {id} is not in the graph as sent"
        );
    }
    let removed: HashSet<Uuid> = changes.removed_nodes.iter().copied().collect();
    let kept: Vec<_> = base
        .nodes
        .iter()
        .filter(|n| !removed.contains(&n.id) && !sent_nodes.contains_key(&n.id))
        .collect();
    let untouched: Vec<_> = graph
        .nodes
        .iter()
        .filter(|n| !sent_nodes.contains_key(&n.id))
        .collect();
    assert!(
        kept == untouched,
        "nodes the changes do not name moved or changed"
    );
    assert!(graph.nodes.len() <= base.nodes.len() + changes.nodes.len());
    assert!(graph.edges.len() <= base.edges.len() + changes.edges.len());
}

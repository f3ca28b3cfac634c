// Owns the comparison of two graphs (an older version against a newer one or the canvas): which nodes and edges were
// added, removed, changed or moved, as one graph the canvas can draw. Pure: no React, no I/O.
import type { WorkflowGraph } from "../../ipc";
import { portName } from "./graph";

export type DiffStatus = "added" | "removed" | "changed" | "moved" | "same";

export type NodeDiff = {
  id: string;
  status: DiffStatus;
  /** What changed, for people: "label", "settings", "kind", "position". */
  changes: string[];
};

export type EdgeDiff = { id: string; status: "added" | "removed" | "same" };

export type GraphDiff = {
  /** Every node of either graph: the newer one's, then those only the older one had. */
  graph: WorkflowGraph;
  nodes: Map<string, NodeDiff>;
  edges: Map<string, EdgeDiff>;
  counts: { added: number; removed: number; changed: number; moved: number; edgesAdded: number; edgesRemoved: number };
};

const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** An edge is the same edge when it joins the same ports of the same nodes, whatever its id. */
const edgeKey = (e: WorkflowGraph["edges"][number]) => `${e.source}\u0000${portName(e.sourceHandle)}\u0000${e.target}\u0000${portName(e.targetHandle)}`;

export function diffGraphs(older: WorkflowGraph, newer: WorkflowGraph): GraphDiff {
  const before = new Map(older.nodes.map((n) => [n.id, n]));
  const after = new Map(newer.nodes.map((n) => [n.id, n]));
  const nodes = new Map<string, NodeDiff>();
  const counts = { added: 0, removed: 0, changed: 0, moved: 0, edgesAdded: 0, edgesRemoved: 0 };
  for (const n of newer.nodes) {
    const o = before.get(n.id);
    if (!o) {
      nodes.set(n.id, { id: n.id, status: "added", changes: [] });
      counts.added++;
      continue;
    }
    const changes: string[] = [];
    if (o.kind !== n.kind) changes.push("kind");
    if (o.label !== n.label) changes.push("label");
    if (stable(o.config ?? {}) !== stable(n.config ?? {})) changes.push("settings");
    const moved = o.position.x !== n.position.x || o.position.y !== n.position.y;
    if (moved) changes.push("position");
    const status: DiffStatus = changes.some((c) => c !== "position") ? "changed" : moved ? "moved" : "same";
    if (status === "changed") counts.changed++;
    if (status === "moved") counts.moved++;
    nodes.set(n.id, { id: n.id, status, changes });
  }
  const removedNodes = older.nodes.filter((n) => !after.has(n.id));
  for (const n of removedNodes) {
    nodes.set(n.id, { id: n.id, status: "removed", changes: [] });
    counts.removed++;
  }
  const olderEdges = new Map(older.edges.map((e) => [edgeKey(e), e]));
  const newerKeys = new Set(newer.edges.map(edgeKey));
  const edges = new Map<string, EdgeDiff>();
  for (const e of newer.edges) {
    const was = olderEdges.has(edgeKey(e));
    edges.set(e.id, { id: e.id, status: was ? "same" : "added" });
    if (!was) counts.edgesAdded++;
  }
  const removedEdges = older.edges.filter((e) => !newerKeys.has(edgeKey(e)) && !edges.has(e.id));
  for (const e of removedEdges) {
    edges.set(e.id, { id: e.id, status: "removed" });
    counts.edgesRemoved++;
  }
  return {
    graph: { nodes: [...newer.nodes, ...removedNodes], edges: [...newer.edges, ...removedEdges] },
    nodes,
    edges,
    counts,
  };
}

/** "2 added, 1 removed, 3 changed, 1 moved · 2 connections added" or "No differences". */
export function describeDiff(d: GraphDiff): string {
  const c = d.counts;
  const parts = [
    c.added && `${c.added} added`,
    c.removed && `${c.removed} removed`,
    c.changed && `${c.changed} changed`,
    c.moved && `${c.moved} moved`,
  ].filter(Boolean);
  const edges = [c.edgesAdded && `${c.edgesAdded} connection${c.edgesAdded === 1 ? "" : "s"} added`, c.edgesRemoved && `${c.edgesRemoved} removed`].filter(Boolean);
  if (!parts.length && !edges.length) return "No differences";
  return [parts.join(", "), edges.join(", ")].filter(Boolean).join(" · ");
}

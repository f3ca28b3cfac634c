// Owns applying a save's changes to a graph, as the Rust store does (GraphChanges::apply): removals first, then each
// node or edge replaces the one with its id in place or is appended (a removal of an id the same changes send again is
// such a replacement, so applying changes twice gives the same graph).
import type { GraphChanges } from "../ipc/bindings";
import type { WorkflowGraph } from "../ipc/wire";

export function applyChanges(graph: WorkflowGraph, changes: GraphChanges): WorkflowGraph {
  const sentNodes = new Set(changes.nodes.map((n) => n.id));
  const sentEdges = new Set(changes.edges.map((e) => e.id));
  const goneNodes = new Set(changes.removedNodes.filter((id) => !sentNodes.has(id)));
  const goneEdges = new Set(changes.removedEdges.filter((id) => !sentEdges.has(id)));
  const nodes = graph.nodes.filter((n) => !goneNodes.has(n.id));
  const edges = graph.edges.filter((e) => !goneEdges.has(e.id));
  const nodeAt = new Map(nodes.map((n, i) => [n.id, i]));
  for (const n of changes.nodes) {
    const i = nodeAt.get(n.id);
    if (i === undefined) nodes.push(n);
    else nodes[i] = n;
  }
  const edgeAt = new Map(edges.map((e, i) => [e.id, i]));
  for (const e of changes.edges) {
    const i = edgeAt.get(e.id);
    if (i === undefined) edges.push(e);
    else edges[i] = e;
  }
  return { nodes, edges };
}

// Owns the pure edits behind the canvas's "+" buttons: where a node added after an output port goes, and inserting a
// node on an edge (its wiring decided by graph.ts's connection rules); no React, no I/O.
import type { Position } from "../../ipc";
import {
  ERROR_PORT,
  NODE_HEIGHT,
  NODE_WIDTH,
  addNode,
  canConnect,
  connect,
  connectionAfter,
  deleteEdges,
  isOccupied,
  moveNodes,
  nodeSize,
  outputPorts,
  portName,
  type CanvasGraph,
  type FlowEdge,
  type FlowNode,
  type KindLookup,
  type NewNode,
} from "./graph";

/** Room between a node and the one added after it. */
export const COLUMN_GAP = 60;
/** How far down the next row is when a slot is taken. */
export const ROW_STEP = NODE_HEIGHT + 48;

/** The output ports a "+" is offered on, error port included (last), as the node draws them. */
export function portIndex(anchor: FlowNode, port: string | null | undefined, kinds: KindLookup): number {
  if (port == null) return 0;
  const outs = outputPorts(kinds[anchor.data.kind], anchor.data.config).filter((p) => p.name !== ERROR_PORT);
  const i = outs.findIndex((p) => p.name === portName(port));
  // The error port sits under the node: its additions start a row down, like a second branch.
  return i >= 0 ? i : outs.length;
}

/**
 * Where a node added after `anchor` goes: one column to its right, on the anchor's row (the n-th output port starts n
 * rows lower, so a condition's "false" lands under its "true"), else the first free row further down. Never on a node.
 */
export function slotAfter(graph: CanvasGraph, anchor: FlowNode, row = 0): Position {
  const x = anchor.position.x + nodeSize(anchor).width + COLUMN_GAP;
  for (let k = row; ; k++) {
    const p = { x, y: anchor.position.y + k * ROW_STEP };
    if (!isOccupied(graph, p)) return p;
  }
}

/** The nodes `from` leads to, itself included, never passing through `stop` (a cycle back to the edge's source). */
function downstream(graph: CanvasGraph, from: string, stop: string): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length) {
    for (const next of out.get(todo.pop()!) ?? []) {
      if (next === stop || seen.has(next)) continue;
      seen.add(next);
      todo.push(next);
    }
  }
  return seen;
}

export type InsertResult = { graph: CanvasGraph; reason: string | null };

/**
 * Puts `node` on edge `edgeId`: source → node → target, the old edge replaced by `ids.into` and `ids.out`, keeping the
 * ports the edge used. When the target sits too close to make room, it and everything after it move right by what is
 * missing. A connection the rules refuse refuses the whole insert (the graph is returned unchanged, with the reason).
 */
export function insertOnEdge(
  graph: CanvasGraph,
  edgeId: string,
  node: Omit<NewNode, "position">,
  ids: { into: string; out: string },
  kinds: KindLookup,
): InsertResult {
  const edge: FlowEdge | undefined = graph.edges.find((e) => e.id === edgeId);
  const source = edge && graph.nodes.find((n) => n.id === edge.source);
  const target = edge && graph.nodes.find((n) => n.id === edge.target);
  if (!edge || !source || !target) return { graph, reason: "That connection is no longer on the canvas." };

  let g = deleteEdges(graph, [edge.id]);
  const x = source.position.x + nodeSize(source).width + COLUMN_GAP;
  const need = x + NODE_WIDTH + COLUMN_GAP - target.position.x;
  if (need > 0) {
    const moving = downstream(g, target.id, source.id);
    g = moveNodes(g, new Map(g.nodes.filter((n) => moving.has(n.id)).map((n) => [n.id, { x: n.position.x + need, y: n.position.y }])));
  }
  // On the source's row (between the two when the target is on another row and the middle is free).
  const mid = { x, y: Math.round((source.position.y + target.position.y) / 2) };
  const at = isOccupied(g, mid) ? slotAfter(g, source, portIndex(source, edge.sourceHandle, kinds)) : mid;
  g = addNode(g, { ...node, position: at });
  const added = g.nodes.find((n) => n.id === node.id)!;

  const into = connectionAfter(source, node.id, node.kind, kinds, portName(edge.sourceHandle));
  const out = { ...connectionAfter(added, target.id, target.data.kind, kinds), targetHandle: edge.targetHandle ?? null };
  for (const [c, id] of [
    [into, ids.into],
    [out, ids.out],
  ] as const) {
    const check = canConnect(g, c, kinds);
    if (!check.ok) return { graph, reason: check.reason };
    g = connect(g, c, id, kinds);
  }
  return { graph: g, reason: null };
}

let connectedFor: { edges: FlowEdge[]; ports: Map<string, Set<string>> } | null = null;

/** Per node, the output ports an edge leaves from; worked out once per change of the edges (every node view asks). */
export function connectedOutputs(edges: FlowEdge[]): ReadonlyMap<string, ReadonlySet<string>> {
  if (connectedFor?.edges === edges) return connectedFor.ports;
  const ports = new Map<string, Set<string>>();
  for (const e of edges) {
    let set = ports.get(e.source);
    if (!set) ports.set(e.source, (set = new Set()));
    set.add(portName(e.sourceHandle));
  }
  connectedFor = { edges, ports };
  return ports;
}

let labelsFor: { nodes: FlowNode[]; labels: Map<string, string> } | null = null;

/** A node's label by id, worked out once per change of the nodes (every edge's "+" names both ends). */
export function labelOf(nodes: FlowNode[], id: string): string {
  if (labelsFor?.nodes !== nodes) labelsFor = { nodes, labels: new Map(nodes.map((n) => [n.id, n.data.label])) };
  return labelsFor.labels.get(id) ?? "";
}

// Owns the pure graph edits of the canvas (add, connect, move, delete, rename, load, save shape); no React, no I/O.
import type { Edge, Node } from "@xyflow/react";
import type { JsonValue, NodeKindInfo, Position, WorkflowDoc, WorkflowGraph } from "../../ipc";

export type FlowNodeData = { kind: string; label: string; config: JsonValue };
export type FlowNode = Node<FlowNodeData, "flow">;
export type FlowEdge = Edge;
export type CanvasGraph = { nodes: FlowNode[]; edges: FlowEdge[] };
export type KindLookup = Readonly<Record<string, NodeKindInfo | undefined>>;
export type ConnectionLike = {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
};

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
const GRID = { x0: 80, y0: 80, dx: 280, dy: 160, columns: 4 };

export const emptyGraph = (): CanvasGraph => ({ nodes: [], edges: [] });

/** Slot n of the placement grid, in flow coordinates. */
export function gridPosition(n: number): Position {
  return { x: GRID.x0 + GRID.dx * (n % GRID.columns), y: GRID.y0 + GRID.dy * Math.floor(n / GRID.columns) };
}

/** Where a node added without a drop point goes: slot `nodes.length`, or the next slot no node covers. */
export function nextFreePosition(graph: CanvasGraph): Position {
  for (let n = graph.nodes.length; ; n++) {
    const p = gridPosition(n);
    const taken = graph.nodes.some(
      (node) => Math.abs(node.position.x - p.x) < NODE_WIDTH && Math.abs(node.position.y - p.y) < NODE_HEIGHT + 16,
    );
    if (!taken) return p;
  }
}

export function fromDoc(graph: WorkflowGraph): CanvasGraph {
  return {
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      type: "flow",
      position: { x: n.position.x, y: n.position.y },
      data: { kind: n.kind, label: n.label, config: structuredClone(n.config) },
    })),
    edges: graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle,
      target: e.target,
      targetHandle: e.targetHandle,
    })),
  };
}

export function toGraph(graph: CanvasGraph): WorkflowGraph {
  return {
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      kind: n.data.kind,
      label: n.data.label,
      position: { x: n.position.x, y: n.position.y },
      config: structuredClone(n.data.config),
    })),
    edges: graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle ?? null,
      target: e.target,
      targetHandle: e.targetHandle ?? null,
    })),
  };
}

export function docToCanvas(doc: WorkflowDoc): CanvasGraph {
  return fromDoc(doc.graph);
}

export type NewNode = { id: string; kind: string; label: string; position: Position; config?: JsonValue };

export function addNode(graph: CanvasGraph, node: NewNode): CanvasGraph {
  if (graph.nodes.some((n) => n.id === node.id)) return graph;
  const added: FlowNode = {
    id: node.id,
    type: "flow",
    position: { x: node.position.x, y: node.position.y },
    data: { kind: node.kind, label: node.label, config: node.config ?? {} },
  };
  return { nodes: [...graph.nodes, added], edges: graph.edges };
}

export type ConnectCheck = { ok: true } | { ok: false; reason: string };

export function canConnect(graph: CanvasGraph, c: ConnectionLike, kinds?: KindLookup): ConnectCheck {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return { ok: false, reason: "Both ends must be nodes on the canvas." };
  if (source.id === target.id) return { ok: false, reason: "A node can't be connected to itself." };
  if (kinds) {
    if (kinds[source.data.kind]?.hasOutput === false) return { ok: false, reason: "That node has no output." };
    if (kinds[target.data.kind]?.hasInput === false) return { ok: false, reason: "That node has no input." };
  }
  const sh = c.sourceHandle ?? null;
  const th = c.targetHandle ?? null;
  const duplicate = graph.edges.some(
    (e) =>
      e.source === source.id &&
      e.target === target.id &&
      (e.sourceHandle ?? null) === sh &&
      (e.targetHandle ?? null) === th,
  );
  if (duplicate) return { ok: false, reason: "These nodes are already connected." };
  return { ok: true };
}

/** Adds the edge, or returns the same graph object when the connection is refused. */
export function connect(graph: CanvasGraph, c: ConnectionLike, id: string, kinds?: KindLookup): CanvasGraph {
  if (!canConnect(graph, c, kinds).ok || !c.source || !c.target) return graph;
  const edge: FlowEdge = {
    id,
    source: c.source,
    sourceHandle: c.sourceHandle ?? null,
    target: c.target,
    targetHandle: c.targetHandle ?? null,
  };
  return { nodes: graph.nodes, edges: [...graph.edges, edge] };
}

export function moveNode(graph: CanvasGraph, id: string, position: Position): CanvasGraph {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node || (node.position.x === position.x && node.position.y === position.y)) return graph;
  return {
    nodes: graph.nodes.map((n) => (n.id === id ? { ...n, position: { x: position.x, y: position.y } } : n)),
    edges: graph.edges,
  };
}

/** Removes the nodes and every edge that touches one of them. */
export function deleteNodes(graph: CanvasGraph, ids: Iterable<string>): CanvasGraph {
  const gone = new Set(ids);
  if (!graph.nodes.some((n) => gone.has(n.id))) return graph;
  return {
    nodes: graph.nodes.filter((n) => !gone.has(n.id)),
    edges: graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}

export function deleteEdges(graph: CanvasGraph, ids: Iterable<string>): CanvasGraph {
  const gone = new Set(ids);
  if (!graph.edges.some((e) => gone.has(e.id))) return graph;
  return { nodes: graph.nodes, edges: graph.edges.filter((e) => !gone.has(e.id)) };
}

/** Sets a node's label (trimmed); an empty or unchanged label leaves the graph as it is. */
export function renameNode(graph: CanvasGraph, id: string, label: string): CanvasGraph {
  const next = label.trim();
  const node = graph.nodes.find((n) => n.id === id);
  if (!node || next === "" || node.data.label === next) return graph;
  return {
    nodes: graph.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, label: next } } : n)),
    edges: graph.edges,
  };
}

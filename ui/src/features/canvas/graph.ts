// Owns the pure graph edits of the canvas (add, connect, move, delete, rename, select, placement, load, save shape); no React, no I/O.
import type { Edge, Node } from "@xyflow/react";
import type { GraphChanges, JsonValue, KindInfo, PortInfo, PortType, Position, WorkflowDoc, WorkflowGraph } from "../../ipc";

export type FlowNodeData = {
  kind: string;
  label: string;
  config: JsonValue;
  /** Set only on the read-only nodes of a version comparison. */
  diff?: { status: "added" | "removed" | "changed" | "moved" | "same"; changes: string[] };
};
export type FlowNode = Node<FlowNodeData, "flow" | "note" | "group">;

/** How a kind is drawn: notes and groups are the canvas's own, every other kind is a step. */
export const nodeTypeOf = (kind: string): "flow" | "note" | "group" => (kind === "note" ? "note" : kind === "group" ? "group" : "flow");
export const GROUP_SIZE = { width: 480, height: 280 };
export type FlowEdge = Edge;
export type CanvasGraph = { nodes: FlowNode[]; edges: FlowEdge[] };
export type KindLookup = Readonly<Record<string, KindInfo | undefined>>;
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

/** A saved node as the canvas holds it: its React Flow type (a note and a group have their own views) and props. */
export function flowNodeOf(n: WorkflowGraph["nodes"][number]): FlowNode {
  return {
    id: n.id,
    type: nodeTypeOf(n.kind),
    position: { x: n.position.x, y: n.position.y },
    data: { kind: n.kind, label: n.label, config: structuredClone(n.config) },
    ...groupProps(n.kind, n.config),
  };
}

export function fromDoc(graph: WorkflowGraph): CanvasGraph {
  return {
    nodes: graph.nodes.map(flowNodeOf),
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

/** The node and edge objects of the canvas as last loaded or saved: what the next save is compared with. */
export type Baseline = { nodes: ReadonlyMap<string, FlowNode>; edges: ReadonlyMap<string, FlowEdge> };

export function baselineOf(graph: CanvasGraph): Baseline {
  return { nodes: new Map(graph.nodes.map((n) => [n.id, n])), edges: new Map(graph.edges.map((e) => [e.id, e])) };
}

// Edits replace the objects they change (and keep the config object unless it is edited), so an unchanged node is the
// same object or one with the same saved fields; selection and measuring replace it without changing those.
const sameNode = (a: FlowNode, b: FlowNode) =>
  a === b ||
  (a.data.kind === b.data.kind && a.data.label === b.data.label && a.data.config === b.data.config && a.position.x === b.position.x && a.position.y === b.position.y);
const sameEdge = (a: FlowEdge, b: FlowEdge) =>
  a === b ||
  (a.source === b.source && a.target === b.target && (a.sourceHandle ?? null) === (b.sourceHandle ?? null) && (a.targetHandle ?? null) === (b.targetHandle ?? null));

/**
 * What a save sends: the nodes and edges added or changed since `base` (in the saved shape) and the ids of those
 * removed. Object comparisons only, so it costs little even on a large graph, and what it sends follows the edit.
 */
export function changesSince(base: Baseline, graph: CanvasGraph): GraphChanges {
  const whole = toGraph({
    nodes: graph.nodes.filter((n) => {
      const b = base.nodes.get(n.id);
      return !b || !sameNode(b, n);
    }),
    edges: graph.edges.filter((e) => {
      const b = base.edges.get(e.id);
      return !b || !sameEdge(b, e);
    }),
  });
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  return {
    nodes: whole.nodes,
    edges: whole.edges,
    removedNodes: [...base.nodes.keys()].filter((id) => !nodeIds.has(id)),
    removedEdges: [...base.edges.keys()].filter((id) => !edgeIds.has(id)),
  };
}

/** Two saved graphs hold the same nodes and edges (in any order). */
export function sameSavedGraph(a: WorkflowGraph, b: WorkflowGraph): boolean {
  const key = (g: WorkflowGraph) => {
    const t = toGraph(fromDoc(g));
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return JSON.stringify({ nodes: byId(t.nodes), edges: byId(t.edges) });
  };
  return key(a) === key(b);
}

export function docToCanvas(doc: WorkflowDoc): CanvasGraph {
  return fromDoc(doc.graph);
}

export type NewNode = { id: string; kind: string; label: string; position: Position; config?: JsonValue };

export function addNode(graph: CanvasGraph, node: NewNode): CanvasGraph {
  if (graph.nodes.some((n) => n.id === node.id)) return graph;
  const added: FlowNode = {
    id: node.id,
    type: nodeTypeOf(node.kind),
    position: { x: node.position.x, y: node.position.y },
    data: { kind: node.kind, label: node.label, config: node.config ?? defaultConfig(node.kind) },
    ...groupProps(node.kind, node.config ?? defaultConfig(node.kind)),
  };
  return { nodes: [...graph.nodes, added], edges: graph.edges };
}

/** A group's React Flow props: under the nodes it frames, sized by its settings (measured when collapsed). */
function groupProps(kind: string, config: JsonValue): Partial<FlowNode> {
  if (kind !== "group") return {};
  const c = config && typeof config === "object" && !Array.isArray(config) ? config : {};
  if (c.collapsed === true) return { zIndex: -1, width: undefined, height: undefined };
  return { zIndex: -1, width: num(c.width, GROUP_SIZE.width), height: num(c.height, GROUP_SIZE.height) };
}

/** The settings a new note or group starts with. */
function defaultConfig(kind: string): JsonValue {
  if (kind === "group") return { ...GROUP_SIZE, collapsed: false };
  if (kind === "note") return { text: "", color: "yellow" };
  return {};
}

const num = (v: JsonValue | undefined, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const cfg = (n: FlowNode): Record<string, JsonValue> =>
  n.data.config && typeof n.data.config === "object" && !Array.isArray(n.data.config) ? n.data.config : {};

/** A group's frame in flow coordinates. */
export function groupRect(g: FlowNode): Rect {
  const c = cfg(g);
  return { x: g.position.x, y: g.position.y, width: num(c.width, GROUP_SIZE.width), height: num(c.height, GROUP_SIZE.height) };
}

export const isCollapsed = (g: FlowNode) => g.data.kind === "group" && cfg(g).collapsed === true;

/** The nodes a group frames: every other non-group node wholly inside it. */
export function groupMembers(g: FlowNode, nodes: readonly FlowNode[]): string[] {
  const r = groupRect(g);
  return nodes
    .filter((n) => n.id !== g.id && n.data.kind !== "group")
    .filter((n) => {
      const s = nodeSize(n);
      return n.position.x >= r.x && n.position.y >= r.y && n.position.x + s.width <= r.x + r.width && n.position.y + s.height <= r.y + r.height;
    })
    .map((n) => n.id);
}

/**
 * What the canvas draws when some groups are collapsed: their members hidden, and each edge between a hidden member and
 * a node outside drawn to the group instead (derived, never stored).
 */
export function collapsedView(graph: CanvasGraph): CanvasGraph {
  const collapsed = graph.nodes.filter(isCollapsed);
  if (collapsed.length === 0) return graph;
  const owner = new Map<string, string>();
  for (const g of collapsed) for (const m of groupMembers(g, graph.nodes)) if (!owner.has(m)) owner.set(m, g.id);
  const nodes = graph.nodes.map((n) => (owner.has(n.id) ? { ...n, hidden: true } : n));
  const edges: FlowEdge[] = [];
  const proxies = new Set<string>();
  for (const e of graph.edges) {
    const s = owner.get(e.source);
    const t = owner.get(e.target);
    if (!s && !t) {
      edges.push(e);
      continue;
    }
    if (s && s === t) continue; // inside one collapsed group
    const source = s ?? e.source;
    const target = t ?? e.target;
    const key = `${source}>${target}`;
    if (proxies.has(key)) continue;
    proxies.add(key);
    edges.push({
      id: `proxy:${e.id}`,
      source,
      sourceHandle: s ? "group-out" : e.sourceHandle,
      target,
      targetHandle: t ? "group-in" : e.targetHandle,
      selectable: false,
      className: "is-proxy",
    });
  }
  return { nodes, edges };
}

let shownFor: { nodes: FlowNode[]; edges: FlowEdge[]; view: CanvasGraph } | null = null;

/**
 * collapsedView of the canvas's graph, worked out once per change of it: the canvas, its drawing layer and its
 * minimap all show the same derivation.
 */
export function shownGraph(nodes: FlowNode[], edges: FlowEdge[]): CanvasGraph {
  if (!shownFor || shownFor.nodes !== nodes || shownFor.edges !== edges) shownFor = { nodes, edges, view: collapsedView({ nodes, edges }) };
  return shownFor.view;
}

export type ConnectCheck = { ok: true } | { ok: false; reason: string };

/** An edge's handle names a port; none means the port `main`, as in the engine. */
export const MAIN_PORT = "main";
export const ERROR_PORT = "error";
export const portName = (handle: string | null | undefined): string => handle || MAIN_PORT;

/** A node's output ports: the kind's static ones plus one per `flow.switch` rule, the error port last. */
export function outputPorts(kind: KindInfo | undefined, config: JsonValue): PortInfo[] {
  if (!kind) return [{ name: MAIN_PORT, ty: "any" }];
  if (!kind.ruleOutputs) return kind.outputs;
  const rules = config && typeof config === "object" && !Array.isArray(config) ? config.rules : null;
  const extra: PortInfo[] = [];
  if (Array.isArray(rules)) {
    for (const r of rules) {
      const port = r && typeof r === "object" && !Array.isArray(r) ? r.port : null;
      if (typeof port === "string" && port.trim() && port !== ERROR_PORT && !extra.some((p) => p.name === port))
        extra.push({ name: port, ty: "any" });
    }
  }
  const errorPort = kind.outputs.filter((p) => p.name === ERROR_PORT);
  return [...kind.outputs.filter((p) => p.name !== ERROR_PORT), ...extra, ...errorPort];
}

export function inputPorts(kind: KindInfo | undefined): PortInfo[] {
  return kind ? kind.inputs : [{ name: MAIN_PORT, ty: "any" }];
}

const TYPE_WORDS: Record<PortType, string> = {
  any: "anything",
  object: "objects",
  array: "arrays",
  string: "text",
  number: "numbers",
  bool: "true/false values",
};

/** Whether items of type `from` may flow into a port of type `to` (the engine's rule). */
export const portAccepts = (to: PortType, from: PortType) => to === "any" || from === "any" || to === from;

export function canConnect(graph: CanvasGraph, c: ConnectionLike, kinds?: KindLookup): ConnectCheck {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return { ok: false, reason: "Both ends must be nodes on the canvas." };
  if (source.id === target.id) return { ok: false, reason: "A node can't be connected to itself." };
  if (kinds) {
    const sk = kinds[source.data.kind];
    const tk = kinds[target.data.kind];
    if (sk?.hasOutput === false)
      return { ok: false, reason: `“${source.data.label}” has no output: nothing can connect from it.` };
    if (tk?.hasInput === false)
      return { ok: false, reason: `“${target.data.label}” has no input: nothing can connect into it.` };
    if (sk && tk) {
      const out = outputPorts(sk, source.data.config).find((p) => p.name === portName(c.sourceHandle));
      const inp = inputPorts(tk).find((p) => p.name === portName(c.targetHandle));
      if (!out) return { ok: false, reason: `“${source.data.label}” has no output “${portName(c.sourceHandle)}”.` };
      if (!inp) return { ok: false, reason: `“${target.data.label}” has no input “${portName(c.targetHandle)}”.` };
      if (!portAccepts(inp.ty, out.ty))
        return {
          ok: false,
          reason: `“${source.data.label}” gives ${TYPE_WORDS[out.ty]} on “${out.name}”, but “${target.data.label}” takes ${TYPE_WORDS[inp.ty]}.`,
        };
    }
  }
  const sh = portName(c.sourceHandle);
  const th = portName(c.targetHandle);
  const duplicate = graph.edges.some(
    (e) => e.source === source.id && e.target === target.id && portName(e.sourceHandle) === sh && portName(e.targetHandle) === th,
  );
  if (duplicate) return { ok: false, reason: "These nodes are already connected." };
  return { ok: true };
}

/**
 * The connection quick-add makes from `anchor` to a new node of `kind`: the anchor's output `port` (by default its first,
 * a condition's "true", a loop's "body") into the new node's first input. Handles stay null for the main port, as saved
 * graphs have them.
 */
export function connectionAfter(anchor: FlowNode, target: string, kind: string, kinds: KindLookup, port?: string | null): ConnectionLike {
  const outs = outputPorts(kinds[anchor.data.kind], anchor.data.config);
  const out = port == null ? outs.find((p) => p.name !== ERROR_PORT) : outs.find((p) => p.name === portName(port)) ?? { name: portName(port), ty: "any" };
  const inp = inputPorts(kinds[kind])[0];
  return {
    source: anchor.id,
    sourceHandle: out && out.name !== MAIN_PORT ? out.name : null,
    target,
    targetHandle: inp && inp.name !== MAIN_PORT ? inp.name : null,
  };
}

/** Replaces a node's config; an equal config leaves the graph as it is. */
export function setConfig(graph: CanvasGraph, id: string, config: JsonValue): CanvasGraph {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node || JSON.stringify(node.data.config) === JSON.stringify(config)) return graph;
  return {
    nodes: graph.nodes.map((n) => (n.id === id ? { ...n, ...groupProps(n.data.kind, config), data: { ...n.data, config: structuredClone(config) } } : n)),
    edges: graph.edges,
  };
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

/** Moves several nodes at once; positions equal to the current ones are no change. */
export function moveNodes(graph: CanvasGraph, positions: ReadonlyMap<string, Position>): CanvasGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { nodes, edges: graph.edges } : graph;
}

/** Removes the given nodes (with their edges) and the given edges, as one edit. */
export function deleteElements(graph: CanvasGraph, nodeIds: Iterable<string>, edgeIds: Iterable<string>): CanvasGraph {
  return deleteEdges(deleteNodes(graph, nodeIds), edgeIds);
}

/** Selects exactly these nodes (and no edge); objects whose flag doesn't change are kept. */
export function selectOnly(graph: CanvasGraph, nodeIds: Iterable<string>): CanvasGraph {
  const want = new Set(nodeIds);
  return {
    nodes: graph.nodes.map((n) => (!!n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) })),
    edges: graph.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  };
}

/** Selects every node and edge. */
export function selectAll(graph: CanvasGraph): CanvasGraph {
  return {
    nodes: graph.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
    edges: graph.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
  };
}

export type Rect = { x: number; y: number; width: number; height: number };

export function nodeSize(n: FlowNode): { width: number; height: number } {
  return { width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? NODE_HEIGHT };
}

/** The box around the nodes, or null for none. */
export function boundsOf(nodes: readonly { position: Position; measured?: { width?: number; height?: number } }[]): Rect | null {
  if (nodes.length === 0) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + (n.measured?.width ?? NODE_WIDTH));
    y1 = Math.max(y1, n.position.y + (n.measured?.height ?? NODE_HEIGHT));
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

const GAP = 24;

/** The size of an ordinary node on the canvas. */
const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };

/** True when something of `size` (a node's, by default) placed at p would overlap or nearly touch a node. */
export function isOccupied(graph: CanvasGraph, p: Position, size: { width: number; height: number } = NODE_SIZE): boolean {
  return graph.nodes.some((n) => {
    const s = nodeSize(n);
    return (
      p.x < n.position.x + s.width + GAP &&
      n.position.x < p.x + size.width + GAP &&
      p.y < n.position.y + s.height + GAP &&
      n.position.y < p.y + size.height + GAP
    );
  });
}

/**
 * The free spot nearest to p for something of `size`: p itself, else straight below/above it, else further right. A
 * group frame needs its whole area free: placed over nodes it would seem to hold them without holding them.
 */
export function freeSpotNear(
  graph: CanvasGraph,
  p: Position,
  step = NODE_HEIGHT + 2 * GAP,
  size: { width: number; height: number } = NODE_SIZE,
): Position {
  for (let col = 0; col < 20; col++) {
    const x = p.x + col * (Math.max(size.width, NODE_WIDTH) + 2 * GAP);
    for (let k = 0; k < 12; k++) {
      const dy = k === 0 ? 0 : Math.ceil(k / 2) * Math.max(step, size.height + 2 * GAP) * (k % 2 === 1 ? 1 : -1);
      const q = { x, y: p.y + dy };
      if (!isOccupied(graph, q, size)) return q;
    }
  }
  return p;
}


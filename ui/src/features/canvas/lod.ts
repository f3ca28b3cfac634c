// Owns the canvas's level-of-detail rules (pure, no React): when a large graph is drawn on the canvas layer instead of
// as DOM nodes, which nodes are mounted as DOM, node sizes before React Flow measures them, viewport culling, hit-testing
// a point to a node, and edge geometry shared with React Flow's bezier edges.
import type { JsonValue, KindInfo, PortInfo, Position } from "../../ipc";
import { ERROR_PORT, GROUP_SIZE, inputPorts, NODE_HEIGHT, NODE_WIDTH, outputPorts } from "./graph";

/** The editor lets a large graph zoom out this far, so that thousands of nodes fit in the window. */
export const LOD_MIN_ZOOM = 0.02;
/** Below this zoom nodes are too small to read or touch: everything is drawn on the canvas layer. */
export const FAR_ZOOM = 0.45;
/** Once far, the zoom has to come back above FAR_ZOOM; once near, it has to drop below this (no flicker at the edge). */
export const FAR_ZOOM_HYSTERESIS = 0.03;
/** With more nodes than this in view the canvas layer draws them, whatever the zoom. */
export const MAX_DOM_NODES_IN_VIEW = 300;
/** Nodes this close to the view (× its size, on each side) are mounted before they come into view. */
export const APPROACH_MARGIN = 0.15;
/** Mounted nodes stay mounted until they are this far from the view (× its size), so a pan back costs nothing. */
export const KEEP_MARGIN = 1;
/** At most this many nodes become DOM nodes per frame, nearest the view first (the rest are drawn until then). */
export const MOUNTS_PER_FRAME = 12;

export type Detail = "far" | "near";
export type Rect = { x: number; y: number; width: number; height: number };
/** React Flow's viewport transform: [x, y, zoom]. */
export type Transform = readonly [number, number, number];

/**
 * Far when the zoom is below FAR_ZOOM (or there are too many nodes in view), with hysteresis so that a zoom or a count
 * hovering at the limit doesn't switch back and forth every frame.
 */
export function chooseDetail(previous: Detail, zoom: number, nodesInView: number): Detail {
  if (previous === "near") {
    return zoom < FAR_ZOOM - FAR_ZOOM_HYSTERESIS || nodesInView > MAX_DOM_NODES_IN_VIEW ? "far" : "near";
  }
  return zoom >= FAR_ZOOM && nodesInView <= MAX_DOM_NODES_IN_VIEW * 0.8 ? "near" : "far";
}

/** The part of the flow a `width`×`height` pane shows, grown by `margin` × its size on each side. */
export function visibleRect([tx, ty, zoom]: Transform, width: number, height: number, margin = 0): Rect {
  const w = width / zoom;
  const h = height / zoom;
  return { x: (0 - tx) / zoom - w * margin, y: (0 - ty) / zoom - h * margin, width: w * (1 + 2 * margin), height: h * (1 + 2 * margin) };
}

export const intersects = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
export const contains = (outer: Rect, inner: Rect) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

/** What the layer needs of a node: React Flow's internal nodes and the store's nodes both have this shape. */
export type BoxLike = {
  id: string;
  position: Position;
  measured?: { width?: number; height?: number };
  data: { kind: string; config: JsonValue };
};

/** A node's outline before React Flow has measured it, from the CSS of FlowNodeView (a row per port when named). */
export function estimateSize(info: KindInfo | undefined, config: JsonValue): { width: number; height: number } {
  const { inputs, outputs, named } = visiblePorts(info, config);
  if (!named) return { width: NODE_WIDTH, height: NODE_HEIGHT };
  const rows = Math.max(inputs.length, outputs.length);
  return { width: NODE_WIDTH, height: 108 + (rows - 2) * 20 };
}

/** The handles FlowNodeView shows: inputs, outputs (the error port apart), whether it has the error port, and whether the ports are named rows. */
export type Ports = { inputs: PortInfo[]; outputs: PortInfo[]; hasError: boolean; named: boolean };
const portsOfKind = new WeakMap<KindInfo, Ports>();

/** A node's handles, worked out once per kind unless the config adds ports (switch rules). */
export function visiblePorts(info: KindInfo | undefined, config: JsonValue): Ports {
  const cached = info && !info.ruleOutputs ? portsOfKind.get(info) : undefined;
  if (cached) return cached;
  const inputs = info?.hasInput === false ? [] : inputPorts(info);
  const all = info?.hasOutput === false ? [] : outputPorts(info, config);
  const outputs = all.filter((p) => p.name !== ERROR_PORT);
  const ports = { inputs, outputs, hasError: all.length > outputs.length, named: inputs.length > 1 || outputs.length > 1 };
  if (info && !info.ruleOutputs) portsOfKind.set(info, ports);
  return ports;
}

/** A note before it is measured (editor.css: 240 wide, at least 96 tall). */
export const NOTE_SIZE = { width: 240, height: 96 };
/** A collapsed group before it is measured (one row: icon, title and count, Expand). */
export const COLLAPSED_GROUP_SIZE = { width: 240, height: 56 };

const settings = (c: JsonValue): Record<string, JsonValue> => (c && typeof c === "object" && !Array.isArray(c) ? c : {});
const dim = (v: JsonValue | undefined, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback);

/**
 * Width and height of a node: an expanded group is the frame its settings give; anything else as React Flow measured
 * it, else estimated (a card from its kind's ports, a note or a collapsed group from the CSS).
 */
export function sizeOf(n: BoxLike, kinds: Readonly<Record<string, KindInfo | undefined>>): { width: number; height: number } {
  if (n.data.kind === "group") {
    const c = settings(n.data.config);
    if (c.collapsed !== true) return { width: dim(c.width, GROUP_SIZE.width), height: dim(c.height, GROUP_SIZE.height) };
  }
  const m = n.measured;
  if (m?.width && m.height) return { width: m.width, height: m.height };
  if (n.data.kind === "group") return COLLAPSED_GROUP_SIZE;
  if (n.data.kind === "note") return NOTE_SIZE;
  return estimateSize(kinds[n.data.kind], n.data.config);
}

export type HandleSide = "left" | "right" | "bottom";

/**
 * Where an edge leaves or enters a node whose handles React Flow hasn't measured, in flow coordinates: the handle
 * layout of FlowNodeView (10 px handles half outside the card, one row per named port, the error port at the bottom
 * right), at the handle's outer edge as React Flow attaches edges.
 */
export function portAnchor(
  box: Rect,
  info: KindInfo | undefined,
  config: JsonValue,
  type: "source" | "target",
  handle: string | null | undefined,
): { x: number; y: number; side: HandleSide } {
  const { inputs, outputs, named } = visiblePorts(info, config);
  if (type === "source" && handle === ERROR_PORT) return { x: box.x + box.width - 23, y: box.y + box.height + 2.5, side: "bottom" };
  const ports = type === "source" ? outputs : inputs;
  const x = type === "source" ? box.x + box.width + 4 : box.x - 4;
  const side: HandleSide = type === "source" ? "right" : "left";
  if (!named) return { x, y: box.y + box.height / 2, side };
  const i = Math.max(0, ports.findIndex((p) => p.name === (handle || "main")));
  const y = type === "target" && ports.length === 1 ? box.y + 63.5 : box.y + 71.5 + 20 * i;
  return { x, y, side };
}

/** Control points of React Flow's default bezier edge (curvature 0.25), so drawn edges match the DOM ones. */
export function bezierControls(
  sx: number,
  sy: number,
  sSide: HandleSide,
  tx: number,
  ty: number,
  tSide: HandleSide,
  curvature = 0.25,
): [number, number, number, number] {
  const offset = (d: number) => (d >= 0 ? 0.5 * d : curvature * 25 * Math.sqrt(-d));
  const control = (side: HandleSide, x1: number, y1: number, x2: number, y2: number): [number, number] => {
    if (side === "left") return [x1 - offset(x1 - x2), y1];
    if (side === "right") return [x1 + offset(x2 - x1), y1];
    return [x1, y1 + offset(y2 - y1)];
  };
  const [c1x, c1y] = control(sSide, sx, sy, tx, ty);
  const [c2x, c2y] = control(tSide, tx, ty, sx, sy);
  return [c1x, c1y, c2x, c2y];
}

/** A node with its outline, as the layer culls, hit-tests and draws it. */
export type Placed = { id: string; x: number; y: number; width: number; height: number };

/** Ids of the nodes whose outline overlaps `rect` (partly is enough), in array order. A linear scan: 5,000 nodes ≈ 20 µs. */
export function nodesIn(nodes: readonly Placed[], rect: Rect): string[] {
  const out: string[] = [];
  const x1 = rect.x + rect.width;
  const y1 = rect.y + rect.height;
  for (const n of nodes) if (n.x < x1 && rect.x < n.x + n.width && n.y < y1 && rect.y < n.y + n.height) out.push(n.id);
  return out;
}

/** How many nodes overlap `rect`. */
export function countIn(nodes: readonly Placed[], rect: Rect): number {
  let count = 0;
  const x1 = rect.x + rect.width;
  const y1 = rect.y + rect.height;
  for (const n of nodes) if (n.x < x1 && rect.x < n.x + n.width && n.y < y1 && rect.y < n.y + n.height) count++;
  return count;
}

/**
 * The node under a flow point: the last one in drawing order (the topmost), or null. `slop` (flow units) widens each
 * node, so that a node a few pixels wide at a far zoom can still be hit.
 */
export function hitTest(nodes: readonly Placed[], point: Position, slop = 0): string | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (point.x >= n.x - slop && point.x <= n.x + n.width + slop && point.y >= n.y - slop && point.y <= n.y + n.height + slop) return n.id;
  }
  return null;
}

/**
 * The next set of DOM-mounted nodes: the current ones `keep` still accepts, plus at most `budget` of the `wanted` ones
 * not mounted yet, in the order given (nearest first). Returns the same set object when nothing changes.
 */
export function planMounts(
  current: ReadonlySet<string>,
  wanted: readonly string[],
  keep: (id: string) => boolean,
  budget = MOUNTS_PER_FRAME,
): { mounted: ReadonlySet<string>; pending: number } {
  const missing = wanted.filter((id) => !current.has(id));
  let dropped = false;
  for (const id of current) if (!keep(id)) dropped = true;
  if (!dropped && missing.length === 0) return { mounted: current, pending: 0 };
  const next = new Set<string>();
  for (const id of current) if (keep(id)) next.add(id);
  const take = missing.slice(0, Math.max(0, budget));
  for (const id of take) next.add(id);
  if (next.size === current.size && take.length === 0) return { mounted: current, pending: 0 };
  return { mounted: next, pending: missing.length - take.length };
}

// Owns auto-layout: a layered, left-to-right ELK layout of the canvas graph. elkjs is loaded on first use (dynamic
// import), so it stays out of the initial bundle.
import type { ElkNode } from "elkjs/lib/elk-api";
import type { Position } from "../../ipc";
import { boundsOf, nodeSize, type CanvasGraph } from "./graph";

type ElkInstance = { layout: (graph: ElkNode) => Promise<ElkNode> };
let elk: Promise<ElkInstance> | null = null;

function loadElk(): Promise<ElkInstance> {
  elk ??= import("elkjs/lib/elk.bundled.js").then((m) => new m.default() as unknown as ElkInstance);
  return elk;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.edgeRouting": "SPLINES",
  "elk.spacing.nodeNode": "48",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.componentComponent": "80",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.separateConnectedComponents": "true",
};

/**
 * New positions for every node: a layered left→right layout, moved so its top-left corner stays where the graph's was.
 * With `grid`, positions are rounded to it.
 */
export async function layoutGraph(graph: CanvasGraph, grid = 1): Promise<Map<string, Position>> {
  const out = new Map<string, Position>();
  if (graph.nodes.length === 0) return out;
  const ids = new Set(graph.nodes.map((n) => n.id));
  const root: ElkNode = {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: graph.nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
    edges: graph.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const laid = await (await loadElk()).layout(root);
  const before = boundsOf(graph.nodes)!;
  const children = laid.children ?? [];
  const minX = Math.min(...children.map((c) => c.x ?? 0));
  const minY = Math.min(...children.map((c) => c.y ?? 0));
  const snap = (v: number) => Math.round(v / grid) * grid;
  for (const c of children) {
    out.set(c.id, { x: snap(before.x + (c.x ?? 0) - minX), y: snap(before.y + (c.y ?? 0) - minY) });
  }
  return out;
}

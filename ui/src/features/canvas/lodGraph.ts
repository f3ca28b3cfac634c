// Owns what React Flow is given on a large graph: every node (so fitting, dragging a selection and clicking through
// keep working), those the canvas layer draws marked `hidden` so React Flow mounts no DOM for them, and only the edges
// between mounted nodes. The layer publishes the mounted set here; node objects stay stable between publishes.
import { useMemo } from "react";
import { create } from "zustand";
import { sizeOf } from "./lod";
import type { FlowEdge, FlowNode, KindLookup } from "./graph";
import { useCanvasStore } from "./store";

export type LodState = {
  /** Ids of the nodes mounted as DOM nodes; every other node is drawn on the canvas layer. */
  mounted: ReadonlySet<string>;
  setMounted: (mounted: ReadonlySet<string>) => void;
  /** The view of a wheel gesture the layer shows before React Flow is given it (null: React Flow's is current). */
  view: readonly [number, number, number] | null;
  setView: (view: readonly [number, number, number] | null) => void;
  reset: () => void;
};

const NONE: ReadonlySet<string> = new Set();

export const useLodState = create<LodState>()((set) => ({
  mounted: NONE,
  setMounted: (mounted) => set({ mounted }),
  view: null,
  setView: (view) => set({ view }),
  reset: () => set({ mounted: NONE, view: null }),
}));

// One derived object per store node and role: an unchanged node is the same object to React Flow from one render to
// the next, so it skips it (an edit of one node re-adopts one node).
const shownOf = new WeakMap<FlowNode, FlowNode>();
const hiddenOf = new WeakMap<FlowNode, FlowNode>();

const measuredOf = (n: FlowNode, kinds: KindLookup) => (n.measured?.width && n.measured.height ? n.measured : sizeOf(n, kinds));

/** A node React Flow mounts: sized in advance (no layout pass needed to fit or cull it), measured for real once shown. */
export function shownNode(n: FlowNode, kinds: KindLookup): FlowNode {
  if (n.measured?.width && n.measured.height) return n;
  let v = shownOf.get(n);
  if (!v) {
    v = { ...n, measured: measuredOf(n, kinds) };
    shownOf.set(n, v);
  }
  return v;
}

/** A node the canvas layer draws: React Flow keeps it (for fitting and dragging) but mounts no DOM for it. */
export function hiddenNode(n: FlowNode, kinds: KindLookup): FlowNode {
  let v = hiddenOf.get(n);
  if (!v) {
    v = { ...n, hidden: true, measured: measuredOf(n, kinds) };
    hiddenOf.set(n, v);
  }
  return v;
}

/** The nodes and edges to give React Flow: the store's as they are when `enabled` is false (small graphs). */
export function useLodGraph(nodes: FlowNode[], edges: FlowEdge[], enabled: boolean): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const mounted = useLodState((s) => s.mounted);
  const kinds = useCanvasStore((s) => s.kinds);
  const lodNodes = useMemo(
    () => (enabled ? nodes.map((n) => (mounted.has(n.id) ? shownNode(n, kinds) : hiddenNode(n, kinds))) : nodes),
    [enabled, nodes, mounted, kinds],
  );
  const lodEdges = useMemo(
    () => (enabled ? edges.filter((e) => mounted.has(e.source) && mounted.has(e.target)) : edges),
    [enabled, edges, mounted],
  );
  return { nodes: lodNodes, edges: lodEdges };
}

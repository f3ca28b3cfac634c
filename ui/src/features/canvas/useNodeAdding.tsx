// Owns every way the canvas adds a node: the quick-add popup (Tab, a connection dropped on empty canvas, the "+" of an
// output port, the "+" of an edge), a palette click (the visible centre) and a palette drop (where it was dropped).
import { createContext, useCallback, useMemo, useState, type ReactNode, type RefObject } from "react";
import type { Viewport } from "@xyflow/react";
import type { Position } from "../../ipc";
import { toast } from "../../shared/toast";
import { useCanvasPrefs } from "./prefs";
import { QuickAdd } from "./QuickAdd";
import { labelOf } from "./insert";
import { canConnect, connectionAfter, freeSpotNear, GROUP_SIZE, NODE_HEIGHT, NODE_WIDTH, portName, useCanvasStore } from "./store";

/** What the quick-add popup adds after (a node, from one of its ports) or into (an edge), and where, when not the defaults. */
export type QuickAddState = { after: string | null; port?: string | null; at: Position | null; edge?: string | null };

/** What node and edge views call to offer their "+" (null where the canvas is read-only). */
export type AddActions = { fromPort: (nodeId: string, port: string) => void; onEdge: (edgeId: string) => void };
export const AddingContext = createContext<AddActions | null>(null);

/** The inspector's width (editor.css): a click that selects the new node opens it beside the canvas. */
const DOCK_WIDTH = 340;
/** A sticky note's size (editor.css .cnote, with a line of text). */
const NOTE_SIZE = { width: 240, height: 120 };
/** Gap between a node added in the middle of the view and the middle itself. */
const ABOVE_MIDDLE = 20;

type Deps = {
  wrapper: RefObject<HTMLDivElement | null>;
  grid: number;
  screenToFlowPosition: (p: Position) => Position;
  visibleFlowRect: () => { x: number; y: number; width: number; height: number } | null;
  getViewport: () => Viewport;
  setViewport: (v: Viewport, options?: { duration?: number }) => unknown;
};

/** Room kept between a revealed node and the canvas's edge; on the right it also shows the node's "+". */
const REVEAL_MARGIN = { left: 40, top: 40, right: 80, bottom: 40 };

export function useNodeAdding({ wrapper, grid, screenToFlowPosition, visibleFlowRect, getViewport, setViewport }: Deps) {
  const [quickAdd, setQuickAdd] = useState<QuickAddState | null>(null);
  const snap = useCallback((v: number) => (useCanvasPrefs.getState().snapToGrid ? Math.round(v / grid) * grid : Math.round(v)), [grid]);

  /** Opens quick-add for `state`, or (none given) after the one selected node, or into the one selected edge. */
  const openQuickAdd = useCallback((state?: QuickAddState) => {
    if (state) return setQuickAdd(state);
    const s = useCanvasStore.getState();
    const selected = s.nodes.filter((n) => n.selected);
    const edges = selected.length === 0 ? s.edges.filter((e) => e.selected) : [];
    if (edges.length === 1) return setQuickAdd({ after: null, at: null, edge: edges[0].id });
    setQuickAdd({ after: selected.length === 1 ? selected[0].id : null, at: null });
  }, []);

  const actions = useMemo<AddActions>(
    () => ({
      fromPort: (nodeId, port) => setQuickAdd({ after: nodeId, port, at: null }),
      onEdge: (edgeId) => setQuickAdd({ after: null, at: null, edge: edgeId }),
    }),
    [],
  );

  /**
   * Pans just enough to show a node at flow position p (never zooms: a chain growing to the right keeps its size, and
   * what was in view moves as little as it can).
   */
  const reveal = useCallback(
    (p: Position) => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r) return;
      const vp = getViewport();
      const shift = (at: number, size: number, span: number, before: number, after: number) =>
        at < before ? before - at : at + size > span - after ? Math.max(before - at, span - after - (at + size)) : 0;
      const dx = shift(p.x * vp.zoom + vp.x, NODE_WIDTH * vp.zoom, r.width, REVEAL_MARGIN.left, REVEAL_MARGIN.right);
      const dy = shift(p.y * vp.zoom + vp.y, NODE_HEIGHT * vp.zoom, r.height, REVEAL_MARGIN.top, REVEAL_MARGIN.bottom);
      if (dx || dy) void setViewport({ x: vp.x + dx, y: vp.y + dy, zoom: vp.zoom }, { duration: 250 });
    },
    [wrapper, getViewport, setViewport],
  );

  /** Brings the new node into view once the inspector it opens has taken its place beside the canvas. */
  const revealSoon = useCallback(
    (id: string) =>
      requestAnimationFrame(() => {
        const node = useCanvasStore.getState().nodes.find((n) => n.id === id);
        if (node) reveal(node.position);
      }),
    [reveal],
  );

  /** The middle of what will be visible of the canvas, in flow coordinates. */
  const visibleCentre = useCallback((): Position => {
    const v = visibleFlowRect();
    if (!v) return { x: 0, y: 0 };
    // Nothing docked yet beside the canvas: the new, selected node opens the inspector over the right of today's view.
    const r = wrapper.current?.getBoundingClientRect();
    const docked = !!wrapper.current?.nextElementSibling;
    const cut = !docked && r && r.width > 2 * DOCK_WIDTH ? (DOCK_WIDTH * v.width) / r.width : 0;
    return { x: v.x + (v.width - cut) / 2, y: v.y + v.height / 2 };
  }, [visibleFlowRect, wrapper]);

  /**
   * Where a node added without an anchor goes: centred on the visible middle's column, just above its row (the middle of
   * the canvas stays empty canvas, for a click that deselects), on a free spot.
   */
  const centreSlot = useCallback(
    (kind: string): Position => {
      const size = kind === "group" ? GROUP_SIZE : kind === "note" ? NOTE_SIZE : { width: NODE_WIDTH, height: NODE_HEIGHT };
      const c = visibleCentre();
      return freeSpotNear(useCanvasStore.getState(), { x: snap(c.x - size.width / 2), y: snap(c.y - size.height - ABOVE_MIDDLE) }, undefined, size);
    },
    [visibleCentre, snap],
  );

  /** A palette click: in the visible centre, on a free spot. */
  const addAtCentre = useCallback((kind: string) => revealSoon(useCanvasStore.getState().addNode(kind, centreSlot(kind))), [centreSlot, revealSoon]);

  /** A palette drag ended at this screen point: the node lands there when that is on the canvas. */
  const dropAt = useCallback(
    (kind: string, clientX: number, clientY: number) => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r || clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return;
      const p = screenToFlowPosition({ x: clientX, y: clientY });
      revealSoon(useCanvasStore.getState().addNode(kind, { x: snap(p.x - NODE_WIDTH / 2), y: snap(p.y - NODE_HEIGHT / 2) }));
    },
    [wrapper, screenToFlowPosition, snap, revealSoon],
  );

  const pick = (kind: string) => {
    const state = quickAdd;
    setQuickAdd(null);
    wrapper.current?.focus({ preventScroll: true });
    if (!state) return;
    const s = useCanvasStore.getState();
    if (state.edge) {
      const r = s.insertNode(kind, state.edge);
      if ("reason" in r) toast(`Not inserted: ${r.reason}`, "error");
      else revealSoon(r.id);
      return;
    }
    const anchor = state.after ? s.nodes.find((n) => n.id === state.after) : undefined;
    let at: Position | undefined;
    if (state.at) at = { x: snap(state.at.x), y: snap(state.at.y - NODE_HEIGHT / 2) };
    else if (!anchor) at = centreSlot(kind); // after a node, the store finds the free slot right of it
    const before = s.edges.length;
    const id = s.addNode(kind, at, { after: anchor?.id ?? null, port: state.port ?? null });
    revealSoon(id);
    const after = useCanvasStore.getState();
    if (anchor && after.edges.length === before) {
      // Say why it stayed unconnected, in the words the connection check uses.
      const check = canConnect(after, connectionAfter(anchor, id, kind, after.kinds, state.port), after.kinds);
      toast(`Added without a connection: ${check.ok ? "the connection was refused." : check.reason}`);
    }
  };

  const close = () => {
    setQuickAdd(null);
    wrapper.current?.focus({ preventScroll: true });
  };

  let popup: ReactNode = null;
  if (quickAdd) {
    const s = useCanvasStore.getState();
    const anchor = quickAdd.after ? s.nodes.find((n) => n.id === quickAdd.after) : undefined;
    const edge = quickAdd.edge ? s.edges.find((e) => e.id === quickAdd.edge) : undefined;
    const port = quickAdd.port != null && portName(quickAdd.port) !== "main" ? ` (${quickAdd.port})` : "";
    popup = (
      <QuickAdd
        kinds={s.kindList}
        after={anchor ? { label: anchor.data.label + port, hasOutput: s.kinds[anchor.data.kind]?.hasOutput ?? true } : null}
        between={edge ? { from: labelOf(s.nodes, edge.source), to: labelOf(s.nodes, edge.target) } : null}
        onPick={pick}
        onClose={close}
      />
    );
  }

  return { quickAdd, openQuickAdd, actions, popup, addAtCentre, dropAt };
}

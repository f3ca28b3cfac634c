// Owns every way the canvas adds a node: the quick-add popup (Tab, a connection dropped on empty canvas, the "+" of an
// output port, the "+" of an edge), a palette click (the visible centre) and a palette drop (where it was dropped).
import { createContext, useCallback, useMemo, useState, type ReactNode, type RefObject } from "react";
import type { Position } from "../../ipc";
import { toast } from "../../shared/toast";
import { useCanvasPrefs } from "./prefs";
import { QuickAdd } from "./QuickAdd";
import { labelOf } from "./insert";
import { canConnect, connectionAfter, freeSpotNear, NODE_HEIGHT, NODE_WIDTH, portName, useCanvasStore } from "./store";

/** What the quick-add popup adds after (a node, from one of its ports) or into (an edge), and where, when not the defaults. */
export type QuickAddState = { after: string | null; port?: string | null; at: Position | null; edge?: string | null };

/** What node and edge views call to offer their "+" (null where the canvas is read-only). */
export type AddActions = { fromPort: (nodeId: string, port: string) => void; onEdge: (edgeId: string) => void };
export const AddingContext = createContext<AddActions | null>(null);

/** The inspector's width (editor.css): a click that selects the new node opens it beside the canvas. */
const DOCK_WIDTH = 340;

type Deps = {
  wrapper: RefObject<HTMLDivElement | null>;
  grid: number;
  screenToFlowPosition: (p: Position) => Position;
  visibleFlowRect: () => { x: number; y: number; width: number; height: number } | null;
  reveal: (p: Position) => void;
};

export function useNodeAdding({ wrapper, grid, screenToFlowPosition, visibleFlowRect, reveal }: Deps) {
  const [quickAdd, setQuickAdd] = useState<QuickAddState | null>(null);
  const snap = useCallback((v: number) => (useCanvasPrefs.getState().snapToGrid ? Math.round(v / grid) * grid : Math.round(v)), [grid]);

  /** Opens quick-add for `state`, or (none given) after the one selected node. */
  const openQuickAdd = useCallback((state?: QuickAddState) => {
    if (state) return setQuickAdd(state);
    const selected = useCanvasStore.getState().nodes.filter((n) => n.selected);
    setQuickAdd({ after: selected.length === 1 ? selected[0].id : null, at: null });
  }, []);

  const actions = useMemo<AddActions>(
    () => ({
      fromPort: (nodeId, port) => setQuickAdd({ after: nodeId, port, at: null }),
      onEdge: (edgeId) => setQuickAdd({ after: null, at: null, edge: edgeId }),
    }),
    [],
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

  /** A palette click: in the visible centre, on a free spot. */
  const addAtCentre = useCallback(
    (kind: string) => {
      const s = useCanvasStore.getState();
      const c = visibleCentre();
      const at = freeSpotNear(s, { x: snap(c.x - NODE_WIDTH / 2), y: snap(c.y - NODE_HEIGHT / 2) });
      revealSoon(s.addNode(kind, at));
    },
    [visibleCentre, snap, revealSoon],
  );

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
    else if (!anchor) {
      const c = visibleCentre();
      at = freeSpotNear(s, { x: snap(c.x - NODE_WIDTH / 2), y: snap(c.y - NODE_HEIGHT / 2) });
    } // after a node, the store finds the free slot right of it
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

// Owns the canvas state (zustand): the open workflow, its nodes/edges, node kinds, undo/redo history, selection,
// clipboard edits, the dirty flag and saving.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { create } from "zustand";
import type { GraphChanges, JsonValue, KindInfo, Position, SaveAs, WorkflowGraph } from "../../ipc";
import { workflowDocument, type CanvasDocument, type DocSummary } from "./document";
import { uuidv7 } from "../../shared/uuidv7";
import { extractSubgraph, pasteOffset, pasteSubgraph, type ClipboardPayload } from "./clipboard";
import * as G from "./graph";
import { insertOnEdge, portIndex, slotAfter } from "./insert";
import type { CanvasGraph, ConnectionLike, FlowEdge, FlowNode, KindLookup } from "./graph";

export * from "./graph";

/** Undo steps kept; the oldest are dropped beyond this. */
export const HISTORY_LIMIT = 200;
/** Config edits of one burst (one field, typing) closer than this are one undo step. */
export const BURST_MS = 1000;

/**
 * One undo step: the graph as it was before an edit. Graphs are immutable, so a snapshot is two array references;
 * `content` identifies the graph's content (selection and measurements aside) and tells whether it was saved.
 */
export type HistoryEntry = { nodes: FlowNode[]; edges: FlowEdge[]; content: number; label: string };

type DragSession = { nodes: FlowNode[]; edges: FlowEdge[]; content: number };

export type AddNodeOptions = {
  /** Place right of this node and connect it to the new node when the kinds allow. */
  after?: string | null;
  /** The output port of `after` to connect from (default: its first). */
  port?: string | null;
  /** Select the new node alone (default true). */
  select?: boolean;
};

/** A document as loaded or saved. */
export type LoadedDoc = { summary: DocSummary; graph: WorkflowGraph };

export type CanvasState = {
  summary: DocSummary | null;
  /** What is open: saves go through it. */
  document: CanvasDocument | null;
  nodes: FlowNode[];
  edges: FlowEdge[];
  kinds: KindLookup;
  kindList: KindInfo[];
  /** True when the canvas differs from the last loaded/saved document. */
  dirty: boolean;
  /** Bumped by every graph change (edits, undo, redo); autosave debounces on it. */
  revision: number;
  /** Identifies the current graph content; `savedContent` is the one last loaded or saved. */
  content: number;
  savedContent: number;
  saving: boolean;
  /** A node drag is in progress (its moves become one undo step when it ends). */
  dragging: boolean;
  past: HistoryEntry[];
  future: HistoryEntry[];
  /** Ask a node to open its label editor (F2); `seq` makes repeated requests distinct. */
  renameRequest: { id: string; seq: number } | null;

  setKinds: (kinds: KindInfo[]) => void;
  load: (doc: LoadedDoc, document?: CanvasDocument | null) => void;
  reset: () => void;
  addNode: (kind: string, position?: Position, options?: AddNodeOptions) => string;
  connect: (connection: ConnectionLike) => boolean;
  /**
   * Puts a new node of `kind` on edge `edgeId` (source → new → target) as one undo step "Insert node", selected. Returns
   * its id, or the reason the connections were refused (then nothing changes).
   */
  insertNode: (kind: string, edgeId: string) => { id: string } | { reason: string };
  moveNode: (id: string, position: Position) => void;
  /** Moves several nodes as one undo step (auto-layout uses this). */
  moveNodes: (positions: ReadonlyMap<string, Position>, label?: string) => boolean;
  deleteNodes: (ids: string[]) => void;
  deleteEdges: (ids: string[]) => void;
  /** Moves the selected nodes by (dx, dy) as one undo step. */
  nudgeSelection: (dx: number, dy: number) => boolean;
  /** Deletes the selected nodes (with their edges) and the selected edges as one undo step. */
  deleteSelection: () => boolean;
  renameNode: (id: string, label: string) => void;
  requestRename: (id: string) => void;
  /**
   * Replaces a node's config as an undo step "Edit settings". Edits with the same `burst` key within a second of each
   * other (typing in one field) are one step.
   */
  updateConfig: (id: string, config: JsonValue, burst?: string) => boolean;

  selectAll: () => void;
  selectNodes: (ids: string[]) => void;
  clearSelection: () => void;
  selectedNodeIds: () => string[];

  /** The selected nodes and the edges between them in the clipboard format, or null when no node is selected. */
  copySelection: () => ClipboardPayload | null;
  /** Like copySelection, then deletes the selection (one undo step). */
  cutSelection: () => ClipboardPayload | null;
  /** Adds the payload with fresh ids, selected; `at` centres it there. Returns the new node ids. */
  paste: (payload: ClipboardPayload, at?: Position, grid?: number) => string[];
  /** Copies and pastes the selection in one step, beside the originals. */
  duplicateSelection: () => string[];

  undo: () => boolean;
  redo: () => boolean;
  /** Ends an open drag session (also called from React Flow's drag-stop as a safety net). */
  endDrag: () => void;

  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  toGraph: () => WorkflowGraph;
  /**
   * Saves what changed since the last load or save through the IPC as `as` says (an explicit save by default); the
   * canvas stays as it is (history too), and is clean unless edited meanwhile. Resolves to the new summary, or null
   * when nothing is open or a save is already running.
   */
  save: (as?: SaveAs) => Promise<DocSummary | null>;
  /** What the canvas changed since it loaded or last saved (what a save would send; drafts and live checks use it). */
  unsavedChanges: () => GraphChanges;
  /** Whether `graph` (the document as saved now) differs from what the canvas last loaded or saved. */
  savedDiffers: (graph: WorkflowGraph) => boolean;
  /** A VIEWER's canvas: every edit is a no-op (the local store would refuse to save it anyway). */
  readOnly: boolean;
  setReadOnly: (readOnly: boolean) => void;
  /**
   * Someone else's saved changes arrived: the saved graph becomes `doc`'s, and the canvas shows `withLocal` (that graph
   * with this canvas's unsaved changes made on it, by the core). Undo starts over: its steps were made on the old graph,
   * and undoing one now would quietly take the other person's work back out.
   */
  rebase: (doc: LoadedDoc, withLocal: WorkflowGraph) => void;
  /** Puts a saved version's graph on the canvas as one undo step (selection cleared). */
  replaceGraph: (graph: WorkflowGraph, label: string) => boolean;
};

let contentSeq = 0;
const nextContent = () => ++contentSeq;

const cleared = () => {
  const content = nextContent();
  return {
    nodes: [] as FlowNode[],
    edges: [] as FlowEdge[],
    dirty: false,
    content,
    savedContent: content,
    saving: false,
    dragging: false,
    past: [] as HistoryEntry[],
    future: [] as HistoryEntry[],
    renameRequest: null,
  };
};

const pushCapped = (list: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] => {
  const next = list.length >= HISTORY_LIMIT ? list.slice(list.length - HISTORY_LIMIT + 1) : list.slice();
  next.push(entry);
  return next;
};

export const useCanvasStore = create<CanvasState>()((set, get) => {
  let drag: DragSession | null = null;
  /** The last config edit's burst key and time; any other edit ends the burst. */
  let burst: { key: string; at: number } | null = null;
  /** Per group being dragged: where it started and where its members were. */
  let groupCarry = new Map<string, { start: Position; members: Map<string, Position> }>();
  /** Bumped by load/reset, so a save that finishes after the canvas was reloaded doesn't touch it. */
  let generation = 0;
  /** The graph as last loaded or saved: a save sends only what differs from it. */
  let baseline: G.Baseline = G.baselineOf(G.emptyGraph());

  /** Closes a drag session: its moves become one "Move" step (none when the nodes ended where they started). */
  const finishDrag = () => {
    const start = drag;
    if (!start) return;
    drag = null;
    const s = get();
    const startAt = new Map(start.nodes.map((n) => [n.id, n.position]));
    const moved = s.nodes.some((n) => {
      const p = startAt.get(n.id);
      return p && (p.x !== n.position.x || p.y !== n.position.y);
    });
    if (!moved) {
      set({ dragging: false, content: start.content, dirty: start.content !== s.savedContent, revision: s.revision + 1 });
      return;
    }
    set({
      dragging: false,
      past: pushCapped(s.past, { nodes: start.nodes, edges: start.edges, content: start.content, label: "Move" }),
      future: [],
    });
  };

  /**
   * Applies a pure edit as one undo step labelled `label`; returns false (and records nothing) when the graph did not
   * change. An open drag is closed first, so it stays a step of its own.
   */
  const commit = (label: string, f: (g: CanvasGraph) => CanvasGraph, burstKey?: string): boolean => {
    finishDrag();
    const s = get();
    if (s.readOnly) return false;
    const before: CanvasGraph = { nodes: s.nodes, edges: s.edges };
    const after = f(before);
    if (after === before) return false;
    const content = nextContent();
    const now = Date.now();
    const sameBurst = burstKey !== undefined && burst?.key === burstKey && now - burst.at < BURST_MS && s.past.length > 0;
    burst = burstKey === undefined ? null : { key: burstKey, at: now };
    if (sameBurst) {
      // Still the same burst: the step already holds the graph from before it began.
      set({ nodes: after.nodes, edges: after.edges, content, dirty: content !== s.savedContent, revision: s.revision + 1, future: [] });
      return true;
    }
    set({
      nodes: after.nodes,
      edges: after.edges,
      content,
      dirty: content !== s.savedContent,
      revision: s.revision + 1,
      past: pushCapped(s.past, { nodes: s.nodes, edges: s.edges, content: s.content, label }),
      future: [],
    });
    return true;
  };

  /** Puts a snapshot back, keeping the sizes React Flow measured for nodes that are still on the canvas. */
  const restore = (snap: HistoryEntry) => {
    const s = get();
    const measured = new Map(s.nodes.map((n) => [n.id, n.measured]));
    const nodes = snap.nodes.map((n) => {
      const m = measured.get(n.id);
      return m && m !== n.measured ? { ...n, measured: m } : n;
    });
    return { nodes, edges: snap.edges, content: snap.content, dirty: snap.content !== s.savedContent, revision: s.revision + 1 };
  };

  const selectedIds = () => get().nodes.filter((n) => n.selected).map((n) => n.id);

  const pasteAs = (label: string, payload: ClipboardPayload, at?: Position, grid?: number): string[] => {
    let ids: string[] = [];
    commit(label, (g) => {
      const offset = pasteOffset(g, payload, at, grid);
      const r = pasteSubgraph(g, payload, () => uuidv7(), offset, get().kinds);
      ids = r.nodeIds;
      return r.graph;
    });
    return ids;
  };

  return {
    summary: null,
    document: null,
    ...cleared(),
    revision: 0,
    readOnly: false,
    setReadOnly: (readOnly) => set({ readOnly }),
    kinds: {},
    kindList: [],

    setKinds: (list) => set({ kindList: list, kinds: Object.fromEntries(list.map((k) => [k.kind, k])) }),

    load: (doc, document = null) => {
      drag = null;
      burst = null;
      generation++;
      const g = G.fromDoc(doc.graph);
      // Without one, the document is the workflow of that id (what the canvas edited first).
      const open = document ?? workflowDocument(doc.summary.id);
      baseline = G.baselineOf(g);
      set((s) => ({ ...cleared(), summary: doc.summary, document: open, nodes: g.nodes, edges: g.edges, revision: s.revision + 1 }));
    },

    reset: () => {
      drag = null;
      generation++;
      baseline = G.baselineOf(G.emptyGraph());
      set((s) => ({ ...cleared(), summary: null, document: null, revision: s.revision + 1 }));
    },

    addNode: (kind, position, options = {}) => {
      const id = uuidv7();
      const { kinds, nodes } = get();
      const label = kinds[kind]?.label ?? kind;
      const anchor = options.after ? nodes.find((n) => n.id === options.after) : undefined;
      commit("Add node", (g) => {
        const at = position ?? (anchor ? slotAfter(g, anchor, portIndex(anchor, options.port, kinds)) : G.nextFreePosition(g));
        let next = G.addNode(g, { id, kind, label, position: at });
        if (anchor) next = G.connect(next, G.connectionAfter(anchor, id, kind, kinds, options.port), uuidv7(), kinds);
        return options.select === false ? next : G.selectOnly(next, [id]);
      });
      return id;
    },

    connect: (c) => commit("Connect", (g) => G.connect(g, c, uuidv7(), get().kinds)),

    insertNode: (kind, edgeId) => {
      const id = uuidv7();
      const kinds = get().kinds;
      let reason = null as string | null;
      commit("Insert node", (g) => {
        const r = insertOnEdge(g, edgeId, { id, kind, label: kinds[kind]?.label ?? kind }, { into: uuidv7(), out: uuidv7() }, kinds);
        reason = r.reason;
        return r.graph === g ? g : G.selectOnly(r.graph, [id]);
      });
      return reason === null ? { id } : { reason };
    },

    moveNode: (id, position) => void commit("Move", (g) => G.moveNode(g, id, position)),

    moveNodes: (positions, label = "Move") => commit(label, (g) => G.moveNodes(g, positions)),

    deleteNodes: (ids) => void commit("Delete", (g) => G.deleteNodes(g, ids)),

    deleteEdges: (ids) => void commit("Disconnect", (g) => G.deleteEdges(g, ids)),

    nudgeSelection: (dx, dy) => {
      const positions = new Map(get().nodes.flatMap((n) => (n.selected ? [[n.id, { x: n.position.x + dx, y: n.position.y + dy }]] : [])));
      return positions.size > 0 && get().moveNodes(positions);
    },

    deleteSelection: () => {
      const { nodes, edges } = get();
      const nodeIds = nodes.filter((n) => n.selected).map((n) => n.id);
      const edgeIds = edges.filter((e) => e.selected).map((e) => e.id);
      const label = nodeIds.length ? "Delete" : "Disconnect";
      return commit(label, (g) => G.deleteElements(g, nodeIds, edgeIds));
    },

    renameNode: (id, label) => void commit("Rename", (g) => G.renameNode(g, id, label)),

    updateConfig: (id, config, burstKey) =>
      commit("Edit settings", (g) => G.setConfig(g, id, config), burstKey === undefined ? undefined : `${id}\u0000${burstKey}`),

    requestRename: (id) => set((s) => ({ renameRequest: { id, seq: (s.renameRequest?.seq ?? 0) + 1 } })),

    selectAll: () => set((s) => G.selectAll({ nodes: s.nodes, edges: s.edges })),
    selectNodes: (ids) => set((s) => G.selectOnly({ nodes: s.nodes, edges: s.edges }, ids)),
    clearSelection: () => set((s) => G.selectOnly({ nodes: s.nodes, edges: s.edges }, [])),
    selectedNodeIds: selectedIds,

    copySelection: () => extractSubgraph({ nodes: get().nodes, edges: get().edges }, selectedIds()),

    cutSelection: () => {
      const payload = get().copySelection();
      if (!payload) return null;
      const ids = payload.nodes.map((n) => n.id);
      commit("Cut", (g) => G.deleteNodes(g, ids));
      return payload;
    },

    paste: (payload, at, grid) => pasteAs("Paste", payload, at, grid),

    duplicateSelection: () => {
      const payload = get().copySelection();
      return payload ? pasteAs("Duplicate", payload) : [];
    },

    undo: () => {
      finishDrag();
      burst = null;
      const s = get();
      const entry = s.past[s.past.length - 1];
      if (!entry) return false;
      set({
        ...restore(entry),
        past: s.past.slice(0, -1),
        future: [...s.future, { nodes: s.nodes, edges: s.edges, content: s.content, label: entry.label }],
      });
      return true;
    },

    redo: () => {
      finishDrag();
      burst = null;
      const s = get();
      const entry = s.future[s.future.length - 1];
      if (!entry) return false;
      set({
        ...restore(entry),
        future: s.future.slice(0, -1),
        past: pushCapped(s.past, { nodes: s.nodes, edges: s.edges, content: s.content, label: entry.label }),
      });
      return true;
    },

    endDrag: finishDrag,

    onNodesChange: (changes) => {
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length) get().deleteNodes(removed);

      const moves = new Map<string, Position>();
      let draggingNow = false;
      for (const c of changes) {
        if (c.type !== "position" || !c.position) continue;
        moves.set(c.id, c.position);
        draggingNow ||= !!c.dragging;
      }
      // A dragged group carries what it framed when the drag began.
      if (moves.size) {
        const s0 = get();
        if (!drag) groupCarry = new Map();
        for (const [id, p] of [...moves]) {
          const g = s0.nodes.find((n) => n.id === id);
          if (!g || g.data.kind !== "group") continue;
          let carry = groupCarry.get(id);
          if (!carry) {
            const members = G.groupMembers(g, s0.nodes).filter((m) => !moves.has(m));
            carry = { start: g.position, members: new Map(members.map((m) => [m, s0.nodes.find((n) => n.id === m)!.position])) };
            groupCarry.set(id, carry);
          }
          const dx = p.x - carry.start.x;
          const dy = p.y - carry.start.y;
          for (const [m, at] of carry.members) moves.set(m, { x: at.x + dx, y: at.y + dy });
        }
      }
      if (moves.size) {
        if (draggingNow || drag) {
          // Inside a drag every pixel updates the canvas, but only the drag as a whole is an undo step.
          const s = get();
          drag ??= { nodes: s.nodes, edges: s.edges, content: s.content };
          const next = G.moveNodes({ nodes: s.nodes, edges: s.edges }, moves);
          if (next.nodes !== s.nodes) {
            const content = nextContent();
            set({ nodes: next.nodes, content, dirty: true, revision: s.revision + 1, dragging: true });
          } else if (!s.dragging) set({ dragging: true });
          if (!draggingNow) finishDrag();
        } else {
          get().moveNodes(moves); // keyboard nudges: one step each
        }
      }

      // Selection and dimensions are view state: applied, never an edit.
      const view = changes.filter((c) => c.type === "select" || c.type === "dimensions");
      if (view.length) set((s) => ({ nodes: applyNodeChanges(view, s.nodes) }));
    },

    onEdgesChange: (changes) => {
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length) get().deleteEdges(removed);
      const view = changes.filter((c) => c.type === "select");
      if (view.length) set((s) => ({ edges: applyEdgeChanges(view, s.edges) }));
    },

    toGraph: () => G.toGraph({ nodes: get().nodes, edges: get().edges }),

    unsavedChanges: () => G.changesSince(baseline, { nodes: get().nodes, edges: get().edges }),

    savedDiffers: (graph) => !G.sameSavedGraph(G.toGraph({ nodes: [...baseline.nodes.values()], edges: [...baseline.edges.values()] }), graph),

    rebase: (doc, withLocal) => {
      drag = null;
      burst = null;
      const saved = G.fromDoc(doc.graph);
      baseline = G.baselineOf(saved);
      const next = G.fromDoc(withLocal);
      const selected = new Set(get().nodes.filter((n) => n.selected).map((n) => n.id));
      const content = nextContent();
      const dirty = !G.sameSavedGraph(doc.graph, withLocal);
      // A node the core gave back unchanged is the baseline's own object, so the next save does not send it.
      const unchanged = (a: FlowNode, b: FlowNode) =>
        a.data.kind === b.data.kind &&
        a.data.label === b.data.label &&
        a.position.x === b.position.x &&
        a.position.y === b.position.y &&
        JSON.stringify(a.data.config) === JSON.stringify(b.data.config);
      const nodes = next.nodes.map((n) => {
        const base = baseline.nodes.get(n.id);
        const kept = base && unchanged(base, n) ? base : n;
        return selected.has(n.id) ? { ...kept, selected: true } : kept;
      });
      set((s) => ({
        summary: doc.summary,
        nodes,
        edges: next.edges,
        content,
        savedContent: dirty ? nextContent() : content,
        dirty,
        past: [],
        future: [],
        revision: s.revision + 1,
      }));
    },

    replaceGraph: (graph, label) =>
      commit(label, (g) => {
        const next = G.fromDoc(graph);
        const same = JSON.stringify(G.toGraph(g)) === JSON.stringify(G.toGraph(next));
        return same ? g : next;
      }),

    save: async (as = { kind: "SAVE" }) => {
      const { summary, saving, content, document } = get();
      if (!summary || saving || !document) return null;
      const started = generation;
      set({ saving: true });
      try {
        const sent: G.CanvasGraph = { nodes: get().nodes, edges: get().edges };
        const saved = await document.save(G.changesSince(baseline, sent), as);
        if (generation !== started) return saved; // navigated away or reloaded meanwhile
        baseline = G.baselineOf(sent);
        set((s) => ({ summary: saved, savedContent: content, dirty: s.content !== content }));
        return saved;
      } finally {
        set({ saving: false });
      }
    },
  };
});

/** Undo/redo availability and labels, for toolbars. */
export const historySelector = (s: CanvasState) => ({
  canUndo: s.past.length > 0,
  canRedo: s.future.length > 0,
  undoLabel: s.past[s.past.length - 1]?.label ?? null,
  redoLabel: s.future[s.future.length - 1]?.label ?? null,
});

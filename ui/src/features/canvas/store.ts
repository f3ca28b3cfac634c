// Owns the canvas state (zustand): the open workflow, its nodes/edges, node kinds, the dirty flag and saving.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { create } from "zustand";
import { api, type NodeKindInfo, type Position, type WorkflowDoc, type WorkflowGraph, type WorkflowSummary } from "../../ipc";
import { uuidv7 } from "../../shared/uuidv7";
import * as G from "./graph";
import type { CanvasGraph, ConnectionLike, FlowEdge, FlowNode, KindLookup } from "./graph";

export * from "./graph";

export type CanvasState = {
  summary: WorkflowSummary | null;
  nodes: FlowNode[];
  edges: FlowEdge[];
  kinds: KindLookup;
  kindList: NodeKindInfo[];
  /** True when the canvas differs from the last loaded/saved document. */
  dirty: boolean;
  /** Bumped by every graph edit; lets a save tell whether edits happened while it ran. */
  revision: number;
  saving: boolean;

  setKinds: (kinds: NodeKindInfo[]) => void;
  load: (doc: WorkflowDoc) => void;
  reset: () => void;
  addNode: (kind: string, position?: Position) => string;
  connect: (connection: ConnectionLike) => boolean;
  moveNode: (id: string, position: Position) => void;
  deleteNodes: (ids: string[]) => void;
  deleteEdges: (ids: string[]) => void;
  renameNode: (id: string, label: string) => void;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  toGraph: () => WorkflowGraph;
  /** Saves through the IPC and loads the returned document (unless edits were made meanwhile). */
  save: () => Promise<WorkflowDoc | null>;
};

const initial = {
  summary: null,
  nodes: [] as FlowNode[],
  edges: [] as FlowEdge[],
  dirty: false,
  revision: 0,
  saving: false,
};

export const useCanvasStore = create<CanvasState>()((set, get) => {
  /** Applies a pure edit; marks the canvas dirty only if the graph actually changed. */
  const edit = (f: (g: CanvasGraph) => CanvasGraph): boolean => {
    const { nodes, edges, revision } = get();
    const before: CanvasGraph = { nodes, edges };
    const after = f(before);
    if (after === before) return false;
    set({ nodes: after.nodes, edges: after.edges, dirty: true, revision: revision + 1 });
    return true;
  };

  return {
    ...initial,
    kinds: {},
    kindList: [],

    setKinds: (list) => set({ kindList: list, kinds: Object.fromEntries(list.map((k) => [k.kind, k])) }),

    load: (doc) => {
      const g = G.fromDoc(doc.graph);
      set((s) => ({ summary: doc.summary, nodes: g.nodes, edges: g.edges, dirty: false, revision: s.revision + 1 }));
    },

    reset: () => set((s) => ({ ...initial, revision: s.revision + 1 })),

    addNode: (kind, position) => {
      const id = uuidv7();
      const label = get().kinds[kind]?.label ?? kind;
      edit((g) => G.addNode(g, { id, kind, label, position: position ?? G.nextFreePosition(g) }));
      return id;
    },

    connect: (c) => edit((g) => G.connect(g, c, uuidv7(), get().kinds)),

    moveNode: (id, position) => void edit((g) => G.moveNode(g, id, position)),

    deleteNodes: (ids) => void edit((g) => G.deleteNodes(g, ids)),

    deleteEdges: (ids) => void edit((g) => G.deleteEdges(g, ids)),

    renameNode: (id, label) => void edit((g) => G.renameNode(g, id, label)),

    onNodesChange: (changes) => {
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length) get().deleteNodes(removed);
      for (const c of changes) {
        if (c.type === "position" && c.position) get().moveNode(c.id, c.position);
      }
      // Selection, dimensions and drag flags are view state: applied, never dirty.
      const view = changes.filter((c) => c.type === "select" || c.type === "dimensions" || c.type === "position");
      if (view.length) set((s) => ({ nodes: applyNodeChanges(view, s.nodes) }));
    },

    onEdgesChange: (changes) => {
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length) get().deleteEdges(removed);
      const view = changes.filter((c) => c.type === "select");
      if (view.length) set((s) => ({ edges: applyEdgeChanges(view, s.edges) }));
    },

    toGraph: () => G.toGraph({ nodes: get().nodes, edges: get().edges }),

    save: async () => {
      const { summary, saving, revision } = get();
      if (!summary || saving) return null;
      set({ saving: true });
      try {
        const doc = await api.workflowSaveGraph(summary.id, get().toGraph());
        if (get().summary?.id !== doc.summary.id) return doc; // navigated away meanwhile
        if (get().revision === revision) {
          const selected = new Set(get().nodes.filter((n) => n.selected).map((n) => n.id));
          get().load(doc);
          if (selected.size)
            set((s) => ({ nodes: s.nodes.map((n) => (selected.has(n.id) ? { ...n, selected: true } : n)) }));
        } else {
          set({ summary: doc.summary }); // keep the newer edits, still dirty
        }
        return doc;
      } finally {
        set({ saving: false });
      }
    },
  };
});

// Owns the canvas's version history state (zustand): the saved versions of the open workflow, and the comparison shown
// on the canvas — an older version against a newer one or against the canvas as it is.
import { create } from "zustand";
import { errorMessage, type VersionDoc, type VersionSummary, type WorkflowGraph } from "../../ipc";
import type { CanvasDocument } from "./document";
import { diffGraphs, type GraphDiff } from "./diff";

export type HistoryState = {
  open: boolean;
  versions: VersionSummary[] | null;
  error: string | null;
  /** The older side of the comparison. */
  base: VersionDoc | null;
  /** The newer side; null compares with the canvas. */
  head: VersionDoc | null;
  diff: GraphDiff | null;
  loadingVersion: string | null;

  show: (document: CanvasDocument) => Promise<void>;
  refresh: (document: CanvasDocument) => Promise<void>;
  hide: () => void;
  /** Compares version `id` with `against` (another version id) or, with none, with the canvas graph. */
  compare: (id: string, current: WorkflowGraph, against?: string | null) => Promise<void>;
  /** Recomputes a comparison with the canvas after an edit. */
  recompare: (current: WorkflowGraph) => void;
  stopComparing: () => void;
  reset: () => void;
};

const closed = { open: false, versions: null, error: null, base: null, head: null, diff: null, loadingVersion: null };

export const useHistory = create<HistoryState>()((set, get) => {
  /** Fetched versions, by id: a version never changes once saved. */
  const docs = new Map<string, VersionDoc>();
  /** The document whose history is shown. */
  let current: CanvasDocument | null = null;
  const doc = async (id: string) => {
    const known = docs.get(id);
    if (known) return known;
    if (!current) throw new Error("no document is open");
    const fetched = await current.version(id);
    docs.set(id, fetched);
    return fetched;
  };

  return {
    ...closed,

    show: async (document) => {
      current = document;
      set({ open: true, error: null });
      await get().refresh(document);
    },

    refresh: async (document) => {
      current = document;
      try {
        const versions = await document.versions();
        if (get().open) set({ versions, error: null });
      } catch (e) {
        if (get().open) set({ error: errorMessage(e) });
      }
    },

    hide: () => set({ ...closed }),

    compare: async (id, current, against = null) => {
      set({ loadingVersion: id, error: null });
      try {
        const base = await doc(id);
        const head = against ? await doc(against) : null;
        // Older on the left of the comparison, whichever was picked first.
        const [older, newer] =
          head && Date.parse(head.summary.createdAt) < Date.parse(base.summary.createdAt) ? [head, base] : [base, head];
        set({ base: older, head: newer, diff: diffGraphs(older.graph, newer ? newer.graph : current), loadingVersion: null });
      } catch (e) {
        set({ error: errorMessage(e), loadingVersion: null });
      }
    },

    recompare: (current) => {
      const { base, head } = get();
      if (base && !head) set({ diff: diffGraphs(base.graph, current) });
    },

    stopComparing: () => set({ base: null, head: null, diff: null }),

    reset: () => {
      docs.clear();
      current = null;
      set({ ...closed });
    },
  };
});

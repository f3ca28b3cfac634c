// Owns the canvas's live validation (zustand): the engine's diagnostics for the graph as it is on the canvas, by node
// and by config field, refreshed shortly after each edit.
import { create } from "zustand";
import { api, type Diagnostic, type Estimate, type GraphChanges, type GraphSurface, type JsonValue, type ToolSignature } from "../../ipc";

export type ValidationState = {
  /** Every problem of the last checked graph. */
  all: Diagnostic[];
  byNode: Record<string, Diagnostic[]>;
  /** Problems of the graph as a whole (no trigger) or of an edge. */
  general: Diagnostic[];
  /** The revision the diagnostics are for; stale while an edit waits to be checked. */
  checkedRevision: number;
  /** Why the last check could not run (the backend failed), if so. */
  error: string | null;
  /** The pre-run figure of the model calls, when the graph has any. */
  estimate: Estimate | null;
  /** A blueprint's tool signature as the canvas now declares it (the core computes it with the check). */
  signature: ToolSignature | null;
  /** Checks the saved graph of `ownerId` with the canvas's unsaved `changes` made (only the changes are sent). */
  check: (ownerId: string, changes: GraphChanges, revision: number, surface: GraphSurface, input?: JsonValue) => Promise<void>;
  clear: () => void;
};

/** The config key a diagnostic is about: the engine names it first, in quotes (`'url' is required`). */
export function fieldOf(d: Diagnostic): string | null {
  if (d.code !== "missingConfig" && d.code !== "invalidConfig" && d.code !== "secretInConfig") return null;
  // The core names the node first ("node 'Set fields': 'fields' is required"); the field follows.
  const m = /(?:^|: )'([^']+)'(?= |$)/.exec(d.message);
  return m ? m[1] : null;
}

/**
 * Diagnostics by node and the rest. A node whose problems are the same as in `previous` keeps its array, so that a
 * re-check after an edit re-renders only the nodes whose problems changed.
 */
export function groupDiagnostics(all: Diagnostic[], previous: Record<string, Diagnostic[]> = {}): Pick<ValidationState, "byNode" | "general"> {
  const byNode: Record<string, Diagnostic[]> = {};
  const general: Diagnostic[] = [];
  for (const d of all) {
    if (d.nodeId) (byNode[d.nodeId] ??= []).push(d);
    else general.push(d);
  }
  for (const [id, list] of Object.entries(byNode)) {
    const before = previous[id];
    if (before && before.length === list.length && before.every((d, i) => sameDiagnostic(d, list[i]))) byNode[id] = before;
  }
  return { byNode, general };
}

const sameDiagnostic = (a: Diagnostic, b: Diagnostic) =>
  a.code === b.code && a.message === b.message && a.nodeId === b.nodeId && a.edgeId === b.edgeId;

export const useValidation = create<ValidationState>()((set, get) => {
  let latest = 0;
  return {
    all: [],
    byNode: {},
    general: [],
    checkedRevision: -1,
    error: null,
    estimate: null,
    signature: null,
    check: async (ownerId, changes, revision, surface, input) => {
      const mine = ++latest;
      try {
        const { diagnostics: all, estimate, signature } = await api.graphCheckChanges(ownerId, surface, changes, input ?? {});
        if (mine !== latest) return;
        set({ all, ...groupDiagnostics(all, get().byNode), checkedRevision: revision, error: null, estimate, signature });
      } catch (e) {
        if (mine !== latest) return;
        set({ error: e instanceof Error ? e.message : String(e), checkedRevision: revision });
      }
    },
    clear: () => {
      latest++;
      set({ all: [], byNode: {}, general: [], checkedRevision: -1, error: null, estimate: null, signature: null });
    },
  };
});

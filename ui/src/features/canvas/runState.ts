// Owns the canvas's run state (zustand): the run in flight or the past run shown, each node's live status, output and
// logs from the run's updates, and starting/cancelling runs through the IPC.
import { create } from "zustand";
import {
  api,
  errorMessage,
  type ExecutionDetail,
  type JsonValue,
  type NodeResult,
  type NodeStatus,
  type RunMode,
  type RunUpdate,
} from "../../ipc";
import type { CanvasDocument } from "./document";

/** A node's part in the run on the canvas: queued and running only while it goes. */
export type NodeRunStatus = "queued" | "running" | NodeStatus;

export type NodeRunView = {
  status: NodeRunStatus;
  durationMs: number | null;
  /** Items by output port. */
  output: Record<string, JsonValue[]> | null;
  /** Known once the execution is stored (events don't carry inputs). */
  input: JsonValue[] | null;
  error: string | null;
  /** Why it was skipped. */
  reason: string | null;
  logs: string[];
  tokens: number;
  cost: number;
  attempts: number;
};

export type RunPhase = "idle" | "starting" | "running" | "completed" | "failed" | "cancelled";

export type RunState = {
  workflowId: string | null;
  executionId: string | null;
  phase: RunPhase;
  mode: RunMode["mode"];
  nodes: Record<string, NodeRunView>;
  /** Wall-clock start of a live run (ms since epoch), for the elapsed time. */
  startedAt: number | null;
  /** ISO start time of the run shown (live or past). */
  startedIso: string | null;
  durationMs: number | null;
  tokens: number;
  cost: number;
  error: string | null;
  output: JsonValue | null;
  /** The run shown was opened from the history, not started here. */
  isPast: boolean;
  /** The execution is in the database (its detail can be opened). */
  stored: boolean;
  /** Why the finished run could not be stored, if so. */
  storeError: string | null;

  start: (document: CanvasDocument, mode: RunMode, nodeIds: string[], input?: JsonValue) => Promise<void>;
  cancel: () => Promise<void>;
  apply: (update: RunUpdate) => void;
  showExecution: (detail: ExecutionDetail) => void;
  clear: () => void;
};

const idle = {
  workflowId: null,
  executionId: null,
  phase: "idle" as RunPhase,
  mode: "full" as RunMode["mode"],
  nodes: {} as Record<string, NodeRunView>,
  startedAt: null,
  startedIso: null,
  durationMs: null,
  tokens: 0,
  cost: 0,
  error: null,
  output: null,
  isPast: false,
  stored: false,
  storeError: null,
};

const blank = (status: NodeRunStatus): NodeRunView => ({
  status,
  durationMs: null,
  output: null,
  input: null,
  error: null,
  reason: null,
  logs: [],
  tokens: 0,
  cost: 0,
  attempts: 0,
});

export function viewOfResult(r: NodeResult): NodeRunView {
  return {
    status: r.status,
    durationMs: r.durationMs,
    output: r.output,
    input: r.input,
    error: r.error,
    reason: r.reason,
    logs: r.logs,
    tokens: r.tokens,
    cost: r.cost ?? 0,
    attempts: r.attempts,
  };
}

export const isLive = (phase: RunPhase) => phase === "starting" || phase === "running";

export const useRunState = create<RunState>()((set, get) => {
  /** Bumped by every start/show/clear so updates of an older run are dropped. */
  let session = 0;
  /** What the run in flight runs (its cancel goes there). */
  let runDocument: CanvasDocument | null = null;

  const patchNode = (id: string, f: (v: NodeRunView) => NodeRunView) =>
    set((s) => ({ nodes: { ...s.nodes, [id]: f(s.nodes[id] ?? blank("queued")) } }));

  /** Once stored, the detail adds what events don't carry: each node's input and attempts. */
  const fillFromStored = async (executionId: string, mine: number) => {
    try {
      const detail = await api.executionGet(executionId);
      if (mine !== session) return;
      set((s) => {
        const nodes = { ...s.nodes };
        for (const r of detail.nodes) nodes[r.nodeId] = { ...viewOfResult(r), logs: r.logs.length ? r.logs : (nodes[r.nodeId]?.logs ?? []) };
        return { nodes };
      });
    } catch {
      // The live view stays as the events left it; the Executions page shows the stored run.
    }
  };

  return {
    ...idle,

    start: async (document, mode, nodeIds, input) => {
      if (isLive(get().phase)) return;
      const mine = ++session;
      runDocument = document;
      set({
        ...idle,
        workflowId: document.id,
        phase: "starting",
        mode: mode.mode,
        nodes: Object.fromEntries(nodeIds.map((id) => [id, blank("queued")])),
        startedAt: Date.now(),
        startedIso: new Date().toISOString(),
      });
      try {
        const executionId = await document.run({ mode, input: input ?? null }, (u) => {
          if (mine === session) get().apply(u);
        });
        if (mine !== session) return;
        set((s) => ({ executionId: executionId ?? s.executionId, phase: s.phase === "starting" ? "running" : s.phase }));
      } catch (e) {
        if (mine !== session) return;
        set({ phase: "failed", error: errorMessage(e), nodes: {} });
        throw e;
      }
    },

    cancel: async () => {
      const { executionId, phase } = get();
      if (!runDocument || !isLive(phase)) return;
      await runDocument.cancel(executionId);
    },

    apply: (update) => {
      if (update.type === "stored") {
        set({ stored: true, executionId: update.execution.id });
        void fillFromStored(update.execution.id, session);
        return;
      }
      if (update.type === "notStored") {
        set({ storeError: update.message });
        return;
      }
      if (update.type === "results") {
        // A preview that is not stored: its results carry what events do not (inputs, attempts).
        set((s) => {
          const nodes = { ...s.nodes };
          for (const r of update.nodes) nodes[r.nodeId] = { ...viewOfResult(r), logs: r.logs.length ? r.logs : (nodes[r.nodeId]?.logs ?? []) };
          return { nodes };
        });
        return;
      }
      const e = update.event;
      switch (e.type) {
        case "runStarted":
          set((s) => ({ phase: "running", startedIso: e.startedAt, startedAt: s.startedAt ?? Date.now() }));
          return;
        case "nodeStarted":
          patchNode(e.nodeId, (v) => ({ ...v, status: "running", attempts: v.attempts + 1 }));
          return;
        case "nodeLog":
          patchNode(e.nodeId, (v) => ({ ...v, logs: [...v.logs, e.message] }));
          return;
        case "nodeFinished":
          patchNode(e.nodeId, (v) => ({
            ...v,
            status: e.status,
            output: e.output,
            durationMs: e.durationMs,
            tokens: e.tokens,
            cost: e.cost ?? 0,
            error: null,
          }));
          return;
        case "nodeFailed":
          patchNode(e.nodeId, (v) => ({ ...v, status: "failed", error: e.error, durationMs: e.durationMs }));
          return;
        case "nodeSkipped":
          patchNode(e.nodeId, (v) => ({ ...v, status: "skipped", reason: e.reason }));
          return;
        case "runFinished":
          set((s) => {
            // Nodes still queued never ran (another branch failed, or the run stopped first).
            const nodes = { ...s.nodes };
            for (const [id, v] of Object.entries(nodes)) {
              if (v.status === "queued") nodes[id] = { ...v, status: "skipped", reason: v.reason ?? "did not run" };
              if (v.status === "running") nodes[id] = { ...v, status: "stopped" };
            }
            return {
              nodes,
              phase: e.status,
              durationMs: e.durationMs,
              tokens: e.tokens,
              cost: e.cost ?? 0,
              error: e.error,
              output: e.output,
            };
          });
          return;
      }
    },

    showExecution: (detail) => {
      session++;
      const s = detail.summary;
      const phase: RunPhase =
        s.status === "COMPLETED" ? "completed" : s.status === "FAILED" ? "failed" : s.status === "CANCELLED" ? "cancelled" : "running";
      set({
        ...idle,
        workflowId: s.workflowId,
        executionId: s.id,
        phase,
        nodes: Object.fromEntries(detail.nodes.map((r) => [r.nodeId, viewOfResult(r)])),
        startedIso: s.startedAt,
        durationMs: s.durationMs,
        tokens: s.tokensUsed,
        cost: s.cost ?? 0,
        error: s.error,
        output: detail.output,
        isPast: true,
        stored: true,
      });
    },

    clear: () => {
      session++;
      set({ ...idle });
    },
  };
});

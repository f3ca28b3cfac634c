// Owns the in-memory stand-in for the run and execution commands (browser preview, Playwright): structural checks like the
// engine's, and simulated runs that walk the graph in order with live updates. Real runs happen only in the Rust engine.
import type {
  AppError,
  Diagnostic,
  ErrorCode,
  Estimate,
  ExecutionDetail,
  ExecutionSummary,
  GraphNode,
  KindInfo,
  NodeResult,
  RunEvent,
  RunOptions,
  RunStarted,
  RunUpdate,
  Value,
  commands,
} from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { uuidv7 } from "../shared/uuidv7";

type Commands = typeof commands;
export type RunCommands = Pick<Commands, "runCancel" | "executionList" | "executionGet"> & {
  /** A simulated preview that is not stored (a blueprint's), cancellable by its owner's id. */
  previewRun: (ownerId: string, name: string, graph: WorkflowGraph, input: Value, onUpdate: (u: RunUpdate) => void, palette: Map<string, KindInfo>) => void;
  workflowRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<RunStarted, AppError>>;
};

type Deps = {
  run: <T>(f: () => T) => Promise<Result<T, AppError>>;
  fail: (code: ErrorCode, message: string) => Error;
  now: () => Date;
  kinds: Map<string, KindInfo>;
  workflow: (id: string) => { name: string; graph: WorkflowGraph };
  /** Time each simulated node takes, so the live status can be seen (a `flow.delay` node takes its `ms`). */
  stepMs: number;
  /** Runs stored before this backend started (the demo seed), newest first. */
  history?: ExecutionDetail[];
};

type Stored = { detail: ExecutionDetail; cancelled: boolean; running: boolean; wake?: () => void };

const portOf = (handle: string | null) => handle ?? "main";

function isMissing(v: Value | undefined): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** The engine's structural checks that the fake can make: unknown kinds, missing required config, no trigger, dangling edges. */
export function memoryDiagnostics(graph: WorkflowGraph, kinds: Map<string, KindInfo>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = new Set(graph.nodes.map((n) => n.id));
  let triggers = 0;
  for (const n of graph.nodes) {
    const k = kinds.get(n.kind);
    if (!k) {
      out.push({ nodeId: n.id, edgeId: null, code: "unknownKind", message: `'${n.kind}' is not a node kind` });
      continue;
    }
    if (k.trigger) triggers++;
    if (k.unavailable) out.push({ nodeId: n.id, edgeId: null, code: "notAvailable", message: k.unavailable });
    const config = (n.config ?? {}) as Record<string, Value>;
    for (const key of k.required) {
      if (isMissing(config[key])) out.push({ nodeId: n.id, edgeId: null, code: "missingConfig", message: `'${key}' is required` });
    }
  }
  for (const e of graph.edges) {
    if (!ids.has(e.source) || !ids.has(e.target))
      out.push({ nodeId: null, edgeId: e.id, code: "danglingEdge", message: "the edge points to a node that is not in the graph" });
  }
  if (graph.nodes.length > 0 && triggers === 0)
    out.push({ nodeId: null, edgeId: null, code: "noTrigger", message: "the workflow has no trigger: add one to start it" });
  return out;
}

/** What a node emits in the simulation: its pinned items, the input with `data.set` fields applied, or the input. */
function simulate(node: GraphNode, items: Value[]): Record<string, Value[]> {
  const config = (node.config ?? {}) as Record<string, Value>;
  if (Array.isArray(config.pinned)) return { main: config.pinned };
  if (node.kind === "data.set" && config.fields && typeof config.fields === "object" && !Array.isArray(config.fields)) {
    const fields = config.fields as Record<string, Value>;
    return { main: items.map((i) => ({ ...(typeof i === "object" && i && !Array.isArray(i) ? i : { value: i }), ...fields })) };
  }
  if (node.kind === "flow.condition") return { true: items };
  return { main: items };
}

export function createMemoryRuns(deps: Deps): RunCommands {
  const executions = new Map<string, Stored>();
  const order: string[] = [];
  for (const detail of deps.history ?? []) {
    executions.set(detail.summary.id, { detail: structuredClone(detail), cancelled: false, running: false });
    order.push(detail.summary.id);
  }

  const summary = (s: Stored): ExecutionSummary => s.detail.summary;

  /** Blueprint previews in flight, by blueprint id (they are not stored). */
  const previews = new Map<string, Stored>();

  async function play(stored: Stored, graph: WorkflowGraph, input: Value, onUpdate: (u: RunUpdate) => void, preview = false, palette = deps.kinds) {
    const started = Date.now();
    const emit = (event: RunEvent) => onUpdate({ type: "event", event });
    // A node's simulated work; cancelling the run ends it at once.
    const wait = (node: GraphNode) =>
      new Promise<void>((resolve) => {
        const config = (node.config ?? {}) as Record<string, Value>;
        const ms = node.kind === "flow.delay" && typeof config.ms === "number" ? config.ms : deps.stepMs;
        const timer = setTimeout(resolve, ms);
        stored.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const inputs = new Map<string, Value[]>();
    const items = Array.isArray(input) ? input : [input ?? {}];
    const queue: string[] = [];
    for (const n of graph.nodes) {
      if (palette.get(n.kind)?.trigger) {
        inputs.set(n.id, items);
        queue.push(n.id);
      }
    }
    emit({ type: "runStarted", runId: stored.detail.summary.id, startedAt: stored.detail.summary.startedAt, nodeCount: graph.nodes.length });
    const done = new Set<string>();
    let status: "completed" | "cancelled" = "completed";
    let seq = 0;
    while (queue.length) {
      const id = queue.shift()!;
      if (done.has(id)) continue;
      const node = byId.get(id)!;
      if (stored.cancelled) {
        status = "cancelled";
        break;
      }
      const t0 = Date.now() - started;
      emit({ type: "nodeStarted", nodeId: id, kind: node.kind, label: node.label });
      const input = inputs.get(id) ?? [];
      const startedSeq = seq++;
      await wait(node);
      if (stored.cancelled) {
        // Like the engine: the node in flight is recorded as stopped.
        stored.detail.nodes.push({
          nodeId: id, kind: node.kind, label: node.label, status: "stopped", input, output: {}, logs: [], error: null, handled: false,
          reason: "the run was cancelled", startedMs: t0, durationMs: Date.now() - started - t0, attempts: 1, iterations: 1, tokens: 0,
          cost: 0, startedSeq, finishedSeq: seq++,
        });
        done.add(id);
        status = "cancelled";
        break;
      }
      const output = simulate(node, input);
      const durationMs = Date.now() - started - t0;
      done.add(id);
      const result: NodeResult = {
        nodeId: id, kind: node.kind, label: node.label, status: "succeeded", input, output, logs: [], error: null, handled: false,
        reason: null, startedMs: t0, durationMs, attempts: 1, iterations: 1, tokens: 0, cost: 0, startedSeq, finishedSeq: seq++,
      };
      stored.detail.nodes.push(result);
      emit({ type: "nodeFinished", nodeId: id, status: "succeeded", output, durationMs, tokens: 0, cost: 0 });
      for (const e of graph.edges) {
        if (e.source !== id || !(portOf(e.sourceHandle) in output)) continue;
        inputs.set(e.target, [...(inputs.get(e.target) ?? []), ...output[portOf(e.sourceHandle)]]);
        queue.push(e.target);
      }
    }
    for (const n of graph.nodes) {
      if (done.has(n.id)) continue;
      const reason = status === "cancelled" ? "the run was cancelled" : "no input reached it";
      emit({ type: "nodeSkipped", nodeId: n.id, reason });
    }
    const durationMs = Date.now() - started;
    const last = stored.detail.nodes.at(-1);
    const output: Value = status === "completed" && last ? (last.output.main ?? null) : null;
    const s = stored.detail.summary;
    s.status = status === "completed" ? "COMPLETED" : "CANCELLED";
    s.finishedAt = deps.now().toISOString();
    s.durationMs = durationMs;
    s.error = status === "cancelled" ? "the run was cancelled" : null;
    stored.detail.output = output;
    stored.running = false;
    emit({ type: "runFinished", runId: s.id, status, durationMs, tokens: 0, cost: 0, output, error: s.error });
    if (preview) {
      previews.delete(s.workflowId);
      onUpdate({ type: "results", nodes: structuredClone(stored.detail.nodes) });
    } else onUpdate({ type: "stored", execution: structuredClone(s) });
  }

  return {
    previewRun: (ownerId, name, graph, input, onUpdate, palette) => {
      const stored: Stored = {
        cancelled: false,
        running: true,
        detail: {
          summary: {
            id: uuidv7(deps.now().getTime()), workflowId: ownerId, workflowName: name, status: "RUNNING", startedAt: deps.now().toISOString(),
            finishedAt: null, durationMs: null, tokensUsed: 0, cost: 0, error: null,
          },
          input,
          output: null,
          nodes: [],
          agentCalls: [],
        },
      };
      previews.set(ownerId, stored);
      void play(stored, graph, input, onUpdate, true, palette);
    },
    workflowRun: (id, options, onUpdate) =>
      deps.run((): RunStarted => {
        const wf = deps.workflow(id);
        const problems = memoryDiagnostics(wf.graph, deps.kinds);
        if (problems.length)
          throw deps.fail(
            "invalid_graph",
            `the workflow cannot run: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
          );
        const executionId = uuidv7(deps.now().getTime());
        const stored: Stored = {
          cancelled: false,
          running: true,
          detail: {
            summary: {
              id: executionId, workflowId: id, workflowName: wf.name, status: "RUNNING", startedAt: deps.now().toISOString(),
              finishedAt: null, durationMs: null, tokensUsed: 0, cost: 0, error: null,
            },
            input: options.input ?? {},
            output: null,
            nodes: [],
            agentCalls: [],
          },
        };
        executions.set(executionId, stored);
        order.unshift(executionId);
        void play(stored, structuredClone(wf.graph), options.input ?? {}, onUpdate);
        return { executionId };
      }),
    runCancel: (executionId) =>
      deps.run(() => {
        const s = executions.get(executionId) ?? previews.get(executionId);
        if (!s?.running) return false;
        s.cancelled = true;
        s.wake?.();
        return true;
      }),
    // The engine's rule of thumb (4 characters a token, each call answering maxTokens or 1024); the browser has no
    // price table, so no cost.
    executionList: (workflowId, limit, offset) =>
      deps.run(() =>
        order
          .map((id) => executions.get(id)!)
          .filter((s) => !workflowId || s.detail.summary.workflowId === workflowId)
          .slice(offset, offset + limit)
          .map(summary),
      ),
    executionGet: (id) =>
      deps.run(() => {
        const s = executions.get(id);
        if (!s) throw deps.fail("not_found", "this workflow execution no longer exists: it may have been deleted (reload to see the current list)");
        return s.detail;
      }),
  };
}

/** The simulated pre-run figure: a quarter token per prompt character in, the node's max tokens out, per call. */
export function memoryEstimate(graph: WorkflowGraph, input: Value): Estimate {
  const calls = Array.isArray(input) ? input.length : 1;
  const nodes = graph.nodes
    .filter((n) => n.kind === "ai.llm" || n.kind === "ai.agent")
    .map((n) => {
      const c = (n.config ?? {}) as Record<string, Value>;
      const prompt = typeof c.prompt === "string" ? c.prompt.length : 0;
      const out = typeof c.maxTokens === "number" ? c.maxTokens : 1024;
      return { nodeId: n.id, model: typeof c.model === "string" ? c.model : "", calls, inputTokens: Math.ceil(prompt / 4) * calls, outputTokens: out * calls, cost: 0 };
    });
  return { nodes, tokens: nodes.reduce((t, n) => t + n.inputTokens + n.outputTokens, 0), cost: 0 };
}

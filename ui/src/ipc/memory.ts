// Owns the in-memory stand-in for the desktop backend: the IPC.md contract (incl. validation) for plain-browser runs and tests.
import type {
  AppError,
  AppInfo,
  ErrorCode,
  GraphEdge,
  KeychainState,
  GraphNode,
  KindInfo,
  RunOptions,
  RunStarted,
  RunUpdate,
  WorkflowDoc,
  WorkflowSummary,
  commands,
} from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { isUuidV7, uuidv7 } from "../shared/uuidv7";
import { createMemoryIntegrations } from "./memoryIntegrations";
import { createMemoryRuns } from "./memoryRuns";
import GENERATED_KINDS from "./kinds.generated.json";
import { BENCH_WORKFLOW_ID, benchGraph } from "./benchGraph";

/**
 * The shape every backend (generated Tauri bindings or this fake) has; a run's updates arrive through a callback
 * (the desktop backend wraps it in a Tauri channel).
 */
export type Backend = Omit<typeof commands, "workflowRun"> & {
  workflowRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<RunStarted, AppError>>;
};

export type MemoryOptions = {
  /** Pre-populate with demo workflows (fixed ids, see DEMO_WORKFLOW_ID). */
  seed?: "demo";
  /** Make appInfo fail with this code, e.g. to show the database error screen. */
  failAppInfo?: ErrorCode;
  /** Make every workflowSaveGraph fail with this code, e.g. to show how a failed (auto)save looks. */
  failSaveGraph?: ErrorCode;
  /** Artificial delay per call, in milliseconds. */
  latencyMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** What the fake keychain reports; a browser has none, so "unavailable" by default. */
  keychain?: KeychainState;
  /** How long each node of a simulated run takes (default 250 ms, so the live status can be seen). */
  runStepMs?: number;
  /** Add a generated workflow of this many nodes (~1.2 edges per node) at BENCH_WORKFLOW_ID, for large-graph work. */
  bench?: number;
};

export const DEMO_WORKFLOW_ID = "01920000-0000-7000-8000-00000000d001";

export const NAME_MAX_CHARS = 120;

/** The node kinds the fake offers: the engine's catalog, generated from Rust (export-bindings). */
export const MEMORY_NODE_KINDS = GENERATED_KINDS as unknown as KindInfo[];

class Fail extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Returns the trimmed name, or throws `invalid_input` as the contract says. */
export function validateName(raw: string): string {
  const name = raw.trim();
  const chars = [...name];
  if (chars.length === 0) throw new Fail("invalid_input", "Name must not be empty.");
  if (chars.length > NAME_MAX_CHARS)
    throw new Fail("invalid_input", `Name must be at most ${NAME_MAX_CHARS} characters (it has ${chars.length}).`);
  // Rust's char::is_control: Unicode category Cc.
  if (/\p{Cc}/u.test(name)) throw new Fail("invalid_input", "Name must not contain control characters.");
  return name;
}

type Row = { summary: WorkflowSummary; graph: WorkflowGraph; deleted: boolean; seq: number };

export function createMemoryBackend(options: MemoryOptions = {}): Backend {
  const now = options.now ?? (() => new Date());
  const kinds = new Map(MEMORY_NODE_KINDS.map((k) => [k.kind, k]));
  const rows = new Map<string, Row>();
  let seq = 0;

  const info: AppInfo = {
    organizationId: "01920000-0000-7000-8000-0000000000a1",
    organizationName: "Local workspace",
    userId: "01920000-0000-7000-8000-0000000000b1",
    userEmail: "you@localhost",
    databasePath: "(in-memory, browser preview)",
  };

  async function run<T>(f: () => T): Promise<Result<T, AppError>> {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    try {
      return { status: "ok", data: structuredClone(f()) };
    } catch (e) {
      if (e instanceof Fail) return { status: "error", error: { code: e.code, message: e.message } };
      throw e;
    }
  }

  function live(id: string): Row {
    const row = rows.get(id);
    if (!row || row.deleted) throw new Fail("not_found", `Workflow ${id} was not found.`);
    return row;
  }

  function touch(row: Row) {
    row.summary.updatedAt = now().toISOString();
    row.seq = ++seq;
  }

  function create(name: string, id: string = uuidv7(now().getTime())): WorkflowSummary {
    const summary: WorkflowSummary = {
      id,
      name: validateName(name),
      description: "",
      version: 1,
      nodeCount: 0,
      isActive: false,
      updatedAt: now().toISOString(),
    };
    rows.set(id, { summary, graph: { nodes: [], edges: [] }, deleted: false, seq: ++seq });
    return summary;
  }

  function validateGraph(graph: WorkflowGraph): WorkflowGraph {
    const nodes = new Map<string, GraphNode>();
    for (const n of graph.nodes) {
      if (!isUuidV7(n.id)) throw new Fail("invalid_input", `Node id "${n.id}" is not a UUIDv7.`);
      if (nodes.has(n.id)) throw new Fail("invalid_input", `Node id ${n.id} is used twice.`);
      if (!kinds.has(n.kind)) throw new Fail("invalid_input", `Unknown node kind "${n.kind}".`);
      if (!Number.isFinite(n.position.x) || !Number.isFinite(n.position.y))
        throw new Fail("invalid_input", `Node ${n.id} has an invalid position.`);
      nodes.set(n.id, n);
    }
    const edgeIds = new Set<string>();
    const links = new Set<string>();
    for (const e of graph.edges) {
      if (!isUuidV7(e.id)) throw new Fail("invalid_input", `Edge id "${e.id}" is not a UUIDv7.`);
      if (edgeIds.has(e.id)) throw new Fail("invalid_input", `Edge id ${e.id} is used twice.`);
      edgeIds.add(e.id);
      const source = nodes.get(e.source);
      const target = nodes.get(e.target);
      if (!source || !target) throw new Fail("invalid_input", `Edge ${e.id} points to a node that is not in the graph.`);
      if (e.source === e.target) throw new Fail("invalid_input", `Edge ${e.id} connects a node to itself.`);
      if (!kinds.get(source.kind)?.hasOutput) throw new Fail("invalid_input", `Node ${source.label} has no output.`);
      if (!kinds.get(target.kind)?.hasInput) throw new Fail("invalid_input", `Node ${target.label} has no input.`);
      const link = edgeKey(e);
      if (links.has(link)) throw new Fail("invalid_input", `Edge ${e.id} duplicates another edge.`);
      links.add(link);
    }
    return graph;
  }

  const backend: Backend = {
    appInfo: () =>
      run(() => {
        if (options.failAppInfo)
          throw new Fail(
            options.failAppInfo,
            options.failAppInfo === "database_unavailable"
              ? "The database file is locked by another process: ~/.local/share/neuroflow/neuroflow.db"
              : "The backend failed to start.",
          );
        return info;
      }),
    nodeKindList: () => run(() => MEMORY_NODE_KINDS),
    workflowList: (search) =>
      run(() => {
        const needle = (search ?? "").trim().toLowerCase();
        return [...rows.values()]
          .filter((r) => !r.deleted && r.summary.name.toLowerCase().includes(needle))
          .sort((a, b) => b.seq - a.seq)
          .map((r) => r.summary);
      }),
    workflowCreate: (name) => run(() => create(name)),
    workflowRename: (id, name) =>
      run(() => {
        const row = live(id);
        row.summary.name = validateName(name);
        touch(row);
        return row.summary;
      }),
    workflowDelete: (id) =>
      run(() => {
        live(id).deleted = true;
        return null;
      }),
    workflowGet: (id) =>
      run((): WorkflowDoc => {
        // The canvas benchmark times opening a workflow from here to the first paint of the fitted view.
        if (options.bench) performance.mark("workflow-get");
        const row = live(id);
        return { summary: row.summary, graph: row.graph };
      }),
    workflowSaveGraph: (id, graph) =>
      run((): WorkflowDoc => {
        if (options.failSaveGraph) throw new Fail(options.failSaveGraph, "The database is read-only (simulated failure).");
        const row = live(id);
        row.graph = structuredClone(validateGraph(graph));
        row.summary.version += 1;
        row.summary.nodeCount = row.graph.nodes.length;
        touch(row);
        return { summary: row.summary, graph: row.graph };
      }),
    ...createMemoryRuns({
      run,
      fail: (code, message) => new Fail(code, message),
      now,
      kinds,
      workflow: (id) => {
        const row = live(id);
        return { name: row.summary.name, graph: row.graph };
      },
      stepMs: options.runStepMs ?? 250,
    }),
    ...createMemoryIntegrations({
      run,
      fail: (code, message) => new Fail(code, message),
      now,
      validateName,
      keychain: options.keychain ?? "unavailable",
    }),
  };

  if (options.seed === "demo") seedDemo(create, rows);
  if (options.bench) {
    const row = rows.get(create(`Large graph · ${options.bench} nodes`, BENCH_WORKFLOW_ID).id)!;
    row.graph = benchGraph(options.bench);
    row.summary.nodeCount = row.graph.nodes.length;
  }
  return backend;
}

function edgeKey(e: GraphEdge): string {
  return `${e.source}\u0000${e.sourceHandle ?? ""}\u0000${e.target}\u0000${e.targetHandle ?? ""}`;
}

function seedDemo(create: (name: string, id?: string) => WorkflowSummary, rows: Map<string, Row>) {
  const id = (n: number) => `01920000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
  const lead = create("Lead enrichment", id(0xd003));
  const digest = create("Daily news digest", id(0xd002));
  const triage = create("Support ticket triage", DEMO_WORKFLOW_ID);
  const node = (n: number, kind: string, label: string, x: number, y: number): GraphNode => ({
    id: id(0x100 + n),
    kind,
    label,
    position: { x, y },
    config: {},
  });
  const edge = (n: number, s: number, t: number): GraphEdge => ({
    id: id(0x200 + n),
    source: id(0x100 + s),
    sourceHandle: null,
    target: id(0x100 + t),
    targetHandle: null,
  });
  const put = (summary: WorkflowSummary, graph: WorkflowGraph, version: number, ageMinutes: number) => {
    const row = rows.get(summary.id)!;
    row.graph = graph;
    row.summary.updatedAt = new Date(Date.parse(summary.updatedAt) - ageMinutes * 60_000).toISOString();
    row.summary.version = version;
    row.summary.nodeCount = graph.nodes.length;
  };
  put(
    triage,
    {
      nodes: [
        node(1, "trigger.webhook", "New ticket", 80, 200),
        node(2, "ai.agent", "Classify ticket", 360, 200),
        node(3, "flow.condition", "Is it urgent?", 640, 200),
        node(4, "integration.slack", "Page on-call", 920, 100),
        node(5, "ai.llm", "Draft reply", 920, 300),
        node(6, "integration.gmail", "Send reply", 1200, 300),
      ],
      edges: [edge(1, 1, 2), edge(2, 2, 3), edge(3, 3, 4), edge(4, 3, 5), edge(5, 5, 6)],
    },
    7,
    12,
  );
  put(
    digest,
    {
      nodes: [
        node(11, "trigger.schedule", "Every morning", 80, 80),
        node(12, "http.request", "Fetch headlines", 360, 80),
        node(13, "ai.llm", "Summarise", 640, 80),
        node(14, "integration.slack", "Post to #news", 920, 80),
      ],
      edges: [edge(11, 11, 12), edge(12, 12, 13), edge(13, 13, 14)],
    },
    3,
    185,
  );
  put(lead, { nodes: [], edges: [] }, 1, 2 * 24 * 60 + 30);
}

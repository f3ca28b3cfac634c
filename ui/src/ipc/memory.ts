// Owns the in-memory stand-in for the desktop backend: the IPC.md contract (incl. validation) for plain-browser runs and tests.
import type {
  AppError,
  AppInfo,
  ErrorCode,
  GraphChanges,
  GraphCheck,
  GraphEdge,
  GraphSurface,
  KeychainState,
  GraphNode,
  Draft,
  KindInfo,
  RunOptions,
  RunStarted,
  RunUpdate,
  WorkflowDoc,
  WorkflowSettings,
  WorkflowSummary,
  commands,
} from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { isUuidV7, uuidv7 } from "../shared/uuidv7";
import { createMemoryIntegrations } from "./memoryIntegrations";
import { demoExecutions, type DemoWorkflow } from "./memoryDemoRuns";
import { createMemoryFiles } from "./memoryFiles";
import { createMemoryRuns, memoryDiagnostics, memoryEstimate } from "./memoryRuns";
import GENERATED_BLUEPRINT_KINDS from "./blueprint-kinds.generated.json";
import GENERATED_KINDS from "./kinds.generated.json";
import { BENCH_WORKFLOW_ID, benchGraph } from "./benchGraph";
import { createMemoryBlueprints } from "./memoryBlueprints";
import { applyChanges } from "../shared/graphChanges";

/**
 * The shape every backend (generated Tauri bindings or this fake) has; a run's updates arrive through a callback
 * (the desktop backend wraps it in a Tauri channel).
 */
export type Backend = Omit<typeof commands, "workflowRun" | "blueprintRun"> & {
  workflowRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<RunStarted, AppError>>;
  blueprintRun: (id: string, options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<Result<null, AppError>>;
};

export type MemoryOptions = {
  /** Pre-populate with demo workflows (fixed ids, see DEMO_WORKFLOW_ID). */
  seed?: "demo";
  /** Make appInfo fail with this code, e.g. to show the database error screen. */
  failAppInfo?: ErrorCode;
  /** Make every workflowSaveGraph fail with this code, e.g. to show how a failed (auto)save looks. */
  failSaveGraph?: ErrorCode;
  /** Make every executionList and executionGet fail with this code, e.g. to show how the Executions page reports it. */
  failRuns?: ErrorCode;
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
/** The blueprint editor's components, likewise. */
export const MEMORY_BLUEPRINT_KINDS = GENERATED_BLUEPRINT_KINDS as unknown as KindInfo[];

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

type Row = { summary: WorkflowSummary; graph: WorkflowGraph; settings: WorkflowSettings; deleted: boolean; seq: number };

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

  function fail(code: ErrorCode, message: string): never {
    throw new Fail(code, message);
  }

  function live(id: string): Row {
    const row = rows.get(id);
    if (!row || row.deleted) throw new Fail("not_found", "this workflow no longer exists: it may have been deleted (reload to see the current list)");
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
    rows.set(id, { summary, graph: { nodes: [], edges: [] }, settings: { allowPrivateNetwork: false }, deleted: false, seq: ++seq });
    return summary;
  }

  function validateGraph(graph: WorkflowGraph, palette: Map<string, KindInfo> = kinds): WorkflowGraph {
    const nodes = new Map<string, GraphNode>();
    for (const n of graph.nodes) {
      if (!isUuidV7(n.id)) throw new Fail("invalid_input", `Node id "${n.id}" is not a UUIDv7.`);
      if (nodes.has(n.id)) throw new Fail("invalid_input", `Node id ${n.id} is used twice.`);
      if (!palette.has(n.kind)) throw new Fail("invalid_input", `Unknown node kind "${n.kind}".`);
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
      if (!palette.get(source.kind)?.hasOutput) throw new Fail("invalid_input", `Node ${source.label} has no output.`);
      if (!palette.get(target.kind)?.hasInput) throw new Fail("invalid_input", `Node ${target.label} has no input.`);
      const link = edgeKey(e);
      if (links.has(link)) throw new Fail("invalid_input", `Edge ${e.id} duplicates another edge.`);
      links.add(link);
    }
    return graph;
  }

  const drafts = new Map<string, { ownerId: string; surface: GraphSurface; baseVersion: number; changes: GraphChanges; updatedAt: string }>();
  const files = createMemoryFiles({
    run,
    fail: (code, message) => new Fail(code, message),
    now,
    user: { id: info.userId, email: info.userEmail },
    workflow: (id) => live(id),
    createWithGraph: (name, graph) => {
      // Validate first: an invalid file must leave no workflow behind.
      const checked = structuredClone(validateGraph(graph));
      const summary = create(name);
      const row = rows.get(summary.id)!;
      row.graph = checked;
      row.summary.nodeCount = checked.nodes.length;
      return row.summary;
    },
    blueprints: () => blueprints,
  });

  const blueprints = createMemoryBlueprints({
    run,
    fail: (code, message) => new Fail(code, message),
    now,
    validateName,
    validateGraph: (graph, palette) => validateGraph(graph, palette),
    kinds: MEMORY_BLUEPRINT_KINDS,
    versions: files,
    preview: (...args) => runs.previewRun(...args),
  });
  const blueprintPalette = new Map(MEMORY_BLUEPRINT_KINDS.map((k) => [k.kind, k]));
  const paletteOf = (surface: GraphSurface) => (surface === "blueprint" ? blueprintPalette : kinds);
  const savedGraph = (id: string, surface: GraphSurface): WorkflowGraph => (surface === "blueprint" ? blueprints.savedGraph(id) : live(id).graph);

  const demo = options.seed === "demo" ? seedDemo(create, rows) : null;
  const demoWorkflow = (id: string): DemoWorkflow => ({ id, name: rows.get(id)!.summary.name, graph: rows.get(id)!.graph });

  const runs = createMemoryRuns({
    run,
    fail: (code, message) => new Fail(code, message),
    now,
    kinds,
    workflow: (id) => {
      const row = live(id);
      return { name: row.summary.name, graph: row.graph };
    },
    stepMs: options.runStepMs ?? 250,
    history: demo ? demoExecutions(now(), info.organizationId, demoWorkflow(demo.triage), demoWorkflow(demo.digest)) : undefined,
  });

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
    workflowSetSettings: (id, settings) =>
      run(() => {
        const row = live(id);
        row.settings = { allowPrivateNetwork: settings.allowPrivateNetwork ?? false };
        touch(row);
        return row.settings;
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
        return { summary: row.summary, graph: row.graph, settings: row.settings };
      }),
    workflowSaveGraph: (id, graph, save) =>
      run((): WorkflowDoc => {
        if (options.failSaveGraph) throw new Fail(options.failSaveGraph, "The database is read-only (simulated failure).");
        const row = live(id);
        row.graph = structuredClone(validateGraph(graph));
        row.summary.version += 1;
        row.summary.nodeCount = row.graph.nodes.length;
        touch(row);
        files.record(id, row.summary.version, row.graph, save);
        return { summary: row.summary, graph: row.graph, settings: row.settings };
      }),
    workflowSaveChanges: (id, changes, save) =>
      run((): WorkflowSummary => {
        if (options.failSaveGraph) throw new Fail(options.failSaveGraph, "The database is read-only (simulated failure).");
        const row = live(id);
        row.graph = structuredClone(validateGraph(applyChanges(row.graph, changes)));
        row.summary.version += 1;
        row.summary.nodeCount = row.graph.nodes.length;
        touch(row);
        files.record(id, row.summary.version, row.graph, save);
        return row.summary;
      }),
    // Drafts live as long as the page, like everything in the browser preview; like the desktop's, they hold the
    // changes since the saved version and are read as the saved graph with them made.
    draftPut: (ownerId, surface, baseVersion, changes) =>
      run(() => {
        drafts.set(ownerId, { ownerId, surface, baseVersion, changes: structuredClone(changes), updatedAt: now().toISOString() });
        return null;
      }),
    draftGet: (ownerId) =>
      run((): Draft | null => {
        const d = drafts.get(ownerId);
        if (!d) return null;
        return { ownerId, baseVersion: d.baseVersion, graph: applyChanges(savedGraph(ownerId, d.surface), d.changes), updatedAt: d.updatedAt };
      }),
    draftClear: (ownerId) =>
      run(() => {
        drafts.delete(ownerId);
        return null;
      }),
    workflowVersions: files.workflowVersions,
    workflowVersionGet: files.workflowVersionGet,
    workflowExport: files.workflowExport,
    workflowImport: files.workflowImport,
    ...runs,
    graphCheckChanges: (ownerId, surface, changes, input) =>
      run((): GraphCheck => {
        const graph = applyChanges(savedGraph(ownerId, surface), changes);
        const models = graph.nodes.some((n) => n.kind === "ai.llm" || n.kind === "ai.agent");
        return { diagnostics: memoryDiagnostics(graph, paletteOf(surface)), estimate: models ? memoryEstimate(graph, input) : null };
      }),
    ...blueprints.commands,
    ...(options.failRuns && {
      executionList: () => run(() => fail(options.failRuns!, "The database could not be read (simulated failure).")),
      executionGet: () => run(() => fail(options.failRuns!, "The database could not be read (simulated failure).")),
    }),
    ...createMemoryIntegrations({
      run,
      fail: (code, message) => new Fail(code, message),
      now,
      validateName,
      keychain: options.keychain ?? "unavailable",
    }),
  };

  // The demo also has a run in progress: lead enrichment waits two minutes for a CRM sync (Stop ends it at once).
  if (demo) void backend.workflowRun(demo.lead, { input: { email: "dana@contoso.example", company: "Contoso", source: "pricing page" } }, () => {});
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

/** Creates the demo workflows and returns their ids. */
function seedDemo(create: (name: string, id?: string) => WorkflowSummary, rows: Map<string, Row>) {
  const id = (n: number) => `01920000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
  const lead = create("Lead enrichment", id(0xd003));
  const digest = create("Daily news digest", id(0xd002));
  const triage = create("Support ticket triage", DEMO_WORKFLOW_ID);
  const node = (n: number, kind: string, label: string, x: number, y: number, config: GraphNode["config"] = {}): GraphNode => ({
    id: id(0x100 + n),
    kind,
    label,
    position: { x, y },
    config,
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
  // The one demo workflow with valid config: it runs in the browser preview.
  put(
    lead,
    {
      nodes: [
        node(21, "trigger.manual", "Start", 80, 160),
        node(22, "flow.delay", "Wait for CRM sync", 360, 160, { ms: 120_000 }),
        node(23, "data.set", "Tag as enriched", 640, 160, { fields: { stage: "enriched", owner: "sales" } }),
        node(24, "output", "Result", 920, 160),
      ],
      edges: [edge(21, 21, 22), edge(22, 22, 23), edge(23, 23, 24)],
    },
    4,
    2 * 24 * 60 + 30,
  );
  return { triage: triage.id, digest: digest.id, lead: lead.id };
}

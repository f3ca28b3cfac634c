// Owns the in-memory stand-in for saved versions and workflow files (browser preview, tests): versions as the store
// records them (explicit saves, restores and imports always; autosaves at 10-minute checkpoints), export as the graph
// file format with the blueprints the graph calls, import of graph files and React Flow JSON with fresh ids (and the
// blueprints a file carries), all or nothing.
import type {
  AIToolCategory,
  AppError,
  ErrorCode,
  GraphEdge,
  GraphExport,
  GraphNode,
  GraphSurface,
  ImportReport,
  SaveAs,
  VersionDoc,
  VersionSummary,
  WorkflowSummary,
  commands,
} from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { uuidv7 } from "../shared/uuidv7";

type Commands = typeof commands;
export type FileCommands = Pick<Commands, "workflowVersions" | "workflowVersionGet" | "workflowExport" | "workflowImport">;

/** Autosaves become a version at most this often (as in the Rust store). */
export const AUTOSAVE_CHECKPOINT_MS = 10 * 60 * 1000;

type Version = { summary: VersionSummary; graph: WorkflowGraph; workflowId: string };

export type VersionLog = {
  /** Records a save of a workflow or blueprint (already applied, at `version`) as the history says it should. */
  record: (ownerId: string, version: number, graph: WorkflowGraph, save: SaveAs) => void;
  /** The owner's versions, newest first. */
  versionsOf: (ownerId: string) => VersionSummary[];
  /** One version, or throws not_found. */
  versionDoc: (versionId: string) => VersionDoc;
};

/** A blueprint a graph file carries for its `blueprint.call` nodes (the Rust `FileBlueprint`), under the id the calls name. */
export type CarriedBlueprint = { id: string; name: string; description: string; category: AIToolCategory | null; graph: WorkflowGraph };

/** What the blueprints of a file become where it is imported (see memoryBlueprints' `prepareCarried`). */
export type PreparedCarried = {
  /** The imported graph with its calls redirected to the blueprints `add` makes. */
  graph: WorkflowGraph;
  /** Writes the blueprints to add (already checked, so it cannot fail); how many there were. */
  add: () => number;
};

/** The blueprints of the browser preview, as the workflow files see them. */
export type CarriedBlueprints = {
  /** The blueprints `graph` calls and those they call in turn, each once, gone ones left out; not `except` (the file's own). */
  carriedBy: (graph: WorkflowGraph, except?: string) => CarriedBlueprint[];
  /** Checks the carried blueprints an import adds (throws invalid_input naming one, writing nothing). */
  prepareCarried: (graph: WorkflowGraph, carried: CarriedBlueprint[]) => PreparedCarried;
};

type Deps = {
  run: <T>(f: () => T) => Promise<Result<T, AppError>>;
  fail: (code: ErrorCode, message: string) => Error;
  now: () => Date;
  user: { id: string; email: string };
  workflow: (id: string) => { summary: WorkflowSummary; graph: WorkflowGraph };
  /** Creates a workflow with this graph, validating it first (throws on a bad graph, creating nothing). */
  createWithGraph: (name: string, graph: WorkflowGraph) => WorkflowSummary;
  /** The blueprints, asked only once a command runs (they are made after the files, which keep their versions). */
  blueprints: () => CarriedBlueprints;
};

/** At most this many blueprints in a file (the Rust `MAX_BLUEPRINTS`). */
export const MAX_BLUEPRINTS = 256;

/** The ids the graph's `blueprint.call` nodes call, in node order. */
export function calledBlueprints(graph: WorkflowGraph): string[] {
  return graph.nodes.flatMap((n) => {
    const id = n.kind === "blueprint.call" && isObject(n.config) ? n.config.blueprintId : null;
    return typeof id === "string" && id ? [id] : [];
  });
}

/** The graph with each `blueprint.call` whose id `to` maps pointed at the new id; other calls stay. */
export function redirectCalls(graph: WorkflowGraph, to: Map<string, string>): WorkflowGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const id = n.kind === "blueprint.call" && isObject(n.config) ? n.config.blueprintId : null;
      const next = typeof id === "string" ? to.get(id) : undefined;
      return next && isObject(n.config) ? { ...n, config: { ...n.config, blueprintId: next } } : n;
    }),
  };
}

/** The fields of a graph file: its graph, and the blueprints it carries when there are any. */
export function graphFileOf(head: Record<string, unknown>, graph: WorkflowGraph, blueprints: CarriedBlueprint[]): string {
  const carried = blueprints.map((b) => ({ id: b.id, name: b.name, description: b.description || undefined, category: b.category ?? undefined, nodes: b.graph.nodes, edges: b.graph.edges }));
  const file = { format: "neuroflow.graph", version: 1, ...head, nodes: graph.nodes, edges: graph.edges, blueprints: carried.length ? carried : undefined };
  return JSON.stringify(file, null, 2);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What an import reads from a file for `surface` (refusing the other editor's files), and the name its file suggests. */
export function readImport(
  contents: string,
  fileName: string,
  surface: GraphSurface,
  fail: (code: ErrorCode, message: string) => Error,
): ReturnType<typeof parseImport> & { fallbackName: string } {
  let parsed: ReturnType<typeof parseImport>;
  try {
    parsed = parseImport(contents);
  } catch (e) {
    throw fail("invalid_input", e instanceof Error ? e.message : String(e));
  }
  if (parsed.surface && parsed.surface !== surface)
    throw fail("invalid_input", surface === "workflow" ? "this file holds a tool blueprint: import it on the Blueprints page" : "this file holds a workflow: import it on the Workflows page");
  return { ...parsed, fallbackName: fileName.replace(/\.json$/, "").replace(/\.neuroflow$/, "").trim() };
}

/** Fresh ids for a file's nodes (`fresh`) and the edges that follow them (`edgeOf`), one graph's worth. */
function idMap() {
  const ids = new Map<string, string>();
  const fresh = (raw: unknown, what: string): string => {
    const key = typeof raw === "number" ? String(raw) : typeof raw === "string" && raw ? raw : null;
    if (key === null) throw new Error(`${what} has no id`);
    if (ids.has(key)) throw new Error(`node id '${key.slice(0, 40)}' is used twice`);
    const id = uuidv7();
    ids.set(key, id);
    return id;
  };
  const endOf = (raw: unknown, i: number): string => {
    const key = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw : "";
    const id = ids.get(key);
    if (!id) throw new Error(`edge ${i + 1} points to node '${key.slice(0, 40)}', which is not in the file`);
    return id;
  };
  /** Edge `i` of the file with a fresh id and its ends' fresh ids; `what` prefixes the error when it is not an edge. */
  const edgeOf = (e: unknown, i: number, what: string): GraphEdge => {
    if (!isObject(e)) throw new Error(`${what}edge ${i + 1} is not an object`);
    return {
      id: uuidv7(),
      source: endOf(e.source, i),
      sourceHandle: typeof e.sourceHandle === "string" ? e.sourceHandle : null,
      target: endOf(e.target, i),
      targetHandle: typeof e.targetHandle === "string" ? e.targetHandle : null,
    };
  };
  return { fresh, edgeOf };
}

/** A graph file's nodes and edges with fresh ids; `where` says whose they are in an error ("" for the file's own graph). */
function fileGraph(rawNodes: unknown, rawEdges: unknown, where: string): WorkflowGraph {
  if (!Array.isArray(rawNodes) || !Array.isArray(rawEdges)) throw new Error(`invalid graph file: ${where}nodes and edges must be lists`);
  const { fresh, edgeOf } = idMap();
  const nodes: GraphNode[] = rawNodes.map((n, i) => {
    if (!isObject(n) || typeof n.kind !== "string" || typeof n.label !== "string" || !isObject(n.position))
      throw new Error(`invalid graph file: ${where}node ${i + 1} needs an id, kind, label and position`);
    const { x, y } = n.position;
    if (typeof x !== "number" || typeof y !== "number") throw new Error(`invalid graph file: ${where}node ${i + 1} has no numeric position`);
    return { id: fresh(n.id, `${where}node ${i + 1}`), kind: n.kind, label: n.label, position: { x, y }, config: (n.config ?? {}) as GraphNode["config"] };
  });
  const edges = rawEdges.map((e, i) => edgeOf(e, i, `invalid graph file: ${where}`));
  return { nodes, edges };
}

/** The blueprints a graph file carries, each keeping the id its callers name, its components with fresh ids. */
function carriedOf(raw: unknown): CarriedBlueprint[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error("invalid graph file: blueprints must be a list");
  if (raw.length > MAX_BLUEPRINTS) throw new Error(`a graph file may hold at most ${MAX_BLUEPRINTS} blueprints`);
  return raw.map((b, i) => {
    if (!isObject(b) || typeof b.id !== "string" || typeof b.name !== "string") throw new Error(`invalid graph file: blueprint ${i + 1} needs an id and a name`);
    return {
      id: b.id,
      name: b.name,
      description: typeof b.description === "string" ? b.description : "",
      category: typeof b.category === "string" ? (b.category as AIToolCategory) : null,
      graph: fileGraph(b.nodes, b.edges, `blueprint ${i + 1}: `),
    };
  });
}

/** Reads a graph file or React Flow JSON into a graph with fresh ids, or throws a one-line reason. */
export function parseImport(text: string): {
  name: string | null;
  graph: WorkflowGraph;
  source: string;
  /** What a graph file says it is (null for React Flow JSON, which either editor takes). */
  surface: GraphSurface | null;
  category: AIToolCategory | null;
  /** The blueprints a graph file carries for its calls. */
  blueprints: CarriedBlueprint[];
} {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a graph file: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(data)) throw new Error("not a graph file: a graph file is a JSON object");
  if ("format" in data) {
    if (data.format !== "neuroflow.graph") throw new Error(`not a neuroflow graph file: its format is '${String(data.format).slice(0, 40)}'`);
    if (data.version !== 1) throw new Error(`graph file version ${String(data.version)} is not supported; this version reads version 1`);
    return {
      name: typeof data.name === "string" && data.name.trim() ? data.name : null,
      graph: fileGraph(data.nodes, data.edges, ""),
      source: "neuroflow.graph v1",
      surface: data.surface === "blueprint" ? "blueprint" : "workflow",
      category: typeof data.category === "string" ? (data.category as AIToolCategory) : null,
      blueprints: carriedOf(data.blueprints),
    };
  }
  const { fresh, edgeOf } = idMap();
  if (!Array.isArray(data.nodes)) throw new Error("neither a neuroflow graph file nor React Flow JSON: it has no nodes");
  const nodes: GraphNode[] = data.nodes.map((n, i) => {
    if (!isObject(n)) throw new Error(`node ${i + 1} is not an object`);
    const d = isObject(n.data) ? n.data : {};
    const kind = typeof d.kind === "string" ? d.kind : typeof n.type === "string" && n.type !== "flow" ? n.type : null;
    const id = fresh(n.id, `node ${i + 1}`);
    if (!kind) throw new Error(`node '${String(n.id).slice(0, 40)}' has no kind (data.kind or type)`);
    const p = isObject(n.position) ? n.position : {};
    return {
      id,
      kind,
      label: typeof d.label === "string" ? d.label : kind,
      position: { x: typeof p.x === "number" ? p.x : 0, y: typeof p.y === "number" ? p.y : 0 },
      config: (d.config ?? {}) as GraphNode["config"],
    };
  });
  const rawEdges = Array.isArray(data.edges) ? data.edges : [];
  const edges = rawEdges.map((e, i) => edgeOf(e, i, ""));
  return { name: null, graph: { nodes, edges }, source: "React Flow", surface: null, category: null, blueprints: [] };
}

export function fileName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} \-_().,]/gu, "_").trim().replace(/^\.+|\.+$/g, "");
  return `${(safe || "workflow").slice(0, 100)}.neuroflow.json`;
}

export function createMemoryFiles(deps: Deps): FileCommands & VersionLog {
  const versions: Version[] = [];

  const record = (workflowId: string, version: number, graph: WorkflowGraph, save: SaveAs) => {
    const now = deps.now();
    if (save.kind === "AUTOSAVE") {
      const last = versions.filter((v) => v.workflowId === workflowId).at(-1);
      if (last && now.getTime() - Date.parse(last.summary.createdAt) < AUTOSAVE_CHECKPOINT_MS) return;
    }
    versions.push({
      workflowId,
      graph: structuredClone(graph),
      summary: {
        id: uuidv7(now.getTime()),
        version,
        kind: save.kind,
        label: (save.label ?? "").trim(),
        nodeCount: graph.nodes.length,
        edgeCount: graph.edges.length,
        authorId: deps.user.id,
        author: deps.user.email,
        createdAt: now.toISOString(),
      },
    });
  };

  const versionsOf = (ownerId: string) =>
    versions
      .filter((v) => v.workflowId === ownerId)
      .map((v) => v.summary)
      .reverse();
  const versionDoc = (versionId: string): VersionDoc => {
    const v = versions.find((x) => x.summary.id === versionId);
    if (!v) throw deps.fail("not_found", "this workflow version no longer exists: it may have been deleted (reload to see the current list)");
    return { summary: v.summary, graph: v.graph };
  };

  return {
    record,
    versionsOf,
    versionDoc,
    workflowVersions: (id) =>
      deps.run(() => {
        deps.workflow(id);
        return versionsOf(id);
      }),
    workflowVersionGet: (versionId) =>
      deps.run((): VersionDoc => {
        const doc = versionDoc(versionId);
        const owner = versions.find((x) => x.summary.id === versionId)!.workflowId;
        deps.workflow(owner);
        return doc;
      }),
    workflowExport: (id) =>
      deps.run((): GraphExport => {
        const w = deps.workflow(id);
        const contents = graphFileOf({ name: w.summary.name }, w.graph, deps.blueprints().carriedBy(w.graph));
        // A browser has no Downloads folder to write to: the page saves the text itself.
        return { fileName: fileName(w.summary.name), contents, savedTo: null };
      }),
    workflowImport: (contents, name) =>
      deps.run((): ImportReport => {
        const parsed = readImport(contents, name, "workflow", deps.fail);
        const fallback = parsed.fallbackName;
        // Everything is checked before anything is written: an invalid file leaves no workflow and no blueprint.
        const carried = deps.blueprints().prepareCarried(parsed.graph, parsed.blueprints);
        const workflow = deps.createWithGraph(parsed.name ?? (fallback || "Imported workflow"), carried.graph);
        const blueprintsAdded = carried.add();
        record(workflow.id, workflow.version, carried.graph, { kind: "IMPORT", label: "Imported" });
        return { workflow, source: parsed.source, agentsAdded: 0, blueprintsAdded };
      }),
  };
}

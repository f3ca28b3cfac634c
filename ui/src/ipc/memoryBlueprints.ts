// Owns the in-memory stand-in for the tool blueprint commands (browser preview, tests): blueprints with category, sharing
// and the tool signature their input and output components declare, saved with versions, and simulated preview runs;
// the blueprints a graph file carries, collected for an export and added (or reused) by an import.
import type { AppError, BlueprintDoc, BlueprintImportReport, BlueprintMeta, BlueprintSummary, ErrorCode, GraphExport, KindInfo, RunUpdate, SaveAs, Value, commands } from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { uuidv7 } from "../shared/uuidv7";
import { signatureOf } from "../shared/signature";
import { applyChanges } from "../shared/graphChanges";
import {
  MAX_BLUEPRINTS,
  calledBlueprints,
  fileName,
  graphFileOf,
  readImport,
  redirectCalls,
  type CarriedBlueprint,
  type CarriedBlueprints,
  type PreparedCarried,
  type VersionLog,
} from "./memoryFiles";
import type { RunCommands } from "./memoryRuns";

type Commands = typeof commands;
export type BlueprintCommands = Pick<
  Commands,
  | "blueprintList"
  | "blueprintCreate"
  | "blueprintUpdateMeta"
  | "blueprintDelete"
  | "blueprintGet"
  | "blueprintSaveGraph"
  | "blueprintSaveChanges"
  | "blueprintExport"
  | "blueprintImport"
  | "blueprintVersions"
  | "blueprintVersionGet"
  | "blueprintKindList"
> & {
  blueprintRun: (id: string, options: Parameters<Commands["blueprintRun"]>[1], onUpdate: (u: RunUpdate) => void) => Promise<Result<null, AppError>>;
};

/** The blueprint commands, the saved graph of a blueprint (for drafts and live checks), and the blueprints files carry. */
export type MemoryBlueprints = { commands: BlueprintCommands; savedGraph: (id: string) => WorkflowGraph } & CarriedBlueprints;

type Deps = {
  run: <T>(f: () => T) => Promise<Result<T, AppError>>;
  fail: (code: ErrorCode, message: string) => Error;
  now: () => Date;
  validateName: (raw: string) => string;
  /** Structural checks against the blueprint palette (throws invalid_input). */
  validateGraph: (graph: WorkflowGraph, kinds: Map<string, KindInfo>) => WorkflowGraph;
  kinds: KindInfo[];
  versions: VersionLog;
  /** Plays a simulated preview of a graph (the workflow runs' simulation, not stored). */
  preview: RunCommands["previewRun"];
};

type Row = { summary: BlueprintSummary; graph: WorkflowGraph; deleted: boolean };

export function createMemoryBlueprints(deps: Deps): MemoryBlueprints {
  const rows = new Map<string, Row>();
  const kinds = new Map(deps.kinds.map((k) => [k.kind, k]));
  const live = (id: string): Row => {
    const row = rows.get(id);
    if (!row || row.deleted) throw deps.fail("not_found", "this blueprint no longer exists: it may have been deleted (reload to see the current list)");
    return row;
  };
  const doc = (row: Row): BlueprintDoc => ({ summary: row.summary, graph: row.graph });
  /** Stores `graph` as the blueprint's next version, with the signature its components now declare. */
  const saveGraph = (id: string, graph: WorkflowGraph, save: SaveAs): Row => {
    const row = live(id);
    row.graph = structuredClone(deps.validateGraph(graph, kinds));
    Object.assign(row.summary, { version: row.summary.version + 1, nodeCount: row.graph.nodes.length, updatedAt: deps.now().toISOString() }, signatureOf(row.graph));
    deps.versions.record(id, row.summary.version, row.graph, save);
    return row;
  };
  const starter = (): WorkflowGraph => {
    const input = uuidv7();
    const output = uuidv7();
    return {
      nodes: [
        { id: input, kind: "blueprint.input", label: "Tool input", position: { x: 80, y: 160 }, config: { parameters: [{ name: "text", type: "string", description: "What the tool works on", required: true }] } },
        { id: output, kind: "output", label: "Tool output", position: { x: 440, y: 160 }, config: { fields: [{ name: "text", type: "string", description: "The result" }] } },
      ],
      edges: [{ id: uuidv7(), source: input, sourceHandle: null, target: output, targetHandle: null }],
    };
  };
  const meta = (m: BlueprintMeta) => ({
    name: deps.validateName(m.name),
    description: (m.description ?? "").trim(),
    category: m.category,
    isPublic: m.isPublic ?? false,
  });
  /** A new blueprint row with `graph` (already checked) as its first version, under `id`. */
  const insert = (id: string, m: BlueprintMeta, graph: WorkflowGraph, save: SaveAs): Row => {
    const row: Row = {
      summary: { id, ...meta(m), version: 1, nodeCount: graph.nodes.length, ...signatureOf(graph), updatedAt: deps.now().toISOString() },
      graph,
      deleted: false,
    };
    rows.set(id, row);
    deps.versions.record(id, 1, graph, save);
    return row;
  };

  const carriedBy = (graph: WorkflowGraph, except?: string): CarriedBlueprint[] => {
    const out: CarriedBlueprint[] = [];
    const seen = new Set(except ? [except] : []);
    const queue = calledBlueprints(graph);
    while (queue.length && out.length < MAX_BLUEPRINTS) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = rows.get(id);
      // A called blueprint that is gone is not carried: validation names the node on import.
      if (!row || row.deleted) continue;
      queue.push(...calledBlueprints(row.graph));
      const s = row.summary;
      out.push({ id, name: s.name, description: s.description, category: s.category, graph: structuredClone(row.graph) });
    }
    return out;
  };

  // As the Rust import: a carried blueprint that is a live blueprint here is reused (nor is what only it calls added);
  // every other one the graph reaches is added under a fresh id, the calls redirected to it.
  const prepareCarried = (graph: WorkflowGraph, carried: CarriedBlueprint[]): PreparedCarried => {
    const byId = new Map<string, CarriedBlueprint>();
    for (const b of carried) if (!byId.has(b.id)) byId.set(b.id, b);
    const fresh = new Map<string, string>();
    const seen = new Set<string>();
    const queue = calledBlueprints(graph);
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const b = byId.get(id);
      const known = rows.get(id);
      if (!b || (known && !known.deleted)) continue;
      fresh.set(id, uuidv7(deps.now().getTime()));
      queue.push(...calledBlueprints(b.graph));
    }
    const added = [...fresh].map(([old, id]) => {
      const b = byId.get(old)!;
      const m: BlueprintMeta = { name: b.name.trim() || "Imported blueprint", description: b.description, category: b.category ?? "AUTOMATION", isPublic: false };
      try {
        meta(m);
        return { id, m, graph: structuredClone(deps.validateGraph(redirectCalls(b.graph, fresh), kinds)) };
      } catch (e) {
        throw deps.fail("invalid_input", `blueprint '${b.name.slice(0, 80)}' that the file carries: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return {
      graph: redirectCalls(graph, fresh),
      add: () => {
        for (const b of added) insert(b.id, b.m, b.graph, { kind: "IMPORT", label: "Imported" });
        return added.length;
      },
    };
  };

  const commands: BlueprintCommands = {
    blueprintList: (search, category) =>
      deps.run(() => {
        const needle = (search ?? "").trim().toLowerCase();
        return [...rows.values()]
          .filter((r) => !r.deleted && r.summary.name.toLowerCase().includes(needle) && (!category || r.summary.category === category))
          .sort((a, b) => Date.parse(b.summary.updatedAt) - Date.parse(a.summary.updatedAt))
          .map((r) => r.summary);
      }),
    blueprintCreate: (m) => deps.run(() => doc(insert(uuidv7(deps.now().getTime()), m, starter(), { kind: "SAVE" }))),
    blueprintUpdateMeta: (id, m) =>
      deps.run(() => {
        const row = live(id);
        Object.assign(row.summary, meta(m), { updatedAt: deps.now().toISOString() });
        return row.summary;
      }),
    blueprintDelete: (id) =>
      deps.run(() => {
        live(id).deleted = true;
        return null;
      }),
    blueprintGet: (id) => deps.run(() => doc(live(id))),
    blueprintSaveGraph: (id, graph, save) => deps.run(() => doc(saveGraph(id, graph, save))),
    blueprintSaveChanges: (id, changes, save) => deps.run(() => saveGraph(id, applyChanges(live(id).graph, changes), save).summary),
    blueprintExport: (id) =>
      deps.run((): GraphExport => {
        const row = live(id);
        const s = row.summary;
        const head = { name: s.name, description: s.description || undefined, surface: "blueprint", category: s.category };
        return { fileName: fileName(s.name), contents: graphFileOf(head, row.graph, carriedBy(row.graph, id)), savedTo: null };
      }),
    blueprintImport: (contents, name) =>
      deps.run((): BlueprintImportReport => {
        const parsed = readImport(contents, name, "blueprint", deps.fail);
        // Everything is checked first: an invalid file leaves no blueprint behind, carried ones included.
        const carried = prepareCarried(parsed.graph, parsed.blueprints);
        const graph = structuredClone(deps.validateGraph(carried.graph, kinds));
        const fallback = parsed.fallbackName;
        const m = { name: parsed.name ?? (fallback || "Imported blueprint"), description: "", category: parsed.category ?? "AUTOMATION", isPublic: false };
        meta(m);
        const blueprintsAdded = carried.add();
        return { blueprint: insert(uuidv7(deps.now().getTime()), m, graph, { kind: "IMPORT", label: "Imported" }).summary, blueprintsAdded };
      }),
    blueprintVersions: (id) =>
      deps.run(() => {
        live(id);
        return deps.versions.versionsOf(id);
      }),
    blueprintVersionGet: (versionId) => deps.run(() => deps.versions.versionDoc(versionId)),
    blueprintKindList: () => deps.run(() => deps.kinds),
    blueprintRun: (id, options, onUpdate) =>
      deps.run(() => {
        const row = live(id);
        deps.preview(id, row.summary.name, structuredClone(row.graph), options.input ?? {}, onUpdate, kinds);
        return null;
      }),
  };
  return { commands, savedGraph: (id) => live(id).graph, carriedBy, prepareCarried };
}

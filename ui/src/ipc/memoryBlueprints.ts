// Owns the in-memory stand-in for the tool blueprint commands (browser preview, tests): blueprints with category, sharing
// and the tool signature their input and output components declare, saved with versions, and simulated preview runs.
import type { AppError, BlueprintDoc, BlueprintMeta, BlueprintSummary, ErrorCode, GraphExport, KindInfo, RunUpdate, SaveAs, Value, commands } from "./bindings";
import type { Result, WorkflowGraph } from "./wire";
import { uuidv7 } from "../shared/uuidv7";
import { signatureOf } from "../shared/signature";
import { applyChanges } from "../shared/graphChanges";
import { fileName, readImport, type VersionLog } from "./memoryFiles";
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

/** The blueprint commands, and the saved graph of a blueprint (for drafts and live checks). */
export type MemoryBlueprints = { commands: BlueprintCommands; savedGraph: (id: string) => WorkflowGraph };

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
    if (!row || row.deleted) throw deps.fail("not_found", `blueprint ${id} was not found`);
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

  const commands: BlueprintCommands = {
    blueprintList: (search, category) =>
      deps.run(() => {
        const needle = (search ?? "").trim().toLowerCase();
        return [...rows.values()]
          .filter((r) => !r.deleted && r.summary.name.toLowerCase().includes(needle) && (!category || r.summary.category === category))
          .sort((a, b) => Date.parse(b.summary.updatedAt) - Date.parse(a.summary.updatedAt))
          .map((r) => r.summary);
      }),
    blueprintCreate: (m) =>
      deps.run(() => {
        const graph = starter();
        const summary: BlueprintSummary = {
          id: uuidv7(deps.now().getTime()),
          ...meta(m),
          version: 1,
          nodeCount: graph.nodes.length,
          ...signatureOf(graph),
          updatedAt: deps.now().toISOString(),
        };
        const row = { summary, graph, deleted: false };
        rows.set(summary.id, row);
        deps.versions.record(summary.id, 1, graph, { kind: "SAVE" });
        return doc(row);
      }),
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
        const file = { format: "neuroflow.graph", version: 1, name: s.name, description: s.description || undefined, surface: "blueprint", category: s.category, nodes: row.graph.nodes, edges: row.graph.edges };
        return { fileName: fileName(s.name), contents: JSON.stringify(file, null, 2), savedTo: null };
      }),
    blueprintImport: (contents, name) =>
      deps.run((): BlueprintSummary => {
        const parsed = readImport(contents, name, "blueprint", deps.fail);
        // Checked first: an invalid file leaves no blueprint behind.
        const graph = structuredClone(deps.validateGraph(parsed.graph, kinds));
        const fallback = parsed.fallbackName;
        const summary: BlueprintSummary = {
          id: uuidv7(deps.now().getTime()),
          ...meta({ name: parsed.name ?? (fallback || "Imported blueprint"), description: "", category: parsed.category ?? "AUTOMATION", isPublic: false }),
          version: 1,
          nodeCount: graph.nodes.length,
          ...signatureOf(graph),
          updatedAt: deps.now().toISOString(),
        };
        rows.set(summary.id, { summary, graph, deleted: false });
        deps.versions.record(summary.id, 1, graph, { kind: "IMPORT", label: "Imported" });
        return summary;
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
  return { commands, savedGraph: (id) => live(id).graph };
}

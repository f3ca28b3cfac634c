// Owns what the canvas edits: a workflow or a tool blueprint, behind one interface (load, save, palette, run, versions,
// export), so both editors are the same canvas.
import {
  api,
  type Draft,
  type GraphChanges,
  type GraphSurface,
  type KindInfo,
  type RunOptions,
  type RunUpdate,
  type SaveAs,
  type VersionDoc,
  type VersionSummary,
  type WorkflowGraph,
} from "../../ipc";
import { blueprintsPath } from "../../app/router";
import { exportBlueprint, exportWorkflow } from "../../shared/workflowFile";
import { rememberSettings } from "./RunSettings";

/** What the canvas header shows of a document. */
export type DocSummary = { id: string; name: string; version: number };

export type CanvasDocument = {
  surface: GraphSurface;
  id: string;
  /** "workflow" / "blueprint", for messages. */
  noun: string;
  load: () => Promise<{ summary: DocSummary; graph: WorkflowGraph }>;
  /** Saves what changed since the canvas loaded or last saved; resolves to the new summary. */
  save: (changes: GraphChanges, as: SaveAs) => Promise<DocSummary>;
  kinds: () => Promise<KindInfo[]>;
  /** Starts a run of the saved graph; resolves to the stored execution's id, or null for a preview that is not stored. */
  run: (options: RunOptions, onUpdate: (u: RunUpdate) => void) => Promise<string | null>;
  /** Cancels this document's run in flight (by execution id for workflows). */
  cancel: (executionId: string | null) => Promise<boolean>;
  versions: () => Promise<VersionSummary[]>;
  version: (versionId: string) => Promise<VersionDoc>;
  /** Keeps the canvas's unsaved changes in the local database (a crash then loses nothing). */
  putDraft: (changes: GraphChanges, baseVersion: number) => Promise<void>;
  getDraft: () => Promise<Draft | null>;
  clearDraft: () => Promise<void>;
  /** Writes the document as a file, or null when it cannot be exported. */
  exportFile: (() => Promise<void>) | null;
  back: { path: string; label: string };
};

function drafts(id: string, surface: GraphSurface): Pick<CanvasDocument, "putDraft" | "getDraft" | "clearDraft"> {
  return {
    putDraft: async (changes, baseVersion) => {
      await api.draftPut(id, surface, baseVersion, changes);
    },
    getDraft: () => api.draftGet(id),
    clearDraft: async () => {
      await api.draftClear(id);
    },
  };
}

export function workflowDocument(id: string): CanvasDocument {
  return {
    surface: "workflow",
    id,
    noun: "workflow",
    load: async () => {
      const doc = await api.workflowGet(id);
      rememberSettings(id, doc.settings);
      return doc;
    },
    save: (changes, as) => api.workflowSaveChanges(id, changes, as),
    kinds: () => api.nodeKindList(),
    run: async (options, onUpdate) => (await api.workflowRun(id, options, onUpdate)).executionId,
    cancel: (executionId) => (executionId ? api.runCancel(executionId) : Promise.resolve(false)),
    versions: () => api.workflowVersions(id),
    version: (versionId) => api.workflowVersionGet(versionId),
    ...drafts(id, "workflow"),
    exportFile: () => exportWorkflow(id),
    back: { path: "/workflows", label: "Workflows" },
  };
}

export function blueprintDocument(id: string): CanvasDocument {
  return {
    surface: "blueprint",
    id,
    noun: "blueprint",
    load: () => api.blueprintGet(id),
    save: (changes, as) => api.blueprintSaveChanges(id, changes, as),
    kinds: () => api.blueprintKindList(),
    run: async (options, onUpdate) => {
      await api.blueprintRun(id, options, onUpdate);
      return null;
    },
    // A preview runs under its blueprint's id.
    cancel: () => api.runCancel(id),
    versions: () => api.blueprintVersions(id),
    version: (versionId) => api.blueprintVersionGet(versionId),
    ...drafts(id, "blueprint"),
    exportFile: () => exportBlueprint(id),
    back: { path: blueprintsPath(), label: "Blueprints" },
  };
}

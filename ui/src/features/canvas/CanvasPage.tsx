// Owns the workflow canvas page: loading a workflow, the header (save status, Save / Ctrl+S, autosave), the palette,
// React Flow with its editing tools (toolbar, shortcuts, quick-add, clipboard, auto-layout) and the leave guard.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  SelectionMode,
  useReactFlow,
  type IsValidConnection,
  type Node,
  type NodeMouseHandler,
  type OnConnectEnd,
  type OnConnectStart,
  type Viewport,
} from "@xyflow/react";
import { useShallow } from "zustand/react/shallow";
import { api, errorMessage, isIpcError, type GraphSurface, type Position, type RunMode, type WorkflowGraph } from "../../ipc";
import { executionPath, navigate, setNavigationBlocker, workflowPath } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { Icon } from "../../shared/icons";
import { toast, Toaster } from "../../shared/toast";
import { CanvasToolbar } from "./CanvasToolbar";
import type { GraphDiff } from "./diff";
import { useHistory } from "./history";
import { HistoryPanel } from "./HistoryPanel";
import type { CanvasDocument } from "./document";
import { Inspector, type InspectorTab } from "./Inspector";
import { RunInputButton, runInput } from "./RunInput";
import { RunSettingsButton } from "./RunSettings";
import { RunBar, RunControls } from "./RunControls";
import { isLive, useRunState } from "./runState";
import { useValidation } from "./validation";
import { parseClipboard, serializeClipboard } from "./clipboard";
import { nodeTypes } from "./FlowNodeView";
import { categoryStyle } from "./kindStyle";
import { Palette } from "./Palette";
import { LOD_MIN_ZOOM } from "./lod";
import { useLodGraph } from "./lodGraph";
import { LodLayer } from "./LodLayer";
import { LodMiniMap } from "./LodMiniMap";
import { useCanvasPrefs } from "./prefs";
import { AddingContext, useNodeAdding } from "./useNodeAdding";
import { edgeTypes } from "./PlusEdge";
import { ShortcutSheet } from "./ShortcutSheet";
import { isMac, shortcutFor, type ShortcutAction } from "./shortcuts";
import { boundsOf, canConnect, fromDoc, type FlowEdge, NODE_HEIGHT, NODE_WIDTH, shownGraph, useCanvasStore, type FlowNode } from "./store";
import { useRemoteChanges } from "./remoteChanges";
import { useTeamStatus } from "../team/teamStatus";
import { readClipboardCandidates, writeClipboard } from "./systemClipboard";
import { plural } from "../../shared/format";
import "./editor.css";

const GRID = 20;
const SNAP: [number, number] = [GRID, GRID];
// Large graphs give React Flow the nodes drawn on the canvas layer as hidden nodes; fitting counts them too.
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1, includeHiddenNodes: true };
/** Opening a graph that is not large, and laying it out, never zoom out past where its labels stay readable: a graph
 * wider than the window at this zoom is centred and scrolled, not shrunk to unreadable cards. Zoom to fit (Shift+1,
 * the Fit button) still shows every node, as it says. (Large graphs open whole: zoomed out, the canvas layer draws
 * their overview.) */
const READABLE_ZOOM = 0.6;
const FIT_READABLE_OPTIONS = { ...FIT_VIEW_OPTIONS, minZoom: READABLE_ZOOM };
const PRO_OPTIONS = { hideAttribution: true };
/** Above this many nodes only what is in view is rendered, and zoomed out the canvas layer draws the graph (LodLayer). */
const LARGE_GRAPH = 150;
/** Autosave this long after the last edit. */
export const AUTOSAVE_MS = 1500;
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const PAN_BUTTONS_SELECT_TOOL = [1, 2];
const snapTo = (v: number, on: boolean) => (on ? Math.round(v / GRID) * GRID : Math.round(v));

type LoadState = { status: "loading" } | { status: "ready" } | { status: "error"; message: string; notFound: boolean };

/** Validation runs this long after the last edit. */
const VALIDATE_MS = 300;

/** What the page shows beside the canvas while no node is selected (a blueprint's details and signature). */
export type IdlePanel = (graph: WorkflowGraph) => ReactNode;

/** The canvas editor of a workflow or a tool blueprint (`document`); `executionId` shows a past run of a workflow on it. */
export function CanvasPage({ document, executionId = null, idlePanel }: { document: CanvasDocument; executionId?: string | null; idlePanel?: IdlePanel }) {
  return (
    <ReactFlowProvider>
      <CanvasScreen document={document} executionId={executionId} idlePanel={idlePanel} />
    </ReactFlowProvider>
  );
}

function CanvasScreen({ document, executionId, idlePanel }: { document: CanvasDocument; executionId: string | null; idlePanel?: IdlePanel }) {
  const workflowId = document.id;
  const [load, setLoad] = useState<LoadState>({ status: "loading" });
  const [saveError, setSaveError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const { summary, dirty, saving, kindList } = useCanvasStore(
    useShallow((s) => ({ summary: s.summary, dirty: s.dirty, saving: s.saving, kindList: s.kindList })),
  );

  useRemoteChanges(document, load.status === "ready");
  // A viewer opens and runs the organization's work but cannot change it.
  const readOnly = useTeamStatus()?.team?.member.role === "VIEWER";
  useEffect(() => useCanvasStore.getState().setReadOnly(readOnly), [readOnly]);

  useEffect(() => {
    let live = true;
    const store = useCanvasStore.getState();
    store.reset();
    setLoad({ status: "loading" });
    setSaveError(null);
    Promise.all([document.load(), document.kinds(), document.getDraft().catch(() => null)])
      .then(([doc, kinds, draft]) => {
        if (!live) return;
        store.setKinds(kinds);
        store.load(doc, document);
        // Changes the app did not live to save come back as unsaved changes (one undo step away from the saved graph).
        if (draft && useCanvasStore.getState().replaceGraph(draft.graph, "Recover unsaved changes")) {
          const since = draft.baseVersion === doc.summary.version ? "" : ` (made on v${draft.baseVersion}; review before saving)`;
          toast(`Recovered unsaved changes from before the app closed${since}.`, "success");
        } else if (draft) void document.clearDraft().catch(() => {});
        setLoad({ status: "ready" });
      })
      .catch((e: unknown) => {
        if (live) setLoad({ status: "error", message: errorMessage(e), notFound: isIpcError(e, "not_found") });
      });
    return () => {
      live = false;
      useCanvasStore.getState().reset();
      useValidation.getState().clear();
      useHistory.getState().reset();
      // A run in flight goes on (and is stored); the canvas just stops showing it.
      useRunState.getState().clear();
    };
  }, [document]);

  // A past run opened from the Executions page: its node results on the canvas.
  useEffect(() => {
    if (!executionId || document.surface !== "workflow") {
      if (useRunState.getState().isPast) useRunState.getState().clear();
      return;
    }
    let live = true;
    api
      .executionGet(executionId)
      .then((detail) => {
        if (!live) return;
        if (detail.summary.workflowId !== workflowId) {
          toast("That run belongs to another workflow.", "error");
          return;
        }
        useRunState.getState().showExecution(detail);
      })
      .catch((e: unknown) => live && toast(`Couldn't open the run: ${errorMessage(e)}`, "error"));
    return () => {
      live = false;
    };
  }, [executionId, workflowId, document.surface]);

  // Leaving before the autosave saves the changes first (they are saved automatically anyway); only changes that
  // cannot be saved make it ask. A reload or close in a browser cannot wait for a save: that asks.
  useEffect(() => {
    if (!dirty) return;
    setNavigationBlocker(async (to) => {
      let failure: string;
      try {
        while (useCanvasStore.getState().saving) await new Promise((r) => setTimeout(r, 50));
        if (useCanvasStore.getState().dirty) await useCanvasStore.getState().save({ kind: "AUTOSAVE" });
        setNavigationBlocker(null);
        navigate(to, { force: true });
        return;
      } catch (e) {
        failure = errorMessage(e);
        setSaveError(failure);
      }
      const leave = await confirm({
        title: "Leave without saving?",
        message: `This workflow's changes couldn't be saved (${failure}). If you leave now, they will be lost.`,
        confirmLabel: "Discard changes",
        cancelLabel: "Keep editing",
        danger: true,
      });
      if (leave) {
        setNavigationBlocker(null);
        // Discarded on purpose: the draft must not bring them back next time.
        void document.clearDraft().catch(() => {});
        navigate(to, { force: true });
      }
    });
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      setNavigationBlocker(null);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [dirty, confirm, document]);

  /** The revision an autosave failed at: no automatic retry until the next edit (a manual save still tries). */
  const failedAt = useRef<number | null>(null);

  const save = useCallback(async (auto = false) => {
    const s = useCanvasStore.getState();
    if (!s.summary || s.saving || (auto && failedAt.current === s.revision)) return;
    const at = s.revision;
    try {
      await s.save({ kind: auto ? "AUTOSAVE" : "SAVE" });
      failedAt.current = null;
      setSaveError(null);
    } catch (e) {
      if (auto) failedAt.current = at;
      setSaveError(errorMessage(e));
    }
  }, []);


  /** Runs the saved workflow (saving first when there are changes); a second press while it runs cancels it. */
  const runWorkflow = useCallback(
    async (mode: RunMode = { mode: "full" }) => {
      const run = useRunState.getState();
      if (isLive(run.phase)) {
        if (mode.mode === "full") await run.cancel().catch((e: unknown) => toast(`Couldn't cancel: ${errorMessage(e)}`, "error"));
        return;
      }
      const s = useCanvasStore.getState();
      if (!s.summary) return;
      if (s.dirty || s.saving) {
        while (useCanvasStore.getState().saving) await new Promise((r) => setTimeout(r, 50));
        if (useCanvasStore.getState().dirty) {
          try {
            // Running is not a milestone: the save becomes a version only at an autosave checkpoint.
            await useCanvasStore.getState().save({ kind: "AUTOSAVE" });
            setSaveError(null);
          } catch (e) {
            setSaveError(errorMessage(e));
            toast(`Not run: the workflow couldn't be saved (${errorMessage(e)})`, "error");
            return;
          }
        }
      }
      if (useRunState.getState().isPast && document.surface === "workflow") navigate(workflowPath(workflowId), { force: true });
      const ids = useCanvasStore.getState().nodes.map((n) => n.id);
      try {
        await useRunState.getState().start(document, mode, ids, runInput(document.id));
      } catch (e) {
        if (isIpcError(e, "invalid_graph")) {
          // The node at fault in the graph the core refused (the saved one), asked now: the live check's list may
          // still be on its way for the latest edit.
          const saved = await api
            .graphCheckChanges(document.id, document.surface, { nodes: [], edges: [], removedNodes: [], removedEdges: [] }, {})
            .then((check) => check.diagnostics)
            .catch(() => useValidation.getState().all);
          const first = saved.find((d) => d.nodeId);
          if (first?.nodeId) useCanvasStore.getState().selectNodes([first.nodeId]);
        }
        toast(errorMessage(e), "error");
      }
    },
    [workflowId, document],
  );

  /** Exports the workflow as saved, saving unsaved changes first so the file has them. */
  const exportCurrent = useCallback(async () => {
    try {
      if (useCanvasStore.getState().dirty) await useCanvasStore.getState().save({ kind: "SAVE" });
      await document.exportFile?.();
    } catch (e) {
      toast(`Couldn't export: ${errorMessage(e)}`, "error");
    }
  }, [document]);

  /** Puts an older version on the canvas (one undo step) and saves it as a new version. */
  const restoreVersion = useCallback(async (versionId: string) => {
    try {
      const doc = await document.version(versionId);
      const v = doc.summary.version;
      const changed = useCanvasStore.getState().replaceGraph(doc.graph, `Restore v${v}`);
      useHistory.getState().stopComparing();
      if (!changed) {
        toast(`The canvas is already the same as v${v}.`);
        return;
      }
      await useCanvasStore.getState().save({ kind: "RESTORE", label: `Restored v${v}` });
      setSaveError(null);
      toast(`Restored v${v} as a new version. Undo (Ctrl+Z) takes it back.`, "success");
    } catch (e) {
      toast(`Couldn't restore: ${errorMessage(e)}`, "error");
    }
  }, [document]);

  // The palette calls into these; Flow fills them with functions that know the viewport.
  const dropRef = useRef<DropFn>(noop);
  const addRef = useRef<AddFn>(noop);

  const status = saving ? "Saving…" : dirty ? "Unsaved changes" : "Saved";
  const statusClass = saving ? "is-saving" : dirty ? "is-dirty" : "is-saved";

  return (
    <div className="canvas-page">
      <header className="canvas-header">
        <button type="button" className="btn btn-ghost btn-sm" data-testid="back-to-workflows" onClick={() => navigate(document.back.path)}>
          <Icon name="arrowLeft" size={15} />
          {document.back.label}
        </button>
        <span className="canvas-header-sep" aria-hidden="true" />
        <h1 className="canvas-title" data-testid="canvas-title" title={summary?.name}>
          {summary?.name ?? (load.status === "loading" ? "Loading…" : document.noun)}
        </h1>
        {summary && <span className="chip" title="Saved version">v{summary.version}</span>}
        <div className="canvas-header-spacer" />
        {saveError && (
          <div className="form-error form-error-inline" role="alert" data-testid="form-error" title={saveError}>
            <Icon name="alert" size={14} />
            Couldn't save: {saveError}
          </div>
        )}
        {load.status === "ready" && (
          <>
            {document.exportFile && (
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                data-testid="export-workflow"
                title="Export as a file (saves first)"
                onClick={() => void exportCurrent()}
              >
                <Icon name="download" size={15} />
                Export
              </button>
            )}
            <HistoryButton document={document} />
            {document.surface === "workflow" && <RunSettingsButton workflowId={document.id} />}
            <RunInputButton document={document} />
            <RunControls onRun={() => void runWorkflow()} />
            <span
              className={`save-status ${statusClass}`}
              data-testid="save-status"
              aria-live="polite"
              title="Changes are saved automatically 1.5 s after your last edit."
            >
              {status}
            </span>
            {readOnly && (
              <span className="view-only-badge" data-testid="view-only" title="You're a viewer in this organization: an owner or admin can change your role.">
                View only
              </span>
            )}
            <button
              type="button"
              className="btn btn-primary btn-sm"
              hidden={readOnly}
              data-testid="save-graph"
              onClick={() => void save()}
              disabled={!dirty || saving}
              title={`Save (${isMac ? "⌘" : "Ctrl+"}S)`}
            >
              <Icon name="save" size={15} />
              Save
              <kbd className="kbd">{isMac ? "⌘S" : "Ctrl S"}</kbd>
            </button>
          </>
        )}
      </header>

      {load.status === "error" ? (
        <div className="center-panel">
          <div className="empty">
            <div className="empty-icon">
              <Icon name={load.notFound ? "search" : "alert"} size={22} />
            </div>
            <h2>{load.notFound ? `This ${document.noun} doesn't exist` : `Couldn't open this ${document.noun}`}</h2>
            <p data-testid="form-error">{load.notFound ? "It may have been deleted. " : ""}{load.message}</p>
            <button type="button" className="btn btn-primary" onClick={() => navigate(document.back.path)}>
              Back to {document.back.label.toLowerCase()}
            </button>
          </div>
        </div>
      ) : (
        <div className="canvas-body">
          {!readOnly && <Palette kinds={kindList} onAdd={(kind) => addRef.current(kind)} onDrop={(kind, x, y) => dropRef.current(kind, x, y)} />}
          {load.status === "loading" ? (
            <div className="canvas-loading">Loading {document.noun}…</div>
          ) : (
            <Flow dropRef={dropRef} addRef={addRef} onSave={() => void save()} onRun={(mode) => void runWorkflow(mode)} />
          )}
          {load.status === "ready" && (
            <InspectorDock document={document} idlePanel={idlePanel} onRun={(mode) => void runWorkflow(mode)} onRestore={(id) => void restoreVersion(id)} />
          )}
        </div>
      )}
      {load.status === "ready" && <Autosave save={save} failedAt={failedAt} />}
      {load.status === "ready" && <LiveValidation surface={document.surface} />}
      {load.status === "ready" && <DraftKeeper document={document} />}
      <Toaster />
      {dialog}
    </div>
  );
}

/**
 * Saves 1.5 s after the last edit, never in the middle of a drag, and not again for a revision whose autosave failed.
 * A component of its own so that only it re-renders on every edit (a drag bumps the revision each frame).
 */
function Autosave({ save, failedAt }: { save: (auto: boolean) => Promise<void>; failedAt: RefObject<number | null> }) {
  const { dirty, saving, dragging, revision } = useCanvasStore(
    useShallow((s) => ({ dirty: s.dirty, saving: s.saving, dragging: s.dragging, revision: s.revision })),
  );
  useEffect(() => {
    if (!dirty || saving || dragging || failedAt.current === revision) return;
    const t = setTimeout(() => void save(true), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [dirty, saving, dragging, revision, save, failedAt]);
  return null;
}

/** Unsaved changes go to the local database this soon after an edit (autosave stores them a little later). */
const DRAFT_MS = 200;

/** Keeps the unsaved graph as a local draft moments after each edit, and drops it once the canvas is saved. */
function DraftKeeper({ document }: { document: CanvasDocument }) {
  const { revision, dirty } = useCanvasStore(useShallow((s) => ({ revision: s.revision, dirty: s.dirty })));
  const kept = useRef(false);
  useEffect(() => {
    if (!dirty) {
      if (kept.current) {
        kept.current = false;
        void document.clearDraft().catch(() => {});
      }
      return;
    }
    const t = setTimeout(() => {
      const s = useCanvasStore.getState();
      if (!s.summary || !s.dirty) return;
      kept.current = true;
      // A draft that cannot be written is no worse than none: autosave still runs.
      void document.putDraft(s.unsavedChanges(), s.summary.version).catch(() => {});
    }, DRAFT_MS);
    return () => clearTimeout(t);
  }, [revision, dirty, document]);
  return null;
}

/** Checks the graph with the engine shortly after each edit, so problems show on the nodes while editing. */
function LiveValidation({ surface }: { surface: GraphSurface }) {
  const revision = useCanvasStore((s) => s.revision);
  useEffect(() => {
    const t = setTimeout(() => {
      const { summary, unsavedChanges } = useCanvasStore.getState();
      if (summary) void useValidation.getState().check(summary.id, unsavedChanges(), revision, surface, runInput(summary.id));
    }, VALIDATE_MS);
    return () => clearTimeout(t);
  }, [revision, surface]);
  return null;
}

/** The single selected node, or null; a primitive, so selecting elsewhere doesn't re-render the dock. */
const singleSelected = (s: { nodes: { id: string; selected?: boolean }[] }): string | null => {
  let found: string | null = null;
  for (const n of s.nodes) {
    if (!n.selected) continue;
    if (found) return null;
    found = n.id;
  }
  return found;
};

function HistoryButton({ document }: { document: CanvasDocument }) {
  const open = useHistory((s) => s.open);
  return (
    <button
      type="button"
      className={`btn btn-ghost btn-sm${open ? " is-pressed" : ""}`}
      aria-pressed={open}
      data-testid="history-toggle"
      title="Version history: compare and restore saved versions"
      onClick={() => (open ? useHistory.getState().hide() : void useHistory.getState().show(document))}
    >
      <Icon name="history" size={15} />
      History
    </button>
  );
}

/** Keeps a comparison with the canvas up to date while the canvas is edited. */
function LiveComparison() {
  const revision = useCanvasStore((s) => s.revision);
  const comparing = useHistory((s) => s.base !== null && s.head === null);
  useEffect(() => {
    if (comparing) useHistory.getState().recompare(useCanvasStore.getState().toGraph());
  }, [revision, comparing]);
  return null;
}

/** Beside the canvas: the version history when open, else the inspector while exactly one node is selected. */
function InspectorDock({
  document,
  idlePanel,
  onRun,
  onRestore,
}: {
  document: CanvasDocument;
  idlePanel?: IdlePanel;
  onRun: (mode: RunMode) => void;
  onRestore: (id: string) => void;
}) {
  const selected = useCanvasStore(singleSelected);
  const historyOpen = useHistory((s) => s.open);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const [tab, setTab] = useState<InspectorTab>("settings");
  if (historyOpen)
    return (
      <>
        <LiveComparison />
        <HistoryPanel document={document} onRestore={onRestore} onClose={() => useHistory.getState().hide()} />
      </>
    );
  if (!selected) return idlePanel ? <IdleDock panel={idlePanel} /> : null;
  if (closedFor === selected) return null;
  return <Inspector nodeId={selected} tab={tab} onTab={setTab} onClose={() => setClosedFor(selected)} onRun={onRun} />;
}

/** The page's idle panel, given the graph as it is (re-read a moment after edits, not on every drag frame). */
function IdleDock({ panel }: { panel: IdlePanel }) {
  const revision = useCanvasStore((s) => s.revision);
  const [graph, setGraph] = useState(() => useCanvasStore.getState().toGraph());
  useEffect(() => {
    const t = setTimeout(() => setGraph(useCanvasStore.getState().toGraph()), VALIDATE_MS);
    return () => clearTimeout(t);
  }, [revision]);
  return <>{panel(graph)}</>;
}

type DropFn = (kind: string, clientX: number, clientY: number) => void;
type AddFn = (kind: string) => void;
const noop = () => {};

function Flow({
  dropRef,
  addRef,
  onSave,
  onRun,
}: {
  dropRef: RefObject<DropFn>;
  addRef: RefObject<AddFn>;
  onSave: () => void;
  onRun: (mode: RunMode) => void;
}) {
  const wrapper = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, getViewport, setViewport, fitView, zoomIn, zoomOut, zoomTo } = useReactFlow();
  const { nodes, edges, onNodesChange, onEdgesChange, connect, endDrag } = useCanvasStore(
    useShallow((s) => ({
      nodes: s.nodes,
      edges: s.edges,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      connect: s.connect,
      endDrag: s.endDrag,
    })),
  );
  const { tool, snapToGrid } = useCanvasPrefs(useShallow((p) => ({ tool: p.tool, snapToGrid: p.snapToGrid })));
  const diff = useHistory((s) => s.diff);
  const diffView = useMemo(() => (diff ? comparisonElements(diff) : null), [diff]);
  const readOnly = useCanvasStore((s) => s.readOnly);
  // Collapsed groups hide what they frame; connections that cross them go to the group.
  const shown = useMemo(() => shownGraph(nodes, edges), [nodes, edges]);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [layingOut, setLayingOut] = useState(false);
  const large = nodes.length > LARGE_GRAPH;
  const lod = useLodGraph(shown.nodes, shown.edges, large && !diffView);

  // Fit the graph once when it opens; an empty canvas keeps the default 1:1 viewport.
  const [fitOnOpen] = useState(() => nodes.length > 0);

  /** The visible part of the canvas, in flow coordinates. */
  const visibleFlowRect = useCallback(() => {
    const r = wrapper.current?.getBoundingClientRect();
    if (!r) return null;
    const a = screenToFlowPosition({ x: r.left, y: r.top });
    const b = screenToFlowPosition({ x: r.right, y: r.bottom });
    return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
  }, [screenToFlowPosition]);

  // ---- adding nodes: quick-add, the "+" of ports and edges, palette clicks and drops

  const adding = useNodeAdding({ wrapper, grid: GRID, screenToFlowPosition, visibleFlowRect, getViewport, setViewport });
  const { quickAdd, openQuickAdd } = adding;
  useEffect(() => {
    dropRef.current = adding.dropAt;
    addRef.current = adding.addAtCentre;
    return () => {
      dropRef.current = noop;
      addRef.current = noop;
    };
  }, [dropRef, addRef, adding.dropAt, adding.addAtCentre]);

  // ---- connections: say why a connection is refused; a drop on a node body connects, on empty canvas adds a node

  const connectStart = useRef<{ x: number; y: number } | null>(null);
  const onConnectStart: OnConnectStart = (event) => {
    const p = "touches" in event ? event.touches[0] : event;
    connectStart.current = p ? { x: p.clientX, y: p.clientY } : null;
  };
  const onConnectEnd: OnConnectEnd = (event, state) => {
    const start = connectStart.current;
    connectStart.current = null;
    if (state.isValid || !state.fromNode || !state.fromHandle) return;
    const p = "changedTouches" in event ? event.changedTouches[0] : event;
    if (!p || (start && Math.hypot(p.clientX - start.x, p.clientY - start.y) < 6)) return; // a click on a handle
    const fromSource = state.fromHandle.type === "source";
    const hit = document.elementFromPoint(p.clientX, p.clientY);
    const nodeId = hit?.closest("[data-node-id]")?.getAttribute("data-node-id");
    const s = useCanvasStore.getState();
    if (nodeId) {
      const c = fromSource ? { source: state.fromNode.id, target: nodeId } : { source: nodeId, target: state.fromNode.id };
      const check = canConnect(s, c, s.kinds);
      if (check.ok) s.connect(c);
      else toast(check.reason, "error");
      return;
    }
    if (fromSource && hit?.closest(".react-flow__pane")) {
      openQuickAdd({ after: state.fromNode.id, at: screenToFlowPosition({ x: p.clientX, y: p.clientY }) });
    }
  };

  // ---- clipboard

  const copy = useCallback(async (cut: boolean) => {
    const s = useCanvasStore.getState();
    const payload = cut ? s.cutSelection() : s.copySelection();
    if (!payload) return;
    await writeClipboard(serializeClipboard(payload));
    toast(`${cut ? "Cut" : "Copied"} ${plural(payload.nodes.length, "node")}`, "success");
  }, []);

  const paste = useCallback(async () => {
    const texts = await readClipboardCandidates();
    const s = useCanvasStore.getState();
    let reason = "The clipboard is empty.";
    for (const text of texts) {
      const r = parseClipboard(text, s.kinds);
      if (!r.ok) {
        if (text === texts[0]) reason = r.reason;
        continue;
      }
      // Paste beside the originals when they are in view, else in the middle of the view.
      const b = boundsOf(r.payload.nodes)!;
      const v = visibleFlowRect();
      const inView = !v || (b.x < v.x + v.width && b.x + b.width > v.x && b.y < v.y + v.height && b.y + b.height > v.y);
      const at = inView || !v ? undefined : { x: v.x + v.width / 2, y: v.y + v.height / 2 };
      const ids = useCanvasStore.getState().paste(r.payload, at, useCanvasPrefs.getState().snapToGrid ? GRID : 1);
      if (ids.length) toast(`Pasted ${plural(ids.length, "node")}`, "success");
      return;
    }
    toast(reason, "error");
  }, [visibleFlowRect]);

  // ---- auto-layout

  const fitOptions = large ? FIT_VIEW_OPTIONS : FIT_READABLE_OPTIONS;
  const fit = useCallback(() => void fitView({ ...FIT_VIEW_OPTIONS, duration: 250 }), [fitView]);
  const fitReadable = useCallback(() => void fitView({ ...fitOptions, duration: 250 }), [fitView, fitOptions]);

  const runLayout = useCallback(async () => {
    const s = useCanvasStore.getState();
    if (s.nodes.length === 0 || layingOut) return;
    setLayingOut(true);
    try {
      const { layoutGraph } = await import("./layout");
      const positions = await layoutGraph({ nodes: s.nodes, edges: s.edges }, useCanvasPrefs.getState().snapToGrid ? GRID : 1);
      if (useCanvasStore.getState().moveNodes(positions, "Auto-layout")) requestAnimationFrame(() => fitReadable());
      else toast("The graph is already laid out.");
    } catch (e) {
      toast(`Auto-layout failed: ${errorMessage(e)}`, "error");
    } finally {
      setLayingOut(false);
    }
  }, [fitReadable, layingOut]);

  // ---- keyboard

  const run = useCallback(
    (action: ShortcutAction, e?: KeyboardEvent): boolean => {
      const s = useCanvasStore.getState();
      const prefs = useCanvasPrefs.getState();
      switch (action) {
        case "quickAdd":
          openQuickAdd();
          return true;
        case "undo":
          if (!s.dragging) s.undo();
          return true;
        case "redo":
          if (!s.dragging) s.redo();
          return true;
        case "copy":
        case "cut":
          if (!s.nodes.some((n) => n.selected)) return false; // let the browser copy selected text
          void copy(action === "cut");
          return true;
        case "paste":
          void paste();
          return true;
        case "duplicate":
          s.duplicateSelection();
          return true;
        case "selectAll":
          s.selectAll();
          return true;
        case "delete":
          s.deleteSelection();
          return true;
        case "deselect":
          s.clearSelection();
          return true;
        case "nudge": {
          // A focused node handles arrows itself (React Flow); this moves a selection made with the box or Ctrl+A.
          const step = (prefs.snapToGrid ? GRID : 5) * (e?.shiftKey ? 4 : 1);
          const dir: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
          const [dx, dy] = dir[e?.key ?? ""] ?? [0, 0];
          return s.nudgeSelection(dx * step, dy * step);
        }
        case "rename": {
          const selected = s.nodes.filter((n) => n.selected);
          if (selected.length === 1) s.requestRename(selected[0].id);
          return true;
        }
        case "fit":
          fit();
          return true;
        case "zoomIn":
          void zoomIn({ duration: 150 });
          return true;
        case "zoomOut":
          void zoomOut({ duration: 150 });
          return true;
        case "zoomReset":
          void zoomTo(1, { duration: 150 });
          return true;
        case "layout":
          void runLayout();
          return true;
        case "snap":
          prefs.setSnapToGrid(!prefs.snapToGrid);
          toast(`Snap to grid ${prefs.snapToGrid ? "off" : "on"}`);
          return true;
        case "toolSelect":
          prefs.setTool("select");
          return true;
        case "toolPan":
          prefs.setTool("pan");
          return true;
        case "save":
          onSave();
          return true;
        case "run":
          onRun({ mode: "full" });
          return true;
        case "help":
          setSheetOpen(true);
          return true;
      }
    },
    [copy, paste, fit, zoomIn, zoomOut, zoomTo, runLayout, openQuickAdd, onSave, onRun],
  );

  const modalOpen = quickAdd !== null || sheetOpen;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = shortcutFor(e);
      if (!action) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      // Dialogs own their keys; only saving and running reach through.
      if ((modalOpen || target?.closest("[role=dialog],[role=alertdialog]")) && action !== "save" && action !== "run") return;
      // Tab keeps moving focus between controls; on the canvas (or nowhere) it opens quick-add.
      if (e.key === "Tab" && target && target !== document.body && !wrapper.current?.contains(target)) return;
      if (e.key === "Tab" && target?.closest("button, a, input, select, textarea, .react-flow__controls")) return;
      if (run(action, e)) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run, modalOpen]);

  const selectTool = tool === "select";

  return (
    <div className="canvas-flow" ref={wrapper} tabIndex={-1} data-tool={tool}>
      <AddingContext.Provider value={diffView || readOnly ? null : adding.actions}>
      <ReactFlow<FlowNode>
        nodes={diffView ? diffView.nodes : lod.nodes}
        edges={diffView ? diffView.edges : lod.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={diffView ? undefined : onNodesChange}
        onEdgesChange={diffView ? undefined : onEdgesChange}
        nodesDraggable={!diffView && !readOnly}
        nodesConnectable={!diffView && !readOnly}
        className={diffView ? "is-comparing" : undefined}
        onNodeDragStop={endDrag}
        onNodeClick={onNodeClick}
        onSelectionDragStop={endDrag}
        onConnect={connect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionOnDrag={selectTool}
        selectionMode={SelectionMode.Partial}
        panOnDrag={selectTool ? PAN_BUTTONS_SELECT_TOOL : true}
        panOnScroll
        panActivationKeyCode="Space"
        colorMode="dark"
        snapToGrid={snapToGrid}
        snapGrid={SNAP}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={large}
        fitView={fitOnOpen}
        fitViewOptions={fitOptions}
        minZoom={large ? LOD_MIN_ZOOM : 0.2}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.6} />
        <Controls showInteractive={false} fitViewOptions={FIT_VIEW_OPTIONS} />
        {large && <LodLayer />}
        {large ? <LodMiniMap /> : nodes.length > 0 && <MiniMap pannable zoomable nodeColor={miniMapColor} nodeStrokeWidth={0} nodeBorderRadius={4} />}
      </ReactFlow>
      </AddingContext.Provider>
      <RunBar onOpenExecution={(id) => navigate(executionPath(id))} onBackToEditing={() => navigate(workflowPath(useCanvasStore.getState().summary?.id ?? ""))} />
      <CanvasToolbar
        onQuickAdd={() => openQuickAdd()}
        onLayout={() => void runLayout()}
        layingOut={layingOut}
        onFit={fit}
        onHelp={() => setSheetOpen(true)}
      />
      {nodes.length === 0 && !quickAdd && (
        <div className="canvas-hint">
          <Icon name="zap" size={18} />
          <div>
            <strong>Start with a trigger.</strong> Press <kbd className="kbd">Tab</kbd> to search nodes, or click or drag one from the
            palette.
          </div>
        </div>
      )}
      {adding.popup}
      {sheetOpen && <ShortcutSheet onClose={() => setSheetOpen(false)} />}
    </div>
  );
}

/** The read-only graph of a comparison: both versions' nodes and edges, each marked with how it changed. */
function comparisonElements(diff: GraphDiff): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const g = fromDoc(diff.graph);
  // Sizes the canvas measured, so the minimap and fitting see the compared nodes at once.
  const measured = new Map(useCanvasStore.getState().nodes.map((n) => [n.id, n.measured]));
  return {
    nodes: g.nodes.map((n) => {
      const d = diff.nodes.get(n.id);
      return {
        ...n,
        selectable: false,
        measured: measured.get(n.id) ?? { width: NODE_WIDTH, height: NODE_HEIGHT },
        data: { ...n.data, diff: d ? { status: d.status, changes: d.changes } : { status: "same", changes: [] } },
      };
    }),
    edges: g.edges.map((e) => ({ ...e, selectable: false, className: `is-diff-${diff.edges.get(e.id)?.status ?? "same"}` })),
  };
}

/** A plain click on one node of a multi-selection selects just that node (as in Figma); React Flow keeps them all. */
const onNodeClick: NodeMouseHandler<FlowNode> = (e, node) => {
  if (e.shiftKey || e.metaKey || e.ctrlKey) return;
  const s = useCanvasStore.getState();
  if (s.nodes.some((n) => n.selected && n.id !== node.id) || s.edges.some((x) => x.selected)) s.selectNodes([node.id]);
};

const isValidConnection: IsValidConnection = (c) => {
  const s = useCanvasStore.getState();
  return canConnect({ nodes: s.nodes, edges: s.edges }, c, s.kinds).ok;
};

function miniMapColor(node: Node): string {
  const kind = (node as FlowNode).data?.kind;
  return categoryStyle(useCanvasStore.getState().kinds[kind]?.category).color;
}

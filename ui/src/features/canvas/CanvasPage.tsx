// Owns the workflow canvas page: loading a workflow, the header (save status, Save / Ctrl+S), palette, React Flow and the leave guard.
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  getViewportForBounds,
  useReactFlow,
  type IsValidConnection,
  type Node,
  type Viewport,
} from "@xyflow/react";
import { useShallow } from "zustand/react/shallow";
import { api, errorMessage, isIpcError, type Position } from "../../ipc";
import { navigate, setNavigationBlocker } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { Icon } from "../../shared/icons";
import { nodeTypes } from "./FlowNodeView";
import { categoryStyle } from "./kindStyle";
import { Palette } from "./Palette";
import { canConnect, NODE_HEIGHT, NODE_WIDTH, useCanvasStore, type FlowNode } from "./store";

const DELETE_KEYS = ["Delete", "Backspace"];
const SNAP: [number, number] = [20, 20];
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };
/** Above this many nodes only what is in view is rendered. */
const LARGE_GRAPH = 150;
const REVEAL_MIN_ZOOM = 0.5;
const snap = (v: number) => Math.round(v / SNAP[0]) * SNAP[0];
const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

type LoadState = { status: "loading" } | { status: "ready" } | { status: "error"; message: string; notFound: boolean };

export function CanvasPage({ workflowId }: { workflowId: string }) {
  return (
    <ReactFlowProvider>
      <CanvasScreen workflowId={workflowId} />
    </ReactFlowProvider>
  );
}

function CanvasScreen({ workflowId }: { workflowId: string }) {
  const [load, setLoad] = useState<LoadState>({ status: "loading" });
  const [saveError, setSaveError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const { summary, dirty, saving, kindList } = useCanvasStore(
    useShallow((s) => ({ summary: s.summary, dirty: s.dirty, saving: s.saving, kindList: s.kindList })),
  );

  useEffect(() => {
    let live = true;
    const store = useCanvasStore.getState();
    store.reset();
    setLoad({ status: "loading" });
    Promise.all([api.workflowGet(workflowId), api.nodeKindList()])
      .then(([doc, kinds]) => {
        if (!live) return;
        store.setKinds(kinds);
        store.load(doc);
        setLoad({ status: "ready" });
      })
      .catch((e: unknown) => {
        if (live) setLoad({ status: "error", message: errorMessage(e), notFound: isIpcError(e, "not_found") });
      });
    return () => {
      live = false;
      useCanvasStore.getState().reset();
    };
  }, [workflowId]);

  // Leaving with unsaved changes asks first: in-app navigation, and reload/close in a browser.
  useEffect(() => {
    if (!dirty) return;
    setNavigationBlocker(async (to) => {
      const leave = await confirm({
        title: "Leave without saving?",
        message: "This workflow has changes that haven't been saved. If you leave now, they will be lost.",
        confirmLabel: "Discard changes",
        cancelLabel: "Keep editing",
        danger: true,
      });
      if (leave) {
        setNavigationBlocker(null);
        navigate(to, { force: true });
      }
    });
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      setNavigationBlocker(null);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [dirty, confirm]);

  const save = useCallback(async () => {
    const s = useCanvasStore.getState();
    if (!s.summary || s.saving) return;
    setSaveError(null);
    try {
      await s.save();
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (useCanvasStore.getState().dirty) void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  // The palette calls into these; Flow fills them with functions that know the viewport.
  const dropRef = useRef<DropFn>(noop);
  const revealRef = useRef<RevealFn>(noop);
  const addAndReveal = (kind: string) => {
    const id = useCanvasStore.getState().addNode(kind);
    const node = useCanvasStore.getState().nodes.find((n) => n.id === id);
    if (node) revealRef.current(node.position);
  };

  const status = saving ? "Saving…" : dirty ? "Unsaved changes" : "Saved";
  const statusClass = saving ? "is-saving" : dirty ? "is-dirty" : "is-saved";

  return (
    <div className="canvas-page">
      <header className="canvas-header">
        <button type="button" className="btn btn-ghost btn-sm" data-testid="back-to-workflows" onClick={() => navigate("/workflows")}>
          <Icon name="arrowLeft" size={15} />
          Workflows
        </button>
        <span className="canvas-header-sep" aria-hidden="true" />
        <h1 className="canvas-title" data-testid="canvas-title" title={summary?.name}>
          {summary?.name ?? (load.status === "loading" ? "Loading…" : "Workflow")}
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
            <span className={`save-status ${statusClass}`} data-testid="save-status" aria-live="polite">
              {status}
            </span>
            <button
              type="button"
              className="btn btn-primary btn-sm"
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
            <h2>{load.notFound ? "This workflow doesn't exist" : "Couldn't open this workflow"}</h2>
            <p data-testid="form-error">{load.notFound ? "It may have been deleted. " : ""}{load.message}</p>
            <button type="button" className="btn btn-primary" onClick={() => navigate("/workflows")}>
              Back to workflows
            </button>
          </div>
        </div>
      ) : (
        <div className="canvas-body">
          <Palette kinds={kindList} onAdd={(kind) => addAndReveal(kind)} onDrop={(kind, x, y) => dropRef.current(kind, x, y)} />
          {load.status === "loading" ? <div className="canvas-loading">Loading workflow…</div> : <Flow dropRef={dropRef} revealRef={revealRef} />}
        </div>
      )}
      {dialog}
    </div>
  );
}

type DropFn = (kind: string, clientX: number, clientY: number) => void;
type RevealFn = (p: Position) => void;
const noop = () => {};

function Flow({ dropRef, revealRef }: { dropRef: RefObject<DropFn>; revealRef: RefObject<RevealFn> }) {
  const wrapper = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, getViewport, setViewport, setCenter } = useReactFlow();
  const { nodes, edges, onNodesChange, onEdgesChange, connect, addNode } = useCanvasStore(
    useShallow((s) => ({
      nodes: s.nodes,
      edges: s.edges,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      connect: s.connect,
      addNode: s.addNode,
    })),
  );

  // Fit the graph once when it opens; an empty canvas keeps the default 1:1 viewport.
  const [fitOnOpen] = useState(() => nodes.length > 0);

  useEffect(() => {
    dropRef.current = (kind, clientX, clientY) => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r || clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return;
      const p = screenToFlowPosition({ x: clientX, y: clientY });
      addNode(kind, { x: snap(p.x - NODE_WIDTH / 2), y: snap(p.y - NODE_HEIGHT / 2) });
    };
    revealRef.current = (p) => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r) return;
      const visible = (vp: Viewport) => {
        const sx = p.x * vp.zoom + vp.x;
        const sy = p.y * vp.zoom + vp.y;
        return sx >= 0 && sy >= 0 && sx + NODE_WIDTH * vp.zoom <= r.width && sy + NODE_HEIGHT * vp.zoom <= r.height;
      };
      const now = getViewport();
      if (visible(now)) return;
      // Zoom out just enough to show the whole graph; if that would get too small, pan to the new node.
      const all = useCanvasStore.getState().nodes;
      const xs = all.map((n) => n.position.x);
      const ys = all.map((n) => n.position.y);
      const bounds = {
        x: Math.min(...xs),
        y: Math.min(...ys),
        width: Math.max(...xs) + NODE_WIDTH - Math.min(...xs),
        height: Math.max(...ys) + NODE_HEIGHT - Math.min(...ys),
      };
      const fit = getViewportForBounds(bounds, r.width, r.height, REVEAL_MIN_ZOOM, now.zoom, 0.12);
      if (visible(fit)) void setViewport(fit, { duration: 250 });
      else void setCenter(p.x + NODE_WIDTH / 2, p.y + NODE_HEIGHT / 2, { zoom: now.zoom, duration: 250 });
    };
    return () => {
      dropRef.current = noop;
      revealRef.current = noop;
    };
  }, [dropRef, revealRef, screenToFlowPosition, getViewport, setViewport, setCenter, addNode]);

  return (
    <div className="canvas-flow" ref={wrapper}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        isValidConnection={isValidConnection}
        deleteKeyCode={DELETE_KEYS}
        colorMode="dark"
        snapToGrid
        snapGrid={SNAP}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={nodes.length > LARGE_GRAPH}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.6} />
        <Controls showInteractive={false} />
        {nodes.length > 0 && <MiniMap pannable zoomable nodeColor={miniMapColor} nodeStrokeWidth={0} nodeBorderRadius={4} />}
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-hint">
          <Icon name="zap" size={18} />
          <div>
            <strong>Start with a trigger.</strong> Click a node in the palette, or drag it onto the canvas.
          </div>
        </div>
      )}
    </div>
  );
}

const isValidConnection: IsValidConnection = (c) => {
  const s = useCanvasStore.getState();
  return canConnect({ nodes: s.nodes, edges: s.edges }, c, s.kinds).ok;
};

function miniMapColor(node: Node): string {
  const kind = (node as FlowNode).data?.kind;
  return categoryStyle(useCanvasStore.getState().kinds[kind]?.category).color;
}

// Owns the minimap of a large graph: every node as a dot in its category colour on one small canvas (React Flow's SVG
// minimap has one element per node and skips hidden ones), groups as outlines and collapsed groups' members left out,
// the view as a frame moved over it; click or drag to pan, wheel to zoom.
import { useEffect, useRef } from "react";
import { Panel, useReactFlow, useStoreApi, type ReactFlowState } from "@xyflow/react";
import { sizeOf, visibleRect, type Rect, type Transform } from "./lod";
import { categoryColor } from "./lodDraw";
import { shownGraph, type CanvasGraph } from "./graph";
import { useLodState } from "./lodGraph";
import { useCanvasStore, type FlowEdge, type FlowNode } from "./store";

type RFState = ReactFlowState<FlowNode, FlowEdge>;
type RFStore = { getState: () => RFState; subscribe: (listener: (s: RFState, prev: RFState) => void) => () => void };
type SetViewport = ReturnType<typeof useReactFlow>["setViewport"];

const WIDTH = 200;
const HEIGHT = 150;
const BACKGROUND = "#16171c";
const GROUP_OUTLINE = "#4a4e5a";

export function LodMiniMap() {
  const ref = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const rf = useStoreApi<FlowNode, FlowEdge>() as unknown as RFStore;
  const { setViewport } = useReactFlow();
  useEffect(() => startMiniMap(ref.current!, frameRef.current!, rf, setViewport), [rf, setViewport]);
  return (
    <Panel position="bottom-right" className="react-flow__minimap lod-minimap" data-testid="lod-minimap" style={{ width: WIDTH, height: HEIGHT }}>
      <canvas ref={ref} width={WIDTH} height={HEIGHT} style={{ width: WIDTH, height: HEIGHT }} aria-label="Mini map" role="img" />
      <div ref={frameRef} className="lod-minimap-view" data-testid="lod-minimap-view">
        <div />
        <div />
        <div />
        <div />
      </div>
    </Panel>
  );
}

function startMiniMap(canvas: HTMLCanvasElement, viewFrame: HTMLDivElement, rf: RFStore, setViewport: SetViewport): () => void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = WIDTH * dpr;
  canvas.height = HEIGHT * dpr;
  const dotsCtx = canvas.getContext("2d")!;
  const dots = canvas;
  let graphBounds: Rect | null = null;
  let boundsFrom: FlowNode[] | null = null;
  /** The minimap's flow rect and scale of the last draw (for pointer → flow). */
  let mapped = { x: 0, y: 0, scale: 1 };
  let dotsKey = "";
  let raf = 0;
  const bands = Array.from(viewFrame.children) as HTMLElement[];

  const schedule = () => {
    if (!raf) raf = requestAnimationFrame(draw);
  };

  // What the canvas shows: the store's nodes without the members of collapsed groups.
  let shownFrom: CanvasGraph | null = null;
  let shown: FlowNode[] = [];
  const shownNodes = () => {
    const { nodes, edges } = useCanvasStore.getState();
    const view = shownGraph(nodes, edges);
    if (view !== shownFrom) {
      shownFrom = view;
      shown = view.nodes.filter((n) => !n.hidden);
    }
    return shown;
  };

  function boundsOf(nodes: FlowNode[]): Rect | null {
    if (!nodes.length) return null;
    const kinds = useCanvasStore.getState().kinds;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of nodes) {
      const s = sizeOf(n, kinds);
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + s.width);
      y1 = Math.max(y1, n.position.y + s.height);
    }
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }

  function draw() {
    raf = 0;
    const s = rf.getState();
    const nodes = shownNodes();
    if (nodes !== boundsFrom) {
      graphBounds = boundsOf(nodes);
      boundsFrom = nodes;
      dotsKey = "";
    }
    if (!graphBounds || !s.width || !s.height) return;
    const view = visibleRect((useLodState.getState().view ?? s.transform) as Transform, s.width, s.height);
    // The graph, centred with a little room around (not the view too, as React Flow's does: the dots would be redrawn
    // on every frame of a pan while the view is bigger than the graph).
    const x0 = graphBounds.x;
    const y0 = graphBounds.y;
    const x1 = graphBounds.x + graphBounds.width;
    const y1 = graphBounds.y + graphBounds.height;
    const scale = Math.min(WIDTH / ((x1 - x0) * 1.1), HEIGHT / ((y1 - y0) * 1.1));
    const ox = (WIDTH / scale - (x1 - x0)) / 2 - x0;
    const oy = (HEIGHT / scale - (y1 - y0)) / 2 - y0;
    mapped = { x: -ox, y: -oy, scale };
    const key = `${ox}|${oy}|${scale}`;
    if (key !== dotsKey) {
      dotsKey = key;
      drawDots(nodes, scale * dpr, ox, oy);
    }
    // Outside the view is dimmed by four bands, each a 1 px square scaled into place on its own compositor layer:
    // moving the view changes four transforms (no layout, no paint; a box with a wide shadow repainted the minimap
    // on every frame of a pan or zoom, ~30 % of such a frame's main-thread work).
    const clampX = (v: number) => Math.min(WIDTH, Math.max(0, v));
    const clampY = (v: number) => Math.min(HEIGHT, Math.max(0, v));
    const vx0 = clampX((view.x + ox) * scale);
    const vx1 = clampX((view.x + view.width + ox) * scale);
    const vy0 = clampY((view.y + oy) * scale);
    const vy1 = clampY((view.y + view.height + oy) * scale);
    viewFrame.dataset.view = `${vx0.toFixed(1)},${vy0.toFixed(1)},${(vx1 - vx0).toFixed(1)},${(vy1 - vy0).toFixed(1)}`;
    const [top, bottom, left, right] = bands;
    top.style.transform = `scale(${WIDTH}, ${vy0})`;
    bottom.style.transform = `translate(0px, ${vy1}px) scale(${WIDTH}, ${HEIGHT - vy1})`;
    left.style.transform = `translate(0px, ${vy0}px) scale(${vx0}, ${vy1 - vy0})`;
    right.style.transform = `translate(${vx1}px, ${vy0}px) scale(${WIDTH - vx1}, ${vy1 - vy0})`;
  }

  function drawDots(nodes: FlowNode[], k: number, ox: number, oy: number) {
    const kinds = useCanvasStore.getState().kinds;
    dotsCtx.setTransform(1, 0, 0, 1, 0, 0);
    dotsCtx.fillStyle = BACKGROUND;
    dotsCtx.fillRect(0, 0, dots.width, dots.height);
    const byColor = new Map<string, Path2D>();
    const frames = new Path2D();
    for (const n of nodes) {
      if (n.data.kind === "group" && !(n.data.config && typeof n.data.config === "object" && !Array.isArray(n.data.config) && n.data.config.collapsed === true)) {
        const s = sizeOf(n, kinds);
        frames.rect((n.position.x + ox) * k, (n.position.y + oy) * k, s.width * k, s.height * k);
        continue;
      }
      const color = categoryColor(kinds[n.data.kind]?.category);
      let path = byColor.get(color);
      if (!path) byColor.set(color, (path = new Path2D()));
      const s = sizeOf(n, kinds);
      path.rect((n.position.x + ox) * k, (n.position.y + oy) * k, Math.max(1, s.width * k), Math.max(1, s.height * k));
    }
    dotsCtx.strokeStyle = GROUP_OUTLINE;
    dotsCtx.lineWidth = dpr;
    dotsCtx.stroke(frames);
    for (const [color, path] of byColor) {
      dotsCtx.fillStyle = color;
      dotsCtx.fill(path);
    }
  }

  // ---- pan (press or drag: the view centres on the point) and zoom (wheel, around the view's centre)

  const flowAt = (e: { clientX: number; clientY: number }) => {
    const box = canvas.getBoundingClientRect();
    return { x: (e.clientX - box.left) / mapped.scale + mapped.x, y: (e.clientY - box.top) / mapped.scale + mapped.y };
  };
  const centreOn = (p: { x: number; y: number }, zoom: number) => {
    const { width, height } = rf.getState();
    void setViewport({ x: width / 2 - p.x * zoom, y: height / 2 - p.y * zoom, zoom });
  };
  let dragging: number | null = null;
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    dragging = e.pointerId;
    canvas.setPointerCapture(e.pointerId);
    centreOn(flowAt(e), rf.getState().transform[2]);
  };
  const onMove = (e: PointerEvent) => {
    if (dragging === e.pointerId) centreOn(flowAt(e), rf.getState().transform[2]);
  };
  const onUp = (e: PointerEvent) => {
    if (dragging === e.pointerId) dragging = null;
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const s = rf.getState();
    const [tx, ty, zoom] = s.transform;
    const factor = Math.pow(2, -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002) * 10);
    const next = Math.min(s.maxZoom, Math.max(s.minZoom, zoom * factor));
    centreOn({ x: (s.width / 2 - tx) / zoom, y: (s.height / 2 - ty) / zoom }, next);
  };
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("pointercancel", onUp);
  canvas.addEventListener("wheel", onWheel, { passive: false });

  const off = rf.subscribe((s, prev) => {
    if (s.nodes !== prev.nodes || s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height) schedule();
  });
  // A wheel gesture's view, before React Flow has it.
  const offView = useLodState.subscribe((s, prev) => s.view !== prev.view && schedule());
  const offKinds = useCanvasStore.subscribe((s, prev) => {
    if (s.kinds !== prev.kinds) {
      boundsFrom = null;
      schedule();
    } else if (s.nodes !== prev.nodes) schedule();
  });
  schedule();
  return () => {
    cancelAnimationFrame(raf);
    off();
    offKinds();
    offView();
    canvas.removeEventListener("pointerdown", onDown);
    canvas.removeEventListener("pointermove", onMove);
    canvas.removeEventListener("pointerup", onUp);
    canvas.removeEventListener("pointercancel", onUp);
    canvas.removeEventListener("wheel", onWheel);
  };
}

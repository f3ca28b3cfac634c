// Owns the canvas layer of a large graph: a <canvas> under React Flow's viewport that follows its transform and draws
// the nodes and edges that are not DOM (all of them when zoomed out), the choice of which nodes React Flow mounts, and
// the pointer handling that keeps selecting and dragging working where nodes are only drawn.
import { useEffect, useRef } from "react";
import { useReactFlow, useStoreApi, type ReactFlowState } from "@xyflow/react";
import {
  chooseDetail,
  contains,
  countIn,
  FAR_ZOOM,
  FAR_ZOOM_HYSTERESIS,
  hitTest,
  APPROACH_MARGIN,
  KEEP_MARGIN,
  nodesIn,
  planMounts,
  portAnchor,
  sizeOf,
  visibleRect,
  visiblePorts,
  type Detail,
  type HandleSide,
  type Placed,
  type Rect,
  type Transform,
} from "./lod";
import { CARD_MIN_PX, categoryColor, categoryIcon, drawScene, readPalette, type Context2D, type DrawEdge, type DrawNode, type Palette } from "./lodDraw";
import { useLodState } from "./lodGraph";
import { useCanvasPrefs } from "./prefs";
import { useRunState } from "./runState";
import { NOTE_COLORS } from "./CanvasItemViews";
import { groupMembers, shownGraph, type CanvasGraph } from "./graph";
import { useCanvasStore, type FlowEdge, type FlowNode } from "./store";
import { useValidation } from "./validation";
import "./lod.css";

type RFState = ReactFlowState<FlowNode, FlowEdge>;
type RFStore = { getState: () => RFState; subscribe: (listener: (s: RFState, prev: RFState) => void) => () => void };
type SetCenter = ReturnType<typeof useReactFlow>["setCenter"];

/** The canvas is drawn this far beyond the view on each side (× the view's size), so that a pan only moves it. */
const CACHE_MARGIN = 0.5;
/** The canvas is at most this many device pixels on a side (its margin shrinks to fit). */
const CACHE_MAX_PX = 4096;
/** The motion drawing reaches this far beyond the view (× its size) on each side: a pan or a zoom out within it redraws nothing. */
const MOTION_MARGIN = 0.75;
/** The motion drawing is prepared once the view has been still this long (and the browser is idle). */
const PREPARE_AFTER_MS = 400;
/** Mid-gesture, the last drawing is scaled by up to 2^this before it is redrawn. */
const MAX_SCALE_LOG2 = 2;
/** The view counts as still moving until this long after its last change. */
const SETTLE_MS = 180;
/** React Flow's default pan-on-scroll speed (the editor uses it). */
const PAN_ON_SCROLL_SPEED = 0.5;
/** A pane resize this soon after a double click's zoom centres its node again. */
const RECENTRE_MS = 1000;
/** A press that moves less than this (screen px) is a click. */
const CLICK_DISTANCE = 3;
/** Screen pixels of slop around a drawn node for hitting it. */
const HIT_SLOP_PX = 3;
const GRID = 20;
/** Background dots closer than this (screen px) are left out: a grey haze, and costly to paint. */
const MIN_DOT_GAP_PX = 6;
/** React Flow's <Background> dots (gap 20, size 1.6), which the layer draws instead while it is on (see lod.css). */
const DOTS = { gap: GRID, size: 1.6, offset: -9.2 };
/** A group or note has no ports. */
const NO_PORTS = { inputs: [], outputs: [], hasError: false, named: false };


export function LodLayer() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const spareRef = useRef<HTMLCanvasElement>(null);
  const rf = useStoreApi<FlowNode, FlowEdge>() as unknown as RFStore;
  const { setCenter } = useReactFlow();
  useEffect(() => startLayer(canvasRef.current!, spareRef.current!, rf, setCenter), [rf, setCenter]);
  return (
    <>
      <canvas ref={canvasRef} className="lod-layer" data-testid="lod-layer" aria-hidden="true" />
      <canvas ref={spareRef} className="lod-layer" aria-hidden="true" style={{ opacity: 0 }} />
    </>
  );
}

/** What the canvas holds: the flow rect drawn, at which zoom, from which content and mounted set, and the scene. */
type Cache = {
  rect: Rect;
  zoom: number;
  /** The margin drawn around the view: none for the first drawing (the quickest first paint), then CACHE_MARGIN. */
  margin: number;
  content: number;
  mount: number;
  motion: boolean;
  dpr: number;
  nodes: DrawNode[];
  edges: DrawEdge[];
} | null;

/**
 * Runs the layer on `canvas` (which reports what is drawn) and `spare` until the returned function is called. The two
 * take turns: one is shown, the other holds the motion drawing prepared for the next gesture (see prepare).
 */
function startLayer(canvas: HTMLCanvasElement, spare: HTMLCanvasElement, rf: RFStore, setCenter: SetCenter): () => void {
  const { ctx, present, snapshot, show, sized } = surfaceFor(canvas, spare);
  const palette: Palette = readPalette(canvas);
  /** The canvas on screen, and the one behind it (transparent, still a compositor layer). */
  let front = canvas;
  let back = spare;
  const domNode = rf.getState().domNode;
  domNode?.classList.add("lod-active");
  let detail: Detail = "far";
  let mounted = useLodState.getState().mounted;
  /** A node kept mounted whatever the zoom: the one whose label editor was asked for (F2). */
  let forced: string | null = null;
  let placed: Placed[] = [];
  let placedFrom: FlowNode[] | null = null;
  let indexOf = new Map<string, number>();
  /** Bumped when what is drawn may have changed: the graph, run statuses, problems (content); the mounted set or detail (mount). */
  let content = 0;
  let mount = 0;
  let cache: Cache = null;
  let raf = 0;
  /** The viewport is moving (a pan or zoom gesture). */
  let moving = false;
  /** Near and moving: the layer draws every node and edge, and none is DOM until the view settles. */
  let motion = false;
  let settle = 0;
  let upgrade = 0;
  let shown = { nodes: -1, edges: -1, detail: "", zoom: NaN };

  const schedule = () => {
    if (!raf) raf = requestAnimationFrame(frame);
  };
  const invalidate = () => {
    content++;
    schedule();
  };

  /** The view is moving until SETTLE_MS after its last change; then the layer is drawn crisp at the final zoom. */
  function markMoving() {
    moving = true;
    clearTimeout(settle);
    settle = window.setTimeout(() => {
      commitView();
      moving = false;
      schedule();
    }, SETTLE_MS);
  }

  // ---- wheel gestures: the layer moves at once and React Flow is told where the view ended when the gesture settles,
  // so a wheel step costs moving one bitmap instead of React Flow's store update and render for every step (its DOM
  // nodes are hidden or absent meanwhile). Any other input first hands the view over to React Flow.

  /** The view of a wheel gesture React Flow has not been given yet. */
  let pending: Transform | null = null;
  /** React Flow is being given `pending`: its transform change is not a new movement. */
  let committing = false;
  const viewOf = (s: RFState): Transform => pending ?? (s.transform as Transform);

  function commitView() {
    const view = pending;
    if (!view) return;
    pending = null;
    committing = true;
    try {
      void rf.getState().panZoom?.setViewport({ x: view[0], y: view[1], zoom: view[2] });
    } finally {
      committing = false;
    }
    useLodState.getState().setView(null);
  }

  const mac = typeof navigator !== "undefined" && navigator.userAgent.includes("Mac");
  const onWheel = (e: WheelEvent) => {
    const el = e.target instanceof Element ? e.target : null;
    if (!el || !domNode?.contains(el) || el.closest(".react-flow__panel, .nowheel")) return;
    e.preventDefault();
    e.stopPropagation();
    const s = rf.getState();
    const [tx, ty, k] = viewOf(s);
    let next: Transform;
    if (e.ctrlKey) {
      // React Flow's pinch/Ctrl+wheel zoom (@xyflow/system wheelDelta), around the pointer.
      const delta = -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002) * (mac ? 10 : 1);
      const zoom = Math.min(s.maxZoom, Math.max(s.minZoom, k * 2 ** delta));
      const box = domNode.getBoundingClientRect();
      const px = e.clientX - box.left;
      const py = e.clientY - box.top;
      next = [px - ((px - tx) * zoom) / k, py - ((py - ty) * zoom) / k, zoom];
    } else {
      // Its pan on scroll (free mode, speed 0.5; Shift scrolls sideways off macOS).
      const norm = e.deltaMode === 1 ? 20 : 1;
      const sideways = !mac && e.shiftKey;
      const dx = (sideways ? e.deltaY : e.deltaX) * norm;
      const dy = sideways ? 0 : e.deltaY * norm;
      next = [tx - dx * PAN_ON_SCROLL_SPEED, ty - dy * PAN_ON_SCROLL_SPEED, k];
    }
    pending = next;
    useLodState.getState().setView(next);
    markMoving();
    schedule();
  };

  /**
   * Motion detail: while a near view pans or zooms, the layer draws every node and edge (the same cards) and React
   * Flow mounts none, so a frame moves one bitmap instead of mounting, restyling and repainting the nodes that come
   * and go; they are mounted again, nearest first, once the view settles. Not while connecting, dragging a node or
   * box-selecting: those need the DOM nodes.
   */
  function updateMotion(s: RFState) {
    const store = useCanvasStore.getState();
    const next = detail === "near" && moving && !s.connection.inProgress && !s.userSelectionActive && !store.dragging && forced === null;
    if (next === motion) return;
    motion = next;
    mount++;
    // Hidden, not unmounted: unmounting a hundred nodes at the start of a gesture (and mounting them again after it)
    // costs more than the frames of the gesture. The class goes in the same frame as the drawing that replaces them.
    domNode?.classList.toggle("lod-motion", motion);
    if (motion) showPrepared(s);
  }

  // ---- the motion drawing, prepared while the view is still: every node and edge around the view, ready to be shown
  // the moment a pan or zoom starts (drawing it then would make that first frame a long one)

  // The drawing goes on the canvas behind as soon as it is made: the compositor gets its pixels (~25 MB at 1280×800:
  // a copy of ~30 ms in software) while the view is still, and a gesture's first frame just swaps the two canvases.
  type Prepared = { rect: Rect; zoom: number; margin: number; content: number; dpr: number; w: number; h: number };
  let prepared: Prepared | null = null;
  let prepareTimer = 0;

  function dropPrepared() {
    if (!prepared) return;
    prepared = null;
    // Let the compositor free the pixels.
    back.width = 1;
    back.height = 1;
    show(null, back);
  }

  function schedulePrepare() {
    if (!snapshot || detail !== "near" || moving) return;
    const dpr = window.devicePixelRatio || 1;
    const zoom = viewOf(rf.getState())[2];
    if (prepared && prepared.content === content && prepared.zoom === zoom && prepared.dpr === dpr) return;
    clearTimeout(prepareTimer);
    prepareTimer = window.setTimeout(() => {
      const idle = (window as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
      if (idle) idle(prepare, { timeout: 1000 });
      else prepare();
    }, PREPARE_AFTER_MS);
  }

  function prepare() {
    const s = rf.getState();
    if (!snapshot || detail !== "near" || moving || !s.width || !s.height) return;
    const dpr = window.devicePixelRatio || 1;
    const transform = viewOf(s);
    const zoom = transform[2];
    const fit = Math.min(MOTION_MARGIN, (CACHE_MAX_PX / (s.width * dpr) - 1) / 2, (CACHE_MAX_PX / (s.height * dpr) - 1) / 2);
    const rect = visibleRect(transform, s.width, s.height, Math.max(0, fit));
    const w = Math.ceil(rect.width * zoom * dpr);
    const h = Math.ceil(rect.height * zoom * dpr);
    const was = motion;
    motion = true; // draw every node, as during a gesture
    const { nodes, edges } = sceneIn(s.nodeLookup, rect, zoom);
    motion = was;
    ctx.canvas.width = w;
    ctx.canvas.height = h;
    const scale = zoom * dpr;
    drawScene(ctx, { zoom, scale, offsetX: -rect.x * scale, offsetY: -rect.y * scale, width: w, height: h }, nodes, edges, palette, GRID * zoom >= MIN_DOT_GAP_PX ? DOTS : null);
    back.width = w;
    back.height = h;
    back.style.width = `${w / dpr}px`;
    back.style.height = `${h / dpr}px`;
    show(snapshot(), back);
    prepared = { rect, zoom, margin: Math.max(0, fit), content, dpr, w, h };
  }

  /** At the start of a gesture: the prepared drawing, if it is of the current graph and near the current view. */
  function showPrepared(s: RFState) {
    const p = prepared;
    if (!p) return;
    const dpr = window.devicePixelRatio || 1;
    const transform = viewOf(s);
    const view = visibleRect(transform, s.width, s.height);
    if (p.content !== content || p.dpr !== dpr || !contains(p.rect, view) || Math.abs(Math.log2(transform[2] / p.zoom)) > MAX_SCALE_LOG2) {
      dropPrepared();
      return;
    }
    prepared = null;
    [front, back] = [back, front];
    front.style.opacity = "";
    back.style.opacity = "0";
    cache = { rect: p.rect, zoom: p.zoom, margin: p.margin, content, mount, motion: true, dpr, nodes: [], edges: [] };
  }

  // ---- the node outlines, from the store's nodes (so drawing never waits for React Flow), reused per node object

  // What the canvas shows of the store's graph: collapsed groups' members left out, their crossing edges drawn to the
  // group (shownGraph, the derivation React Flow is given too).
  let view: CanvasGraph | null = null;
  let members = new Map<string, number>();
  const viewNow = (): CanvasGraph => {
    const { nodes, edges } = useCanvasStore.getState();
    const next = shownGraph(nodes, edges);
    if (next !== view) {
      view = next;
      members = new Map();
    }
    return next;
  };
  /** How many nodes a group frames (counted when first drawn after a change). */
  const membersOf = (g: FlowNode) => {
    let n = members.get(g.id);
    if (n === undefined) members.set(g.id, (n = groupMembers(g, viewNow().nodes).length));
    return n;
  };

  const placedOf = new WeakMap<FlowNode, Placed>();
  /** The nodes drawn, in drawing order (groups first, under everything), with `placed` their outlines. */
  let placedNodes: FlowNode[] = [];
  const placedNow = () => {
    const nodes = viewNow().nodes;
    if (nodes !== placedFrom) rebuildPlaced(nodes);
    return placed;
  };
  function rebuildPlaced(nodes: FlowNode[]) {
    const kinds = useCanvasStore.getState().kinds;
    indexOf = new Map();
    placedNodes = [];
    for (const n of nodes) if (n.data.kind === "group" && !n.hidden) placedNodes.push(n);
    for (const n of nodes) if (n.data.kind !== "group" && !n.hidden) placedNodes.push(n);
    placed = placedNodes.map((n, i) => {
      indexOf.set(n.id, i);
      let p = placedOf.get(n);
      if (!p) {
        const size = sizeOf(n, kinds);
        p = { id: n.id, x: n.position.x, y: n.position.y, width: size.width, height: size.height };
        placedOf.set(n, p);
      }
      return p;
    });
    placedFrom = nodes;
  }

  // ---- one frame: choose the detail, the mounted set, then draw

  function frame() {
    raf = 0;
    const s = rf.getState();
    const { width, height } = s;
    if (!width || !height) return;
    const transform = viewOf(s);
    const zoom = transform[2];
    placedNow();
    const view = visibleRect(transform, width, height);
    const count = zoom >= FAR_ZOOM - FAR_ZOOM_HYSTERESIS ? countIn(placed, view) : Infinity;
    const nextDetail = chooseDetail(detail, zoom, count);
    if (nextDetail !== detail) {
      detail = nextDetail;
      mount++;
      if (domNode) domNode.dataset.lod = detail;
    }
    updateMotion(s);
    updateMounted(transform, width, height, view);
    draw(s, transform, width, height, view);
    if (!moving && detail === "near") schedulePrepare();
    else if (detail === "far" && prepared) dropPrepared();
  }

  /** Whether the node `id` overlaps `r` (false for a node no longer in the graph). */
  function inRect(id: string, r: Rect): boolean {
    const i = indexOf.get(id);
    if (i === undefined) return false;
    const p = placed[i];
    return p.x < r.x + r.width && r.x < p.x + p.width && p.y < r.y + r.height && r.y < p.y + p.height;
  }

  /**
   * Far: nothing is DOM. Near: nodes in or just around the view become DOM nodes (a few per frame, nearest first;
   * the layer draws the rest meanwhile), and stay until they are far out of view.
   */
  function updateMounted(transform: Transform, width: number, height: number, view: Rect) {
    let next = mounted;
    if (motion && pending) {
      // A wheel gesture React Flow has not been given: its view has not moved, so it culls nothing and the mounted
      // nodes (hidden) just stay; letting go of those that leave the view would re-render the graph for nothing.
    } else if (motion) {
      // While the view moves the mounted nodes stay (hidden, see updateMotion) and none is added. One that leaves the
      // view is let go: React Flow culls it anyway, and would mount it again (measuring it, the costly part) if it
      // came back before the view settles.
      let left = false;
      for (const id of mounted) if (id !== forced && !inRect(id, view)) left = true;
      if (left) next = new Set([...mounted].filter((id) => id === forced || inRect(id, view)));
    } else if (detail === "far") {
      next = forced ? (mounted.size === 1 && mounted.has(forced) ? mounted : new Set([forced])) : mounted.size ? new Set<string>() : mounted;
    } else {
      const approach = visibleRect(transform, width, height, APPROACH_MARGIN);
      const keep = visibleRect(transform, width, height, KEEP_MARGIN);
      const wanted = nodesIn(placed, approach).filter((id) => !mounted.has(id));
      if (forced && !mounted.has(forced)) wanted.unshift(forced);
      // Those in view first, then the ones about to come in.
      wanted.sort((a, b) => Number(inRect(b, view)) - Number(inRect(a, view)));
      const plan = planMounts(mounted, wanted, (id) => {
        if (id === forced) return true;
        const i = indexOf.get(id);
        if (i === undefined) return false;
        const p = placed[i];
        return p.x < keep.x + keep.width && keep.x < p.x + p.width && p.y < keep.y + keep.height && keep.y < p.y + p.height;
      });
      next = plan.mounted;
      if (plan.pending > 0) schedule();
    }
    if (next !== mounted) {
      mount++;
      mounted = next;
      useLodState.getState().setMounted(next);
    }
  }

  // ---- drawing: the canvas holds the view plus a margin and follows the viewport with a CSS transform, so a pan
  // redraws nothing and a zoom gesture scales the last drawing until it settles; a change redraws it

  function draw(s: RFState, transform: Transform, width: number, height: number, view: Rect) {
    const dpr = window.devicePixelRatio || 1;
    const zoom = transform[2];
    const c = cache;
    // A pixel short at the edges (rounding) still counts as covered.
    const current = c !== null && c.content === content && c.dpr === dpr && contains(grow(c.rect, 1 / zoom), view);
    const exact = current && c.mount === mount && c.zoom === zoom;
    // Mid-gesture, a drawing up to 4× off in zoom is scaled (blurry while it lasts) instead of redrawn on every frame;
    // nodes mounted since are DOM over their drawn selves, and nodes unmounted since are far out of view.
    const scalable = current && moving && c.motion === motion && Math.abs(Math.log2(zoom / c.zoom)) <= MAX_SCALE_LOG2;
    if (!exact && !scalable) cache = render(s, transform, width, height, dpr, c === null ? 0 : CACHE_MARGIN);
    // The first drawing has no margin (the quickest first paint); once the view has been still a moment, it gets one.
    if (cache!.margin < CACHE_MARGIN && !moving) {
      clearTimeout(upgrade);
      upgrade = window.setTimeout(() => {
        if (cache && cache.margin < CACHE_MARGIN && !moving) cache = { ...cache, content: -1 };
        schedule();
      }, SETTLE_MS);
    }
    const k = cache!;
    // Whole device pixels, so the bitmap is not resampled when only panned.
    const x = Math.round((k.rect.x * zoom + transform[0]) * dpr) / dpr;
    const y = Math.round((k.rect.y * zoom + transform[1]) * dpr) / dpr;
    front.style.transform = k.zoom === zoom ? `translate(${x}px, ${y}px)` : `translate(${x}px, ${y}px) scale(${zoom / k.zoom})`;
  }

  function render(s: RFState, transform: Transform, width: number, height: number, dpr: number, margin: number): NonNullable<Cache> {
    const zoom = transform[2];
    // The margin shrinks so that the canvas stays within CACHE_MAX_PX on each side.
    const fit = Math.min(margin, (CACHE_MAX_PX / (width * dpr) - 1) / 2, (CACHE_MAX_PX / (height * dpr) - 1) / 2);
    const rect = visibleRect(transform, width, height, Math.max(0, fit));
    const { nodes, edges } = sceneIn(s.nodeLookup, rect, zoom);
    // Nothing new to draw (a mount that changed nothing drawn here): keep the pixels.
    const c = cache;
    if (c && c.zoom === zoom && c.dpr === dpr && c.rect.x === rect.x && c.rect.y === rect.y && c.rect.width === rect.width && sameScene(c, nodes, edges))
      return { ...c, content, mount, motion };
    // A page canvas keeps the size of the largest drawing (view + margin): resizing it reallocates it. A bitmap gets
    // a fresh buffer for every drawing anyway, so it is just the drawing's size.
    const cw = sized ? Math.ceil(rect.width * zoom * dpr) : Math.min(CACHE_MAX_PX, Math.ceil(width * dpr * (1 + 2 * CACHE_MARGIN)));
    const ch = sized ? Math.ceil(rect.height * zoom * dpr) : Math.min(CACHE_MAX_PX, Math.ceil(height * dpr * (1 + 2 * CACHE_MARGIN)));
    if (ctx.canvas.width !== cw || ctx.canvas.height !== ch) {
      ctx.canvas.width = cw;
      ctx.canvas.height = ch;
    }
    if (front.width !== cw || front.height !== ch) {
      front.width = cw;
      front.height = ch;
      front.style.width = `${cw / dpr}px`;
      front.style.height = `${ch / dpr}px`;
    }
    const scale = zoom * dpr;
    const frame = { zoom, scale, offsetX: -rect.x * scale, offsetY: -rect.y * scale, width: Math.ceil(rect.width * scale), height: Math.ceil(rect.height * scale) };
    drawScene(ctx, frame, nodes, edges, palette, GRID * zoom >= MIN_DOT_GAP_PX ? DOTS : null);
    present(front);
    report(nodes.length, edges.length, zoom);
    return { rect, zoom, margin: Math.max(0, fit), content, mount, motion, dpr, nodes, edges };
  }

  /** What the layer draws inside `rect`: every node when far, else those not mounted; edges not drawn by React Flow. */
  function sceneIn(lookup: RFState["nodeLookup"], rect: Rect, zoom: number): { nodes: DrawNode[]; edges: DrawEdge[] } {
    const blocks = zoom * 220 < CARD_MIN_PX;
    const { kinds } = useCanvasStore.getState();
    const { edges } = viewNow();
    const runs = useRunState.getState().nodes;
    const problems = useValidation.getState().byNode;
    const far = detail === "far" || motion;
    const nodes: DrawNode[] = [];
    const x1 = rect.x + rect.width;
    const y1 = rect.y + rect.height;
    placedNow();
    const userNodes = placedNodes;
    for (let i = 0; i < placed.length; i++) {
      const p = placed[i];
      if (!(p.x < x1 && rect.x < p.x + p.width && p.y < y1 && rect.y < p.y + p.height)) continue;
      if (!far && mounted.has(p.id)) continue;
      const n = userNodes[i];
      const item = canvasItem(n, p);
      if (item) {
        nodes.push(item);
        continue;
      }
      const info = kinds[n.data.kind];
      nodes.push({
        shape: "card",
        x: p.x,
        y: p.y,
        width: p.width,
        height: p.height,
        color: categoryColor(info?.category),
        icon: categoryIcon(info?.category),
        ports: visiblePorts(info, n.data.config),
        label: n.data.label,
        subtitle: !info ? `Unknown kind · ${n.data.kind}` : info.label === n.data.label ? info.category : info.label,
        status: runs[n.id]?.status ?? null,
        problems: problems[n.id]?.length ?? 0,
        selected: !!n.selected,
      });
    }
    const drawn: DrawEdge[] = [];
    for (const e of edges) {
      if (!far && mounted.has(e.source) && mounted.has(e.target)) continue;
      const ia = indexOf.get(e.source);
      const ib = indexOf.get(e.target);
      if (ia === undefined || ib === undefined) continue;
      // A quick rejection on the two nodes' outlines before the handles are looked up.
      const pa = placed[ia];
      const pb = placed[ib];
      const reach = Math.abs(pb.x - pa.x) * 0.5 + 300;
      if (Math.max(pa.x + pa.width, pb.x + pb.width) + reach < rect.x || Math.min(pa.x, pb.x) - reach > x1) continue;
      if (Math.max(pa.y + pa.height, pb.y + pb.height) + reach < rect.y || Math.min(pa.y, pb.y) - reach > y1) continue;
      // Blocks a few pixels tall: the middle of their sides is as good as the handle (and much quicker to find).
      const from = blocks ? { x: pa.x + pa.width, y: pa.y + pa.height / 2, side: "right" as const } : anchorOf(userNodes[ia], pa, lookup.get(e.source), "source", e.sourceHandle, kinds);
      const to = blocks ? { x: pb.x, y: pb.y + pb.height / 2, side: "left" as const } : anchorOf(userNodes[ib], pb, lookup.get(e.target), "target", e.targetHandle, kinds);
      // The curve stays within the box of its ends and control points (at most half the distance beyond the ends).
      const pad = Math.abs(to.x - from.x) * 0.5 + 40;
      if (Math.max(from.x, to.x) + pad < rect.x || Math.min(from.x, to.x) - pad > x1) continue;
      if (Math.max(from.y, to.y) + pad < rect.y || Math.min(from.y, to.y) - pad > y1) continue;
      drawn.push({ sx: from.x, sy: from.y, sSide: from.side, tx: to.x, ty: to.y, tSide: to.side, selected: !!e.selected });
    }
    return { nodes, edges: drawn };
  }

  /** A group or a note as the layer draws it (null for a node of a kind). */
  function canvasItem(n: FlowNode, p: Placed): DrawNode | null {
    if (n.data.kind !== "group" && n.data.kind !== "note") return null;
    const c = n.data.config && typeof n.data.config === "object" && !Array.isArray(n.data.config) ? n.data.config : {};
    const base = { x: p.x, y: p.y, width: p.width, height: p.height, icon: "box" as const, ports: NO_PORTS, status: null, problems: 0, selected: !!n.selected };
    if (n.data.kind === "note") {
      const tint = NOTE_COLORS[typeof c.color === "string" ? c.color : "yellow"] ?? NOTE_COLORS.yellow;
      return { ...base, shape: "note", color: tint, label: typeof c.text === "string" ? c.text : "", subtitle: "" };
    }
    const count = membersOf(n);
    const collapsed = c.collapsed === true;
    const subtitle = `${count} node${count === 1 ? "" : "s"}${collapsed ? " inside" : ""}`;
    return { ...base, shape: collapsed ? "collapsed" : "group", color: palette.border, label: n.data.label, subtitle };
  }

  let renders = 0;
  function report(nodes: number, edges: number, zoom: number) {
    // What the layer drew and how often, for tests and the benchmark (attributes change only when the numbers do).
    canvas.dataset.renders = String(++renders);
    if (shown.nodes !== nodes) canvas.dataset.drawnNodes = String(nodes);
    if (shown.edges !== edges) canvas.dataset.drawnEdges = String(edges);
    if (shown.detail !== detail) canvas.dataset.detail = detail;
    if (shown.zoom !== zoom) canvas.dataset.zoom = String(zoom);
    shown = { nodes, edges, detail, zoom };
  }

  // ---- pointer handling on drawn nodes (all of them when far; when near, those not mounted yet): click and
  // Shift/Ctrl-click select, a drag moves the selection, a double click zooms in to 100 %. A press on a DOM node never
  // reaches here (its target is the node, not the pane).

  type Press = { id: string; pointerId: number; x: number; y: number; additive: boolean; moved: boolean; start: Map<string, { x: number; y: number }> };
  let press: Press | null = null;
  let swallowClick = false;

  const paneOf = (target: EventTarget | null) => {
    const el = target instanceof Element ? target : null;
    if (!el || !domNode?.contains(el) || !el.closest(".react-flow__pane") || el.closest(".react-flow__node, .react-flow__edge, .react-flow__panel"))
      return null;
    return el;
  };
  const toFlow = (e: { clientX: number; clientY: number }) => {
    const s = rf.getState();
    const box = domNode!.getBoundingClientRect();
    const [tx, ty, zoom] = viewOf(s);
    return { x: (e.clientX - box.left - tx) / zoom, y: (e.clientY - box.top - ty) / zoom, zoom };
  };
  const hitAt = (e: { clientX: number; clientY: number }) => {
    const p = toFlow(e);
    return hitTest(placedNow(), p, HIT_SLOP_PX / p.zoom);
  };
  let spaceDown = false;
  const onKey = (e: KeyboardEvent) => {
    if (e.type === "keydown") commitView();
    if (e.code === "Space") spaceDown = e.type === "keydown";
  };

  const onPointerDown = (e: PointerEvent) => {
    commitView();
    if (e.button !== 0 || !e.isPrimary || spaceDown || !paneOf(e.target)) return;
    const id = hitAt(e);
    if (!id) return;
    e.stopPropagation();
    e.preventDefault();
    (domNode?.closest<HTMLElement>("[tabindex]") ?? domNode)?.focus({ preventScroll: true });
    const store = useCanvasStore.getState();
    const additive = e.shiftKey || e.metaKey || e.ctrlKey;
    const node = store.nodes.find((n) => n.id === id);
    if (additive) {
      const ids = store.selectedNodeIds();
      store.selectNodes(node?.selected ? ids.filter((x) => x !== id) : [...ids, id]);
    } else if (!node?.selected) store.selectNodes([id]);
    press = { id, pointerId: e.pointerId, x: e.clientX, y: e.clientY, additive, moved: false, start: new Map() };
  };

  const onPointerMove = (e: PointerEvent) => {
    if (!press) {
      if (!e.buttons) hover(e);
      return;
    }
    if (e.pointerId !== press.pointerId) return;
    e.stopPropagation();
    const dx = e.clientX - press.x;
    const dy = e.clientY - press.y;
    if (!press.moved) {
      if (Math.hypot(dx, dy) < CLICK_DISTANCE || press.additive) return;
      press.moved = true;
      for (const n of useCanvasStore.getState().nodes) if (n.selected) press.start.set(n.id, n.position);
    }
    moveSelection(dx, dy, true);
  };

  const onPointerUp = (e: PointerEvent) => {
    if (!press || e.pointerId !== press.pointerId) return;
    e.stopPropagation();
    const p = press;
    press = null;
    swallowClick = true;
    setTimeout(() => (swallowClick = false), 0);
    if (p.moved) {
      moveSelection(e.clientX - p.x, e.clientY - p.y, false, p);
      useCanvasStore.getState().endDrag();
    } else if (!p.additive) {
      const store = useCanvasStore.getState();
      if (store.nodes.some((n) => n.selected && n.id !== p.id)) store.selectNodes([p.id]);
    }
  };

  function moveSelection(dx: number, dy: number, dragging: boolean, p = press) {
    if (!p) return;
    const zoom = viewOf(rf.getState())[2];
    const snap = useCanvasPrefs.getState().snapToGrid;
    const at = (v: number) => (snap ? Math.round(v / GRID) * GRID : v);
    const changes = [...p.start].map(([id, q]) => ({
      id,
      type: "position" as const,
      position: { x: at(q.x + dx / zoom), y: at(q.y + dy / zoom) },
      dragging,
    }));
    if (changes.length) useCanvasStore.getState().onNodesChange(changes);
  }

  const onClick = (e: MouseEvent) => {
    if (!swallowClick) return;
    swallowClick = false;
    e.stopPropagation();
    e.preventDefault();
  };

  const onDoubleClick = (e: MouseEvent) => {
    if (!paneOf(e.target)) return;
    const id = hitAt(e);
    const p = id ? placed.find((n) => n.id === id) : undefined;
    if (!p) return;
    e.stopPropagation();
    const zoom = Math.max(1, rf.getState().transform[2]);
    centring = { x: p.x + p.width / 2, y: p.y + p.height / 2, zoom, until: performance.now() + RECENTRE_MS };
    void setCenter(centring.x, centring.y, { zoom, duration: 250 });
  };

  /**
   * The node a double click zoomed to: the click also selected it, and the inspector that opens beside the canvas
   * narrows the pane a moment later, which would push the node off centre; a resize until `until` centres it again.
   */
  let centring: { x: number; y: number; zoom: number; until: number } | null = null;
  function recentre() {
    if (!centring) return;
    if (performance.now() > centring.until) {
      centring = null;
      return;
    }
    void setCenter(centring.x, centring.y, { zoom: centring.zoom, duration: 0 });
  }

  let hoverRaf = 0;
  let hoverEvent: PointerEvent | null = null;
  function hover(e: PointerEvent) {
    hoverEvent = e;
    if (hoverRaf) return;
    hoverRaf = requestAnimationFrame(() => {
      hoverRaf = 0;
      const ev = hoverEvent;
      const pane = ev && paneOf(ev.target);
      if (!pane) return;
      (pane as HTMLElement).style.cursor = hitAt(ev) ? "pointer" : "";
    });
  }

  // ---- a box selection selects drawn nodes too (React Flow only selects those it renders)

  let boxed: string[] = [];
  function onSelectionRect(s: RFState) {
    const r = s.userSelectionRect;
    if (!s.userSelectionActive || !r) {
      boxed = [];
      return;
    }
    const [tx, ty, zoom] = s.transform;
    const ids = nodesIn(placedNow(), { x: (r.x - tx) / zoom, y: (r.y - ty) / zoom, width: r.width / zoom, height: r.height / zoom });
    const store = useCanvasStore.getState();
    const selected = store.nodes.filter((n) => n.selected).length;
    if (ids.length === boxed.length && ids.every((id, i) => id === boxed[i]) && selected === ids.length) return;
    boxed = ids;
    store.selectNodes(ids);
  }

  // ---- F2 on a drawn node: bring it into view at a readable zoom and mount it, so its label editor can open

  function onRenameRequest(id: string | null) {
    if (!id) {
      if (forced) {
        forced = null;
        schedule();
      }
      return;
    }
    if (mounted.has(id)) return;
    forced = id;
    const p = placed.find((n) => n.id === id);
    const zoom = rf.getState().transform[2];
    if (p) void setCenter(p.x + p.width / 2, p.y + p.height / 2, { zoom: Math.max(zoom, 1), duration: 0 });
    schedule();
  }

  // ---- subscriptions

  const offRf = rf.subscribe((s, prev) => {
    if (s.transform !== prev.transform && !committing) {
      // React Flow moved the view itself (a drag, a button, the minimap): its view wins over a wheel gesture's.
      if (pending) {
        pending = null;
        useLodState.getState().setView(null);
      }
      markMoving();
    }
    if (s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height) schedule();
    if (s.width !== prev.width || s.height !== prev.height) recentre();
    if (s.userSelectionRect !== prev.userSelectionRect || s.userSelectionActive !== prev.userSelectionActive) onSelectionRect(s);
  });
  const offStore = useCanvasStore.subscribe((s, prev) => {
    if (s.nodes !== prev.nodes || s.edges !== prev.edges || s.kinds !== prev.kinds) invalidate();
    if (s.renameRequest !== prev.renameRequest) onRenameRequest(s.renameRequest?.id ?? null);
  });
  const offRuns = useRunState.subscribe((s, prev) => s.nodes !== prev.nodes && invalidate());
  const offProblems = useValidation.subscribe((s, prev) => s.byNode !== prev.byNode && invalidate());

  const capture = { capture: true };
  window.addEventListener("pointerdown", onPointerDown, capture);
  window.addEventListener("pointermove", onPointerMove, capture);
  window.addEventListener("pointerup", onPointerUp, capture);
  window.addEventListener("pointercancel", onPointerUp, capture);
  window.addEventListener("click", onClick, capture);
  window.addEventListener("dblclick", onDoubleClick, capture);
  window.addEventListener("keydown", onKey, capture);
  window.addEventListener("keyup", onKey, capture);
  window.addEventListener("wheel", onWheel, { capture: true, passive: false });
  schedule();

  return () => {
    cancelAnimationFrame(raf);
    cancelAnimationFrame(hoverRaf);
    clearTimeout(settle);
    clearTimeout(upgrade);
    clearTimeout(prepareTimer);
    dropPrepared();
    offRf();
    offStore();
    offRuns();
    offProblems();
    window.removeEventListener("pointerdown", onPointerDown, capture);
    window.removeEventListener("pointermove", onPointerMove, capture);
    window.removeEventListener("pointerup", onPointerUp, capture);
    window.removeEventListener("pointercancel", onPointerUp, capture);
    window.removeEventListener("click", onClick, capture);
    window.removeEventListener("dblclick", onDoubleClick, capture);
    window.removeEventListener("keydown", onKey, capture);
    window.removeEventListener("keyup", onKey, capture);
    window.removeEventListener("wheel", onWheel, capture);
    commitView();
    if (domNode) {
      delete domNode.dataset.lod;
      domNode.classList.remove("lod-active", "lod-motion");
    }
    useLodState.getState().reset();
  };
}

function grow(r: Rect, d: number): Rect {
  return { x: r.x - d, y: r.y - d, width: r.width + 2 * d, height: r.height + 2 * d };
}

/**
 * Where the layer draws: an OffscreenCanvas whose frames are handed to the page canvas as bitmaps when the browser can
 * (a 2D page canvas is copied to the compositor on every frame it moves, drawn or not: ~2.5 ms for 2000×1480 in
 * software), else the page canvas itself. Both opaque: the layer paints the canvas background, so nothing under it
 * is composited.
 */
type Surface = {
  ctx: Context2D;
  /** Shows what was drawn on `target`. */
  present: (target: HTMLCanvasElement) => void;
  /** Takes what was drawn as a bitmap to show later (null when drawing goes straight to the page canvas). */
  snapshot: (() => ImageBitmap) | null;
  /** Shows `bitmap` on `target` (null: nothing). */
  show: (bitmap: ImageBitmap | null, target: HTMLCanvasElement) => void;
  /** Each drawing may have its own size (a bitmap); else the canvas keeps its size (resizing reallocates it). */
  sized: boolean;
};

function surfaceFor(canvas: HTMLCanvasElement, spare: HTMLCanvasElement): Surface {
  if (typeof OffscreenCanvas !== "undefined") {
    const offscreen = new OffscreenCanvas(1, 1);
    const ctx = offscreen.getContext("2d", { alpha: false });
    const screens = new Map([canvas, spare].map((c) => [c, c.getContext("bitmaprenderer", { alpha: false })]));
    const show = (bitmap: ImageBitmap | null, target: HTMLCanvasElement) => screens.get(target)?.transferFromImageBitmap(bitmap);
    if (ctx && screens.get(canvas) && screens.get(spare))
      return {
        ctx,
        present: (target) => show(offscreen.transferToImageBitmap(), target),
        snapshot: () => offscreen.transferToImageBitmap(),
        show,
        sized: true,
      };
  }
  // The page canvas itself: no motion drawing to prepare, so the spare is never shown.
  return { ctx: canvas.getContext("2d", { alpha: false })!, present: () => {}, snapshot: null, show: () => {}, sized: false };
}

/** Whether the scene is the one drawn last (same nodes and edges, same looks). */
function sameScene(c: NonNullable<Cache>, nodes: DrawNode[], edges: DrawEdge[]): boolean {
  if (c.nodes.length !== nodes.length || c.edges.length !== edges.length) return false;
  for (let i = 0; i < nodes.length; i++) {
    const a = c.nodes[i];
    const b = nodes[i];
    if (a.x !== b.x || a.y !== b.y || a.width !== b.width || a.height !== b.height || a.color !== b.color || a.label !== b.label) return false;
    if (a.subtitle !== b.subtitle || a.status !== b.status || a.problems !== b.problems || a.selected !== b.selected) return false;
    if (a.icon !== b.icon || a.ports !== b.ports) return false;
  }
  for (let i = 0; i < edges.length; i++) {
    const a = c.edges[i];
    const b = edges[i];
    if (a.sx !== b.sx || a.sy !== b.sy || a.tx !== b.tx || a.ty !== b.ty || a.selected !== b.selected || a.sSide !== b.sSide || a.tSide !== b.tSide)
      return false;
  }
  return true;
}

type Internal = RFState["nodeLookup"] extends Map<string, infer T> ? T : never;
type Anchor = { x: number; y: number; side: HandleSide };
type AnchorCache = { bounds: Internal["internals"]["handleBounds"]; byHandle: Map<string, Anchor> };
const anchors = new WeakMap<FlowNode, AnchorCache>();

/**
 * Where an edge meets a node (`at` is its outline): React Flow's measured handle when it has measured one, else
 * FlowNodeView's layout. Cached per node object and handle.
 */
function anchorOf(
  n: FlowNode,
  at: Placed,
  internal: Internal | undefined,
  type: "source" | "target",
  handle: string | null | undefined,
  kinds: ReturnType<typeof useCanvasStore.getState>["kinds"],
): Anchor {
  const bounds = internal?.internals.handleBounds;
  let cache = anchors.get(n);
  if (!cache || cache.bounds !== bounds) {
    cache = { bounds, byHandle: new Map() };
    anchors.set(n, cache);
  }
  const key = `${type}\u0000${handle ?? ""}`;
  let a = cache.byHandle.get(key);
  if (a) return a;
  const list = bounds?.[type];
  const h = list ? (!handle ? list[0] : list.find((b) => b.id === handle)) : undefined;
  if (h) {
    const side: HandleSide = h.position === "bottom" ? "bottom" : h.position === "left" ? "left" : "right";
    if (side === "right") a = { x: at.x + h.x + h.width, y: at.y + h.y + h.height / 2, side };
    else if (side === "left") a = { x: at.x + h.x, y: at.y + h.y + h.height / 2, side };
    else a = { x: at.x + h.x + h.width / 2, y: at.y + h.y + h.height, side };
  } else a = portAnchor(at, kinds[n.data.kind], n.data.config, type, handle);
  cache.byHandle.set(key, a);
  return a;
}

// Owns how the canvas layer draws nodes and edges: category-coloured blocks when tiny, cards (stripe, icon tile, label)
// when larger, run-status borders, problem dots, selection; edges as hairlines or React Flow-like beziers. Paths are
// batched by colour (one fill or stroke per colour per frame), in device pixels.
import type { PortType } from "../../ipc";
import { iconPath, type IconName } from "../../shared/icons";
import { categoryStyle } from "./kindStyle";
import type { NodeRunStatus } from "./runState";
import { bezierControls, type HandleSide, type Ports } from "./lod";

export type DrawNode = {
  /** A node of a kind (a card), an expanded group (a frame under the nodes), a collapsed group, or a sticky note. */
  shape: "card" | "group" | "collapsed" | "note";
  x: number;
  y: number;
  width: number;
  height: number;
  /** Category colour and icon (a note: its tint). */
  color: string;
  icon: IconName;
  ports: Ports;
  /** The label (a note: its text). */
  label: string;
  /** The kind (or category) line under the label; a group's member count. */
  subtitle: string;
  status: NodeRunStatus | null;
  /** How many problems validation found (0: none). */
  problems: number;
  selected: boolean;
};

export type DrawEdge = {
  sx: number;
  sy: number;
  sSide: HandleSide;
  tx: number;
  ty: number;
  tSide: HandleSide;
  selected: boolean;
};

/** A 2D context on a page canvas or an OffscreenCanvas. */
export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Flow → device pixels: device = flow × scale + offset. */
export type DrawFrame = { zoom: number; scale: number; offsetX: number; offsetY: number; width: number; height: number };

export type Palette = {
  background: string;
  surface: string;
  border: string;
  edge: string;
  accent: string;
  success: string;
  warning: string;
  danger: string;
  text: string;
  textMuted: string;
  textFaint: string;
  dots: string;
  handle: string;
};

/** The theme's colours (styles.css tokens), read once from the document, with the dark theme's values as fallback. */
export function readPalette(el: Element | null): Palette {
  const css = el ? getComputedStyle(el) : null;
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    background: v("--xy-background-color", "#0e0f12"),
    surface: v("--surface-2", "#1b1d23"),
    border: v("--border-strong", "#32353e"),
    edge: v("--xy-edge-stroke", "#5b6070"),
    accent: v("--accent", "#7c6cff"),
    success: v("--success", "#3ecf8e"),
    warning: v("--warning", "#f5b14c"),
    danger: v("--danger", "#f2616d"),
    text: v("--text", "#e7e8ec"),
    textMuted: v("--text-muted", "#9b9ea9"),
    textFaint: v("--text-faint", "#686c78"),
    dots: v("--xy-background-pattern-color", "#353945"),
    handle: "#7d8290",
  };
}

const styles = new Map<string, ReturnType<typeof categoryStyle>>();
const styleOf = (category: string | undefined) => {
  const key = category ?? "";
  let s = styles.get(key);
  if (!s) styles.set(key, (s = categoryStyle(category)));
  return s;
};

/** A category's colour and icon, looked up once per category (categoryStyle matches patterns; the layer asks per node). */
export const categoryColor = (category: string | undefined): string => styleOf(category).color;
export const categoryIcon = (category: string | undefined): IconName => styleOf(category).icon;

/** Below this many device pixels of node width nodes are solid blocks (and edges straight lines); above, cards. */
export const CARD_MIN_PX = 40;
/** Labels are drawn once their font would be at least this many device pixels; the kind line under them from SUBTITLE_MIN_PX. */
const LABEL_MIN_PX = 4.5;
const SUBTITLE_MIN_PX = 6;
const FONT_FAMILY = '"Inter Variable", Inter, ui-sans-serif, system-ui, sans-serif';
const font = (weight: number, px: number) => `${weight} ${px}px ${FONT_FAMILY}`;
/** The card's text column, in flow units (FlowNodeView: 220 wide with a 1 px border, text from 57 to 208). */
const TEXT_LEFT = 57;
const TEXT_WIDTH = 150;

const DIMMED: ReadonlySet<NodeRunStatus> = new Set(["queued", "skipped"]);

function statusColor(p: Palette, status: NodeRunStatus | null): string | null {
  switch (status) {
    case "running":
      return p.warning;
    case "succeeded":
    case "pinned":
      return p.success;
    case "failed":
    case "stopped":
      return p.danger;
    default:
      return null;
  }
}

/** Batches of paths by style key, filled or stroked once each. */
class Batches {
  private paths = new Map<string, Path2D>();
  path(key: string): Path2D {
    let p = this.paths.get(key);
    if (!p) {
      p = new Path2D();
      this.paths.set(key, p);
    }
    return p;
  }
  fill(ctx: Context2D, alpha = 1) {
    for (const [key, path] of this.paths) {
      const [color, a] = key.split("|");
      ctx.globalAlpha = alpha * (a ? Number(a) : 1);
      ctx.fillStyle = color;
      ctx.fill(path);
    }
    ctx.globalAlpha = 1;
  }
  stroke(ctx: Context2D, width: number) {
    ctx.lineWidth = width;
    for (const [key, path] of this.paths) {
      const [color, a] = key.split("|");
      ctx.globalAlpha = a ? Number(a) : 1;
      ctx.strokeStyle = color;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
  }
}

const truncated = new Map<string, string>();
let measurer: CanvasRenderingContext2D | null = null;

/**
 * The text cut to fit `width` flow units, the card's text column by default (with an ellipsis), measured once per text and font at the flow size
 * (text scales with the zoom, so the cut holds at every zoom).
 */
function fitText(text: string, weight: number, px: number, width = TEXT_WIDTH): string {
  const key = `${weight}/${px}/${width}/${text}`;
  let t = truncated.get(key);
  if (t !== undefined) return t;
  measurer ??= document.createElement("canvas").getContext("2d");
  t = text;
  if (measurer) {
    measurer.font = font(weight, px);
    if (measurer.measureText(t).width > width) {
      while (t.length > 1 && measurer.measureText(`${t}…`).width > width) t = t.slice(0, -1);
      t = `${t}…`;
    }
  }
  if (truncated.size > 20_000) truncated.clear();
  truncated.set(key, t);
  return t;
}

/** Background dots every `gap` flow units from `offset`, `size` units across (React Flow's <Background> pattern). */
export type DotGrid = { gap: number; size: number; offset: number };

/** Clears the frame and draws the background dots, the edges, then the nodes over them. */
export function drawScene(
  ctx: Context2D,
  f: DrawFrame,
  nodes: readonly DrawNode[],
  edges: readonly DrawEdge[],
  p: Palette,
  dots: DotGrid | null = null,
) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (dots) drawDots(ctx, f, dots, p);
  const frames = nodes.filter((n) => n.shape === "group");
  const items = nodes.filter((n) => n.shape === "note" || n.shape === "collapsed");
  const cards = frames.length || items.length ? nodes.filter((n) => n.shape === "card") : nodes;
  if (frames.length) drawFrames(ctx, f, frames, p);
  drawEdges(ctx, f, edges, p);
  drawNodes(ctx, f, cards, p);
  if (items.length) drawItems(ctx, f, items, p);
}

/** Expanded groups: editor.css's .cgroup (a faint fill, a dashed border, the title and member count once legible). */
function drawFrames(ctx: Context2D, f: DrawFrame, groups: readonly DrawNode[], p: Palette) {
  const { scale, offsetX: ox, offsetY: oy } = f;
  const plain = new Path2D();
  const selected = new Path2D();
  for (const g of groups) (g.selected ? selected : plain).roundRect(g.x * scale + ox, g.y * scale + oy, g.width * scale, g.height * scale, 10 * scale);
  ctx.fillStyle = "rgba(255, 255, 255, 0.025)";
  ctx.fill(plain);
  ctx.fill(selected);
  ctx.lineWidth = Math.max(1, 1.5 * scale);
  ctx.setLineDash([6 * Math.max(scale, 0.25), 4 * Math.max(scale, 0.25)]);
  ctx.strokeStyle = p.border;
  ctx.stroke(plain);
  ctx.strokeStyle = p.accent;
  ctx.stroke(selected);
  ctx.setLineDash([]);
  const px = 12 * scale;
  if (px < LABEL_MIN_PX) return;
  ctx.textBaseline = "middle";
  for (const g of groups) {
    const y = (g.y + 16) * scale + oy;
    ctx.font = font(600, px);
    ctx.fillStyle = p.text;
    const label = fitText(g.label, 600, 12, g.width - 100);
    ctx.fillText(label, (g.x + 12) * scale + ox, y);
    const after = ctx.measureText(label).width;
    ctx.font = font(400, px);
    ctx.fillStyle = p.textMuted;
    ctx.fillText(g.subtitle, (g.x + 20) * scale + ox + after, y);
  }
}

/** Notes (a tinted card with the first lines of the text) and collapsed groups (a box with the title and count). */
function drawItems(ctx: Context2D, f: DrawFrame, items: readonly DrawNode[], p: Palette) {
  const { scale, offsetX: ox, offsetY: oy } = f;
  const px = 12.5 * scale;
  for (const n of items) {
    const x = n.x * scale + ox;
    const y = n.y * scale + oy;
    const w = Math.max(1, n.width * scale);
    const h = Math.max(1, n.height * scale);
    const note = n.shape === "note";
    ctx.beginPath();
    ctx.roundRect(x, y, w, h, (note ? 6 : 10) * scale);
    ctx.fillStyle = p.surface;
    ctx.fill();
    if (note) {
      ctx.globalAlpha = 0.16;
      ctx.fillStyle = n.color;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    ctx.lineWidth = n.selected ? Math.max(1.5, 3 * scale) : Math.max(1, 1.5 * scale);
    ctx.strokeStyle = n.selected ? (note ? n.color : p.accent) : note ? n.color : p.border;
    ctx.stroke();
    if (px < LABEL_MIN_PX) continue;
    ctx.textBaseline = "middle";
    if (note) {
      // As many lines as fit, each cut to the card's width (the DOM note wraps; a drawn one is a preview).
      const lines = n.label ? n.label.split("\n") : [];
      const rows = Math.max(1, Math.floor((n.height - 20) / 18.75));
      ctx.font = font(400, px);
      ctx.fillStyle = n.label ? p.text : p.textFaint;
      if (!lines.length) ctx.fillText("Double-click to write a note", x + 12 * scale, y + 20 * scale);
      lines.slice(0, rows).forEach((line, i) => ctx.fillText(fitText(line, 400, 12.5, n.width - 24), x + 12 * scale, y + (20 + 18.75 * i) * scale));
    } else {
      ctx.font = font(600, 12 * scale);
      ctx.fillStyle = p.text;
      ctx.fillText(fitText(n.label, 600, 12, n.width - 110), x + 40 * scale, y + (n.height / 2 - 7) * scale);
      ctx.font = font(400, 11 * scale);
      ctx.fillStyle = p.textFaint;
      ctx.fillText(n.subtitle, x + 40 * scale, y + (n.height / 2 + 8) * scale);
    }
  }
}

function drawDots(ctx: Context2D, f: DrawFrame, g: DotGrid, p: Palette) {
  const { scale, offsetX: ox, offsetY: oy } = f;
  // The flow rect the frame covers, then every grid point in it.
  const fx0 = -ox / scale;
  const fy0 = -oy / scale;
  const fx1 = (f.width - ox) / scale;
  const fy1 = (f.height - oy) / scale;
  const size = Math.max(1, g.size * scale);
  const half = size / 2;
  const path = new Path2D();
  for (let x = Math.ceil((fx0 - g.offset) / g.gap) * g.gap + g.offset; x < fx1; x += g.gap) {
    const sx = x * scale + ox - half;
    for (let y = Math.ceil((fy0 - g.offset) / g.gap) * g.gap + g.offset; y < fy1; y += g.gap) path.rect(sx, y * scale + oy - half, size, size);
  }
  ctx.fillStyle = p.dots;
  ctx.fill(path);
}

function drawEdges(ctx: Context2D, f: DrawFrame, edges: readonly DrawEdge[], p: Palette) {
  if (edges.length === 0) return;
  const { scale, offsetX: ox, offsetY: oy } = f;
  const curved = f.zoom * 220 >= CARD_MIN_PX;
  const plain = new Path2D();
  const selected = new Path2D();
  for (const e of edges) {
    const path = e.selected ? selected : plain;
    const sx = e.sx * scale + ox;
    const sy = e.sy * scale + oy;
    const tx = e.tx * scale + ox;
    const ty = e.ty * scale + oy;
    path.moveTo(sx, sy);
    if (curved) {
      const [c1x, c1y, c2x, c2y] = bezierControls(e.sx, e.sy, e.sSide, e.tx, e.ty, e.tSide);
      path.bezierCurveTo(c1x * scale + ox, c1y * scale + oy, c2x * scale + ox, c2y * scale + oy, tx, ty);
    } else path.lineTo(tx, ty);
  }
  // 1 device pixel is a hairline (the cheap path in a software rasteriser); thicker once zoomed in, like the DOM edges.
  const width = Math.max(1, 1.75 * scale);
  ctx.lineWidth = width;
  ctx.globalAlpha = curved ? 1 : 0.75;
  ctx.strokeStyle = p.edge;
  ctx.stroke(plain);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = p.accent;
  ctx.lineWidth = Math.max(1.5, 2.25 * scale);
  ctx.stroke(selected);
}

function drawNodes(ctx: Context2D, f: DrawFrame, nodes: readonly DrawNode[], p: Palette) {
  if (nodes.length === 0) return;
  if (f.zoom * 220 < CARD_MIN_PX) drawBlocks(ctx, f, nodes, p);
  else drawCards(ctx, f, nodes, p);
}

/** Tiny nodes: a block in the category colour; failed ones red, running ones amber; dimmed while queued or skipped. */
function drawBlocks(ctx: Context2D, f: DrawFrame, nodes: readonly DrawNode[], p: Palette) {
  const { scale, offsetX: ox, offsetY: oy } = f;
  const fills = new Batches();
  const rings = new Batches();
  const dots = new Path2D();
  const selected = new Path2D();
  let anyDot = false;
  let anySelected = false;
  for (const n of nodes) {
    const x = n.x * scale + ox;
    const y = n.y * scale + oy;
    const w = Math.max(1, n.width * scale);
    const h = Math.max(1, n.height * scale);
    const status = statusColor(p, n.status);
    const fill = n.status === "failed" || n.status === "running" ? status! : n.color;
    fills.path(DIMMED.has(n.status!) ? `${fill}|0.35` : `${fill}|0.9`).rect(x, y, w, h);
    if (status && fill !== status) rings.path(status).rect(x - 1, y - 1, w + 2, h + 2);
    if (n.selected) {
      anySelected = true;
      selected.rect(x - 1.5, y - 1.5, w + 3, h + 3);
    }
    if (n.problems) {
      anyDot = true;
      const r = Math.max(2, 5 * scale);
      dots.moveTo(x + r, y);
      dots.arc(x, y, r, 0, Math.PI * 2);
    }
  }
  rings.stroke(ctx, 1.5);
  fills.fill(ctx);
  if (anySelected) {
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 2;
    ctx.stroke(selected);
  }
  if (anyDot) {
    ctx.fillStyle = p.danger;
    ctx.fill(dots);
  }
}

/** Handle colours by port type (editor.css). */
const PORT_COLORS: Partial<Record<PortType, string>> = { string: "#6ee7b7", object: "#93c5fd", number: "#fcd34d", bool: "#fcd34d", array: "#fcd34d" };

const iconPaths = new Map<IconName, Path2D>();
const iconOf = (name: IconName) => {
  let p = iconPaths.get(name);
  if (!p) iconPaths.set(name, (p = new Path2D(iconPath(name))));
  return p;
};

/**
 * Larger nodes: FlowNodeView's card (surface, border, category stripe, icon tile and icon, label and kind once
 * legible, handles, named port rows, the problem and run-status badges), so that a drawn node looks like the DOM one.
 */
function drawCards(ctx: Context2D, f: DrawFrame, nodes: readonly DrawNode[], p: Palette) {
  const { scale, offsetX: ox, offsetY: oy } = f;
  const radius = 8 * scale;
  const bodies = new Batches();
  const borders = new Batches();
  const stripes = new Batches();
  const tiles = new Batches();
  const handles = new Batches();
  const rings = new Path2D();
  const rules = new Path2D();
  const dots = new Path2D();
  let anyDot = false;
  let anyRule = false;
  const labelPx = 13 * scale;
  const labels = labelPx >= LABEL_MIN_PX;
  const tile = 32 * scale;
  const stripe = Math.max(1.5, 4 * scale);
  const handleR = 5 * scale;
  const withHandles = handleR >= 1.5;
  const headTopOf = (n: DrawNode) => (n.height > 64 ? 10 : 13.75);
  for (const n of nodes) {
    const x = n.x * scale + ox;
    const y = n.y * scale + oy;
    const w = n.width * scale;
    const h = n.height * scale;
    const dim = DIMMED.has(n.status!) ? "|0.62" : "";
    bodies.path(`${p.surface}${dim}`).roundRect(x, y, w, h, radius);
    const border = n.selected ? p.accent : (statusColor(p, n.status) ?? p.border);
    borders.path(`${border}${dim}`).roundRect(x, y, w, h, radius);
    stripes.path(`${n.color}${dim}`).roundRect(x, y, stripe, h, [radius, 0, 0, radius]);
    const headTop = headTopOf(n);
    tiles.path(`${n.color}|0.16`).roundRect(x + 14 * scale, y + (headTop + 2.25) * scale, tile, tile, 8 * scale);
    if (n.ports.named && labels) {
      anyRule = true;
      rules.moveTo(x, y + (headTop + 44.5) * scale);
      rules.lineTo(x + w, y + (headTop + 44.5) * scale);
    }
    if (withHandles) {
      // Handle centres as FlowNodeView lays them out (editor.css): on the sides, a row each when named. A handle is
      // 10 px across with a 2 px border in the card's colour: a ring, then the 6 px dot in the port type's colour.
      const { inputs, outputs, named, hasError } = n.ports;
      const dot = (color: string, cx: number, cy: number, r: number) => {
        rings.moveTo(cx + r, cy);
        rings.arc(cx, cy, r, 0, Math.PI * 2);
        const path = handles.path(color);
        path.moveTo(cx + r - 2 * scale, cy);
        path.arc(cx, cy, r - 2 * scale, 0, Math.PI * 2);
      };
      inputs.forEach((port, i) => dot(PORT_COLORS[port.ty] ?? p.handle, x + scale, y + (named ? (inputs.length === 1 ? 63.5 : 71.5 + 20 * i) : n.height / 2) * scale, handleR));
      outputs.forEach((port, i) => dot(PORT_COLORS[port.ty] ?? p.handle, x + 219 * scale, y + (named ? 71.5 + 20 * i : n.height / 2) * scale, handleR));
      if (hasError) dot(`${p.danger}|0.55`, x + 197 * scale, y + (n.height - 1.25) * scale, handleR * 0.8);
    }
    if (n.problems && !labels) {
      anyDot = true;
      const r = Math.max(2.5, 5 * scale);
      dots.moveTo(x + 16 * scale + r, y);
      dots.arc(x + 16 * scale, y, r, 0, Math.PI * 2);
    }
  }
  bodies.fill(ctx);
  tiles.fill(ctx);
  stripes.fill(ctx);
  borders.stroke(ctx, Math.max(1, scale));
  if (anyRule) {
    ctx.strokeStyle = p.border;
    ctx.lineWidth = Math.max(1, scale);
    ctx.globalAlpha = 0.75;
    ctx.stroke(rules);
    ctx.globalAlpha = 1;
  }
  if (withHandles) {
    ctx.fillStyle = p.surface;
    ctx.fill(rings);
    handles.fill(ctx);
  }
  if (nodes.some((n) => n.selected)) {
    // The selection ring of the DOM node (3 px of accent around the border).
    ctx.globalAlpha = 0.3;
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = Math.max(1.5, 3 * scale);
    const ring = new Path2D();
    for (const n of nodes)
      if (n.selected) ring.roundRect(n.x * scale + ox - 1.5 * scale, n.y * scale + oy - 1.5 * scale, (n.width + 3) * scale, (n.height + 3) * scale, radius);
    ctx.stroke(ring);
    ctx.globalAlpha = 1;
  }
  if (anyDot) {
    ctx.fillStyle = p.danger;
    ctx.fill(dots);
  }
  // Icons, 16 px in the tile, once they would be a few pixels across.
  if (16 * scale >= 6) {
    const k = (16 / 24) * scale;
    ctx.lineWidth = 1.75;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const n of nodes) {
      ctx.globalAlpha = DIMMED.has(n.status!) ? 0.62 : 1;
      ctx.strokeStyle = n.color;
      ctx.setTransform(k, 0, 0, k, (n.x + 22) * scale + ox, (n.y + headTopOf(n) + 10.25) * scale + oy);
      ctx.stroke(iconOf(n.icon));
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
  }
  if (!labels) return;
  // The head is centred in a 64 px node and at the top (10 px padding) of a taller one; its text block is 36.5 px.
  ctx.textBaseline = "alphabetic";
  ctx.font = font(600, labelPx);
  ctx.fillStyle = p.text;
  for (const n of nodes) {
    ctx.globalAlpha = DIMMED.has(n.status!) ? 0.62 : 1;
    ctx.fillText(fitText(n.label, 600, 13), (n.x + TEXT_LEFT) * scale + ox, (n.y + headTopOf(n) + 14) * scale + oy);
  }
  if (11.5 * scale >= SUBTITLE_MIN_PX) {
    ctx.font = font(400, 11.5 * scale);
    ctx.fillStyle = p.textFaint;
    for (const n of nodes) {
      ctx.globalAlpha = DIMMED.has(n.status!) ? 0.62 : 1;
      ctx.fillText(fitText(n.subtitle, 400, 11.5), (n.x + TEXT_LEFT) * scale + ox, (n.y + headTopOf(n) + 32) * scale + oy);
    }
    // Named port rows: the output names right-aligned by their handles, several inputs' names on the left.
    ctx.font = font(400, 11 * scale);
    ctx.fillStyle = p.textMuted;
    for (const n of nodes) {
      if (!n.ports.named) continue;
      ctx.globalAlpha = DIMMED.has(n.status!) ? 0.62 : 1;
      ctx.textAlign = "right";
      n.ports.outputs.forEach((port, i) => ctx.fillText(port.name, (n.x + 206) * scale + ox, (n.y + 75.5 + 20 * i) * scale + oy));
      ctx.textAlign = "left";
      if (n.ports.inputs.length > 1) n.ports.inputs.forEach((port, i) => ctx.fillText(port.name, (n.x + 14) * scale + ox, (n.y + 75.5 + 20 * i) * scale + oy));
    }
  }
  ctx.globalAlpha = 1;
  // Badges: problems (a red pill with the count, top left), the run status (a pill in its colour, top right).
  ctx.font = font(700, 10.5 * scale);
  ctx.textAlign = "center";
  for (const n of nodes) {
    const x = n.x * scale + ox;
    const y = n.y * scale + oy;
    if (n.problems) {
      ctx.fillStyle = p.danger;
      ctx.beginPath();
      ctx.roundRect(x + 10 * scale, y - 10 * scale, 34 * scale, 19 * scale, 10 * scale);
      ctx.fill();
      ctx.fillStyle = "#fff";
      ctx.fillText(String(n.problems), x + 31 * scale, y + 4 * scale);
    }
    const status = statusColor(p, n.status);
    if (status) {
      ctx.fillStyle = p.surface;
      ctx.strokeStyle = status;
      ctx.lineWidth = Math.max(1, scale);
      ctx.beginPath();
      ctx.roundRect(x + (n.width - 8 - 30) * scale, y - 10 * scale, 30 * scale, 19 * scale, 10 * scale);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = status;
      ctx.beginPath();
      ctx.arc(x + (n.width - 8 - 15) * scale, y - 0.5 * scale, 3.5 * scale, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.textAlign = "left";
}

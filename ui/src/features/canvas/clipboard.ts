// Owns the canvas clipboard format ({format:"neuroflow.graph", version:1, nodes, edges}): extracting a selection,
// parsing untrusted clipboard text, and pasting with fresh ids. Pure: no React, no I/O.
import type { GraphEdge, GraphNode, JsonValue, Position } from "../../ipc";
import { boundsOf, connect, flowNodeOf, type CanvasGraph, type FlowNode, type KindLookup } from "./graph";

export const CLIPBOARD_FORMAT = "neuroflow.graph";
export const CLIPBOARD_VERSION = 1;
/** How far a paste is moved from the originals when they would overlap. */
export const PASTE_OFFSET = 40;
/** Paste refuses anything larger than this (a stray multi-megabyte clipboard is not a graph). */
export const CLIPBOARD_MAX_NODES = 10_000;

export type ClipboardPayload = {
  format: typeof CLIPBOARD_FORMAT;
  version: typeof CLIPBOARD_VERSION;
  nodes: GraphNode[];
  edges: GraphEdge[];
};

export type ParseResult = { ok: true; payload: ClipboardPayload } | { ok: false; reason: string };

/** The selected nodes and the edges between them, in the clipboard format; null when nothing is given. */
export function extractSubgraph(graph: CanvasGraph, nodeIds: Iterable<string>): ClipboardPayload | null {
  const ids = new Set(nodeIds);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  return {
    format: CLIPBOARD_FORMAT,
    version: CLIPBOARD_VERSION,
    nodes: nodes.map((n) => ({
      id: n.id,
      kind: n.data.kind,
      label: n.data.label,
      position: { x: n.position.x, y: n.position.y },
      config: structuredClone(n.data.config),
    })),
    edges: graph.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle ?? null,
        target: e.target,
        targetHandle: e.targetHandle ?? null,
      })),
  };
}

export function serializeClipboard(payload: ClipboardPayload): string {
  return JSON.stringify(payload);
}

const NOT_OURS = "The clipboard doesn't hold NeuroFlow nodes.";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isHandle = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === "string";

/**
 * Reads clipboard text. Anything that is not a well-formed `neuroflow.graph` v1 document is refused with a short reason,
 * so a paste either brings in the whole payload or changes nothing. Unknown node kinds are refused when `kinds` is given.
 */
export function parseClipboard(text: string, kinds?: KindLookup): ParseResult {
  const fail = (reason: string): ParseResult => ({ ok: false, reason });
  if (!text.trim()) return fail("The clipboard is empty.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(NOT_OURS);
  }
  if (!isObject(raw) || raw.format !== CLIPBOARD_FORMAT) return fail(NOT_OURS);
  if (raw.version !== CLIPBOARD_VERSION)
    return fail(
      typeof raw.version === "number" && raw.version > CLIPBOARD_VERSION
        ? `These nodes were copied from a newer NeuroFlow (format v${raw.version}).`
        : "The copied nodes have an unknown format version.",
    );
  if (!Array.isArray(raw.nodes) || !Array.isArray(raw.edges)) return fail("The copied nodes are damaged (no node or edge list).");
  if (raw.nodes.length === 0) return fail("There are no nodes on the clipboard.");
  if (raw.nodes.length > CLIPBOARD_MAX_NODES) return fail(`Too many nodes on the clipboard (${raw.nodes.length}).`);

  const nodes: GraphNode[] = [];
  const seen = new Set<string>();
  for (const [i, n] of raw.nodes.entries()) {
    const where = `node ${i + 1}`;
    if (!isObject(n)) return fail(`The copied nodes are damaged (${where} is not an object).`);
    if (typeof n.id !== "string" || n.id === "") return fail(`The copied nodes are damaged (${where} has no id).`);
    if (seen.has(n.id)) return fail(`The copied nodes are damaged (id ${n.id} is used twice).`);
    seen.add(n.id);
    if (typeof n.kind !== "string" || n.kind === "") return fail(`The copied nodes are damaged (${where} has no kind).`);
    if (kinds && !kinds[n.kind]) return fail(`Unknown node kind “${n.kind}”: it can't be pasted here.`);
    if (n.label !== undefined && typeof n.label !== "string") return fail(`The copied nodes are damaged (${where} has a bad label).`);
    if (!isObject(n.position) || !isFiniteNumber(n.position.x) || !isFiniteNumber(n.position.y))
      return fail(`The copied nodes are damaged (${where} has no valid position).`);
    const label = typeof n.label === "string" && n.label.trim() ? n.label.trim() : (kinds?.[n.kind]?.label ?? n.kind);
    nodes.push({
      id: n.id,
      kind: n.kind,
      label,
      position: { x: n.position.x, y: n.position.y },
      config: (n.config === undefined ? {} : n.config) as JsonValue,
    });
  }

  const edges: GraphEdge[] = [];
  for (const [i, e] of raw.edges.entries()) {
    const where = `edge ${i + 1}`;
    if (!isObject(e) || typeof e.source !== "string" || typeof e.target !== "string")
      return fail(`The copied nodes are damaged (${where} has no source or target).`);
    if (!isHandle(e.sourceHandle) || !isHandle(e.targetHandle)) return fail(`The copied nodes are damaged (${where} has a bad handle).`);
    edges.push({
      id: typeof e.id === "string" ? e.id : `edge-${i}`,
      source: e.source,
      sourceHandle: e.sourceHandle ?? null,
      target: e.target,
      targetHandle: e.targetHandle ?? null,
    });
  }
  return { ok: true, payload: { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, nodes, edges } };
}

/**
 * How far to move a paste: its centre onto `at` when given (else where it was copied), then on by steps of
 * PASTE_OFFSET until no pasted node sits on a node already there, so a paste never hides under its originals.
 * A move onto `at` is a multiple of `grid`, so pasted nodes stay on the grid they were copied on.
 */
export function pasteOffset(graph: CanvasGraph, payload: ClipboardPayload, at?: Position, grid = 1): Position {
  let bx = 0;
  let by = 0;
  if (at) {
    const b = boundsOf(payload.nodes)!;
    bx = Math.round((at.x - (b.x + b.width / 2)) / grid) * grid;
    by = Math.round((at.y - (b.y + b.height / 2)) / grid) * grid;
  }
  const taken = (d: number) =>
    payload.nodes.some((p) =>
      graph.nodes.some(
        (n) => Math.abs(n.position.x - (p.position.x + bx + d)) < 8 && Math.abs(n.position.y - (p.position.y + by + d)) < 8,
      ),
    );
  let d = 0;
  while (taken(d) && d < PASTE_OFFSET * 200) d += PASTE_OFFSET;
  return { x: bx + d, y: by + d };
}

export type PasteResult = { graph: CanvasGraph; nodeIds: string[] };

/**
 * Adds the payload with every node and edge id replaced by `newId()`, moved by `offset`, the pasted nodes selected and
 * everything else deselected. Edges to nodes that were not copied, and edges the graph would refuse, are left out.
 */
export function pasteSubgraph(
  graph: CanvasGraph,
  payload: ClipboardPayload,
  newId: () => string,
  offset: Position,
  kinds?: KindLookup,
): PasteResult {
  const ids = new Map<string, string>();
  const added: FlowNode[] = payload.nodes.map((n) => {
    const id = newId();
    ids.set(n.id, id);
    return { ...flowNodeOf({ ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } }), selected: true };
  });
  let next: CanvasGraph = {
    nodes: [...graph.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added],
    edges: graph.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  };
  for (const e of payload.edges) {
    const source = ids.get(e.source);
    const target = ids.get(e.target);
    if (!source || !target) continue; // the other end was not copied
    next = connect(next, { source, target, sourceHandle: e.sourceHandle, targetHandle: e.targetHandle }, newId(), kinds);
  }
  return { graph: next, nodeIds: added.map((n) => n.id) };
}

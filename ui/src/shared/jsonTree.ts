// Owns the rules of the bounded JSON view: what a value's children are, how a collapsed value is summarised, and caps.
import type { JsonValue } from "../ipc";

/** Children shown per object/array before "Show more". */
export const CHILD_CAP = 25;
/** Characters of a string shown before "show all". */
export const STRING_CAP = 240;
/** Containers at this depth or deeper start collapsed (unless short and flat); so do big ones. */
export const OPEN_DEPTH = 2;
export const OPEN_MAX_CHILDREN = 40;

export type JsonContainer = JsonValue[] | { [key: string]: JsonValue };

export function isContainer(v: JsonValue): v is JsonContainer {
  return typeof v === "object" && v !== null;
}

/** `[key, child]` pairs: array indices or object keys, in their order. */
export function childrenOf(v: JsonContainer): [string, JsonValue][] {
  return Array.isArray(v) ? v.map((c, i) => [String(i), c]) : Object.entries(v);
}

export function sizeOf(v: JsonContainer): number {
  return Array.isArray(v) ? v.length : Object.keys(v).length;
}

/** What a collapsed container shows: "[ 12 items ]", "{ 3 keys }". */
export function summaryOf(v: JsonContainer): string {
  const n = sizeOf(v);
  if (Array.isArray(v)) return n === 0 ? "[]" : `[ ${n} ${n === 1 ? "item" : "items"} ]`;
  return n === 0 ? "{}" : `{ ${n} ${n === 1 ? "key" : "keys"} }`;
}

/** Short containers of plain values open at any depth: folding them would hide less than it costs. */
export const OPEN_FLAT_MAX = 6;

export function startsOpen(v: JsonContainer, depth: number): boolean {
  const size = sizeOf(v);
  if (depth < OPEN_DEPTH) return size <= OPEN_MAX_CHILDREN;
  return size <= OPEN_FLAT_MAX && childrenOf(v).every(([, c]) => !isContainer(c));
}

/** A scalar as JSON text; strings longer than `cap` are cut (the caller offers the rest). */
export function scalarText(v: null | boolean | number | string, cap = STRING_CAP): { text: string; cut: boolean } {
  if (typeof v !== "string") return { text: JSON.stringify(v), cut: false };
  const chars = [...v];
  if (chars.length <= cap) return { text: JSON.stringify(v), cut: false };
  return { text: `${JSON.stringify(chars.slice(0, cap).join("")).slice(0, -1)}…"`, cut: true };
}

export function scalarKind(v: null | boolean | number | string): "null" | "bool" | "number" | "string" {
  return v === null ? "null" : typeof v === "boolean" ? "bool" : typeof v === "number" ? "number" : "string";
}

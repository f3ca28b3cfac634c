// Owns the run-order view of a run's node results: the order they ran in, their bars on the waterfall, and the tally.
import type { NodeResult, NodeStatus } from "../../ipc";

/** True when the node was started (or stood in with pinned data); skipped nodes never were. */
export function didStart(n: NodeResult): boolean {
  return n.status !== "skipped" && !(n.startedSeq === 0 && n.finishedSeq === 0 && n.attempts === 0);
}

/**
 * Node results in run order: the nodes that started by their (last) start in the event order, then the ones that never
 * started (skipped), by when they were skipped. Ties keep the graph order the backend gave.
 */
export function orderNodes(nodes: readonly NodeResult[]): NodeResult[] {
  return nodes
    .map((node, index) => ({ node, index, started: didStart(node) }))
    .sort((a, b) => {
      if (a.started !== b.started) return a.started ? -1 : 1;
      const bySeq = a.started ? a.node.startedSeq - b.node.startedSeq : 0;
      return bySeq || a.node.startedMs - b.node.startedMs || a.index - b.index;
    })
    .map((e) => e.node);
}

/** Where a node's bar sits on the waterfall, as percentages of the run's span. */
export type Bar = { left: number; width: number };

/** The smallest visible bar, in percent, so instant nodes still show. */
export const MIN_BAR = 0.6;

/**
 * The span the waterfall covers: the run's duration, or the latest node end when that is later (or the run has none yet).
 */
export function timelineSpan(nodes: readonly NodeResult[], runMs: number | null): number {
  const lastEnd = nodes.reduce((m, n) => Math.max(m, n.startedMs + n.durationMs), 0);
  return Math.max(runMs ?? 0, lastEnd, 1);
}

export function barOf(node: NodeResult, span: number): Bar {
  const left = clamp((node.startedMs / span) * 100, 0, 100 - MIN_BAR);
  const width = clamp((node.durationMs / span) * 100, MIN_BAR, 100 - left);
  return { left, width };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** How many nodes ended in each status. */
export function tally(nodes: readonly NodeResult[]): Record<NodeStatus, number> {
  const out: Record<NodeStatus, number> = { succeeded: 0, pinned: 0, failed: 0, skipped: 0, stopped: 0 };
  for (const n of nodes) out[n.status]++;
  return out;
}

/** The node to show first: the first failure the run did not handle, else the first failure, else the first node. */
export function initialNode(ordered: readonly NodeResult[]): NodeResult | null {
  return (
    ordered.find((n) => n.status === "failed" && !n.handled) ??
    ordered.find((n) => n.status === "failed" || n.status === "stopped") ??
    ordered[0] ??
    null
  );
}

/** Output ports in a stable order: `main` first, `error` last, the others by name. */
export function outputPorts(node: NodeResult): string[] {
  const rank = (p: string) => (p === "main" ? 0 : p === "error" ? 2 : 1);
  return Object.keys(node.output).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

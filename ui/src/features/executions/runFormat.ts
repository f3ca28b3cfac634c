// Owns how run numbers and states read on the Executions page: duration, cost, tokens, error lines and status labels.
import type { ExecutionStatus, NodeStatus } from "../../ipc";
import { formatDuration } from "../../shared/format";

/** How a status looks: its words, its colour (a CSS modifier) and its glyph. */
export type StatusLook = { label: string; tone: "running" | "success" | "danger" | "warning" | "muted" | "accent"; glyph: StatusGlyph };
export type StatusGlyph = "spinner" | "check" | "cross" | "stop" | "clock" | "skip" | "pin";

const EXECUTION_LOOK: Record<ExecutionStatus, StatusLook> = {
  PENDING: { label: "Queued", tone: "muted", glyph: "clock" },
  RUNNING: { label: "Running", tone: "running", glyph: "spinner" },
  COMPLETED: { label: "Completed", tone: "success", glyph: "check" },
  FAILED: { label: "Failed", tone: "danger", glyph: "cross" },
  CANCELLED: { label: "Cancelled", tone: "warning", glyph: "stop" },
};

export function executionLook(status: ExecutionStatus): StatusLook {
  return EXECUTION_LOOK[status];
}

/** True while the run has not reached an end (it may still change). */
export function isLive(status: ExecutionStatus): boolean {
  return status === "RUNNING" || status === "PENDING";
}

/** A node's status; a failure its error port took reads differently from one that stopped the run. */
export function nodeLook(status: NodeStatus, handled = false): StatusLook {
  switch (status) {
    case "succeeded":
      return { label: "Succeeded", tone: "success", glyph: "check" };
    case "pinned":
      return { label: "Pinned data", tone: "accent", glyph: "pin" };
    case "failed":
      return handled
        ? { label: "Failed · handled", tone: "warning", glyph: "cross" }
        : { label: "Failed", tone: "danger", glyph: "cross" };
    case "skipped":
      return { label: "Skipped", tone: "muted", glyph: "skip" };
    case "stopped":
      return { label: "Stopped", tone: "warning", glyph: "stop" };
  }
}






/** The first non-empty line of an error, shortened to `max` characters. */
export function firstLine(error: string | null | undefined, max = 160): string {
  const line = (error ?? "").split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

export { plural } from "../../shared/format";

/** The last characters of a run id: enough to tell runs apart at a glance (UUIDv7s start with their time). */
export function shortId(id: string): string {
  return id.replace(/-/g, "").slice(-8);
}

/** A node's start within the run: "+0 ms", "+1.25 s". */
export function formatOffset(ms: number): string {
  return `+${formatDuration(ms)}`;
}

// Owns client-side routing: hash paths (#/workflows, #/workflows/<id>, #/agents, …) and the leave-page guard.
import { useSyncExternalStore } from "react";

export const PAGES = [
  "dashboard",
  "workflows",
  "agents",
  "teams",
  "integrations",
  "executions",
  "blueprints",
  "orders",
  "templates",
  "showcases",
  "account",
] as const;
export type PageId = (typeof PAGES)[number];
/** `workflowId` opens a workflow's canvas; `executionId` with it shows that past run on the canvas, alone the run's detail. */
export type Route = {
  page: PageId;
  workflowId: string | null;
  executionId: string | null;
  blueprintId: string | null;
  /** An agent's settings page (#/agents/<id>). */
  agentId: string | null;
  /** An order's page (#/orders/<id>). */
  orderId: string | null;
  path: string;
};

// The app opens on the Dashboard: how the work is going, before the work itself.
const DEFAULT_PATH = "/dashboard";

export function parsePath(path: string): Route | null {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const page = PAGES.find((p) => p === parts[0]);
  if (!page) return null;
  const none = { workflowId: null, executionId: null, blueprintId: null, agentId: null, orderId: null, path };
  if (page === "workflows" && parts.length === 2) return { ...none, page, workflowId: parts[1] };
  if (page === "workflows" && parts.length === 4 && parts[2] === "runs") return { ...none, page, workflowId: parts[1], executionId: parts[3] };
  if (page === "executions" && parts.length === 2) return { ...none, page, executionId: parts[1] };
  if (page === "blueprints" && parts.length === 2) return { ...none, page, blueprintId: parts[1] };
  if (page === "agents" && parts.length === 2) return { ...none, page, agentId: parts[1] };
  if (page === "orders" && parts.length === 2) return { ...none, page, orderId: parts[1] };
  if (parts.length !== 1) return null;
  return { ...none, page };
}

export const workflowPath = (id: string) => `/workflows/${encodeURIComponent(id)}`;
/** A workflow's canvas showing one of its past runs. */
export const workflowRunPath = (workflowId: string, executionId: string) =>
  `/workflows/${encodeURIComponent(workflowId)}/runs/${encodeURIComponent(executionId)}`;
export const blueprintsPath = () => "/blueprints";
/** A tool blueprint's editor. */
export const blueprintPath = (id: string) => `/blueprints/${encodeURIComponent(id)}`;
/** An agent's settings. */
export const agentPath = (id: string) => `/agents/${encodeURIComponent(id)}`;
/** An order's page. */
export const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;
/** The Executions page with one run's detail open. */
export const executionPath = (executionId: string) => `/executions/${encodeURIComponent(executionId)}`;

const hashPath = () => (typeof window === "undefined" ? DEFAULT_PATH : window.location.hash.replace(/^#/, "") || "/");
const normalise = (path: string) => (parsePath(path) ? path : DEFAULT_PATH);

let current = normalise(hashPath());
const listeners = new Set<() => void>();
/** When set, a navigation away is handed to it instead of happening (e.g. to ask about unsaved changes). */
let blocker: ((to: string) => void) | null = null;

function commit(path: string) {
  if (path === current) return;
  current = path;
  listeners.forEach((l) => l());
}

if (typeof window !== "undefined") {
  if (hashPath() !== current) window.history.replaceState(null, "", `#${current}`);
  window.addEventListener("hashchange", () => {
    const to = normalise(hashPath());
    if (to === current) return;
    if (blocker) {
      window.history.replaceState(null, "", `#${current}`); // stay until the blocker decides
      blocker(to);
      return;
    }
    if (to !== hashPath()) window.history.replaceState(null, "", `#${to}`);
    commit(to);
  });
}

export function navigate(path: string, opts: { force?: boolean } = {}): void {
  const to = normalise(path);
  if (to === current) return;
  if (blocker && !opts.force) {
    blocker(to);
    return;
  }
  window.history.pushState(null, "", `#${to}`);
  commit(to);
}

export function setNavigationBlocker(fn: ((to: string) => void) | null): void {
  blocker = fn;
}

export function useRoute(): Route {
  const path = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return parsePath(path) ?? { page: "dashboard", workflowId: null, executionId: null, blueprintId: null, agentId: null, orderId: null, path: DEFAULT_PATH };
}

// Owns the Executions list's data rules: status filters, paging over limit/offset (pageSize+1), merging a refresh, polling.
import type { ExecutionStatus, ExecutionSummary } from "../../ipc";
import { isLive } from "./runFormat";

export const PAGE_SIZE = 20;
/** The backend caps one page at 500 rows. */
export const MAX_LIMIT = 500;
/** While a status filter hides rows, pages are fetched in larger batches, at most this many per "Load more". */
export const FILTERED_BATCH = 100;
export const MAX_BATCHES = 5;

export const STATUS_FILTERS = ["all", "running", "completed", "failed", "cancelled"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const STATUS_FILTER_LABEL: Record<StatusFilter, string> = {
  all: "All statuses",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function matchesStatus(status: ExecutionStatus, filter: StatusFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "running":
      return isLive(status);
    case "completed":
      return status === "COMPLETED";
    case "failed":
      return status === "FAILED";
    case "cancelled":
      return status === "CANCELLED";
  }
}

/** True while any shown run can still change, so the list should refresh itself. */
export function needsPolling(rows: readonly ExecutionSummary[]): boolean {
  return rows.some((r) => isLive(r.status));
}

/** Appends a page, dropping rows already loaded (new runs shift offsets between fetches). */
export function appendPage(current: readonly ExecutionSummary[], page: readonly ExecutionSummary[]): ExecutionSummary[] {
  const known = new Set(current.map((r) => r.id));
  return [...current, ...page.filter((r) => !known.has(r.id))];
}

export type Loaded = { rows: ExecutionSummary[]; hasMore: boolean };
export type FetchPage = (limit: number, offset: number) => Promise<ExecutionSummary[]>;

/**
 * Loads the next rows after `current` (in the backend's newest-first order) until `pageSize` more of them match the
 * filter or the backend has no more. Each request asks for one row more than it keeps, to know whether more exist.
 */
export async function loadMore(
  fetchPage: FetchPage,
  current: Loaded,
  filter: StatusFilter,
  pageSize = PAGE_SIZE,
): Promise<Loaded> {
  let rows = current.rows;
  let hasMore = current.hasMore;
  const batch = filter === "all" ? pageSize : Math.max(pageSize, FILTERED_BATCH);
  let found = 0;
  for (let i = 0; i < MAX_BATCHES && hasMore && found < pageSize; i++) {
    const page = await fetchPage(batch + 1, rows.length);
    hasMore = page.length > batch;
    const kept = page.slice(0, batch);
    const before = rows.length;
    rows = appendPage(rows, kept);
    found += rows.slice(before).filter((r) => matchesStatus(r.status, filter)).length;
  }
  return { rows, hasMore };
}

/** The first load of a list: nothing loaded yet, more assumed. */
export const loadFirst = (fetchPage: FetchPage, filter: StatusFilter, pageSize = PAGE_SIZE) =>
  loadMore(fetchPage, { rows: [], hasMore: true }, filter, pageSize);

/** How many rows a refresh asks for (from offset 0): everything loaded, plus room for runs started since. */
export function refreshLimit(loaded: number, pageSize = PAGE_SIZE): number {
  return Math.min(MAX_LIMIT, Math.max(loaded, pageSize) + pageSize);
}

/**
 * Merges a refresh (the newest `limit` rows, from offset 0) into what is loaded: rows come back updated, runs started
 * since appear on top, and rows loaded beyond the refreshed window are kept. Rows gone from the window are dropped.
 */
export function mergeRefresh(current: Loaded, fresh: readonly ExecutionSummary[], limit: number): Loaded {
  const known = new Set(current.rows.map((r) => r.id));
  let lastKnown = -1;
  fresh.forEach((r, i) => {
    if (known.has(r.id)) lastKnown = i;
  });
  const head = fresh.slice(0, lastKnown >= 0 ? lastKnown + 1 : Math.min(fresh.length, current.rows.length));
  if (fresh.length < limit) return { rows: head, hasMore: fresh.length > head.length };
  const reached = lastKnown >= 0 ? current.rows.findIndex((r) => r.id === fresh[lastKnown].id) : -1;
  const tail = reached >= 0 ? current.rows.slice(reached + 1) : [];
  return { rows: appendPage(head, tail), hasMore: tail.length > 0 ? current.hasMore : true };
}

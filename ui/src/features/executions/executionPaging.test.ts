// Tests the Executions list's data rules: status filters, pageSize+1 paging with a filter, refresh merging, polling.
import { describe, expect, it } from "vitest";
import type { ExecutionStatus, ExecutionSummary } from "../../ipc";
import { appendPage, loadFirst, loadMore, matchesStatus, mergeRefresh, needsPolling, refreshLimit, STATUS_FILTERS, MAX_LIMIT } from "./executionPaging";

const run = (n: number, status: ExecutionStatus = "COMPLETED"): ExecutionSummary => ({
  id: `run-${n}`, workflowId: "wf", workflowName: "Flow", status, startedAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
  finishedAt: null, durationMs: 10, tokensUsed: 0, cost: 0, error: null,
});

/** A fake backend list, newest first, recording each request. */
function backend(rows: ExecutionSummary[]) {
  const calls: [number, number][] = [];
  const fetchPage = async (limit: number, offset: number) => {
    calls.push([limit, offset]);
    return rows.slice(offset, offset + limit);
  };
  return { fetchPage, calls };
}

describe("status filter", () => {
  it("maps each filter to its statuses; running includes queued runs", () => {
    const statuses: ExecutionStatus[] = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
    const table = Object.fromEntries(STATUS_FILTERS.map((f) => [f, statuses.filter((s) => matchesStatus(s, f))]));
    expect(table).toEqual({
      all: statuses,
      running: ["PENDING", "RUNNING"],
      completed: ["COMPLETED"],
      failed: ["FAILED"],
      cancelled: ["CANCELLED"],
    });
  });
});

describe("needsPolling", () => {
  it("polls only while a shown run is live", () => {
    expect(needsPolling([])).toBe(false);
    expect(needsPolling([run(1), run(2, "FAILED")])).toBe(false);
    expect(needsPolling([run(1), run(2, "RUNNING")])).toBe(true);
    expect(needsPolling([run(1, "PENDING")])).toBe(true);
  });
});

describe("paging", () => {
  const all = Array.from({ length: 45 }, (_, i) => run(45 - i));

  it("asks for one row more than a page to know whether there is more", async () => {
    const b = backend(all);
    const first = await loadFirst(b.fetchPage, "all", 20);
    expect(b.calls).toEqual([[21, 0]]);
    expect(first.rows.map((r) => r.id)).toEqual(all.slice(0, 20).map((r) => r.id));
    expect(first.hasMore).toBe(true);
    const second = await loadMore(b.fetchPage, first, "all", 20);
    expect(b.calls[1]).toEqual([21, 20]);
    const third = await loadMore(b.fetchPage, second, "all", 20);
    expect(third.rows).toHaveLength(45);
    expect(third.hasMore).toBe(false);
  });

  it("says there is no more when exactly a page is left", async () => {
    const b = backend(all.slice(0, 20));
    expect((await loadFirst(b.fetchPage, "all", 20)).hasMore).toBe(false);
  });

  it("with a status filter, keeps fetching until a page of matches or the end", async () => {
    // 1 failure in every 10 runs: 12 failures in 120 runs.
    const mixed = Array.from({ length: 120 }, (_, i) => run(120 - i, i % 10 === 0 ? "FAILED" : "COMPLETED"));
    const b = backend(mixed);
    const got = await loadFirst(b.fetchPage, "failed", 5);
    expect(got.rows.filter((r) => r.status === "FAILED").length).toBeGreaterThanOrEqual(5);
    expect(b.calls[0]).toEqual([101, 0]);
    const rest = await loadMore(b.fetchPage, got, "failed", 20);
    expect(rest.rows.filter((r) => r.status === "FAILED")).toHaveLength(12);
    expect(rest.hasMore).toBe(false);
  });

  it("stops after a bounded number of requests when nothing matches", async () => {
    const many = Array.from({ length: 2000 }, (_, i) => run(2000 - i));
    const b = backend(many);
    const got = await loadFirst(b.fetchPage, "cancelled", 20);
    expect(b.calls.length).toBe(5);
    expect(got.hasMore).toBe(true);
  });

  it("drops rows already loaded when offsets have shifted", () => {
    expect(appendPage([run(3), run(2)], [run(2), run(1)]).map((r) => r.id)).toEqual(["run-3", "run-2", "run-1"]);
  });
});

describe("mergeRefresh", () => {
  it("updates loaded rows in place", () => {
    const current = { rows: [run(3, "RUNNING"), run(2), run(1)], hasMore: false };
    const got = mergeRefresh(current, [run(3, "COMPLETED"), run(2), run(1)], refreshLimit(3, 20));
    expect(got.rows.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(got.hasMore).toBe(false);
  });

  it("adds runs started since on top without pulling in older unloaded rows", () => {
    const current = { rows: [run(5), run(4)], hasMore: true };
    const got = mergeRefresh(current, [run(6, "RUNNING"), run(5), run(4), run(3), run(2)], 40);
    expect(got.rows.map((r) => r.id)).toEqual(["run-6", "run-5", "run-4"]);
    expect(got.hasMore).toBe(true);
  });

  it("keeps rows loaded beyond a full refresh window", () => {
    const current = { rows: [run(4, "RUNNING"), run(3), run(2), run(1)], hasMore: false };
    const got = mergeRefresh(current, [run(5), run(4)], 2);
    expect(got.rows.map((r) => r.id)).toEqual(["run-5", "run-4", "run-3", "run-2", "run-1"]);
    expect(got.hasMore).toBe(false);
  });

  it("drops rows that are gone", () => {
    const current = { rows: [run(3), run(2), run(1)], hasMore: false };
    expect(mergeRefresh(current, [run(3), run(1)], 40).rows.map((r) => r.id)).toEqual(["run-3", "run-1"]);
  });

  it("asks for everything loaded plus a page, within the backend's cap", () => {
    expect(refreshLimit(0, 20)).toBe(40);
    expect(refreshLimit(60, 20)).toBe(80);
    expect(refreshLimit(1000, 20)).toBe(MAX_LIMIT);
  });
});

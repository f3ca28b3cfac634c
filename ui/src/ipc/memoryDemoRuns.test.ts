// Tests the demo run history and the simulated run in progress of the in-memory backend (`?seed=demo`).
import { afterEach, describe, expect, it } from "vitest";
import { api, setBackend, type ExecutionDetail } from "./index";
import { createMemoryBackend, DEMO_WORKFLOW_ID } from "./memory";

afterEach(() => setBackend(null));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("demo run history", () => {
  it("lists past runs of the demo workflows newest first, with a run in progress on top", async () => {
    setBackend(createMemoryBackend({ seed: "demo" }));
    const runs = await api.executionList(null, 500, 0);
    expect(runs.length).toBeGreaterThan(20);
    const starts = runs.map((r) => Date.parse(r.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(runs[0]).toMatchObject({ workflowName: "Lead enrichment", status: "RUNNING", durationMs: null });
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(["RUNNING", "COMPLETED", "FAILED", "CANCELLED"]));
    expect(new Set(runs.map((r) => r.workflowName))).toEqual(new Set(["Lead enrichment", "Support ticket triage", "Daily news digest"]));
    for (const r of runs.filter((r) => r.status === "FAILED")) expect(r.error).toBeTruthy();
  });

  it("stores each run's node results against the workflow's nodes, with totals that add up", async () => {
    setBackend(createMemoryBackend({ seed: "demo" }));
    const graph = (await api.workflowGet(DEMO_WORKFLOW_ID)).graph;
    const ids = new Set(graph.nodes.map((n) => n.id));
    const runs = (await api.executionList(DEMO_WORKFLOW_ID, 500, 0)).filter((r) => r.status !== "RUNNING");
    expect(runs.length).toBeGreaterThan(5);
    const details: ExecutionDetail[] = await Promise.all(runs.map((r) => api.executionGet(r.id)));
    for (const d of details) {
      expect(d.nodes.length).toBeGreaterThan(0);
      for (const n of d.nodes) expect(ids.has(n.nodeId)).toBe(true);
      expect(d.nodes.reduce((t, n) => t + n.tokens, 0)).toBe(d.summary.tokensUsed);
      expect(d.nodes.reduce((t, n) => t + (n.cost ?? 0), 0)).toBeCloseTo(d.summary.cost ?? 0, 10);
      expect(d.agentCalls.every((c) => c.workflowExecutionId === d.summary.id)).toBe(true);
    }
    const failed = details.find((d) => d.summary.status === "FAILED")!;
    expect(failed.nodes.find((n) => n.status === "failed")?.attempts).toBe(3);
    expect(details.some((d) => d.nodes.some((n) => n.status === "skipped"))).toBe(true);
  });
});

describe("a simulated run in progress", () => {
  it("stops at once when cancelled, recording the node in flight as stopped", async () => {
    setBackend(createMemoryBackend({ seed: "demo", runStepMs: 1 }));
    const running = (await api.executionList(null, 1, 0))[0];
    expect(running.status).toBe("RUNNING");
    // The trigger finishes at once; the delay node then waits two minutes.
    await until(() => api.executionGet(running.id), (d) => d.nodes.length === 1);
    expect(await api.runCancel(running.id)).toBe(true);
    const done = await until(() => api.executionGet(running.id), (d) => d.summary.status !== "RUNNING");
    expect(done.summary.status).toBe("CANCELLED");
    expect(done.nodes.map((n) => [n.label, n.status])).toEqual([
      ["Start", "succeeded"],
      ["Wait for CRM sync", "stopped"],
    ]);
    expect(await api.runCancel(running.id)).toBe(false);
  });

  it("has no runs without the demo seed", async () => {
    setBackend(createMemoryBackend());
    expect(await api.executionList(null, 50, 0)).toEqual([]);
  });
});

describe("simulated failures", () => {
  it("can make the execution commands fail", async () => {
    setBackend(createMemoryBackend({ seed: "demo", failRuns: "database" }));
    await expect(api.executionList(null, 20, 0)).rejects.toMatchObject({ code: "database" });
    await expect(api.executionGet("anything")).rejects.toMatchObject({ code: "database" });
    expect((await api.workflowList(null)).length).toBe(3);
  });
});

// Tests the run-order view of node results: ordering, waterfall bars, tally and the first node shown.
import { describe, expect, it } from "vitest";
import type { NodeResult } from "../../ipc";
import { MIN_BAR, barOf, didStart, initialNode, orderNodes, outputPorts, tally, timelineSpan } from "./nodeTimeline";

function node(label: string, over: Partial<NodeResult> = {}): NodeResult {
  return {
    nodeId: `id-${label}`, kind: "data.set", label, status: "succeeded", input: [], output: { main: [] }, logs: [], error: null,
    handled: false, reason: null, startedMs: 0, durationMs: 10, attempts: 1, iterations: 1, tokens: 0, cost: 0, startedSeq: 0,
    finishedSeq: 1, ...over,
  };
}

const skipped = (label: string, startedMs: number) =>
  node(label, { status: "skipped", attempts: 0, iterations: 0, startedSeq: 0, finishedSeq: 0, startedMs, durationMs: 0, reason: "untaken branch" });

describe("orderNodes", () => {
  it("orders by start in the event order, not by the graph order", () => {
    const got = orderNodes([
      node("Send", { startedSeq: 6, finishedSeq: 7 }),
      node("Trigger", { startedSeq: 0, finishedSeq: 1 }),
      node("Draft", { startedSeq: 4, finishedSeq: 5 }),
      node("Classify", { startedSeq: 2, finishedSeq: 3 }),
    ]);
    expect(got.map((n) => n.label)).toEqual(["Trigger", "Classify", "Draft", "Send"]);
  });

  it("puts skipped nodes after the ones that ran, by when they were skipped", () => {
    const got = orderNodes([
      skipped("Late skip", 90),
      node("B", { startedSeq: 2, finishedSeq: 3 }),
      skipped("Early skip", 20),
      node("A", { startedSeq: 0, finishedSeq: 1 }),
    ]);
    expect(got.map((n) => n.label)).toEqual(["A", "B", "Early skip", "Late skip"]);
  });

  it("keeps the given order on ties and does not change its input", () => {
    const input = [skipped("X", 5), skipped("Y", 5)];
    expect(orderNodes(input).map((n) => n.label)).toEqual(["X", "Y"]);
    const ran = [node("B", { startedSeq: 3, finishedSeq: 4 }), node("A", { startedSeq: 1, finishedSeq: 2 })];
    orderNodes(ran);
    expect(ran.map((n) => n.label)).toEqual(["B", "A"]);
  });

  it("counts the first node (sequence 0) and pinned nodes as started", () => {
    expect(didStart(node("first", { startedSeq: 0, finishedSeq: 1 }))).toBe(true);
    expect(didStart(node("pin", { status: "pinned", attempts: 1, startedSeq: 4, finishedSeq: 5 }))).toBe(true);
    expect(didStart(skipped("s", 0))).toBe(false);
  });
});

describe("waterfall bars", () => {
  it("places a bar by start offset and duration over the run's span", () => {
    expect(barOf(node("n", { startedMs: 250, durationMs: 500 }), 1000)).toEqual({ left: 25, width: 50 });
  });
  it("keeps instant nodes visible and bars inside the track", () => {
    expect(barOf(node("n", { startedMs: 0, durationMs: 0 }), 1000).width).toBe(MIN_BAR);
    const last = barOf(node("n", { startedMs: 1000, durationMs: 0 }), 1000);
    expect(last.left + last.width).toBeLessThanOrEqual(100);
    const long = barOf(node("n", { startedMs: 600, durationMs: 900 }), 1000);
    expect(long.left + long.width).toBe(100);
  });
  it("spans the run, or the last node end when later or when the run has no duration yet", () => {
    const nodes = [node("a", { startedMs: 100, durationMs: 300 })];
    expect(timelineSpan(nodes, 1000)).toBe(1000);
    expect(timelineSpan(nodes, 200)).toBe(400);
    expect(timelineSpan(nodes, null)).toBe(400);
    expect(timelineSpan([], null)).toBe(1);
  });
});

describe("tally and the first node shown", () => {
  const nodes = [
    node("ok"),
    node("handled", { status: "failed", handled: true }),
    node("boom", { status: "failed" }),
    skipped("s", 0),
  ];
  it("counts statuses", () => {
    expect(tally(nodes)).toEqual({ succeeded: 1, pinned: 0, failed: 2, skipped: 1, stopped: 0 });
  });
  it("shows the failure that failed the run first", () => {
    expect(initialNode(nodes)?.label).toBe("boom");
    expect(initialNode([node("ok"), node("handled", { status: "failed", handled: true })])?.label).toBe("handled");
    expect(initialNode([node("ok"), node("later")])?.label).toBe("ok");
    expect(initialNode([])).toBeNull();
  });
});

describe("outputPorts", () => {
  it("lists main first and error last", () => {
    expect(outputPorts(node("c", { output: { error: [], false: [], main: [], true: [] } }))).toEqual(["main", "false", "true", "error"]);
  });
});

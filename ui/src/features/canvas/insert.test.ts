// Tests the "+" edits: the free slot right of a node (same row, else further down, never on a node), a node added from
// a given output port, and inserting a node on an edge (wiring, room made, refusals, one undo step).
import { beforeEach, describe, expect, it } from "vitest";
import { NODE_KINDS } from "../../test/core";
import { addNode, connect, isOccupied, NODE_HEIGHT, NODE_WIDTH, emptyGraph, useCanvasStore, type CanvasGraph } from "./store";
import { COLUMN_GAP, connectedOutputs, insertOnEdge, ROW_STEP, slotAfter } from "./insert";

const kinds = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k]));

function graph(nodes: [string, string, number, number][], edges: [string, string, string, string | null][] = []): CanvasGraph {
  let g = emptyGraph();
  for (const [id, kind, x, y] of nodes) g = addNode(g, { id, kind, label: id.toUpperCase(), position: { x, y } });
  for (const [id, source, target, handle] of edges) g = connect(g, { source, target, sourceHandle: handle }, id, kinds);
  return g;
}
const node = (g: CanvasGraph, id: string) => g.nodes.find((n) => n.id === id)!;
const overlaps = (g: CanvasGraph) =>
  g.nodes.some((a, i) =>
    g.nodes.some(
      (b, j) => j > i && Math.abs(a.position.x - b.position.x) < NODE_WIDTH && Math.abs(a.position.y - b.position.y) < NODE_HEIGHT,
    ),
  );

describe("slotAfter", () => {
  it("is one column right of the node, on its row, when that is free", () => {
    const g = graph([["a", "trigger.manual", 100, 200]]);
    expect(slotAfter(g, node(g, "a"))).toEqual({ x: 100 + NODE_WIDTH + COLUMN_GAP, y: 200 });
  });

  it("steps down past every node in the way, never up, and the slot overlaps nothing", () => {
    const x = 100 + NODE_WIDTH + COLUMN_GAP;
    const g = graph([
      ["a", "trigger.manual", 100, 200],
      ["b", "data.set", x, 200],
      ["c", "data.set", x + 30, 200 + ROW_STEP - 10],
      ["up", "data.set", x, 200 - ROW_STEP],
    ]);
    const p = slotAfter(g, node(g, "a"));
    expect(p).toEqual({ x, y: 200 + 2 * ROW_STEP });
    expect(isOccupied(g, p)).toBe(false);
  });

  it("starts a row lower per output port, so a condition's branches do not land on each other", () => {
    const g = graph([["if", "flow.condition", 0, 0]]);
    expect(slotAfter(g, node(g, "if"), 1)).toEqual({ x: NODE_WIDTH + COLUMN_GAP, y: ROW_STEP });
  });
});

describe("adding from an output port (store)", () => {
  const s = () => useCanvasStore.getState();
  beforeEach(() => {
    s().reset();
    s().setKinds(NODE_KINDS);
    s().load({
      summary: { id: "w", name: "W", version: 1 },
      graph: { nodes: [{ id: "if", kind: "flow.condition", label: "Is it urgent?", position: { x: 0, y: 0 }, config: {} }], edges: [] },
    });
  });

  it("connects the new node from that port, beside it, as one undo step", () => {
    const t = s().addNode("data.set", undefined, { after: "if", port: "true" });
    const f = s().addNode("http.request", undefined, { after: "if", port: "false" });
    expect(s().edges.map((e) => [e.source, e.sourceHandle, e.target])).toEqual([
      ["if", "true", t],
      ["if", "false", f],
    ]);
    const pos = (id: string) => s().nodes.find((n) => n.id === id)!.position;
    expect(pos(t).x).toBeGreaterThan(NODE_WIDTH);
    expect(pos(f).y).toBeGreaterThan(pos(t).y);
    expect(overlaps(s())).toBe(false);
    expect(s().undo()).toBe(true);
    expect(s().nodes.map((n) => n.id)).toEqual(["if", t]);
    expect(s().edges).toHaveLength(1);
  });

  it("from the error port too", () => {
    const id = s().addNode("integration.slack", undefined, { after: "if", port: "error" });
    expect(s().edges).toEqual([expect.objectContaining({ source: "if", sourceHandle: "error", target: id })]);
  });
});

describe("insertOnEdge", () => {
  const ids = { into: "e-in", out: "e-out" };

  it("puts the node between the two ends on the edge's ports, replacing the edge, making room downstream", () => {
    const g = graph(
      [
        ["if", "flow.condition", 0, 0],
        ["b", "data.set", 300, 0],
        ["c", "output", 600, 0],
        ["other", "output", 300, 400],
      ],
      [
        ["e1", "if", "b", "true"],
        ["e2", "b", "c", null],
      ],
    );
    const r = insertOnEdge(g, "e1", { id: "n", kind: "http.request", label: "HTTP" }, ids, kinds);
    expect(r.reason).toBeNull();
    expect(r.graph.edges.map((e) => [e.id, e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ["e2", "b", null, "c", null],
      ["e-in", "if", "true", "n", null],
      ["e-out", "n", null, "b", null],
    ]);
    const x = (id: string) => node(r.graph, id).position.x;
    expect(x("n")).toBe(NODE_WIDTH + COLUMN_GAP);
    expect(node(r.graph, "n").position.y).toBe(0);
    // b and what follows it moved right just enough; a node not downstream stayed.
    expect(x("b")).toBe(x("n") + NODE_WIDTH + COLUMN_GAP);
    expect(x("c") - x("b")).toBe(300);
    expect(x("other")).toBe(300);
    expect(overlaps(r.graph)).toBe(false);
  });

  it("moves nothing when there is room already", () => {
    const g = graph(
      [
        ["a", "trigger.manual", 0, 0],
        ["b", "output", 1000, 0],
      ],
      [["e", "a", "b", null]],
    );
    const r = insertOnEdge(g, "e", { id: "n", kind: "data.set", label: "Set" }, ids, kinds);
    expect(node(r.graph, "b").position).toEqual({ x: 1000, y: 0 });
    expect(r.graph.nodes).toHaveLength(3);
  });

  it("refuses, changing nothing, when the rules refuse one of the two connections", () => {
    // An LLM's text output gives text; a Set node takes objects.
    const g = graph(
      [
        ["llm", "ai.llm", 0, 0],
        ["out", "output", 300, 0],
      ],
      [["e", "llm", "out", "text"]],
    );
    const r = insertOnEdge(g, "e", { id: "n", kind: "data.set", label: "Set" }, ids, kinds);
    expect(r.graph).toBe(g);
    expect(r.reason).toMatch(/gives text on “text”, but “Set” takes objects/);
    const trigger = insertOnEdge(g, "e", { id: "n", kind: "trigger.manual", label: "T" }, ids, kinds);
    expect(trigger.graph).toBe(g);
    expect(trigger.reason).toMatch(/no input/);
  });

  it("is one undo step through the store, and the new node is selected", () => {
    const s = useCanvasStore.getState;
    s().reset();
    s().setKinds(NODE_KINDS);
    s().load({
      summary: { id: "w", name: "W", version: 1 },
      graph: {
        nodes: [
          { id: "a", kind: "trigger.manual", label: "A", position: { x: 0, y: 0 }, config: {} },
          { id: "b", kind: "output", label: "B", position: { x: 280, y: 0 }, config: {} },
        ],
        edges: [{ id: "e", source: "a", sourceHandle: null, target: "b", targetHandle: null }],
      },
    });
    const before = JSON.stringify(s().toGraph());
    const r = s().insertNode("ai.llm", "e");
    expect("id" in r).toBe(true);
    expect(s().nodes).toHaveLength(3);
    expect(s().edges.map((e) => `${e.source}>${e.target}`)).toEqual([`a>${"id" in r ? r.id : ""}`, `${"id" in r ? r.id : ""}>b`]);
    expect(s().selectedNodeIds()).toEqual(["id" in r ? r.id : ""]);
    expect(s().past.map((p) => p.label)).toEqual(["Insert node"]);
    s().undo();
    expect(JSON.stringify(s().toGraph())).toBe(before);
    expect(s().insertNode("trigger.manual", "e")).toEqual({ reason: expect.stringMatching(/no input/) });
    expect(s().past).toHaveLength(0);
  });
});

describe("connectedOutputs", () => {
  it("lists the ports edges leave from, main for a null handle", () => {
    const g = graph(
      [
        ["if", "flow.condition", 0, 0],
        ["a", "data.set", 300, 0],
        ["b", "data.set", 300, 200],
      ],
      [
        ["e1", "if", "a", "false"],
        ["e2", "a", "b", null],
      ],
    );
    const ports = connectedOutputs(g.edges);
    expect([...(ports.get("if") ?? [])]).toEqual(["false"]);
    expect([...(ports.get("a") ?? [])]).toEqual(["main"]);
    expect(ports.get("b")).toBeUndefined();
  });
});

describe("freeSpotNear", () => {
  it("finds room for a group frame's whole area, not a node's: a frame dropped over nodes would seem to hold them", async () => {
    const { freeSpotNear, GROUP_SIZE } = await import("./store");
    const g = graph([
      ["a", "trigger.manual", 0, 0],
      ["b", "data.set", 0, 140],
    ]);
    const near = { x: -40, y: -60 };
    // A node fits just above the two.
    expect(isOccupied(g, freeSpotNear(g, near))).toBe(false);
    const spot = freeSpotNear(g, near, undefined, GROUP_SIZE);
    expect(isOccupied(g, spot, GROUP_SIZE)).toBe(false);
    for (const n of g.nodes) {
      const inside =
        n.position.x >= spot.x && n.position.x < spot.x + GROUP_SIZE.width && n.position.y >= spot.y && n.position.y < spot.y + GROUP_SIZE.height;
      expect(inside, `${n.id} under the frame at ${JSON.stringify(spot)}`).toBe(false);
    }
  });
});

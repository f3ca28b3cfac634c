// Tests the canvas's own items: which nodes a group frames, what a collapsed group shows (members hidden, crossing
// connections drawn to it), that dragging a group carries its members as one undo step, and notes' defaults.
import { beforeEach, describe, expect, it } from "vitest";
import { NODE_KINDS } from "../../test/core";
import { addNode, collapsedView, emptyGraph, groupMembers, setConfig, useCanvasStore, type CanvasGraph } from "./store";

function framed(): CanvasGraph {
  let g = emptyGraph();
  g = addNode(g, { id: "grp", kind: "group", label: "Enrich", position: { x: 0, y: 0 } });
  g = addNode(g, { id: "in", kind: "data.set", label: "Inside", position: { x: 40, y: 60 } });
  g = addNode(g, { id: "out", kind: "trigger.manual", label: "Outside", position: { x: -400, y: 60 } });
  g = addNode(g, { id: "after", kind: "output", label: "After", position: { x: 800, y: 60 } });
  g = {
    ...g,
    edges: [
      { id: "e1", source: "out", target: "in", sourceHandle: null, targetHandle: null },
      { id: "e2", source: "in", target: "after", sourceHandle: null, targetHandle: null },
    ],
  };
  return g;
}

describe("groups", () => {
  it("frame the nodes wholly inside them", () => {
    const g = framed();
    expect(groupMembers(g.nodes[0], g.nodes)).toEqual(["in"]);
    expect(g.nodes[0]).toMatchObject({ type: "group", zIndex: -1, width: 480, height: 280 });
  });

  it("collapsed, hide their members and draw the crossing connections to themselves", () => {
    let g = framed();
    expect(collapsedView(g)).toBe(g);
    g = setConfig(g, "grp", { width: 480, height: 280, collapsed: true });
    const v = collapsedView(g);
    expect(v.nodes.find((n) => n.id === "in")?.hidden).toBe(true);
    expect(v.nodes.find((n) => n.id === "grp")?.width).toBeUndefined();
    expect(v.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ["out", null, "grp", "group-in"],
      ["grp", "group-out", "after", null],
    ]);
    expect(v.edges.every((e) => e.selectable === false)).toBe(true);
    // The stored graph is untouched.
    expect(g.edges.map((e) => e.id)).toEqual(["e1", "e2"]);
  });
});

describe("dragging a group", () => {
  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(NODE_KINDS);
  });

  it("carries its members along, as one undo step", () => {
    const s = useCanvasStore.getState;
    const grp = s().addNode("group", { x: 0, y: 0 });
    const inner = s().addNode("data.set", { x: 40, y: 60 });
    const outer = s().addNode("output", { x: 900, y: 0 });
    const steps = s().past.length;
    for (const x of [10, 60, 100]) s().onNodesChange([{ type: "position", id: grp, position: { x, y: 20 }, dragging: true }]);
    s().onNodesChange([{ type: "position", id: grp, position: { x: 100, y: 20 }, dragging: false }]);
    const at = (id: string) => s().nodes.find((n) => n.id === id)!.position;
    expect(at(grp)).toEqual({ x: 100, y: 20 });
    expect(at(inner)).toEqual({ x: 140, y: 80 });
    expect(at(outer)).toEqual({ x: 900, y: 0 });
    expect(s().past.length).toBe(steps + 1);
    s().undo();
    expect(at(inner)).toEqual({ x: 40, y: 60 });
  });

  it("notes and groups start with their own settings and connect to nothing", () => {
    const s = useCanvasStore.getState;
    const note = s().addNode("note");
    const set = s().addNode("data.set");
    expect(s().nodes.find((n) => n.id === note)?.data.config).toEqual({ text: "", color: "yellow" });
    expect(s().connect({ source: note, target: set })).toBe(false);
    expect(s().connect({ source: set, target: note })).toBe(false);
  });
});

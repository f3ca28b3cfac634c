// Tests the canvas's level-of-detail rules: the far/near choice, viewport culling, hit-testing, mount planning, node
// sizes and edge anchors before React Flow measures, and the derived nodes React Flow is given.
import { describe, expect, it } from "vitest";
import { NODE_KINDS } from "../../test/core";
import { benchGraph } from "../../../bench/graph.mjs";
import {
  bezierControls,
  chooseDetail,
  countIn,
  estimateSize,
  FAR_ZOOM,
  FAR_ZOOM_HYSTERESIS,
  hitTest,
  MAX_DOM_NODES_IN_VIEW,
  nodesIn,
  planMounts,
  portAnchor,
  visibleRect,
  type Placed,
} from "./lod";
import { hiddenNode, shownNode } from "./lodGraph";
import { fromDoc } from "./graph";

const kinds = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k]));
const box = (id: string, x: number, y: number, width = 220, height = 64): Placed => ({ id, x, y, width, height });

describe("level of detail", () => {
  it("goes far below the zoom threshold and near above it, with hysteresis", () => {
    expect(chooseDetail("near", 1, 20)).toBe("near");
    expect(chooseDetail("near", FAR_ZOOM - 0.01, 20)).toBe("near"); // inside the hysteresis band: stays
    expect(chooseDetail("near", FAR_ZOOM - FAR_ZOOM_HYSTERESIS - 0.01, 20)).toBe("far");
    expect(chooseDetail("far", FAR_ZOOM - 0.01, 20)).toBe("far");
    expect(chooseDetail("far", FAR_ZOOM, 20)).toBe("near");
    expect(chooseDetail("far", 0.05, 0)).toBe("far");
  });

  it("goes far when too many nodes are in view, whatever the zoom", () => {
    expect(chooseDetail("near", 1.5, MAX_DOM_NODES_IN_VIEW + 1)).toBe("far");
    expect(chooseDetail("near", 1.5, MAX_DOM_NODES_IN_VIEW)).toBe("near");
    // Back to near only well under the limit.
    expect(chooseDetail("far", 1.5, MAX_DOM_NODES_IN_VIEW)).toBe("far");
    expect(chooseDetail("far", 1.5, MAX_DOM_NODES_IN_VIEW * 0.5)).toBe("near");
  });

  it("maps the viewport transform to the flow rect in view, with a margin", () => {
    expect(visibleRect([0, 0, 1], 1000, 800)).toEqual({ x: 0, y: 0, width: 1000, height: 800 });
    expect(visibleRect([-200, 100, 0.5], 1000, 800)).toEqual({ x: 400, y: -200, width: 2000, height: 1600 });
    expect(visibleRect([0, 0, 1], 1000, 800, 0.5)).toEqual({ x: -500, y: -400, width: 2000, height: 1600 });
  });

  it("culls to the nodes that overlap the view, even partly", () => {
    const nodes = [box("in", 100, 100), box("edge", 950, 780), box("left", -300, 0), box("below", 0, 900)];
    const view = visibleRect([0, 0, 1], 1000, 800);
    expect(nodesIn(nodes, view)).toEqual(["in", "edge"]);
    expect(countIn(nodes, view)).toBe(2);
    // A node touching the view's edge exactly is not in it.
    expect(nodesIn([box("touch", 1000, 0)], view)).toEqual([]);
  });

  it("hit-tests a point to the topmost node, with slop for tiny nodes", () => {
    const nodes = [box("under", 0, 0), box("over", 100, 20)];
    expect(hitTest(nodes, { x: 150, y: 40 })).toBe("over");
    expect(hitTest(nodes, { x: 50, y: 40 })).toBe("under");
    expect(hitTest(nodes, { x: 50, y: 70 })).toBeNull();
    expect(hitTest(nodes, { x: 50, y: 70 }, 10)).toBe("under");
    expect(hitTest([], { x: 0, y: 0 })).toBeNull();
  });

  it("hit-tests the generated 5,000-node graph at a far zoom", () => {
    const g = fromDoc(benchGraph(5000));
    const placed = g.nodes.map((n) => ({ id: n.id, ...n.position, ...estimateSize(kinds[n.data.kind], n.data.config) }));
    const target = g.nodes[1234];
    const { width, height } = estimateSize(kinds[target.data.kind], target.data.config);
    const centre = { x: target.position.x + width / 2, y: target.position.y + height / 2 };
    expect(hitTest(placed, centre)).toBe(target.id);
    // Mid-gap between two columns (80 flow px apart) nothing is hit; 3 screen px of slop at zoom 0.05 (60 flow px)
    // reaches both neighbours, and the topmost (later in drawing order: the next column's) wins.
    const gap = { x: target.position.x + width + 40, y: centre.y };
    expect(hitTest(placed, gap, 1)).toBeNull();
    const rows = Math.round(Math.sqrt(5000 * 1.6));
    expect(hitTest(placed, gap, 3 / 0.05)).toBe(g.nodes[1234 + rows].id);
  });

  it("mounts nearest first within a budget and drops what is no longer kept", () => {
    const none = new Set<string>();
    const first = planMounts(none, ["a", "b", "c", "d"], () => true, 2);
    expect([...first.mounted]).toEqual(["a", "b"]);
    expect(first.pending).toBe(2);
    const second = planMounts(first.mounted, ["c", "d"], () => true, 2);
    expect([...second.mounted].sort()).toEqual(["a", "b", "c", "d"]);
    expect(second.pending).toBe(0);
    // Nothing to add or drop: the same set object (no re-render downstream).
    expect(planMounts(second.mounted, [], () => true, 2).mounted).toBe(second.mounted);
    const dropped = planMounts(second.mounted, [], (id) => id !== "b", 2);
    expect([...dropped.mounted].sort()).toEqual(["a", "c", "d"]);
  });

  it("sizes nodes as FlowNodeView draws them: one row per named port", () => {
    expect(estimateSize(kinds["trigger.manual"], {})).toEqual({ width: 220, height: 64 });
    expect(estimateSize(kinds["http.request"], {})).toEqual({ width: 220, height: 64 });
    expect(estimateSize(kinds["ai.llm"], {})).toEqual({ width: 220, height: 108 });
    expect(estimateSize(kinds["flow.condition"], {})).toEqual({ width: 220, height: 108 });
    const switchWithRules = { rules: [{ port: "a" }, { port: "b" }, { port: "c" }] };
    expect(estimateSize(kinds["flow.switch"], switchWithRules)).toEqual({ width: 220, height: 148 });
  });

  it("anchors edges where React Flow attaches them: handle edges, port rows, the error port at the bottom", () => {
    const at = { x: 100, y: 200, width: 220, height: 108 };
    expect(portAnchor({ ...at, height: 64 }, kinds["http.request"], {}, "source", null)).toEqual({ x: 324, y: 232, side: "right" });
    expect(portAnchor({ ...at, height: 64 }, kinds["http.request"], {}, "target", null)).toEqual({ x: 96, y: 232, side: "left" });
    expect(portAnchor(at, kinds["flow.condition"], {}, "source", "true")).toEqual({ x: 324, y: 271.5, side: "right" });
    expect(portAnchor(at, kinds["flow.condition"], {}, "source", "false")).toEqual({ x: 324, y: 291.5, side: "right" });
    expect(portAnchor(at, kinds["flow.condition"], {}, "target", null)).toEqual({ x: 96, y: 263.5, side: "left" });
    expect(portAnchor(at, kinds["flow.condition"], {}, "source", "error").side).toBe("bottom");
  });

  it("bends edges like React Flow's bezier: half the distance forward, a curve back when the target is behind", () => {
    expect(bezierControls(0, 0, "right", 200, 100, "left")).toEqual([100, 0, 100, 100]);
    const [c1x, , c2x] = bezierControls(200, 0, "right", 0, 0, "left");
    expect(c1x).toBeCloseTo(200 + 0.25 * 25 * Math.sqrt(200));
    expect(c2x).toBeCloseTo(0 - 0.25 * 25 * Math.sqrt(200));
  });

  it("gives React Flow one stable object per node and role, sized in advance", () => {
    const [n] = fromDoc(benchGraph(3)).nodes;
    const hidden = hiddenNode(n, kinds);
    expect(hidden).toMatchObject({ id: n.id, hidden: true, measured: { width: 220, height: 64 } });
    expect(hiddenNode(n, kinds)).toBe(hidden);
    const shown = shownNode(n, kinds);
    expect(shown.hidden).toBeUndefined();
    expect(shown.measured).toEqual({ width: 220, height: 64 });
    expect(shownNode(n, kinds)).toBe(shown);
    // Once React Flow has measured a node, the store's object itself is shown.
    const measured = { ...n, measured: { width: 220, height: 70 } };
    expect(shownNode(measured, kinds)).toBe(measured);
    expect(hiddenNode(measured, kinds).measured).toEqual({ width: 220, height: 70 });
  });
});

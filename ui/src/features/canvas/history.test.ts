// Tests graph comparison, restoring a version as one undo step, and that the core imports nothing from an invalid file
// (which saves become versions and how files parse are the core's, tested in Rust).
import { beforeEach, describe, expect, it } from "vitest";
import { api, type WorkflowGraph } from "../../ipc";
import { NODE_KINDS, useCore } from "../../test/core";
import { uuidv7 } from "../../shared/uuidv7";
import { describeDiff, diffGraphs } from "./diff";
import { useCanvasStore } from "./store";

const n = (id: string, kind: string, label: string, x = 0, config: Record<string, unknown> = {}) => ({
  id,
  kind,
  label,
  position: { x, y: 0 },
  config: config as never,
});
const e = (id: string, source: string, target: string, sourceHandle: string | null = null) => ({ id, source, sourceHandle, target, targetHandle: null });

describe("comparing two graphs", () => {
  const older: WorkflowGraph = {
    nodes: [n("a", "trigger.manual", "Start"), n("b", "data.set", "Set", 300, { fields: { x: 1 } }), n("c", "output", "Out", 600)],
    edges: [e("ab", "a", "b"), e("bc", "b", "c")],
  };

  it("marks added, removed, changed and moved nodes and added and removed edges", () => {
    const newer: WorkflowGraph = {
      nodes: [n("a", "trigger.manual", "Start", 40), n("b", "data.set", "Set", 300, { fields: { x: 2 } }), n("d", "http.request", "Call", 600)],
      edges: [e("ab2", "a", "b"), e("bd", "b", "d")],
    };
    const d = diffGraphs(older, newer);
    expect(d.nodes.get("a")).toEqual({ id: "a", status: "moved", changes: ["position"] });
    expect(d.nodes.get("b")).toEqual({ id: "b", status: "changed", changes: ["settings"] });
    expect(d.nodes.get("c")?.status).toBe("removed");
    expect(d.nodes.get("d")?.status).toBe("added");
    // The same connection with a new id is no change.
    expect(d.edges.get("ab2")?.status).toBe("same");
    expect(d.edges.get("bd")?.status).toBe("added");
    expect(d.edges.get("bc")?.status).toBe("removed");
    expect(d.graph.nodes.map((x) => x.id)).toEqual(["a", "b", "d", "c"]);
    expect(describeDiff(d)).toBe("1 added, 1 removed, 1 changed, 1 moved · 1 connection added, 1 removed");
  });

  it("finds no difference in the same graph, key order in settings aside", () => {
    const same: WorkflowGraph = structuredClone(older);
    same.nodes[1].config = { fields: { x: 1 } };
    expect(describeDiff(diffGraphs(older, same))).toBe("No differences");
  });
});

describe("restoring on the canvas", () => {
  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(NODE_KINDS);
  });

  it("puts the version's graph on the canvas as one undo step", () => {
    const s = useCanvasStore.getState;
    s().addNode("trigger.manual");
    s().addNode("output");
    const before = s().toGraph();
    const old: WorkflowGraph = { nodes: [n(uuidv7(), "trigger.manual", "Old start")], edges: [] };
    expect(s().replaceGraph(old, "Restore v2")).toBe(true);
    expect(s().toGraph()).toEqual(old);
    expect(s().past.at(-1)?.label).toBe("Restore v2");
    s().undo();
    expect(s().toGraph()).toEqual(before);
    expect(s().replaceGraph(before, "Restore v3")).toBe(false);
  });
});

describe("importing files", () => {
  useCore();

  it("imports nothing when the graph is invalid", async () => {
    const before = (await api.workflowList(null)).length;
    await expect(api.workflowImport(JSON.stringify({ nodes: [{ id: "a", type: "no.such" }] }), "Bad.json")).rejects.toMatchObject({ code: "invalid_input" });
    expect((await api.workflowList(null)).length).toBe(before);
    const ok = await api.workflowImport(JSON.stringify({ nodes: [{ id: "a", type: "trigger.manual" }] }), "From React Flow.json");
    expect(ok.workflow.name).toBe("From React Flow");
    expect((await api.workflowVersions(ok.workflow.id))[0].kind).toBe("IMPORT");
  });
});

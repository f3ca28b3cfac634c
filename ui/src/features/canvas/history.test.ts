// Tests graph comparison, the version history of the in-memory backend (which saves become versions), restoring a
// version as one undo step, and importing graph files and React Flow JSON.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, setBackend, type WorkflowGraph } from "../../ipc";
import { createMemoryBackend, MEMORY_NODE_KINDS } from "../../ipc/memory";
import { AUTOSAVE_CHECKPOINT_MS, parseImport } from "../../ipc/memoryFiles";
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

describe("saved versions", () => {
  let clock = Date.parse("2026-12-01T10:00:00Z");
  beforeEach(() => {
    clock = Date.parse("2026-12-01T10:00:00Z");
    setBackend(createMemoryBackend({ now: () => new Date(clock) }));
  });
  afterEach(() => setBackend(null));

  it("keeps every explicit save and restore, and autosaves only at checkpoints", async () => {
    const w = await api.workflowCreate("Versions");
    const g = (label: string): WorkflowGraph => ({ nodes: [n(uuidv7(), "trigger.manual", label)], edges: [] });
    await api.workflowSaveGraph(w.id, g("one"));
    await api.workflowSaveGraph(w.id, g("two"), { kind: "AUTOSAVE" });
    clock += AUTOSAVE_CHECKPOINT_MS + 1;
    await api.workflowSaveGraph(w.id, g("three"), { kind: "AUTOSAVE" });
    await api.workflowSaveGraph(w.id, g("four"), { kind: "RESTORE", label: "Restored v2" });
    const list = await api.workflowVersions(w.id);
    expect(list.map((v) => [v.version, v.kind, v.label])).toEqual([
      [5, "RESTORE", "Restored v2"],
      [4, "AUTOSAVE", ""],
      [2, "SAVE", ""],
    ]);
    expect((await api.workflowVersionGet(list[2].id)).graph.nodes[0].label).toBe("one");
    expect(list[0].author).toBe("you@localhost");
  });
});

describe("restoring on the canvas", () => {
  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(MEMORY_NODE_KINDS);
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
  it("reads graph files and React Flow JSON with fresh ids, edges following", () => {
    const file = JSON.stringify({ format: "neuroflow.graph", version: 1, name: "Orders", nodes: [n("x1", "trigger.manual", "Go"), n("x2", "output", "Done", 300)], edges: [e("e", "x1", "x2")] });
    const a = parseImport(file);
    expect(a.name).toBe("Orders");
    expect(a.graph.nodes.map((x) => x.id)).not.toContain("x1");
    expect(a.graph.edges[0]).toMatchObject({ source: a.graph.nodes[0].id, target: a.graph.nodes[1].id });
    const flow = JSON.stringify({ nodes: [{ id: 1, type: "trigger.manual", position: { x: 0, y: 0 }, data: {} }, { id: "2", type: "flow", data: { kind: "output", label: "End" } }], edges: [{ source: 1, target: "2" }] });
    const b = parseImport(flow);
    expect(b.source).toBe("React Flow");
    expect(b.graph.nodes.map((x) => [x.kind, x.label])).toEqual([["trigger.manual", "trigger.manual"], ["output", "End"]]);
  });

  it.each([
    ["nope", /not a graph file/],
    ["[1]", /JSON object/],
    ['{"format":"x"}', /format is 'x'/],
    ['{"nodes":[{"id":"a"}]}', /no kind/],
    ['{"nodes":[{"id":"a","type":"output"}],"edges":[{"source":"a","target":"b"}]}', /not in the file/],
  ])("refuses %s", (text, why) => {
    expect(() => parseImport(text)).toThrow(why);
  });

  it("imports nothing when the graph is invalid", async () => {
    setBackend(createMemoryBackend());
    const before = (await api.workflowList(null)).length;
    await expect(api.workflowImport(JSON.stringify({ nodes: [{ id: "a", type: "no.such" }] }), "Bad.json")).rejects.toMatchObject({ code: "invalid_input" });
    expect((await api.workflowList(null)).length).toBe(before);
    const ok = await api.workflowImport(JSON.stringify({ nodes: [{ id: "a", type: "trigger.manual" }] }), "From React Flow.json");
    expect(ok.workflow.name).toBe("From React Flow");
    expect((await api.workflowVersions(ok.workflow.id))[0].kind).toBe("IMPORT");
    setBackend(null);
  });
});

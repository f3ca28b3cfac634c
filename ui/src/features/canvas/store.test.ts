// Tests the canvas graph edits and the zustand store (dirty flag, save round trip) against the real core (its dev server).
import { beforeEach, describe, expect, it } from "vitest";
import { activeBackend, api, setBackend, type GraphChanges, type WorkflowDoc, type WorkflowGraph } from "../../ipc";
import { NODE_KINDS, useCore } from "../../test/core";
import { isUuidV7, uuidv7 } from "../../shared/uuidv7";
import {
  addNode,
  canConnect,
  connect,
  deleteNodes,
  emptyGraph,
  fromDoc,
  gridPosition,
  moveNode,
  nextFreePosition,
  renameNode,
  toGraph,
  useCanvasStore,
  type CanvasGraph,
} from "./store";

useCore();

/** The same graph whatever the order of its elements (the core keeps them in its own order). */
const byId = (g: WorkflowGraph) => ({
  nodes: [...g.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  edges: [...g.edges].sort((a, b) => a.id.localeCompare(b.id)),
});

const kinds = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k]));

function threeNodes(): CanvasGraph {
  let g = emptyGraph();
  g = addNode(g, { id: "a", kind: "trigger.manual", label: "Start", position: { x: 0, y: 0 } });
  g = addNode(g, { id: "b", kind: "ai.agent", label: "Agent", position: { x: 300, y: 0 } });
  g = addNode(g, { id: "c", kind: "output", label: "Out", position: { x: 600, y: 0 } });
  return g;
}

const sampleGraph: WorkflowGraph = {
  nodes: [
    { id: uuidv7(), kind: "trigger.webhook", label: "Hook", position: { x: 80.5, y: -12.25 }, config: { path: "/in", n: [1, true, null] } },
    { id: uuidv7(), kind: "ai.agent", label: "Agent ✨", position: { x: 360, y: 80 }, config: {} },
    { id: uuidv7(), kind: "output", label: "Done", position: { x: 640, y: 80 }, config: null },
  ],
  edges: [],
};
sampleGraph.edges = [
  { id: uuidv7(), source: sampleGraph.nodes[0].id, sourceHandle: null, target: sampleGraph.nodes[1].id, targetHandle: null },
  { id: uuidv7(), source: sampleGraph.nodes[1].id, sourceHandle: "out", target: sampleGraph.nodes[2].id, targetHandle: "in" },
];

describe("graph edits", () => {
  it("places nodes on the grid by node count", () => {
    expect([0, 1, 3, 4, 9].map(gridPosition)).toEqual([
      { x: 80, y: 80 },
      { x: 360, y: 80 },
      { x: 920, y: 80 },
      { x: 80, y: 240 },
      { x: 360, y: 400 },
    ]);
    let g = emptyGraph();
    for (let i = 0; i < 6; i++) g = addNode(g, { id: `n${i}`, kind: "ai.agent", label: "x", position: nextFreePosition(g) });
    expect(g.nodes.map((n) => n.position)).toEqual([0, 1, 2, 3, 4, 5].map(gridPosition));
  });

  it("skips a grid slot that a node already covers", () => {
    let g = addNode(emptyGraph(), { id: "moved", kind: "ai.agent", label: "x", position: gridPosition(1) });
    expect(nextFreePosition(g)).toEqual(gridPosition(2));
    g = moveNode(g, "moved", { x: 2000, y: 2000 });
    expect(nextFreePosition(g)).toEqual(gridPosition(1));
  });

  it("connects nodes and refuses self loops, duplicates and missing ends", () => {
    const g = threeNodes();
    const g1 = connect(g, { source: "a", target: "b" }, "e1");
    expect(g1.edges).toEqual([{ id: "e1", source: "a", sourceHandle: null, target: "b", targetHandle: null }]);
    expect(connect(g1, { source: "a", target: "b" }, "e2")).toBe(g1);
    expect(connect(g1, { source: "a", target: "b", sourceHandle: null, targetHandle: null }, "e2")).toBe(g1);
    expect(connect(g1, { source: "b", target: "b" }, "e3")).toBe(g1);
    expect(connect(g1, { source: "a", target: "zzz" }, "e4")).toBe(g1);
    expect(canConnect(g1, { source: "b", target: "b" })).toEqual({ ok: false, reason: expect.stringContaining("itself") });
    // The other direction is a different edge.
    expect(connect(g1, { source: "b", target: "a" }, "e5").edges).toHaveLength(2);
  });

  it("refuses connections into a node without input or out of one without output", () => {
    const g = threeNodes();
    expect(connect(g, { source: "b", target: "a" }, "x", kinds)).toBe(g);
    expect(connect(g, { source: "c", target: "b" }, "x", kinds)).toBe(g);
    expect(connect(g, { source: "b", target: "c" }, "x", kinds).edges).toHaveLength(1);
  });

  it("moves a node and leaves the graph untouched for a no-op move", () => {
    const g = threeNodes();
    const moved = moveNode(g, "b", { x: 10, y: 20 });
    expect(moved.nodes[1].position).toEqual({ x: 10, y: 20 });
    expect(g.nodes[1].position).toEqual({ x: 300, y: 0 });
    expect(moveNode(moved, "b", { x: 10, y: 20 })).toBe(moved);
  });

  it("deletes nodes together with their edges", () => {
    let g = threeNodes();
    g = connect(g, { source: "a", target: "b" }, "e1");
    g = connect(g, { source: "b", target: "c" }, "e2");
    g = connect(g, { source: "a", target: "c" }, "e3");
    const d = deleteNodes(g, ["b"]);
    expect(d.nodes.map((n) => n.id)).toEqual(["a", "c"]);
    expect(d.edges.map((e) => e.id)).toEqual(["e3"]);
    expect(deleteNodes(d, ["nope"])).toBe(d);
  });

  it("renames with trimming and ignores empty labels", () => {
    const g = threeNodes();
    expect(renameNode(g, "a", "  Kick off ").nodes[0].data.label).toBe("Kick off");
    expect(renameNode(g, "a", "   ")).toBe(g);
    expect(renameNode(g, "a", "Start")).toBe(g);
  });

  it("round-trips a WorkflowGraph losslessly", () => {
    const back = toGraph(fromDoc(sampleGraph));
    expect(back).toEqual(sampleGraph);
    expect(back.nodes[0].config).not.toBe(sampleGraph.nodes[0].config);
  });
});

describe("canvas store", () => {
  const doc = (): WorkflowDoc => ({
    summary: {
      id: uuidv7(),
      name: "W",
      description: "",
      version: 1,
      nodeCount: 3,
      isActive: false,
      updatedAt: new Date().toISOString(),
      runs: 0,
      lastRunAt: null,
    },
    graph: structuredClone(sampleGraph),
    settings: { allowPrivateNetwork: false },
  });

  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(NODE_KINDS);
  });

  it("loads clean and gives back the same graph", () => {
    const d = doc();
    useCanvasStore.getState().load(d);
    expect(useCanvasStore.getState().dirty).toBe(false);
    expect(useCanvasStore.getState().toGraph()).toEqual(d.graph);
  });

  it("marks dirty on real edits only", () => {
    const s = () => useCanvasStore.getState();
    s().load(doc());
    const [n0, n1, n2] = s().nodes.map((n) => n.id);

    s().onNodesChange([{ type: "select", id: n0, selected: true }]);
    s().onNodesChange([{ type: "dimensions", id: n0, dimensions: { width: 220, height: 64 } }]);
    expect(s().dirty).toBe(false);
    expect(s().nodes[0].selected).toBe(true);

    expect(s().connect({ source: n0, target: n1 })).toBe(false); // duplicate of the loaded edge
    expect(s().connect({ source: n0, target: n0 })).toBe(false);
    s().renameNode(n0, "Hook");
    expect(s().dirty).toBe(false);

    s().onNodesChange([{ type: "position", id: n2, position: { x: 700, y: 90 }, dragging: true }]);
    expect(s().dirty).toBe(true);
    expect(s().nodes[2].position).toEqual({ x: 700, y: 90 });
  });

  it("adds nodes with UUIDv7 ids on the grid, with the kind's label", () => {
    const s = () => useCanvasStore.getState();
    const id = s().addNode("trigger.manual");
    const id2 = s().addNode("http.request");
    expect(isUuidV7(id) && isUuidV7(id2)).toBe(true);
    expect(s().nodes.map((n) => [n.data.label, n.position])).toEqual([
      ["Manual trigger", { x: 80, y: 80 }],
      ["HTTP request", { x: 360, y: 80 }],
    ]);
    expect(s().connect({ source: id, target: id2 })).toBe(true);
    expect(isUuidV7(s().edges[0].id)).toBe(true);
    expect(s().dirty).toBe(true);
  });

  it("removing a node through React Flow changes also removes its edges", () => {
    const s = () => useCanvasStore.getState();
    s().load(doc());
    const mid = s().nodes[1].id;
    s().onNodesChange([{ type: "remove", id: mid }]);
    expect(s().nodes).toHaveLength(2);
    expect(s().edges).toHaveLength(0);
    expect(s().dirty).toBe(true);
  });

  it("saves through the IPC and reopening shows the same nodes and edges", async () => {
    const s = () => useCanvasStore.getState();
    const created = await api.workflowCreate("Round trip");
    s().load(await api.workflowGet(created.id));
    const a = s().addNode("trigger.manual");
    const b = s().addNode("ai.agent", { x: 512.5, y: 333 });
    s().connect({ source: a, target: b });
    s().renameNode(b, "Researcher");
    const expected = s().toGraph();

    const saved = await s().save();
    expect(saved?.version).toBe(2);
    expect(s().dirty).toBe(false);
    expect(s().summary?.version).toBe(2);

    s().reset();
    const reopened = await api.workflowGet(created.id);
    s().load(reopened);
    expect(byId(s().toGraph())).toEqual(byId(expected));
    expect(reopened.summary.nodeCount).toBe(2);
  });

  it("drafts and live checks send the unsaved changes and read as the saved graph with them made", async () => {
    const backend = activeBackend();
    const sent: GraphChanges[] = [];
    setBackend({
      ...backend,
      draftPut: (id, surface, base, changes) => {
        sent.push(changes);
        return backend.draftPut(id, surface, base, changes);
      },
    });
    try {
      const s = () => useCanvasStore.getState();
      const created = await api.workflowCreate("Drafted");
      s().load(await api.workflowGet(created.id));
      const a = s().addNode("trigger.manual");
      await s().save();
      // Unsaved: an HTTP node without its URL.
      const b = s().addNode("http.request");
      s().connect({ source: a, target: b });
      const changes = s().unsavedChanges();
      expect(changes.nodes.map((n) => n.id)).toEqual([b]);
      expect(changes.edges).toHaveLength(1);

      await api.draftPut(created.id, "workflow", 2, changes);
      expect(sent[0]).toEqual(changes);
      const draft = await api.draftGet(created.id);
      expect(draft?.graph).toEqual(s().toGraph());

      const check = await api.graphCheckChanges(created.id, "workflow", changes, {});
      expect(check.diagnostics.some((d) => d.nodeId === b)).toBe(true);
      expect(check.estimate).toBeNull();
      // The saved graph alone has no problem with that node (it is not there).
      const saved = await api.graphCheckChanges(created.id, "workflow", { nodes: [], edges: [], removedNodes: [], removedEdges: [] }, {});
      expect(saved.diagnostics.some((d) => d.nodeId === b)).toBe(false);
    } finally {
      setBackend(backend);
    }
  });

  it("someone else's saved change shows in place and this canvas's unsaved edit stays on top (the core rebases it)", async () => {
    const s = () => useCanvasStore.getState();
    const created = await api.workflowCreate("Shared");
    s().load(await api.workflowGet(created.id));
    const a = s().addNode("trigger.manual");
    const b = s().addNode("output");
    await s().save();
    expect(s().savedDiffers((await api.workflowGet(created.id)).graph)).toBe(false);

    // Unsaved here: node a renamed. Saved elsewhere meanwhile: node b renamed.
    s().renameNode(a, "Mine");
    const theirs = await api.workflowGet(created.id);
    const renamedB = theirs.graph.nodes.map((n) => (n.id === b ? { ...n, label: "Theirs" } : n));
    await api.workflowSaveChanges(created.id, { nodes: renamedB.filter((n) => n.id === b), edges: [], removedNodes: [], removedEdges: [] });
    const now = await api.workflowGet(created.id);
    expect(s().savedDiffers(now.graph)).toBe(true);

    await api.draftPut(created.id, "workflow", s().summary!.version, s().unsavedChanges());
    const withLocal = (await api.draftGet(created.id))!.graph;
    s().rebase(now, withLocal);
    const labels = Object.fromEntries(s().toGraph().nodes.map((n) => [n.id, n.label]));
    expect(labels[a]).toBe("Mine");
    expect(labels[b]).toBe("Theirs");
    expect(s().dirty).toBe(true);
    expect(s().summary?.version).toBe(now.summary.version);
    expect(s().past).toHaveLength(0);
    // What a save sends now is only this canvas's own edit.
    expect(s().unsavedChanges().nodes.map((n) => n.id)).toEqual([a]);
  });

  it("a save sends only what changed since the last save, and selecting or measuring is no change", async () => {
    const backend = activeBackend();
    const sent: GraphChanges[] = [];
    setBackend({
      ...backend,
      workflowSaveChanges: (id, changes, save) => {
        sent.push(changes);
        return backend.workflowSaveChanges(id, changes, save);
      },
    });
    try {
      const s = () => useCanvasStore.getState();
      const created = await api.workflowCreate("Deltas");
      s().load(await api.workflowGet(created.id));
      const ids = Array.from({ length: 50 }, (_, i) => s().addNode(i === 0 ? "trigger.manual" : "data.set", { x: i * 260, y: 0 }));
      for (let i = 1; i < ids.length; i++) s().connect({ source: ids[i - 1], target: ids[i] });
      await s().save();
      expect(sent[0].nodes).toHaveLength(50);
      expect(sent[0].edges).toHaveLength(49);

      // Selecting everything and React Flow measuring a node replace node objects without changing them.
      s().selectNodes(ids);
      s().onNodesChange([{ type: "dimensions", id: ids[3], dimensions: { width: 230, height: 90 } }]);
      s().renameNode(ids[7], "Enrich");
      s().deleteNodes([ids[49]]);
      await s().save();
      const second = sent[1];
      expect(second.nodes.map((n) => n.id)).toEqual([ids[7]]);
      expect(second.nodes[0].label).toBe("Enrich");
      expect(second.edges).toEqual([]);
      expect(second.removedNodes).toEqual([ids[49]]);
      expect(second.removedEdges).toHaveLength(1);

      // Nothing since: an empty change set; the stored graph is the canvas's.
      const expected = s().toGraph();
      await s().save({ kind: "SAVE" });
      expect(sent[2]).toEqual({ nodes: [], edges: [], removedNodes: [], removedEdges: [] });
      const stored = await api.workflowGet(created.id);
      expect(byId(stored.graph)).toEqual(byId(expected));
      expect(stored.summary.version).toBe(4);
    } finally {
      setBackend(backend);
    }
  });
});

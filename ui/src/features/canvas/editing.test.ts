// Tests the canvas editing layer: undo/redo across every edit kind, drag coalescing, the history cap, dirty tracking
// with save, clipboard parsing/remapping, duplicate, auto-layout, quick-add search and the shortcut table.
import { beforeEach, describe, expect, it } from "vitest";
import { api, type WorkflowDoc } from "../../ipc";
import { NODE_KINDS, useCore } from "../../test/core";
import { isUuidV7, uuidv7 } from "../../shared/uuidv7";
import {
  CLIPBOARD_FORMAT,
  extractSubgraph,
  parseClipboard,
  pasteOffset,
  pasteSubgraph,
  serializeClipboard,
  type ClipboardPayload,
} from "./clipboard";
import { searchKinds } from "./kindSearch";
import { layoutGraph } from "./layout";
import { shortcutFor, SHORTCUTS, type KeyLike } from "./shortcuts";
import { canConnect, HISTORY_LIMIT, useCanvasStore, type CanvasGraph } from "./store";

useCore();

const kinds = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k]));
const s = () => useCanvasStore.getState();
/** The graph content only (no selection, no measurements), for comparing states. */
const content = () => JSON.stringify(s().toGraph());
const labels = () => s().nodes.map((n) => n.data.label);
const selected = () => s().nodes.filter((n) => n.selected).map((n) => n.id);

const id = (n: number) => `01920000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
const A = id(1);
const B = id(2);
const C = id(3);

function doc(): WorkflowDoc {
  return {
    summary: { id: id(0xf00), name: "W", description: "", version: 1, nodeCount: 3, isActive: false, updatedAt: new Date().toISOString(), runs: 0, lastRunAt: null },
    graph: {
      nodes: [
        { id: A, kind: "trigger.manual", label: "Start", position: { x: 0, y: 0 }, config: {} },
        { id: B, kind: "ai.agent", label: "Agent", position: { x: 300, y: 0 }, config: { model: "m", tools: ["t"] } },
        { id: C, kind: "output", label: "Out", position: { x: 600, y: 0 }, config: {} },
      ],
      edges: [{ id: id(0x10), source: A, sourceHandle: null, target: B, targetHandle: null }],
    },
    settings: { allowPrivateNetwork: false },
  };
}

beforeEach(() => {
  s().reset();
  s().setKinds(NODE_KINDS);
  s().load(doc());
});

/** Runs an edit, then checks undo gives back the exact earlier content and redo the edited one. */
function roundTrip(edit: () => void, label: string) {
  const before = content();
  edit();
  const after = content();
  expect(after).not.toBe(before);
  expect(s().past.at(-1)?.label).toBe(label);
  expect(s().undo()).toBe(true);
  expect(content()).toBe(before);
  expect(s().redo()).toBe(true);
  expect(content()).toBe(after);
}

describe("undo/redo", () => {
  it("covers every edit kind, one step each", () => {
    roundTrip(() => s().addNode("http.request"), "Add node");
    roundTrip(() => s().connect({ source: B, target: C }), "Connect");
    roundTrip(() => s().deleteEdges([id(0x10)]), "Disconnect");
    roundTrip(() => s().moveNode(A, { x: 40, y: 40 }), "Move");
    roundTrip(() => s().renameNode(B, "Researcher"), "Rename");
    roundTrip(() => s().deleteNodes([B]), "Delete");
    roundTrip(() => {
      s().selectNodes([A]);
      s().paste(s().copySelection()!);
    }, "Paste");
    roundTrip(() => {
      s().selectNodes([C]);
      s().duplicateSelection();
    }, "Duplicate");
    roundTrip(() => {
      s().selectNodes([C]);
      s().cutSelection();
    }, "Cut");
    roundTrip(() => s().moveNodes(new Map([[A, { x: 5, y: 5 }], [C, { x: 9, y: 9 }]]), "Auto-layout"), "Auto-layout");
    roundTrip(() => s().addNode("ai.llm", undefined, { after: B }), "Add node");
    roundTrip(() => {
      s().selectNodes([A, C]);
      s().nudgeSelection(20, -20);
    }, "Move");
  });

  it("deletes a selection of nodes and edges as one step, edges of deleted nodes included", () => {
    s().connect({ source: B, target: C });
    s().selectNodes([B]);
    expect(s().deleteSelection()).toBe(true);
    expect(labels()).toEqual(["Start", "Out"]);
    expect(s().edges).toHaveLength(0);
    s().undo();
    expect(labels()).toEqual(["Start", "Agent", "Out"]);
    expect(s().edges).toHaveLength(2);
    // Edges alone: a disconnect.
    s().onEdgesChange([{ type: "select", id: s().edges[0].id, selected: true }]);
    s().clearSelection();
    s().onEdgesChange([{ type: "select", id: s().edges[0].id, selected: true }]);
    s().deleteSelection();
    expect(s().edges).toHaveLength(1);
    expect(s().past.at(-1)?.label).toBe("Disconnect");
  });

  it("a new edit after undo clears the redo stack", () => {
    s().addNode("http.request");
    s().addNode("flow.delay");
    s().undo();
    expect(s().future).toHaveLength(1);
    s().renameNode(A, "Go");
    expect(s().future).toHaveLength(0);
    expect(s().redo()).toBe(false);
    expect(labels()).toEqual(["Go", "Agent", "Out", "HTTP request"]);
  });

  it("records nothing for edits that change nothing, and undo/redo on empty stacks do nothing", () => {
    expect(s().undo()).toBe(false);
    expect(s().redo()).toBe(false);
    s().renameNode(A, "Start");
    s().connect({ source: A, target: B }); // duplicate
    s().connect({ source: C, target: A }); // output has no output; trigger has no input
    s().moveNode(A, { x: 0, y: 0 });
    s().deleteNodes(["nope"]);
    expect(s().deleteSelection()).toBe(false);
    expect(s().past).toHaveLength(0);
    expect(s().dirty).toBe(false);
  });

  it("a drag is one step however many pixels it moves; a drag back to the start is none", () => {
    for (let i = 1; i <= 30; i++) s().onNodesChange([{ type: "position", id: B, position: { x: 300 + i, y: i }, dragging: true }]);
    expect(s().dragging).toBe(true);
    expect(s().past).toHaveLength(0);
    s().onNodesChange([{ type: "position", id: B, position: { x: 340, y: 40 }, dragging: false }]);
    expect(s().dragging).toBe(false);
    expect(s().past).toHaveLength(1);
    expect(s().past[0].label).toBe("Move");
    s().undo();
    expect(s().nodes[1].position).toEqual({ x: 300, y: 0 });
    expect(s().dirty).toBe(false);

    for (let i = 1; i <= 5; i++) s().onNodesChange([{ type: "position", id: B, position: { x: 300 + i, y: 0 }, dragging: true }]);
    s().onNodesChange([{ type: "position", id: B, position: { x: 300, y: 0 }, dragging: false }]);
    expect(s().past).toHaveLength(0);
    expect(s().future).toHaveLength(1); // the earlier undo is still redoable
    expect(s().dirty).toBe(false);
  });

  it("a multi-node drag is one step; an edit during a drag closes it first", () => {
    s().onNodesChange([
      { type: "position", id: A, position: { x: 20, y: 20 }, dragging: true },
      { type: "position", id: B, position: { x: 320, y: 20 }, dragging: true },
    ]);
    s().renameNode(C, "End");
    expect(s().past.map((e) => e.label)).toEqual(["Move", "Rename"]);
    s().undo();
    s().undo();
    expect(s().nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 300, y: 0 }, { x: 600, y: 0 }]);
  });

  it("keyboard nudges (position changes outside a drag) are a step each", () => {
    s().onNodesChange([{ type: "position", id: A, position: { x: 20, y: 0 } }]);
    s().onNodesChange([{ type: "position", id: A, position: { x: 40, y: 0 } }]);
    expect(s().past).toHaveLength(2);
  });

  it(`keeps at most ${HISTORY_LIMIT} steps, dropping the oldest`, () => {
    for (let i = 1; i <= HISTORY_LIMIT + 5; i++) s().moveNode(A, { x: i, y: 0 });
    expect(s().past).toHaveLength(HISTORY_LIMIT);
    let undone = 0;
    while (s().undo()) undone++;
    expect(undone).toBe(HISTORY_LIMIT);
    expect(s().nodes[0].position).toEqual({ x: 5, y: 0 });
    while (s().redo()) undone--;
    expect(undone).toBe(0);
    expect(s().nodes[0].position).toEqual({ x: HISTORY_LIMIT + 5, y: 0 });
  });

  it("restores the selection that went with a state, and keeps React Flow's measurements", () => {
    s().onNodesChange([{ type: "dimensions", id: A, dimensions: { width: 220, height: 64 } }]);
    s().selectNodes([A, B]);
    s().deleteSelection();
    s().undo();
    expect(selected()).toEqual([A, B]);
    expect(s().nodes[0].measured).toEqual({ width: 220, height: 64 });
  });

  it("is cleared on load", () => {
    s().addNode("http.request");
    s().undo();
    s().load(doc());
    expect(s().past).toHaveLength(0);
    expect(s().future).toHaveLength(0);
  });
});

describe("dirty state and saving", () => {
  it("is clean again when undo returns to the saved content, dirty after redo", () => {
    s().renameNode(A, "Go");
    expect(s().dirty).toBe(true);
    s().undo();
    expect(s().dirty).toBe(false);
    s().redo();
    expect(s().dirty).toBe(true);
  });

  it("a save keeps the history and the canvas; edits made while it runs stay unsaved", async () => {
    const created = await api.workflowCreate("Save test");
    s().load(await api.workflowGet(created.id));
    s().addNode("trigger.manual");
    const saving = s().save();
    expect(s().saving).toBe(true);
    s().addNode("http.request"); // while the save is in flight
    const saved = await saving;
    expect(saved?.version).toBe(2);
    expect((await api.workflowGet(created.id)).graph.nodes).toHaveLength(1);
    expect(s().dirty).toBe(true);
    expect(s().summary?.version).toBe(2);
    expect(s().past).toHaveLength(2);

    await s().save();
    expect(s().dirty).toBe(false);
    s().undo(); // back to what the first save wrote: unsaved now
    expect(s().dirty).toBe(true);
    expect(s().nodes).toHaveLength(1);
  });

  it("a failed save leaves the canvas dirty", async () => {
    // The doc's workflow is not in the core: not_found.
    s().renameNode(A, "Go");
    await expect(s().save()).rejects.toMatchObject({ code: "not_found" });
    expect(s().dirty).toBe(true);
    expect(s().saving).toBe(false);
  });
});

describe("clipboard", () => {
  const payload = (): ClipboardPayload => {
    s().selectNodes([A, B]);
    return s().copySelection()!;
  };

  it("copies the selected nodes with only the edges between them", () => {
    s().connect({ source: B, target: C });
    const p = payload();
    expect(p.format).toBe(CLIPBOARD_FORMAT);
    expect(p.version).toBe(1);
    expect(p.nodes.map((n) => n.id)).toEqual([A, B]);
    expect(p.edges.map((e) => [e.source, e.target])).toEqual([[A, B]]);
    expect(p.nodes[1].config).toEqual({ model: "m", tools: ["t"] });
    expect(parseClipboard(serializeClipboard(p), kinds)).toEqual({ ok: true, payload: p });
    s().clearSelection();
    expect(s().copySelection()).toBeNull();
  });

  it("pastes with every id remapped to a fresh UUIDv7, internal edges kept, offset, and selected", () => {
    const p = payload();
    const ids = s().paste(p);
    expect(ids).toHaveLength(2);
    expect(s().nodes).toHaveLength(5);
    for (const nid of ids) {
      expect(isUuidV7(nid)).toBe(true);
      expect([A, B, C]).not.toContain(nid);
    }
    const pastedEdge = s().edges.find((e) => ids.includes(e.source));
    expect(pastedEdge).toMatchObject({ source: ids[0], target: ids[1] });
    expect(isUuidV7(pastedEdge!.id)).toBe(true);
    expect(pastedEdge!.id).not.toBe(id(0x10));
    expect(selected()).toEqual(ids);
    const pasted = s().nodes.filter((n) => ids.includes(n.id));
    expect(pasted.map((n) => n.position)).toEqual([{ x: 40, y: 40 }, { x: 340, y: 40 }]);
    expect(pasted[1].data.config).toEqual({ model: "m", tools: ["t"] });
    expect(pasted[1].data.config).not.toBe(p.nodes[1].config);

    // Pasting again steps further, so no paste hides under an earlier one.
    const again = s().paste(p);
    expect(s().nodes.filter((n) => again.includes(n.id)).map((n) => n.position)).toEqual([{ x: 80, y: 80 }, { x: 380, y: 80 }]);
    // The whole graph still validates as the backend would see it.
    expect(new Set(s().toGraph().nodes.map((n) => n.id)).size).toBe(7);
  });

  it("drops edges to nodes that were not copied, and edges the graph would refuse", () => {
    const p: ClipboardPayload = {
      format: CLIPBOARD_FORMAT,
      version: 1,
      nodes: [
        { id: "x", kind: "ai.agent", label: "X", position: { x: 0, y: 500 }, config: {} },
        { id: "y", kind: "trigger.manual", label: "Y", position: { x: 300, y: 500 }, config: {} },
      ],
      edges: [
        { id: "e1", source: "x", sourceHandle: null, target: "elsewhere", targetHandle: null },
        { id: "e2", source: "x", sourceHandle: null, target: "y", targetHandle: null }, // trigger has no input
        { id: "e3", source: "y", sourceHandle: null, target: "x", targetHandle: null },
        { id: "e4", source: "y", sourceHandle: null, target: "x", targetHandle: null }, // duplicate
      ],
    };
    const ids = s().paste(p);
    const added = s().edges.filter((e) => ids.includes(e.source) || ids.includes(e.target));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ source: ids[1], target: ids[0] });
  });

  it("pastes centred on a point, on the grid", () => {
    const p = payload();
    const offset = pasteOffset({ nodes: s().nodes, edges: s().edges }, p, { x: 1000, y: 1000 }, 20);
    // payload box: x 0..520, y 0..64 → centre (260, 32)
    expect(offset).toEqual({ x: 740, y: 960 });
    expect(offset.x % 20).toBe(0);
  });

  it("duplicates the selection beside it as one step, leaving the clipboard alone", () => {
    s().selectNodes([A, B]);
    const ids = s().duplicateSelection();
    expect(ids).toHaveLength(2);
    expect(s().edges).toHaveLength(2);
    expect(s().past).toHaveLength(1);
    expect(s().past[0].label).toBe("Duplicate");
    s().clearSelection();
    expect(s().duplicateSelection()).toEqual([]);
  });

  it("pasteSubgraph is pure", () => {
    const g: CanvasGraph = { nodes: s().nodes, edges: s().edges };
    let n = 0;
    const r = pasteSubgraph(g, payload(), () => uuidv7(Date.now(), new Uint8Array(10).fill(++n)), { x: 10, y: 10 }, kinds);
    expect(r.graph.nodes).toHaveLength(5);
    expect(g.nodes).toHaveLength(3);
  });

  it("a pasted note or group is a note or group again (its own view, a group sized by its settings)", () => {
    const g: CanvasGraph = { nodes: s().nodes, edges: s().edges };
    const items: ClipboardPayload = {
      format: CLIPBOARD_FORMAT,
      version: 1,
      nodes: [
        { id: uuidv7(), kind: "note", label: "Note", position: { x: 0, y: 0 }, config: { text: "hi", color: "blue" } },
        { id: uuidv7(), kind: "group", label: "Intake", position: { x: 0, y: 200 }, config: { width: 600, height: 300, collapsed: false } },
      ],
      edges: [],
    };
    const r = pasteSubgraph(g, items, () => uuidv7(), { x: 0, y: 0 }, kinds);
    const [note, group] = r.nodeIds.map((id) => r.graph.nodes.find((n) => n.id === id)!);
    expect(note.type).toBe("note");
    expect(group.type).toBe("group");
    expect([group.width, group.height, group.zIndex]).toEqual([600, 300, -1]);
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["hello world", "doesn't hold NeuroFlow nodes"],
    ["[1,2,3]", "doesn't hold NeuroFlow nodes"],
    ['{"format":"reactflow","nodes":[],"edges":[]}', "doesn't hold NeuroFlow nodes"],
    ['{"format":"neuroflow.graph","version":2,"nodes":[],"edges":[]}', "newer NeuroFlow"],
    ['{"format":"neuroflow.graph","version":"1","nodes":[],"edges":[]}', "unknown format version"],
    ['{"format":"neuroflow.graph","version":1,"nodes":{},"edges":[]}', "damaged"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[],"edges":[]}', "no nodes"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[42],"edges":[]}', "node 1 is not an object"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"kind":"ai.agent","position":{"x":0,"y":0}}],"edges":[]}', "has no id"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","position":{"x":0,"y":0}}],"edges":[]}', "has no kind"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","position":{"x":"0","y":0}}],"edges":[]}', "no valid position"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent"}],"edges":[]}', "no valid position"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","label":7,"position":{"x":0,"y":0}}],"edges":[]}', "bad label"],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"nope.kind","position":{"x":0,"y":0}}],"edges":[]}', "Unknown node kind"],
    [
      '{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","position":{"x":0,"y":0}},{"id":"a","kind":"ai.agent","position":{"x":0,"y":0}}],"edges":[]}',
      "used twice",
    ],
    ['{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","position":{"x":0,"y":0}}],"edges":[{"source":"a"}]}', "no source or target"],
    [
      '{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","position":{"x":0,"y":0}}],"edges":[{"source":"a","target":"a","sourceHandle":3}]}',
      "bad handle",
    ],
  ])("refuses bad clipboard text %j with a reason", (text, reason) => {
    const r = parseClipboard(text, kinds);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("fills in a missing label and config", () => {
    const r = parseClipboard('{"format":"neuroflow.graph","version":1,"nodes":[{"id":"a","kind":"ai.agent","position":{"x":1,"y":2}}],"edges":[]}', kinds);
    expect(r).toEqual({
      ok: true,
      payload: {
        format: CLIPBOARD_FORMAT,
        version: 1,
        nodes: [{ id: "a", kind: "ai.agent", label: "AI agent", position: { x: 1, y: 2 }, config: {} }],
        edges: [],
      },
    });
  });

  it("a refused paste changes nothing", () => {
    const before = content();
    const r = parseClipboard("not a graph", kinds);
    if (r.ok) s().paste(r.payload);
    expect(content()).toBe(before);
    expect(s().past).toHaveLength(0);
  });

  it("extractSubgraph of nothing is null", () => {
    expect(extractSubgraph({ nodes: s().nodes, edges: s().edges }, [])).toBeNull();
  });
});

describe("refused connections say why", () => {
  it("names the node and the reason", () => {
    const g: CanvasGraph = { nodes: s().nodes, edges: s().edges };
    expect(canConnect(g, { source: B, target: A }, kinds)).toEqual({ ok: false, reason: "“Start” has no input: nothing can connect into it." });
    expect(canConnect(g, { source: C, target: B }, kinds)).toEqual({ ok: false, reason: "“Out” has no output: nothing can connect from it." });
    expect(canConnect(g, { source: A, target: B }, kinds)).toEqual({ ok: false, reason: "These nodes are already connected." });
    expect(canConnect(g, { source: B, target: B }, kinds)).toEqual({ ok: false, reason: "A node can't be connected to itself." });
    expect(canConnect(g, { source: B, target: C }, kinds)).toEqual({ ok: true });
  });
});

describe("add after a node", () => {
  it("places the new node right of the anchor, connects it, and selects it", () => {
    const nid = s().addNode("http.request", undefined, { after: B });
    const added = s().nodes.find((n) => n.id === nid)!;
    const anchor = s().nodes.find((n) => n.id === B)!;
    expect(added.position.x).toBeGreaterThan(anchor.position.x + 220);
    expect(s().edges.some((e) => e.source === B && e.target === nid)).toBe(true);
    expect(selected()).toEqual([nid]);
    // The spot right of B (x 580) is taken by C (x 600), so the new node moves to the nearest free row.
    const overlaps = s().nodes.filter(
      (n) => n.id !== nid && Math.abs(n.position.x - added.position.x) < 220 && Math.abs(n.position.y - added.position.y) < 64,
    );
    expect(overlaps).toEqual([]);
  });

  it("does not connect a kind without input", () => {
    const nid = s().addNode("trigger.webhook", undefined, { after: B });
    expect(s().edges.some((e) => e.target === nid)).toBe(false);
  });
});

describe("auto-layout", () => {
  it("lays out left to right with elkjs, keeping the top-left corner, as one undo step", async () => {
    s().connect({ source: B, target: C });
    s().moveNode(C, { x: -400, y: 300 }); // out of order
    const positions = await layoutGraph({ nodes: s().nodes, edges: s().edges }, 20);
    const pa = positions.get(A)!;
    const pb = positions.get(B)!;
    const pc = positions.get(C)!;
    expect(pa.x).toBeLessThan(pb.x);
    expect(pb.x).toBeLessThan(pc.x);
    expect(Math.min(pa.x, pb.x, pc.x)).toBe(-400);
    expect([pa, pb, pc].every((p) => p.x % 20 === 0 && p.y % 20 === 0)).toBe(true);
    expect(s().moveNodes(positions, "Auto-layout")).toBe(true);
    s().undo();
    expect(s().nodes[2].position).toEqual({ x: -400, y: 300 });
  });

  it("an empty graph has nothing to lay out", async () => {
    expect((await layoutGraph({ nodes: [], edges: [] })).size).toBe(0);
  });
});

describe("quick-add search", () => {
  it("finds kinds by name and by category, name matches first", () => {
    expect(searchKinds(NODE_KINDS, "integrations").map((k) => k.kind)).toEqual([
      "integration.slack",
      "integration.gmail",
      "integration.webhook",
      "integration.http",
    ]);
    expect(searchKinds(NODE_KINDS, "webhook").map((k) => k.kind)).toEqual(["trigger.webhook", "integration.webhook"]);
    expect(searchKinds(NODE_KINDS, "ai prompt").map((k) => k.kind)).toEqual(["ai.llm"]);
    // A category word beats a match inside a name ("gm-ai-l"); descriptions match only at word starts ("w-ai-ts" doesn't).
    expect(searchKinds(NODE_KINDS, "ai").map((k) => k.kind)).toEqual(["ai.agent", "ai.llm", "ai.team", "integration.gmail"]);
    expect(searchKinds(NODE_KINDS, "zzz")).toEqual([]);
    expect(searchKinds(NODE_KINDS, "  ")).toBe(NODE_KINDS);
  });
});

describe("shortcut table", () => {
  const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
    key: k,
    code: "",
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    target: null,
    ...mods,
  });

  it("maps keys to actions", () => {
    expect(shortcutFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(key("y", { metaKey: true }))).toBe("redo");
    expect(shortcutFor(key("c", { ctrlKey: true }))).toBe("copy");
    expect(shortcutFor(key("x", { ctrlKey: true }))).toBe("cut");
    expect(shortcutFor(key("v", { ctrlKey: true }))).toBe("paste");
    expect(shortcutFor(key("v"))).toBe("toolSelect");
    expect(shortcutFor(key("d", { ctrlKey: true }))).toBe("duplicate");
    expect(shortcutFor(key("a", { ctrlKey: true }))).toBe("selectAll");
    expect(shortcutFor(key("Tab"))).toBe("quickAdd");
    expect(shortcutFor(key("Tab", { shiftKey: true }))).toBeNull();
    expect(shortcutFor(key("/"))).toBe("quickAdd");
    expect(shortcutFor(key("!", { code: "Digit1", shiftKey: true }))).toBe("fit");
    expect(shortcutFor(key("L", { shiftKey: true }))).toBe("layout");
    expect(shortcutFor(key("?", { shiftKey: true }))).toBe("help");
    expect(shortcutFor(key("Delete"))).toBe("delete");
    expect(shortcutFor(key("Backspace"))).toBe("delete");
    expect(shortcutFor(key("s", { ctrlKey: true }))).toBe("save");
    expect(shortcutFor(key("ArrowLeft"))).toBe("nudge");
    expect(shortcutFor(key("ArrowDown", { shiftKey: true }))).toBe("nudge");
    expect(shortcutFor(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
    expect(shortcutFor(key("q"))).toBeNull();
  });

  it("lists every dispatched action in the sheet", () => {
    const actions = new Set(SHORTCUTS.flatMap((x) => (x.action ? [x.action] : [])));
    for (const a of ["quickAdd", "undo", "redo", "copy", "cut", "paste", "duplicate", "selectAll", "delete", "fit", "layout", "snap", "help"])
      expect(actions.has(a as never)).toBe(true);
  });
});

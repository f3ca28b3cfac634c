// Tests typed ports and connection checks, config edits as undo steps, the settings form's helpers, live validation
// grouping, and the run state fed by a run's updates (real runs of the core, through its dev server).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Diagnostic, type RunUpdate, type WorkflowGraph } from "../../ipc";
import { NODE_KINDS, useCore } from "../../test/core";
import { formFields, humanize, parseLoose } from "./ConfigForm";
import { workflowDocument } from "./document";
import { useRunState } from "./runState";
import { addNode, BURST_MS, canConnect, emptyGraph, outputPorts, useCanvasStore, type CanvasGraph } from "./store";
import { fieldOf, groupDiagnostics } from "./validation";

const kinds = Object.fromEntries(NODE_KINDS.map((k) => [k.kind, k]));

function graphOf(...nodes: [string, string, unknown?][]): CanvasGraph {
  let g = emptyGraph();
  nodes.forEach(([id, kind, config], i) => {
    g = addNode(g, { id, kind, label: id, position: { x: i * 300, y: 0 }, config: (config ?? {}) as never });
  });
  return g;
}

describe("typed ports", () => {
  it("switch nodes get one output per rule, before the error port", () => {
    const ports = outputPorts(kinds["flow.switch"], { rules: [{ port: "big", expression: "x" }, { port: "small", expression: "y" }, { port: "big" }] });
    expect(ports.map((p) => p.name)).toEqual(["default", "big", "small", "error"]);
  });

  it("refuses a connection whose item types don't fit, and says which", () => {
    const g = graphOf(["llm", "ai.llm"], ["set", "data.set"], ["out", "output"]);
    const refused = canConnect(g, { source: "llm", sourceHandle: "text", target: "set", targetHandle: null }, kinds);
    expect(refused).toEqual({ ok: false, reason: "“llm” gives text on “text”, but “set” takes objects." });
    expect(canConnect(g, { source: "llm", sourceHandle: "main", target: "set", targetHandle: null }, kinds).ok).toBe(true);
    expect(canConnect(g, { source: "llm", sourceHandle: "text", target: "out", targetHandle: null }, kinds).ok).toBe(true);
  });

  it("refuses ports a kind does not have", () => {
    const g = graphOf(["a", "flow.condition"], ["b", "output"]);
    const r = canConnect(g, { source: "a", sourceHandle: "maybe", target: "b", targetHandle: null }, kinds);
    expect(r).toEqual({ ok: false, reason: "“a” has no output “maybe”." });
  });

  it("treats no handle and the main handle as the same port when looking for duplicates", () => {
    let g = graphOf(["a", "trigger.manual"], ["b", "output"]);
    g = { ...g, edges: [{ id: "e", source: "a", sourceHandle: null, target: "b", targetHandle: null }] };
    expect(canConnect(g, { source: "a", sourceHandle: "main", target: "b", targetHandle: "main" }, kinds)).toEqual({
      ok: false,
      reason: "These nodes are already connected.",
    });
  });
});

describe("adding after a node", () => {
  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(NODE_KINDS);
  });

  it("connects from the anchor's first output port: a condition's true, a loop's body", () => {
    const s = useCanvasStore.getState;
    const cond = s().addNode("flow.condition");
    const out = s().addNode("output", undefined, { after: cond });
    expect(s().edges).toEqual([expect.objectContaining({ source: cond, sourceHandle: "true", target: out, targetHandle: null })]);
    const loop = s().addNode("flow.loop");
    const body = s().addNode("data.set", undefined, { after: loop });
    expect(s().edges.at(-1)).toEqual(expect.objectContaining({ source: loop, sourceHandle: "body", target: body, targetHandle: null }));
    const trigger = s().addNode("trigger.manual");
    const set = s().addNode("data.set", undefined, { after: trigger });
    expect(s().edges.at(-1)).toEqual(expect.objectContaining({ source: trigger, sourceHandle: null, target: set }));
  });
});

describe("config edits", () => {
  beforeEach(() => {
    useCanvasStore.getState().reset();
    useCanvasStore.getState().setKinds(NODE_KINDS);
  });
  afterEach(() => vi.useRealTimers());

  it("a burst of edits to one field is one undo step; another field or a pause starts a new one", () => {
    vi.useFakeTimers();
    const s = useCanvasStore.getState;
    const id = s().addNode("http.request");
    const steps = s().past.length;
    for (const url of ["h", "ht", "http://x"]) {
      s().updateConfig(id, { url }, "url");
      vi.advanceTimersByTime(200);
    }
    expect(s().past.length).toBe(steps + 1);
    s().updateConfig(id, { url: "http://x", method: "POST" }, "method");
    expect(s().past.length).toBe(steps + 2);
    vi.advanceTimersByTime(BURST_MS + 1);
    s().updateConfig(id, { url: "http://x", method: "PUT" }, "method");
    expect(s().past.length).toBe(steps + 3);

    s().undo();
    expect(s().nodes[0].data.config).toEqual({ url: "http://x", method: "POST" });
    s().undo();
    expect(s().nodes[0].data.config).toEqual({ url: "http://x" });
    s().undo();
    expect(s().nodes[0].data.config).toEqual({});
    s().redo();
    expect(s().nodes[0].data.config).toEqual({ url: "http://x" });
  });

  it("an equal config records nothing", () => {
    const s = useCanvasStore.getState;
    const id = s().addNode("flow.delay");
    const steps = s().past.length;
    expect(s().updateConfig(id, {}, "ms")).toBe(false);
    expect(s().past.length).toBe(steps);
  });
});

describe("settings form", () => {
  it("orders required fields first and the common ones apart, pinned hidden", () => {
    const k = kinds["http.request"];
    const { own, common } = formFields(k.configSchema, k.required);
    expect(own[0]).toBe("url");
    expect(own).not.toContain("pinned");
    expect(common).toEqual(expect.arrayContaining(["retries", "retryDelayMs", "timeoutMs"]));
    expect(own).not.toContain("retries");
  });

  it("reads typed values as JSON and anything else as text", () => {
    expect(parseLoose("42")).toBe(42);
    expect(parseLoose("true")).toBe(true);
    expect(parseLoose('{"a":1}')).toEqual({ a: 1 });
    expect(parseLoose("Hello {{ item.name }}")).toBe("Hello {{ item.name }}");
    expect(parseLoose("{{ item.x }}")).toBe("{{ item.x }}");
    expect(parseLoose("12 apples")).toBe("12 apples");
  });

  it("names fields for people", () => {
    expect(humanize("retryDelayMs")).toBe("Retry delay (ms)");
    expect(humanize("baseUrl")).toBe("Base URL");
    expect(humanize("agentId")).toBe("Agent ID");
  });
});

describe("live validation", () => {
  it("groups diagnostics by node and finds the field each is about", () => {
    const d: Diagnostic[] = [
      { nodeId: "n1", edgeId: null, code: "missingConfig", message: "'url' is required" },
      { nodeId: "n1", edgeId: null, code: "invalidConfig", message: "'method' is 'X'; it must be one of GET, POST" },
      { nodeId: null, edgeId: null, code: "noTrigger", message: "no trigger" },
      { nodeId: "n2", edgeId: null, code: "cycle", message: "'a' and 'b' form a cycle" },
    ];
    const g = groupDiagnostics(d);
    expect(g.byNode.n1).toHaveLength(2);
    expect(g.general).toHaveLength(1);
    expect(d.map(fieldOf)).toEqual(["url", "method", null, null]);
  });

  it("finds the field after the node the core names first", () => {
    const core = (message: string): Diagnostic => ({ nodeId: "n1", edgeId: null, code: "missingConfig", message });
    expect(fieldOf(core("node 'Set fields': 'fields' is required"))).toBe("fields");
    expect(fieldOf(core("node 'Fetch': 'method' is 'X'; it must be one of GET, POST"))).toBe("method");
    expect(fieldOf(core("node 'Fetch'"))).toBeNull();
  });

  it("keeps a node's problem list when a re-check finds the same problems, so only changed nodes re-render", () => {
    const first = groupDiagnostics([
      { nodeId: "n1", edgeId: null, code: "missingConfig", message: "'url' is required" },
      { nodeId: "n2", edgeId: null, code: "missingConfig", message: "'prompt' is required" },
    ]);
    const again = groupDiagnostics(
      [
        { nodeId: "n1", edgeId: null, code: "missingConfig", message: "'url' is required" },
        { nodeId: "n2", edgeId: null, code: "missingConfig", message: "'model' is required" },
      ],
      first.byNode,
    );
    expect(again.byNode.n1).toBe(first.byNode.n1);
    expect(again.byNode.n2).not.toBe(first.byNode.n2);
    expect(again.byNode.n2[0].message).toBe("'model' is required");
  });
});

describe("run state", () => {
  useCore();
  beforeEach(() => {
    useRunState.getState().clear();
  });

  it("follows a run from queued to finished, then fills inputs from the stored execution", async () => {
    const wf = await api.workflowCreate("Run me");
    const graph: WorkflowGraph = {
      nodes: [
        { id: "01920000-0000-7000-8000-000000000001", kind: "trigger.manual", label: "Go", position: { x: 0, y: 0 }, config: {} },
        { id: "01920000-0000-7000-8000-000000000002", kind: "data.set", label: "Set", position: { x: 300, y: 0 }, config: { fields: { a: 1 } } },
      ],
      edges: [{ id: "01920000-0000-7000-8000-000000000003", source: "01920000-0000-7000-8000-000000000001", sourceHandle: null, target: "01920000-0000-7000-8000-000000000002", targetHandle: null }],
    };
    await api.workflowSaveGraph(wf.id, graph);
    const ids = graph.nodes.map((n) => n.id);
    await useRunState.getState().start(workflowDocument(wf.id), { mode: "full" }, ids, { name: "x" });
    await vi.waitFor(() => expect(useRunState.getState().stored).toBe(true));
    const s = useRunState.getState();
    expect(s.phase).toBe("completed");
    expect(s.nodes[ids[1]].status).toBe("succeeded");
    expect(s.nodes[ids[1]].output?.main).toEqual([{ name: "x", a: 1 }]);
    await vi.waitFor(() => expect(useRunState.getState().nodes[ids[1]].input).toEqual([{ name: "x" }]));
    const listed = await api.executionList(wf.id, 10, 0);
    expect(listed[0]).toMatchObject({ id: s.executionId, status: "COMPLETED" });
  });

  it("marks nodes still queued or running when the run ends", () => {
    const st = useRunState.getState();
    useRunState.setState({ phase: "running", nodes: { a: { ...blankView("running") }, b: { ...blankView("queued") } } });
    const finished: RunUpdate = {
      type: "event",
      event: { type: "runFinished", runId: "r", status: "failed", durationMs: 5, tokens: 0, cost: 0, output: null, error: "boom" },
    };
    st.apply(finished);
    const s = useRunState.getState();
    expect(s.phase).toBe("failed");
    expect(s.error).toBe("boom");
    expect(s.nodes.a.status).toBe("stopped");
    expect(s.nodes.b.status).toBe("skipped");
  });

  it("a refused run says why and keeps no node state", async () => {
    const wf = await api.workflowCreate("Empty set");
    await api.workflowSaveGraph(wf.id, {
      nodes: [
        { id: "01920000-0000-7000-8000-000000000011", kind: "trigger.manual", label: "Go", position: { x: 0, y: 0 }, config: {} },
        { id: "01920000-0000-7000-8000-000000000012", kind: "data.set", label: "Set", position: { x: 300, y: 0 }, config: {} },
      ],
      edges: [],
    });
    await expect(useRunState.getState().start(workflowDocument(wf.id), { mode: "full" }, [])).rejects.toMatchObject({ code: "invalid_graph" });
    expect(useRunState.getState().phase).toBe("failed");
    expect(useRunState.getState().nodes).toEqual({});
  });
});

function blankView(status: "running" | "queued") {
  return { status, durationMs: null, output: null, input: null, error: null, reason: null, logs: [], tokens: 0, cost: 0, attempts: 0 };
}

// Tests the in-memory backend against the IPC.md contract, through the same `api` the UI uses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, IpcError, setBackend, type WorkflowGraph } from "./index";
import { createMemoryBackend, DEMO_WORKFLOW_ID } from "./memory";
import { BENCH_WORKFLOW_ID, benchGraph } from "./benchGraph";
import { uuidv7 } from "../shared/uuidv7";

async function failure(p: Promise<unknown>): Promise<IpcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IpcError);
    return e as IpcError;
  }
  throw new Error("expected the call to fail");
}

describe("memory backend", () => {
  beforeEach(() => setBackend(createMemoryBackend()));
  afterEach(() => setBackend(null));

  it("creates with a trimmed name, version 1 and a UUIDv7 id", async () => {
    const w = await api.workflowCreate("  Onboarding  ");
    expect(w).toMatchObject({ name: "Onboarding", version: 1, nodeCount: 0, description: "", isActive: false });
    expect(w.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(Number.isNaN(Date.parse(w.updatedAt))).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["blank", "   \t "],
    ["too long", "x".repeat(121)],
    ["newline inside", "a\nb"],
    ["NUL", "a\u0000b"],
    ["C1 control", "a\u0085b"],
  ])("rejects a %s name with invalid_input", async (_, name) => {
    const e = await failure(api.workflowCreate(name));
    expect(e.code).toBe("invalid_input");
    expect(e.message.length).toBeGreaterThan(0);
  });

  it("accepts 120 characters, counted as characters not UTF-16 units", async () => {
    await expect(api.workflowCreate("x".repeat(120))).resolves.toBeTruthy();
    await expect(api.workflowCreate("🤖".repeat(120))).resolves.toBeTruthy();
    expect((await failure(api.workflowCreate("🤖".repeat(121)))).code).toBe("invalid_input");
  });

  it("renames with the same validation and reports not_found", async () => {
    const w = await api.workflowCreate("A");
    expect((await api.workflowRename(w.id, " B ")).name).toBe("B");
    expect((await failure(api.workflowRename(w.id, ""))).code).toBe("invalid_input");
    expect((await failure(api.workflowRename(uuidv7(), "C"))).code).toBe("not_found");
  });

  it("lists newest first with case-insensitive search and hides deleted workflows", async () => {
    const a = await api.workflowCreate("Alpha report");
    await api.workflowCreate("Beta");
    await api.workflowCreate("ALPHA digest");
    expect((await api.workflowList(null)).map((w) => w.name)).toEqual(["ALPHA digest", "Beta", "Alpha report"]);
    expect((await api.workflowList("alpha")).map((w) => w.name)).toEqual(["ALPHA digest", "Alpha report"]);
    expect(await api.workflowDelete(a.id)).toBeNull();
    expect((await api.workflowList("alpha")).map((w) => w.name)).toEqual(["ALPHA digest"]);
    expect((await failure(api.workflowGet(a.id))).code).toBe("not_found");
    expect((await failure(api.workflowDelete(a.id))).code).toBe("not_found");
  });

  it("saves a graph, bumps the version and refuses unknown kinds or bad ids", async () => {
    const w = await api.workflowCreate("G");
    const n1 = uuidv7();
    const n2 = uuidv7();
    const graph: WorkflowGraph = {
      nodes: [
        { id: n1, kind: "trigger.manual", label: "Go", position: { x: 1, y: 2 }, config: {} },
        { id: n2, kind: "ai.agent", label: "Think", position: { x: 3, y: 4 }, config: { model: "x" } },
      ],
      edges: [{ id: uuidv7(), source: n1, sourceHandle: null, target: n2, targetHandle: null }],
    };
    const doc = await api.workflowSaveGraph(w.id, graph);
    expect(doc.summary.version).toBe(2);
    expect(doc.summary.nodeCount).toBe(2);
    expect(doc.graph).toEqual(graph);
    expect((await api.workflowGet(w.id)).graph).toEqual(graph);

    const badKind = structuredClone(graph);
    badKind.nodes[0].kind = "nope";
    expect((await failure(api.workflowSaveGraph(w.id, badKind))).code).toBe("invalid_input");
    const badId = structuredClone(graph);
    badId.nodes[0].id = "not-a-uuid";
    expect((await failure(api.workflowSaveGraph(w.id, badId))).code).toBe("invalid_input");
    const selfLoop = structuredClone(graph);
    selfLoop.edges[0].target = n1;
    expect((await failure(api.workflowSaveGraph(w.id, selfLoop))).code).toBe("invalid_input");
    expect((await api.workflowGet(w.id)).summary.version).toBe(2);
  });

  it("returns copies, not live references", async () => {
    const w = await api.workflowCreate("Copy");
    w.name = "mutated";
    expect((await api.workflowList(null))[0].name).toBe("Copy");
  });

  it("can fail appInfo with database_unavailable and can seed a demo", async () => {
    setBackend(createMemoryBackend({ failAppInfo: "database_unavailable", seed: "demo" }));
    expect((await failure(api.appInfo())).code).toBe("database_unavailable");
    const demo = await api.workflowGet(DEMO_WORKFLOW_ID);
    expect(demo.graph.nodes.length).toBe(demo.summary.nodeCount);
    expect(demo.graph.nodes.length).toBeGreaterThan(0);
  });

  it("can open a generated large workflow (?bench=N) that validates clean and saves back", async () => {
    setBackend(createMemoryBackend({ bench: 1000 }));
    const doc = await api.workflowGet(BENCH_WORKFLOW_ID);
    expect(doc.summary.nodeCount).toBe(1000);
    expect(doc.graph.nodes).toHaveLength(1000);
    expect(doc.graph.edges.length).toBeGreaterThan(1100);
    expect(doc.graph.edges.length).toBeLessThan(1300);
    expect((await api.graphCheckChanges(BENCH_WORKFLOW_ID, "workflow", { nodes: [], edges: [], removedNodes: [], removedEdges: [] }, {})).diagnostics).toEqual([]);
    // The same every time: deterministic ids and layout.
    expect(benchGraph(1000)).toEqual(doc.graph);
    expect((await api.workflowSaveGraph(BENCH_WORKFLOW_ID, doc.graph)).summary.version).toBe(2);
  });

  it("exports a blueprint with its category and imports it as a new blueprint; each file goes to its own page", async () => {
    const doc = await api.blueprintCreate({ name: "Summarise page", description: "", category: "API", isPublic: false });
    const file = await api.blueprintExport(doc.summary.id);
    expect(file.fileName).toBe("Summarise page.neuroflow.json");
    expect(JSON.parse(file.contents)).toMatchObject({ format: "neuroflow.graph", surface: "blueprint", category: "API" });
    const { blueprint: imported, blueprintsAdded } = await api.importBlueprintFile(new File([file.contents], file.fileName));
    expect(blueprintsAdded).toBe(0);
    expect(imported.id).not.toBe(doc.summary.id);
    expect([imported.name, imported.category, imported.nodeCount]).toEqual(["Summarise page", "API", 2]);
    expect(imported.inputSchema).toEqual(doc.summary.inputSchema);
    expect((await api.blueprintVersions(imported.id))[0].kind).toBe("IMPORT");

    expect((await failure(api.workflowImport(file.contents, file.fileName))).message).toContain("Blueprints page");
    const w = await api.workflowCreate("A workflow");
    const wf = await api.workflowExport(w.id);
    expect((await failure(api.importBlueprintFile(new File([wf.contents], wf.fileName)))).message).toContain("Workflows page");
    const bad = file.contents.replace("blueprint.input", "trigger.schedule");
    expect((await failure(api.importBlueprintFile(new File([bad], "bad.json")))).code).toBe("invalid_input");
    expect(await api.blueprintList(null, null)).toHaveLength(2);
  });

  describe("files carry the blueprints their calls reach", () => {
    const node = (kind: string, config: Record<string, unknown> = {}) => ({ id: uuidv7(), kind, label: kind, position: { x: 0, y: 0 }, config: config as never });
    const chain = (nodes: ReturnType<typeof node>[]): WorkflowGraph => ({
      nodes,
      edges: nodes.slice(1).map((n, i) => ({ id: uuidv7(), source: nodes[i].id, sourceHandle: null, target: n.id, targetHandle: null })),
    });
    const call = (id: string) => node("blueprint.call", { blueprintId: id });
    const calls = (g: WorkflowGraph) => g.nodes.filter((n) => n.kind === "blueprint.call").map((n) => (n.config as { blueprintId: string }).blueprintId);
    /** Greeter calls Shout; the workflow calls Greeter, then Shout again. */
    async function greeterCallingShout() {
      const make = async (name: string, steps: ReturnType<typeof node>[]) => {
        const b = await api.blueprintCreate({ name, description: `${name} things`, category: "API", isPublic: false });
        await api.blueprintSaveGraph(b.summary.id, chain([node("blueprint.input"), ...steps, node("output")]));
        return b.summary.id;
      };
      const shout = await make("Shout", [node("data.set")]);
      const greeter = await make("Greeter", [call(shout)]);
      const w = await api.workflowCreate("Greets loudly");
      await api.workflowSaveGraph(w.id, chain([node("trigger.manual"), call(greeter), call(shout), node("output")]));
      return { workflow: w.id, greeter, shout };
    }
    const byName = async () => {
      const list = await api.blueprintList(null, null);
      return Promise.all(
        list
          .map((b) => b.name)
          .sort()
          .map(async (name) => {
            const b = list.find((x) => x.name === name)!;
            return { name, id: b.id, calls: calls((await api.blueprintGet(b.id)).graph) };
          }),
      );
    };

    it("exports each blueprint once, transitively, and reuses them when imported where they exist", async () => {
      const { workflow, greeter, shout } = await greeterCallingShout();
      const file = await api.workflowExport(workflow);
      const carried = JSON.parse(file.contents).blueprints;
      expect(carried.map((b: { id: string }) => b.id)).toEqual([greeter, shout]);
      expect(carried[0]).toMatchObject({ name: "Greeter", description: "Greeter things", category: "API" });
      const before = await byName();
      const report = await api.importWorkflowFile(new File([file.contents], file.fileName));
      expect(report.blueprintsAdded).toBe(0);
      expect(await byName()).toEqual(before);
      expect(calls((await api.workflowGet(report.workflow.id)).graph)).toEqual([greeter, shout]);
      // A blueprint's file carries what it calls, not itself.
      const bp = await api.blueprintExport(greeter);
      expect(JSON.parse(bp.contents).blueprints.map((b: { id: string }) => b.id)).toEqual([shout]);
    });

    it("adds the blueprints a workspace lacks under fresh ids, the calls redirected", async () => {
      const { workflow } = await greeterCallingShout();
      const file = await api.workflowExport(workflow);
      const bp = await api.blueprintExport((await byName())[0].id);
      // Another workspace: a fresh backend.
      setBackend(createMemoryBackend());
      const report = await api.importWorkflowFile(new File([file.contents], file.fileName));
      expect(report.blueprintsAdded).toBe(2);
      const [greeter, shout] = await byName();
      expect([greeter.name, shout.name]).toEqual(["Greeter", "Shout"]);
      expect(greeter.calls).toEqual([shout.id]);
      expect(calls((await api.workflowGet(report.workflow.id)).graph)).toEqual([greeter.id, shout.id]);
      const history = await api.blueprintVersions(greeter.id);
      expect(history.map((v) => v.kind)).toEqual(["IMPORT"]);

      setBackend(createMemoryBackend());
      const { blueprint: imported, blueprintsAdded } = await api.importBlueprintFile(new File([bp.contents], bp.fileName));
      expect(blueprintsAdded).toBe(1);
      const there = await byName();
      expect(there.map((b) => b.name)).toEqual(["Greeter", "Shout"]);
      expect(there[0].id).toBe(imported.id);
      expect(there[0].calls).toEqual([there[1].id]);
    });

    it("imports nothing, carried blueprints included, when any part of the file is invalid", async () => {
      const { workflow, greeter } = await greeterCallingShout();
      const text = (await api.workflowExport(workflow)).contents;
      const bpText = (await api.blueprintExport(greeter)).contents;
      setBackend(createMemoryBackend());
      const edit = (t: string, f: (v: { nodes: { kind: string }[]; blueprints: { nodes: { kind: string }[] }[] }) => void) => {
        const v = JSON.parse(t);
        f(v);
        return JSON.stringify(v);
      };
      const badBlueprint = edit(text, (v) => (v.blueprints[1].nodes[0].kind = "trigger.schedule"));
      expect((await failure(api.importWorkflowFile(new File([badBlueprint], "a.json")))).message).toContain("'Shout'");
      const badWorkflow = edit(text, (v) => (v.nodes[0].kind = "no.such.kind"));
      expect((await failure(api.importWorkflowFile(new File([badWorkflow], "b.json")))).code).toBe("invalid_input");
      const badCarried = edit(bpText, (v) => (v.blueprints[0].nodes[0].kind = "trigger.schedule"));
      expect((await failure(api.importBlueprintFile(new File([badCarried], "c.json")))).message).toContain("'Shout'");
      expect(await api.workflowList(null)).toEqual([]);
      expect(await api.blueprintList(null, null)).toEqual([]);
    });

    it("exports through cycles once each and leaves out deleted blueprints", async () => {
      const x = (await api.blueprintCreate({ name: "X", description: "", category: "API", isPublic: false })).summary.id;
      const y = (await api.blueprintCreate({ name: "Y", description: "", category: "API", isPublic: false })).summary.id;
      const z = (await api.blueprintCreate({ name: "Z", description: "", category: "API", isPublic: false })).summary.id;
      await api.blueprintSaveGraph(x, chain([node("blueprint.input"), call(y)]));
      await api.blueprintSaveGraph(y, chain([node("blueprint.input"), call(x)]));
      const w = await api.workflowCreate("Loops");
      await api.workflowSaveGraph(w.id, chain([node("trigger.manual"), call(x), call(z)]));
      await api.blueprintDelete(z);
      const file = await api.workflowExport(w.id);
      expect(JSON.parse(file.contents).blueprints.map((b: { id: string }) => b.id)).toEqual([x, y]);
    });
  });
});

describe("IpcError mapping", () => {
  afterEach(() => setBackend(null));

  it("turns a non-AppError rejection into an internal IpcError", async () => {
    const base = createMemoryBackend();
    setBackend({ ...base, appInfo: () => Promise.reject("command app_info not found") });
    const e = await failure(api.appInfo());
    expect(e.code).toBe("internal");
    expect(e.message).toBe("command app_info not found");
  });
});

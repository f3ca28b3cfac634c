// Owns the generated large workflow graph (N nodes, ~1.2N edges) the large-graph browser tests and the canvas benchmark
// save into the core and that the benchmark's stock React Flow page renders: deterministic ids, kinds, valid configs and
// a layered layout. Test data, not a rule of the core: plain JS so node (the harness) and the page both import it.

/** Layout of the generated graph: columns of nodes, left to right. */
export const BENCH_COLUMN_DX = 300;
export const BENCH_ROW_DY = 140;

/** The body kinds, each with a config the engine accepts (so the graph validates clean). */
const BODY = [
  { kind: 'http.request', label: 'Fetch record', config: { url: 'https://example.com/api/items' } },
  { kind: 'data.transform', label: 'Reshape', config: { expression: '.' } },
  { kind: 'ai.llm', label: 'Summarise', config: { model: 'gpt-4o-mini', prompt: 'Summarise {{ item }}' } },
  { kind: 'data.set', label: 'Tag item', config: { fields: { tagged: true } } },
  { kind: 'flow.condition', label: 'Worth keeping?', config: { expression: 'item.score > 0.5' }, sourceHandle: 'true' },
  { kind: 'flow.delay', label: 'Back off', config: { ms: 100 } },
  { kind: 'flow.merge', label: 'Join branches', config: {} },
  { kind: 'ai.agent', label: 'Research', config: { agentId: '01930000-0000-7000-8000-0000000a0001', prompt: 'Look into {{ item }}' } },
];

/**
 * A UUIDv7-shaped id from a counter, stable across runs (kind 1 = node, 2 = edge); `copy` tells apart copies saved in
 * one database, where element ids are unique.
 */
const benchId = (kind, n, copy = 0) => `01930000-${copy.toString(16).padStart(4, '0')}-7000-8${kind}00-${n.toString(16).padStart(12, '0')}`;

/** The id of node `i` of the generated graph (of copy `copy`). */
export const benchNodeId = (i, copy = 0) => benchId(1, i, copy);

/** A small deterministic PRNG (mulberry32), so every run generates the same graph. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * N nodes in columns (a trigger column on the left, body kinds after it); every body node takes an edge from the
 * node on its row in the column before, and about one in five a second one from a nearby row: ~1.2N edges.
 */
export function benchGraph(count, copy = 0) {
  const n = Math.max(1, Math.floor(count));
  const rows = Math.max(1, Math.round(Math.sqrt(n * 1.6)));
  const columns = Math.ceil(n / rows);
  const rand = random(n);
  const nodes = [];
  const edges = [];
  const at = (c, r) => c * rows + r;
  const handleOf = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / rows);
    const r = i % rows;
    const position = { x: 80 + c * BENCH_COLUMN_DX, y: 80 + r * BENCH_ROW_DY };
    if (c === 0) {
      nodes.push({ id: benchId(1, i, copy), kind: 'trigger.manual', label: `Start ${r + 1}`, position, config: {} });
      handleOf.push(null);
      continue;
    }
    const body = BODY[(c * 3 + r) % BODY.length];
    nodes.push({ id: benchId(1, i, copy), kind: body.kind, label: `${body.label} ${c}.${r + 1}`, position, config: structuredClone(body.config) });
    handleOf.push(body.sourceHandle ?? null);
  }
  const link = (from, to) =>
    edges.push({ id: benchId(2, edges.length, copy), source: nodes[from].id, sourceHandle: handleOf[from], target: nodes[to].id, targetHandle: null });
  for (let c = 1; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      const to = at(c, r);
      if (to >= n) break;
      link(at(c - 1, r), to);
      if (rand() < 0.22) {
        const offset = (1 + Math.floor(rand() * 3)) * (rand() < 0.5 ? -1 : 1);
        const from = r + offset;
        if (from >= 0 && from < rows && at(c - 1, from) < n) link(at(c - 1, from), to);
      }
    }
  }
  return { nodes, edges };
}

/**
 * Saves the generated graph of `count` nodes (copy `copy`: one per workflow of a database) as a new workflow through
 * the core (`call` as the harness's startCore gives); its id.
 */
export async function saveBenchWorkflow(call, count, copy = 0) {
  const { id } = await call('workflow_create', { name: `Large graph · ${count} nodes${copy ? ` (${copy})` : ''}` });
  await call('workflow_save_graph', { id, graph: benchGraph(count, copy), save: { kind: 'SAVE' } });
  return id;
}

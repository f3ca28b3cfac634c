// Browser tests of a large graph on the canvas (the built UI on the real core, the generated 2,000-node graph of
// bench/graph.mjs saved into it): zoomed out the
// canvas layer draws it and no DOM node is mounted, drawn nodes can still be selected and dragged; zoomed in the
// nodes in view are DOM nodes that select and drag as usual. Run: npm run test:browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { benchNodeId, saveBenchWorkflow } from '../bench/graph.mjs';
import { drag, newPage, NODE, openApp, selectedNodeIds, tid, useApp, waitText } from './harness.mjs';

const N = 2000;
const LAYER = tid('lod-layer');

// The generated layout (bench/graph.mjs): columns of `rows` nodes, 300 × 140 apart from (80, 80).
const rows = Math.round(Math.sqrt(N * 1.6));
// Each test opens its own copy of the graph (element ids are unique in a database).
let copy = 0;
const nodeId = (i) => benchNodeId(i, copy);
const openLarge = async (p) => openApp(p, app.server.url, `/workflows/${await saveBenchWorkflow(app.server.call, N, ++copy)}`);
const flowPosition = (i) => ({ x: 80 + Math.floor(i / rows) * 300, y: 80 + (i % rows) * 140 });

const app = useApp();

const layer = (p) => p.$eval(LAYER, (c) => ({ ...c.dataset }));

/** The viewport transform and the pane's box on screen. */
async function view(p) {
  return p.evaluate(() => {
    const m = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(document.querySelector('.react-flow__viewport').style.transform);
    const box = document.querySelector('.react-flow').getBoundingClientRect();
    return { tx: Number(m[1]), ty: Number(m[2]), zoom: Number(m[3]), left: box.left, top: box.top, width: box.width, height: box.height };
  });
}

/** Where flow point (x, y) is on screen. */
const toScreen = (v, x, y) => ({ x: v.left + v.tx + x * v.zoom, y: v.top + v.ty + y * v.zoom });

/** Waits until the layer has drawn at the current zoom with the given detail and nothing is left to mount. */
async function settled(p, detail) {
  await p.waitForFunction(
    ([sel, want]) => {
      const c = document.querySelector(sel);
      const m = /scale\(([-\d.e]+)\)/.exec(document.querySelector('.react-flow__viewport')?.style.transform ?? '');
      return c && m && c.dataset.detail === want && Math.abs(Number(c.dataset.zoom) / Number(m[1]) - 1) < 1e-4;
    },
    [LAYER, detail],
    { timeout: 15_000 },
  );
  await p.waitForTimeout(600);
}

/** Counts the pixels of the layer in a category colour as the far blocks paint it (90 % over the background, ±8). */
async function pixelsOf(p, hex) {
  return p.$eval(
    LAYER,
    (canvas, hex) => {
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(canvas, 0, 0);
      const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      const bg = rgb('#0e0f12');
      const want = rgb(hex).map((c, k) => Math.round(0.9 * c + 0.1 * bg[k]));
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (want.every((v, k) => Math.abs(data[i + k] - v) <= 8)) n++;
      return n;
    },
    hex,
  );
}

describe('large graph', () => {
  test('zoomed out it is drawn, not mounted; drawn nodes select, box-select and drag; zoomed in the view is DOM', async () => {
    const p = await newPage(app.browser);
    await openLarge(p);
    await p.waitForSelector(tid('save-graph'));

    // Fitted: far too small to read, so the layer draws every node and edge and React Flow mounts no DOM node.
    await settled(p, 'far');
    const far = await layer(p);
    assert.equal(Number(far.drawnNodes), N);
    assert.ok(Number(far.drawnEdges) > N, `the layer draws the edges too: ${far.drawnEdges}`);
    assert.equal(await p.locator(NODE).count(), 0, 'no DOM node while zoomed out');
    assert.equal(await p.locator('.react-flow__edge').count(), 0, 'no DOM edge while zoomed out');
    // Triggers (the first column) are drawn in their category colour.
    assert.ok((await pixelsOf(p, '#34d399')) > 500, 'trigger nodes are painted green');
    assert.ok(await p.locator(tid('lod-minimap')).isVisible());
    // The minimap's view box (x, y, width, height in minimap px): fitted, the view holds the whole graph, so no band dims it.
    const mapView = async () => (await p.locator(tid('lod-minimap-view')).getAttribute('data-view')).split(',').map(Number);
    assert.deepEqual(await mapView(), [0, 0, 200, 150]);

    // A click on a drawn node selects it (the inspector opens on it); a drag moves it as one undo step.
    let v = await view(p);
    const first = flowPosition(0);
    await p.mouse.click(...Object.values(toScreen(v, first.x + 110, first.y + 32)));
    await waitText(p, tid('selection-count'), '1 selected');
    await waitText(p, '.inspector-label', 'Start 1');
    v = await view(p);
    const from = toScreen(v, first.x + 110, first.y + 32);
    await drag(p, from, { x: from.x + 40, y: from.y + 40 });
    await p.waitForFunction(() => document.querySelector('[data-testid="undo"]')?.getAttribute('title')?.startsWith('Undo move'));

    // A box from left of the first column (clear of the few pixels of slop around drawn nodes) over rows 1–3 of the
    // first two columns (partly is enough) selects those six.
    await p.keyboard.press('Escape');
    v = await view(p);
    await drag(p, toScreen(v, -200, 200), toScreen(v, 630, 570));
    await waitText(p, tid('selection-count'), '6 selected');

    // Zoom to 100 % on a node: it and its neighbours in view become DOM nodes; the layer draws none of them.
    await p.keyboard.press('Escape');
    const target = rows * 3 + 5;
    v = await view(p);
    const t = flowPosition(target);
    await p.mouse.dblclick(...Object.values(toScreen(v, t.x + 110, t.y + 32)));
    await settled(p, 'near');
    v = await view(p);
    assert.equal(v.zoom, 1);
    // At 100 % the minimap's view box is a small part of it, the rest dimmed by the four bands around it.
    const [mx, my, mw, mh] = await mapView();
    assert.ok(mw > 2 && mw < 60 && mh > 2 && mh < 60 && mx > 0 && my > 0, `view box ${[mx, my, mw, mh]}`);
    const bands = await p.$$eval(`${tid('lod-minimap-view')} > div`, (els) => els.map((e) => e.getBoundingClientRect()).map((r) => Math.round(r.width * r.height)));
    const dimmed = bands.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(dimmed - (200 * 150 - mw * mh)) < 4, `the bands cover the rest: ${bands} around ${[mx, my, mw, mh]}`);
    const inView = [];
    for (let i = 0; i < N; i++) {
      const q = flowPosition(i);
      const s = toScreen(v, q.x, q.y);
      if (s.x >= v.left + 20 && s.y >= v.top + 20 && s.x + 220 <= v.left + v.width - 20 && s.y + 64 <= v.top + v.height - 20) inView.push(nodeId(i));
    }
    // The node is in the middle of the pane, though the inspector opening beside it (the click selected it) narrowed it.
    const c = toScreen(v, t.x + 110, t.y + 32);
    assert.ok(Math.abs(c.x - (v.left + v.width / 2)) < 30 && Math.abs(c.y - (v.top + v.height / 2)) < 30, `centred: ${JSON.stringify({ c, v })}`);
    assert.ok(inView.includes(nodeId(target)) && inView.length >= 5, `it and its neighbours fully in view: ${inView.length}`);
    await p.waitForFunction((ids) => ids.every((id) => document.querySelector(`[data-node-id="${id}"]`)), inView, { timeout: 10_000 });
    const mounted = await p.locator(NODE).count();
    assert.ok(mounted < 150, `only the view's nodes are DOM nodes: ${mounted}`);

    // A DOM node selects and drags like on any graph.
    const id = nodeId(target);
    const node = p.locator(`[data-node-id="${id}"]`);
    await node.locator(tid('node-label')).click();
    assert.deepEqual(await selectedNodeIds(p), [id]);
    const before = await node.boundingBox();
    await drag(p, { x: before.x + 100, y: before.y + 12 }, { x: before.x + 160, y: before.y + 72 });
    await p.waitForTimeout(200);
    const moved = await node.boundingBox();
    assert.ok(Math.abs(moved.x - before.x - 60) <= 12 && Math.abs(moved.y - before.y - 60) <= 12, `dragged by (60, 60): ${JSON.stringify([before, moved])}`);

    // Back out to fit: drawn again, unmounted again.
    await p.click(tid('zoom-fit'));
    await settled(p, 'far');
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="canvas-node"]').length === 0);
    assert.deepEqual(p.errors, [], 'the page logged errors');
  });

  test('zoomed out, a collapsed group hides its members and a note is drawn; zoomed in they are the DOM ones', async () => {
    const p = await newPage(app.browser, { clipboard: true });
    await openLarge(p);
    await p.waitForSelector(tid('save-graph'));
    await settled(p, 'far');
    // A collapsed group framing the top-left corner of the graph (the first columns' first rows) and a note beside it,
    // pasted from the clipboard (beside where they were copied from: they are in view).
    const group = { id: '01930000-0000-7000-8200-000000000001', kind: 'group', label: 'Intake', position: { x: 40, y: 40 }, config: { width: 940, height: 720, collapsed: true } };
    const note = { id: '01930000-0000-7000-8200-000000000002', kind: 'note', label: 'Note', position: { x: -400, y: 80 }, config: { text: 'Morning batch', color: 'blue' } };
    await p.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify({ format: 'neuroflow.graph', version: 1, nodes: [group, note], edges: [] }));
    await p.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('Control+V');
    await waitText(p, tid('selection-count'), '2 selected');
    await p.waitForFunction(([sel, n]) => Number(document.querySelector(sel).dataset.drawnNodes) < n + 2, [LAYER, N]);
    const hidden = N + 2 - Number((await layer(p)).drawnNodes);
    assert.ok(hidden >= 6, `the collapsed group's members are not drawn: ${hidden}`);

    // Zoomed in on the group: the DOM group says how many nodes it holds, which are the ones the layer left out.
    await p.keyboard.press('Escape');
    const v = await view(p);
    const at = toScreen(v, 40 + 120, 40 + 28); // the collapsed box (240 wide) where the group was pasted
    await p.mouse.dblclick(at.x, at.y);
    await settled(p, 'near');
    const dom = p.locator(`${tid('canvas-group')}[data-collapsed="true"]`);
    await dom.waitFor();
    await waitText(p, `${tid('canvas-group')} .cgroup-title span`, `${hidden} nodes inside`);
    // None of its members is mounted either.
    const mounted = await p.$$eval(NODE, (els) => els.map((e) => e.getAttribute('data-node-id')));
    for (let i = 0; i < 3; i++) assert.ok(!mounted.includes(nodeId(i)), `member ${i} stays hidden`);
    assert.deepEqual(p.errors, []);
  });

  test('Ctrl+wheel zooms around the pointer and the wheel pans, as on any canvas; the DOM nodes follow once it settles', async () => {
    const p = await newPage(app.browser);
    await openLarge(p);
    await p.waitForSelector(tid('save-graph'));
    await settled(p, 'far');
    // At 100 % on a node (the double click selects it: the inspector opens), then three Ctrl+wheel steps on it.
    const target = rows * 4 + 8;
    const t = flowPosition(target);
    let v = await view(p);
    await p.mouse.dblclick(...Object.values(toScreen(v, t.x + 110, t.y + 32)));
    await settled(p, 'near');
    v = await view(p);
    const at = toScreen(v, t.x + 110, t.y + 32);
    await p.mouse.move(at.x, at.y);
    await p.keyboard.down('Control');
    for (let i = 0; i < 3; i++) await p.mouse.wheel(0, -100);
    await p.keyboard.up('Control');
    await settled(p, 'near');
    v = await view(p);
    // React Flow's step: ×2^(100 × 0.002) per notch; the point under the pointer stays under it.
    assert.ok(Math.abs(v.zoom - 2 ** 0.6) < 1e-3, `zoom ${v.zoom}`);
    const still = toScreen(v, t.x + 110, t.y + 32);
    assert.ok(Math.hypot(still.x - at.x, still.y - at.y) < 1.5, `the node stayed under the pointer: ${JSON.stringify({ at, still })}`);
    const under = () => p.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-node-id]')?.getAttribute('data-node-id') ?? null, [at.x, at.y]);
    await p.waitForFunction(([x, y, id]) => document.elementFromPoint(x, y)?.closest('[data-node-id]')?.getAttribute('data-node-id') === id, [at.x, at.y, nodeId(target)]);
    assert.equal(await under(), nodeId(target), 'the DOM node is where the layer drew it');

    // The wheel alone pans (half the scroll, as React Flow's pan on scroll).
    await p.mouse.wheel(0, 200);
    await settled(p, 'near');
    const panned = await view(p);
    assert.ok(Math.abs(panned.ty - (v.ty - 100)) < 0.5 && Math.abs(panned.tx - v.tx) < 0.5, `panned up 100 px: ${JSON.stringify([v, panned])}`);
    assert.equal(panned.zoom, v.zoom);
    assert.deepEqual(p.errors, []);
  });
});

// Owns the canvas benchmark: the built editor on the real core (its dev server, the generated graph of bench/graph.mjs
// saved into it) against stock React Flow (bench/stock.html) on the same graph in the same run, in Debian's Chromium at
// 1280×800. For each size it reports load (the workflow_get call → first paint of the fitted view), rAF frame times while panning and zooming (fitted and
// at 100 %) and each frame's main-thread work (from Chromium's trace), long frames, JS heap, and for the editor how
// many nodes re-render per edit.
// Run: npm run bench:canvas [-- --runs 3 --sizes 1000,5000 --impl ours,stock --no-build]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, UI_DIR, startCore, startServer } from '../e2e/harness.mjs';
import { saveBenchWorkflow } from './graph.mjs';

const BENCH_DIR = path.join(UI_DIR, 'bench');
const STOCK_DIST = path.join(BENCH_DIR, 'dist');
const LONG_FRAME_MS = 50;

function parseArgs(argv) {
  const args = { runs: 3, sizes: [1000, 5000], impls: ['ours', 'stock'], build: true, edits: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--sizes') args.sizes = argv[++i].split(',').map(Number);
    else if (a === '--impl') args.impls = argv[++i].split(',');
    else if (a === '--no-build') args.build = false;
    else if (a === '--no-edits') args.edits = false;
    else if (a === '--uncapped') args.uncapped = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

// ---- in-page instrumentation (runs before any page script)

function pageProbe() {
  // Load starts when the page asks the core for the workflow (the stock page marks its own start).
  const fetchOriginal = window.fetch;
  window.fetch = (input, init) => {
    if (String(input).endsWith('/invoke/workflow_get')) performance.mark('workflow-get');
    return fetchOriginal(input, init);
  };
  // Frame recorder: rAF deltas between start() and stop().
  let frames = null;
  window.__bench = {
    start() {
      // From now: a page too busy to start a frame for a while shows as one long first frame.
      frames = [];
      let last = performance.now();
      const tick = (t) => {
        if (!frames) return;
        frames.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    stop() {
      const f = frames;
      frames = null;
      return f;
    },
    heap() {
      if (typeof window.gc === 'function') {
        window.gc();
        window.gc();
      }
      return performance.memory ? performance.memory.usedJSHeapSize : null;
    },
    zoom() {
      const vp = document.querySelector('.react-flow__viewport');
      const m = vp && /scale\(([\d.e-]+)\)/.exec(vp.style.transform);
      return m ? Number(m[1]) : null;
    },
  };
  // Load probe: the first frame after the fitted view is on screen (the frame that drew it, then one more rAF).
  const ready = () => {
    const zoom = window.__bench.zoom();
    if (zoom === null || zoom === 1) return false;
    const layer = document.querySelector('[data-testid="lod-layer"]');
    if (layer) return Math.abs(Number(layer.dataset.zoom) / zoom - 1) < 1e-4 && Number(layer.dataset.drawnNodes) > 0;
    const nodes = document.querySelectorAll('.react-flow__node');
    if (nodes.length === 0) return false;
    for (const n of nodes) if (n.style.visibility === 'hidden') return false;
    return true;
  };
  const poll = () => {
    if (ready()) {
      requestAnimationFrame((t) => {
        const mark = performance.getEntriesByName('workflow-get')[0];
        window.__benchLoad = { at: t, ms: mark ? t - mark.startTime : null };
      });
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

// ---- statistics

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

function frameStats(deltas) {
  const s = [...deltas].sort((a, b) => a - b);
  return {
    frames: s.length,
    p50: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    max: s.length ? s[s.length - 1] : NaN,
    long: s.filter((d) => d > LONG_FRAME_MS).length,
  };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- scripted interactions

async function flowCentre(page) {
  const box = await page.locator('.react-flow').boundingBox();
  return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
}

/**
 * Input at a steady 60 Hz, as a hand on a mouse gives it: the events are sent on a timer without waiting for the page,
 * so a slow page gets them coalesced (one move per frame it manages) and every frame of the gesture has work to do.
 */
async function paced(page, events) {
  const cdp = await page.context().newCDPSession(page);
  const sent = [];
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    const due = start + i * (1000 / 60);
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(cdp.send('Input.dispatchMouseEvent', events[i]).catch(() => {}));
  }
  await Promise.all(sent);
  await cdp.detach();
}

/**
 * CPU the page used (ms): the renderer's main thread and the whole renderer process (compositor and raster threads
 * too), from Chromium's Performance metrics. Unlike frame times they are not rounded to the 60 Hz frame.
 */
async function cpuMeter(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    return { main: m.ThreadTime * 1000, process: m.ProcessTime * 1000 };
  };
  const start = await read();
  return async () => {
    const end = await read();
    await cdp.detach();
    return { cpuMainMs: end.main - start.main, cpuProcessMs: end.process - start.process };
  };
}

/**
 * Main-thread work of each frame (ms), from Chromium's trace, between one main frame's start (BeginMainThreadFrame)
 * and the next: the time the renderer's main thread was busy (its tasks' wall time, waits on the compositor included)
 * and the CPU time those tasks used (not inflated when the machine's two cores are shared). A page that keeps up shows
 * 16.7 ms frames at 60 Hz whatever it did, so frame times cap the ratio to stock at stock's p95 ÷ 16.7; these are what
 * the frames cost the page.
 */
async function frameWork(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  await cdp.send('Tracing.start', {
    categories: 'disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.frame',
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    // The page's renderer: the main thread that started the most frames.
    let main = null;
    for (const t of events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')) {
      const starts = events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.name === 'BeginMainThreadFrame').map((e) => e.ts);
      if (!main || starts.length > main.starts.length) main = { pid: t.pid, tid: t.tid, starts };
    }
    if (!main || main.starts.length < 2) return { busy: [], cpu: [] };
    const starts = main.starts.sort((a, b) => a - b);
    const tasks = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask' && e.dur).sort((x, y) => x.ts - y.ts);
    // Busy spans: the union of the thread's tasks.
    const busy = [];
    for (const [a, b] of tasks.map((e) => [e.ts, e.ts + e.dur])) {
      const last = busy[busy.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else busy.push([a, b]);
    }
    const work = [];
    const cpu = [];
    let j = 0;
    let t = 0;
    for (let i = 0; i + 1 < starts.length; i++) {
      const [from, to] = [starts[i], starts[i + 1]];
      while (j < busy.length && busy[j][1] <= from) j++;
      let sum = 0;
      for (let k = j; k < busy.length && busy[k][0] < to; k++) sum += Math.min(busy[k][1], to) - Math.max(busy[k][0], from);
      work.push(sum / 1000);
      // CPU: each task counted in the frame it started in.
      while (t < tasks.length && tasks[t].ts < from) t++;
      let used = 0;
      for (; t < tasks.length && tasks[t].ts < to; t++) used += tasks[t].tdur ?? tasks[t].dur;
      cpu.push(used / 1000);
    }
    return { busy: work, cpu };
  };
}

function workStats({ busy, cpu }) {
  const s = [...busy].sort((a, b) => a - b);
  const c = [...cpu].sort((a, b) => a - b);
  return {
    workFrames: s.length,
    workP50: quantile(s, 0.5),
    workP95: quantile(s, 0.95),
    workMax: s.length ? s[s.length - 1] : NaN,
    workCpuP50: quantile(c, 0.5),
    workCpuP95: quantile(c, 0.95),
  };
}

/** A 2 s pan: a square path dragged with the middle button (pans in both pages, on nodes too), 120 moves of 12 px. */
async function pan(page) {
  const c = await flowCentre(page);
  const step = 12;
  const events = [];
  let { x, y } = c;
  for (const [dx, dy] of [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ]) {
    for (let i = 0; i < 30; i++) {
      x += dx * step;
      y += dy * step;
      events.push({ type: 'mouseMoved', x, y, button: 'middle', buttons: 4 });
    }
  }
  await page.mouse.move(c.x, c.y);
  await page.mouse.down({ button: 'middle' });
  const cpu = await cpuMeter(page);
  const work = await frameWork(page);
  await page.evaluate(() => window.__bench.start());
  await paced(page, events);
  const frames = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(window.__bench.stop()))));
  const used = await cpu();
  const worked = await work();
  await page.mouse.up({ button: 'middle' });
  return { ...frameStats(frames), ...used, ...workStats(worked) };
}

/** A 2 s zoom: 120 Ctrl+wheel steps at the centre (zoom in both pages), ×2 in, ×2 out around the start, twice. */
async function zoom(page) {
  const c = await flowCentre(page);
  await page.mouse.move(c.x, c.y);
  const events = [];
  for (let round = 0; round < 2; round++)
    for (const [n, deltaY] of [
      [10, -50],
      [20, 50],
      [20, -50],
      [10, 50],
    ])
      for (let i = 0; i < n; i++) events.push({ type: 'mouseWheel', x: c.x, y: c.y, deltaX: 0, deltaY, modifiers: 2 });
  const cpu = await cpuMeter(page);
  const work = await frameWork(page);
  await page.evaluate(() => window.__bench.start());
  await paced(page, events);
  const frames = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(window.__bench.stop()))));
  const used = await cpu();
  return { ...frameStats(frames), ...used, ...workStats(await work()) };
}

/** Waits until the viewport has not changed for half a second (a slow page may still be working through input). */
async function idle(page) {
  await page.waitForFunction(
    () => {
      const t = document.querySelector('.react-flow__viewport')?.style.transform;
      const now = performance.now();
      if (t !== window.__lastTransform) {
        window.__lastTransform = t;
        window.__lastChange = now;
      }
      return now - (window.__lastChange ?? now) > 500;
    },
    null,
    { timeout: 120_000, polling: 100 },
  );
}

async function settle(page, ms = 800) {
  await idle(page);
  await page.waitForTimeout(ms);
  // Two frames, so anything scheduled for the next frame is done.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// ---- render counts per edit (the editor only)

async function renderCountsPerEdit(page) {
  const counts = () => page.evaluate(() => Object.fromEntries(window.__neuroflowCanvas?.nodeRenders ?? []));
  const reset = () => page.evaluate(() => window.__neuroflowCanvas?.nodeRenders.clear());
  const summarise = (byId, editedId) => {
    let edited = 0;
    let others = 0;
    let otherNodes = 0;
    for (const [id, n] of Object.entries(byId)) {
      if (id === editedId) edited += n;
      else {
        others += n;
        otherNodes++;
      }
    }
    return { editedNodeRenders: edited, otherNodeRenders: others, otherNodesRendered: otherNodes };
  };
  // An HTTP node left of the centre (so that it stays in view once the inspector opens beside the canvas): select it,
  // then measure each edit from a quiet state.
  await page.locator('[data-testid="canvas-node"][data-kind="http.request"]').first().waitFor();
  const id = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow').getBoundingClientRect();
    const want = { x: pane.left + pane.width * 0.35, y: pane.top + pane.height / 2 };
    let best = null;
    for (const el of document.querySelectorAll('[data-testid="canvas-node"][data-kind="http.request"]')) {
      const r = el.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - want.x, r.top + r.height / 2 - want.y);
      if (!best || d < best.d) best = { d, id: el.getAttribute('data-node-id') };
    }
    return best.id;
  });
  const target = page.locator(`[data-node-id="${id}"]`);
  await target.locator('[data-testid="node-label"]').click();
  await page.locator('[data-testid="inspector"]').waitFor();
  await settle(page, 700);

  const result = {};
  // Move: drag the node 60 px (every pointer move is a canvas update; the drag is one undo step).
  await reset();
  const box = await target.boundingBox();
  const from = { x: box.x + box.width / 2, y: box.y + 12 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.evaluate(() => window.__bench.start());
  await page.mouse.move(from.x + 60, from.y + 30, { steps: 10 });
  const frames = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(window.__bench.stop()))));
  await page.mouse.up();
  await settle(page, 700);
  result.move = { ...summarise(await counts(), id), frames: frameStats(frames) };
  const after = await target.boundingBox();
  // The drag really moved it (snapped to the 20 px grid).
  result.move.moved = { dx: Math.round(after.x - box.x), dy: Math.round(after.y - box.y) };

  // Rename: double-click the label, type, Enter.
  await reset();
  await target.locator('[data-testid="node-label"]').dblclick();
  await page.locator('[data-testid="node-label-input"]').fill('Renamed in bench');
  await page.keyboard.press('Enter');
  await settle(page, 700);
  result.rename = summarise(await counts(), id);

  // Config: type into the inspector's url field.
  await reset();
  const url = page.locator('[data-testid="config-field"][data-field="url"] input');
  await url.fill('https://example.com/changed');
  await settle(page, 1500);
  result.config = summarise(await counts(), id);
  return result;
}

// ---- one measurement of one implementation at one size

let copies = 0;

/** The editor's page on a fresh copy of the generated graph saved into the core (element ids are unique there). */
async function oursUrl(core, n) {
  const id = await saveBenchWorkflow(core.call, n, ++copies);
  const url = new URL(core.url);
  url.hash = `/workflows/${id}`;
  return url.href;
}

async function measure(browser, impl, n, urls, { edits }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await context.addInitScript(pageProbe);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const url = impl === 'ours' ? await oursUrl(urls.ours, n) : `${urls.stock}stock.html?n=${n}`;
  await page.goto(url);
  await page.waitForFunction(() => window.__benchLoad, null, { timeout: 120_000, polling: 100 });
  const load = await page.evaluate(() => window.__benchLoad.ms);
  await settle(page, 1500);
  const heap = await page.evaluate(() => window.__bench.heap());
  const fitZoom = await page.evaluate(() => window.__bench.zoom());

  const result = { impl, n, load, heapMB: heap / 2 ** 20, fitZoom, fit: {}, one: {} };
  result.fit.pan = await pan(page);
  await settle(page);
  result.fit.zoom = await zoom(page);
  await settle(page);

  // 100 %: Shift+0 in both pages (around the centre of the view), once the page has caught up with the gestures.
  await idle(page);
  await page.keyboard.press('Shift+Digit0');
  await page.waitForFunction(() => Math.abs(window.__bench.zoom() - 1) < 1e-4, null, { timeout: 60_000 });
  await settle(page, 1500);
  result.one.pan = await pan(page);
  await settle(page);
  result.one.zoom = await zoom(page);
  await settle(page);
  if (impl === 'ours' && edits) result.edits = await renderCountsPerEdit(page);
  result.errors = errors;
  await context.close();
  return result;
}

// ---- report

const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function summarise(all, sizes) {
  const rows = [];
  const by = (impl, n) => all.filter((r) => r.impl === impl && r.n === n);
  for (const n of sizes) {
    for (const impl of ['ours', 'stock']) {
      const runs = by(impl, n);
      if (!runs.length) continue;
      const row = { impl, n, runs: runs.length, load: median(runs.map((r) => r.load)), heapMB: median(runs.map((r) => r.heapMB)) };
      for (const view of ['fit', 'one'])
        for (const gesture of ['pan', 'zoom'])
          for (const k of ['p50', 'p95', 'max', 'long', 'frames', 'cpuMainMs', 'cpuProcessMs', 'workP50', 'workP95', 'workMax', 'workFrames', 'workCpuP50', 'workCpuP95'])
            row[`${view}.${gesture}.${k}`] = median(runs.map((r) => r[view][gesture][k]));
      rows.push(row);
    }
  }
  return rows;
}

/** p95 stock / p95 ours (frame times, or `stat`) for each run that measured both (the bar: at least 5 in every view and gesture). */
function ratios(all, n, key, stat = 'p95') {
  const out = [];
  for (const run of new Set(all.map((r) => r.run))) {
    const ours = all.find((r) => r.run === run && r.n === n && r.impl === 'ours');
    const stock = all.find((r) => r.run === run && r.n === n && r.impl === 'stock');
    if (ours && stock) out.push(stock[key[0]][key[1]][stat] / ours[key[0]][key[1]][stat]);
  }
  return out;
}

function markdown(rows, sizes, all) {
  const lines = [];
  lines.push('| graph | | load ms | heap MB |', '|---|---|---:|---:|');
  for (const n of sizes)
    for (const impl of ['ours', 'stock']) {
      const row = rows.find((r) => r.impl === impl && r.n === n);
      if (row) lines.push(`| ${n} nodes | ${impl === 'ours' ? 'editor' : 'stock React Flow'} | ${fmt(row.load)} | ${fmt(row.heapMB, 1)} |`);
    }
  lines.push(
    '',
    '| graph | view | gesture | editor p50 / p95 / max ms | editor frames > 50 ms | stock p50 / p95 / max ms | stock frames > 50 ms | p95 stock ÷ editor (median, lowest run) |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  );
  for (const n of sizes) {
    const ours = rows.find((r) => r.impl === 'ours' && r.n === n);
    const stock = rows.find((r) => r.impl === 'stock' && r.n === n);
    for (const view of ['fit', 'one'])
      for (const gesture of ['pan', 'zoom']) {
        const k = `${view}.${gesture}`;
        const cell = (row) => (row ? `${fmt(row[`${k}.p50`], 1)} / ${fmt(row[`${k}.p95`], 1)} / ${fmt(row[`${k}.max`])}` : '–');
        const long = (row) => (row ? `${fmt(row[`${k}.long`])} of ${fmt(row[`${k}.frames`])}` : '–');
        const r = ratios(all, n, [view, gesture]);
        const ratio = r.length ? `${median(r).toFixed(1)}× (${Math.min(...r).toFixed(1)}×)` : '';
        lines.push(`| ${n} nodes | ${view === 'fit' ? 'fitted' : '100 %'} | ${gesture} | ${cell(ours)} | ${long(ours)} | ${cell(stock)} | ${long(stock)} | ${ratio} |`);
      }
  }
  lines.push(
    '',
    'Main-thread work per frame (ms; from the trace, between one frame start and the next: the renderer main thread busy, and the CPU its tasks used; not rounded to the 60 Hz frame):',
    '',
    '| graph | view | gesture | editor busy p50 / p95 / max | editor CPU p50 / p95 | stock busy p50 / p95 / max | stock CPU p50 / p95 | busy p95 stock ÷ editor (median, lowest run) | CPU p95 stock ÷ editor (median, lowest run) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const n of sizes) {
    const ours = rows.find((r) => r.impl === 'ours' && r.n === n);
    const stock = rows.find((r) => r.impl === 'stock' && r.n === n);
    for (const view of ['fit', 'one'])
      for (const gesture of ['pan', 'zoom']) {
        const k = `${view}.${gesture}`;
        const cell = (row) => (row ? `${fmt(row[`${k}.workP50`], 1)} / ${fmt(row[`${k}.workP95`], 1)} / ${fmt(row[`${k}.workMax`])}` : '–');
        const cpuCell = (row) => (row ? `${fmt(row[`${k}.workCpuP50`], 1)} / ${fmt(row[`${k}.workCpuP95`], 1)}` : '–');
        const ratio = (stat) => {
          const r = ratios(all, n, [view, gesture], stat);
          return r.length ? `${median(r).toFixed(1)}× (${Math.min(...r).toFixed(1)}×)` : '';
        };
        lines.push(
          `| ${n} nodes | ${view === 'fit' ? 'fitted' : '100 %'} | ${gesture} | ${cell(ours)} | ${cpuCell(ours)} | ${cell(stock)} | ${cpuCell(stock)} | ${ratio('workP95')} | ${ratio('workCpuP95')} |`,
        );
      }
  }
  lines.push(
    '',
    'CPU the renderer used during each 2 s gesture (main thread / whole renderer process, ms; not rounded to frames):',
    '',
    '| graph | view | gesture | editor main / process | stock main / process | process CPU stock ÷ editor |',
    '|---|---|---|---:|---:|---:|',
  );
  for (const n of sizes) {
    const ours = rows.find((r) => r.impl === 'ours' && r.n === n);
    const stock = rows.find((r) => r.impl === 'stock' && r.n === n);
    for (const view of ['fit', 'one'])
      for (const gesture of ['pan', 'zoom']) {
        const k = `${view}.${gesture}`;
        const cell = (row) => (row ? `${fmt(row[`${k}.cpuMainMs`])} / ${fmt(row[`${k}.cpuProcessMs`])}` : '–');
        const ratio = ours && stock ? `${(stock[`${k}.cpuProcessMs`] / ours[`${k}.cpuProcessMs`]).toFixed(1)}×` : '';
        lines.push(`| ${n} nodes | ${view === 'fit' ? 'fitted' : '100 %'} | ${gesture} | ${cell(ours)} | ${cell(stock)} | ${ratio} |`);
      }
  }
  const edits = all.filter((r) => r.edits);
  if (edits.length) {
    lines.push(
      '',
      '| graph | edit (at 100 %) | renders of the edited node | renders of other nodes | drag frame p50 / p95 ms |',
      '|---|---|---:|---:|---:|',
    );
    for (const n of sizes) {
      const runs = edits.filter((r) => r.n === n);
      if (!runs.length) continue;
      for (const e of ['move', 'rename', 'config']) {
        const drag = e === 'move' ? `${fmt(median(runs.map((r) => r.edits.move.frames.p50)), 1)} / ${fmt(median(runs.map((r) => r.edits.move.frames.p95)), 1)}` : '';
        lines.push(
          `| ${n} nodes | ${e} | ${fmt(median(runs.map((r) => r.edits[e].editedNodeRenders)))} | ${fmt(median(runs.map((r) => r.edits[e].otherNodeRenders)))} | ${drag} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

// ---- main

const args = parseArgs(process.argv.slice(2));
if (args.build) {
  execFileSync('npx', ['vite', 'build', '--config', path.join(BENCH_DIR, 'vite.config.ts')], { cwd: UI_DIR, stdio: 'inherit' });
}
const ours = await startCore();
const stock = await startServer(STOCK_DIST, { entry: 'stock.html' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // --uncapped: frames are not held to the 60 Hz vsync, so a frame's time is what it cost (at 60 Hz a page that keeps
  // up shows 16.7 ms whatever it did, which caps the ratio to stock at stock's p95 ÷ 16.7).
  args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc', ...(args.uncapped ? ['--disable-frame-rate-limit', '--disable-gpu-vsync'] : [])],
  headless: true,
});
const all = [];
try {
  for (let run = 1; run <= args.runs; run++) {
    for (const n of args.sizes) {
      for (const impl of args.impls) {
        const r = await measure(browser, impl, n, { ours, stock: stock.url }, args);
        r.run = run;
        all.push(r);
        const f = (s) =>
          `p50 ${fmt(s.p50, 1)} p95 ${fmt(s.p95, 1)} max ${fmt(s.max)} long ${s.long}/${s.frames} cpu ${fmt(s.cpuMainMs)}/${fmt(s.cpuProcessMs)} ms` +
          ` work p50 ${fmt(s.workP50, 1)} p95 ${fmt(s.workP95, 1)} max ${fmt(s.workMax)} cpu/frame p95 ${fmt(s.workCpuP95, 1)}`;
        console.log(
          `run ${run} ${impl.padEnd(5)} ${String(n).padStart(5)}: load ${fmt(r.load)} ms, heap ${fmt(r.heapMB, 1)} MB, fit zoom ${fmt(r.fitZoom, 3)}\n` +
            `   fit pan  ${f(r.fit.pan)}\n   fit zoom ${f(r.fit.zoom)}\n   100% pan  ${f(r.one.pan)}\n   100% zoom ${f(r.one.zoom)}` +
            (r.edits ? `\n   edits ${JSON.stringify(r.edits)}` : '') +
            (r.errors.length ? `\n   PAGE ERRORS: ${r.errors.slice(0, 3).join(' | ')}` : ''),
        );
      }
    }
  }
} finally {
  await browser.close();
  await ours.close();
  await stock.close();
}
const rows = summarise(all, args.sizes);
const md = markdown(rows, args.sizes, all);
fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), JSON.stringify({ date: new Date().toISOString(), args, rows, runs: all }, null, 2));
fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), `# Canvas benchmark (medians of ${args.runs} runs)\n\n${md}\n`);
console.log(`\nMedians of ${args.runs} run(s):\n\n${md}\n\nwrote bench/results.json and bench/results.md`);

// Owns the real-window canvas benchmark: the desktop app (WebKitGTK under Xvfb, through tauri-driver) opens generated
// workflows imported through the app's own commands, and the page's frame times are recorded while it pans (wheel)
// and zooms (Ctrl+wheel) — beside this environment's floor, an empty full-window layer panned the same way.
// Run: ./scripts/e2e.sh --bench [--sizes 100,1000,5000] [--runs 3]   (build the app first; a release build is fairer)
import { setTimeout as sleep } from 'node:timers/promises';
import { startApp, tid, waitUntil } from '../app.mjs';

function parseArgs(argv) {
  const args = { sizes: [100, 1000, 5000], runs: 3, shot: null, css: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') args.sizes = argv[++i].split(',').map(Number);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--shot') args.shot = argv[++i];
    // Extra CSS for the app's page, to find what a frame costs by taking parts of it away.
    else if (a === '--css') args.css = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** The graph file of a generated workflow: N nodes in columns, each wired from its row in the column before. */
function graphFile(n) {
  const rows = Math.max(1, Math.round(Math.sqrt(n * 1.6)));
  const body = [
    { kind: 'http.request', label: 'Fetch record', config: { url: 'https://example.com/api/items' } },
    { kind: 'data.transform', label: 'Reshape', config: { expression: '.' } },
    { kind: 'data.set', label: 'Tag item', config: { fields: { tagged: true } } },
    { kind: 'flow.delay', label: 'Back off', config: { ms: 100 } },
  ];
  const id = (k, i) => `01930000-0000-7000-8${k}00-${i.toString(16).padStart(12, '0')}`;
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / rows);
    const r = i % rows;
    const position = { x: 80 + c * 300, y: 80 + r * 140 };
    const b = c === 0 ? { kind: 'trigger.manual', label: 'Start', config: {} } : body[(c * 3 + r) % body.length];
    nodes.push({ id: id(1, i), kind: b.kind, label: `${b.label} ${c}.${r + 1}`, position, config: b.config });
    if (c > 0) edges.push({ id: id(2, edges.length), source: id(1, i - rows), sourceHandle: null, target: id(1, i), targetHandle: null });
  }
  return JSON.stringify({ format: 'neuroflow.graph', version: 1, name: `Window bench ${n}`, nodes, edges });
}

/** Runs in the page: 120 wheel steps at 60 Hz over the canvas pane (ctrl: zoom, else pan), rAF deltas meanwhile. */
function gestureInPage(kind) {
  window.__windowBench = undefined;
  const done = (r) => {
    window.__windowBench = JSON.stringify(r);
  };
  const pane = document.querySelector('.react-flow__pane') ?? document.querySelector('.react-flow');
  const box = pane.getBoundingClientRect();
  const frames = [];
  let last = performance.now();
  let recording = true;
  const tick = (t) => {
    if (!recording) return;
    frames.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  let i = 0;
  const steps = 120;
  // The input handlers' own time (React Flow and React render synchronously on a wheel event): what is left of a
  // frame is style, layout, paint and compositing.
  const handlers = [];
  const timer = setInterval(() => {
    if (i >= steps) {
      clearInterval(timer);
      requestAnimationFrame(() => {
        recording = false;
        done({ frames, handlers });
      });
      return;
    }
    const phase = Math.floor(i / 30) % 4; // a square path, or in / out / in / out
    const zoom = kind === 'zoom';
    const dx = zoom ? 0 : [12, 0, -12, 0][phase];
    const dy = zoom ? (phase % 2 === 0 ? -20 : 20) : [0, 12, 0, -12][phase];
    const t0 = performance.now();
    pane.dispatchEvent(
      new WheelEvent('wheel', {
        deltaX: dx,
        deltaY: dy,
        deltaMode: 0,
        ctrlKey: zoom,
        clientX: box.left + box.width / 2,
        clientY: box.top + box.height / 2,
        bubbles: true,
        cancelable: true,
      }),
    );
    handlers.push(performance.now() - t0);
    i++;
  }, 1000 / 60);
}

/** Runs in the page: the floor — one full-window layer over the app, moved every frame for 2 s. */
function floorInPage() {
  window.__windowBench = undefined;
  const done = (r) => {
    window.__windowBench = JSON.stringify(r);
  };
  const layer = document.createElement('div');
  layer.style.cssText =
    'position:fixed;inset:0;z-index:99999;background:repeating-linear-gradient(45deg,#222 0 20px,#333 20px 40px);will-change:transform';
  document.body.appendChild(layer);
  const frames = [];
  let last = performance.now();
  const start = last;
  const tick = (t) => {
    frames.push(t - last);
    last = t;
    layer.style.transform = `translate(${Math.sin((t - start) / 300) * 40}px, 0)`;
    if (t - start < 2000) requestAnimationFrame(tick);
    else {
      layer.remove();
      done(frames);
    }
  };
  requestAnimationFrame(tick);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const median = (xs) => pct(xs, 0.5);
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');

function summary(result) {
  // The first delta measures from the recorder's start to the first frame: kept, it is the gesture's first frame.
  const frames = Array.isArray(result) ? result : result.frames;
  const handlers = Array.isArray(result) ? [] : result.handlers;
  return {
    p50: median(frames),
    p95: pct(frames, 0.95),
    max: Math.max(...frames),
    long: frames.filter((f) => f > 50).length,
    n: frames.length,
    js50: median(handlers),
    js95: pct(handlers, 0.95),
  };
}

/** Starts `fn(...args)` in the page, which keeps its result on window (WebKitWebDriver does not always parse an async
 * script's result), and polls for it. */
async function inPage(browser, fn, ...args) {
  console.error(`· ${fn.name} ${args.join(' ')}`);
  await browser.execute(fn, ...args);
  let out;
  await waitUntil(async () => (out = await browser.execute(() => window.__windowBench ?? null)) !== null, 'the gesture to end', 120_000);
  return JSON.parse(out);
}

async function zoomOf(browser) {
  return browser.execute(() => {
    const vp = document.querySelector('.react-flow__viewport');
    const m = vp && /scale\(([\d.e-]+)\)/.exec(vp.style.transform);
    return m ? Number(m[1]) : NaN;
  });
}

async function openGraph(browser, n) {
  const report = await browser.executeAsync(
    (contents, done) => {
      window.__TAURI_INTERNALS__
        .invoke('workflow_import', { contents, fileName: 'bench.neuroflow.json' })
        .then((r) => done({ ok: r }), (e) => done({ error: JSON.stringify(e) }));
    },
    graphFile(n),
  );
  if (report.error) throw new Error(`import of ${n} nodes failed: ${report.error}`);
  const id = report.ok.workflow?.id;
  if (!id) throw new Error(`no workflow id in the import report: ${JSON.stringify(report.ok).slice(0, 300)}`);
  const t0 = Date.now();
  await browser.execute((wid) => {
    window.location.hash = `#/workflows/${wid}`;
  }, id);
  await waitUntil(() => browser.$(tid('save-graph')).isDisplayed(), 'the canvas of the generated workflow', 120_000);
  await waitUntil(
    async () => (await browser.execute(() => document.querySelectorAll('.react-flow__node').length + document.querySelectorAll('canvas').length)) > 0,
    'nodes on the canvas',
    120_000,
  );
  const openMs = Date.now() - t0;
  await sleep(1500); // let the fitted view and the minimap settle
  return openMs;
}

const args = parseArgs(process.argv.slice(2));
const rows = [];
const browser = await startApp();
try {
  await browser.setWindowSize(1280, 800).catch(() => {});
  if (args.css) {
    await browser.execute((css) => {
      const style = document.createElement('style');
      style.textContent = css;
      document.head.appendChild(style);
    }, args.css);
  }
  for (let run = 0; run < args.runs; run++) {
    rows.push({ what: 'floor: one full-window layer', run, ...summary(await inPage(browser, floorInPage)) });
  }
  for (const n of args.sizes) {
    const openMs = await openGraph(browser, n);
    for (const view of ['fitted', '100 %']) {
      if (view === '100 %') {
        // Shift+0 zooms to 100 % around the centre of the view.
        await browser.$('.react-flow__pane').click();
        await browser.keys(['Shift', '0']);
        await waitUntil(async () => Math.abs((await zoomOf(browser)) - 1) < 1e-3, 'the view at 100 %', 30_000);
        await sleep(1500);
      }
      for (let run = 0; run < args.runs; run++) {
        for (const g of ['pan', 'zoom']) {
          rows.push({ what: `${n} nodes, ${view}, ${g}`, run, openMs, ...summary(await inPage(browser, gestureInPage, g)) });
          await sleep(500);
        }
      }
      if (args.shot) await browser.saveScreenshot(`${args.shot}-${n}-${view === 'fitted' ? 'fit' : '100'}.png`);
    }
    await browser.execute(() => {
      window.location.hash = '#/workflows';
    });
    await sleep(500);
  }
} finally {
  await browser.deleteSession().catch(() => {});
}

const groups = new Map();
for (const r of rows) {
  if (!groups.has(r.what)) groups.set(r.what, []);
  groups.get(r.what).push(r);
}
console.log('\n| what | open ms | p50 ms | p95 ms | max ms | frames > 50 ms | input handler p50 / p95 ms |\n|---|---:|---:|---:|---:|---:|---:|');
for (const [what, rs] of groups) {
  const m = (k) => median(rs.map((r) => r[k]));
  console.log(`| ${what} | ${rs[0].openMs ?? ''} | ${fmt(m('p50'))} | ${fmt(m('p95'))} | ${fmt(m('max'))} | ${m('long')} of ${m('n')} | ${fmt(m('js50'))} / ${fmt(m('js95'))} |`);
}

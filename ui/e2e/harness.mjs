// Browser-test harness: starts the real core's loopback dev server (crates/api-server) on a fresh SQLite file per test
// file, which also serves the BUILT UI (ui/dist), and drives Debian's Chromium with playwright-core; the page reaches
// the core through the generated bindings over HTTP (ui/src/ipc/devServer.ts). A tiny static server is kept for the
// canvas benchmark's stock React Flow page. Environment: CHROMIUM (default /usr/bin/chromium),
// NEUROFLOW_DEV_SERVER (default: the debug build under $CARGO_TARGET_DIR or ~/.cache/neuroflow-target).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { demoSeed } from './fixtures/demoRuns.mjs';

export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(UI_DIR, 'dist');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Serves ui/dist (or another built root, checked for its `entry` page) on 127.0.0.1 at a free port. */
export async function startServer(root = DIST, { entry = 'index.html' } = {}) {
  if (!fs.existsSync(path.join(root, entry))) {
    throw new Error(`${root}/${entry} is missing: build the UI first (npm run build)`);
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export const DEV_SERVER =
  process.env.NEUROFLOW_DEV_SERVER ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'neuroflow-target'), 'debug', 'neuroflow-dev-server');

/** The demo workflow's id in each core (imported fresh, so its id is the core's), by the core's page URL. */
const demoIds = new Map();
/** The running cores by their page URL (tests pass `app.server.url` around). */
const cores = new Map();
const DEMO_FILE = path.join(UI_DIR, 'e2e', 'fixtures', 'demo.workflow.json');

/** Imports the demo workflow (6 nodes, 5 edges) into the core through its real import command; returns its id. */
async function importDemo(core) {
  const contents = fs.readFileSync(DEMO_FILE, 'utf8');
  const report = await core.call('workflow_import', { contents, fileName: path.basename(DEMO_FILE) });
  demoIds.set(core.url, report.workflow.id);
  return report.workflow.id;
}

/**
 * Starts the core's dev server on a fresh SQLite file in a temp folder, serving ui/dist (`root`; `null`: no UI): `url` is the page with the
 * token, `call(command, args)` calls the core as the page does. `demo: true` imports the demo workflows
 * (e2e/fixtures/*.workflow.json) through the real import command.
 */
export async function startCore({ demo = false, root = DIST } = {}) {
  if (root && !fs.existsSync(path.join(root, 'index.html'))) throw new Error(`${root}/index.html is missing: build the UI first (npm run build)`);
  if (!fs.existsSync(DEV_SERVER)) throw new Error(`${DEV_SERVER} is missing: build it (npm run build:core)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neuroflow-e2e-'));
  // No session bus: the keychain is unavailable, as on a machine without one (the page offers session memory).
  const child = spawn(DEV_SERVER, ['--db', path.join(dir, 'core.db'), '--port', '0', ...(root ? ['--ui', root] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the dev server exited (${code}): ${stderr}`)));
  });
  const started = JSON.parse(line);
  const call = async (command, args = {}) => {
    const res = await fetch(`${started.origin}/invoke/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-neuroflow-token': started.token },
      body: JSON.stringify(args),
    });
    const body = res.headers.get('content-type')?.startsWith('text/event-stream') ? await streamedResult(res) : await res.json();
    if (!res.ok || body?.error) {
      const error = body?.error ?? body;
      throw Object.assign(new Error(`${command}: ${error.message}`), error);
    }
    return body?.ok !== undefined && res.headers.get('content-type')?.startsWith('text/event-stream') ? body.ok : body;
  };
  const core = {
    url: started.url,
    origin: started.origin,
    token: started.token,
    call,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      cores.delete(started.url);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cores.set(core.url, core);
  if (demo) {
    // The demo workspace: the other two demo workflows, then the one openDemo opens (newest first in the list).
    const imported = {};
    for (const file of ['lead.workflow.json', 'digest.workflow.json']) {
      const contents = fs.readFileSync(path.join(UI_DIR, 'e2e', 'fixtures', file), 'utf8');
      imported[file] = (await call('workflow_import', { contents, fileName: file })).workflow.id;
    }
    const triage = await importDemo(core);
    // The demo history: past runs of triage and digest, written through the dev server's seed.
    const graphOf = async (id) => {
      const doc = await call('workflow_get', { id });
      return { id, name: doc.summary.name, graph: doc.graph };
    };
    const seed = demoSeed(new Date(), await graphOf(triage), await graphOf(imported['digest.workflow.json']));
    const res = await fetch(`${started.origin}/dev/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-neuroflow-token': started.token },
      body: JSON.stringify(seed),
    });
    if (!res.ok) throw new Error(`the demo history was refused: ${(await res.json()).message}`);
    // A run in progress: lead enrichment waits two minutes for a CRM sync (Stop ends it at once).
    const input = { email: 'dana@contoso.example', company: 'Contoso', source: 'pricing page' };
    await call('workflow_run', { id: imported['lead.workflow.json'], options: { input } });
  }
  return core;
}

/**
 * A run call's `result` event (`{ok}` or `{error}`); the stream is then let go: the run goes on in the core, as when a
 * page that started it goes away.
 */
async function streamedResult(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error('the run stream ended without a result');
    text += decoder.decode(value, { stream: true });
    const frame = /event: result\ndata: (.*)\n\n/.exec(text);
    if (frame) {
      await reader.cancel();
      return JSON.parse(frame[1]);
    }
  }
}

/**
 * Saves `graph` as a new workflow named `name` through the core and runs it to its end; the execution's summary.
 * `core` is `app.server` of a file on the core.
 */
export async function runWorkflow(core, name, graph, options = {}) {
  const { id } = await core.call('workflow_create', { name });
  await core.call('workflow_save_graph', { id, graph, save: { kind: 'SAVE' } });
  const { executionId } = await core.call('workflow_run', { id, options });
  for (let i = 0; i < 200; i++) {
    const detail = await core.call('execution_get', { id: executionId });
    if (detail.summary.status !== 'RUNNING') return detail.summary;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name}: the run did not end within 10 s`);
}

/** The demo workflow's id in the core behind `baseUrl` (started with `demo`). */
export function demoWorkflowId(baseUrl) {
  const id = demoIds.get(baseUrl);
  if (!id) throw new Error(`no demo workflow in the core at ${baseUrl}: start it with { demo: true }`);
  return id;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * A fresh page at 1280×800. `clipboard: true` grants clipboard read/write (the system clipboard path); without it the
 * page is denied, which exercises the in-memory fallback. Page errors fail the test that reads `page.errors`.
 */
export async function newPage(browser, { clipboard = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  if (clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    // Chromium logs every non-2xx fetch; a 422 is the core answering {code, message}, which the page handles.
    if (m.type() === 'error' && !/status of 422 \(Unprocessable Entity\)/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

/**
 * Makes the core's answer to `commands` fail for this page as `{code, message}` (after `latencyMs`), at the transport:
 * how the UI behaves when the database refuses, without a second implementation of the core.
 */
export async function failCalls(page, commands, { code = 'database', message = 'The database is read-only (simulated failure).', latencyMs = 0 } = {}) {
  for (const command of commands) {
    await page.route(`**/invoke/${command}`, async (route) => {
      if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      await route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ code, message }) });
    });
  }
}

export const tid = (id) => `[data-testid="${id}"]`;
export const NODE = tid('canvas-node');
export const nodeOfKind = (kind) => `${NODE}[data-kind="${kind}"]`;
export const EDGE = '.react-flow__edge';
export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Opens the app on the core behind `baseUrl` (its page URL, with the token) at a hash route. */
export async function openApp(page, baseUrl, route = '/workflows') {
  const url = new URL(baseUrl);
  url.hash = route;
  await page.goto(url.href);
}

/**
 * Opens the demo workflow (6 nodes, 5 edges) and waits until its nodes are drawn. On the core each call imports a fresh
 * copy, so a test's edits never reach the next test.
 */
export async function openDemo(page, baseUrl) {
  const core = cores.get(baseUrl);
  if (!core) throw new Error(`no core at ${baseUrl}`);
  await openApp(page, baseUrl, `/workflows/${await importDemo(core)}`);
  await page.waitForSelector(tid('save-graph'));
  await waitCount(page, NODE, 6);
}

/** Creates an empty workflow through the list page and opens it. */
export async function createAndOpen(page, baseUrl, name) {
  await openApp(page, baseUrl, '/workflows');
  await page.fill(tid('new-workflow-name'), name);
  // Creating opens the new workflow's canvas.
  await page.click(tid('create-workflow'));
  await page.waitForSelector(tid('save-graph'));
}

export async function count(page, selector) {
  return page.locator(selector).count();
}

/** Waits until exactly n elements match (Playwright selectors, so :text-is() and :has() work). */
export async function waitCount(page, selector, n, timeout = 5000) {
  const until = Date.now() + timeout;
  let got = await count(page, selector);
  while (got !== n) {
    if (Date.now() > until) throw new Error(`expected ${n} × ${selector}, found ${got}`);
    await page.waitForTimeout(25);
    got = await count(page, selector);
  }
}

export async function waitText(page, selector, text, timeout = 5000) {
  await page
    .waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [selector, text], { timeout })
    .catch(async () => {
      const got = await page.locator(selector).first().textContent().catch(() => null);
      throw new Error(`expected ${selector} to read "${text}", it reads "${got}"`);
    });
}

/** Node ids currently selected, via the DOM (React Flow marks them .selected). */
export async function selectedNodeIds(page) {
  return page.$$eval('.react-flow__node.selected [data-node-id]', (els) => els.map((e) => e.getAttribute('data-node-id')));
}

export async function nodeIds(page) {
  return page.$$eval('[data-node-id]', (els) => els.map((e) => e.getAttribute('data-node-id')));
}

export async function centre(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} has no box`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the mouse in small steps (React Flow and d3-drag need intermediate moves). */
export async function drag(page, from, to, { steps = 12, modifiers = [] } = {}) {
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 2, from.y + 2);
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
  for (const m of modifiers) await page.keyboard.up(m);
}

/** A point on the empty canvas pane (the top-left area of the flow, below the toolbar). */
export async function emptyCanvasPoint(page, dx = 40, dy = 80) {
  const box = await page.locator('.react-flow__pane').boundingBox();
  return { x: box.x + dx, y: box.y + dy };
}

/** Flow positions of the nodes by id, read from React Flow's transforms. */
export async function flowPositions(page) {
  return page.$$eval('.react-flow__node', (els) =>
    Object.fromEntries(
      els.map((el) => {
        const m = /translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(el.style.transform);
        return [el.getAttribute('data-id'), m ? { x: Number(m[1]), y: Number(m[2]) } : null];
      }),
    ),
  );
}

/** The canvas node whose label reads `label`. */
export const nodeByLabel = (page, label) =>
  page.locator(NODE).filter({ has: page.locator(`${tid('node-label')}`, { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

/** Labels of all nodes, sorted. */
export async function labels(page) {
  return (await page.$$eval(tid('node-label'), (els) => els.map((e) => e.textContent))).sort();
}

/** True when no two nodes' boxes overlap on screen. */
export async function noOverlaps(page) {
  return page.$$eval('.react-flow__node', (els) => {
    const boxes = els.map((e) => e.getBoundingClientRect());
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) return false;
      }
    return true;
  });
}

/**
 * A list page refused an imported file: the error reading `text` is an alert just under the Import button (test id
 * `button`), and neither the name field of the create form (test id `name`) nor the page's banner speaks of it.
 */
export async function assertImportError(page, { button, name, text }) {
  const error = page.locator(tid('import-error'));
  await error.filter({ hasText: text }).waitFor();
  assert.equal(await error.getAttribute('role'), 'alert');
  const at = await error.boundingBox();
  const importButton = await page.locator(tid(button)).boundingBox();
  const gap = at.y - (importButton.y + importButton.height);
  assert.ok(gap >= 0 && gap < 24, `the error starts ${gap}px under the Import button`);
  assert.ok(Math.abs(at.x + at.width - (importButton.x + importButton.width)) < 2, 'the error ends where the Import button does');
  const field = page.locator(tid(name));
  assert.equal(await field.getAttribute('aria-invalid'), null, 'the name field is not marked invalid');
  assert.doesNotMatch(await field.getAttribute('class'), /is-invalid/);
  assert.equal(await page.locator(tid('form-error')).count(), 0, 'no banner for a refused file');
}

/**
 * The core started (with the built UI) and a browser launched for a test file: started before its tests, closed after
 * them. Tests read `app.server` (`url`, and `call` on the core) and `app.browser`. `demo` imports the demo workflows,
 * their run history and a run in progress.
 */
export function useApp({ demo = false } = {}) {
  const app = { server: null, browser: null };
  before(async () => {
    app.server = await startCore({ demo });
    app.browser = await launchBrowser();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

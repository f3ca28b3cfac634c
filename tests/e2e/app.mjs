// Helpers for driving the NeuroFlow Studio desktop app through tauri-driver.
// Used by *.test.mjs; run everything via scripts/e2e.sh, which provides:
//   NEUROFLOW_APP        path of the debug binary
//   WEBDRIVER_URL        http://127.0.0.1:<tauri-driver port>
//   NEUROFLOW_ARTIFACTS  where failure screenshots go
//   DISPLAY, XDG_*       a private Xvfb display and a throwaway profile
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

/** Default timeout of a single wait (ms). */
export const WAIT = Number(process.env.NEUROFLOW_E2E_WAIT_MS ?? 15_000);
/** How long the app may take from session start to a usable UI (ms). */
const LAUNCH_WAIT = Number(process.env.NEUROFLOW_E2E_LAUNCH_WAIT_MS ?? 60_000);

export const tid = (id) => `[data-testid="${cssString(id)}"]`;
export const CANVAS_NODE = tid('canvas-node');
export const EDGE = '.react-flow__edge';
export const nodeOfKind = (kind) => `${CANVAS_NODE}[data-kind="${cssString(kind)}"]`;
export const workflowRow = (name) => `${tid('workflow-row')}[data-name="${cssString(name)}"]`;

/** Escape a value for use inside a double-quoted CSS attribute selector. */
export function cssString(value) {
  return String(value).replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ');
}

/** A name no earlier run can have used. */
export function uniqueName(prefix) {
  return `${prefix} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through scripts/e2e.sh`);
  return value;
}

/**
 * Launch the app (a new WebDriver session) and wait until `readyTestId` is displayed; `webdriverUrl` picks another
 * tauri-driver (one started with another profile's environment).
 */
export async function startApp(readyTestId = 'nav-workflows', { webdriverUrl = process.env.WEBDRIVER_URL } = {}) {
  const application = required('NEUROFLOW_APP');
  const url = new URL(webdriverUrl ?? 'http://127.0.0.1:4444');
  const browser = await remote({
    protocol: url.protocol.replace(/:$/, ''),
    hostname: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    path: '/',
    logLevel: 'warn',
    waitforTimeout: WAIT,
    // A retried POST /session would launch a second app instance.
    connectionRetryCount: 0,
    connectionRetryTimeout: LAUNCH_WAIT * 2,
    capabilities: {
      browserName: 'wry',
      // WebKitWebDriver rejects the BiDi webSocketUrl capability wdio adds otherwise.
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application },
    },
  });
  try {
    await waitUntil(
      () => browser.$(tid(readyTestId)).isDisplayed(),
      `expected the app UI ([data-testid=${readyTestId}]) after launching ${application}`,
      LAUNCH_WAIT,
    );
  } catch (err) {
    await captureFailure(browser, 'launch');
    await endSession(browser);
    throw err;
  }
  return browser;
}

/**
 * Run `fn(browser)` against a freshly launched app; on failure save
 * screenshots first; always end the session (which quits the app) and wait
 * until the app process is gone, so the next session starts a new instance on
 * the same database.
 */
export async function withApp(label, fn, readyTestId = 'nav-workflows') {
  const browser = await startApp(readyTestId);
  let failed = true;
  try {
    await fn(browser);
    failed = false;
  } catch (err) {
    await captureFailure(browser, label);
    throw err;
  } finally {
    if (failed) {
      await endSession(browser); // logs instead of masking the test's error
    } else {
      await browser.deleteSession();
      await waitForAppExit();
    }
  }
}

async function endSession(browser) {
  try {
    await browser.deleteSession();
    await waitForAppExit();
  } catch (err) {
    console.warn(`(while cleaning up after a failure) ${err.message}`);
  }
}

/** Pids of running instances of $NEUROFLOW_APP that use our XDG_DATA_HOME. */
export function appPids() {
  let exe;
  try {
    exe = realpathSync(required('NEUROFLOW_APP'));
  } catch {
    return [];
  }
  const marker = process.env.XDG_DATA_HOME ? `XDG_DATA_HOME=${process.env.XDG_DATA_HOME}` : null;
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // not Linux: nothing to check
  }
  const pids = [];
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== exe) continue;
      if (marker && !readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) continue;
      pids.push(Number(pid));
    } catch {
      // gone, a zombie, or not ours to inspect
    }
  }
  return pids;
}

export async function waitForAppExit(timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let pids = appPids();
  while (pids.length > 0) {
    if (Date.now() > deadline) {
      throw new Error(`expected the app to quit within ${timeout} ms of deleteSession(), still running: pids ${pids.join(', ')}`);
    }
    await sleep(100);
    pids = appPids();
  }
}

/** Screenshots (whole X screen + webview) and page source into $NEUROFLOW_ARTIFACTS. */
export async function captureFailure(browser, label) {
  const dir = process.env.NEUROFLOW_ARTIFACTS;
  if (!dir) return;
  const base = join(dir, `${label.replace(/[^\w.-]+/g, '_')}-${Date.now()}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    console.warn(`cannot create ${dir}: ${err.message}`);
    return;
  }
  const saved = [];
  if (process.env.DISPLAY) {
    try {
      execFileSync('import', ['-display', process.env.DISPLAY, '-window', 'root', `${base}-screen.png`], { timeout: 15_000, stdio: 'ignore' });
      saved.push(`${base}-screen.png`);
    } catch (err) {
      console.warn(`root-window screenshot failed: ${err.message}`);
    }
  }
  try {
    await browser.saveScreenshot(`${base}-webview.png`);
    saved.push(`${base}-webview.png`);
  } catch (err) {
    console.warn(`webview screenshot failed: ${err.message}`);
  }
  try {
    writeFileSync(`${base}-page.html`, await browser.getPageSource());
    saved.push(`${base}-page.html`);
  } catch (err) {
    console.warn(`page source failed: ${err.message}`);
  }
  if (saved.length) console.error(`failure artifacts:\n  ${saved.join('\n  ')}`);
}

// ---------------------------------------------------------------- waits & actions

/**
 * Poll `condition` until it returns truthy; on timeout throw `message` (a
 * string, or a function so it can report the last value seen).
 */
export async function waitUntil(condition, message, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(100);
  }
  const text = typeof message === 'function' ? message() : message;
  throw new Error(`${text} (waited ${timeout} ms)${lastError ? `; last error: ${lastError.message}` : ''}`);
}

/** Number of elements matching a CSS selector, counted in the page. */
export async function count(browser, selector) {
  return browser.execute((sel) => document.querySelectorAll(sel).length, selector);
}

export async function waitForCount(browser, selector, expected, what) {
  let last;
  await waitUntil(
    async () => (last = await count(browser, selector)) === expected,
    () => `expected ${expected} × ${what} (${selector}), last saw ${last}`,
  );
}

// Element handles go stale whenever React re-renders a list, so every helper
// below looks its element up again on each attempt instead of holding one.

/** Wait until a CSS selector matches a displayed element. */
export async function waitForDisplayed(browser, selector, what = selector) {
  await waitUntil(() => browser.$(selector).isDisplayed(), () => `expected ${what} (${selector}) to be displayed`);
}

/** Where the element is on screen now, as one comparable string (any selector WebdriverIO takes, text ones too). */
async function placeOf(browser, el) {
  return browser.execute((e) => {
    const r = e.getBoundingClientRect();
    return `${r.x},${r.y},${r.width},${r.height}`;
  }, el);
}

/**
 * Wait until the element is displayed, clickable and standing still, then click it once. A WebDriver click aims
 * at where the element is when it is sent: while the canvas pans to show a new node (250 ms), that spot is
 * somewhere else a moment later and the click lands on whatever moved under it.
 */
export async function click(browser, selector, what = selector) {
  await waitUntil(async () => {
    const el = await browser.$(selector);
    if (!(await el.isClickable())) return false;
    const before = await placeOf(browser, el);
    await sleep(80);
    if (before !== (await placeOf(browser, el))) return false;
    await el.click();
    return true;
  }, () => `expected ${what} (${selector}) to be clickable`);
}

/** Replace an input's text by typing, as a user would, and check it took. */
export async function typeInto(browser, selector, text, what = selector) {
  await click(browser, selector, what);
  if ((await browser.$(selector).getValue()) !== '') {
    await browser.keys(['Control', 'a']);
    await browser.keys('Backspace');
  }
  await browser.$(selector).addValue(text);
  let last;
  await waitUntil(
    async () => (last = await browser.$(selector).getValue()) === text,
    () => `expected ${what} to contain "${text}", it has "${last}"`,
  );
}

export async function waitForText(browser, selector, expected, what = selector) {
  let last;
  await waitUntil(
    async () => (last = (await browser.$(selector).getText()).trim()) === expected,
    () => `expected ${what} to read "${expected}", last read "${last}"`,
  );
}

/** Centre of the element in viewport (CSS px) coordinates, checking nothing covers it. */
async function centreOf(browser, selector, what) {
  await waitForCount(browser, selector, 1, what);
  // React Flow mounts a node hidden until it has measured it: poll until it is on top.
  let box;
  const deadline = Date.now() + 5000;
  do {
    box = await browser.execute((sel) => {
    const e = document.querySelector(sel);
    const r = e.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    return {
      x: Math.round(x),
      y: Math.round(y),
      inView: x >= 0 && y >= 0 && x < window.innerWidth && y < window.innerHeight,
      onTop: !!top && (top === e || e.contains(top)),
      topDesc: top ? `${top.tagName.toLowerCase()}.${[...top.classList].join('.')}` : 'nothing',
    };
  }, selector);
    if (box.onTop && box.inView) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  if (!box.inView) throw new Error(`${what} (${selector}) centre (${box.x}, ${box.y}) is outside the viewport`);
  if (!box.onTop) throw new Error(`${what} (${selector}) is covered at its centre (${box.x}, ${box.y}) by ${box.topDesc}`);
  return box;
}

/**
 * Drag from one element's centre to another's with real W3C pointer actions:
 * React Flow (d3-drag / XYHandle) only reacts to a press followed by
 * pointermove events spread over time, which a synthetic drag doesn't give.
 */
export async function dragBetween(browser, fromSelector, toSelector, what) {
  const from = await centreOf(browser, fromSelector, `${what}: start`);
  const to = await centreOf(browser, toSelector, `${what}: end`);
  const steps = 6;
  const moves = [];
  for (let i = 1; i <= steps; i++) {
    moves.push({
      type: 'pointerMove',
      duration: i === 1 ? 50 : 80,
      origin: 'viewport',
      x: Math.round(from.x + ((to.x - from.x) * i) / steps),
      y: Math.round(from.y + ((to.y - from.y) * i) / steps),
    });
  }
  await browser.performActions([
    {
      type: 'pointer',
      id: 'mouse',
      parameters: { pointerType: 'mouse' },
      actions: [
        { type: 'pointerMove', duration: 0, origin: 'viewport', x: from.x, y: from.y },
        { type: 'pointerDown', button: 0 },
        { type: 'pause', duration: 100 },
        ...moves,
        { type: 'pointerMove', duration: 100, origin: 'viewport', x: to.x, y: to.y },
        { type: 'pause', duration: 100 },
        { type: 'pointerUp', button: 0 },
      ],
    },
  ]);
  await browser.releaseActions();
}

// ---------------------------------------------------------------- app flows

export async function gotoWorkflows(browser) {
  await click(browser, tid('nav-workflows'), 'the Workflows nav item');
  await waitForDisplayed(browser, tid('new-workflow-name'), 'the workflow list’s name input, after clicking nav-workflows');
}

/** Creates a workflow (its canvas opens) and comes back to the list, where it is a row. */
export async function createWorkflow(browser, name) {
  await typeInto(browser, tid('new-workflow-name'), name, 'the new-workflow name input');
  await click(browser, tid('create-workflow'), 'the create-workflow button');
  await waitForDisplayed(browser, tid('save-graph'), `the canvas of the new workflow "${name}"`);
  await click(browser, tid('back-to-workflows'), 'the back-to-workflows link');
  await waitForRow(browser, name);
}

export async function waitForRow(browser, name) {
  await waitForCount(browser, workflowRow(name), 1, `workflow row named "${name}"`);
}

export async function waitForNoRow(browser, name) {
  await waitForCount(browser, workflowRow(name), 0, `workflow row named "${name}" (it should be gone)`);
}

/** Click a control inside the row of workflow `name`. */
export async function clickInRow(browser, name, testId) {
  await waitForRow(browser, name);
  await click(browser, `${workflowRow(name)} ${tid(testId)}`, `${testId} in the row of "${name}"`);
}

export async function openWorkflow(browser, name) {
  await clickInRow(browser, name, 'workflow-open');
  await waitForDisplayed(browser, tid('save-graph'), `the canvas editor’s save button, after opening "${name}"`);
}

/** An attribute of the first element matching `selector`, or null. */
export async function attr(browser, selector, name) {
  return browser.execute((sel, n) => document.querySelector(sel)?.getAttribute(n) ?? null, selector, name);
}

/** data-kind of every canvas node, sorted. */
export async function nodeKinds(browser) {
  const kinds = await browser.execute(
    (sel) => [...document.querySelectorAll(sel)].map((n) => n.getAttribute('data-kind')),
    CANVAS_NODE,
  );
  return kinds.sort();
}

/** With NEUROFLOW_SCREENSHOT_DIR set, keeps a picture of the real window (the README's screenshots). */
export async function screenshotFor(browser, file) {
  const dir = process.env.NEUROFLOW_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await sleep(500);
  await browser.saveScreenshot(join(dir, file));
}

/** A left click at a point of the viewport (CSS px), e.g. on a line of the canvas that no element's centre is on. */
export async function clickAt(browser, x, y) {
  await browser.performActions([
    {
      type: 'pointer',
      id: 'mouse',
      parameters: { pointerType: 'mouse' },
      actions: [
        { type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(x), y: Math.round(y) },
        { type: 'pointerDown', button: 0 },
        { type: 'pause', duration: 50 },
        { type: 'pointerUp', button: 0 },
      ],
    },
  ]);
  await browser.releaseActions();
}

/** The bounding box of the element, in viewport CSS px. */
export async function boxOf(browser, selector) {
  return browser.execute((sel) => {
    const r = document.querySelector(sel)?.getBoundingClientRect();
    return r ? { x: r.left, y: r.top, width: r.width, height: r.height } : null;
  }, selector);
}

/** A TCP port free on this computer now (for a tauri-driver of the test's own). */
export async function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A desktop session of the test's own: a D-Bus session bus, a fresh profile (XDG dirs) and a tauri-driver whose apps
 * run in it. With `keyring`, gnome-keyring's Secret Service runs on that bus, unlocked: the OS keychain a desktop has.
 * `stop()` ends all of it.
 */
export async function desktopSession(name, { keyring = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `neuroflow-${name}-`));
  for (const sub of ['data', 'config', 'cache', 'runtime']) mkdirSync(join(dir, sub), { mode: 0o700 });
  const out = execFileSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' }).trim().split('\n');
  const [address, busPid] = [out[0], Number(out[1])];
  const env = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_RUNTIME_DIR: join(dir, 'runtime'),
  };
  const pids = [busPid];
  if (keyring) {
    const started = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { env, input: 'e2e keyring password\n', encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`gnome-keyring-daemon did not start: ${started.stderr}`);
    for (const line of started.stdout.split('\n')) {
      const [key, ...rest] = line.split('=');
      if (key && rest.length) env[key] = rest.join('=');
    }
    // The daemon forks away; it is the gnome-keyring-daemon whose environment is this session's.
    const marker = `XDG_RUNTIME_DIR=${env.XDG_RUNTIME_DIR}`;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('gnome-keyring') && readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) {
          pids.push(Number(pid));
        }
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  }
  const port = await freePort();
  const native = await freePort();
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(native)], { env, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/status`).catch(() => null))?.ok, `tauri-driver for ${name}`, 30_000);
  return {
    env,
    url,
    dir,
    stop: () => {
      for (const p of [-driver.pid, ...pids]) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

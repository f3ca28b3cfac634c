// Takes the review screenshots of the canvas editor (1280×800) from the built UI on the real core (its dev server):
// a multi-selection, the quick-add popup, the shortcut sheet, and a 5,000-node graph zoomed out (drawn, mid-run) and
// zoomed in (DOM nodes). Run: npm run shots [-- DIR] (default /tmp/nf-ui-shots).
import fs from 'node:fs';
import path from 'node:path';
import { saveBenchWorkflow } from '../bench/graph.mjs';
import { drag, launchBrowser, newPage, nodeByLabel, openApp, openDemo, startCore, tid } from './harness.mjs';

const dir = path.resolve(process.argv[2] || process.env.NF_SHOTS_DIR || '/tmp/nf-ui-shots');
fs.mkdirSync(dir, { recursive: true });
const server = await startCore({ demo: true });
const browser = await launchBrowser();
try {
  const p = await newPage(browser);

  // 1. A box selection of three nodes.
  await openDemo(p, server.url);
  const a = await nodeByLabel(p, 'Is it urgent?').boundingBox();
  const b = await nodeByLabel(p, 'Draft reply').boundingBox();
  await drag(p, { x: a.x - 24, y: a.y - 150 }, { x: b.x + b.width - 30, y: b.y + b.height + 24 });
  await p.waitForSelector(tid('selection-count'));
  await p.mouse.move(640, 760);
  await p.waitForTimeout(300);
  await p.screenshot({ path: path.join(dir, 'canvas-multiselect.png') });

  // 2. Quick add after the selected node, searching.
  await nodeByLabel(p, 'Draft reply').click();
  await p.keyboard.press('Tab');
  await p.waitForSelector(tid('quick-add'));
  await p.keyboard.type('ai');
  await p.keyboard.press('ArrowDown');
  await p.waitForTimeout(250);
  await p.screenshot({ path: path.join(dir, 'quick-add.png') });
  await p.keyboard.press('Escape');

  // 3. The shortcut sheet.
  await p.keyboard.press('?');
  await p.waitForSelector(tid('shortcut-sheet'));
  await p.waitForTimeout(250);
  await p.screenshot({ path: path.join(dir, 'shortcut-sheet.png') });

  if (p.errors.length) throw new Error(`page errors: ${p.errors.join('\n')}`);

  // 4. A 5,000-node graph, fitted: the canvas layer draws it, with a run in progress.
  const large = await newPage(browser);
  await openApp(large, server.url, `/workflows/${await saveBenchWorkflow(server.call, 5000)}`);
  await large.waitForSelector('[data-testid="lod-layer"][data-detail="far"][data-drawn-nodes="5000"]', { timeout: 60_000 });
  await large.waitForTimeout(500);
  const pane = await large.locator('.react-flow').boundingBox();
  await large.click(tid('run-workflow'));
  await large.waitForTimeout(4000);
  await large.mouse.move(pane.x + 20, pane.y + pane.height - 20);
  await large.screenshot({ path: path.join(dir, 'canvas-large.png') });

  // 5. Zoomed in on one node (double click): the nodes in view are DOM nodes again. (The core may have refused the
  // run, the generated graph calling an agent this workspace lacks: then there is nothing to stop.)
  if (await large.locator(tid('cancel-run')).isVisible()) await large.click(tid('cancel-run'));
  await large.keyboard.press('Escape');
  await large.mouse.dblclick(pane.x + pane.width * 0.3, pane.y + pane.height * 0.4);
  await large.waitForSelector('[data-testid="lod-layer"][data-detail="near"]');
  await large.waitForTimeout(1500);
  await large.screenshot({ path: path.join(dir, 'canvas-large-zoomed-in.png') });
  if (large.errors.length) throw new Error(`page errors: ${large.errors.join('\n')}`);
  console.log(`screenshots in ${dir}: canvas-multiselect.png, quick-add.png, shortcut-sheet.png, canvas-large.png, canvas-large-zoomed-in.png`);
} finally {
  await browser.close();
  await server.close();
}

// Takes the review screenshots of the canvas editor (1280×800) from the built UI on the in-memory backend:
// a multi-selection, the quick-add popup and the shortcut sheet. Run: npm run shots [-- DIR] (default /tmp/nf-ui-shots).
import fs from 'node:fs';
import path from 'node:path';
import { drag, launchBrowser, newPage, nodeByLabel, openDemo, startServer, tid } from './harness.mjs';

const dir = path.resolve(process.argv[2] || process.env.NF_SHOTS_DIR || '/tmp/nf-ui-shots');
fs.mkdirSync(dir, { recursive: true });
const server = await startServer();
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
  console.log(`screenshots in ${dir}: canvas-multiselect.png, quick-add.png, shortcut-sheet.png`);
} finally {
  await browser.close();
  await server.close();
}

// Browser tests of the canvas editor: the built UI in Debian's Chromium (playwright-core), on the real core (its dev server).
// Run: npm run test:browser (builds, then `node --test e2e/`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EDGE,
  MOD,
  NODE,
  centre,
  count,
  createAndOpen,
  drag,
  emptyCanvasPoint,
  flowPositions,
  labels,
  newPage,
  nodeByLabel,
  nodeIds,
  nodeOfKind,
  noOverlaps,
  failCalls,
  openApp,
  openDemo,
  selectedNodeIds,
  tid,
  useApp,
  waitCount,
  waitText,
} from './harness.mjs';

const app = useApp({ demo: true });
const pages = [];

async function page(options) {
  const p = await newPage(app.browser, options);
  pages.push(p);
  return p;
}

/** Fails on any uncaught error or console error the page logged. */
function assertNoPageErrors(p) {
  assert.deepEqual(p.errors, [], 'the page logged errors');
}

const toastText = (p) => p.locator(tid('toast')).last().textContent();

async function quickAdd(p, search, { key = 'Tab' } = {}) {
  await p.keyboard.press(key);
  await p.waitForSelector(tid('quick-add'));
  await p.keyboard.type(search);
  await p.keyboard.press('Enter');
  await p.waitForSelector(tid('quick-add'), { state: 'detached' });
}

describe('canvas editor', () => {
  test('quick-add by keyboard builds a connected chain after the selected node', async () => {
    const p = await page();
    await createAndOpen(p, app.server.url, 'Keyboard flow');

    // The popup searches by name and by category; Escape closes it without adding anything.
    await p.keyboard.press('Tab');
    await p.waitForSelector(tid('quick-add'));
    await p.keyboard.type('integrations');
    const hits = await p.$$eval('[data-testid^="quick-add-item-"]', (els) => els.map((e) => e.getAttribute('data-testid')));
    assert.deepEqual(hits, ['quick-add-item-integration.slack', 'quick-add-item-integration.gmail', 'quick-add-item-integration.webhook', 'quick-add-item-integration.http']);
    await p.keyboard.press('Escape');
    await p.waitForSelector(tid('quick-add'), { state: 'detached' });
    assert.equal(await count(p, NODE), 0);

    await quickAdd(p, 'manual');
    await waitCount(p, NODE, 1);
    assert.equal(await count(p, nodeOfKind('trigger.manual')), 1);

    // With a node selected the popup says it will connect after it; ↓ picks the second match.
    await p.keyboard.press('Tab');
    await waitText(p, tid('quick-add-context'), 'Adds after Manual trigger and connects it');
    await p.keyboard.type('prompt');
    await p.keyboard.press('Enter');
    await waitCount(p, NODE, 2);
    await waitCount(p, EDGE, 1);
    assert.equal(await count(p, nodeOfKind('ai.llm')), 1);

    await quickAdd(p, 'slack', { key: '/' });
    await waitCount(p, NODE, 3);
    await waitCount(p, EDGE, 2);

    // Arrow keys move through the list.
    await p.keyboard.press('Tab');
    await p.keyboard.type('a');
    const first = await p.getAttribute('[role=option][aria-selected=true]', 'data-testid');
    await p.keyboard.press('ArrowDown');
    const second = await p.getAttribute('[role=option][aria-selected=true]', 'data-testid');
    assert.notEqual(first, second);
    await p.keyboard.press('ArrowUp');
    assert.equal(await p.getAttribute('[role=option][aria-selected=true]', 'data-testid'), first);
    await p.keyboard.press('Escape');

    assert.ok(await noOverlaps(p), 'quick-added nodes do not overlap');
    const pos = await flowPositions(p);
    const xs = Object.values(pos).map((q) => q.x);
    assert.ok(xs[0] < xs[1] && xs[1] < xs[2], `each node is placed right of the one before: ${xs}`);
    await waitText(p, tid('save-status'), 'Unsaved changes');
    assertNoPageErrors(p);
  });

  test('connections: drag handle to handle, refusals explained, drop on empty canvas adds a connected node', async () => {
    const p = await page();
    await openDemo(p, app.server.url);
    const source = (label) => `${NODE}:has(${tid('node-label')}:text-is("${label}")) .react-flow__handle.source`;
    const target = (label) => `${NODE}:has(${tid('node-label')}:text-is("${label}")) .react-flow__handle.target`;

    // A new connection, handle to handle.
    await drag(p, await centre(p, source('Page on-call')), await centre(p, target('Send reply')));
    await waitCount(p, EDGE, 6);

    // Into a node without an input (the webhook trigger): refused, and the toast says why.
    await drag(p, await centre(p, source('Send reply')), await centre(p, `${NODE}:has(${tid('node-label')}:text-is("New ticket"))`));
    await p.waitForSelector(tid('toast'));
    assert.match(await toastText(p), /no input/i);
    assert.equal(await count(p, EDGE), 6);

    // A duplicate.
    await drag(p, await centre(p, source('Page on-call')), await centre(p, target('Send reply')));
    await p.waitForFunction(() => [...document.querySelectorAll('[data-testid=toast]')].some((t) => /already connected/.test(t.textContent)));
    assert.equal(await count(p, EDGE), 6);

    // Onto its own body.
    await drag(p, await centre(p, source('Draft reply')), await centre(p, `${NODE}:has(${tid('node-label')}:text-is("Draft reply")) ${tid('node-label')}`));
    await p.waitForFunction(() => [...document.querySelectorAll('[data-testid=toast]')].some((t) => /itself/.test(t.textContent)));
    assert.equal(await count(p, EDGE), 6);

    // Dropped on a node's body (not its handle) it connects, like n8n.
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, EDGE, 5);
    await drag(p, await centre(p, source('Page on-call')), await centre(p, `${NODE}:has(${tid('node-label')}:text-is("Send reply")) ${tid('node-label')}`));
    await waitCount(p, EDGE, 6);

    // Dropped on empty canvas: quick-add opens for a node connected after it.
    const from = await centre(p, source('Send reply'));
    await drag(p, from, { x: from.x - 300, y: from.y + 150 });
    await waitText(p, tid('quick-add-context'), 'Adds after Send reply and connects it');
    await p.keyboard.type('output');
    await p.keyboard.press('Enter');
    await waitCount(p, NODE, 7);
    await waitCount(p, EDGE, 7);
    assert.equal(await count(p, nodeOfKind('output')), 1);
    assertNoPageErrors(p);
  });

  test('box select, shift-click, copy/paste with fresh ids, undo/redo, duplicate, delete', async () => {
    const p = await page({ clipboard: true });
    await openDemo(p, app.server.url);
    const originals = await nodeIds(p);

    // Box select with the select tool: a drag on empty canvas around the first two nodes.
    const a = await nodeByLabel(p, 'New ticket').boundingBox();
    const b = await nodeByLabel(p, 'Classify ticket').boundingBox();
    await drag(p, { x: a.x - 20, y: a.y - 30 }, { x: b.x + b.width - 20, y: b.y + b.height + 20 });
    await p.waitForFunction(() => document.querySelectorAll('.react-flow__node.selected').length === 2);
    await waitText(p, tid('selection-count'), '2 selected');

    // Shift-click adds a third.
    await nodeByLabel(p, 'Is it urgent?').click({ modifiers: ['Shift'] });
    await waitText(p, tid('selection-count'), '3 selected');
    const copied = await selectedNodeIds(p);
    assert.equal(copied.length, 3);

    await p.keyboard.press(`${MOD}+c`);
    const text = await p.evaluate(() => navigator.clipboard.readText());
    const json = JSON.parse(text);
    assert.equal(json.format, 'neuroflow.graph');
    assert.equal(json.version, 1);
    assert.equal(json.nodes.length, 3);
    assert.equal(json.edges.length, 2, 'the copy holds only the edges between copied nodes');

    await p.keyboard.press(`${MOD}+v`);
    await waitCount(p, NODE, 9);
    await waitCount(p, EDGE, 7);
    const pasted = await selectedNodeIds(p);
    assert.equal(pasted.length, 3, 'the pasted nodes are the new selection');
    for (const id of pasted) assert.ok(!originals.includes(id), `pasted node ${id} has a fresh id`);
    assert.ok(pasted.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id)), 'fresh ids are UUIDv7');
    const pos = await flowPositions(p);
    for (const id of pasted) {
      assert.ok(!copied.some((c) => pos[c].x === pos[id].x && pos[c].y === pos[id].y), 'pasted nodes do not sit on the originals');
    }

    // Undo and redo the paste (Ctrl+Shift+Z and Ctrl+Y).
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 6);
    await waitCount(p, EDGE, 5);
    await p.keyboard.press(`${MOD}+Shift+z`);
    await waitCount(p, NODE, 9);
    await waitCount(p, EDGE, 7);
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 6);
    await p.keyboard.press(`${MOD}+y`);
    await waitCount(p, NODE, 9);

    // Duplicate the pasted selection: 3 more, with their 2 internal edges.
    await p.keyboard.press(`${MOD}+d`);
    await waitCount(p, NODE, 12);
    await waitCount(p, EDGE, 9);

    // Delete removes the selection and its edges, as one undo step.
    await p.keyboard.press('Delete');
    await waitCount(p, NODE, 9);
    await waitCount(p, EDGE, 7);
    await p.click(tid('undo'));
    await waitCount(p, NODE, 12);
    await p.click(tid('redo'));
    await waitCount(p, NODE, 9);

    // Select all, delete everything, undo brings it all back.
    await p.keyboard.press(`${MOD}+a`);
    await waitText(p, tid('selection-count'), '9 selected');
    await p.keyboard.press('Backspace');
    await waitCount(p, NODE, 0);
    await waitCount(p, EDGE, 0);
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 9);
    await waitCount(p, EDGE, 7);

    // Cut: the nodes go to the clipboard and leave the canvas.
    await nodeByLabel(p, 'Send reply').click();
    await p.keyboard.press(`${MOD}+x`);
    await waitCount(p, NODE, 8);
    assert.equal(JSON.parse(await p.evaluate(() => navigator.clipboard.readText())).nodes[0].label, 'Send reply');

    // Text that isn't a graph: a toast, nothing changes.
    await p.evaluate(() => navigator.clipboard.writeText('just some text'));
    await p.locator('.react-flow__pane').click({ position: { x: 30, y: 300 } });
    await p.keyboard.press(`${MOD}+v`);
    await p.waitForFunction(() => [...document.querySelectorAll('[data-testid=toast]')].some((t) => /doesn't hold NeuroFlow nodes/.test(t.textContent)));
    assert.equal(await count(p, NODE), 8);
    assertNoPageErrors(p);
  });

  test('copy in one workflow, paste in another, with the clipboard permission denied (in-memory fallback)', async () => {
    const p = await page({ clipboard: false });
    await openDemo(p, app.server.url);
    await nodeByLabel(p, 'Draft reply').click();
    await nodeByLabel(p, 'Send reply').click({ modifiers: ['Shift'] });
    await p.keyboard.press(`${MOD}+c`);
    await p.waitForSelector(tid('toast'));

    await p.click(tid('back-to-workflows'));
    const row = `${tid('workflow-row')}[data-name="Daily news digest"]`;
    await p.click(`${row} ${tid('workflow-open')}`);
    await waitCount(p, NODE, 4);
    await p.keyboard.press(`${MOD}+v`);
    await waitCount(p, NODE, 6);
    await waitCount(p, EDGE, 4);
    assert.deepEqual(await labels(p), ['Draft reply', 'Every morning', 'Fetch headlines', 'Post to #news', 'Send reply', 'Summarise']);
    assertNoPageErrors(p);
  });

  test('a drag is one undo step; a label edit is undoable; Escape clears the selection', async () => {
    const p = await page();
    await openDemo(p, app.server.url);
    const node = nodeByLabel(p, 'Draft reply');
    const id = await node.getAttribute('data-node-id');
    const before = (await flowPositions(p))[id];
    const from = await centre(p, `${NODE}[data-node-id="${id}"] .fnode-kind`);
    await drag(p, from, { x: from.x + 120, y: from.y + 90 }, { steps: 20 });
    const moved = (await flowPositions(p))[id];
    assert.notDeepEqual(moved, before);
    assert.equal(moved.x % 20, 0, 'snap to grid keeps x on the 20 px grid');
    await p.keyboard.press(`${MOD}+z`);
    await p.waitForFunction(([nid, x, y]) => {
      const el = document.querySelector(`.react-flow__node[data-id="${nid}"]`);
      return el?.style.transform.includes(`translate(${x}px, ${y}px)`);
    }, [id, before.x, before.y]);
    assert.equal(await p.isDisabled(tid('undo')), true, 'one undo took the whole drag back');

    await node.locator(tid('node-label')).dblclick();
    await p.fill(tid('node-label-input'), 'Write answer');
    await p.keyboard.press('Enter');
    await waitCount(p, `${tid('node-label')}:text-is("Write answer")`, 1);
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, `${tid('node-label')}:text-is("Draft reply")`, 1);

    // F2 renames the selected node.
    await nodeByLabel(p, 'Draft reply').click();
    await p.keyboard.press('F2');
    await p.waitForSelector(tid('node-label-input'));
    await p.keyboard.type('Compose');
    await p.keyboard.press('Enter');
    await waitCount(p, `${tid('node-label')}:text-is("Compose")`, 1);

    // Arrow keys nudge a selection made with Ctrl+A by one grid step (Shift: four), one undo step each.
    await p.locator('.react-flow__pane').click({ position: { x: 30, y: 300 } });
    const start = await flowPositions(p);
    await p.keyboard.press(`${MOD}+a`);
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('Shift+ArrowDown');
    const nudged = await flowPositions(p);
    for (const [nid, q] of Object.entries(start)) assert.deepEqual(nudged[nid], { x: q.x + 20, y: q.y + 80 }, `nudged ${nid}`);
    await p.keyboard.press(`${MOD}+z`);
    await p.keyboard.press(`${MOD}+z`);
    assert.deepEqual(await flowPositions(p), start);

    await p.keyboard.press('Escape');
    await p.waitForFunction(() => document.querySelectorAll('.react-flow__node.selected').length === 0);
    assertNoPageErrors(p);
  });

  test('auto-layout lays out left to right, one undo step; zoom to fit; snap setting persists', async () => {
    const p = await page();
    await openDemo(p, app.server.url);
    // Throw a node off to the far left, then lay out.
    const id = await nodeByLabel(p, 'Send reply').getAttribute('data-node-id');
    const from = await centre(p, `${NODE}[data-node-id="${id}"] .fnode-kind`);
    await drag(p, from, { x: from.x - 700, y: from.y + 150 }, { steps: 20 });
    const messy = await flowPositions(p);

    await p.keyboard.press('Shift+L');
    await p.waitForFunction(
      (m) => [...document.querySelectorAll('.react-flow__node')].some((el) => !el.style.transform.includes(`translate(${m[el.dataset.id].x}px, ${m[el.dataset.id].y}px)`)),
      messy,
    );
    await p.waitForTimeout(100);
    const laid = await flowPositions(p);
    // Left to right: every node of the chain is right of the one before it.
    const chain = ['New ticket', 'Classify ticket', 'Is it urgent?', 'Draft reply', 'Send reply'];
    const x = {};
    for (const label of chain) x[label] = laid[await nodeByLabel(p, label).getAttribute('data-node-id')].x;
    for (let i = 1; i < chain.length; i++) assert.ok(x[chain[i - 1]] < x[chain[i]], `${chain[i - 1]} is left of ${chain[i]}: ${JSON.stringify(x)}`);
    assert.ok(await noOverlaps(p));

    await p.click(tid('undo'));
    await p.waitForFunction(([nid, m]) => {
      const el = document.querySelector(`.react-flow__node[data-id="${nid}"]`);
      return el?.style.transform.includes(`translate(${m.x}px, ${m.y}px)`);
    }, [id, messy[id]]);

    // Zoom to fit (Shift+1) brings every node into view after panning away.
    await p.mouse.move(700, 400);
    await p.mouse.wheel(4000, 0);
    await p.waitForTimeout(100);
    const inView = () =>
      p.$$eval('.react-flow__node', (els) => {
        const r = document.querySelector('.react-flow').getBoundingClientRect();
        return els.every((e) => {
          const b = e.getBoundingClientRect();
          return b.left >= r.left && b.right <= r.right && b.top >= r.top && b.bottom <= r.bottom;
        });
      });
    assert.equal(await inView(), false, 'panned away');
    await p.keyboard.press('Shift+Digit1');
    await p.waitForTimeout(400);
    assert.equal(await inView(), true, 'zoom to fit shows every node');

    // Snap to grid: off, and still off after a reload.
    assert.equal(await p.getAttribute(tid('snap-toggle'), 'aria-pressed'), 'true');
    await p.click(tid('snap-toggle'));
    assert.equal(await p.getAttribute(tid('snap-toggle'), 'aria-pressed'), 'false');
    await p.reload();
    await p.waitForSelector(tid('snap-toggle'));
    assert.equal(await p.getAttribute(tid('snap-toggle'), 'aria-pressed'), 'false');
    await p.keyboard.press('Shift+G');
    assert.equal(await p.getAttribute(tid('snap-toggle'), 'aria-pressed'), 'true');
    assertNoPageErrors(p);
  });

  test('save, then reopen the workflow in the same page shows the saved graph; autosave saves on its own', async () => {
    const p = await page();
    await createAndOpen(p, app.server.url, 'Saved flow');
    await p.click(tid('palette-item-trigger.manual'));
    await p.click(tid('palette-item-http.request'));
    await waitCount(p, NODE, 2);
    assert.ok(await noOverlaps(p), 'palette clicks add non-overlapping nodes');
    // One handle per typed port: a trigger has its main output only; other kinds an error output too.
    assert.equal(await count(p, `${nodeOfKind('trigger.manual')} .react-flow__handle.source`), 1);
    assert.equal(await count(p, `${nodeOfKind('http.request')} .react-flow__handle.source[data-handleid="main"]`), 1);
    assert.equal(await count(p, `${nodeOfKind('http.request')} .react-flow__handle.source[data-handleid="error"]`), 1);
    assert.equal(await count(p, `${nodeOfKind('http.request')} .react-flow__handle.target`), 1);
    await drag(p, await centre(p, `${nodeOfKind('trigger.manual')} .react-flow__handle.source`), await centre(p, `${nodeOfKind('http.request')} .react-flow__handle.target`));
    await waitCount(p, EDGE, 1);
    await waitText(p, tid('save-status'), 'Unsaved changes');
    await p.click(tid('save-graph'));
    await waitText(p, tid('save-status'), 'Saved');
    const version = await p.textContent('.canvas-header .chip');

    await p.click(tid('back-to-workflows'));
    await p.waitForSelector(tid('new-workflow-name'));
    await p.click(`${tid('workflow-row')}[data-name="Saved flow"] ${tid('workflow-open')}`);
    await waitCount(p, NODE, 2);
    await waitCount(p, EDGE, 1);
    assert.equal(await p.textContent('.canvas-header .chip'), version);
    assert.equal(await p.isDisabled(tid('undo')), true, 'history starts empty on load');

    // Autosave: an edit is saved 1.5 s later without pressing Save.
    await quickAdd(p, 'agent');
    await waitText(p, tid('save-status'), 'Unsaved changes');
    await waitText(p, tid('save-status'), 'Saved', 4000);
    assert.notEqual(await p.textContent('.canvas-header .chip'), version);
    // Undo still works after a save, and makes the canvas dirty again.
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 2);
    await waitText(p, tid('save-status'), 'Unsaved changes');
    assertNoPageErrors(p);
  });

  test('a failed autosave shows the error, keeps the changes unsaved and does not retry in a loop', async () => {
    const p = await page();
    await failCalls(p, ['workflow_save_graph', 'workflow_save_changes'], { latencyMs: 40 });
    await openDemo(p, app.server.url);
    // Record every save-status text the page shows.
    await p.evaluate(() => {
      window.__statuses = [];
      const el = document.querySelector('[data-testid=save-status]');
      new MutationObserver(() => window.__statuses.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await nodeByLabel(p, 'Draft reply').click();
    await p.keyboard.press('Delete');
    await waitCount(p, NODE, 5);
    await p.waitForSelector(tid('form-error'), { timeout: 4000 });
    assert.match(await p.textContent(tid('form-error')), /Couldn't save: .*read-only/);
    await waitText(p, tid('save-status'), 'Unsaved changes');
    await p.waitForTimeout(2500);
    const attempts = (await p.evaluate(() => window.__statuses)).filter((t) => t === 'Saving…').length;
    assert.equal(attempts, 1, 'one autosave attempt, no retry loop');
    // The leave guard still protects the unsaved work.
    await p.click(tid('back-to-workflows'));
    await p.waitForSelector(tid('confirm-dialog'));
    await p.click(tid('confirm-cancel'));
    await waitCount(p, NODE, 5);
    assertNoPageErrors(p);
  });

  test('the shortcut sheet opens with ? and from the toolbar, and lists the shortcuts', async () => {
    const p = await page();
    await openDemo(p, app.server.url);
    await p.keyboard.press('?');
    await p.waitForSelector(tid('shortcut-sheet'));
    const rows = await count(p, tid('shortcut-row'));
    assert.ok(rows >= 20, `the sheet lists every shortcut (${rows} rows)`);
    const text = await p.textContent(tid('shortcut-sheet'));
    for (const s of ['Undo', 'Redo', 'Duplicate', 'Zoom to fit', 'Auto-layout', 'Box select', 'Add a node']) assert.ok(text.includes(s), s);
    await p.keyboard.press('Escape');
    await p.waitForSelector(tid('shortcut-sheet'), { state: 'detached' });
    await p.click(tid('shortcuts-open'));
    await p.waitForSelector(tid('shortcut-sheet'));
    await p.click(tid('shortcut-sheet-close'));
    await p.waitForSelector(tid('shortcut-sheet'), { state: 'detached' });
    assertNoPageErrors(p);
  });

  test('the hand tool pans on drag; Shift+drag still box-selects', async () => {
    const p = await page();
    await openDemo(p, app.server.url);
    await p.keyboard.press('h');
    assert.equal(await p.getAttribute(tid('tool-pan'), 'aria-pressed'), 'true');
    const before = await nodeByLabel(p, 'New ticket').boundingBox();
    const start = await emptyCanvasPoint(p, 60, 140);
    await drag(p, start, { x: start.x + 100, y: start.y + 40 });
    const after = await nodeByLabel(p, 'New ticket').boundingBox();
    assert.ok(Math.abs(after.x - before.x - 100) < 4, 'the canvas panned with the drag');
    assert.equal((await selectedNodeIds(p)).length, 0);

    const a = await nodeByLabel(p, 'Page on-call').boundingBox();
    const b = await nodeByLabel(p, 'Send reply').boundingBox();
    await drag(p, { x: a.x - 20, y: a.y - 20 }, { x: b.x + b.width + 20, y: b.y + b.height + 20 }, { modifiers: ['Shift'] });
    await waitText(p, tid('selection-count'), '3 selected');
    await p.keyboard.press('v');
    assert.equal(await p.getAttribute(tid('tool-select'), 'aria-pressed'), 'true');
    assertNoPageErrors(p);
  });
});

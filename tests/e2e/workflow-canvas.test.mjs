// End-to-end: the workflow list and the canvas editor of the real desktop app,
// through tauri-driver. Run with ./scripts/e2e.sh (see app.mjs for the env).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CANVAS_NODE,
  EDGE,
  boxOf,
  clickAt,
  clickInRow,
  click,
  createWorkflow,
  dragBetween,
  gotoWorkflows,
  nodeKinds,
  nodeOfKind,
  openWorkflow,
  tid,
  typeInto,
  uniqueName,
  waitForDisplayed,
  waitForCount,
  waitForNoRow,
  waitForRow,
  waitForText,
  withApp,
  screenshotFor,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;

test('a workflow built on the canvas is saved and survives an app restart', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E flow');

  await withApp('canvas-build', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);

    await click(browser, tid('palette-item-trigger.manual'), 'the trigger.manual palette item');
    await waitForCount(browser, CANVAS_NODE, 1, 'canvas node after adding trigger.manual');
    await click(browser, tid('palette-item-http.request'), 'the http.request palette item');
    await waitForCount(browser, CANVAS_NODE, 2, 'canvas nodes after adding trigger.manual and http.request');

    await dragBetween(
      browser,
      `${nodeOfKind('trigger.manual')} .react-flow__handle.source`,
      `${nodeOfKind('http.request')} .react-flow__handle.target`,
      'connect trigger.manual → http.request',
    );
    await waitForCount(browser, EDGE, 1, 'edge after dragging from the trigger’s source handle to the request’s target handle');

    await click(browser, tid('save-graph'), 'the save button');
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status');
  });

  // A new session launches a new app process on the same XDG dirs, so the same database.
  await withApp('canvas-reopen', async (browser) => {
    await gotoWorkflows(browser);
    await openWorkflow(browser, name);
    await waitForCount(browser, CANVAS_NODE, 2, `canvas nodes of the reopened workflow "${name}"`);
    assert.deepEqual(await nodeKinds(browser), ['http.request', 'trigger.manual'], 'node kinds after restart');
    await waitForCount(browser, EDGE, 1, `edge of the reopened workflow "${name}"`);
    await screenshotFor(browser, 'canvas.png');
    await gotoWorkflows(browser);
    await screenshotFor(browser, 'workflows.png');
  });
});


test('an undone delete of a saved node saves, and the node is there after a restart', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E undo');

  await withApp('undo-delete', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);
    await click(browser, tid('palette-item-trigger.manual'), 'the trigger.manual palette item');
    await waitForCount(browser, CANVAS_NODE, 1, 'the trigger');
    await click(browser, tid('palette-item-http.request'), 'the http.request palette item');
    await waitForCount(browser, CANVAS_NODE, 2, 'the trigger and the request');
    await dragBetween(
      browser,
      `${nodeOfKind('trigger.manual')} .react-flow__handle.source`,
      `${nodeOfKind('http.request')} .react-flow__handle.target`,
      'connect trigger.manual → http.request',
    );
    await waitForCount(browser, EDGE, 1, 'the edge');
    await click(browser, tid('save-graph'), 'Save');
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status after building');

    // Delete the request (its edge goes with it) and let the delete be saved: the rows are tombstoned.
    await click(browser, nodeOfKind('http.request'), 'the request');
    await browser.keys('Delete');
    await waitForCount(browser, CANVAS_NODE, 1, 'the trigger alone after the delete');
    await waitForCount(browser, EDGE, 0, 'no edge after the delete');
    await click(browser, tid('save-graph'), 'Save');
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status after the delete');

    // Undo brings back the same node and edge, under their ids; saving them must work.
    await click(browser, '.react-flow__pane', 'the canvas');
    await browser.keys(['Control', 'z']);
    await waitForCount(browser, CANVAS_NODE, 2, 'both nodes after the undo');
    await waitForCount(browser, EDGE, 1, 'the edge after the undo');
    await click(browser, tid('save-graph'), 'Save');
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status after the undo (it used to fail on the ids)');
  });

  await withApp('undo-delete-reopen', async (browser) => {
    await gotoWorkflows(browser);
    await openWorkflow(browser, name);
    await waitForCount(browser, CANVAS_NODE, 2, `both nodes of the reopened workflow "${name}"`);
    assert.deepEqual(await nodeKinds(browser), ['http.request', 'trigger.manual'], 'node kinds after restart');
    await waitForCount(browser, EDGE, 1, 'the edge after restart');
  });
});

test('the "+" of an output port adds a node connected after it, and the "+" of an edge inserts one', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E plus');
  await withApp('canvas-plus', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);
    await click(browser, tid('palette-item-trigger.manual'), 'the trigger.manual palette item');
    await waitForCount(browser, CANVAS_NODE, 1, 'the trigger');

    // The trigger's port has nothing connected: its "+" shows without hovering.
    const plus = `${nodeOfKind('trigger.manual')} ${tid('port-plus')}[data-port="main"]`;
    assert.equal(
      await browser.execute((sel) => document.querySelector(sel)?.getAttribute('aria-label'), plus),
      "Add a node after 'Manual trigger' (main)",
    );
    await click(browser, plus, 'the "+" of the trigger');
    await waitForDisplayed(browser, tid('quick-add'), 'the quick-add popup');
    await waitForText(browser, tid('quick-add-context'), 'Adds after Manual trigger and connects it', 'the popup context');
    // addValue types the whole text (WebKitWebDriver drops repeated letters sent as single keys).
    await browser.$(tid('quick-add-search')).addValue('set fields');
    await browser.keys('Enter');
    await waitForCount(browser, CANVAS_NODE, 2, 'the trigger and the Set node');
    await waitForCount(browser, EDGE, 1, 'the edge from the trigger to the Set node');
    await sleep(600); // the view pans to the new node; measure once it has
    const [trigger, set] = [await boxOf(browser, nodeOfKind('trigger.manual')), await boxOf(browser, nodeOfKind('data.set'))];
    assert.ok(set.x > trigger.x + trigger.width, `the Set node is right of the trigger: ${JSON.stringify({ trigger, set })}`);
    assert.ok(Math.abs(set.y - trigger.y) < 2, 'on the trigger’s row');

    // The edge's "+" shows on hover, and while the edge is selected (WebKitWebDriver's pointer sends no hover): it puts
    // a node between the two.
    const edgePlus = `${tid('edge-plus')}[aria-label="Insert a node between 'Manual trigger' and 'Set fields'"]`;
    assert.equal(await browser.execute((sel) => getComputedStyle(document.querySelector(sel)).opacity, edgePlus), '0', 'hidden until wanted');
    const line = trigger.x + trigger.width + 10;
    await clickAt(browser, line, trigger.y + trigger.height / 2);
    await waitForCount(browser, `${edgePlus}.is-shown`, 1, 'the "+" of the selected edge');
    await click(browser, edgePlus, 'the "+" of the edge');
    await waitForText(browser, tid('quick-add-context'), 'Inserts between Manual trigger and Set fields', 'the popup context');
    await browser.$(tid('quick-add-search')).addValue('http request');
    await browser.keys('Enter');
    await waitForCount(browser, CANVAS_NODE, 3, 'the inserted HTTP request');
    await waitForCount(browser, EDGE, 2, 'trigger → HTTP request → Set');
    await waitForCount(browser, `${tid('edge-plus')}[aria-label="Insert a node between 'Manual trigger' and 'HTTP request'"]`, 1, 'the edge into the inserted node');
    await waitForCount(browser, `${tid('edge-plus')}[aria-label="Insert a node between 'HTTP request' and 'Set fields'"]`, 1, 'the edge out of it');
    await sleep(600);
    const [from, http, moved] = [
      await boxOf(browser, nodeOfKind('trigger.manual')),
      await boxOf(browser, nodeOfKind('http.request')),
      await boxOf(browser, nodeOfKind('data.set')),
    ];
    assert.ok(from.x + from.width < http.x && http.x + http.width < moved.x, `the Set node made room for it: ${JSON.stringify({ from, http, moved })}`);
    // Autosave stores the insert.
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status after the insert');
  });
});

test('a workflow can be renamed and deleted', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E temp');
  const renamed = `${name} renamed`;

  await withApp('rename-delete', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);

    await clickInRow(browser, name, 'workflow-rename');
    await typeInto(browser, tid('workflow-rename-input'), renamed, 'the rename input');
    await browser.keys('Enter');
    await waitForRow(browser, renamed);
    await waitForNoRow(browser, name);

    await clickInRow(browser, renamed, 'workflow-delete');
    await click(browser, tid('confirm-ok'), 'the confirm button of the delete dialog');
    await waitForNoRow(browser, renamed);
  });
});

test('a damaged database file is reported in the window, and the data comes back once it is restored', { timeout: TEST_TIMEOUT }, async () => {
  const dataHome = process.env.XDG_DATA_HOME;
  assert.ok(dataHome, 'XDG_DATA_HOME must point at the e2e profile (scripts/e2e.sh sets it)');
  const dir = path.join(dataHome, 'dev.neuroflow.studio');
  const db = path.join(dir, 'neuroflow.db');
  const aside = path.join(dataHome, 'db-aside');
  fs.mkdirSync(aside, { recursive: true });
  const moved = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('neuroflow.db'))) {
    fs.renameSync(path.join(dir, file), path.join(aside, file));
    moved.push(file);
  }
  assert.ok(moved.includes('neuroflow.db'), 'the earlier tests left a database to damage');
  fs.writeFileSync(db, 'this is not a database, just text that got in the way. '.repeat(200));
  try {
    await withApp('db-error', async (browser) => {
      await waitForDisplayed(browser, tid('db-error'), 'the full-window database error');
      const text = await browser.$(tid('db-error')).getText();
      assert.match(text, /damaged/, 'the message says what is wrong');
      assert.match(text, /neuroflow\.db/, 'the message names the file');
    }, 'db-error');
  } finally {
    fs.rmSync(db, { force: true });
    for (const file of moved) fs.renameSync(path.join(aside, file), path.join(dir, file));
  }
  await withApp('db-restored', async (browser) => {
    await gotoWorkflows(browser);
    // Every workflow the earlier tests saved is back (other test files add their own, so count those of this file).
    await waitForCount(browser, `${tid('workflow-row')}[data-name^="E2E flow"]`, 1, 'the workflow saved by the first test, after the file is restored');
  });
});

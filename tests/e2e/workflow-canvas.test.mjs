// End-to-end: the workflow list and the canvas editor of the real desktop app,
// through tauri-driver. Run with ./scripts/e2e.sh (see app.mjs for the env).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  EDGE,
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

// End-to-end: the Executions pages of the real desktop app, through tauri-driver. A workflow runs once on an input;
// its run is listed, opens with its input and nodes, re-runs with the same input from the list (a new run whose page
// opens and follows it to the end), and opens on the canvas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  EDGE,
  click,
  createWorkflow,
  dragBetween,
  gotoWorkflows,
  nodeOfKind,
  openWorkflow,
  tid,
  typeInto,
  uniqueName,
  waitForCount,
  waitForDisplayed,
  waitUntil,
  withApp,
  attr,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;

const text = (browser, selector) => browser.execute((sel) => document.querySelector(sel)?.textContent ?? '', selector);
const hashId = (browser) => browser.execute(() => decodeURIComponent(location.hash.split('/').pop()));

test('a run is listed, opens with its input, re-runs with that input from the list, and opens on the canvas', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E executions');
  await withApp('executions', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);
    await click(browser, tid('palette-item-trigger.manual'), 'the manual trigger palette item');
    await click(browser, tid('palette-item-output'), 'the output palette item');
    await waitForCount(browser, CANVAS_NODE, 2, 'the trigger and the output');
    await dragBetween(
      browser,
      `${nodeOfKind('trigger.manual')} .react-flow__handle.source`,
      `${nodeOfKind('output')} .react-flow__handle.target`,
      'connect the trigger to the output',
    );
    await waitForCount(browser, EDGE, 1, 'the edge');
    await click(browser, tid('run-input-toggle'), 'Input');
    await typeInto(browser, tid('run-input-text'), '{"ticket": 4242}', 'the run input');
    await click(browser, tid('run-input-apply'), 'Use for runs');
    await click(browser, tid('run-workflow'), 'Run');
    await waitUntil(
      async () => (await attr(browser, tid('run-bar'), 'data-phase')) === 'completed',
      async () => `the run did not complete: ${await text(browser, tid('run-bar'))}`,
    );

    // The list has the run; its page shows the input.
    await click(browser, tid('nav-executions'), 'Executions in the sidebar');
    const row = `${tid('execution-row')}[data-workflow="${name}"]`;
    await waitForCount(browser, row, 1, 'the run of this workflow in the list');
    const first = await attr(browser, row, 'data-id');
    assert.equal(await attr(browser, row, 'data-status'), 'COMPLETED');
    await click(browser, `${row} ${tid('execution-workflow')}`, 'the run’s row');
    await waitForDisplayed(browser, tid('execution-input'), 'the run’s input');
    assert.match(await text(browser, tid('execution-input')), /4242/, 'the input the run had');
    await click(browser, tid('execution-back'), 'back to the list');

    // Re-run with this input, from the list: a second run opens on its own page and completes with the same input.
    await waitForCount(browser, row, 1, 'the row again');
    // The row's re-run actions show under the pointer.
    await browser.$(row).moveTo();
    await click(browser, `${row} ${tid('execution-rerun-input')}`, 'Re-run with this input');
    await waitUntil(async () => {
      const id = await hashId(browser);
      return id !== first && /^[0-9a-f-]{36}$/.test(id);
    }, 'the new run’s page');
    const second = await hashId(browser);
    await waitUntil(
      async () => (await attr(browser, tid('execution-detail-status'), 'data-status')) === 'COMPLETED' ||
        /Completed|Succeeded/i.test(await text(browser, tid('execution-detail-status'))),
      async () => `the re-run did not complete: ${await text(browser, tid('execution-detail-status'))}`,
    );
    assert.match(await text(browser, tid('execution-input')), /4242/, 'the re-run had the same input');
    await click(browser, tid('execution-back'), 'back to the list');
    await waitForCount(browser, row, 2, 'both runs of this workflow listed');
    assert.equal(await attr(browser, `${tid('execution-row')}[data-id="${second}"]`, 'data-status'), 'COMPLETED');

    // Open on canvas shows the run's node statuses on the workflow.
    await click(browser, `${tid('execution-row')}[data-id="${second}"] ${tid('execution-open-canvas')}`, 'Open on canvas');
    await waitForDisplayed(browser, tid('save-graph'), 'the canvas');
    await waitUntil(
      async () => (await attr(browser, nodeOfKind('output'), 'data-run-status')) === 'succeeded',
      'the output node shows the run’s status',
    );
  });
});

// End-to-end: no lost work after a crash. An edit made moments before the app is killed (SIGKILL, before autosave's
// 1.5 s) is on the canvas when the app starts again, as unsaved changes recovered from the local draft.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  appPids,
  click,
  createWorkflow,
  gotoWorkflows,
  nodeKinds,
  openWorkflow,
  startApp,
  tid,
  uniqueName,
  waitForAppExit,
  waitForCount,
  waitForText,
  withApp,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('an edit made just before the app is killed is recovered when it starts again', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E crash');
  const browser = await startApp();
  try {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);
    await click(browser, tid('palette-item-trigger.manual'), 'the manual trigger palette item');
    await waitForCount(browser, CANVAS_NODE, 1, 'the trigger on the canvas');
    await click(browser, tid('palette-item-http.request'), 'the HTTP request palette item');
    await waitForCount(browser, CANVAS_NODE, 2, 'both nodes on the canvas');
    await waitForText(browser, tid('save-status'), 'Unsaved changes', 'the save status right after the edit');
    // Long enough for the draft (200 ms after the edit), well before autosave (1.5 s).
    await sleep(600);
    const pids = appPids();
    assert.ok(pids.length > 0, 'the app is running');
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitForAppExit();
  } finally {
    // The app is gone; end the WebDriver session all the same.
    await browser.deleteSession().catch(() => {});
  }

  await withApp('crash-recovered', async (app) => {
    await gotoWorkflows(app);
    await openWorkflow(app, name);
    await waitForCount(app, CANVAS_NODE, 2, 'both nodes after the restart');
    assert.deepEqual(await nodeKinds(app), ['http.request', 'trigger.manual']);
    await waitForText(app, tid('save-status'), 'Unsaved changes', 'the recovered edit, not yet saved');
    const toasts = await app.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent));
    assert.ok(toasts.some((t) => t.includes('Recovered unsaved changes')), `the canvas says it recovered them: ${toasts}`);
    await click(app, tid('save-graph'), 'Save');
    await waitForText(app, tid('save-status'), 'Saved', 'saved after the recovery');
  });
});

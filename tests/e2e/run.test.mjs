// End-to-end: running a workflow in the real desktop app, through tauri-driver. Builds a three-node workflow
// (manual trigger → set fields → output), fills the Set node's settings in the inspector, runs it in the Rust engine,
// and checks each node's live status and the output in the inspector's Data tab.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  EDGE,
  click,
  createWorkflow,
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
  screenshotFor,
  attr,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;

/** Adds a node connected after the selected one: Tab opens quick-add, the search picks the kind. */
async function quickAdd(browser, search, expectedNodes) {
  await browser.keys('Tab');
  await waitForDisplayed(browser, tid('quick-add'), 'the quick-add popup');
  // addValue types the whole text (WebKitWebDriver drops repeated letters sent as single keys).
  await browser.$(tid('quick-add-search')).addValue(search);
  await browser.keys('Enter');
  await waitForCount(browser, CANVAS_NODE, expectedNodes, `canvas nodes after quick-adding "${search}"`);
}



test('a three-node workflow runs in the engine: every node succeeds and the output shows in the inspector', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E run');
  await withApp('run-three-nodes', async (browser) => {
    await gotoWorkflows(browser);
    await createWorkflow(browser, name);
    await openWorkflow(browser, name);

    await click(browser, tid('palette-item-trigger.manual'), 'the manual trigger palette item');
    await waitForCount(browser, CANVAS_NODE, 1, 'the trigger on the canvas');
    // The new node is selected: quick-add connects the next one after it.
    await click(browser, '.react-flow__pane', 'the canvas, to give it the keyboard');
    await click(browser, nodeOfKind('trigger.manual'), 'the trigger');
    await quickAdd(browser, 'set fields', 2);
    await quickAdd(browser, 'output', 3);
    await waitForCount(browser, EDGE, 2, 'edges of the chain trigger → set → output');

    // The Set node needs its fields: the engine says so on the node, then the inspector form fills them.
    const set = nodeOfKind('data.set');
    await waitForDisplayed(browser, `${set} ${tid('node-problems')}`, 'the problem badge on the unconfigured Set node');
    await click(browser, set, 'the Set fields node');
    await waitForDisplayed(browser, `${tid('inspector')}[data-kind="data.set"]`, 'the inspector of the Set node');
    await click(browser, `${tid('config-field')}[data-field="fields"] ${tid('kv-add')}`, 'the Add row button of Fields');
    const row = `${tid('config-field')}[data-field="fields"] .kv-row`;
    await typeInto(browser, `${row} input[aria-label="Name"]`, 'greeting', 'the field name input');
    await typeInto(browser, `${row} input[aria-label="Value"]`, 'Hello from NeuroFlow', 'the field value input');
    await waitForCount(browser, `${set} ${tid('node-problems')}`, 0, 'problem badges on the Set node once its fields are set');

    await click(browser, tid('run-workflow'), 'the Run button');
    await waitUntil(
      async () => (await attr(browser, tid('run-bar'), 'data-phase')) === 'completed',
      async () => `expected the run bar to say completed, it says ${await attr(browser, tid('run-bar'), 'data-phase')}: ${await browser.execute(() => document.querySelector('[data-testid="run-bar"]')?.textContent ?? 'no run bar')}`,
    );
    for (const kind of ['trigger.manual', 'data.set', 'output']) {
      assert.equal(await attr(browser, nodeOfKind(kind), 'data-run-status'), 'succeeded', `${kind} succeeded`);
    }

    await click(browser, tid('tab-data'), 'the Data tab of the inspector');
    await waitForDisplayed(browser, tid('node-output-main'), 'the Set node’s output');
    const output = await browser.$(tid('node-output-main')).getText();
    assert.match(output, /greeting: "Hello from NeuroFlow"/, 'the output carries the set field');
    await waitForDisplayed(browser, tid('node-input'), 'the Set node’s input, once the execution is stored');
    await screenshotFor(browser, 'canvas-run.png');
  });
});

test('a request to this computer is refused until the workflow’s Run settings allow it', { timeout: TEST_TIMEOUT }, async () => {
  const http = await import('node:http');
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"hello":"from this computer"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/local`;
  const name = uniqueName('E2E local');
  const phase = () => attr(browser, tid('run-bar'), 'data-phase');
  let browser;
  try {
    await withApp('run-private-network', async (b) => {
      browser = b;
      await gotoWorkflows(browser);
      await createWorkflow(browser, name);
      await openWorkflow(browser, name);
      await click(browser, tid('palette-item-trigger.manual'), 'the manual trigger palette item');
      await click(browser, '.react-flow__pane', 'the canvas, to give it the keyboard');
      await click(browser, nodeOfKind('trigger.manual'), 'the trigger');
      await quickAdd(browser, 'http request', 2);
      await click(browser, nodeOfKind('http.request'), 'the HTTP request node');
      await typeInto(browser, `${tid('config-field')}[data-field="url"] input`, url, 'the URL field');
      await waitForCount(browser, `${nodeOfKind('http.request')} ${tid('node-problems')}`, 0, 'problems once the URL is set');

      await click(browser, tid('run-workflow'), 'Run');
      await waitUntil(async () => (await phase()) === 'failed', async () => `expected a failed run, the run bar says ${await phase()}`);
      const bar = await browser.execute(() => document.querySelector('[data-testid="run-bar"]')?.textContent ?? '');
      const nodeStatus = await attr(browser, nodeOfKind('http.request'), 'data-run-status');
      assert.equal(nodeStatus, 'failed', `the request failed (${bar})`);
      assert.equal(requests, 0, 'nothing reached the server');

      await click(browser, tid('run-settings-toggle'), 'the Run settings button');
      await click(browser, tid('run-settings-private-network'), 'the private network checkbox');
      await waitUntil(
        async () => (await browser.$(tid('run-settings-private-network')).isSelected()) === true,
        'the setting to be saved and shown checked',
      );
      await screenshotFor(browser, 'run-settings.png');
      await click(browser, tid('run-workflow'), 'Run');
      await waitUntil(async () => (await phase()) === 'completed', async () => `expected a completed run, the run bar says ${await phase()}`);
      assert.equal(requests, 1, 'the request reached this computer');
    });
    // The setting is the workflow's own: it is still on after a restart.
    await withApp('run-private-network-reopen', async (b) => {
      await gotoWorkflows(b);
      await openWorkflow(b, name);
      await click(b, tid('run-settings-toggle'), 'the Run settings button');
      assert.equal(await b.$(tid('run-settings-private-network')).isSelected(), true, 'still allowed after a restart');
    });
  } finally {
    server.close();
  }
});

// Browser tests of running from the canvas and of the inspector: the built UI in Debian's Chromium on the real core
// (its dev server), so the runs are the engine's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAndOpen, EDGE, MOD, newPage, NODE, nodeByLabel, openApp, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

/** Adds a node after the selected one through quick-add. */
async function quickAdd(p, search) {
  await p.keyboard.press('Tab');
  await p.keyboard.type(search);
  await p.keyboard.press('Enter');
}

/** A three-node workflow (manual trigger → set fields → output) on a fresh page, with the Set node unconfigured. */
async function threeNodes(name = 'Greeter') {
  const p = await newPage(app.browser);
  await createAndOpen(p, app.server.url, name);
  await p.locator('.react-flow__pane').click();
  await quickAdd(p, 'manual');
  await quickAdd(p, 'set fields');
  await quickAdd(p, 'output');
  await waitCount(p, NODE, 3);
  await waitCount(p, EDGE, 2);
  return p;
}

describe('running from the canvas', () => {
  test('problems show on the node and its form until the settings are filled, and the edit undoes as one step', async () => {
    const p = await threeNodes();
    const set = nodeByLabel(p, 'Set fields');
    await set.locator(tid('node-problems')).waitFor();
    await waitText(p, tid('problem-count'), '1 problem');

    await set.click();
    await p.locator(tid('inspector')).waitFor();
    const field = p.locator(`${tid('config-field')}[data-field="fields"]`);
    assert.match(await field.locator(tid('config-error')).textContent(), /'fields' is required/);

    await field.locator(tid('kv-add')).click();
    await field.getByLabel('Name').fill('greeting');
    await field.getByLabel('Value').fill('Hello {{ item.name }}');
    await set.locator(tid('node-problems')).waitFor({ state: 'detached' });
    assert.equal(await p.locator(tid('problem-count')).count(), 0);

    // Typing the key and the value is one undo step per field burst, not one per keystroke.
    await p.locator('.react-flow__pane').click();
    await p.keyboard.press(`${MOD}+z`);
    await p.keyboard.press(`${MOD}+z`);
    await set.locator(tid('node-problems')).waitFor();
    assert.deepEqual(p.errors, []);
  });

  test('Run saves, shows each node live, then the output in the inspector; a pinned output stands in; the list counts the runs', async () => {
    const p = await threeNodes('Greeter counted');
    const set = nodeByLabel(p, 'Set fields');
    await set.click();
    const field = p.locator(`${tid('config-field')}[data-field="fields"]`);
    await field.locator(tid('kv-add')).click();
    await field.getByLabel('Name').fill('greeting');
    await field.getByLabel('Value').fill('hi');
    await set.locator(tid('node-problems')).waitFor({ state: 'detached' });

    await p.click(tid('run-workflow'));
    // Unsaved edits are saved first; the run bar follows the run (too quick here to see it running: the slow run below
    // is watched while it runs).
    await p.locator(`${tid('run-bar')}[data-phase="completed"]`).waitFor();
    await waitText(p, tid('save-status'), 'Saved');
    for (const label of ['Manual trigger', 'Set fields', 'Output']) {
      assert.equal(await nodeByLabel(p, label).getAttribute('data-run-status'), 'succeeded', label);
    }

    await set.click();
    await p.click(tid('tab-data'));
    await p.locator(tid('node-output-main')).waitFor();
    assert.match(await p.locator(tid('node-output-main')).textContent(), /greeting: "hi"/);
    await p.locator(tid('node-input')).waitFor();

    // Pin the output: the node is marked, and the next run uses the pinned items.
    await p.click(tid('pin-output'));
    await p.locator(tid('pinned-note')).waitFor();
    await p.keyboard.press(`${MOD}+Enter`);
    await p.locator(`${tid('run-bar')}[data-phase="completed"]`).waitFor();
    await p.click(tid('unpin'));
    await p.locator(tid('pinned-note')).waitFor({ state: 'detached' });

    // Leaving right after an edit (the unpin) saves it rather than asking; the Workflows list counts both runs (the
    // core counts them from the stored executions).
    await p.click(tid('back-to-workflows'));
    const lastRun = p.locator(`${tid('workflow-row')}[data-name="Greeter counted"] ${tid('workflow-last-run')}`);
    await lastRun.waitFor();
    assert.equal(await lastRun.getAttribute('data-runs'), '2');
    assert.equal((await lastRun.textContent()).trim(), 'just now · 2 runs');
    assert.deepEqual(p.errors, []);
  });

  test('a run can be cancelled, and the nodes it did not reach say so', async () => {
    // Made through the core: a minute's delay between the trigger and the output.
    const { id } = await app.server.call('workflow_create', { name: 'Slow' });
    const u = (n) => `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
    const node = (n, kind, label, x, config = {}) => ({ id: u(n), kind, label, position: { x, y: 100 }, config });
    const edge = (n, source, target) => ({ id: u(n), source: u(source), sourceHandle: null, target: u(target), targetHandle: null });
    const graph = {
      nodes: [node(1, 'trigger.manual', 'Manual trigger', 0), node(2, 'flow.delay', 'Delay', 300, { ms: 60_000 }), node(3, 'output', 'Output', 600)],
      edges: [edge(4, 1, 2), edge(5, 2, 3)],
    };
    await app.server.call('workflow_save_graph', { id, graph, save: { kind: 'SAVE' } });
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, `/workflows/${id}`);
    await waitCount(p, EDGE, 2);
    await p.click(tid('run-workflow'));
    await p.locator(`${tid('run-bar')}[data-phase="running"]`).waitFor();
    await p.locator(tid('cancel-run')).waitFor();
    await p.click(tid('cancel-run'));
    await p.locator(`${tid('run-bar')}[data-phase="cancelled"]`).waitFor();
    assert.equal(await nodeByLabel(p, 'Output').getAttribute('data-run-status'), 'skipped');
    await p.locator(tid('run-workflow')).waitFor();
    assert.deepEqual(p.errors, []);
  });

  test('an invalid workflow is not run: it says why and selects the node at fault', async () => {
    const p = await threeNodes();
    await p.locator(tid('problem-count')).waitFor();
    await p.click(tid('run-workflow'));
    await p.locator(tid('toast')).filter({ hasText: /cannot run: node 'Set fields': 'fields' is required/ }).waitFor();
    await p.locator(tid('inspector')).waitFor();
    await waitText(p, '.inspector-label', 'Set fields');
    assert.equal(await p.locator(tid('run-bar')).getAttribute('data-phase'), 'failed');
    assert.deepEqual(p.errors, []);
  });

  test('the memory a run may hold is a setting of the workflow, checked by the core and kept', async () => {
    const p = await threeNodes();
    await p.locator(tid('run-settings-toggle')).click();
    const memory = p.locator(tid('run-settings-memory'));
    await memory.waitFor();
    assert.equal(await memory.inputValue(), '', 'empty: the default');
    assert.equal(await memory.getAttribute('placeholder'), '64');

    await memory.fill('0');
    await memory.press('Enter');
    await p.locator(tid('toast')).filter({ hasText: "The setting was not saved: the memory for a run's data must be between 1 and 1024 MiB, not 0" }).waitFor();

    await memory.fill('256');
    await memory.press('Enter');
    await p.waitForFunction(() => !document.querySelector('[data-testid="run-settings-private-network"]')?.disabled);
    // Closed and opened again, the popover shows what the core kept.
    await p.keyboard.press('Escape');
    await p.locator(tid('run-settings')).waitFor({ state: 'detached' });
    await p.locator(tid('run-settings-toggle')).click();
    assert.equal(await p.locator(tid('run-settings-memory')).inputValue(), '256');
    assert.deepEqual(p.errors, []);
  });
});

// Browser tests of the Blueprints page and the blueprint editor (the same canvas as workflows): create with a starter
// signature, add and wire components, edit the signature in the inspector, undo/redo, test-run, compare versions, and
// call the blueprint from a workflow; export from the editor or a card and import, a refused file shown by the Import
// button. The built UI in Debian's Chromium on the real core (its dev server).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { assertImportError, centre, drag, EDGE, MOD, newPage, NODE, nodeByLabel, openApp, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

async function createBlueprint(p, name, category = 'API') {
  await openApp(p, app.server.url, '/blueprints');
  await p.fill(tid('new-blueprint-name'), name);
  await p.selectOption(tid('new-blueprint-category'), category);
  await p.click(tid('create-blueprint'));
  await waitCount(p, NODE, 2);
}

describe('blueprints', () => {
  test('a new blueprint is a tool input wired to a tool output, with its signature shown', async () => {
    const p = await newPage(app.browser);
    await createBlueprint(p, 'Shout');
    await waitText(p, tid('canvas-title'), 'Shout');
    await waitCount(p, EDGE, 1);
    await waitText(p, tid('panel-signature'), '(text: string) → text: string');
    await p.click(tid('back-to-workflows'));
    const card = p.locator(`${tid('blueprint-row')}[data-name="Shout"]`);
    await card.waitFor();
    assert.equal((await card.locator(tid('blueprint-signature')).textContent()).trim(), '(text: string) → text: string');
    // Category filter and search.
    await p.click(tid('category-ANALYTICS'));
    await waitCount(p, tid('blueprint-row'), 0);
    await p.click(tid('category-API'));
    await waitCount(p, tid('blueprint-row'), 1);
    await p.fill(tid('blueprint-search'), 'nothing like it');
    await waitCount(p, tid('blueprint-row'), 0);
    assert.deepEqual(p.errors, []);
  });

  test('components are added, wired and configured; signature edits are undoable; a test run shows each component', async () => {
    const p = await newPage(app.browser);
    await createBlueprint(p, 'Upper');
    // Transform after the input, then wire it to the output.
    await nodeByLabel(p, 'Tool input').click();
    await p.keyboard.press('Tab');
    await p.keyboard.type('transform');
    await p.keyboard.press('Enter');
    await waitCount(p, NODE, 3);
    await drag(
      p,
      await centre(p, `${NODE}[data-kind="data.transform"] .react-flow__handle.source[data-handleid="main"]`),
      await centre(p, `${NODE}[data-kind="output"] .react-flow__handle.target`),
    );
    await waitCount(p, EDGE, 3);
    const transform = p.locator(`${NODE}[data-kind="data.transform"]`);
    await transform.click();
    await p.locator(`${tid('config-field')}[data-field="expression"] textarea`).fill('{text: (.text | ascii_upcase)}');
    await transform.locator(tid('node-problems')).waitFor({ state: 'detached' });

    // A second parameter in the tool input: the signature follows; undo and redo it as one step.
    await nodeByLabel(p, 'Tool input').click();
    await p.click(tid('field-add'));
    await p.locator(tid('field-row')).nth(1).getByLabel('Name').fill('times');
    await p.locator(tid('field-row')).nth(1).getByLabel('Type').selectOption('integer');
    await p.locator('.react-flow__pane').click();
    await waitText(p, tid('panel-signature'), '(text: string, times?: integer) → text: string');
    // Undo brings back the selection of that moment; Escape clears it to see the blueprint's panel again.
    await p.keyboard.press(`${MOD}+z`);
    await p.keyboard.press('Escape');
    await waitText(p, tid('panel-signature'), '(text: string) → text: string');
    await p.keyboard.press(`${MOD}+Shift+z`);
    await p.keyboard.press('Escape');
    await waitText(p, tid('panel-signature'), '(text: string, times?: integer) → text: string');

    // Test input, then Run: every component succeeds.
    await p.click(tid('run-input-toggle'));
    const input = p.locator(tid('run-input-text'));
    assert.deepEqual(JSON.parse(await input.inputValue()), { text: '', times: 0 }, 'a starting point from the declared parameters');
    await input.fill('{"text": "hi", "times": 2}');
    await p.click(tid('run-input-apply'));
    await p.click(tid('run-workflow'));
    await p.locator(`${tid('run-bar')}[data-phase="completed"]`).waitFor();
    for (const kind of ['blueprint.input', 'data.transform', 'output']) {
      assert.equal(await p.locator(`${NODE}[data-kind="${kind}"]`).getAttribute('data-run-status'), 'succeeded', kind);
    }
    await nodeByLabel(p, 'Tool input').click();
    await p.click(tid('tab-data'));
    await p.locator(tid('node-input')).waitFor();
    assert.match(await p.locator(tid('node-input')).textContent(), /text: "hi"/);
    assert.deepEqual(p.errors, []);
  });

  test('a blueprint exports as a graph file (from its editor or its card) and imports back as a new blueprint; a workflow file is sent to its page', async () => {
    const p = await newPage(app.browser);
    await createBlueprint(p, 'Fetch page', 'INTEGRATION');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click(tid('export-workflow'))]);
    assert.equal(download.suggestedFilename(), 'Fetch page.neuroflow.json');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-blueprint-file-'));
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(exported.surface, 'blueprint');
    assert.equal(exported.category, 'INTEGRATION');

    // The card's Export gives the editor's file, byte for byte.
    await p.click(tid('back-to-workflows'));
    const card = p.locator(`${tid('blueprint-row')}[data-name="Fetch page"]`);
    const [fromCard] = await Promise.all([p.waitForEvent('download'), card.locator(tid('blueprint-export')).click()]);
    assert.equal(fromCard.suggestedFilename(), 'Fetch page.neuroflow.json');
    const cardFile = path.join(tmp, 'from-card.neuroflow.json');
    await fromCard.saveAs(cardFile);
    assert.equal(fs.readFileSync(cardFile, 'utf8'), fs.readFileSync(file, 'utf8'));
    await p.locator(tid('toast')).filter({ hasText: 'Exported Fetch page.neuroflow.json' }).waitFor();

    await p.locator(tid('import-blueprint')).waitFor();
    await p.setInputFiles(tid('import-blueprint-file'), file);
    // The core keeps names unique: the copy is "Fetch page (imported)".
    await p.locator(tid('toast')).filter({ hasText: 'Imported “Fetch page (imported)” (2 components)' }).waitFor();
    await waitCount(p, `${tid('blueprint-row')}[data-name="Fetch page (imported)"]`, 1);

    const workflowFile = path.join(tmp, 'A workflow.neuroflow.json');
    fs.writeFileSync(workflowFile, JSON.stringify({ format: 'neuroflow.graph', version: 1, name: 'A workflow', nodes: [], edges: [] }));
    // The file's earlier tests made blueprints in the same core: count from here.
    const rows = await p.locator(tid('blueprint-row')).count();
    await p.setInputFiles(tid('import-blueprint-file'), workflowFile);
    await assertImportError(p, { button: 'import-blueprint', name: 'new-blueprint-name', text: 'import it on the Workflows page' });
    await waitCount(p, tid('blueprint-row'), rows);
    // The next import starts without it.
    await p.setInputFiles(tid('import-blueprint-file'), file);
    await p.locator(tid('import-error')).waitFor({ state: 'detached' });
    await waitCount(p, `${tid('blueprint-row')}[data-name="Fetch page (imported 2)"]`, 1);
    await waitCount(p, tid('blueprint-row'), rows + 1);

    // A blueprint's file carries the blueprint it calls: imported here, where that one is unknown, both are added.
    const calledId = '01930000-0000-7000-8000-0000000ca11e';
    // Graph files name their nodes and edges by UUID (the core refuses others).
    const u = (k) => `01930000-0000-7000-8000-${k.toString(16).padStart(12, '0')}`;
    const n = (id, kind, config = {}) => ({ id, kind, label: kind, position: { x: 0, y: 0 }, config });
    const e = (id, source, target) => ({ id, source, sourceHandle: null, target, targetHandle: null });
    const carrying = path.join(tmp, 'Calls another.neuroflow.json');
    fs.writeFileSync(
      carrying,
      JSON.stringify({
        format: 'neuroflow.graph',
        version: 1,
        name: 'Calls another',
        surface: 'blueprint',
        category: 'API',
        nodes: [n(u(1), 'blueprint.input'), n(u(2), 'blueprint.call', { blueprintId: calledId }), n(u(3), 'output')],
        edges: [e(u(4), u(1), u(2)), e(u(5), u(2), u(3))],
        blueprints: [{ id: calledId, name: 'Called one', category: 'API', nodes: [n(u(6), 'blueprint.input'), n(u(7), 'output')], edges: [e(u(8), u(6), u(7))] }],
      }),
    );
    await p.setInputFiles(tid('import-blueprint-file'), carrying);
    await p.locator(tid('toast')).filter({ hasText: 'Imported “Calls another” (3 components, with 1 blueprint it calls added)' }).waitFor();
    await waitCount(p, `${tid('blueprint-row')}[data-name="Called one"]`, 1);
    assert.deepEqual(p.errors, []);
  });

  test('a blueprint keeps versions and compares with an older one', async () => {
    const p = await newPage(app.browser);
    await createBlueprint(p, 'Versioned tool');
    await nodeByLabel(p, 'Tool input').click();
    await p.keyboard.press('Tab');
    await p.keyboard.type('constant');
    await p.keyboard.press('Enter');
    await waitCount(p, NODE, 3);
    await p.keyboard.press(`${MOD}+s`);
    await waitText(p, tid('save-status'), 'Saved');
    await p.click(tid('history-toggle'));
    await waitCount(p, tid('version-row'), 2);
    await p.locator(`${tid('version-row')}[data-version="1"] .version-main`).click();
    await waitText(p, tid('diff-summary'), '1 added');
    assert.equal(await nodeByLabel(p, 'Constant').getAttribute('data-diff'), 'added');
    assert.deepEqual(p.errors, []);
  });

  test('a workflow calls the blueprint through a blueprint call node', async () => {
    const p = await newPage(app.browser);
    await createBlueprint(p, 'Callable');
    // In-app navigation (no reload).
    await p.click(tid('back-to-workflows'));
    await p.click(tid('nav-workflows'));
    await p.fill(tid('new-workflow-name'), 'Uses a tool');
    await p.click(tid('create-workflow'));
    await p.waitForSelector(tid('save-graph'));
    await p.click(tid('palette-item-blueprint.call'));
    await waitCount(p, NODE, 1);
    await p.locator(NODE).click();
    const picker = p.locator(tid('blueprint-picker'));
    await picker.waitFor();
    assert.match(await picker.textContent(), /Callable/);
    await picker.selectOption({ label: 'Callable' });
    await p.locator(`${tid('config-field')}[data-field="blueprintId"] ${tid('config-error')}`).waitFor({ state: 'detached' });
    assert.deepEqual(p.errors, []);
  });
});

// Browser tests of version history (compare on the canvas, restore, undo) and of workflow files (export from the editor
// or the list, import of graph files and React Flow JSON, a bad file refused by the Import button): the built UI in
// Debian's Chromium on the real core (its dev server).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { EDGE, MOD, NODE, assertImportError, createAndOpen, newPage, nodeByLabel, openApp, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-history-'));

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Adds a node connected after the node labelled `after` (clicked first, so the canvas has the keyboard). */
async function quickAdd(p, search, after) {
  await nodeByLabel(p, after).click();
  await p.keyboard.press('Tab');
  await p.keyboard.type(search);
  await p.keyboard.press('Enter');
}

async function saveNow(p) {
  await p.keyboard.press(`${MOD}+s`);
  await waitText(p, tid('save-status'), 'Saved');
}

describe('version history', () => {
  test('every save is a version; any version compares with the canvas, restores as a new version, and undo takes it back', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Versioned');
    await p.click(tid('palette-item-trigger.manual'));
    await waitCount(p, NODE, 1);
    await saveNow(p);
    await quickAdd(p, 'set fields', 'Manual trigger');
    await waitCount(p, NODE, 2);
    await saveNow(p);

    await p.click(tid('history-toggle'));
    await p.locator(tid('history-panel')).waitFor();
    await waitCount(p, tid('version-row'), 2);
    const versions = await p.$$eval(tid('version-row'), (rows) => rows.map((r) => r.getAttribute('data-version')));
    assert.deepEqual(versions, ['3', '2'], 'newest first');
    // The core names the local user's own versions "Me".
    assert.match(await p.locator(tid('version-row')).first().textContent(), /Me · just now/);

    // Compare v2 with the canvas: the set node and its connection are new.
    await p.locator(`${tid('version-row')}[data-version="2"] .version-main`).click();
    await waitText(p, tid('diff-summary'), '1 added · 1 connection added');
    assert.equal(await nodeByLabel(p, 'Set fields').getAttribute('data-diff'), 'added');
    assert.equal(await nodeByLabel(p, 'Manual trigger').getAttribute('data-diff'), 'same');
    await p.locator('.react-flow__edge.is-diff-added').waitFor({ state: 'attached' });
    await p.screenshot({ path: path.join(process.env.NF_SHOTS_DIR || tmp, 'canvas-compare.png') });

    // Restore v2: one node again, saved as a new version, undoable.
    await p.click(tid('restore-version'));
    await waitCount(p, NODE, 1);
    await p.locator(tid('toast')).filter({ hasText: 'Restored v2 as a new version' }).waitFor();
    await waitCount(p, tid('version-row'), 3);
    assert.match(await p.locator(tid('version-row')).first().textContent(), /Restored v2/);
    assert.equal(await p.locator(tid('history-compare')).count(), 0, 'the comparison ends');
    await p.locator('.react-flow__pane').click();
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 2);
    await waitCount(p, EDGE, 1);
    assert.deepEqual(p.errors, []);
  });

  test('two versions compare with each other', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Two versions');
    await p.click(tid('palette-item-trigger.manual'));
    await saveNow(p);
    await quickAdd(p, 'output', 'Manual trigger');
    await waitCount(p, NODE, 2);
    await saveNow(p);
    await quickAdd(p, 'delay', 'Manual trigger');
    await saveNow(p);
    await p.click(tid('history-toggle'));
    await waitCount(p, tid('version-row'), 3);
    await p.locator(`${tid('version-row')}[data-version="2"] .version-main`).click();
    await p.locator(`${tid('version-row')}[data-version="3"] ${tid('compare-against')}`).click();
    await waitText(p, tid('diff-summary'), '1 added · 1 connection added');
    await p.locator(tid('history-compare')).filter({ hasText: 'v2 → v3' }).waitFor();
    await p.click(tid('stop-comparing'));
    await waitCount(p, `${NODE}[data-diff]`, 0);
    assert.deepEqual(p.errors, []);
  });
});

describe('workflow files', () => {
  test('a workflow exports as a graph file and imports back as a new workflow; a bad file is refused', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Round trip');
    await p.click(tid('palette-item-trigger.manual'));
    await quickAdd(p, 'http request', 'Manual trigger');
    await waitCount(p, EDGE, 1);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click(tid('export-workflow'))]);
    assert.equal(download.suggestedFilename(), 'Round trip.neuroflow.json');
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(exported.format, 'neuroflow.graph');
    assert.equal(exported.nodes.length, 2);

    // The row's Export gives the editor's file.
    await p.click(tid('back-to-workflows'));
    const [fromRow] = await Promise.all([p.waitForEvent('download'), p.click(`${tid('workflow-row')}[data-name="Round trip"] ${tid('workflow-export')}`)]);
    assert.equal(fromRow.suggestedFilename(), 'Round trip.neuroflow.json');
    const rowFile = path.join(tmp, 'from-row.neuroflow.json');
    await fromRow.saveAs(rowFile);
    assert.equal(fs.readFileSync(rowFile, 'utf8'), fs.readFileSync(file, 'utf8'));

    await p.locator(tid('import-workflow')).waitFor();
    await p.setInputFiles(tid('import-file'), file);
    // The core keeps names unique: the copy is "Round trip (imported)".
    await p.locator(tid('toast')).filter({ hasText: 'Imported “Round trip (imported)” (2 nodes, neuroflow.graph v1)' }).waitFor();
    await waitCount(p, `${tid('workflow-row')}[data-name="Round trip (imported)"]`, 1);
    await waitCount(p, `${tid('workflow-row')}[data-name="Round trip"]`, 1);

    // React Flow JSON, named after its file.
    const flow = path.join(tmp, 'From another editor.json');
    fs.writeFileSync(flow, JSON.stringify({ nodes: [{ id: '1', type: 'trigger.manual', position: { x: 0, y: 0 }, data: {} }], edges: [], viewport: { x: 0, y: 0, zoom: 1 } }));
    await p.setInputFiles(tid('import-file'), flow);
    await waitCount(p, `${tid('workflow-row')}[data-name="From another editor"]`, 1);

    const bad = path.join(tmp, 'notes.json');
    fs.writeFileSync(bad, 'these are my notes');
    const before = await p.locator(tid('workflow-row')).count();
    await p.setInputFiles(tid('import-file'), bad);
    await assertImportError(p, { button: 'import-workflow', name: 'new-workflow-name', text: "Couldn't import notes.json: not a graph file" });
    assert.equal(await p.locator(tid('workflow-row')).count(), before, 'nothing was imported');

    // The next create clears it; a refused create marks the name field and shows in the banner.
    await p.click(tid('create-workflow'));
    await p.locator(tid('form-error')).filter({ hasText: 'Name must not be empty' }).waitFor();
    assert.equal(await p.locator(tid('import-error')).count(), 0);
    const name = p.locator(tid('new-workflow-name'));
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.match(await name.getAttribute('class'), /is-invalid/);
    await name.fill('After the refused file');
    assert.equal(await name.getAttribute('aria-invalid'), null, 'typing clears the mark');
    await p.click(tid('create-workflow'));
    // The new workflow's canvas opens; back on the list it is there, and the form has no error.
    await p.waitForSelector(tid('save-graph'));
    await p.click(tid('back-to-workflows'));
    await waitCount(p, `${tid('workflow-row')}[data-name="After the refused file"]`, 1);
    assert.equal(await p.locator(tid('form-error')).count(), 0);
    assert.deepEqual(p.errors, []);
  });

  test('a file carrying the blueprint its call uses adds that blueprint and says so', async () => {
    const p = await newPage(app.browser);
    await openApp(p, app.server.url);
    await p.locator(tid('import-workflow')).waitFor();
    const carriedId = '01930000-0000-7000-8000-0000000ca11d';
    // Graph files name their nodes and edges by UUID (the core refuses others).
    const u = (n) => `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
    const n = (id, kind, config = {}) => ({ id, kind, label: kind, position: { x: 0, y: 0 }, config });
    const e = (id, source, target) => ({ id, source, sourceHandle: null, target, targetHandle: null });
    const file = path.join(tmp, 'Calls a carried tool.neuroflow.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: 'neuroflow.graph',
        version: 1,
        name: 'Calls a carried tool',
        nodes: [n(u(1), 'trigger.manual'), n(u(2), 'blueprint.call', { blueprintId: carriedId })],
        edges: [e(u(3), u(1), u(2))],
        blueprints: [
          {
            id: carriedId,
            name: 'Carried tool',
            category: 'API',
            nodes: [n(u(4), 'blueprint.input'), n(u(5), 'output')],
            edges: [e(u(6), u(4), u(5))],
          },
        ],
      }),
    );
    await p.setInputFiles(tid('import-file'), file);
    await p.locator(tid('toast')).filter({ hasText: 'Imported “Calls a carried tool” (2 nodes, neuroflow.graph v1, with 1 blueprint added)' }).waitFor();
    await p.click(tid('nav-blueprints'));
    await waitCount(p, `${tid('blueprint-row')}[data-name="Carried tool"]`, 1);
    assert.deepEqual(p.errors, []);
  });
});

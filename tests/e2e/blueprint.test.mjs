// End-to-end: the blueprint editor of the real desktop app, through tauri-driver. Builds a tool from a tool input, a jq
// transform and a tool output, undoes and redoes an edit, saves, test-runs it in the Rust engine, then compares with the
// first version (the transform shows as added), restores it, and exports it as a graph file into Downloads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  EDGE,
  click,
  dragBetween,
  nodeOfKind,
  tid,
  typeInto,
  uniqueName,
  waitForCount,
  waitForDisplayed,
  waitForText,
  waitUntil,
  withApp,
  screenshotFor,
  attr,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;


async function value(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.value ?? null, selector);
}


const EXPRESSION = `${tid('config-field')}[data-field="expression"] textarea`;

test('a blueprint is built from an input, a transform and an output, runs, and an older version is compared and restored', { timeout: TEST_TIMEOUT }, async () => {
  const name = uniqueName('E2E tool');
  await withApp('blueprint', async (browser) => {
    await click(browser, tid('nav-blueprints'), 'the Blueprints nav item');
    await typeInto(browser, tid('new-blueprint-name'), name, 'the new blueprint name');
    await click(browser, tid('create-blueprint'), 'Create blueprint');
    await waitForCount(browser, CANVAS_NODE, 2, 'the starter tool input and tool output');
    await waitForCount(browser, EDGE, 1, 'the starter connection');

    // A transform after the input, wired to the output.
    await click(browser, nodeOfKind('blueprint.input'), 'the tool input');
    await browser.keys('Tab');
    await waitForDisplayed(browser, tid('quick-add-search'), 'quick-add');
    await browser.$(tid('quick-add-search')).addValue('transform');
    await browser.keys('Enter');
    await waitForCount(browser, CANVAS_NODE, 3, 'nodes with the transform');
    await dragBetween(
      browser,
      `${nodeOfKind('data.transform')} .react-flow__handle.source[data-handleid="main"]`,
      `${nodeOfKind('output')} .react-flow__handle.target`,
      'connect the transform to the output',
    );
    await waitForCount(browser, EDGE, 3, 'input → output, input → transform, transform → output');
    await click(browser, nodeOfKind('data.transform'), 'the transform');
    await typeInto(browser, EXPRESSION, '{text: (.text | ascii_upcase)}', 'the jq expression');
    await waitForCount(browser, `${nodeOfKind('data.transform')} ${tid('node-problems')}`, 0, 'problems on the configured transform');

    // Undo takes the expression back as one step; redo puts it back. (Each restores the selection of its moment, so
    // the transform is selected again to read its settings.)
    const expression = async () => {
      await click(browser, nodeOfKind('data.transform'), 'the transform');
      await waitForDisplayed(browser, EXPRESSION, 'the expression field');
      return value(browser, EXPRESSION);
    };
    await click(browser, '.react-flow__pane', 'the canvas');
    await browser.keys(['Control', 'z']);
    await waitForDisplayed(browser, `${nodeOfKind('data.transform')} ${tid('node-problems')}`, 'the problem badge of the emptied transform');
    assert.equal(await expression(), '', 'the expression undone');
    await click(browser, '.react-flow__pane', 'the canvas');
    await browser.keys(['Control', 'y']);
    await waitForCount(browser, `${nodeOfKind('data.transform')} ${tid('node-problems')}`, 0, 'problems once the expression is redone');
    assert.equal(await expression(), '{text: (.text | ascii_upcase)}', 'the expression redone');

    await click(browser, tid('save-graph'), 'Save');
    await waitForText(browser, tid('save-status'), 'Saved', 'the save status');

    // A test run in the engine.
    await click(browser, tid('run-input-toggle'), 'Test input');
    await typeInto(browser, tid('run-input-text'), '{"text": "hello"}', 'the test input');
    await click(browser, tid('run-input-apply'), 'Use for runs');
    await click(browser, tid('run-workflow'), 'Run');
    await waitUntil(
      async () => (await attr(browser, tid('run-bar'), 'data-phase')) === 'completed',
      async () => `the run did not complete: ${await browser.execute(() => document.querySelector('[data-testid="run-bar"]')?.textContent)}`,
    );
    for (const kind of ['blueprint.input', 'data.transform', 'output']) {
      assert.equal(await attr(browser, nodeOfKind(kind), 'data-run-status'), 'succeeded', `${kind} succeeded`);
    }
    await click(browser, nodeOfKind('data.transform'), 'the transform');
    await click(browser, tid('tab-data'), 'its Data tab');
    await waitForDisplayed(browser, tid('node-output-main'), 'the transform’s output');
    assert.match(await browser.$(tid('node-output-main')).getText(), /HELLO/, 'jq upper-cased the text');
    await screenshotFor(browser, 'blueprint-editor.png');

    // History: v1 (the starter) against the canvas shows the transform as added; restore it.
    await click(browser, tid('history-toggle'), 'History');
    await waitForCount(browser, tid('version-row'), 2, 'versions v2 and v1');
    await click(browser, `${tid('version-row')}[data-version="1"] .version-main`, 'v1');
    await waitUntil(async () => (await attr(browser, nodeOfKind('data.transform'), 'data-diff')) === 'added', 'the transform marked as added');
    const summary = await browser.$(tid('diff-summary')).getText();
    assert.match(summary, /1 added/);
    await screenshotFor(browser, 'blueprint-compare.png');
    await click(browser, tid('restore-version'), 'Restore v1');
    await waitForCount(browser, CANVAS_NODE, 2, 'the starter graph again');
    await waitForCount(browser, tid('version-row'), 3, 'the restore as a third version');
    assert.match(await browser.$(tid('version-row')).getText(), /Restored v1/);

    // Export: a blueprint graph file in the Downloads folder (the profile's, set by scripts/e2e.sh).
    await click(browser, tid('export-workflow'), 'Export');
    let saved = null;
    await waitUntil(
      async () => {
        const toasts = await browser.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent));
        saved = toasts.map((t) => /Exported to (.+\.neuroflow\.json)/.exec(t)?.[1]).find(Boolean) ?? null;
        return saved !== null;
      },
      'the toast saying where the file went',
    );
    assert.equal(path.dirname(saved), process.env.NF_E2E_DOWNLOADS, `written to the Downloads folder: ${saved}`);
    const file = JSON.parse(fs.readFileSync(saved, 'utf8'));
    assert.equal(file.surface, 'blueprint');
    assert.equal(file.name, name);
    assert.deepEqual(file.nodes.map((n) => n.kind).sort(), ['blueprint.input', 'output']);

    // The card's Export on the Blueprints page writes the same file again, beside the first.
    await click(browser, tid('back-to-workflows'), 'back to the Blueprints page');
    const card = `${tid('blueprint-row')}[data-name="${name}"]`;
    await click(browser, `${card} ${tid('blueprint-export')}`, 'the card’s Export');
    let again = null;
    await waitUntil(
      async () => {
        const toasts = await browser.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent));
        again = toasts.map((t) => /Exported to (.+\.neuroflow\.json)/.exec(t)?.[1]).find((p) => p && p !== saved) ?? null;
        return again !== null;
      },
      'the toast saying where the card’s export went',
    );
    assert.equal(path.dirname(again), process.env.NF_E2E_DOWNLOADS);
    assert.equal(fs.readFileSync(again, 'utf8'), fs.readFileSync(saved, 'utf8'), 'the card exports the editor’s file');
    await screenshotFor(browser, 'blueprints-list.png');
  });
});

// Browser tests of adding nodes with the mouse and the "+" buttons: a chain built from output ports, a node inserted on
// an edge, palette clicks and drops. Run: npm run test:browser (builds, then `node --test e2e/`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EDGE, MOD, NODE, createAndOpen, drag, flowPositions, newPage, nodeByLabel, noOverlaps, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

/** The "+" of `port` on the node labelled `label`. */
const portPlus = (p, label, port) => nodeByLabel(p, label).locator(`${tid('port-plus')}[data-port="${port}"]`);

/** Who is connected to whom, read from the edges' "+" buttons ("A → B"), sorted. */
const links = (p) =>
  p.$$eval(tid('edge-plus'), (els) =>
    els.map((e) => /^Insert a node between '(.*)' and '(.*)'$/.exec(e.getAttribute('aria-label')).slice(1).join(' → ')).sort(),
  );

/** Picks `search`'s first match in the open quick-add popup. */
async function pick(p, search) {
  await p.keyboard.type(search);
  await p.keyboard.press('Enter');
  await p.waitForSelector(tid('quick-add'), { state: 'detached' });
}

/** Box of a locator in the page. */
const box = async (locator) => {
  const b = await locator.boundingBox();
  assert.ok(b, 'the element is on screen');
  return b;
};

describe('adding nodes with "+"', () => {
  test('the "+" of output ports builds trigger → set → condition → HTTP → LLM → output; each addition is one undo step', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Plus chain');

    // A palette click lands in the visible centre of the canvas, clear of the inspector it opens.
    await p.click(tid('palette-item-trigger.manual'));
    await waitCount(p, NODE, 1);
    await p.waitForSelector(tid('inspector'));
    await p.waitForTimeout(300);
    const flow = await box(p.locator('.canvas-flow'));
    const trigger = await box(p.locator(NODE));
    assert.ok(trigger.x > flow.x && trigger.x + trigger.width < flow.x + flow.width, `the node is in view horizontally: ${JSON.stringify({ trigger, flow })}`);
    assert.ok(trigger.y > flow.y && trigger.y + trigger.height < flow.y + flow.height, 'the node is in view vertically');
    const middle = flow.x + flow.width / 2;
    assert.ok(Math.abs(trigger.x + trigger.width / 2 - middle) < 60, `the node is about the centre (${trigger.x + trigger.width / 2} vs ${middle})`);

    // An unconnected port always shows its "+"; the label names the node and the port.
    await p.locator('.react-flow__pane').click({ position: { x: 20, y: 200 } });
    const plus = portPlus(p, 'Manual trigger', 'main');
    assert.equal(await plus.getAttribute('aria-label'), "Add a node after 'Manual trigger' (main)");
    assert.equal(await plus.evaluate((e) => getComputedStyle(e).opacity), '1');
    await plus.click();
    await waitText(p, tid('quick-add-context'), 'Adds after Manual trigger and connects it');
    await pick(p, 'set fields');
    await waitCount(p, NODE, 2);
    // The trigger's port is used now: its "+" waits for hover.
    await p.locator('.react-flow__pane').click({ position: { x: 20, y: 200 } });
    await p.waitForFunction(() => {
      const el = document.querySelector('[data-kind="trigger.manual"] [data-testid=port-plus]');
      return el && getComputedStyle(el).opacity === '0';
    });

    await portPlus(p, 'Set fields', 'main').click();
    await pick(p, 'condition');
    // The condition's "true" and "false" both have a "+", each named by its port.
    assert.equal(await portPlus(p, 'Condition', 'false').getAttribute('aria-label'), "Add a node after 'Condition' (false)");
    await portPlus(p, 'Condition', 'true').click();
    await waitText(p, tid('quick-add-context'), 'Adds after Condition (true) and connects it');
    await pick(p, 'http request');
    await portPlus(p, 'HTTP request', 'main').click();
    await pick(p, 'llm prompt');
    await portPlus(p, 'LLM prompt', 'main').click();
    await pick(p, 'output');
    await waitCount(p, NODE, 6);
    await waitCount(p, EDGE, 5);
    // The view followed the chain: the last node is in it, with room for its "+".
    await p.waitForTimeout(400);
    const out = await box(nodeByLabel(p, 'Output'));
    const view = await box(p.locator('.canvas-flow'));
    assert.ok(out.x >= view.x && out.x + out.width + 40 <= view.x + view.width, `the new node is in view: ${JSON.stringify({ out, view })}`);
    assert.deepEqual(await links(p), [
      'Condition → HTTP request',
      'HTTP request → LLM prompt',
      'LLM prompt → Output',
      'Manual trigger → Set fields',
      'Set fields → Condition',
    ]);
    assert.ok(await noOverlaps(p), 'no node covers another');
    const pos = await flowPositions(p);
    const chain = ['Manual trigger', 'Set fields', 'Condition', 'HTTP request', 'LLM prompt', 'Output'];
    const at = [];
    for (const label of chain) at.push(pos[await nodeByLabel(p, label).getAttribute('data-node-id')]);
    for (let i = 1; i < at.length; i++) {
      assert.ok(at[i].x > at[i - 1].x, `${chain[i]} is right of ${chain[i - 1]}`);
      assert.equal(at[i].y, at[0].y, `${chain[i]} is on the trigger's row`);
    }

    // Each addition panned the view just enough to show it, so the condition has left it: zoom to fit, then its "false"
    // branch goes a row lower, not on top of the HTTP request.
    await p.keyboard.press('Shift+Digit1');
    await p.waitForTimeout(400);
    await portPlus(p, 'Condition', 'false').click();
    await pick(p, 'slack');
    await waitCount(p, NODE, 7);
    assert.ok(await noOverlaps(p), 'the false branch does not cover the true branch');
    // One undo takes the addition and its connection back.
    await p.keyboard.press(`${MOD}+z`);
    await waitCount(p, NODE, 6);
    await waitCount(p, EDGE, 5);

    // Keyboard: Tab moves from one "+" to the next (it opens quick-add only on the canvas itself), Enter opens quick-add
    // for the focused one's port, and a focused "+" shows.
    assert.equal(await portPlus(p, 'Output', 'main').count(), 0, 'an output has no output port, so no "+"');
    await portPlus(p, 'HTTP request', 'main').focus();
    await p.keyboard.press('Tab');
    const focused = p.locator(`${tid('port-plus')}:focus`);
    assert.equal(await focused.getAttribute('aria-label'), "Add a node after 'HTTP request' (error)");
    await p.waitForFunction(() => getComputedStyle(document.activeElement).opacity === '1');
    await p.keyboard.press('Enter');
    await waitText(p, tid('quick-add-context'), 'Adds after HTTP request (error) and connects it');
    await p.keyboard.press('Escape');
    await p.waitForSelector(tid('quick-add'), { state: 'detached' });
    assert.deepEqual(p.errors, []);
  });

  test('the "+" on an edge inserts a node between its ends, as one undo step', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Plus insert');
    await p.click(tid('palette-item-trigger.manual'));
    await portPlus(p, 'Manual trigger', 'main').click();
    await pick(p, 'set fields');
    await portPlus(p, 'Set fields', 'main').click();
    await pick(p, 'output');
    await waitCount(p, EDGE, 2);
    await p.locator('.react-flow__pane').click({ position: { x: 20, y: 200 } });

    // Hidden until the edge is hovered (once the view has panned to the last node added).
    await p.waitForTimeout(300);
    const plus = p.locator(`${tid('edge-plus')}[aria-label="Insert a node between 'Manual trigger' and 'Set fields'"]`);
    assert.equal(await plus.evaluate((e) => getComputedStyle(e).opacity), '0');
    // Rest the pointer on the edge's middle (moving it there again if the view was still settling).
    for (let tries = 0; ; tries++) {
      const b = await box(plus);
      await p.mouse.move(b.x + b.width / 2 - 30, b.y + b.height / 2 + 40);
      await p.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
      const shown = await p
        .waitForFunction((el) => getComputedStyle(el).opacity === '1', await plus.elementHandle(), { timeout: 2000 })
        .then(() => true, () => false);
      if (shown) break;
      assert.ok(tries < 2, 'the "+" shows while the pointer rests on the edge');
    }
    await plus.click();
    await waitText(p, tid('quick-add-context'), 'Inserts between Manual trigger and Set fields');
    // Only kinds with an input and an output fit between two nodes.
    assert.equal(await p.locator(tid('quick-add-item-trigger.manual')).count(), 0);
    assert.equal(await p.locator(tid('quick-add-item-output')).count(), 0);
    await pick(p, 'http request');
    await waitCount(p, NODE, 4);
    await waitCount(p, EDGE, 3);
    assert.deepEqual(await links(p), ['HTTP request → Set fields', 'Manual trigger → HTTP request', 'Set fields → Output']);
    assert.ok(await noOverlaps(p), 'the nodes after the insert made room');
    const pos = await flowPositions(p);
    const x = async (label) => pos[await nodeByLabel(p, label).getAttribute('data-node-id')].x;
    assert.ok((await x('Manual trigger')) < (await x('HTTP request')) && (await x('HTTP request')) < (await x('Set fields')));
    assert.ok((await x('Set fields')) < (await x('Output')));

    // One undo puts the old edge back and removes the node.
    await p.click(tid('undo'));
    await waitCount(p, NODE, 3);
    assert.deepEqual(await links(p), ['Manual trigger → Set fields', 'Set fields → Output']);
    await p.click(tid('redo'));
    await waitCount(p, NODE, 4);

    // By keyboard: with one edge selected (and no node), Tab inserts on it.
    await p.waitForTimeout(300); // the view has panned to the inserted node
    const edgeBox = await box(p.locator(`${tid('edge-plus')}[aria-label="Insert a node between 'Set fields' and 'Output'"]`));
    await p.mouse.click(edgeBox.x - 14, edgeBox.y + edgeBox.height / 2);
    await p.waitForFunction(() => document.querySelectorAll('.react-flow__edge.selected').length === 1);
    await p.keyboard.press('Tab');
    await waitText(p, tid('quick-add-context'), 'Inserts between Set fields and Output');
    await pick(p, 'delay');
    await waitCount(p, NODE, 5);
    // The edge it splits and the two new ones are drawn a moment after the node.
    await waitCount(p, EDGE, 4);
    assert.deepEqual(await links(p), ['Delay → Output', 'HTTP request → Set fields', 'Manual trigger → HTTP request', 'Set fields → Delay']);
    assert.deepEqual(p.errors, []);
  });

  test('a node dragged from the palette lands where it is dropped', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Plus drop');
    const item = await box(p.locator(tid('palette-item-http.request')));
    const pane = await box(p.locator('.react-flow__pane'));
    const to = { x: pane.x + 200, y: pane.y + 420 };
    await drag(p, { x: item.x + 40, y: item.y + item.height / 2 }, to);
    await waitCount(p, NODE, 1);
    const node = await box(p.locator(NODE));
    assert.ok(Math.abs(node.x + node.width / 2 - to.x) < 25 && Math.abs(node.y + node.height / 2 - to.y) < 25, `dropped at ${JSON.stringify(to)}, the node is at ${JSON.stringify(node)}`);
    assert.deepEqual(p.errors, []);
  });
});

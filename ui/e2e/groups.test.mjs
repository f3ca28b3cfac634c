// Browser tests of the canvas's own items: a sticky note written with a double-click (undoable), and a group that
// moves what it frames and collapses to one box with the crossing connections drawn to it. On the real core (its dev server).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { centre, createAndOpen, drag, EDGE, flowPositions, MOD, newPage, NODE, nodeByLabel, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

describe('notes and groups', () => {
  test('a sticky note is written with a double-click, and undo takes the text back', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Noted');
    await p.click(tid('palette-item-note'));
    const note = p.locator(tid('canvas-note'));
    await note.waitFor();
    await note.dblclick();
    await p.locator(tid('note-input')).fill('Runs every morning at 7');
    await p.locator('.react-flow__pane').click();
    await waitText(p, tid('note-text'), 'Runs every morning at 7');
    await p.keyboard.press(`${MOD}+z`);
    await waitText(p, tid('note-text'), 'Double-click to write a note');
    assert.deepEqual(p.errors, []);
  });

  test('a group carries its nodes when dragged, and collapses to one box with the connections that cross it', async () => {
    const p = await newPage(app.browser);
    await createAndOpen(p, app.server.url, 'Grouped');
    await p.click(tid('palette-item-trigger.manual'));
    await nodeByLabel(p, 'Manual trigger').click();
    await p.keyboard.press('Tab');
    await p.keyboard.type('set fields');
    await p.keyboard.press('Enter');
    await waitCount(p, EDGE, 1);
    await p.click(tid('palette-item-group'));
    const group = p.locator(tid('canvas-group'));
    await group.waitFor();
    // Nothing selected (no inspector over the canvas), everything in view; then put the Set node inside the frame.
    const fitAll = async () => {
      await p.keyboard.press('Escape');
      await p.keyboard.press('Shift+!');
      await p.waitForTimeout(400);
    };
    await fitAll();
    const g = await group.boundingBox();
    await drag(p, await centre(p, `${NODE}[data-kind="data.set"]`), { x: g.x + g.width / 2, y: g.y + g.height / 2 });
    await p.locator(`${tid('canvas-group')} .cgroup-head span`).filter({ hasText: '1 node' }).waitFor();
    await fitAll();

    // Dragging the group moves the Set node with it.
    const ids = await p.$$eval(`${NODE}[data-kind="data.set"]`, (els) => els.map((e) => e.getAttribute('data-node-id')));
    const before = (await flowPositions(p))[ids[0]];
    const head = await p.locator(`${tid('canvas-group')} .cgroup-head strong`).boundingBox();
    await drag(p, { x: head.x + 10, y: head.y + 5 }, { x: head.x + 130, y: head.y + 85 });
    const moved = (await flowPositions(p))[ids[0]];
    assert.ok(moved.x > before.x + 50 && moved.y > before.y + 30, `the member moved with the group: ${JSON.stringify({ before, moved })}`);

    // Collapse: the Set node is hidden, the trigger's connection goes to the group.
    await p.locator(tid('group-toggle')).click();
    await p.locator(`${tid('canvas-group')}[data-collapsed="true"]`).waitFor();
    await waitCount(p, `${NODE}[data-kind="data.set"]`, 0);
    await waitCount(p, '.react-flow__edge.is-proxy', 1);
    await p.screenshot({ path: path.join(process.env.NF_SHOTS_DIR || '/tmp', 'canvas-group-collapsed.png') });
    await p.locator(tid('group-toggle')).click();
    await waitCount(p, `${NODE}[data-kind="data.set"]`, 1);
    await waitCount(p, '.react-flow__edge.is-proxy', 0);
    await waitCount(p, EDGE, 1);
    assert.deepEqual(p.errors, []);
  });
});

// Accessibility of every page and the canvas's panels and dialogs: axe-core (the rules behind Lighthouse and most
// audits) finds no serious or critical violation, in Chromium on the demo data. Run: npm run test:browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { NODE, newPage, openApp, openDemo, runWorkflow, tid, useApp } from './harness.mjs';

const app = useApp({ demo: true });
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is now, one line each (rule, element, why). */
async function violations(p) {
  // A panel that fades in is measured as it settles, not mid-fade: colours blended with a rising opacity are not
  // the colours a user reads (axe once sampled quick-add's footer at 82% opacity).
  // Endless ones (spinners) are skipped: they never finish.
  await p.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await p.addScriptTag({ content: AXE });
  return p.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)),
  );
}

async function assertAccessible(p, what) {
  const found = await violations(p);
  assert.deepEqual(found, [], `${what}: ${found.length} serious or critical accessibility violation(s)`);
}

describe('accessibility', () => {
  for (const [route, ready] of [
    ['/workflows', tid('workflow-row')],
    ['/blueprints', tid('new-blueprint-name')],
    ['/integrations', tid('integration-add')],
    ['/executions', tid('execution-row')],
    ['/agents', tid('agent-row')],
    ['/account', tid('team-sign-in')],
    ['/teams', 'h1'],
    ['/orders', 'h1'],
    ['/dashboard', tid('dash-runs-chart')],
    ['/templates', 'h1'],
    ['/showcases', 'h1'],
  ]) {
    test(`the ${route.slice(1)} page`, async () => {
      const p = await newPage(app.browser);
      await openApp(p, app.server.url, route);
      await p.waitForSelector(ready);
      await assertAccessible(p, route);
    });
  }

  test('an agent\'s settings', async () => {
    const p = await newPage(app.browser);
    const spec = await app.server.call('agent_defaults', { name: 'Checked agent' });
    const created = await app.server.call('agent_create', { spec });
    await openApp(p, app.server.url, `/agents/${created.summary.id}`);
    await p.waitForSelector(tid('agent-editor'));
    await assertAccessible(p, 'the agent editor');
  });

  test('the canvas, its inspector, quick-add, the run input, the shortcut sheet and an execution', async () => {
    const p = await newPage(app.browser);
    await openDemo(p, app.server.url);
    await assertAccessible(p, 'the canvas');
    await p.locator(NODE).first().click();
    await p.waitForSelector(tid('inspector'));
    await assertAccessible(p, 'the canvas with the inspector');
    await p.click(tid('quick-add-open'));
    await p.waitForSelector(tid('quick-add'));
    await assertAccessible(p, 'quick-add');
    await p.keyboard.press('Escape');
    await p.click(tid('run-input-toggle'));
    await p.waitForSelector(tid('run-input'));
    await assertAccessible(p, 'the run input');
    await p.keyboard.press('Escape');
    await p.click('.react-flow__pane');
    await p.keyboard.press('?');
    await p.waitForSelector('[role="dialog"]');
    await assertAccessible(p, 'the shortcut sheet');
    await p.keyboard.press('Escape');

    // A finished run (newest, so first): the manual trigger's input set and returned.
    const u = (n) => `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
    const node = (n, kind, label, config = {}) => ({ id: u(n), kind, label, position: { x: n * 300, y: 100 }, config });
    const edge = (n, source, target) => ({ id: u(n), source: u(source), sourceHandle: null, target: u(target), targetHandle: null });
    const graph = {
      nodes: [node(1, 'trigger.manual', 'Start'), node(2, 'data.set', 'Greet', { fields: { greeting: 'hello' } }), node(3, 'output', 'Result')],
      edges: [edge(4, 1, 2), edge(5, 2, 3)],
    };
    await runWorkflow(app.server, 'Greeter', graph, { input: { name: 'Ada' } });
    await openApp(p, app.server.url, '/executions');
    await p.waitForSelector(tid('execution-row'));
    await p.locator(`${tid('execution-row')} ${tid('execution-workflow')}`).first().click();
    await p.waitForSelector(tid('execution-nodes'));
    await assertAccessible(p, 'an execution');
  });

  test('the new-integration dialog', async () => {
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/integrations');
    await p.click(tid('integration-add'));
    await p.waitForSelector(tid('integration-dialog'));
    await assertAccessible(p, 'the new-integration dialog');
  });
});

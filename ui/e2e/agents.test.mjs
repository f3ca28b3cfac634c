// Browser tests of the Agents page on the real core: create an agent and land on its settings, give it instructions,
// a model and a blueprint as a tool, save (a value out of range refused with the core's reason), leave-with-unsaved
// guard, duplicate and delete from the list. Run: npm run test:browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newPage, openApp, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

describe('agents page', () => {
  test('create, configure with a tool, save, duplicate and delete an agent', async () => {
    const tool = await app.server.call('blueprint_create', { meta: { name: 'Order lookup', description: 'Finds an order by number', category: 'API', isPublic: false } });
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/agents');
    await p.waitForSelector(tid('agents-empty'));

    await p.fill(tid('new-agent-name'), 'Support triage');
    await p.click(tid('create-agent'));
    await p.waitForSelector(tid('agent-editor'));
    assert.equal(await p.inputValue(tid('agent-name')), 'Support triage');
    await waitText(p, tid('agent-save'), 'Saved');

    await p.fill(tid('agent-instructions'), 'Sort support emails by urgency and draft a reply.');
    await p.selectOption(tid('agent-provider'), 'anthropic');
    await p.fill(tid('agent-model'), 'claude-sonnet');
    await p.locator(tid('agent-tool')).filter({ hasText: 'Order lookup' }).locator('input').check();
    await waitText(p, tid('agent-save'), 'Save');

    // Leaving with unsaved changes asks first.
    await p.click(tid('nav-workflows'));
    await p.waitForSelector(tid('confirm-dialog'));
    await p.click(tid('confirm-cancel'));

    // A temperature out of range is refused by the core, with its reason, and nothing is saved.
    await p.getByLabel('Temperature').fill('5');
    await p.keyboard.press('Control+s');
    await p.waitForSelector('text=the temperature must be between 0 and 2');
    await p.getByLabel('Temperature').fill('0.3');
    await p.click(tid('agent-save'));
    await waitText(p, tid('agent-save'), 'Saved');

    const id = new URL(p.url()).hash.split('/').pop();
    const stored = await app.server.call('agent_get', { id });
    assert.equal(stored.spec.personality.instructions, 'Sort support emails by urgency and draft a reply.');
    assert.equal(stored.spec.model.provider, 'anthropic');
    assert.equal(stored.spec.model.temperature, 0.3);
    assert.deepEqual(stored.spec.tools.blueprintIds, [tool.summary.id]);

    await p.click(tid('nav-agents'));
    await waitCount(p, tid('agent-row'), 1);
    const row = p.locator(tid('agent-row')).first();
    assert.match(await row.textContent(), /claude-sonnet/);
    assert.match(await row.textContent(), /Anthropic/);
    await waitText(p, tid('agent-status'), 'Idle');

    await row.locator(tid('agent-duplicate')).click();
    await waitCount(p, tid('agent-row'), 2);
    await p.waitForSelector(`${tid('agent-row')}[data-name="Support triage (copy)"]`);
    await p.locator(`${tid('agent-row')}[data-name="Support triage (copy)"]`).locator(tid('agent-delete')).click();
    await p.click(tid('confirm-ok'));
    await waitCount(p, tid('agent-row'), 1);
    await p.screenshot({ path: new URL('../../docs/screenshots/agents.png', import.meta.url).pathname });
    await p.locator(tid('agent-open')).first().click();
    await p.waitForSelector(tid('agent-editor'));
    await p.screenshot({ path: new URL('../../docs/screenshots/agent-editor.png', import.meta.url).pathname, fullPage: true });
    assert.deepEqual(p.errors, [], 'the page logged errors');
  });
});

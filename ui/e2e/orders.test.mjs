// Browser tests of the Orders pages on the real core: a custom agent ordered with the form (its estimate live from the
// core), submitted, reviewed, approved and built with milestones and build log lines, then delivered at its final
// cost; a rejection needs a reason. Run: npm run test:browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newPage, openApp, tid, useApp, waitCount, waitText } from './harness.mjs';

const app = useApp();

/** Makes the move whose button is shown, and waits for the page to show the new status. */
async function move(p, to) {
  await p.click(tid(`order-move-${to}`));
  await p.waitForSelector(`${tid('order-page')}[data-status="${to}"]`);
}

describe('orders', () => {
  test('an order goes from the form to delivery: estimate, review, milestones, build log and final cost', async () => {
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/orders');
    await p.waitForSelector(tid('orders-empty'));
    await p.click(tid('new-order'));
    await p.fill(tid('order-title'), 'Support triage agent');
    await p.fill(tid('order-description'), 'Sorts new tickets by urgency and drafts a first reply.');
    // The estimate follows complexity and priority as they are picked (the core's figure: 16 h at 95 × 1.25).
    await p.selectOption(tid('order-complexity'), 'MODERATE');
    await p.selectOption(tid('order-priority'), 'HIGH');
    await p.waitForFunction(() => document.querySelector('[data-testid="order-estimate"]')?.textContent?.includes('1,900'));
    await p.click(tid('order-submit'));

    await p.waitForSelector(`${tid('order-page')}[data-status="SUBMITTED"]`);
    assert.match(await p.textContent(tid('order-price')), /Estimate\s*\$1,900/);
    // Only a draft's request can be edited.
    assert.equal(await p.locator(tid('order-edit')).count(), 0);

    await move(p, 'IN_REVIEW');
    // Rejecting needs a reason the client reads.
    await p.click(tid('order-move-REJECTED'));
    await p.click(tid('order-move-confirm'));
    await p.waitForSelector('text=say why the order is rejected');
    await p.click('text=Back');
    await move(p, 'APPROVED');
    await move(p, 'IN_PROGRESS');

    for (const title of ['Connect the ticket system', 'Tune the replies']) {
      await p.fill(tid('milestone-title'), title);
      await p.click(tid('milestone-add'));
      await p.waitForSelector(`${tid('order-milestone')}:has-text("${title}")`);
    }
    // The box shows what the core stored: it turns on once the answer is back.
    await p.locator(tid('order-milestone')).first().locator('input[type=checkbox]').click();
    await p.waitForSelector(`${tid('order-milestone')}[data-done="true"]`);
    await waitText(p, `${tid('order-milestones')} .order-progress-text`, '50 %');

    await p.fill(tid('log-message'), 'Ticket system connected over its API');
    await p.click(tid('log-add'));
    await p.waitForSelector(`${tid('log-line')}:has-text("Ticket system connected")`);

    await move(p, 'TESTING');
    await move(p, 'COMPLETED');
    await p.click(tid('order-move-DELIVERED'));
    await p.fill(tid('order-final-cost'), '1850');
    await p.fill(tid('order-move-reason'), 'Installed in your workspace');
    await p.click(tid('order-move-confirm'));
    await p.waitForSelector(`${tid('order-page')}[data-status="DELIVERED"]`);
    assert.match(await p.textContent(tid('order-price')), /Final cost\s*\$1,850/);
    await p.waitForSelector(tid('order-moves-none'));

    // Every move is in the build log, in order, with the delivery note.
    const moves = await p.locator(`${tid('log-line')}[data-stage="lifecycle"] .log-message`).allTextContents();
    assert.deepEqual(moves, [
      'Draft → Submitted',
      'Submitted → In review',
      'In review → Approved',
      'Approved → In progress',
      'In progress → Testing',
      'Testing → Completed',
      'Completed → Delivered: Installed in your workspace',
    ]);

    // The list: delivered orders are not open; all orders show it delivered at its final cost.
    await p.click(tid('back-to-orders'));
    await p.waitForSelector('text=No orders match these filters');
    await p.selectOption(tid('order-filter'), 'all');
    await waitCount(p, tid('order-row'), 1);
    assert.equal(await p.getAttribute(tid('order-row'), 'data-status'), 'DELIVERED');
    assert.match(await p.textContent(tid('order-row')), /\$1,850/);
    assert.deepEqual(p.errors, []);
  });

  test('the board moves a card by dragging it onto a stage its person may move it to, and nowhere else', async () => {
    const form = (title) => ({ title, description: '', requirements: '', priority: 'NORMAL', complexity: 'SIMPLE', dueDate: null });
    const a = await app.server.call('order_create', { form: form('Board card A') });
    await app.server.call('order_create', { form: form('Board card B') });
    await app.server.call('order_move', { id: a.summary.id, to: 'SUBMITTED', reason: null, finalCost: null });
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/orders');
    await p.click(tid('orders-view-board'));
    const card = (title) => p.locator(`${tid('board-card')}[data-title="${title}"]`);
    const column = (status) => p.locator(`${tid('board-column')}[data-status="${status}"]`);
    await column('SUBMITTED').locator(tid('board-card')).first().waitFor();

    // Not a move of the lifecycle: the card stays.
    await card('Board card B').dragTo(column('APPROVED'));
    await p.waitForTimeout(300);
    assert.equal(await column('DRAFT').locator('[data-title="Board card B"]').count(), 1);
    // A move it has: the card goes, and the order says so.
    await card('Board card A').dragTo(column('IN_REVIEW'));
    await column('IN_REVIEW').locator('[data-title="Board card A"]').waitFor();
    assert.equal((await app.server.call('order_get', { id: a.summary.id })).summary.status, 'IN_REVIEW');
    assert.deepEqual(p.errors, []);
  });

  test('staff assign the builder, and the log says so', async () => {
    const d = await app.server.call('order_create', { form: { title: 'Assigned one', description: '', requirements: '', priority: 'LOW', complexity: 'SIMPLE', dueDate: null } });
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, `/orders/${d.summary.id}`);
    const select = p.locator(tid('order-builder-select'));
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="order-builder-select"] option').length >= 2);
    const me = await select.locator('option').nth(1).getAttribute('value');
    await select.selectOption(me);
    await p.waitForSelector(`${tid('log-line')}[data-stage="assignment"]`);
    assert.match(await p.textContent(`${tid('log-line')}[data-stage="assignment"]`), /Assigned to /);
    assert.equal(await select.inputValue(), me);
    assert.deepEqual(p.errors, []);
  });

  test('priority, builder and due date narrow the list and the board', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const rush = await app.server.call('order_create', { form: { title: 'Rush order', description: '', requirements: '', priority: 'URGENT', complexity: 'SIMPLE', dueDate: yesterday } });
    await app.server.call('order_move', { id: rush.summary.id, to: 'SUBMITTED', reason: null, finalCost: null });
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/orders');
    await p.selectOption(tid('order-filter'), 'all');
    await p.selectOption(tid('order-filter-priority'), 'URGENT');
    await waitCount(p, tid('order-row'), 1);
    assert.equal(await p.getAttribute(tid('order-row'), 'data-title'), 'Rush order');
    await p.selectOption(tid('order-filter-priority'), 'any');
    await p.selectOption(tid('order-filter-due'), 'overdue');
    await waitCount(p, tid('order-row'), 1);
    await p.selectOption(tid('order-filter-due'), 'any');
    // The builder assigned in the test above is offered, and narrows to their order.
    const builderOption = await p.locator(`${tid('order-filter-builder')} option`).nth(2).getAttribute('value');
    await p.selectOption(tid('order-filter-builder'), builderOption);
    await waitCount(p, tid('order-row'), 1);
    assert.equal(await p.getAttribute(tid('order-row'), 'data-title'), 'Assigned one');
    await p.click(tid('orders-view-board'));
    await waitCount(p, tid('board-card'), 1);
    assert.deepEqual(p.errors, []);
  });

  test('a draft is kept, edited with its estimate following, then submitted from its page', async () => {
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/orders');
    await p.click(tid('new-order'));
    await p.fill(tid('order-title'), 'Lead scoring agent');
    await p.click(tid('order-save-draft'));
    await p.waitForSelector(`${tid('order-page')}[data-status="DRAFT"]`);
    await p.click(tid('order-edit'));
    await p.selectOption(tid('order-complexity'), 'COMPLEX');
    await p.click(tid('order-save'));
    await p.waitForSelector(tid('order-request'));
    // 48 h at 95 an hour.
    assert.match(await p.textContent(tid('order-price')), /\$4,560/);
    await move(p, 'SUBMITTED');
    assert.deepEqual(p.errors, []);
  });
});

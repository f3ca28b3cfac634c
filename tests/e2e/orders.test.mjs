// End-to-end: ordering a custom agent in the real desktop app, through tauri-driver. A custom agent is ordered with the
// form (the estimate shown live from the core), submitted, reviewed, approved, built with a milestone and a build log
// line, tested, completed and delivered at its final cost; every move is in the build log; the board and the Dashboard
// show it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attr, click, screenshotFor, tid, typeInto, uniqueName, waitForCount, waitForDisplayed, waitUntil, withApp } from './app.mjs';

const TEST_TIMEOUT = 240_000;

const text = (browser, selector) => browser.execute((sel) => document.querySelector(sel)?.textContent ?? '', selector);

async function waitForStatus(browser, status) {
  await waitUntil(
    async () => (await attr(browser, tid('order-page'), 'data-status')) === status,
    async () => `expected the order to be ${status}, it is ${await attr(browser, tid('order-page'), 'data-status')}`,
  );
}

async function move(browser, to) {
  await click(browser, tid(`order-move-${to}`), `the move to ${to}`);
  await waitForStatus(browser, to);
}

test('a custom agent is ordered, reviewed, built with milestones and a build log, and delivered at its final cost', { timeout: TEST_TIMEOUT }, async () => {
  const title = uniqueName('E2E support agent');
  await withApp('orders', async (browser) => {
    await click(browser, tid('nav-orders'), 'the Orders nav item');
    await click(browser, tid('new-order'), 'New order');
    await typeInto(browser, tid('order-title'), title, 'the order title');
    await typeInto(browser, tid('order-description'), 'Sorts new tickets by urgency and drafts a first reply.', 'what the agent must do');
    await browser.$(tid('order-complexity')).selectByAttribute('value', 'MODERATE');
    await browser.$(tid('order-priority')).selectByAttribute('value', 'HIGH');
    // 16 h at 95 × 1.25 an hour, as the core works it out.
    await waitUntil(
      async () => /1[,.\s\u202f]?900/.test(await text(browser, tid('order-estimate'))),
      async () => `expected the estimate to say 1,900, it says ${await text(browser, tid('order-estimate'))}`,
    );
    await click(browser, tid('order-submit'), 'Submit order');
    await waitForStatus(browser, 'SUBMITTED');

    await move(browser, 'IN_REVIEW');
    await move(browser, 'APPROVED');
    await move(browser, 'IN_PROGRESS');

    await typeInto(browser, tid('milestone-title'), 'Connect the ticket system', 'the milestone title');
    await click(browser, tid('milestone-add'), 'Add milestone');
    await waitForCount(browser, tid('order-milestone'), 1, 'milestones');
    await click(browser, `${tid('order-milestone')} input[type="checkbox"]`, 'the milestone checkbox');
    await waitForDisplayed(browser, `${tid('order-milestone')}[data-done="true"]`, 'the milestone done');
    await typeInto(browser, tid('log-message'), 'Ticket system connected over its API', 'the build log line');
    await click(browser, tid('log-add'), 'Log');
    await waitForCount(browser, `${tid('log-line')}[data-stage="build"]`, 1, 'build log lines');

    await move(browser, 'TESTING');
    await move(browser, 'COMPLETED');
    await click(browser, tid('order-move-DELIVERED'), 'Deliver…');
    await typeInto(browser, tid('order-final-cost'), '1850', 'the final cost');
    await click(browser, tid('order-move-confirm'), 'Deliver');
    await waitForStatus(browser, 'DELIVERED');
    assert.match(await text(browser, tid('order-price')), /Final cost.*1[,.\s\u202f]?850/);
    const moves = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="log-line"][data-stage="lifecycle"] .log-message')].map((e) => e.textContent),
    );
    assert.equal(moves.length, 7, `every move is logged: ${JSON.stringify(moves)}`);
    assert.equal(moves[6], 'Completed → Delivered');
    await screenshotFor(browser, 'order-page.png');

    await click(browser, tid('back-to-orders'), 'back to Orders');
    await click(browser, tid('orders-view-board'), 'the Board view');
    await waitForDisplayed(browser, `${tid('board-column')}[data-status="DELIVERED"] ${tid('board-card')}`, 'the delivered card');
    await screenshotFor(browser, 'orders-board.png');

    // The Dashboard counts the delivered order and draws its charts in this window.
    await click(browser, tid('nav-dashboard'), 'the Dashboard nav item');
    await waitForDisplayed(browser, `${tid('dash-orders-chart')} .recharts-bar-rectangle`, 'the orders-by-status bars');
    await waitForDisplayed(browser, `${tid('dash-runs-chart')} .recharts-surface`, 'the runs chart');
    await screenshotFor(browser, 'dashboard.png');
  });
});

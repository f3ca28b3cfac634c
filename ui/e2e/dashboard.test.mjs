// Browser tests of the Dashboard on the real core: the runs of the demo workflows counted by day, the success rate,
// the rankings and the orders due, each from the core's figures. Run: npm run test:browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newPage, openApp, tid, useApp } from './harness.mjs';

const app = useApp({ demo: true });

describe('dashboard', () => {
  test('the runs, rate, charts and rankings are the core\'s figures, and an order due this week is listed', async () => {
    await app.server.call('order_create', {
      form: { title: 'Due on Friday', description: '', requirements: '', priority: 'HIGH', complexity: 'SIMPLE', dueDate: new Date(Date.now() + 3 * 86_400_000).toISOString() },
    });
    const figures = await app.server.call('dashboard', { days: 30 });
    assert.ok(figures.runs > 0, 'the demo has runs in the last 30 days');
    const p = await newPage(app.browser);
    await openApp(p, app.server.url, '/dashboard');
    await p.waitForSelector(tid('dash-runs-chart'));
    assert.equal((await p.textContent(tid('dash-runs'))).trim(), String(figures.runs));
    assert.equal((await p.textContent(tid('dash-rate'))).trim(), `${Math.round(figures.successRate * 100)} %`);
    // The chart draws a bar for each day with runs.
    await p.waitForSelector(`${tid('dash-runs-chart')} .recharts-bar-rectangle`);
    assert.ok((await p.locator(`${tid('dash-slowest')} li`).count()) > 0, 'the slowest workflows are listed');
    assert.match(await p.textContent(tid('dash-orders-due')), /Due on Friday/);
    // Another period asks the core again.
    await p.click(tid('dashboard-days-7'));
    const week = await app.server.call('dashboard', { days: 7 });
    await p.waitForFunction((n) => document.querySelector('[data-testid="dash-runs"]')?.textContent?.trim() === String(n), week.runs);
    assert.deepEqual(p.errors, []);
  });
});

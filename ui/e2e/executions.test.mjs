// Browser tests of the Executions page: the built UI in Debian's Chromium (playwright-core), on the real core with the
// demo run history (e2e/fixtures/demoRuns.mjs, seeded into its store) and a real run in progress. Run: npm run test:browser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { count, demoWorkflowId, failCalls, newPage, openApp, startCore, tid, useApp, waitCount } from './harness.mjs';

const app = useApp({ demo: true });

const ROW = tid('execution-row');
const rowWith = (attrs) => `${ROW}${Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('')}`;
const hash = (p) => p.evaluate(() => window.location.hash);

function assertNoPageErrors(p) {
  assert.deepEqual(p.errors, [], 'the page logged errors');
}

/** Opens the Executions page on the demo history and waits for the first page of runs. */
async function openExecutions(route = '/executions', options) {
  const p = await newPage(app.browser);
  await openApp(p, app.server.url, route, options);
  return p;
}

async function rowsAttr(p, attr) {
  return p.$$eval(ROW, (els, a) => els.map((e) => e.getAttribute(`data-${a}`)), attr);
}

/** The text of one cell of the first row matching `row`. */
async function cellText(p, row, cell) {
  return (await p.locator(row).first().locator(tid(cell)).textContent()).trim();
}

describe('executions page', () => {
  test('lists runs newest first with status, duration, tokens and cost, twenty at a time', async () => {
    const p = await openExecutions();
    await waitCount(p, ROW, 20);

    const starts = (await rowsAttr(p, 'started')).map((s) => Date.parse(s));
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');

    // The run in progress is on top, with its elapsed time ticking instead of a duration.
    assert.equal(await p.locator(ROW).first().getAttribute('data-status'), 'RUNNING');
    assert.equal(await p.locator(ROW).first().getAttribute('data-workflow'), 'Lead enrichment');
    assert.equal(await cellText(p, ROW, 'execution-status'), 'Running');
    assert.match(await cellText(p, ROW, 'execution-duration'), /^\d+ s$/);

    // A completed triage run: a duration, a token count and a cost in dollars; the exact time on hover.
    const done = rowWith({ status: 'COMPLETED', workflow: 'Support ticket triage' });
    assert.equal(await cellText(p, done, 'execution-status'), 'Completed');
    assert.match(await cellText(p, done, 'execution-duration'), /^\d+(\.\d+)? (ms|s)$/);
    assert.match(await cellText(p, done, 'execution-tokens'), /^[1-9][\d,]*$/);
    assert.match(await cellText(p, done, 'execution-cost'), /^\$0\.\d{3,4}$/);
    assert.match(await cellText(p, done, 'execution-started'), /ago$/);
    assert.match(await p.locator(done).first().locator(tid('execution-started')).getAttribute('title'), /\d{4}/);

    // A failed run says why, in one line.
    const failed = rowWith({ status: 'FAILED', workflow: 'Support ticket triage' });
    assert.equal(await cellText(p, failed, 'execution-status'), 'Failed');
    assert.match(await cellText(p, failed, 'execution-error'), /^node 'Classify ticket' \(ai\.agent\) failed: anthropic answered 429/);

    // Load more brings the rest; then there is no more to load.
    assert.equal((await p.textContent(tid('executions-count'))).trim(), '20 runs shown');
    await p.click(tid('executions-load-more'));
    await waitCount(p, ROW, 27);
    assert.equal(await count(p, tid('executions-load-more')), 0);
    assert.equal((await p.textContent(tid('executions-count'))).trim(), '27 runs');
    const ids = await rowsAttr(p, 'id');
    assert.equal(new Set(ids).size, ids.length, 'no run is listed twice');
    assertNoPageErrors(p);
  });

  test('filters by workflow and by status, and says when nothing matches', async () => {
    const p = await openExecutions();
    await waitCount(p, ROW, 20);

    const options = await p.$$eval(`${tid('executions-filter-workflow')} option`, (els) => els.map((e) => e.textContent));
    assert.deepEqual(options, ['All workflows', 'Daily news digest', 'Lead enrichment', 'Support ticket triage']);

    await p.selectOption(tid('executions-filter-workflow'), { label: 'Daily news digest' });
    await waitCount(p, ROW, 14);
    assert.deepEqual([...new Set(await rowsAttr(p, 'workflow'))], ['Daily news digest']);

    await p.selectOption(tid('executions-filter-status'), 'failed');
    await waitCount(p, ROW, 2);
    assert.deepEqual(await rowsAttr(p, 'status'), ['FAILED', 'FAILED']);
    const errors = await p.$$eval(`${ROW} ${tid('execution-error')}`, (els) => els.map((e) => e.textContent));
    assert.ok(errors.some((e) => e.includes('answered 503 Service Unavailable')));
    assert.ok(errors.includes('the app closed before the run finished'));

    await p.selectOption(tid('executions-filter-workflow'), { label: 'Lead enrichment' });
    await p.waitForSelector(tid('executions-no-match'));
    assert.equal(await count(p, ROW), 0);

    await p.click(tid('executions-clear-filters'));
    await waitCount(p, ROW, 20);

    await p.selectOption(tid('executions-filter-status'), 'cancelled');
    await waitCount(p, ROW, 1);
    assert.deepEqual(await rowsAttr(p, 'status'), ['CANCELLED']);
    assert.equal(await cellText(p, ROW, 'execution-status'), 'Cancelled');
    assertNoPageErrors(p);
  });

  test('a run in progress refreshes on its own: stopping it turns its row cancelled without a reload', async () => {
    const p = await openExecutions();
    const running = rowWith({ status: 'RUNNING' });
    await p.waitForSelector(running);
    await p.waitForSelector(tid('executions-live'));
    const id = await p.getAttribute(running, 'data-id');

    await p.click(`${running} ${tid('execution-stop')}`);
    // The stop request does not reload the list: the row changes when the next poll sees the stopped run.
    await p.waitForSelector(rowWith({ id, status: 'CANCELLED' }));
    assert.equal(await cellText(p, rowWith({ id }), 'execution-status'), 'Cancelled');
    assert.match(await cellText(p, rowWith({ id }), 'execution-duration'), /^\d+(\.\d+)? (ms|s)$/);
    // With nothing live left, the live marker (and the polling it stands for) goes away.
    await p.waitForSelector(tid('executions-live'), { state: 'detached' });
    assertNoPageErrors(p);
  });

  test('a run opens with its summary, node results in run order and each node’s data; Open on canvas goes to the run', async () => {
    const p = await openExecutions();
    // A triage run that drafted a reply: the graph lists "Page on-call" before "Draft reply", the run did not.
    const filter = tid('executions-filter-workflow');
    await p.waitForSelector(ROW);
    await p.selectOption(filter, { label: 'Support ticket triage' });
    await p.selectOption(tid('executions-filter-status'), 'completed');
    await p.waitForSelector(rowWith({ status: 'COMPLETED' }));
    const ids = await rowsAttr(p, 'id');
    let opened = null;
    for (const id of ids) {
      await p.click(`${rowWith({ id })} ${tid('execution-workflow')}`);
      await p.waitForSelector(tid('execution-nodes'));
      const labels = await p.$$eval(tid('execution-node'), (els) => els.map((e) => e.getAttribute('data-label')));
      if ((await count(p, `${tid('execution-node')}[data-label="Draft reply"][data-status="succeeded"]`)) === 1) {
        opened = { id, labels };
        break;
      }
      await p.click(tid('execution-back'));
      await p.waitForSelector(ROW);
    }
    assert.ok(opened, 'a completed triage run drafted a reply');
    assert.equal(await hash(p), `#/executions/${opened.id}`);
    assert.deepEqual(opened.labels, ['New ticket', 'Classify ticket', 'Is it urgent?', 'Draft reply', 'Send reply', 'Page on-call']);
    const statuses = await p.$$eval(tid('execution-node'), (els) => els.map((e) => e.getAttribute('data-status')));
    assert.deepEqual(statuses, ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'skipped']);

    assert.equal((await p.textContent(tid('execution-title'))).trim(), 'Support ticket triage');
    assert.equal((await p.textContent(tid('execution-detail-status'))).trim(), 'Completed');
    assert.match((await p.textContent(tid('execution-stat-duration'))).trim(), /^\d+(\.\d+)? s$/);
    assert.match((await p.textContent(tid('execution-stat-tokens'))).trim(), /^[1-9][\d,]*$/);
    assert.match((await p.textContent(tid('execution-stat-cost'))).trim(), /^\$0\.\d{3,4}$/);
    assert.match(await p.textContent(tid('execution-stat-nodes')), /6 nodes5 succeeded · 1 skipped/);
    assert.match(await p.textContent(tid('execution-input')), /"T-\d+"/);
    assert.match(await p.textContent(tid('execution-output')), /labelIds/);

    // Selecting a node shows its items per port and its logs.
    await p.click(`${tid('execution-node')}[data-label="Draft reply"]`);
    await p.waitForSelector(`${tid('execution-node-panel')}[data-node-id]`);
    assert.equal((await p.textContent(tid('execution-node-panel-title'))).trim(), 'Draft reply');
    assert.match(await p.textContent(tid('execution-node-output')), /"gpt-4o-mini"/);
    await p.click(tid('execution-node-tab-out:text'));
    assert.match(await p.textContent(tid('execution-node-output')), /thanks for reaching out/);
    await p.click(tid('execution-node-tab-logs'));
    assert.match(await p.textContent(tid('execution-node-logs')), /openai gpt-4o-mini: \d+ tokens/);
    await p.click(tid('execution-node-tab-input'));
    assert.match(await p.textContent(tid('execution-node-input')), /urgent: false/);

    // ↑/↓ move between nodes.
    await p.click(`${tid('execution-node')}[data-label="Draft reply"]`);
    await p.keyboard.press('ArrowDown');
    await p.waitForFunction(() => document.querySelector('[data-testid="execution-node-panel-title"]')?.textContent === 'Send reply');
    await p.keyboard.press('ArrowUp');
    await p.keyboard.press('ArrowUp');
    await p.waitForFunction(() => document.querySelector('[data-testid="execution-node-panel-title"]')?.textContent === 'Is it urgent?');
    await p.click(`${tid('execution-node')}[data-label="Page on-call"]`);
    assert.match(await p.textContent(tid('execution-node-panel')), /No items reached it: its branch was not taken\./);

    // The agent's model call.
    await waitCount(p, tid('execution-agent-call'), 1);
    const call = await p.textContent(tid('execution-agent-call'));
    assert.match(call, /claude-3-5-haiku-20241022/);
    assert.match(call, /anthropic/);
    assert.match(call, /\$0\.\d{4}/);

    await p.click(tid('execution-open-canvas'));
    assert.equal(await hash(p), `#/workflows/${demoWorkflowId(app.server.url)}/runs/${opened.id}`);
    assertNoPageErrors(p);
  });

  test('a failed run shows its error and opens on the node that failed, with its retries and logs', async () => {
    const p = await openExecutions();
    const failed = `${rowWith({ status: 'FAILED', workflow: 'Support ticket triage' })}`;
    await p.waitForSelector(failed);
    const id = await p.getAttribute(failed, 'data-id');
    await p.click(`${failed} ${tid('execution-workflow')}`);
    await p.waitForSelector(tid('execution-node-panel'));
    assert.equal(await hash(p), `#/executions/${id}`);
    assert.equal((await p.textContent(tid('execution-detail-status'))).trim(), 'Failed');
    assert.match(await p.textContent(tid('execution-detail-error')), /429 Too Many Requests/);
    assert.equal((await p.textContent(tid('execution-node-panel-title'))).trim(), 'Classify ticket');
    assert.match(await p.textContent(tid('execution-node-error')), /rate limit/);
    assert.match(await p.textContent(tid('execution-node-panel')), /3 attempts/);
    await p.click(tid('execution-node-tab-logs'));
    assert.equal(await count(p, `${tid('execution-node-logs')} li`), 3);
    assert.match(await p.textContent(tid('execution-output')), /No output: the run did not complete\./);
    assertNoPageErrors(p);
  });

  test('the keyboard moves between runs, Enter opens one, and coming back returns to its row', async () => {
    const p = await openExecutions();
    await waitCount(p, ROW, 20);
    const ids = await rowsAttr(p, 'id');
    await p.focus(`${ROW} >> nth=0`);
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowUp');
    const focused = () => p.evaluate(() => document.activeElement?.getAttribute('data-id'));
    assert.equal(await focused(), ids[2]);
    await p.keyboard.press('End');
    assert.equal(await focused(), ids[19]);
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Enter');
    await p.waitForSelector(tid('execution-title'));
    assert.equal(await hash(p), `#/executions/${ids[2]}`);

    await p.click(tid('execution-back'));
    await p.waitForFunction((id) => document.activeElement?.getAttribute('data-id') === id, ids[2]);
    assert.equal(await hash(p), '#/executions');
    assertNoPageErrors(p);
  });

  test('re-run from the list and from a run’s page: a new run starts and its page opens, with this run’s input when asked', async () => {
    const p = await openExecutions();
    await p.waitForSelector(ROW);
    const first = await p.locator(ROW).first().getAttribute('data-id');
    // From the list: a fresh run of the same workflow opens on its own page.
    await p.locator(ROW).first().hover();
    await p.locator(ROW).first().locator(tid('execution-rerun')).click();
    await p.waitForFunction((old) => /#\/executions\/[^/]+$/.test(location.hash) && !location.hash.endsWith(old), first);
    // The newest run is lead enrichment's, which waits two minutes: its page says no node has finished yet.
    await p.waitForSelector(`${tid('execution-nodes')}, ${tid('execution-no-nodes')}`);
    const fresh = await p.evaluate(() => decodeURIComponent(location.hash.split('/').pop()));
    assert.notEqual(fresh, first);

    // From a run that had an input, with that input: another run, whose stored input is the same.
    await p.click(tid('execution-back'));
    await p.waitForSelector(ROW);
    const withInput = await p.$$eval(ROW, (els) => els.map((e) => e.getAttribute('data-id')));
    let source = null;
    for (const id of withInput) {
      await p.click(`${rowWith({ id })} ${tid('execution-workflow')}`);
      await p.waitForSelector(tid('execution-input'));
      const text = (await p.textContent(tid('execution-input'))).trim();
      if (text && text !== 'No input' && text !== '{}') {
        source = { id, text };
        break;
      }
      await p.click(tid('execution-back'));
      await p.waitForSelector(ROW);
    }
    assert.ok(source, 'the demo history has a run with an input');
    await p.click(tid('execution-rerun-input'));
    await p.waitForFunction((old) => !location.hash.endsWith(old), source.id);
    await p.waitForSelector(tid('execution-input'));
    const again = await p.evaluate(() => decodeURIComponent(location.hash.split('/').pop()));
    assert.notEqual(again, source.id);
    await p.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent.trim() === want,
      [tid('execution-input'), source.text],
    );
    await p.click(tid('execution-back'));
    await p.waitForSelector(`${ROW}[data-id="${again}"]`);
    assertNoPageErrors(p);
  });

  test('a run that is not in the history says so and leads back', async () => {
    const p = await openExecutions('/executions/01920000-0000-7000-8000-0000000fffff');
    await p.waitForSelector(tid('execution-not-found'));
    assert.match(await p.textContent(tid('execution-not-found')), /This run isn't in the history/);
    await p.click(`${tid('execution-not-found')} button`);
    await p.waitForSelector(ROW);
    assert.equal(await hash(p), '#/executions');
    assertNoPageErrors(p);
  });

  test('with no runs, the page says how to make one', async () => {
    // A core of its own, with nothing in it.
    const empty = await startCore();
    try {
      const p = await newPage(app.browser);
      await openApp(p, empty.url, '/executions');
      await p.waitForSelector(tid('executions-empty'));
      assert.match(await p.textContent(tid('executions-empty')), /Open a workflow and press Run/);
      await p.click(`${tid('executions-empty')} button`);
      await p.waitForSelector(tid('new-workflow-name'));
      assertNoPageErrors(p);
    } finally {
      await empty.close();
    }
  });

  test('when the backend fails, the list and the detail say so and offer a retry', async () => {
    const p = await newPage(app.browser);
    await failCalls(p, ['execution_list', 'execution_get'], { message: 'The database could not be read (simulated failure).' });
    await openApp(p, app.server.url, '/executions');
    await p.waitForSelector(tid('executions-error'));
    assert.match(await p.textContent(tid('executions-error')), /Couldn't load runs: The database could not be read/);
    await p.click(tid('executions-retry'));
    await p.waitForSelector(tid('executions-error'));
    assert.equal(await count(p, ROW), 0);

    await p.evaluate(() => {
      window.location.hash = '#/executions/01920000-0000-7000-8000-0000000fffff';
    });
    await p.waitForSelector(tid('execution-error-banner'));
    assert.match(await p.textContent(tid('execution-error-banner')), /Couldn't load this run/);
    assert.equal(await count(p, tid('execution-retry')), 1);
    // Errors from the backend are shown on the page; the console stays clean.
    assertNoPageErrors(p);
  });
});

// Browser test of orders through a team database, on the real core and a real team Postgres: the studio's
// moves reach the builder, and a move the builder made offline that an earlier move made impossible is refused by
// the team database, undone on the builder's computer and shown in his sync panel with the reason. The builder reaches
// the team database through a TCP relay the test cuts (his "offline"). Run: npm run test:browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { relayTo, teamDatabase } from '../../tests/e2e/teamDatabase.mjs';
import { DEV_SERVER, launchBrowser, newPage, openApp, startCore, tid } from './harness.mjs';

const CLI = process.env.NEUROFLOW_CLI || path.join(path.dirname(DEV_SERVER), 'neuroflow');
const SCREENSHOTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'screenshots');

const until = async (what, check, timeout = 15000) => {
  const end = Date.now() + timeout;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

async function join(core, team, email, password, port) {
  await core.call('keychain_use_session_memory').catch(() => {});
  const connection = { ...team.connection(email), port };
  const signed = await core.call('team_sign_in', { connection, password });
  await core.call('team_open', { connection, organizationId: signed.memberships[0].organizationId });
}

describe('orders through the team database', () => {
  let browser;
  let team;
  let relay;
  let ada;
  let bob;

  before(async () => {
    team = teamDatabase(CLI);
    const adaPw = team.person('ada@example.com', 'ADMIN');
    const bobPw = team.person('bob@example.com', 'MEMBER');
    relay = await relayTo(team.host, team.port);
    browser = await launchBrowser();
    ada = await startCore();
    bob = await startCore();
    await join(ada, team, 'ada@example.com', adaPw, team.port);
    await join(bob, team, 'bob@example.com', bobPw, relay.port);
  });
  after(async () => {
    await browser?.close();
    await ada?.close();
    await bob?.close();
    await relay?.close();
  });

  test("a move the team database refuses is undone on the builder's computer and shown with its reason", async () => {
    // Ada, the studio's admin, takes an order through review and gives it to Bob.
    const form = { title: 'Triage bot', description: 'Sorts tickets', requirements: '', priority: 'HIGH', complexity: 'MODERATE', dueDate: null };
    const order = (await ada.call('order_create', { form })).summary;
    for (const to of ['SUBMITTED', 'IN_REVIEW', 'APPROVED']) await ada.call('order_move', { id: order.id, to, reason: null, finalCost: null });
    await until('Bob in the team', async () => {
      await ada.call('sync_now');
      return (await ada.call('order_builders')).find((p) => p.email === 'bob@example.com');
    }).then((bobPerson) => ada.call('order_assign', { id: order.id, builder: bobPerson.userId }));
    await ada.call('sync_now');
    const seen = await until('the order at Bob', async () => {
      await bob.call('sync_now');
      return (await bob.call('order_list')).find((o) => o.id === order.id);
    });
    assert.equal(seen.status, 'APPROVED');
    assert.deepEqual(seen.moves, ['IN_PROGRESS'], "the builder's one move from Approved");

    // Bob's computer loses the team database; he starts the build there. Meanwhile Ada cancels the order.
    await relay.cut();
    const p = await newPage(browser);
    await openApp(p, bob.url, `/orders/${order.id}`);
    await p.waitForSelector(tid('order-page'));
    await bob.call('order_move', { id: order.id, to: 'IN_PROGRESS', reason: null, finalCost: null });
    await until('Bob offline with his move waiting', async () => {
      const s = (await bob.call('team_status')).sync;
      return s.state === 'offline' && s.waiting === 1;
    });
    await ada.call('order_move', { id: order.id, to: 'CANCELLED', reason: 'The client withdrew', finalCost: null });
    await ada.call('sync_now');

    // The team database is back: Bob's move is refused there, and his window shows the team's order and why.
    await relay.restore();
    await until("Bob's refused move", async () => {
      await bob.call('sync_now').catch(() => null);
      return (await bob.call('team_status')).sync.refused.length === 1;
    });
    // The window says it as it happens, wherever the person is.
    await p.waitForSelector('[data-testid="toast"]:has-text("was refused by the team")', { timeout: 10000 });
    const status = (await bob.call('team_status')).sync;
    assert.equal(status.waiting, 0);
    assert.equal((await bob.call('order_get', { id: order.id })).summary.status, 'CANCELLED');
    await openApp(p, bob.url, `/orders/${order.id}`);
    await p.waitForSelector(`${tid('order-page')}[data-status="CANCELLED"]`);
    await until('the sidebar to count it', async () => /1 refused/.test(await p.textContent(tid('sync-status'))));
    await p.click(tid('sync-status'));
    const refusal = p.locator(tid('sync-refusal'));
    await refusal.waitFor();
    const text = await refusal.textContent();
    assert.match(text, /Triage bot/);
    assert.match(text, /Move the order to In progress/);
    assert.match(text, /an order that is cancelled cannot become in progress/);
    await p.screenshot({ path: path.join(SCREENSHOTS, 'team-refused.png') });

    // Dismissed, it leaves the panel and the sidebar's line.
    await refusal.getByRole('button', { name: /Dismiss/ }).click();
    await until('the refusal gone', async () => (await p.locator(tid('sync-refusal')).count()) === 0);
    assert.doesNotMatch(await p.textContent(tid('sync-status')), /refused/);
    await p.close();
  });
});

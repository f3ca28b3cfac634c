// Browser tests of the Team page on the real core and a real team Postgres (NEUROFLOW_TEST_PG_URL, started by
// scripts/test.sh): signing in as a person does (a wrong password said plainly, the keychain missing and session
// memory agreed to), the sync control, a conflict between two people restored and undone in one click, members and
// roles, and signing out. The team database is made with the product's own CLI (`neuroflow db migrate`,
// `neuroflow admin create-user`). Run: npm run test:browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { teamDatabase } from '../../tests/e2e/teamDatabase.mjs';
import { DEV_SERVER, launchBrowser, NODE, newPage, openApp, startCore, tid, UI_DIR, waitText } from './harness.mjs';

const CLI = process.env.NEUROFLOW_CLI || path.join(path.dirname(DEV_SERVER), 'neuroflow');
const SCREENSHOTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'screenshots');

const until = async (what, check, timeout = 10000) => {
  const end = Date.now() + timeout;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('team page', () => {
  let browser;
  let team;
  let ada;
  let bob;
  let adaPw;
  let bobPw;

  before(async () => {
    team = teamDatabase(CLI);
    adaPw = team.person('ada@example.com', 'ADMIN');
    bobPw = team.person('bob@example.com', 'MEMBER');
    browser = await launchBrowser();
    ada = await startCore();
    bob = await startCore();
  });
  after(async () => {
    await browser?.close();
    await ada?.close();
    await bob?.close();
  });

  test('sign in, see a conflict between two people, restore it in one click and undo it, manage a role, sign out', async () => {
    const p = await newPage(browser);
    await openApp(p, ada.url, '/account');
    await p.waitForSelector(tid('team-sign-in'));
    assert.equal(await p.locator(tid('sync-status')).count(), 0, 'no sync control in the offline workspace');

    // A wrong password is said plainly; nothing else happens.
    await p.fill(tid('team-host'), team.host);
    await p.fill(tid('team-port'), String(team.port));
    await p.fill(tid('team-database'), team.database);
    await p.selectOption(tid('team-tls'), 'disable');
    await p.fill(tid('team-email'), 'ada@example.com');
    await p.fill(tid('team-password'), 'not my password');
    await p.click(tid('team-sign-in-submit'));
    await waitText(p, `${tid('team-error')} > div:first-child`, 'the email or the password is not right');

    // The right one: this machine has no keychain, so the page asks to keep it in memory for the session.
    await p.fill(tid('team-password'), adaPw);
    await p.click(tid('team-sign-in-submit'));
    await p.waitForSelector(`${tid('team-error')} >> text=Keep it in memory for this session`);
    await p.click('text=Keep it in memory for this session');
    await p.waitForSelector(tid('team-account'), { timeout: 20000 });
    await waitText(p, tid('team-role'), 'admin');
    await waitText(p, tid('team-org'), 'studio');
    await until('the first sync', async () => (await p.getAttribute(tid('sync-status'), 'data-state')) === 'synced');

    // Bob joins through his own core (as his own desktop would), both work on one workflow.
    await bob.call('keychain_use_session_memory').catch(() => {});
    const signed = await bob.call('team_sign_in', { connection: team.connection('bob@example.com'), password: bobPw });
    await bob.call('team_open', { connection: team.connection('bob@example.com'), organizationId: signed.memberships[0].organizationId });
    const flow = await ada.call('workflow_create', { name: 'Lead intake' });
    await ada.call('sync_now');
    await until('the workflow at Bob', async () => {
      await bob.call('sync_now');
      return (await bob.call('workflow_list', { search: null })).some((w) => w.id === flow.id);
    });

    // Both rename it before either sees the other's: the later one wins, the other is kept as a conflict.
    await Promise.all([
      bob.call('workflow_rename', { id: flow.id, name: 'Lead intake (Bob)' }),
      ada.call('workflow_rename', { id: flow.id, name: 'Lead intake (Ada)' }),
    ]);
    await bob.call('sync_now');
    await ada.call('sync_now');
    await bob.call('sync_now');
    const names = await until('one name everywhere', async () => {
      await ada.call('sync_now');
      await bob.call('sync_now');
      const a = (await ada.call('workflow_get', { id: flow.id })).summary.name;
      const b = (await bob.call('workflow_get', { id: flow.id })).summary.name;
      return a === b ? a : null;
    });
    const lost = names === 'Lead intake (Ada)' ? 'Lead intake (Bob)' : 'Lead intake (Ada)';
    const lostBy = lost.includes('Bob') ? 'bob@example.com' : 'ada@example.com';

    await p.waitForSelector(tid('conflict'), { timeout: 10000 });
    await until('the sidebar to count the conflict', async () => /1 conflict/.test(await p.textContent(tid('sync-status'))));
    const row = p.locator(tid('conflict')).first();
    assert.equal((await row.locator(tid('conflict-lost')).textContent()).trim(), lost);
    assert.equal((await row.locator(tid('conflict-won')).textContent()).trim(), names);
    assert.match(await row.textContent(), new RegExp(lostBy.replace('.', '\\.')));
    await p.screenshot({ path: path.join(SCREENSHOTS, 'team-conflicts.png') });

    // One click puts the losing value back as a new edit, which reaches the other person; Undo puts the winner back.
    await row.locator(tid('conflict-restore')).click();
    await p.waitForSelector(tid('conflict-undo'));
    assert.equal((await ada.call('workflow_get', { id: flow.id })).summary.name, lost);
    await until('the restore at Bob', async () => {
      await bob.call('sync_now');
      return (await bob.call('workflow_get', { id: flow.id })).summary.name === lost;
    });
    await p.click(tid('conflict-undo'));
    await p.waitForSelector(tid('conflict-restore'));
    assert.equal((await ada.call('workflow_get', { id: flow.id })).summary.name, names);

    // The sync panel: details and Sync now.
    await p.click(tid('sync-status'));
    await p.waitForSelector(tid('sync-panel'));
    await p.click(tid('sync-now'));
    await waitText(p, tid('sync-panel-waiting'), 'nothing');
    await p.mouse.click(900, 100);

    // An open canvas shows a teammate's saved change in place, without a reload.
    const contents = fs.readFileSync(path.join(UI_DIR, 'e2e', 'fixtures', 'lead.workflow.json'), 'utf8');
    const shared = (await ada.call('workflow_import', { contents, fileName: 'lead.workflow.json' })).workflow;
    await ada.call('sync_now');
    await openApp(p, ada.url, `/workflows/${shared.id}`);
    await p.waitForSelector(tid('save-graph'));
    const bobsCopy = await until('the canvas workflow at Bob', async () => {
      await bob.call('sync_now');
      return (await bob.call('workflow_list', { search: null })).some((w) => w.id === shared.id) && bob.call('workflow_get', { id: shared.id });
    });
    const node = bobsCopy.graph.nodes[0];
    await bob.call('workflow_save_changes', {
      id: shared.id,
      changes: { nodes: [{ ...node, label: 'Renamed by Bob' }], edges: [], removedNodes: [], removedEdges: [] },
      save: { kind: 'SAVE' },
    });
    await bob.call('sync_now');
    await p.waitForSelector(`${NODE}:has-text("Renamed by Bob")`, { timeout: 15000 });
    await openApp(p, ada.url, '/account');
    await p.waitForSelector(tid('team-account'));

    // Ada makes Bob a viewer; once it reaches Bob, his own core refuses his edits.
    const bobRow = p.locator(tid('member')).filter({ hasText: 'bob@example.com' });
    await bobRow.locator(tid('member-role')).selectOption('VIEWER');
    await until('Bob to be a viewer', async () => {
      await bob.call('sync_now');
      return (await bob.call('team_status')).team.member.role === 'VIEWER';
    });
    await assert.rejects(bob.call('workflow_rename', { id: flow.id, name: 'Viewer edit' }), (e) => e.code === 'forbidden');
    // Bob's window is read-only: no create form, and the canvas says so and offers no palette or Save.
    const bp = await newPage(browser);
    await openApp(bp, bob.url, '/workflows');
    await bp.waitForSelector(tid('workflow-row'));
    // Once the window knows who is signed in (the sidebar's sync control shows with the team status): the list may
    // draw before that answer, and a create form drawn for a moment meanwhile is refused by the core anyway.
    await bp.waitForSelector(tid('sync-status'));
    await bp.waitForSelector(tid('create-workflow'), { state: 'hidden' });
    assert.equal(await bp.isVisible(tid('create-workflow')), false, 'a viewer has no create form');
    await openApp(bp, bob.url, `/workflows/${shared.id}`);
    await bp.waitForSelector(tid('view-only'));
    assert.equal(await bp.isVisible(tid('save-graph')), false, 'a viewer has no Save');
    await bp.close();

    // Sign out without keeping the copy: the offline workspace comes back.
    await p.click(tid('team-sign-out'));
    await p.waitForSelector(tid('sign-out-dialog'));
    await p.uncheck(tid('sign-out-keep'));
    await p.click(tid('sign-out-confirm'));
    await p.waitForSelector(tid('team-sign-in'), { timeout: 15000 });
    assert.equal(await p.locator(tid('sync-status')).count(), 0);
    assert.deepEqual(p.errors, [], 'the page logged errors');
  });
});

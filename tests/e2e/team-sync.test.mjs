// Two desktop profiles signed in to one team Postgres, each in its own real window (its own tauri-driver with its own
// XDG profile): both edit the same workflow on its canvas while the team database is out of reach (different nodes,
// and the same node's label), then it comes back; both windows show the merged graph, and the Team page shows the
// conflict with the value that lost. The team database goes away and comes back through a TCP relay the test cuts and
// restores: to the apps that is the database stopping (connections refused, open ones dropped) and starting again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { relayTo, teamDatabase } from './teamDatabase.mjs';
import { captureFailure, click, count, freePort, startApp, tid, typeInto, waitForDisplayed, waitUntil } from './app.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const TEST_TIMEOUT = 240_000;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through scripts/e2e.sh (it starts Postgres and builds the CLI)`);
  return value;
}

/** A tauri-driver whose apps use their own fresh profile (XDG dirs): a second person's desktop. */
async function profileDriver(name) {
  const dir = mkdtempSync(join(tmpdir(), `neuroflow-${name}-`));
  for (const sub of ['data', 'config', 'cache']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const native = await freePort();
  const env = { ...process.env, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(native)], { env, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => (await fetch(`${url}/status`).catch(() => null))?.ok,
    `tauri-driver for ${name} did not answer at ${url}/status`,
    30_000,
  );
  return {
    url,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls one of the app's own commands, as its pages do (test setup only: what is tested is done in the window). */
async function invoke(browser, command, args = {}) {
  const out = await browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, a).then(
        (ok) => done({ ok }),
        (error) => done({ error }),
      );
    },
    command,
    args,
  );
  if (out.error) throw Object.assign(new Error(`${command}: ${out.error.message ?? JSON.stringify(out.error)}`), out.error);
  return out.ok;
}

async function go(browser, hash) {
  await browser.execute((h) => {
    window.location.hash = h;
  }, hash);
}

/** Signs in through the Team page as a person does; this machine has no keychain, so they agree to session memory. */
async function signIn(browser, team, port, email, password) {
  await go(browser, '#/account');
  await waitForDisplayed(browser, tid('team-sign-in'), 'the sign-in form');
  await typeInto(browser, tid('team-host'), '127.0.0.1', 'host');
  await typeInto(browser, tid('team-port'), String(port), 'port');
  await typeInto(browser, tid('team-database'), team.database, 'database');
  await browser.$(tid('team-tls')).selectByAttribute('value', 'disable');
  await typeInto(browser, tid('team-email'), email, 'email');
  await typeInto(browser, tid('team-password'), password, 'password');
  await click(browser, tid('team-sign-in-submit'), 'Sign in');
  await waitUntil(
    async () => (await browser.$(tid('team-account')).isDisplayed().catch(() => false)) || (await browser.$('button=Keep it in memory for this session').isDisplayed().catch(() => false)),
    'expected to be signed in, or asked about the keychain',
    30_000,
  );
  if (await browser.$('button=Keep it in memory for this session').isDisplayed().catch(() => false)) {
    await click(browser, 'button=Keep it in memory for this session', 'keep the password in memory');
  }
  await waitForDisplayed(browser, tid('team-account'), 'the signed-in account');
}

async function nodeLabels(browser) {
  return browser.execute((sel) => Object.fromEntries([...document.querySelectorAll(sel)].map((n) => [n.getAttribute('data-node-id'), n.querySelector('[data-testid="node-label"]')?.textContent ?? ''])), tid('canvas-node'));
}

/** Renames a node on the canvas as a person does: double-click its label, type, Enter. */
async function renameNode(browser, nodeId, label) {
  const sel = `[data-node-id="${nodeId}"] ${tid('node-label')}`;
  await waitForDisplayed(browser, sel, `the label of node ${nodeId}`);
  // A double-click sent while the canvas still moves (a sync just redrew it) can miss the label: try again until the
  // label's input opens.
  await waitUntil(async () => {
    if (await browser.$(tid('node-label-input')).isDisplayed().catch(() => false)) return true;
    await browser.$(sel).doubleClick();
    return browser.$(tid('node-label-input')).waitForDisplayed({ timeout: 1500 }).then(() => true, () => false);
  }, `expected the label input of node ${nodeId} to open on a double-click`);
  await typeInto(browser, tid('node-label-input'), label, 'the node label input');
  await browser.keys('Enter');
  await waitUntil(async () => (await nodeLabels(browser))[nodeId] === label, `expected node ${nodeId} to read "${label}"`);
}

let team;
let relay;
const drivers = [];

before(async () => {
  team = teamDatabase(required('NEUROFLOW_CLI'));
  relay = await relayTo(team.host, team.port);
});
after(async () => {
  for (const d of drivers) d.stop();
  await relay?.close();
});

test('two profiles edit one workflow while the team database is down; when it is back both show the merged graph and the conflict', { timeout: TEST_TIMEOUT }, async () => {
  const adaPw = team.person('ada@example.com', 'ADMIN');
  const bobPw = team.person('bob@example.com', 'MEMBER');
  const adaDriver = await profileDriver('ada');
  drivers.push(adaDriver);
  const bobDriver = await profileDriver('bob');
  drivers.push(bobDriver);
  const ada = await startApp('nav-workflows', { webdriverUrl: adaDriver.url });
  let bob = null;
  try {
    bob = await startApp('nav-workflows', { webdriverUrl: bobDriver.url });
    await signIn(ada, team, relay.port, 'ada@example.com', adaPw);
    await signIn(bob, team, relay.port, 'bob@example.com', bobPw);

    // Ada brings a workflow in; it reaches Bob.
    const contents = readFileSync(join(ROOT, 'ui', 'e2e', 'fixtures', 'lead.workflow.json'), 'utf8');
    const flow = (await invoke(ada, 'workflow_import', { contents, fileName: 'lead.workflow.json' })).workflow;
    await invoke(ada, 'sync_now');
    await waitUntil(async () => {
      await invoke(bob, 'sync_now');
      return (await invoke(bob, 'workflow_list', { search: null })).some((w) => w.id === flow.id);
    }, 'expected the workflow to reach Bob', 30_000);
    const ids = (await invoke(ada, 'workflow_get', { id: flow.id })).graph.nodes.map((n) => n.id);
    assert.ok(ids.length >= 3, 'the fixture has three nodes or more');
    for (const b of [ada, bob]) {
      await go(b, `#/workflows/${flow.id}`);
      await waitForDisplayed(b, `[data-node-id="${ids[2]}"]`, 'the canvas');
    }

    // The team database goes away; both keep working on the same workflow.
    await relay.cut();
    await renameNode(ada, ids[0], 'Ada renamed this');
    await renameNode(bob, ids[1], 'Bob renamed this');
    await renameNode(ada, ids[2], 'Ada’s name for it');
    await sleep(50);
    await renameNode(bob, ids[2], 'Bob’s name for it');
    for (const [who, b] of [['Ada', ada], ['Bob', bob]]) {
      await waitUntil(async () => (await b.$(tid('save-status')).getText()).toLowerCase().includes('saved'), `expected ${who}'s canvas to save locally`, 20_000);
      await waitUntil(async () => {
        const state = await b.$(tid('sync-status')).getAttribute('data-state');
        return state === 'offline' || state === 'failed';
      }, `expected ${who}'s sync control to say it is offline`, 30_000);
    }
    // On the canvas the sidebar is an icon rail: the control's words are its tooltip.
    assert.match(await ada.$(tid('sync-status')).getAttribute('title'), /^Offline · \d+ changes? waiting/);

    // It comes back: both windows show the merged graph without a reload.
    await relay.restore();
    const merged = {
      [ids[0]]: 'Ada renamed this',
      [ids[1]]: 'Bob renamed this',
    };
    let last = {};
    for (const [who, b] of [['Ada', ada], ['Bob', bob]]) {
      await waitUntil(
        async () => {
          last = await nodeLabels(b);
          return last[ids[0]] === merged[ids[0]] && last[ids[1]] === merged[ids[1]];
        },
        () => `expected ${who}'s canvas to show both people's edits, it shows ${JSON.stringify(last)}`,
        60_000,
      );
    }
    const adaThird = (await nodeLabels(ada))[ids[2]];
    await waitUntil(async () => (await nodeLabels(bob))[ids[2]] === adaThird, 'expected one label for the node both renamed', 30_000);
    assert.ok(['Ada’s name for it', 'Bob’s name for it'].includes(adaThird), adaThird);
    const lost = adaThird === 'Ada’s name for it' ? 'Bob’s name for it' : 'Ada’s name for it';

    // Both Team pages list the conflict with the value that lost.
    for (const [who, b] of [['ada', ada], ['bob', bob]]) {
      await go(b, '#/account');
      let shown = [];
      await waitUntil(
        async () => {
          shown = await b.execute((sel) => [...document.querySelectorAll(sel)].map((c) => c.textContent), tid('conflict'));
          return shown.length === 1 && shown[0].includes(lost) && shown[0].includes('label');
        },
        () => `expected ${who}'s conflict list to show one conflict, the label "${lost}"; it shows ${JSON.stringify(shown)}`,
        30_000,
      );
      await waitUntil(async () => (await count(b, tid('member'))) === 2, `expected ${who}'s Team page to list both members`, 30_000);
      await sleep(300); // the window paints what the page just drew
      await b.saveScreenshot(join(SCREENSHOTS, `team-sync-${who}.png`));
    }

    for (const b of [ada, bob]) {
      await click(b, tid('team-sign-out'), 'Sign out');
      await click(b, tid('sign-out-confirm'), 'confirm sign out');
      await waitForDisplayed(b, tid('team-sign-in'), 'the sign-in form again');
    }
  } catch (err) {
    await captureFailure(ada, 'team-sync-ada');
    if (bob) await captureFailure(bob, 'team-sync-bob');
    throw err;
  } finally {
    await ada.deleteSession().catch(() => {});
    if (bob) await bob.deleteSession().catch(() => {});
  }
});

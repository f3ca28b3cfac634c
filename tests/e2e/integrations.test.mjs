// End-to-end: the Integrations page of the real desktop app, through tauri-driver. scripts/e2e.sh
// runs the app without a D-Bus session, so there is no OS keychain: the first test goes through the
// no-keychain path (banner, consent to session memory), adds a webhook integration pointed at a
// receiver it starts on 127.0.0.1, tests it (green) and checks the request's HMAC signature. The
// second runs the app in a desktop session of its own with gnome-keyring's Secret Service: the
// secret goes to the real keychain, survives a restart, and is in no database file.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CANVAS_NODE,
  EDGE,
  click,
  createWorkflow,
  cssString,
  desktopSession,
  dragBetween,
  gotoWorkflows,
  nodeOfKind,
  openWorkflow,
  startApp,
  tid,
  typeInto,
  uniqueName,
  waitForCount,
  waitForDisplayed,
  waitForText,
  waitUntil,
  withApp,
  screenshotFor,
} from './app.mjs';

const TEST_TIMEOUT = 240_000;

const integrationRow = (name) => `${tid('integration-row')}[data-name="${cssString(name)}"]`;

/** A webhook receiver on 127.0.0.1 that records every request and answers `status`. */
async function startReceiver() {
  const requests = [];
  let status = 204;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? '' : 'receiver failure');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hooks/neuroflow`,
    requests,
    answer: (next) => {
      status = next;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function gotoIntegrations(browser) {
  await click(browser, tid('nav-integrations'), 'the Integrations nav item');
  await waitForDisplayed(browser, tid('integration-add'), 'the Add integration button, after clicking nav-integrations');
}

async function bannerState(browser) {
  return browser.execute((sel) => document.querySelector(sel)?.getAttribute('data-state') ?? null, tid('keychain-banner'));
}

async function waitForBannerState(browser, expected, what) {
  let last;
  await waitUntil(
    async () => (last = await bannerState(browser)) === expected,
    () => `expected the keychain banner ${what} to be in state "${expected}", it is ${last}`,
  );
}

/** Without a keychain, the banner says so; consenting switches to session memory. */
async function consentToSessionMemory(browser) {
  await waitForDisplayed(browser, tid('keychain-banner'), 'the keychain banner (the e2e app runs without a D-Bus session, so without a keychain)');
  await waitForBannerState(browser, 'unavailable', 'before consent');
  const text = await browser.$(tid('keychain-banner')).getText();
  assert.match(text, /No OS keychain is available/);
  assert.match(text, /memory for this session only/);
  await click(browser, tid('keychain-use-memory'), 'the "Keep secrets in memory for this session only" button');
  await waitForBannerState(browser, 'session-memory', 'after consent');
}


test('a webhook integration tests green in session memory and its request is signed', { timeout: TEST_TIMEOUT }, async () => {
  const receiver = await startReceiver();
  const name = uniqueName('E2E hook');
  const signingSecret = `whsec-e2e-${Date.now().toString(36)}`;
  const row = integrationRow(name);
  try {
    await withApp('integrations', async (browser) => {
      await gotoIntegrations(browser);
      await consentToSessionMemory(browser);
      await screenshotFor(browser, 'integrations-session-memory.png');

      await click(browser, tid('integration-add'), 'the Add integration button');
      await click(browser, tid('integration-provider-webhook'), 'the Webhook provider tile');
      await typeInto(browser, tid('integration-name'), name, 'the integration name');
      await typeInto(browser, tid('integration-field-url'), receiver.url, 'the webhook URL field');
      await typeInto(browser, tid('integration-field-signingSecret'), signingSecret, 'the signing secret field');
      assert.equal(await browser.$(tid('integration-field-signingSecret')).getAttribute('type'), 'password');
      await screenshotFor(browser, 'integrations-add-dialog.png');
      await click(browser, tid('integration-save'), 'the save button');
      await waitForCount(browser, row, 1, `integration row "${name}"`);
      await waitForText(browser, `${row} ${tid('integration-status')}`, 'Not tested', 'the new integration’s status');
      assert.equal(receiver.requests.length, 0, 'saving sends nothing');

      await click(browser, `${row} ${tid('integration-test')}`, 'Test connection');
      await waitForText(browser, `${row} ${tid('integration-status')}`, 'Connected', 'the status after Test connection');
      assert.equal(receiver.requests.length, 1, 'one ping');
      const ping = receiver.requests[0];
      assert.equal(ping.method, 'POST');
      assert.equal(ping.url, '/hooks/neuroflow');
      assert.equal(ping.headers['content-type'], 'application/json');
      const expected = `sha256=${createHmac('sha256', signingSecret).update(ping.body).digest('hex')}`;
      assert.equal(ping.headers['x-neuroflow-signature'], expected, 'HMAC-SHA256 of the raw body with the signing secret');
      const body = JSON.parse(ping.body.toString('utf8'));
      assert.equal(body.event, 'ping');
      assert.equal(String(body.timestamp), ping.headers['x-neuroflow-timestamp']);
      assert.ok(!ping.body.toString('utf8').includes(signingSecret), 'the secret itself is never sent');
      await screenshotFor(browser, 'integrations-connected.png');

      // The integration in a workflow: a webhook node posts each item, signed, when the workflow runs.
      await gotoWorkflows(browser);
      const flow = uniqueName('E2E hook flow');
      await createWorkflow(browser, flow);
      await openWorkflow(browser, flow);
      await click(browser, tid('palette-item-trigger.manual'), 'the manual trigger palette item');
      await click(browser, tid('palette-item-integration.webhook'), 'the webhook call palette item');
      await waitForCount(browser, CANVAS_NODE, 2, 'the trigger and the webhook node');
      await dragBetween(
        browser,
        `${nodeOfKind('trigger.manual')} .react-flow__handle.source`,
        `${nodeOfKind('integration.webhook')} .react-flow__handle.target`,
        'connect the trigger to the webhook node',
      );
      await waitForCount(browser, EDGE, 1, 'the edge trigger → webhook');
      await click(browser, nodeOfKind('integration.webhook'), 'the webhook node');
      await waitForDisplayed(browser, tid('integration-picker'), 'the integration picker in the inspector');
      await waitUntil(
        async () => (await browser.$(`${tid('integration-picker')} option`).isExisting()) && (await browser.$$(`${tid('integration-picker')} option`)).length > 1,
        'the picker lists the webhook integration',
      );
      await browser.$(tid('integration-picker')).selectByVisibleText(name);
      await waitForCount(browser, `${nodeOfKind('integration.webhook')} ${tid('node-problems')}`, 0, 'problems on the configured webhook node');
      const before = receiver.requests.length;
      await click(browser, tid('run-workflow'), 'the Run button');
      await waitUntil(
        async () => (await browser.execute(() => document.querySelector('[data-testid="run-bar"]')?.getAttribute('data-phase'))) === 'completed',
        async () => `the run did not complete: ${await browser.execute(() => document.querySelector('[data-testid="run-bar"]')?.textContent)}`,
      );
      assert.equal(receiver.requests.length, before + 1, 'the run posted once');
      const posted = receiver.requests.at(-1);
      assert.equal(posted.method, 'POST');
      assert.equal(
        posted.headers['x-neuroflow-signature'],
        `sha256=${createHmac('sha256', signingSecret).update(posted.body).digest('hex')}`,
        'the run’s request is signed over its raw body',
      );
      assert.deepEqual(JSON.parse(posted.body.toString('utf8')), {}, 'the trigger’s empty item is posted');
      await screenshotFor(browser, 'canvas-webhook-run.png');
      await gotoIntegrations(browser);

      // A failing receiver turns the row red with the reason.
      receiver.answer(500);
      const requestsBefore = receiver.requests.length;
      await click(browser, `${row} ${tid('integration-test')}`, 'Test connection again');
      await waitForText(browser, `${row} ${tid('integration-status')}`, 'Failed', 'the status when the receiver fails').catch((e) => {
        // Whether the test request reached the receiver tells a click that did not take from an answer not shown.
        e.message += ` (the receiver got ${receiver.requests.length - requestsBefore} request(s) since the click)`;
        throw e;
      });
      const reason = await browser.$(`${row} ${tid('integration-last-error')}`).getText();
      assert.match(reason, /the service failed \(HTTP 500\)/);
      await screenshotFor(browser, 'integrations-error.png');

      // Editing never shows the saved secret.
      await click(browser, `${row} ${tid('integration-edit')}`, 'the edit button');
      const secretField = browser.$(tid('integration-field-signingSecret'));
      await waitForDisplayed(browser, tid('integration-field-signingSecret'), 'the signing secret field when editing');
      assert.equal(await secretField.getValue(), '');
      assert.equal(await secretField.getAttribute('placeholder'), 'Saved — leave empty to keep');
      assert.ok(!(await browser.getPageSource()).includes(signingSecret), 'the secret is nowhere in the page');
      await browser.keys('Escape');
      await waitForCount(browser, tid('integration-dialog'), 0, 'the closed edit dialog');
    });

    // Session memory ends with the app: the row stays, its secret is gone.
    await withApp('integrations-restart', async (browser) => {
      await gotoIntegrations(browser);
      await waitForCount(browser, row, 1, `integration row "${name}" after a restart`);
      await waitForBannerState(browser, 'unavailable', 'after a restart (it forgets the session-memory choice)');
      receiver.answer(204);
      await click(browser, `${row} ${tid('integration-test')}`, 'Test connection after the restart');
      await waitForText(browser, `${row} ${tid('integration-status')}`, 'Failed', 'the status without the secret');
      assert.match(await browser.$(`${row} ${tid('integration-last-error')}`).getText(), /could not be read: the OS keychain is unavailable/);

      // Deleting needs the secret store answering: consent again, then delete with confirmation.
      await consentToSessionMemory(browser);
      await click(browser, `${row} ${tid('integration-delete')}`, 'the delete button');
      await click(browser, tid('confirm-ok'), 'the confirm button');
      await waitForCount(browser, row, 0, `integration row "${name}" (it should be gone)`);
    });
  } finally {
    await receiver.close();
  }
});

test('with the OS keychain, a secret is kept there across restarts and never in the database', { timeout: TEST_TIMEOUT }, async () => {
  const session = await desktopSession('keychain', { keyring: true });
  const receiver = await startReceiver();
  const name = uniqueName('E2E keychain hook');
  const signingSecret = `whsec-keychain-${Date.now().toString(36)}`;
  const row = integrationRow(name);
  const launch = () => startApp('nav-workflows', { webdriverUrl: session.url });
  try {
    let app = await launch();
    try {
      await gotoIntegrations(app);
      await click(app, tid('integration-add'), 'the Add integration button');
      await click(app, tid('integration-provider-webhook'), 'the Webhook provider tile');
      await typeInto(app, tid('integration-name'), name, 'the integration name');
      await typeInto(app, tid('integration-field-url'), receiver.url, 'the webhook URL field');
      await typeInto(app, tid('integration-field-signingSecret'), signingSecret, 'the signing secret field');
      await click(app, tid('integration-save'), 'the save button');
      await waitForCount(app, row, 1, `integration row "${name}"`);
      await click(app, `${row} ${tid('integration-test')}`, 'Test connection');
      await waitForText(app, `${row} ${tid('integration-status')}`, 'Connected', 'the status after Test connection');
      // The keychain was there and unlocked: no banner, no question about session memory.
      assert.equal(await bannerState(app), null, 'no keychain banner with the OS keychain available');
    } finally {
      await app.deleteSession().catch(() => {});
    }
    // A new start reads the secret back from the keychain (session memory would have lost it).
    app = await launch();
    try {
      await gotoIntegrations(app);
      await waitForCount(app, row, 1, `integration row "${name}" after a restart`);
      const before = receiver.requests.length;
      await click(app, `${row} ${tid('integration-test')}`, 'Test connection after the restart');
      await waitForText(app, `${row} ${tid('integration-status')}`, 'Connected', 'the status after the restart');
      assert.equal(receiver.requests.length, before + 1, 'one signed ping after the restart');
      const ping = receiver.requests.at(-1);
      assert.equal(ping.headers['x-neuroflow-signature'], `sha256=${createHmac('sha256', signingSecret).update(ping.body).digest('hex')}`);
    } finally {
      await app.deleteSession().catch(() => {});
    }
    // The database files hold a reference to the keychain entry, never the secret.
    const dataDir = join(session.dir, 'data', 'dev.neuroflow.studio');
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('neuroflow.db'))) {
      assert.ok(!readFileSync(join(dataDir, file)).includes(signingSecret), `the secret is not in ${file}`);
    }
  } finally {
    await receiver.close();
    session.stop();
  }
});

// End-to-end: the desktop conventions of the real window. The app writes its log file in the OS log folder (named on
// the Team page, with "Open logs folder"), the window comes back at the size the person left it, and a second start
// of the app (in a desktop session with its D-Bus bus) shows the window already open instead of opening the database
// twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { click, desktopSession, screenshotFor, startApp, tid, waitForDisplayed, waitUntil, withApp } from './app.mjs';

const TEST_TIMEOUT = 240_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function aboutApp(app) {
  await app.execute(() => {
    window.location.hash = '#/account';
  });
  await waitForDisplayed(app, tid('about-app'), 'the About block of the Team page');
  return {
    version: await app.$(tid('about-version')).getText(),
    logFolder: await app.$(tid('about-log-folder')).getText(),
  };
}

test('the app logs to a file in the OS log folder and says where', { timeout: TEST_TIMEOUT }, async () => {
  await withApp('log-file', async (app) => {
    const { version, logFolder } = await aboutApp(app);
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.ok(logFolder.startsWith(process.env.XDG_DATA_HOME), `the log folder ${logFolder} is in the profile's data folder`);
    const file = join(logFolder, 'neuroflow.log');
    await waitUntil(() => existsSync(file), `the log file ${file}`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, new RegExp(`NeuroFlow Studio ${version.replace(/\./g, '\\.')} started on .*neuroflow\\.db`));
    assert.doesNotMatch(text, /\u001b\[/, 'no terminal colour codes in the file');
    await screenshotFor(app, 'about-app.png');
    // The button is there; what the file manager does with it is the desktop's business.
    await click(app, tid('open-logs'), 'Open logs folder');
    await sleep(300);
    assert.equal(await app.$('[role="alert"]').isExisting(), false, 'opening the folder raised no error');
  });
});

test('the window comes back at the size it was left at', { timeout: TEST_TIMEOUT }, async () => {
  await withApp('window-size', async (app) => {
    await app.setWindowRect(null, null, 1100, 720);
    await waitUntil(async () => {
      const r = await app.getWindowRect();
      return r.width === 1100 && r.height === 720;
    }, 'the window resized to 1100×720');
    // Saved shortly after the last change, so even a crash keeps it.
    await sleep(1500);
  });
  await withApp('window-size-again', async (app) => {
    const r = await app.getWindowRect();
    assert.equal(r.width, 1100, `width after the restart (${JSON.stringify(r)})`);
    assert.equal(r.height, 720, `height after the restart (${JSON.stringify(r)})`);
    // Back to the default for the tests after this one.
    await app.setWindowRect(null, null, 1280, 800);
    await sleep(1500);
  });
});

test('starting the app again shows the window already open, and the second start leaves', { timeout: TEST_TIMEOUT }, async () => {
  const session = await desktopSession('single');
  let app;
  try {
    app = await startApp('nav-workflows', { webdriverUrl: session.url });
    const second = spawn(process.env.NEUROFLOW_APP, [], { env: session.env, stdio: 'ignore' });
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the second start did not leave within 20 s')), 20_000);
      second.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, 'the second start leaves quietly');
    // The first window still answers, and its log says the second start was turned into showing it.
    await waitForDisplayed(app, tid('nav-workflows'), 'the first window');
    const log = join(session.dir, 'data', 'dev.neuroflow.studio', 'logs', 'neuroflow.log');
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('the app was started again'), `the first instance's log (${log}) noting the second start`);
  } finally {
    await app?.deleteSession().catch(() => {});
    session.stop();
  }
});

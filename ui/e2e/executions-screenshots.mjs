// Takes the review screenshots of the Executions page (1280×800) from the built UI on the real core with the demo history: the
// run list and one run's detail. Run: node e2e/executions-screenshots.mjs [DIR] (default docs/screenshots).
import fs from 'node:fs';
import path from 'node:path';
import { UI_DIR, launchBrowser, newPage, openApp, startCore, tid } from './harness.mjs';

const dir = path.resolve(process.argv[2] || path.join(UI_DIR, '..', 'docs', 'screenshots'));
fs.mkdirSync(dir, { recursive: true });
const server = await startCore({ demo: true });
const browser = await launchBrowser();
try {
  const p = await newPage(browser);

  // 1. The list: the run in progress on top, then completed, failed and cancelled runs.
  await openApp(p, server.url, '/executions');
  await p.waitForSelector(tid('execution-row'));
  await p.waitForTimeout(1200); // let the live run's elapsed time tick once
  await p.mouse.move(1270, 790);
  await p.screenshot({ path: path.join(dir, 'executions.png') });

  // 2. A triage run that drafted a reply, with the model node selected.
  await p.selectOption(tid('executions-filter-workflow'), { label: 'Support ticket triage' });
  await p.selectOption(tid('executions-filter-status'), 'completed');
  await p.waitForSelector(`${tid('execution-row')}[data-status="COMPLETED"]`);
  const ids = await p.$$eval(tid('execution-row'), (els) => els.map((e) => e.getAttribute('data-id')));
  for (const id of ids) {
    await p.click(`${tid('execution-row')}[data-id="${id}"] ${tid('execution-workflow')}`);
    await p.waitForSelector(tid('execution-nodes'));
    if (await p.locator(`${tid('execution-node')}[data-label="Draft reply"][data-status="succeeded"]`).count()) break;
    await p.click(tid('execution-back'));
    await p.waitForSelector(tid('execution-row'));
  }
  await p.click(`${tid('execution-node')}[data-label="Draft reply"]`);
  await p.mouse.move(1270, 790);
  await p.waitForTimeout(200);
  await p.screenshot({ path: path.join(dir, 'execution-detail.png') });

  if (p.errors.length) throw new Error(`page errors: ${p.errors.join('\n')}`);
  console.log(`screenshots in ${dir}: executions.png, execution-detail.png`);
} finally {
  await browser.close();
  await server.close();
}

// The dashboard against the real headless server on rehearsal mode, in Debian's Chromium:
// sidecar cards appear live, and free text from the network is shown as text, never run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, binary, eventually, launchBrowser, start, startServer } from './harness.mjs';

const HOSTILE = '<img src=x onerror=alert(1)>';
let server;
let browser;
let page;
const dialogs = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(`${server.base}/`);
});

after(async () => {
  await browser?.close();
  await server?.server.stop();
});

test('the rehearsal sidecars appear as live cards', async () => {
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
  const ids = await eventually(async () => {
    const found = await page.$$eval('.sidecar-card', (cards) => cards.map((c) => c.dataset.sidecarId).sort());
    return found.length === 2 ? found : null;
  }, { what: 'two sidecar cards' });
  assert.deepEqual(ids, ['producer-1', 'producer-2']);
  const status = await page.textContent('.sidecar-card[data-sidecar-id="producer-1"] .status');
  assert.equal(status, 'ACTIVE');
  const environment = await page.textContent('#env-kind');
  assert.equal(environment, 'rehearsal');
});

test('free text from a sidecar is rendered as text and no script runs', async () => {
  const sidecar = start(binary('faultline-sidecar'), [
    '--bootstrap', server.environment.bootstrapServers,
    '--id', 'hostile-1',
    '--heartbeat-ms', '1000',
    '--workload', HOSTILE,
    '--host', HOSTILE,
  ]);
  try {
    const card = '.sidecar-card[data-sidecar-id="hostile-1"]';
    await eventually(() => page.$(card), { what: `the hostile sidecar's card (sidecar output: ${sidecar.output()})` });
    assert.equal(await page.textContent(`${card} .workload`), HOSTILE);
    assert.ok((await page.textContent(`${card} .host`)).includes(HOSTILE));
    // The text arrived as text: no element was created from it, and nothing ran.
    assert.equal(await page.$$eval('img', (images) => images.length), 0);
    await eventually(() => page.$('.feed-item[data-sidecar-id="hostile-1"]'), { what: 'a feed item for hostile-1' });
    assert.deepEqual(dialogs, []);
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard-rehearsal.png') });
  } finally {
    await sidecar.stop();
  }
});

test('a scenario button runs buffer-overflow: DEGRADED, healed, stopwatch; restore all works', async () => {
  const button = '.scenario-button[data-scenario-id="buffer-overflow"]';
  await page.waitForSelector(`${button}:not([disabled])`);
  await page.click(button);
  await eventually(async () => (await page.getAttribute(button, 'data-state')) === 'running', { what: 'the button to show running' });
  const card = '.sidecar-card[data-sidecar-id="producer-1"]';
  await eventually(async () => (await page.textContent(`${card} .condition`)) === 'DEGRADED', {
    timeoutMs: 30000, what: 'producer-1 DEGRADED on its card',
  });
  await eventually(async () => /^Passed: detected after/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 150000, what: 'the stopwatch result',
  });
  assert.equal(await page.getAttribute(button, 'data-state'), 'passed');
  assert.equal(await page.textContent(`${card} .condition`), 'STABLE');
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'dashboard-scenario-passed.png') });

  await page.click('#restore-all');
  await eventually(async () => /^Restored: \d+ fault\(s\) reverted; everything is green\.$/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 60000, what: 'restore all to report green',
  });
  assert.deepEqual(dialogs, []);
});

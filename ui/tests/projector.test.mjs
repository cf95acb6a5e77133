// The dashboard on a projector, in Debian's Chromium against the real server on rehearsal with
// four sidecars: while broker-failure has broker 2 down, at 1280×720, 1366×768 and 1920×1080
// (and 1280×720 in presenter mode) broker 2's tile is in view and highlighted, no toast covers
// it, all three broker tiles and four sidecar cards are in view without scrolling, and every
// scenario title is whole. One run: the viewport is resized while the fault is active.
// Screenshots go to artifacts/projector-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, binary, environment, eventually, launchBrowser, start, startPage, startServer } from './harness.mjs';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];
/** Two sidecars beside the rehearsal's producer-1 and producer-2: four cards to fit. */
const EXTRA_SIDECARS = ['producer-3', 'producer-4'];
const BROKER_2 = '#brokers .broker-tile[data-broker-id="2"]';

let server;
let pageServer;
let browser;
let page;
const sidecars = [];

before(async () => {
  server = await startServer();
  pageServer = await startPage(server.api);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: SIZES[0] });
  await page.goto(`${pageServer.base}/`);
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
});

after(async () => {
  await Promise.all(sidecars.map((sidecar) => sidecar.stop()));
  await browser?.close();
  await pageServer?.close();
  await server?.server.stop();
});

/**
 * What the page shows of the projector's concerns, measured in the page: whether an element
 * is inside the viewport and inside every box that could clip or scroll it, and whether a
 * scenario title is cut (its text wider or taller than its box).
 */
function measure() {
  const inView = (element) => {
    const r = element.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    for (let box = element.parentElement; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const b = box.getBoundingClientRect();
      if (r.top < b.top - 1 || r.bottom > b.bottom + 1 || r.left < b.left - 1 || r.right > b.right + 1) return false;
    }
    return true;
  };
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const tile = document.querySelector('#brokers .broker-tile[data-broker-id="2"]');
  const tileRect = tile?.getBoundingClientRect();
  const toasts = [...document.querySelectorAll('#toasts .toast')];
  return {
    brokerInView: tile ? inView(tile) : false,
    brokerLit: tile?.dataset.spotlight === 'on',
    brokerDown: tile?.dataset.state === 'down',
    toasts: toasts.length,
    toastsOver: toasts.filter((toast) => overlaps(toast.getBoundingClientRect(), tileRect)).map((toast) => toast.textContent),
    brokersInView: [...document.querySelectorAll('#brokers .broker-tile')].filter(inView).length,
    cardsInView: [...document.querySelectorAll('#sidecars .sidecar-card')].filter(inView).length,
    titles: [...document.querySelectorAll('.scenario-title')].map((title) => ({
      text: title.textContent,
      cut: title.scrollWidth > title.clientWidth || title.scrollHeight > title.clientHeight || getComputedStyle(title).textOverflow === 'ellipsis',
      inView: inView(title),
    })),
    pageScrolls: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
  };
}

async function screenshot(name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name) });
}

test('idle: the footer does not claim discovery is replaying', async () => {
  await page.waitForSelector('#launch[data-mode="full"][data-state="stopped"]');
  await eventually(async () => (await page.textContent('#health-status')) !== 'unknown', { what: 'the health snapshot' });
  assert.equal(await page.textContent('#health-discovery'), '—');
});

test('running: one state badge (the launch bar in the header), four sidecar cards, three broker tiles', async () => {
  const answer = await fetch(`${server.base}/api/environment/start`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'rehearsal' }),
  });
  assert.ok(answer.ok, `start: ${answer.status}`);
  const env = await environment(server.base);
  for (const id of EXTRA_SIDECARS) {
    sidecars.push(start(binary('faultline-sidecar'), ['--bootstrap', env.bootstrapServers, '--id', id, '--heartbeat-ms', '1000', '--workload', 'projector test producer']));
  }
  await page.waitForSelector('#launch[data-mode="bar"][data-state="running"]');
  assert.equal(await page.isHidden('#environment'), true, 'the header shows the launch bar, not a second state badge');
  assert.equal(await page.textContent('#launch-state'), 'running');
  await eventually(async () => (await page.$$('#sidecars .sidecar-card')).length >= 4, {
    timeoutMs: 30000, what: `four sidecar cards (sidecar output: ${sidecars.map((s) => s.output()).join(' | ')})`,
  });
  await eventually(async () => (await page.$$('#brokers .broker-tile')).length === 3, { what: 'three broker tiles' });
  // Launch steps are logged by their outcome, never by their start or progress.
  const steps = await page.$$eval('.feed-item[data-type="environment"] .feed-text', (items) => items.map((i) => i.textContent));
  assert.ok(steps.length > 0 && steps.every((s) => / (done|failed) in /.test(s)), `feed lines for launch steps: ${JSON.stringify(steps)}`);
});

test('broker-failure at every size: broker 2 in view and lit, no toast over it, titles whole', async () => {
  await page.click('.scenario-button[data-scenario-id="broker-failure"]:not([disabled])');
  await page.waitForSelector(`${BROKER_2}[data-state="down"][data-spotlight="on"]`, { timeout: 30000 });
  let toastsSeen = 0;
  const shapes = [...SIZES.map((size) => ({ size, presenter: false })), { size: SIZES[0], presenter: true }];
  for (const { size, presenter } of shapes) {
    await page.setViewportSize(size);
    if (presenter) await page.click('#presenter-toggle');
    const where = `${size.width}×${size.height}${presenter ? ' presenter' : ''}`;
    // The page lays out again on resize; generous, as the fault lasts 23 s.
    const seen = await eventually(async () => {
      const m = await page.evaluate(measure);
      if (!(m.brokerDown && m.brokerInView && m.toastsOver.length === 0 && m.brokersInView === 3 && m.cardsInView >= 4)) throw new Error(JSON.stringify(m));
      return m;
    }, { timeoutMs: 5000, what: `the projector checks at ${where}` });
    assert.equal(seen.brokerLit, true, `broker 2's tile is highlighted at ${where}`);
    assert.equal(seen.pageScrolls, false, `the page itself does not scroll at ${where}`);
    assert.equal(seen.titles.length, 6);
    for (const title of seen.titles) {
      assert.equal(title.cut, false, `"${title.text}" is shown whole at ${where}`);
      assert.equal(title.inView, true, `"${title.text}" is in view at ${where}`);
    }
    toastsSeen = Math.max(toastsSeen, seen.toasts);
    await screenshot(`projector-${size.width}x${size.height}${presenter ? '-presenter' : ''}.png`);
    if (presenter) await page.click('#presenter-toggle');
  }
  // The fault's and the DOWN condition's toasts were up while we looked: the check had teeth.
  assert.ok(toastsSeen > 0, 'toasts were shown while the fault was active');

  await page.setViewportSize(SIZES[0]);
  await eventually(async () => /^(Passed|Failed):/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 90000, what: 'the run to finish',
  });
  assert.match(await page.textContent('#scenario-result'), /^Passed:/);
  assert.equal(await page.$$eval('[data-spotlight]', (lit) => lit.length), 0, 'the spotlight goes out with the run');
});

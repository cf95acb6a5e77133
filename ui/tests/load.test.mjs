// A load bench, not a pass/fail timing test: the page against the dev fake pushing 1000
// synthetic signal events a second (plus its usual script) for a few seconds, while the page
// counts frames. It reports frame intervals and long tasks, and only asserts that the page
// kept drawing and kept up with the stream (the charts coalesce events into ≤ 5 redraws a
// second; see js/view/charts.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { build } from '../build.mjs';
import { launchBrowser } from './harness.mjs';
import { serveUi } from './uiserver.mjs';
import { createMockPlatform } from './mockplatform.mjs';

const RATE = 1000;
const MEASURE_MS = 5000;
let platform;
let ui;
let browser;

before(async () => {
  platform = createMockPlatform({ autostart: true, rate: RATE });
  ui = await serveUi({ root: build(), platform });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  platform?.stop();
  await ui?.close();
});

test(`the page stays responsive under ${RATE} events a second`, async (t) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${ui.base}/`);
  await page.waitForSelector('.sidecar-card[data-sidecar-id="bench-0"]', { timeout: 15000 });
  const stats = await page.evaluate((measureMs) => new Promise((resolve) => {
    const intervals = [];
    const longTasks = [];
    new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); })
      .observe({ type: 'longtask', buffered: false });
    const start = performance.now();
    let last = start;
    function frame(now) {
      intervals.push(now - last);
      last = now;
      if (now - start < measureMs) requestAnimationFrame(frame);
      else resolve({ intervals, longTasks, elapsed: now - start });
    }
    requestAnimationFrame(frame);
  }), MEASURE_MS);
  const sorted = [...stats.intervals].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const fps = stats.intervals.length / (stats.elapsed / 1000);
  const report = {
    frames: stats.intervals.length,
    fps: Number(fps.toFixed(1)),
    p50Ms: Number(pct(0.5).toFixed(1)),
    p95Ms: Number(pct(0.95).toFixed(1)),
    maxMs: Number(sorted.at(-1).toFixed(1)),
    longTasks: stats.longTasks.length,
    longestTaskMs: Number(Math.max(0, ...stats.longTasks).toFixed(1)),
  };
  t.diagnostic(`bench at ${RATE} events/s over ${MEASURE_MS} ms: ${JSON.stringify(report)}`);
  // Deliberately loose: a shared CI machine must not fail this, a frozen page must.
  assert.ok(report.frames > MEASURE_MS / 1000 * 5, `the page kept drawing (${report.frames} frames)`);
  const fill = await page.textContent('.sidecar-card[data-sidecar-id="bench-1"] .buffer-pct');
  assert.match(fill, /^\d+%$/);
  await page.close();
});

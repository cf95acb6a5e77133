// The dashboard under a synthetic event load, shared by the load test (tests/load.test.mjs,
// behaviour only) and the frame bench (bench/dashboard-frames.mjs, numbers only): the page
// against the dev fake (mockplatform.mjs) pushing `rate` extra signal events a second, while
// the page counts its animation frames, long tasks and the WebSocket events it handled.
//
//   buildPage()                          → { root, remove() }  the page as built into a temp dir
//   runLoad({ browser, root, rate, seconds, inspect }) → summary (see summarize), plus
//                                           `inspected`: what inspect(page) returned at the end
//
// The page is built into a private temp dir, not ui/dist: cargo's build scripts assemble and
// embed ui/dist, and a test must not empty it under a build running at the same time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../build.mjs';
import { serveUi } from './uiserver.mjs';
import { createMockPlatform } from './mockplatform.mjs';

/** The fake's synthetic sidecars (mockplatform.mjs spreads the load over bench-0 … bench-3). */
export const LOAD_SIDECARS = ['bench-0', 'bench-1', 'bench-2', 'bench-3'];
const VIEWPORT = { width: 1280, height: 720 };
/** Only against a hang: the page's own loop ends the measurement. */
const HANG_GUARD_MS = 60000;

export function buildPage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ui-'));
  const root = build(path.join(dir, 'dist'));
  return { root, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs in the page before its scripts (an init script, so the CSP does not apply): counts
 * every WebSocket message the page's own 'message' listener has finished handling, i.e. the
 * events it parsed and applied to its model (transport/web.js → main.js onEvent).
 */
function countHandledEvents() {
  const counter = { handled: 0 };
  Object.defineProperty(window, '__faultlineLoad', { value: counter });
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function addEventListener(type, listener, options) {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    return add.call(this, type, function counted(event) {
      const result = listener.call(this, event);
      counter.handled++;
      return result;
    }, options);
  };
}

/**
 * Runs in the page: one requestAnimationFrame loop for `measureMs`, recording every frame
 * interval, plus the long tasks (≥ 50 ms) seen meanwhile and the events handled. It resolves
 * on the first frame after the window, so it only resolves if the page is still drawing.
 */
function measureInPage(measureMs) {
  return new Promise((resolve) => {
    const intervals = [];
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const counter = window.__faultlineLoad;
    const handledAtStart = counter.handled;
    const start = performance.now();
    let last = start;
    function frame(now) {
      intervals.push(now - last);
      last = now;
      if (now - start < measureMs) {
        requestAnimationFrame(frame);
        return;
      }
      observer.disconnect();
      resolve({ intervals, longTasks, elapsedMs: now - start, applied: counter.handled - handledAtStart });
    }
    requestAnimationFrame(frame);
  });
}

/** Frame intervals → frames, fps, p50/p95/max ms; long tasks → count and longest. */
export function summarize({ intervals, longTasks, elapsedMs, applied }) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
  return {
    frames: intervals.length,
    elapsedMs,
    fps: intervals.length / (elapsedMs / 1000),
    p50Ms: pct(0.5),
    p95Ms: pct(0.95),
    maxMs: sorted.length ? sorted.at(-1) : NaN,
    longTasks: longTasks.length,
    longestTaskMs: Math.max(0, ...longTasks),
    applied,
  };
}

/**
 * The page against a fresh dev fake at `rate` extra events a second: waits until the load's
 * sidecar cards are on the page, measures for `seconds`, calls `inspect(page)` if given, and
 * closes everything it started (not the browser).
 */
export async function runLoad({ browser, root, rate, seconds, inspect = null }) {
  const platform = createMockPlatform({ autostart: true, rate });
  let ui = null;
  let page = null;
  let guard = null;
  try {
    ui = await serveUi({ root, platform });
    page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(countHandledEvents);
    await page.goto(`${ui.base}/`);
    for (const id of LOAD_SIDECARS) {
      await page.waitForSelector(`.sidecar-card[data-sidecar-id="${id}"]`, { timeout: 15000 });
    }
    const hang = new Promise((_, reject) => {
      guard = setTimeout(() => reject(new Error(`the page drew no frame for ${HANG_GUARD_MS} ms after the ${seconds} s window`)), seconds * 1000 + HANG_GUARD_MS);
    });
    const stats = await Promise.race([page.evaluate(measureInPage, seconds * 1000), hang]);
    const inspected = inspect ? await inspect(page) : undefined;
    return { rate, seconds, ...summarize(stats), inspected };
  } finally {
    clearTimeout(guard);
    await page?.close().catch(() => {});
    platform.stop();
    await ui?.close();
  }
}

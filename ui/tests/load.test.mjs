// The page under load: the dev fake pushes 1000 synthetic signal events a second (plus its
// usual script) for a few seconds, and the page keeps drawing frames and keeps applying the
// events to its sidecar cards. Behaviour only: how fast is measured by
// bench/dashboard-frames.mjs, never asserted here (the charts coalesce events into ≤ 5
// redraws a second; see js/view/charts.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './harness.mjs';
import { LOAD_SIDECARS, buildPage, runLoad } from './frames.mjs';

const RATE = 1000;
const SECONDS = 3;
let built;
let browser;

before(async () => {
  built = buildPage();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  built?.remove();
});

test(`the page keeps drawing and applying events under ${RATE} events a second`, async (t) => {
  const result = await runLoad({
    browser,
    root: built.root,
    rate: RATE,
    seconds: SECONDS,
    inspect: (page) => Promise.all(LOAD_SIDECARS.map((id) => page.textContent(`.sidecar-card[data-sidecar-id="${id}"] .buffer-pct`))),
  });
  t.diagnostic(`${result.frames} frames, ${result.applied} events applied, ${result.longTasks} long tasks in ${SECONDS} s (numbers: node bench/dashboard-frames.mjs)`);
  // runLoad only returns once the page has drawn a frame after the whole window under load.
  assert.ok(result.frames > 0, 'the page drew frames under load');
  assert.ok(result.applied > 0, 'the page applied events while under load');
  for (const [i, fill] of result.inspected.entries()) {
    assert.match(fill, /^\d+%$/, `${LOAD_SIDECARS[i]}'s card shows its buffer fill`);
  }
});

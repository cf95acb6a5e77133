// The pure parts of the page in Node: the chart timeline (ring buffers, fault bands,
// detection / recovery markers), which events raise toasts, the OODA stages, launch steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Series } from '../js/series.js';
import { Timeline } from '../js/timeline.js';
import { toastFor } from '../js/notable.js';
import { stageOf } from '../js/ooda.js';
import { parseLaunch, withStep } from '../js/launch.js';
import { parseContainers } from '../js/view/containers.js';

test('a series keeps one point per bucket and only the newest capacity points', () => {
  const series = new Series(3, 250);
  series.append(0, 1);
  series.append(100, 2); // same bucket: replaces
  series.append(300, 3);
  series.append(600, 4);
  series.append(900, 5); // full: the oldest falls off
  assert.deepEqual(series.pointsSince(0), [{ x: 300, y: 3 }, { x: 600, y: 4 }, { x: 900, y: 5 }]);
  assert.deepEqual(series.pointsSince(700), [{ x: 900, y: 5 }]);
});

test('signals and lag become series; a fault is a band from injection to revert', () => {
  const t = new Timeline();
  t.applyEvent({ type: 'signal', atMs: 1000, sidecarId: 'producer-1', bufferFill: 0.5, sendRate: 10, requestLatencyMs: 20 });
  t.applyEvent({ type: 'consumer-lag', atMs: 1000, group: 'g', lagMessages: 42 });
  assert.deepEqual(t.series.get('fill').get('producer-1').pointsSince(0), [{ x: 1000, y: 50 }]);
  assert.deepEqual(t.series.get('lag').get('g').pointsSince(0), [{ x: 1000, y: 42 }]);

  const fault = { kind: 'latency', broker: 1, ms: 500 };
  t.applyEvent({ type: 'fault', atMs: 2000, action: 'injected', faultId: 'f1', fault });
  t.applyEvent({ type: 'fault', atMs: 2500, action: 'injected', faultId: 'f1', fault }); // a ramp step: same band
  assert.deepEqual(t.bands, [{ id: 'f1', label: 'latency broker 1 500 ms', fromMs: 2000, toMs: null }]);
  t.applyEvent({ type: 'fault', atMs: 9000, action: 'reverted', faultId: 'f1', fault });
  assert.equal(t.bands[0].toMs, 9000);
});

test('detection is the first departure from STABLE after an injection; recovery the return', () => {
  const t = new Timeline();
  const condition = (atMs, condition, previous) => t.applyEvent({ type: 'condition', atMs, subject: 'producer-1', sidecarId: 'producer-1', condition, previous });
  condition(500, 'DEGRADED', 'STABLE'); // no fault yet: not a detection
  condition(600, 'STABLE', 'DEGRADED');
  t.applyEvent({ type: 'fault', atMs: 1000, action: 'injected', faultId: 'f1', fault: { kind: 'producer-rate', producer: 'producer-1', rate: 10000 } });
  condition(1500, 'DIVERGING', 'STABLE');
  condition(1800, 'DEGRADED', 'DIVERGING'); // already detected
  condition(4000, 'STABLE', 'DEGRADED');
  assert.deepEqual(t.markers.map((m) => [m.kind, m.atMs]), [['detected', 1500], ['recovered', 4000]]);
});

test("inside a scenario, recovery is the scenario's own 'recovered'", () => {
  const t = new Timeline();
  t.applyEvent({ type: 'scenario', atMs: 900, phase: 'started' });
  t.applyEvent({ type: 'fault', atMs: 1000, action: 'injected', faultId: 'f1', fault: {} });
  t.applyEvent({ type: 'condition', atMs: 1500, subject: 'p', condition: 'DEGRADED', previous: 'STABLE' });
  t.applyEvent({ type: 'condition', atMs: 3000, subject: 'p', condition: 'STABLE', previous: 'DEGRADED' });
  t.applyEvent({ type: 'scenario', atMs: 3500, phase: 'recovered' });
  assert.deepEqual(t.markers.map((m) => [m.kind, m.atMs]), [['detected', 1500], ['recovered', 3500]]);
});

test('active faults from a snapshot open missing bands and close vanished ones', () => {
  const t = new Timeline();
  t.applyEvent({ type: 'fault', atMs: 1000, action: 'injected', faultId: 'gone', fault: {} });
  t.applyActiveFaults([{ id: 'f2', description: 'broker 2 paused', appliedAtMs: 1500 }], 2000);
  assert.deepEqual(t.bands.map((b) => [b.id, b.label, b.fromMs, b.toMs]), [['gone', 'fault', 1000, 2000], ['f2', 'broker 2 paused', 1500, null]]);
});

test('toasts for errors and turning points, never for signals', () => {
  assert.equal(toastFor({ type: 'signal', bufferFill: 1 }), null);
  assert.equal(toastFor({ type: 'condition', subjectKind: 'sidecar', condition: 'DEGRADED' }), null);
  assert.deepEqual(toastFor({ type: 'scenario', phase: 'finished', status: 'passed', text: 'Scenario Buffer overflow passed.' }), { tone: 'ok', text: 'Scenario Buffer overflow passed.' });
  assert.equal(toastFor({ type: 'scenario', phase: 'finished', status: 'failed', text: 'Scenario X failed. Not met: y.' }).tone, 'bad');
  assert.equal(toastFor({ type: 'fault', action: 'injected', sentence: 's' }).tone, 'warn');
  assert.equal(toastFor({ type: 'condition', subjectKind: 'broker', condition: 'DOWN', previous: 'STABLE', sentence: 'broker-2 is down' }).tone, 'bad');
  assert.equal(toastFor({ type: 'environment', status: 'failed', kind: 'local', step: 'brokers', detail: 'port taken' }).text, 'local: brokers failed: port taken');
  assert.equal(toastFor({ type: 'environment', status: 'done' }), null);
});

test('OODA stages', () => {
  assert.equal(stageOf({ type: 'signal' }), 'OBSERVE');
  assert.equal(stageOf({ type: 'condition' }), 'ORIENT');
  assert.equal(stageOf({ type: 'speech-act', act: 'REQUEST' }), 'DECIDE');
  assert.equal(stageOf({ type: 'speech-act', act: 'REPORT' }), null);
  assert.equal(stageOf({ type: 'response', act: 'PROMISE' }), 'DECIDE');
  assert.equal(stageOf({ type: 'response', act: 'COMMAND' }), 'ACT');
  assert.equal(stageOf({ type: 'fault' }), 'ACT');
});

test('launch JSON: kinds that cannot be ids are dropped; environment events update steps', () => {
  const launch = parseLaunch({ state: 'starting', choices: [{ kind: 'rehearsal', available: true }, { kind: '"><b>', available: true }], steps: [] });
  assert.deepEqual(launch.choices.map((c) => c.kind), ['rehearsal']);
  let steps = withStep([], { step: 'brokers', status: 'started', elapsedMs: 0 });
  steps = withStep(steps, { step: 'topics', status: 'started' });
  steps = withStep(steps, { step: 'brokers', status: 'done', elapsedMs: 1200 });
  assert.deepEqual(steps.map((s) => [s.step, s.status]), [['brokers', 'done'], ['topics', 'started']]);
  steps = withStep(steps, { step: 'topics', status: 'started', detail: 'pulling: 40 MB of 100 MB', percent: 40 });
  assert.equal(steps[1].percent, 40);
  assert.equal(withStep([], { step: 'pull', status: 'started', percent: 140 })[0].percent, null);
  assert.equal(withStep([], { step: 'pull', status: 'started', percent: '50' })[0].percent, null);
});

test('containers JSON: bounded text, and only the actions the view knows', () => {
  const rows = parseContainers([
    { service: 'broker-2', name: 'faultline-broker-2', state: 'paused', health: 'healthy', actions: ['start', 'stop', 'restart', 'rm -rf'] },
    { service: 'x'.repeat(500), state: 7, actions: 'stop' },
    null,
  ]);
  assert.deepEqual(rows[0].actions, ['start', 'stop', 'restart']);
  assert.equal(rows[1].service.length <= 65, true);
  assert.deepEqual(rows[1].actions, []);
  assert.equal(rows[2].service, '?');
  assert.deepEqual(parseContainers({ not: 'a list' }), []);
});

test('launch JSON: unreadable ledger remains are kept as text; anything else is dropped', () => {
  const launch = parseLaunch({
    state: 'running',
    ledgerUnreadable: [
      { path: '/s/faults-local.json.unreadable-1', bytes: 57, sentence: 'the fault ledger had 57 unreadable byte(s)' },
      { path: 7, bytes: 'x', sentence: '<img src=x>' },
      { bytes: 3 },
      null,
    ],
  });
  assert.deepEqual(launch.ledgerUnreadable, [
    { path: '/s/faults-local.json.unreadable-1', bytes: 57, sentence: 'the fault ledger had 57 unreadable byte(s)' },
    { path: '7', bytes: null, sentence: '<img src=x>' },
  ]);
  assert.deepEqual(parseLaunch({ state: 'stopped' }).ledgerUnreadable, []);
});

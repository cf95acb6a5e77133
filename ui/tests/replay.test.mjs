// A replay's status as the page reads it, how positions read, and the page's clock during a
// replay (it follows the player, not the replayed events' stamps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockText, parseReplayStatus } from '../js/replay.js';
import { Model } from '../js/state.js';

const status = {
  type: 'replay', file: 'session-x.jsonl.zst', name: null, environment: 'rehearsal', startedAtMs: 1,
  firstAtMs: 1000, durationMs: 90_000, positionMs: 30_000, atMs: 31_000, speed: 4, paused: false,
  finished: false, events: 900, played: 300, generation: 2, breakAt: null,
};

test('a status is read into plain values; a broken file says where and why', () => {
  const parsed = parseReplayStatus(status);
  assert.equal(parsed.positionMs, 30_000);
  assert.equal(parsed.speed, 4);
  assert.equal(parsed.breakAt, null);
  const broken = parseReplayStatus({ ...status, breakAt: { offset: 4096, reason: 'the file ends inside a zstd frame' } });
  assert.deepEqual(broken.breakAt, { offset: 4096, reason: 'the file ends inside a zstd frame' });
});

test('what is not a status is refused, and odd values are kept in range', () => {
  assert.equal(parseReplayStatus(null), null);
  assert.equal(parseReplayStatus('replay'), null);
  assert.equal(parseReplayStatus({ ...status, speed: 3 }), null, 'only 1×, 2× and 4× exist');
  assert.equal(parseReplayStatus({ ...status, generation: '2' }), null);
  assert.equal(parseReplayStatus({ ...status, positionMs: 999_999 }).positionMs, 90_000);
  assert.equal(parseReplayStatus({ ...status, file: '<b>x</b>'.repeat(100) }).file.length, 300);
  assert.equal(parseReplayStatus({ ...status, breakAt: { offset: 'x' } }).breakAt, null);
});

test('positions read as m:ss, and h:mm:ss from an hour on', () => {
  assert.equal(clockText(0), '0:00');
  assert.equal(clockText(65_400), '1:05');
  assert.equal(clockText(3_725_000), '1:02:05');
  assert.equal(clockText(NaN), '—');
});

test("during a replay the page's clock is the player's, not the replayed events' stamps", () => {
  const model = new Model();
  model.applyEvent({ type: 'rejected', seq: 1, atMs: Date.now() + 60_000, topic: 't', reason: 'r', detail: '' });
  assert.ok(Math.abs(model.serverNow() - (Date.now() + 60_000)) < 1000, 'live: the stamps set the clock');
  model.setReplayClock({ atMs: 5_000, speed: 4, paused: true });
  assert.equal(model.replaying, true);
  model.applyEvent({ type: 'rejected', seq: 2, atMs: 1_000, topic: 't', reason: 'r', detail: '' });
  assert.equal(model.serverNow(), 5_000, 'paused: the clock stands');
  model.setReplayClock({ atMs: 5_000, speed: 4, paused: false });
  const later = model.serverNow();
  assert.ok(later >= 5_000 && later < 5_000 + 4 * 1000, `${later}`);
  model.setReplayClock(null);
  assert.equal(model.replaying, false);
});

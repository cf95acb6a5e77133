// A consumer group's row in Node: what the page makes of `consumer-lag` events and
// /api/consumer-groups rows with unknown partitions, a stale reading and a group stuck
// behind an open transaction, as the text the row shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../js/state.js';
import { Timeline } from '../js/timeline.js';
import { groupText } from '../js/view/groups.js';

const UNKNOWN = 'Lag of consumer group demo is unknown for 2 of 6 partitions (faultline.demo-1, faultline.demo-4): leader broker 2 did not answer within 3 s; the figures cover the other 4.';

test('partitions whose leader does not answer are counted, named and explained', () => {
  const model = new Model();
  model.applyGroups([{
    group: 'demo', lagMessages: 1200, lagSeconds: 1.5, partitions: 6, measuredPartitions: 4,
    unknownPartitions: [
      { topic: 'faultline.demo', partition: 1, leader: 2, reason: 'leader broker 2 did not answer within 3 s' },
      { topic: 'faultline.demo', partition: 4, leader: 2, reason: 'leader broker 2 did not answer within 3 s' },
    ],
    stuckPartitions: [], stale: false, measuredMs: 1_700_000_000_000,
    condition: 'DEGRADED', confidence: 'TENTATIVE', sentence: UNKNOWN,
    findings: [{ detector: 'lag-coverage', condition: 'DEGRADED', confidence: 'TENTATIVE', sentence: UNKNOWN }],
  }]);
  const shown = groupText(model.groups.get('demo'));
  assert.equal(shown.messages, 'lag 1,200 records');
  assert.equal(shown.seconds, '1.5 s behind · 6 partitions');
  assert.equal(shown.coverage, '4 of 6 partitions measured · unknown: faultline.demo-1, faultline.demo-4');
  assert.deepEqual(shown.sentences, [UNKNOWN]);
});

test('a stale reading shows no figures, says so, and draws no point on the chart', () => {
  const model = new Model();
  const timeline = new Timeline();
  const fresh = { type: 'consumer-lag', atMs: 1000, group: 'demo', lagMessages: 40, lagSeconds: 0.4, partitions: 6, measuredPartitions: 6, unknownPartitions: [], stale: false, measuredMs: 1000, findings: [] };
  model.applyEvent(fresh);
  timeline.applyEvent(fresh);
  const sentence = 'Lag of consumer group demo has not been measured for 12 s (committed offsets could not be read: timed out); figures older than 6 s are not shown.';
  const stale = {
    ...fresh, atMs: 13_000, lagMessages: 0, lagSeconds: 0, measuredPartitions: 0, stale: true,
    unknownPartitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 'faultline.demo', partition, reason: 'timed out' })),
    findings: [{ detector: 'lag-coverage', condition: 'DEGRADED', confidence: 'TENTATIVE', sentence }],
  };
  model.applyEvent(stale);
  timeline.applyEvent(stale);
  model.applyEvent({ type: 'condition', atMs: 13_000, subjectKind: 'consumer-group', subject: 'group demo', group: 'demo', condition: 'DEGRADED', confidence: 'TENTATIVE', sentence });
  const group = model.groups.get('demo');
  const shown = groupText(group);
  assert.equal(group.condition, 'DEGRADED');
  assert.equal(shown.messages, 'lag —', 'old figures are not shown as current');
  assert.equal(shown.seconds, '');
  assert.match(shown.coverage, /^STALE: last measured at \d\d:\d\d:\d\d · unknown: faultline\.demo-0, /);
  assert.deepEqual(shown.sentences, [sentence]);
  assert.deepEqual(timeline.series.get('lag').get('demo').pointsSince(0), [{ x: 1000, y: 40 }]);
});

test('a group stuck behind an open transaction is named with its partition and sentence', () => {
  const model = new Model();
  const stuck = 'Consumer group txn is stuck behind an open transaction at offset 0 of lag-test-0: the last stable offset has not moved for 12 s while 201 records lie beyond it (high watermark 201).';
  const lag = 'Consumer group txn is 25 s (201 records) behind (threshold 20 s).';
  model.applyEvent({
    type: 'consumer-lag', group: 'txn', lagMessages: 201, lagSeconds: 25, partitions: 1, measuredPartitions: 1,
    unknownPartitions: [], stale: false, measuredMs: 1000,
    stuckPartitions: [{ topic: 'lag-test', partition: 0, committed: 0, lastStableOffset: 0, highWatermark: 201, sinceMs: 0 }],
    findings: [
      { detector: 'open-transaction', condition: 'DEFECTIVE', confidence: 'CONFIRMED', sentence: stuck },
      { detector: 'consumer-lag', condition: 'DEGRADED', confidence: 'CONFIRMED', sentence: lag },
    ],
  });
  const shown = groupText(model.groups.get('txn'));
  assert.equal(shown.messages, 'lag 201 records');
  assert.equal(shown.coverage, 'stuck behind an open transaction: lag-test-0');
  assert.deepEqual(shown.sentences, [stuck, lag]);
});

test('junk in the new fields is dropped, and a calm group shows no notes', () => {
  const model = new Model();
  model.applyEvent({
    type: 'consumer-lag', group: 'g', lagMessages: 3, lagSeconds: 0.1, partitions: 2, measuredPartitions: 2,
    unknownPartitions: [null, { topic: 5 }, { partition: 1 }, 'x'], stuckPartitions: 'nope', stale: 'yes', findings: {},
  });
  const group = model.groups.get('g');
  assert.deepEqual(group.unknownPartitions, []);
  assert.deepEqual(group.stuckPartitions, []);
  assert.equal(group.stale, false);
  const shown = groupText(group);
  assert.equal(shown.coverage, '');
  assert.deepEqual(shown.sentences, []);
});

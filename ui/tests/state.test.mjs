// The model's regions composed (js/state.js over js/state/): one event reaches every region
// that follows its type, an event no region knows is still shown, and the feed and narrative
// keep their caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../js/state.js';
import { EVENT_TYPES } from '../js/vocabulary.js';

const SENTENCE = 'Consumer group demo is 25 s (201 records) behind (threshold 20 s).';

test('a condition reaches its subject\'s region, the feed and the narrative', () => {
  const model = new Model();
  model.applySidecars([{ sidecarId: 'producer-1', status: 'ACTIVE' }]);
  model.applyEnvironment({ kind: 'rehearsal', state: 'running', brokers: [{ id: '2', host: '127.0.0.1', port: 9092, state: 'up', metrics: { condition: 'STABLE' } }] });
  model.takeDirty();

  model.applyEvent({ type: 'condition', atMs: 1000, subjectKind: 'sidecar', subject: 'producer-1', sidecarId: 'producer-1', detector: 'buffer', condition: 'DEGRADED', confidence: 'MEASURED', situation: 'WARNING', previous: 'STABLE', sentence: 'The buffer is filling.' });
  model.applyEvent({ type: 'condition', atMs: 2000, subjectKind: 'broker', subject: 'broker-2', brokerId: '2', condition: 'DOWN', confidence: 'CONFIRMED', previous: 'STABLE', sentence: 'Broker 2 is down.' });
  model.applyEvent({ type: 'condition', atMs: 3000, subjectKind: 'consumer-group', subject: 'group demo', group: 'demo', condition: 'DEGRADED', confidence: 'CONFIRMED', previous: null, sentence: SENTENCE });

  const sidecar = model.sidecars.get('producer-1');
  assert.deepEqual([sidecar.condition, sidecar.confidence, sidecar.situation, sidecar.sentence], ['DEGRADED', 'MEASURED', 'WARNING', 'The buffer is filling.']);
  const [broker] = model.environment.brokers;
  assert.deepEqual([broker.condition, broker.sentence], ['DOWN', 'Broker 2 is down.']);
  const group = model.groups.get('demo');
  assert.deepEqual([group.condition, group.confidence, group.sentence], ['DEGRADED', 'CONFIRMED', SENTENCE]);
  assert.equal(model.sidecars.size, 1, 'a broker or group condition makes no sidecar card');

  assert.deepEqual(model.feed.map((e) => [e.sidecarId, e.tone, e.text]), [
    ['producer-1', 'warn', 'STABLE → DEGRADED (MEASURED) by buffer'],
    ['broker-2', 'bad', 'STABLE → DOWN (CONFIRMED)'],
    ['group demo', 'bad', 'DEGRADED (CONFIRMED)'],
  ]);
  assert.deepEqual(model.narrative.map((e) => [e.sidecarId, e.badge, e.sentence]), [
    ['producer-1', 'DEGRADED', 'The buffer is filling.'],
    ['broker-2', 'DOWN', 'Broker 2 is down.'],
    ['group demo', 'DEGRADED', SENTENCE],
  ]);
  const { regions, cards } = model.takeDirty();
  assert.deepEqual([...regions].sort(), ['brokers', 'cards', 'feed', 'groups', 'narrative']);
  assert.deepEqual([...cards], ['producer-1']);
  assert.deepEqual([...model.takeNeeds()], [], 'every subject was known');
});

test('an event about an unknown sidecar makes a placeholder card and asks for the registry', () => {
  const model = new Model();
  model.takeDirty();
  model.applyEvent({ type: 'signal', atMs: 5000, sidecarId: 'newcomer', bufferFill: 0.25 });
  assert.equal(model.sidecars.get('newcomer').bufferFill, 0.25);
  assert.equal(model.sidecars.get('newcomer').lastSeenMs, 5000);
  assert.deepEqual([...model.takeNeeds()], ['sidecars']);
  assert.equal(model.feed.length, 0, 'signals are not feed lines');
});

test('every event type of the vocabulary is followed by a region or left to the launch panel', () => {
  const model = new Model();
  for (const type of EVENT_TYPES) model.applyEvent({ type, atMs: 1000 });
  assert.deepEqual(model.feed.filter((e) => e.type === 'unknown').map((e) => e.label), []);
});

test('events the model does not know are muted feed lines; launch events are left to the launch panel', () => {
  const model = new Model();
  model.applyEvent({ type: 'launch', atMs: 1000, state: 'starting' });
  assert.equal(model.feed.length, 0);
  for (const type of ['something-new', 'constructor', '__proto__']) model.applyEvent({ type, atMs: 2000 });
  assert.deepEqual(model.feed.map((e) => [e.type, e.tone, e.label]), [
    ['unknown', 'muted', 'something-new'], ['unknown', 'muted', 'constructor'], ['unknown', 'muted', '__proto__'],
  ]);
  assert.equal(model.feed[0].text, '{"type":"something-new","atMs":2000}');
});

test('a lagged stream, a fault, a restore and a finished scenario ask for the snapshots they outdate', () => {
  const model = new Model();
  model.applyEvent({ type: 'lagged', atMs: 1000, missed: 12 });
  assert.deepEqual(new Set(model.takeNeeds()), new Set(['sidecars', 'environment', 'health']));
  assert.equal(model.feed.at(-1).text, 'Missed 12 event(s); resynchronising');

  model.applyEvent({ type: 'fault', atMs: 2000, action: 'injected', sentence: 'Broker 2 stopped.' });
  assert.deepEqual([...model.takeNeeds()], ['environment']);
  model.applyEvent({ type: 'restore', atMs: 3000, green: true, sentence: 'All green.' });
  assert.deepEqual(new Set(model.takeNeeds()), new Set(['environment', 'sidecars']));
  model.applyEvent({ type: 'scenario', atMs: 4000, phase: 'finished', status: 'passed', scenarioId: 'broker-down', text: 'Passed.' });
  assert.deepEqual([...model.takeNeeds()], []);
  assert.deepEqual(model.feed.slice(1).map((e) => [e.label, e.tone, e.text]), [
    ['fault injected', 'warn', 'Broker 2 stopped.'], ['restore', 'ok', 'All green.'], ['scenario finished', 'ok', 'Passed.'],
  ]);
  assert.deepEqual(model.narrative.map((e) => [e.kind, e.badge, e.detail]), [['restore', 'GREEN', null], ['scenario', 'FINISHED', 'broker-down']]);
});

test('the feed and the narrative keep only their newest entries, with ids growing across both', () => {
  const model = new Model({ feedLimit: 3, narrativeLimit: 2 });
  for (let i = 0; i < 5; i++) {
    model.applyEvent({ type: 'episode', atMs: 1000 * i, sidecarId: 'producer-1', outcome: 'healed', elapsedMs: 1500, sentence: `episode ${i}` });
  }
  assert.deepEqual(model.feed.map((e) => e.text), ['healed after 1.5 s: episode 2', 'healed after 1.5 s: episode 3', 'healed after 1.5 s: episode 4']);
  assert.deepEqual(model.narrative.map((e) => e.sentence), ['episode 3', 'episode 4']);
  const ids = [...model.feed, ...model.narrative].map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no id is used twice');
  assert.ok(model.feed.every((e, i) => i === 0 || e.id > model.feed[i - 1].id));
});

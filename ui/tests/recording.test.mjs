// The recording button's pure parts: the name a recording gets from the local time, and the
// sentence that says where it was saved, from whatever the server listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, nameAt } from '../js/view/recording.js';

test('a recording is named after the local time it started, zero-padded', () => {
  assert.equal(nameAt(new Date(2026, 0, 2, 3, 4, 5)), 'demo-20260102-030405');
  assert.equal(nameAt(new Date(2026, 11, 31, 23, 59, 59)), 'demo-20261231-235959');
});

test('the saved files are named with their sizes, and odd answers still make a sentence', () => {
  assert.equal(
    describe([{ file: 'named-demo-1-20260101T000000.000Z-001.jsonl.zst', bytes: 1_234_567 }]),
    'named-demo-1-20260101T000000.000Z-001.jsonl.zst (1.2 MB) in the recordings folder',
  );
  assert.equal(describe([{ file: 'a', bytes: 5000 }, { file: 'b' }]), 'a (0.01 MB), b in the recordings folder');
  assert.equal(describe([{ bytes: 'many' }]), 'a file in the recordings folder');
  assert.equal(describe(null), 'the recordings folder');
  assert.equal(describe({ error: 'x' }), 'the recordings folder');
});

/**
 * Consumer groups and their lag (GET /api/consumer-groups, then `consumer-lag` and
 * `condition` events): one row per group, updated in place.
 */
import { h, setAttr, setText, setTone } from '../dom.js';
import { clock, millis } from '../format.js';
import { conditionTone } from '../vocabulary.js';

export function createGroupsView(doc = document) {
  const list = doc.getElementById('consumer-groups');
  const empty = doc.getElementById('consumer-groups-empty');
  /** group name → { root, refs } */
  const rows = new Map();

  function render(model) {
    for (const [name, row] of rows) {
      if (!model.groups.has(name)) {
        row.root.remove();
        rows.delete(name);
      }
    }
    for (const [name, group] of model.groups) {
      let row = rows.get(name);
      if (!row) {
        row = buildRow(name);
        rows.set(name, row);
        list.append(row.root);
      }
      update(row, group);
    }
    empty.hidden = rows.size > 0;
  }

  return { render };
}

function buildRow(name) {
  const refs = {
    condition: h('span', { className: 'badge group-condition' }),
    messages: h('span', { className: 'group-lag' }),
    seconds: h('span', { className: 'group-seconds' }),
    coverage: h('p', { className: 'group-coverage' }),
    sentences: h('ul', { className: 'group-sentences' }),
  };
  const root = h('li', { className: 'group-row', attrs: { 'data-group': name } },
    h('div', { className: 'group-head' }, h('span', { className: 'group-name', text: name, attrs: { title: name } }), refs.condition),
    h('div', { className: 'group-numbers' }, refs.messages, refs.seconds),
    refs.coverage,
    refs.sentences);
  return { root, refs, sentences: [] };
}

/**
 * What a group's row says, as plain strings: the figures, which partitions they cover (and
 * whether they are stale), and every finding's sentence. Pure, for the tests.
 */
export function groupText(group) {
  // A stale reading's figures cover no partition: none are shown.
  const messages = group.lagMessages === null || group.stale ? 'lag —' : `lag ${group.lagMessages.toLocaleString('en')} records`;
  const seconds = group.lagSeconds === null || group.stale ? '' : `${millis(group.lagSeconds * 1000)} behind${group.partitions !== null ? ` · ${group.partitions} partitions` : ''}`;
  const notes = [];
  if (group.stale) {
    notes.push(group.measuredMs === null ? 'STALE: never measured' : `STALE: last measured at ${clock(group.measuredMs)}`);
  } else if (group.partitions !== null && group.measuredPartitions !== null && group.measuredPartitions < group.partitions) {
    notes.push(`${group.measuredPartitions} of ${group.partitions} partitions measured`);
  }
  if (group.unknownPartitions?.length) notes.push(`unknown: ${group.unknownPartitions.join(', ')}`);
  if (group.stuckPartitions?.length) notes.push(`stuck behind an open transaction: ${group.stuckPartitions.join(', ')}`);
  // The lag reading's findings are the newest word; the condition event's sentence stands
  // in until one arrives.
  const sentences = group.findings?.length ? group.findings : group.sentence ? [group.sentence] : [];
  return { messages, seconds, coverage: notes.join(' · '), sentences };
}

function update(row, group) {
  const { refs } = row;
  const shown = groupText(group);
  setText(refs.condition, group.condition ?? 'NO DATA');
  setTone(refs.condition, conditionTone(group.condition));
  setAttr(row.root, 'data-condition', group.condition);
  setAttr(row.root, 'data-stale', group.stale ? 'true' : null);
  setText(refs.messages, shown.messages);
  setText(refs.seconds, shown.seconds);
  setText(refs.coverage, shown.coverage);
  refs.coverage.hidden = !shown.coverage;
  if (shown.sentences.join('\n') !== row.sentences.join('\n')) {
    row.sentences = shown.sentences;
    refs.sentences.replaceChildren(...shown.sentences.map((sentence) => h('li', { className: 'group-sentence', text: sentence })));
  }
  refs.sentences.hidden = shown.sentences.length === 0;
}

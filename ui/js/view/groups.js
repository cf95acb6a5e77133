/**
 * Consumer groups and their lag (GET /api/consumer-groups, then `consumer-lag` and
 * `condition` events): one row per group, updated in place.
 */
import { h, setAttr, setText, setTone } from '../dom.js';
import { millis } from '../format.js';
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
    sentence: h('p', { className: 'group-sentence' }),
  };
  const root = h('li', { className: 'group-row', attrs: { 'data-group': name } },
    h('div', { className: 'group-head' }, h('span', { className: 'group-name', text: name, attrs: { title: name } }), refs.condition),
    h('div', { className: 'group-numbers' }, refs.messages, refs.seconds),
    refs.sentence);
  return { root, refs };
}

function update(row, group) {
  const { refs } = row;
  setText(refs.condition, group.condition ?? 'NO DATA');
  setTone(refs.condition, conditionTone(group.condition));
  setAttr(row.root, 'data-condition', group.condition);
  setText(refs.messages, group.lagMessages === null ? 'lag —' : `lag ${group.lagMessages.toLocaleString('en')} records`);
  setText(refs.seconds, group.lagSeconds === null ? '' : `${millis(group.lagSeconds * 1000)} behind${group.partitions !== null ? ` · ${group.partitions} partitions` : ''}`);
  setText(refs.sentence, group.sentence ?? '');
  refs.sentence.hidden = !group.sentence;
}

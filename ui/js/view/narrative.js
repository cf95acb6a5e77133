/**
 * The narrative: the complete sentences detectors and healing episodes produce, newest
 * first. This is what a presenter reads out, so it is large and plain.
 */
import { h } from '../dom.js';
import { clock } from '../format.js';

export function createNarrativeView(doc = document, limit = 100) {
  const list = doc.getElementById('narrative');
  const empty = doc.getElementById('narrative-empty');
  let lastDrawnId = 0;

  function render(model) {
    const fresh = [];
    for (let i = model.narrative.length - 1; i >= 0 && model.narrative[i].id > lastDrawnId; i--) {
      fresh.push(model.narrative[i]);
      if (fresh.length >= limit) break;
    }
    if (fresh.length) {
      lastDrawnId = fresh[0].id;
      list.prepend(...fresh.map(buildItem));
      while (list.childElementCount > limit) list.lastElementChild.remove();
    }
    empty.hidden = list.childElementCount > 0;
  }

  return { render };
}

function buildItem(entry) {
  return h(
    'li',
    {
      className: `narrative-item narrative-${entry.kind === 'episode' ? 'episode' : 'condition'} tone-${entry.tone}`,
      attrs: { 'data-kind': entry.kind, 'data-sidecar-id': entry.sidecarId },
    },
    h('div', { className: 'narrative-meta' },
      h('time', { className: 'narrative-time', text: clock(entry.atMs) }), ' ',
      h('span', { className: `badge tone-${entry.tone}`, text: entry.kind === 'episode' ? `episode ${entry.badge}` : entry.badge }), ' ',
      entry.detail ? [h('span', { className: 'narrative-detail', text: entry.detail }), ' '] : null,
      entry.sidecarId ? h('span', { className: 'narrative-sidecar', text: entry.sidecarId }) : null),
    ' ',
    h('p', { className: 'narrative-sentence', text: entry.sentence }),
  );
}

/**
 * The event feed, newest first, capped. Only entries the view has not drawn yet are built;
 * the oldest fall off the bottom. Signals never get here (the model keeps them on cards).
 */
import { h } from '../dom.js';
import { clock } from '../format.js';

export function createFeedView(doc = document, limit = 200) {
  const list = doc.getElementById('feed');
  const empty = doc.getElementById('feed-empty');
  let lastDrawnId = 0;

  function render(model) {
    const fresh = [];
    for (let i = model.feed.length - 1; i >= 0 && model.feed[i].id > lastDrawnId; i--) {
      fresh.push(model.feed[i]);
      if (fresh.length >= limit) break;
    }
    if (fresh.length) {
      lastDrawnId = fresh[0].id;
      list.prepend(...fresh.map(buildItem)); // fresh is newest first already
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
      className: `feed-item tone-${entry.tone}`,
      attrs: { 'data-type': entry.type, 'data-sidecar-id': entry.sidecarId },
    },
    h('time', { className: 'feed-time', text: clock(entry.atMs) }),
    ' ',
    h('div', { className: 'feed-body' },
      h('span', { className: `feed-kind tone-${entry.tone}`, text: entry.label }),
      ' ',
      entry.sidecarId ? [h('span', { className: 'feed-sidecar', text: entry.sidecarId }), ' '] : null,
      h('span', { className: 'feed-text', text: entry.text })),
  );
}

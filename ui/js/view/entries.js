/**
 * The capped lists of entries, newest first: the event feed and the narrative are two uses of
 * one renderer. Only entries the view has not drawn yet are built; the oldest fall off the
 * bottom. Entries come from the model (`model.feed`, `model.narrative`: oldest first, each
 * with a growing `id`), and everything in them is set as text through dom.js.
 */
import { h } from '../dom.js';
import { clock } from '../format.js';

/**
 * A list view over `entriesOf(model)`: the `<ol id=listId>` holds at most `limit` items built
 * by `buildItem(entry)`, and the element `emptyId` shows while the list is empty.
 */
export function createCappedListView(doc, { listId, emptyId, limit, entriesOf, buildItem }) {
  const list = doc.getElementById(listId);
  const empty = doc.getElementById(emptyId);
  let lastDrawnId = 0;

  function render(model) {
    const entries = entriesOf(model);
    const fresh = [];
    for (let i = entries.length - 1; i >= 0 && entries[i].id > lastDrawnId; i--) {
      fresh.push(entries[i]);
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

/** The event feed. Signals never get here (the model keeps them on cards). */
export function createFeedView(doc = document, limit = 200) {
  return createCappedListView(doc, { listId: 'feed', emptyId: 'feed-empty', limit, entriesOf: (model) => model.feed, buildItem: feedItem });
}

/**
 * The narrative: the complete sentences detectors and healing episodes produce. This is what
 * a presenter reads out, so it is large and plain.
 */
export function createNarrativeView(doc = document, limit = 100) {
  return createCappedListView(doc, { listId: 'narrative', emptyId: 'narrative-empty', limit, entriesOf: (model) => model.narrative, buildItem: narrativeItem });
}

function feedItem(entry) {
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

function narrativeItem(entry) {
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

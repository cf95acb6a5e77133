// The capped-list renderer behind the event feed and the narrative (js/view/entries.js) in
// Node: newest first, only entries not drawn yet are built, at most `limit` items, the empty
// note while there are none, and every field from the network set as text. The lists render
// into a small stand-in for the DOM (just what dom.js and entries.js use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../js/state.js';
import { createFeedView, createNarrativeView } from '../js/view/entries.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

class FakeElement {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attributes = new Map();
    this.className = '';
    this.hidden = false;
    this.parent = null;
    this.text = '';
  }

  get children() { return this.childNodes.filter((n) => n instanceof FakeElement); }
  get childElementCount() { return this.children.length; }
  get lastElementChild() { return this.children.at(-1) ?? null; }
  get textContent() { return this.childNodes.length ? this.childNodes.map((n) => (typeof n === 'string' ? n : n.textContent)).join('') : this.text; }
  set textContent(value) { this.childNodes = []; this.text = value; }

  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  removeAttribute(name) { this.attributes.delete(name); }
  getAttribute(name) { return this.attributes.get(name) ?? null; }

  #adopt(nodes) {
    for (const node of nodes) if (node instanceof FakeElement) { node.remove(); node.parent = this; }
    return nodes;
  }

  append(...nodes) { this.childNodes.push(...this.#adopt(nodes)); }
  prepend(...nodes) { this.childNodes.unshift(...this.#adopt(nodes)); }
  remove() {
    if (!this.parent) return;
    this.parent.childNodes.splice(this.parent.childNodes.indexOf(this), 1);
    this.parent = null;
  }

  /** The first descendant with this class. */
  find(name) {
    for (const child of this.children) {
      if (child.className.split(' ').includes(name)) return child;
      const found = child.find(name);
      if (found) return found;
    }
    return null;
  }
}

function withDocument(body) {
  const ids = ['feed', 'feed-empty', 'narrative', 'narrative-empty'];
  const byId = new Map(ids.map((id) => [id, new FakeElement(id.endsWith('-empty') ? 'p' : 'ol')]));
  const doc = { createElement: (tag) => new FakeElement(tag), getElementById: (id) => byId.get(id) ?? null };
  globalThis.document = doc;
  try {
    return body(doc);
  } finally {
    delete globalThis.document;
  }
}

const feedTexts = (doc) => doc.getElementById('feed').children.map((li) => li.find('feed-text').textContent);

test('the feed shows the newest entries first, at most its limit, building only new ones', () => withDocument((doc) => {
  const model = new Model();
  const view = createFeedView(doc, 3);
  view.render(model);
  assert.equal(doc.getElementById('feed-empty').hidden, false, 'the empty note while there is nothing');

  const rejected = (n) => ({ type: 'rejected', atMs: 1000 * n, topic: `t${n}`, reason: 'bad' });
  model.applyEvent(rejected(1));
  model.applyEvent(rejected(2));
  view.render(model);
  assert.deepEqual(feedTexts(doc), ['t2: bad', 't1: bad']);
  assert.equal(doc.getElementById('feed-empty').hidden, true);
  const drawn = doc.getElementById('feed').children[0];

  for (const n of [3, 4]) model.applyEvent(rejected(n));
  view.render(model);
  assert.deepEqual(feedTexts(doc), ['t4: bad', 't3: bad', 't2: bad'], 'the oldest fell off the bottom');
  assert.equal(doc.getElementById('feed').children[2], drawn, 'an item already drawn is kept, not rebuilt');

  view.render(model);
  assert.deepEqual(feedTexts(doc), ['t4: bad', 't3: bad', 't2: bad'], 'nothing new, nothing drawn');
}));

test('feed and narrative items carry their attributes and the network\'s text as text', () => withDocument((doc) => {
  const model = new Model();
  const feed = createFeedView(doc);
  const narrative = createNarrativeView(doc);
  model.applyEvent({ type: 'episode', atMs: 1000, sidecarId: HOSTILE, outcome: 'healed', elapsedMs: 2000, sentence: HOSTILE });
  feed.render(model);
  narrative.render(model);

  const [line] = doc.getElementById('feed').children;
  assert.equal(line.className, 'feed-item tone-ok');
  assert.equal(line.getAttribute('data-type'), 'episode');
  assert.equal(line.getAttribute('data-sidecar-id'), HOSTILE);
  assert.equal(line.find('feed-sidecar').textContent, HOSTILE);
  assert.equal(line.find('feed-text').textContent, `healed after 2.0 s: ${HOSTILE}`);
  assert.equal(line.find('feed-text').children.length, 0, 'nothing parsed out of the text');

  const [entry] = doc.getElementById('narrative').children;
  assert.equal(entry.className, 'narrative-item narrative-episode tone-ok');
  assert.equal(entry.getAttribute('data-kind'), 'episode');
  assert.equal(entry.find('badge').textContent, 'episode healed');
  assert.equal(entry.find('narrative-detail').textContent, 'after 2.0 s');
  assert.equal(entry.find('narrative-sentence').textContent, HOSTILE);
  assert.equal(entry.find('narrative-sentence').children.length, 0);
  assert.equal(doc.getElementById('narrative-empty').hidden, true);
}));

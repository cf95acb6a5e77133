// The sidecar card's clock and duplicate-id warnings in Node: the model takes them from
// /api/sidecars and sidecar-status events (a warning-only event is a feed line, not a status
// change), and the card shows the platform's sentences as text, hidden when there are none.
// The card is rendered into a small stand-in for the DOM (just what dom.js and cards.js use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../js/state.js';
import { createCardsView } from '../js/view/cards.js';

const CONFLICT = 'Two sidecars report as dup-1, with different hosts (host-a and host-b): their registrations alternate, each overwriting the other. Give each its own id.';
const CLOCK = "dup-1's clock is 30 s behind the platform's (measured from when its heartbeats arrive); its liveness is judged by their arrival, not their timestamps.";
const HOSTILE = '<img src=x onerror=alert(1)>';

class FakeElement {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.attributes = new Map();
    this.textContent = '';
    this.className = '';
    this.hidden = false;
    this.style = {};
    this.parent = null;
  }

  get classList() {
    const names = () => this.className.split(/\s+/).filter(Boolean);
    const set = (list) => { this.className = list.join(' '); };
    return {
      add: (name) => { if (!names().includes(name)) set([...names(), name]); },
      remove: (name) => set(names().filter((n) => n !== name)),
      contains: (name) => names().includes(name),
      toggle: (name, force) => {
        const on = force ?? !names().includes(name);
        if (on) set([...names().filter((n) => n !== name), name]);
        else set(names().filter((n) => n !== name));
        return on;
      },
      [Symbol.iterator]: () => names()[Symbol.iterator](),
    };
  }

  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  removeAttribute(name) { this.attributes.delete(name); }
  getAttribute(name) { return this.attributes.get(name) ?? null; }

  append(...nodes) {
    for (const node of nodes) {
      node.parent?.children.splice(node.parent.children.indexOf(node), 1);
      node.parent = this;
      this.children.push(node);
    }
  }

  remove() {
    this.parent?.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }

  /** The first descendant with this class. */
  find(name) {
    for (const child of this.children) {
      if (child.classList.contains(name)) return child;
      const found = child.find(name);
      if (found) return found;
    }
    return null;
  }
}

function fakeDocument() {
  const byId = new Map(['sidecars', 'sidecars-empty', 'sidecar-count'].map((id) => [id, new FakeElement('div')]));
  return { createElement: (tag) => new FakeElement(tag), getElementById: (id) => byId.get(id) ?? null };
}

function renderedCard(doc, view, model) {
  view.render(model, model.takeDirty().cards);
  const [card] = doc.getElementById('sidecars').children;
  return card;
}

test('the model takes the warnings from /api/sidecars and from warning-only events', () => {
  const model = new Model();
  model.applySidecars([{ sidecarId: 'dup-1', status: 'ACTIVE', host: 'host-a', clockOffsetMs: 12, clockWarning: null, idConflict: CONFLICT }]);
  const sidecar = model.sidecars.get('dup-1');
  assert.equal(sidecar.idConflict, CONFLICT);
  assert.equal(sidecar.clockWarning, null);
  assert.equal(sidecar.clockOffsetMs, 12);

  const feedBefore = model.feed.length;
  model.applyEvent({ type: 'sidecar-status', atMs: 5000, sidecarId: 'dup-1', status: 'ACTIVE', previous: 'ACTIVE', clockOffsetMs: 30020, clockWarning: CLOCK, idConflict: null });
  assert.equal(sidecar.status, 'ACTIVE');
  assert.equal(sidecar.clockWarning, CLOCK);
  assert.equal(sidecar.clockOffsetMs, 30020);
  assert.equal(sidecar.idConflict, null);
  const line = model.feed.at(-1);
  assert.equal(model.feed.length, feedBefore + 1);
  assert.equal(line.text, `dup-1: only one sidecar reports under this id again. ${CLOCK}`);
  assert.equal(line.tone, 'warn');
});

test("'last seen' follows the platform's clock, not a signal's stamp from the sidecar's", () => {
  const model = new Model();
  model.applySidecars([{ sidecarId: 'behind', status: 'ACTIVE', lastSeenMs: 100_000 }]);
  // The sidecar's clock is 30 s behind: its stamp says 71 s, the platform published at 101 s.
  model.applyEvent({ type: 'signal', atMs: 101_000, sidecarId: 'behind', ts: 71_000, bufferFill: 0.1 });
  assert.equal(model.sidecars.get('behind').lastSeenMs, 101_000);
  // Ahead by an hour: the stamp must not put "last seen" in the future.
  model.applyEvent({ type: 'signal', atMs: 102_000, sidecarId: 'behind', ts: 3_702_000, bufferFill: 0.1 });
  assert.equal(model.sidecars.get('behind').lastSeenMs, 102_000);
});

test('the card shows each warning sentence as text and hides it when there is none', () => {
  const doc = fakeDocument();
  globalThis.document = doc;
  try {
    const model = new Model();
    const view = createCardsView(doc);
    model.applySidecars([{ sidecarId: 'dup-1', status: 'ACTIVE', host: 'host-a', idConflict: `${CONFLICT} ${HOSTILE}` }]);
    let card = renderedCard(doc, view, model);
    assert.equal(card.find('id-conflict').textContent, `${CONFLICT} ${HOSTILE}`, 'text, never markup');
    assert.equal(card.find('id-conflict').hidden, false);
    assert.equal(card.find('id-conflict').children.length, 0, 'nothing parsed out of the sentence');
    assert.equal(card.find('clock-warning').hidden, true);
    assert.equal(card.getAttribute('data-warned'), 'true');

    model.applyEvent({ type: 'sidecar-status', atMs: 5000, sidecarId: 'dup-1', status: 'ACTIVE', previous: 'ACTIVE', clockWarning: CLOCK, idConflict: null });
    card = renderedCard(doc, view, model);
    assert.equal(card.find('id-conflict').hidden, true);
    assert.equal(card.find('clock-warning').textContent, CLOCK);
    assert.equal(card.find('clock-warning').hidden, false);

    model.applyEvent({ type: 'sidecar-status', atMs: 6000, sidecarId: 'dup-1', status: 'ACTIVE', previous: 'ACTIVE', clockWarning: null, idConflict: null });
    card = renderedCard(doc, view, model);
    assert.equal(card.find('clock-warning').hidden, true);
    assert.equal(card.find('clock-warning').textContent, '');
    assert.equal(card.getAttribute('data-warned'), null);
  } finally {
    delete globalThis.document;
  }
});

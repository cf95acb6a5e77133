// The server's refusal of the page in Node: a 401 or 403 with its `error` sentence, from an
// API call or from the health probe after a refused WebSocket, reaches the model and is shown
// in the header as text (banner and the connection indicator's tooltip) until a call gets
// through. fetch and WebSocket are fakes; the header renders into a small stand-in for the DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebTransport } from '../js/transport/web.js';
import { Model } from '../js/state.js';
import { createHeaderView } from '../js/view/header.js';

const NEEDS_TOKEN = 'this server needs its access token: send Authorization: Bearer TOKEN (the WebSocket may use ?token=TOKEN), or open the address faultline-server printed when it started';
const HOSTILE = '<img src=x onerror=alert(1)>';
const ENDPOINTS = { httpBase: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/ws', label: '127.0.0.1:1', token: null };

class FakeElement {
  constructor() {
    this.attributes = new Map();
    this.children = [];
    this.textContent = '';
    this.hidden = false;
  }

  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  removeAttribute(name) { this.attributes.delete(name); }
  getAttribute(name) { return this.attributes.get(name) ?? null; }
}

function fakeDocument() {
  const byId = new Map(['connection', 'refusal', 'env-kind', 'env-state'].map((id) => [id, new FakeElement()]));
  byId.get('refusal').hidden = true; // as in index.html
  return { getElementById: (id) => byId.get(id) ?? null };
}

/** Replaces global fetch with `answer(url, init)` → {status, body} (or a throw) while `body` runs. */
async function withFetch(answer, body) {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, ...init });
    const { status, body: json } = answer(url, init);
    return { status, json: async () => json };
  };
  try {
    return await body(calls);
  } finally {
    globalThis.fetch = original;
  }
}

/** The page's wiring (main.js): every refusal report goes to the model, then the header renders. */
function wiredPage(transport) {
  const doc = fakeDocument();
  const model = new Model();
  const header = createHeaderView(doc);
  transport.onRefusal((sentence) => model.setRefusal(sentence));
  const render = () => {
    if (model.takeDirty().regions.has('connection')) header.renderConnection(model);
    const connection = doc.getElementById('connection');
    const banner = doc.getElementById('refusal');
    return { pill: connection.textContent, title: connection.getAttribute('title'), banner: banner.textContent, hidden: banner.hidden, parsed: banner.children.length };
  };
  return { model, render };
}

test("a 401 answer's sentence reaches the model and the header as text, until a call gets through", async () => {
  const sentence = `${NEEDS_TOKEN} ${HOSTILE}`;
  let next = { status: 401, body: { error: sentence } };
  await withFetch(() => next, async () => {
    const transport = createWebTransport(ENDPOINTS);
    const { model, render } = wiredPage(transport);
    assert.deepEqual(render(), { pill: 'disconnected', title: null, banner: '', hidden: true, parsed: 0 });

    await assert.rejects(transport.getJson('/api/health'), { message: sentence, status: 401 });
    assert.equal(model.refusal, sentence);
    assert.deepEqual(render(), { pill: 'disconnected', title: sentence, banner: sentence, hidden: false, parsed: 0 });

    // Failures that say nothing about access leave it shown.
    next = { status: 409, body: { error: 'The rehearsal environment is already running; stop it first.' } };
    await assert.rejects(transport.postJson('/api/environment/start', {}));
    next = { status: 502, body: null };
    await assert.rejects(transport.getJson('/api/launch'));
    assert.deepEqual(render(), { pill: 'disconnected', title: sentence, banner: sentence, hidden: false, parsed: 0 });

    next = { status: 200, body: { status: 'ok' } };
    assert.deepEqual(await transport.getJson('/api/health'), { status: 'ok' });
    assert.equal(model.refusal, null);
    assert.deepEqual(render(), { pill: 'disconnected', title: null, banner: '', hidden: true, parsed: 0 });
  });
});

test('a 403 sentence is shown too; a 401 or 403 without a sentence is not a refusal to show', async () => {
  const foreign = "requests from other web pages are refused: use Faultline's own page, or an API client that sends no Origin header";
  let next = { status: 403, body: { error: foreign } };
  await withFetch(() => next, async () => {
    const transport = createWebTransport(ENDPOINTS);
    const { model } = wiredPage(transport);
    await assert.rejects(transport.postJson('/api/faults', {}), { message: foreign, status: 403 });
    assert.equal(model.refusal, foreign);
    next = { status: 200, body: [] };
    await transport.getJson('/api/faults');
    next = { status: 401, body: null };
    await assert.rejects(transport.getJson('/api/faults'), { status: 401 });
    assert.equal(model.refusal, null);
  });
});

test('a WebSocket that closes without opening makes the page ask /api/health, whose 401 sentence is shown', async () => {
  const sockets = [];
  class RefusedSocket {
    constructor(url) {
      this.url = url;
      this.listeners = new Map();
      sockets.push(this);
      // An upgrade answered 401 reaches a page only as 'error' then 'close', never 'open'.
      queueMicrotask(() => this.emit('close'));
    }

    addEventListener(name, listener) { this.listeners.set(name, listener); }
    emit(name) { this.listeners.get(name)?.({}); }
    close() {}
  }
  const original = globalThis.WebSocket;
  globalThis.WebSocket = RefusedSocket;
  try {
    await withFetch(() => ({ status: 401, body: { error: NEEDS_TOKEN } }), async (calls) => {
      const transport = createWebTransport(ENDPOINTS);
      const { model, render } = wiredPage(transport);
      const statuses = [];
      const stop = transport.connect(() => {}, (status) => statuses.push(status));
      try {
        const deadline = Date.now() + 10000;
        while (model.refusal === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(sockets[0].url, ENDPOINTS.wsUrl);
        // Once per refused socket (a slow machine may already have retried after its 1 s backoff).
        assert.ok(statuses.length >= 1 && statuses.every((s) => s === 'disconnected'), `statuses: ${statuses}`);
        assert.ok(calls.length >= 1 && calls.every((c) => c.method === 'GET' && c.url === `${ENDPOINTS.httpBase}/api/health`));
        assert.deepEqual(render(), { pill: 'disconnected', title: NEEDS_TOKEN, banner: NEEDS_TOKEN, hidden: false, parsed: 0 });
      } finally {
        stop();
      }
    });
  } finally {
    globalThis.WebSocket = original;
  }
});

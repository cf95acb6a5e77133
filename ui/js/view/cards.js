/**
 * One live card per sidecar. A card is built once and then updated in place (text and a
 * few classes), so a signal per second per sidecar costs a handful of text assignments.
 */
import { h, setAttr, setText, setTone } from '../dom.js';
import { percent, rate, millis, span } from '../format.js';
import { STATUSES, CONDITIONS, CONFIDENCES, known, statusTone, conditionTone } from '../vocabulary.js';

const FILL_WARN = 0.8;
const FILL_BAD = 0.95;

export function createCardsView(doc = document) {
  const container = doc.getElementById('sidecars');
  const empty = doc.getElementById('sidecars-empty');
  const count = doc.getElementById('sidecar-count');
  /** sidecar id → { root, refs }; looked up by id here, never by a selector built from data. */
  const cards = new Map();

  function render(model, changedIds) {
    let structureChanged = false;
    for (const [id, card] of cards) {
      if (!model.sidecars.has(id)) {
        card.root.remove();
        cards.delete(id);
        structureChanged = true;
      }
    }
    for (const [id, sidecar] of model.sidecars) {
      let card = cards.get(id);
      if (!card) {
        card = buildCard(id);
        cards.set(id, card);
        structureChanged = true;
        update(card, sidecar, model);
      } else if (changedIds.has(id)) {
        update(card, sidecar, model);
      }
    }
    if (structureChanged) {
      // Departed sidecars go last: the live ones are what the audience should see first.
      const departed = (id) => (model.sidecars.get(id)?.status === 'DEPARTED' ? 1 : 0);
      const ids = [...cards.keys()].sort((a, b) => departed(a) - departed(b) || a.localeCompare(b, undefined, { numeric: true }));
      container.append(...ids.map((id) => cards.get(id).root));
      empty.hidden = cards.size > 0;
      const active = [...model.sidecars.values()].filter((s) => s.status === 'ACTIVE').length;
      setText(count, cards.size ? `${active} active of ${cards.size}` : '');
    } else if (changedIds.size) {
      const active = [...model.sidecars.values()].filter((s) => s.status === 'ACTIVE').length;
      setText(count, cards.size ? `${active} active of ${cards.size}` : '');
    }
  }

  /** Once a second: only the "last seen" texts move. */
  function tick(model) {
    const now = model.serverNow();
    for (const [id, card] of cards) {
      const sidecar = model.sidecars.get(id);
      if (sidecar) setLastSeen(card, sidecar, now);
    }
  }

  return { render, tick };
}

function buildCard(id) {
  const refs = {
    id: h('h3', { className: 'sidecar-id', text: id, attrs: { title: id } }),
    status: h('span', { className: 'badge status' }),
    type: h('span', { className: 'sidecar-type' }),
    workload: h('span', { className: 'workload' }),
    host: h('span', { className: 'host' }),
    condition: h('span', { className: 'badge condition' }),
    confidence: h('span', { className: 'badge confidence' }),
    bufferPct: h('span', { className: 'buffer-pct' }),
    bar: h('div', { className: 'bar', attrs: { role: 'progressbar', 'aria-label': 'buffer fill', 'aria-valuemin': 0, 'aria-valuemax': 100 } }),
    barFill: h('div', { className: 'bar-fill' }),
    targetRate: h('dd', { className: 'target-rate' }),
    sendRate: h('dd', { className: 'send-rate' }),
    latency: h('dd', { className: 'latency' }),
    sentence: h('p', { className: 'sentence' }),
    clockWarning: h('p', { className: 'card-warning clock-warning' }),
    idConflict: h('p', { className: 'card-warning id-conflict' }),
    lastSeen: h('span', { className: 'last-seen' }),
    errors: h('span', { className: 'errors' }),
  };
  refs.bar.append(refs.barFill);
  const root = h(
    'article',
    { className: 'sidecar-card', attrs: { 'data-sidecar-id': id } },
    h('header', { className: 'card-head' }, refs.id, refs.status),
    h('div', { className: 'card-meta' }, refs.type, refs.workload, refs.host),
    h('div', { className: 'card-condition' }, refs.condition, refs.confidence),
    h('div', { className: 'buffer' }, h('span', { className: 'buffer-label', text: 'Buffer' }), refs.bar, refs.bufferPct),
    h('dl', { className: 'metrics' },
      h('div', { className: 'metric' }, h('dt', { text: 'Target' }), refs.targetRate),
      h('div', { className: 'metric' }, h('dt', { text: 'Send' }), refs.sendRate),
      h('div', { className: 'metric' }, h('dt', { text: 'Latency' }), refs.latency)),
    refs.sentence,
    refs.idConflict,
    refs.clockWarning,
    h('footer', { className: 'card-foot' }, refs.lastSeen, refs.errors),
  );
  return { root, refs };
}

function update(card, s, model) {
  const { root, refs } = card;

  const status = known(s.status, STATUSES);
  setText(refs.status, s.status ?? 'UNKNOWN');
  setTone(refs.status, statusTone(s.status));
  setAttr(root, 'data-status', status ?? 'UNKNOWN');
  root.classList.toggle('is-departed', status === 'DEPARTED');
  root.classList.toggle('is-inactive', status === 'INACTIVE');

  setText(refs.type, s.type ?? 'sidecar');
  setText(refs.workload, s.workload ?? '');
  setText(refs.host, s.host ? `on ${s.host}` : '');
  setAttr(refs.host, 'title', s.jmxEndpoint ? `JMX ${s.jmxEndpoint}` : null);
  setAttr(refs.id, 'title', [s.id, s.version ? `v${s.version}` : null].filter(Boolean).join(' · '));

  const condition = known(s.condition, CONDITIONS);
  setText(refs.condition, s.condition ?? 'NO DATA');
  setTone(refs.condition, conditionTone(s.condition));
  setAttr(root, 'data-condition', condition ?? 'UNKNOWN');
  const tone = s.status === 'ACTIVE' || s.status === null ? conditionTone(s.condition) : 'muted';
  root.classList.toggle('sev-warn', tone === 'warn');
  root.classList.toggle('sev-bad', tone === 'bad');
  setText(refs.confidence, s.confidence ?? '');
  refs.confidence.hidden = !s.confidence;
  setAttr(refs.confidence, 'data-confidence', known(s.confidence, CONFIDENCES) ?? 'UNKNOWN');

  const fill = s.bufferFill;
  setText(refs.bufferPct, percent(fill));
  const clamped = fill === null ? 0 : Math.min(Math.max(fill, 0), 1);
  // CSSOM property, not a style attribute: allowed by the CSP (style-src 'self').
  refs.barFill.style.width = `${(clamped * 100).toFixed(1)}%`;
  setAttr(refs.bar, 'aria-valuenow', Math.round(clamped * 100));
  refs.bar.classList.toggle('tone-warn', fill !== null && fill >= FILL_WARN && fill < FILL_BAD);
  refs.bar.classList.toggle('tone-bad', fill !== null && fill >= FILL_BAD);

  setText(refs.targetRate, rate(s.targetRate));
  setText(refs.sendRate, rate(s.sendRate));
  setText(refs.latency, millis(s.requestLatencyMs));

  setText(refs.sentence, s.sentence ?? '');
  refs.sentence.hidden = !s.sentence;
  // The platform's sentences (with the measured offset, or what differs), shown as text.
  setText(refs.idConflict, s.idConflict ?? '');
  refs.idConflict.hidden = !s.idConflict;
  setText(refs.clockWarning, s.clockWarning ?? '');
  refs.clockWarning.hidden = !s.clockWarning;
  setAttr(root, 'data-warned', s.idConflict || s.clockWarning ? 'true' : null);

  const errors = [
    s.txErrors ? `${s.txErrors} tx errors` : null,
    s.retries ? `${s.retries} retries` : null,
    s.queueFullErrors ? `${s.queueFullErrors} queue full` : null,
  ].filter(Boolean);
  setText(refs.errors, errors.length ? errors.join(' · ') : s.version ? `v${s.version}` : '');
  refs.errors.classList.toggle('has-errors', errors.length > 0);

  setLastSeen(card, s, model.serverNow());
}

function setLastSeen(card, s, now) {
  setText(card.refs.lastSeen, s.lastSeenMs === null ? 'not seen yet' : `last seen ${span(now - s.lastSeenMs)} ago`);
}

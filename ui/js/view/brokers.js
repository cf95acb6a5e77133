/**
 * A tile per broker: up or down, its condition, under-replicated partitions and how idle its
 * request handlers are (from /api/environment's `metrics` and the `broker` events). Tiles
 * are built once per broker id and updated in place.
 */
import { h, setAttr, setText, setTone } from '../dom.js';
import { conditionTone } from '../vocabulary.js';

const DASH = '—';

export function createBrokersView(doc = document) {
  const container = doc.getElementById('brokers');
  const empty = doc.getElementById('brokers-empty');
  const summary = doc.getElementById('brokers-summary');
  /** broker id → { root, refs } */
  const tiles = new Map();

  function render(model) {
    const brokers = model.environment?.brokers ?? [];
    const ids = new Set(brokers.map((b) => b.id));
    for (const [id, tile] of tiles) {
      if (!ids.has(id)) {
        tile.root.remove();
        tiles.delete(id);
      }
    }
    for (const broker of brokers) {
      let tile = tiles.get(broker.id);
      if (!tile) {
        tile = buildTile(broker.id);
        tiles.set(broker.id, tile);
        container.append(tile.root);
      }
      update(tile, broker);
    }
    empty.hidden = tiles.size > 0;
    const down = brokers.filter((b) => !isUp(b)).length;
    setText(summary, brokers.length ? `${brokers.length - down} up${down ? ` · ${down} down` : ''}` : DASH);
    summary.classList.toggle('has-down', down > 0);
  }

  return { render };
}

/** A broker is up when the environment says so and the latest reading did not fail. */
function isUp(broker) {
  return broker.state === 'up' && broker.reachable !== false;
}

function buildTile(id) {
  const refs = {
    state: h('span', { className: 'badge broker-state' }),
    condition: h('span', { className: 'badge broker-condition' }),
    address: h('span', { className: 'broker-address' }),
    urp: h('dd'),
    handlerIdle: h('dd'),
    networkIdle: h('dd'),
    sentence: h('p', { className: 'broker-sentence' }),
  };
  const root = h(
    'article',
    { className: 'broker-tile', attrs: { 'data-broker-id': id } },
    h('header', { className: 'broker-head' }, h('span', { className: 'broker-name', text: `broker ${id}` }), refs.address, refs.condition, refs.state),
    h('dl', { className: 'broker-metrics' },
      h('div', { attrs: { title: 'Under-replicated partitions' } }, h('dt', { text: 'URP' }), refs.urp),
      h('div', { attrs: { title: 'Request handler average idle, one-minute rate' } }, h('dt', { text: 'Handler idle' }), refs.handlerIdle),
      h('div', { attrs: { title: 'Network processor average idle' } }, h('dt', { text: 'Network idle' }), refs.networkIdle)),
    refs.sentence,
  );
  return { root, refs };
}

function update(tile, broker) {
  const { root, refs } = tile;
  const up = isUp(broker);
  setText(refs.state, up ? 'UP' : 'DOWN');
  setTone(refs.state, up ? 'ok' : 'bad');
  setAttr(root, 'data-state', up ? 'up' : 'down');
  // A replay does not know where the recorded brokers listened: then no address at all.
  const address = broker.host === null && broker.port === null ? '' : `${broker.host ?? '?'}:${broker.port ?? '?'}`;
  setText(refs.address, `${address}${broker.activeController === 1 ? `${address ? ' · ' : ''}controller` : ''}`);
  setText(refs.condition, broker.condition ?? '');
  // A broker that is not up is DOWN, whatever its last judgement said (a stopping environment
  // still lists its brokers with their last STABLE): one badge says so.
  refs.condition.hidden = !broker.condition || !up;
  setTone(refs.condition, conditionTone(broker.condition));
  setText(refs.urp, broker.underReplicatedPartitions ?? DASH);
  refs.urp.classList.toggle('is-bad', (broker.underReplicatedPartitions ?? 0) > 0);
  setText(refs.handlerIdle, idle(broker.requestHandlerIdlePct));
  refs.handlerIdle.classList.toggle('is-bad', broker.requestHandlerIdlePct !== null && broker.requestHandlerIdlePct < 20);
  setText(refs.networkIdle, idle(broker.networkProcessorIdlePct));
  setText(refs.sentence, broker.sentence ?? '');
  refs.sentence.hidden = !broker.sentence;
  root.classList.toggle('sev-bad', !up || conditionTone(broker.condition) === 'bad');
  root.classList.toggle('sev-warn', up && conditionTone(broker.condition) === 'warn');
}

/** Idle is already a percentage (0–100). */
function idle(pct) {
  return pct === null || pct === undefined ? DASH : `${Math.round(pct)}%`;
}

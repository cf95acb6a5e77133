/** The header: connection indicator and environment summary (kind, state, brokers up/down). */
import { h, setAttr, setText, setTone } from '../dom.js';
import { envStateTone } from '../vocabulary.js';

export function createHeaderView(doc = document) {
  const connection = doc.getElementById('connection');
  const kind = doc.getElementById('env-kind');
  const state = doc.getElementById('env-state');
  const brokersSummary = doc.getElementById('brokers-summary');
  const brokerDots = doc.getElementById('brokers');

  function renderConnection(model) {
    const connected = model.connection === 'connected';
    const label = connected ? 'connected' : 'disconnected';
    setText(connection, label);
    setAttr(connection, 'data-state', label);
  }

  function renderEnvironment(model) {
    const env = model.environment;
    setText(kind, env?.kind ?? '—');
    const stateText = env?.state ?? 'unknown';
    setText(state, stateText);
    setAttr(state, 'data-state', ['stopped', 'starting', 'running', 'failed'].includes(stateText) ? stateText : 'unknown');
    setTone(state, envStateTone(stateText));
    setAttr(state, 'title', env?.error ? `Error: ${env.error}` : env?.bootstrapServers ?? null);

    const brokers = env?.brokers ?? [];
    const up = brokers.filter((b) => b.state === 'up').length;
    const down = brokers.length - up;
    setText(brokersSummary, brokers.length ? `${up} up${down ? ` · ${down} down` : ''}` : '—');
    brokersSummary.classList.toggle('has-down', down > 0);
    brokerDots.replaceChildren(
      ...brokers.map((b) =>
        h('span', {
          className: `broker-dot ${b.state === 'up' ? 'tone-ok' : 'tone-bad'}`,
          attrs: {
            title: `broker ${b.id ?? '?'} ${b.host ?? '?'}:${b.port ?? '?'} ${b.state ?? 'unknown'}`,
            'data-broker-id': b.id,
            'data-state': b.state === 'up' ? 'up' : 'down',
          },
        }),
      ),
    );
  }

  return { renderConnection, renderEnvironment };
}

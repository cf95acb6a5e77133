/**
 * The header: connection indicator, the server's refusal of this page (a banner under the
 * header, and the indicator's tooltip), and environment kind and state (brokers have their
 * own tiles).
 */
import { setAttr, setText, setTone } from '../dom.js';
import { envStateTone } from '../vocabulary.js';

export function createHeaderView(doc = document) {
  const connection = doc.getElementById('connection');
  const refusal = doc.getElementById('refusal');
  const kind = doc.getElementById('env-kind');
  const state = doc.getElementById('env-state');

  function renderConnection(model) {
    const connected = model.connection === 'connected';
    const label = connected ? 'connected' : 'disconnected';
    setText(connection, label);
    setAttr(connection, 'data-state', label);
    // The server's own sentence says what to do (open the printed address); as text only.
    setAttr(connection, 'title', model.refusal);
    setText(refusal, model.refusal);
    refusal.hidden = model.refusal === null;
  }

  function renderEnvironment(model) {
    const env = model.environment;
    setText(kind, env?.kind ?? '—');
    const stateText = env?.state ?? 'unknown';
    setText(state, stateText);
    setAttr(state, 'data-state', ['stopped', 'starting', 'running', 'stopping', 'failed'].includes(stateText) ? stateText : 'unknown');
    setTone(state, envStateTone(stateText));
    setAttr(state, 'title', env?.error ? `Error: ${env.error}` : env?.bootstrapServers ?? null);
  }

  return { renderConnection, renderEnvironment };
}

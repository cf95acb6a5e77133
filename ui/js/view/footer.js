/** The footer line: platform health, uptime, discovery and rejected records. */
import { setAttr, setText } from '../dom.js';
import { millis, span } from '../format.js';

export function createFooterView(doc = document, endpointLabel = '') {
  const root = doc.getElementById('health');
  const status = doc.getElementById('health-status');
  const uptime = doc.getElementById('health-uptime');
  const discovery = doc.getElementById('health-discovery');
  const rejected = doc.getElementById('rejected-count');
  const rejectedDetail = doc.getElementById('rejected-detail');
  setText(doc.getElementById('endpoint'), endpointLabel);

  function render(model) {
    const health = model.health;
    const unreachable = model.snapshotErrors.size > 0;
    setText(status, unreachable ? `API unreachable (${[...model.snapshotErrors].join(', ')})` : health?.status ?? 'unknown');
    setAttr(root, 'data-status', unreachable ? 'degraded' : health?.status === 'ok' ? 'ok' : health ? 'degraded' : 'unknown');
    // Discovery replays only while an environment starts or runs; idle, there is nothing to say.
    const live = ['starting', 'running'].includes(model.environment?.state);
    if (live && health?.discovery.replayed) {
      setText(discovery, `${health.discovery.records ?? '?'} record(s) replayed in ${millis(health.discovery.elapsedMs)}`);
    } else {
      setText(discovery, live && health ? 'replaying…' : '—');
    }
    const total = health?.rejectedTotal ?? 0;
    setText(rejected, String(total));
    rejected.classList.toggle('has-rejected', total > 0);
    const parts = [];
    for (const [topic, reasons] of health?.rejectedByTopic ?? []) {
      for (const [reason, count] of reasons) parts.push(`${topic}: ${reason} ×${count}`);
    }
    setText(rejectedDetail, parts.length ? `(${parts.slice(0, 4).join(', ')}${parts.length > 4 ? ', …' : ''})` : '');
    tick(model);
  }

  /** Uptime keeps counting between snapshots. */
  function tick(model) {
    const health = model.health;
    setText(uptime, health?.uptimeMs != null ? span(health.uptimeMs + (Date.now() - model.healthAtMs)) : '—');
  }

  return { render, tick };
}

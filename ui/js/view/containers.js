/**
 * The docker environment's containers view, inside the launch panel: each service's
 * container with its state and health, start / stop / restart for brokers and sidecars (the
 * server says which, per row), and "Add a producer". Shown only while the environment has
 * containers to list: GET /api/environment/containers answers 409 elsewhere.
 */
import { h, setTone } from '../dom.js';
import { text } from '../format.js';
import { CONTAINER_ACTIONS as ACTIONS } from '../vocabulary.js';
const STATE_TONE = { running: 'ok', paused: 'warn', restarting: 'warn', created: 'info', exited: 'bad', dead: 'bad' };
const HEALTH_TONE = { healthy: 'ok', starting: 'info', unhealthy: 'bad', none: 'info' };

/** Rows from the API, each field bounded text; actions only the known words. */
export function parseContainers(raw) {
  return (Array.isArray(raw) ? raw : []).map((row) => ({
    service: text(row?.service, 64) ?? '?',
    name: text(row?.name, 128) ?? '',
    state: text(row?.state, 20) ?? '?',
    health: text(row?.health, 20) ?? 'none',
    actions: (Array.isArray(row?.actions) ? row.actions : []).filter((a) => ACTIONS.includes(a)),
  }));
}

export function createContainersView(doc, { getJson, postJson, toast }) {
  const root = doc.getElementById('launch-containers');
  const rows = doc.getElementById('launch-containers-rows');
  const add = doc.getElementById('launch-add-producer');
  let busy = false;

  async function refresh() {
    try {
      render(parseContainers(await getJson('/api/environment/containers')));
      root.hidden = false;
    } catch {
      // No containers here (rehearsal, local, external) or not running yet.
      root.hidden = true;
    }
  }

  async function act(service, action) {
    if (busy) return;
    busy = true;
    try {
      await postJson(`/api/environment/containers/${encodeURIComponent(service)}/${action}`);
      toast.show('ok', `${service}: ${action} done`);
    } catch (error) {
      toast.error(`Could not ${action} ${service}: ${error.message}`);
    } finally {
      busy = false;
      refresh();
    }
  }

  async function addProducer() {
    if (busy) return;
    busy = true;
    add.disabled = true;
    add.textContent = 'Adding…';
    try {
      const answer = await postJson('/api/environment/producers');
      toast.show('ok', `${text(answer?.added, 64) ?? 'A producer'} started; its sidecar registers itself`);
    } catch (error) {
      toast.error(`Could not add a producer: ${error.message}`);
    } finally {
      busy = false;
      add.disabled = false;
      add.textContent = 'Add a producer';
      refresh();
    }
  }

  function render(containers) {
    rows.replaceChildren(...containers.map((row) => {
      const state = h('td', { className: 'container-state', text: row.state });
      setTone(state, STATE_TONE[row.state] ?? 'info');
      const health = h('td', { className: 'container-health', text: row.health });
      setTone(health, HEALTH_TONE[row.health] ?? 'info');
      const buttons = row.actions.map((action) => {
        const button = h('button', { text: action, attrs: { 'data-action': action, 'data-service': row.service } });
        button.type = 'button';
        button.disabled = busy;
        button.addEventListener('click', () => act(row.service, action));
        return button;
      });
      return h('tr', { attrs: { 'data-service': row.service } },
        h('td', { className: 'container-service', text: row.service }), state, health, h('td', {}, ...buttons));
    }));
  }

  add.addEventListener('click', addProducer);
  return { refresh };
}

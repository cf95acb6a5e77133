/**
 * The scenario panel: a button per scenario (idle, running, passed, failed), the current
 * step's talk track, the stopwatch when a run ends, and "Restore all", always there.
 * It keeps its own small state: runs are followed from `scenario` events and
 * GET /api/runs/{id}; everything shown from the server is set as text.
 */
import { h, setAttr, setText } from '../dom.js';
import { text } from '../format.js';

export function createScenariosPanel(doc, { getJson, postJson }) {
  const list = doc.getElementById('scenarios');
  const talk = doc.getElementById('scenario-talk');
  const result = doc.getElementById('scenario-result');
  const restore = doc.getElementById('restore-all');
  const buttons = new Map();
  let running = null;

  function say(node, sentence, tone = null) {
    setText(node, sentence);
    setAttr(node, 'data-tone', tone);
  }

  function setState(id, state) {
    const button = buttons.get(id);
    if (button) setAttr(button, 'data-state', state);
    for (const [other, b] of buttons) b.disabled = state === 'running' && other !== id;
  }

  async function start(id) {
    if (running) return;
    say(result, '');
    try {
      const answer = await postJson(`/api/scenarios/${encodeURIComponent(id)}/run`);
      running = { id, runId: text(answer.runId, 120) };
      setState(id, 'running');
    } catch (error) {
      say(result, error.message, 'bad');
    }
  }

  async function refresh() {
    let scenarios;
    try {
      scenarios = await getJson('/api/scenarios');
    } catch {
      return;
    }
    if (!Array.isArray(scenarios)) return;
    list.replaceChildren();
    buttons.clear();
    for (const scenario of scenarios) {
      const id = text(scenario?.id, 64);
      if (!id) continue;
      const button = h('button', {
        className: 'scenario-button',
        text: text(scenario.title, 80) ?? id,
        attrs: { 'data-scenario-id': id, 'data-state': 'idle', title: text(scenario.summary, 300) ?? '' },
      });
      button.type = 'button';
      button.disabled = scenario.supported !== true;
      button.addEventListener('click', () => start(id));
      buttons.set(id, button);
      list.append(button);
    }
  }

  async function finished(runId, id) {
    let run;
    try {
      run = await getJson(`/api/runs/${encodeURIComponent(runId)}`);
    } catch {
      return;
    }
    const status = run?.status === 'passed' ? 'passed' : 'failed';
    setState(id, status);
    const watch = run?.stopwatch ?? {};
    const seconds = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '—');
    const times = `detected after ${seconds(watch.detectedAfterMs)}, healed at ${seconds(watch.healedAtMs)}, all STABLE ${seconds(watch.recoveredAfterMs)} after the heal`;
    const why = status === 'failed' ? ` ${text(run?.reason, 300) ?? ''}` : '';
    say(result, `${status === 'passed' ? 'Passed' : 'Failed'}: ${times}.${why}`, status === 'passed' ? 'ok' : 'bad');
  }

  function onEvent(event) {
    if (event?.type !== 'scenario') return;
    const id = text(event.scenarioId, 64);
    const runId = text(event.runId, 120);
    if (event.phase === 'started') {
      running = { id, runId };
      setState(id, 'running');
      say(result, '');
    } else if (event.phase === 'step' && text(event.text)) {
      say(talk, text(event.text));
    } else if (event.phase === 'finished') {
      running = null;
      finished(runId, id);
    }
  }

  restore.addEventListener('click', async () => {
    restore.disabled = true;
    say(result, 'Restoring: reverting every fault, then checking that all is green…');
    try {
      const report = await postJson('/api/faults/restore');
      const reverted = Array.isArray(report?.reverted) ? report.reverted.length : 0;
      say(result, report?.green === true
        ? `Restored: ${reverted} fault(s) reverted; everything is green.`
        : `Restore reverted ${reverted} fault(s), but not everything is green yet.`, report?.green === true ? 'ok' : 'bad');
    } catch (error) {
      say(result, error.message, 'bad');
    } finally {
      restore.disabled = false;
    }
  });

  return { refresh, onEvent };
}

/**
 * The scenario panel: a button per scenario showing its state (idle, running, passed,
 * failed), the current step's talk track, the stopwatch when a run ends, and "Restore all",
 * always there. It keeps its own small state: runs are followed from `scenario` events and
 * GET /api/runs/{id}; everything shown from the server is set as text. A refused request
 * also raises a toast. A finished run's report is offered through `report` (report.js).
 */
import { h, setAttr, setText } from '../dom.js';
import { text } from '../format.js';

const STATE_MARK = { idle: '', running: '…', passed: ' ✓', failed: ' ✗' };

export function createScenariosPanel(doc, { getJson, postJson, toast, report }) {
  const list = doc.getElementById('scenarios');
  const talk = doc.getElementById('scenario-talk');
  const result = doc.getElementById('scenario-result');
  const restore = doc.getElementById('restore-all');
  /** scenario id → { button, mark }, in list order */
  const buttons = new Map();
  let running = null;

  function say(node, sentence, tone = null) {
    setText(node, sentence);
    setAttr(node, 'data-tone', tone);
  }

  function setState(id, state) {
    const entry = buttons.get(id);
    if (entry) {
      setAttr(entry.button, 'data-state', state);
      setText(entry.mark, STATE_MARK[state]);
    }
    for (const [other, { button, supported }] of buttons) button.disabled = !supported || (state === 'running' && other !== id);
  }

  async function start(id) {
    if (running) return;
    say(result, '');
    try {
      const answer = await postJson(`/api/scenarios/${encodeURIComponent(id)}/run`);
      running = { id, runId: text(answer?.runId, 120) };
      setState(id, 'running');
    } catch (error) {
      say(result, error.message, 'bad');
      toast.error(`Scenario ${id}: ${error.message}`);
    }
  }

  /** The n-th scenario in list order (keyboard 1–6). */
  function runAt(index) {
    const id = [...buttons.keys()][index];
    if (id && buttons.get(id).supported) start(id);
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
    for (const [index, scenario] of scenarios.entries()) {
      const id = text(scenario?.id, 64);
      if (!id) continue;
      const mark = h('span', { className: 'scenario-mark' });
      const button = h('button', {
        className: 'scenario-button',
        attrs: { 'data-scenario-id': id, 'data-state': 'idle', title: [text(scenario.title, 80), text(scenario.summary, 300)].filter(Boolean).join(': ') },
      }, index < 9 ? h('kbd', { className: 'scenario-key', text: String(index + 1) }) : null, h('span', { className: 'scenario-title', text: text(scenario.title, 80) ?? id }), mark);
      button.type = 'button';
      const supported = scenario.supported === true;
      button.disabled = !supported;
      button.addEventListener('click', () => start(id));
      buttons.set(id, { button, mark, supported });
      list.append(button);
    }
    if (running) setState(running.id, 'running');
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
      report.started();
    } else if (event.phase === 'step' && text(event.text)) {
      say(talk, text(event.text));
    } else if (event.phase === 'finished') {
      running = null;
      if (runId) report.finished(runId);
      finished(runId, id);
    }
  }

  async function restoreAll() {
    if (restore.disabled) return;
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
      toast.error(`Restore all: ${error.message}`);
    } finally {
      restore.disabled = false;
    }
  }

  restore.addEventListener('click', restoreAll);

  return { refresh, onEvent, runAt, restoreAll };
}

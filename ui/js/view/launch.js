/**
 * The launch panel. While no environment runs it covers the dashboard: choose an environment
 * (the detected one preselected, with why), see its pre-flight checks and blockers, Start,
 * and follow each step with its time. Once running it shrinks to a bar: kind, time since
 * start, Stop. Its state comes from GET /api/launch and `launch` / `environment` events.
 * A server without /api/launch (it starts its environment by itself) hides the panel.
 */
import { h, setAttr, setText, setTone } from '../dom.js';
import { millis, span } from '../format.js';
import { envStateTone } from '../vocabulary.js';
import { parseBlockers, parseLaunch, parsePreflight, withStep } from '../launch.js';

/** States in which the environment is busy or up: nothing new can be started. */
const BUSY = new Set(['starting', 'running', 'stopping']);
const STATUS_MARK = { started: '…', done: '✓', failed: '✗' };

export function createLaunchPanel(doc, { getJson, postJson, toast, serverNow, onChange }) {
  const $ = (id) => doc.getElementById(id);
  const root = $('launch');
  const el = {
    kind: $('launch-kind'), state: $('launch-state'), elapsed: $('launch-elapsed'), stop: $('launch-stop'), toggle: $('launch-toggle'),
    detected: $('launch-detected'), choices: $('launch-choices'), bootstrapRow: $('launch-bootstrap-row'), bootstrap: $('launch-bootstrap'),
    checks: $('launch-checks'), blockers: $('launch-blockers'), start: $('launch-start'),
    steps: $('launch-steps'), stepsEmpty: $('launch-steps-empty'), total: $('launch-total'), error: $('launch-error'), leave: $('launch-leave'),
    ledger: $('launch-ledger'),
  };
  let launch = null;
  let selected = null;
  /** The pre-flight of the selected kind: null while loading. */
  let preflight = null;
  let preflightToken = 0;
  /** Blockers a refused start named (422), shown until the selection changes. */
  let refusedBlockers = [];
  let requesting = false;
  /** The user opened the details of a running environment. */
  let expanded = false;

  async function refresh() {
    try {
      apply(await getJson('/api/launch'));
    } catch (error) {
      // An older server starts its environment itself and has no launch API: no panel.
      if (error.status === 404) {
        launch = null;
        setAttr(root, 'data-mode', 'hidden');
        root.hidden = true;
        return;
      }
      console.warn('faultline: could not load /api/launch', error);
    }
  }

  function apply(raw) {
    const next = parseLaunch(raw);
    if (!next) return;
    const previousState = launch?.state;
    launch = next;
    // A pre-flight is for now: check again whenever the environment comes to rest.
    let recheck = previousState !== launch.state && !BUSY.has(launch.state);
    if (selected === null || !launch.choices.some((c) => c.kind === selected && c.available)) {
      selected = defaultChoice(launch);
      refusedBlockers = [];
      recheck = true;
    }
    render();
    if (recheck) loadPreflight();
    if (previousState !== launch.state) onChange?.(launch.state);
  }

  function onEvent(event) {
    if (event?.type === 'launch') apply(event);
    else if (event?.type === 'environment' && launch) {
      launch.steps = withStep(launch.steps, event);
      render();
    }
  }

  function select(kind) {
    selected = kind;
    refusedBlockers = [];
    loadPreflight();
    render();
  }

  async function loadPreflight() {
    const token = ++preflightToken;
    preflight = null;
    if (!selected || BUSY.has(launch?.state)) return;
    try {
      const report = parsePreflight(await getJson(`/api/launch/preflight?kind=${encodeURIComponent(selected)}`));
      if (token === preflightToken) preflight = report;
    } catch (error) {
      if (token === preflightToken) preflight = { kind: selected, ok: false, checks: [], blockers: [{ what: `Pre-flight could not run: ${error.message}`, fix: null }] };
    }
    if (token === preflightToken) render();
  }

  /** Whether the selected kind needs bootstrap servers (its choice says so). */
  function asksBootstrap() {
    return launch.choices.find((c) => c.kind === selected)?.needsBootstrap === true;
  }

  async function start() {
    if (!selected || requesting) return;
    const body = { kind: selected };
    if (asksBootstrap()) body.bootstrap = el.bootstrap.value.trim();
    requesting = true;
    // The new launch starts with no steps and no error: the last one's must not show meanwhile.
    launch = { ...launch, steps: [], error: null };
    render();
    try {
      apply(await postJson('/api/environment/start', body));
    } catch (error) {
      refusedBlockers = parseBlockers(error.body?.blockers);
      toast.error(`Could not start ${selected}: ${error.message}`);
      refresh();
    } finally {
      requesting = false;
      render();
    }
  }

  async function stop() {
    if (requesting) return;
    requesting = true;
    render();
    try {
      apply(await postJson('/api/environment/stop'));
    } catch (error) {
      toast.error(`Could not stop the environment: ${error.message}`);
    } finally {
      requesting = false;
      render();
    }
  }

  async function setLeaveRunning(value) {
    try {
      apply(await postJson('/api/launch/settings', { leaveRunningOnQuit: value }));
    } catch (error) {
      el.leave.checked = !value;
      toast.error(`Could not save the setting: ${error.message}`);
    }
  }

  // ---- drawing --------------------------------------------------------------------------

  function render() {
    if (!launch) return;
    root.hidden = false;
    const running = launch.state === 'running';
    setAttr(root, 'data-mode', running && !expanded ? 'bar' : 'full');
    setAttr(root, 'data-state', launch.state);
    setText(el.kind, launch.kind ?? '—');
    setText(el.state, launch.state);
    setTone(el.state, envStateTone(launch.state));
    el.stop.hidden = !(running || launch.state === 'starting');
    el.stop.disabled = requesting;
    el.toggle.hidden = !running;
    setText(el.toggle, expanded ? 'Hide details' : 'Details');
    setText(el.detected, launch.detected.reason ? `Detected: ${launch.detected.reason}` : '');
    renderChoices();
    renderPreflight();
    renderSteps();
    setText(el.error, launch.error ?? '');
    el.error.hidden = !launch.error;
    el.ledger.replaceChildren(...launch.ledgerUnreadable.map((u) =>
      h('li', { className: 'launch-ledger-item', text: `Fault ledger: ${u.sentence}` })));
    el.ledger.hidden = launch.ledgerUnreadable.length === 0;
    el.leave.checked = launch.leaveRunningOnQuit;
    tick();
  }

  function renderChoices() {
    const busy = BUSY.has(launch.state);
    el.choices.replaceChildren(h('legend', { text: 'Environment' }), ...launch.choices.map((choice) => {
      const input = h('input', { attrs: { id: `launch-choice-${choice.kind}` } });
      input.type = 'radio';
      input.name = 'launch-kind';
      input.value = choice.kind;
      input.checked = choice.kind === selected;
      input.disabled = !choice.available || busy;
      input.addEventListener('change', () => select(choice.kind));
      return h('label', { className: 'launch-choice', attrs: { 'data-kind': choice.kind, 'data-available': String(choice.available) } },
        input,
        h('span', { className: 'launch-choice-title', text: choice.title ?? choice.kind }),
        choice.reason ? h('span', { className: 'launch-choice-reason', text: choice.reason }) : null);
    }));
    el.bootstrapRow.hidden = !asksBootstrap();
  }

  function renderPreflight() {
    const busy = BUSY.has(launch.state);
    const report = preflight && preflight.kind === selected ? preflight : null;
    el.checks.replaceChildren(...(busy ? [] : report ? report.checks.map((check) =>
      h('li', { className: `launch-check tone-${check.ok ? 'ok' : 'bad'}`, attrs: { 'data-ok': String(check.ok) } },
        h('span', { className: 'launch-mark', text: check.ok ? '✓' : '✗' }), ' ',
        h('span', { className: 'launch-check-name', text: check.name }),
        check.detail ? [' ', h('span', { className: 'launch-check-detail', text: check.detail })] : null))
      : selected ? [h('li', { className: 'launch-check', text: 'Checking…' })] : []));
    const blockers = [...(report?.blockers ?? []), ...refusedBlockers];
    el.blockers.replaceChildren(...blockers.map((b) =>
      h('li', { className: 'launch-blocker' },
        h('span', { className: 'launch-blocker-what', text: b.what }),
        b.fix ? [' ', h('span', { className: 'launch-blocker-fix', text: `Fix: ${b.fix}` })] : null)));
    const choice = launch.choices.find((c) => c.kind === selected);
    const needsBootstrap = asksBootstrap() && !el.bootstrap.value.trim();
    el.start.disabled = busy || requesting || !choice?.available || !report || blockers.length > 0 || needsBootstrap;
    // `requesting` covers a Stop as well: only a request made while nothing runs is a start.
    const starting = launch.state === 'starting' || (requesting && !BUSY.has(launch.state));
    setText(el.start, launch.state === 'stopping' ? 'Stopping…' : starting ? 'Starting…' : `Start ${selected ?? ''}`.trim());
  }

  function renderSteps() {
    el.stepsEmpty.hidden = launch.steps.length > 0;
    el.steps.replaceChildren(...launch.steps.map((step) =>
      h('li', { className: `launch-step tone-${step.status === 'done' ? 'ok' : step.status === 'failed' ? 'bad' : 'info'}`, attrs: { 'data-status': step.status } },
        h('span', { className: 'launch-mark', text: STATUS_MARK[step.status] }), ' ',
        h('span', { className: 'launch-step-name', text: step.step }), ' ',
        h('span', { className: 'launch-step-time', text: step.status === 'started' ? '' : millis(step.elapsedMs) }),
        step.detail ? h('span', { className: 'launch-step-detail', text: step.detail }) : null,
        step.status === 'started' && step.percent !== null ? progressBar(step.percent) : null)));
  }

  /** Once a second: the time since start, and the running total while starting. */
  function tick() {
    if (!launch) return;
    const sinceStart = launch.startedAtMs === null ? null : serverNow() - launch.startedAtMs;
    setText(el.elapsed, launch.state === 'running' && sinceStart !== null ? `up ${span(sinceStart)}` : '');
    const stepsTotal = launch.steps.reduce((sum, s) => sum + (s.status === 'started' ? 0 : s.elapsedMs ?? 0), 0);
    const total = launch.state === 'starting' && sinceStart !== null ? sinceStart : stepsTotal;
    setText(el.total, launch.steps.length ? `total ${millis(total)}` : '');
  }

  el.start.addEventListener('click', start);
  el.stop.addEventListener('click', stop);
  el.toggle.addEventListener('click', () => { expanded = !expanded; render(); });
  el.leave.addEventListener('change', () => setLeaveRunning(el.leave.checked));
  el.bootstrap.addEventListener('input', () => render());

  return { refresh, onEvent, tick };
}

/** A pull's or build's progress, 0-100. */
function progressBar(percent) {
  const bar = h('progress', { className: 'launch-step-progress', attrs: { 'aria-label': `${percent} %` } });
  bar.max = 100;
  bar.value = percent;
  return bar;
}

/** What is running, else what the server detected, else the first available choice. */
function defaultChoice(launch) {
  if (launch.kind && BUSY.has(launch.state)) return launch.kind;
  const available = (kind) => launch.choices.some((c) => c.kind === kind && c.available);
  if (available(launch.detected.kind)) return launch.detected.kind;
  return launch.choices.find((c) => c.available)?.kind ?? null;
}

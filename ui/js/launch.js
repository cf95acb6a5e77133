/**
 * The launch state (GET /api/launch, `launch` events) and a pre-flight report
 * (GET /api/launch/preflight), parsed into plain values. Everything from the network is
 * kept as text; kinds are additionally checked against an id pattern because they name
 * element ids (`#launch-choice-<kind>`).
 */
import { number, text } from './format.js';
import { LAUNCH_STATES, STEP_STATUSES } from './vocabulary.js';

const KIND = /^[a-z][a-z0-9-]{0,31}$/;

/** A kind usable in an id, or null. */
export function kindOf(value) {
  return typeof value === 'string' && KIND.test(value) ? value : null;
}

export function parseLaunch(raw) {
  if (raw === null || typeof raw !== 'object') return null;
  const state = LAUNCH_STATES.includes(raw.state) ? raw.state : 'stopped';
  return {
    kind: kindOf(raw.kind),
    state,
    detected: raw.detected && typeof raw.detected === 'object'
      ? { kind: kindOf(raw.detected.kind), reason: text(raw.detected.reason, 300) }
      : { kind: null, reason: null },
    choices: (Array.isArray(raw.choices) ? raw.choices : [])
      .map((c) => ({ kind: kindOf(c?.kind), title: text(c?.title, 80), available: c?.available === true, reason: text(c?.reason, 300), needsBootstrap: c?.needsBootstrap === true }))
      .filter((c) => c.kind !== null),
    steps: (Array.isArray(raw.steps) ? raw.steps : []).map(parseStep).filter(Boolean),
    startedAtMs: number(raw.startedAtMs),
    error: text(raw.error),
    leaveRunningOnQuit: raw.leaveRunningOnQuit === true,
    ledgerUnreadable: parseUnreadable(raw.ledgerUnreadable),
  };
}

/** Remains of the fault ledger the start could not read: `{path, bytes, sentence}` each. */
export function parseUnreadable(list) {
  return (Array.isArray(list) ? list : [])
    .map((u) => ({ path: text(u?.path, 300), bytes: number(u?.bytes), sentence: text(u?.sentence) }))
    .filter((u) => u.sentence !== null);
}

/** One step, from the launch JSON or an `environment` event (same fields). */
export function parseStep(raw) {
  const step = text(raw?.step, 120);
  if (!step) return null;
  return {
    step,
    status: STEP_STATUSES.includes(raw.status) ? raw.status : 'started',
    detail: text(raw.detail, 300),
    elapsedMs: number(raw.elapsedMs),
    // How far a running pull or build is, 0-100; null when unknown.
    percent: Number.isInteger(raw.percent) && raw.percent >= 0 && raw.percent <= 100 ? raw.percent : null,
  };
}

/** Steps after an `environment` event: a step already listed is updated, a new one appended. */
export function withStep(steps, raw) {
  const step = parseStep(raw);
  if (!step) return steps;
  const at = steps.findIndex((s) => s.step === step.step);
  if (at === -1) return [...steps, step];
  const next = [...steps];
  next[at] = step;
  return next;
}

export function parsePreflight(raw) {
  if (raw === null || typeof raw !== 'object') return null;
  return {
    kind: kindOf(raw.kind),
    ok: raw.ok === true,
    checks: (Array.isArray(raw.checks) ? raw.checks : [])
      .map((c) => ({ name: text(c?.name, 80) ?? '?', ok: c?.ok === true, detail: text(c?.detail, 300) })),
    blockers: parseBlockers(raw.blockers),
  };
}

export function parseBlockers(list) {
  return (Array.isArray(list) ? list : []).map((b) => ({ what: text(b?.detail, 300) ?? '?', fix: text(b?.fix, 300) }));
}

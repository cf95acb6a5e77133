/**
 * The platform's typed vocabulary (see docs/protocol.md), and how each word looks.
 * Only these known words ever become CSS classes; anything else the network sends is
 * still shown as text, with a neutral look.
 */

// Every word list below must equal its Rust enum's serialised variants
// (crates/platform/tests/ui_vocabulary.rs checks it); each tone table has exactly its
// list's words as keys.

/** Every `type` the platform sends: its events (`wire::Event`), `lagged`, and a replay's `replay`. */
export const EVENT_TYPES = [
  'sidecar-status', 'discovery-replayed', 'signal', 'sign', 'condition', 'broker', 'fault', 'restore',
  'scenario', 'consumer-lag', 'speech-act', 'response', 'episode', 'rejected', 'environment', 'launch',
  'lagged', 'replay',
];
export const STATUSES = ['ACTIVE', 'INACTIVE', 'DEPARTED'];
export const CONDITIONS = ['STABLE', 'CONVERGING', 'DIVERGING', 'ERRATIC', 'DEGRADED', 'DEFECTIVE', 'DOWN'];
export const CONFIDENCES = ['TENTATIVE', 'MEASURED', 'CONFIRMED'];
export const SITUATIONS = ['NORMAL', 'WARNING', 'CRITICAL'];
export const QUEUE_SIGNS = ['ENQUEUE', 'DEQUEUE', 'OVERFLOW', 'UNDERFLOW'];
export const SUBJECT_KINDS = ['sidecar', 'broker', 'consumer-group'];
export const SPEECH_ACTS = ['REPORT', 'REQUEST'];
export const EPISODE_OUTCOMES = ['healed', 'not-healed', 'refused'];
export const FAULT_ACTIONS = ['injected', 'reverted', 'failed'];
export const RUN_PHASES = ['started', 'step', 'expectation', 'recovered', 'finished'];
export const RUN_STATUSES = ['running', 'passed', 'failed'];
export const LAUNCH_STATES = ['stopped', 'starting', 'running', 'stopping', 'failed'];
export const STEP_STATUSES = ['started', 'done', 'failed'];
/** A broker's process or container in `GET /api/environment` (`brokers[].state`). */
export const BROKER_STATES = ['up', 'down'];
export const CONTAINER_ACTIONS = ['start', 'stop', 'restart'];

/** Tone classes shared by every badge: ok (green), warn (amber), bad (red), muted (grey), info (blue). */
const STATUS_TONE = { ACTIVE: 'ok', INACTIVE: 'warn', DEPARTED: 'muted' };
const CONDITION_TONE = {
  STABLE: 'ok',
  CONVERGING: 'info',
  DIVERGING: 'warn',
  ERRATIC: 'warn',
  DEGRADED: 'bad',
  DEFECTIVE: 'bad',
  DOWN: 'bad',
};
const SITUATION_TONE = { NORMAL: 'ok', WARNING: 'warn', CRITICAL: 'bad' };
const ENV_STATE_TONE = { running: 'ok', starting: 'warn', stopping: 'warn', stopped: 'muted', failed: 'bad' };
const EPISODE_TONE = { healed: 'ok', 'not-healed': 'bad', refused: 'warn' };
const SIGN_TONE = { ENQUEUE: 'warn', DEQUEUE: 'ok', OVERFLOW: 'bad', UNDERFLOW: 'info' };

const toneOf = (table, value) => (typeof value === 'string' && Object.hasOwn(table, value) ? table[value] : 'muted');

export const statusTone = (value) => toneOf(STATUS_TONE, value);
export const conditionTone = (value) => toneOf(CONDITION_TONE, value);
export const situationTone = (value) => toneOf(SITUATION_TONE, value);
export const envStateTone = (value) => toneOf(ENV_STATE_TONE, value);
export const episodeTone = (value) => toneOf(EPISODE_TONE, value);
export const signTone = (value) => toneOf(SIGN_TONE, value);

/** A known word, or null: for data-* attributes and class names. */
export function known(value, words) {
  return typeof value === 'string' && words.includes(value) ? value : null;
}

/** 'passed' or 'failed' for a finished scenario event (its `status`). */
export function scenarioOutcome(event) {
  return event?.status === 'passed' ? 'passed' : 'failed';
}

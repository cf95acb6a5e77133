/**
 * The platform's typed vocabulary (see docs/protocol.md), and how each word looks.
 * Only these known words ever become CSS classes; anything else the network sends is
 * still shown as text, with a neutral look.
 */

export const STATUSES = ['ACTIVE', 'INACTIVE', 'DEPARTED'];
export const CONDITIONS = ['STABLE', 'CONVERGING', 'DIVERGING', 'ERRATIC', 'DEGRADED', 'DEFECTIVE', 'DOWN'];
export const CONFIDENCES = ['TENTATIVE', 'MEASURED', 'CONFIRMED'];
export const SITUATIONS = ['NORMAL', 'WARNING', 'CRITICAL'];

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

/**
 * Which stage of the OODA loop an event belongs to (docs/protocol.md's events):
 * the sidecars OBSERVE, the detectors ORIENT, the coordinator DECIDEs, commands and faults ACT.
 */
export const STAGES = ['OBSERVE', 'ORIENT', 'DECIDE', 'ACT'];

const DECIDING_RESPONSES = new Set(['ACKNOWLEDGE', 'PROMISE', 'DENY', 'EXPLAIN']);
const ACTING_RESPONSES = new Set(['COMMAND', 'DELIVER']);

/** @returns {'OBSERVE'|'ORIENT'|'DECIDE'|'ACT'|null} */
export function stageOf(event) {
  switch (event?.type) {
    case 'signal':
    case 'sign':
    case 'broker':
    case 'consumer-lag':
      return 'OBSERVE';
    case 'condition':
      return 'ORIENT';
    case 'speech-act':
      return event.act === 'REQUEST' ? 'DECIDE' : null;
    case 'response':
      if (DECIDING_RESPONSES.has(event.act)) return 'DECIDE';
      return ACTING_RESPONSES.has(event.act) ? 'ACT' : null;
    case 'fault':
    case 'restore':
      return 'ACT';
    default:
      return null;
  }
}
